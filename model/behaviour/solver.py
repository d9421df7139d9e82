"""Best responses and their fixed point: every agent's effort under a scheme.

Agent ``i`` chooses effort ``e_i`` (selling, speed, service and, with ``gaming``, the share of non-buying
inquirers it hides) to maximise

    U_i(e_i; e_-i) = E[pay_i] - r/2 Var[pay_i] - C(e_i) * days/30

where ``pay_i`` is what the scheme's own pricing code (``model.schemes.price_scheme``) pays on the agent's
forecast KPI distribution (:mod:`model.behaviour.kpimodel`) while the others keep their efforts. Ranks, shared
pools and team averages therefore make agents interact. Probes find which effort dimensions move pay and whether
one agent's effort moves another's pay. Responses are logit-weighted levels on a grid (a quantal-response
equilibrium; sharp best responses as ``decision_noise_yuan`` -> 0), each level's expected pay smoothed along the
levels within its Monte Carlo error (:func:`smoothed_pay`): all agents at once where they do not interact
(exact), one agent (or, above 20 agents, one type of alike agents) after the other where they do, with averaging
steps after the first rounds, until no effort moves by more than ``tolerance``; otherwise the result is reported
as not converged. docs/model.md section 10.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from model.behaviour.kpimodel import (
    COL,
    DIMS,
    GAMING,
    BaseRecord,
    Noise,
    draw_noise,
    forecast_sums,
    kpi_tables,
    on_all_basis,
    switched,
)
from model.kpi import SUM_COLUMNS, LazyRatios
from model.language.behaviour import Behaviour
from model.schemes.pricing import (
    BlockAgents,
    BlockContext,
    PricingContext,
    block_priceable,
    price_block,
    price_scheme,
)
from model.schemes.spec import Scheme
from model.schemes.targets import ratchet_targets, with_target

#: Effort dimensions that share a cost function (gaming has its own).
_WORK = 3
#: Above this many agents, interacting schemes are solved for 20 types of alike agents (see ``_plan``).
_EXACT_TEAM = 20
#: Simulated months per deviator for interacting schemes (each deviator needs its own copy of the team).
_INTERACTING_SAMPLES = 32
#: Effort on a paid dimension above which an agent counts as trying (gave_up / secure flags).
TRYING = 0.15
#: Effort at or above which an agent is at the ceiling of a dimension (more pay cannot buy more of it).
CEILING = 0.97
#: Price candidate efforts with the scheme's block pricing (``pricing.price_block``, equal to ``price_scheme``'s
#: pay) where the scheme has one. False prices every block through ``price_scheme`` (bench/behaviour.py times both).
BLOCK_PRICING = True


#: Smooth each candidate's expected pay along the candidates within its Monte Carlo error (``smoothed_pay``);
#: False: the months' raw means (before issue 20; bench/stability.py measures both).
SMOOTH = True
#: How many standard errors the smoothed expected pay may move from the months' mean.
SMOOTH_SE = 2.0


def smoothing(on: bool) -> AbstractContextManager[None]:
    """Solve with (True) or without (False) the smoothed expected pay of :func:`smoothed_pay` inside the ``with``."""
    return switched(globals(), "SMOOTH", on)


def block_pricing(on: bool) -> AbstractContextManager[None]:
    """Solve with (True) or without (False: every block through ``price_scheme``'s tables) block pricing inside
    the ``with``; the same equilibrium either way (tests/test_behaviour_block.py), only the time differs."""
    return switched(globals(), "BLOCK_PRICING", on)


@dataclass
class Equilibrium:
    """Efforts and what they mean for each agent.

    Attributes:
        effort: array (agents, 4) in the order of :data:`~model.behaviour.kpimodel.DIMS`.
        converged: True when best responses reached a fixed point.
        rounds: best-response rounds used.
        responds: False when no agent's pay depends on its effort (nothing to respond to).
        interacting: True when one agent's effort moves another's pay (ranks, pools, team averages).
        agents: one dict per agent: effort, expected pay, reach probabilities, gave_up / secure flags.
        notes: (zh, en) sentences for the manager.
        forecast: the team's forecast at the equilibrium (the agents' KPI model, not the engine): sales and its
            uplift over no effort, expected variable pay, pay due to gaming, share of (agent, target) reached.
    """

    effort: np.ndarray
    converged: bool
    rounds: int
    responds: bool
    interacting: bool
    agents: list[dict[str, Any]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    forecast: dict[str, Any] = field(default_factory=dict)


class _WithSilent(Mapping):
    """The team's KPIs with ``silent_orders_yuan`` (the team table of :meth:`_Pricer.price`), lazily."""

    def __init__(self, kpis: LazyRatios, silent: np.ndarray) -> None:
        self.kpis, self.silent = kpis, silent

    def __getitem__(self, code: str) -> np.ndarray:
        return self.silent if code == "silent_orders_yuan" else self.kpis[code]

    def __iter__(self):
        yield from self.kpis
        yield "silent_orders_yuan"

    def __len__(self) -> int:
        return len(self.kpis) + 1


