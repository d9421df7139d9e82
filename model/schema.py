"""The scenario schema: every pydantic configuration model of a scenario file, and its size limits.

This is the lowest stage of the data flow (scenario -> traffic -> engine -> records -> KPIs -> pay ->
economics): it configures every later stage but imports none of them. Of the scheme package it imports the
scheme *language* only (:mod:`model.schemes.spec`), never pricing or economics. Loading, ``--set`` overrides
and readable errors live in :mod:`model.scenario`; edits that keep a scenario valid in :mod:`model.edits`.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from model.clock import WEEK_DAYS
from model.errors import format_validation_error
from model.language.base import Strict as _Strict
from model.language.behaviour import Behaviour
from model.language.bot import Bot
from model.language.kpi_options import KpiOptions
from model.language.tuning import Tuning
from model.schemes.spec import Scheme, validate_schemes

#: Hard limits that keep a run inside the machine's memory; larger runs are refused before they start.
MAX_AGENTS = 5_000
MAX_DAYS = 366
MAX_REPLICATIONS = 1_000
MAX_CHATS_PER_REPLICATION = 5_000_000
MAX_MESSAGES_PER_CHAT = 200
MAX_MESSAGES_PER_REPLICATION = 20_000_000
#: All replications' records are kept in memory together (about 1 KB per chat with its messages).
MAX_CHATS_PER_RUN = 20_000_000

PROFILES: dict[str, list[float]] = {
    # Constant rate around the clock.
    "flat": [1.0] * 24,
    # A typical Chinese e-commerce day (Taobao/Tmall/Douyin shop consoles): quiet at night, a morning
    # ramp from 9:00, a lunch dip, afternoon plateau and the evening peak 20:00-23:00.
    "ecommerce": [1.6, 0.8, 0.4, 0.2, 0.2, 0.2, 0.4, 1.0, 2.6, 4.6, 5.6, 5.4, 4.4, 5.0, 5.6, 5.6, 5.2, 4.8,
                  4.6, 5.4, 6.6, 7.2, 6.6, 3.8],
    # Double 11 (双十一): the midnight opening rush, a day plateau and the evening final rush.
    "double11": [14.0, 9.0, 4.0, 1.5, 0.8, 0.6, 0.8, 1.5, 3.0, 4.5, 5.0, 5.0, 4.8, 4.8, 5.0, 5.0, 4.8, 4.6,
                 4.8, 5.6, 7.0, 8.0, 9.0, 9.5],
    # Office hours only (a B2B or JD-style 9:00-18:00 service desk).
    "daytime": [0.0] * 9 + [1.0] * 9 + [0.0] * 6,
}



# ---------------------------------------------------------------------------------------------------- meta
class PlanFacts(_Strict):
    """How a planned month was made (``[meta.plan]``, written by ``python -m model plan``; the deck's next-month
    slide reads it). Facts of the plan, not settings: the engine does not read them."""

    month: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="The planned month (YYYY-MM).")
    first_date: str = Field("", description="The month's first date (day 0).")
    method: str = Field("", description="The forecast model.")
    inquiries: float = Field(..., ge=0, description="Forecast inquiries in the month (mean).")
    inquiries_lo: float = Field(0.0, ge=0, description="The month's total inquiries, the interval's low end (see "
                                "month_interval).")
    inquiries_hi: float = Field(0.0, ge=0, description="The month's total inquiries, the interval's high end.")
    level: float = Field(0.8, gt=0, lt=1, description="The interval's coverage.")
    month_interval: Literal["simulated", "days_summed"] = Field(
        "days_summed", description="How inquiries_lo/hi were made: 'simulated' = quantiles of the month's total over "
        "simulated sample paths of the forecast model (correlated days; docs/plan.md); 'days_summed' = the per-day "
        "interval ends summed (plans written before 2026-12-04).")
    quantile: float = Field(0.8, ge=0.5, lt=1, description="The volume quantile every hour is staffed for.")
    backtest_wape: float | None = Field(None, ge=0, description="The back-test's WAPE (None: no back-test).")
    backtest_coverage: float | None = Field(None, ge=0, le=1, description="The back-test interval's coverage.")
    line_kpi: str = Field("", description="The KPI of the line staffed to (three_min_reply_rate, avg_response_s).")
    line_value: float | None = Field(None, description="The line's value (a rate, or seconds).")
    agents: int = Field(..., ge=0, description="Agents in the roster.")
    paid_agent_hours: float = Field(..., ge=0, description="Paid agent-hours of the roster in the month.")
    need_agent_hours: float = Field(..., ge=0, description="Agent-hours the hourly requirement asks for.")
    unmet_hours: int = Field(0, ge=0, description="Hours of the month the roster leaves short.")
    unmet_agent_hours: float = Field(0.0, ge=0, description="Agent-hours short in those hours.")
    rule_pack: str = Field("", description="The platform rule pack in force that month.")
    rule_date: str = Field("", description="The date the rule pack was read for.")
    behaviour_from: list[str] = Field(default_factory=list,
                                      description="Months the [behaviour] was fitted from (empty: assumed).")


class Meta(_Strict):
    """Run settings."""

    name: str = Field("", description="Scenario title shown in reports.")
    description: str = Field("", description="Free text.")
    days: int = Field(30, ge=1, le=MAX_DAYS, description="Simulated horizon in days (money is for this horizon).")
    seed: int = Field(20261122, ge=0, lt=2**63, description="Random seed; the same seed gives identical results.")
    replications: int = Field(5, ge=1, le=MAX_REPLICATIONS, description="Independent replications (intervals).")
    start_weekday: int = Field(0, ge=0, le=6, description="Weekday of day 0 (0 = Monday ... 6 = Sunday).")
    months: int = Field(1, ge=1, le=24, description="Consecutive months for a scheme's target ratchet (each month "
                        "is meta.days long, with its own traffic).")
    share_engine: bool | None = Field(None, description="Run a scheme whose effects (the agents' response or the "
                                      "manager's assumed effects) change only reply speeds by re-timing the base run's "
                                      "chats (model/retime.py) when the queue does not matter (<= 2% of chats waited "
                                      "for an agent): true = whenever the queue allows; false = simulate every scheme "
                                      "again; left out = when the run has at least 56 replication-days (days x "
                                      "replications), where the re-timing is inside the simulation's noise.")
    plan: PlanFacts | None = Field(None, description="Set by `python -m model plan`: how the month was planned.")


class Shop(_Strict):
    """The shop and its platform (decides which platform lines are drawn)."""

    name: str = "店铺"
    platform: Literal["taobao", "tmall", "douyin", "kuaishou", "jd", "pdd", "other"] = "taobao"


# ------------------------------------------------------------------------------------------------- traffic
class PromoDay(_Strict):
    """A promotion day: traffic on that day is multiplied (e.g. 双十一 x5)."""

    day: int = Field(..., ge=0, description="Day index in the horizon (0 = first simulated day).")
    multiplier: float = Field(..., gt=0, le=100, description="Traffic multiplier for that day.")
    name: str = ""
    intraday_profile: str | list[float] | None = Field(
        None, description="Profile for that day (e.g. 'double11'); default: the normal profile.")

    @field_validator("intraday_profile")
    @classmethod
    def _profile(cls, v: Any) -> Any:
        return None if v is None else _check_profile(v)


def _check_profile(v: str | list[float]) -> str | list[float]:
    if isinstance(v, str):
        if v not in PROFILES:
            raise ValueError(f"unknown profile '{v}'; allowed: {', '.join(PROFILES)} or a list of 24 weights")
        return v
    if len(v) != 24:
        raise ValueError(f"a profile of weights needs exactly 24 numbers (one per hour), got {len(v)}")
    if any((not math.isfinite(w)) or w < 0 for w in v):
        raise ValueError("profile weights must be finite and >= 0")
    if sum(v) <= 0:
        raise ValueError("profile weights must not all be 0")
    return v


class Traffic(_Strict):
    """Arrival streams (non-homogeneous Poisson)."""

    inquiries_per_day: float = Field(1000.0, ge=0, description="Pre-sale chats per normal day (weekday factor 1).")
    aftersale_per_day: float = Field(0.0, ge=0, description="After-sale chats per normal day.")
    intraday_profile: str | list[float] = Field(
        "ecommerce", description="Named profile (flat, ecommerce, double11, daytime) or 24 hourly weights.")
    aftersale_profile: str | list[float] | None = Field(None, description="Profile for after-sale; default: the same.")
    weekday_factors: list[float] = Field(
        default_factory=lambda: [1.0] * 7, description="Multipliers Monday..Sunday (7 numbers, > 0).")
    promo_days: list[PromoDay] = Field(default_factory=list, description="Promotion days with multipliers.")
    open_hours: tuple[float, float] = Field(
        (0.0, 24.0), description="[start_h, end_h] when chats arrive; outside, the shop is closed.")

    @field_validator("intraday_profile", "aftersale_profile")
    @classmethod
    def _profiles(cls, v: Any) -> Any:
        return None if v is None else _check_profile(v)

    @field_validator("weekday_factors")
    @classmethod
    def _weekdays(cls, v: list[float]) -> list[float]:
        if len(v) != 7:
            raise ValueError(f"needs exactly 7 numbers (Monday..Sunday), got {len(v)}")
        if any((not math.isfinite(w)) or w < 0 for w in v):
            raise ValueError("weekday factors must be finite and >= 0")
        return v

    @field_validator("open_hours")
    @classmethod
    def _open(cls, v: tuple[float, float]) -> tuple[float, float]:
        a, b = v
        if not (0 <= a < b <= 24):
            raise ValueError(f"open_hours must be [start_h, end_h] with 0 <= start_h < end_h <= 24, got {list(v)}")
        return v


# -------------------------------------------------------------------------------------------------- agents
class TimeDist(_Strict):
    """A positive duration distribution in seconds."""

    dist: Literal["exponential", "lognormal", "gamma", "constant"] = Field(
        "exponential", description="exponential, lognormal, gamma or constant.")
    mean_s: float = Field(..., gt=0, le=86_400, description="Mean in seconds.")
    cv: float = Field(1.0, ge=0, le=10, description="Coefficient of variation (lognormal, gamma).")


class ReactionLatency(TimeDist):
    """Time until an agent notices a buyer message (0 = at once). It does not occupy the agent's typing."""

    mean_s: float = Field(0.0, ge=0, le=86_400, description="Mean reaction latency in seconds (0 = none).")
    first_message_share: float = Field(
        1.0, ge=0, le=1, description="Latency of a chat's first message as a share of the others' (consoles alert "
        "on a new buyer: 0.3 = noticed in 30% of the time).")


