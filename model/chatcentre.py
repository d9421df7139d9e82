"""SimPy chat-centre engine at message level.

One :class:`ChatCentre` owns the agents' state; chats are SimPy processes (generators), written like SimPy's
``bank_renege`` example. The model:

* A chat arrives and is routed to an on-duty agent with a free slot (``least_busy``: fewest open chats, ties to
  the agent longest at that load; or ``round_robin``). When every agent is full the chat queues (FIFO).
* While unanswered (queued, or taken but the first reply not yet started) the buyer may run out of patience:
  ``yield taken | env.timeout(patience)``. A share of abandoners leave *silently*: their chat stays queued, an
  agent later takes it and types a first reply to nobody (that costs capacity, as on real consoles).
* A chat is a sequence of buyer messages. Each agent types one reply at a time (a typing queue per agent); a
  reply takes ``mean_s x agent factor x effect x slowdown[open chats - 1] x unit variate`` seconds.
  After each reply but the last the buyer thinks and writes the next message.
* Agents work shifts: off duty they take no new chats but finish the open ones.
* At the horizon, chats still queued or in conversation are *in progress*.

Output is flat numpy records (one row per chat, one per buyer message), built into pandas by the caller.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import simpy

from model.clock import ChatStatus

INF = float("inf")
# plain ints in the hot loop (the records store them in an int8 column)
IN_PROGRESS, ANSWERED, ABANDONED = int(ChatStatus.IN_PROGRESS), int(ChatStatus.ANSWERED), int(ChatStatus.ABANDONED)


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
        cap: max concurrent chats per agent.
        reply_mean_s: mean typing time at concurrency 1.
        agent_reply_factor: per agent multiplier of the typing time (skill and effects).
        slowdown: multiplier by open-chat count (index 0 = 1 chat); the last value repeats.
        routing: "least_busy" or "round_robin".
        duty: per agent, a list of (on_s, off_s) intervals; None = on duty the whole horizon.
    """

    horizon_s: float
    arrival_s: np.ndarray
    n_msgs: np.ndarray
    patience_s: np.ndarray
    silent: np.ndarray
    reply_unit: np.ndarray
    think_s: np.ndarray
    n_agents: int
    cap: int
    reply_mean_s: float
    agent_reply_factor: np.ndarray
    slowdown: list[float]
    routing: str = "least_busy"
    duty: list[list[tuple[float, float]]] | None = None


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
    """The agents, their slots and typing queues, and the chat processes."""

    def __init__(self, env: simpy.Environment, inp: EngineInput) -> None:
        self.env = env
        self.inp = inp
        n, k = inp.n_agents, len(inp.arrival_s)
        self.cap = inp.cap
        self.load = [0] * n
        self.on_duty = [inp.duty is None] * n
        # least-busy buckets: levels[l] holds on-duty agents with l open chats (l < cap), oldest first.
        self.levels: list[dict[int, None]] = [{} for _ in range(inp.cap)]
        if inp.duty is None:
            self.levels[0] = dict.fromkeys(range(n))
        self.rr = 0
        self.waiting: deque = deque()
        self.gone = np.zeros(k, dtype=bool)
        self.typing = [False] * n
        self.tq: list[deque] = [deque() for _ in range(n)]
        self.cancelled: set[int] = set()
        self.reply_scale = [inp.reply_mean_s * float(f) for f in inp.agent_reply_factor]
        self.slow = list(inp.slowdown)
        self.msg_off = np.concatenate([[0], np.cumsum(inp.n_msgs)]).astype(np.int64)
        # records
        self.chat_agent = np.full(k, -1, dtype=np.int32)
        self.chat_assign = np.full(k, np.nan)
        self.chat_first = np.full(k, np.nan)
        self.chat_end = np.full(k, np.nan)
        self.chat_status = np.zeros(k, dtype=np.int8)
        self.chat_left = np.full(k, np.nan)
        self.chat_ghost = np.zeros(k, dtype=bool)
        m = int(self.msg_off[-1])
        self.msg_sent = np.full(m, np.nan)
        self.msg_sent[self.msg_off[:-1]] = inp.arrival_s  # the first buyer message opens the chat
        self.msg_reply = np.full(m, np.nan)
        self.msg_agent = np.full(m, -1, dtype=np.int32)
        self.msg_type = np.zeros(m)
        self.busy = [0.0] * n

    # ------------------------------------------------------------------------------------------ routing
    def _pick(self) -> int:
        """Take a slot on the best free on-duty agent, or return -1 when all are full."""
        if self.inp.routing == "round_robin":
            n = self.inp.n_agents
            for step in range(n):
                a = (self.rr + step) % n
                if self.on_duty[a] and self.load[a] < self.cap:
                    self.rr = (a + 1) % n
                    self._take(a)
                    return a
            return -1
        for lvl in self.levels:
            if lvl:
                a = next(iter(lvl))
                self._take(a)
                return a
        return -1

    def _take(self, a: int) -> None:
        old = self.load[a]
        self.levels[old].pop(a, None)
        self.load[a] = old + 1
        if self.on_duty[a] and old + 1 < self.cap:
            self.levels[old + 1][a] = None

    def _release(self, a: int) -> None:
        """Free one slot of agent ``a`` and hand it the next waiting chat."""
        old = self.load[a]
        if old < self.cap:
            self.levels[old].pop(a, None)
        self.load[a] = old - 1
        if self.on_duty[a]:
            self.levels[old - 1][a] = None
            self._pull(a)

    def _pull(self, a: int) -> None:
        w = self.waiting
        while w and self.on_duty[a] and self.load[a] < self.cap:
            i, ev = w.popleft()
            if self.gone[i]:
                continue
            self._take(a)
            if ev is None:  # a silent abandoner's chat: the agent answers nobody
                self.env.process(self._ghost(i, a))
            else:
                ev.succeed(a)

    def duty_on(self, a: int) -> None:
        """Agent ``a`` starts a shift."""
        if self.on_duty[a]:
            return
        self.on_duty[a] = True
        if self.load[a] < self.cap:
            self.levels[self.load[a]][a] = None
        self._pull(a)

    def duty_off(self, a: int) -> None:
        """Agent ``a`` ends a shift (keeps its open chats, takes no new ones)."""
        if not self.on_duty[a]:
            return
        self.on_duty[a] = False
        if self.load[a] < self.cap:
            self.levels[self.load[a]].pop(a, None)

    # ------------------------------------------------------------------------------------------- typing
    def _type_release(self, a: int) -> None:
        q = self.tq[a]
        while q:
            ev = q.popleft()
            if id(ev) in self.cancelled:
                self.cancelled.discard(id(ev))
                continue
            ev.succeed()
            return
        self.typing[a] = False

    def _reply_time(self, a: int, j: int) -> float:
        conc = self.load[a]
        s = self.slow
        f = s[conc - 1] if conc <= len(s) else s[-1]
        return self.reply_scale[a] * f * float(self.inp.reply_unit[j])

    # ------------------------------------------------------------------------------------------ processes
    def arrivals(self):
        """Start one chat process per arrival."""
        env = self.env
        for i, t in enumerate(self.inp.arrival_s.tolist()):
            dt = t - env.now
            if dt > 0:
                yield env.timeout(dt)
            env.process(self.chat(i))

    def chat(self, i: int):
        """One chat: wait for an agent (with patience), then the message exchange."""
        env = self.env
        t0 = env.now
        patience = float(self.inp.patience_s[i])
        a = self._pick()
        if a < 0:
            if patience == INF:
                ev = env.event()
                self.waiting.append([i, ev])
                a = yield ev
            else:
                ev = env.event()
                entry = [i, ev]
                self.waiting.append(entry)
                yield ev | env.timeout(patience)
                # ev.triggered, not "ev in res": an agent may have taken the chat at the very instant the
                # patience ran out (after the timeout, before this process resumed); the chat then holds a slot.
                if not ev.triggered:
                    self.chat_status[i] = ABANDONED
                    self.chat_left[i] = env.now
                    self.chat_end[i] = env.now
                    if self.inp.silent[i]:
                        # stays in the queue as a ghost that an agent will answer later
                        entry[1] = None
                        self.chat_ghost[i] = True
                    else:
                        self.gone[i] = True
                    return
                a = ev.value
        self.chat_agent[i] = a
        self.chat_assign[i] = env.now
        j0 = int(self.msg_off[i])
        k = int(self.inp.n_msgs[i])
        msg_sent, msg_reply, msg_agent = self.msg_sent, self.msg_reply, self.msg_agent
        for m in range(k):
            j = j0 + m
            if self.typing[a]:
                tev = env.event()
                self.tq[a].append(tev)
                if m == 0 and patience != INF:
                    left = patience - (env.now - t0)
                    if left > 0:
                        yield tev | env.timeout(left)
                    if not tev.triggered:  # the typist may have been handed over at the deadline instant
                        # unanswered too long: the buyer leaves before the first reply
                        self.cancelled.add(id(tev))
                        self.chat_status[i] = ABANDONED
                        self.chat_left[i] = env.now
                        self.chat_end[i] = env.now
                        self._release(a)
                        return
                else:
                    yield tev
            else:
                self.typing[a] = True
            rt = self._reply_time(a, j)
            yield env.timeout(rt)
            self.busy[a] += rt
            self.msg_type[j] = rt
            msg_reply[j] = env.now
            msg_agent[j] = a
            if m == 0:
                self.chat_first[i] = env.now
            self._type_release(a)
            if m + 1 < k:
                yield env.timeout(float(self.inp.think_s[j]))
                msg_sent[j + 1] = env.now
        self.chat_status[i] = ANSWERED
        self.chat_end[i] = env.now
        self._release(a)

    def _ghost(self, i: int, a: int):
        """A silent abandoner's chat: the agent takes it and types a first reply to nobody."""
        env = self.env
        self.chat_agent[i] = a
        self.chat_assign[i] = env.now
        j = int(self.msg_off[i])
        if self.typing[a]:
            tev = env.event()
            self.tq[a].append(tev)
            yield tev
        else:
            self.typing[a] = True
        rt = self._reply_time(a, j)
        yield env.timeout(rt)
        self.busy[a] += rt
        self.msg_type[j] = rt
        self.msg_reply[j] = env.now
        self.msg_agent[j] = a
        self.chat_first[i] = env.now
        self._type_release(a)
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


