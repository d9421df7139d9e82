"""Named units of time and the codes stored in the records (the one place for both).

Times in the model are seconds from the start of day 0 of the horizon. Codes are IntEnums, so the records
keep small integers (``int8`` columns) while the code reads ``ChatStatus.ABANDONED``, ``Rating.SATISFIED``.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

MINUTE_S = 60.0
HOUR_S = 3_600.0
DAY_H = 24
DAY_S = 86_400.0
WEEK_DAYS = 7
#: Days per "month" in monthly amounts (base salaries are prorated by days / MONTH_DAYS) and period tables.
MONTH_DAYS = 30


def hour_of_day(t: np.ndarray) -> np.ndarray:
    """Hour of the day (float, 0 <= h < 24) of times in seconds; NaN stays NaN."""
    return (np.asarray(t, dtype=float) % DAY_S) / HOUR_S


class ChatStatus(IntEnum):
    """How a chat stands at the end of the run (records column ``status``)."""

    IN_PROGRESS = 0  # still queued or in conversation at the horizon
    ANSWERED = 1     # every buyer message was answered
    ABANDONED = 2    # the buyer left unanswered (patience ran out)


class HandledBy(IntEnum):
    """Who handled a chat (records column ``handled_by`` of a run with the bot front line)."""

    HUMAN = 0  # reached the agents (also after the bot handed it over)
    BOT = 1    # resolved by the bot alone, or bot-only in a bot hour


class Rating(IntEnum):
    """The buyer's rating of a chat (records column ``rating``)."""

    NONE = 0
    SATISFIED = 1
    NEUTRAL = 2
    DISAPPOINTED = 3
