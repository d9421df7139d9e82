"""The response estimate's joint refinement (issue 14 leftover): cost and recovery with and without it.

``model.history.response.estimate`` on the committed sample (samples/months, 8 agents, 4 months), one coordinate
pass (the product's default), with the joint refinement of :data:`model.history.response.JOINT` (the default) and
without it (``joint=None``), alternated ``repeat`` times in one process (the median time of each kept). Budgets:
the refinement's estimate takes at most 1.5x the coordinate pass alone, in this process's CPU seconds (the wall
time is printed too; on a shared machine the CPU time is the fair figure, the wall time grows with the load); it
lowers (or keeps) the objective; every truth stays inside its 90% interval. Recovery: each estimate's distance from the truth (``samples/months/
make_months.TRUE``) as a factor, with and without. ``--quick``: 100 bootstrap resamples and one timing per side.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from bench.common import info, load_warning, verdict, write_result
from bench.response import SAMPLE, _truth


def run(quick: bool = False, repeat: int = 2) -> dict[str, Any]:
    from model.history.months import match_months, read_month_schemes
    from model.history.response import estimate, norm_scenario
    from model.history.validate import load_history
    from model.language.behaviour import ESTIMABLE

    print("== Response estimate: joint refinement vs the coordinate pass alone (issue 14) ==", flush=True)
    h = load_history(SAMPLE / "shop_2026-07_10.csv")
    months = match_months([h], read_month_schemes(SAMPLE / "months.toml"))
    norm = norm_scenario(months, None)[:2]
    boot = 100 if quick else 300
    if warn := load_warning():
        info(warn)
    times: dict[str, list[float]] = {"flat": [], "joint": []}
    cpu: dict[str, list[float]] = {"flat": [], "joint": []}
    res: dict[str, Any] = {}
    load = [os.getloadavg()[0]]
    for i in range(1 if quick else repeat):
        sides = (("flat", None), ("joint", ...))
        for side, joint in sides if i % 2 == 0 else sides[::-1]:  # the order alternates (a load trend cancels)
            kw = {} if joint is ... else {"joint": None}
            t0, c0 = time.perf_counter(), time.process_time()
            res[side] = estimate(months, None, norm=norm, bootstrap=boot, **kw)
            times[side].append(time.perf_counter() - t0)
            cpu[side].append(time.process_time() - c0)
            load.append(os.getloadavg()[0])
    flat_s, joint_s = statistics.median(times["flat"]), statistics.median(times["joint"])
    flat_c, joint_c = statistics.median(cpu["flat"]), statistics.median(cpu["joint"])
    truth = _truth()
    j = res["joint"].joint
    info(f"load average (1 min) {', '.join(f'{x:.2f}' for x in load)} on {os.cpu_count()} CPUs; coordinate pass "
         f"{flat_s:.1f} s wall, {flat_c:.1f} CPU s ({res['flat'].solves} solves); with the joint refinement "
         f"{joint_s:.1f} s wall, {joint_c:.1f} CPU s ({res['joint'].solves} solves); wall ratio {joint_s / flat_s:.2f}")
    if j is not None:
        info(f"joint refinement of {', '.join(j.params)}: objective {j.j_before:.3f} -> {j.j_after:.3f} in "
             f"{j.evaluations} evaluations ({'kept' if j.kept else 'not lower: coordinate values kept'})")
    rec = []
    inside = {"flat": 0, "joint": 0}
    for p in ESTIMABLE:
        row = {"param": p, "truth": truth[p]}
        for side in ("flat", "joint"):
            e = res[side]
            lo, hi = e.intervals.get(p, (float("nan"), float("nan")))
            ok = e.identified[p] and lo <= truth[p] <= hi
            inside[side] += ok
            row[side] = {"estimate": e.values[p], "low": lo, "high": hi, "inside": ok,
                         "factor_off": max(e.values[p], truth[p]) / min(e.values[p], truth[p])}
        rec.append(row)
        info(f"{p}: truth {truth[p]:,.4g}; coordinate {row['flat']['estimate']:,.4g} "
             f"({row['flat']['low']:,.4g} .. {row['flat']['high']:,.4g}, x{row['flat']['factor_off']:.2f} off); "
             f"joint {row['joint']['estimate']:,.4g} ({row['joint']['low']:,.4g} .. {row['joint']['high']:,.4g}, "
             f"x{row['joint']['factor_off']:.2f} off)")
    budgets = [verdict("estimate with joint refinement / coordinate pass alone (CPU s)", joint_c / flat_c, 1.5,
                       note=f"median of {len(times['joint'])}, load {max(load):.2f}; wall {joint_s / flat_s:.2f}x"),
               verdict("truths inside the 90% intervals, joint refinement", inside["joint"], len(truth),
                       at_most=False, unit="")]
    if j is not None:
        budgets.append(verdict("objective after / before the joint refinement", j.j_after / j.j_before, 1.0))
    write_result("response_joint", {"quick": quick, "times": times, "cpu_s": cpu, "loadavg": load, "recovery": rec,
                                    "joint": None if j is None else {**j.__dict__}, "budgets": budgets})
    return {"budgets": budgets}
