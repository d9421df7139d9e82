"""Planning speed: ``plan`` (calibrate, forecast, hourly requirement with the simulation check, roster, scenario)
on the 90-day hourly sample history, against one simulated month of the planned scenario in the same run.

Budget (issue 15): ``plan`` on a 90-day hourly history under a minute on 2 cores; the ratio to one simulated
month says what that minute is worth on this machine. ``python -m bench plan [--quick]`` (--quick: Erlang only,
no simulation check).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.common import info, interleaved, paired_ratio, verdict, write_result

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "samples" / "plan" / "history_90d_hourly.csv"
CALENDAR = ROOT / "samples" / "plan" / "calendar_2026-11.toml"
TEMPLATE = ROOT / "scenarios" / "taobao_10_agents.toml"
BUDGET_S = 60.0


def run(quick: bool = False, repeat: int | None = None) -> dict[str, Any]:
    """Time plan_history against simulate(one month, one replication, behaviour off); print and store."""
    from model.edits import with_edits
    from model.history.validate import load_history
    from model.plan.calendar import load_calendar
    from model.plan.plan import plan_history
    from model.scenario import load_scenario
    from model.simulate import simulate

    events = load_calendar(CALENDAR)
    template = load_scenario(TEMPLATE)

    def plan() -> Any:
        return plan_history(load_history(HISTORY), events=events, template=template, simulate_check=not quick)

    first = plan()
    month = with_edits(first.scenario, {"behaviour.model": "none", "meta.replications": 1}, notices=[])
    print(f"== Plan: 90-day hourly history -> {first.dates[0]:%Y-%m} ({month.agents.count} agents rostered, "
          f"{first.forecast.days['mean'].sum():,.0f} inquiries forecast) vs one simulated month ==", flush=True)
    t = interleaved({"month": lambda: simulate(month), "plan": plan}, repeat=repeat or (1 if quick else 2))
    ratio = paired_ratio(t, "plan", "month")
    secs = t["plan"]["median_s"]
    info(f"plan {secs:.1f} s, one simulated month {t['month']['median_s']:.1f} s: plan = {ratio:.2f}x a month")
    line = verdict("plan on 90 hourly days (seconds)", secs, BUDGET_S, unit=" s",
                   note=f"{ratio:.2f}x one simulated month")
    write_result("plan", {"quick": quick, "plan_s": secs, "month_s": t["month"]["median_s"], "ratio": ratio})
    return {"budgets": [line]}


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    run(quick=ap.parse_args().quick)
