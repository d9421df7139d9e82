"""Screen a tuning grid on the quick forecast, then simulate only a shortlist (issue 18 item 3).

With agents responding, every point of a sweep is a full comparison: one equilibrium and one engine run per
responsive scheme, minutes per grid on the default shop. Screening answers each point from the agents' own
KPI forecast on the point's base run (:func:`model.quick.quick_comparison`: one equilibrium solve, no SimPy run
beyond the base run, which points differing only in pay rules share) and keeps for the full simulation:

* the :data:`TOP` best points by the quick net gain among those that pass the constraints (all points when
  fewer pass: the best by net gain), and
* every point at most one grid step from the quick best of each scheme on every key (same scheme; diagonals
  included), so that a recommendation the quick forecast misses by one step is still simulated.

The shortlist is then swept as before (stored in DuckDB, resumable), with ``meta.share_engine`` on (each
scheme's run re-timed from the point's base run where the queue allows, :mod:`model.retime`), and the
recommendation comes from the simulated points only. ``python -m bench tuning`` prints the screened and the full sweep's recommendations
and their times; docs/tuning.md "Screening".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from model.effects import Effects
from model.pipeline import RunCache, run_for
from model.platform_rules import plan_day
from model.quick import quick_comparison
from model.schema import Scenario
from model.tuning.optimise import check, limits
from model.tuning.run import apply_point
from model.tuning.spec import SweepSpec
from model.tuning.sweep import _distinct, _focused, point_rows, summarise_points

#: Best feasible points kept by the quick net gain (with the grid neighbours of each scheme's best).
TOP = 6
#: Grids of at most this many points are simulated whole (screening would save little).
MIN_POINTS = 12


def quick_rows(s: Scenario, spec: SweepSpec, *, file: str = "<sweep>",
               progress: Callable[[int, int], None] | None = None, cache: RunCache | None = None) -> pd.DataFrame:
    """The quick forecast's rows of every point (the store's row shape, with ``point_id``, ``focus``, ``key:``);
    the points' base runs go to ``cache`` (the shortlist's sweep re-uses them)."""
    cache = RunCache(maxsize=8) if cache is None else cache
    parts = []
    n = len(spec.points)
    for i, (p, focus) in enumerate(zip(spec.points, spec.focus, strict=True)):
        ps = _focused(apply_point(s, p, file=file), focus)
        if focus is None:
            ps, _ = _distinct(ps)
        base = run_for(ps, Effects(), cache=cache)
        rows = point_rows(quick_comparison(ps, base), ps)
        rows.insert(0, "focus", focus)
        rows.insert(0, "point_id", i)
        for k, v in p.items():
            rows[f"key:{k}"] = v
        parts.append(rows)
        if progress:
            progress(i + 1, n)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _neighbours(spec: SweepSpec, i: int) -> list[int]:
    """Points at most one grid step from point ``i`` on every key (same focus and keys; diagonals included:
    a better target often wants a larger amount too)."""
    p, out = spec.points[i], []
    for j, q in enumerate(spec.points):
        if j == i or spec.focus[j] != spec.focus[i] or set(q) != set(p):
            continue
        ok = True
        for k in p:
            if q[k] == p[k]:
                continue
            axis = spec.axes.get(k)
            try:
                ok = axis is not None and abs(axis.index(q[k]) - axis.index(p[k])) == 1
            except ValueError:
                ok = False
            if not ok:
                break
        if ok:
            out.append(j)
    return out


def shortlist(s: Scenario, spec: SweepSpec, rows: pd.DataFrame, *, top: int = TOP) -> tuple[list[int], dict[str, Any]]:
    """The points to simulate (indices into ``spec.points``) and a record of the screening."""
    summary = summarise_points(rows, level=s.economics.interval_level)
    cand = check(summary, limits(s.tuning, s.shop.platform, plan_day(s.meta.plan)))
    if cand.empty:
        return list(range(len(spec.points))), {"screened": len(spec.points), "kept": len(spec.points)}
    pool = cand[cand["feasible"]] if cand["feasible"].any() else cand
    ranked = pool.sort_values("net_gain_yuan", ascending=False)
    keep: list[int] = []
    for pid in ranked["point_id"].tolist()[:top]:
        if int(pid) not in keep:
            keep.append(int(pid))
    for _, best in ranked.groupby("scheme", sort=False).head(1).iterrows():
        for j in [int(best["point_id"]), *_neighbours(spec, int(best["point_id"]))]:
            if j not in keep:
                keep.append(j)
    keep.sort()
    best = ranked.iloc[0]
    return keep, {"screened": len(spec.points), "kept": len(keep), "method": "quick forecast",
                  "quick_best": {"point_id": int(best["point_id"]), "scheme": best["scheme"],
                                 "net_gain_yuan": float(best["net_gain_yuan"])}}


def screened_spec(spec: SweepSpec, keep: list[int]) -> SweepSpec:
    """The sweep of the shortlisted points only (the full grid's axes kept for the grid-edge flag)."""
    return SweepSpec(points=[spec.points[i] for i in keep], focus=[spec.focus[i] for i in keep],
                     replications=spec.replications, mode=spec.mode, axes=spec.axes, duplicates=spec.duplicates)
