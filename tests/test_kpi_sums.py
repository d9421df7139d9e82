"""KPI sums by counting (model.kpi.group_sums) equal the pandas groupby they replaced, kept here as the oracle
(chat_sums, msg_sums and kpi_table as they were), to the last bit: on a simulated shop and on random records with
missing values, optional columns, agents without chats, every period."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import taobao_scenario

from model import simulate
from model.clock import ChatStatus, Rating, hour_of_day
from model.kpi import (
    SUM_COLUMNS,
    chat_sums,
    group_sums,
    inquirers,
    kpi_table,
    msg_sums,
    period_of,
    ratios,
    three_min_basis,
)
from model.kpicodes import KPI_CODES
from model.language.kpi_options import KpiOptions


def old_in_window(t: np.ndarray, window: tuple[float, float]) -> np.ndarray:
    """True where a time (s) falls inside the daily reply window [start_h, end_h)."""
    h = hour_of_day(np.nan_to_num(t, nan=-1.0))
    return np.isfinite(t) & (h >= window[0]) & (h < window[1])


def old_chat_sums(chats: pd.DataFrame, keys: list[str], options: KpiOptions, by_agent: bool = False) -> pd.DataFrame:
    """Per-group sums of the chat-level indicators.

    For agents, orders and sales count only chats the agent actually served (an abandoner who buys anyway is
    the shop's, not the agent who later answered its empty chat).
    """
    c = chats
    inq = pd.Series(inquirers(c, options), index=c.index)
    # the columns are collected first and the frame made once: inserting ~30 columns one by one into a
    # frame costs more than summing them (pandas rebuilds its string column index at each insert)
    f: dict[str, Any] = {k: c[k] for k in keys}
    f["chats"] = 1
    taken = c["agent"] >= 0
    f["receptions"] = taken
    f["inquiries"] = inq
    f["inquiries_taken"] = inq & taken
    credit = inq & (c["status"] != ChatStatus.ABANDONED) if by_agent else inq
    f["orders"] = c["ordered"] & credit
    f["paid_buyers"] = c["paid"] & credit
    sales = np.where(credit, c["value_yuan"], 0.0)
    f["sales_yuan"] = sales
    f["sales_new_yuan"] = np.where(c["returning"], 0.0, sales)
    f["sales_returning_yuan"] = np.where(c["returning"], sales, 0.0)
    refunds = c["refunded"] & credit
    f["refunds"] = refunds
    f["refund_yuan"] = np.where(refunds, c["value_yuan"], 0.0)
    caused = c["caused_refund"] if "caused_refund" in c.columns else False
    f["caused_refund_yuan"] = np.where(refunds & caused, c["value_yuan"], 0.0)
    f["queue_wait_sum"] = c["queue_wait_s"]
    has_first = c["first_response_s"].notna()
    f["first_resp_sum"] = c["first_response_s"].fillna(0.0)
    f["first_resp_n"] = has_first
    f["replied_chats"] = has_first
    win = old_in_window(c["arrival_s"].to_numpy(), options.reply_window_h)
    f["first_window"] = win
    f["first_30s"] = win & (c["first_response_s"] <= options.thirty_s_s).to_numpy()
    f["first_3min"] = win & (c["first_response_s"] <= options.three_min_s).to_numpy()
    f["abandoned"] = c["status"] == ChatStatus.ABANDONED
    r = c["rating"]
    f["ratings"] = r != Rating.NONE
    f["satisfied"] = r == Rating.SATISFIED
    f["neutral"] = r == Rating.NEUTRAL
    f["disappointed"] = r == Rating.DISAPPOINTED
    f["bad_attitude_ratings"] = c["bad_attitude"]
    f["aftersale_chats"] = c["aftersale"] & taken
    frame = pd.DataFrame(f, index=c.index)
    return frame.groupby(keys, sort=True).sum()


def old_msg_sums(msgs: pd.DataFrame, keys: list[str], options: KpiOptions) -> pd.DataFrame:
    """Per-group sums of the message-level indicators (response times, reply windows, agent lines, typing)."""
    m = msgs
    f: dict[str, Any] = {k: m[k] for k in keys}
    resp = m["reply_s"] - m["sent_s"]
    replied = resp.notna()
    win = pd.Series(old_in_window(m["sent_s"].to_numpy(), options.reply_window_h), index=m.index)
    f["resp_sum"] = resp.fillna(0.0)
    f["resp_n"] = replied
    f["msgs_window"] = win
    f["msgs_3min"] = win & replied & (resp <= options.three_min_s)
    f["agent_lines"] = m["lines"]
    f["buyer_msgs"] = 1
    f["busy_s"] = m["type_s"]
    frame = pd.DataFrame(f, index=m.index)
    return frame.groupby(keys, sort=True).sum()


def old_kpi_table(
    chats: pd.DataFrame,
    msgs: pd.DataFrame,
    duty: pd.DataFrame,
    *,
    by_agent: bool,
    period: str | None,
    options: KpiOptions | None = None,
    reps: range | list[int] | None = None,
    three_min_basis: str = "message",
) -> pd.DataFrame:
    """KPI table for one grouping.

    Every (replication, agent, period) gets a row, also one without any chat (counts 0, ratios NaN): a
    replication with no arrivals is a replication, not a missing one.

    Args:
        chats: chat records of all replications (:data:`model.records.CHAT_COLUMNS` and outcome columns).
        msgs: buyer-message records (:data:`model.records.MSG_COLUMNS`).
        duty: on-duty seconds with columns agent, day, duty_s (the same in every replication).
        by_agent: one row per agent (else the team).
        period: None (whole horizon), "day", "week", "month" or "round4" (seed 002's weekly rounds).
        options: the platform's KPI definitions (``[kpi]``; default: the schema's defaults).
        reps: every replication id (default: those present in the records).
        three_min_basis: "message" or "round" (see :func:`ratios`; :func:`three_min_basis`).

    Returns:
        A flat DataFrame with columns rep, [agent], [period name] and every KPI code.
    """
    keys = ["rep"] + (["agent"] if by_agent else [])
    c = chats if not by_agent else chats[chats["agent"] >= 0]
    m = msgs if not by_agent else msgs[msgs["agent"] >= 0]
    days = int(duty["day"].max()) + 1 if len(duty) else 1
    if period is not None:
        c = c.assign(**{period: period_of(c["day"], period, days)})
        m = m.assign(**{period: period_of(m["day"], period, days)})
        keys = keys + [period]
    options = options or KpiOptions()
    cs = old_chat_sums(c, keys, options, by_agent=by_agent)
    ms = old_msg_sums(m, keys, options)
    s = cs.join(ms, how="outer").fillna(0)
    # on-duty time: same in every replication
    d = duty if period is None else duty.assign(**{period: period_of(duty["day"], period, days)})
    dkeys = [k for k in keys if k != "rep"]
    dsum = d.groupby(dkeys)["duty_s"].sum() if dkeys else pd.Series([duty["duty_s"].sum()])
    rep_ids = sorted(set(s.index.get_level_values("rep")) | set(reps if reps is not None else []))
    if not rep_ids:
        return pd.DataFrame(columns=keys + list(KPI_CODES))
    if dkeys:
        full = pd.concat({r: dsum for r in rep_ids}, names=["rep"])
        s = s.join(full.rename("duty_s"), how="outer").fillna(0)
    else:
        s = s.reindex(pd.Index(rep_ids, name="rep"), fill_value=0)
        s["duty_s"] = float(dsum.iloc[0]) if len(dsum) else 0.0
    s = s.reindex(columns=list(SUM_COLUMNS), fill_value=0)
    out = ratios(s, three_min_basis).reset_index()
    return out


def _bits_equal(old: pd.DataFrame, new: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(old, new, check_exact=True, check_dtype=False)  # counts: int64 now
    a, b = old.to_numpy(dtype=float), new.to_numpy(dtype=float)
    assert np.array_equal(a, b, equal_nan=True)


def _random_records(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    rng = np.random.default_rng(seed)
    reps, n_agents, days = int(rng.integers(1, 4)), int(rng.integers(1, 5)), int(rng.integers(1, 16))
    n = int(rng.integers(0, 400))
    t = np.sort(rng.uniform(0, days * 86_400.0, n))
    first = np.where(rng.random(n) < 0.2, np.nan, rng.exponential(60.0, n))
    value = np.where(rng.random(n) < 0.3, rng.gamma(2.0, 150.0, n), 0.0)
    chats = pd.DataFrame({
        "rep": rng.integers(0, reps, n).astype(np.int32), "chat": np.arange(n, dtype=np.int32),
        "day": (t // 86_400).astype(np.int32), "hour": ((t % 86_400) // 3600).astype(np.int8), "arrival_s": t,
        "aftersale": rng.random(n) < 0.2, "agent": rng.integers(-1, n_agents, n).astype(np.int32),
        "status": rng.integers(0, 3, n).astype(np.int8), "ghost": rng.random(n) < 0.05,
        "queue_wait_s": np.where(rng.random(n) < 0.05, np.nan, rng.exponential(30.0, n)),
        "first_response_s": first, "returning": rng.random(n) < 0.3, "advert": rng.random(n) < 0.1,
        "unresponsive": rng.random(n) < 0.1,
        "purchase_days_ago": np.where(rng.random(n) < 0.8, np.nan, rng.integers(0, 40, n).astype(float)),
        "ordered": value > 0, "paid": value > 0, "value_yuan": value, "refunded": rng.random(n) < 0.1,
        "rating": rng.integers(0, 4, n).astype(np.int8), "bad_attitude": rng.random(n) < 0.1,
    }).sort_values(["rep", "chat"], kind="stable").reset_index(drop=True)
    if rng.random() < 0.5:  # an optional column present in some replications only (NaN elsewhere: object)
        chats["caused_refund"] = pd.Series(rng.random(n) < 0.5, dtype=object).where(chats["rep"] == 0)
    if rng.random() < 0.5:
        chats["hidden"] = pd.Series(rng.random(n) < 0.2, dtype=object).where(chats["rep"] != 0)
    k = int(rng.integers(0, 3 * n + 1))
    chat_of = rng.integers(0, max(n, 1), k) if n else np.zeros(0, dtype=int)
    sent = (t[chat_of] if n else np.zeros(0)) + rng.exponential(100.0, k)
    msgs = pd.DataFrame({
        "rep": chats["rep"].to_numpy()[chat_of] if n else np.zeros(0, np.int32),
        "chat": chat_of.astype(np.int32), "agent": chats["agent"].to_numpy()[chat_of] if n else np.zeros(0, np.int32),
        "day": np.minimum(sent // 86_400, days - 1).astype(np.int32), "sent_s": sent,
        "reply_s": np.where(rng.random(k) < 0.15, np.nan, sent + rng.exponential(90.0, k)),
        "lines": rng.integers(0, 4, k).astype(np.int32), "type_s": rng.exponential(20.0, k),
    })
    duty = pd.DataFrame([{"agent": a, "day": d, "duty_s": float(rng.uniform(0, 30_000))}
                         for a in range(n_agents) for d in range(days)])
    return chats, msgs, duty, reps


OPTIONS = [KpiOptions(), KpiOptions(reply_window_h=(8.0, 24.0)), KpiOptions(reply_window_h=(8.0, 23.0)),
           KpiOptions(exclude_adverts=False, exclude_unresponsive=False, exclude_recent_buyers_days=None)]


@pytest.mark.parametrize("seed", range(25))
def test_kpi_tables_equal_the_pandas_groupby_on_random_records(seed):
    chats, msgs, duty, reps = _random_records(seed)
    opts = OPTIONS[seed % len(OPTIONS)]
    for by_agent in (False, True):
        for period in (None, "day", "week", "month", "round4"):
            for basis in ("message", "round"):
                kw = dict(by_agent=by_agent, period=period, options=opts, reps=range(reps), three_min_basis=basis)
                _bits_equal(old_kpi_table(chats, msgs, duty, **kw), kpi_table(chats, msgs, duty, **kw))
    keys = ["rep", "agent", "day"]
    _bits_equal(old_chat_sums(chats[chats["agent"] >= 0], keys, opts, by_agent=True),
                chat_sums(chats, keys, opts, by_agent=True, rows=chats["agent"].to_numpy() >= 0))
    _bits_equal(old_msg_sums(msgs, keys, opts), msg_sums(msgs, keys, opts))


def test_kpi_tables_equal_the_pandas_groupby_on_a_simulated_shop():
    s = taobao_scenario(**{"meta.days": 8, "meta.replications": 2, "behaviour.model": "none"})
    res = simulate(s)
    basis = three_min_basis(s.kpi, s.shop.platform)
    for by_agent in (False, True):
        for period in (None, "day", "week", "round4"):
            kw = dict(by_agent=by_agent, period=period, options=s.kpi, reps=range(res.replications),
                      three_min_basis=basis)
            _bits_equal(old_kpi_table(res.chats, res.msgs, res.duty, **kw),
                        kpi_table(res.chats, res.msgs, res.duty, **kw))


def test_group_sums_is_the_groupby_sum():
    rng = np.random.default_rng(3)
    n = 500
    f: dict[str, Any] = {"g": rng.integers(0, 7, n), "h": rng.integers(0, 3, n).astype(np.int32), "one": 1,
                         "flag": rng.random(n) < 0.4, "count": rng.integers(-5, 9, n),
                         "money": np.where(rng.random(n) < 0.1, np.nan, rng.gamma(2.0, 100.0, n)),
                         "none": False}
    index = pd.RangeIndex(n)
    for keys in (["g"], ["g", "h"], ["h", "g"]):
        _bits_equal(pd.DataFrame(f, index=index).groupby(keys, sort=True).sum(), group_sums(f, keys, index))
        rows = rng.random(n) < 0.6
        _bits_equal(pd.DataFrame(f, index=index)[rows].groupby(keys, sort=True).sum(),
                    group_sums(f, keys, index, rows))
