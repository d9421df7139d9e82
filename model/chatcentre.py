"""SimPy chat-centre engine at message level.

One :class:`ChatCentre` owns the agents' state; chats are SimPy processes (generators of SimPy events), written
like SimPy's ``bank_renege`` example, which the engine starts and resumes in its own event loop (:func:`_start`,
:func:`_run`: the events and records of ``env.process`` / ``env.run``, fewer events and calls). The model:

* A chat arrives and is routed to an on-duty agent with a free slot who may serve its kind (an agent's role is
  pre-sale, after-sale or both; each agent has its own cap of open chats): ``least_busy`` = fewest open chats,
  ties to the agent longest at that load; or ``round_robin``. When no eligible agent has a free slot the chat
  queues (FIFO per kind; an agent that frees a slot takes the oldest chat it may serve).
* While unanswered (queued, or taken but the first reply not yet started) the buyer may run out of patience:
  ``yield taken | env.timeout(patience)``. A share of abandoners leave *silently*: their chat stays queued, an
  agent later takes it and types a first reply to nobody (that costs capacity, as on real consoles).
* A chat is a sequence of buyer messages. The agent notices each buyer message after a reaction latency
  (``mean_s x agent factor x effect x unit variate``; 0 by default), then the reply joins the agent's typist
  queue (one reply at a time, FIFO); a reply takes
  ``mean_s x agent factor x effect x slowdown[open chats - 1] x unit variate`` seconds. After each reply but
  the last the buyer thinks and writes the next message.
* Agents work shifts: off duty they take no new chats but finish the open ones.
* At the horizon, chats still queued or in conversation are *in progress*.

Output is flat numpy records (one row per chat, one per buyer message), built into pandas by the caller.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from heapq import heappop, heappush
from itertools import count

import numpy as np
import simpy
from simpy.events import NORMAL, URGENT, Event, Timeout

from model.clock import ChatStatus

INF = float("inf")
# plain ints in the hot loop (the records store them in an int8 column)
IN_PROGRESS, ANSWERED, ABANDONED = int(ChatStatus.IN_PROGRESS), int(ChatStatus.ANSWERED), int(ChatStatus.ABANDONED)
#: Agent roles and the chat kinds (0 pre-sale, 1 after-sale) each may serve.
ROLES: dict[str, tuple[int, ...]] = {"presale": (0,), "aftersale": (1,), "both": (0, 1)}
_GROUP = {"presale": 0, "aftersale": 1, "both": 2}


class _Timeout(Timeout):
    """SimPy's Timeout with the two fields every timeout has the same (ok, value None) as class attributes, so
    building one stores three fields instead of five."""

    _ok = True
    _value = None


_new_timeout = _Timeout.__new__


def _timeout(env: simpy.Environment, delay: float) -> Timeout:
    """``env.timeout(delay)`` for a delay known to be >= 0, without its two Python calls (the check and
    ``env.schedule``): a SimPy Timeout, scheduled at the same time with the same priority and the next
    event id, so the run is event for event the one ``env.timeout`` makes (tests/test_engine.py compares the
    records of both). The engine takes 0.87-0.90x the time it took with env.timeout (bench/README.md, issue 17)."""
    ev = _new_timeout(_Timeout)
    ev.env = env
    ev.callbacks = []
    ev._delay = delay
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), ev))
    return ev


def _start(env: simpy.Environment, generator: Generator[Event, Event, None]) -> None:
    """Start a chat process at the current instant: run it to its first event and resume it from there.

    A chat is a generator of SimPy events, resumed by :func:`_run` with the event it waited for (so it reads a
    value as ``yield ev; ev.value``, which also holds under ``env.process``). Against ``env.process`` this saves
    the Initialize event (URGENT at the arrival instant: SimPy processes it right after the arrival that made
    it, no other URGENT event being due then), the termination event (nobody waits on a chat) and the
    ``Process._resume`` frame per event. The events left keep their times, priorities and relative order
    (event ids only break ties and still increase in the same order), so the run is event for event SimPy's
    own: tests/test_engine.py compares the records with ``env.process`` and ``env.run``.
    """
    send = generator.send
    try:
        event = send(None)
        while event.callbacks is None:  # already processed: go on at once, as Process._resume does
            event = send(event)
    except StopIteration:
        return
    event.callbacks.append(send)


def _start_urgent(env: simpy.Environment, generator: Generator[Event, Event, None]) -> None:
    """Start a chat process through an URGENT event at the current instant (SimPy's Initialize: it runs after the
    URGENT events already due, e.g. the shifts' starts at time 0)."""
    ev = Event(env)
    ev._ok, ev._value = True, None
    ev.callbacks.append(lambda _ev: _start(env, generator))
    env.schedule(ev, URGENT)


def _run(env: simpy.Environment, until: float) -> None:
    """``env.run(until=until)`` with :meth:`simpy.Environment.step` inlined: the same stop event (URGENT at
    ``until``), the same order of events, the same check that a failed event was handled.

    The one addition is how a chat resumes: its callback is its generator's ``send`` (see :func:`_start`); the
    event it yields next gets that callback, and its end (StopIteration) ends it. SimPy's own callbacks
    (``Process._resume`` of the shifts, conditions) return None and run as in ``step``.
    """
    stop = Event(env)
    stop._ok = True
    stop._value = None
    env.schedule(stop, URGENT, until - env._now)
    queue = env._queue
    while True:
        env._now, _, _, event = heappop(queue)
        if event is stop:
            return
        callbacks, event.callbacks = event.callbacks, None
        for callback in callbacks:
            try:
                nxt = callback(event)
                if nxt is not None:  # a chat went on to its next event
                    while nxt.callbacks is None:  # already processed
                        nxt = callback(nxt)
                    nxt.callbacks.append(callback)
            except StopIteration:  # a chat ended
                pass
        if not event._ok and not hasattr(event, "_defused"):
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc


@dataclass
class EngineInput:
    """Everything the engine needs for one replication (all random draws made beforehand).

    Attributes:
        horizon_s: simulated time in seconds.
        arrival_s: chat arrival times, sorted.
        n_msgs: buyer messages per chat (>= 1).
        patience_s: patience per chat (inf = waits forever).
        silent: abandoner leaves silently (chat stays queued).
        reply_unit: per buyer message, a mean-1 variate for the reply typing time.
        think_s: per buyer message, the buyer's time before the next message (last one unused).
        n_agents: number of agents.
        cap: max concurrent chats, one number for every agent or one per agent.
        reply_mean_s: mean typing time at concurrency 1.
        agent_reply_factor: per agent multiplier of the typing time (skill and effects).
        slowdown: multiplier by open-chat count (index 0 = 1 chat); the last value repeats.
        routing: "least_busy" or "round_robin".
        duty: per agent, a list of (on_s, off_s) intervals; None = on duty the whole horizon.
        aftersale: per chat, True for an after-sale chat (None = all pre-sale).
        agent_role: per agent, "presale", "aftersale" or "both" (None = all both).
        latency_unit: per buyer message, a mean-1 variate of the agent's reaction latency (None = no latency).
        agent_latency_s: per agent, the mean reaction latency in seconds (None or 0 = the agent reacts at once).
    """

    horizon_s: float
    arrival_s: np.ndarray
    n_msgs: np.ndarray
    patience_s: np.ndarray
    silent: np.ndarray
    reply_unit: np.ndarray
    think_s: np.ndarray
    n_agents: int
    cap: int | np.ndarray
    reply_mean_s: float
    agent_reply_factor: np.ndarray
    slowdown: list[float]
    routing: str = "least_busy"
    duty: list[list[tuple[float, float]]] | None = None
    aftersale: np.ndarray | None = None
    agent_role: list[str] | None = None
    latency_unit: np.ndarray | None = None
    agent_latency_s: np.ndarray | None = None


@dataclass
class EngineRecords:
    """Flat per-chat and per-message records of one replication."""

    chat_agent: np.ndarray          # int32, -1 = never taken
    chat_assign_s: np.ndarray       # time an agent took the chat (nan if never)
    chat_first_reply_s: np.ndarray  # time the first reply was sent (nan if none)
    chat_end_s: np.ndarray          # time the chat closed or the buyer left (nan if in progress)
    chat_status: np.ndarray         # int8: 0 in progress, 1 answered, 2 abandoned
    chat_left_s: np.ndarray         # time an abandoner left (nan otherwise)
    chat_ghost: np.ndarray          # bool: a silent abandoner whose chat stayed queued
    msg_chat: np.ndarray            # int32 chat index of each buyer message
    msg_sent_s: np.ndarray          # time the buyer message was sent (nan if never sent)
    msg_reply_s: np.ndarray         # time the agent's reply was sent (nan if not replied)
    msg_agent: np.ndarray           # int32 agent who replied (-1)
    msg_type_s: np.ndarray          # typing time of the reply (0 if none)
    agent_busy_s: np.ndarray        # typing time per agent
    agent_duty_s: np.ndarray        # on-duty time per agent within the horizon


class ChatCentre:
    """The agents, their slots and typists, and the chat processes."""

    def __init__(self, env: simpy.Environment, inp: EngineInput) -> None:
        self.env = env
        self.inp = inp
        n, k = inp.n_agents, len(inp.arrival_s)
        self.caps = [int(c) for c in np.broadcast_to(np.asarray(inp.cap, dtype=np.int64), (n,))]
        self.load = [0] * n
        self.on_duty = [inp.duty is None] * n
        roles = inp.agent_role or ["both"] * n
        self.group = [_GROUP[r] for r in roles]
        self.kind = (np.zeros(k, dtype=np.int8) if inp.aftersale is None
                     else np.asarray(inp.aftersale, dtype=np.int8)).tolist()
        kinds = set(self.kind)
        self.serves = [tuple(x for x in ROLES[r] if x in kinds) for r in roles]  # only kinds that occur
        present = set(self.group)
        # least-busy buckets per group: levels[g][l] maps on-duty agents with l open chats (l < own cap) to the
        # order in which they reached that load (dicts keep insertion order: the first key is the longest there)
        self.levels: list[list[dict[int, int]]] = [[{} for _ in range(max(self.caps))] for _ in range(3)]
        self.agent_levels = [self.levels[g] for g in self.group]
        # per chat kind, the buckets of the groups that may take it (groups with nobody in them left out)
        self.groups_for = [[self.levels[g] for g in (0, 2) if g in present],
                           [self.levels[g] for g in (1, 2) if g in present]]
        self.since = count()
        if inp.duty is None:
            for a in range(n):
                self.agent_levels[a][0][a] = next(self.since)
        self.round_robin = inp.routing == "round_robin"
        self.arrival = np.asarray(inp.arrival_s, dtype=float).tolist()
        self._arrive_cb = self._arrive
        self.rr = 0
        # Waits are [chat, event] entries in FIFO queues: chats waiting for a slot (per kind) and replies waiting
        # for an agent's typist (per agent). The one way a wait is cancelled: the buyer left, ``gone[chat]`` is
        # set, and whichever queue reaches the entry skips it.
        self.waiting: list[deque[list]] = [deque(), deque()]
        self.typing = [False] * n
        self.typist: list[deque[list]] = [deque() for _ in range(n)]
        self.gone = [False] * k
        self.reply_scale = [inp.reply_mean_s * float(f) for f in inp.agent_reply_factor]
        lat = np.zeros(n) if inp.agent_latency_s is None else np.asarray(inp.agent_latency_s, dtype=float)
        self.latency_scale = [float(x) for x in np.broadcast_to(lat, (n,))]
        # the slowdown by open chats, padded with its last value up to the largest cap (an agent's load never
        # exceeds its cap), so a reply time is one list lookup
        slow = list(inp.slowdown)
        self.slow = slow + slow[-1:] * max(0, max(self.caps, default=1) - len(slow))
        # inputs and records as Python lists in the hot loop (indexing a list is cheaper than a numpy array);
        # run() returns them as numpy arrays
        msg_off = np.concatenate([[0], np.cumsum(inp.n_msgs)]).astype(np.int64)
        m = int(msg_off[-1])
        self.msg_off = msg_off.tolist()
        self.n_msgs = np.asarray(inp.n_msgs).tolist()
        self.patience = np.asarray(inp.patience_s, dtype=float).tolist()
        self.silent = np.asarray(inp.silent, dtype=bool).tolist()
        self.reply_unit = _floats(inp.reply_unit)
        self.think = _floats(inp.think_s)
        self.latency_unit = _floats(np.ones(m) if inp.latency_unit is None else inp.latency_unit)
        nan = float("nan")
        self.chat_agent = array("i", [-1]) * k
        self.chat_assign = array("d", [nan]) * k
        self.chat_first = array("d", [nan]) * k
        self.chat_end = array("d", [nan]) * k
        self.chat_status = array("b", [IN_PROGRESS]) * k
        self.chat_left = array("d", [nan]) * k
        self.chat_ghost = array("b", [False]) * k
        sent = np.full(m, np.nan)
        sent[msg_off[:-1]] = inp.arrival_s  # the first buyer message opens the chat
        self.msg_sent = _floats(sent)
        self.msg_reply = array("d", [nan]) * m
        self.msg_agent = array("i", [-1]) * m
        self.msg_type = array("d", [0.0]) * m
        self.busy = [0.0] * n

    # ------------------------------------------------------------------------------------------ routing
    def _pick(self, kind: int) -> int:
        """Take a slot on the best free on-duty agent who serves ``kind``, or return -1."""
        if self.round_robin:
            n = self.inp.n_agents
            for step in range(n):
                a = (self.rr + step) % n
                if self.on_duty[a] and self.load[a] < self.caps[a] and kind in self.serves[a]:
                    self.rr = (a + 1) % n
                    self._take(a)
                    return a
            return -1
        groups = self.groups_for[kind]
        if len(groups) == 1:
            for lvl in groups[0]:
                if lvl:
                    a = next(iter(lvl))
                    self._take(a)
                    return a
            return -1
        for depth in range(len(self.levels[0])):
            best, first = -1, -1
            for levels in groups:
                lvl = levels[depth]
                if lvl:
                    a = next(iter(lvl))
                    if best < 0 or lvl[a] < first:
                        best, first = a, lvl[a]
            if best >= 0:
                self._take(best)
                return best
        return -1

    def _enter(self, a: int, load: int) -> None:
        """Put on-duty agent ``a`` into the bucket of its load when it has a free slot."""
        if load < self.caps[a]:
            self.agent_levels[a][load][a] = next(self.since)

    def _leave(self, a: int, load: int) -> None:
        if load < self.caps[a]:
            self.agent_levels[a][load].pop(a, None)

    def _take(self, a: int) -> None:
        old, cap, lv = self.load[a], self.caps[a], self.agent_levels[a]
        if old < cap:
            lv[old].pop(a, None)
        self.load[a] = old + 1
        if self.on_duty[a] and old + 1 < cap:
            lv[old + 1][a] = next(self.since)

    def _release(self, a: int) -> None:
        """Free one slot of agent ``a`` and hand it the next waiting chat."""
        old, cap, lv = self.load[a], self.caps[a], self.agent_levels[a]
        if old < cap:
            lv[old].pop(a, None)
        self.load[a] = old - 1
        if self.on_duty[a]:
            lv[old - 1][a] = next(self.since)
            if self.waiting[0] or self.waiting[1]:  # (most releases find no chat waiting)
                self._pull(a)

    def _pull(self, a: int) -> None:
        """Hand agent ``a`` the oldest waiting chats it may serve while it has free slots."""
        serves, cap, waiting, gone = self.serves[a], self.caps[a], self.waiting, self.gone
        if len(serves) == 1:  # one queue to serve (every agent, unless the shop has both kinds of traffic)
            q = waiting[serves[0]]
            while q and self.on_duty[a] and self.load[a] < cap:
                i, ev = q.popleft()
                if not gone[i]:
                    self._take(a)
                    ev.succeed(a)
            return
        while self.on_duty[a] and self.load[a] < cap:
            best: deque | None = None
            for kind in serves:
                q = waiting[kind]
                while q and gone[q[0][0]]:
                    q.popleft()
                if q and (best is None or q[0][0] < best[0][0]):
                    best = q
            if best is None:
                return
            self._take(a)
            best.popleft()[1].succeed(a)

    def duty_on(self, a: int) -> None:
        """Agent ``a`` starts a shift."""
        if self.on_duty[a]:
            return
        self.on_duty[a] = True
        self._enter(a, self.load[a])
        self._pull(a)

    def duty_off(self, a: int) -> None:
        """Agent ``a`` ends a shift (keeps its open chats, takes no new ones)."""
        if not self.on_duty[a]:
            return
        self.on_duty[a] = False
        self._leave(a, self.load[a])

    # ------------------------------------------------------------------------------------------- replies
    def _next_live(self, q: deque) -> list | None:
        """Pop and return the first entry of ``q`` whose buyer is still there (skipping cancelled waits)."""
        while q:
            w = q.popleft()
            if not self.gone[w[0]]:
                return w
        return None

    def _typed(self, a: int, j: int, rt: float) -> None:
        """Record the reply to buyer message ``j`` (typed by ``a`` in ``rt`` s) and hand the typist on."""
        self.busy[a] += rt
        self.msg_type[j] = rt
        self.msg_reply[j] = self.env._now
        self.msg_agent[j] = a
        q = self.typist[a]
        if q:
            w = self._next_live(q)
            if w is not None:
                w[1].succeed()
                return
        self.typing[a] = False

    # ------------------------------------------------------------------------------------------ processes
    def begin(self) -> None:
        """Schedule the arrivals: an URGENT event at time 0 (where SimPy would start an arrivals process), then
        one event per arrival instant (see :meth:`_arrive`)."""
        self.next_chat = 0
        self.begin_event = ev = Event(self.env)
        ev._ok, ev._value = True, None
        ev.callbacks.append(self._arrive_cb)
        self.env.schedule(ev, URGENT)

    def _arrive(self, ev: Event) -> None:
        """At an arrival instant: schedule the next instant, then start the chats arriving now.

        The same events, in the same order, as SimPy's source process of the ``bank`` example (one timeout per
        arrival instant, then ``env.process`` per chat): ``for i, t in enumerate(arrivals): if t > now: yield
        env.timeout(t - now); env.process(chat(i))`` - without the generator of that process and with each chat
        started at once (:func:`_start`). At time 0 the chats start through an URGENT event (as their Initialize
        events would, after the shifts' ones).
        """
        env, ts = self.env, self.arrival
        now, i = env._now, self.next_chat
        first = ev is self.begin_event
        k, n = (i if first else i + 1), len(ts)
        while k < n and ts[k] - now <= 0:  # simultaneous arrivals start at this instant
            k += 1
        if k < n:
            self.next_chat = k
            _timeout(env, ts[k] - now).callbacks.append(self._arrive_cb)
        start, chat = (_start_urgent if first else _start), self.chat
        for j in range(i, k):
            start(env, chat(j))

    def _abandon(self, i: int) -> None:
        self.chat_status[i] = ABANDONED
        self.chat_left[i] = self.env._now
        self.chat_end[i] = self.env._now

    def chat(self, i: int):
        """One chat: wait for an agent (with patience), then the message exchange.

        For each buyer message the agent notices it after its reaction latency, takes its typist (waiting in
        the typist's queue when busy), types the reply, records it and hands the typist on. Until the first
        reply starts the buyer may leave at its patience deadline (then the slot is freed, silent or not).
        """
        env = self.env
        deadline = env._now + self.patience[i]
        kind = self.kind[i]
        a = self._pick(kind)
        if a < 0:
            ev = env.event()
            self.waiting[kind].append([i, ev])
            if deadline == INF:
                yield ev
                a = ev.value
            else:
                yield ev | _timeout(env, deadline - env._now)
                # ev.triggered, not "ev in res": an agent may have taken the chat at the very instant the
                # patience ran out (after the timeout, before this process resumed); the chat then holds a slot.
                if not ev.triggered:
                    self._abandon(i)
                    if not self.silent[i]:
                        self.gone[i] = True
                        return
                    # a silent abandoner: the chat stays queued, an agent later answers nobody (a ghost)
                    self.chat_ghost[i] = True
                    yield ev
                    a = ev.value
                    deadline = INF
                else:
                    a = ev.value
        self.chat_agent[i] = a
        self.chat_assign[i] = env._now
        j = j0 = self.msg_off[i]
        last = j + (1 if self.chat_ghost[i] else self.n_msgs[i]) - 1
        latency = self.latency_scale[a]
        reply_scale, slow, load, reply_unit = self.reply_scale[a], self.slow, self.load, self.reply_unit
        typing, think, latency_unit, msg_sent, typed = self.typing, self.think, self.latency_unit, self.msg_sent, self._typed
        pending = latency * latency_unit[j] if latency > 0.0 else 0.0  # until the agent notices message j
        while True:
            if pending > 0.0:
                if env._now + pending < deadline:
                    yield _timeout(env, pending)
                else:  # the buyer leaves before the agent noticed the message
                    if deadline > env._now:
                        yield _timeout(env, deadline - env._now)
                    self._abandon(i)
                    self._release(a)
                    return
            if not typing[a]:  # take the free typist
                typing[a] = True
            else:  # wait for it in its queue
                turn = env.event()
                self.typist[a].append([i, turn])
                if deadline == INF:
                    yield turn
                else:
                    if deadline > env._now:
                        yield turn | _timeout(env, deadline - env._now)
                    if not turn.triggered:  # the typist may have been handed over at the deadline instant
                        self.gone[i] = True  # cancels the wait in the typist's queue
                        self._abandon(i)
                        self._release(a)
                        return
            rt = reply_scale * slow[load[a] - 1] * reply_unit[j]  # the agent's speed x slowdown at its load x draw
            yield _timeout(env, rt)
            typed(a, j, rt)
            if j == j0:  # the first reply was sent: the buyer stays to the end
                self.chat_first[i] = env._now
                deadline = INF
            if j == last:
                break
            # the buyer thinks and sends the next message; the agent notices it after its latency. One timeout
            # for both (the buyer no longer leaves), so a latency costs no extra event.
            nxt = latency * latency_unit[j + 1] if latency > 0.0 else 0.0
            yield _timeout(env, think[j] + nxt)
            j += 1
            msg_sent[j] = env._now - nxt
            pending = 0.0
        if not self.chat_ghost[i]:
            self.chat_status[i] = ANSWERED
            self.chat_end[i] = env._now
        self._release(a)

    def shifts(self, a: int, intervals: list[tuple[float, float]]):
        """Toggle an agent on and off duty."""
        env = self.env
        for on, off in intervals:
            if on > env.now:
                yield env.timeout(on - env.now)
            self.duty_on(a)
            if off >= self.inp.horizon_s:
                return
            yield env.timeout(off - env.now)
            self.duty_off(a)


def _floats(x) -> array:
    """A float array as an ``array('d')``: indexed in the hot loop about as fast as a list, made by one copy of
    the buffer (a list of Python floats costs a float object per element)."""
    return array("d", np.ascontiguousarray(x, dtype=np.float64).tobytes())


def _array(a: array, dtype) -> np.ndarray:
    """A record column of the run as a numpy array of ``dtype`` (a copy of the ``array``'s buffer)."""
    return np.frombuffer(a, dtype=np.dtype(a.typecode)).astype(dtype)


def duty_seconds(inp: EngineInput) -> np.ndarray:
    """On-duty seconds per agent within the horizon."""
    if inp.duty is None:
        return np.full(inp.n_agents, inp.horizon_s)
    return np.array([sum(max(0.0, min(off, inp.horizon_s) - max(on, 0.0)) for on, off in iv) for iv in inp.duty])


def run(inp: EngineInput) -> EngineRecords:
    """Run one replication and return its flat records."""
    env = simpy.Environment()
    cc = ChatCentre(env, inp)
    cc.begin()
    if inp.duty is not None:
        for a, iv in enumerate(inp.duty):
            if iv:
                env.process(cc.shifts(a, iv))
    _run(env, inp.horizon_s)
    # buyer messages after a chat ended early (abandoners) were never sent: leave them nan
    msg_chat = np.repeat(np.arange(len(inp.arrival_s), dtype=np.int32), inp.n_msgs)
    return EngineRecords(
        chat_agent=_array(cc.chat_agent, np.int32), chat_assign_s=_array(cc.chat_assign, np.float64),
        chat_first_reply_s=_array(cc.chat_first, np.float64), chat_end_s=_array(cc.chat_end, np.float64),
        chat_status=_array(cc.chat_status, np.int8), chat_left_s=_array(cc.chat_left, np.float64),
        chat_ghost=_array(cc.chat_ghost, np.int8).astype(bool), msg_chat=msg_chat,
        msg_sent_s=_array(cc.msg_sent, np.float64), msg_reply_s=_array(cc.msg_reply, np.float64),
        msg_agent=_array(cc.msg_agent, np.int32), msg_type_s=_array(cc.msg_type, np.float64),
        agent_busy_s=np.asarray(cc.busy), agent_duty_s=duty_seconds(inp),
    )