def duty_seconds(inp: EngineInput) -> np.ndarray:
    """On-duty seconds per agent within the horizon."""
    if inp.duty is None:
        return np.full(inp.n_agents, inp.horizon_s)
    return np.array([sum(max(0.0, min(off, inp.horizon_s) - max(on, 0.0)) for on, off in iv) for iv in inp.duty])


def run(inp: EngineInput) -> EngineRecords:
    """Run one replication and return its flat records."""
    env = simpy.Environment()
    cc = ChatCentre(env, inp)
    env.process(cc.arrivals())
    if inp.duty is not None:
        for a, iv in enumerate(inp.duty):
            if iv:
                env.process(cc.shifts(a, iv))
    env.run(until=inp.horizon_s)
    # buyer messages after a chat ended early (abandoners) were never sent: leave them nan
    msg_chat = np.repeat(np.arange(len(inp.arrival_s), dtype=np.int32), inp.n_msgs)
    return EngineRecords(
        chat_agent=cc.chat_agent, chat_assign_s=cc.chat_assign, chat_first_reply_s=cc.chat_first,
        chat_end_s=cc.chat_end, chat_status=cc.chat_status, chat_left_s=cc.chat_left, chat_ghost=cc.chat_ghost,
        msg_chat=msg_chat, msg_sent_s=cc.msg_sent, msg_reply_s=cc.msg_reply, msg_agent=cc.msg_agent,
        msg_type_s=cc.msg_type,
        agent_busy_s=np.asarray(cc.busy), agent_duty_s=duty_seconds(inp),
    )