class _DeviatorBlock(Mapping):
    """The rows of one call of best responses: ``reps`` copies of the team's sums ``seen`` (m, agents, weeks,
    columns), and in the rows of block ``b`` (``reps / len(blocks)`` candidates x m months) the members' candidate
    sums ``devs[b]``. ``sums()`` is the whole array; as a mapping (one-week blocks), base-sum column -> (rows, agents)
    array of the horizon, built on first use."""

    def __init__(self, seen: np.ndarray, reps: int, blocks: list[np.ndarray], devs: list[np.ndarray]) -> None:
        self.seen, self.reps, self.blocks, self.devs = seen, reps, blocks, devs
        self.weeks = seen.shape[2]
        self._cols: dict[str, np.ndarray] = {}
        self._sums: np.ndarray | None = None

    def sums(self) -> np.ndarray:
        if self._sums is None:
            sums = np.tile(self.seen, (self.reps, 1, 1, 1))
            for b, (members, dev) in enumerate(zip(self.blocks, self.devs, strict=True)):
                rows = np.arange(b * len(dev), (b + 1) * len(dev))
                sums[rows[:, None], members[None, :]] = dev
            self._sums = sums
        return self._sums

    def __getitem__(self, col: str) -> np.ndarray:
        if col not in self._cols:
            i = COL[col]
            out = np.tile(self.seen[:, :, 0, i], (self.reps, 1))
            for b, (members, dev) in enumerate(zip(self.blocks, self.devs, strict=True)):
                rows = np.arange(b * len(dev), (b + 1) * len(dev))
                out[rows[:, None], members[None, :]] = dev[:, :, 0, i]
            self._cols[col] = out
        return self._cols[col]

    def __iter__(self):
        return iter(COL)

    def __len__(self) -> int:
        return len(COL)


