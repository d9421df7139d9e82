"""Figure 1 - the engine on its M/M/c special case vs a bare SimPy loop and vs Ciw.

Our side is the whole CLI run, in process: ``python -m model run scenarios/validation/erlang.toml
--set customers.patience.dist="none" --json OUT`` (scenario loading, draws, SimPy engine, outcomes, KPIs with
intervals, JSON). The bare SimPy M/M/c loop serves exactly as many customers, with the same c and rates,
split over the same replications; Ciw runs the same M/M/c to the same horizon for the same replications.
Timings are interleaved (ours, bare, Ciw, ours, ...) three times; the medians are compared per customer (the
median of the per-round ratios is printed as well).

Budgets (DESIGN.md): ours <= 1.0x the bare loop; Ciw / ours >= 2.0x.
"""

from __future__ import annotations

from typing import Any

from bench.baselines import bare_mmc_reps, ciw_mmc
from bench.common import DAY_S, ERLANG, info, interleaved, paired_ratio, run_cli, verdict, write_result

NO_PATIENCE = 'customers.patience.dist="none"'


def mmc_params(sets: list[str]) -> dict[str, Any]:
    """c, rates, horizon and replications of the Erlang scenario (with the same overrides)."""
    from model.scenario import load_scenario

    s = load_scenario(ERLANG, sets)
    assert s.traffic.intraday_profile == "flat" and s.traffic.aftersale_per_day == 0
    assert s.agents.max_concurrent_chats == 1 and s.customers.messages_per_chat == 1
    return {
        "c": s.agents.count,
        "arrival_rate": s.traffic.inquiries_per_day / DAY_S,
        "service_rate": 1.0 / s.agents.reply_time.mean_s,
        "horizon_s": s.meta.days * DAY_S,
        "days": s.meta.days,
        "reps": s.meta.replications,
    }


def run(quick: bool = False, repeat: int = 3) -> dict[str, Any]:
    print("== Figure 1: engine, M/M/c special case (erlang.toml, patience none) ==", flush=True)
    sets = [NO_PATIENCE] + (["meta.days=5"] if quick else [])
    p = mmc_params(sets)
    run_cli(ERLANG, sets + ["meta.days=1"], reps=1)  # warm-up: imports and first-call costs
    doc = run_cli(ERLANG, sets)
    n = doc["counts"]["arrived"]
    t = interleaved({
        "ours_cli": lambda: run_cli(ERLANG, sets)["counts"]["arrived"],
        "bare_simpy": lambda: bare_mmc_reps(n, p["reps"], p["c"], p["arrival_rate"], p["service_rate"]),
        "ciw": lambda: ciw_mmc(p["horizon_s"], p["reps"], p["c"], p["arrival_rate"], p["service_rate"]),
    }, repeat)
    n_ours, n_bare, n_ciw = t["ours_cli"]["value"], t["bare_simpy"]["value"], t["ciw"]["value"]
    us = {k: 1e6 * t[k]["median_s"] / m for k, m in (("ours_cli", n_ours), ("bare_simpy", n_bare), ("ciw", n_ciw))}
    info(f"c={p['c']}, {p['reps']} reps x {p['days']} days; customers: ours {n_ours:,}, bare {n_bare:,}, "
         f"Ciw {n_ciw:,} (completed)")
    for k in us:
        info(f"{k:<11} median {t[k]['median_s']:.3f} s  = {us[k]:.2f} us/customer  "
             f"(samples {', '.join(f'{x:.2f}' for x in t[k]['samples'])})")
    info(f"medians of the per-round ratios (for noise): ours/bare "
         f"{paired_ratio(t, 'ours_cli', 'bare_simpy', n_ours, n_bare):.2f}x, "
         f"Ciw/ours {paired_ratio(t, 'ciw', 'ours_cli', n_ciw, n_ours):.2f}x")
    lines = [
        verdict("engine_vs_bare_simpy", us["ours_cli"] / us["bare_simpy"], 1.0,
                note="whole CLI run / bare SimPy loop, per customer, medians of 3"),
        verdict("ciw_vs_engine_speedup", us["ciw"] / us["ours_cli"], 2.0, at_most=False,
                note="Ciw time / our time, per customer, medians of 3"),
    ]
    res = {"params": p, "customers": {"ours": n_ours, "bare_simpy": n_bare, "ciw": n_ciw},
           "timings": {k: {"median_s": v["median_s"], "samples": v["samples"], "us_per_customer": us[k]}
                       for k, v in t.items()},
           "paired_ratio": {"ours_vs_bare": paired_ratio(t, "ours_cli", "bare_simpy", n_ours, n_bare),
                             "ciw_vs_ours": paired_ratio(t, "ciw", "ours_cli", n_ciw, n_ours)},
           "ratio_of_medians": {"ours_vs_bare": us["ours_cli"] / us["bare_simpy"],
                                 "ciw_vs_ours": us["ciw"] / us["ours_cli"]},
           "budgets": lines, "quick": quick}
    write_result("engine", res)
    return res


if __name__ == "__main__":
    run()
