"""Figure 4 - parallel replications: ``simulate(..., workers=2)`` vs ``workers=1``.

The seed-000 shop (taobao_10_agents.toml) with 4 replications, timed with ``model.simulate.simulate`` (the
replications and their records; KPI tables are computed afterwards by the caller and are not part of it).
Interleaved, 3 times; the figure is the median of the per-round speed-ups.

Budget (DESIGN.md): >= 1.8x on 2 worker processes.
"""

from __future__ import annotations

import os
from typing import Any

from bench.common import TAOBAO, info, interleaved, paired_ratio, verdict, write_result


def run(quick: bool = False, repeat: int = 3) -> dict[str, Any]:
    print("== Figure 4: parallel replications (taobao_10_agents, 4 replications, 2 workers vs 1) ==", flush=True)
    from model.scenario import load_scenario
    from model.simulate import simulate

    s = load_scenario(TAOBAO, ["meta.days=10"] if quick else [])
    simulate(s, replications=1, workers=1)  # warm-up
    t = interleaved({
        "workers_1": lambda: len(simulate(s, replications=4, workers=1).chats),
        "workers_2": lambda: len(simulate(s, replications=4, workers=2).chats),
    }, repeat)
    assert t["workers_1"]["value"] == t["workers_2"]["value"]
    info(f"cpus {os.cpu_count()}; {t['workers_1']['value']:,} chats in 4 replications; "
         f"workers=1 {t['workers_1']['median_s']:.2f} s, workers=2 {t['workers_2']['median_s']:.2f} s "
         f"(ratio of medians {t['workers_1']['median_s'] / t['workers_2']['median_s']:.2f}x)")
    lines = [verdict("parallel_2_workers_speedup", paired_ratio(t, "workers_1", "workers_2"), 1.8, at_most=False,
                     note="median of per-round speed-ups")]
    res = {"timings": {k: {"median_s": v["median_s"], "samples": v["samples"]} for k, v in t.items()},
           "budgets": lines, "quick": quick}
    write_result("parallel", res)
    return res


if __name__ == "__main__":
    run()
