"""Re-time a run's recorded chats under other reply speeds instead of simulating again (issue 18 item 2).

With agents responding, every scheme changes the agents' reaction latency and typing time, so each scheme's run
used to be a new SimPy run: a behavioural comparison cost four to five mechanics comparisons. At the shipped
shops' utilisation chats rarely wait for a free agent, so a scheme's speed changes *when* each agent's replies go
out, and, through the least-busy router, which agent each new chat goes to. This module re-times the base
run's records chat by chat, with the same random numbers:

* **routing**: each chat keeps the moment it was taken (no chat waits for a slot differently), and is routed
  again in that order as the engine's router does (least busy among the on-duty agents who serve its kind and
  have a free slot, ties to the agent longest at that load), each chat's end estimated when it is routed from
  its draws at the agent's new speed and load; round-robin keeps the recorded agents;
* **timeline**: message ``k`` is noticed ``latency x latency_unit_k`` after the buyer sent it (after the take for
  the first message), waits for the agent's one typist (first noticed, first typed), and is typed in ``mean x
  agent factor x slowdown(open chats then) x reply_unit_k``; the next message is sent ``think_k`` after the reply;
  a few rounds of the fixed point between the timelines, the typists' queues and the agents' loads;
* **patience**: a buyer leaves if the first reply has not started by ``arrival + patience`` (the draws'), so
  faster replies keep buyers who left today and slower ones lose buyers served today (a leaving buyer waits in
  the typist's queue as a probe that types nothing);
* queued abandoners, silent ghosts, chats in progress at the horizon and the bot's chats are kept as recorded;
  replies that would fall after the horizon are not sent.

Effects of equal speed give exactly the records of the base run. Outcomes are drawn again from the same draws
(:func:`model.outcomes.apply_outcomes`), so conversion, ratings and pay follow the new first replies.

When the queue matters the approximation does not hold, and the caller simulates again
(:func:`model.pipeline.run_for`): :func:`retime` returns None when more than :data:`MAX_QUEUED_SHARE` of the
taken chats waited for a slot, with the bot front line, or when the router would be too slow
(:data:`MAX_ROUTE_PAIRS`). The pipeline re-times with ``meta.share_engine = true``, never with false, and, left
out, for runs of at least :data:`MIN_REP_DAYS` replication-days (:func:`shares_engine`).
The gap against simulating again: ``python -m bench retime`` (docs/model.md, "Re-timed runs").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.clock import DAY_S, ChatStatus
from model.effects import Effects
from model.outcomes import apply_outcomes
from model.records import OPTIONAL_OUTCOME_COLUMNS, OUTCOME_COLUMNS
from model.result import SimResult
from model.simulate import engine_input

#: Re-time only when at most this share of the taken chats waited more than :data:`QUEUED_S` for an agent
#: (above it, faster or slower replies change who waits, and the run is simulated again).
MAX_QUEUED_SHARE = 0.02
#: ``meta.share_engine`` left out: re-time only runs of at least this many replication-days (days x replications).
#: The re-timing's gap is the noise of chats changing agents and shrinks with the sample: sales -1.5..+1.0% at
#: 7 days x 2 (14), within 0.33% at 14 x 4 (56) and 0.40% at 30 x 5 on every shipped scenario (bench share).
MIN_REP_DAYS = 56


def shares_engine(scenario) -> bool:
    """Whether the pipeline re-times a scheme's run from the base run (``meta.share_engine``; left out: when the
    run has at least :data:`MIN_REP_DAYS` replication-days)."""
    v = scenario.meta.share_engine
    if v is None:
        return scenario.meta.days * scenario.meta.replications >= MIN_REP_DAYS
    return bool(v)
QUEUED_S = 1.0
ANSWERED, ABANDONED = int(ChatStatus.ANSWERED), int(ChatStatus.ABANDONED)


def why_not(base: SimResult) -> str | None:
    """Why ``base`` cannot be re-timed (None when it can): the bot front line, or a queue that matters."""
    if base.has_bot:
        return "bot front line"
    c = base.chats
    taken = (c["agent"].to_numpy() >= 0) & ~c["ghost"].to_numpy()
    if not taken.any():
        return None
    queued = float((c["queue_wait_s"].to_numpy()[taken] > QUEUED_S).mean())
    if queued > MAX_QUEUED_SHARE:
        return f"{100 * queued:.1f}% of the taken chats waited for an agent (re-timing needs <= {100 * MAX_QUEUED_SHARE:g}%)"
    return None


def retime(base: SimResult, effects: Effects) -> SimResult | None:
    """The run of ``base``'s scenario under ``effects`` by re-timing ``base``'s records (module doc), or None
    when it cannot be re-timed (:func:`why_not`; then simulate)."""
    if why_not(base) is not None:
        return None
    s = base.scenario
    chat_parts, msg_parts = [], []
    drop = list(OUTCOME_COLUMNS) + list(OPTIONAL_OUTCOME_COLUMNS)
    for rep, d in enumerate(base.draws):
        c = base.chats[base.chats["rep"] == rep].drop(columns=drop, errors="ignore")
        m = base.msgs[base.msgs["rep"] == rep]
        done = _retime_rep(s, d, base, effects, c, m)
        if done is None:
            return None
        c2, m2 = done
        chat_parts.append(apply_outcomes(s, c2, d, base.agents, effects))
        msg_parts.append(m2)
    return SimResult(s, base.agents, pd.concat(chat_parts, ignore_index=True),
                     pd.concat(msg_parts, ignore_index=True), base.duty, base.draws, effects, base.silent_orders,
                     retimed=True)


def _group_cumsum(x: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Cumulative sum of ``x`` restarting at every row where ``start`` is True (rows grouped contiguously)."""
    cs = np.cumsum(x)
    first = np.flatnonzero(start)
    if not len(first):
        return cs
    offset = np.where(first > 0, cs[np.maximum(first - 1, 0)], 0.0)
    return cs - offset[np.cumsum(start) - 1]


