"""A target band from last month's per-agent KPIs (seed 000: "last month's average 42% -> this month's target
45-48%"), explained in Chinese and English, with the industry reference as a second line where given.

Input: a plain DataFrame with an agent column and KPI columns (the history importer's output, a CSV, or a run's
``SimResult.table(by_agent=True)``), so any source works.

Rule (docs/tuning.md): the band runs from about 7% to about 14% better than last month's team level (relative),
rounded to half a percentage point for shares: 42% -> 45%-48%, seed 000's example. It is a stretch the team can
reach with effort (seed 000: too high and agents do not try; too low and the shop pays for nothing); the
explanation says how many agents already reached each end last month.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.errors import ScenarioError
from model.kpicodes import KPI_CODES

#: The band's two ends as relative stretches over last month's team level (seed 000: 42% -> 45%-48%).
STRETCH = (0.07, 0.14)
#: Per-agent count columns that weight a share KPI's team level (conversion = orders / inquiries ...).
WEIGHTS = {"inquiry_conversion": "inquiries", "three_min_reply_rate": "messages", "good_rating_rate": "ratings"}


def load_history_csv(path: str | Path) -> pd.DataFrame:
    """Read a per-agent KPI CSV (UTF-8 or GBK) with clear errors."""
    p = Path(path)
    if not p.exists():
        raise ScenarioError("file not found", file=str(path))
    for enc in ("utf-8-sig", "gbk"):
        try:
            return pd.read_csv(p, encoding=enc)
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
            raise ScenarioError(f"is not a readable CSV table: {e}", file=str(path)) from None
    raise ScenarioError("is neither UTF-8 nor GBK text", file=str(path))


def from_run(res: Any) -> pd.DataFrame:
    """Per-agent KPIs of a simulated run (mean over replications) in the same shape as a history table."""
    t = res.table(by_agent=True)
    return t.groupby("agent").mean(numeric_only=True).reset_index().drop(columns=["rep"], errors="ignore")


def _round(v: float, share: bool) -> float:
    return round(v * 200) / 200 if share else float(np.round(v, 2))


def target_band(history: pd.DataFrame, kpi: str = "inquiry_conversion", *, agent_col: str = "agent",
                industry: float | None = None, file: str = "<history>") -> dict[str, Any]:
    """Propose this month's target band for ``kpi`` from last month's per-agent values.

    Args:
        history: one row per agent (more rows per agent are averaged), with ``agent_col`` and ``kpi`` columns;
            an ``inquiries`` column (for conversion) weights the team level.
        kpi: the KPI code.
        agent_col: the agent column.
        industry: the category's industry average for the KPI (a second reference line), optional.
        file: the source name for messages.

    Returns:
        ``{"kpi", "team_level", "low", "high", "agents", "reach_low", "reach_high", "reason": {"zh", "en"},
        "industry": {"value", "zh", "en"} or None}``.
    """
    if kpi not in KPI_CODES:
        raise ScenarioError(f"'{kpi}' is not a KPI code (see docs/kpi.md)", file=file, key="kpi")
    k = KPI_CODES[kpi]
    missing = [c for c in (agent_col, kpi) if c not in history.columns]
    if missing:
        raise ScenarioError(f"the table has no column {', '.join(repr(c) for c in missing)}; it needs one row per "
                            f"agent with the columns '{agent_col}' and '{kpi}' (has: {', '.join(map(str, history.columns))})",
                            file=file, key=missing[0])
    vals = pd.to_numeric(history[kpi], errors="coerce")
    bad = history.index[vals.isna() & history[kpi].notna()]
    if len(bad):
        raise ScenarioError(f"row {int(bad[0]) + 2}: '{history.loc[bad[0], kpi]}' is not a number", file=file, key=kpi)
    if k.unit == "share" and (vals > 1).any() and (vals <= 100).all():
        raise ScenarioError(f"{kpi} values look like percentages (e.g. {vals.max():g}); give shares 0-1",
                            file=file, key=kpi)
    df = history.assign(**{kpi: vals}).dropna(subset=[kpi])
    if df.empty:
        raise ScenarioError(f"no agent has a value of {kpi}", file=file, key=kpi)
    wcol = WEIGHTS.get(kpi)
    per_agent = df.groupby(agent_col).agg(**{kpi: (kpi, "mean")}, **({"w": (wcol, "sum")} if wcol in df else {}))
    x = per_agent[kpi].to_numpy(dtype=float)
    w = per_agent["w"].to_numpy(dtype=float) if "w" in per_agent and per_agent["w"].sum() > 0 else None
    level = float(np.average(x, weights=w)) if w is not None else float(x.mean())
    share = k.unit == "share"
    up = k.direction != "lower_is_better"
    ends = [level * (1 + s) if up else level * (1 - s) for s in STRETCH]
    low, high = (_round(e, share) for e in ends)
    if share:
        low, high = min(low, 1.0), min(high, 1.0)
    reach = [float(((x >= e) if up else (x <= e)).mean()) for e in (low, high)]
    n = len(x)
    fmt = (lambda v: f"{100 * v:.1f}%".replace(".0%", "%")) if share else (lambda v: f"{v:g}")
    sign_zh, sign_en = ("≥", "at least") if up else ("≤", "at most")
    zh = (f"上月团队{k.zh} {fmt(level)}（{n} 名客服）。建议本月目标 {fmt(low)}–{fmt(high)}：比上月高出约 "
          f"{int(STRETCH[0] * 100)}%–{int(STRETCH[1] * 100)}%，努力可达。上月已有 {round(reach[0] * n)} 人做到 "
          f"{sign_zh}{fmt(low)}，{round(reach[1] * n)} 人做到 {sign_zh}{fmt(high)}。目标太高客服会放弃，太低等于白发奖金。")
    en = (f"Last month the team's {k.en.lower()} was {fmt(level)} ({n} agents). Suggested target this month: "
          f"{fmt(low)}-{fmt(high)}, about {int(STRETCH[0] * 100)}-{int(STRETCH[1] * 100)}% better than last month: "
          f"reachable with effort. Last month {round(reach[0] * n)} agents already reached {sign_en} {fmt(low)} and "
          f"{round(reach[1] * n)} {sign_en} {fmt(high)}. Too high and agents stop trying; too low and the bonus "
          f"pays for nothing.")
    ind = None
    if industry is not None:
        gap = industry - level
        rel_zh = "高于" if gap > 0 else ("低于" if gap < 0 else "等于")
        rel_en = "above" if gap > 0 else ("below" if gap < 0 else "equal to")
        ind = {"value": industry,
               "zh": f"行业参考：类目平均{k.zh} {fmt(industry)}，{rel_zh}本店上月水平 {fmt(level)}。"
                     + ("目标带的上端仍低于行业平均，可考虑逐月提高。" if up and industry > high else ""),
               "en": f"Industry reference: the category's average {k.en.lower()} is {fmt(industry)}, {rel_en} the "
                     f"shop's {fmt(level)} last month."
                     + (" The band's top is still below the industry average; raise it month by month."
                        if up and industry > high else "")}
    return {"kpi": kpi, "team_level": level, "low": low, "high": high, "agents": n, "reach_low": reach[0],
            "reach_high": reach[1], "reason": {"zh": zh, "en": en}, "industry": ind}
