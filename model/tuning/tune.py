"""``python -m model tune``: sweep the targets, pick the best one under the manager's constraints, explain it.

The document (``--json``) follows DESIGN.md's contract: ``recommendation`` = {scheme, kpi, target, amount_yuan,
expected_net_gain_yuan, reason: {zh, en}}, plus ``frontier``, ``binding_constraint``, ``constraints`` and
``points`` (every candidate point's numbers), and the sweep's id in the store.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from model.behaviour.band import CODES, basis, scheme_band
from model.behaviour.band import flips as band_flips
from model.effects import Effects
from model.errors import ScenarioError
from model.language.tuning import Tuning
from model.pipeline import RunCache, run_for
from model.platform_rules import plan_day
from model.schema import Scenario, scenario_from_dict
from model.text import finite as _num
from model.tuning.optimise import recommend
from model.tuning.run import apply_point, engine_key, scenario_hash
from model.tuning.screen import MIN_POINTS, quick_rows, screened_spec, shortlist
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
    screen: bool | None = None,
    on_screen: Callable[[int, int], None] | None = None,
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
        screen: screen the grid on the quick forecast and simulate only a shortlist
            (:mod:`model.tuning.screen`); None = when agents respond and the grid has more than
            :data:`model.tuning.screen.MIN_POINTS` points. The document's ``screening`` says what was done.
        on_screen: ``on_screen(done, total)`` after each screened point.

    Raises:
        ScenarioError: bad keys or values, a sweep too long, no feasible target (NoFeasibleTarget), a lost
            executor (SweepInterrupted).
    """
    reps = s.tuning.replications or s.meta.replications
    base = _with_reps(s, reps)
    per_point, levels = estimate_seconds(base, 1, workers=workers) if estimate else (None, {})
    spec = sweep_spec_for(base, axes, replications=reps, levels=levels)
    full = spec
    screening: dict[str, Any] = {"screened": len(spec.points), "kept": len(spec.points), "method": None}
    shared = None
    if screen is None:
        screen = base.behaviour.active and len(spec.points) > MIN_POINTS
    if screen:
        import time

        t0 = time.perf_counter()
        shared = RunCache(maxsize=8)
        keep, screening = shortlist(base, spec, quick_rows(base, spec, file=file, progress=on_screen, cache=shared))
        screening["seconds"] = time.perf_counter() - t0
        spec = screened_spec(spec, keep)
        # the shortlist's runs re-time the point's base run where the queue allows (model/retime.py)
        screening["share_engine"] = True
        base = base.model_copy(update={"meta": base.meta.model_copy(update={"share_engine": True})})
    if on_plan is not None:
        on_plan(spec, (per_point or 0.0) * len(spec.points))
    with SweepStore(store_path) as st:
        run = run_sweep(base, spec, st, executor=executor, workers=workers, progress=progress, file=file,
                        estimate=estimate, per_point_s=per_point, cache=shared)
        rows = st.rows(run.sweep_id)
    doc = document(base, summary_rows=rows, run=run, spec=spec, store_path=store_path, file=file, axes=full.axes)
    doc["screening"] = screening
    if band:
        bases: dict[str, Any] = {}
        doc["band"] = recommendation_band(base, doc, file=file, bases=bases)
        doc.update(recommendation_flips(base, doc, file=file, bases=bases))
    return doc


def point_keys(row: dict[str, Any]) -> dict[str, Any]:
    """A point's dotted-key edits without the keys it leaves alone (NaN or None: another scheme's axis of the
    default grid)."""
    return {k: v for k, v in (row.get("keys") or {}).items()
            if v is not None and not (isinstance(v, float) and math.isnan(v))}


def _point_base(ps: Scenario, bases: dict[str, Any] | None) -> Any:
    """The base run (no effects) of a point's scenario, shared by points with the same engine key."""
    if bases is None:
        return run_for(ps, Effects())
    key = engine_key(ps)
    if key not in bases:
        bases[key] = run_for(ps, Effects())
    return bases[key]


