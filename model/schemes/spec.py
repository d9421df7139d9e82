"""Scheme language: pydantic v2 models of bonus-scheme components, with validation a manager understands.

Every component is a table in ``[[schemes.components]]`` with a ``type`` key (a discriminated union). Formulas,
defaults and sources are documented in ``docs/schemes.md``; pricing lives in :mod:`model.schemes.pricing`.

Conventions:
    * Shares are 0-1 (``0.48`` not ``48``); money in yuan; times in seconds.
    * A KPI's direction comes from :mod:`model.kpicodes` unless ``direction`` is given; KPIs whose registry
      direction is ``neutral`` need an explicit ``direction``.
    * Every component states its ``period`` ("month" = 30 days, "week" = 7 days, "day"; default "month"):
      the period its amounts (and targets on counts and sales) are quoted for. Over a horizon of ``meta.days``
      they are prorated: x days / 30 for a monthly figure (docs/schemes.md, "Periods and proration").
      Threshold, rank and rank-points components are also *evaluated* per period ("week" rounds are cut as
      ``weeks`` says: seed 002's four rounds per month, or calendar weeks).
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from model.kpicodes import KPI_CODES
from model.language.base import Strict
from model.schemes.assumption import AssumedEffects

Direction = Literal["higher_is_better", "lower_is_better"]
Role = Literal["presale", "aftersale", "both"]
Period = Literal["month", "week", "day"]
#: How weekly rounds are cut: seed 002's four rounds per 30-day month, or calendar 7-day blocks.
Weeks = Literal["source_4", "calendar"]

#: Relative tolerance used when comparing a KPI with a target (so 48/100 reaches 0.48).
TOL = 1e-9


# --------------------------------------------------------------------------------------------------------------
# helpers


def _check_kpi(code: str) -> str:
    if code not in KPI_CODES:
        close = difflib.get_close_matches(code, list(KPI_CODES), n=1) or [
            c for c in KPI_CODES if c in code or code in c
        ][:1]
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"unknown KPI code '{code}'.{hint} Allowed codes: {', '.join(KPI_CODES)}")
    return code


KpiCode = Annotated[str, AfterValidator(_check_kpi)]


def _fmt_range(code: str) -> str:
    k = KPI_CODES[code]
    hi = "unbounded" if k.hi is None else f"{k.hi:g}"
    return f"{k.lo:g} to {hi} ({k.unit})"


def check_in_range(code: str, value: float, what: str = "target") -> None:
    """Raise ValueError when ``value`` lies outside the registry range of KPI ``code``.

    A share given as a percentage (48 instead of 0.48) gets a "did you mean 0.48?" hint.
    """
    k = KPI_CODES[code]
    if value >= k.lo and (k.hi is None or value <= k.hi):
        return
    if k.unit == "share" and 1 < value <= 100:
        raise ValueError(
            f"{what} {value:g} is outside the range of {code} ({k.zh}): shares are 0-1; "
            f"did you mean {value / 100:g}?"
        )
    raise ValueError(f"{what} {value:g} is outside the range of {code} ({k.zh}): allowed {_fmt_range(code)}")


def _share(value: float, what: str) -> float:
    """Validate a 0-1 share, with a percent hint."""
    if 0 <= value <= 1:
        return value
    if 1 < value <= 100:
        raise ValueError(f"{what} {value:g} must be a share 0-1; did you mean {value / 100:g}?")
    raise ValueError(f"{what} {value:g} must be a share between 0 and 1")


def resolve_direction(code: str, given: str | None) -> Direction:
    """Return the explicit direction or the registry's; raise for a neutral KPI without one."""
    if given is not None:
        return given  # type: ignore[return-value]
    d = KPI_CODES[code].direction
    if d == "neutral":
        raise ValueError(
            f"KPI '{code}' ({KPI_CODES[code].zh}) has no natural direction: set direction = "
            "\"higher_is_better\" or \"lower_is_better\""
        )
    return d  # type: ignore[return-value]


def _direction_validator(v: str | None, info: ValidationInfo) -> Direction | None:
    code = info.data.get("kpi")
    if code is None:  # the KPI itself failed validation; that error is reported
        return v  # type: ignore[return-value]
    return resolve_direction(code, v)


def _better(a: float, b: float, direction: Direction) -> bool:
    return a > b if direction == "higher_is_better" else a < b


class _Base(Strict):
    """A table of the scheme language, on the scenario language's one strict base (model.language.base.Strict):
    unknown keys, true/false or text for numbers, NaN/infinity, huge floats and counts with decimals are refused
    with the file and key named, the same way as in [bot], [kpi], [behaviour] and [tuning]."""