class Shift(_Strict):
    """A shift: a number of agents working the same hours every day."""

    name: str = ""
    start_h: float = Field(..., ge=0, lt=24, description="Start hour (0-24).")
    end_h: float = Field(..., gt=0, le=24, description="End hour; below start_h means the shift runs overnight.")
    agents: int = Field(..., ge=0, le=MAX_AGENTS, description="How many agents work this shift (0 keeps the shift "
                        "in the file with nobody on it).")
    weekdays: list[int] | None = Field(
        None, description="Weekdays the shift works (0 = Monday ... 6 = Sunday; default: every day). The other "
        "days are the agents' rest days.")
    days: list[int] | None = Field(
        None, description="Days of the horizon the shift works (0 = first day), e.g. an extra shift on a promotion "
        "day; overrides weekdays. Days beyond meta.days fall outside the run (a shorter run of a planned month).")
    break_start_h: float | None = Field(
        None, ge=0, lt=24, description="Hour of the day the shift's break begins (inside the shift); during the "
        "break the agents take no new chats (they keep the open ones) and the time is not on duty.")
    break_h: float = Field(0.0, ge=0, le=4, description="Length of the break in hours (0 = no break; needs "
                           "break_start_h).")
    break_stagger_h: float = Field(
        0.0, ge=0, le=12, description="Breaks in turns: the agents' break starts are spread from break_start_h "
        "over this many hours, break_h apart (turns = floor(stagger / break_h) + 1; agent j of the shift takes turn "
        "j mod turns), so the shift is never all on break at once (0 = everyone at break_start_h).")

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, v: list[int] | None) -> list[int] | None:
        if v is not None and (not v or any(not 0 <= w <= 6 for w in v) or len(set(v)) != len(v)):
            raise ValueError(f"weekdays must be distinct numbers 0 (Monday) .. 6 (Sunday), at least one; got {v}")
        return v

    @field_validator("days")
    @classmethod
    def _days(cls, v: list[int] | None) -> list[int] | None:
        if v is not None and (not v or any(d < 0 for d in v) or len(set(v)) != len(v)):
            raise ValueError(f"days must be distinct day numbers >= 0 (0 = first day), at least one; got {v}")
        return v

    @model_validator(mode="after")
    def _len(self) -> Shift:
        if self.start_h == self.end_h:
            raise ValueError("start_h and end_h are equal: a shift must last more than 0 hours")
        if self.break_h > 0 and self.break_start_h is None:
            raise ValueError(f"break_h = {self.break_h:g} needs break_start_h (the hour the break begins)")
        if self.break_h > 0:
            at = self.break_offset_h()
            if not 0 < at or at + self.break_h >= self.length_h():
                raise ValueError(f"the break {self.break_start_h:g}+{self.break_h:g} h must lie inside the shift "
                                 f"{self.start_h:g}-{self.end_h:g} (after its start, ending before its end)")
            last = at + (self.break_turns() - 1) * self.break_h
            if last + self.break_h >= self.length_h():
                raise ValueError(f"the last turn of the staggered break ({(self.start_h + last) % 24:g}+"
                                 f"{self.break_h:g} h, break_stagger_h = {self.break_stagger_h:g}) must end before "
                                 f"the shift {self.start_h:g}-{self.end_h:g} ends")
        elif self.break_stagger_h > 0:
            raise ValueError(f"break_stagger_h = {self.break_stagger_h:g} needs a break (break_start_h, break_h > 0)")
        return self

    def length_h(self) -> float:
        """The shift's length in hours (an overnight shift wraps past midnight)."""
        return (self.end_h - self.start_h) % 24 or 24.0

    def break_offset_h(self) -> float | None:
        """Hours from the shift's start to its break (None = no break)."""
        if self.break_h <= 0 or self.break_start_h is None:
            return None
        return (self.break_start_h - self.start_h) % 24

    def break_turns(self) -> int:
        """How many turns the shift's agents take their break in (1 = all at once)."""
        if self.break_h <= 0 or self.break_stagger_h <= 0:
            return 1
        return int(self.break_stagger_h / self.break_h + 1e-9) + 1

    def agent_break_offset_h(self, j: int) -> float | None:
        """Hours from the shift's start to the break of its ``j``-th agent (turn ``j mod turns``; None = no break)."""
        at = self.break_offset_h()
        return None if at is None else at + (j % self.break_turns()) * self.break_h

    def break_spans(self) -> list[tuple[float, float, int]]:
        """(start hour of day, end hour of day, agents on break) per turn with agents (ends past 24 wrap)."""
        if self.break_offset_h() is None or self.break_start_h is None:
            return []
        g = self.break_turns()
        out = []
        for r in range(g):
            n = self.agents // g + (1 if r < self.agents % g else 0)
            if n > 0:
                a = (self.break_start_h + r * self.break_h) % 24
                out.append((a, (a + self.break_h) % 24, n))
        return out

    def works(self, day: int, start_weekday: int) -> bool:
        """True when the shift works day ``day`` of a horizon whose day 0 is weekday ``start_weekday``."""
        if self.days is not None:
            return day in self.days
        return self.weekdays is None or (start_weekday + day) % 7 in self.weekdays


