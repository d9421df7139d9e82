"""The month's volume interval (issue 15 leftover): how often the 80% interval of next month's total holds the
month that comes, on made-up histories whose level wanders (a random walk: a shock lasts), for the simulated
interval (correlated days, :func:`model.plan.forecast.month_interval`) against the two naive sums (every day at
its own interval end; independent days); and its cost as a ratio to the rest of the forecast, in the same run.

``python -m bench plan_month [--quick]`` (--quick: 12 histories instead of 40). Not a timing budget: a
coverage figure, with the time ratio for information.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

import numpy as np
import pandas as pd

from bench.common import write_result

WEEK = np.array([1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.25])


def _path(rng: np.random.Generator, days: int, walk: float) -> np.ndarray:
    d = [dt.date(2026, 7, 1) + dt.timedelta(days=i) for i in range(days)]
    level = np.log(400) + np.cumsum(rng.normal(0, walk, days))
    return np.exp(level + np.log(WEEK[[x.weekday() for x in d]]) + rng.normal(0, 0.05, days))


def run(quick: bool = False, repeat: int | None = None) -> dict[str, Any]:
    from model.plan import forecast as F

    n = 12 if quick else 40
    hist_days, month = 84, 30
    rows: dict[str, list[bool]] = {"simulated": [], "days_summed": [], "independent": []}
    t_month = t_all = 0.0
    orig = F.month_interval

    def timed(*a: Any, **k: Any) -> Any:
        nonlocal t_month
        t0 = time.perf_counter()
        out = orig(*a, **k)
        t_month += time.perf_counter() - t0
        return out

    F.month_interval = timed
    try:
        for i in range(n):
            rng = np.random.default_rng(1000 + i)
            v = _path(rng, hist_days + month, 0.03)
            dates = [dt.date(2026, 7, 1) + dt.timedelta(days=j) for j in range(hist_days + month)]
            s = pd.Series(v[:hist_days], index=dates[:hist_days])
            t0 = time.perf_counter()
            fc = F.forecast(s, dates[hist_days:], backtest_days=0)
            t_all += time.perf_counter() - t0
            truth = float(v[hist_days:].sum())
            m = fc.month
            rows["simulated"].append(m["lo"] <= truth <= m["hi"])
            rows["days_summed"].append(m["days_summed"][0] <= truth <= m["days_summed"][1])
            rows["independent"].append(m["independent"][0] <= truth <= m["independent"][1])
    finally:
        F.month_interval = orig
    cover = {k: float(np.mean(v)) for k, v in rows.items()}
    ratio = t_month / max(t_all - t_month, 1e-9)
    print(f"== The month's 80% volume interval on {n} made-up histories ({hist_days} days, level a random walk "
          f"sd 0.03/day), load average {os.getloadavg()[0]:.1f}")
    for k, c in cover.items():
        print(f"  {k:<12} held the month's total in {c:.0%} of histories ({sum(rows[k])}/{n})")
    print(f"  cost: the simulated month / the rest of the forecast = {ratio:.2f}x")
    write_result("plan_month", {"quick": quick, "histories": n, "coverage": cover, "time_ratio": ratio})
    return {"coverage": cover, "time_ratio": ratio}