class _Component(_Base):
    """Fields common to every component.

    Attributes:
        label: name in the pay breakdown (default: ``type:kpi``, made unique with ``#2``...).
        roles: agent roles the component applies to (default: every agent); others get 0 and do not rank.
        period: the period the component's amounts and count/sales targets are quoted for (month = 30 days,
            week = 7 days, day); prorated to the simulated horizon.
        kpi_basis: with the bot front line, "human" (default, None) or "all" (docs/schemes.md).
    """

    label: str | None = None
    roles: list[Role] | None = None
    period: Period = "month"
    kpi_basis: Literal["human", "all"] | None = Field(
        None, description="With a [bot]: the KPIs this component pays on count the human-handled chats only "
        "('human', the default: the usual case) or every chat with the bot's replies and ratings ('all').")


class PoolSpec(_Base):
    """How a department pool is funded (seed 002); pool = share x (yuan + sales_share x team sales + factor term).

    Attributes:
        yuan: fixed pool in yuan.
        sales_share: share of the team's CS sales (``sales_yuan``) added to the pool.
        attainment_conversion_factor: seed 002's X term: team sales x (team sales / team_task_yuan)
            x team inquiry conversion x factor (the source uses 1% = 0.01).
        team_task_yuan: the department's sales task; required with ``attainment_conversion_factor``.
        share: the part of that pool this component distributes (seed 002: 0.8 performance, 0.2 behaviour).
    """

    yuan: float = Field(0.0, ge=0)
    sales_share: float = 0.0
    attainment_conversion_factor: float = 0.0
    team_task_yuan: float | None = Field(None, gt=0)
    share: float = 1.0

    @field_validator("sales_share", "attainment_conversion_factor", "share")
    @classmethod
    def _shares(cls, v: float, info: ValidationInfo) -> float:
        return _share(v, str(info.field_name))

    @model_validator(mode="after")
    def _task_needed(self) -> PoolSpec:
        if self.attainment_conversion_factor and self.team_task_yuan is None:
            raise ValueError("attainment_conversion_factor needs team_task_yuan (the department's sales task)")
        return self


# --------------------------------------------------------------------------------------------------------------
# components


class Step(_Base):
    """One threshold step: reaching ``target`` pays ``amount_yuan``."""

    target: float
    amount_yuan: float


class Threshold(_Component):
    """Threshold bonus 达标奖 (seed 000): KPI reaches a target -> amount; several steps allowed.

    Pay = amount of the hardest step reached (or the sum of reached steps with ``cumulative``), ``miss_yuan``
    when none is reached. NaN never reaches a target.
    """

    type: Literal["threshold"]
    kpi: KpiCode
    direction: Direction | None = Field(None, validate_default=True)
    target: float | None = None
    amount_yuan: float | None = None
    steps: list[Step] | None = None
    period: Period = "month"
    weeks: Weeks = "source_4"
    miss_yuan: float = 0.0
    cumulative: bool = False

    _dir = field_validator("direction")(_direction_validator)

    @field_validator("target")
    @classmethod
    def _target_range(cls, v: float | None, info: ValidationInfo) -> float | None:
        if v is not None and "kpi" in info.data:
            check_in_range(info.data["kpi"], v)
        return v

    @field_validator("steps")
    @classmethod
    def _steps_ordered(cls, v: list[Step] | None, info: ValidationInfo) -> list[Step] | None:
        if v is None or "kpi" not in info.data or info.data.get("direction") is None:
            return v
        code, d = info.data["kpi"], info.data["direction"]
        if not v:
            raise ValueError("steps is empty: give at least one {target, amount_yuan}")
        for i, s in enumerate(v):
            check_in_range(code, s.target, f"steps.{i}.target")
        for i in range(1, len(v)):
            a, b = v[i - 1], v[i]
            if not _better(b.target, a.target, d):
                order = "increasing" if d == "higher_is_better" else "decreasing"
                raise ValueError(
                    f"steps.{i}.target {b.target:g} does not follow steps.{i - 1}.target {a.target:g}: steps go "
                    f"from the easiest to the hardest target, so for {code} ({d}) targets must be strictly {order}"
                )
            if b.amount_yuan < a.amount_yuan:
                raise ValueError(
                    f"steps.{i}.amount_yuan {b.amount_yuan:g} is below steps.{i - 1}.amount_yuan "
                    f"{a.amount_yuan:g}: a harder step must not pay less"
                )
        return v

    @model_validator(mode="after")
    def _one_form(self) -> Threshold:
        single = self.target is not None or self.amount_yuan is not None
        if single and self.steps is not None:
            raise ValueError("give either target + amount_yuan or steps, not both")
        if self.steps is None and (self.target is None or self.amount_yuan is None):
            raise ValueError("a threshold needs target and amount_yuan (or steps = [{target, amount_yuan}, ...])")
        return self

    def effective_steps(self) -> list[Step]:
        """The steps, easiest first (the single form as one step)."""
        if self.steps is not None:
            return list(self.steps)
        return [Step(target=self.target, amount_yuan=self.amount_yuan)]  # type: ignore[arg-type]