class AgentSpec(_Strict):
    """One agent listed by name (overrides the drawn skill for that position)."""

    name: str = ""
    conversion_factor: float = Field(1.0, gt=0, le=5, description="Multiplies the base conversion.")
    aov_factor: float = Field(1.0, gt=0, le=5, description="Multiplies the base order value.")
    reply_time_factor: float = Field(1.0, gt=0, le=10, description="Multiplies the reply typing time.")
    bad_attitude_share: float | None = Field(None, ge=0, le=1, description="Share of this agent's bad ratings due to attitude.")
    caused_refund_share: float | None = Field(
        None, ge=0, le=1, description="Share of refunds of this agent's sales caused by the agent (seed 004).")
    tenure_months: float = Field(12.0, ge=0, le=600)
    night_shifts: int = Field(0, ge=0, le=31)
    role: Literal["presale", "aftersale", "both"] = Field(
        "both", description="Which chats the agent takes: pre-sale, after-sale or both (routing and pay roles).")
    max_concurrent_chats: int | None = Field(
        None, ge=1, le=20, description="This agent's cap of open chats (default: agents.max_concurrent_chats).")
    reaction_latency_factor: float = Field(
        1.0, gt=0, le=100, description="Multiplies agents.reaction_latency for this agent.")


class Skill(_Strict):
    """Spread of skill across agents (lognormal factors with mean 1)."""

    conversion_cv: float = Field(0.15, ge=0, le=2, description="Spread of the conversion factor across agents.")
    aov_cv: float = Field(0.10, ge=0, le=2, description="Spread of the order-value factor.")
    reply_time_cv: float = Field(0.15, ge=0, le=2, description="Spread of the typing-speed factor.")
    reaction_latency_cv: float = Field(
        0.0, ge=0, le=2, description="Spread of the reaction-latency factor across agents (0 = all alike).")


