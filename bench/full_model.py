"""Figure 2 - the full model: cost of one buyer message vs one customer of the bare SimPy M/M/c loop.

Our side is the whole CLI run of the seed-000 shop (``scenarios/taobao_10_agents.toml``, 1 replication:
shifts, 3 concurrent chats, typing queues, concurrency slowdown, think times, patience with silent
abandoners, outcomes, KPIs, JSON) divided by its buyer messages. The other side is the bare loop of figure 1
(c=5, the Erlang rates) over the same number of customers, divided by its customers. Interleaved, 3 times,
medians. The engine alone (``chatcentre.run`` on the same input) is timed as well, for information.

Budget (DESIGN.md): one buyer message <= 0.6x one customer of the bare loop.
"""

from __future__ import annotations

from typing import Any

from bench.baselines import bare_mmc_reps
from bench.common import TAOBAO, info, interleaved, paired_ratio, run_cli, verdict, write_result
from bench.engine import NO_PATIENCE, mmc_params


def engine_only(sets: list[str]):
    """A callable running only the SimPy engine (draws made beforehand) of replication 0."""
    from model import chatcentre
    from model.draws import make_draws
    from model.effects import Effects
    from model.scenario import load_scenario
    from model.simulate import engine_input
    from model.team import agent_table

    s = load_scenario(TAOBAO, sets)
    d = make_draws(s, 0)
    inp = engine_input(s, d, agent_table(s), Effects())
    return lambda: chatcentre.run(inp)


def run(quick: bool = False, repeat: int = 3) -> dict[str, Any]:
    print("== Figure 2: full model (taobao_10_agents, 1 replication), per buyer message ==", flush=True)
    # the mechanics of the shop: behaviour (and its scheme comparison) is figure "behaviour" (bench/behaviour.py)
    sets = ["behaviour.model=none"] + (["meta.days=10"] if quick else [])
    p = mmc_params([NO_PATIENCE])
    run_cli(TAOBAO, ["meta.days=1", "behaviour.model=none"], reps=1)  # warm-up
    doc = run_cli(TAOBAO, sets, reps=1)
    msgs, chats = doc["counts"]["messages"], doc["counts"]["arrived"]
    eng = engine_only(sets)
    t = interleaved({
        "ours_cli": lambda: run_cli(TAOBAO, sets, reps=1)["counts"]["messages"],
        "engine_only": eng,
        "bare_simpy": lambda: bare_mmc_reps(msgs, 1, p["c"], p["arrival_rate"], p["service_rate"]),
    }, repeat)
    per_msg = 1e6 * t["ours_cli"]["median_s"] / msgs
    eng_msg = 1e6 * t["engine_only"]["median_s"] / msgs
    per_cust = 1e6 * t["bare_simpy"]["median_s"] / t["bare_simpy"]["value"]
    info(f"{chats:,} chats, {msgs:,} buyer messages; bare loop {t['bare_simpy']['value']:,} customers")
    info(f"ours (CLI) {t['ours_cli']['median_s']:.3f} s = {per_msg:.2f} us/message; engine only "
         f"{t['engine_only']['median_s']:.3f} s = {eng_msg:.2f} us/message; bare loop {per_cust:.2f} us/customer")
    nb = t["bare_simpy"]["value"]
    info(f"median of per-round ratios {paired_ratio(t, 'ours_cli', 'bare_simpy', msgs, nb):.2f}x; engine only "
         f"(no outcomes/KPIs/JSON): {eng_msg / per_cust:.2f}x the bare customer")
    lines = [
        verdict("full_model_msg_vs_bare_customer", per_msg / per_cust, 0.6,
                note="whole CLI run per buyer message / bare loop per customer, medians of 3"),
    ]
    res = {"chats": chats, "messages": msgs,
           "timings": {k: {"median_s": v["median_s"], "samples": v["samples"]} for k, v in t.items()},
           "us_per_message": per_msg, "engine_us_per_message": eng_msg, "bare_us_per_customer": per_cust,
           "budgets": lines, "quick": quick}
    write_result("full_model", res)
    return res


if __name__ == "__main__":
    run()
