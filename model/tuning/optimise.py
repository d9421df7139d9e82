"""The target optimiser: the best expected net gain under the manager's constraints, the frontier around it and
the constraint that binds, in words (zh/en).

It reads a sweep's per-point summary (:func:`model.tuning.sweep.summarise_points`); whatever the comparison path
computed (pure mechanics or agents' behaviour) is what it optimises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from model.errors import ScenarioError
from model.kpicodes import KPI_CODES
from model.language.tuning import Tuning


@dataclass(frozen=True)
class Constraint:
    """One constraint: a summary column compared with a limit from the ``[tuning]`` table."""

    name: str
    column: str
    sense: str  # ">=" or "<="
    zh: str
    en: str
    share: bool = True


CONSTRAINTS = (
    Constraint("min_reach_share", "reach_share", ">=", "达标客服占比", "share of agents who reach the target"),
    Constraint("max_payout_share", "payout_share", "<=", "奖金占新增毛利的比例",
               "payout as a share of the incremental gross profit"),
    Constraint("min_three_min_reply_rate", "three_min_reply_rate", ">=", "三分钟回复率（平台线）",
               "3-minute reply rate (platform line)"),
    Constraint("min_good_rating_rate", "good_rating_rate", ">=", "好评率（平台线）", "good-rating rate (platform line)"),
    Constraint("max_bad_attitude_share", "bad_attitude_share", "<=", "态度差评占比（平台线）",
               "bad-attitude share of ratings (platform line)"),
    Constraint("max_p_net_loss", "p_net_loss", "<=", "亏损概率", "probability of a net loss"),
)
BY_NAME = {c.name: c for c in CONSTRAINTS}


class NoFeasibleTarget(ScenarioError):
    """No point of the sweep meets every constraint (the message names the binding one)."""

    def __init__(self, message: str, *, binding: dict[str, Any], file: str | None = None) -> None:
        super().__init__(message, file=file, key=f"tuning.{binding['name']}")
        self.binding = binding


def limits(t: Tuning, platform: str) -> dict[str, float]:
    """The constraints in force (name -> limit); lines switched off (None) are left out."""
    out = {"min_reach_share": t.min_reach_share, "max_payout_share": t.max_payout_share,
           "max_p_net_loss": t.max_p_net_loss, **t.lines(platform)}
    return {k: float(v) for k, v in out.items() if v is not None}


def check(summary: pd.DataFrame, lim: dict[str, float]) -> pd.DataFrame:
    """The candidates (non-baseline rows of the point's focus scheme) with ``ok:<name>`` columns and ``feasible``.

    A missing KPI (NaN: e.g. no ratings) does not fail a line.
    """
    if summary.empty:
        return summary
    cand = summary[~summary["is_baseline"].astype(bool)]
    cand = cand[cand["focus"].isna() | (cand["focus"] == cand["scheme"])].copy()
    feasible = np.ones(len(cand), dtype=bool)
    for name, limit in lim.items():
        c = BY_NAME[name]
        x = cand[c.column].astype(float).to_numpy()
        ok = np.isnan(x) | ((x >= limit - 1e-12) if c.sense == ">=" else (x <= limit + 1e-12))
        cand[f"ok:{name}"] = ok
        feasible &= ok
    cand["feasible"] = feasible
    return cand.reset_index(drop=True)


def pareto(df: pd.DataFrame, x: str, *, maximise_x: bool) -> pd.DataFrame:
    """Points not dominated in (net gain up, ``x`` up or down), sorted by ``x``."""
    if df.empty:
        return df
    d = df.sort_values([x, "net_gain_yuan"], ascending=[not maximise_x, False])
    best = -math.inf
    keep = []
    for idx, row in d.iterrows():
        if row["net_gain_yuan"] > best + 1e-9:
            keep.append(idx)
            best = row["net_gain_yuan"]
    return d.loc[keep].sort_values(x)


def _pct(v: float | None) -> str:
    if v is None or not np.isfinite(v):
        return "—"
    return f"{100 * v:.0f}%" if abs(100 * v - round(100 * v)) < 0.05 else f"{100 * v:.1f}%"


def _target_text(kpi: str | None, target: float | None) -> str:
    if kpi is None or target is None:
        return "—"
    return f"{100 * target:.1f}%" if KPI_CODES[kpi].unit == "share" else f"{target:g}"


def _binding(row: pd.Series, lim: dict[str, float]) -> dict[str, Any] | None:
    for name in lim:
        if not bool(row.get(f"ok:{name}", True)):
            c = BY_NAME[name]
            v = row[c.column]
            return {"name": name, "zh": c.zh, "en": c.en, "limit": lim[name],
                    "value": None if v is None or not np.isfinite(float(v)) else float(v)}
    return None


def _point(row: pd.Series) -> dict[str, Any]:
    keys = {k[4:]: (v.item() if hasattr(v, "item") else v) for k, v in row.items() if str(k).startswith("key:")}
    out = {"point_id": int(row["point_id"]), "scheme": row["scheme"], "kpi": row["kpi"],
           "target": None if pd.isna(row["target"]) else float(row["target"]),
           "amount_yuan": None if pd.isna(row["amount_yuan"]) else float(row["amount_yuan"]), "keys": keys}
    for c in ("net_gain_yuan", "net_gain_lo", "net_gain_hi", "payout_yuan", "gross_profit_uplift_yuan",
              "payout_share", "p_net_loss", "reach_share", "three_min_reply_rate", "good_rating_rate",
              "bad_attitude_share", "inquiry_conversion"):
        v = row.get(c)
        out[c] = None if v is None or pd.isna(v) or not np.isfinite(float(v)) else float(v)
    if "feasible" in row:
        out["feasible"] = bool(row["feasible"])
        out["fails"] = [n for n in BY_NAME if f"ok:{n}" in row and not bool(row[f"ok:{n}"])]
    return out


def recommend(summary: pd.DataFrame, tuning: Tuning, *, platform: str, days: int, mechanics_only: bool,
              baseline_scheme: str | None, file: str | None = None) -> dict[str, Any]:
    """The recommendation, the frontier, the binding constraint and every candidate point.

    Args:
        summary: the sweep's per-point summary.
        tuning: the manager's constraints.
        platform: the shop's platform (its 3-minute line).
        days: the simulated horizon (money is for this horizon).
        mechanics_only: agents do not respond to pay (``behaviour.model = "none"``); said in the reason.
        baseline_scheme: the scheme "no scheme" means (None = base pay only).

    Raises:
        NoFeasibleTarget: no point meets every constraint (names the binding one).
    """
    lim = limits(tuning, platform)
    cand = check(summary, lim)
    if cand.empty:
        raise ScenarioError("the sweep has no scheme points to choose from (only the baseline)", file=file,
                            key="schemes")
    feas = cand[cand["feasible"]]
    positive = cand[cand["net_gain_yuan"] > 0]
    if feas.empty and len(positive):
        # profitable targets exist but the manager's constraints rule every one of them out
        raise _no_feasible(positive, lim, file, summary[summary["is_baseline"].astype(bool)])
    pool = feas if len(feas) else cand
    best = pool.sort_values(["net_gain_yuan", "payout_yuan"], ascending=[False, True]).iloc[0]
    better = cand[cand["net_gain_yuan"] > best["net_gain_yuan"] + 1e-9]
    binding = _binding(better.sort_values("net_gain_yuan", ascending=False).iloc[0], lim) if len(better) else None
    no_scheme = name_none = baseline_scheme or "仅底薪 base pay only"
    gains = bool(len(feas)) and best["net_gain_yuan"] > 0
    if gains:
        rec = {"scheme": best["scheme"], "kpi": best["kpi"], "target": _num(best["target"]),
               "amount_yuan": _num(best["amount_yuan"]), "expected_net_gain_yuan": float(best["net_gain_yuan"])}
    else:
        # no target gains anything: keeping the baseline (no bonus) beats every point of the grid
        rec = {"scheme": baseline_scheme, "kpi": None, "target": None, "amount_yuan": None,
               "expected_net_gain_yuan": 0.0, "keep": no_scheme}
    rec["reason"] = _reason(best, gains, len(feas), len(cand), binding, days, mechanics_only, name_none)
    rec["keeps_baseline"] = not gains
    scheme = best["scheme"]
    mine = cand[cand["scheme"] == scheme]
    return {
        "recommendation": rec,
        "best_point": _point(best),
        "binding_constraint": binding,
        "constraints": lim,
        "frontier": {"scheme": scheme,
                     "net_gain_vs_payout": [_point(r) for _, r in pareto(mine, "payout_yuan", maximise_x=False).iterrows()],
                     "net_gain_vs_reach": [_point(r) for _, r in pareto(mine, "reach_share", maximise_x=True).iterrows()]},
        "points": [_point(r) for _, r in cand.iterrows()],
        "money_horizon_days": days,
    }


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _no_feasible(cand: pd.DataFrame, lim: dict[str, float], file: str | None,
                 baseline: pd.DataFrame | None = None) -> NoFeasibleTarget:
    """The error for a sweep no point of which meets every constraint, naming the binding constraint."""
    oks = {n: cand[f"ok:{n}"].to_numpy() for n in lim}
    only = {n: int(np.all([oks[m] for m in lim if m != n], axis=0)[~oks[n]].sum()) if len(lim) > 1
            else int((~oks[n]).sum()) for n in lim}
    fails = {n: int((~oks[n]).sum()) for n in lim}
    name = max(lim, key=lambda n: (only[n], fails[n]))
    c = BY_NAME[name]
    col = cand[c.column].astype(float)
    col = col[np.isfinite(col)]
    closest = (col.max() if c.sense == ">=" else col.min()) if len(col) else None
    binding = {"name": name, "zh": c.zh, "en": c.en, "limit": lim[name],
               "value": None if closest is None else float(closest)}
    best_txt = "none" if closest is None else (_pct(closest) if c.share else f"{closest:g}")
    msg = (f"no target on the grid meets every constraint; the binding one is tuning.{name} ({c.en}, "
           f"{c.sense} {_pct(lim[name])}): the best point on the grid reaches {best_txt}. Relax it or widen the grid "
           f"/ 网格上没有满足全部约束的目标，卡住的是「{c.zh}」（要求 {c.sense} {_pct(lim[name])}，网格上最好 {best_txt}）")
    if baseline is not None and len(baseline) and c.column in baseline.columns and c.name not in (
            "min_reach_share", "max_payout_share", "max_p_net_loss"):
        b = float(baseline[c.column].mean())
        if np.isfinite(b) and not (b >= lim[name] if c.sense == ">=" else b <= lim[name]):
            msg += (f". The shop misses this line without any bonus too ({_pct(b)}): a staffing or service question "
                    f"(see `python -m model staffing`) / 不发奖金时也达不到这条线（{_pct(b)}）")
    return NoFeasibleTarget(msg, binding=binding, file=file)


def _reason(best: pd.Series, gains: bool, n_feas: int, n_cand: int, binding: dict[str, Any] | None, days: int,
            mechanics_only: bool, none_name: str) -> dict[str, str]:
    k = KPI_CODES.get(best["kpi"]) if best["kpi"] else None
    kzh, ken = (k.zh, k.en) if k else ("目标", "the target")
    tgt = _target_text(best["kpi"], _num(best["target"]))
    amt = _num(best["amount_yuan"])
    amt_t = "—" if amt is None else f"{amt:,.0f}"
    ng = float(best["net_gain_yuan"])
    lo, hi = best.get("net_gain_lo"), best.get("net_gain_hi")
    ci = "" if lo is None or pd.isna(lo) else f" [{lo:,.0f}, {hi:,.0f}]"
    share = _pct(best["payout_share"])
    if gains:
        zh = (f"推荐「{best['scheme']}」：{kzh}目标 {tgt}，奖金 {amt_t} 元。在 {n_cand} 个候选点中有 {n_feas} 个满足全部约束，"
              f"其中它的预期净收益最高：{ng:,.0f} 元/{days} 天（90% 区间{ci or ' —'}）；{_pct(best['reach_share'])} 的客服能达标，"
              f"奖金占新增毛利 {share}，亏损概率 {_pct(best['p_net_loss'])}。")
        en = (f"Recommended: '{best['scheme']}' with a target of {tgt} on {ken.lower()} paying {amt_t} yuan. Of {n_cand} candidate "
              f"points {n_feas} meet every constraint, and this one has the highest expected net gain: {ng:,.0f} yuan "
              f"over {days} days (90% interval{ci or ' —'}); {_pct(best['reach_share'])} of agents reach it, the payout is "
              f"{share} of the incremental gross profit, P(net loss) {_pct(best['p_net_loss'])}.")
        if binding:
            zh += f"更高收益的点被「{binding['zh']}」挡住（限值 {_pct(binding['limit'])}）。"
            en += f" Better points are ruled out by the {binding['en']} (limit {_pct(binding['limit'])})."
        else:
            zh += "没有约束挡住更好的点。"
            en += " No constraint rules out a better point."
    else:
        which = (f"满足全部约束的 {n_feas} 个点里最好的" if n_feas else f"{n_cand} 个候选点里最好的")
        which_en = (f"the best of the {n_feas} points that meet every constraint" if n_feas
                    else f"the best of the {n_cand} candidate points")
        zh = (f"不建议设这个奖金，维持「{none_name}」：{which}（{kzh}目标 {tgt}、奖金 {amt_t} 元）"
              f"预期净收益只有 {ng:,.0f} 元/{days} 天，奖金付出多于它带来的毛利。")
        en = (f"Do not pay this bonus; keep '{none_name}': {which_en} ({ken.lower()} target {tgt}, {amt_t} yuan) "
              f"has an expected net gain of {ng:,.0f} yuan over {days} days: it pays more than the profit it brings.")
        if mechanics_only:
            zh += "这是纯机制的结果（behaviour.model = \"none\"：客服不因奖金改变努力），低目标等于白发钱。"
            en += (" This is pure mechanics (behaviour.model = \"none\": agents do not change effort for pay), so an "
                   "easy target pays everyone for nothing.")
    return {"zh": zh, "en": en}