class Rank(_Component):
    """Ranking prize 排名奖 (seed 000): prizes for the top k on a KPI, per month or per week (summed).

    Tied agents share the prizes of the positions they occupy evenly; NaN and ineligible agents do not rank.
    """

    type: Literal["rank"]
    kpi: KpiCode
    direction: Direction | None = Field(None, validate_default=True)
    prizes_yuan: list[float] = Field(min_length=1)
    period: Period = "month"
    weeks: Weeks = "source_4"
    min_inquiries: float = Field(0.0, ge=0)

    _dir = field_validator("direction")(_direction_validator)

    @field_validator("prizes_yuan")
    @classmethod
    def _nonneg(cls, v: list[float]) -> list[float]:
        for i, p in enumerate(v):
            if p < 0:
                raise ValueError(f"prizes_yuan.{i} is {p:g}: prizes must be >= 0")
        return v


class Commission(_Component):
    """Linear commission 提成 (seeds 003, 004): rate x attributed sales; new and returning buyers may differ.

    Pay = rate_new x sales_new_yuan + rate_returning x sales_returning_yuan when either split rate is given
    (the missing one falls back to ``rate``), else rate x ``kpi``.
    """

    type: Literal["commission"]
    kpi: KpiCode = "sales_yuan"
    rate: float
    rate_new: float | None = None
    rate_returning: float | None = None

    @field_validator("kpi")
    @classmethod
    def _yuan(cls, v: str) -> str:
        if KPI_CODES[v].unit != "yuan":
            yuan = [c for c, k in KPI_CODES.items() if k.unit == "yuan"]
            raise ValueError(f"commission is paid on a yuan KPI; '{v}' is not. Allowed: {', '.join(yuan)}")
        return v

    @field_validator("rate", "rate_new", "rate_returning")
    @classmethod
    def _rates(cls, v: float | None, info: ValidationInfo) -> float | None:
        return None if v is None else _share(v, str(info.field_name))


class Tier(_Base):
    """A commission tier starting at ``min_attainment`` (share of task, 0.6 = 60%).

    Exactly one of ``rate`` (share of sales) or ``rate_permille`` (‰, seed 002's "5" = 5‰).
    ``max_attainment`` is optional and, when given, must equal the next tier's ``min_attainment``.
    """

    min_attainment: float = Field(ge=0)
    max_attainment: float | None = None
    rate: float | None = None
    rate_permille: float | None = Field(None, ge=0, le=1000)

    @field_validator("rate")
    @classmethod
    def _rate(cls, v: float | None) -> float | None:
        return None if v is None else _share(v, "rate")

    @model_validator(mode="after")
    def _one_rate(self) -> Tier:
        if (self.rate is None) == (self.rate_permille is None):
            raise ValueError("give exactly one of rate (share) or rate_permille (‰)")
        return self

    @property
    def share(self) -> float:
        """The rate as a share of sales."""
        return self.rate if self.rate is not None else self.rate_permille / 1000  # type: ignore[operator]


def _check_tiers(v: list[Any], what: str = "tiers") -> None:
    if not v:
        raise ValueError(f"{what} is empty")
    if v[0].min_attainment != 0:
        raise ValueError(f"{what}.0.min_attainment must be 0 (the first tier starts at no attainment)")
    for i in range(1, len(v)):
        a, b = v[i - 1], v[i]
        if b.min_attainment <= a.min_attainment:
            raise ValueError(
                f"{what}.{i}.min_attainment {b.min_attainment:g} must be above {what}.{i - 1}.min_attainment "
                f"{a.min_attainment:g}: tiers are listed in increasing order without overlap"
            )
        if a.max_attainment is not None and a.max_attainment != b.min_attainment:
            kind = "overlaps" if a.max_attainment > b.min_attainment else "leaves a gap before"
            raise ValueError(
                f"{what}.{i - 1}.max_attainment {a.max_attainment:g} {kind} {what}.{i}.min_attainment "
                f"{b.min_attainment:g}: tiers must be contiguous"
            )
    last = v[-1]
    if last.max_attainment is not None and last.max_attainment <= last.min_attainment:
        raise ValueError(f"{what}.{len(v) - 1}.max_attainment must be above its min_attainment")


class TieredCommission(_Component):
    """Tiered commission on task attainment (seed 002): attainment = sales / task_yuan.

    Modes:
        ``task_split`` (default, seed 002's formula 1.7): sales up to the task at the rate of the reached tier
        below 100%, the excess over the task at the rate of the reached tier from 100% up.
        ``step``: all sales at the rate of the reached tier.
        ``bracket``: marginal, each attainment band of sales at its tier's rate.
    """

    type: Literal["tiered_commission"]
    kpi: KpiCode = "sales_yuan"
    task_yuan: float = Field(gt=0)
    tiers: list[Tier]
    mode: Literal["task_split", "step", "bracket"] = "task_split"

    @field_validator("tiers")
    @classmethod
    def _tiers(cls, v: list[Tier]) -> list[Tier]:
        _check_tiers(v)
        return v