class Agents(_Strict):
    """The team."""

    count: int = Field(10, ge=1, le=MAX_AGENTS, description="Number of agents.")
    max_concurrent_chats: int = Field(3, ge=1, le=20, description="Cap of open chats per agent.")
    reply_time: TimeDist = Field(
        default_factory=lambda: TimeDist(dist="exponential", mean_s=15.0),
        description="Time to type one reply at concurrency 1.")
    reaction_latency: ReactionLatency = Field(
        default_factory=ReactionLatency,
        description="Time until an agent notices a buyer message; the reply then waits for the typist.")
    concurrency_slowdown: list[float] = Field(
        default_factory=lambda: [1.0, 1.18, 1.2, 1.38, 1.43],
        description="Reply-time multiplier when the agent has 1, 2, 3... open chats (last value repeats).")
    lines_per_reply: float = Field(1.3, ge=1, le=10, description="Mean agent lines (messages) per reply.")
    routing: Literal["least_busy", "round_robin"] = "least_busy"
    skill: Skill = Field(default_factory=Skill)
    bad_attitude_share: float = Field(0.05, ge=0, le=1, description="Mean share of bad ratings due to attitude.")
    caused_refund_share: float = Field(
        0.3, ge=0, le=1, description="Mean share of refunds of an agent's own sales caused by the agent (wrong "
        "advice, over-promising; seed 004's after-sale cost from 客服因素); spread across agents like attitude.")
    individual: list[AgentSpec] = Field(default_factory=list, description="Agents listed one by one (first N).")
    shifts: list[Shift] = Field(default_factory=list, description="Shifts; empty = everyone works the open hours.")

    @field_validator("concurrency_slowdown")
    @classmethod
    def _slow(cls, v: list[float]) -> list[float]:
        if not v:
            raise ValueError("needs at least one multiplier")
        if any((not math.isfinite(x)) or x <= 0 for x in v):
            raise ValueError("multipliers must be > 0")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Agents:
        if len(self.individual) > self.count:
            raise ValueError(f"agents.individual lists {len(self.individual)} agents but agents.count is {self.count}")
        if self.shifts:
            total = sum(s.agents for s in self.shifts)
            if total != self.count:
                raise ValueError(f"the shifts staff {total} agents but agents.count is {self.count}; they must match")
        return self