class _Pricer:
    """Prices batches of effort profiles on the fixed noise draws."""

    def __init__(self, cfg: Behaviour, scheme: Scheme, base: BaseRecord, outcomes_cfg: Any, agents: pd.DataFrame,
                 noise: Noise, gross_margin_share: float, days: float) -> None:
        self.cfg, self.scheme, self.base, self.oc = cfg, scheme, base, outcomes_cfg
        self.agents, self.noise, self.margin, self.days = agents, noise, gross_margin_share, days
        self.n = base.sums.shape[0]
        self.m = noise.z.shape[0]
        self.weekly = any(getattr(c, "period", "month") == "week" for _, c, _ in scheme.flat_components())
        # with the bot front line, components with kpi_basis = "all" pay on the all view (docs/schemes.md)
        self.all_basis = base.has_bot and any(getattr(c, "kpi_basis", None) == "all"
                                              for _, c, _ in scheme.flat_components())
        # pay of many candidate profiles at once on arrays (no tables); block pricing knows the human view only
        self.block = BLOCK_PRICING and block_priceable(scheme) and not self.all_basis
        self.block_agents = BlockAgents.of(agents, self.n) if self.block else None
        if not self.weekly:
            base = self.base = base.collapsed()
        zero = np.zeros((self.m, self.n, len(DIMS)))
        sums0 = forecast_sums(cfg, base, outcomes_cfg, zero, noise, np.arange(self.m))
        _, _, self.team0, _ = kpi_tables(sums0, base.residual, False, base.three_min_basis)
        self.team0["silent_orders_yuan"] = base.silent_orders_yuan
        if self.all_basis:
            _, _, self.team0_all, _ = kpi_tables(on_all_basis(base, sums0), base.all_residual, False,
                                                 base.three_min_basis)
            self.team0_all["silent_orders_yuan"] = base.silent_orders_yuan

    def subset(self, noise: Noise) -> _Pricer:
        """The same pricer on other (fewer) simulated months: a hypercube of its own (the first months of a
        symmetric Latin hypercube are neither stratified nor paired)."""
        return _Pricer(self.cfg, self.scheme, self.base, self.oc, self.agents, noise, self.margin, self.days)

    def current(self, effort: np.ndarray) -> np.ndarray:
        """Forecast sums (m, agents, weeks, columns) of one effort profile (agents, 4) on every simulated month.

        An agent's sums depend on its own effort only, so the last profile's sums are kept and only the agents
        whose effort moved since are forecast again (one deviator at a time moves one agent). The caller must not
        modify the returned array."""
        return self.current_and_trial(effort)[0]

    def current_and_trial(self, effort: np.ndarray, members: np.ndarray | None = None,
                          trial: np.ndarray | None = None, k: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
        """:meth:`current`, and the forecast of ``trial`` (k * m, |members|, 4) for ``members`` on the months
        ``tile(arange(m), k)``, in one forecast call when one or two agents moved (the last deviator; each agent's
        sums are its own: the same values as two calls)."""
        cache = getattr(self, "_current", None)
        dev = None
        m = self.m
        if trial is not None:
            sample = np.tile(np.arange(m), k)
        if cache is None or cache[0].shape != effort.shape:
            sums = self.forecast(np.repeat(effort[None], m, axis=0), np.arange(m))
            self._current = (effort.copy(), sums)
        else:
            moved = np.flatnonzero((cache[0] != effort).any(axis=1))
            sums = cache[1]
            if len(moved):
                sums = sums.copy()
                if trial is not None and len(moved) <= 2:  # one deviator moved; rows 0..m-1 are months 0..m-1
                    both = self.forecast(np.concatenate([np.repeat(effort[moved][None], len(sample), axis=0), trial],
                                                        axis=1), sample, np.concatenate([moved, members]))
                    sums[:, moved] = both[:m, :len(moved)]
                    dev = both[:, len(moved):]
                else:
                    sums[:, moved] = self.forecast(np.repeat(effort[moved][None], m, axis=0), np.arange(m), moved)
                self._current = (effort.copy(), sums)
        if trial is not None and dev is None:
            dev = self.forecast(trial, sample, members)
        return sums, dev

    def forecast(self, effort: np.ndarray, sample: np.ndarray, who: np.ndarray | None = None) -> np.ndarray:
        """Forecast sums (rows, agents, weeks, columns) of effort profiles."""
        return forecast_sums(self.cfg, self.base, self.oc, effort, self.noise, sample, who)

    def pay(self, sample: np.ndarray, sums: np.ndarray | None, block: _DeviatorBlock | None = None) -> np.ndarray:
        """Pay (rows, agents) of forecast sums (rows, agents, weeks, columns): the scheme's block pricing on the
        same KPI values as :meth:`price` (equal to its pay), or :meth:`price` when the scheme has no block form.

        ``block`` instead of ``sums``: the rows of a deviator block, whose base-sum columns are built only
        when a KPI the scheme reads needs them (the same values as the rows of ``block.sums()``)."""
        if sums is None and block.weeks != 1:
            sums = block.sums()
        if not self.block:
            return self.price(None, sample, block.sums() if sums is None else sums)[0]
        if sums is None:
            columns: Mapping[str, np.ndarray] = block
        else:
            horizon = sums.sum(axis=2)  # (rows, agents, columns): the horizon of kpi_tables
            columns = {c: horizon[..., i] for i, c in enumerate(SUM_COLUMNS)}

        def team() -> dict[str, np.ndarray]:  # the team horizon of kpi_tables, summed only if a KPI needs it
            full = block.sums() if sums is None else sums
            t = (full.sum(axis=1) + self.base.residual[None]).sum(axis=1)  # (rows, columns)
            return {c: t[:, i] for i, c in enumerate(SUM_COLUMNS)}

        basis = self.base.three_min_basis
        am = LazyRatios(columns, basis)
        tm = _WithSilent(LazyRatios(team, basis), np.full(len(sample), float(self.base.silent_orders_yuan)))
        return price_block(self.scheme, BlockContext(am, tm, self.block_agents, self.days, (len(sample), self.n)))

    def price(self, effort: np.ndarray | None, sample: np.ndarray,
              sums: np.ndarray | None = None) -> tuple[np.ndarray, pd.DataFrame]:
        """Pay (rows, agents) and the long pricing table for effort profiles (rows, agents, 4) or their sums."""
        if sums is None:
            sums = self.forecast(effort, sample)
        am, aw, tm, tw = kpi_tables(sums, self.base.residual, self.weekly, self.base.three_min_basis)
        tm["silent_orders_yuan"] = self.base.silent_orders_yuan
        base_tm = self.team0.iloc[sample].reset_index(drop=True).assign(rep=np.arange(len(sample)))
        on_all = None
        if self.all_basis:  # the same forecast on the all view, for the components with kpi_basis = "all"
            am2, aw2, tm2, tw2 = kpi_tables(on_all_basis(self.base, sums), self.base.all_residual, self.weekly,
                                            self.base.three_min_basis)
            tm2["silent_orders_yuan"] = self.base.silent_orders_yuan
            on_all = PricingContext(
                agent_horizon=am2, agent_week=aw2, team_horizon=tm2, team_week=tw2, agents=self.agents,
                baseline_team_horizon=self.team0_all.iloc[sample].reset_index(drop=True).assign(rep=np.arange(len(sample))),
                gross_margin_share=self.margin, days=self.days)
        ctx = PricingContext(agent_horizon=am, agent_week=aw, team_horizon=tm, team_week=tw, agents=self.agents,
                             baseline_team_horizon=base_tm, gross_margin_share=self.margin, days=self.days,
                             all_basis=on_all)
        self.last_team = tm
        long = price_scheme(self.scheme, ctx)
        cell = long["rep"].to_numpy(dtype=np.int64) * self.n + long["agent"].to_numpy(dtype=np.int64)
        arr = np.bincount(cell, weights=long["yuan"].to_numpy(dtype=float), minlength=len(sample) * self.n)
        return arr.reshape(len(sample), self.n), long


def effort_cost_yuan(cfg: Behaviour, effort: np.ndarray, days: float) -> np.ndarray:
    """C(e) in yuan for the horizon, for effort arrays (..., 4)."""
    e = np.asarray(effort, dtype=float)
    k = np.array([cfg.selling_cost_yuan, cfg.speed_cost_yuan, cfg.service_cost_yuan])
    w = e[..., :_WORK]
    cost = 0.5 * (k * w * w).sum(axis=-1)
    for a in range(_WORK):
        for b in range(a + 1, _WORK):
            cost = cost + cfg.cross_cost_share * min(k[a], k[b]) * w[..., a] * w[..., b]
    cost = cost + 0.5 * cfg.gaming_cost_yuan * e[..., GAMING] ** 2
    return cost * days / 30.0


class _Ratchet:
    """Agents who anticipate the target ratchet: the change of next month's expected pay caused by this month's
    team result, ``foresight * dV/dT * (T_next(result) - T_next(result at the current efforts))``, with dV/dT the
    agent's expected pay's slope in the target (a finite difference of the scheme's own pricing)."""

    def __init__(self, scheme: Scheme, pricer: _Pricer, foresight: float) -> None:
        self.pricer, self.foresight, self.rule = pricer, foresight, scheme.ratchet
        self.parts = ratchet_targets(scheme)
        self.target = self.parts[0].value
        self.higher = self.parts[0].component.direction != "lower_is_better"
        shifted = scheme
        for t in self.parts:
            shifted = with_target(shifted, t.label, t.value + self.step)
        self.up = _Pricer(pricer.cfg, shifted, pricer.base, pricer.oc, pricer.agents, pricer.noise, pricer.margin,
                          pricer.days)

    step = 0.005

    def next_target(self, result: np.ndarray) -> np.ndarray:
        t = np.nan_to_num(result, nan=self.target) + self.rule.add
        if self.rule.only_up:
            t = np.maximum(self.target, t) if self.higher else np.minimum(self.target, t)
        return t

    def next_month_change(self, effort: np.ndarray, current: np.ndarray, team: pd.DataFrame, samples: np.ndarray,
                          blocks: int) -> np.ndarray:
        pay0, _ = self.pricer.price(None, samples, current)
        ref = self.pricer.last_team[self.rule.kpi].to_numpy(dtype=float)  # (m,) team result at current efforts
        pay1, _ = self.up.price(None, samples, current)
        slope = (pay1 - pay0).mean(axis=0) / self.step  # (n,): yuan per unit of target
        result = team[self.rule.kpi].to_numpy(dtype=float)  # (rows,)
        d_target = self.next_target(result) - np.tile(self.next_target(ref), blocks)
        return self.foresight * d_target[:, None] * slope[None, :]


def _rivals_seen(cfg: Behaviour, current: np.ndarray, noise: Noise) -> np.ndarray:
    """Rivals' forecast sums as an agent sees them: each rival's selling, speed and service scaled by a mean-1
    lognormal factor with cv ``rival_uncertainty_cv`` (fixed draws): an agent knows its own record, not its rivals'
    abilities exactly."""
    sd = cfg.rival_uncertainty_cv
    if sd <= 0:
        return current
    sig = np.sqrt(np.log1p(sd * sd))
    f = np.exp(sig * noise.rival[: current.shape[0]] - sig * sig / 2)[:, :, None, :]  # (m, n, 1, 3)
    out = current.copy()
    for col in ("paid_buyers", "orders", "sales_yuan", "sales_new_yuan", "sales_returning_yuan", "refunds",
                "refund_yuan"):
        out[..., COL[col]] *= f[..., 0]
    out[..., COL["paid_buyers"]] = np.minimum(out[..., COL["paid_buyers"]], out[..., COL["inquiries"]])
    for col in ("resp_sum", "first_resp_sum"):
        out[..., COL[col]] /= f[..., 1]
    out[..., COL["satisfied"]] = np.minimum(out[..., COL["satisfied"]] * f[..., 2], out[..., COL["ratings"]])
    out[..., COL["bad_attitude_ratings"]] /= f[..., 2]
    return out


def _cost_only(cfg: Behaviour, effort: np.ndarray, dim: int) -> np.ndarray:
    """The level of an unpaid dimension that minimises the effort cost given the others (negative when others are
    positive: effort on a paid KPI draws effort from unpaid ones)."""
    if dim == GAMING:
        return np.zeros(len(effort))
    k = np.array([cfg.selling_cost_yuan, cfg.speed_cost_yuan, cfg.service_cost_yuan])
    others = [d for d in range(_WORK) if d != dim]
    pull = sum(cfg.cross_cost_share * min(k[d], k[dim]) / k[dim] * effort[:, d] for d in others)
    return np.clip(-pull, cfg.slack_floor, 1.0)


def _symmetric_candidates(cfg: Behaviour, effort: np.ndarray, dim: int, coarse: bool = False) -> np.ndarray:
    """Candidate levels (agents, K) of one paid dimension for the logit choice: a grid symmetric around each agent's
    no-incentive level ``c0`` (the level the effort cost alone picks given the other dimensions, today's norm when
    those are at the norm), ``c0 + (1 - c0) * d`` for ``d`` in steps of 1/8 (1/4 when ``coarse``) from -1 to 1.

    Candidates outside ``[slack_floor, 1]`` (0 to 1 for gaming) are priced at the nearest feasible level but cost
    their own quadratic cost, so when pay does not move with effort the utilities are symmetric around ``c0`` and
    the logit mean is exactly ``c0``: decision noise spreads effort around the norm but never shifts its mean.
    The mean response is clipped to the feasible range afterwards."""
    c0 = _cost_only(cfg, effort, dim)
    d = np.linspace(-1.0, 1.0, 9 if coarse else 17)
    return c0[:, None] + (1.0 - c0)[:, None] * d[None, :]


def _grid(cfg: Behaviour, dim: int, coarse: bool = False) -> np.ndarray:
    """Candidate levels of one dimension: steps of 1/8 (1/4 when ``coarse``, the first rounds) from the slack floor
    (0 for gaming) to 1, with 0."""
    lo = 0.0 if dim == GAMING else cfg.slack_floor
    step = 0.25 if coarse else 0.125
    return np.unique(np.round(np.concatenate([np.arange(lo, 1.0 + 1e-9, step), [0.0, 1.0]]), 6))


def _types(base: BaseRecord, groups: int, seed: int) -> np.ndarray:
    """Each agent's type (0..groups-1): agents alike in their record (conversion, order value, response time,
    satisfaction, volume) share a type and, in large interacting teams, its representative's response."""
    from scipy.cluster.vq import kmeans2

    tot = base.sums.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        feats = np.column_stack([
            tot[:, COL["paid_buyers"]] / tot[:, COL["inquiries"]],
            tot[:, COL["sales_yuan"]] / tot[:, COL["paid_buyers"]],
            tot[:, COL["resp_sum"]] / tot[:, COL["resp_n"]],
            tot[:, COL["satisfied"]] / tot[:, COL["ratings"]],
            tot[:, COL["chats"]],
        ])
    feats = np.nan_to_num(feats, nan=0.0)
    sd = feats.std(axis=0)
    z = (feats - feats.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    _, label = kmeans2(z, groups, seed=np.random.default_rng(seed), minit="++")
    return np.unique(label, return_inverse=True)[1]


def _plan(n: int, interacting: bool, base: BaseRecord, seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Who deviates together, and whose response each agent takes.

    Returns ``(blocks, follow)``: in each simulated month one block's agents try other efforts while everyone else
    keeps theirs; agent ``i`` adopts the response computed for agent ``follow[i]``. Non-interacting schemes: one
    block of everyone (exact). Interacting teams of up to 20: one agent a block (exact). Larger interacting teams:
    20 types of alike agents, a representative of each deviates (two blocks of ten), members follow it.
    """
    if not interacting:
        return [np.arange(n)], np.arange(n)
    if n <= _EXACT_TEAM:
        return [np.array([i]) for i in range(n)], np.arange(n)
    kind = _types(base, _EXACT_TEAM, seed)
    reps = np.array([np.flatnonzero(kind == k)[0] for k in range(kind.max() + 1)])
    half = (len(reps) + 1) // 2
    return [reps[:half], reps[half:]], reps[kind]


def solve(
    cfg: Behaviour,
    scheme: Scheme,
    base: BaseRecord,
    outcomes_cfg: Any,
    agents: pd.DataFrame,
    *,
    seed: int,
    gross_margin_share: float,
    days: float,
    foresight: float = 0.0,
    checkpoint: Callable[[], None] | None = None,
) -> Equilibrium:
    """Every agent's effort under ``scheme``: the fixed point of best responses.

    Args:
        cfg: the behaviour settings (``model`` must not be "none").
        scheme: the scheme the agents respond to.
        base: the agents' record under today's norm.
        outcomes_cfg: the scenario's outcome settings.
        agents: the agent table (roles, tenure ... for pricing).
        seed: seed of the noise draws (common random numbers across schemes).
        gross_margin_share: for profit pools.
        days: horizon in days (effort costs scale with it).
        foresight: weight on next month's pay through the scheme's target ratchet (0 = no next month or myopic
            agents; the caller passes ``behaviour.ratchet_foresight`` for every month but the last).
        checkpoint: called between the solve's steps (after the probes, before each dimension's responses and
            before the report); work done off the answer's path passes one that waits while an answer is being
            computed and raises to call the solve off (:mod:`model.behaviour.band`). It never changes the result.

    Returns:
        The equilibrium with per-agent reports.
    """
    n = base.sums.shape[0]
    m = cfg.noise_samples
    noise = draw_noise(seed, m, n, base.weeks)
    pricer = _Pricer(cfg, scheme, base, outcomes_cfg, agents, noise, gross_margin_share, days)
    ratchet = _Ratchet(scheme, pricer, foresight) if foresight > 0 and ratchet_targets(scheme) else None
    dims = [0, 1, 2] + ([GAMING] if cfg.gaming else [])
    zero = np.zeros((n, len(DIMS)))

    # probes: which effort dimensions move pay at all, and does one agent's effort move another's pay?
    lo = np.array([cfg.slack_floor] * _WORK + [0.0])
    probe_agents = sorted(set(np.linspace(0, n - 1, min(n, 10)).round().astype(int).tolist()))
    probes, tags = [zero], [(-1, -1)]
    for dim in dims:
        for j in probe_agents:
            for level in (1.0, lo[dim]):
                p = zero.copy()
                p[j, dim] = level
                probes.append(p)
                tags.append((dim, j))
    # a probe moves one agent from the zero profile: the zero profile's sums with that agent's forecast in its place
    months = np.arange(m)
    zero_sums = pricer.forecast(np.repeat(zero[None], m, axis=0), months)
    who = np.array([j for _, j in tags[1:]], dtype=np.int64)
    moved = pricer.forecast(np.repeat(np.stack([p[j] for p, j in zip(probes[1:], who, strict=True)])[None], m, axis=0),
                            months, who)  # (m, probes - 1, W, C)
    block = _DeviatorBlock(zero_sums, len(probes), [who[:0]] + [who[b:b + 1] for b in range(len(who))],
                           [zero_sums[:, :0]] + [moved[:, b:b + 1] for b in range(len(who))])
    pay = pricer.pay(np.tile(months, len(probes)), None, block).reshape(len(probes), m, n)
    paid_dims: list[int] = []
    interacting = False
    for k in range(1, len(probes)):
        dim, j = tags[k]
        if not np.allclose(pay[k], pay[0], atol=1e-6) and dim not in paid_dims:
            paid_dims.append(dim)
        others = np.arange(n) != j
        if not np.allclose(pay[k][:, others], pay[0][:, others], atol=1e-6):
            interacting = True
    paid_dims.sort()
    tick = checkpoint or _no_checkpoint
    tick()
    if not paid_dims:
        eq = Equilibrium(zero, True, 0, False, False)
        eq.notes.append(("这个方案里没有随努力变化的浮动薪酬:客服不会改变做法(保持现状)。",
                         "No pay in this scheme moves with effort: agents keep today's norm (no response)."))
        eq.agents, eq.forecast = _report(cfg, pricer, zero, days)
        return eq

    if interacting and m > _INTERACTING_SAMPLES:  # one deviator per simulated month: fewer months per deviator
        pricer = pricer.subset(draw_noise(seed, _INTERACTING_SAMPLES, n, base.weeks))
        if ratchet is not None:
            ratchet = _Ratchet(scheme, pricer, foresight)
    effort = zero.copy()
    blocks, follow = _plan(n, interacting, pricer.base, seed)
    rounds = 0
    change = np.inf
    tau = cfg.decision_noise_yuan * days / 30.0
    for rounds in range(1, cfg.max_rounds + 1):
        before = effort.copy()
        damping = 1.0 if rounds <= 2 else 2.0 / (rounds + 1)  # averaging steps (fictitious play) settle contests
        for dim in dims:
            if dim not in paid_dims:  # pay does not depend on it: the cost alone decides (multitasking)
                effort[:, dim] = _cost_only(cfg, effort, dim)
                continue
            tick()
            cands = _symmetric_candidates(cfg, effort, dim, coarse=rounds <= 2)
            if interacting and rounds > 2:  # one block after the other (Gauss-Seidel): settles contests
                for b in blocks:
                    resp = _logit_response(cfg, pricer, effort, dim, cands, [b], days, tau, ratchet)[follow]
                    moved = np.isin(follow, b)
                    effort[moved, dim] += damping * (resp[moved] - effort[moved, dim])
            else:
                resp = _logit_response(cfg, pricer, effort, dim, cands, blocks, days, tau, ratchet)[follow]
                effort[:, dim] += damping * (resp - effort[:, dim])
        change = float(np.abs(effort - before).max())
        if change < cfg.tolerance:
            break
    converged = bool(change < cfg.tolerance)
    eq = Equilibrium(effort, converged, rounds, True, interacting)
    tick()
    if not converged:
        eq.notes.append((
            f"注意:{rounds} 轮最优反应后仍未收敛到均衡(最后一轮努力仍变化 {change:.2f},容差 {cfg.tolerance:g})。"
            "结果是最后一轮的努力,请谨慎解读(常见于奖金差距大而噪声小的排名奖;可增加 behaviour.max_rounds)。",
            f"Warning: best responses did not reach an equilibrium after {rounds} rounds (efforts still moved by "
            f"{change:.2f} in the last round, tolerance {cfg.tolerance:g}). The efforts shown are the last round's; "
            "read with care (typical of rank prizes with a large gap and little noise; try a larger "
            "behaviour.max_rounds)."))
    eq.agents, eq.forecast = _report(cfg, pricer, effort, days, paid_dims)
    capped = {d: sum(d in a["at_ceiling"] for a in eq.agents) for d in DIMS[:_WORK]}
    for d, k in capped.items():
        if k and DIMS.index(d) in paid_dims:
            zh = {"selling": "销售", "speed": "响应速度", "service": "服务"}[d]
            eq.notes.append((
                f"{k} 名客服的{zh}努力已到上限(模型假设的最大改进):再加奖金也买不到更多,只会多付钱。",
                f"{k} agent(s) are at the ceiling of {d} effort (the model's assumed largest improvement): more "
                "pay cannot buy more of it, only cost more."))
    return eq


def _no_checkpoint() -> None:
    return None


@lru_cache(maxsize=8)
def _local_quadratic(k: int, window: int) -> np.ndarray:
    """The (k, k) matrix of a Savitzky-Golay smoother of order 2 (``scipy.signal.savgol_filter(..., mode="interp")``
    without importing scipy.signal, 1.8 s): each point the least-squares quadratic of the ``window`` points around
    it, the first and last ``window // 2`` points on the quadratic of the edge window."""
    half = window // 2
    out = np.zeros((k, k))
    for i in range(k):
        lo = min(max(i - half, 0), k - window)
        x = np.arange(lo, lo + window) - i
        basis = np.vander(x, 3, increasing=True)  # 1, x, x^2 around point i
        out[i, lo:lo + window] = np.linalg.pinv(basis)[0]  # the fit's value at x = 0
    return out


def smoothed_pay(pay: np.ndarray) -> np.ndarray:
    """Expected pay (k, agents) of ``k`` candidate levels from their pay on the simulated months (k, months, agents):
    the months' mean, smoothed along the candidates within its Monte Carlo error.

    The true expected pay is smooth in effort (pay averaged over the forecast's continuous noise); its estimate
    on a few dozen months is a staircase (a threshold's pay moves only where a month crosses the target), and
    the logit turns a step of one month (1/48 of the prize) into a jump of effort. So the mean is fitted by a local
    quadratic along the candidates (Savitzky-Golay, a window of half the candidates: +-1/2 of the grid's span),
    and the fit is kept only within ``SMOOTH_SE`` standard errors of each candidate's difference to the middle
    candidate (months paired: common random numbers): where the months agree (a sharp contest, a pay
    that effort moves the same way in every month) the error is small and the raw means stay; where the estimate
    is noise the smooth curve replaces it. A pay flat in effort stays flat (the symmetry of
    ``_symmetric_candidates`` holds) and a quadratic is kept exactly."""
    raw = pay.mean(axis=1)
    k, m = pay.shape[0], pay.shape[1]
    if not SMOOTH or k < 5 or m < 2 or not np.ptp(raw, axis=0).any():
        return raw
    window = k // 2 + 1 if (k // 2) % 2 == 0 else k // 2  # odd: 9 of 17 candidates, 5 of 9
    fit = _local_quadratic(k, window) @ raw
    se = (pay - pay[k // 2][None]).std(axis=1) / np.sqrt(m)  # (k, agents): 0 at the middle candidate
    return raw + np.clip(fit - raw, -SMOOTH_SE * se, SMOOTH_SE * se)


def _logit_response(cfg: Behaviour, pricer: _Pricer, effort: np.ndarray, dim: int, cands: np.ndarray,
                    blocks: list[np.ndarray], days: float, tau: float, ratchet: _Ratchet | None = None) -> np.ndarray:
    """Every agent's response on one effort dimension, the others' efforts held.

    Utility of each candidate level: E[pay] - r/2 Var[pay] - C(e); the response is the logit-weighted mean level
    (weights exp(U / tau)), the best response when utilities differ by much more than ``tau`` yuan.
    """
    n, k = cands.shape
    m = pricer.m
    nb = len(blocks)
    samples = np.arange(m)
    lo = 0.0 if dim == GAMING else cfg.slack_floor
    trials = []
    for members in blocks:
        trial = np.repeat(effort[members][None], k, axis=0)  # (k, |members|, 4)
        trial[:, :, dim] = np.clip(cands[members].T, lo, 1.0)  # priced at the nearest feasible level
        trials.append(np.repeat(trial, m, axis=0))
    if nb == 1:  # the current profile (m, n, W, C) and the deviators' candidates in one forecast
        current, dev = pricer.current_and_trial(effort, blocks[0], trials[0], k)
        devs = [dev]
    else:
        current = pricer.current(effort)
        devs = [pricer.forecast(trial, np.tile(samples, k), members) for members, trial in zip(blocks, trials, strict=True)]
    # the deviators see their rivals through their uncertainty about the rivals' abilities
    seen = _rivals_seen(cfg, current, pricer.noise) if nb > 1 or len(blocks[0]) < n else current
    # row (b, candidate, month): the others at their current sums as seen, block b's members at the candidate
    block = _DeviatorBlock(seen, nb * k, blocks, devs)
    if ratchet is not None:  # next month's pay falls as this month's result raises next month's target
        pay, _ = pricer.price(None, np.tile(samples, nb * k), block.sums())
        pay = pay + ratchet.next_month_change(effort, current, pricer.last_team, samples, nb * k)
    else:
        pay = pricer.pay(np.tile(samples, nb * k), None, block)
    pay = pay.reshape(nb, k, m, n)
    resp = effort[:, dim].copy()
    for b, members in enumerate(blocks):
        p = pay[b][:, :, members]  # (k, m, |members|)
        trial = np.repeat(effort[members][None], k, axis=0)
        trial[:, :, dim] = cands[members].T  # each candidate costs its own (unclipped) cost: see _symmetric_candidates
        u = smoothed_pay(p) - 0.5 * cfg.risk_aversion_per_yuan * p.var(axis=1) - effort_cost_yuan(cfg, trial, days)
        w = np.exp((u - u.max(axis=0)) / max(tau, 1e-9))
        resp[members] = (w * cands[members].T).sum(axis=0) / w.sum(axis=0)
    return np.clip(resp, lo, 1.0)


def _report(cfg: Behaviour, pricer: _Pricer, effort: np.ndarray, days: float,
            paid_dims: list[int] | None = None) -> tuple[list[dict[str, Any]], dict]:
    """Per-agent expected pay, reach probabilities, effort and flags at a profile, and the team's forecast."""
    m, n = pricer.m, pricer.n
    samples = np.arange(m)
    sums = pricer.forecast(np.repeat(effort[None], m, axis=0), samples)
    zero_sums = pricer.forecast(np.zeros((m, n, len(DIMS))), samples)
    pay, long = pricer.price(None, samples, sums)
    zero_pay, zero_long = pricer.price(None, samples, zero_sums)
    honest = effort.copy()
    honest[:, GAMING] = 0.0
    honest_pay = pricer.price(np.repeat(honest[None], m, axis=0), samples)[0] if cfg.gaming else pay
    reach = (long.dropna(subset=["reached"]).groupby(["agent", "component"])["reached"].mean()
             if len(long) else pd.Series(dtype=float))
    variable = long[long["kind"] == "variable"]
    var_pay = variable.groupby("agent")["yuan"].sum() / m if len(long) else pd.Series(dtype=float)
    zero_var = zero_long[zero_long["kind"] == "variable"]["yuan"].sum() / m if len(zero_long) else 0.0
    names = dict(zip(pricer.agents["agent"], pricer.agents["name"], strict=False))
    sales = sums[..., COL["sales_yuan"]].sum(axis=2)  # (m, n)
    zero_sales = zero_sums[..., COL["sales_yuan"]].sum(axis=2)
    rows = []
    for a in range(n):
        e = effort[a]
        r = {c: float(v) for (ag, c), v in reach.items() if ag == a}
        # trying = real effort on a dimension the scheme pays (not the small, cheap moves of decision noise)
        positive = float(np.max(e[paid_dims] if paid_dims else e[:_WORK])) > TRYING
        rows.append({
            "agent": a,
            "name": names.get(a, str(a)),
            "effort": {d: float(round(e[i], 4)) for i, d in enumerate(DIMS) if i < _WORK or cfg.gaming},
            "expected_pay_yuan": float(pay[:, a].mean()),
            "expected_variable_pay_yuan": float(var_pay.get(a, 0.0)),
            "pay_if_no_effort_yuan": float(zero_pay[:, a].mean()),
            "pay_sd_yuan": float(pay[:, a].std()),
            "effort_cost_yuan": float(effort_cost_yuan(cfg, e, days)),
            "forecast_sales_uplift_yuan": float((sales[:, a] - zero_sales[:, a]).mean()),
            "p_reach": r,
            "gave_up": bool(r) and not positive and max(r.values()) < 0.2,
            "at_ceiling": [d for i, d in enumerate(DIMS[:_WORK]) if e[i] >= CEILING],
            "secure": bool(r) and not positive and min(r.values()) >= 0.9,
            "gaming_share": float(np.clip(e[GAMING], 0, 1) * cfg.gaming_max_share) if cfg.gaming else 0.0,
            "gaming_pay_yuan": float((pay[:, a] - honest_pay[:, a]).mean()),
        })
    reached = long.dropna(subset=["reached"])
    tot = sums.sum(axis=(1, 2))  # (m, columns): the team's sums per simulated month
    with np.errstate(invalid="ignore", divide="ignore"):
        resp = tot[:, COL["resp_sum"]] / tot[:, COL["resp_n"]]
        conv = tot[:, COL["paid_buyers"]] / tot[:, COL["inquiries"]]
    team = {
        "avg_response_s": float(np.nanmean(resp)) if np.isfinite(resp).any() else None,
        "inquiry_conversion": float(np.nanmean(conv)) if np.isfinite(conv).any() else None,
        "sales_yuan": float(sales.sum(axis=1).mean()),
        "sales_uplift_yuan": float((sales - zero_sales).sum(axis=1).mean()),
        # neutral + disappointed ratings more than at no effort (the service cost of the net gain)
        "bad_ratings_change": float(((sums[..., COL["neutral"]] + sums[..., COL["disappointed"]])
                                     - (zero_sums[..., COL["neutral"]] + zero_sums[..., COL["disappointed"]]))
                                    .sum(axis=(1, 2)).mean()),
        "variable_pay_yuan": float(variable["yuan"].sum() / m) if len(long) else 0.0,
        "variable_pay_if_no_effort_yuan": float(zero_var),
        "gaming_pay_yuan": float((pay - honest_pay).sum(axis=1).mean()),
        "reach_share": float(reached["reached"].mean()) if len(reached) else None,
    }
    return rows, team

