"""Re-timed runs (model/retime.py) against simulating each scheme again (issue 18 item 2).

Figures (the default shop, ``scenarios/taobao_10_agents.toml``, agents responding, 7 days x 2 replications;
``--quick``: 3 days x 1), for each responsive scheme in one process:

* ``retime / simulate``: seconds of re-timing the base run's chats under the scheme's speeds against simulating
  the scheme again (same effects, same seed);
* the gap of the re-timed run against the simulated one: sales as a share of the simulated sales (budget
  <= 1%, about the replication noise of a 7-day week), average response and first response time in seconds,
  abandonment in points;
* the whole behavioural comparison with ``meta.share_engine`` on and off, against the mechanics comparison
  (budget <= 2x, issue 18).

``python -m bench retime [--quick]``.
"""

from __future__ import annotations

import os
import time
from typing import Any

from bench.common import TAOBAO, info, verdict, write_result


def run(quick: bool = False, repeat: int = 1) -> dict[str, Any]:
    from model.behaviour.api import clear_solved
    from model.document import comparison_document
    from model.pipeline import effects_for
    from model.retime import retime
    from model.scenario import load_scenario
    from model.simulate import simulate

    days, reps = (3, 1) if quick else (7, 2)
    print(f"== Re-timed runs vs simulating again: {TAOBAO.name}, {days} days x {reps} replications ==")
    print(f"   load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the start", flush=True)
    sets = [f"meta.days={days}", f"meta.replications={reps}"]
    s = load_scenario(TAOBAO, sets)
    base = simulate(s)
    rows, lines = [], []
    for sc in s.schemes:
        eff, report = effects_for(sc, s, base)
        if report is None or eff.engine_key() == base.effects.engine_key():
            continue
        t0 = time.perf_counter()
        rt = retime(base, eff)
        t1 = time.perf_counter()
        sim = simulate(s, effects=eff)
        t2 = time.perf_counter()
        a, b = rt.table().mean(numeric_only=True), sim.table().mean(numeric_only=True)
        row = {"scheme": sc.name, "retime_s": t1 - t0, "simulate_s": t2 - t1,
               "sales_gap_share": float(a["sales_yuan"] / b["sales_yuan"] - 1.0),
               "avg_response_gap_s": float(a["avg_response_s"] - b["avg_response_s"]),
               "first_response_gap_s": float(a["first_response_s"] - b["first_response_s"]),
               "abandon_gap_pt": float(100 * (a["abandon_rate"] - b["abandon_rate"]))}
        rows.append(row)
        info(f"{sc.name}: re-timed {row['retime_s']:.2f} s vs simulated {row['simulate_s']:.2f} s "
             f"({row['retime_s'] / row['simulate_s']:.2f}x); sales {100 * row['sales_gap_share']:+.2f}%, "
             f"avg response {row['avg_response_gap_s']:+.1f} s, first response {row['first_response_gap_s']:+.1f} s, "
             f"abandonment {row['abandon_gap_pt']:+.2f} pt")
    if rows:
        worst = max(abs(r["sales_gap_share"]) for r in rows)
        lines.append(verdict("retime_sales_gap (worst scheme)", 100 * worst, 1.0, unit="%"))
        lines.append(verdict("retime / simulate (median)", sorted(r["retime_s"] / r["simulate_s"] for r in rows)
                             [len(rows) // 2], 1.0))
    times = {}
    for name, extra in (("mechanics", ["behaviour.model=none"]), ("behaviour", ["meta.share_engine=false"]),
                        ("behaviour_shared", ["meta.share_engine=true"])):
        sc = load_scenario(TAOBAO, [*sets, *extra])
        clear_solved()  # each comparison solves its own equilibria, as in a fresh process
        t0 = time.perf_counter()
        comparison_document(sc)
        times[name] = time.perf_counter() - t0
    lines.append(verdict("behaviour compare / mechanics", times["behaviour"] / times["mechanics"], 2.0,
                         note=f"{times['behaviour']:.1f} s / {times['mechanics']:.1f} s, every scheme simulated"))
    lines.append(verdict("behaviour compare, share_engine / mechanics", times["behaviour_shared"] / times["mechanics"],
                         2.0, note=f"{times['behaviour_shared']:.1f} s, re-timed where the queue allows"))
    res = {"days": days, "replications": reps, "schemes": rows, "compare_s": times, "budgets": lines,
           "load": os.getloadavg()[0]}
    write_result("retime", res)
    return res
