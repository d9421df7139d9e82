"""``python -m model tune``: sweep the targets, pick the best one under the manager's constraints, explain it.

The document (``--json``) follows DESIGN.md's contract: ``recommendation`` = {scheme, kpi, target, amount_yuan,
expected_net_gain_yuan, reason: {zh, en}}, plus ``frontier``, ``binding_constraint``, ``constraints`` and
``points`` (every candidate point's numbers), and the sweep's id in the store.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from model.behaviour.band import CODES, basis, scheme_band
from model.effects import Effects
from model.errors import ScenarioError
from model.language.tuning import Tuning
from model.pipeline import run_for
from model.schema import Scenario, scenario_from_dict
from model.tuning.optimise import recommend
from model.tuning.run import apply_point, scenario_hash
from model.tuning.spec import SweepSpec, default_grid, grid
from model.tuning.store import DEFAULT_STORE, SweepStore
from model.tuning.sweep import (
    SweepRun,
    _with_reps,
    estimate_seconds,
    point_labels,
    run_sweep,
    summarise_points,
)


def sweep_spec_for(s: Scenario, axes: dict[str, list[Any]] | None, *, replications: int | None,
                   levels: dict[str, float]) -> SweepSpec:
    """The sweep of a tune run: the given axes, else the scenario's ``[tuning] grid``, else the default grid."""
    axes = axes or dict(s.tuning.grid)
    if axes:
        return grid(axes, replications=replications)
    return default_grid(s, levels, replications=replications)


def tune(
    s: Scenario,
    *,
    axes: dict[str, list[Any]] | None = None,
    store_path: str | Path = DEFAULT_STORE,
    executor: Executor | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    on_plan: Callable[[SweepSpec, float], None] | None = None,
    file: str = "<scenario>",
    estimate: bool = True,
    band: bool = False,
) -> dict[str, Any]:
    """Run (or resume) the tuning sweep of a scenario and return the tune document.

    Args:
        s: the scenario (its ``[tuning]`` table holds the constraints).
        axes: sweep keys -> values (None: ``[tuning] grid`` or the default grid).
        store_path: the DuckDB file the sweep persists in.
        executor: runs replications (a warm process pool or a Dask executor); None = in this process.
        workers: the executor's workers (for the run-time estimate).
        progress: ``progress(done, total)`` after each point.
        on_plan: called with the spec and the estimated seconds before the sweep starts.
        file: the scenario file (messages, record).
        estimate: time one replication and refuse a sweep of more than a day.
        band: put the recommendation's band over the behaviour assumptions on the document (``band``, see
            :func:`recommendation_band`; one base run and about a dozen equilibrium solves).

    Raises:
        ScenarioError: bad keys or values, a sweep too long, no feasible target (NoFeasibleTarget), a lost
            executor (SweepInterrupted).
    """
    reps = s.tuning.replications or s.meta.replications
    base = _with_reps(s, reps)
    per_point, levels = estimate_seconds(base, 1, workers=workers) if estimate else (None, {})
    spec = sweep_spec_for(base, axes, replications=reps, levels=levels)
    if on_plan is not None:
        on_plan(spec, (per_point or 0.0) * len(spec.points))
    with SweepStore(store_path) as st:
        run = run_sweep(base, spec, st, executor=executor, workers=workers, progress=progress, file=file,
                        estimate=estimate, per_point_s=per_point)
        rows = st.rows(run.sweep_id)
    doc = document(base, summary_rows=rows, run=run, spec=spec, store_path=store_path, file=file)
    if band:
        doc["band"] = recommendation_band(base, doc, file=file)
    return doc


