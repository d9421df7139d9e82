"""Warnings a manager understands, for the CLI, the run JSON (``warnings``) and the app.

Each warning is ``{"code", "zh", "en", "detail"}``: a stable code, one sentence in each language and a small dict
of the numbers behind it. :func:`run_warnings` is a pure function of the scenario and the document (the run
document of ``python -m model run`` or the app's comparison document), so the CLI and both app pages show the
same warnings. The checks and their thresholds are documented in docs/model.md ("Warnings").
"""

from __future__ import annotations

from typing import Any

from model.kpi import MIN_REPLICATIONS
from model.kpicodes import KPI_CODES
from model.platform_rules import plan_day, rules_for
from model.schema import Scenario, profile_weights

#: Seed 004: about 280-300 receptions per agent per day (pre- and after-sale) is normal ...
WORKLOAD_NORMAL_MAX = 300.0
#: ... and 800 a day is not credible outside promotions such as Double 11 (928 in 16 h is "not a machine").
WORKLOAD_NOT_CREDIBLE = 800.0
#: Resolution of the staffing check (hours).
_STEP_H = 0.25

PLATFORM_ZH = {"taobao": "淘宝", "tmall": "天猫", "douyin": "抖音", "kuaishou": "快手", "jd": "京东", "pdd": "拼多多",
               "other": "其他"}
PLATFORM_EN = {"taobao": "Taobao", "tmall": "Tmall", "douyin": "Douyin", "kuaishou": "Kuaishou", "jd": "JD",
               "pdd": "Pinduoduo", "other": "other"}


def _w(code: str, zh: str, en: str, **detail: Any) -> dict[str, Any]:
    return {"code": code, "zh": zh, "en": en, "detail": detail}


def _hh(h: float) -> str:
    return f"{int(h):d}:{int(round((h % 1) * 60)):02d}"


def _within(h: float, a: float, b: float) -> bool:
    """``h`` in the daily span [a, b) (b below a: across midnight)."""
    return a <= h < b if a < b else (h >= a or h < b)


def unstaffed_hours(s: Scenario) -> list[tuple[float, float]]:
    """Hours of the day in which chats arrive but no shift has an agent on duty, as [start_h, end_h) spans.

    Chats arrive inside ``traffic.open_hours`` in hours whose profile weight (pre- or after-sale) is above 0. A
    shift on its break (``break_start_h``, ``break_h``) staffs nothing then, unless its breaks are staggered
    (``break_stagger_h``) and some of its agents are not on break.
    Without shifts everyone works the open hours, so nothing is unstaffed; a shift with 0 agents (one agent
    spread over two shifts leaves one of them empty) staffs nothing.
    """
    if not s.agents.shifts:
        return []
    t = s.traffic
    weights = profile_weights(t.intraday_profile)
    if t.aftersale_per_day > 0 and t.aftersale_profile is not None:
        after = profile_weights(t.aftersale_profile)
        weights = [max(a, b) for a, b in zip(weights, after, strict=True)]
    for p in t.promo_days:
        if p.intraday_profile is not None:
            weights = [max(a, b) for a, b in zip(weights, profile_weights(p.intraday_profile), strict=True)]
    spans: list[tuple[float, float]] = []
    n = int(round(24 / _STEP_H))
    start: float | None = None
    for i in range(n + 1):
        h = i * _STEP_H
        gap = False
        if i < n:
            arrives = t.open_hours[0] <= h < t.open_hours[1] and weights[int(h)] > 0
            staffed = any(_within(h, sh.start_h, sh.end_h)  # a shift of 0 agents staffs nothing, nor one all on
                          and sh.agents - sum(n for a, b, n in sh.break_spans() if _within(h, a, b)) > 0  # break
                          for sh in s.agents.shifts)
            gap = arrives and not staffed
        if gap and start is None:
            start = h
        elif not gap and start is not None:
            spans.append((start, h))
            start = None
    return spans


def _team_blocks(doc: dict[str, Any]) -> list[tuple[str | None, dict[str, Any]]]:
    """(scheme name or None, team KPIs) for the run document (team) or every scheme of a comparison."""
    if doc.get("team"):
        return [(None, doc["team"])]
    return [(name, b.get("team") or {}) for name, b in (doc.get("schemes") or {}).items()]


def _fmt(code: str, v: float) -> str:
    unit = KPI_CODES[code].unit
    return f"{100 * v:.1f}%" if unit == "share" else f"{v:.3g}"


