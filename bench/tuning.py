"""Figure 6 - tuning sweeps on worker processes and on Dask.

A sweep over ``agents.count`` (every point a new simulation: the case where workers matter) of the seed-000
threshold shop (``scenarios/seed000_threshold_48.toml``), 4 replications a point, through
:func:`model.tuning.sweep.run_sweep` into a fresh DuckDB store each time:

* **1 worker vs 2 worker processes**: the pool is created once and kept warm across the repeats, as a sweep
  keeps it across its points. Budget (DESIGN.md): **>= 1.8x**.
* **Dask vs local processes**: a ``distributed.LocalCluster`` of 2 single-threaded worker processes on loopback
  against the 2-process pool. Budget: **Dask / local <= 1.15x** (at most 15% overhead).

* **Emulator vs the engine**: one slider answer of the tuning page's emulator (fitted on a sweep of the default
  shop) against re-evaluating that point through the comparison path. Printed for information with the
  emulator's held-out error; the page's budget (a slider move well under a second) rests on it.

Interleaved, medians of 3 (``--repeat``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from bench.common import ROOT, info, interleaved, paired_ratio, verdict, write_result

SHOP = ROOT / "scenarios" / "seed000_threshold_48.toml"


def run(quick: bool = False, repeat: int = 3) -> dict[str, Any]:
    days, counts = (5, [9, 10, 11]) if quick else (10, [8, 9, 10, 11])
    print(f"== Figure 6: tuning sweep ({len(counts)} agent counts x 4 replications, {days} days): 2 workers vs 1, "
          f"Dask vs local ==", flush=True)
    from concurrent.futures import ProcessPoolExecutor

    from distributed import LocalCluster

    from model.scenario import load_scenario
    from model.tuning.run import make_executor
    from model.tuning.spec import grid
    from model.tuning.store import SweepStore
    from model.tuning.sweep import run_sweep

    s = load_scenario(SHOP, [f"meta.days={days}", "meta.replications=4"])
    spec = grid({"agents.count": counts})
    tmp = Path(tempfile.mkdtemp(prefix="bench_tuning_"))
    n_run = [0]

    def sweep(executor: Any, workers: int):
        def f() -> float:
            n_run[0] += 1
            with SweepStore(tmp / f"s{n_run[0]}.duckdb") as st:
                sid = run_sweep(s, spec, st, executor=executor, workers=workers, estimate=False).sweep_id
                return float(st.rows(sid)["net_gain_yuan"].sum())
        return f

    with ProcessPoolExecutor(max_workers=2) as pool, \
            LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                         dashboard_address=None) as cluster, \
            make_executor(scheduler=cluster.scheduler_address) as (dask_ex, _):
        sweep(None, 1)()  # warm-up (imports, first calls)
        sweep(pool, 2)()
        sweep(dask_ex, 2)()
        t = interleaved({"workers_1": sweep(None, 1), "workers_2": sweep(pool, 2), "dask_2": sweep(dask_ex, 2)},
                        repeat)
    assert t["workers_1"]["value"] == t["workers_2"]["value"] == t["dask_2"]["value"], "same answer everywhere"
    info(f"cpus {os.cpu_count()}; 1 worker {t['workers_1']['median_s']:.2f} s, 2 workers "
         f"{t['workers_2']['median_s']:.2f} s, Dask 2 workers {t['dask_2']['median_s']:.2f} s")
    info(f"median of per-round ratios: speed-up {paired_ratio(t, 'workers_1', 'workers_2'):.2f}x, "
         f"Dask/local {1 / paired_ratio(t, 'dask_2', 'workers_2'):.2f}x")
    lines = [
        verdict("tuning_sweep_2_workers_speedup", t["workers_1"]["median_s"] / t["workers_2"]["median_s"], 1.8,
                at_most=False, note="medians of 3"),
        verdict("tuning_sweep_dask_vs_local", t["dask_2"]["median_s"] / t["workers_2"]["median_s"], 1.15,
                at_most=True, note="medians of 3"),
    ]
    res = {"timings": {k: {"median_s": v["median_s"], "samples": v["samples"]} for k, v in t.items()},
           "budgets": lines, "quick": quick, "days": days, "agent_counts": counts, "emulator": _emulator(s, tmp)}
    write_result("tuning", res)
    return res


def _emulator(s: Any, tmp: Path) -> dict[str, Any]:
    """Time an emulator answer against re-evaluating the point (pure mechanics, threshold target x amount)."""
    import time

    from model.tuning.emulator import fit_emulator
    from model.tuning.run import apply_point, evaluate_point
    from model.tuning.tune import tune

    key_t, key_a = "schemes.1.components.0.target", "schemes.1.components.0.amount_yuan"
    axes = {key_t: [0.40, 0.42, 0.44, 0.46, 0.48, 0.50], key_a: [500.0, 1000.0, 1500.0, 2000.0]}
    sub = s.model_copy(update={"schemes": s.schemes[:2]})
    doc = tune(sub, axes=axes, store_path=tmp / "emu.duckdb", estimate=False)
    em = fit_emulator(doc["points"], sub.schemes[1].name)
    t0 = time.perf_counter()
    for _ in range(200):
        em.predict(target=0.45, amount_yuan=1200.0)
    t_emu = (time.perf_counter() - t0) / 200
    t0 = time.perf_counter()
    evaluate_point(apply_point(sub, {key_t: 0.45, key_a: 1200.0}))
    t_eng = time.perf_counter() - t0
    err = em.error.get("net_gain_yuan", {})
    info(f"emulator answer {1000 * t_emu:.2f} ms vs the comparison path {t_eng:.2f} s: {t_eng / t_emu:,.0f}x faster; "
         f"held-out net-gain error {err.get('mae', float('nan')):,.0f} yuan "
         f"({100 * err.get('relative', float('nan')):.1f}% of the sweep's range, {em.held_out} points)")
    return {"emulator_s": t_emu, "engine_s": t_eng, "error": em.error, "held_out": em.held_out}


if __name__ == "__main__":
    run()