# ----------------------------------------------------------------------------------------------- customers
class Patience(_Strict):
    """How long a buyer waits unanswered before leaving."""

    dist: Literal["none", "exponential", "lognormal"] = Field("exponential", description="none, exponential or lognormal.")
    mean_s: float = Field(180.0, gt=0, le=86_400, description="Mean patience in seconds.")
    cv: float = Field(1.0, gt=0, le=10, description="Coefficient of variation (lognormal).")
    silent_share: float = Field(
        0.5, ge=0, le=1, description="Share of abandoners who leave silently (their chat stays queued and "
        "costs an agent a first reply).")


class Customers(_Strict):
    """Buyers."""

    messages_per_chat: float = Field(4.0, ge=1, le=50, description="Mean buyer messages per chat (1 + Poisson).")
    think_time: TimeDist = Field(
        default_factory=lambda: TimeDist(dist="exponential", mean_s=40.0),
        description="Buyer's time between an agent reply and the next message.")
    patience: Patience = Field(default_factory=Patience)
    returning_share: float = Field(0.3, ge=0, le=1, description="Share of pre-sale buyers who bought before.")
    advert_share: float = Field(0.0, ge=0, le=1, description="Share of chats that are adverts/spam.")
    unresponsive_share: float = Field(
        0.0, ge=0, le=1, description="Share of pre-sale buyers who never answer the agent (one message only).")
    recent_buyer_share: float = Field(
        0.0, ge=0, le=1, description="Share of pre-sale chats from buyers who bought within recent_buyer_days.")
    recent_buyer_days: int = Field(7, ge=0, le=365, description="How recently such buyers bought (days).")


