"""Regenerate the multi-month sample (issue 14): four months of per-agent daily exports of a made-up shop whose
agents respond to each month's scheme with KNOWN behaviour parameters, simulated by the product's own model.

    .venv/bin/python samples/months/make_months.py

Writes ``shop_2026-07_10.csv`` (one UTF-8 file, 千牛-style headers, one row per agent and day, four calendar months)
and ``months.toml`` (which scheme paid each month, in the scenario's scheme language). The truth is in
:data:`TRUE`; ``python -m model calibrate samples/months/shop_2026-07_10.csv --schemes samples/months/months.toml
--out fitted.toml`` should recover it inside its intervals (tests/test_history_response.py checks a smaller copy).

How a month is made: the shop scenario (:func:`shop`) with ``meta.days`` = the month's days, its own seed, the
behaviour parameters of :data:`TRUE`; the agents' response to the month's scheme through the one comparison path
(:func:`model.pipeline.effects_for`: equilibrium efforts -> effects) and one replication of the engine with those
effects (:func:`model.pipeline.run_for`); the per-agent daily KPI table of that run is the month's export.
Deterministic: running it again rewrites the same files.
"""

from __future__ import annotations

import calendar
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from model.edits import with_edits  # noqa: E402
from model.history.months import parse_month_schemes  # noqa: E402
from model.pipeline import effects_for, run_for  # noqa: E402
from model.schema import Scenario, scenario_from_dict  # noqa: E402
from model.simulate import simulate  # noqa: E402

#: The behaviour parameters the sample's agents follow (the estimator should find these).
TRUE = {"selling_cost_yuan": 2000.0, "speed_cost_yuan": 150.0, "service_cost_yuan": 1500.0,
        "decision_noise_yuan": 20.0}
NAMES = ["小美", "阿杰", "晓晓", "大伟", "婷婷", "小雨", "阿强", "思思"]
#: Per agent: conversion factor, order-value factor, reply-time factor (made up, a spread like a real team's).
SKILL = [(1.10, 1.02, 0.9), (0.92, 0.97, 1.1), (1.02, 1.05, 1.0), (0.85, 0.95, 1.25), (1.15, 1.0, 0.8),
         (0.97, 1.03, 1.05), (1.05, 0.98, 0.95), (0.94, 1.0, 1.15)]

MONTHS_TOML = """\
# Which scheme paid each month of shop_2026-07_10.csv (the sample of issue 14). "" = base pay only.
[[schemes]]
name = "转化达标 45%"
[[schemes.components]]
type = "threshold"
kpi = "inquiry_conversion"
target = 0.45
amount_yuan = 1000

[[schemes]]
name = "响应第一 800 元"
[[schemes.components]]
type = "rank"
kpi = "avg_response_s"
direction = "lower_is_better"
prizes_yuan = [800]

[[schemes]]
name = "好评 95% + 转化 48%"
[[schemes.components]]
type = "threshold"
kpi = "good_rating_rate"
target = 0.95
amount_yuan = 600
[[schemes.components]]
type = "threshold"
kpi = "inquiry_conversion"
target = 0.48
amount_yuan = 1000

[months]
"2026-07" = ""
"2026-08" = "转化达标 45%"
"2026-09" = "响应第一 800 元"
"2026-10" = "好评 95% + 转化 48%"
"""

#: export header -> KPI table column (the headers the import reads, model/history/headers.py)
HEADERS = {"日期": "date", "客服昵称": "name", "接待人数": "receptions", "询单人数": "inquiries", "下单人数": "orders",
           "最终付款人数": "paid_buyers", "客服销售额": "sales_yuan", "平均响应时间(秒)": "avg_response_s",
           "首次响应时间(秒)": "first_response_s", "3分钟回复率": "three_min_reply_rate", "评价数": "ratings",
           "好评率": "good_rating_rate"}


