"""The engine's floor (issue 17): the four figures of the engine budget in one run, each with its budget.

1. ``mmc_vs_bare``: the whole CLI run of the M/M/c special case (``scenarios/validation/erlang.toml``, patience
   none, 5 replications x 20 days, in process: start-up excluded) per customer / the bare SimPy M/M/c loop
   (``bench/baselines.py``) per customer over as many customers. Budget <= 1.0.
2. ``ciw_vs_ours``: Ciw's time per customer on the same M/M/c / ours. Budget >= 2.0.
3. ``full_msg_vs_bare``: the whole CLI run of the default shop (``scenarios/taobao_10_agents.toml``,
   behaviour off, 1 replication of 30 days; its schemes compared as always) per buyer message / one bare-loop
   customer. Budget <= 0.6.
4. ``startup_1day_s``: ``python -m model run`` of the default shop for 1 day (behaviour off, 1 replication) in
   a fresh process, start to exit, in seconds (budget < 1 s), and ``help_s``: ``python -m model --help``
   (budget < 0.3 s). The issue's budgets are seconds on a quiet machine, where the bare loop costs
   ``QUIET_BARE_US`` per customer (bench/README.md, 2026-11-22). The machines are shared and their speed
   swings several-fold, so each time is given in *quiet seconds*: each fresh process is followed by a short
   bare loop, and its CPU seconds are multiplied by QUIET_BARE_US / that loop's CPU microseconds per customer
   (a ratio to a reference timed beside it; the median over the pairs). Wall seconds are printed beside.
   The verdicts use the quiet seconds; the raw seconds and the load average are printed beside them.

Timings 1-3 are interleaved (ours, bare, Ciw, shop, bare ... round-robin) ``repeat`` times and the medians
compared, in CPU time of this process (``time.process_time``: the wall time of a shared machine swings with
the other sessions' load); 4 is the median of ``repeat`` fresh processes each, in their CPU time (user +
system) against the bare loop's CPU time beside them. ``--quick``: 5 days of M/M/c, 10 of the shop.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from typing import Any

from bench.baselines import bare_mmc_reps, ciw_mmc
from bench.common import ERLANG, ROOT, TAOBAO, info, interleaved, paired_ratio, run_cli, verdict, write_result
from bench.engine import NO_PATIENCE, mmc_params

SHOP_SETS = ["behaviour.model=none"]
#: The bare SimPy loop's cost per customer on this machine when quiet (bench/README.md, 2026-11-22).
QUIET_BARE_US = 7.34
#: Customers of the bare loop timed after each fresh process (about 0.15 s when quiet).
BARE_PAIR = 20_000
ONE_DAY = ["run", str(TAOBAO.relative_to(ROOT)), "--set", "meta.days=1", "--set", "behaviour.model=none",
           "--reps", "1", "--quiet"]


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _fresh(args: list[str], repeat: int, p: dict[str, Any]) -> tuple[list[float], list[float], list[float]]:
    """``python -m model ARGS`` in fresh processes (output discarded), each followed by a short bare loop;
    returns the wall seconds, the CPU seconds (user + system) of each process, and the bare loop's CPU
    microseconds per customer of each pair."""
    secs, cpu, bare = [], [], []
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for _ in range(repeat):
        c0, t0 = _children_cpu(), time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "model", *args], cwd=ROOT, env=env, capture_output=True)
        secs.append(time.perf_counter() - t0)
        cpu.append(_children_cpu() - c0)
        if r.returncode != 0:
            raise RuntimeError(f"python -m model {' '.join(args)} exited with {r.returncode}: {r.stderr[-500:]!r}")
        t0 = time.process_time()
        n = bare_mmc_reps(BARE_PAIR, 1, p["c"], p["arrival_rate"], p["service_rate"])
        bare.append(1e6 * (time.process_time() - t0) / n)
    return secs, cpu, bare


def _quiet(secs: list[float], bare: list[float]) -> float:
    """Median over the pairs of seconds x QUIET_BARE_US / the pair's bare-loop us per customer."""
    return _median([s * QUIET_BARE_US / b for s, b in zip(secs, bare, strict=True)])