# ------------------------------------------------------------------------------------------------ outcomes
class Outcomes(_Strict):
    """Per-chat outcome model."""

    base_inquiry_conversion: float = Field(
        0.40, ge=0, le=1, description="Share of pre-sale inquirers who finally pay when answered promptly (team mean).")
    base_aov_yuan: float = Field(100.0, gt=0, le=1e6, description="Team mean order value (yuan).")
    aov_cv: float = Field(0.5, ge=0, le=5, description="Spread of order values (lognormal cv).")
    payment_rate: float = Field(0.90, gt=0, le=1, description="Share of orderers who pay (订单付款率).")
    wait_grace_s: float = Field(30.0, ge=0, description="First-response time with no loss of conversion.")
    wait_decay_s: float = Field(
        600.0, gt=0, description="Conversion falls as exp(-(first response - grace)/decay) beyond the grace.")
    abandoned_conversion_share: float = Field(
        0.0, ge=0, le=1, description="Abandoners still buy at this share of the base conversion (unattributed).")
    refund_share: float = Field(0.05, ge=0, le=1, description="Share of paid orders refunded.")
    rating_share: float = Field(0.3, ge=0, le=1, description="Share of served chats that leave a rating.")
    satisfied_base: float = Field(0.92, ge=0, le=1, description="P(satisfied) when answered promptly.")
    satisfied_loss_per_min: float = Field(0.03, ge=0, le=1, description="Drop in P(satisfied) per minute of first-response time.")
    disappointed_share_of_bad: float = Field(0.4, ge=0, le=1, description="Share of non-satisfied ratings that are 'disappointed'.")
    silent_orders_per_day: float = Field(0.0, ge=0, description="Orders placed with no chat (静默下单) per day.")
    silent_order_aov_yuan: float | None = Field(None, gt=0, description="Their order value (default: base_aov_yuan).")


# ----------------------------------------------------------------------------------------------- economics
class EconomicsConfig(_Strict):
    """Scenario key ``[economics]``.

    Attributes:
        gross_margin_share: gross profit as a share of revenue (seed 000's 200,000 on 528,000 is about 0.38).
        baseline_scheme: name of the scheme every scheme is compared with; None = base pay only (no bonus).
        base_salary_yuan: base salary per agent per month, prorated by days / 30, added to agents whose scheme
            pays no ``base_salary`` component (pay distribution and total pay only; never bonus cost).
        interval_level: two-sided level of the t-intervals over replications.
        bad_rating_cost_yuan: what one more neutral or disappointed rating costs the shop (lost repeat and
            referred orders, a lower DSR in search); the service cost in the net gain.
    """

    gross_margin_share: float = Field(0.3, gt=0, le=1)
    baseline_scheme: str | None = None
    base_salary_yuan: float = Field(0.0, ge=0)
    interval_level: float = Field(0.90, gt=0, lt=1)
    bad_rating_cost_yuan: float = Field(
        30.0, ge=0, le=10_000, description="Cost to the shop of one more neutral or disappointed rating (yuan): "
        "the service cost in the net gain. Assumption: about one lost order's gross profit (100-yuan order x 30% "
        "margin); 0 leaves service out of the net gain.")


