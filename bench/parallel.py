"""Figure 4 - parallel replications: ``simulate(..., workers=2)`` vs ``workers=1``.

The seed-000 shop (taobao_10_agents.toml) with 4 replications, timed with ``model.simulate.simulate`` (the
replications and their records; KPI tables are computed afterwards by the caller and are not part of it).
Interleaved, 3 times; the figure is the ratio of the medians. CPU seconds are counted too, to tell
the pool's own overhead from CPUs taken by other processes, and the workers' page faults (a cold forked worker
faults in the memory it touches; a count that does not depend on the load). The figure can be trusted only
when the run obtained both CPUs (CPU seconds / wall seconds of the 2-worker runs >= 1.8); otherwise the bench
says so and gives the speed-up the CPU overhead allows on a free machine.

Budget (DESIGN.md): >= 1.8x on 2 worker processes.
"""

from __future__ import annotations

import os
import resource
from typing import Any

from bench.common import TAOBAO, cpu_s, info, interleaved, paired_ratio, verdict, write_result


def run(quick: bool = False, repeat: int = 3) -> dict[str, Any]:
    print("== Figure 4: parallel replications (taobao_10_agents, 4 replications, 2 workers vs 1) ==", flush=True)
    from model.scenario import load_scenario
    from model.simulate import simulate

    s = load_scenario(TAOBAO, ["meta.days=10"] if quick else [])
    simulate(s, replications=1, workers=1)  # warm-up
    cpu: dict[str, list[float]] = {"workers_1": [], "workers_2": []}
    faults: list[int] = []

    def timed(workers: int):
        def f() -> int:
            c0, f0 = cpu_s(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
            n = len(simulate(s, replications=4, workers=workers).chats)
            cpu[f"workers_{workers}"].append(cpu_s() - c0)
            if workers > 1:
                faults.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - f0)
            return n
        return f

    t = interleaved({"workers_1": timed(1), "workers_2": timed(2)}, repeat)
    assert t["workers_1"]["value"] == t["workers_2"]["value"]
    info(f"cpus {os.cpu_count()}; {t['workers_1']['value']:,} chats in 4 replications; "
         f"workers=1 {t['workers_1']['median_s']:.2f} s, workers=2 {t['workers_2']['median_s']:.2f} s")
    # CPU seconds per wall second: how many CPUs the run actually got (2.0 = both, undisturbed)
    got = {k: sum(cpu[k]) / sum(t[k]["samples"]) for k in cpu}
    overhead = sum(cpu["workers_2"]) / sum(cpu["workers_1"])
    info(f"CPUs obtained: workers=1 {got['workers_1']:.2f}, workers=2 {got['workers_2']:.2f} (of 2); CPU seconds "
         f"workers=2 / workers=1 = {overhead:.2f} (the pool's own overhead); speed-up if the 2 CPUs were free: "
         f"about {2 / overhead:.2f}x")
    info(f"median of per-round speed-ups {paired_ratio(t, 'workers_1', 'workers_2'):.2f}x; the workers' minor "
         f"page faults per 2-worker call: {', '.join(f'{x:,}' for x in faults)}")
    trusted = got["workers_2"] >= 1.8
    if not trusted:
        info(f"NOT TRUSTED: the 2-worker runs obtained {got['workers_2']:.2f} of 2 CPUs (load average "
             f"{os.getloadavg()[0]:.1f}); on a free machine the CPU overhead allows about {2 / overhead:.2f}x")
    lines = [verdict("parallel_2_workers_speedup", t["workers_1"]["median_s"] / t["workers_2"]["median_s"], 1.8,
                     at_most=False, note="medians of 3" + ("" if trusted else
                                                           f"; NOT TRUSTED: {got['workers_2']:.2f} of 2 CPUs obtained"))]
    res = {"timings": {k: {"median_s": v["median_s"], "samples": v["samples"], "cpu_s": cpu[k]} for k, v in t.items()},
           "cpus_obtained": got, "cpu_overhead_ratio": overhead, "worker_page_faults": faults, "trusted": trusted,
           "budgets": lines, "quick": quick}
    write_result("parallel", res)
    return res



if __name__ == "__main__":
    run()
