"""Replay: price the imported month's actual per-agent KPIs under every scheme of a scenario, with no simulation.

The imported month becomes a :class:`model.schemes.PricingContext` with one replication (``rep`` = 0) and the
schemes are priced by :func:`model.schemes.price_scheme`, the one place that knows how a scheme pays. The
result says who would have earned what, the total cost, and the difference to the scheme the team was paid
under (a scheme of the scenario, or the scenario's baseline; with neither, base pay only = no bonus).

Replay limits (stated in the output): a scheme that needs a KPI the export does not give is not priced (its
missing KPIs are named); a profit pool pays from the uplift over a baseline run, which a single historical month
does not have (the month is its own baseline, so the pool is 0); silent-order pools get 0 (no silent orders in a
chat export).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from model.errors import ScenarioError
from model.history.sums import available_codes, kpis
from model.history.validate import History
from model.kpicodes import KPI_CODES
from model.schema import Scenario
from model.schemes.pricing import PricingContext, pay_table, price_scheme
from model.schemes.spec import Scheme
from model.text import finite as _num

#: KPIs a component type reads without naming them in a ``kpi`` field.
_IMPLICIT = {"behaviour_points": ("bad_attitude_ratings",)}
_POOL_TYPES = ("profit_pool", "silent_order_pool")


def agents_frame(h: History, s: Scenario | None = None) -> pd.DataFrame:
    """Agent id (order of first appearance), name, and static attributes from the scenario's listed agents
    (matched by name; tenure 12 months, no night shifts and role "both" otherwise)."""
    listed = {a.name: a for a in (s.agents.individual if s is not None else []) if a.name}
    rows = []
    for i, name in enumerate(h.agents):
        a = listed.get(name)
        rows.append({"agent": i, "name": name, "tenure_months": a.tenure_months if a else 12.0,
                     "night_shifts": a.night_shifts if a else 0, "role": a.role if a else "both"})
    return pd.DataFrame(rows)


def _with_ids(frame: pd.DataFrame, ids: dict[str, int]) -> pd.DataFrame:
    f = frame.copy()
    f["agent"] = f["agent"].map(ids).astype(int)
    f.insert(0, "rep", 0)
    return f


def history_context(h: History, s: Scenario) -> PricingContext:
    """The imported month as the pricing functions take it (one replication, rep = 0).

    This is the one function that knows the :class:`PricingContext` fields; the month is its own baseline.
    """
    ag = agents_frame(h, s)
    ids = dict(zip(ag["name"], ag["agent"], strict=True))
    team = kpis(h, [])
    team.insert(0, "rep", 0)
    team["silent_orders_yuan"] = 0.0
    team_week = kpis(h, ["week"])
    team_week.insert(0, "rep", 0)
    return PricingContext(
        agent_horizon=_with_ids(kpis(h, ["agent"]), ids),
        agent_week=_with_ids(kpis(h, ["agent", "week"]), ids),
        team_horizon=team,
        team_week=team_week,
        agents=ag,
        baseline_team_horizon=team,
        gross_margin_share=s.economics.gross_margin_share,
        days=float(h.days),
    )


def scheme_kpis(scheme: Scheme) -> set[str]:
    """Every KPI code a scheme reads (``kpi``, ``kpis``, ``top_kpi`` fields anywhere, plus implicit ones)."""
    found: set[str] = set()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                if k in ("kpi", "top_kpi") and isinstance(v, str) and v in KPI_CODES:
                    found.add(v)
                elif k == "kpis" and isinstance(v, list):
                    found.update(c for c in v if isinstance(c, str) and c in KPI_CODES)
                elif k == "type" and v in _IMPLICIT:
                    found.update(_IMPLICIT[v])
                else:
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(scheme.model_dump(mode="json"))
    return found


def replay(h: History, s: Scenario, *, paid_under: str | None = None) -> dict[str, Any]:
    """Price the imported month under every scheme of the scenario.

    Args:
        h: the imported history.
        s: the scenario whose schemes are priced.
        paid_under: the scheme the team was actually paid under (a scheme name of the scenario); default: the
            scenario's ``economics.baseline_scheme``; with neither, base pay only (no bonus).

    Returns:
        A JSON-ready document: ``source``, ``notes`` (zh/en, skipped rows first), ``kpis`` (team and agents),
        ``paid_under``, and ``schemes``: name -> {``replayable``, ``missing_kpis``, ``notes``, ``pay_yuan``,
        ``bonus_cost_yuan``, ``diff_yuan``, ``agents``: [{agent, name, pay_yuan, variable_yuan, diff_yuan,
        breakdown}]}. ``diff_yuan`` is pay minus pay under ``paid_under`` (variable pay when that is base pay only).

    Raises:
        ScenarioError: ``paid_under`` is not a scheme of the scenario.
    """
    names = [sc.name for sc in s.schemes]
    ref = paid_under if paid_under is not None else s.economics.baseline_scheme
    if paid_under is not None and paid_under not in names:
        raise ScenarioError(f"'{paid_under}' is not a scheme of the scenario; schemes: {', '.join(names) or '-'}",
                            key="--paid-under")
    ctx = history_context(h, s)
    avail = available_codes(h)
    ag = ctx.agents
    blocks: dict[str, dict[str, Any]] = {}
    for sc in s.schemes:
        missing = sorted(scheme_kpis(sc) - avail)
        notes = []
        types = {c.type for _, c, _ in sc.flat_components()}
        if types & set(_POOL_TYPES):
            notes.append({"zh": "利润池/静默订单池在回放中为 0（历史月份没有对照基准）",
                          "en": "profit and silent-order pools are 0 in a replay (a past month has no baseline)"})
        if missing:
            blocks[sc.name] = {"replayable": False, "missing_kpis": missing, "notes": notes, "agents": [],
                               "pay_yuan": None, "bonus_cost_yuan": None, "diff_yuan": None}
            continue
        pay = pay_table(price_scheme(sc, ctx)).set_index("agent")
        comps = [c for c in pay.columns if c not in ("rep", "pay_yuan", "base_yuan", "variable_yuan")]
        rows = []
        for a, name in zip(ag["agent"], ag["name"], strict=True):
            r = pay.loc[a] if a in pay.index else None
            rows.append({"agent": int(a), "name": name,
                         "pay_yuan": 0.0 if r is None else float(r["pay_yuan"]),
                         "variable_yuan": 0.0 if r is None else float(r["variable_yuan"]),
                         "breakdown": {} if r is None else {c: float(r[c]) for c in comps}})
        blocks[sc.name] = {"replayable": True, "missing_kpis": [], "notes": notes, "agents": rows,
                           "pay_yuan": float(sum(x["pay_yuan"] for x in rows)),
                           "bonus_cost_yuan": float(sum(x["variable_yuan"] for x in rows))}
    ref_block = blocks.get(ref) if ref else None
    ref_ok = ref_block is not None and ref_block["replayable"]
    for b in blocks.values():
        if not b["replayable"]:
            continue
        for i, x in enumerate(b["agents"]):
            x["diff_yuan"] = x["pay_yuan"] - ref_block["agents"][i]["pay_yuan"] if ref_ok else x["variable_yuan"]
        b["diff_yuan"] = float(sum(x["diff_yuan"] for x in b["agents"]))
    am = ctx.agent_horizon.set_index("agent")
    codes = [c for c in KPI_CODES if c in avail]
    agents_kpis = [{"agent": int(a), "name": n, **{c: _num(am.at[a, c]) for c in codes}}
                   for a, n in zip(ag["agent"], ag["name"], strict=True)]
    team = ctx.team_horizon.iloc[0]
    return {
        "source": source_info(h),
        "notes": {"zh": h.notes("zh"), "en": h.notes("en")},
        "skipped_rows": list(h.report.skipped_rows),
        "kpis": {"team": {c: _num(team[c]) for c in codes}, "agents": agents_kpis},
        "paid_under": ref if ref_ok else None,
        "paid_under_note": (None if ref_ok or not ref else
                            f"'{ref}' cannot be replayed; differences are against base pay only"),
        "schemes": blocks,
    }


def source_info(h: History) -> dict[str, Any]:
    """File, encoding, sheet, dates, days and agents of an import."""
    return {"file": h.name, "encoding": h.encoding, "sheet": h.sheet, "sheets": list(h.sheets),
            "start": min(h.data["date"]).isoformat(), "end": max(h.data["date"]).isoformat(), "days": h.days,
            "agents": len(h.agents), "rows": int(len(h.data)), "hourly": h.hourly,
            "columns": dict(h.columns)}


def replay_table(doc: dict[str, Any]) -> pd.DataFrame:
    """Per-agent pay under every replayable scheme (one row per agent, one column per scheme), plus totals."""
    data: dict[str, Any] = {"name": [a["name"] for a in doc["kpis"]["agents"]]}
    for name, b in doc["schemes"].items():
        if b["replayable"]:
            data[name] = [x["pay_yuan"] for x in b["agents"]]
    out = pd.DataFrame(data)
    if len(out.columns) > 1:
        total = {"name": "合计 total", **{c: float(np.sum(out[c])) for c in out.columns[1:]}}
        out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    return out
