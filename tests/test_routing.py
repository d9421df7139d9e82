"""The engine's per-agent caps, role-aware routing and reaction latency (hand-checkable cases first, then
through the whole pipeline)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import INF, engine_input, taobao_scenario

from model import simulate
from model.chatcentre import ABANDONED, ANSWERED, run
from model.effects import Effects
from model.errors import ScenarioError

ROLES4 = [{"name": "售前1", "role": "presale"}, {"name": "售前2", "role": "presale"},
          {"name": "售后", "role": "aftersale"}, {"name": "全能", "role": "both"}]


# ---------------------------------------------------------------------------------------------- routing
def test_an_after_sale_chat_waits_for_an_after_sale_agent():
    # agent 0 (pre-sale) is free all along; agent 1 (after-sale) starts its shift at 100: the after-sale chat
    # arriving at 0 queues until 100, the pre-sale chat at 10 is taken at once by agent 0
    inp = engine_input([0.0, 10.0], n_agents=2, reply=5.0, duty=[[(0.0, 1000.0)], [(100.0, 1000.0)]],
                       horizon_s=1000.0)
    inp.aftersale = np.array([True, False])
    inp.agent_role = ["presale", "aftersale"]
    rec = run(inp)
    assert rec.chat_agent.tolist() == [1, 0]
    assert rec.chat_assign_s.tolist() == [100.0, 10.0]
    assert rec.chat_first_reply_s.tolist() == [105.0, 15.0]


def test_a_both_agent_takes_the_oldest_chat_it_may_serve():
    # one 'both' agent busy until 10 (cap 1); a pre-sale chat at 1, an after-sale at 2: served in arrival order
    inp = engine_input([0.0, 1.0, 2.0], n_agents=1, reply=10.0)
    inp.aftersale = np.array([False, False, True])
    rec = run(inp)
    assert rec.chat_assign_s.tolist() == [0.0, 10.0, 20.0]


@pytest.fixture(scope="module")
def role_run():
    s = taobao_scenario(**{"meta.days": 2, "meta.replications": 1, "agents.count": 4, "agents.shifts": [],
                           "agents.individual": ROLES4, "traffic.inquiries_per_day": 400,
                           "traffic.aftersale_per_day": 200})
    return simulate(s)


def test_pre_sale_agents_never_serve_after_sale_chats(role_run):
    c = role_run.chats[role_run.chats["agent"] >= 0]
    after = c[c["aftersale"]]
    pre = c[~c["aftersale"]]
    assert len(after) > 100 and len(pre) > 200
    assert set(after["agent"]) <= {2, 3}
    assert set(pre["agent"]) <= {0, 1, 3}
    assert set(pre["agent"]) >= {0, 1} and 2 in set(after["agent"])


def test_a_shop_without_after_sale_agents_refuses_after_sale_traffic():
    presale_only = [{"role": "presale"}] * 2
    with pytest.raises(ScenarioError) as e:
        taobao_scenario(**{"agents.count": 2, "agents.shifts": [], "agents.individual": presale_only,
                           "traffic.aftersale_per_day": 50})
    msg = str(e.value)
    assert "agents.individual" in msg and "traffic.aftersale_per_day" in msg and "aftersale" in msg
    # an unlisted agent takes both kinds: then the traffic is allowed
    taobao_scenario(**{"agents.count": 3, "agents.shifts": [], "agents.individual": presale_only,
                       "traffic.aftersale_per_day": 50})


# --------------------------------------------------------------------------------------------- per-agent caps
def test_each_agent_keeps_its_own_cap():
    # 8 chats at once, two agents with caps 1 and 3, long replies: agent 0 holds 1 chat, agent 1 holds 3,
    # the other 4 queue
    inp = engine_input([0.0] * 8, n_agents=2, cap=3, reply=100.0, horizon_s=50.0)
    inp.cap = np.array([1, 3])
    rec = run(inp)
    taken = rec.chat_agent[np.isfinite(rec.chat_assign_s)]
    assert (taken == 0).sum() == 1 and (taken == 1).sum() == 3
    assert (rec.chat_agent == -1).sum() == 4


def test_individual_caps_reach_the_engine():
    ind = [{"max_concurrent_chats": 1}, {"max_concurrent_chats": 5}]
    s = taobao_scenario(**{"meta.days": 1, "meta.replications": 1, "agents.count": 2, "agents.shifts": [],
                           "agents.individual": ind, "traffic.inquiries_per_day": 3000})
    res = simulate(s)
    assert res.agents["max_concurrent_chats"].tolist() == [1, 5]
    c = res.chats[res.chats["agent"] >= 0]
    # agent 1 (cap 5) takes many more chats than agent 0 (cap 1) on this overloaded day
    n = c.groupby("agent").size()
    assert n[1] > 2 * n[0]


# ----------------------------------------------------------------------------------------- reaction latency
def test_latency_delays_the_reply_but_not_the_typist():
    # one agent, cap 2, latency 5 s: chat 0's message is noticed at 5 and typed 5-15; chat 1 (t=1) is noticed at 6,
    # waits for the typist (busy until 15) and is typed 15-25
    inp = engine_input([0.0, 1.0], cap=2, reply=10.0)
    inp.latency_unit = np.ones(2)
    inp.agent_latency_s = np.array([5.0])
    rec = run(inp)
    assert rec.chat_first_reply_s.tolist() == [15.0, 25.0]
    np.testing.assert_allclose(rec.agent_busy_s, [20.0])


def test_patience_runs_during_the_latency():
    # patience 3 s, latency 5 s: the buyer leaves at 3 before the agent noticed the message; the slot is freed
    inp = engine_input([0.0, 4.0], reply=10.0, patience=[3.0, INF])
    inp.latency_unit = np.ones(2)
    inp.agent_latency_s = np.array([5.0])
    rec = run(inp)
    assert rec.chat_status.tolist() == [ABANDONED, ANSWERED]
    assert rec.chat_left_s[0] == 3.0 and rec.chat_assign_s[1] == 4.0


LIGHT = {"meta.days": 2, "meta.replications": 2, "traffic.inquiries_per_day": 150, "agents.count": 10,
         "agents.shifts": [], "traffic.open_hours": [0, 24],
         "agents.reaction_latency": {"dist": "exponential", "mean_s": 0.0}}  # the shipped shop has latency


def test_latency_mean_zero_gives_todays_records_exactly():
    today = simulate(taobao_scenario(**LIGHT))
    zero = simulate(taobao_scenario(**{**LIGHT, "agents.reaction_latency": {"dist": "lognormal", "mean_s": 0.0,
                                                                             "cv": 0.5},
                                       "agents.skill.reaction_latency_cv": 0.4}))
    pd.testing.assert_frame_equal(today.chats, zero.chats)
    pd.testing.assert_frame_equal(today.msgs, zero.msgs)


@pytest.mark.parametrize("dist", ["constant", "exponential"])
def test_latency_raises_the_average_response_by_about_its_mean(dist):
    latency = 30.0
    base = simulate(taobao_scenario(**LIGHT))
    slow = simulate(taobao_scenario(**{**LIGHT, "agents.reaction_latency": {"dist": dist, "mean_s": latency}}))
    rise = (slow.table()["avg_response_s"] - base.table()["avg_response_s"]).to_numpy()
    assert np.all((0.85 * latency < rise) & (rise < 1.15 * latency)), rise
    # same arrivals (common random numbers), and the latency effect multiplies it per agent
    assert slow.counts()["arrived"] == base.counts()["arrived"]
    faster = simulate(taobao_scenario(**{**LIGHT, "agents.reaction_latency": {"dist": dist, "mean_s": latency}}),
                      effects=Effects(latency_mult=0.5))
    half = (faster.table()["avg_response_s"] - base.table()["avg_response_s"]).to_numpy()
    assert np.all((0.4 * latency < half) & (half < 0.6 * latency)), half


def test_latency_is_part_of_the_engine_key():
    assert Effects(latency_mult=0.5).engine_key() != Effects().engine_key()
    assert Effects(latency_mult=0.5).outcome_key() == Effects().outcome_key()
