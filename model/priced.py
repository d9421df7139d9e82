"""Pricing a scheme on a stored run and the comparison's JSON block (its text tables are :mod:`model.present.tables`).

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


def team_horizon(res: SimResult, view: str | None = None) -> pd.DataFrame:
    """Team KPIs per replication over the horizon, with the silent-order sales the pools need.

    ``view``: with the bot front line, which chats count (:meth:`SimResult.table`; default the platform view).
    Cached on the result like its KPI tables (re-pricing a stored run must not rebuild it); do not modify it.
    """
    key = ("compare.team_horizon",) if view is None or not res.has_bot else ("compare.team_horizon", view)
    cached = res._cache.get(key)
    if cached is not None:
        return cached
    t = res.table(view=view).copy()
    if len(res.silent_orders):
        t = t.merge(res.silent_orders[["rep", "silent_orders_yuan"]], on="rep", how="left")
    else:
        t["silent_orders_yuan"] = 0.0
    res._cache[key] = t
    return t


def pricing_context(res: SimResult, baseline: SimResult, *, scenario: Scenario | None = None) -> PricingContext:
    """KPI tables of a result, as the pricing functions take them.

    ``scenario`` gives the economics and horizon (default: the result's own; a run shared through a cache may
    have been made for a scenario with other schemes or economics). Tables per week, day or round are made
    only when a component of the scheme is evaluated on them (through ``tables``, cached on the result).
    """
    s = scenario or res.scenario

    def on(view: str | None, all_basis: PricingContext | None = None) -> PricingContext:
        return PricingContext(
            agent_horizon=res.table(by_agent=True, view=view),
            team_horizon=team_horizon(res, view),
            agents=res.agents,
            baseline_team_horizon=team_horizon(baseline, view),
            gross_margin_share=s.economics.gross_margin_share,
            days=float(s.meta.days),
            tables=res.table if view is None else lambda **kw: res.table(**kw, view=view),
            all_basis=all_basis,
        )

    # with the bot front line schemes pay on the human view; a component with kpi_basis = "all" on the all view
    return on("human", on("all")) if res.has_bot else on(None)


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
        "per_replication": per_rep[["rep", "revenue_yuan", "uplift_yuan", "bonus_cost_yuan", "incremental_bonus_cost_yuan",
                                    "service_cost_yuan", "net_gain_yuan"]]
        .to_dict(orient="records"),
    }