def point_band(s: Scenario, row: dict[str, Any], *, base: Any = None, file: str = "<scenario>",
               bases: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The band of one sweep point's net gain (a row of the document's ``points`` or its ``best_point``) over
    the behaviour assumptions, centred on the sweep's own numbers for that point; None when the point's scheme
    is not in the scenario. ``base`` (or ``bases``: engine key -> base run, filled here) saves the base run."""
    ps = apply_point(s, point_keys(row), file=file)
    by = {sc.name: sc for sc in ps.schemes}
    sc = by.get(row.get("scheme"))
    if sc is None:
        return None
    base = base if base is not None else _point_base(ps, bases)
    margin = ps.economics.gross_margin_share
    up = row.get("gross_profit_uplift_yuan")
    point = {"net_gain_yuan": row.get("net_gain_yuan"), "bonus_cost_yuan": row.get("payout_yuan"),
             "uplift_yuan": None if up is None or not margin else up / margin}
    return scheme_band(ps, sc, base, baseline=by.get(ps.economics.baseline_scheme or ""), point=point)


def recommendation_band(s: Scenario, doc: dict[str, Any], *, base: Any = None, file: str = "<scenario>",
                        bases: dict[str, Any] | None = None) -> dict[str, Any]:
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
    band = point_band(s, best, base=base, file=file, bases=bases)
    return empty if band is None else band


#: How many rival points the recommendation is tested against inside its band (besides the baseline).
RIVALS = 4


def _same_point(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same candidate: the same row, or the same scheme with the same numbers (a scheme the point's keys do
    not touch repeats at every point of the grid)."""
    if a.get("point_id") == b.get("point_id") and a.get("scheme") == b.get("scheme"):
        return True
    same = ("scheme", "label", "target", "amount_yuan", "net_gain_yuan", "payout_yuan", "reach_share")
    return all(a.get(k) == b.get(k) for k in same)


def rival_points(doc: dict[str, Any], n: int = RIVALS) -> list[dict[str, Any]]:
    """The points the recommendation is tested against: the best feasible point of every other scheme, then the
    next feasible points of the recommended scheme by net gain (its grid neighbours), ``n`` at most."""
    best = doc.get("best_point") or {}
    feas: list[dict[str, Any]] = []
    for p in doc.get("points") or []:
        if p.get("feasible") and _num(p.get("net_gain_yuan")) is not None and not any(
                _same_point(p, q) for q in [best, *feas]):
            feas.append(p)
    feas.sort(key=lambda p: -float(p["net_gain_yuan"]))
    others, seen = [], {best.get("scheme")}
    for p in feas:
        if p.get("scheme") not in seen:
            seen.add(p.get("scheme"))
            others.append(p)
    same = [p for p in feas if p.get("scheme") == best.get("scheme")]
    out = (others + same)[:n]
    out.sort(key=lambda p: -float(p["net_gain_yuan"]))
    return out


def _point_name(p: dict[str, Any], taken: set[str], ambiguous: set[str] = frozenset()) -> str:
    """A point's name as the owner reads it: its label, with its amount when another point has that label."""
    name = str(p.get("label") or p.get("scheme"))
    if (name in taken or name in ambiguous) and _num(p.get("amount_yuan")) is not None:
        name = f"{name} / {float(p['amount_yuan']):,.0f}"
    while name in taken:
        name += "'"
    taken.add(name)
    return name