#: Agents' time axes are stacked as ``agent x SPAN + t`` for group-wise sorting and counting (t < 4e8 s).
SPAN = 1e9
#: Rounds of the fixed point between the chats' timelines, the typists' queues and the agents' loads.
ROUNDS = 4


def _typist_starts(agent: np.ndarray, noticed: np.ndarray, typ: np.ndarray) -> np.ndarray:
    """When each reply starts on its agent's typist: one reply at a time, first noticed first served
    (``start = max(noticed, the previous reply's end)``, the engine's FIFO typist queue), vectorised."""
    order = np.lexsort((noticed, agent))
    a, t, d = agent[order], noticed[order], typ[order]
    new = np.r_[True, a[1:] != a[:-1]]
    before = _group_cumsum(d, new) - d  # typing of the agent's earlier replies
    v = t - before + a * SPAN
    run = np.maximum.accumulate(v) - a * SPAN  # the group-wise running maximum
    out = np.empty_like(noticed)
    out[order] = before + run
    return out


def _loads(agent: np.ndarray, at: np.ndarray, c_agent: np.ndarray, c_from: np.ndarray, c_to: np.ndarray
           ) -> np.ndarray:
    """Open chats of ``agent`` at time ``at`` (chats ``[c_from, c_to)`` of agent ``c_agent``), at least 1."""
    # an open end (in progress at the horizon) stays inside the agent's own span of the stacked axis
    opened = np.sort(c_agent * SPAN + np.minimum(c_from, SPAN / 2))
    closed = np.sort(c_agent * SPAN + np.minimum(c_to, SPAN / 2))
    key = agent * SPAN + at
    return np.maximum(np.searchsorted(opened, key, "right") - np.searchsorted(closed, key, "right"), 1)


#: Re-route least-busy chats only up to this many (agent, chat) pairs per replication (a loop in Python);
#: above it the run is simulated again.
MAX_ROUTE_PAIRS = 4_000_000


