"""Layer 1: the SimPy engine on tiny hand-checkable cases, plus invariants read from the flat records.

Every expected number below is worked out by hand in the comment next to it (reply_mean_s = 1, so a reply
takes exactly ``reply_unit x slowdown`` seconds).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import INF, engine_input, taobao_scenario

from model.chatcentre import ABANDONED, ANSWERED, IN_PROGRESS, run
from model.draws import make_draws
from model.effects import Effects
from model.records import engine_frames
from model.simulate import engine_input as sim_engine_input
from model.team import agent_table, duty_intervals


def test_one_agent_two_chats_fcfs_exact():
    # cap 1, replies 10 s. Chat 0 at t=0: taken at 0, reply at 10. Chat 1 at t=1 waits for the slot:
    # taken at 10 (wait 9), reply at 20 (first response 19).
    rec = run(engine_input([0.0, 1.0], reply=10.0, cap=1))
    np.testing.assert_array_equal(rec.chat_status, [ANSWERED, ANSWERED])
    np.testing.assert_array_equal(rec.chat_agent, [0, 0])
    np.testing.assert_allclose(rec.chat_assign_s, [0.0, 10.0])
    np.testing.assert_allclose(rec.chat_first_reply_s, [10.0, 20.0])
    np.testing.assert_allclose(rec.chat_end_s, [10.0, 20.0])
    np.testing.assert_allclose(rec.chat_assign_s - np.array([0.0, 1.0]), [0.0, 9.0])
    np.testing.assert_allclose(rec.chat_first_reply_s - np.array([0.0, 1.0]), [10.0, 19.0])
    np.testing.assert_allclose(rec.agent_busy_s, [20.0])
    assert np.isnan(rec.chat_left_s).all()


def test_two_chats_concurrent_one_typist_with_slowdown():
    # cap 2: both chats are taken at arrival, but replies are typed one at a time. Chat 0 (2 messages, think
    # 100 s): its first reply starts at 0 with 1 open chat (x1.0): 10 s -> 10; chat 0 stays open. Chat 1
    # arrived at 1; its reply starts at 10 with 2 open chats (x1.5): 15 s -> 25 (first response 24), then
    # chat 1 closes. Chat 0's second message comes at 110, typed with 1 open chat: 10 s -> 120.
    rec = run(engine_input([0.0, 1.0], n_msgs=[2, 1], reply=10.0, think=100.0, cap=2, slowdown=[1.0, 1.5]))
    np.testing.assert_allclose(rec.chat_assign_s, [0.0, 1.0])
    np.testing.assert_allclose(rec.chat_first_reply_s, [10.0, 25.0])
    np.testing.assert_allclose(rec.msg_type_s, [10.0, 10.0, 15.0])  # messages: chat 0 x2, chat 1
    np.testing.assert_allclose(rec.msg_reply_s, [10.0, 120.0, 25.0])
    np.testing.assert_allclose(rec.chat_end_s, [120.0, 25.0])
    np.testing.assert_allclose(rec.agent_busy_s, [35.0])


def test_a_closed_chat_no_longer_slows_the_next_reply():
    # cap 2, single-message chats: chat 0 closes with its reply at 10, so chat 1's reply (typed from 10) sees
    # 1 open chat (x1.0): 10 -> 20.
    rec = run(engine_input([0.0, 1.0], reply=10.0, cap=2, slowdown=[1.0, 1.5]))
    np.testing.assert_allclose(rec.chat_first_reply_s, [10.0, 20.0])


def test_multi_message_chat_exact():
    # One chat of 3 buyer messages, reply 10 s, think 5 s: replies at 10, 25, 40; messages sent at 0, 15, 30.
    rec = run(engine_input([0.0], n_msgs=[3], reply=10.0, think=5.0))
    np.testing.assert_allclose(rec.msg_sent_s, [0.0, 15.0, 30.0])
    np.testing.assert_allclose(rec.msg_reply_s, [10.0, 25.0, 40.0])
    assert rec.chat_status[0] == ANSWERED and rec.chat_end_s[0] == 40.0


def test_patience_shorter_than_wait_abandons_at_exactly_its_patience():
    # Chat 0 occupies the only slot until 100. Chat 1 (t=1, patience 30) leaves at 31; non-silent: never taken.
    # Chat 2 (t=2, patience 500) is taken at 100 - the abandoner is not served in between.
    rec = run(engine_input([0.0, 1.0, 2.0], reply=[100.0, 10.0, 10.0], patience=[INF, 30.0, 500.0]))
    np.testing.assert_array_equal(rec.chat_status, [ANSWERED, ABANDONED, ANSWERED])
    assert rec.chat_left_s[1] == pytest.approx(31.0)
    assert rec.chat_agent[1] == -1 and np.isnan(rec.chat_first_reply_s[1])
    assert rec.chat_assign_s[2] == pytest.approx(100.0)
    assert rec.chat_first_reply_s[2] == pytest.approx(110.0)
    np.testing.assert_allclose(rec.agent_busy_s, [110.0])


def test_patient_buyer_is_not_counted_as_abandoner():
    # Chat 1 arrives at 1 and would be taken at 100 (wait 99); patience 100 is enough, so it is answered.
    rec = run(engine_input([0.0, 1.0], reply=[100.0, 10.0], patience=[INF, 100.0]))
    assert rec.chat_status[1] == ANSWERED
    assert rec.chat_assign_s[1] == pytest.approx(100.0)


def test_silent_abandoner_is_answered_later_costs_typing_but_counts_abandoned():
    # Chat 1 (t=1, patience 30, silent) gives up at 31 but its chat stays queued: at 100 the agent takes it and
    # types a first reply of 20 s to nobody (100 -> 120). Chat 2 (t=2, patient) is therefore taken only at 120.
    rec = run(engine_input([0.0, 1.0, 2.0], reply=[100.0, 20.0, 10.0], patience=[INF, 30.0, INF],
                           silent=[False, True, False]))
    np.testing.assert_array_equal(rec.chat_status, [ANSWERED, ABANDONED, ANSWERED])
    assert rec.chat_left_s[1] == pytest.approx(31.0)
    assert rec.chat_agent[1] == 0
    assert rec.chat_first_reply_s[1] == pytest.approx(120.0)
    assert rec.msg_type_s[1] == pytest.approx(20.0)
    assert rec.chat_assign_s[2] == pytest.approx(120.0)
    np.testing.assert_allclose(rec.agent_busy_s, [130.0])


def test_silent_abandoner_counts_abandoned_and_waits_until_it_left_in_frames():
    # Same through the simulate pipeline's frame builder: queue wait of the silent abandoner is 30 (until it
    # left), not 99 (until the agent took its ghost chat).
    s = taobao_scenario(**{"meta.days": 1, "meta.replications": 1})
    d = make_draws(s, 0)
    # A tiny draw set replacing the real one keeps the frame builder's real code path.
    inp = engine_input([0.0, 1.0, 2.0], reply=[100.0, 20.0, 10.0], patience=[INF, 30.0, INF],
                       silent=[False, True, False], horizon_s=86_400.0)
    rec = run(inp)
    z = np.zeros(3, bool)
    d.arrival_s, d.aftersale, d.returning, d.advert, d.unresponsive = inp.arrival_s, z, z, z, z
    d.purchase_days_ago = np.full(3, np.nan)
    d.n_msgs, d.silent, d.lines = inp.n_msgs, inp.silent, np.ones(3, dtype=np.int64)
    chats, msgs = engine_frames(d, rec, 0, 86_400.0)
    np.testing.assert_allclose(chats["queue_wait_s"], [0.0, 30.0, 118.0])
    assert chats["status"].tolist() == [ANSWERED, ABANDONED, ANSWERED]
    assert chats["ghost"].tolist() == [False, True, False]


def test_abandon_while_waiting_for_the_typist_frees_the_slot():
    # cap 2: chat 1 is taken at 1 but the agent is typing chat 0's 100 s reply; patience 10 -> leaves at 11
    # and frees its slot, so chat 2 (t=20) is taken at once and typed right after chat 0 (100 -> 105).
    rec = run(engine_input([0.0, 1.0, 20.0], reply=[100.0, 50.0, 5.0], patience=[INF, 10.0, INF], cap=2))
    np.testing.assert_array_equal(rec.chat_status, [ANSWERED, ABANDONED, ANSWERED])
    assert rec.chat_left_s[1] == pytest.approx(11.0)
    assert np.isnan(rec.chat_first_reply_s[1])
    assert rec.chat_assign_s[2] == pytest.approx(20.0)
    assert rec.chat_first_reply_s[2] == pytest.approx(105.0)
    np.testing.assert_allclose(rec.agent_busy_s, [105.0])


def test_slot_released_at_the_instant_patience_runs_out_is_not_lost():
    # Tie: chat 0 (2 messages, reply 5 s, no think time) releases the only slot at exactly t=10, the instant
    # chat 1 (t=1, patience 9) runs out of patience. Either outcome of the tie is acceptable, but the slot must
    # not leak: chat 2 arriving at 50 must be served (a leaked slot leaves it queued forever).
    rec = run(engine_input([0.0, 1.0, 50.0], n_msgs=[2, 1, 1], reply=[5.0, 5.0, 5.0, 5.0],
                           patience=[INF, 9.0, INF], horizon_s=1_000.0))
    assert rec.chat_status[0] == ANSWERED
    assert rec.chat_status[2] == ANSWERED, "slot leaked: the agent never took another chat"
    assert rec.chat_first_reply_s[2] <= 60.0


def test_typist_released_at_the_instant_patience_runs_out_is_not_lost():
    # Same tie for the typing queue (cap 3, all taken at arrival): chat 0 (t=0) typed 0-2; chat 1 (t=0.5) typed
    # 2-10; chat 2 (t=1, patience 9) waits for the typist, who becomes free at exactly 10 = its deadline.
    # Later chats must still get replies (a lost hand-over leaves the agent "typing" forever).
    rec = run(engine_input([0.0, 0.5, 1.0, 50.0], reply=[2.0, 8.0, 5.0, 5.0], patience=[INF, INF, 9.0, INF],
                           cap=3, horizon_s=1_000.0))
    np.testing.assert_allclose(rec.chat_first_reply_s[:2], [2.0, 10.0])
    assert rec.chat_status[3] == ANSWERED, "typist deadlocked: no reply after the tie"


def _routing_case(routing: str) -> np.ndarray:
    # 2 agents, cap 2. Chat 0 (t=0) -> agent 0, long reply (1000 s). Chat 1 (t=1) -> agent 1, short (5 s, done
    # at 6). Chat 2 at t=10: least-busy picks agent 1 (0 open chats, vs 1); round-robin's turn is agent 0.
    inp = engine_input([0.0, 1.0, 10.0], reply=[1000.0, 5.0, 5.0], n_agents=2, cap=2, routing=routing)
    return run(inp).chat_agent


def test_least_busy_routing_picks_the_emptiest_agent():
    np.testing.assert_array_equal(_routing_case("least_busy"), [0, 1, 1])


def test_round_robin_routing_takes_turns():
    np.testing.assert_array_equal(_routing_case("round_robin"), [0, 1, 0])


def test_least_busy_ties_go_to_the_agent_idle_longest():
    # 3 agents idle at start: chats at 0, 1, 2 (each 5 s) go to agents 0, 1, 2; chat at 100 goes to agent 0,
    # which became idle first (t=5).
    rec = run(engine_input([0.0, 1.0, 2.0, 100.0], reply=5.0, n_agents=3, cap=1))
    np.testing.assert_array_equal(rec.chat_agent, [0, 1, 2, 0])


def test_no_chat_is_taken_by_an_off_duty_agent_exact():
    # Agent 0 on duty 0-50, agent 1 on duty 100-1000, cap 1.
    duty = [[(0.0, 50.0)], [(100.0, 1000.0)]]
    rec = run(engine_input([10.0, 40.0, 60.0], reply=[35.0, 5.0, 5.0], n_agents=2, cap=1, duty=duty,
                           horizon_s=2_000.0))
    # chat 0: agent 0 from 10 to 45. At 45 agent 0 is still on duty and frees its slot: chat 1 (t=40) is taken
    # at 45 and answered at 50. Chat 2 at 60: agent 0 off duty since 50 -> agent 1 at 100.
    np.testing.assert_array_equal(rec.chat_agent, [0, 0, 1])
    np.testing.assert_allclose(rec.chat_assign_s, [10.0, 45.0, 100.0])


def test_off_duty_agent_finishes_open_chats_but_takes_no_new_one():
    # Agent 0 on duty 0-50 with cap 2; chat 0 (t=10) lasts until 80 (finishes after the shift). Chat 1 at 60
    # must wait for agent 1 (on from 100) although agent 0 has a free slot.
    duty = [[(0.0, 50.0)], [(100.0, 1000.0)]]
    rec = run(engine_input([10.0, 60.0], reply=[70.0, 5.0], n_agents=2, cap=2, duty=duty, horizon_s=2_000.0))
    assert rec.chat_status[0] == ANSWERED and rec.chat_end_s[0] == pytest.approx(80.0)
    assert rec.chat_agent[1] == 1 and rec.chat_assign_s[1] == pytest.approx(100.0)


def test_in_progress_at_horizon():
    # horizon 50: chat 0 (t=0) is being replied until 100 -> in progress; chat 1 (t=10) is still queued -> in
    # progress; chat 2 (t=20, patience 10) left at 30 -> abandoned.
    rec = run(engine_input([0.0, 10.0, 20.0], reply=[100.0, 5.0, 5.0], patience=[INF, INF, 10.0],
                           horizon_s=50.0))
    np.testing.assert_array_equal(rec.chat_status, [IN_PROGRESS, IN_PROGRESS, ABANDONED])
    assert np.isnan(rec.chat_end_s[:2]).all()
    assert rec.agent_busy_s[0] == 0.0  # the unfinished reply is not counted


# ------------------------------------------------------------------------------------------- invariants
@pytest.fixture(scope="module")
def busy_day():
    """A busy Taobao day (shifts, cap 3, patience, silent abandoners) with its engine input and records."""
    s = taobao_scenario(**{"meta.days": 2, "meta.replications": 1, "traffic.inquiries_per_day": 2500,
                           "agents.count": 6, "agents.shifts.0.agents": 3, "agents.shifts.1.agents": 3})
    agents = agent_table(s)
    d = make_draws(s, 0)
    inp = sim_engine_input(s, d, agents, Effects())
    rec = run(inp)
    return s, inp, rec


def _slot_intervals(inp, rec):
    """Per chat that held a slot: (agent, taken, released)."""
    st, a = rec.chat_status, rec.chat_agent
    taken = rec.chat_assign_s
    ghost = (st == ABANDONED) & (a >= 0) & np.isfinite(rec.chat_first_reply_s) & (taken >= rec.chat_left_s)
    end = np.where(ghost, rec.chat_first_reply_s, rec.chat_end_s)
    end = np.where(np.isfinite(end), end, inp.horizon_s)
    ok = a >= 0
    return a[ok], taken[ok], end[ok]


def test_busy_day_is_really_busy(busy_day):
    s, inp, rec = busy_day
    assert (rec.chat_status == ABANDONED).sum() > 50  # the invariants below are exercised under pressure
    assert (np.isfinite(rec.chat_assign_s) & (rec.chat_assign_s > inp.arrival_s + 1)).sum() > 100


def test_concurrency_cap_is_never_exceeded(busy_day):
    s, inp, rec = busy_day
    a, t0, t1 = _slot_intervals(inp, rec)
    caps = np.broadcast_to(np.asarray(inp.cap), (inp.n_agents,))  # one cap per agent
    peak_seen = 0
    for agent in range(inp.n_agents):
        sel = a == agent
        # +1 at take, -1 at release; releases before takes at equal times
        ev = np.concatenate([np.c_[t0[sel], np.ones(sel.sum())], np.c_[t1[sel], -np.ones(sel.sum())]])
        ev = ev[np.lexsort((ev[:, 1], ev[:, 0]))]
        peak = np.cumsum(ev[:, 1]).max()
        peak_seen = max(peak_seen, peak)
        assert peak <= caps[agent], f"agent {agent} had {peak} open chats (cap {caps[agent]})"
    assert peak_seen == caps.max()  # the cap binds on this busy day


def test_one_reply_typed_at_a_time(busy_day):
    s, inp, rec = busy_day
    done = np.isfinite(rec.msg_reply_s)
    for agent in range(inp.n_agents):
        sel = done & (rec.msg_agent == agent)
        end = rec.msg_reply_s[sel]
        start = end - rec.msg_type_s[sel]
        order = np.argsort(start)
        start, end = start[order], end[order]
        assert (start[1:] >= end[:-1] - 1e-6).all(), f"agent {agent} typed two replies at once"
        assert rec.agent_busy_s[agent] == pytest.approx(rec.msg_type_s[sel].sum())


def test_no_chat_taken_off_duty(busy_day):
    s, inp, rec = busy_day
    taken = np.isfinite(rec.chat_assign_s) & (rec.chat_agent >= 0)
    for i in np.flatnonzero(taken):
        t, a = rec.chat_assign_s[i], rec.chat_agent[i]
        assert any(on <= t <= off for on, off in inp.duty[a]), (i, a, t)
    # the duty table really differs between the two shifts (8-17 and 15-24)
    assert duty_intervals(s)[0][0] == (8 * 3600.0, 17 * 3600.0)


def test_replies_follow_messages_and_messages_follow_replies(busy_day):
    s, inp, rec = busy_day
    sent, reply = rec.msg_sent_s, rec.msg_reply_s
    both = np.isfinite(sent) & np.isfinite(reply)
    assert (reply[both] >= sent[both]).all()
    # within a chat, message m+1 is sent after reply m
    same = rec.msg_chat[1:] == rec.msg_chat[:-1]
    nxt = same & np.isfinite(sent[1:])
    assert (sent[1:][nxt] >= reply[:-1][nxt]).all()


def test_statuses_are_consistent_with_times(busy_day):
    s, inp, rec = busy_day
    st = rec.chat_status
    ans = st == ANSWERED
    assert np.isfinite(rec.chat_end_s[ans]).all() and (rec.chat_end_s[ans] <= inp.horizon_s).all()
    ab = st == ABANDONED
    # an abandoner left exactly when its patience ran out, and never after its first reply
    np.testing.assert_allclose(rec.chat_left_s[ab], inp.arrival_s[ab] + inp.patience_s[ab])
    first = rec.chat_first_reply_s[ab]
    assert not (np.isfinite(first) & (first < rec.chat_left_s[ab])).any()
    assert set(np.unique(st)) <= {IN_PROGRESS, ANSWERED, ABANDONED}


@pytest.mark.parametrize("sets", [[], ['customers.patience.dist="none"'], ["agents.count=2"]])
def test_the_lean_timeout_runs_the_same_events_as_simpys(monkeypatch, sets):
    """model.chatcentre._timeout builds SimPy Timeouts itself (issue 17): the run must be the one
    ``env.timeout`` makes, record for record (times, agents, statuses), with patience, queues and typist waits."""
    from model import chatcentre
    from model.scenario import load_scenario

    s = load_scenario("scenarios/taobao_10_agents.toml", ["meta.days=2", "behaviour.model=none", *sets])
    inp = sim_engine_input(s, make_draws(s, 0), agent_table(s), Effects())
    lean = run(inp)
    monkeypatch.setattr(chatcentre, "_timeout", lambda env, delay: env.timeout(delay))
    simpys = run(inp)
    fields = [f for f in vars(lean) if isinstance(getattr(lean, f), np.ndarray)]
    assert len(fields) > 5
    for f in fields:
        assert np.array_equal(getattr(lean, f), getattr(simpys, f), equal_nan=True), f
    if sets == ["agents.count=2"]:  # the queue really formed (abandonment and typist waits were exercised)
        assert (lean.chat_status == ABANDONED).any()


def _simpys_arrivals(cc):
    """SimPy's source process (the ``bank`` example): a timeout per arrival instant, then ``env.process``."""
    env = cc.env
    for i, t in enumerate(cc.arrival):
        dt = t - env.now
        if dt > 0:
            yield env.timeout(dt)
        env.process(cc.chat(i))


