"""Run a sweep: validate its points, estimate its run time, evaluate each unfinished point through the
comparison path and persist its rows, so an interrupted sweep resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Executor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model.economics import t_interval
from model.edits import with_edits
from model.errors import ScenarioError
from model.naming import live_scheme_name
from model.pipeline import RunCache
from model.schema import Scenario
from model.schemes.targets import first_threshold
from model.tuning.run import apply_point, engine_key, evaluate_point, scenario_hash
from model.tuning.spec import SweepSpec, check_keys, scheme_at, scheme_identity
from model.tuning.store import RESULT_COLUMNS, SweepStore

#: A sweep estimated to run longer than this is refused before it starts (with the estimate).
MAX_HOURS = 24.0
TEAM_COLUMNS = ("inquiry_conversion", "aov_yuan", "sales_yuan", "three_min_reply_rate", "good_rating_rate",
                "bad_attitude_share", "avg_response_s")


class SweepInterrupted(ScenarioError):
    """The executor (a Dask scheduler, a worker pool) went away mid-sweep; finished points are kept."""


@dataclass
class SweepRun:
    """What :func:`run_sweep` did.

    Attributes:
        sweep_id: the sweep's id in the store (rerunning the same sweep reuses it).
        n_points: the sweep's points.
        computed: points evaluated in this call (finished points found in the store are not re-run).
        seconds: wall time of this call.
        estimate_s: the run-time estimate made before starting (None when nothing was left to do).
        duplicates: schemes computed once because they were the same as another once their keys were set: the
            spec's notes (:attr:`SweepSpec.duplicates`) and those found inside points, ``{"scheme", "same_as",
            "points"}``.
    """

    sweep_id: str
    n_points: int
    computed: int
    seconds: float
    estimate_s: float | None
    duplicates: list[dict[str, Any]] = field(default_factory=list)


def sweep_id_for(base_hash: str, spec: SweepSpec) -> str:
    """A deterministic id: the same scenario and spec give the same sweep (so a rerun resumes it)."""
    text = json.dumps(spec.to_json(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{base_hash}:{text}".encode()).hexdigest()[:12]


def point_rows(doc: dict[str, Any], s: Scenario) -> pd.DataFrame:
    """One row per replication x scheme from a comparison document (see store.RESULT_COLUMNS)."""
    margin = s.economics.gross_margin_share
    by_name = {sc.name: sc for sc in s.schemes}
    rows = []
    for name, b in doc["schemes"].items():
        sc = by_name.get(name)
        ft = first_threshold(sc) if sc is not None else None
        comp = ft.component if ft else None
        reach = b.get("reach_share") or []
        label = getattr(comp, "label", None) if comp is not None else None
        r_share = None
        for r in reach:
            if comp is not None and (r["component"] == label or r["component"].startswith(f"threshold:{comp.kpi}")):
                r_share = r["reach_share"]
                break
        if r_share is None and reach:
            r_share = reach[0]["reach_share"]
        team = b.get("team", {})
        for pr in b["per_replication"]:
            gp = pr["uplift_yuan"] * margin
            rows.append({
                "rep": int(pr["rep"]), "scheme": name, "is_baseline": name == doc.get("baseline_scheme"),
                "kpi": comp.kpi if comp is not None else None,
                "target": float(comp.target) if comp is not None else None,
                "amount_yuan": float(comp.amount_yuan) if comp is not None else None,
                "revenue_yuan": pr["revenue_yuan"], "uplift_yuan": pr["uplift_yuan"],
                "gross_profit_uplift_yuan": gp, "bonus_cost_yuan": pr["bonus_cost_yuan"],
                "incremental_bonus_cost_yuan": pr.get("incremental_bonus_cost_yuan", gp - pr["net_gain_yuan"]),
                "net_gain_yuan": pr["net_gain_yuan"],
                "reach_share": r_share,
                **{c: (team.get(c) or {}).get("mean") for c in TEAM_COLUMNS},
            })
    return pd.DataFrame(rows, columns=["rep", "scheme", *RESULT_COLUMNS])


def _with_reps(s: Scenario, reps: int | None) -> Scenario:
    return s if reps is None or reps == s.meta.replications else with_edits(s, {"meta.replications": reps})


def estimate_seconds(s: Scenario, n_points: int = 1, *, workers: int = 1) -> tuple[float, dict[str, float]]:
    """Time one replication of the scenario (simulation and pricing) and scale it to the sweep.

    Returns:
        The estimated upper bound in seconds (every point simulated anew; points that differ only in pay
        rules are much cheaper) and the shop's current team KPI levels from that replication.
    """
    one = with_edits(s, {"meta.replications": 1})
    t0 = time.perf_counter()
    doc = evaluate_point(one)
    t1 = time.perf_counter() - t0
    levels: dict[str, float] = {}
    for b in doc["schemes"].values():
        for code, v in b.get("team", {}).items():
            if v and v.get("mean") is not None:
                levels.setdefault(code, float(v["mean"]))
    reps = s.meta.replications
    return n_points * t1 * max(1.0, reps / max(1, workers)), levels


def _fmt_duration(sec: float) -> str:
    if sec < 120:
        return f"{sec:.0f} s"
    if sec < 7200:
        return f"{sec / 60:.0f} min"
    if sec < 86_400:
        return f"{sec / 3600:.1f} h"
    return f"{sec / 86_400:.1f} days"


def run_sweep(
    s: Scenario,
    spec: SweepSpec,
    store: SweepStore,
    *,
    executor: Executor | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    name: str | None = None,
    file: str = "<scenario>",
    max_hours: float = MAX_HOURS,
    estimate: bool = True,
    per_point_s: float | None = None,
    cache: RunCache | None = None,
) -> SweepRun:
    """Evaluate every unfinished point of a sweep and store its rows.

    Args:
        s: the base scenario.
        spec: the points (same seed and replications for every point: common random numbers).
        store: where rows persist; finished points (by scenario hash) are skipped.
        executor: runs the replications (kept warm across points); None = in this process.
        workers: the executor's workers (for the run-time estimate).
        progress: called as ``progress(done, total)`` after each point (finished ones count as done); an
            exception it raises stops the sweep, keeping the points finished so far.
        name: the sweep's display name (default: the scenario's name).
        file: the scenario file (for messages and the record).
        max_hours: refuse a sweep estimated to run longer.
        estimate: time one replication first and refuse a sweep that would run longer than ``max_hours``.
        per_point_s: a point's estimated cost from an earlier timing (skips the timing run).
        cache: runs by run key for the points evaluated in this process (e.g. the base runs a screening made).

    Raises:
        ScenarioError: an unknown key, a point the scenario format refuses, a sweep too long to run.
        SweepInterrupted: the executor failed mid-sweep (finished points are stored; rerun to resume).
    """
    t_start = time.perf_counter()
    if not spec.points:
        raise ScenarioError("the sweep has no points", file=file, key="--grid")
    check_keys(s, spec.keys, file=file)
    base = _with_reps(s, spec.replications)
    apply_point(base, spec.points[0], file=file)  # a bad value fails fast, before the timing run
    est = None
    if estimate:
        if per_point_s is None:
            est, _ = estimate_seconds(base, len(spec.points), workers=workers)
        else:
            est = per_point_s * len(spec.points)
        if est > max_hours * 3600:
            raise ScenarioError(
                f"this sweep of {len(spec.points):,} points x {base.meta.replications} replications would run for "
                f"about {_fmt_duration(est)} on {workers} worker(s) (one replication takes "
                f"{est / len(spec.points) / max(1.0, base.meta.replications / max(1, workers)):.1f} s); the limit is "
                f"{max_hours:g} h: use a smaller grid (fewer values per key, fewer replications, shorter meta.days) "
                f"or run it on a Dask cluster (--scheduler ADDRESS)", file=file, key="--grid")
    scenarios = []
    same: dict[tuple[str, str], int] = {}
    for i, (p, focus) in enumerate(zip(spec.points, spec.focus, strict=True)):
        try:
            ps = _focused(apply_point(base, p, file=file), focus)
        except ScenarioError as e:
            raise ScenarioError(f"sweep point {i} ({_point_text(p)}): {e.message}", file=file, key=e.key) from None
        if focus is None:
            ps, pairs = _distinct(ps)
            for pair in pairs:
                same[pair] = same.get(pair, 0) + 1
        scenarios.append(ps)
    duplicates = [*spec.duplicates, *({"scheme": a, "same_as": b, "points": n} for (a, b), n in same.items())]
    hashes = [scenario_hash(ps) for ps in scenarios]
    sid = sweep_id_for(scenario_hash(base), spec)
    record = spec.to_json() | ({"duplicates": duplicates} if duplicates else {})
    store.register(sid, name=name or s.meta.name, scenario_file=file, scenario_hash=scenario_hash(base),
                   spec=record, points=spec.points, point_hashes=hashes, focus=spec.focus,
                   replications=base.meta.replications, scenario=base.model_dump(mode="json"))
    done = store.done_hashes(hashes)
    total = len(spec.points)
    finished = sum(h in done for h in hashes)
    if progress and finished:
        progress(finished, total)
    todo = [(ps, h) for ps, h in zip(scenarios, hashes, strict=True) if h not in done]
    computed = 0
    try:
        for batch, docs in _evaluate(todo, executor, workers, cache):
            for (_, h), rows in zip(batch, docs, strict=True):
                store.write_point(h, rows)
                done.add(h)
                computed += 1
                finished += 1
                if progress:
                    progress(finished, total)
    except (BrokenProcessPool, CancelledError, OSError, TimeoutError) as e:
        store.set_status(sid, "interrupted")
        raise SweepInterrupted(
            f"the workers went away after {finished} of {total} points ({type(e).__name__}: {e}); the finished "
            f"points are kept in {store.path}; run the same command again to resume", file=file,
            key="--scheduler") from None
    except Exception as e:
        store.set_status(sid, "interrupted")
        if _scheduler_lost(executor):  # a dying Dask scheduler can surface as any error from distributed
            raise SweepInterrupted(
                f"the Dask scheduler went away after {finished} of {total} points ({type(e).__name__}); the "
                f"finished points are kept in {store.path}; run the same command again to resume", file=file,
                key="--scheduler") from None
        raise
    except BaseException:
        store.set_status(sid, "interrupted")
        raise
    store.set_status(sid, "done")
    return SweepRun(sid, total, computed, time.perf_counter() - t_start, est, duplicates)


def _scheduler_lost(executor: Any) -> bool:
    """True when ``executor`` is a Dask client's executor whose client no longer runs (its scheduler went away)."""
    client = getattr(executor, "_client", None)
    if client is None or not type(executor).__module__.startswith("distributed"):
        return False
    for _ in range(30):  # the client notices a lost scheduler within a moment
        if getattr(client, "status", "running") != "running":
            return True
        time.sleep(0.1)
    return False


