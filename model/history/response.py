"""How this shop's agents respond to a scheme, estimated from its own months (issue 14).

The behaviour model's forecast rests on effort costs nobody measured. A shop that has run different schemes in
different months has measured them, without knowing it: how each agent's KPIs moved when the scheme changed is
the response. Structural sales-force models estimate the response this way from a firm's own months under
different plans (Misra & Nair 2011; Chung, Steenburgh & Sudhir 2014). docs/model.md section 12 has the
equations; in short:

1. **The norm.** The months are calibrated into one scenario (:func:`model.history.calibrate.calibrate`): on the
   months paid by base pay only when there are such months (no scheme, no response: the agents' norm), else on
   all of them (then the norm carries the months' average effort; said in the report). One base run of it.
2. **Predictions.** For a parameter vector, the agents' equilibrium under each month's scheme
   (:func:`model.behaviour.solver.solve`, the same call as a comparison) and its expected per-agent KPIs through
   the agents' own KPI model (:func:`model.behaviour.kpimodel.forecast_sums` with its noise at zero).
3. **Moments.** Within-agent changes across months: for each agent, month and KPI (log conversion, log order
   value, log average response time, good-rating rate), the observed value minus the agent's mean over its
   months, against the same for the prediction. Demeaning removes the agent's ability (what calibration
   shrinks), so only the *changes* between months identify the response. The fit matches the team's average
   change per month and KPI (agents weighted by inquiries; ratings for the good-rating rate), each weighted by
   one over its variance (the spread of the agents' changes that month over the agents, plus the common shock
   ``team_shock_cv`` on conversion): which agent sits just above or below a threshold is where the model knows an
   agent least, while the team's response moves smoothly with the parameters (:class:`Moments`).
4. **Fit.** Weighted least squares over the parameters of :data:`~model.language.behaviour.ESTIMABLE`, each on
   a log grid of x1/8..x8 of its start (7 points) with a parabola through the best three, one parameter at a time
   with the others at their current values (coordinate descent, one pass by default: the costs are separate
   terms of the agents' utility, so their coupling is weak). Then a **joint refinement** of the coupled pair
   (:data:`JOINT`: the service effort cost and decision noise, which both move the good-rating rate of the month
   paid on ratings): Nelder-Mead (scipy) on their log-values, on the same objective, within one grid step
   (x1/2..x2) of the coordinate values and at most :data:`JOINT_EVALS` per parameter evaluations; its best point
   is kept only where it lowers the objective (:func:`_joint`).
5. **Intervals.** Bootstrap over agents (B resamples of the team with replacement, each refitted on the stored
   per-agent predictions of the last pass): the 5th-95th percentiles, joined with the profile interval (values
   whose scaled rise of the objective stays under 2.71), because the bootstrap alone is too narrow where the
   profile is flat. The full-team equilibria are kept (an agent drawn twice faces the same rivals).
6. **Identification.** A parameter is *not identified* (its start value kept, no interval) when no month's scheme
   moves the effort it prices, or when the months cannot reject any value of the searched range (the profile's
   rise, scaled by the fit's residual variance, stays under the 90% chi-square point 2.71).

The back-test (:func:`backtest`) fits on every month but the last and forecasts the last month under its own
scheme, team and per agent, with a 90% interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model.behaviour.kpimodel import (
    DIMS,
    GAMING,
    Noise,
    base_record,
    forecast_sums,
)
from model.behaviour.solver import solve
from model.edits import with_edits
from model.errors import ScenarioError
from model.history.months import Month, merge_histories
from model.history.sums import kpi_sums, kpis
from model.history.validate import History
from model.kpi import SUM_COLUMNS, ratios
from model.language.behaviour import ESTIMABLE, Behaviour, Estimated
from model.schema import Scenario
from model.shocks import SATISFIED_SHARE

#: The grid of each parameter's profile: its start value times these factors.
FACTORS = 2.0 ** np.arange(-3, 4)
#: 90% point of the chi-square with one degree of freedom (the profile's rise that a value must show to be rejected).
CHI2_90 = 2.706
#: Bootstrap resamples of the agents.
BOOTSTRAP = 300
#: The moments: KPI code -> (transform, the dimension of effort it reflects, zh, en).
MOMENTS: dict[str, tuple[str, str, str, str]] = {
    "inquiry_conversion": ("log", "selling", "询单转化率", "inquiry conversion"),
    "aov_yuan": ("log", "selling", "客单价", "order value"),
    "avg_response_s": ("log", "speed", "平均响应时间", "average response time"),
    "good_rating_rate": ("level", "service", "好评率", "good-rating rate"),
}
#: Which effort dimension each parameter prices (decision noise: all of them).
DIMENSION = {"selling_cost_yuan": "selling", "speed_cost_yuan": "speed", "service_cost_yuan": "service",
             "decision_noise_yuan": None}
NAMES = {"selling_cost_yuan": ("销售努力成本", "selling effort cost"),
         "speed_cost_yuan": ("速度努力成本", "speed effort cost"),
         "service_cost_yuan": ("服务努力成本", "service effort cost"),
         "decision_noise_yuan": ("决策噪声", "decision noise")}
#: The parameters refined jointly after the coordinate pass (their coupling is what one-at-a-time cannot follow:
#: a higher service cost and a higher decision noise both lower the rated month's good-rating response).
JOINT = ("service_cost_yuan", "decision_noise_yuan")
#: Objective evaluations of the joint refinement per refined parameter (each solves every paid month's equilibrium).
JOINT_EVALS = 4
#: How far (a factor) the joint refinement may move a value from the coordinate pass: one grid step, so the
#: profiles that give the intervals were taken around it.
JOINT_STEP = 2.0
_BOUNDS = {"selling_cost_yuan": (1.0, 1e6), "speed_cost_yuan": (1.0, 1e6), "service_cost_yuan": (1.0, 1e6),
           "decision_noise_yuan": (0.5, 10000.0)}


def _t(code: str, v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    if MOMENTS[code][0] == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(v > 0, np.log(np.where(v > 0, v, 1.0)), np.nan)
    return v


def _untransform(code: str, v: np.ndarray) -> np.ndarray:
    return np.exp(v) if MOMENTS[code][0] == "log" else np.asarray(v, dtype=float)


# ------------------------------------------------------------------------------------------------ data
@dataclass
class Panel:
    """Observed agent-months: transformed KPIs and their weights.

    Attributes:
        months: the month labels, in order.
        agents: agent names (the base run's order).
        y: (months, agents, K) transformed observed KPIs (NaN where the agent has no such month or KPI).
        w: (months, agents, K) weights (0 where y is NaN).
        counts: (months, agents) per agent-month: inquiries, paid buyers, ratings (dict of arrays).
        codes: the K moment codes the exports give.
    """

    months: list[str]
    agents: list[str]
    y: np.ndarray
    w: np.ndarray
    counts: dict[str, np.ndarray]
    codes: list[str]


def _panel(months: list[Month], agents: list[str], cfg: Behaviour, aov_cv: float) -> Panel:
    M, N = len(months), len(agents)
    pos = {a: i for i, a in enumerate(agents)}
    codes = [c for c in MOMENTS if all(_has(m.history, c) for m in months)]
    y = np.full((M, N, len(codes)), np.nan)
    counts = {k: np.zeros((M, N)) for k in ("inquiries", "paid_buyers", "ratings")}
    for t, m in enumerate(months):
        k = kpis(m.history, ["agent"]).set_index("agent")
        s = kpi_sums(m.history, ["agent"])
        for a, row in k.iterrows():
            i = pos.get(str(a))
            if i is None:
                continue
            for j, c in enumerate(codes):
                y[t, i, j] = _t(c, row[c])[()]
            for c in counts:
                if c in s.columns:
                    counts[c][t, i] = float(s.loc[a, c]) if a in s.index else 0.0
    perf = cfg.performance_noise_cv
    w = np.zeros_like(y)
    for j, c in enumerate(codes):
        n = counts["inquiries"]
        with np.errstate(divide="ignore", invalid="ignore"):
            if c == "inquiry_conversion":
                p = np.exp(y[..., j])
                var = perf ** 2 + (1 - p) / np.maximum(n * p, 1e-9)
            elif c == "aov_yuan":
                var = 0.01 ** 2 + aov_cv ** 2 / np.maximum(counts["paid_buyers"], 1.0)
            elif c == "avg_response_s":
                var = perf ** 2 + 1.0 / np.maximum(n, 1.0)
            else:
                p = y[..., j]
                var = (SATISFIED_SHARE * perf) ** 2 + p * (1 - p) / np.maximum(counts["ratings"], 1.0)
        w[..., j] = np.where(np.isfinite(y[..., j]) & np.isfinite(var) & (var > 0), 1.0 / np.maximum(var, 1e-12), 0.0)
    y = np.where(w > 0, y, np.nan)
    return Panel([m.month for m in months], agents, y, w, counts, codes)


def _has(h: History, code: str) -> bool:
    from model.history.sums import available_codes

    return code in available_codes(h)


def _demean(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """x minus its mean over the months where mask holds (per agent and KPI); NaN elsewhere."""
    xm = np.where(mask, x, np.nan)  # (..., months, agents, K)
    cnt = mask.sum(axis=0)
    with np.errstate(invalid="ignore"):
        mean = np.nansum(xm, axis=-3) / np.where(cnt > 0, cnt, 1)
    return np.where(mask, xm - mean[..., None, :, :], np.nan)


# ------------------------------------------------------------------------------------------------ model
def _effort(cfg: Behaviour, scheme, rec, outcomes, agents: pd.DataFrame, seed: int, gross_margin_share: float,
            days: float) -> np.ndarray:
    """The agents' equilibrium effort (agents, 4) under one scheme: one :func:`~model.behaviour.solver.solve`
    (module level, so a worker process can run it; the serial path calls the same function)."""
    return solve(cfg, scheme, rec, outcomes, agents, seed=seed, gross_margin_share=gross_margin_share,
                 days=days).effort


class Predictor:
    """Expected per-agent KPIs of every month under a behaviour parameter vector (equilibria cached).

    With an ``executor`` (a process pool from :func:`model.tuning.run.make_executor`, or a Dask one),
    :meth:`prefetch` sends the equilibria of many parameter vectors to its workers at once; each solve is the same
    deterministic function of (parameters, scheme, base run), so the predictions are the same with any number of
    workers (tests/test_history_response.py checks 1 against 2).
    """

    def __init__(self, scenario: Scenario, months: list[Month], base, codes: list[str], executor=None) -> None:
        self.s = scenario
        self.months = months
        self.base = base
        self.rec = base_record(base)
        self.codes = codes
        self.executor = executor
        n = self.rec.sums.shape[0]
        w = self.rec.weeks
        self.zero_noise = Noise(np.zeros((1, n, w, 8)), np.zeros((1, n, 3)), np.zeros((1, w, 2)), np.zeros((1, n, 3)))
        self._cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._pending: dict[tuple, Any] = {}  # key -> future of the effort (prefetched on the executor)
        self.solves = 0

    @staticmethod
    def _key(cfg: Behaviour, scheme) -> tuple:
        return (scheme.model_dump_json() if scheme is not None else None, tuple(getattr(cfg, p) for p in ESTIMABLE))

    def _args(self, cfg: Behaviour, scheme) -> tuple:
        s = self.s
        return (cfg, scheme, self.rec, s.outcomes, self.base.agents, s.meta.seed, s.economics.gross_margin_share,
                float(s.meta.days))

    def prefetch(self, cfgs: list[Behaviour], schemes: list | None = None) -> None:
        """Start the equilibria of ``cfgs`` under every month's scheme (or ``schemes``) on the executor; no-op
        without one. :meth:`_one` then waits for each result instead of solving it here."""
        if self.executor is None:
            return
        for cfg in cfgs:
            for scheme in (schemes if schemes is not None else [m.scheme for m in self.months]):
                if scheme is None:
                    continue
                key = self._key(cfg, scheme)
                if key not in self._cache and key not in self._pending:
                    self._pending[key] = self.executor.submit(_effort, *self._args(cfg, scheme))

    def _one(self, cfg: Behaviour, scheme) -> tuple[np.ndarray, np.ndarray]:
        """(KPIs (agents, K) on the moment scale, effort (agents, 4)) under one scheme."""
        key = self._key(cfg, scheme)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        n = self.rec.sums.shape[0]
        s = self.s
        if scheme is None:
            effort = np.zeros((n, len(DIMS)))
        else:
            fut = self._pending.pop(key, None)
            effort = fut.result() if fut is not None else _effort(*self._args(cfg, scheme))
            self.solves += 1
        sums = forecast_sums(cfg, self.rec, s.outcomes, effort[None], self.zero_noise, np.array([0]))[0].sum(axis=1)
        r = ratios(pd.DataFrame(sums, columns=list(SUM_COLUMNS)))
        out = np.stack([_t(c, r[c].to_numpy(float)) for c in self.codes], axis=-1)
        self._cache[key] = (out, effort)
        return out, effort

    def predict(self, cfg: Behaviour) -> tuple[np.ndarray, np.ndarray]:
        """(months, agents, K) predicted moments and (months, agents, 4) efforts."""
        parts = [self._one(cfg, m.scheme) for m in self.months]
        return np.stack([p[0] for p in parts]), np.stack([p[1] for p in parts])


# ------------------------------------------------------------------------------------------------ fit
@dataclass
class Profile:
    """One parameter's profile: grid values, the predicted moments at each, the objective, the effort it moves."""

    param: str
    grid: np.ndarray
    pred: np.ndarray  # (G, months, agents, K)
    j: np.ndarray  # (G,) the objective at the full team
    effort_spread: float  # how much the priced effort moves across the grid (max |e(g) - e(g')|)


def _team_means(x: np.ndarray, mask: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """(..., months, K) the weighted mean over agents of the within-agent demeaned x (x: (..., months, agents, K))."""
    d = np.nan_to_num(_demean(x, mask))
    w = weight * mask
    return (d * w).sum(axis=-2) / np.maximum(w.sum(axis=-2), 1e-12)


class Moments:
    """The team-level moments: per month and KPI, the team's average within-agent change (agents weighted by
    their inquiries, or ratings for the good-rating rate) observed vs predicted.

    Matching the team's changes rather than each agent's keeps the fit smooth: which agent sits just above or just
    below a threshold (and so tries or gives up) is where the model is least sure of an agent, but the team's
    average response moves smoothly with the parameters. The weight of a moment is one over its variance: the
    spread of the agents' observed changes that month over the number of agents (plus the model's common monthly
    shock ``team_shock_cv`` on conversion); bootstrap resamples of agents re-weight the same sums.
    """

    def __init__(self, panel: Panel, cfg: Behaviour) -> None:
        self.panel = panel
        self.mask = panel.w > 0
        codes = panel.codes
        base_w = np.stack([panel.counts["ratings"] if c == "good_rating_rate" else panel.counts["inquiries"]
                           for c in codes], axis=-1)  # (M, N, K)
        self.weight = np.where(self.mask, base_w, 0.0)
        d = np.nan_to_num(_demean(panel.y, self.mask))
        w = self.weight
        tot = np.maximum(w.sum(axis=1), 1e-12)
        mean = (d * w).sum(axis=1) / tot  # (M, K)
        spread = (w * (d - mean[:, None]) ** 2).sum(axis=1) / tot
        share = w / tot[:, None]
        n_eff = 1.0 / np.maximum((share ** 2).sum(axis=1), 1e-12)  # (M, K)
        common = np.array([cfg.team_shock_cv ** 2 if c == "inquiry_conversion" else 0.0 for c in codes])
        var = spread / np.maximum(n_eff - 1, 1.0) + common[None]
        self.v = np.where(var > 0, 1.0 / np.maximum(var, 1e-12), 0.0)  # (M, K)

    def j(self, pred: np.ndarray, mult: np.ndarray | None = None) -> np.ndarray:
        """The objective of predictions (..., months, agents, K); ``mult`` (B, agents) = bootstrap multiplicities."""
        y = self.panel.y
        if mult is None:
            r = _team_means(y, self.mask, self.weight) - _team_means(pred, self.mask, self.weight)
            return (self.v * r ** 2).sum(axis=(-2, -1))
        out = []
        for m in mult:
            w = self.weight * m[None, :, None]
            r = _team_means(y, self.mask, w) - _team_means(pred, self.mask, w)
            out.append((self.v * r ** 2).sum(axis=(-2, -1)))
        return np.stack(out)


def _vertex(grid: np.ndarray, j: np.ndarray) -> float:
    """The minimum of J over the grid, refined by a parabola in log(value) through the best point and its
    neighbours (kept between the neighbours)."""
    k = int(np.argmin(j))
    if k == 0 or k == len(grid) - 1:
        return float(grid[k])
    x = np.log(grid[k - 1:k + 2])
    y = j[k - 1:k + 2]
    a = np.polyfit(x, y, 2)
    if a[0] <= 0:
        return float(grid[k])
    xv = float(np.clip(-a[1] / (2 * a[0]), x[0], x[2]))
    return float(math.exp(xv))


def profile_interval(grid: np.ndarray, rise: np.ndarray, at: float, level: float = CHI2_90) -> tuple[float, float]:
    """The values whose profile rise (scaled) stays under ``level``, from the estimate ``at`` outwards; the grid's
    end where it never crosses. Between the last grid point inside and the first outside, the crossing is read off
    a parabola in log(value) through those two and the next point inward (a profile's rise is convex there; a
    straight line drawn over a factor-2 step put the crossing too close: on the sample the truth of the service
    cost, whose rise is 0.7, fell outside); a straight line where the parabola does not cross in that step."""
    x = np.log(grid)
    xa = math.log(at)
    k = int(np.clip(np.searchsorted(x, xa), 1, len(x) - 1)) if len(x) > 1 else 0
    lo, hi = float(grid[0]), float(grid[-1])
    for i in range(k - 1, -1, -1):  # walk down from the estimate
        if rise[i] > level:
            lo = float(math.exp(_crossing(x, rise, i, i + 1, i + 2, level)))
            break
    for i in range(k, len(x)):  # and up
        if rise[i] > level:
            hi = float(math.exp(_crossing(x, rise, i, i - 1, i - 2, level)))
            break
    return min(lo, at), max(hi, at)


def _crossing(x: np.ndarray, rise: np.ndarray, i: int, j: int, jj: int, level: float) -> float:
    """Where the rise crosses ``level`` between x[j] (inside) and x[i] (outside): on the parabola through i, j and
    jj (the next point inward) when it is convex and crosses in that step, else on the straight line."""
    if 0 <= jj < len(x):
        a, b, c = np.polyfit(x[[i, j, jj]], rise[[i, j, jj]], 2)
        if a > 0:
            lo_x, hi_x = sorted((x[i], x[j]))
            for r in np.roots([a, b, c - level]):
                if abs(r.imag) < 1e-12 and lo_x - 1e-12 <= r.real <= hi_x + 1e-12:
                    return float(r.real)
    t = (level - rise[j]) / (rise[i] - rise[j]) if rise[i] != rise[j] else 0.0
    return float(x[j] + t * (x[i] - x[j]))


def _cfg(cfg: Behaviour, values: dict[str, float]) -> Behaviour:
    return cfg.model_copy(update=values)


def _profile(pred: Predictor, mom: Moments, cfg: Behaviour, values: dict[str, float], param: str,
             centre: float, progress: Callable[[], None] | None) -> Profile:
    lo, hi = _BOUNDS[param]
    grid = np.unique(np.clip(centre * FACTORS, lo, hi))
    pred.prefetch([_cfg(cfg, {**values, param: float(g)}) for g in grid])  # the grid's solves are independent
    preds, efforts = [], []
    for g in grid:
        p, e = pred.predict(_cfg(cfg, {**values, param: float(g)}))
        preds.append(p)
        efforts.append(e)
        if progress:
            progress()
    P = np.stack(preds)  # (G, M, N, K)
    E = np.stack(efforts)  # (G, M, N, 4)
    dim = DIMENSION[param]
    sub = E[..., DIMS.index(dim)] if dim else E[..., :GAMING]
    # the effort the parameter prices, as a change between months (what the moments can see)
    moved = sub - sub.mean(axis=1, keepdims=True)
    spread = float(np.abs(moved - moved[:1]).max()) if len(grid) > 1 else 0.0
    return Profile(param, grid, P, mom.j(P), spread)


@dataclass
class Joint:
    """The joint refinement's account: which parameters, the objective before and after, evaluations, kept or not."""

    params: tuple[str, ...]
    before: dict[str, float]
    after: dict[str, float]
    j_before: float
    j_after: float
    evaluations: int
    kept: bool


def _joint(pred: Predictor, mom: Moments, cfg: Behaviour, values: dict[str, float], params: tuple[str, ...],
           progress: Callable[[], None] | None, evals: int | None = None) -> Joint:
    """Nelder-Mead on the log-values of ``params`` (the others fixed), on the objective :meth:`Moments.j`.

    The simplex starts at the coordinate values with steps of x1.5; each value stays within :data:`JOINT_STEP`
    of its start and inside its bounds (clipped); at most ``evals`` (default ``JOINT_EVALS * len(params)``)
    evaluations. The best point evaluated is returned and kept only where its objective is below the start's
    (the equilibrium's effort moves in small jumps, so the objective is not smooth at fine scales: a
    derivative-free search, and no claim that the result is the joint minimum)."""
    from scipy.optimize import minimize

    evals = JOINT_EVALS * len(params) if evals is None else evals
    x0 = np.log([values[p] for p in params])
    lo = np.maximum(x0 - math.log(JOINT_STEP), np.log([_BOUNDS[p][0] for p in params]))
    hi = np.minimum(x0 + math.log(JOINT_STEP), np.log([_BOUNDS[p][1] for p in params]))
    seen: list[tuple[float, dict[str, float]]] = []

    class _Spent(Exception):
        pass

    def f(x: np.ndarray) -> float:
        if seen and np.array_equal(x, x0):  # the simplex's first vertex is the start, already evaluated
            return seen[0][0]
        if len(seen) >= evals:  # a hard budget (Nelder-Mead may overrun maxfev by a shrink step)
            raise _Spent
        v = {**values, **{p: float(math.exp(xi)) for p, xi in zip(params, np.clip(x, lo, hi), strict=True)}}
        c = _cfg(cfg, v)
        pred.prefetch([c])  # the months' equilibria at once on the executor (no-op without one)
        j = float(mom.j(pred.predict(c)[0]))
        seen.append((j, v))
        if progress:
            progress()
        return j

    j0 = f(x0)
    simplex = np.vstack([x0] + [x0 + math.log(1.5) * np.eye(len(params))[i] for i in range(len(params))])
    try:
        minimize(f, x0, method="Nelder-Mead", options={"maxfev": evals, "initial_simplex": simplex, "xatol": 0.02,
                                                       "fatol": 1e-6})
    except _Spent:
        pass
    j1, best = min(seen, key=lambda s: s[0])
    kept = j1 < j0
    return Joint(tuple(params), {p: values[p] for p in params}, {p: best[p] for p in params} if kept else
                 {p: values[p] for p in params}, j0, j1 if kept else j0, len(seen), kept)


@dataclass
class Estimate:
    """What the months say about the agents' response.

    Attributes:
        months: the months used.
        start: the start values (the template's or the documented defaults).
        values: the fitted values (the start value where not identified).
        intervals: 90% bootstrap interval of each identified parameter.
        identified: parameter -> True/False.
        reasons: parameter -> (zh, en) why it is not identified, or where its estimate sits.
        profiles: the last pass's profiles.
        residual_scale: the fit's residual variance relative to the model's (>= 1 used for the chi-square test).
        norm: (zh, en) which months set the agents' norm.
        behaviour: the ``[behaviour]`` table with the fitted values and their provenance (``estimated``).
        panel, predicted: the moments and the fitted predictions (for the per-agent table).
        solves: equilibria solved.
        joint: the joint refinement after the coordinate pass (None when fewer than two of :data:`JOINT` are fitted
            or it was turned off).
    """

    months: list[str]
    start: dict[str, float]
    values: dict[str, float]
    intervals: dict[str, tuple[float, float]]
    identified: dict[str, bool]
    reasons: dict[str, tuple[str, str]]
    profiles: dict[str, Profile]
    residual_scale: float
    norm: tuple[str, str]
    behaviour: Behaviour
    panel: Panel
    predicted: np.ndarray
    solves: int = 0
    notes: list[tuple[str, str]] = field(default_factory=list)
    predictor: Predictor | None = field(default=None, repr=False)
    joint: Joint | None = None

    def table(self) -> list[dict[str, Any]]:
        """One row per parameter: start, estimate, interval, identified, reason (zh/en)."""
        out = []
        for p in ESTIMABLE:
            lo_hi = self.intervals.get(p)
            out.append({"param": p, "zh": NAMES[p][0], "en": NAMES[p][1], "start": self.start[p],
                        "estimate": self.values[p], "low": lo_hi[0] if lo_hi else None,
                        "high": lo_hi[1] if lo_hi else None, "identified": self.identified[p],
                        "reason_zh": self.reasons.get(p, ("", ""))[0], "reason_en": self.reasons.get(p, ("", ""))[1]})
        return out


def _distinct(months: list[Month]) -> int:
    return len({m.scheme.model_dump_json() if m.scheme is not None else None for m in months})


def check_months(months: list[Month]) -> None:
    """Refuse months that cannot identify any response: fewer than two, or one scheme throughout."""
    if len(months) < 2:
        raise ScenarioError("estimating how the agents respond needs at least two months of exports under "
                            f"different schemes; the exports have {len(months)} month ({', '.join(m.month for m in months)})",
                            key="months")
    if _distinct(months) < 2:
        name = months[0].scheme.name if months[0].scheme is not None else "base pay only"
        raise ScenarioError(f"every month ({', '.join(m.month for m in months)}) was paid by the same scheme "
                            f"('{name}'): the months show no change of scheme, so they cannot show how the agents "
                            "respond to one; add a month under another scheme (or base pay only)", key="months")


def norm_note(months: list[Month]) -> tuple[str, str]:
    """(zh, en) which months set the agents' norm, and what that rests on.

    Several base-pay months: their average. Exactly one: that one month, with whatever was special about it (its
    common shock, a promotion, a slack week) read as the norm. None: the average of all months, which carries their
    effort, weighted by how many months each scheme paid. Nothing is widened for this; the text says it instead.
    """
    base_months = [m for m in months if m.scheme is None]
    if len(base_months) >= 2:
        labels = ", ".join(m.month for m in base_months)
        return (f"客服的常态(不努力时的水平)取自 {len(base_months)} 个只发底薪的月份的平均:{labels}。",
                f"The agents' norm (their level without extra effort) is the average of the {len(base_months)} "
                f"base-pay-only months: {labels}.")
    if len(base_months) == 1:
        m = base_months[0].month
        return (f"客服的常态(不努力时的水平)只取自一个只发底薪的月份:{m}。这个月的特殊情况(大促、淡季、当月的整体波动)"
                "都会被当作常态,影响每个估计值;区间没有包含这一点。",
                f"The agents' norm (their level without extra effort) rests on one base-pay-only month, {m}: "
                "whatever was special about it (a promotion, a slack week, the month's common shock) is read as the "
                "norm and moves every estimate; the intervals do not include that.")
    labels = ", ".join(m.month for m in months)
    counts: dict[str, int] = {}
    for m in months:
        counts[m.scheme.name] = counts.get(m.scheme.name, 0) + 1  # type: ignore[union-attr]
    zh = (f"没有只发底薪的月份:客服的常态取自所有月份({labels})的平均,其中含各月方案下的平均努力,估计会偏保守;"
          "区间没有包含这一点。")
    en = (f"No month was paid by base pay only: the agents' norm is the average of all months ({labels}), which "
          "includes the months' average effort, so the estimate leans conservative; the intervals do not include that.")
    top, n = max(counts.items(), key=lambda kv: kv[1])
    if n >= 2:
        zh += f"其中'{top}'支付了 {len(months)} 个月中的 {n} 个月,常态偏向它下的努力。"
        en += f" '{top}' paid {n} of the {len(months)} months, so the norm leans to the effort under it."
    return zh, en


def repeat_notes(months: list[Month]) -> list[tuple[str, str]]:
    """(zh, en) per scheme that paid two or more months: those months are repeated observations of one response
    (their differences are noise to the fit, and they count twice in the norm when there is no base-pay month)."""
    groups: dict[str, list[str]] = {}
    for m in months:
        groups.setdefault(m.scheme.name if m.scheme is not None else "", []).append(m.month)
    out = []
    for name, ms in groups.items():
        if len(ms) < 2 or not name:
            continue
        out.append((f"{', '.join(ms)} 都由'{name}'支付:它们是同一种反应的重复观测,月份之间的差别算作噪声。",
                    f"{', '.join(ms)} were all paid by '{name}': they are repeated observations of one response, "
                    "and their differences count as noise."))
    return out


def norm_scenario(months: list[Month], template: Scenario | None, *, refine_steps: int = 2
                  ) -> tuple[Scenario, tuple[str, str], Any]:
    """The calibrated scenario of the agents' norm (one 30-day month, behaviour on) and which months set it."""
    from model.history.calibrate import calibrate

    base_months = [m for m in months if m.scheme is None]
    use = base_months or months
    h = merge_histories([m.history for m in use])
    tpl = template or response_template()
    cal = calibrate(h, tpl, refine_steps=refine_steps)
    norm = norm_note(months)
    cfg = tpl.behaviour if tpl.behaviour.active else Behaviour(model="effort_equilibrium")
    s = with_edits(cal.scenario, {"meta.days": 30, "meta.months": 1}, notices=[])
    s = s.model_copy(update={"behaviour": cfg.model_copy(update={"model": "effort_equilibrium", "estimated": None})})
    return s, norm, cal


#: Without a template, a response splits into reaction latency and typing as in the shipped default shop
#: (scenarios/taobao_10_agents.toml, docs/model.md section 9): speed effort cuts latency first, so an estimate of the
#: speed cost needs the split (the export cannot show it; a template with the shop's own split wins).
DEFAULT_LATENCY = {"dist": "lognormal", "mean_s": 52.0, "cv": 1.0, "first_message_share": 0.3}


def response_template() -> Scenario:
    """The calibration template of the response estimate when none is given: the built-in defaults plus the
    default shop's reaction latency."""
    from model.history.calibrate import _template

    t = _template()
    return with_edits(t, {"agents.reaction_latency": DEFAULT_LATENCY}, notices=[])


def estimate(months: list[Month], template: Scenario | None = None, *, replications: int = 2,
             bootstrap: int = BOOTSTRAP, passes: int = 1, params: tuple[str, ...] = ESTIMABLE,
             progress: Callable[[int, int], None] | None = None, seed: int = 0,
             norm: tuple[Scenario, tuple[str, str]] | None = None, workers: int = 1,
             executor: Any = None, final_profiles: bool | None = None,
             joint: tuple[str, ...] | None = JOINT) -> Estimate:
    """Fit the response parameters to the months.

    Args:
        months: the months with their schemes (:func:`model.history.months.match_months`).
        template: the scenario whose settings the calibration keeps (its ``[behaviour]`` is the start).
        replications: replications of the base run.
        bootstrap: resamples of the agents for the intervals.
        passes: coordinate-descent passes.
        params: the parameters to fit (default every estimable one).
        progress: called as ``progress(done, total)`` after each profile point.
        seed: of the bootstrap.
        norm: a precomputed (scenario, norm text) from :func:`norm_scenario` (the back-test passes its own).
        workers: worker processes for the equilibrium solves (the grid points of one parameter's profile are
            solved at once; 1 = in this process). The result is the same for any number.
        executor: an executor already open (the back-test's); overrides ``workers``.
        final_profiles: after the passes, profile every parameter again at the final values of the others, and
            take the intervals and identification from those profiles (the values are kept). Default: with two
            passes or more. Each pass's profile is conditional on the other parameters' values at that moment;
            when a later parameter moves (decision noise after the service cost), the earlier profile is stale.
        joint: the parameters refined jointly after the passes (:func:`_joint`; those of them in ``params``; none
            when fewer than two); ``None`` or ``()`` turns the refinement off.
    """
    check_months(months)
    if executor is None and workers > 1:
        from model.tuning.run import make_executor

        with make_executor(workers=workers) as (ex, _):
            est = estimate(months, template, replications=replications, bootstrap=bootstrap, passes=passes,
                           params=params, progress=progress, seed=seed, norm=norm, executor=ex,
                           final_profiles=final_profiles, joint=joint)
        assert est.predictor is not None
        est.predictor.executor = None  # the pool is closed: later predictions run here
        return est
    from model.simulate import simulate

    if norm is None:
        s, norm_text, _ = norm_scenario(months, template)
    else:
        s, norm_text = norm
    s = with_edits(s, {"meta.replications": int(replications)}, notices=[])
    base = simulate(s, executor=executor)  # identical records whichever process runs a replication
    cfg = s.behaviour
    agents = [str(a) for a in base.agents["name"]]
    panel = _panel(months, agents, cfg, s.outcomes.aov_cv)
    if not panel.codes:
        raise ScenarioError("the exports give none of the KPIs the estimate reads (询单转化率, 客单价, 平均响应时间, "
                            "好评率)", key="months")
    pred = Predictor(s, months, base, panel.codes, executor=executor)
    start = {p: float(getattr(cfg, p)) for p in ESTIMABLE}
    values = dict(start)
    if final_profiles is None:
        final_profiles = passes >= 2
    together = tuple(p for p in (joint or ()) if p in params)
    if len(together) < 2:
        together = ()
    total = (passes + int(final_profiles)) * len(params) * len(FACTORS) + JOINT_EVALS * len(together)
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress:
            progress(done[0], total)

    mom = Moments(panel, cfg)
    profiles: dict[str, Profile] = {}
    for _ in range(passes):
        for p in params:
            prof = _profile(pred, mom, cfg, values, p, values[p], tick)
            profiles[p] = prof
            values[p] = _vertex(prof.grid, prof.j)
    refined = _joint(pred, mom, cfg, values, together, tick) if together else None
    if refined is not None:
        values.update(refined.after)
    if final_profiles:  # the intervals' profiles at the final values of every other parameter (values kept)
        for p in params:
            profiles[p] = _profile(pred, mom, cfg, values, p, values[p], tick)
    pred.prefetch([_cfg(cfg, values)])
    fitted, _ = pred.predict(_cfg(cfg, values))
    jmin = float(mom.j(fitted))
    dof = max(int((mom.v > 0).sum()) - int((mom.v > 0).any(axis=0).sum()) - len(params), 1)  # (M - 1) K - p
    scale = max(jmin / dof, 1.0)
    rng = np.random.default_rng(seed)
    n = len(agents)
    draws = rng.integers(0, n, size=(bootstrap, n))
    mult = np.stack([np.bincount(d, minlength=n) for d in draws]).astype(float)  # (B, N)
    intervals: dict[str, tuple[float, float]] = {}
    identified: dict[str, bool] = {}
    reasons: dict[str, tuple[str, str]] = {}
    for p in ESTIMABLE:
        if p not in params:
            identified[p] = False
            reasons[p] = ("未估计(保留设定值)。", "Not estimated (the set value is kept).")
            values[p] = start[p]
            continue
        prof = profiles[p]
        rise = (prof.j.max() - prof.j.min()) / scale
        zh, en = NAMES[p]
        if prof.effort_spread < 1e-3:
            identified[p] = False
            dim = DIMENSION[p]
            reasons[p] = (f"无法识别:没有哪个月的方案会改变{zh}所对应的努力(方案没有在这方面付钱,或各月方案相同),保留设定值 {start[p]:g}。",
                          f"Not identified: no month's scheme moves the effort it prices ({dim or 'any'}): the "
                          f"schemes never paid on it, or did not change; the set value {start[p]:g} is kept.")
        elif rise < CHI2_90:
            identified[p] = False
            reasons[p] = (f"无法识别:在 {prof.grid[0]:g}-{prof.grid[-1]:g} 范围内,这几个月的数据区分不出高低"
                          f"(拟合差异 {rise:.2f} < {CHI2_90}),保留设定值 {start[p]:g}。",
                          f"Not identified: over {prof.grid[0]:g}-{prof.grid[-1]:g} the months cannot tell its values "
                          f"apart (profile rise {rise:.2f} < {CHI2_90}); the set value {start[p]:g} is kept.")
        else:
            identified[p] = True
            jb = mom.j(prof.pred, mult)  # (B, G)
            boot = np.array([_vertex(prof.grid, row) for row in jb])
            lo, hi = (float(x) for x in np.percentile(boot, [5, 95]))
            # the union with the profile interval: the bootstrap alone is too narrow where the profile is flat
            plo, phi = profile_interval(prof.grid, (prof.j - prof.j.min()) / scale, values[p])
            intervals[p] = (min(lo, plo, values[p]), max(hi, phi, values[p]))
            edge = values[p] <= prof.grid[0] * 1.0001 or values[p] >= prof.grid[-1] * 0.9999
            if edge:
                reasons[p] = (f"估计值在搜索范围的端点({prof.grid[0]:g}-{prof.grid[-1]:g}):真实值可能更极端。",
                              f"The estimate sits at the end of the searched range ({prof.grid[0]:g}-"
                              f"{prof.grid[-1]:g}): the true value may lie beyond it.")
        if not identified[p]:
            values[p] = start[p]
    final = _cfg(cfg, values)
    fitted, _ = pred.predict(final)
    est_block = Estimated(months=[m.month for m in months], intervals=intervals,
                          not_identified=[p for p in ESTIMABLE if not identified[p]])
    notes: list[tuple[str, str]] = repeat_notes(months)
    vol = panel.counts["inquiries"].sum(axis=1)
    if vol.min() > 0 and vol.max() / vol.min() > 1.3:
        notes.append(("各月询单量相差超过 30%(大促或淡季?):整个团队的月度变化会被算作方案的作用,请谨慎解读。",
                      "The months' inquiry volumes differ by more than 30% (a promotion or a slack season?): a change "
                      "of the whole team between months is credited to the schemes; read with care."))
    return Estimate(months=[m.month for m in months], start=start, values=values, intervals=intervals,
                    identified=identified, reasons=reasons, profiles=profiles, residual_scale=scale, norm=norm_text,
                    behaviour=final.model_copy(update={"estimated": est_block}), panel=panel, predicted=fitted,
                    solves=pred.solves, notes=notes, predictor=pred, joint=refined)


# ------------------------------------------------------------------------------------------------ back-test
def _team(code: str, f: np.ndarray, counts: dict[str, np.ndarray], conv: np.ndarray | None) -> float:
    """The team's value of a KPI from per-agent values on the natural scale (weights: the month's counts)."""
    inq, ratings = counts["inquiries"], counts["ratings"]
    ok = np.isfinite(f)
    if code == "good_rating_rate":
        w = ratings
    elif code == "aov_yuan" and conv is not None:
        w = inq * np.nan_to_num(conv)
    else:
        w = inq
    w = np.where(ok, w, 0.0)
    return float(np.sum(w * np.nan_to_num(f)) / np.sum(w)) if np.sum(w) > 0 else float("nan")


def backtest(months: list[Month], template: Scenario | None = None, *, z: float = 1.645, workers: int = 1,
             **kw: Any) -> dict[str, Any]:
    """Fit on every month but the last; forecast the last month under its own scheme and set it beside the actual.

    Per agent: forecast = the agent's ability (its mean residual over the fit months) + the predicted moment under
    the last month's scheme, on each KPI's moment scale; 90% interval from (a) the parameters' intervals (each
    identified parameter moved to both ends, half the spread over z as its sd, summed in quadrature) and (b) the
    fit's residual spread for a new agent-month (s^2 (1 + 1/months)). Team: the agents' forecasts weighted by the
    month's own counts (inquiries; ratings for the good-rating rate): the back-test checks the response, not the
    traffic; its interval adds the month-to-month common shock (the fit months' team-mean residuals, at least
    ``behaviour.team_shock_cv`` on conversion).

    Returns:
        ``{"available": False, "reason": (zh, en)}`` when the months before the last cannot be fitted, else
        ``{"available": True, "month", "scheme", "fit_months", "estimate": Estimate, "team": {code: {forecast,
        low, high, actual, inside}}, "agents": [{name, code: {...}}], "inside_share": {code: share of agents}}``.
    """
    if len(months) < 3:
        return {"available": False,
                "reason": ("回测需要至少三个月:用前面的月份拟合,预测最后一个月。",
                           "A back-test needs at least three months: fit on the earlier ones, forecast the last.")}
    fit_m, last = months[:-1], months[-1]
    if _distinct(fit_m) < 2:
        return {"available": False,
                "reason": (f"最后一个月之前的月份({', '.join(m.month for m in fit_m)})都是同一个方案,无法拟合,所以不能回测。",
                           f"The months before the last ({', '.join(m.month for m in fit_m)}) were all paid by one "
                           "scheme, so they cannot be fitted and the last month cannot be back-tested.")}
    if workers > 1 and kw.get("executor") is None:
        from model.tuning.run import make_executor

        kw.pop("executor", None)
        with make_executor(workers=workers) as (ex, _):
            out = backtest(months, template, z=z, executor=ex, **kw)
        out["estimate"].predictor.executor = None  # the pool is closed: later predictions run here
        return out
    est = estimate(fit_m, template, **kw)
    pred = est.predictor
    assert pred is not None
    panel = est.panel
    codes = panel.codes
    cfg = est.behaviour
    mask = panel.w > 0
    y = np.where(mask, panel.y, np.nan)

    def forecast(c: Behaviour) -> np.ndarray:
        p_fit, _ = pred.predict(c)
        p_last, _ = pred._one(c, last.scheme)
        with np.errstate(invalid="ignore"):
            ability = np.nanmean(np.where(mask, y - p_fit, np.nan), axis=0)  # (N, K)
        return ability + p_last

    ends = [cfg.model_copy(update={p: v}) for p, iv in est.intervals.items() for v in iv]
    pred.prefetch([cfg, *ends], schemes=[*(m.scheme for m in fit_m), last.scheme])  # independent solves
    with np.errstate(invalid="ignore"):
        f0 = forecast(cfg)
    var_par = np.zeros_like(f0)
    for p, (lo, hi) in est.intervals.items():
        with np.errstate(invalid="ignore"):
            a, b = forecast(cfg.model_copy(update={p: lo})), forecast(cfg.model_copy(update={p: hi}))
        var_par += np.nan_to_num((b - a) / (2 * z)) ** 2
    r = _demean(panel.y, mask) - _demean(est.predicted, mask)
    n_m = mask.sum(axis=0)  # (N, K) months per agent
    dof = np.maximum((np.maximum(n_m - 1, 0)).sum(axis=0), 1)
    s2 = np.nansum(r ** 2, axis=(0, 1)) / dof  # (K,)
    var_agent = var_par + s2[None] * (1 + 1 / np.maximum(n_m, 1))
    team_mean_r = np.nanmean(r, axis=1)  # (M, K)
    common = np.nansum(team_mean_r ** 2, axis=0) / max(len(fit_m) - 1, 1)
    agents = panel.agents
    obs = _panel([last], agents, est.behaviour, pred.s.outcomes.aov_cv)
    actual_y = obs.y[0]
    counts = {k: v[0] for k, v in obs.counts.items()}
    team_actual = kpis(last.history, []).iloc[0]
    nat = {c: _untransform(c, f0[:, j]) for j, c in enumerate(codes)}
    conv = nat.get("inquiry_conversion")
    team: dict[str, Any] = {}
    inq = counts["inquiries"]
    for j, c in enumerate(codes):
        fc = _team(c, nat[c], counts, conv)
        w = counts["ratings"] if c == "good_rating_rate" else inq
        w = np.where(np.isfinite(f0[:, j]), w, 0.0)
        share = w / w.sum() if w.sum() > 0 else w
        # the team's variance on the moment scale: parameters move agents together; residuals are independent
        sd_par = float(np.sqrt(np.sum(share * np.sqrt(var_par[:, j])) ** 2))
        floor = pred.s.behaviour.team_shock_cv ** 2 if c == "inquiry_conversion" else 0.0
        sd = math.sqrt(sd_par ** 2 + float(np.sum(share ** 2) * s2[j]) + max(float(common[j]), floor))
        if MOMENTS[c][0] == "log":
            lo, hi = fc * math.exp(-z * sd), fc * math.exp(z * sd)
        else:
            lo, hi = fc - z * sd, fc + z * sd
        act = float(team_actual[c])
        team[c] = {"forecast": fc, "low": lo, "high": hi, "actual": act, "inside": bool(lo <= act <= hi),
                   "zh": MOMENTS[c][2], "en": MOMENTS[c][3]}
    if conv is not None and "aov_yuan" in nat:
        sales = float(np.nansum(inq * conv * nat["aov_yuan"]))
        act = float(team_actual["sales_yuan"])
        rel = math.hypot(math.log(team["inquiry_conversion"]["high"] / team["inquiry_conversion"]["forecast"]),
                         math.log(team["aov_yuan"]["high"] / team["aov_yuan"]["forecast"]))
        team["sales_yuan"] = {"forecast": sales, "low": sales * math.exp(-rel), "high": sales * math.exp(rel),
                              "actual": act, "inside": bool(sales * math.exp(-rel) <= act <= sales * math.exp(rel)),
                              "zh": "客服销售额", "en": "sales"}
    rows = []
    inside = {c: [] for c in codes}
    for i, a in enumerate(agents):
        if not np.isfinite(actual_y[i]).any():
            continue
        row: dict[str, Any] = {"name": a}
        for j, c in enumerate(codes):
            f, sd = f0[i, j], math.sqrt(var_agent[i, j]) if np.isfinite(var_agent[i, j]) else float("nan")
            act = actual_y[i, j]
            if not (np.isfinite(f) and np.isfinite(act)):
                continue
            lo, hi = f - z * sd, f + z * sd
            ok = bool(lo <= act <= hi)
            inside[c].append(ok)
            row[c] = {"forecast": float(_untransform(c, f)), "low": float(_untransform(c, lo)),
                      "high": float(_untransform(c, hi)), "actual": float(_untransform(c, act)), "inside": ok}
        rows.append(row)
    return {"available": True, "month": last.month, "scheme": last.scheme.name if last.scheme else None,
            "fit_months": [m.month for m in fit_m], "estimate": est, "team": team, "agents": rows,
            "inside_share": {c: float(np.mean(v)) if v else None for c, v in inside.items()}}


# ------------------------------------------------------------------------------------------------ the scenario file
def backtest_block(bt: dict[str, Any]) -> dict[str, Any] | None:
    """The back-test as the ``[behaviour.estimated.backtest]`` table (None when not available)."""
    if not bt.get("available"):
        return None
    return {"month": bt["month"], "scheme": bt["scheme"] or "", "fit_months": bt["fit_months"],
            "kpis": {c: [round(v["forecast"], 6), round(v["low"], 6), round(v["high"], 6), round(v["actual"], 6)]
                     for c, v in bt["team"].items()}}


def behaviour_toml(est: Estimate, template: Scenario | None, bt: dict[str, Any] | None = None) -> str:
    """The fitted ``[behaviour]`` table as commented TOML (the template's other behaviour keys kept)."""
    import tomli_w

    kept = template.behaviour.model_dump(mode="json", exclude_unset=True) if template is not None else {}
    kept.pop("estimated", None)
    kept["model"] = "effort_equilibrium"
    span = f"{est.months[0]} .. {est.months[-1]}" if len(est.months) > 1 else est.months[0]
    L = ["", "# 客服对奖金方案的反应:由本店各月数据估计 / how the agents respond to a scheme, estimated from this shop's",
         f"# months {span} ({len(est.months)} months) by `python -m model calibrate --schemes` (docs/model.md section 12).",
         f"# {est.norm[1]}", "[behaviour]"]
    for k, v in kept.items():
        if k not in ESTIMABLE:
            L.append(f"{k} = {tomli_w.dumps({'v': v}).strip()[4:]}")
    for r in est.table():
        p = r["param"]
        if r["identified"]:
            note = (f"estimated from {', '.join(est.months)}: 90% interval {r['low']:,.4g} .. {r['high']:,.4g} "
                    f"(bootstrap over agents)")
            if r["reason_en"]:
                note += "; " + r["reason_en"]
        else:
            note = r["reason_en"]
        L.append(f"# {r['zh']} / {r['en']}: {note}")
        L.append(f"{p} = {float(round(r['estimate'], 4))!r}")
    from model.history.scenario_toml import _val

    e = est.behaviour.estimated
    sig = lambda v: float(f"{v:.6g}")  # noqa: E731
    L.append("")
    L.append("# 估计的来源(软件读取,请勿手改)/ where the values came from (read by the app and the deck; do not edit)")
    L.append("[behaviour.estimated]")
    L.append(f"months = {_val(list(est.months))}")
    L.append(f"not_identified = {_val(list(e.not_identified) if e else [])}")
    if e is not None and e.intervals:
        L.append("intervals = { " + ", ".join(f"{k} = [{sig(a)!r}, {sig(b)!r}]" for k, (a, b) in e.intervals.items())
                 + " }")
    blk = backtest_block(bt) if bt is not None else None
    if blk is not None:
        L.append("")
        L.append("[behaviour.estimated.backtest]")
        for k in ("month", "scheme", "fit_months"):
            L.append(f"{k} = {_val(blk[k])}")
        L.append("kpis = { " + ", ".join(f"{c} = [{', '.join(repr(sig(x)) for x in v)}]" for c, v in blk["kpis"].items())
                 + " }")
    return "\n".join(L) + "\n"


def with_behaviour(text: str, behaviour_text: str) -> str:
    """A scenario's TOML text with its ``[behaviour]`` tables (if any) replaced by ``behaviour_text``."""
    import re

    lines = text.splitlines()
    out, skip = [], False
    header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    for ln in lines:
        m = header.match(ln)
        if m:
            name = m.group(1).strip()
            skip = name == "behaviour" or name.startswith("behaviour.")
        if not skip:
            out.append(ln)
    return "\n".join(out).rstrip() + "\n" + behaviour_text