class ScoreStep(_Base):
    """A step of a score table: KPI at or better than ``at`` scores ``points`` (0-100)."""

    at: float
    points: float = Field(ge=0, le=100)


class ScoreItem(_Base):
    """A scorecard item: KPI, weight (share), group (kpi/kci) and a scoring curve.

    Curve: linear from ``floor`` (0 points) to ``full`` (100 points), or a ``table`` of steps listed from the best
    to the worst (e.g. <=35 s 100, <=45 s 80, <=55 s 60) with ``else_points`` below the last. NaN scores 0.
    """

    kpi: KpiCode
    direction: Direction | None = Field(None, validate_default=True)
    weight: float
    group: Literal["kpi", "kci"] = "kpi"
    floor: float | None = None
    full: float | None = None
    table: list[ScoreStep] | None = None
    else_points: float = Field(0.0, ge=0, le=100)

    _dir = field_validator("direction")(_direction_validator)

    @field_validator("weight")
    @classmethod
    def _w(cls, v: float) -> float:
        if v <= 0:
            raise ValueError(f"weight {v:g} must be above 0")
        return _share(v, "weight")

    @field_validator("floor", "full")
    @classmethod
    def _fr(cls, v: float | None, info: ValidationInfo) -> float | None:
        if v is not None and "kpi" in info.data:
            check_in_range(info.data["kpi"], v, str(info.field_name))
        return v

    @field_validator("table")
    @classmethod
    def _table(cls, v: list[ScoreStep] | None, info: ValidationInfo) -> list[ScoreStep] | None:
        if v is None or "kpi" not in info.data or info.data.get("direction") is None:
            return v
        code, d = info.data["kpi"], info.data["direction"]
        if not v:
            raise ValueError("table is empty")
        for i, s in enumerate(v):
            check_in_range(code, s.at, f"table.{i}.at")
        for i in range(1, len(v)):
            a, b = v[i - 1], v[i]
            if not _better(a.at, b.at, d):
                order = "increasing (<=35, <=45, ...)" if d == "lower_is_better" else "decreasing (>=0.45, >=0.40, ...)"
                raise ValueError(
                    f"table.{i}.at {b.at:g} is out of order after table.{i - 1}.at {a.at:g}: list steps from the "
                    f"best to the worst; for {code} ({d}) 'at' must be strictly {order}"
                )
            if b.points > a.points:
                raise ValueError(f"table.{i}.points {b.points:g} is above table.{i - 1}.points {a.points:g}: a worse step cannot score more")
        return v

    @model_validator(mode="after")
    def _curve(self) -> ScoreItem:
        linear = self.floor is not None or self.full is not None
        if linear and self.table is not None:
            raise ValueError("give either floor + full (linear) or table, not both")
        if self.table is None:
            if self.floor is None or self.full is None:
                raise ValueError("a scorecard item needs floor and full (linear curve) or a table of steps")
            d = self.direction
            if d is not None and not _better(self.full, self.floor, d):
                raise ValueError(
                    f"full {self.full:g} must be better than floor {self.floor:g} for {self.kpi} ({d})"
                )
        return self


class Scorecard(_Component):
    """Weighted scorecard (seeds 001, 002): score 0-100 from weighted items; optional KPI/KCI split.

    Without KCI items the weights sum to 1 and score = sum(weight x points). With KCI items the weights sum to 1
    within each group and score = (1 - kci_share) x KPI score + kci_share x KCI score.
    Pay = score / 100 x amount_yuan, or the agent's share of the summed scores x pool. Below ``min_score`` 0.
    """

    type: Literal["scorecard"]
    items: list[ScoreItem] = Field(min_length=1)
    kci_share: float = 0.2
    amount_yuan: float | None = None
    pool: PoolSpec | None = None
    min_score: float = Field(0.0, ge=0, le=100)

    @field_validator("kci_share")
    @classmethod
    def _kci(cls, v: float) -> float:
        return _share(v, "kci_share")

    @field_validator("items")
    @classmethod
    def _weights(cls, v: list[ScoreItem]) -> list[ScoreItem]:
        groups = sorted({it.group for it in v})
        for g in groups:
            idx = [i for i, it in enumerate(v) if it.group == g]
            total = sum(v[i].weight for i in idx)
            if abs(total - 1) > 1e-6:
                listing = ", ".join(f"items.{i}.weight={v[i].weight:g}" for i in idx)
                scope = "" if groups == ["kpi"] else f" of group '{g}'"
                raise ValueError(
                    f"weights{scope} sum to {total:g} ({total * 100:g}%); they must sum to 1 (100%): {listing}"
                )
        return v

    @model_validator(mode="after")
    def _pay_form(self) -> Scorecard:
        if (self.amount_yuan is None) == (self.pool is None):
            raise ValueError("a scorecard needs exactly one of amount_yuan (paid at 100 points) or pool")
        return self


