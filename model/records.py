"""The records contract: the chat and message frames that KPIs and pay are computed from.

A simulation builds them (:func:`engine_frames` from the engine's arrays and the replication's draws, then
:func:`model.outcomes.apply_outcomes` adds the outcome columns); an import of real history can build the same
frames and go through the same KPI and pricing code (:func:`model.kpi.kpi_table`). Nothing here depends on KPI
options: which chats count as inquirers, which messages fall in the reply window and the 30-second flag are
computed by :mod:`model.kpi` from these columns and ``[kpi]``.

Each column: name -> (dtype, meaning). Times are seconds from the start of day 0 (:mod:`model.clock`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.clock import DAY_S, HOUR_S, ChatStatus, Rating

if TYPE_CHECKING:
    from model.botfront import BotRecords
    from model.chatcentre import EngineRecords
    from model.draws import Draws

__all__ = ["CHAT_COLUMNS", "MSG_COLUMNS", "OUTCOME_COLUMNS", "ChatStatus", "Rating", "RecordsError",
           "engine_frames", "validate_frames"]

#: One row per chat (all replications), before outcomes.
CHAT_COLUMNS: dict[str, tuple[str, str]] = {
    "rep": ("int32", "replication (0-based); history: 0"),
    "chat": ("int32", "chat index within the replication (0-based, arrival order)"),
    "day": ("int32", "day of arrival (0-based)"),
    "hour": ("int8", "hour of day of arrival (0-23)"),
    "arrival_s": ("float64", "arrival time = the buyer's first message"),
    "aftersale": ("bool", "an after-sale chat (else pre-sale)"),
    "agent": ("int32", "the agent who took the chat; -1 = never taken"),
    "status": ("int8", "ChatStatus at the end: 0 in progress, 1 answered, 2 abandoned"),
    "ghost": ("bool", "a silent abandoner whose chat stayed queued (an agent may later answer nobody)"),
    "queue_wait_s": ("float64", "time until an agent took the chat (abandoner: until it left; queued at the "
                                "end: until the horizon)"),
    "first_response_s": ("float64", "first reply - arrival; NaN without a reply"),
    "returning": ("bool", "a pre-sale buyer who bought before (new / returning sales)"),
    "advert": ("bool", "an advert or spam chat"),
    "unresponsive": ("bool", "a pre-sale buyer who never answered the agent"),
    "purchase_days_ago": ("float64", "days since the buyer's last purchase if a recent buyer, else NaN"),
}

#: Outcome columns added to the chat frame (:func:`model.outcomes.apply_outcomes`).
OUTCOME_COLUMNS: dict[str, tuple[str, str]] = {
    "ordered": ("bool", "the buyer ordered"),
    "paid": ("bool", "the buyer paid"),
    "value_yuan": ("float64", "paid order value (0 unless paid)"),
    "refunded": ("bool", "the paid order was refunded"),
    "caused_refund": ("bool", "a refund the serving agent caused (seed 004's after-sale cost from 客服因素)"),
    "attributed": ("bool", "the sale is credited to the agent who served the chat"),
    "rating": ("int8", "Rating: 0 none, 1 satisfied, 2 neutral, 3 disappointed"),
    "bad_attitude": ("bool", "a neutral/disappointed rating due to the agent's attitude"),
}

#: Outcome columns that only some runs have (absent = False for every chat).
OPTIONAL_OUTCOME_COLUMNS: dict[str, tuple[str, str]] = {
    "hidden": ("bool", "gaming: a non-buying inquirer the agent kept out of the inquirer count (behaviour)"),
}

#: Chat columns of a run with the bot front line (``[bot]`` on; absent = every chat handled by humans, no bot).
BOT_CHAT_COLUMNS: dict[str, tuple[str, str]] = {
    "handled_by": ("int8", "HandledBy: 0 human (reached the agents, also after a hand-over), 1 bot (resolved by "
                           "the bot, or bot-only in a bot hour)"),
    "handed_over": ("bool", "the bot held the chat and handed it to the agents (or the buyer left meanwhile)"),
    "bot_resolved": ("bool", "the bot resolved the chat alone (its own conversion and rating)"),
    "bot_first_response_s": ("float64", "the bot's first reply - arrival; NaN when the bot did not reply"),
}

#: Message columns of a run with the bot front line.
BOT_MSG_COLUMNS: dict[str, tuple[str, str]] = {
    "handled_by": ("int8", "the chat's HandledBy code"),
    "bot_reply_s": ("float64", "time of the bot's reply to the message; NaN where the bot did not reply"),
}

#: One row per buyer message that was sent.
MSG_COLUMNS: dict[str, tuple[str, str]] = {
    "rep": ("int32", "replication"),
    "chat": ("int32", "the chat (index into the chat frame of the same rep)"),
    "agent": ("int32", "the chat's agent; -1 = never taken"),
    "day": ("int32", "day the message was sent"),
    "sent_s": ("float64", "time the buyer sent it"),
    "reply_s": ("float64", "time the agent's reply was sent; NaN if none"),
    "lines": ("int32", "agent lines (messages) in the reply; 0 without a reply"),
    "type_s": ("float64", "the agent's typing time for the reply; 0 without a reply"),
}

_KIND = {"int32": "i", "int8": "i", "float64": "f", "bool": "b"}


class RecordsError(ValueError):
    """Frames that do not follow the records contract (missing columns, wrong kinds, unknown codes)."""


def _check(frame: pd.DataFrame, columns: dict[str, tuple[str, str]], what: str) -> list[str]:
    problems = []
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        problems.append(f"{what} lacks columns {missing}")
    for c, (dtype, _) in columns.items():
        if c in frame.columns and frame[c].dtype.kind != _KIND[dtype]:
            problems.append(f"{what}.{c} must be {dtype}, got {frame[c].dtype}")
    return problems


def validate_frames(chats: pd.DataFrame, msgs: pd.DataFrame, *, outcomes: bool = True) -> None:
    """Check frames against the contract (columns, kinds, codes, messages pointing at chats).

    Args:
        chats: the chat frame (:data:`CHAT_COLUMNS`, plus :data:`OUTCOME_COLUMNS` when ``outcomes``).
        msgs: the message frame (:data:`MSG_COLUMNS`).
        outcomes: require the outcome columns too.

    Raises:
        RecordsError: every problem found, one per line.
    """
    cols = {**CHAT_COLUMNS, **OUTCOME_COLUMNS} if outcomes else CHAT_COLUMNS
    problems = _check(chats, cols, "chats") + _check(msgs, MSG_COLUMNS, "msgs")
    if not problems:
        bad = ~chats["status"].isin([int(s) for s in ChatStatus])
        if bad.any():
            problems.append(f"chats.status has codes outside ChatStatus: {sorted(set(chats['status'][bad]))}")
        if outcomes:
            bad = ~chats["rating"].isin([int(r) for r in Rating])
            if bad.any():
                problems.append(f"chats.rating has codes outside Rating: {sorted(set(chats['rating'][bad]))}")
        known = pd.MultiIndex.from_frame(chats[["rep", "chat"]])
        orphan = ~pd.MultiIndex.from_frame(msgs[["rep", "chat"]]).isin(known)
        if orphan.any():
            problems.append(f"{int(orphan.sum())} messages point at no chat (rep, chat)")
    if problems:
        raise RecordsError("\n".join(problems))


def engine_frames(d: Draws, rec: EngineRecords, rep: int, horizon_s: float,
                  bot: BotRecords | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chat frame (without outcomes) and message frame of one simulated replication (``bot``: the bot front
    line's records; adds :data:`BOT_CHAT_COLUMNS` and :data:`BOT_MSG_COLUMNS`, and the queue wait counts from the
    hand-over, 0 for chats that never reached the queue)."""
    t = d.arrival_s
    taken_at = np.where(np.isfinite(rec.chat_assign_s) & ~rec.chat_ghost, rec.chat_assign_s, np.nan)
    left = rec.chat_left_s
    queue_end = np.where(np.isfinite(taken_at), taken_at, np.where(np.isfinite(left), left, horizon_s))
    bot_chats: dict[str, np.ndarray] = {}
    bot_msgs: dict[str, np.ndarray] = {}
    if bot is None:
        queue_wait = queue_end - t
    else:
        queued_from = np.where(np.isfinite(bot.handover_s), bot.handover_s, t)
        reached = (bot.handled_by == 0) & ~(bot.handed_over & ~np.isfinite(bot.handover_s))
        queue_wait = np.where(reached, np.maximum(queue_end - queued_from, 0.0), 0.0)
        bot_chats = {"handled_by": bot.handled_by, "handed_over": bot.handed_over, "bot_resolved": bot.resolved,
                     "bot_first_response_s": bot.bot_first_s - t}
        bot_msgs = {"handled_by": bot.handled_by[rec.msg_chat], "bot_reply_s": bot.msg_bot_reply_s}
    chats = pd.DataFrame({
        "rep": np.int32(rep),
        "chat": np.arange(len(t), dtype=np.int32),
        "day": (t // DAY_S).astype(np.int32),
        "hour": ((t % DAY_S) // HOUR_S).astype(np.int8),
        "arrival_s": t,
        "aftersale": d.aftersale,
        "agent": rec.chat_agent,
        "status": rec.chat_status,
        "ghost": rec.chat_ghost,
        "queue_wait_s": queue_wait,
        "first_response_s": rec.chat_first_reply_s - t,
        "returning": d.returning,
        "advert": d.advert,
        "unresponsive": d.unresponsive,
        "purchase_days_ago": d.purchase_days_ago,
        **bot_chats,
    })
    # only the messages that were sent, taken from the arrays (the same frame as filtering the full one: the
    # same rows and index labels, without building and copying the unsent rows)
    was_sent = np.isfinite(rec.msg_sent_s)
    kept = np.flatnonzero(was_sent)
    sent = rec.msg_sent_s[kept]
    reply = rec.msg_reply_s[kept]
    msg_chat = rec.msg_chat[kept]
    msgs = pd.DataFrame({
        "rep": np.int32(rep),
        "chat": msg_chat,
        "agent": rec.chat_agent[msg_chat],
        "day": (sent // DAY_S).astype(np.int32),
        "sent_s": sent,
        "reply_s": reply,
        "lines": np.where(np.isfinite(reply), d.lines[kept], 0).astype(np.int32),
        "type_s": rec.msg_type_s[kept],
        **{k: v[kept] for k, v in bot_msgs.items()},
    }, index=pd.RangeIndex(len(was_sent))[was_sent])
    return chats, msgs
