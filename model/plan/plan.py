"""Next month, planned: history -> forecast -> hourly requirement -> roster -> a scenario to price schemes on.

The chain (docs/plan.md):

1. the history is calibrated as ``python -m model calibrate`` does (:func:`model.history.calibrate.calibrate`):
   the shop's conversion, order value, reply speed and per-agent skill, and the template's customers, KPI
   options, behaviour and schemes;
2. next month's chats per day and hour are forecast (:mod:`model.plan.forecast`);
3. each hour needs the agents that hold the line at the ``quantile`` of the forecast (:mod:`model.plan.requirement`);
4. the requirement is rostered into shifts with rest days (:mod:`model.plan.roster`);
5. the scenario: the forecast's *mean* traffic (what the month is expected to bring, for pricing), the roster
   (staffed for the quantile) as ``[[agents.shifts]]`` with ``weekdays`` / ``days``, the calibrated rest.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from model.errors import ScenarioError
from model.history.calibrate import calibrate
from model.history.sums import kpi_sums
from model.history.validate import History, volume_column
from model.plan.calendar import Event
from model.plan.forecast import Forecast, forecast, month_dates
from model.plan.requirement import Requirement, default_line, requirement
from model.plan.roster import Roster, RosterRules, roster
from model.platform_rules import InForce, rules_in_force
from model.schema import Scenario, scenario_from_dict

#: A day whose forecast differs from base x weekday factor by more than this becomes a promo_days entry.
DAY_TOLERANCE = 0.02
#: Days with an uplift above this are covered by day shifts on top of the week roster.
SPECIAL_UPLIFT = 1.05


@dataclass
class Plan:
    """A planned month: the forecast, the requirement, the roster and the scenario (and its TOML text)."""

    dates: list[dt.date]
    forecast: Forecast
    requirement: Requirement
    roster: Roster
    scenario: Scenario
    toml: str
    rules: InForce | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready document."""
        return {"month": f"{self.dates[0]:%Y-%m}", "first_date": str(self.dates[0]), "days": len(self.dates),
                "forecast": self.forecast.to_json(), "requirement": self.requirement.to_json(),
                "roster": self.roster.to_json(), "notes": self.notes,
                "rule_pack": None if self.rules is None else {
                    "pack": self.rules.pack, "date": str(self.rules.date),
                    "since": None if self.rules.since is None else str(self.rules.since),
                    "exempted": list(self.rules.exempted),
                    "rules": [{"kpi": r.kpi, "value": r.value, "side": r.side} for r in self.rules.rules]},
                "scenario": {"agents": self.scenario.agents.count,
                             "inquiries_per_day": self.scenario.traffic.inquiries_per_day}}


def history_series(h: History) -> tuple[pd.Series, pd.DataFrame | None]:
    """Daily inquiries per date and, for an hourly export, chats per (date, hour)."""
    vol = volume_column(h)
    daily = kpi_sums(h, ["date"])[vol]
    daily.index = list(daily.index)
    hourly = None
    if h.hourly:
        hourly = kpi_sums(h, ["date", "hour"])[vol].rename("chats").reset_index()
    return daily.astype(float), hourly


def traffic_of(fc: Forecast, start_weekday: int) -> dict[str, Any]:
    """``traffic`` keys reproducing the forecast's mean per day: a base, weekday factors and promotion days."""
    d = fc.days
    mean = d["mean"].to_numpy(float)
    plain = (d["label"] == "").to_numpy()
    wd = np.array([x.weekday() for x in d["date"]])
    wmean = np.array([mean[plain & (wd == w)].mean() if (plain & (wd == w)).any() else np.nan for w in range(7)])
    wmean = np.where(np.isfinite(wmean), wmean, np.nanmean(wmean))
    base = float(wmean.mean())
    wf = wmean / base
    base_prof = np.asarray(d["profile"][int(np.argmax(plain & (wd < 5)))] if (plain & (wd < 5)).any()
                           else d["profile"].iloc[0], float)
    promo = []
    for i, (date, lab, prof) in enumerate(zip(d["date"], d["label"], d["profile"], strict=True)):
        mult = mean[i] / (base * wf[wd[i]])
        p = np.asarray(prof, float)
        other = bool(np.max(np.abs(p - base_prof)) > 0.1 * base_prof.max())
        if abs(mult - 1) > DAY_TOLERANCE or other:
            e: dict[str, Any] = {"day": i, "multiplier": round(float(mult), 4), "name": lab or f"{date}"}
            if other:
                e["intraday_profile"] = [round(float(x), 5) for x in p]
            promo.append(e)
    return {"inquiries_per_day": round(base, 2), "weekday_factors": [round(float(x), 4) for x in wf],
            "intraday_profile": [round(float(x), 5) for x in base_prof], "promo_days": promo}


