"""The band of a forecast over the behaviour assumptions (model/behaviour/band.py): its cost per scheme.

Figure (the default shop, ``scenarios/taobao_10_agents.toml``, agents responding, the compare page's default
7 days x 2 replications; ``--quick``: 3 days x 1): per scheme, the band's wall seconds (a cold cache: twelve
equilibrium solves of the scheme, the baseline's shared) against one equilibrium solve of the same scheme in the
same process (``ratio``), the CPU seconds, and the cached answer (a rerun of the page). Budget: a few seconds per
scheme (``band_s`` <= 5 s on the threshold schemes; printed for all).

``python -m bench band [--quick]``.
"""

from __future__ import annotations

import os
import time
from typing import Any

from bench.common import TAOBAO, info, verdict, write_result


def run(quick: bool = False, repeat: int = 1) -> dict[str, Any]:
    from model.behaviour.api import clear_solved, equilibrium
    from model.behaviour.band import scheme_band
    from model.behaviour.kpimodel import base_record
    from model.effects import Effects
    from model.pipeline import run_for
    from model.scenario import load_scenario

    days, reps = (3, 1) if quick else (7, 2)
    print(f"== Band over the behaviour assumptions: {TAOBAO.name}, {days} days x {reps} replications ==")
    print(f"   load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the start", flush=True)
    s = load_scenario(TAOBAO, [f"meta.days={days}", f"meta.replications={reps}"])
    base = run_for(s, Effects())
    rec = base_record(base)
    by = {sc.name: sc for sc in s.schemes}
    baseline = by.get(s.economics.baseline_scheme or "")
    rows, budgets = [], []
    for sc in s.schemes:
        if sc is baseline:
            continue
        clear_solved()  # each solve timed as made (the process keeps equilibria: model.behaviour.api)
        t0 = time.perf_counter()
        equilibrium(s, sc, base, rec)
        clear_solved()
        one = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        band = scheme_band(s, sc, base, baseline=baseline)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        scheme_band(s, sc, base, baseline=baseline)
        cached = time.perf_counter() - t0
        ng = band["net_gain_yuan"]
        rows.append({"scheme": sc.name, "one_solve_s": one, "band_s": wall, "band_cpu_s": cpu, "cached_s": cached,
                     "ratio": wall / max(one, 1e-9), "low": ng["low"], "point": ng["point"], "high": ng["high"],
                     "top": band["top"]})
        info(f"{sc.name}: band {wall:.2f} s (CPU {cpu:.2f} s) = {wall / max(one, 1e-9):.1f}x one solve "
             f"({one:.2f} s); cached {1000 * cached:.1f} ms; net gain {ng['low']:,.0f} .. {ng['point']:,.0f} .. "
             f"{ng['high']:,.0f}; top {', '.join(band['top'])}")
    threshold = [r for r in rows if "达标" in r["scheme"]]
    if threshold:
        worst = max(r["band_s"] for r in threshold)
        budgets.append(verdict("band_s (threshold schemes, worst)", worst, 5.0, unit=" s"))
    write_result("band", {"quick": quick, "days": days, "replications": reps, "rows": rows, "budgets": budgets})
    return {"budgets": budgets, "rows": rows}