def evaluate_batch(scenarios: list[Scenario]) -> list[pd.DataFrame]:
    """The rows of several points, evaluated in order in one process (points sharing a run share it).

    The unit of work sent to a worker process or a Dask worker; it returns only the small result rows.
    """
    cache = RunCache(maxsize=8)
    return [point_rows(evaluate_point(ps, cache=cache), ps) for ps in scenarios]


def _batches(todo: list[tuple[Scenario, str]], workers: int) -> list[list[tuple[Scenario, str]]]:
    """Split the points into about ``workers`` (or more) batches, keeping points that share a run together.

    Points whose scenarios differ only in pay rules share one simulation; such a group is split into at most
    ``workers`` chunks (each chunk simulates it once) so every worker has work.
    """
    groups: dict[str, list[tuple[Scenario, str]]] = {}
    for item in todo:
        groups.setdefault(engine_key(item[0]), []).append(item)
    out = []
    for g in groups.values():
        n_chunks = 1 if len(groups) >= 2 * workers else min(len(g), workers)
        size = math.ceil(len(g) / n_chunks)
        out += [g[i:i + size] for i in range(0, len(g), size)]
    return out


def _evaluate(todo: list[tuple[Scenario, str]], executor: Executor | None, workers: int,
              cache: RunCache | None = None) -> Iterator[tuple[list[tuple[Scenario, str]], list[pd.DataFrame]]]:
    """Yield (batch, rows per point) as points finish.

    In this process without an executor; with fewer than two points per worker, each point's replications go to
    the executor (the comparison path's parallelism); otherwise whole batches of points go to the workers.
    """
    if executor is None or len(todo) < 2 * workers:
        cache = RunCache(maxsize=8) if cache is None else cache
        for ps, h in todo:
            yield [(ps, h)], [point_rows(evaluate_point(ps, executor=executor, cache=cache), ps)]
        return
    futures = {}
    for batch in _batches(todo, workers):
        futures[executor.submit(evaluate_batch, [ps for ps, _ in batch])] = batch
    try:
        for fut in as_completed(futures):
            yield futures[fut], fut.result()
    finally:
        for fut in futures:
            fut.cancel()


