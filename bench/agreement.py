"""The agents' forecast against the engine (issue 20 item 2): one world for both.

For every shipped scenario with its schemes and the behaviour model on (``behaviour.model=effort_equilibrium``),
one behavioural comparison (``model.pipeline.compare_schemes``) gives, per responsive scheme:

* the agents' forecast of the team's sales uplift over no effort (``behaviour.forecast.sales_uplift_yuan``), and
  the engine's: the scheme's run minus the run without the response on the same random numbers (customer-service
  sales; without the response = the manager's assumed effects alone where the scheme has them, else mechanics);
* the share of (agent, target) pairs reached, forecast and engine.

It prints both and the gap as a share of the shop's revenue (the budget the quick forecast uses, issue 18: 3%),
and the reach gap in points. Schemes with the manager's own assumed effects are printed (marked *) but left out of
the budgets: the engine composes the assumption with the response, the agents plan without it. Not a timing: the figures are model agreement, not speed. ``--quick``: 10 days x 2
replications (noisier engine figures).
"""

from __future__ import annotations

import time
from typing import Any

from bench.common import ROOT, info, write_result

SCENARIOS = ["taobao_10_agents.toml", "seed000_threshold_48.toml", "seed000_rank_response_800.toml",
             "seed002_apparel_presale_scorecard.toml", "seed002_apparel_aftersale_scorecard.toml",
             "seed003_gated_tiered_commission.toml", "seed004_commission_silent_orders.toml"]
#: Budgets: uplift gap within this share of revenue, reach gap within these points.
UPLIFT_BUDGET = 0.03
REACH_BUDGET = 0.10


def rows(out: dict[str, Any]) -> list[dict[str, Any]]:
    """Forecast against engine for each responsive scheme of one behavioural comparison."""
    found = []
    for name, b in out["schemes"].items():
        rep = b.get("behaviour")
        if not rep or not rep.get("responds"):
            continue
        f = rep["forecast"]
        econ = b["economics"]
        # without the response: the manager's assumed effects alone where the scheme has them, else mechanics
        without = b["views"].get("assumption") or b["views"]["mechanics"]
        engine = econ["cs_sales_yuan"]["mean"] - without["economics"]["cs_sales_yuan"]["mean"]
        revenue = b["views"]["mechanics"]["economics"]["revenue_yuan"]["mean"]
        reached = [r["reach_share"] for r in b.get("reach_share") or [] if r.get("reach_share") is not None]
        found.append({
            "scheme": name,
            "assumed": "assumption" in b["views"],
            "forecast_uplift_yuan": f["sales_uplift_yuan"],
            "engine_uplift_yuan": engine,
            "gap_share_of_revenue": (f["sales_uplift_yuan"] - engine) / revenue if revenue else None,
            "forecast_reach": f.get("reach_share"),
            "engine_reach": sum(reached) / len(reached) if reached else None,
        })
    return found


def run(quick: bool = False, repeat: int | None = None) -> dict[str, Any]:
    from model import load_scenario
    from model.edits import with_edits
    from model.pipeline import compare_schemes

    info("behaviour on; per responsive scheme: sales uplift over no effort (yuan) and share of targets reached")
    sets: dict[str, Any] = {"behaviour.model": "effort_equilibrium"}
    if quick:
        sets |= {"meta.days": 10, "meta.replications": 2}
    table, t0 = [], time.perf_counter()
    print(f"{'scenario / scheme':58s} {'forecast':>10s} {'engine':>10s} {'gap/rev':>8s} {'reach f/e':>11s}")
    for name in SCENARIOS:
        s = with_edits(load_scenario(ROOT / "scenarios" / name), sets)
        for r in rows(compare_schemes(s)):
            r["scenario"] = name
            table.append(r)
            reach = ("" if r["forecast_reach"] is None or r["engine_reach"] is None
                     else f"{r['forecast_reach']:.2f}/{r['engine_reach']:.2f}")
            gap = r["gap_share_of_revenue"]
            label = name.removesuffix('.toml') + ' / ' + r['scheme'] + (' *' if r['assumed'] else '')
            print(f"{label[:58]:58s} {r['forecast_uplift_yuan']:10,.0f} "
                  f"{r['engine_uplift_yuan']:10,.0f} {'' if gap is None else f'{gap:+.1%}':>8s} {reach:>11s}",
                  flush=True)
    own = [r for r in table if not r["assumed"]]  # the agents do not plan with the manager's assumed effects
    gaps = [abs(r["gap_share_of_revenue"]) for r in own if r["gap_share_of_revenue"] is not None]
    reach = [abs(r["forecast_reach"] - r["engine_reach"]) for r in own
             if r["forecast_reach"] is not None and r["engine_reach"] is not None]
    worst, worst_reach = max(gaps, default=0.0), max(reach, default=0.0)
    print(f"largest uplift gap {worst:.1%} of revenue (budget {UPLIFT_BUDGET:.0%}); largest reach gap "
          f"{worst_reach:.2f} (budget {REACH_BUDGET:.2f}); {time.perf_counter() - t0:.0f} s")
    budgets = [{"name": "agreement_uplift_gap_share", "value": worst, "budget": UPLIFT_BUDGET, "op": "<=",
                "ok": worst <= UPLIFT_BUDGET},
               {"name": "agreement_reach_gap", "value": worst_reach, "budget": REACH_BUDGET, "op": "<=",
                "ok": worst_reach <= REACH_BUDGET}]
    write_result("agreement", {"rows": table, "budgets": budgets, "quick": quick})
    return {"budgets": budgets}
