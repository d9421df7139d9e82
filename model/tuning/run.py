"""The one place where tuning meets the comparison path: evaluate one sweep point, and the executors.

Everything the tuning layer knows about a point comes from the scheme comparison document
(``{"baseline_scheme", "schemes": {name: {"team", "economics", "reach_share", "per_replication", ...}}}``), so
whatever the comparison path computes (pure mechanics today, agents' behaviour later) reaches the sweeps
without changes here. Tuning never computes a scheme's effects itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from collections.abc import Iterator, MutableMapping
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from model.edits import with_edits
from model.effects import Effects
from model.errors import ScenarioError
from model.limits import check_workers
from model.pipeline import compare_schemes, run_key
from model.schema import Scenario

#: Bumped when the stored rows of a point would change for the same scenario (a new column, a model fix).
STORE_VERSION = 1


def scenario_hash(s: Scenario) -> str:
    """A stable hash of a whole scenario (every key, including replications and seed)."""
    text = json.dumps(s.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"v{STORE_VERSION}:{text}".encode()).hexdigest()[:20]


def apply_point(s: Scenario, point: dict[str, Any], *, file: str = "<sweep>") -> Scenario:
    """The scenario of one sweep point: dotted-key edits applied as ``--set`` and the app apply them
    (:func:`model.edits.with_edits`: a new ``agents.count`` re-spreads the shifts, and so on)."""
    return with_edits(s, point, file=file)


def engine_key(s: Scenario) -> str:
    """The key of a point's base run (:func:`model.pipeline.run_key` without effects): points with equal keys
    differ only in pay rules and share that run."""
    return run_key(s, Effects())


def evaluate_point(s: Scenario, *, executor: Executor | None = None,
                   cache: MutableMapping[str, Any] | None = None) -> dict[str, Any]:
    """The scheme comparison document of one point: :func:`model.pipeline.compare_schemes` (the one
    comparison path; behaviour, when switched on, comes through it).

    Args:
        s: the point's scenario (edits applied).
        executor: runs the replications (a process pool or a Dask executor); None = in this process.
        cache: runs by :func:`model.pipeline.run_key`, kept across the points of a sweep so that points
            differing only in pay rules share runs.

    Returns:
        The comparison document ``{"baseline_scheme", "schemes": {name: block}}``.
    """
    return compare_schemes(s, cache=cache, executor=executor)


@contextlib.contextmanager
def make_executor(*, workers: int = 1, scheduler: str | None = None,
                  timeout_s: float = 10.0) -> Iterator[tuple[Executor | None, int]]:
    """An executor kept warm for a whole sweep, and its number of workers.

    Args:
        workers: local worker processes (1 = in this process, no pool).
        scheduler: a Dask scheduler address (``tcp://host:8786``); its cluster's workers are used instead.
        timeout_s: how long to try to reach the scheduler.

    Raises:
        ScenarioError: the scheduler cannot be reached (the message names the address).
    """
    if not (isinstance(timeout_s, int | float) and math.isfinite(timeout_s) and 0 < timeout_s <= 3600):
        raise ScenarioError(f"--scheduler-timeout must be a number of seconds above 0 and at most 3600, got "
                            f"{timeout_s!r}", file="<command line>", key="--scheduler-timeout")
    if scheduler:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - a dependency
            raise ScenarioError("dask[distributed] is not installed", key="--scheduler") from None
        from distributed.comm.registry import backends

        scheme = scheduler.split("://", 1)[0] if "://" in scheduler else "tcp"
        if scheme not in backends or not scheduler.split("://", 1)[-1].strip():
            raise ScenarioError(f"'{scheduler}' is not a Dask scheduler address; give one like tcp://host:8786 "
                                f"(known schemes: {', '.join(sorted(backends))})", file="<command line>",
                                key="--scheduler")
        try:
            client = Client(scheduler, timeout=timeout_s, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as e:  # unreachable, or not an address at all
            raise ScenarioError(f"cannot reach the Dask scheduler at {scheduler} within {timeout_s:g} s ({e}); "
                                "check the address and that the scheduler is running, or drop --scheduler to "
                                "run on local worker processes", file="<command line>", key="--scheduler") from None
        try:
            n = max(1, len(client.scheduler_info().get("workers", {})))
            yield client.get_executor(), n
        finally:
            with contextlib.suppress(Exception):
                client.close(timeout=2)
        return
    check_workers(workers)
    if workers <= 1:
        yield None, 1
        return
    with ProcessPoolExecutor(max_workers=workers) as ex:
        yield ex, workers