def _route(s, agents: pd.DataFrame, ch, at, kind, lat1, rf1, lat_units, reply_s, think_s, first_unit, deadline,
           base_agent):
    """Least-busy routing of the re-timed chats ``ch`` (in the order they were taken, at times ``at``) under
    the new speeds, as the engine's router: the on-duty agent who may serve the chat's kind with the fewest open
    chats, ties to the agent longest at that load; an agent at its cap takes none (no agent free: the recorded
    agent is kept). Each chat's end is estimated when it is routed: ``at + latency_a x lat_units + think_s +
    reply factor_a x reply_s x slowdown at the new load`` if the buyer is served (``at + latency_a x
    first_unit < deadline``), else its patience deadline.

    Returns the agent of each chat of ``ch``.
    """
    import heapq

    from model.chatcentre import ROLES
    from model.team import duty_intervals

    n = s.agents.count
    caps = [int(x) for x in agents["max_concurrent_chats"].tolist()]
    slow = list(s.agents.concurrency_slowdown)
    slow = slow + slow[-1:] * max(0, max(caps, default=1) - len(slow))
    # who may take each chat, vectorised: the agent serves its kind and is on duty then
    elig = np.ones((len(ch), n), dtype=bool)
    roles = agents["role"].tolist()
    for a in range(n):
        serves = ROLES[roles[a]]
        if len(serves) < 2:
            elig[:, a] &= np.isin(kind, serves)
    duty = duty_intervals(s)
    if duty is not None:
        for a, iv in enumerate(duty):
            if not iv:
                elig[:, a] = False
                continue
            lo = np.array([x for x, _ in iv])
            hi = np.array([y for _, y in iv])
            q = np.searchsorted(lo, at, "right") - 1
            elig[:, a] &= (q >= 0) & (at < hi[np.maximum(q, 0)])
    rows = elig.tolist()
    L, F = [float(x) for x in lat1], [float(x) for x in rf1]
    U, RS, TS, U0 = lat_units.tolist(), reply_s.tolist(), think_s.tolist(), first_unit.tolist()
    times, dl, mine = at.tolist(), deadline.tolist(), base_agent.tolist()
    open_ends: list[list[float]] = [[] for _ in range(n)]
    since = [0.0] * n  # when the agent's load last changed (ties go to the longest at that load)
    out = [0] * len(ch)
    pop, push = heapq.heappop, heapq.heappush
    for r, t in enumerate(times):
        er = rows[r]
        best, best_load, best_since = -1, 1 << 30, 0.0
        for a in range(n):
            if not er[a]:
                continue
            h = open_ends[a]
            while h and h[0] <= t:
                since[a] = pop(h)
            load = len(h)
            if load < best_load or (load == best_load and since[a] < best_since):
                if load < caps[a]:
                    best, best_load, best_since = a, load, since[a]
        if best < 0:
            best = int(mine[r])
            h = open_ends[best]
            while h and h[0] <= t:
                since[best] = pop(h)
            best_load = len(h)
        out[r] = best
        lat = L[best]
        push(open_ends[best], t + lat * U[r] + TS[r] + F[best] * RS[r] * slow[min(best_load, len(slow) - 1)]
             if t + lat * U0[r] < dl[r] else dl[r])
        since[best] = t
    return np.asarray(out, dtype=np.int64)


