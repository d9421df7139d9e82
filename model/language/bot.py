"""The scenario's ``[bot]`` table: the bot front line (店小蜜 / 智能客服 / 飞鸽 robots) in front of the agents.

Before a chat reaches an agent the bot either resolves it alone (the chat never reaches the queue; its own
conversion and rating) or hands it over to the agents after ``handover_delay`` (the buyer's patience then
starts again or goes on). In ``bot_hours`` the shop leaves the chats to the bot alone: they are modelled as
bot-only chats instead of being dropped. How each platform counts bot replies and ratings in its rates is data
in the rule packs (``[bot]`` of ``model/rule_packs/<platform>.toml``; docs/kpi.md). docs/model.md, "The bot
front line", has the equations; docs/scenario.md the keys.

The bot is off (the engine does exactly what it does without a ``[bot]`` table) when ``resolve_share`` is 0 in
every hour and ``bot_hours`` is empty.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from model.language.base import Strict
from model.strict_values import Refused


class HandoverDelay(Strict):
    """Time from the buyer's first message until the bot hands the chat to the agents' queue (seconds)."""

    dist: Literal["exponential", "lognormal", "gamma", "constant"] = Field(
        "lognormal", description="exponential, lognormal, gamma or constant.")
    mean_s: float = Field(
        30.0, ge=0, le=86_400, description="Mean hand-over delay in seconds (0 = the bot passes the chat on at once).")
    cv: float = Field(0.8, ge=0, le=10, description="Coefficient of variation (lognormal, gamma).")


class Bot(Strict):
    """The bot front line (``[bot]``)."""

    resolve_share: float | list[float] = Field(
        0.0, description="Share of chats the bot resolves alone (0-1), one number or 24 numbers (one per hour of "
        "day of the chat's arrival). 0 in every hour (and no bot_hours) = no bot.")
    handover_delay: HandoverDelay = Field(
        default_factory=HandoverDelay, description="Time the bot holds a chat it cannot resolve before the "
        "agents' queue gets it.")
    patience_after_handover: Literal["reset", "continue"] = Field(
        "reset", description="'reset': the buyer's patience starts again at the hand-over (the bot kept them "
        "talking); 'continue': the time with the bot counts against it (a buyer out of patience during the bot "
        "phase leaves before reaching the queue).")
    first_reply_s: float = Field(
        3.0, ge=0, le=600, description="Seconds from a buyer message to the bot's reply (the bot's first "
        "response time; counts where the platform counts bot replies).")
    conversion: float = Field(
        0.25, ge=0, le=1, description="Share of the genuine pre-sale inquirers the bot resolves alone who pay "
        "(the bot's inquiry conversion).")
    rating_share: float = Field(
        0.10, ge=0, le=1, description="Share of bot-resolved chats that leave a rating.")
    satisfied_share: float = Field(
        0.80, ge=0, le=1, description="Share of those ratings that are satisfied.")
    bad_share: float = Field(
        0.20, ge=0, le=1, description="Share of those ratings that are bad (neutral or disappointed; split by "
        "outcomes.disappointed_share_of_bad). satisfied_share + bad_share = 1.")
    bot_hours: list[int] = Field(
        default_factory=list, description="Hours of day (0-23) the shop leaves to the bot alone: chats arriving "
        "then are bot-only (resolved by the bot, or left without a human) instead of being dropped; arrivals in "
        "those hours come at the traffic profile's rate even outside traffic.open_hours.")

    @field_validator("resolve_share", mode="before")
    @classmethod
    def _share_kind(cls, v: Any) -> Any:
        # one message for a loose value (the union of a number and a list would report it once per member)
        if isinstance(v, Refused):
            raise ValueError(v.reason)
        if isinstance(v, str):
            raise ValueError("expects a number (0-1) or a list of 24 numbers, not text; write it without quotes")
        return v

    @field_validator("resolve_share")
    @classmethod
    def _share(cls, v: float | list[float]) -> float | list[float]:
        vals = v if isinstance(v, list) else [v]
        if isinstance(v, list) and len(v) != 24:
            raise ValueError(f"a resolve_share by hour needs exactly 24 numbers (one per hour), got {len(v)}")
        if any((not math.isfinite(x)) or not 0 <= x <= 1 for x in vals):
            raise ValueError("resolve_share must be between 0 and 1 (a share of chats)")
        return v

    @field_validator("bot_hours")
    @classmethod
    def _hours(cls, v: list[int]) -> list[int]:
        if any(not 0 <= h <= 23 for h in v) or len(set(v)) != len(v):
            raise ValueError(f"bot_hours must be distinct hours of day 0 .. 23; got {v}")
        return sorted(v)

    @model_validator(mode="after")
    def _ratings(self) -> Bot:
        if abs(self.satisfied_share + self.bad_share - 1.0) > 1e-9:
            raise ValueError(f"satisfied_share ({self.satisfied_share:g}) + bad_share ({self.bad_share:g}) must be 1: "
                             "every rating of a bot-resolved chat is satisfied or bad")
        return self

    def hourly_share(self) -> list[float]:
        """The resolution share of each hour of day (24 numbers); 1 in bot hours is not implied (see docs)."""
        return list(self.resolve_share) if isinstance(self.resolve_share, list) else [float(self.resolve_share)] * 24

    @property
    def active(self) -> bool:
        """True when the bot takes part in the run (a share above 0 in some hour, or bot hours)."""
        return bool(self.bot_hours) or any(x > 0 for x in self.hourly_share())