class PointRule(_Base):
    """Extra weekly points (seed 002): KPI vs a target or the shop average -> met_points / missed_points."""

    kpi: KpiCode
    direction: Direction | None = Field(None, validate_default=True)
    target: float | Literal["team_average"]
    met_points: float = 0.0
    missed_points: float = 0.0

    _dir = field_validator("direction")(_direction_validator)

    @field_validator("target")
    @classmethod
    def _t(cls, v: float | str, info: ValidationInfo) -> float | str:
        if not isinstance(v, str) and "kpi" in info.data:
            check_in_range(info.data["kpi"], v)
        return v


class TaskPoints(_Base):
    """Monthly task-completion points (seed 002 item 10): attainment in [min_attainment, max_attainment)."""

    min_attainment: float = Field(ge=0)
    max_attainment: float | None = None
    points: float


_RANK_POINT_KPIS = ["order_rate", "payment_rate", "aov_yuan", "inquiry_conversion"]


class RankPoints(_Component):
    """Weekly rank points (seed 002): ranks 1-3 get 3/2/1 points per KPI per period; worse than the shop
    average gets ``below_average_points`` instead. Score / max_points x pool.

    ``max_points`` default = sum(points) x len(kpis) x number of periods in the data: the points handed out to
    all agents together, so the source's 96 = (3+2+1) x 4 KPIs x 4 weeks and a sole leader on everything gets
    48/96 of the pool.
    """

    type: Literal["rank_points"]
    kpis: list[KpiCode] = Field(default_factory=lambda: list(_RANK_POINT_KPIS), min_length=1)
    points: list[float] = Field(default_factory=lambda: [3.0, 2.0, 1.0], min_length=1)
    below_average_points: float = -1.0
    period: Period = "week"
    weeks: Weeks = "source_4"
    rules: list[PointRule] = Field(default_factory=list)
    task_yuan: float | None = Field(None, gt=0)
    task_points: list[TaskPoints] = Field(default_factory=list)
    max_points: float | None = Field(None, gt=0)
    pool: PoolSpec
    floor_at_zero: bool = True
    min_inquiries: float = Field(0.0, ge=0)

    @field_validator("kpis")
    @classmethod
    def _directed(cls, v: list[str]) -> list[str]:
        for i, c in enumerate(v):
            if KPI_CODES[c].direction == "neutral":
                raise ValueError(f"kpis.{i} '{c}' has no direction and cannot be ranked")
        if len(set(v)) != len(v):
            raise ValueError("kpis lists a KPI twice")
        return v

    @field_validator("task_points")
    @classmethod
    def _tp(cls, v: list[TaskPoints]) -> list[TaskPoints]:
        for i in range(len(v)):
            t = v[i]
            if t.max_attainment is not None and t.max_attainment <= t.min_attainment:
                raise ValueError(f"task_points.{i}.max_attainment must be above its min_attainment")
            if i and v[i].min_attainment < (v[i - 1].max_attainment or float("inf")):
                raise ValueError(
                    f"task_points.{i} overlaps or is out of order with task_points.{i - 1}: list bands in "
                    "increasing order; every band but the last needs max_attainment"
                )
        return v

    @model_validator(mode="after")
    def _task(self) -> RankPoints:
        if self.task_points and self.task_yuan is None:
            raise ValueError("task_points needs task_yuan (the agent's monthly sales task)")
        return self


class TenureStep(_Base):
    """Tenure points: at least ``months`` of tenure -> ``points`` (the highest reached applies)."""

    months: float = Field(ge=0)
    points: float


class BehaviourPoints(_Component):
    """Behaviour points 行为分 (seed 002, 20 points): attitude, seniority, night shifts, fixed manager items.

    points = (zero_bad_attitude_points if no bad-attitude rating) + per_bad_attitude_points x bad-attitude
    ratings + tenure points + night_shift_points (if any night shift) + fixed_points. Pay = points / max_points
    x pool (``normalise = "max"``) or the share of all agents' points (``"sum"``); negative points pay 0.
    """

    type: Literal["behaviour_points"]
    zero_bad_attitude_points: float = 5.0
    per_bad_attitude_points: float = -2.0
    tenure_points: list[TenureStep] = Field(
        default_factory=lambda: [
            TenureStep(months=6, points=2),
            TenureStep(months=12, points=3),
            TenureStep(months=24, points=5),
            TenureStep(months=36, points=8),
        ]
    )
    night_shift_points: float = 2.0
    fixed_points: float = 0.0
    max_points: float = Field(20.0, gt=0)
    normalise: Literal["max", "sum"] = "max"
    pool: PoolSpec

    @field_validator("tenure_points")
    @classmethod
    def _ordered(cls, v: list[TenureStep]) -> list[TenureStep]:
        for i in range(1, len(v)):
            if v[i].months <= v[i - 1].months:
                raise ValueError(f"tenure_points.{i}.months must be above tenure_points.{i - 1}.months")
        return v