class Scenario(_Strict):
    """A complete scenario (one shop, one horizon, one or more schemes)."""

    meta: Meta = Field(default_factory=Meta)
    shop: Shop = Field(default_factory=Shop)
    traffic: Traffic = Field(default_factory=Traffic)
    agents: Agents = Field(default_factory=Agents)
    customers: Customers = Field(default_factory=Customers)
    outcomes: Outcomes = Field(default_factory=Outcomes)
    kpi: KpiOptions = Field(default_factory=KpiOptions)
    behaviour: Behaviour = Field(default_factory=Behaviour)
    economics: EconomicsConfig = Field(default_factory=EconomicsConfig)
    schemes: list[Scheme] = Field(default_factory=list)
    tuning: Tuning = Field(default_factory=Tuning, description="Constraints of the target optimiser (docs/tuning.md).")
    bot: Bot | None = Field(None, description="The bot front line before the agents (docs/model.md, 'The bot "
                            "front line'); absent = no bot.")

    @model_serializer(mode="wrap")
    def _without_absent_bot(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # a scenario without [bot] dumps as it did before the table existed (run keys, stored sweeps, documents)
        data = handler(self)
        if isinstance(data, dict) and data.get("bot", 0) is None:
            data.pop("bot")
        return data

    @property
    def bot_on(self) -> bool:
        """True when a bot takes part in the run (``[bot]`` with a share above 0 in some hour or bot hours)."""
        return self.bot is not None and self.bot.active

    @model_validator(mode="after")
    def _sizes(self) -> Scenario:
        for p in self.traffic.promo_days:
            if p.day >= self.meta.days:
                raise ValueError(f"traffic.promo_days: day {p.day} is outside the horizon of {self.meta.days} days")
        problem = size_problem(self)
        if problem:
            raise ValueError(problem)
        validate_schemes(self.schemes, self.economics.baseline_scheme)
        _check_roles(self)
        for i, sc in enumerate(self.schemes):
            for j, c in enumerate(sc.components):
                if getattr(c, "type", None) == "rank" and len(c.prizes_yuan) > self.agents.count:
                    raise ValueError(
                        f"schemes.{i}.components.{j}.prizes_yuan: {len(c.prizes_yuan)} prizes for "
                        f"{self.agents.count} agents (agents.count); a rank can hand out at most one prize per agent")
        return self


def _check_roles(s: Scenario) -> None:
    """Refuse traffic that no agent may take (every agent is listed in agents.individual with the other role)."""
    a, t = s.agents, s.traffic
    if len(a.individual) < a.count:
        return  # agents not listed one by one take both kinds of chat
    roles = {x.role for x in a.individual}
    for per_day, key, kind, role in ((t.aftersale_per_day, "traffic.aftersale_per_day", "after-sale", "aftersale"),
                                     (t.inquiries_per_day, "traffic.inquiries_per_day", "pre-sale", "presale")):
        if per_day > 0 and not roles & {role, "both"}:
            raise ValueError(
                f"{key} is {per_day:g} but every agent in agents.individual has role "
                f"'{next(iter(roles))}': no agent may take a {kind} chat; give at least one agent "
                f"role = \"{role}\" or \"both\", or set {key} = 0")


def expected_chats(s: Scenario) -> float:
    """Expected number of chats in one replication (used for size checks and progress bars)."""
    t = s.traffic
    wd = t.weekday_factors
    promo = {p.day: p.multiplier for p in t.promo_days}
    total = 0.0
    for d in range(s.meta.days):
        total += wd[(s.meta.start_weekday + d) % WEEK_DAYS] * promo.get(d, 1.0)
    return total * (t.inquiries_per_day + t.aftersale_per_day)


def size_problem(s: Scenario, replications: int | None = None) -> str | None:
    """Why a run of this size would not fit in memory (None if it fits); checked before anything runs."""
    reps = s.meta.replications if replications is None else replications
    chats = expected_chats(s)
    msgs = chats * s.customers.messages_per_chat
    if chats > MAX_CHATS_PER_REPLICATION:
        return (f"this scenario would simulate about {chats:,.0f} chats per replication; the limit is "
                f"{MAX_CHATS_PER_REPLICATION:,} (reduce meta.days, traffic.inquiries_per_day or "
                f"traffic.aftersale_per_day)")
    if msgs > MAX_MESSAGES_PER_REPLICATION:
        return (f"this scenario would simulate about {msgs:,.0f} buyer messages per replication; the limit is "
                f"{MAX_MESSAGES_PER_REPLICATION:,} (reduce customers.messages_per_chat, meta.days or traffic)")
    silent = s.outcomes.silent_orders_per_day * s.meta.days
    if silent > MAX_CHATS_PER_REPLICATION:
        return (f"outcomes.silent_orders_per_day = {s.outcomes.silent_orders_per_day:g} would draw about "
                f"{silent:,.0f} orders without a chat per replication; the limit is {MAX_CHATS_PER_REPLICATION:,} "
                f"(reduce outcomes.silent_orders_per_day or meta.days)")
    if chats * reps > MAX_CHATS_PER_RUN:
        return (f"{reps} replications of about {chats:,.0f} chats would keep {chats * reps:,.0f} chats in memory; "
                f"the limit is {MAX_CHATS_PER_RUN:,} (reduce meta.replications, meta.days or traffic)")
    return None


def profile_weights(p: str | list[float]) -> list[float]:
    """Return the 24 weights of a named or explicit profile."""
    return list(PROFILES[p]) if isinstance(p, str) else list(p)


def scenario_from_dict(data: dict[str, Any], *, file: str = "<scenario>") -> Scenario:
    """Validate raw data into a Scenario, raising ScenarioError with readable messages."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as e:
        raise format_validation_error(e, file) from None