def plan_history(h: History, *, events: list[Event] | None = None, quantile: float = 0.8, month: str | None = None,
                 line: str = "three_min_reply_rate", value: float | None = None, rules: RosterRules | None = None,
                 template: Scenario | None = None, calibrate_steps: int = 1, simulate_check: bool = True,
                 file: str = "<plan>") -> Plan:
    """Plan the month after the history (or ``month`` = ``YYYY-MM``).

    Args:
        h: the imported history (daily or hourly).
        events: the shop's calendar.
        quantile: staff every hour for this quantile of the forecast volume.
        month: the month to plan (default: the one after the history's last date).
        line: ``three_min_reply_rate`` or ``avg_response_s``.
        value: the line (default for the 3-minute rate: the stricter of the platform's line and 0.8).
        rules: the roster's shift rules.
        template: the scenario whose customers, KPI options, behaviour, economics and schemes are kept.
        calibrate_steps: simulation steps of the calibration.
        simulate_check: simulate the busiest day to check the Erlang requirement.
    """
    notes: list[str] = []
    cal = calibrate(h, template, refine_steps=calibrate_steps, refine_days=7, refine_reps=1)
    s0 = cal.scenario
    daily, hourly = history_series(h)
    dates = month_dates(max(daily.index), month)
    fc = forecast(daily, dates, events=events, hourly=hourly, default_profile=s0.traffic.intraday_profile,
                  quantile=quantile, open_hours=tuple(s0.traffic.open_hours))
    ratio = s0.traffic.aftersale_per_day / s0.traffic.inquiries_per_day if s0.traffic.inquiries_per_day > 0 else 0.0
    chats = fc.hourly("q") * (1 + ratio)
    pack = rules_in_force(s0.shop.platform, dates[0])
    promo = rules_in_force(s0.shop.platform, dates[0], promotion=True)
    if pack.pack:
        notes.append(f"platform rule pack: {pack.pack}, as in force on {dates[0]}"
                     + (f" (latest rule since {pack.since})" if pack.since else ""))
    notes += list(pack.notes)
    if any(f > SPECIAL_UPLIFT for f in fc.days["factor"]):
        notes += [f"promotion days: {n}" for n in promo.notes if n not in pack.notes]
    if value is None:
        if line != "three_min_reply_rate":
            raise ScenarioError("give the line's value (e.g. avg_response_s=60)", file=file, key="--line")
        r = next((x for x in pack.rules if x.kpi == "three_min_reply_rate"), None)
        value = default_line(r.value if r else None)
        notes.append(f"line: 3-minute reply rate >= {value:.0%} (platform line "
                     f"{'%.0f%%' % (r.value * 100) if r else 'none'} in the rule pack in force on {dates[0]}; "
                     f"the stricter of it and {default_line(None):.0%})")
    req = requirement(s0, chats, line, value, simulate_check=simulate_check)
    special = [i for i, f in enumerate(fc.days["factor"]) if f > SPECIAL_UPLIFT]
    ro = roster(req.need, dates[0].weekday(), rules, special_days=special, file=file)
    if ro.headcount == 0:
        raise ScenarioError("the roster has nobody on it (no hour needs an agent?)", file=file, key="roster")
    if not ro.optimal:
        notes.append(f"roster: {ro.status} (the best roster found is used)")
    if len(ro.unmet):
        notes.append(f"roster: {len(ro.unmet)} hour(s) of the month are short of {ro.unmet['short'].sum():.0f} "
                     "agent-hours in all (the shift rules do not allow covering them)")
    d = tomllib.loads(cal.toml)
    tr = traffic_of(fc, dates[0].weekday())
    d.setdefault("traffic", {}).update(tr)
    d["traffic"]["aftersale_per_day"] = round(tr["inquiries_per_day"] * ratio, 2)
    meta = d.setdefault("meta", {})
    meta.update({"name": f"{dates[0]:%Y-%m} 下月计划 planned month", "days": len(dates),
                 "start_weekday": dates[0].weekday(), "months": 1,
                 "description": f"Planned from {h.name} ({min(daily.index)} .. {max(daily.index)}): "
                                f"{fc.method} forecast, staffed for the {quantile:.0%} quantile to hold "
                                f"{line} {'>=' if line == 'three_min_reply_rate' else '<='} {value:g}."})
    fitted = list(((d.get("behaviour") or {}).get("estimated") or {}).get("months") or [])
    if fitted:
        notes.append(f"fitted behaviour from months {', '.join(fitted)} (the template's [behaviour] estimated "
                     "from the shop's months is kept, with its provenance)")
    meta["plan"] = plan_facts(fc, req, ro, pack, dates[0], fitted)
    ag = d.setdefault("agents", {})
    ag["count"] = ro.headcount
    ag["shifts"] = ro.scenario_shifts()
    indiv = ag.get("individual", [])
    if len(indiv) > ro.headcount:
        notes.append(f"the roster has {ro.headcount} agents, the history {len(indiv)}: the first {ro.headcount} "
                     "keep their calibrated skill")
    ag["individual"] = indiv[:ro.headcount]
    try:
        s = scenario_from_dict(d, file=file)
    except ScenarioError as e:  # pragma: no cover - the plan is built to validate
        raise ScenarioError(f"the planned scenario does not validate: {e.message}", file=file, key=e.key) from None
    text = plan_toml(d, fc, req, ro, h, quantile, notes + fc.notes)
    scenario_from_dict(tomllib.loads(text), file=file)
    return Plan(dates=dates, forecast=fc, requirement=req, roster=ro, scenario=s, toml=text, rules=pack,
                notes=notes + fc.notes)