class TeamCondition(_Base):
    """A team KPI compared with a reference value (industry value or last month's)."""

    kpi: KpiCode
    direction: Direction | None = Field(None, validate_default=True)
    reference: float

    _dir = field_validator("direction")(_direction_validator)

    @field_validator("reference")
    @classmethod
    def _r(cls, v: float, info: ValidationInfo) -> float:
        if "kpi" in info.data:
            check_in_range(info.data["kpi"], v, "reference")
        return v


class DepartmentBonus(_Component):
    """Department bonus per head (seed 002): every agent gets +reward when the team beats every reference in
    ``reward_if`` (strictly), and -penalty when it is strictly worse than every reference in ``penalty_if``.
    """

    type: Literal["department_bonus"]
    reward_if: list[TeamCondition] = Field(min_length=1)
    reward_yuan_per_head: float = Field(ge=0)
    penalty_if: list[TeamCondition] = Field(default_factory=list)
    penalty_yuan_per_head: float = Field(0.0, ge=0)


class ProfitPool(_Component):
    """Pool funded by a share of incremental gross profit vs the baseline (seeds 000, 002), floored at 0.

    pool = share x max(0, (revenue - baseline revenue) x margin), revenue = sales_yuan + silent_orders_yuan;
    split ``equal``, by ``sales`` (sales_yuan), or by ``points`` of the component named in ``points_from``.
    """

    type: Literal["profit_pool"]
    share: float
    split: Literal["equal", "sales", "points"] = "equal"
    points_from: str | None = None
    margin_share: float | None = None
    cap_yuan: float | None = Field(None, ge=0)

    @field_validator("share")
    @classmethod
    def _s(cls, v: float) -> float:
        if v > 1:
            raise ValueError(
                f"share {v:g} is above 1: the pool is a share 0-1 of incremental profit"
                + (f"; did you mean {v / 100:g}?" if v <= 100 else "")
            )
        if v < 0:
            raise ValueError(f"share {v:g} must be between 0 and 1")
        return v

    @field_validator("margin_share")
    @classmethod
    def _m(cls, v: float | None) -> float | None:
        return None if v is None else _share(v, "margin_share")

    @model_validator(mode="after")
    def _points(self) -> ProfitPool:
        if self.split == "points" and not self.points_from:
            raise ValueError("split = \"points\" needs points_from (the label of a scorecard or points component)")
        return self


class BaseSalary(_Component):
    """Base salary in steps (seed 003): base + step_yuan per step of tenure + top performer's extra.

    steps = 0 below ``first_step_months``, else 1 + floor((tenure - first_step_months) / step_months), at most
    ``max_steps``. The top agent(s) on ``top_kpi`` get ``top_bonus_yuan`` (each tied leader gets it). Monthly
    figures, prorated by days / 30 unless ``prorate = false``. The steps are base pay; the top performer's
    extra depends on performance, so it is variable pay (bonus cost), in its own breakdown line
    ``<label>:top_bonus``.
    """

    type: Literal["base_salary"]
    base_yuan: float = Field(ge=0)
    step_yuan: float = 0.0
    step_months: float = Field(3.0, gt=0)
    first_step_months: float | None = Field(None, ge=0)
    max_steps: int | None = Field(None, ge=0)
    top_kpi: KpiCode | None = None
    top_bonus_yuan: float = Field(0.0, ge=0)
    prorate: bool = True

    @field_validator("top_kpi")
    @classmethod
    def _top(cls, v: str | None) -> str | None:
        if v is not None and KPI_CODES[v].direction == "neutral":
            raise ValueError(f"top_kpi '{v}' has no direction; choose a KPI where better is defined")
        return v


class SilentOrderPool(_Component):
    """Silent-order pool 静默下单 (seed 004): share x silent_orders_yuan split evenly among agents."""

    type: Literal["silent_order_pool"]
    share: float

    @field_validator("share")
    @classmethod
    def _s(cls, v: float) -> float:
        return _share(v, "share")


