"""Behaviour budgets (DESIGN.md): one month's equilibrium under 1 s for 10 agents and under 10 s for 200; a
behavioural scheme comparison of the default shop at most 2x the same comparison with behaviour off.

Figures:
1. ``equilibrium_10_agents``: seconds to solve one 30-day month's equilibrium of the seed-000 shop (10 agents) under
   a 1,000-yuan threshold (no interaction: one batch) and under an 800-yuan rank prize on response time (agents
   interact: one deviator per simulated month); the slower of the two is held against the 1 s budget.
2. ``equilibrium_200_agents``: the same for a 200-agent shop (20 inquiries an agent a day; the solve does not
   depend on volume) under the rank prize, against the 10 s budget.
3. ``behaviour_comparison_ratio``: ``compare_schemes`` on ``scenarios/seed000_threshold_48.toml`` from scratch
   (base run included) with ``behaviour.model = "effort_equilibrium"`` over the same with ``"none"``, timed
   back to back (interleaved rounds, median of the paired ratios), against the 2x budget.
The equilibrium budgets are absolute seconds (DESIGN.md states them so); each is printed beside the time of one
simulated replication of the same shop in the same run, so a busy machine shows in both.

``python -m bench.behaviour [--quick] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import ROOT, info, interleaved, paired_ratio, verdict, write_result

SHOP = ROOT / "scenarios" / "seed000_threshold_48.toml"
RANK = ROOT / "scenarios" / "seed000_rank_response_800.toml"


def _world(path, sets: dict[str, Any]):
    from model.behaviour.kpimodel import base_record
    from model.edits import with_edits
    from model.scenario import load_scenario
    from model.simulate import simulate

    s = with_edits(load_scenario(path), {"behaviour.model": "effort_equilibrium", **sets})
    t0 = time.perf_counter()
    base = simulate(s, replications=1)
    sim_s = time.perf_counter() - t0
    return s, base, base_record(base), sim_s


def _solve_time(s, base, rec, scheme, repeat: int) -> tuple[float, Any]:
    from model.behaviour.api import equilibrium

    times, cpu, eq = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        eq = equilibrium(s, scheme, base, rec)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    times.sort()
    cpu.sort()
    info(f"  ({scheme.name}: wall {times[len(times) // 2]:.2f} s, CPU {cpu[len(cpu) // 2]:.2f} s; on a busy machine "
         "the CPU time is the fairer figure)")
    return times[len(times) // 2], eq


def run(quick: bool = False, repeat: int = 3) -> dict[str, Any]:
    """Time the equilibria and the comparison; print the budget lines; write bench/results/behaviour.json."""
    print("== Behaviour: equilibrium time (10 and 200 agents) and comparison overhead ==", flush=True)
    budgets, res = [], {"quick": quick}
    # 1. ten agents
    s, base, rec, sim_s = _world(SHOP, {"meta.replications": 1})
    t_thr, eq = _solve_time(s, base, rec, s.schemes[1], repeat)
    s_r, base_r, rec_r, _ = _world(RANK, {"meta.replications": 1})
    t_rank, eq_r = _solve_time(s_r, base_r, rec_r, s_r.schemes[1], repeat)
    info(f"10 agents: threshold {t_thr:.2f} s ({eq.rounds} rounds), rank prize {t_rank:.2f} s ({eq_r.rounds} rounds,"
         f" converged {eq_r.converged}); one simulated replication of the shop {sim_s:.2f} s")
    budgets.append(verdict("equilibrium_10_agents", max(t_thr, t_rank), 1.0, unit=" s",
                           note=f"{max(t_thr, t_rank) / sim_s:.2f}x one simulated replication"))
    res["ten"] = {"threshold_s": t_thr, "rank_s": t_rank, "replication_s": sim_s}
    # 2. two hundred agents
    n = 60 if quick else 200
    big = {"agents.count": n, "traffic.inquiries_per_day": 20 * n, "meta.replications": 1}
    s2, base2, rec2, sim2 = _world(RANK, big)
    t_big, eq2 = _solve_time(s2, base2, rec2, s2.schemes[1], 1)
    info(f"{n} agents: rank prize {t_big:.2f} s ({eq2.rounds} rounds, converged {eq2.converged}); one simulated "
         f"replication {sim2:.2f} s")
    budgets.append(verdict(f"equilibrium_{n}_agents", t_big, 10.0, unit=" s",
                           note=f"{t_big / sim2:.2f}x one simulated replication"))
    res["big"] = {"agents": n, "rank_s": t_big, "replication_s": sim2}
    # 3. the comparison with and without behaviour
    from model.edits import with_edits
    from model.pipeline import compare_schemes
    from model.scenario import load_scenario

    days, reps = (7, 2) if quick else (30, 3)
    on = with_edits(load_scenario(SHOP), {"meta.days": days, "meta.replications": reps,
                                          "behaviour.model": "effort_equilibrium"})
    off = with_edits(on, {"behaviour.model": "none"})
    t = interleaved({"on": lambda: compare_schemes(on), "off": lambda: compare_schemes(off)}, max(1, repeat))
    ratio = paired_ratio(t, "on", "off")
    info(f"comparison of {len(on.schemes)} schemes, {days} days x {reps} replications: behaviour on "
         f"{t['on']['median_s']:.1f} s, off {t['off']['median_s']:.1f} s")
    budgets.append(verdict("behaviour_comparison_ratio", ratio, 2.0))
    res["comparison"] = {"on_s": t["on"]["samples"], "off_s": t["off"]["samples"], "ratio": ratio}
    res["budgets"] = budgets
    write_result("behaviour", res)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.behaviour", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="60 instead of 200 agents, 7-day comparison")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    res = run(quick=a.quick, repeat=a.repeat)
    return 0 if all(b["ok"] for b in res["budgets"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