def recommendation_band(s: Scenario, doc: dict[str, Any], *, base: Any = None, file: str = "<scenario>") -> dict[str, Any]:
    """The band of the recommended point's net gain over the behaviour assumptions
    (:func:`model.behaviour.band.scheme_band`), centred on the sweep's own numbers for that point.

    The point's scenario is the sweep's edits applied to ``s``; its base run is ``base`` or made here (one
    simulation without effects). Keeping the baseline, or agents who do not respond, gives the basis only.
    """
    best = doc.get("best_point") or {}
    rec = doc.get("recommendation") or {}
    empty = {"basis": basis(s.behaviour), **dict.fromkeys(CODES), "params": [], "top": []}
    if rec.get("keeps_baseline") or not best or not s.behaviour.active:
        return empty
    ps = apply_point(s, best.get("keys") or {}, file=file)
    by = {sc.name: sc for sc in ps.schemes}
    sc = by.get(best.get("scheme"))
    if sc is None:
        return empty
    base = base if base is not None else run_for(ps, Effects())
    margin = ps.economics.gross_margin_share
    up = best.get("gross_profit_uplift_yuan")
    point = {"net_gain_yuan": best.get("net_gain_yuan"), "bonus_cost_yuan": best.get("payout_yuan"),
             "uplift_yuan": None if up is None or not margin else up / margin}
    return scheme_band(ps, sc, base, baseline=by.get(ps.economics.baseline_scheme or ""), point=point)


def document(s: Scenario, *, summary_rows: Any, run: Any, spec: SweepSpec | None, store_path: str | Path,
             file: str, tuning: Tuning | None = None, axes: dict[str, list[Any]] | None = None) -> dict[str, Any]:
    """The tune document of stored rows under the constraints ``tuning`` (default: the scenario's).

    ``axes`` are the sweep's axes (default: the spec's), against which a recommendation at the grid's edge is
    flagged; ``run.duplicates`` become the document's ``duplicates``.
    """
    if axes is None:
        axes = spec.axes if spec is not None else {}
    summary = summarise_points(summary_rows, level=s.economics.interval_level)
    if len(summary):
        summary["label"] = point_labels(s, summary)
    doc = recommend(summary, tuning or s.tuning, platform=s.shop.platform, days=s.meta.days,
                    mechanics_only=s.behaviour.model == "none", baseline_scheme=s.economics.baseline_scheme,
                    file=file, axes=axes, schemes=[sc.name for sc in s.schemes])
    return {
        "scenario": {"name": s.meta.name, "file": file, "platform": s.shop.platform, "days": s.meta.days,
                     "replications": s.meta.replications, "seed": s.meta.seed, "hash": scenario_hash(s),
                     "behaviour": s.behaviour.model},
        "sweep": {"id": run.sweep_id, "store": str(store_path), "points": run.n_points, "computed": run.computed,
                  "seconds": run.seconds, "estimate_s": run.estimate_s, "axes": spec.axes if spec else {},
                  "mode": spec.mode if spec else None},
        **doc,
        "duplicates": list(getattr(run, "duplicates", []) or []),
    }


def reopen(store_path: str | Path, sweep_id: str, *, tuning: Tuning | None = None) -> dict[str, Any]:
    """The tune document of a stored sweep (no simulation), optionally under other constraints.

    Raises:
        ScenarioError: no such store or sweep, or a sweep stored without its scenario.
    """
    with SweepStore(store_path, read_only=True) as st:
        info = st.sweep_info(sweep_id)
        rows = st.rows(sweep_id)
    if not info.get("scenario"):
        raise ScenarioError("this sweep was stored without its scenario; run it again", file=str(store_path),
                            key="sweep")
    s = scenario_from_dict(info["scenario"], file=info["scenario_file"])
    spec = info["spec"]
    n_done = rows["point_id"].nunique() if len(rows) else 0
    run = SweepRun(sweep_id, int(info["n_points"]), 0, 0.0, None, list(spec.get("duplicates") or []))
    doc = document(s, summary_rows=rows, run=run, spec=None, store_path=store_path, file=info["scenario_file"],
                   tuning=tuning, axes=spec.get("axes") or {})
    doc["sweep"].update({"axes": spec.get("axes", {}), "mode": spec.get("mode"), "points_done": int(n_done),
                         "status": info["status"]})
    return doc
