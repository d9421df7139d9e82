"""``python -m bench [engine|full|scale|parallel|reprice|behaviour|app|tuning|floor|profile|plan|quick|portfolio|band|agreement|response|plan_month
...] [--quick]``: the performance budget."""

from __future__ import annotations

import argparse
import sys
import time

FIGURES = {
    "engine": "bench.engine",        # 1. M/M/c special case vs bare SimPy and Ciw
    "full": "bench.full_model",      # 2. full model, per buyer message
    "scale": "bench.scale",          # 3. cost per chat 10^4..10^6, Double-11 memory
    "parallel": "bench.parallel",    # 4. 2 workers vs 1
    "reprice": "bench.reprice",      # re-pricing vs re-simulating (DESIGN.md; written for the schemes issue)
    "behaviour": "bench.behaviour",  # equilibrium time (10, 200 agents), behaviour on/off comparison ratio
    "app": "bench.app_latency",      # server-side page reruns after a slider move (AppTest) vs the 0.5 s budget
    "tuning": "bench.tuning",        # 6. tuning sweeps: 2 workers vs 1, Dask vs local processes
    "plan": "bench.plan",            # plan on 90 hourly days < 1 minute (issue 15), ratio to one simulated month
    "quick": "bench.quick",          # issue 18: quick forecast vs full simulation (gap, ranking, move time)
    "portfolio": "bench.portfolio",  # issue 16: 50 small shops, Dask vs local processes vs one worker, memory
    "band": "bench.band",            # issue 14.5 / 19.3: a scheme's band over the assumptions vs one solve
    "stability": "bench.stability",  # issue 20: the forecast's spread across noise seeds, curve roughness, best target
}
EXTRA = {"profile": "bench.hotspots",  # not a figure: the engine's top functions (cProfile), the CLI run's stages
         "floor": "bench.floor",  # issue 17: the four engine figures in one run with their budgets (not in the default)
         "history": "bench.history_import",  # informational: import speed near the upload limit (issue 9)
         "agreement": "bench.agreement",  # issue 20: the agents' forecast vs the engine (uplift, reach), not a timing
         "response": "bench.response",  # issue 14: the response estimate's cost, recovery, effect sizes
         "retime": "bench.retime",  # issue 18 item 2: re-timed runs vs simulating again (gap, speed, compare ratio)
         "share": "bench.share_engine",  # issue 18 item 2: share_engine on every shipped scenario at its size
         "tune": "bench.tune_screen",  # issue 18 item 3: tune screened on the quick forecast vs every point
         "plan_month": "bench.plan_month",  # issue 15: the month's volume interval, coverage on made-up histories
         "joint": "bench.response_joint"}  # issue 14: the estimate with and without its joint refinement


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("figures", nargs="*", metavar="FIGURE",
                    help=f"any of {', '.join([*FIGURES, *EXTRA])} (default: every figure)")
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run of a minute or two)")
    ap.add_argument("--repeat", type=int, default=None,
                    help="timings per side; the median is kept (default 3; reprice 5)")
    a = ap.parse_args(argv)
    unknown = [f for f in a.figures if f not in FIGURES and f not in EXTRA]
    if unknown:
        ap.error(f"unknown figure {', '.join(unknown)}; choose from {', '.join([*FIGURES, *EXTRA])}")
    import importlib

    names = a.figures or list(FIGURES)
    t0 = time.perf_counter()
    lines = []
    from bench.common import load_warning

    for name in names:
        mod = importlib.import_module({**FIGURES, **EXTRA}[name])
        if warn := load_warning():
            print(warn, flush=True)
        res = mod.run(quick=a.quick) if a.repeat is None else mod.run(quick=a.quick, repeat=a.repeat)
        lines += res.get("budgets", [])
        print(flush=True)
    if lines:
        print("== Summary ==")
        for ln in lines:
            op = ln["op"]
            print(f"{ln['name']}: {ln['value']:.2f} (budget {op} {ln['budget']:g}) {'OK' if ln['ok'] else 'MISS'}")
    print(f"bench total {time.perf_counter() - t0:.0f} s; results in bench/results/")
    return 0 if all(ln["ok"] for ln in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