def shop(names=NAMES, skill=SKILL, inquiries_per_agent: float = 90.0, behaviour: dict | None = None) -> Scenario:
    """The made-up shop: Taobao, 8:00-24:00, two shifts, agents with the given skills, agents responding."""
    n = len(names)
    return scenario_from_dict({
        "meta": {"name": "样例店 · 多月", "days": 30, "seed": 20260701, "replications": 1},
        "shop": {"name": "样例店", "platform": "taobao"},
        "traffic": {"inquiries_per_day": inquiries_per_agent * n, "intraday_profile": "ecommerce",
                    "open_hours": [8, 24]},
        "agents": {"count": n, "max_concurrent_chats": 3,
                   "reply_time": {"dist": "lognormal", "mean_s": 15.0, "cv": 0.8},
                   "reaction_latency": {"dist": "lognormal", "mean_s": 45.0, "cv": 1.0, "first_message_share": 0.3},
                   "shifts": [{"name": "早班", "start_h": 8, "end_h": 17, "agents": n - n // 2},
                              {"name": "晚班", "start_h": 15, "end_h": 24, "agents": n // 2}],
                   "individual": [{"name": a, "conversion_factor": c, "aov_factor": v, "reply_time_factor": r}
                                  for a, (c, v, r) in zip(names, skill, strict=True)]},
        "customers": {"messages_per_chat": 4, "think_time": {"dist": "exponential", "mean_s": 40.0},
                      "patience": {"dist": "exponential", "mean_s": 180.0, "silent_share": 0.5}},
        "outcomes": {"base_inquiry_conversion": 0.42, "base_aov_yuan": 100.0, "payment_rate": 0.9},
        "kpi": {"reply_window_h": [8, 24]},
        "behaviour": {"model": "effort_equilibrium", **(behaviour if behaviour is not None else TRUE)},
    }, file="<sample shop>")


def month_rows(s: Scenario, label: str, scheme, seed: int) -> pd.DataFrame:
    """One calendar month of the shop under ``scheme`` (None = base pay only) as export rows."""
    y, m = int(label[:4]), int(label[5:])
    days = calendar.monthrange(y, m)[1]
    first = dt.date(y, m, 1)
    sm = with_edits(s, {"meta.days": days, "meta.seed": seed, "meta.start_weekday": first.weekday(),
                        "meta.replications": 1}, notices=[])
    base = simulate(sm)
    effects, _ = effects_for(scheme, sm, base)
    res = run_for(sm, effects, base=base)
    t = res.table(by_agent=True, period="day")
    t = t[t["rep"] == 0].copy()
    names = dict(zip(res.agents["agent"], res.agents["name"], strict=True))
    t["name"] = t["agent"].map(names)
    t["date"] = [(first + dt.timedelta(days=int(d))).isoformat() for d in t["day"]]
    out = pd.DataFrame({h: t[c].to_numpy() for h, c in HEADERS.items()})
    for h in ("平均响应时间(秒)", "首次响应时间(秒)"):
        out[h] = np.round(out[h].astype(float), 1)
    for h in ("3分钟回复率", "好评率"):
        out[h] = [f"{v:.2%}" if np.isfinite(v) else "" for v in out[h].astype(float)]
    for h in ("接待人数", "询单人数", "下单人数", "最终付款人数", "评价数"):
        out[h] = out[h].astype(float).round().astype(int)
    out["客服销售额"] = np.round(out["客服销售额"].astype(float), 2)
    return out.sort_values(["日期", "客服昵称"], kind="stable").reset_index(drop=True)


def make(s: Scenario, months_toml: str = MONTHS_TOML, seed: int = 20260701) -> pd.DataFrame:
    """Every month of ``months_toml`` simulated under its scheme, one table."""
    import tomllib

    plan = parse_month_schemes(tomllib.loads(months_toml), "<months>")
    parts = [month_rows(s, label, scheme, seed + i) for i, (label, scheme) in enumerate(plan.items())]
    return pd.concat(parts, ignore_index=True)


def main() -> None:
    table = make(shop())
    table.to_csv(HERE / "shop_2026-07_10.csv", index=False, encoding="utf-8")
    (HERE / "months.toml").write_text(MONTHS_TOML, encoding="utf-8")
    print(f"wrote {HERE / 'shop_2026-07_10.csv'} ({len(table)} rows) and {HERE / 'months.toml'}")


if __name__ == "__main__":
    main()
