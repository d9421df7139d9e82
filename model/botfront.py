"""The bot front line around the SimPy engine: which chats the bot resolves, which it hands over and when.

The engine (:mod:`model.chatcentre`) is not touched: the bot decides before a chat reaches it, and the engine
runs on the chats that reach the agents, in the order they reach the queue. For chat i arriving at t_i in hour
h (``[bot]``, docs/model.md "The bot front line"):

* the bot meets the chat when ``resolve_share[h] > 0`` or h is a bot hour; otherwise it goes straight to the
  agents, as without a bot;
* it resolves the chat alone when ``U_resolve < resolve_share[h]`` (stream ``bot``): the chat never reaches
  the queue; the bot replies to every buyer message ``first_reply_s`` after it;
* in a bot hour an unresolved chat is bot-only: the bot answers the first message and the buyer leaves without
  a human (status abandoned);
* otherwise the bot hands the chat over at ``t_i + D_i`` (``D = handover_delay``); the buyer's patience then
  starts again (``reset``) or has ``D_i`` less left (``continue``: a buyer with patience <= D_i leaves at
  ``t_i + patience`` before reaching the queue). The bot's first reply (at ``first_reply_s``) happens when it is
  not later than the hand-over.

The records keep the buyer's own times: a handed-over chat arrives at ``t_i`` (its first message was sent
then), so the human first response ``first reply - t_i`` includes the hand-over delay; its queue wait counts
from the hand-over. :func:`run` returns the engine's records for every chat (in the original order) and the bot's
own columns (:class:`BotRecords`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from model import chatcentre
from model.chatcentre import ABANDONED, ANSWERED, EngineInput, EngineRecords
from model.clock import DAY_S, HOUR_S, HandledBy
from model.language.bot import Bot

#: handled_by codes of the records (human: the chat reached the agents, also after a hand-over).
HUMAN, BOT = int(HandledBy.HUMAN), int(HandledBy.BOT)


@dataclass
class BotRecords:
    """Per chat: who handled it and the bot's part.

    Attributes:
        handled_by: int8, 0 human (reached the agents' queue, or left during a hand-over), 1 bot (resolved by
            the bot or bot-only in a bot hour).
        resolved: the bot resolved the chat alone.
        handed_over: the bot held the chat and passed it on (or the buyer left while it held it).
        handover_s: time the chat reached the agents' queue (NaN unless handed over and still there).
        bot_first_s: time of the bot's first reply (NaN when the bot did not reply).
        msg_bot_reply_s: per buyer message, the time of the bot's reply (NaN where the bot did not reply).
    """

    handled_by: np.ndarray
    resolved: np.ndarray
    handed_over: np.ndarray
    handover_s: np.ndarray
    bot_first_s: np.ndarray
    msg_bot_reply_s: np.ndarray


def _ranges(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """The concatenated index ranges ``starts[k] .. starts[k] + lens[k] - 1``."""
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lens)
    offs = np.repeat(starts - (ends - lens), lens)
    return offs + np.arange(total, dtype=np.int64)


def split(inp: EngineInput, bot: Bot, u_resolve: np.ndarray, delay_unit: np.ndarray) -> dict[str, np.ndarray]:
    """The bot's decision per chat: ``resolved``, ``bot_only``, ``handed``, ``gone`` (left during the hand-over),
    ``delay`` (s) and the patience the engine gets (``patience``)."""
    t = inp.arrival_s
    hour = ((t % DAY_S) // HOUR_S).astype(np.int64)
    share = np.asarray(bot.hourly_share(), dtype=float)[hour]
    alone = np.isin(hour, bot.bot_hours) if bot.bot_hours else np.zeros(len(t), dtype=bool)
    meets = (share > 0) | alone
    resolved = meets & (u_resolve < share)
    bot_only = alone & ~resolved
    handed = meets & ~resolved & ~alone
    delay = np.where(handed, delay_unit * bot.handover_delay.mean_s, 0.0)
    patience = np.asarray(inp.patience_s, dtype=float)
    gone = np.zeros(len(t), dtype=bool)
    if bot.patience_after_handover == "continue":
        gone = handed & (patience <= delay)
        patience = np.where(handed, patience - delay, patience)
    return {"resolved": resolved, "bot_only": bot_only, "handed": handed, "gone": gone, "delay": delay,
            "patience": patience}


def run(inp: EngineInput, bot: Bot, u_resolve: np.ndarray, delay_unit: np.ndarray) -> tuple[EngineRecords, BotRecords]:
    """Run one replication with the bot in front of the agents (see the module text)."""
    t = np.asarray(inp.arrival_s, dtype=float)
    k = len(t)
    dec = split(inp, bot, u_resolve, delay_unit)
    resolved, bot_only, handed, gone, delay = dec["resolved"], dec["bot_only"], dec["handed"], dec["gone"], dec["delay"]
    n_msgs = np.asarray(inp.n_msgs, dtype=np.int64)
    off = np.concatenate([[0], np.cumsum(n_msgs)]).astype(np.int64)
    m = int(off[-1])
    # the chats that reach the agents, in the order they reach the queue
    human = np.flatnonzero(~resolved & ~bot_only & ~gone)
    queue_at = t[human] + delay[human]
    order = np.argsort(queue_at, kind="stable")
    idx = human[order]
    midx = _ranges(off[idx], n_msgs[idx])
    sub = replace(
        inp, arrival_s=queue_at[order], n_msgs=n_msgs[idx], patience_s=dec["patience"][idx],
        silent=np.asarray(inp.silent)[idx], reply_unit=np.asarray(inp.reply_unit)[midx],
        think_s=np.asarray(inp.think_s)[midx],
        aftersale=None if inp.aftersale is None else np.asarray(inp.aftersale)[idx],
        latency_unit=None if inp.latency_unit is None else np.asarray(inp.latency_unit)[midx])
    r = chatcentre.run(sub)
    nan = np.nan
    agent = np.full(k, -1, dtype=np.int32)
    assign, first, end, left = (np.full(k, nan) for _ in range(4))
    status = np.zeros(k, dtype=np.int8)
    ghost = np.zeros(k, dtype=bool)
    agent[idx], assign[idx], first[idx], end[idx] = r.chat_agent, r.chat_assign_s, r.chat_first_reply_s, r.chat_end_s
    status[idx], left[idx], ghost[idx] = r.chat_status, r.chat_left_s, r.chat_ghost
    sent, reply, magent, mtype = np.full(m, nan), np.full(m, nan), np.full(m, -1, dtype=np.int32), np.zeros(m)
    sent[midx], reply[midx], magent[midx], mtype[midx] = r.msg_sent_s, r.msg_reply_s, r.msg_agent, r.msg_type_s
    sent[off[:-1][handed]] = t[handed]  # the buyer sent the first message on arrival, before the bot held it
    fr = float(bot.first_reply_s)
    bot_reply = np.full(m, nan)
    # resolved by the bot: every buyer message answered fr after it, the buyer thinking between replies
    ridx = np.flatnonzero(resolved)
    rm = _ranges(off[ridx], n_msgs[ridx])
    if len(rm):
        step = fr + np.asarray(inp.think_s, dtype=float)[rm]
        cum = np.cumsum(step)
        start = np.repeat(cum[np.cumsum(n_msgs[ridx]) - n_msgs[ridx]] - step[np.cumsum(n_msgs[ridx]) - n_msgs[ridx]],
                          n_msgs[ridx])
        sent[rm] = np.repeat(t[ridx], n_msgs[ridx]) + (cum - step) - start
        bot_reply[rm] = sent[rm] + fr
        last = off[ridx] + n_msgs[ridx] - 1
        status[ridx], first[ridx], end[ridx] = ANSWERED, t[ridx] + fr, bot_reply[last]
    # bot-only (bot hour, unresolved) and buyers gone during a hand-over: the first message only
    for mask, leave in ((bot_only, t + fr), (gone, t + np.asarray(inp.patience_s, dtype=float))):
        j = np.flatnonzero(mask)
        sent[off[j]] = t[j]
        status[j], left[j], end[j] = ABANDONED, leave[j], leave[j]
    bot_first = np.where(resolved | bot_only, t + fr, nan)
    early = (handed | gone) & (fr <= np.where(gone, np.minimum(delay, np.asarray(inp.patience_s, dtype=float)), delay))
    bot_first = np.where(early, t + fr, bot_first)
    first = np.where(bot_only, t + fr, first)
    bot_reply[off[:-1][bot_only | early]] = bot_first[bot_only | early]
    horizon = inp.horizon_s
    # past the horizon nothing happened yet
    for arr in (first, end, left):
        arr[arr > horizon] = nan
    status[(resolved | bot_only) & ~np.isfinite(end)] = 0
    bot_first[bot_first > horizon] = nan
    bot_reply[bot_reply > horizon] = nan
    sent[sent > horizon] = nan
    handled = np.where(resolved | bot_only, BOT, HUMAN).astype(np.int8)
    rec = EngineRecords(
        chat_agent=agent, chat_assign_s=assign, chat_first_reply_s=first, chat_end_s=end, chat_status=status,
        chat_left_s=left, chat_ghost=ghost, msg_chat=np.repeat(np.arange(k, dtype=np.int32), n_msgs),
        msg_sent_s=sent, msg_reply_s=np.where(np.repeat(handled == BOT, n_msgs), bot_reply, reply), msg_agent=magent,
        msg_type_s=mtype, agent_busy_s=r.agent_busy_s, agent_duty_s=r.agent_duty_s)
    handover = np.where(handed & ~gone, t + delay, nan)
    return rec, BotRecords(handled, resolved, handed | gone, handover, bot_first, bot_reply)
