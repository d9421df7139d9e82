"""Pricing: a scheme applied to KPI tables -> pay per (replication, agent) with a breakdown by component.

Pure functions over pandas tables; the simulation is never re-run. NaN rules (an agent without a denominator,
e.g. no inquiries): NaN never reaches a threshold or passes a gate, never ranks (a NaN agent gets no prize and
no rank points, and no below-average penalty), scores 0 points on a scorecard item and counts as 0 in yuan KPIs.

Order of pricing: every ordinary component (also those wrapped in a gate) -> profit pools split by points ->
gates (wrapped components, then whole-scheme gates) -> caps/floors in the order listed.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel

from model.clock import MONTH_DAYS
from model.kpi import PERIOD_DAYS, SOURCE_ROUNDS_PER_MONTH, source_rounds
from model.kpicodes import KPI_CODES
from model.schemes.spec import (
    TOL,
    AftersaleChargeback,
    BaseSalary,
    BehaviourPoints,
    CapFloor,
    Commission,
    DepartmentBonus,
    Gate,
    PoolSpec,
    ProfitPool,
    Rank,
    RankPoints,
    Scheme,
    Scorecard,
    SilentOrderPool,
    Threshold,
    TieredCommission,
)

#: Component types counted as base pay (everything else is variable pay = bonus cost).
BASE_TYPES = ("base_salary",)
#: Component types a whole-scheme gate does not touch.
_UNGATED = ("base_salary", "aftersale_chargeback", "gate", "cap", "floor")

LONG_COLUMNS = ["rep", "agent", "component", "type", "kind", "yuan", "reached"]

#: KPIs that add up over agents (counts and sales); their "team average" is the mean over agents, not the team
#: total. For every other KPI (shares, seconds, order value, DSR) it is the team table's shop-level figure.
EXTENSIVE_KPIS = frozenset(
    [c for c, k in KPI_CODES.items() if k.unit == "count"]
    + ["sales_yuan", "sales_new_yuan", "sales_returning_yuan", "refund_yuan", "caused_refund_yuan"]
)


@dataclass
class PricingContext:
    """KPI tables of one scheme's simulation (all replications) plus the economics a pool needs.

    Attributes:
        agent_horizon: one row per (rep, agent): ``rep``, ``agent`` and KPI codes (floats; ratios may be NaN).
        agent_week: same plus ``week`` (0-based 7-day blocks); needed by weekly components.
        team_horizon: one row per rep with team KPI codes, ``dsr`` and ``silent_orders_yuan``.
        team_week: team KPIs per (rep, week); the "shop average" of weekly rank points (else agents' mean).
        agents: static attributes per agent: ``agent``, ``name``, ``tenure_months``, ``night_shifts``, ``role``.
        baseline_team_horizon: team_horizon of the baseline scheme on the same random numbers (profit pools).
        gross_margin_share: gross margin as a share of revenue (profit pools).
        days: simulated horizon in days: amounts quoted per month (week, day) are prorated to it.
        tables: ``tables(by_agent=..., period=...)`` returns a KPI table per period ("day", "week" = calendar
            weeks, "round4" = seed 002's four rounds a month); without it, weekly components use
            ``agent_week`` / ``team_week`` as given (taken to be the rounds the scheme means).
    """

    agent_horizon: pd.DataFrame
    agent_week: pd.DataFrame | None = None
    team_horizon: pd.DataFrame | None = None
    team_week: pd.DataFrame | None = None
    agents: pd.DataFrame | None = None
    baseline_team_horizon: pd.DataFrame | None = None
    gross_margin_share: float = 0.3
    days: float = 30.0
    tables: Callable[..., pd.DataFrame] | None = None
    all_basis: PricingContext | None = None


@dataclass
class _Priced:
    yuan: pd.Series  # indexed (rep, agent)
    reached: pd.Series | None = None
    points: pd.Series | None = None
    variable_extra: pd.Series | None = None  # a base-pay component's performance part (booked as variable)


class _Prep:
    """Indexed views of the context, built once per pricing call."""

    def __init__(self, ctx: PricingContext) -> None:
        am = ctx.agent_horizon
        missing = {"rep", "agent"} - set(am.columns)
        if missing:
            raise ValueError(f"agent_horizon lacks columns {sorted(missing)}")
        self.ctx = ctx
        self.am = am.set_index(["rep", "agent"]).sort_index()
        self.idx = self.am.index
        self.reps = self.idx.get_level_values("rep").unique()
        self.aw = None if ctx.agent_week is None else ctx.agent_week.set_index(["rep", "week", "agent"]).sort_index()
        self.tm = None if ctx.team_horizon is None else ctx.team_horizon.set_index("rep").sort_index()
        self.tw = None if ctx.team_week is None else ctx.team_week.set_index(["rep", "week"]).sort_index()
        agent_ids = self.idx.get_level_values("agent")
        if ctx.agents is not None:
            ag = ctx.agents.set_index("agent")
        else:
            ag = pd.DataFrame(index=pd.Index(sorted(set(agent_ids)), name="agent"))
        self.agents = ag
        self.role = self._static("role", "both", agent_ids)
        self.tenure = self._static("tenure_months", 0.0, agent_ids).astype(float)
        self.night = self._static("night_shifts", 0, agent_ids).astype(float)
        self.days = float(ctx.days)
        # (period, weeks) -> (agent frame, proration factor per row, team frame)
        self._periods: dict[tuple[str, str], tuple[pd.DataFrame, np.ndarray, pd.DataFrame | None]] = {}

    def _static(self, col: str, default: Any, agent_ids: pd.Index) -> pd.Series:
        if col in self.agents.columns:
            vals = self.agents[col].reindex(agent_ids).fillna(default).to_numpy()
        else:
            vals = np.full(len(agent_ids), default, dtype=object if isinstance(default, str) else float)
        return pd.Series(vals, index=self.idx)

    # ---- frames
    def frame(self, period: str, what: str, weeks: str = "source_4") -> pd.DataFrame:
        """The agent KPI table a component is evaluated on: the horizon for "month", else one row per
        (rep, round, agent) with the round in an index level named ``week`` (a day for "day")."""
        if period == "month":
            return self.am
        key = (period, weeks)
        if key not in self._periods:
            self._periods[key] = self._period_tables(period, weeks, what)
        return self._periods[key][0]

    def _period_tables(self, period: str, weeks: str, what: str) -> tuple[pd.DataFrame, np.ndarray, Any]:
        ctx = self.ctx
        if ctx.tables is not None:
            name = "day" if period == "day" else ("round4" if weeks == "source_4" else "week")
            aw = ctx.tables(by_agent=True, period=name).rename(columns={name: "week"})
            aw = aw.set_index(["rep", "week", "agent"]).sort_index()
            tw = ctx.tables(by_agent=False, period=name).rename(columns={name: "week"})
            tw = tw.set_index(["rep", "week"]).sort_index()
        elif period == "week" and self.aw is not None:
            aw, tw = self.aw, self.tw
        else:
            raise ValueError(f"{what} is evaluated per {period} (period = \"{period}\") but no agent_week table "
                             "(or tables function) was given")
        rounds = aw.index.get_level_values("week").to_numpy()
        days = self.days
        if period == "day":
            factor = np.ones(len(aw))
        elif weeks == "source_4":
            # every round of seed 002 is a quarter of a month: a 30-day month has 4 rounds paying in full
            n = source_rounds(int(round(days)))
            factor = np.full(len(aw), days * SOURCE_ROUNDS_PER_MONTH / MONTH_DAYS / n)
        else:  # calendar weeks: a trailing partial week pays its share of a week
            factor = np.clip(days - 7 * rounds, 0, 7) / 7
        return aw, factor, tw

    def factor(self, c: Any, frame: pd.DataFrame) -> np.ndarray:
        """Proration per row: the share of the component's period that the row's period covers.

        Horizon rows: days / period days (a 30-day run of a monthly figure: 1; a 1-day run: 1/30).
        """
        if frame is self.am:
            return np.full(len(frame), self.days / PERIOD_DAYS[c.period])
        for f, fac, _ in self._periods.values():
            if f is frame:
                return fac
        raise ValueError("unknown frame")

    def horizon_factor(self, c: Any) -> float:
        """days / the component's period days (amounts of components evaluated over the whole horizon)."""
        return self.days / PERIOD_DAYS[getattr(c, "period", "month")]

    def per_period(self, frame: pd.DataFrame, code: str, factor: np.ndarray | float) -> np.ndarray:
        """KPI values in the units of the component's period: counts and sales divided by the proration
        factor (so a monthly sales target compares with sales per month); ratios unchanged."""
        x = self.kpi(frame, code)
        return x / factor if code in EXTENSIVE_KPIS else x

    def kpi(self, frame: pd.DataFrame, code: str) -> np.ndarray:
        if code not in frame.columns:
            raise ValueError(f"the KPI table has no column '{code}' ({KPI_CODES[code].zh if code in KPI_CODES else ''})")
        return frame[code].to_numpy(dtype=float)

    def to_agent(self, values: np.ndarray, frame: pd.DataFrame) -> pd.Series:
        s = pd.Series(values, index=frame.index)
        if frame is not self.am:
            s = s.groupby(level=["rep", "agent"]).sum()
        return s.reindex(self.idx, fill_value=0.0).astype(float)

    def eligible(self, roles: list[str] | None, frame: pd.DataFrame) -> np.ndarray:
        if roles is None:
            return np.ones(len(frame), dtype=bool)
        role = self.role if frame is self.am else self.role.reindex(frame.index.droplevel("week")).set_axis(frame.index)
        return role.isin(roles).to_numpy()

    def team_value(self, code: str, frame: pd.DataFrame) -> np.ndarray:
        """Team (shop) average of ``code`` for each row of ``frame``.

        The team table's shop-level figure for ratio KPIs; the mean over agents for counts and sales
        (:data:`EXTENSIVE_KPIS`) or when the team table lacks the code.
        """
        weekly = frame is not self.am
        team = self.tm
        if weekly:
            team = next((t for f, _, t in self._periods.values() if f is frame), self.tw)
        keys = ["rep", "week"] if weekly else ["rep"]
        if team is not None and code in team.columns and code not in EXTENSIVE_KPIS:
            t = team[code]
        else:
            t = frame[code].groupby(level=keys).mean()
        grp = frame.index.droplevel("agent")
        if not weekly:
            grp = frame.index.get_level_values("rep")
        return t.reindex(grp).to_numpy(dtype=float)

    def team_horizon(self, code: str, fallback: str = "sum") -> pd.Series:
        """Team value per rep (team_horizon column, else agents' sum/mean)."""
        if self.tm is not None and code in self.tm.columns:
            return self.tm[code].reindex(self.reps).astype(float)
        if code in self.am.columns:
            g = self.am[code].groupby(level="rep")
            return (g.sum() if fallback == "sum" else g.mean()).reindex(self.reps).astype(float)
        raise ValueError(f"team_horizon has no column '{code}'")

    def per_rep_to_agent(self, per_rep: pd.Series) -> np.ndarray:
        return per_rep.reindex(self.idx.get_level_values("rep")).to_numpy(dtype=float)


# --------------------------------------------------------------------------------------------------------------
# building blocks


def _reach(x: np.ndarray, target: float | np.ndarray, direction: str) -> np.ndarray:
    """x reaches target (inclusive, relative tolerance TOL); NaN never reaches."""
    tol = TOL * np.maximum(1.0, np.abs(target))
    with np.errstate(invalid="ignore"):
        if direction == "higher_is_better":
            return x >= target - tol
        return x <= target + tol


def _worse(x: np.ndarray, ref: np.ndarray, direction: str) -> np.ndarray:
    """x strictly worse than ref (beyond tolerance); NaN is never worse."""
    tol = TOL * np.maximum(1.0, np.abs(ref))
    with np.errstate(invalid="ignore"):
        if direction == "higher_is_better":
            return x < ref - tol
        return x > ref + tol


def split_prizes(
    values: np.ndarray, groups: np.ndarray, prizes: list[float], direction: str, valid: np.ndarray | None = None
) -> np.ndarray:
    """Prize per row: rank within each group, tied rows share the prizes of the positions they occupy evenly.

    Args:
        values: KPI values (NaN rows never win).
        groups: group id per row (e.g. rep, or (rep, week) code).
        prizes: prizes for positions 1..k.
        direction: "higher_is_better" or "lower_is_better".
        valid: optional eligibility mask.

    Returns:
        Array of prizes (0 for rows outside the top k or invalid).
    """
    out = np.zeros(len(values))
    ok = ~np.isnan(values)
    if valid is not None:
        ok &= valid
    if not ok.any():
        return out
    df = pd.DataFrame({"g": groups[ok], "v": values[ok]})
    pos = df.groupby("g")["v"].rank(method="min", ascending=direction == "lower_is_better").to_numpy()
    m = df.groupby(["g", "v"])["v"].transform("size").to_numpy()
    cum = np.concatenate([[0.0], np.cumsum(np.asarray(prizes, dtype=float))])
    k = len(prizes)
    start = np.minimum(pos.astype(int) - 1, k)
    end = np.minimum(pos.astype(int) - 1 + m, k)
    out[ok] = (cum[end] - cum[start]) / m
    return out


def _group_codes(frame: pd.DataFrame) -> np.ndarray:
    keys = [n for n in frame.index.names if n != "agent"]
    return frame.groupby(level=keys, sort=False).ngroup().to_numpy()


def pool_yuan(spec: PoolSpec, prep: _Prep) -> pd.Series:
    """Pool per rep from a :class:`PoolSpec` (seed 002's X and the 80/20 share).

    ``yuan`` and ``team_task_yuan`` are monthly figures, prorated by days / 30; the sales terms are the
    horizon's own sales.
    """
    mf = prep.days / MONTH_DAYS
    sales = prep.team_horizon("sales_yuan")
    total = spec.yuan * mf + spec.sales_share * sales
    if spec.attainment_conversion_factor:
        conv = prep.team_horizon("inquiry_conversion", fallback="mean")
        total = total + spec.attainment_conversion_factor * sales * (sales / (spec.team_task_yuan * mf)) * conv
    return spec.share * total


def _share_split(weights: np.ndarray, pool_per_row: np.ndarray, reps: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Split a per-rep pool by weights within each rep (equal split when all weights are 0)."""
    w = np.where(eligible, np.nan_to_num(np.maximum(weights, 0.0)), 0.0)
    df = pd.DataFrame({"r": reps, "w": w, "e": eligible.astype(float)})
    tot = df.groupby("r")["w"].transform("sum").to_numpy()
    n = df.groupby("r")["e"].transform("sum").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(tot > 0, w / np.where(tot > 0, tot, 1), np.where(n > 0, eligible / np.maximum(n, 1), 0.0))
    return share * pool_per_row


# --------------------------------------------------------------------------------------------------------------
# components


C = TypeVar("C", bound=BaseModel)


class Pricer(Protocol[C]):
    """Prices one component type on the KPI tables: ``pricer(component, prep) -> _Priced``."""

    def __call__(self, c: C, p: _Prep, /) -> _Priced: ...


#: The pricer of every ordinary component type (priced first, independently). Profit pools (they split by other
#: components' points), gates and caps/floors (they act on other components' pay) are priced in their own
#: passes of :func:`price_scheme`.
PRICERS: dict[type[BaseModel], Pricer[Any]] = {}


def _pricer(kind: type[C]) -> Callable[[Pricer[C]], Pricer[C]]:
    def register(fn: Pricer[C]) -> Pricer[C]:
        PRICERS[kind] = fn
        return fn
    return register




def threshold_yuan(c: Threshold, x: np.ndarray, fac: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """A threshold's pay (before eligibility) and whether any step was reached, for KPI values ``x`` in the
    component's period units (any shape) and the proration ``fac``."""
    pay = np.zeros(x.shape)
    hit_any = np.zeros(x.shape, dtype=bool)
    for s in c.effective_steps():
        hit = _reach(x, s.target, c.direction)
        pay = pay + np.where(hit, s.amount_yuan, 0.0) if c.cumulative else np.where(hit, s.amount_yuan, pay)
        hit_any |= hit
    return np.where(hit_any, pay, c.miss_yuan) * fac, hit_any


@_pricer(Threshold)
def _threshold(c: Threshold, p: _Prep) -> _Priced:
    f = p.frame(c.period, "threshold", c.weeks)
    fac = p.factor(c, f)
    x = p.per_period(f, c.kpi, fac)
    pay, hit_any = threshold_yuan(c, x, fac)
    el = p.eligible(c.roles, f)
    pay = np.where(el, pay, 0.0)
    reached = p.to_agent(hit_any.astype(float), f)
    if f is not p.am:
        reached = reached / p.to_agent(np.ones(len(f)), f).replace(0, np.nan)
    return _Priced(p.to_agent(pay, f), reached.where(pd.Series(p.eligible(c.roles, p.am), index=p.idx)))


@_pricer(Rank)
def _rank(c: Rank, p: _Prep) -> _Priced:
    f = p.frame(c.period, "rank", c.weeks)
    fac = p.factor(c, f)
    x = p.kpi(f, c.kpi)
    valid = p.eligible(c.roles, f)
    if c.min_inquiries:
        valid = valid & (np.nan_to_num(p.per_period(f, "inquiries", fac)) >= c.min_inquiries)  # eligible may be read-only
    prize = split_prizes(x, _group_codes(f), c.prizes_yuan, c.direction, valid) * fac
    won = p.to_agent((prize > 0).astype(float), f)
    return _Priced(p.to_agent(prize, f), (won > 0).astype(float))


def commission_yuan(c: Commission, kpi: Callable[[str], np.ndarray]) -> np.ndarray:
    """A commission's pay (before eligibility); ``kpi(code)`` gives the horizon values."""
    if c.rate_new is not None or c.rate_returning is not None:
        rn = c.rate if c.rate_new is None else c.rate_new
        rr = c.rate if c.rate_returning is None else c.rate_returning
        return rn * np.nan_to_num(kpi("sales_new_yuan")) + rr * np.nan_to_num(kpi("sales_returning_yuan"))
    return c.rate * np.nan_to_num(kpi(c.kpi))


@_pricer(Commission)
def _commission(c: Commission, p: _Prep) -> _Priced:
    f = p.am
    pay = commission_yuan(c, lambda code: p.kpi(f, code))
    return _Priced(p.to_agent(np.where(p.eligible(c.roles, f), pay, 0.0), f))


def tiered_commission_yuan(sales: np.ndarray, task_yuan: float, tiers: list[Any], mode: str) -> np.ndarray:
    """Commission for sales under a tiered scheme (see :class:`model.schemes.spec.TieredCommission`)."""
    sales = np.nan_to_num(np.asarray(sales, dtype=float))
    att = sales / task_yuan
    lows = np.array([t.min_attainment for t in tiers])
    rates = np.array([t.share for t in tiers])
    if mode == "step":
        i = np.searchsorted(lows, att, side="right") - 1
        return sales * rates[np.clip(i, 0, None)]
    if mode == "bracket":
        highs = np.append(lows[1:], np.inf)
        band = np.clip(att[:, None], lows[None, :], highs[None, :]) - lows[None, :]
        return (band * rates[None, :]).sum(axis=1) * task_yuan
    # task_split: within-task amount at the reached tier below 100%, excess at the reached tier from 100%
    below = lows < 1
    lo_l, lo_r = lows[below], rates[below]
    i = np.searchsorted(lo_l, np.minimum(att, 1 - 1e-12), side="right") - 1
    within = np.minimum(sales, task_yuan) * lo_r[np.clip(i, 0, None)]
    hi_l, hi_r = lows[~below], rates[~below]
    excess = np.maximum(sales - task_yuan, 0.0)
    if len(hi_l):
        j = np.searchsorted(hi_l, att, side="right") - 1
        ex_rate = np.where(j >= 0, hi_r[np.clip(j, 0, None)], lo_r[-1])
    else:
        ex_rate = np.full(len(sales), lo_r[-1])
    return within + excess * ex_rate


@_pricer(TieredCommission)
def _tiered(c: TieredCommission, p: _Prep) -> _Priced:
    f = p.am
    sales = p.kpi(f, c.kpi)
    task = c.task_yuan * p.horizon_factor(c)  # the task is for the component's period (a month by default)
    pay = tiered_commission_yuan(sales, task, c.tiers, c.mode)
    el = p.eligible(c.roles, f)
    reached = pd.Series(np.where(el, (np.nan_to_num(sales) >= task * (1 - TOL)).astype(float), np.nan), index=p.idx)
    return _Priced(p.to_agent(np.where(el, pay, 0.0), f), reached)


def score_item_points(item: Any, x: np.ndarray) -> np.ndarray:
    """Points 0-100 of a scorecard item for KPI values x (NaN -> 0)."""
    x = np.asarray(x, dtype=float)
    if item.table is None:
        with np.errstate(invalid="ignore"):
            pts = 100 * np.clip((x - item.floor) / (item.full - item.floor), 0, 1)
    else:
        pts = np.full(len(x), float(item.else_points))
        for st in reversed(item.table):
            pts = np.where(_reach(x, st.at, item.direction), st.points, pts)
    return np.where(np.isnan(x), 0.0, pts)


def scorecard_score(c: Any, frame: pd.DataFrame, factor: float = 1.0) -> np.ndarray:
    """Scorecard score 0-100 per row of a KPI frame (counts and sales divided by ``factor``, the horizon's
    share of the component's period, so monthly floors and fulls apply to a shorter run)."""
    groups: dict[str, np.ndarray] = {}
    for it in c.items:
        x = frame[it.kpi].to_numpy(dtype=float)
        if it.kpi in EXTENSIVE_KPIS:
            x = x / factor
        pts = score_item_points(it, x) * it.weight
        groups[it.group] = groups.get(it.group, 0.0) + pts
    if "kci" in groups:
        return (1 - c.kci_share) * groups.get("kpi", 0.0) + c.kci_share * groups["kci"]
    return groups["kpi"]


@_pricer(Scorecard)
def _scorecard(c: Scorecard, p: _Prep) -> _Priced:
    f = p.am
    for it in c.items:
        p.kpi(f, it.kpi)
    el = p.eligible(c.roles, f)
    hf = p.horizon_factor(c)
    score = np.where(el, scorecard_score(c, f, hf), 0.0)
    counted = np.where(score >= c.min_score - TOL, score, 0.0)
    if c.amount_yuan is not None:
        pay = counted / 100 * c.amount_yuan * hf
    else:
        reps = f.index.get_level_values("rep").to_numpy()
        pool = p.per_rep_to_agent(pool_yuan(c.pool, p))
        pay = _share_split(counted, pool, reps, el & (counted > 0)) if counted.any() else np.zeros(len(f))
        pay = np.where(counted > 0, pay, 0.0)
    pts = pd.Series(np.where(el, score, np.nan), index=p.idx)
    return _Priced(p.to_agent(pay, f), (pts >= c.min_score - TOL).astype(float).where(pts.notna()), pts)


def rank_points_score(c: Any, p: _Prep) -> tuple[pd.Series, float]:
    """Seed 002 points per (rep, agent) and the normalising maximum."""
    f = p.frame(c.period, "rank_points", c.weeks)
    fac = p.factor(c, f) if f is not p.am else np.full(len(f), p.days / PERIOD_DAYS[c.period])
    valid = p.eligible(c.roles, f)
    if c.min_inquiries:
        valid = valid & (np.nan_to_num(p.per_period(f, "inquiries", fac)) >= c.min_inquiries)  # eligible may be read-only
    groups = _group_codes(f)
    pts = np.zeros(len(f))
    for code in c.kpis:
        x = p.kpi(f, code)
        d = KPI_CODES[code].direction
        rank_pts = split_prizes(x, groups, c.points, d, valid)
        worse = _worse(x, p.team_value(code, f), d) & valid
        pts += np.where(worse, c.below_average_points, rank_pts)
    for r in c.rules:
        x = p.kpi(f, r.kpi)
        if r.target != "team_average":
            x = p.per_period(f, r.kpi, fac)
        if r.target == "team_average":
            missed = _worse(x, p.team_value(r.kpi, f), r.direction)
        else:
            missed = ~_reach(x, r.target, r.direction) & ~np.isnan(x)
        met = ~missed & ~np.isnan(x)
        pts += np.where(valid, np.where(met, r.met_points, 0.0) + np.where(missed, r.missed_points, 0.0), 0.0)
    score = p.to_agent(pts, f)
    if c.task_points:
        att = np.nan_to_num(p.kpi(p.am, "sales_yuan")) / (c.task_yuan * p.days / MONTH_DAYS)  # a monthly task
        extra = np.zeros(len(att))
        for band in c.task_points:
            hi = np.inf if band.max_attainment is None else band.max_attainment
            extra = np.where((att >= band.min_attainment - TOL) & (att < hi - TOL), band.points, extra)
        score = score + np.where(p.eligible(c.roles, p.am), extra, 0.0)
    if c.max_points is not None:
        mx = c.max_points
    else:
        n_periods = 1 if f is p.am else int(f.index.droplevel("agent").unique().get_level_values("week").nunique())
        mx = float(sum(c.points)) * len(c.kpis) * n_periods
    return score, mx


@_pricer(RankPoints)
def _rank_points(c: RankPoints, p: _Prep) -> _Priced:
    score, mx = rank_points_score(c, p)
    s = score.clip(lower=0) if c.floor_at_zero else score
    pool = p.per_rep_to_agent(pool_yuan(c.pool, p))
    el = p.eligible(c.roles, p.am)
    pay = np.where(el, s.to_numpy() / mx * pool, 0.0)
    return _Priced(pd.Series(pay, index=p.idx), None, score.where(pd.Series(el, index=p.idx)))


@_pricer(BehaviourPoints)
def _behaviour(c: BehaviourPoints, p: _Prep) -> _Priced:
    f = p.am
    bad = np.nan_to_num(p.kpi(f, "bad_attitude_ratings"))
    pts = np.where(bad == 0, c.zero_bad_attitude_points, 0.0) + c.per_bad_attitude_points * bad
    ten = p.tenure.to_numpy()
    tp = np.zeros(len(f))
    for st in c.tenure_points:
        tp = np.where(ten >= st.months, st.points, tp)
    pts = pts + tp + np.where(p.night.to_numpy() > 0, c.night_shift_points, 0.0) + c.fixed_points
    el = p.eligible(c.roles, f)
    pool = p.per_rep_to_agent(pool_yuan(c.pool, p))
    pos = np.where(el, np.maximum(pts, 0.0), 0.0)
    if c.normalise == "max":
        pay = pos / c.max_points * pool
    else:
        pay = _share_split(pos, pool, f.index.get_level_values("rep").to_numpy(), el & (pos > 0))
    return _Priced(pd.Series(pay, index=p.idx), None, pd.Series(np.where(el, pts, np.nan), index=p.idx))


def _conditions_hold(conds: list[Any], p: _Prep, worse: bool, factor: float = 1.0) -> pd.Series:
    ok = pd.Series(True, index=p.reps)
    for cond in conds:
        v = p.team_horizon(cond.kpi, fallback="mean").to_numpy()
        if cond.kpi in EXTENSIVE_KPIS:
            v = v / factor
        ref = np.full(len(v), cond.reference)
        ok &= _worse(v, ref, cond.direction) if worse else _worse(ref, v, cond.direction)
    return ok


@_pricer(DepartmentBonus)
def _department(c: DepartmentBonus, p: _Prep) -> _Priced:
    hf = p.horizon_factor(c)
    reward = _conditions_hold(c.reward_if, p, worse=False, factor=hf).astype(float) * c.reward_yuan_per_head * hf
    if c.penalty_if:
        reward -= (_conditions_hold(c.penalty_if, p, worse=True, factor=hf).astype(float)
                   * c.penalty_yuan_per_head * hf)
    el = p.eligible(c.roles, p.am)
    pay = np.where(el, p.per_rep_to_agent(reward), 0.0)
    return _Priced(pd.Series(pay, index=p.idx), pd.Series(np.where(el, (pay > 0).astype(float), np.nan), index=p.idx))


def revenue_yuan(team_horizon: pd.DataFrame) -> pd.Series:
    """Revenue per rep = CS sales + silent-order sales (0 when the column is absent), indexed by rep."""
    t = team_horizon.set_index("rep") if "rep" in team_horizon.columns else team_horizon
    silent = t["silent_orders_yuan"] if "silent_orders_yuan" in t.columns else 0.0
    return (t["sales_yuan"] + silent).astype(float)


def _profit_pool(c: ProfitPool, p: _Prep, points: dict[str, pd.Series]) -> _Priced:
    ctx = p.ctx
    if ctx.team_horizon is None or ctx.baseline_team_horizon is None:
        raise ValueError("profit_pool needs team_horizon and baseline_team_horizon (the baseline on the same random numbers)")
    margin = ctx.gross_margin_share if c.margin_share is None else c.margin_share
    uplift = revenue_yuan(ctx.team_horizon) - revenue_yuan(ctx.baseline_team_horizon).reindex(p.tm.index)
    pool = c.share * (uplift * margin).clip(lower=0).reindex(p.reps).fillna(0.0)
    if c.cap_yuan is not None:
        pool = pool.clip(upper=c.cap_yuan * p.horizon_factor(c))
    el = p.eligible(c.roles, p.am)
    if c.split == "equal":
        w = np.ones(len(p.idx))
    elif c.split == "sales":
        w = np.nan_to_num(p.kpi(p.am, "sales_yuan"))
    else:
        w = points[c.points_from].reindex(p.idx).fillna(0.0).to_numpy()
    pay = _share_split(w, p.per_rep_to_agent(pool), p.idx.get_level_values("rep").to_numpy(), el)
    return _Priced(pd.Series(pay, index=p.idx))


def base_salary_yuan(c: BaseSalary, ten: np.ndarray) -> np.ndarray:
    """Monthly base salary by tenure (months), before proration and eligibility."""
    first = c.step_months if c.first_step_months is None else c.first_step_months
    steps = np.where(ten >= first - TOL, 1 + np.floor((ten - first) / c.step_months + TOL), 0.0)
    if c.max_steps is not None:
        steps = np.minimum(steps, c.max_steps)
    return c.base_yuan + c.step_yuan * steps


@_pricer(BaseSalary)
def _base_salary(c: BaseSalary, p: _Prep) -> _Priced:
    ten = p.tenure.to_numpy()
    pay = base_salary_yuan(c, ten)
    el = p.eligible(c.roles, p.am)
    factor = p.horizon_factor(c) if c.prorate else 1.0
    extra = None
    if c.top_kpi is not None and c.top_bonus_yuan:
        x = p.kpi(p.am, c.top_kpi)
        d = KPI_CODES[c.top_kpi].direction
        s = pd.Series(np.where(el, x, np.nan), index=p.idx)
        best = s.groupby(level="rep").max() if d == "higher_is_better" else s.groupby(level="rep").min()
        top = np.isclose(s.to_numpy(), p.per_rep_to_agent(best), rtol=TOL, atol=0) & ~np.isnan(s.to_numpy())
        extra = pd.Series(np.where(top & el, c.top_bonus_yuan * factor, 0.0), index=p.idx)
    return _Priced(pd.Series(np.where(el, pay * factor, 0.0), index=p.idx), variable_extra=extra)


@_pricer(SilentOrderPool)
def _silent(c: SilentOrderPool, p: _Prep) -> _Priced:
    if p.tm is None or "silent_orders_yuan" not in p.tm.columns:
        raise ValueError("silent_order_pool needs the column silent_orders_yuan in team_horizon")
    pool = c.share * p.tm["silent_orders_yuan"].reindex(p.reps).fillna(0.0)
    el = p.eligible(c.roles, p.am)
    pay = _share_split(np.ones(len(p.idx)), p.per_rep_to_agent(pool), p.idx.get_level_values("rep").to_numpy(), el)
    return _Priced(pd.Series(pay, index=p.idx))


def chargeback_yuan(c: AftersaleChargeback, cost: np.ndarray, sales: np.ndarray, hf: float) -> np.ndarray:
    """The (positive) after-sale charge for the charged cost and sales of the horizon (``hf`` = its share of the
    component's period)."""
    cost = np.nan_to_num(cost)
    floor = c.floor_yuan * hf + c.floor_share_of_sales * np.nan_to_num(sales)
    charge = c.rate * np.maximum(cost - floor, 0.0)
    if c.max_charge_yuan is not None:
        charge = np.minimum(charge, c.max_charge_yuan * hf)
    return charge


@_pricer(AftersaleChargeback)
def _chargeback(c: AftersaleChargeback, p: _Prep) -> _Priced:
    charge = chargeback_yuan(c, p.kpi(p.am, c.kpi), p.kpi(p.am, "sales_yuan"), p.horizon_factor(c))
    el = p.eligible(c.roles, p.am)
    return _Priced(pd.Series(np.where(el, -charge, 0.0), index=p.idx),
                   pd.Series(np.where(el, (charge > 0).astype(float), np.nan), index=p.idx))


def gate_mask(c: Gate, p: _Prep) -> pd.Series:
    """True where every condition of a gate holds for the agent (NaN fails)."""
    ok = np.ones(len(p.idx), dtype=bool)
    for cond in c.conditions:
        x = p.kpi(p.am, cond.kpi)
        for bound, d in ((cond.at_least, "higher_is_better"), (cond.at_most, "lower_is_better")):
            if bound is None:
                continue
            if bound == "team_average":
                ref = p.team_value(cond.kpi, p.am) * cond.team_factor
                ok &= _reach(x, ref, d)
            else:  # a fixed floor on counts or sales is quoted per the gate's period
                ok &= _reach(p.per_period(p.am, cond.kpi, p.horizon_factor(c)), float(bound), d)
    return pd.Series(ok, index=p.idx)


# --------------------------------------------------------------------------------------------------------------
# public API


def price_scheme(scheme: Scheme, ctx: PricingContext) -> pd.DataFrame:
    """Price a scheme on KPI tables.

    Args:
        scheme: a validated :class:`Scheme`.
        ctx: the KPI tables of this scheme's simulation.

    Returns:
        Long table with columns ``rep``, ``agent``, ``component`` (breakdown label), ``type``, ``kind``
        ("base" for base_salary, else "variable"), ``yuan`` and ``reached`` (share of periods in which the
        agent reached the component's target / won a prize / passed the gate; NaN where not applicable).
        Every (rep, agent) has a row for every component. A gate shows as a row of zeros whose ``reached``
        tells whether it held; the pay it withholds is removed from the gated components' rows.
    """
    p = _Prep(ctx)
    p_all: _Prep | None = None
    flat = scheme.flat_components()
    priced: dict[str, _Priced] = {}
    points: dict[str, pd.Series] = {}
    for lab, c, _ in flat:
        pricer = PRICERS.get(type(c))
        if pricer is not None:
            on = p
            if getattr(c, "kpi_basis", None) == "all" and ctx.all_basis is not None:
                # the component pays on KPIs that count the bot's replies and chats (docs/schemes.md, kpi_basis)
                p_all = p_all or _Prep(ctx.all_basis)
                on = p_all
            priced[lab] = pricer(c, on)
            if priced[lab].points is not None:
                points[lab] = priced[lab].points
    for lab, c, _ in flat:
        if isinstance(c, ProfitPool):
            priced[lab] = _profit_pool(c, p, points)
    zeros = pd.Series(0.0, index=p.idx)
    # gates: wrapped components first, then whole-scheme gates
    for lab, c, _ in flat:
        if not isinstance(c, Gate):
            continue
        mask = gate_mask(c, p)
        priced[lab] = _Priced(zeros.copy(), mask.astype(float))
        targets = [ilab for ilab, _, parent in flat if parent == lab]
        if not c.components:
            targets = [ilab for ilab, ic, parent in flat if parent is None and ic.type not in _UNGATED]
        for t in targets:
            y = priced[t].yuan
            priced[t].yuan = y.where(mask | (y < 0), 0.0)
    # caps and floors
    for lab, c, _ in flat:
        if not isinstance(c, CapFloor):
            continue
        refs = c.applies_to or [ilab for ilab, ic, _ in flat if ilab in priced and ic.type not in BASE_TYPES + ("gate",)]
        total = sum((priced[r].yuan for r in refs), zeros.copy())
        hf = p.horizon_factor(c)
        clipped = total.clip(lower=None if c.min_yuan is None else c.min_yuan * hf,
                             upper=None if c.max_yuan is None else c.max_yuan * hf)
        priced[lab] = _Priced(clipped - total, ((clipped - total) != 0).astype(float))
    frames = []

    def rows(label: str, ctype: str, kind: str, yuan: pd.Series, reached: pd.Series) -> pd.DataFrame:
        return pd.DataFrame({
            "rep": p.idx.get_level_values("rep"),
            "agent": p.idx.get_level_values("agent"),
            "component": label,
            "type": ctype,
            "kind": kind,
            "yuan": yuan.reindex(p.idx).to_numpy(dtype=float),
            "reached": reached.to_numpy(dtype=float),
        })

    for lab, c, _ in flat:
        pr = priced[lab]
        reached = pr.reached.reindex(p.idx) if pr.reached is not None else pd.Series(np.nan, index=p.idx)
        frames.append(rows(lab, c.type, "base" if c.type in BASE_TYPES else "variable", pr.yuan, reached))
        if pr.variable_extra is not None:  # seed 003's "+100 for the top performer": performance pay
            frames.append(rows(f"{lab}:top_bonus", c.type, "variable", pr.variable_extra,
                               (pr.variable_extra > 0).astype(float)))
    if not frames:
        return pd.DataFrame(columns=LONG_COLUMNS)
    return pd.concat(frames, ignore_index=True)[LONG_COLUMNS]


def can_pay_negative(scheme: Scheme | None) -> bool:
    """Whether any component of a scheme can pay an agent a negative amount (charges, penalties, negative
    steps, rank points below zero, a negative cap/floor); None (base pay only) cannot.

    Used to keep the intervals of pay and bonus cost at or above 0 when they cannot be negative.
    """
    if scheme is None:
        return False
    for _, c, _ in scheme.flat_components():
        t = c.type
        if t == "aftersale_chargeback":
            return True
        if t == "department_bonus" and c.penalty_if and c.penalty_yuan_per_head > 0:
            return True
        if t == "threshold" and (c.miss_yuan < 0 or any(st.amount_yuan < 0 for st in c.effective_steps())):
            return True
        if t == "rank_points" and not c.floor_at_zero:
            return True
        if t in ("cap", "floor") and any(b is not None and b < 0 for b in (c.min_yuan, c.max_yuan)):
            return True
    return False


def pay_table(long: pd.DataFrame) -> pd.DataFrame:
    """Wide pay per (rep, agent): ``pay_yuan``, ``base_yuan``, ``variable_yuan`` and one column per component.

    Args:
        long: the output of :func:`price_scheme`.

    Returns:
        One row per (rep, agent), components in pricing order; rows in the order of first appearance of the rep,
        then of the agent (as ``pivot_table(sort=False)``); a component an agent has no row for is NaN, a NaN
        amount counts as 0 (pandas' sum). Sums by ``numpy.bincount`` (a pivot table costs about 20 ms a scheme).
    """
    if long.empty:
        return pd.DataFrame(columns=["rep", "agent", "pay_yuan", "base_yuan", "variable_yuan"])
    rc, reps = pd.factorize(long["rep"], sort=False)
    ac, agents = pd.factorize(long["agent"], sort=False)
    cc, comps = pd.factorize(long["component"], sort=False)
    y = long["yuan"].to_numpy(dtype=float)
    y = np.where(np.isnan(y), 0.0, y)
    keys, row = np.unique(rc * len(agents) + ac, return_inverse=True)
    n, k = len(keys), len(comps)
    cell = row * k + cc
    wide = np.bincount(cell, weights=y, minlength=n * k).reshape(n, k)
    wide[np.bincount(cell, minlength=n * k).reshape(n, k) == 0] = np.nan
    kind = long["kind"].to_numpy()
    base = np.bincount(row, weights=np.where(kind == "base", y, 0.0), minlength=n)
    var = np.bincount(row, weights=np.where(kind == "variable", y, 0.0), minlength=n)
    cols: dict[str, Any] = {"rep": np.asarray(reps)[keys // len(agents)], "agent": np.asarray(agents)[keys % len(agents)],
                            "pay_yuan": base + var, "base_yuan": base, "variable_yuan": var}
    cols.update({str(c): wide[:, j] for j, c in enumerate(comps)})
    return pd.DataFrame(cols)


def reach_share(long: pd.DataFrame) -> pd.DataFrame:
    """Share of agents reaching each component's target (mean over agents and replications).

    Returns:
        Columns ``component``, ``type``, ``reach_share`` for components that have a target, prize or gate.
    """
    r = long.dropna(subset=["reached"])
    if r.empty:
        return pd.DataFrame(columns=["component", "type", "reach_share"])
    out = r.groupby(["component", "type"], sort=False)["reached"].mean().rename("reach_share").reset_index()
    return out


# --------------------------------------------------------------------------------------------------------------
# blocks: many replications of the same team at once (the behaviour model's candidate efforts)


@dataclass
class BlockContext:
    """KPI arrays of a regular block of the whole horizon: ``R`` replications (rows) x ``N`` agents (columns; column
    ``j`` is agent ``j``).

    Attributes:
        agent: KPI code -> array (R, N), as the columns of ``PricingContext.agent_horizon``.
        team: KPI code -> array (R,), as the columns of ``PricingContext.team_horizon`` (with ``silent_orders_yuan``).
        agents: static attributes per agent (``agent``, ``role``, ``tenure_months`` ...), as in the context, or
            :class:`BlockAgents` made from them once.
        days: simulated horizon in days.
        shape: (R, N), when the KPI arrays are computed on demand (default: the first array's shape).
    """

    agent: Mapping[str, np.ndarray]
    team: Mapping[str, np.ndarray]
    agents: pd.DataFrame | BlockAgents | None = None
    days: float = 30.0
    shape: tuple[int, int] | None = None


def split_prizes_rows(values: np.ndarray, prizes: list[float], direction: str, valid: np.ndarray) -> np.ndarray:
    """:func:`split_prizes` with one group per row of a 2-D array (ranked along the rows, all rows at once).

    Same rule, same arithmetic: rank ``min`` among the valid values of a row (exact ties), tied values share the
    prizes of the positions they occupy evenly; NaN or invalid entries get 0."""
    ok = valid & ~np.isnan(values)
    out = np.zeros(values.shape)
    if not ok.any():
        return out
    key = np.where(ok, values if direction == "lower_is_better" else -values, np.nan)
    order = np.argsort(key, axis=1, kind="stable")  # invalid (NaN) last
    sk = np.take_along_axis(key, order, axis=1)
    rows, n = sk.shape
    col = np.broadcast_to(np.arange(n), sk.shape)
    new = np.ones(sk.shape, dtype=bool)
    new[:, 1:] = sk[:, 1:] != sk[:, :-1]  # NaN != NaN: each invalid entry is its own group (dropped below)
    start = np.maximum.accumulate(np.where(new, col, 0), axis=1)
    gid = np.cumsum(new, axis=1) - 1 + (np.arange(rows) * n)[:, None]
    size = np.bincount(gid.ravel(), minlength=rows * n)[gid]
    cum = np.concatenate([[0.0], np.cumsum(np.asarray(prizes, dtype=float))])
    k = len(prizes)
    lo = np.minimum(start, k)
    hi = np.minimum(start + size, k)
    won = np.where(np.take_along_axis(ok, order, axis=1), (cum[hi] - cum[lo]) / size, 0.0)
    np.put_along_axis(out, order, won, axis=1)
    return out


@dataclass(frozen=True)
class BlockAgents:
    """The static attributes a block's pricing reads, per agent column (built once, reused for many blocks)."""

    role: np.ndarray
    tenure: np.ndarray

    @staticmethod
    def of(agents: pd.DataFrame | None, n: int) -> BlockAgents:
        """From an agent table (``agent``, ``role``, ``tenure_months``; absent: "both", 0) for agents 0..n-1."""
        ag = agents.set_index("agent") if agents is not None else pd.DataFrame(index=pd.RangeIndex(n))

        def static(col: str, default: Any) -> np.ndarray:
            if col in ag.columns:
                return ag[col].reindex(range(n)).fillna(default).to_numpy()
            return np.full(n, default, dtype=object if isinstance(default, str) else float)

        return BlockAgents(static("role", "both"), static("tenure_months", 0.0).astype(float))


class _BlockPrep:
    """What the block pricers read: KPI arrays, eligibility and proration (the block's :class:`_Prep`)."""

    def __init__(self, ctx: BlockContext) -> None:
        self.ctx = ctx
        self.days = float(ctx.days)
        self.shape = ctx.shape if ctx.shape is not None else ctx.agent[next(iter(ctx.agent))].shape
        ag = ctx.agents if isinstance(ctx.agents, BlockAgents) else BlockAgents.of(ctx.agents, self.shape[1])
        self.role, self.tenure = ag.role, ag.tenure

    def kpi(self, code: str) -> np.ndarray:
        if code not in self.ctx.agent:
            raise ValueError(f"the KPI block has no column '{code}'")
        return np.asarray(self.ctx.agent[code], dtype=float)

    def per_period(self, code: str, factor: float) -> np.ndarray:
        x = self.kpi(code)
        return x / factor if code in EXTENSIVE_KPIS else x

    def eligible(self, roles: list[str] | None) -> np.ndarray:
        if roles is None:
            return np.ones(self.shape, dtype=bool)
        return np.broadcast_to(np.isin(self.role, roles), self.shape)

    def team(self, code: str) -> np.ndarray:
        return np.asarray(self.ctx.team[code], dtype=float)[:, None]

    def horizon_factor(self, c: Any) -> float:
        return self.days / PERIOD_DAYS[getattr(c, "period", "month")]


def _block_threshold(c: Threshold, p: _BlockPrep) -> tuple[np.ndarray, None]:
    fac = p.horizon_factor(c)
    pay, _ = threshold_yuan(c, p.per_period(c.kpi, fac), np.full(p.shape, fac))
    return np.where(p.eligible(c.roles), pay, 0.0), None


def _block_rank(c: Rank, p: _BlockPrep) -> tuple[np.ndarray, None]:
    fac = p.horizon_factor(c)
    valid = p.eligible(c.roles).copy()
    if c.min_inquiries:
        valid &= np.nan_to_num(p.per_period("inquiries", fac)) >= c.min_inquiries
    return split_prizes_rows(p.kpi(c.kpi), c.prizes_yuan, c.direction, valid) * np.full(p.shape, fac), None


def _block_commission(c: Commission, p: _BlockPrep) -> tuple[np.ndarray, None]:
    return np.where(p.eligible(c.roles), commission_yuan(c, p.kpi), 0.0), None


def _block_tiered(c: TieredCommission, p: _BlockPrep) -> tuple[np.ndarray, None]:
    sales = p.kpi(c.kpi)
    pay = tiered_commission_yuan(sales.ravel(), c.task_yuan * p.horizon_factor(c), c.tiers, c.mode)
    return np.where(p.eligible(c.roles), pay.reshape(p.shape), 0.0), None


def _block_base_salary(c: BaseSalary, p: _BlockPrep) -> tuple[np.ndarray, np.ndarray | None]:
    pay = np.broadcast_to(base_salary_yuan(c, p.tenure), p.shape)
    el = p.eligible(c.roles)
    factor = p.horizon_factor(c) if c.prorate else 1.0
    extra = None
    if c.top_kpi is not None and c.top_bonus_yuan:
        x = np.where(el, p.kpi(c.top_kpi), np.nan)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a row without an eligible agent: NaN, no top bonus
            best = np.nanmax(x, axis=1) if KPI_CODES[c.top_kpi].direction == "higher_is_better" else np.nanmin(x, axis=1)
        top = np.isclose(x, best[:, None], rtol=TOL, atol=0) & ~np.isnan(x)
        extra = np.where(top & el, c.top_bonus_yuan * factor, 0.0)
    return np.where(el, pay * factor, 0.0), extra


def _block_silent(c: SilentOrderPool, p: _BlockPrep) -> tuple[np.ndarray, None]:
    pool = c.share * np.nan_to_num(p.team("silent_orders_yuan"), nan=0.0)
    el = p.eligible(c.roles)
    w = np.where(el, 1.0, 0.0)
    tot = w.sum(axis=1, keepdims=True)
    n = el.sum(axis=1, keepdims=True).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(tot > 0, w / np.where(tot > 0, tot, 1), np.where(n > 0, el / np.maximum(n, 1), 0.0))
    return share * pool, None


def _block_chargeback(c: AftersaleChargeback, p: _BlockPrep) -> tuple[np.ndarray, None]:
    charge = chargeback_yuan(c, p.kpi(c.kpi), p.kpi("sales_yuan"), p.horizon_factor(c))
    return np.where(p.eligible(c.roles), -charge, 0.0), None


#: Component types :func:`price_block` prices, with the condition a component must meet (whole-horizon periods).
_BLOCK_PRICERS: dict[type[BaseModel], tuple[Callable[[Any], bool], Callable[[Any, _BlockPrep], tuple]]] = {
    Threshold: (lambda c: c.period == "month", _block_threshold),
    Rank: (lambda c: c.period == "month", _block_rank),
    Commission: (lambda c: True, _block_commission),
    TieredCommission: (lambda c: True, _block_tiered),
    BaseSalary: (lambda c: True, _block_base_salary),
    SilentOrderPool: (lambda c: True, _block_silent),
    AftersaleChargeback: (lambda c: True, _block_chargeback),
}


def _block_gate_ok(cond: Any) -> bool:
    return all(b != "team_average" or cond.kpi not in EXTENSIVE_KPIS for b in (cond.at_least, cond.at_most))


def block_priceable(scheme: Scheme | None) -> bool:
    """Whether :func:`price_block` prices ``scheme``: every component of a type it knows, evaluated over the whole
    horizon (monthly thresholds and ranks, commissions, base salary, silent-order pools, charge-backs, gates on
    agent KPIs, caps and floors). Weekly or daily components, scorecards, points and profit pools: no (use
    :func:`price_scheme`)."""
    if scheme is None:
        return False
    for _, c, _ in scheme.flat_components():
        if isinstance(c, CapFloor):
            continue
        if isinstance(c, Gate):
            if not all(_block_gate_ok(cond) for cond in c.conditions):
                return False
            continue
        entry = _BLOCK_PRICERS.get(type(c))
        if entry is None or not entry[0](c):
            return False
    return True


def price_block(scheme: Scheme, ctx: BlockContext) -> np.ndarray:
    """Each agent's total pay (base + variable) in each replication of a block, array (R, N).

    Equal to the sum over components of :func:`price_scheme`'s long table per (rep, agent), summed in the same
    order (so equal to the last bit); the same order of pricing (components, gates, caps/floors). Only for schemes
    with :func:`block_priceable`; tests/test_schemes_block.py holds it to the long table."""
    if not block_priceable(scheme):
        raise ValueError(f"scheme '{scheme.name}' cannot be priced as a block (see block_priceable)")
    p = _BlockPrep(ctx)
    flat = scheme.flat_components()
    zeros = np.zeros(p.shape)
    yuan: dict[str, np.ndarray] = {}
    extra: dict[str, np.ndarray] = {}
    for lab, c, _ in flat:
        entry = _BLOCK_PRICERS.get(type(c))
        if entry is not None:
            yuan[lab], more = entry[1](c, p)
            if more is not None:
                extra[lab] = more
    for lab, c, _ in flat:
        if not isinstance(c, Gate):
            continue
        ok = np.ones(p.shape, dtype=bool)
        for cond in c.conditions:
            x = p.kpi(cond.kpi)
            for bound, d in ((cond.at_least, "higher_is_better"), (cond.at_most, "lower_is_better")):
                if bound is None:
                    continue
                if bound == "team_average":
                    ok &= _reach(x, np.broadcast_to(p.team(cond.kpi), p.shape) * cond.team_factor, d)
                else:
                    ok &= _reach(p.per_period(cond.kpi, p.horizon_factor(c)), float(bound), d)
        yuan[lab] = zeros.copy()
        targets = [ilab for ilab, _, parent in flat if parent == lab]
        if not c.components:
            targets = [ilab for ilab, ic, parent in flat if parent is None and ic.type not in _UNGATED]
        for t in targets:
            y = yuan[t]
            yuan[t] = np.where(ok | (y < 0), y, 0.0)
    for lab, c, _ in flat:
        if not isinstance(c, CapFloor):
            continue
        refs = c.applies_to or [ilab for ilab, ic, _ in flat if ilab in yuan and ic.type not in BASE_TYPES + ("gate",)]
        total = sum((yuan[r] for r in refs), zeros.copy())
        hf = p.horizon_factor(c)
        lo, hi = (None if c.min_yuan is None else c.min_yuan * hf), (None if c.max_yuan is None else c.max_yuan * hf)
        clipped = total if lo is None and hi is None else np.clip(total, lo, hi)
        yuan[lab] = clipped - total
    pay = zeros.copy()
    for lab, _, _ in flat:
        pay = pay + yuan[lab]
        if lab in extra:
            pay = pay + extra[lab]
    return pay
