"""Re-pricing budget (DESIGN.md): with effort held fixed, changing a target or bonus amount re-prices a simulated
month at least 100x faster than re-simulating it.

Scenario: seed 000's Taobao shop with the 48% / 1,000-yuan threshold (``scenarios/seed000_threshold_48.toml``,
30 days, 3 replications, no behaviour). Two ways to get the bonus cost of a changed rule (target 0.48 -> 0.46,
amount 1,000 -> 1,200):

(a) re-simulate: ``simulate`` + KPI tables + ``price_result`` on the fresh run;
(b) re-price: ``price_result`` with the modified scheme on the stored SimResult (its KPI tables cached).

Both give the same bonus cost (checked); the figure is the median over rounds of (a) / (b), timed back to back.

``python -m bench.reprice [--quick] [--repeat N]``; from bench/__main__.py call ``bench.reprice.run(quick, repeat)``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time
from typing import Any

from bench.common import ROOT, info, interleaved, paired_ratio, write_result

SCENARIO = ROOT / "scenarios" / "seed000_threshold_48.toml"
SCHEME = "达标奖 48%"
BUDGET = 100.0
INNER = 20  # re-pricings per timing sample (one re-pricing is a few ms; a sample should be well above the clock)


def _setup(days: int, reps: int):
    from model.edits import with_edits
    from model.priced import price_result
    from model.scenario import load_scenario
    from model.simulate import simulate

    s = with_edits(load_scenario(SCENARIO), {"meta.days": days, "meta.replications": reps})
    sc = next(x for x in s.schemes if x.name == SCHEME)
    assert sc.assumed_effects is None or not sc.assumed_effects.is_active, "effort must be held fixed"
    changed = sc.model_copy(deep=True)
    changed.components[0].target = 0.46
    changed.components[0].amount_yuan = 1200
    stored = simulate(s)
    price_result(sc, stored, stored)  # fills the stored run's KPI-table cache, as after the first pricing

    def resimulate() -> float:
        res = simulate(s)
        return float(price_result(changed, res, res).pay["variable_yuan"].sum())

    def reprice() -> float:
        total = 0.0
        for _ in range(INNER):
            total = float(price_result(changed, stored, stored).pay["variable_yuan"].sum())
        return total

    return stored, resimulate, reprice


def _profile(fn, top: int = 12) -> str:
    pr = cProfile.Profile()
    pr.enable()
    fn()
    pr.disable()
    buf = io.StringIO()
    pstats.Stats(pr, stream=buf).sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


def run(quick: bool = False, repeat: int = 5) -> dict[str, Any]:
    """Time re-simulating vs re-pricing; print the budget line and write bench/results/reprice.json."""
    days, reps = (7, 2) if quick else (30, 3)
    print(f"== Re-pricing: {SCENARIO.name} ({days} days, {reps} replications), changed target and amount ==",
          flush=True)
    t0 = time.perf_counter()
    stored, resimulate, reprice = _setup(days, reps)
    setup_s = time.perf_counter() - t0
    a, b = resimulate(), reprice()
    if abs(a - b) > 1e-6 * max(1.0, abs(a)):
        raise AssertionError(f"re-pricing gave {b} but re-simulating gave {a}: not the same random numbers")
    t = interleaved({"resimulate": resimulate, "reprice": reprice}, max(1, repeat))
    ratio = paired_ratio(t, "resimulate", "reprice", 1.0, INNER)
    sim_s = t["resimulate"]["median_s"]
    price_s = t["reprice"]["median_s"] / INNER
    ok = ratio >= BUDGET
    info(f"first simulation + pricing {setup_s:.2f} s; re-simulate {sim_s:.3f} s; re-price {1000 * price_s:.1f} ms "
         f"(median of {repeat}, {INNER} re-pricings per sample); bonus cost {a:,.0f} yuan")
    print(f"reprice_vs_resimulate: {ratio:.0f}x (budget >= {BUDGET:g}x) {'OK' if ok else 'MISS'}", flush=True)
    line = {"name": "reprice_vs_resimulate", "value": round(ratio, 2), "budget": BUDGET, "op": ">=", "ok": ok,
            "note": "simulate + tables + price / price_result on the stored SimResult, median of paired rounds"}
    res: dict[str, Any] = {
        "scenario": str(SCENARIO.relative_to(ROOT)), "scheme": SCHEME, "days": days, "replications": reps,
        "chats": int(len(stored.chats)), "buyer_messages": int(len(stored.msgs)),
        "timings": {"resimulate_s": {"median": sim_s, "samples": t["resimulate"]["samples"]},
                    "reprice_s": {"median": price_s, "samples": [x / INNER for x in t["reprice"]["samples"]]}},
        "ratio_of_medians": sim_s / price_s,
        "median_of_ratios": ratio,
        "bonus_cost_yuan": a,
        "budgets": [line], "quick": quick,
    }
    if not ok:  # what dominates the re-pricing
        res["profile_reprice"] = _profile(reprice)
        print(res["profile_reprice"], flush=True)
    write_result("reprice", res)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.reprice", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="7 days, 2 replications")
    ap.add_argument("--repeat", type=int, default=5, help="timings per side; the median is kept")
    a = ap.parse_args(argv)
    res = run(quick=a.quick, repeat=a.repeat)
    return 0 if statistics.fmean(x["ok"] for x in res["budgets"]) == 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
