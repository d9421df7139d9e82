"""Work the app does off the answer's path: one worker thread per server process, jobs keyed by what they answer.

The compare page's quick answer must come back at slider speed (issue 18: < 0.5 s server time for a target
move). A scheme's band over the behaviour assumptions (:mod:`model.behaviour.band`) costs about a dozen
equilibrium solves, seconds per scheme, so the page shows the numbers at once, says the band is being computed,
and hands the solves to this runner. A poll (a ``st.fragment`` with ``run_every``, in the page) reruns the page
when the job is done; the band then comes from the base run's cache in milliseconds.

A job is a callable ``fn(stop)`` where ``stop`` is a :class:`Stop` (a :class:`threading.Event`): a newer
request from the same session (the next slider move) sets it, and the job stops at the next step of its solve.
One worker thread: jobs never run two solves at once on the 2 cores the app shares with its users' sessions.

The worker and the pages' script runs are threads of one process, so they share Python's interpreter lock: a
band solving beside an answer used to take half of the answer's interpreter time (a target move cost 1.3 s
instead of about 0.6 s while the previous move's band solved). So every page run holds :func:`foreground` (app.py),
and :meth:`Stop.pause`, which a band calls between the steps of its solves (:func:`model.behaviour.band.checkpoint`),
waits while any session's page run is in progress: the answer gets the interpreter to itself, and the band
goes on in the idle time between moves, at most :data:`MAX_PAUSE_S` late per step (so a server that is never
idle still lands its bands).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

#: Finished jobs kept for their answers' keys (a finished job is forgotten after this many newer ones).
KEEP = 32
#: The longest a background step waits for the page runs to finish (seconds).
MAX_PAUSE_S = 3.0


class _Gate:
    """How many page runs are in progress in this process; ``idle`` is set when there are none."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active = 0
        self.idle = threading.Event()
        self.idle.set()

    def enter(self) -> None:
        with self.lock:
            self.active += 1
            self.idle.clear()

    def leave(self) -> None:
        with self.lock:
            self.active = max(self.active - 1, 0)
            if self.active == 0:
                self.idle.set()


_GATE = _Gate()


@contextmanager
def foreground() -> Iterator[None]:
    """Hold while a page computes an answer (app.py wraps every page run): background steps wait meanwhile."""
    _GATE.enter()
    try:
        yield
    finally:
        _GATE.leave()


def busy() -> bool:
    """True while some page run holds :func:`foreground`."""
    return not _GATE.idle.is_set()


class Stop(threading.Event):
    """A job's stop event; :meth:`pause` is the job's yield point."""

    def pause(self, timeout: float = MAX_PAUSE_S) -> None:
        """Wait (at most ``timeout`` s) until no page run is in progress, or until the job is stopped (looked at
        every 50 ms, so a superseded job frees the worker for the next one at once)."""
        deadline = time.monotonic() + timeout
        while not _GATE.idle.is_set() and not self.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            _GATE.idle.wait(min(0.05, left))


@dataclass
class Job:
    future: Future
    stop: Stop = field(default_factory=Stop)


class Runner:
    """Jobs by key on one worker thread (:meth:`submit`, :meth:`done`, :meth:`supersede`, :meth:`wait`)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csim-background")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._owner: dict[str, str] = {}  # session token -> its latest key
        self._lock = threading.Lock()

    def submit(self, key: str, fn: Callable[[Stop], Any], owner: str | None = None) -> Job:
        """Start ``fn(stop)`` for ``key`` unless a job for it waits or runs already (then that one), or one
        failed (then that one too: :meth:`error` says why, and a failing job is never retried in a loop)."""
        with self._lock:
            job = self._jobs.get(key)
            live = job is not None and not job.future.done() and not job.stop.is_set()
            failed = job is not None and job.future.done() and job.future.exception() is not None
            if not (live or failed):
                job = Job(self._pool.submit(fn, stop := Stop()), stop)
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
