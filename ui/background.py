"""Work the app does off the answer's path: one worker thread per server process, jobs keyed by what they answer.

The compare page's quick answer must come back at slider speed (issue 18: < 0.5 s server time for a target
move). A scheme's band over the behaviour assumptions (:mod:`model.behaviour.band`) costs about a dozen
equilibrium solves, seconds per scheme, so the page shows the numbers at once, says the band is being computed,
and hands the solves to this runner. A poll (a ``st.fragment`` with ``run_every``, in the page) reruns the page
when the job is done; the band then comes from the base run's cache in milliseconds.

A job is a callable ``fn(stop)`` where ``stop`` is a :class:`threading.Event`: a newer request from the same
session (the next slider move) sets it, and the job stops before its next solve, so a superseded band never
delays the next answer by more than one solve. One worker thread: jobs never run two solves at once on the 2
cores the app shares with its users' sessions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

#: Finished jobs kept for their answers' keys (a finished job is forgotten after this many newer ones).
KEEP = 32


@dataclass
class Job:
    future: Future
    stop: threading.Event = field(default_factory=threading.Event)


class Runner:
    """Jobs by key on one worker thread (:meth:`submit`, :meth:`done`, :meth:`supersede`, :meth:`wait`)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csim-background")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._owner: dict[str, str] = {}  # session token -> its latest key
        self._lock = threading.Lock()

    def submit(self, key: str, fn: Callable[[threading.Event], Any], owner: str | None = None) -> Job:
        """Start ``fn(stop)`` for ``key`` unless a job for it waits or runs already (then that one), or one
        failed (then that one too: :meth:`error` says why, and a failing job is never retried in a loop)."""
        with self._lock:
            job = self._jobs.get(key)
            live = job is not None and not job.future.done() and not job.stop.is_set()
            failed = job is not None and job.future.done() and job.future.exception() is not None
            if not (live or failed):
                job = Job(self._pool.submit(fn, stop := threading.Event()), stop)
                self._jobs[key] = job
                self._jobs.move_to_end(key)
                while len(self._jobs) > KEEP:
                    old, first = next(iter(self._jobs.items()))
                    if not first.future.done():
                        break
                    del self._jobs[old]
            self._own(owner, key)
            return job

    def _own(self, owner: str | None, key: str) -> None:
        if owner is not None:
            self._owner[owner] = key

    def supersede(self, owner: str, key: str) -> None:
        """The session ``owner`` now asks for ``key``: stop its job for an older key (if it has one)."""
        with self._lock:
            old = self._owner.get(owner)
            if old is not None and old != key:
                job = self._jobs.get(old)
                if job is not None and not job.future.done():
                    job.stop.set()
            self._owner[owner] = key

    def pending(self, key: str) -> bool:
        """True while a job for ``key`` waits or runs."""
        with self._lock:
            job = self._jobs.get(key)
            return job is not None and not job.future.done()

    def done(self, key: str) -> bool:
        """True once no job for ``key`` waits or runs (finished, failed, stopped or never started)."""
        return not self.pending(key)

    def error(self, key: str) -> BaseException | None:
        """The exception a finished job for ``key`` raised (None if it finished well or is not finished)."""
        with self._lock:
            job = self._jobs.get(key)
        if job is None or not job.future.done():
            return None
        return job.future.exception()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every job is finished (the tests' way to see a band land); False on timeout."""
        with self._lock:
            futures = [j.future for j in self._jobs.values()]
        from concurrent.futures import wait

        _, left = wait(futures, timeout=timeout)
        return not left