def _records(inp):
    rec = run(inp)
    return {f: v for f, v in vars(rec).items() if isinstance(v, np.ndarray)}


def _with_simpys_own_loop(monkeypatch):
    """The engine on SimPy's own machinery: env.timeout, an arrivals process, env.process per chat (with its
    Initialize and termination events) and env.run."""
    from model import chatcentre

    monkeypatch.setattr(chatcentre, "_timeout", lambda env, delay: env.timeout(delay))
    monkeypatch.setattr(chatcentre, "_start", lambda env, gen: env.process(gen))
    monkeypatch.setattr(chatcentre, "_start_urgent", lambda env, gen: env.process(gen))
    monkeypatch.setattr(chatcentre, "_run", lambda env, until: env.run(until=until))
    monkeypatch.setattr(chatcentre.ChatCentre, "begin", lambda cc: cc.env.process(_simpys_arrivals(cc)))


@pytest.mark.parametrize("sets", [[], ['customers.patience.dist="none"'], ["agents.count=2"],
                                  ['agents.routing="round_robin"', "agents.count=3"]])
def test_the_lean_start_and_loop_run_the_same_events_as_simpys(monkeypatch, sets):
    """Chats started inside their arrival event (no Initialize, no termination event) and the inlined event loop
    (issue 17) must give the run SimPy's own processes and env.run give, record for record, with shifts,
    queues, abandonment (silent too) and typist waits."""
    from model.scenario import load_scenario

    s = load_scenario("scenarios/taobao_10_agents.toml", ["meta.days=2", "behaviour.model=none", *sets])
    inp = sim_engine_input(s, make_draws(s, 0), agent_table(s), Effects())
    lean = _records(inp)
    with monkeypatch.context() as m:
        _with_simpys_own_loop(m)
        simpys = _records(inp)
    assert len(lean) > 5
    for f in lean:
        assert lean[f].dtype == simpys[f].dtype and np.array_equal(lean[f], simpys[f], equal_nan=True), f
    if sets == ["agents.count=2"]:  # the queue really formed
        assert (lean["chat_status"] == ABANDONED).any() and lean["chat_ghost"].any()