class AftersaleChargeback(_Component):
    """After-sale cost chargeback (seed 004): -rate x max(0, kpi - floor), floor = floor_yuan +
    floor_share_of_sales x sales_yuan; at most ``max_charge_yuan``. Negative pay; never lifted by a gate.

    The default KPI is ``caused_refund_yuan``: refunds of the agent's own sales that the agent caused (seed 004:
    "对于客服因素带来的成本"), not all refunds (those grow with sales, so they would charge the best seller).
    ``floor_yuan`` and ``max_charge_yuan`` are per ``period`` (a month) and prorated.
    """

    type: Literal["aftersale_chargeback"]
    kpi: KpiCode = "caused_refund_yuan"
    floor_yuan: float = Field(0.0, ge=0)
    floor_share_of_sales: float = 0.0
    rate: float = 0.1
    max_charge_yuan: float | None = Field(None, ge=0)

    @field_validator("floor_share_of_sales", "rate")
    @classmethod
    def _s(cls, v: float, info: ValidationInfo) -> float:
        return _share(v, str(info.field_name))

    @field_validator("kpi")
    @classmethod
    def _yuan(cls, v: str) -> str:
        if KPI_CODES[v].unit != "yuan":
            raise ValueError(f"chargeback is on a yuan KPI (refund_yuan); '{v}' is not in yuan")
        return v


class GateCondition(_Base):
    """A gate condition on the agent's KPI: ``at_least`` and/or ``at_most`` a value or "team_average"
    (x ``team_factor``). Inclusive; NaN fails.
    """

    kpi: KpiCode
    at_least: float | Literal["team_average"] | None = None
    at_most: float | Literal["team_average"] | None = None
    team_factor: float = Field(1.0, gt=0)

    @field_validator("at_least", "at_most")
    @classmethod
    def _r(cls, v: float | str | None, info: ValidationInfo) -> float | str | None:
        if isinstance(v, (int, float)) and "kpi" in info.data:
            check_in_range(info.data["kpi"], float(v), str(info.field_name))
        return v

    @model_validator(mode="after")
    def _some(self) -> GateCondition:
        if self.at_least is None and self.at_most is None:
            raise ValueError("a gate condition needs at_least or at_most (a number or \"team_average\")")
        return self


class CapFloor(_Component):
    """Cap / floor (``type = "cap"`` or ``"floor"``): clip the sum of ``applies_to`` components (default: all
    variable pay) per agent to [min_yuan, max_yuan]; the adjustment appears as its own breakdown line.
    """

    type: Literal["cap", "floor"]
    max_yuan: float | None = None
    min_yuan: float | None = None
    applies_to: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _bounds(self) -> CapFloor:
        if self.max_yuan is None and self.min_yuan is None:
            raise ValueError("a cap/floor needs max_yuan and/or min_yuan")
        if self.max_yuan is not None and self.min_yuan is not None and self.min_yuan > self.max_yuan:
            raise ValueError(f"min_yuan {self.min_yuan:g} is above max_yuan {self.max_yuan:g}")
        return self


InnerComponent = Annotated[
    Threshold
    | Rank
    | Commission
    | TieredCommission
    | Scorecard
    | RankPoints
    | BehaviourPoints
    | DepartmentBonus
    | ProfitPool
    | SilentOrderPool,
    Field(discriminator="type"),
]


class Gate(_Component):
    """Gate (seed 003): pay the wrapped ``components`` only when every condition holds for the agent.

    With no ``components`` the gate applies to the whole scheme's variable pay (not base_salary, chargebacks or
    caps). Gates withhold positive amounts only; penalties and charges always apply.
    """

    type: Literal["gate"]
    conditions: list[GateCondition] = Field(min_length=1)
    components: list[InnerComponent] = Field(default_factory=list)


Component = Annotated[
    Threshold
    | Rank
    | Commission
    | TieredCommission
    | Scorecard
    | RankPoints
    | BehaviourPoints
    | DepartmentBonus
    | ProfitPool
    | BaseSalary
    | SilentOrderPool
    | AftersaleChargeback
    | Gate
    | CapFloor,
    Field(discriminator="type"),
]

COMPONENT_TYPES: tuple[str, ...] = (
    "threshold", "rank", "commission", "tiered_commission", "scorecard", "rank_points", "behaviour_points",
    "department_bonus", "profit_pool", "base_salary", "silent_order_pool", "aftersale_chargeback", "gate",
    "cap", "floor",
)

_POINT_TYPES = ("scorecard", "rank_points", "behaviour_points")


def default_label(comp: Any) -> str:
    """``type:kpi`` for components with a KPI, else the type."""
    kpi = getattr(comp, "kpi", None)
    return f"{comp.type}:{kpi}" if kpi else comp.type


class Ratchet(_Base):
    """How next month's target follows this month's result (a target ratchet; DOMAIN.md "Setting targets").

    Next month's target of every threshold on ``kpi`` = this month's team result + ``add`` (in the KPI's own unit,
    e.g. 0.03 = 3 percentage points of conversion); with ``only_up`` the target never falls.
    """

    kpi: str = Field(description="The KPI whose thresholds ratchet (a threshold of the scheme must pay it).")
    add: float = Field(0.0, ge=-1e6, le=1e6, description="Added to this month's team result (KPI unit).")
    only_up: bool = Field(True, description="The target never falls below this month's.")