def plan_facts(fc: Forecast, req: Requirement, ro: Roster, pack: InForce, first: dt.date,
               fitted: list[str]) -> dict[str, Any]:
    """``[meta.plan]``: the plan's facts in the scenario itself (the deck's next-month slide reads them)."""
    bt = fc.backtest
    out: dict[str, Any] = {
        "month": f"{first:%Y-%m}", "first_date": str(first), "method": fc.method,
        "inquiries": round(float(fc.days["mean"].sum()), 1), "level": fc.level, "quantile": fc.quantile,
        **month_facts(fc),
        "line_kpi": req.line, "line_value": float(req.value),
        "agents": ro.headcount, "paid_agent_hours": round(float(ro.agent_hours), 1),
        "need_agent_hours": round(float(req.need.sum()), 1), "unmet_hours": len(ro.unmet),
        "unmet_agent_hours": round(float(ro.unmet["short"].sum()), 1) if len(ro.unmet) else 0.0,
        "rule_pack": pack.pack or "", "rule_date": str(first)}
    if bt:
        out.update({"backtest_wape": round(bt.wape, 4), "backtest_coverage": round(bt.coverage, 4)})
    if fitted:
        out["behaviour_from"] = fitted
    return out


def month_facts(fc: Forecast) -> dict[str, Any]:
    """The month's interval of total inquiries for ``[meta.plan]``: the simulated one (:func:`month_interval`), or,
    for a forecast without it, the per-day interval ends summed (said by ``month_interval``)."""
    if fc.month:
        return {"inquiries_lo": round(fc.month["lo"], 1), "inquiries_hi": round(fc.month["hi"], 1),
                "month_interval": "simulated"}
    return {"inquiries_lo": round(float(fc.days["lo"].sum()), 1), "inquiries_hi": round(float(fc.days["hi"].sum()), 1),
            "month_interval": "days_summed"}