def test_simultaneous_arrivals_and_arrivals_at_time_zero_keep_simpys_order(monkeypatch):
    """Chats arriving at the same instant (and at time 0, before a shift starts) start in arrival order, as with
    SimPy's source process: the same agents, waits and abandonments."""
    inp = engine_input([0.0, 0.0, 5.0, 5.0, 5.0, 7.0, 7.0], reply=[30.0, 20.0, 10.0, 10.0, 10.0, 5.0, 5.0],
                       patience=[INF, 15.0, INF, 12.0, 40.0, 3.0, INF], n_agents=2, cap=1,
                       duty=[[(0.0, 1000.0)], [(6.0, 1000.0)]])
    lean = _records(inp)
    with monkeypatch.context() as m:
        _with_simpys_own_loop(m)
        simpys = _records(inp)
    for f in lean:
        assert np.array_equal(lean[f], simpys[f], equal_nan=True), f
    # by hand: agent 0 comes on duty at 0 before the chats of time 0 start (its shift's Initialize goes first)
    # and takes chat 0 (till 30); chat 1 queues. At 5 chats 2-4 queue. Agent 1 comes on at 6 and takes chat 1
    # (oldest; its patience runs to 15), till 26. Chats 5, 6 queue at 7; chat 5 leaves at 10, chat 3 at 17.
    # At 26 agent 1 takes chat 2 (till 36), at 30 agent 0 chat 4 (till 40), at 36 agent 1 chat 6.
    np.testing.assert_array_equal(lean["chat_agent"], [0, 1, 1, -1, 0, -1, 1])
    np.testing.assert_allclose(lean["chat_assign_s"], [0.0, 6.0, 26.0, np.nan, 30.0, np.nan, 36.0])
    np.testing.assert_array_equal(lean["chat_status"], [ANSWERED, ANSWERED, ANSWERED, ABANDONED, ANSWERED,
                                                        ABANDONED, ANSWERED])


