"""Issue 16 - a portfolio of 50 small shops: a 2-worker Dask cluster vs local processes, vs one worker; memory.

50 shops made from the four shops of ``samples/portfolio/`` (1 day x 2 replications each, every copy its own
seed), run through :func:`model.portfolio.run.run_portfolio` into a fresh DuckDB store each time:

* **Dask vs local processes**: a ``distributed.LocalCluster`` of 2 single-threaded worker processes on loopback
  against a warm 2-process pool. Budget: **Dask / local <= 1.15x** (at most 15% overhead).
* **2 Dask workers vs one worker** (the shops one by one in this process). Budget: **>= 1.8x** on an idle
  machine (on 2 CPUs shared with other sessions it cannot be reached; the load average is printed).
* **Memory per shop**: the peak resident memory one shop's task adds to a fresh worker process (ru_maxrss after
  the shop minus after the imports), and the stored document's size.

Interleaved, medians of 3 (``--repeat``); ``--quick``: 20 shops, one round.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import ROOT, info, interleaved, paired_ratio, verdict, write_result

SAMPLES = ROOT / "samples" / "portfolio"
SMALL = ["meta.days=1", "meta.replications=2"]


def shops(n: int) -> Any:
    """A portfolio of ``n`` small shops (the samples, each copy with its own seed)."""
    from model.edits import with_edits
    from model.portfolio.shops import Portfolio, Shop, load_portfolio

    base = load_portfolio(SAMPLES, SMALL).shops
    out = []
    for i in range(n):
        b = base[i % len(base)]
        s = with_edits(b.scenario, {"meta.seed": b.scenario.meta.seed + 1000 * (i // len(base) + 1)})
        out.append(Shop(f"{b.name}-{i:02d}", b.file, scheme=b.scheme, scenario=s))
    return Portfolio(f"bench {n} shops", "bench", out)


_MEMORY = """
import json, resource, sys
from model.document import evaluate
from model.scenario import load_scenario
s = load_scenario(sys.argv[1], sys.argv[2:])
evaluate(s.model_copy(update={"schemes": s.schemes[:1]}))  # warm the code paths on a one-scheme run
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
doc = evaluate(s)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kb": before, "after_kb": after, "doc_bytes": len(json.dumps(doc, ensure_ascii=False))}))
"""


def memory_per_shop() -> dict[str, Any]:
    out = {}
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for f in sorted(SAMPLES.glob("*.toml")):
        if f.name == "portfolio.toml":
            continue
        r = subprocess.run([sys.executable, "-c", _MEMORY, str(f), *SMALL], capture_output=True, text=True,
                           env=env, check=True)
        out[f.stem] = json.loads(r.stdout.strip().splitlines()[-1])
    return out


def run(quick: bool = False, repeat: int = 3) -> dict[str, Any]:
    n = 20 if quick else 50
    repeat = 1 if quick else repeat
    print(f"== Issue 16: portfolio of {n} small shops (1 day x 2 replications): Dask vs local processes, "
          f"vs one worker ==", flush=True)
    from concurrent.futures import ProcessPoolExecutor

    from distributed import LocalCluster

    from model.portfolio.run import run_portfolio
    from model.tuning.run import make_executor

    p = shops(n)
    tmp = Path(tempfile.mkdtemp(prefix="bench_portfolio_"))
    n_run = [0]

    def go(executor: Any):
        def f() -> float:
            n_run[0] += 1
            doc = run_portfolio(p, store_path=tmp / f"p{n_run[0]}.duckdb", executor=executor)
            assert doc["firm"]["finished"] == n, doc["failed"]
            return round(doc["firm"]["total_net_gain_yuan"], 6)
        return f

    print(f"    load average before: {open('/proc/loadavg').read().split()[:3]}", flush=True)
    with ProcessPoolExecutor(max_workers=2) as pool, \
            LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                         dashboard_address=None) as cluster, \
            make_executor(scheduler=cluster.scheduler_address) as (dask_ex, _):
        go(pool)()  # warm-up: worker imports
        go(dask_ex)()
        t = interleaved({"one_worker": go(None), "local_2": go(pool), "dask_2": go(dask_ex)}, repeat)
    load_after = open("/proc/loadavg").read().split()[:3]
    assert t["one_worker"]["value"] == t["local_2"]["value"] == t["dask_2"]["value"], "same answer everywhere"
    info(f"cpus {os.cpu_count()}; one worker {t['one_worker']['median_s']:.1f} s, 2 local processes "
         f"{t['local_2']['median_s']:.1f} s, Dask 2 workers {t['dask_2']['median_s']:.1f} s "
         f"({t['dask_2']['median_s'] / n:.2f} s a shop); load average after: {load_after}")
    info(f"median of per-round ratios: Dask/local {paired_ratio(t, 'dask_2', 'local_2'):.2f}x, "
         f"speed-up over one worker {paired_ratio(t, 'one_worker', 'dask_2'):.2f}x")
    mem = memory_per_shop()
    for k, v in mem.items():
        info(f"memory {k}: +{(v['after_kb'] - v['before_kb']) / 1024:.1f} MB peak RSS for the shop "
             f"(worker at {v['after_kb'] / 1024:.0f} MB), document {v['doc_bytes'] / 1024:.0f} KB")
    lines = [
        verdict("portfolio_dask_vs_local", t["dask_2"]["median_s"] / t["local_2"]["median_s"], 1.15, at_most=True,
                note=f"medians of {repeat}"),
        verdict("portfolio_dask_2_vs_one_worker", t["one_worker"]["median_s"] / t["dask_2"]["median_s"], 1.8,
                at_most=False, note=f"medians of {repeat}; idle machine"),
    ]
    res = {"timings": {k: {"median_s": v["median_s"], "samples": v["samples"]} for k, v in t.items()},
           "budgets": lines, "quick": quick, "shops": n, "memory": mem, "load_after": load_after}
    write_result("portfolio", res)
    return res


if __name__ == "__main__":
    run()