def _month_line(fc: Forecast) -> str:
    m = month_facts(fc)
    head = f"# 月度预测 Month forecast: {fc.days['mean'].sum():,.0f} inquiries, {fc.level:.0%} interval of the total "
    if m["month_interval"] == "simulated":
        return (head + f"{m['inquiries_lo']:,.0f} .. {m['inquiries_hi']:,.0f} ({fc.month['paths']:,} simulated "
                f"paths, days correlated as the model says; per-day ends summed would give "
                f"{fc.month['days_summed'][0]:,.0f} .. {fc.month['days_summed'][1]:,.0f}, independent days "
                f"{fc.month['independent'][0]:,.0f} .. {fc.month['independent'][1]:,.0f}).")
    return head + f"{m['inquiries_lo']:,.0f} .. {m['inquiries_hi']:,.0f} (per-day interval ends summed)."


def plan_toml(d: dict[str, Any], fc: Forecast, req: Requirement, ro: Roster, h: History, quantile: float,
              notes: list[str]) -> str:
    """The planned scenario as TOML, with a header saying how each planned part was made."""
    first, last = fc.days["date"].iloc[0], fc.days["date"].iloc[-1]
    bt = fc.backtest
    L = [f"# 下月计划 Planned month {first} .. {last}, by `python -m model plan` on {dt.date.today()} from {h.name}.",
         "# 预测 Forecast: " + fc.method + "; weekday season, China's public holidays (chinesecalendar) and the",
         "#   shop's [calendar] events as uplift factors (docs/plan.md). traffic.* is the MEAN forecast (for pricing);",
         f"#   the roster is staffed for the {quantile:.0%} quantile of each day's volume.",
         (f"# 回测 Back-test on the last {bt.days} days: MAPE {bt.mape:.1%}, WAPE {bt.wape:.1%} (seasonal naive "
          f"{bt.naive_wape:.1%}), {fc.level:.0%} interval covered {bt.coverage:.0%} of the days."
          if bt else "# 回测 Back-test: history too short."),
         _month_line(fc),
         "# 上浮系数 Uplifts: " + ", ".join(f"{k} x{v['uplift']:.2f} ({v['days']} d)" for k, v in fc.uplifts.items())
         if fc.uplifts else "# 上浮系数 Uplifts: none in the history.",
         f"# 需求 Requirement: {req.line} {'>=' if req.line == 'three_min_reply_rate' else '<='} {req.value:g} "
         f"by Erlang A per hour; peak {int(req.need.max())} agents, {int(req.need.sum()):,} agent-hours needed.",
         f"# 排班 Roster (HiGHS integer program): {ro.headcount} agents, {ro.agent_hours:,.0f} paid agent-hours, "
         f"{len(ro.unmet)} hour(s) short ({ro.unmet['short'].sum() if len(ro.unmet) else 0:.0f} agent-hours); "
         "each shift's break (break_start_h, break_h) is simulated: no new chats during it"
         + (f"; breaks in {ro.break_stagger_h + 1} turns an hour apart (break_stagger_h)." if ro.break_stagger_h
            else "."),
         "# Shifts with `weekdays` work those days only (0 = Monday); `days` = extra shifts on given days."]
    for n in notes:
        L.append(f"# 注意 NOTE: {n}")
    fitted = list(((d.get("behaviour") or {}).get("estimated") or {}).get("months") or [])
    L.append("# 行为 Behaviour: " + (f"fitted behaviour from months {', '.join(fitted)} ([behaviour.estimated])."
                                    if fitted else "assumed (the template's or the literature defaults)."))
    L.append("# [meta.plan] holds these facts for `report --pptx` (the next-month slide).")
    L.append("# Calibrated outcomes and per-agent skill: as `python -m model calibrate` (docs/history.md).")
    return "\n".join(L) + "\n\n" + _inline_arrays(tomli_w.dumps(d))


_ARRAY = re.compile(r"= \[\n((?:    [^\[\]{}\n]+,\n)+)\]")


def _inline_arrays(text: str) -> str:
    """Arrays of plain values on one line (``weekdays = [0, 1, 2, 3, 4]``), as a person would write them."""
    return _ARRAY.sub(lambda m: "= [" + ", ".join(x.strip().rstrip(",") for x in m.group(1).splitlines()) + "]",
                      text)
