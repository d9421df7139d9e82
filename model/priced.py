"""Pricing a scheme on a stored run and its block of the comparison document (economics against the baseline).

Pay rules never re-run anything: :func:`price_result` prices any scheme on a stored result. Which run a scheme
gets, and the comparison of every scheme, is :mod:`model.pipeline` (``compare_schemes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from model.economics import evaluate_economics
from model.kpi import summarise
from model.kpicodes import KPI_CODES
from model.naming import live_scheme_name
from model.result import SimResult
from model.schema import Scenario
from model.schemes.pricing import PricingContext, can_pay_negative, pay_table, price_scheme, reach_share
from model.schemes.spec import Scheme
from model.text import display_width, ljust, rjust, truncate


def team_horizon(res: SimResult) -> pd.DataFrame:
    """Team KPIs per replication over the horizon, with the silent-order sales the pools need.

    Cached on the result like its KPI tables (re-pricing a stored run must not rebuild it); do not modify it.
    """
    key = ("compare.team_horizon",)
    cached = res._cache.get(key)
    if cached is not None:
        return cached
    t = res.table().copy()
    if len(res.silent_orders):
        t = t.merge(res.silent_orders[["rep", "silent_orders_yuan"]], on="rep", how="left")
    else:
        t["silent_orders_yuan"] = 0.0
    res._cache[key] = t
    return t


def pricing_context(res: SimResult, baseline: SimResult, *, scenario: Scenario | None = None) -> PricingContext:
    """KPI tables of a result, as the pricing functions take them.

    ``scenario`` gives the economics and horizon (default: the result's own; a run shared through a cache may
    have been made for a scenario with other schemes or economics).
    """
    s = scenario or res.scenario
    return PricingContext(
        agent_horizon=res.table(by_agent=True),
        agent_week=res.table(by_agent=True, period="week"),
        team_horizon=team_horizon(res),
        team_week=res.table(period="week"),
        agents=res.agents,
        baseline_team_horizon=team_horizon(baseline),
        gross_margin_share=s.economics.gross_margin_share,
        days=float(s.meta.days),
        tables=res.table,
    )


@dataclass
class Priced:
    """One scheme priced on one result."""

    scheme: Scheme
    result: SimResult
    long: pd.DataFrame
    pay: pd.DataFrame


def price_result(scheme: Scheme, res: SimResult, baseline: SimResult, *, scenario: Scenario | None = None) -> Priced:
    """Price a scheme on a stored result (no simulation); ``scenario`` as in :func:`pricing_context`."""
    long = price_scheme(scheme, pricing_context(res, baseline, scenario=scenario))
    return Priced(scheme, res, long, pay_table(long))


def scheme_document(p: Priced, base: Priced | None, baseline_res: SimResult, *,
                    scenario: Scenario | None = None) -> dict[str, Any]:
    """The JSON block of one scheme: team KPIs, economics, per-agent pay with a breakdown.

    ``scenario`` gives the economics and horizon (default: the priced result's own).
    """
    s = scenario or p.result.scenario
    tm = team_horizon(p.result)
    per_rep, econ = evaluate_economics(
        p.pay, base.pay if base is not None else None, tm, team_horizon(baseline_res), s.economics,
        days=float(s.meta.days), n_agents=s.agents.count, scheme_nonnegative=not can_pay_negative(p.scheme),
        baseline_nonnegative=not can_pay_negative(base.scheme if base is not None else None))
    agents = []
    comps = [c for c in p.pay.columns if c not in ("rep", "agent", "pay_yuan", "base_yuan", "variable_yuan")]
    mean_pay = p.pay.groupby("agent").mean(numeric_only=True) if len(p.pay) else pd.DataFrame()
    names = dict(zip(p.result.agents["agent"], p.result.agents["name"], strict=True))
    reach = p.long.dropna(subset=["reached"]).groupby(["agent", "component"])["reached"].mean() \
        if len(p.long) else pd.Series(dtype=float)
    for a in range(s.agents.count):
        row: dict[str, Any] = {"agent": a, "name": names.get(a, str(a))}
        if a in mean_pay.index:
            row["pay_yuan"] = float(mean_pay.at[a, "pay_yuan"])
            row["variable_yuan"] = float(mean_pay.at[a, "variable_yuan"])
            row["breakdown"] = {c: float(mean_pay.at[a, c]) for c in comps}
        else:
            row["pay_yuan"], row["variable_yuan"], row["breakdown"] = 0.0, 0.0, {}
        row["reached"] = {c: float(v) for (ag, c), v in reach.items() if ag == a}
        agents.append(row)
    ae = p.scheme.assumed_effects
    return {
        "label": live_scheme_name(p.scheme),
        "description": p.scheme.description,
        "assumed_effects": ({"zh": ae.lines("zh"), "en": ae.lines("en"), "values": ae.model_dump()}
                            if ae is not None and ae.is_active else None),
        "team": summarise(tm, [c for c in KPI_CODES if c in tm.columns]),
        "economics": econ,
        "economics_interval_level": s.economics.interval_level,
        "reach_share": reach_share(p.long).to_dict(orient="records"),
        "agents": agents,
        "per_replication": per_rep[["rep", "revenue_yuan", "uplift_yuan", "bonus_cost_yuan", "net_gain_yuan"]]
        .to_dict(orient="records"),
    }


_width = display_width
_truncate = truncate


def _yuan(v: float | None) -> str:
    if v is None:
        return "—"
    text = f"{v:,.0f}"
    return "0" if text == "-0" else text


def comparison_table(doc: dict[str, Any]) -> str:
    """A readable table of every scheme's economics (90% intervals) with assumptions marked."""
    schemes = doc.get("schemes") or {}
    base = doc.get("baseline_scheme") or "仅底薪 base pay only"
    lines = [f"方案对比 Scheme comparison · 基准 baseline: {base} · 金额为模拟期 money for the simulated horizon"]
    # the name column fits the longest name plus the assumption mark (up to 40 columns, then names are cut)
    name_w = min(40, max([24] + [_width(n) + 3 for n in schemes]))
    widths = [16, 16, 26, 8, 14, 10, 12]
    titles = ["奖金成本 bonus", "增收 uplift", "净收益 net gain", "ROI", "P(亏损 loss)", "转化 conv", "客单价 AOV"]
    head = ljust("方案 scheme", name_w) + "".join(rjust(h, w) for h, w in zip(titles, widths, strict=True))
    lines += [head, "-" * (98 + name_w)]
    notes = []
    for name, b in schemes.items():
        e = b["economics"]
        t = b["team"]
        ng = e["net_gain_yuan"]
        ci = "" if ng["lo"] is None else f" [{_yuan(ng['lo'])}, {_yuan(ng['hi'])}]"
        roi = e["roi"]["mean"]
        pl = e["p_net_loss"]["mean"]
        conv = t.get("inquiry_conversion", {}).get("mean")
        aov = t.get("aov_yuan", {}).get("mean")
        mark = " *" if b.get("assumed_effects") else ""
        shown = b.get("label") or name  # the live name: a quoted target follows the current value
        label = _truncate(shown, name_w - 1 - len(mark)) + mark  # the assumption mark survives a long name
        w = _width(label)
        cells = [_yuan(e["bonus_cost_yuan"]["mean"]), _yuan(e["uplift_yuan"]["mean"]), _yuan(ng["mean"]) + ci,
                 "—" if roi is None else f"{roi:.2f}", "—" if pl is None else f"{100 * pl:.0f}%",
                 "—" if conv is None else f"{100 * conv:.2f}%", "—" if aov is None else f"{aov:.1f}"]
        lines.append(f"{label}{' ' * max(1, name_w - w)}" + "".join(" " + c.rjust(wd - 1) for c, wd in zip(cells, widths, strict=True)))
        if b.get("assumed_effects"):
            notes.append(f"  * {name}: " + "; ".join(b["assumed_effects"]["zh"]) + " | "
                         + "; ".join(b["assumed_effects"]["en"]))
    if notes:
        lines += ["", "* 含经理假设的效果(不是预测) / includes the manager's assumed effects (not a forecast):"] + notes
    return "\n".join(lines)


_BASIS = {"forecast": ("预测", "forecast"), "assumption": ("假设", "assumption"), "mechanics": ("纯机制", "mechanics only")}


def behaviour_table(doc: dict[str, Any]) -> str:
    """Per scheme: the behavioural forecast beside pure mechanics (and the manager's assumption), and who responds."""
    lines = ["客服反应 Agents' response · 预测 = 行为模型 forecast; 纯机制 = 努力不变 mechanics only; 假设 = 经理假设 assumption",
             f"{'方案 scheme':<26}{'依据 basis':<22}{'净收益 net gain':>16}{'转化 conv':>11}{'响应 resp s':>12}"
             f"{'努力 effort':>14}{'放弃 gave up':>14}"]
    for name, b in (doc.get("schemes") or {}).items():
        beh = b.get("behaviour") or {}
        views = [("forecast" if beh else b.get("basis", "mechanics"), b)]
        views += [(k, v) for k, v in (b.get("views") or {}).items()]
        for i, (basis, v) in enumerate(views):
            e, t = v["economics"], v["team"]
            zh, en = _BASIS.get(basis, (basis, basis))
            label = _truncate(name, 26) if i == 0 else ""
            eff = (beh.get("team_effort") or {}).get("selling") if i == 0 and beh else None
            gave = f"{beh.get('gave_up', 0)}/{len(beh.get('agents', []))}" if i == 0 and beh else ""
            conv = t.get("inquiry_conversion", {}).get("mean")
            resp = t.get("avg_response_s", {}).get("mean")
            basis_text = f"{zh} {en}"
            lines.append(f"{label}{' ' * max(1, 28 - _width(label))}{basis_text}{' ' * max(1, 24 - _width(basis_text))}"
                         f"{_yuan(e['net_gain_yuan']['mean']):>18}"
                         f"{'—' if conv is None else f'{100 * conv:.2f}%':>11}{'—' if resp is None else f'{resp:.1f}':>12}"
                         f"{'' if eff is None else f'{eff:+.2f}':>14}{gave:>14}")
        for z, en in zip((beh.get("notes") or {}).get("zh", []), (beh.get("notes") or {}).get("en", []), strict=False):
            lines.append(f"  ! {z} | {en}")
    return "\n".join(lines)
