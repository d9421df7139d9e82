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
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import replace
from typing import Any

import pandas as pd

from model.compare import compare_schemes
from model.scenario import Scenario, ScenarioError, with_changes
from model.simulate import (
    SimResult,
    _run_rep_for_pool,
    agent_table,
    apply_outcomes,
    duty_by_day,
    duty_intervals,
)

#: Bumped when the stored rows of a point would change for the same scenario (a new column, a model fix).
STORE_VERSION = 1


def scenario_hash(s: Scenario) -> str:
    """A stable hash of a whole scenario (every key, including replications and seed)."""
    text = json.dumps(s.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"v{STORE_VERSION}:{text}".encode()).hexdigest()[:20]


def apply_point(s: Scenario, point: dict[str, Any], *, file: str = "<sweep>") -> Scenario:
    """The scenario of one sweep point: dotted-key edits applied as ``--set`` would (re-validated).

    Changing ``agents.count`` re-spreads the shifts over the new count in their proportions.
    """
    changes = dict(point)
    if "agents.count" in changes and s.agents.shifts and "agents.shifts" not in changes:
        changes["agents.shifts"] = _split_shifts([sh.model_dump() for sh in s.agents.shifts],
                                                 int(changes["agents.count"]))
    try:
        return with_changes(s, changes)
    except ScenarioError as e:
        raise ScenarioError(e.message, file=file, key=e.key) from None


def _split_shifts(shifts: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """Spread ``n`` agents over shifts in their original proportions (largest remainder, >= 1 each)."""
    total = sum(int(sh["agents"]) for sh in shifts)
    if n < len(shifts):
        return [dict(sh, agents=1) for sh in shifts[:n]]
    quotas = [n * int(sh["agents"]) / total for sh in shifts]
    alloc = [max(1, int(q)) for q in quotas]
    order = sorted(range(len(shifts)), key=lambda i: quotas[i] - int(quotas[i]), reverse=True)
    i = 0
    while sum(alloc) < n:
        alloc[order[i % len(order)]] += 1
        i += 1
    while sum(alloc) > n:
        j = max(range(len(alloc)), key=lambda k: alloc[k])
        alloc[j] -= 1
    return [dict(sh, agents=a) for sh, a in zip(shifts, alloc, strict=True)]


def engine_key(s: Scenario) -> str:
    """Hash of what the base run depends on (everything but the schemes, the economics and tuning)."""
    d = s.model_dump(mode="json", exclude={"schemes", "economics", "tuning"})
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()


def _simulate_on(s: Scenario, executor: Executor | None) -> SimResult:
    """The scenario's base run, its replications on ``executor`` (in this process when None)."""
    reps = s.meta.replications
    args = [(s, rep, None) for rep in range(reps)]
    results = list(executor.map(_run_rep_for_pool, args)) if executor is not None else \
        [_run_rep_for_pool(a) for a in args]
    agents = agent_table(s)
    from model.outcomes import Effects

    eff = Effects()
    chats = pd.concat([apply_outcomes(s, r["chats"], r["draws"], agents, eff) for r in results], ignore_index=True)
    msgs = pd.concat([r["msgs"] for r in results], ignore_index=True)
    duty = duty_by_day(duty_intervals(s), s.agents.count, s.meta.days)
    silent = pd.DataFrame([{"rep": r["rep"], "silent_orders": int(r["draws"].silent_orders.sum()),
                            "silent_orders_yuan": float(r["draws"].silent_order_value.sum())} for r in results])
    return SimResult(s, agents, chats, msgs, duty, [r["draws"] for r in results], eff, silent)


def evaluate_point(s: Scenario, *, executor: Executor | None = None,
                   cache: dict[str, Any] | None = None) -> dict[str, Any]:
    """The scheme comparison document of one point (the adapter to the comparison path).

    Args:
        s: the point's scenario (edits applied).
        executor: runs the replications (a process pool or a Dask executor); None = in this process.
        cache: kept across the points of a sweep so that points differing only in pay rules share runs.

    Returns:
        The comparison document ``{"baseline_scheme", "schemes": {name: block}}``.
    """
    key = engine_key(s)
    base = cache.get(key) if cache is not None else None
    if base is None:
        base = _simulate_on(s, executor)
        if cache is not None:
            cache.clear()  # one base run at a time: a sweep visits its points grouped by run
            cache[key] = base
    res = replace(base, scenario=s)
    res.__dict__["_cache"] = base._cache  # KPI tables depend only on what the key covers
    return compare_schemes(res)


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
    if scheduler:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - a dependency
            raise ScenarioError("dask[distributed] is not installed", key="--scheduler") from None
        try:
            client = Client(scheduler, timeout=timeout_s, set_as_default=False)
        except (OSError, TimeoutError) as e:
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
    if workers <= 1:
        yield None, 1
        return
    with ProcessPoolExecutor(max_workers=workers) as ex:
        yield ex, workers