def _focused(s: Scenario, focus: str | None) -> Scenario:
    """A point that tunes one scheme evaluates only that scheme and the baseline (the others are unchanged)."""
    if focus is None:
        return s
    keep = [sc for sc in s.schemes if sc.name in (focus, s.economics.baseline_scheme)]
    return s.model_copy(update={"schemes": keep})


def _distinct(s: Scenario) -> tuple[Scenario, list[tuple[str, str]]]:
    """The point's scenario with each distinct scheme once: a scheme that is, name and description aside, the
    same as an earlier one (the baseline counts first) is left out; returns the (left out, kept) name pairs."""
    first_of: dict[str, str] = {}
    drop: set[int] = set()
    pairs = []
    base = s.economics.baseline_scheme
    for i in sorted(range(len(s.schemes)), key=lambda i: s.schemes[i].name != base):
        sc = s.schemes[i]
        kept = first_of.setdefault(scheme_identity(sc), sc.name)
        if kept != sc.name:
            drop.add(i)
            pairs.append((sc.name, kept))
    if not drop:
        return s, []
    return s.model_copy(update={"schemes": [sc for i, sc in enumerate(s.schemes) if i not in drop]}), pairs


def point_labels(s: Scenario, summary: pd.DataFrame) -> list[str]:
    """Each summary row's scheme named after its numbers at that point (:func:`model.naming.live_scheme_name`:
    "达标奖 45%" swept to a 47% target reads "达标奖 47%"); a scheme not in ``s`` keeps its name."""
    index = {sc.name: i for i, sc in enumerate(s.schemes)}
    keys = [c for c in summary.columns if str(c).startswith("key:")]
    cache: dict[str, str] = {}
    out = []
    for _, row in summary.iterrows():
        name = row["scheme"]
        point = {k[4:]: row[k] for k in keys if not (isinstance(row[k], float) and math.isnan(row[k]))}
        memo = json.dumps([name, point], sort_keys=True, default=str)
        if memo not in cache:
            try:
                cache[memo] = live_scheme_name(scheme_at(s, index[name], point)) if name in index else name
            except (ScenarioError, ValueError):  # a point the sweep refuses (it names it)
                cache[memo] = name
        out.append(cache[memo])
    return out