# ------------------------------------------------------------------------------------------------ breaks
@pytest.fixture(scope="module")
def break_day():
    """The busy day with a one-hour break in each shift (12-13 and 19-20)."""
    s = taobao_scenario(**{"meta.days": 2, "meta.replications": 1, "traffic.inquiries_per_day": 2500,
                           "agents.count": 6, "agents.shifts.0.agents": 3, "agents.shifts.1.agents": 3,
                           "agents.shifts.0.break_start_h": 12, "agents.shifts.0.break_h": 1,
                           "agents.shifts.1.break_start_h": 19, "agents.shifts.1.break_h": 1})
    agents = agent_table(s)
    inp = sim_engine_input(s, make_draws(s, 0), agents, Effects())
    return s, inp, run(inp)


def test_no_chat_starts_on_an_agent_in_their_break(break_day):
    s, inp, rec = break_day
    taken = np.isfinite(rec.chat_assign_s) & (rec.chat_agent >= 0)
    breaks = {0: 12, 1: 19}
    shift_of = [0] * 3 + [1] * 3
    n_before = 0
    for i in np.flatnonzero(taken):
        t, a = rec.chat_assign_s[i], int(rec.chat_agent[i])
        b0 = breaks[shift_of[a]] * 3600.0
        for day in range(2):
            lo, hi = day * 86400 + b0, day * 86400 + b0 + 3600
            assert not lo < t < hi, f"chat {i} started on agent {a} at {t / 3600:.2f} h, in their break"
            n_before += int(lo - 3600 < t <= lo)
    assert n_before > 50  # the agents were taking chats right up to the break
    # the duty intervals hold the break: 8-12 and 13-17 on day 0 for the first shift
    assert duty_intervals(s)[0][:2] == [(8 * 3600.0, 12 * 3600.0), (13 * 3600.0, 17 * 3600.0)]
    assert rec.agent_duty_s[0] == pytest.approx(2 * 8 * 3600.0)