def _median(xs: list[float]) -> float:
    return sorted(xs)[len(xs) // 2]


def run(quick: bool = False, repeat: int = 3) -> dict[str, Any]:
    print("== Floor: the engine budget (issue 17), four figures in one run ==", flush=True)
    load0 = os.getloadavg()
    mmc_sets = [NO_PATIENCE] + (["meta.days=5"] if quick else [])
    shop_sets = SHOP_SETS + (["meta.days=10"] if quick else [])
    p = mmc_params(mmc_sets)
    run_cli(ERLANG, mmc_sets + ["meta.days=1"], reps=1)  # warm-up: imports and first-call costs
    run_cli(TAOBAO, ["meta.days=1"] + SHOP_SETS, reps=1)
    n = run_cli(ERLANG, mmc_sets)["counts"]["arrived"]
    msgs = run_cli(TAOBAO, shop_sets, reps=1)["counts"]["messages"]
    t = interleaved({
        "mmc_cli": lambda: run_cli(ERLANG, mmc_sets)["counts"]["arrived"],
        "bare_mmc": lambda: bare_mmc_reps(n, p["reps"], p["c"], p["arrival_rate"], p["service_rate"]),
        "ciw": lambda: ciw_mmc(p["horizon_s"], p["reps"], p["c"], p["arrival_rate"], p["service_rate"]),
        "shop_cli": lambda: run_cli(TAOBAO, shop_sets, reps=1)["counts"]["messages"],
        "bare_shop": lambda: bare_mmc_reps(msgs, 1, p["c"], p["arrival_rate"], p["service_rate"]),
    }, repeat, clock=time.process_time)
    cnt = {k: v["value"] for k, v in t.items()}
    us = {k: 1e6 * t[k]["median_s"] / cnt[k] for k in t}
    help_s, help_cpu, help_bare = _fresh(["--help"], repeat, p)
    day_s, day_cpu, day_bare = _fresh(ONE_DAY, repeat, p)
    load1 = os.getloadavg()
    info(f"M/M/c: c={p['c']}, {p['reps']} reps x {p['days']} days, {cnt['mmc_cli']:,} customers (Ciw completed "
         f"{cnt['ciw']:,}); shop: {cnt['shop_cli']:,} buyer messages")
    for k in t:
        info(f"{k:<9} median {t[k]['median_s']:.3f} s = {us[k]:.2f} us per {'message' if k == 'shop_cli' else 'customer'}"
             f"  (samples {', '.join(f'{x:.2f}' for x in t[k]['samples'])})")
    info(f"fresh processes, wall (CPU) seconds: --help "
         f"{', '.join(f'{x:.2f} ({y:.2f})' for x, y in zip(help_s, help_cpu, strict=True))}; 1-day run "
         f"{', '.join(f'{x:.2f} ({y:.2f})' for x, y in zip(day_s, day_cpu, strict=True))}")
    info(f"medians of the per-round ratios: M/M/c/bare {paired_ratio(t, 'mmc_cli', 'bare_mmc', cnt['mmc_cli'], cnt['bare_mmc']):.2f}x, "
         f"Ciw/ours {paired_ratio(t, 'ciw', 'mmc_cli', cnt['ciw'], cnt['mmc_cli']):.2f}x, "
         f"shop/bare {paired_ratio(t, 'shop_cli', 'bare_shop', cnt['shop_cli'], cnt['bare_shop']):.2f}x")
    info(f"load average {load0[0]:.2f} before, {load1[0]:.2f} after (2 CPUs); bare loop "
         f"{us['bare_mmc']:.2f} CPU us/customer ({QUIET_BARE_US} wall when quiet); beside the fresh processes "
         f"{', '.join(f'{x:.1f}' for x in help_bare + day_bare)} us")
    lines = [
        verdict("mmc_vs_bare", us["mmc_cli"] / us["bare_mmc"], 1.0,
                note="M/M/c through the whole CLI run (start-up excluded) / bare SimPy, per customer"),
        verdict("ciw_vs_ours", us["ciw"] / us["mmc_cli"], 2.0, at_most=False, note="Ciw / ours, per customer"),
        verdict("full_msg_vs_bare", us["shop_cli"] / us["bare_shop"], 0.6,
                note="default shop, behaviour off, one buyer message / one bare-loop customer"),
        verdict("startup_1day_s", _quiet(day_cpu, day_bare), 1.0, unit=" s",
                note=f"python -m model run, 1 day, fresh process, quiet seconds (wall {_median(day_s):.2f} s)"),
        verdict("help_s", _quiet(help_cpu, help_bare), 0.3, unit=" s",
                note=f"python -m model --help, fresh process, quiet seconds (wall {_median(help_s):.2f} s)"),
    ]
    res = {"params": p, "counts": cnt, "us": us, "help_bare_us": help_bare, "day_bare_us": day_bare,
           "help_cpu_s": help_cpu, "startup_1day_cpu_s": day_cpu,
           "timings": {k: {"median_s": v["median_s"], "samples": v["samples"]} for k, v in t.items()},
           "help_s": help_s, "startup_1day_s": day_s, "loadavg_before": load0, "loadavg_after": load1,
           "budgets": lines, "quick": quick}
    write_result("floor", res)
    return res


if __name__ == "__main__":
    run()
