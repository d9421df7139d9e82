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
simulated replication of the same shop timed interleaved in the same run (so a busy machine shows in both), as a
ratio before and after issue 18's block pricing: "before" solves the same equilibrium with every block of candidate
efforts priced through ``price_scheme``'s tables (``solver.BLOCK_PRICING = False``), "after" through
``pricing.price_block``; the line says whether the two gave identical efforts.

``python -m bench.behaviour [--quick] [--repeat N] [--no-comparison]``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import ROOT, info, interleaved, paired_ratio, verdict, write_result

SHOP = ROOT / "scenarios" / "seed000_threshold_48.toml"
RANK = ROOT / "scenarios" / "seed000_rank_response_800.toml"


def _world(path, sets: dict[str, Any]):  # the scenario, its base run, the agents' record
    from model.behaviour.kpimodel import base_record
    from model.edits import with_edits
    from model.scenario import load_scenario
    from model.simulate import simulate

    s = with_edits(load_scenario(path), {"behaviour.model": "effort_equilibrium", **sets})
    t0 = time.perf_counter()
    base = simulate(s, replications=1)
    sim_s = time.perf_counter() - t0
    return s, base, base_record(base), sim_s


def _solve(s, base, rec, scheme, block: bool = True):
    from model.behaviour.api import clear_solved, equilibrium
    from model.behaviour.solver import block_pricing

    clear_solved()  # timed as solved, not as kept by the process
    with block_pricing(block):
        return equilibrium(s, scheme, base, rec)


def _replication(s):
    from model.simulate import simulate

    return lambda: simulate(s, replications=1)


def _median(xs: list[float]) -> float:
    return sorted(xs)[len(xs) // 2]


def _timed(fns: dict[str, Any], repeat: int) -> dict[str, dict[str, Any]]:
    """Wall and CPU seconds of each callable, interleaved ``repeat`` times (medians)."""
    out: dict[str, dict[str, Any]] = {k: {"wall": [], "cpu": [], "value": None} for k in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0, c0 = time.perf_counter(), time.process_time()
            out[name]["value"] = fn()
            out[name]["wall"].append(time.perf_counter() - t0)
            out[name]["cpu"].append(time.process_time() - c0)
    for v in out.values():
        v["wall_s"], v["cpu_s"] = _median(v["wall"]), _median(v["cpu"])
    return out


def _equal(a, b) -> str:
    d = float(abs(a.effort - b.effort).max())
    return "identical efforts" if d == 0 else f"efforts differ by up to {d:.2e}"


def run(quick: bool = False, repeat: int = 3, comparison: bool = True) -> dict[str, Any]:
    """Time the equilibria and the comparison; print the budget lines; write bench/results/behaviour.json."""
    print("== Behaviour: equilibrium time (10 and 200 agents) and comparison overhead ==", flush=True)
    print("   (before = every candidate block priced through price_scheme's tables; after = pricing.price_block; "
          "ratios are to one simulated replication of the same shop, timed interleaved in this run)", flush=True)
    budgets, res = [], {"quick": quick}
    # 1. ten agents
    s, base, rec, _ = _world(SHOP, {"meta.replications": 1})
    s_r, base_r, rec_r, _ = _world(RANK, {"meta.replications": 1})
    t = _timed({
        "replication": _replication(s_r),
        "threshold": lambda: _solve(s, base, rec, s.schemes[1]),
        "rank": lambda: _solve(s_r, base_r, rec_r, s_r.schemes[1]),
        "rank_before": lambda: _solve(s_r, base_r, rec_r, s_r.schemes[1], block=False),
    }, repeat)
    rep_s, rep_cpu = t["replication"]["wall_s"], t["replication"]["cpu_s"]
    eq, eq_r = t["threshold"]["value"], t["rank"]["value"]
    t_thr, t_rank, t_before = t["threshold"]["wall_s"], t["rank"]["wall_s"], t["rank_before"]["wall_s"]
    info(f"10 agents: threshold {t_thr:.2f} s ({eq.rounds} rounds), rank prize {t_rank:.2f} s wall, "
         f"{t['rank']['cpu_s']:.2f} s CPU ({eq_r.rounds} rounds, converged {eq_r.converged}); before "
         f"{t_before:.2f} s wall, {t['rank_before']['cpu_s']:.2f} s CPU ({_equal(eq_r, t['rank_before']['value'])}); "
         f"one simulated replication {rep_s:.2f} s wall, {rep_cpu:.2f} s CPU")
    info(f"rank_10_agents / one replication: before {t_before / rep_s:.2f}x, after {t_rank / rep_s:.2f}x "
         f"(CPU: {t['rank_before']['cpu_s'] / rep_cpu:.2f}x -> {t['rank']['cpu_s'] / rep_cpu:.2f}x); speed-up "
         f"{t_before / t_rank:.1f}x")
    budgets.append(verdict("equilibrium_10_agents", max(t_thr, t_rank), 1.0, unit=" s",
                           note=f"{max(t_thr, t_rank) / rep_s:.2f}x one simulated replication; before "
                                f"{max(t_thr, t_before) / rep_s:.2f}x"))
    res["ten"] = {k: {"wall_s": v["wall"], "cpu_s": v["cpu"]} for k, v in t.items()}
    res["ten"]["rounds"] = {"threshold": eq.rounds, "rank": eq_r.rounds}
    # 2. two hundred agents
    n = 60 if quick else 200
    big = {"agents.count": n, "traffic.inquiries_per_day": 20 * n, "meta.replications": 1}
    s2, base2, rec2, _ = _world(RANK, big)
    t2 = _timed({"replication": _replication(s2), "rank": lambda: _solve(s2, base2, rec2, s2.schemes[1]),
                 "rank_before": lambda: _solve(s2, base2, rec2, s2.schemes[1], block=False)}, 1)
    sim2, t_big, t_big0 = t2["replication"]["wall_s"], t2["rank"]["wall_s"], t2["rank_before"]["wall_s"]
    eq2 = t2["rank"]["value"]
    info(f"{n} agents: rank prize {t_big:.2f} s wall, {t2['rank']['cpu_s']:.2f} s CPU ({eq2.rounds} rounds, converged "
         f"{eq2.converged}); before {t_big0:.2f} s ({_equal(eq2, t2['rank_before']['value'])}); one simulated "
         f"replication {sim2:.2f} s")
    info(f"rank_{n}_agents / one replication: before {t_big0 / sim2:.2f}x, after {t_big / sim2:.2f}x; speed-up "
         f"{t_big0 / t_big:.1f}x")
    budgets.append(verdict(f"equilibrium_{n}_agents", t_big, 10.0, unit=" s",
                           note=f"{t_big / sim2:.2f}x one simulated replication; before {t_big0 / sim2:.2f}x"))
    res["big"] = {"agents": n, **{k: {"wall_s": v["wall"], "cpu_s": v["cpu"]} for k, v in t2.items()}}
    if not comparison:
        res["budgets"] = budgets
        write_result("behaviour", res)
        return res
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
    ap.add_argument("--no-comparison", action="store_true", help="only the equilibrium figures (1 and 2)")
    a = ap.parse_args(argv)
    res = run(quick=a.quick, repeat=a.repeat, comparison=not a.no_comparison)
    return 0 if all(b["ok"] for b in res["budgets"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
