"""Layer 1: KPI formulas on hand-built records (DOMAIN.md definitions), and the reception filters of seed 002
through a simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import taobao_scenario

from model import simulate
from model.edits import with_edits as with_changes
from model.kpi import in_window, interval, kpi_table
from model.language.kpi_options import KpiOptions
from model.records import validate_frames

nan = float("nan")
OPTS = KpiOptions(reply_window_h=(0.0, 0.5))  # the hand-made records' reply window: the first half hour


def _frames():
    # 6 chats, 1 replication, day 0. Agents 0 and 1; chat 4 abandoned unanswered; chat 5 is an advert.
    # The frames follow the records contract (model/records.py); the KPI options decide inquirers and windows.
    chats = pd.DataFrame({
        "rep": np.int32(0), "chat": np.arange(6, dtype=np.int32), "day": np.int32(0), "hour": np.int8(0),
        "arrival_s":      [0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        "agent":          np.array([0, 0, 1, 1, -1, 1], dtype=np.int32),
        "status":         np.array([1, 1, 1, 1, 2, 1], dtype=np.int8),
        "ghost":          [False] * 6,
        "advert":         [False] * 5 + [True],
        "unresponsive":   [False] * 6,
        "purchase_days_ago": [nan] * 6,
        "ordered":        [True, True, False, True, False, False],
        "paid":           [True, False, False, True, False, False],
        "value_yuan":     [100.0, 0.0, 0.0, 300.0, 0.0, 0.0],
        "refunded":       [False, False, False, True, False, False],
        "caused_refund":  [False, False, False, True, False, False],
        "returning":      [False, False, False, True, False, False],
        "rating":         np.array([1, 2, 3, 0, 0, 3], dtype=np.int8),  # 1 satisfied, 2 neutral, 3 disappointed
        "bad_attitude":   [False, True, False, False, False, True],
        "queue_wait_s":   [0.0, 10.0, 20.0, 30.0, 60.0, 0.0],
        "first_response_s": [5.0, 15.0, 40.0, 100.0, nan, 20.0],  # within 30 s: chats 0, 1, 5
        "aftersale":      [False] * 6,
        "attributed":     [True, False, False, True, False, False],
    })
    msgs = pd.DataFrame({
        "rep": np.int32(0), "chat": np.array([0, 1, 2, 3, 3], dtype=np.int32), "day": np.int32(0),
        "agent":     np.array([0, 0, 1, 1, 1], dtype=np.int32),
        "sent_s":    [0.0, 10.0, 20.0, 30.0, 3000.0],      # the last one outside the 0-0.5 h reply window
        "reply_s":   [100.0, 200.0, nan, 210.0, 3001.0],   # waits 100, 190, -, 180 (= threshold), 1
        "lines":     np.array([2, 1, 0, 1, 3], dtype=np.int32),
        "type_s":    [10.0, 20.0, 0.0, 30.0, 40.0],
    })
    validate_frames(chats, msgs)
    duty = pd.DataFrame({"agent": [0, 1], "day": [0, 0], "duty_s": [100.0, 300.0]})
    return chats, msgs, duty


def test_team_kpis_exact():
    t = kpi_table(*_frames(), by_agent=False, period=None, options=OPTS).iloc[0]
    assert t["inquiries"] == 5 and t["receptions"] == 5
    assert t["orders"] == 3 and t["paid_buyers"] == 2
    assert t["order_rate"] == pytest.approx(3 / 5)          # orderers / inquirers
    assert t["payment_rate"] == pytest.approx(2 / 3)        # payers / orderers
    assert t["inquiry_conversion"] == pytest.approx(2 / 5)  # payers / inquirers
    assert t["churn_rate"] == pytest.approx(1 / 3)
    assert t["aov_yuan"] == pytest.approx(200.0) and t["sales_yuan"] == pytest.approx(400.0)
    assert t["sales_returning_yuan"] == pytest.approx(300.0) and t["sales_new_yuan"] == pytest.approx(100.0)
    assert t["refund_rate"] == pytest.approx(1 / 2)
    assert t["inquiry_ratio"] == pytest.approx(4 / 5)       # inquirers taken / receptions
    assert t["abandon_rate"] == pytest.approx(1 / 6)
    assert t["queue_wait_s"] == pytest.approx(120 / 6)      # mean over all arrivals
    assert t["first_response_s"] == pytest.approx(180 / 5)  # over chats with a reply
    assert t["reply_rate"] == pytest.approx(5 / 6)
    # ratings: satisfied 1, neutral 1, disappointed 2 (advert's included: ratings are per chat)
    assert t["good_rating_rate"] == pytest.approx(1 / 4)
    assert t["bad_attitude_share"] == pytest.approx(2 / 3)  # attitude / (neutral + disappointed)
    assert t["dsr"] == pytest.approx(1 + 4 * (1 + 0.5) / 4)
    # 3-minute rate per buyer message in the window: 100 and 180 (<= 180) yes, 190 and unanswered no
    assert t["three_min_reply_rate"] == pytest.approx(2 / 4)
    assert t["thirty_s_reply_rate"] == pytest.approx(3 / 6)
    assert t["avg_response_s"] == pytest.approx((100 + 190 + 180 + 1) / 4)
    assert t["message_ratio"] == pytest.approx(7 / 5)       # agent lines / buyer messages
    assert t["utilization"] == pytest.approx(100 / 400)     # typing / on-duty


def test_agent_kpis_exact():
    t = kpi_table(*_frames(), by_agent=True, period=None, options=OPTS).set_index("agent")
    assert list(t.index) == [0, 1]
    a0, a1 = t.loc[0], t.loc[1]
    assert a0["inquiries"] == 2 and a0["order_rate"] == pytest.approx(1.0)
    assert a0["payment_rate"] == pytest.approx(0.5) and a0["inquiry_conversion"] == pytest.approx(0.5)
    assert a1["inquiries"] == 2 and a1["receptions"] == 3
    assert a1["inquiry_conversion"] == pytest.approx(0.5) and a1["aov_yuan"] == pytest.approx(300.0)
    assert a0["utilization"] == pytest.approx(30 / 100) and a1["utilization"] == pytest.approx(70 / 300)
    assert a1["three_min_reply_rate"] == pytest.approx(1 / 2)
    assert a0["bad_attitude_share"] == pytest.approx(1.0) and a1["bad_attitude_share"] == pytest.approx(1 / 2)


def test_periods_split_sums_not_means():
    chats, msgs, duty = _frames()
    chats.loc[3:, "day"] = 8  # week 1
    msgs.loc[3:, "day"] = 8
    duty = pd.concat([duty, duty.assign(day=8)], ignore_index=True)
    w = kpi_table(chats, msgs, duty, by_agent=False, period="week", options=OPTS).set_index("week")
    assert w.loc[0, "inquiries"] == 3 and w.loc[1, "inquiries"] == 2
    assert w.loc[0, "inquiry_conversion"] == pytest.approx(1 / 3)
    assert w.loc[1, "inquiry_conversion"] == pytest.approx(1 / 2)
    assert w.loc[0, "payment_rate"] == pytest.approx(1 / 2)


def test_empty_denominators_are_missing_not_zero():
    chats, msgs, duty = _frames()
    chats["ordered"] = False
    chats["paid"] = False
    t = kpi_table(chats, msgs, duty, by_agent=False, period=None, options=OPTS).iloc[0]
    assert np.isnan(t["payment_rate"]) and np.isnan(t["aov_yuan"])
    assert t["order_rate"] == 0.0


def test_reply_window():
    t = np.array([7.99, 8.0, 12.0, 23.99, 24.0 + 7.0, 24 + 8.5, nan]) * 3600
    np.testing.assert_array_equal(in_window(t, (8.0, 24.0)), [False, True, True, True, False, True, False])


def test_interval_is_a_t_interval():
    ci = interval(np.array([1.0, 2.0, 3.0]))
    assert ci["mean"] == 2.0
    assert ci["hi"] - 2.0 == pytest.approx(4.302652729911275 * 1.0 / np.sqrt(3))
    assert interval(np.array([5.0]))["lo"] is None


# ----------------------------------------------------------------------- on a simulation (common numbers)
@pytest.fixture(scope="module")
def filtered():
    base = {"meta.days": 2, "meta.replications": 1, "customers.advert_share": 0.1,
            "customers.unresponsive_share": 0.1, "customers.recent_buyer_share": 0.1,
            "customers.recent_buyer_days": 7, "traffic.aftersale_per_day": 200}
    on = simulate(taobao_scenario(**base))
    off = simulate(taobao_scenario(**base, **{"kpi.exclude_adverts": False, "kpi.exclude_unresponsive": False,
                                             "kpi.exclude_recent_buyers_days": None}))
    short = simulate(taobao_scenario(**base, **{"kpi.exclude_recent_buyers_days": 3}))
    return on, off, short


def test_reception_filters_of_seed_002(filtered):
    on, off, short = filtered
    c = on.chats
    pre = ~c["aftersale"]
    recent = c["purchase_days_ago"].notna()
    assert c["advert"].sum() > 20 and c["unresponsive"].sum() > 20 and recent.sum() > 20
    assert (c.loc[recent, "purchase_days_ago"] == 7).all()
    genuine = pre & ~c["advert"] & ~c["unresponsive"] & ~recent
    assert on.table()["inquiries"].iloc[0] == genuine.sum()
    # filters off: every pre-sale chat is an inquirer (same random numbers, so the difference is exact)
    assert off.table()["inquiries"].iloc[0] == pre.sum()
    # recent buyers bought 7 days ago; a 3-day rule does not exclude them
    assert short.table()["inquiries"].iloc[0] == (pre & ~c["advert"] & ~c["unresponsive"]).sum()
    # unresponsive buyers and adverts send one message only
    n_by_chat = on.msgs.groupby("chat").size()
    assert (n_by_chat[c.loc[c["unresponsive"] | c["advert"], "chat"]] == 1).all()


def test_reply_window_filtering_on_a_simulation():
    # 8-24 window with 24 h traffic: night messages are not counted in the 3-minute rate
    s = taobao_scenario(**{"meta.days": 1, "meta.replications": 1, "traffic.open_hours": [0, 24],
                           "agents.shifts": [], "kpi.reply_window_h": [8, 24]})
    res = simulate(s)
    m = res.msgs
    hour = (m["sent_s"] % 86_400) // 3600
    win = in_window(m["sent_s"].to_numpy(), s.kpi.reply_window_h)
    assert (win == (hour >= 8)).all()
    assert (~win).sum() > 0
    t = res.table().iloc[0]
    # Taobao counts per round: the first question of each chat in the window, answered within 3 minutes
    c = res.chats
    cw = c[in_window(c["arrival_s"].to_numpy(), s.kpi.reply_window_h)]
    assert t["three_min_reply_rate"] == pytest.approx((cw["first_response_s"] <= 180).sum() / len(cw))
    # per buyer message (Douyin's definition) with kpi.three_min_basis = "message"
    msg = simulate(with_changes(s, {"kpi.three_min_basis": "message"}))
    inw = m[win]
    ok = ((inw["reply_s"] - inw["sent_s"]) <= 180).sum()
    assert msg.table()["three_min_reply_rate"].iloc[0] == pytest.approx(ok / len(inw))
