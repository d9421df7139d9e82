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


def limits(t: Tuning, platform: str, day=None) -> dict[str, float]:
    """The constraints in force (name -> limit); lines switched off (None) are left out; ``day``: the date whose
    platform rules apply (a planned month's first date), else today's."""
    out = {"min_reach_share": t.min_reach_share, "max_payout_share": t.max_payout_share,
           "max_p_net_loss": t.max_p_net_loss, **t.lines(platform, day)}
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


def _label(row: pd.Series) -> str:
    lab = row.get("label")
    return row["scheme"] if lab is None or (isinstance(lab, float) and math.isnan(lab)) else str(lab)


def _point(row: pd.Series) -> dict[str, Any]:
    keys = {k[4:]: (v.item() if hasattr(v, "item") else v) for k, v in row.items() if str(k).startswith("key:")}
    out = {"point_id": int(row["point_id"]), "scheme": row["scheme"], "label": _label(row), "kpi": row["kpi"],
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


def _finite(v: Any) -> bool:
    return isinstance(v, int | float | np.number) and not isinstance(v, bool) and bool(np.isfinite(float(v)))


def _dimension(key: str) -> str:
    """The swept dimension a key is: ``target``, ``amount_yuan``, or the key itself."""
    last = key.rsplit(".", 1)[-1]
    return last if last in ("target", "amount_yuan") else key


def _other_scheme(key: str, scheme: str, schemes: list[str] | None, baseline: str | None) -> bool:
    """True for a key of another scheme than ``scheme`` and the baseline (``schemes.<j>.…``): it does not move
    ``scheme``'s numbers."""
    parts = key.split(".")
    if not schemes or parts[0] != "schemes" or len(parts) < 2 or not parts[1].isdigit():
        return False
    j = int(parts[1])
    return j < len(schemes) and schemes[j] not in (scheme, baseline)


def grid_edges(best: pd.Series, cand: pd.DataFrame, axes: dict[str, list[Any]] | None = None, *,
               schemes: list[str] | None = None, baseline: str | None = None) -> list[dict[str, Any]]:
    """The swept dimensions on which ``best`` sits at the edge of the grid (its lowest or highest value).

    A dimension is a ``key:`` column of the summary (a swept key) with at least two values; its values are the
    sweep's axis when ``axes`` has it, else the values the points of ``best``'s scheme take. Without key columns
    the target and amount columns of the scheme's points stand in. With the scenario's scheme names in order
    (``schemes``), a key of another scheme (not ``best``'s, not the ``baseline``) is no dimension of ``best``.

    Returns:
        One ``{"key", "dimension" ("target", "amount_yuan" or the key), "side" ("low"/"high"), "value",
        "grid_min", "grid_max"}`` per edge; empty when the point is inside the grid on every dimension.
    """
    mine = cand[cand["scheme"] == best["scheme"]]
    cols = [c for c in cand.columns if str(c).startswith("key:")]
    dims = [(c[4:], c) for c in cols] if cols else [("target", "target"), ("amount_yuan", "amount_yuan")]
    out = []
    for key, col in dims:
        v = best.get(col)
        if not _finite(v) or _other_scheme(key, best["scheme"], schemes, baseline):
            continue
        grid_vals = (axes or {}).get(key)
        vals = [float(x) for x in (grid_vals if grid_vals else mine[col].tolist()) if _finite(x)]
        if len(set(vals)) < 2:
            continue
        lo, hi, v = min(vals), max(vals), float(v)
        side = "low" if v <= lo + 1e-12 else "high" if v >= hi - 1e-12 else None
        if side:
            dim = _dimension(key)
            text = (_target_text(best["kpi"], v) if dim == "target" else f"{v:,.0f}" if dim == "amount_yuan"
                    else f"{v:g}")
            out.append({"key": key, "dimension": dim, "side": side, "value": v, "text": text, "grid_min": lo,
                        "grid_max": hi})
    return out


def _edge_text(edges: list[dict[str, Any]]) -> tuple[str, str]:
    """The edges in words: ("奖金 2,000 元是扫描的最高值", "the amount of 2,000 yuan is the highest swept")."""
    zh, en = [], []
    for e in edges:
        hi, v = e["side"] == "high", e["text"]
        if e["dimension"] == "target":
            z, n = f"目标 {v}", f"the target of {v}"
        elif e["dimension"] == "amount_yuan":
            z, n = f"奖金 {v} 元", f"the amount of {v} yuan"
        else:
            z = n = f"{e['key']} = {v}"
        zh.append(z + (" " if z[-1].isascii() else "") + ("是扫描的最高值" if hi else "是扫描的最低值"))
        en.append(n + (" is the highest swept" if hi else " is the lowest swept"))
    return "，".join(zh), "; ".join(en)


def recommend(summary: pd.DataFrame, tuning: Tuning, *, platform: str, days: int, mechanics_only: bool,
              baseline_scheme: str | None, file: str | None = None,
              axes: dict[str, list[Any]] | None = None, schemes: list[str] | None = None,
              day=None) -> dict[str, Any]:
    """The recommendation, the frontier, the binding constraint and every candidate point.

    Args:
        summary: the sweep's per-point summary.
        tuning: the manager's constraints.
        platform: the shop's platform (its 3-minute line).
        days: the simulated horizon (money is for this horizon).
        mechanics_only: agents do not respond to pay (``behaviour.model = "none"``); said in the reason.
        baseline_scheme: the scheme "no scheme" means (None = base pay only).
        axes: the sweep's axes (key -> values), for the grid-edge flag (default: the values the points take).
        schemes: the scenario's scheme names in order (which ``schemes.<j>.…`` key moves which scheme).
        day: the date whose platform lines constrain (a planned month's first date, ``plan_day``; None = today).

    The recommendation carries ``at_grid_edge``: the swept dimensions on which the best point sits at the
    grid's lowest or highest value (:func:`grid_edges`; empty inside the grid), said in the reason too: a
    better point may lie beyond the grid. Each point carries ``label``: its scheme named after its numbers
    (the summary's ``label`` column, else the scheme's name).

    Raises:
        NoFeasibleTarget: no point meets every constraint (names the binding one).
    """
    lim = limits(tuning, platform, day)
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
    edges = grid_edges(best, cand, axes, schemes=schemes, baseline=baseline_scheme)
    if gains:
        rec = {"scheme": best["scheme"], "label": _label(best), "kpi": best["kpi"], "target": _num(best["target"]),
               "amount_yuan": _num(best["amount_yuan"]), "expected_net_gain_yuan": float(best["net_gain_yuan"])}
    else:
        # no target gains anything: keeping the baseline (no bonus) beats every point of the grid
        rec = {"scheme": baseline_scheme, "label": baseline_scheme, "kpi": None, "target": None,
               "amount_yuan": None, "expected_net_gain_yuan": 0.0, "keep": no_scheme}
    rec["reason"] = _reason(best, gains, len(feas), len(cand), binding, days, mechanics_only, name_none, edges)
    rec["keeps_baseline"] = not gains
    rec["at_grid_edge"] = edges
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


def _value_text(c: Constraint, v: float | None, limit: float) -> str:
    """A constraint's value as text, precise enough to differ from the limit it fails (29.6% vs 30%, not 30%)."""
    if v is None or not np.isfinite(v):
        return "∞" if v is not None and v > 0 else "—"
    if not c.share:
        return f"{v:g}"
    txt = _pct(v)
    return txt if txt != _pct(limit) else f"{100 * v:.2f}%"


def _no_feasible(cand: pd.DataFrame, lim: dict[str, float], file: str | None,
                 baseline: pd.DataFrame | None = None) -> NoFeasibleTarget:
    """The error for a sweep no profitable point of which meets every constraint.

    It speaks of the most profitable point (the one the manager would take without constraints): every
    constraint that point fails, with its value and the limit in the constraint's direction. The binding one is,
    among those, the one whose relaxation alone admits the most profitable points.
    """
    best = cand.sort_values(["net_gain_yuan", "payout_yuan"], ascending=[False, True]).iloc[0]
    oks = {n: cand[f"ok:{n}"].to_numpy(dtype=bool) for n in lim}
    only = {n: int((~oks[n] & np.all([oks[m] for m in lim if m != n], axis=0)).sum()) if len(lim) > 1
            else int((~oks[n]).sum()) for n in lim}
    failed = [n for n in lim if not bool(best[f"ok:{n}"])]
    name = max(failed, key=lambda n: (only[n], -failed.index(n)))
    c = BY_NAME[name]
    raw = best[c.column]
    value = None if raw is None or pd.isna(raw) else float(raw)
    binding = {"name": name, "zh": c.zh, "en": c.en, "limit": lim[name], "sense": c.sense,
               "value": value if value is None or np.isfinite(value) else None,
               "point": _point(best)}
    k = KPI_CODES.get(best["kpi"]) if best["kpi"] else None
    tgt, amt = _target_text(best["kpi"], _num(best["target"])), _num(best["amount_yuan"])
    where_en = (f"'{_label(best)}'" + (f", {k.en.lower()} target {tgt}" if k else "")
                + ("" if amt is None else f", {amt:,.0f} yuan"))
    where_zh = (f"「{_label(best)}」" + (f"，{k.zh}目标 {tgt}" if k else "")
                + ("" if amt is None else f"，奖金 {amt:,.0f} 元"))
    fails_en, fails_zh = [], []
    for n in failed:
        cn = BY_NAME[n]
        v = best[cn.column]
        vt = _value_text(cn, None if v is None or pd.isna(v) else float(v), lim[n])
        fails_en.append(f"tuning.{n} ({cn.en}) is {vt} where it must be {cn.sense} {_pct(lim[n])}")
        fails_zh.append(f"「{cn.zh}」为 {vt}，要求 {cn.sense} {_pct(lim[n])}")
    n_pos = len(cand)
    alone_en = (f"relaxing tuning.{name} alone would admit {only[name]} of the {n_pos} profitable points" if only[name]
                else f"no profitable point fails tuning.{name} alone: relax more than one constraint")
    alone_zh = (f"只放宽这一条，{n_pos} 个盈利点里有 {only[name]} 个可行" if only[name]
                else "没有只差这一条的盈利点：需要放宽不止一条约束")
    msg = (f"no target on the grid meets every constraint; the binding one is tuning.{name}. The most profitable "
           f"point ({where_en}; net gain {float(best['net_gain_yuan']):,.0f} yuan) fails it: "
           f"{'; '.join(fails_en)}; {alone_en}. Relax it or widen the grid / 网格上没有满足全部约束的目标，卡住的是"
           f"「{c.zh}」：收益最高的点（{where_zh}，净收益 {float(best['net_gain_yuan']):,.0f} 元）"
           f"{'；'.join(fails_zh)}；{alone_zh}")
    if baseline is not None and len(baseline) and c.column in baseline.columns and c.name not in (
            "min_reach_share", "max_payout_share", "max_p_net_loss"):
        b = float(baseline[c.column].mean())
        if np.isfinite(b) and not (b >= lim[name] if c.sense == ">=" else b <= lim[name]):
            msg += (f". The shop misses this line without any bonus too ({_pct(b)}): a staffing or service question "
                    f"(see `python -m model staffing`) / 不发奖金时也达不到这条线（{_pct(b)}）")
    return NoFeasibleTarget(msg, binding=binding, file=file)


def _reason(best: pd.Series, gains: bool, n_feas: int, n_cand: int, binding: dict[str, Any] | None, days: int,
            mechanics_only: bool, none_name: str, edges: list[dict[str, Any]] | None = None) -> dict[str, str]:
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
        zh = (f"推荐「{_label(best)}」：{kzh}目标 {tgt}，奖金 {amt_t} 元。在 {n_cand} 个候选点中有 {n_feas} 个满足全部约束，"
              f"其中它的预期净收益最高：{ng:,.0f} 元/{days} 天（90% 区间{ci or ' —'}）；{_pct(best['reach_share'])} 的客服能达标，"
              f"奖金占新增毛利 {share}，亏损概率 {_pct(best['p_net_loss'])}。")
        en = (f"Recommended: '{_label(best)}' with a target of {tgt} on {ken.lower()} paying {amt_t} yuan. Of {n_cand} candidate "
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
    if edges:
        ez, ee = _edge_text(edges)
        if gains:
            zh += f"注意：它在扫描网格的边缘（{ez}），网格外可能还有更好的点，请扩大网格再确认。"
            en += (f" Note: it sits at the edge of the swept grid ({ee}); a better point may lie beyond it: widen "
                   "the grid to check.")
        else:
            zh += f"网格里最好的点在网格边缘（{ez}），网格外可能有赚钱的点，可扩大网格再看。"
            en += (f" The grid's best point sits at its edge ({ee}): a point beyond it might pay; widen the grid "
                   "to check.")
    return {"zh": zh, "en": en}
