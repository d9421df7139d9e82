"""How the headline conclusions move when each behavioural parameter moves (a tornado).

Headlines, all from the agents' forecast model (no engine run, so the whole table takes seconds):
* the best target of the scheme's first numeric-target component (the argmax of net gain over a target grid),
* the forecast net gain at the scheme's own target (uplift x gross margin - variable pay - service cost),
* the team's forecast average response time at the scheme's own target.
Each parameter is moved to the low and the high end of the range in :data:`RANGES` (the others at their values),
so a manager sees which conclusions hold whatever the assumption and which hinge on one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from model.behaviour.curve import target_curve
from model.behaviour.kpimodel import base_record
from model.behaviour.solver import solve
from model.economics import net_gain_yuan
from model.schemes.targets import target_grid, targets, with_target

#: parameter -> (low, high) as functions of today's value, with the zh/en names shown in the tornado.
RANGES: dict[str, tuple[Any, Any, str, str]] = {
    "selling_cost_yuan": (lambda v: v / 2, lambda v: v * 2, "销售努力成本", "selling effort cost"),
    "speed_cost_yuan": (lambda v: v / 2, lambda v: v * 2, "速度努力成本", "speed effort cost"),
    "service_cost_yuan": (lambda v: v / 2, lambda v: v * 2, "服务努力成本", "service effort cost"),
    "cross_cost_share": (lambda v: 0.0, lambda v: min(0.9, max(0.8, v)), "多任务交叉成本", "multitasking cross-cost"),
    "risk_aversion_per_yuan": (lambda v: 0.0, lambda v: min(0.01, max(3 * v, 0.0006)), "风险厌恶", "risk aversion"),
    "conversion_gain_share": (lambda v: v / 2, lambda v: min(1.0, v * 1.5), "转化提升上限", "conversion ceiling"),
    "aov_gain_share": (lambda v: v / 2, lambda v: min(1.0, v * 1.5), "客单价提升上限", "order-value ceiling"),
    "latency_cut_share": (lambda v: v / 2, lambda v: 1.0, "反应延迟可削减比例", "latency cut ceiling"),
    "reply_time_cut_share": (lambda v: v / 2, lambda v: min(0.9, v * 1.5), "打字时间可削减比例", "typing cut ceiling"),
    "performance_noise_cv": (lambda v: v / 2, lambda v: min(1.0, v * 2), "个人业绩波动", "agent noise"),
    "team_shock_cv": (lambda v: 0.0, lambda v: min(1.0, max(3 * v, 0.05)), "团队共同波动", "team shock"),
    "decision_noise_yuan": (lambda v: v / 2, lambda v: v * 2, "决策噪声", "decision noise"),
}


def _headline(scenario, scheme, base, rec, label: str, target: float, grid: np.ndarray) -> dict[str, float | None]:
    curve = target_curve(scenario, scheme, base, label, grid, record=rec)
    best = float(curve.loc[curve["net_gain_yuan"].idxmax(), "target"])
    s = scenario
    eq = solve(s.behaviour, with_target(scheme, label, target), rec, s.outcomes, base.agents, seed=s.meta.seed,
               gross_margin_share=s.economics.gross_margin_share, days=float(s.meta.days))
    f = eq.forecast
    return {"best_target": best,
            "net_gain_yuan": net_gain_yuan(s.economics, f["sales_uplift_yuan"], f["variable_pay_yuan"],
                                           f["bad_ratings_change"]),
            "avg_response_s": f["avg_response_s"]}


def sensitivity(scenario, scheme, base, *, grid: np.ndarray | None = None, params: list[str] | None = None,
                progress=None) -> dict[str, Any]:
    """The tornado table of one scheme.

    Args:
        scenario: the scenario (behaviour must be active).
        scheme: a scheme with a numeric target (a threshold, a scorecard floor ...).
        base: the scenario's run without effects.
        grid: target values for the best-target search (default: :func:`model.schemes.targets.target_grid`
            around the scheme's target: +-10 points for shares, +-50% otherwise).
        params: parameters to move (default: every one in :data:`RANGES`).
        progress: called as ``progress(done, total)``.

    Returns:
        ``{"scheme", "component", "target", "base": headline, "rows": [{param, zh, en, low_value, high_value,
        low: headline, high: headline}]}``.
    """
    comps = targets(scheme)
    if not comps:
        raise ValueError(f"scheme '{scheme.name}' has no component with a numeric target to tune")
    label, target = comps[0].label, comps[0].value
    if grid is None:
        grid = np.asarray(target_grid(target, comps[0].kpi))
    rec = base_record(base)
    cfg = scenario.behaviour
    head = _headline(scenario, scheme, base, rec, label, target, grid)
    names = params or list(RANGES)
    rows = []
    for i, name in enumerate(names):
        low_f, high_f, zh, en = RANGES[name]
        v = getattr(cfg, name)
        row: dict[str, Any] = {"param": name, "zh": zh, "en": en, "value": v}
        for side, f in (("low", low_f), ("high", high_f)):
            val = float(f(v))
            s2 = scenario.model_copy(update={"behaviour": cfg.model_copy(update={name: val})})
            row[f"{side}_value"] = val
            row[side] = _headline(s2, scheme, base, rec, label, target, grid)
        rows.append(row)
        if progress:
            progress(i + 1, len(names))
    return {"scheme": scheme.name, "component": label, "target": target, "base": head, "rows": rows}


def swing(table: dict[str, Any], headline: str) -> list[tuple[str, float, float]]:
    """(param, low - base, high - base) for one headline, largest swing first (the tornado's order)."""
    b = table["base"][headline]
    out = []
    for r in table["rows"]:
        lo, hi = r["low"][headline], r["high"][headline]
        if b is None or lo is None or hi is None:
            continue
        out.append((r["param"], lo - b, hi - b))
    return sorted(out, key=lambda t: -max(abs(t[1]), abs(t[2])))