def test_a_break_keeps_the_open_chats_and_other_agents_take_the_queue(break_day, busy_day):
    s, inp, rec = break_day
    # replies are still typed during the break (open chats are kept)
    a0 = rec.msg_agent == 0
    during = a0 & (rec.msg_reply_s > 12 * 3600 + 60) & (rec.msg_reply_s < 13 * 3600)
    assert during.any()
    # the break costs service: more buyers give up than without breaks
    assert (rec.chat_status == ABANDONED).sum() >= (busy_day[2].chat_status == ABANDONED).sum()


@pytest.mark.parametrize("edit, msg", [
    ({"agents.shifts.0.break_h": 1}, "needs break_start_h"),
    ({"agents.shifts.0.break_start_h": 7, "agents.shifts.0.break_h": 1}, "inside the shift"),
    ({"agents.shifts.0.break_start_h": 16.5, "agents.shifts.0.break_h": 1}, "inside the shift"),
])
def test_a_break_outside_the_shift_is_refused(edit, msg):
    from model.errors import ScenarioError

    with pytest.raises(ScenarioError, match=msg):
        taobao_scenario(**edit)


def test_an_overnight_shift_break_after_midnight():
    s = taobao_scenario(**{"meta.days": 2, "agents.count": 6, "agents.shifts.0.agents": 3,
                           "agents.shifts.1.agents": 3, "agents.shifts.1.start_h": 20, "agents.shifts.1.end_h": 4,
                           "agents.shifts.1.break_start_h": 1, "agents.shifts.1.break_h": 0.5})
    iv = duty_intervals(s)[3]
    assert iv[:2] == [(20 * 3600.0, 25 * 3600.0), (25.5 * 3600.0, 28 * 3600.0)]