def run_warnings(s: Scenario, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The warnings of a run.

    Args:
        s: the scenario that was run (replications and days as run).
        doc: the run document (``team``, ``counts``, ``replication_arrivals``) or a comparison document
            (``schemes`` with their ``team`` and ``economics``).

    Returns:
        A list of ``{"code", "zh", "en", "detail"}``, most important first. Codes: ``unstaffed_hours``,
        ``zero_arrivals``, ``platform_rule``, ``workload_high``, ``workload_not_credible``,
        ``too_few_replications``, ``prorated``, ``interval_clipped``.
    """
    out: list[dict[str, Any]] = []
    reps = int((doc.get("scenario") or {}).get("replications") or s.meta.replications)
    days = s.meta.days

    gaps = unstaffed_hours(s)
    if gaps:
        spans = ", ".join(f"{_hh(a)}-{_hh(b)}" for a, b in gaps)
        out.append(_w("unstaffed_hours",
                      f"排班没有覆盖营业时间 {spans}：这段时间进线的买家无人接待，等待和首次响应时间会非常长。"
                      "请增加班次或调整营业时间。",
                      f"The shifts leave open hours unstaffed ({spans}): buyers arriving then wait for the next "
                      "shift, so waits and first responses become very long. Add a shift or change the open hours.",
                      spans=[[a, b] for a, b in gaps]))

    arrivals = doc.get("replication_arrivals")
    empty = [i for i, n in enumerate(arrivals or []) if n == 0]
    if empty:
        out.append(_w("zero_arrivals",
                      f"{len(empty)} 次重复中没有任何咨询：没有分母的指标（转化率、响应时间等）显示为 —，计数为 0。",
                      f"{len(empty)} replication(s) had no chats at all: KPIs without a denominator (conversion, "
                      "response times, ...) show as —; counts are 0.",
                      replications=empty))

    platform = s.shop.platform
    for rule in rules_for(platform, plan_day(s.meta.plan)):  # a planned month: the pack in force on its dates
        bad = []
        for name, team in _team_blocks(doc):
            v = (team.get(rule.kpi) or {}).get("mean")
            if rule.met(v) is False:
                bad.append((name, v))
        if bad:
            k = KPI_CODES[rule.kpi]
            sign = "≥" if rule.side == "min" else "≤"
            vals = ", ".join((f"{n}: " if n else "") + _fmt(rule.kpi, v) for n, v in bad)
            out.append(_w("platform_rule",
                          f"{PLATFORM_ZH.get(platform, platform)}要求{k.zh} {sign} {_fmt(rule.kpi, rule.value)}，"
                          f"模拟结果为 {vals}：未达标。",
                          f"{PLATFORM_EN.get(platform, platform)} requires {k.en.lower()} {sign} "
                          f"{_fmt(rule.kpi, rule.value)}; the run gives {vals}: the line is breached.",
                          kpi=rule.kpi, rule=rule.value, side=rule.side,
                          values={(n or "team"): v for n, v in bad}))

    blocks = _team_blocks(doc)
    rec = (blocks[0][1].get("receptions") or {}).get("mean") if blocks else None
    if rec is not None and s.agents.count and days:
        per = rec / s.agents.count / days
        promo = bool(s.traffic.promo_days)
        if per >= WORKLOAD_NOT_CREDIBLE:
            out.append(_w("workload_not_credible",
                          f"每名客服每天接待约 {per:.0f} 人：日常 280-300 人算正常，800 人以上只在大促（如双十一）时"
                          "可信（种子 004）。请检查咨询量和客服人数。",
                          f"About {per:.0f} receptions per agent per day: 280-300 is normal and 800 or more is "
                          "credible only in promotions such as Double 11 (seed 004). Check traffic and headcount.",
                          receptions_per_agent_day=per, promotions=promo))
        elif per > WORKLOAD_NORMAL_MAX:
            out.append(_w("workload_high",
                          f"每名客服每天接待约 {per:.0f} 人，高于日常 280-300 人的正常范围（种子 004）。",
                          f"About {per:.0f} receptions per agent per day, above the normal 280-300 (seed 004).",
                          receptions_per_agent_day=per, promotions=promo))

    if reps < MIN_REPLICATIONS:
        out.append(_w("too_few_replications",
                      f"只有 {reps} 次重复：区间很宽且不可靠（2 次重复的 95% 区间宽达 ±12.7 个标准误）。"
                      f"给老板看的数字请至少用 {MIN_REPLICATIONS} 次重复。",
                      f"Only {reps} replication(s): intervals are wide and unreliable (with 2 a 95% interval "
                      f"spans ±12.7 standard errors). Use at least {MIN_REPLICATIONS} for numbers you present.",
                      replications=reps, minimum=MIN_REPLICATIONS))

    if s.schemes and days % 30 != 0:
        out.append(_w("prorated",
                      f"模拟期为 {days} 天：方案中按月的金额、任务和奖池已按 {days}/30 折算（按周的金额按周数折算），"
                      "成本和收益可以直接比较。",
                      f"The horizon is {days} day(s): monthly amounts, tasks and pools in the schemes are prorated "
                      f"by {days}/30 (weekly amounts by the number of weeks), so cost and gain compare.",
                      days=days, factor=days / 30))

    clipped = sorted({code for _, team in blocks for code, iv in team.items()
                      if isinstance(iv, dict) and iv.get("note") == "clipped"}
                     | {code for b in (doc.get("schemes") or {}).values()
                        for code, iv in (b.get("economics") or {}).items()
                        if isinstance(iv, dict) and iv.get("note") == "clipped"})
    if clipped:
        out.append(_w("interval_clipped",
                      "部分区间超出了数值可能的范围（如比率超过 100%、等待时间小于 0），已截到可能的范围内："
                      "这说明重复次数太少或数值接近边界。",
                      "Some intervals reached outside what is possible (a share above 100%, a wait below 0) and "
                      "were cut at the bound: too few replications or a value near its limit.",
                      codes=clipped))
    return out