def _retime_rep(s, d, base: SimResult, effects: Effects, c: pd.DataFrame, m: pd.DataFrame):
    horizon = s.meta.days * DAY_S
    inp0 = engine_input(s, d, base.agents, base.effects)
    inp1 = engine_input(s, d, base.agents, effects)
    n = s.agents.count
    lat0 = np.broadcast_to(np.asarray(inp0.agent_latency_s if inp0.agent_latency_s is not None else 0.0, float), (n,))
    lat1 = np.broadcast_to(np.asarray(inp1.agent_latency_s if inp1.agent_latency_s is not None else 0.0, float), (n,))
    rf0 = np.asarray(inp0.agent_reply_factor, dtype=float)
    rf1 = np.asarray(inp1.agent_reply_factor, dtype=float)
    if np.array_equal(lat0, lat1) and np.array_equal(rf0, rf1):
        return c.copy(), m.copy()
    slow_tab = list(s.agents.concurrency_slowdown)
    cap = int(np.max(base.agents["max_concurrent_chats"].to_numpy())) if len(base.agents) else 1
    slow_tab = np.asarray(slow_tab + slow_tab[-1:] * max(0, cap - len(slow_tab)), dtype=float)
    mean_s = s.agents.reply_time.mean_s
    off = np.concatenate([[0], np.cumsum(d.n_msgs)[:-1]]).astype(np.int64)

    arrival = c["arrival_s"].to_numpy()
    agent = c["agent"].to_numpy()
    status0 = c["status"].to_numpy()
    ghost = c["ghost"].to_numpy()
    assign = arrival + c["queue_wait_s"].to_numpy()
    deadline = arrival + d.patience_s
    taken = (agent >= 0) & ~ghost
    moved = taken & ((status0 == ANSWERED) | (status0 == ABANDONED))  # re-timed; the rest kept as recorded

    # every message the re-timed chats may send (the draws'), chat-major
    ch = np.flatnonzero(moved)
    nm = d.n_msgs[ch]
    mc = np.repeat(ch, nm)
    k = np.arange(len(mc)) - np.repeat(np.cumsum(nm) - nm, nm)
    g = off[mc] + k
    a = agent[mc]
    first = k == 0
    if s.agents.routing == "least_busy" and len(ch):
        if len(ch) * n > MAX_ROUTE_PAIRS:
            return None
        starts_at = np.flatnonzero(first)
        U = np.add.reduceat(d.latency_unit[g], starts_at)
        R = np.add.reduceat(d.reply_unit[g], starts_at) * mean_s
        T = np.add.reduceat(np.where(first, 0.0, d.think_s[np.maximum(g - 1, 0)]), starts_at)
        order = np.argsort(assign[ch], kind="stable")
        o = ch[order]
        routed = _route(s, base.agents, o, assign[o], d.aftersale[o].astype(int), lat1, rf1, U[order], R[order],
                        T[order], d.latency_unit[off[o]], deadline[o], agent[o])
        agent = agent.copy()
        agent[o] = routed
        a = agent[mc]
    lat = lat1[a] * d.latency_unit[g]
    prev_think = np.where(first, 0.0, d.think_s[np.maximum(g - 1, 0)])
    unit = mean_s * d.reply_unit[g]
    # start from today's slowdown of each recorded reply (the agent's average where there is none)
    rec = m[moved[m["chat"].to_numpy()]]
    rpos = np.arange(len(rec)) - np.searchsorted(rec["chat"].to_numpy(), rec["chat"].to_numpy())
    rg = off[rec["chat"].to_numpy()] + rpos
    rtyp = rec["type_s"].to_numpy()
    has = np.isfinite(rec["reply_s"].to_numpy())
    ra = c["agent"].to_numpy()[rec["chat"].to_numpy()]  # the recorded agent
    slow0 = rtyp / np.maximum(mean_s * rf0[ra] * d.reply_unit[rg], 1e-12)
    cnt = np.bincount(ra[has], minlength=n)
    avg = np.where(cnt > 0, np.bincount(ra[has], slow0[has], minlength=n) / np.maximum(cnt, 1), slow_tab[0])
    slow = avg[a]
    pos = np.searchsorted(g, rg[has])  # recorded replies among the messages (g is increasing)
    slow[pos] = slow0[has]
    typ = unit * rf1[a] * slow
    wait = np.zeros(len(mc))

    # chats kept as recorded count in the agents' loads: in progress until the horizon
    fixed = taken & ~moved
    fa, ff = agent[fixed], assign[fixed]
    chat_of = np.searchsorted(ch, mc)  # row -> index into ch
    for _ in range(ROUNDS):
        step = np.where(first, assign[mc], prev_think) + lat + wait + typ
        reply = _group_cumsum(step, first)
        start = reply - typ
        noticed = start - wait
        served = start[first] < deadline[ch]  # the first reply starts before the buyer's patience runs out
        live = served[chat_of]
        # the typist's queue: the served buyers' replies, and the first message of each buyer who leaves as a
        # probe that types nothing (it waits behind the replies noticed before it, as that buyer would)
        probe = first & ~live
        q = live | probe
        start_q = _typist_starts(a[q], noticed[q], np.where(live[q], typ[q], 0.0))
        wait = np.zeros(len(mc))
        wait[q] = np.maximum(start_q - noticed[q], 0.0)
        last = np.r_[np.flatnonzero(first)[1:] - 1, len(mc) - 1]
        end = np.where(served, reply[last], deadline[ch])
        load = _loads(a, start, np.r_[agent[ch], fa], np.r_[assign[ch], ff], np.r_[end, np.full(len(fa), np.inf)])
        typ = unit * rf1[a] * slow_tab[np.minimum(load, len(slow_tab)) - 1]
    step = np.where(first, assign[mc], prev_think) + lat + wait + typ
    reply = _group_cumsum(step, first)
    start = reply - typ
    served = start[first] < deadline[ch]
    live = served[chat_of]
    sent = np.where(first, arrival[mc], np.r_[0.0, reply[:-1]] + prev_think)

    # the message frame: kept chats as recorded; re-timed chats: every message of a served buyer, the first one
    # (unanswered) of a buyer who left
    keep = m[~moved[m["chat"].to_numpy()]]
    show = (live | first) & (sent <= horizon)
    rep_ok = live & (reply <= horizon)
    new = pd.DataFrame({"rep": np.int32(int(m["rep"].iloc[0]) if len(m) else 0), "chat": mc.astype(np.int32),
                        "agent": a.astype(np.int32), "day": (sent // DAY_S).astype(np.int32), "sent_s": sent,
                        "reply_s": np.where(rep_ok, reply, np.nan), "lines": np.where(rep_ok, d.lines[g], 0),
                        "type_s": np.where(rep_ok, typ, 0.0)})[show]
    out_m = pd.concat([keep, new]).sort_values(["chat", "sent_s"], kind="stable")
    out_m = out_m.astype(dict(m.dtypes.items())).reset_index(drop=True)[m.columns]

    status = status0.copy()
    first_resp = c["first_response_s"].to_numpy().copy()
    last = np.r_[np.flatnonzero(first)[1:] - 1, len(mc) - 1]
    done = served & (reply[last] <= horizon) & (sent[last] <= horizon)
    status[ch] = np.where(served, np.where(done, ANSWERED, int(ChatStatus.IN_PROGRESS)), ABANDONED)
    r0 = reply[first]
    first_resp[ch] = np.where(served & (r0 <= horizon), r0 - arrival[ch], np.nan)
    out_c = c.copy()
    out_c["agent"] = agent.astype(c["agent"].dtype)
    out_c["status"] = status.astype(c["status"].dtype)
    out_c["first_response_s"] = first_resp
    return out_c, out_m
