"""The quick forecast of a comparison (model/quick.py) against the full simulation, and its speed.

Figures (the default shop, ``scenarios/taobao_10_agents.toml``, agents responding, the compare page's default
7 days x 2 replications; ``--quick``: 3 days x 1):
1. ``quick_gap_share``: on held-out target/amount points (not the file's own values), the largest
   |quick net gain - simulated net gain| over the schemes, as a share of the shop's revenue (budget <= 3%), and
   whether the schemes' ranking by net gain agrees.
2. ``quick_move_s``: server time of the quick answer after a target move (the other schemes' equilibria kept),
   wall and CPU seconds, against the 0.5 s budget; printed beside the full comparison of the same point in the
   same run (the ratio is the speed-up a slider move gets).

3. ``--full`` (``python -m bench.quick --full``, a few minutes): the gap and the ranking also at the file's own size
   (30 days x 5) on the default shop and on the same shop with unstaffed nights (``traffic.open_hours = [0, 24]``),
   every scheme simulated: the cases the re-routing constant ``model.quick.REROUTE_POWER`` was chosen on
   (docs/model.md 10.11), so a change that moves it shows here (budget <= 3%, same ranking).

``python -m bench quick [--quick]``; ``python -m bench.quick --full``.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from bench.common import TAOBAO, info, verdict, write_result

POINTS = [
    [],  # the file's schemes (warm-up; not held out)
    ["schemes.1.components.0.target=0.43"],
    ["schemes.2.components.0.amount_yuan=1500"],
    ["schemes.2.components.0.target=0.50"],
    ["schemes.1.components.0.amount_yuan=600"],
]


def run(quick: bool = False, repeat: int = 1, full: bool = False) -> dict[str, Any]:
    from model.document import comparison_document
    from model.effects import Effects
    from model.pipeline import RunCache, run_for
    from model.quick import GAP_SHARE, quick_comparison, quick_gap
    from model.scenario import load_scenario

    days, reps = (3, 1) if quick else (7, 2)
    points = POINTS[:3] if quick else POINTS
    print(f"== Quick forecast vs full simulation: {TAOBAO.name}, {days} days x {reps} replications, behaviour on ==")
    print(f"   load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the start", flush=True)
    cache = RunCache(maxsize=64)
    rows = []
    for sets in points:
        s = load_scenario(TAOBAO, [f"meta.days={days}", f"meta.replications={reps}", *sets])
        base = run_for(s, Effects(), cache=cache)
        t0, c0 = time.perf_counter(), time.process_time()
        q = quick_comparison(s, base)
        q_wall, q_cpu = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        f = comparison_document(s, cache=cache)
        f_wall = time.perf_counter() - t0
        g = quick_gap(q, f)
        rows.append({"point": sets or ["file"], "quick_wall_s": q_wall, "quick_cpu_s": q_cpu, "full_wall_s": f_wall,
                     "max_share": g["max_share"], "same_ranking": g["same_ranking"], "schemes": g["schemes"]})
        info(f"{' '.join(sets) or 'file values'}: quick {q_wall:.2f} s (CPU {q_cpu:.2f} s), full {f_wall:.1f} s "
             f"= {f_wall / max(q_wall, 1e-9):.0f}x; largest gap {100 * g['max_share']:.2f}% of revenue; "
             f"ranking {'agrees' if g['same_ranking'] else 'DIFFERS'}; load {os.getloadavg()[0]:.1f}")
        for name, r in g["schemes"].items():
            info(f"    {name}: quick {r['quick']:,.0f}  simulated {r['full']:,.0f}  "
                 f"({100 * (r['share'] or 0):.2f}% of revenue {r['revenue']:,.0f})")
    held = rows[1:]
    budgets = [
        verdict("quick_gap_share (held-out points, largest)", 100 * max(r["max_share"] for r in held),
                100 * GAP_SHARE, unit="%"),
        verdict("quick_same_ranking (held-out points agreeing)", sum(r["same_ranking"] for r in held) / len(held),
                1.0, at_most=False, unit=""),
        verdict("quick_move_s (median over moves, wall)", sorted(r["quick_wall_s"] for r in held)[len(held) // 2],
                0.5, unit=" s", note=f"CPU {sorted(r['quick_cpu_s'] for r in held)[len(held) // 2]:.2f} s; "
                f"full comparison {sorted(r['full_wall_s'] for r in held)[len(held) // 2]:.1f} s; "
                f"load {os.getloadavg()[0]:.1f}"),
    ]
    if full:
        budgets += _full_size(cache)
    write_result("quick", {"quick": quick, "rows": rows, "budgets": budgets})
    return {"budgets": budgets}


FULL_CASES = {"default shop, 30 x 5": [], "unstaffed nights, 30 x 5": ["traffic.open_hours=[0,24]"]}


def _full_size(cache: Any) -> list[dict[str, Any]]:
    """The quick forecast's gap and ranking at the file's size (see the module doc, figure 3)."""
    from model.document import comparison_document
    from model.effects import Effects
    from model.pipeline import run_for
    from model.quick import GAP_SHARE, quick_comparison, quick_gap
    from model.scenario import load_scenario

    worst, agree = 0.0, []
    for name, sets in FULL_CASES.items():
        s = load_scenario(TAOBAO, [*sets, "meta.share_engine=false"])
        base = run_for(s, Effects(), cache=cache)
        g = quick_gap(quick_comparison(s, base), comparison_document(s, cache=cache))
        worst, agree = max(worst, g["max_share"]), [*agree, g["same_ranking"]]
        info(f"{name}: largest gap {100 * g['max_share']:.2f}% of revenue; ranking "
             f"{'agrees' if g['same_ranking'] else 'DIFFERS'}; load {os.getloadavg()[0]:.1f}")
        for n, r in g["schemes"].items():
            info(f"    {n}: quick {r['quick']:,.0f}  simulated {r['full']:,.0f}  ({100 * (r['share'] or 0):.2f}%)")
    return [verdict("quick_gap_share at 30 x 5 (largest of the two cases)", 100 * worst, 100 * GAP_SHARE, unit="%"),
            verdict("quick_same_ranking at 30 x 5 (cases agreeing)", sum(agree) / len(agree), 1.0, at_most=False,
                    unit="")]


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--full", action="store_true", help="also the two 30-day x 5 cases (figure 3)")
    a = ap.parse_args()
    run(quick=a.quick, full=a.full)