def recommendation_flips(s: Scenario, doc: dict[str, Any], *, file: str = "<scenario>",
                         bases: dict[str, Any] | None = None, n: int = RIVALS) -> dict[str, Any]:
    """Whether a rival beats the recommendation inside its band: the rivals' bands (:func:`rival_points`, each
    centred on its sweep numbers, and the baseline, which stays at zero) and
    :func:`model.behaviour.band.flips` over them.

    Needs ``doc["band"]`` (:func:`recommendation_band`). Returns ``{"band_rivals": {name: {"point", "band",
    "economics"}}, "flips": [...]}`` (``flips`` as :func:`model.behaviour.band.flips`, the winners named as the
    rivals); both empty without a band (keeping the baseline, agents who do not respond).
    """
    band = doc.get("band") or {}
    rec = doc.get("recommendation") or {}
    best = doc.get("best_point") or {}
    if not band.get("params"):
        return {"band_rivals": {}, "flips": []}
    taken: set[str] = set()
    me = _point_name({**best, "label": rec.get("label") or best.get("label")}, taken)

    def block(net: Any, b: dict[str, Any]) -> dict[str, Any]:
        return {"band": b, "economics": {"net_gain_yuan": {"mean": _num(net)}}}

    schemes = {me: block(best.get("net_gain_yuan"), band)}
    rivals: dict[str, Any] = {}
    base_name = s.economics.baseline_scheme
    if base_name:
        rivals[_point_name({"label": base_name}, taken)] = {
            "point": None, **block(0.0, {"basis": band.get("basis"), **dict.fromkeys(CODES), "params": [],
                                          "top": [], "baseline": True})}
    points = rival_points(doc, n)
    labels = [str(p.get("label") or p.get("scheme")) for p in points] + [me]
    ambiguous = {x for x in labels if labels.count(x) > 1}
    for p in points:
        b = point_band(s, p, file=file, bases=bases)
        if b is None or not b.get("params"):
            continue
        rivals[_point_name(p, taken, ambiguous)] = {"point": {k: p.get(k) for k in ("point_id", "scheme", "label", "kpi",
                                                                        "target", "amount_yuan")},
                                         **block(p.get("net_gain_yuan"), b)}
    schemes.update({k: {"band": v["band"], "economics": v["economics"]} for k, v in rivals.items()})
    return {"band_rivals": rivals, "flips": band_flips({"schemes": schemes}, me), "band_name": me}


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
                    file=file, axes=axes, schemes=[sc.name for sc in s.schemes], day=plan_day(s.meta.plan))
    return {
        "recommended_spec": recommended_spec(s, doc, file=file),
        "scenario": {"name": s.meta.name, "file": file, "platform": s.shop.platform, "days": s.meta.days,
                     "replications": s.meta.replications, "seed": s.meta.seed, "hash": scenario_hash(s),
                     "behaviour": s.behaviour.model},
        "sweep": {"id": run.sweep_id, "store": str(store_path), "points": run.n_points, "computed": run.computed,
                  "seconds": run.seconds, "estimate_s": run.estimate_s, "axes": spec.axes if spec else {},
                  "mode": spec.mode if spec else None},
        **doc,
        "duplicates": list(getattr(run, "duplicates", []) or []),
    }


def recommended_spec(s: Scenario, doc: dict[str, Any], *, file: str = "<scenario>") -> dict[str, Any] | None:
    """The recommended point's scheme as a dict (its pay rules at the tuned target and amount, for the deck's
    "how it pays" line); None when the baseline is kept."""
    best = doc.get("best_point") or {}
    if (doc.get("recommendation") or {}).get("keeps_baseline") or not best.get("scheme"):
        return None
    ps = apply_point(s, point_keys(best), file=file)
    sc = next((x for x in ps.schemes if x.name == best["scheme"]), None)
    return None if sc is None else sc.model_dump(mode="json", exclude_none=True)


def reopen(store_path: str | Path, sweep_id: str, *, tuning: Tuning | None = None,
           band: bool = False) -> dict[str, Any]:
    """The tune document of a stored sweep (no simulation of the sweep), optionally under other constraints.

    With ``band``, the recommendation's band and its test against the rival points
    (:func:`recommendation_band`, :func:`recommendation_flips`) are computed from the stored scenario, as
    :func:`tune` does (one base run and the bands' equilibrium solves); the document's ``band_reopened`` says
    which ("computed" / "none"; the presentation says it in words).

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
    if band:
        bases: dict[str, Any] = {}
        doc["band"] = recommendation_band(s, doc, file=info["scenario_file"], bases=bases)
        doc.update(recommendation_flips(s, doc, file=info["scenario_file"], bases=bases))
    doc["band_reopened"] = "computed" if band else "none"
    return doc