def _point_text(p: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in p.items())


def summarise_points(rows: pd.DataFrame, level: float = 0.90) -> pd.DataFrame:
    """One row per point x scheme: means over replications, the net gain's interval and P(net loss).

    Columns: point_id, focus, scheme, is_baseline, kpi, target, amount_yuan, the ``key:`` columns,
    net_gain_yuan (mean), net_gain_lo/hi, payout_yuan (incremental bonus cost), gross_profit_uplift_yuan,
    payout_share (payout / incremental gross profit; inf when the profit is not positive and pay is), p_net_loss,
    reach_share and the team KPI means.
    """
    if rows.empty:
        return pd.DataFrame()
    keys = [c for c in rows.columns if c.startswith("key:")]
    group = ["point_id", "scheme"]
    out = []
    for (pid, scheme), g in rows.groupby(group, sort=True):
        first = g.iloc[0]
        ng = t_interval(g["net_gain_yuan"].to_numpy(), level)
        payout = float(g["incremental_bonus_cost_yuan"].mean())
        gp = float(g["gross_profit_uplift_yuan"].mean())
        if payout <= 1e-9:
            share = 0.0
        elif gp <= 0:
            share = float("inf")
        else:
            share = payout / gp
        row = {"point_id": int(pid), "focus": first["focus"], "scheme": scheme, "is_baseline": bool(first["is_baseline"]),
               "kpi": first["kpi"], "target": first["target"], "amount_yuan": first["amount_yuan"],
               **{k: first[k] for k in keys},
               "net_gain_yuan": ng["mean"], "net_gain_lo": ng["lo"], "net_gain_hi": ng["hi"],
               "payout_yuan": payout, "gross_profit_uplift_yuan": gp, "payout_share": share,
               "p_net_loss": float((g["net_gain_yuan"] < 0).mean()), "replications": int(len(g)),
               "reach_share": first["reach_share"],
               **{c: float(first[c]) if pd.notna(first[c]) else np.nan for c in TEAM_COLUMNS}}
        out.append(row)
    return pd.DataFrame(out)
