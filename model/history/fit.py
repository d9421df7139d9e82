"""The fit report: a calibrated scenario simulated against the historical KPIs, per agent and team, with intervals."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from model.edits import with_edits
from model.history.sums import available_codes, kpis
from model.history.validate import History
from model.kpi import interval
from model.schema import Scenario

#: KPIs the fit report compares (when the export has them); counts are compared per day.
FIT_CODES = ("inquiries", "paid_buyers", "sales_yuan", "inquiry_conversion", "aov_yuan", "avg_response_s",
             "first_response_s", "three_min_reply_rate", "reply_rate", "good_rating_rate")
PER_DAY = ("inquiries", "paid_buyers", "sales_yuan", "receptions")



# ---------------------------------------------------------------------------------------------- fit report
def fit_report(s: Scenario, h: History, *, replications: int = 3, days: int | None = None,
               level: float = 0.95) -> dict[str, pd.DataFrame]:
    """Simulated against historical KPIs, per agent and team.

    The interval is a prediction interval for one month like the history, mean +- t * sd * sqrt(1 + 1/n)
    over the replications (the history is one realisation, not a mean); counts and sales are compared per day.

    Args:
        s: the (calibrated) scenario; agents are matched to the history's agents by position (the calibrated
            scenario lists them in the export's order).
        h: the history.
        replications: replications simulated.
        days: days simulated (default: the scenario's).
        level: interval level.

    Returns:
        ``{"team": frame, "agents": frame}`` with columns [agent, name,] code, history, sim_mean, lo, hi, match.
    """
    from model.simulate import simulate

    run = with_edits(s, {"meta.replications": int(replications), **({"meta.days": int(days)} if days else {})},
                     notices=[])
    res = simulate(run)
    sim_days = run.meta.days
    avail = available_codes(h)
    codes = [c for c in FIT_CODES if c in avail]
    hist_team = kpis(h, []).iloc[0]
    team_sim = res.table()
    rows = [_fit_row(c, hist_team[c], team_sim[c].to_numpy(float), h.days, sim_days, level) for c in codes]
    team = pd.DataFrame(rows)
    hk = kpis(h, ["agent"]).set_index("agent")
    sa = res.table(by_agent=True)
    arows = []
    for i, name in enumerate(h.agents):
        sim_a = sa[sa["agent"] == i]
        for c in codes:
            r = _fit_row(c, hk.at[name, c], sim_a[c].to_numpy(float), h.days, sim_days, level)
            arows.append({"agent": i, "name": name, **r})
    return {"team": team, "agents": pd.DataFrame(arows)}


def _fit_row(code: str, hist: float, sim: np.ndarray, hist_days: int, sim_days: int, level: float) -> dict[str, Any]:
    per_day = code in PER_DAY
    hv = float(hist) / hist_days if per_day else float(hist)
    sv = sim / sim_days if per_day else sim
    sv = sv[np.isfinite(sv)]
    iv = interval(sv, level)
    lo = hi = None
    if iv["lo"] is not None:
        half = (iv["hi"] - iv["mean"]) * math.sqrt(len(sv) + 1)  # sd/sqrt(n) -> sd*sqrt(1+1/n)
        lo, hi = iv["mean"] - half, iv["mean"] + half
    match = None if lo is None or not np.isfinite(hv) else bool(lo <= hv <= hi)
    return {"code": code, "per_day": per_day, "history": hv if np.isfinite(hv) else None, "sim_mean": iv["mean"],
            "lo": lo, "hi": hi, "match": match}