class Scheme(_Base):
    """A bonus scheme: a name, components and optionally the manager's assumed effects.

    Attributes:
        name: unique scheme name (used as ``economics.baseline_scheme``).
        description: free text.
        components: the pay rule, priced in order (see docs/schemes.md for gates and caps).
        assumed_effects: what the manager assumes the scheme changes (shown as 假设).
        ratchet: how a threshold's target follows the result over ``meta.months`` months.
    """

    name: str = Field(min_length=1)
    description: str = ""
    components: list[Component] = Field(default_factory=list)
    assumed_effects: AssumedEffects | None = None
    ratchet: Ratchet | None = None

    def flat_components(self) -> list[tuple[str, Any, str | None]]:
        """(label, component, parent gate label or None) for every component incl. those inside gates."""
        out: list[tuple[str, Any, str | None]] = []
        seen: dict[str, int] = {}

        def name(c: Any) -> str:
            if c.label:
                return c.label
            base = default_label(c)
            seen[base] = seen.get(base, 0) + 1
            return base if seen[base] == 1 else f"{base}#{seen[base]}"

        for c in self.components:
            lab = name(c)
            out.append((lab, c, None))
            if c.type == "gate":
                for inner in c.components:
                    out.append((name(inner), inner, lab))
        return out

    def component_labels(self) -> list[str]:
        """The breakdown labels, in pricing order."""
        return [lab for lab, _, _ in self.flat_components()]

    @model_validator(mode="after")
    def _references(self) -> Scheme:
        flat = self.flat_components()
        if self.ratchet is not None and not any(
                c.type == "threshold" and c.kpi == self.ratchet.kpi and c.target is not None for _, c, _ in flat):
            paid = sorted({c.kpi for _, c, _ in flat if c.type == "threshold" and getattr(c, "target", None) is not None})
            raise ValueError(
                f"ratchet.kpi: '{self.ratchet.kpi}' is not paid by a threshold of this scheme, so there is no target "
                f"to ratchet (thresholds of this scheme pay: {', '.join(paid) or 'none'})")
        labels = [lab for lab, _, _ in flat]
        dup = sorted({lab for lab in labels if labels.count(lab) > 1})
        if dup:
            raise ValueError(f"component labels must be unique; repeated: {', '.join(dup)}")
        by_label = {lab: c for lab, c, _ in flat}
        for i, c in enumerate(self.components):
            if c.type in ("cap", "floor"):
                for j, ref in enumerate(c.applies_to):
                    if ref not in by_label or by_label[ref].type in ("cap", "floor"):
                        raise ValueError(
                            f"components.{i}.applies_to.{j}: '{ref}' is not a component of this scheme; "
                            f"known labels: {', '.join(lab for lab in labels if by_label[lab].type not in ('cap', 'floor'))}"
                        )
        for lab, c, _ in flat:
            if c.type == "profit_pool" and c.split == "points":
                ref = c.points_from
                if ref not in by_label or by_label[ref].type not in _POINT_TYPES:
                    options = [x for x in labels if by_label[x].type in _POINT_TYPES]
                    raise ValueError(
                        f"component '{lab}': points_from '{ref}' must name a scorecard, rank_points or "
                        f"behaviour_points component of this scheme; available: {', '.join(options) or 'none'}"
                    )
        return self


# --------------------------------------------------------------------------------------------------------------
# scheme sets and error formatting


def validate_schemes(schemes: list[Scheme], baseline_name: str | None, prefix: str = "schemes") -> None:
    """Check a scenario's scheme list: unique names, and that ``baseline_name`` (if given) is one of them.

    Args:
        schemes: validated schemes.
        baseline_name: ``economics.baseline_scheme`` (None = base pay only, always valid).
        prefix: key path of the scheme array in the file.

    Raises:
        pydantic.ValidationError: one line per problem, loc naming the key path.
    """
    errors: list[InitErrorDetails] = []
    first: dict[str, int] = {}
    for i, s in enumerate(schemes):
        if s.name in first:
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError(
                        "duplicate_scheme",
                        "scheme name '{name}' is already used by {prefix}.{j}.name; scheme names must be unique",
                        {"name": s.name, "prefix": prefix, "j": first[s.name]},
                    ),
                    loc=(prefix, i, "name"),
                    input=s.name,
                )
            )
        else:
            first[s.name] = i
    if baseline_name is not None and baseline_name not in first:
        errors.append(
            InitErrorDetails(
                type=PydanticCustomError(
                    "unknown_baseline",
                    "baseline scheme '{name}' is not defined; defined schemes: {names} "
                    "(leave baseline_scheme out to compare with base pay only)",
                    {"name": baseline_name, "names": ", ".join(first) or "none"},
                ),
                loc=("economics", "baseline_scheme"),
                input=baseline_name,
            )
        )
    if errors:
        raise ValidationError.from_exception_data("schemes", errors)
