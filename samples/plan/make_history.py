"""Regenerate the planning sample: a made-up 90-day hourly KPI export with known weekly seasonality, a past
promotion event and China's National Day, plus the shop calendar that names the events.

    .venv/bin/python samples/plan/make_history.py

Deterministic (fixed seed). The true pattern (what :mod:`model.plan.forecast` must recover, tests/test_plan.py):

* 8 agents, about ``BASE`` inquiries per ordinary day for the team, 2026-08-03 .. 2026-10-31 (13 weeks less 1 day);
* weekday factors ``WEEKDAY`` (Monday..Sunday);
* ``直播大促`` (a livestream promotion) on 2026-09-18 and 2026-10-16 at ``EVENT_UPLIFT`` x;
* public holidays (Mid-autumn 2026-09-25..27, National Day 10-01..10-07, from ``chinesecalendar``) at
  ``HOLIDAY_FACTOR`` x; working weekends (调休 09-20, 10-10) at the Monday factor;
* 8:00-24:00 with an evening peak (``HOURLY``); day-to-day lognormal noise ``NOISE_CV``.

``calendar_2026-11.toml`` lists the past events without an uplift (estimated from the history) and next month's
双十一 with a stated uplift and the double11 hour profile.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import chinese_calendar
import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261101
START = dt.date(2026, 8, 3)  # a Monday
DAYS = 90
BASE = 1200.0
WEEKDAY = [0.92, 0.95, 0.95, 0.98, 1.02, 1.12, 1.06]
EVENT = "直播大促"
EVENT_DATES = [dt.date(2026, 9, 18), dt.date(2026, 10, 16)]
EVENT_UPLIFT = 2.2
HOLIDAY_FACTOR = 0.8
NOISE_CV = 0.05
NAMES = ["小美", "阿杰", "晓晓", "大伟", "婷婷", "小雨", "阿强", "思思"]
HOURLY = np.array([0] * 8 + [2.6, 4.6, 5.6, 5.4, 4.4, 5.0, 5.6, 5.6, 5.2, 4.8, 4.6, 5.4, 6.6, 7.2, 6.6, 3.8])
FILE = "history_90d_hourly.csv"


def day_factor(d: dt.date) -> float:
    """The true multiplier of a date (weekday x event x holiday)."""
    on, name = chinese_calendar.get_holiday_detail(d)
    if on and name is not None:
        f = HOLIDAY_FACTOR * WEEKDAY[d.weekday()]
    elif d.weekday() >= 5 and not on:
        f = WEEKDAY[0]
    else:
        f = WEEKDAY[d.weekday()]
    return f * (EVENT_UPLIFT if d in EVENT_DATES else 1.0)


def rows() -> list[list]:
    """The export's rows (header first)."""
    rng = np.random.default_rng(SEED)
    n = len(NAMES)
    conv = 0.40 * np.exp(rng.normal(0, 0.12, n) - 0.12**2 / 2)
    aov = 100.0 * np.exp(rng.normal(0, 0.08, n) - 0.08**2 / 2)
    resp = 30.0 * np.exp(rng.normal(0, 0.15, n))
    share = HOURLY / HOURLY.sum()
    out: list[list] = [["日期", "小时", "客服", "接待人数", "询单人数", "最终付款人数", "销售额", "平均响应(秒)"]]
    for i in range(DAYS):
        d = START + dt.timedelta(days=i)
        level = BASE * day_factor(d) * float(np.exp(rng.normal(0, NOISE_CV) - NOISE_CV**2 / 2))
        for a, name in enumerate(NAMES):
            for h in range(24):
                if share[h] == 0:
                    continue
                inq = int(rng.poisson(level / n * share[h]))
                rec = inq + int(rng.poisson(0.15 * inq))
                paid = int(rng.binomial(inq, conv[a]))
                value = float(np.sum(aov[a] * np.exp(rng.normal(0, 0.5, paid) - 0.125))) if paid else 0.0
                out.append([d.isoformat(), f"{h}:00", name, rec, inq, paid, f"{value:.2f}",
                            f"{resp[a] * float(np.exp(rng.normal(0, 0.1))):.1f}"])
    return out


CALENDAR = f"""# 店铺活动日历 Shop calendar for planning November 2026 (samples/plan/make_history.py).
# Past events without an uplift: estimated from the history. Next month's events: stated or estimated.

[[calendar.events]]
name = "{EVENT}"
start = {EVENT_DATES[0].isoformat()}

[[calendar.events]]
name = "{EVENT}"
start = {EVENT_DATES[1].isoformat()}

[[calendar.events]]
name = "{EVENT}"
start = 2026-11-20

[[calendar.events]]
name = "双十一"
start = 2026-11-11
uplift = 3.0
intraday_profile = "double11"
"""


def main() -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows())
    (HERE / FILE).write_bytes(buf.getvalue().encode("utf-8-sig"))
    (HERE / "calendar_2026-11.toml").write_text(CALENDAR, encoding="utf-8")


if __name__ == "__main__":
    main()
