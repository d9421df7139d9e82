"""Figure 3 - scale: cost per chat from 10^4 to 10^6 chats, and peak memory of a Double-11 day.

Cost per chat: the seed-000 shop (taobao_10_agents.toml, 1 replication, 10 days) scaled as a bigger shop:
k x 1,000 pre-sale inquiries a day and k x 10 agents (k x 5 per shift), k = 1, 10, 100, i.e. about 10^4,
10^5 and 10^6 chats at the same load per agent. Each size runs in a fresh subprocess (so one size's memory
does not weigh on the next): after a warm-up it times the whole CLI run, interleaved with a fixed bare
SimPy M/M/c reference (50,000 customers), ``repeat`` times. Cost per chat is quoted in units of the reference
customer measured in the same subprocess, which cancels a change of machine load between sizes; the raw
microseconds are printed as well. The subprocess's ``ru_maxrss`` shows how memory grows with size.

Memory: a Double-11 day - 500 agents (250 per shift), 500,000 pre-sale chats, ``intraday_profile="double11"``,
1 day, 1 replication - run once through the CLI in a fresh subprocess; its peak resident set (``ru_maxrss``)
is compared with the 2 GB budget.

Budgets (DESIGN.md): cost per chat at 10^6 within 1.2x of 10^4; the Double-11 day fits in 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

from bench.common import ROOT, TAOBAO, info, verdict, write_result

REF_CUSTOMERS = 200_000
GB = 1024 ** 3


def shop_sets(k: int, days: int = 10) -> list[str]:
    """Overrides for the seed-000 shop scaled k times (traffic and agents), 1 replication."""
    return [f"traffic.inquiries_per_day={1000 * k}", f"agents.count={10 * k}", f"agents.shifts.0.agents={5 * k}",
            f"agents.shifts.1.agents={5 * k}", f"meta.days={days}"]


DOUBLE11 = ['traffic.intraday_profile="double11"', "traffic.inquiries_per_day=500000", "meta.days=1",
            "agents.count=500", "agents.shifts.0.agents=250", "agents.shifts.1.agents=250"]


def _maxrss_bytes() -> int:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r if sys.platform == "darwin" else r * 1024  # Linux reports KiB


def _child_point(k: int, repeat: int) -> dict[str, Any]:
    import model.cli  # noqa: F401
    import model.document  # noqa: F401
    from bench.baselines import bare_mmc
    from bench.common import interleaved, paired_ratio, run_cli
    from bench.engine import NO_PATIENCE, mmc_params

    base_rss = _maxrss_bytes()  # after imports
    p = mmc_params([NO_PATIENCE])
    run_cli(TAOBAO, ["meta.days=1"], reps=1)  # warm-up
    sets = shop_sets(k)
    inner = max(1, 10 // k)  # a sample of the small size runs it several times (each sample lasts >= ~2 s)

    def ours() -> dict[str, int]:
        for _ in range(inner):
            counts = run_cli(TAOBAO, sets, reps=1)["counts"]
        return {key: v * inner for key, v in counts.items()}

    t = interleaved({
        "ours_cli": ours,
        "bare_ref": lambda: bare_mmc(REF_CUSTOMERS, p["c"], p["arrival_rate"], p["service_rate"]),
    }, repeat)
    counts = t["ours_cli"]["value"]
    chats = counts["arrived"]
    return {"k": k, "chats": chats // inner, "messages": counts["messages"] // inner, "runs_per_sample": inner,
            "us_per_chat": 1e6 * t["ours_cli"]["median_s"] / chats,
            "ref_us_per_customer": 1e6 * t["bare_ref"]["median_s"] / REF_CUSTOMERS,
            "chat_in_ref_units": (t["ours_cli"]["median_s"] / chats) / (t["bare_ref"]["median_s"] / REF_CUSTOMERS),
            "chat_in_ref_units_paired": paired_ratio(t, "ours_cli", "bare_ref", chats, REF_CUSTOMERS),
            "samples": {n: v["samples"] for n, v in t.items()},
            "base_rss_bytes": base_rss, "maxrss_bytes": _maxrss_bytes()}


def _child_memory() -> dict[str, Any]:
    import model.cli  # noqa: F401  (imports are part of the baseline, not of the day)
    import model.document  # noqa: F401
    from bench.common import run_cli

    base = _maxrss_bytes()
    t0 = time.perf_counter()
    doc = run_cli(TAOBAO, DOUBLE11, reps=1)
    return {"seconds": time.perf_counter() - t0, "counts": doc["counts"], "base_rss_bytes": base,
            "maxrss_bytes": _maxrss_bytes()}


def _in_child(*args: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-m", "bench.scale", *args], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick: bool = False, repeat: int = 3) -> dict[str, Any]:
    print("== Figure 3: scale (cost per chat 10^4..10^6; Double-11 day memory) ==", flush=True)
    ks = [1, 10] if quick else [1, 10, 100]
    points = []
    for k in ks:
        pt = _in_child("--child-point", str(k), "--repeat", str(repeat if k < 100 else min(repeat, 2)))
        points.append(pt)
        info(f"k={k:>3}: {pt['chats']:>9,} chats, {pt['messages']:>9,} msgs: {pt['us_per_chat']:6.2f} us/chat "
             f"= {pt['chat_in_ref_units']:.2f} ref customers (ref {pt['ref_us_per_customer']:.2f} us); "
             f"peak RSS {pt['maxrss_bytes'] / 2**20:,.0f} MiB (after imports {pt['base_rss_bytes'] / 2**20:,.0f})")
    lo, hi = points[0], points[-1]
    raw = hi["us_per_chat"] / lo["us_per_chat"]
    norm = hi["chat_in_ref_units"] / lo["chat_in_ref_units"]
    costs = [pt["chat_in_ref_units"] for pt in points]
    info(f"raw us/chat ratio {hi['chats']:,} vs {lo['chats']:,} chats: {raw:.2f}x; spread over all sizes "
         f"(max/min, reference units): {max(costs) / min(costs):.2f}x")
    a, b = points[-2], points[-1]
    slope = (b["maxrss_bytes"] - a["maxrss_bytes"]) / (b["chats"] - a["chats"])
    info(f"memory growth between the two largest sizes: {slope / 1024:.2f} KiB per chat "
         f"(peak above imports per chat at the largest: {(b['maxrss_bytes'] - b['base_rss_bytes']) / b['chats'] / 1024:.2f} KiB)")
    lines = [verdict(f"cost_per_chat_{hi['chats']:.0e}_vs_{lo['chats']:.0e}".replace("+0", ""), norm, 1.2,
                     note="in units of a bare-SimPy customer timed in the same subprocess")]
    mem = None
    if not quick:
        mem = _in_child("--child-memory")
        info(f"Double-11 day: {mem['counts']['arrived']:,} chats, {mem['counts']['messages']:,} msgs, "
             f"{mem['counts']['abandoned']:,} abandoned, {mem['seconds']:.1f} s; "
             f"peak RSS {mem['maxrss_bytes'] / 2**20:,.0f} MiB (after imports {mem['base_rss_bytes'] / 2**20:,.0f})")
        lines.append(verdict("double11_day_peak_rss_gb", mem["maxrss_bytes"] / GB, 2.0, unit=" GB"))
    res = {"points": points, "raw_ratio": raw, "memory_slope_bytes_per_chat": slope, "normalised_ratio": norm, "memory": mem, "budgets": lines,
           "quick": quick}
    write_result("scale", res)
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--child-point", type=int)
    ap.add_argument("--child-memory", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.child_point:
        print(json.dumps(_child_point(a.child_point, a.repeat)))
    elif a.child_memory:
        print(json.dumps(_child_memory()))
    else:
        run(a.quick, a.repeat)
