"""Platform KPI formulas over flat records, per team or agent, per replication and period.

Every KPI is a ratio of sums, so it is computed the same way for any grouping (team / agent x horizon / month
/ week / day). Definitions (DOMAIN.md; docs/kpi.md has the full list with sources):

* receptions 接待人数 = chats an agent took; inquiries 询单人数 = genuine pre-sale inquirers (after the reception
  filters). For the team, inquirers who were never answered count too (the platform counts everyone who
  consulted); for an agent, the inquirers it received.
* order_rate = orderers / inquirers; payment_rate = payers / orderers; inquiry_conversion = payers / inquirers;
  churn_rate = (orderers - payers) / orderers; aov_yuan = paid value / payers; sales_yuan = paid value.
* queue_wait_s = mean over all arrivals of the time before an agent takes the chat (an abandoner: until it
  left; still queued at the horizon: until the horizon).
* first_response_s = mean of (first reply - arrival) over chats with a reply; avg_response_s = mean over replied
  buyer messages of (reply - message).
* reply_rate = chats with a reply / chats; three_min_reply_rate = buyer messages sent in the reply window that
  were answered within ``three_min_s`` / buyer messages sent in the window (Douyin counts per message);
  thirty_s_reply_rate = chats whose first message (in the window) was answered within ``thirty_s_s`` (JD).
* abandon_rate = abandoned / chats; good_rating_rate = satisfied / ratings; bad_attitude_share = bad-attitude
  ratings / (neutral + disappointed) (Kuaishou); refund_rate = refunded / paid; message_ratio = agent lines /
  buyer messages; utilization = typing time / on-duty time; dsr = 1 + 4 (satisfied + neutral / 2) / ratings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from model.kpicodes import KPI_CODES

DAY_S = 86_400.0

#: The base sums every KPI is built from.
SUM_COLUMNS = [
    "chats", "receptions", "inquiries", "inquiries_taken", "orders", "paid_buyers", "sales_yuan",
    "sales_new_yuan", "sales_returning_yuan", "refunds", "refund_yuan", "queue_wait_sum", "first_resp_sum",
    "first_resp_n", "resp_sum", "resp_n", "replied_chats", "msgs_window", "msgs_3min", "first_window",
    "first_30s", "abandoned", "ratings", "satisfied", "neutral", "disappointed", "bad_attitude_ratings",
    "agent_lines", "buyer_msgs", "aftersale_chats", "busy_s", "duty_s",
]


def _div(a: pd.Series, b: pd.Series) -> pd.Series:
    a = a.astype(float)
    b = b.astype(float)
    return (a / b.where(b > 0)).astype(float)


def chat_sums(chats: pd.DataFrame, keys: list[str], by_agent: bool = False) -> pd.DataFrame:
    """Per-group sums of the chat-level indicators.

    For agents, orders and sales count only chats the agent actually served (an abandoner who buys anyway is
    the shop's, not the agent who later answered its empty chat).
    """
    c = chats
    frame = pd.DataFrame({k: c[k] for k in keys})
    frame["chats"] = 1
    frame["receptions"] = c["agent"] >= 0
    frame["inquiries"] = c["inquirer"]
    frame["inquiries_taken"] = c["inquirer"] & (c["agent"] >= 0)
    credit = c["inquirer"] & (c["status"] != 2) if by_agent else c["inquirer"]
    frame["orders"] = c["ordered"] & credit
    frame["paid_buyers"] = c["paid"] & credit
    sales = np.where(credit, c["value_yuan"], 0.0)
    frame["sales_yuan"] = sales
    frame["sales_new_yuan"] = np.where(c["returning"], 0.0, sales)
    frame["sales_returning_yuan"] = np.where(c["returning"], sales, 0.0)
    frame["refunds"] = c["refunded"] & credit
    frame["refund_yuan"] = np.where(frame["refunds"], c["value_yuan"], 0.0)
    frame["queue_wait_sum"] = c["queue_wait_s"]
    has_first = c["first_response_s"].notna()
    frame["first_resp_sum"] = c["first_response_s"].fillna(0.0)
    frame["first_resp_n"] = has_first
    frame["replied_chats"] = has_first
    frame["first_window"] = c["in_window"]
    frame["first_30s"] = c["first_30s"]
    frame["abandoned"] = c["status"] == 2
    r = c["rating"]
    frame["ratings"] = r > 0
    frame["satisfied"] = r == 1
    frame["neutral"] = r == 2
    frame["disappointed"] = r == 3
    frame["bad_attitude_ratings"] = c["bad_attitude"]
    frame["aftersale_chats"] = c["aftersale"] & (c["agent"] >= 0)
    return frame.groupby(keys, sort=True).sum()


def msg_sums(msgs: pd.DataFrame, keys: list[str], three_min_s: float) -> pd.DataFrame:
    """Per-group sums of the message-level indicators (response times, reply windows, agent lines, typing)."""
    m = msgs
    frame = pd.DataFrame({k: m[k] for k in keys})
    resp = m["reply_s"] - m["sent_s"]
    replied = resp.notna()
    frame["resp_sum"] = resp.fillna(0.0)
    frame["resp_n"] = replied
    frame["msgs_window"] = m["in_window"]
    frame["msgs_3min"] = m["in_window"] & replied & (resp <= three_min_s)
    frame["agent_lines"] = m["lines"]
    frame["buyer_msgs"] = 1
    frame["busy_s"] = m["type_s"]
    return frame.groupby(keys, sort=True).sum()


def ratios(s: pd.DataFrame) -> pd.DataFrame:
    """KPI codes from base sums (one row per group)."""
    out = pd.DataFrame(index=s.index)
    out["receptions"] = s["receptions"].astype(float)
    out["inquiries"] = s["inquiries"].astype(float)
    out["inquiry_ratio"] = _div(s["inquiries_taken"], s["receptions"])
    out["orders"] = s["orders"].astype(float)
    out["paid_buyers"] = s["paid_buyers"].astype(float)
    out["inquiry_conversion"] = _div(s["paid_buyers"], s["inquiries"])
    out["order_rate"] = _div(s["orders"], s["inquiries"])
    out["payment_rate"] = _div(s["paid_buyers"], s["orders"])
    out["churn_rate"] = _div(s["orders"] - s["paid_buyers"], s["orders"])
    out["aov_yuan"] = _div(s["sales_yuan"], s["paid_buyers"])
    out["sales_yuan"] = s["sales_yuan"].astype(float)
    out["queue_wait_s"] = _div(s["queue_wait_sum"], s["chats"])
    out["first_response_s"] = _div(s["first_resp_sum"], s["first_resp_n"])
    out["avg_response_s"] = _div(s["resp_sum"], s["resp_n"])
    out["reply_rate"] = _div(s["replied_chats"], s["chats"])
    out["three_min_reply_rate"] = _div(s["msgs_3min"], s["msgs_window"])
    out["thirty_s_reply_rate"] = _div(s["first_30s"], s["first_window"])
    out["abandon_rate"] = _div(s["abandoned"], s["chats"])
    out["good_rating_rate"] = _div(s["satisfied"], s["ratings"])
    out["bad_attitude_share"] = _div(s["bad_attitude_ratings"], s["neutral"] + s["disappointed"])
    out["refund_rate"] = _div(s["refunds"], s["paid_buyers"])
    out["message_ratio"] = _div(s["agent_lines"], s["buyer_msgs"])
    out["utilization"] = _div(s["busy_s"], s["duty_s"]).clip(upper=1.0)
    out["dsr"] = 1.0 + 4.0 * _div(s["satisfied"] + 0.5 * s["neutral"], s["ratings"])
    out["aftersale_chats"] = s["aftersale_chats"].astype(float)
    out["sales_new_yuan"] = s["sales_new_yuan"].astype(float)
    out["sales_returning_yuan"] = s["sales_returning_yuan"].astype(float)
    out["refund_yuan"] = s["refund_yuan"].astype(float)
    out["ratings"] = s["ratings"].astype(float)
    out["bad_ratings"] = (s["neutral"] + s["disappointed"]).astype(float)
    out["bad_attitude_ratings"] = s["bad_attitude_ratings"].astype(float)
    missing = set(KPI_CODES) - set(out.columns)
    assert not missing, missing
    return out


PERIOD_DAYS = {"day": 1, "week": 7, "month": 30}


def period_of(day: pd.Series | np.ndarray, period: str) -> np.ndarray:
    """Period index (0-based) of a day index: day, week (7-day blocks) or month (30-day blocks)."""
    return np.asarray(day) // PERIOD_DAYS[period]


def kpi_table(
    chats: pd.DataFrame,
    msgs: pd.DataFrame,
    duty: pd.DataFrame,
    *,
    by_agent: bool,
    period: str | None,
    three_min_s: float = 180.0,
) -> pd.DataFrame:
    """KPI table for one grouping.

    Args:
        chats: chat records of all replications (columns from :func:`model.simulate` records).
        msgs: buyer-message records.
        duty: on-duty seconds with columns agent, day, duty_s (the same in every replication).
        by_agent: one row per agent (else the team).
        period: None (whole horizon), "day", "week" or "month".
        three_min_s: threshold of the 3-minute reply rate.

    Returns:
        A flat DataFrame with columns rep, [agent], [period name] and every KPI code.
    """
    keys = ["rep"] + (["agent"] if by_agent else [])
    c = chats if not by_agent else chats[chats["agent"] >= 0]
    m = msgs if not by_agent else msgs[msgs["agent"] >= 0]
    if period is not None:
        c = c.assign(**{period: period_of(c["day"], period)})
        m = m.assign(**{period: period_of(m["day"], period)})
        keys = keys + [period]
    cs = chat_sums(c, keys, by_agent=by_agent)
    ms = msg_sums(m, keys, three_min_s)
    s = cs.join(ms, how="outer").fillna(0)
    # on-duty time: same in every replication
    d = duty if period is None else duty.assign(**{period: period_of(duty["day"], period)})
    dkeys = [k for k in keys if k != "rep"]
    dsum = d.groupby(dkeys)["duty_s"].sum() if dkeys else pd.Series([duty["duty_s"].sum()])
    reps = s.index.get_level_values("rep").unique()
    if dkeys:
        full = pd.concat({r: dsum for r in reps}, names=["rep"])
        s = s.join(full.rename("duty_s"), how="outer").fillna(0)
    else:
        s["duty_s"] = float(dsum.iloc[0])
    s = s.reindex(columns=SUM_COLUMNS, fill_value=0)
    out = ratios(s).reset_index()
    return out


def interval(values: np.ndarray, level: float = 0.95) -> dict[str, float | None]:
    """Mean and t-interval over replications (lo/hi are None with a single replication)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return {"mean": None, "lo": None, "hi": None}
    mean = float(v.mean())
    if len(v) < 2:
        return {"mean": mean, "lo": None, "hi": None}
    half = float(stats.t.ppf(0.5 + level / 2, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)))
    return {"mean": mean, "lo": mean - half, "hi": mean + half}


def summarise(team: pd.DataFrame, codes: list[str] | None = None, level: float = 0.95) -> dict[str, dict]:
    """KPI code -> {mean, lo, hi} over the replications of a one-row-per-rep team table."""
    codes = codes or [c for c in KPI_CODES if c in team.columns]
    return {c: interval(team[c].to_numpy(), level) for c in codes}
