"""The ``[behaviour]`` table: how agents respond to a scheme (the scheme language of behaviour, no computation).

``model = "none"`` keeps effort fixed (pure mechanics). ``model = "effort_equilibrium"`` lets every agent choose
effort on three dimensions (selling, speed, service; optionally gaming a ratio KPI) to maximise expected pay minus
a convex effort cost, with rank prizes and shared pools solved as an equilibrium of best responses
(Holmstrom-Milgrom 1987/1991; Lazear-Rosen 1981). Every default and its source: docs/model.md section 10.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from model.language.base import Strict

#: The behaviour parameters the estimator from a shop's months can fit (model.history.response).
ESTIMABLE = ("selling_cost_yuan", "speed_cost_yuan", "service_cost_yuan", "decision_noise_yuan")


class Backtest(Strict):
    """The estimate's back-test: fitted on every month but the last, the last month forecast under its own scheme."""

    model_config = ConfigDict(frozen=True)  # with Strict's: unknown keys refused, finite floats, no loose values

    month: str = Field(..., description="The month forecast (YYYY-MM).")
    scheme: str = Field("", description="The scheme that paid it (\"\" = base pay only).")
    fit_months: list[str] = Field(..., min_length=1, description="The months the back-test's fit used.")
    kpis: dict[str, tuple[float, float, float, float]] = Field(
        default_factory=dict, description="KPI code -> (forecast, 90% low, 90% high, actual) for the team.")


class Estimated(Strict):
    """Where the ``[behaviour]`` values came from when they were estimated from the shop's own months.

    Written by ``python -m model calibrate EXPORT... --schemes MONTHS.toml`` (model.history.response); absent when
    the response is assumed from the literature defaults (docs/model.md section 10).
    """

    model_config = ConfigDict(frozen=True)  # with Strict's: unknown keys refused, finite floats, no loose values

    months: list[str] = Field(..., min_length=1, description="The months (YYYY-MM) the estimate used.")
    intervals: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="Parameter -> its 90% interval (bootstrap over agents); identified ones only.")
    not_identified: list[str] = Field(
        default_factory=list, description="Parameters the months could not identify (their default was kept).")
    backtest: Backtest | None = Field(None, description="Forecast vs actual of the last month (fitted without it).")

    @model_validator(mode="after")
    def _check(self) -> Estimated:
        for k, (lo, hi) in self.intervals.items():
            if k not in ESTIMABLE:
                raise ValueError(f"intervals: '{k}' is not an estimable parameter (allowed: {', '.join(ESTIMABLE)})")
            if not 0 < lo <= hi:
                raise ValueError(f"intervals.{k}: need 0 < low <= high, got [{lo:g}, {hi:g}]")
        bad = [k for k in self.not_identified if k not in ESTIMABLE]
        if bad:
            raise ValueError(f"not_identified: '{bad[0]}' is not an estimable parameter (allowed: {', '.join(ESTIMABLE)})")
        return self


def _eigenvalues(m: list[list[float]]) -> list[float]:
    import numpy as np

    return list(np.linalg.eigvalsh(np.asarray(m, dtype=float)))


class Behaviour(Strict):
    """How agents respond to a scheme.

    Effort ``e`` on each dimension is measured against today's norm (0 = what the team does under base pay only),
    from ``slack_floor`` (below the norm) to 1 (the most an agent can give). Costs are yuan for a 30-day month
    at ``e = 1`` and scale with the horizon; the cost of an effort profile is
    ``C(e) = 1/2 sum_j k_j e_j^2 + cross_cost_share * sum_{j<l} min(k_j, k_l) e_j e_l``: a unit of effort on one KPI
    takes ``cross_cost_share`` units from another, counted on the cheaper of the two (the cost must stay convex).
    """

    model_config = ConfigDict(frozen=True)  # with Strict's: unknown keys refused, finite floats, no loose values

    model: Literal["none", "effort_equilibrium"] = Field(
        "none", description="'none' keeps effort fixed (pure mechanics); 'effort_equilibrium' lets agents respond.")
    # --- effort costs (yuan per 30-day month at full effort)
    selling_cost_yuan: float = Field(
        3000.0, gt=0, le=1e6, description="Cost to an agent of full extra selling effort for a month (yuan).")
    speed_cost_yuan: float = Field(
        100.0, gt=0, le=1e6, description="Cost of full extra speed effort (watching the console) for a month (yuan).")
    service_cost_yuan: float = Field(
        1500.0, gt=0, le=1e6, description="Cost of full extra service effort (patience, politeness) for a month (yuan).")
    cross_cost_share: float = Field(
        0.5, ge=0, lt=1, description="Effort on one dimension raises the marginal cost of the others (multitasking).")
    risk_aversion_per_yuan: float = Field(
        0.0002, ge=0, le=0.01, description="Mean-variance risk aversion r: utility = E[pay] - r/2 Var[pay] - cost.")
    slack_floor: float = Field(
        -0.5, ge=-1, le=0, description="Lowest effort an agent can choose (below today's norm), per dimension.")
    # --- effort ceilings: what full effort (e = 1) changes
    conversion_gain_share: float = Field(
        0.25, ge=0, le=1, description="Relative conversion gain at full selling effort (no effort doubles conversion).")
    aov_gain_share: float = Field(
        0.12, ge=0, le=1, description="Relative order-value gain at full selling effort.")
    latency_cut_share: float = Field(
        0.95, ge=0, le=1, description="Share of the reaction latency that full speed effort removes.")
    reply_time_cut_share: float = Field(
        0.5, ge=0, lt=1, description="Share of typing time that full speed effort removes (quick phrases, templates).")
    bad_attitude_cut_share: float = Field(
        0.7, ge=0, le=1, description="Share of bad-attitude ratings that full service effort removes.")
    satisfied_gain_pp: float = Field(
        5.0, ge=0, le=50, description="Percentage points of satisfied ratings that full service effort adds.")
    # --- what agents cannot control
    performance_noise_cv: float = Field(
        0.10, ge=0, le=1, description="Agent-level monthly shock to each KPI beyond counting noise (coefficient of variation).")
    rival_uncertainty_cv: float = Field(
        0.2, ge=0, le=2, description="How uncertain an agent is about each rival's ability (cv): agents know their "
        "own record, not their rivals' exactly (matters for ranks and shared pools).")
    team_shock_cv: float = Field(
        0.03, ge=0, le=1, description="Monthly shock common to the whole team (traffic quality, promotions).")
    # --- gaming a ratio KPI
    gaming: bool = Field(False, description="Agents may keep non-buying inquirers out of the inquirer count.")
    gaming_cost_yuan: float = Field(
        1000.0, gt=0, le=1e6, description="Cost (risk, conscience) of hiding every non-buying inquirer for a month (yuan).")
    gaming_max_share: float = Field(
        0.5, ge=0, le=1, description="Largest share of non-buying inquirers an agent can hide.")
    # --- target ratchet (meta.months > 1)
    ratchet_foresight: float = Field(
        0.0, ge=0, le=1, description="Weight an agent puts on next month's higher target (0 = myopic, 1 = full).")
    # --- the solver
    decision_noise_yuan: float = Field(
        20.0, gt=0, le=10000, description="Logit choice noise tau (yuan a month): agents choose effort levels with "
        "weights exp(U/tau); small tau = sharp best responses (quantal-response equilibrium).")
    noise_samples: int = Field(48, ge=8, le=1000, description="Monte Carlo months per agent for expected pay.")
    max_rounds: int = Field(30, ge=1, le=500, description="Best-response rounds before giving up on a fixed point.")
    tolerance: float = Field(0.02, gt=0, le=0.5, description="Largest effort change that counts as converged.")
    # --- provenance
    estimated: Estimated | None = Field(
        None, description="Set when the values were estimated from the shop's own months (which months, intervals).")

    @model_validator(mode="after")
    def _check(self) -> Behaviour:
        if self.model == "none" and self.gaming:
            raise ValueError("gaming = true needs model = \"effort_equilibrium\" (with 'none' nobody responds)")
        k = [self.selling_cost_yuan, self.speed_cost_yuan, self.service_cost_yuan]
        m = [[k[i] if i == j else self.cross_cost_share * min(k[i], k[j]) for j in range(3)] for i in range(3)]
        if min(_eigenvalues(m)) <= 0:
            raise ValueError(
                f"cross_cost_share {self.cross_cost_share:g} is too large for these effort costs: the effort cost would "
                "not be convex (agents would gain from effort for free); lower cross_cost_share or bring the costs closer")
        return self

    @property
    def active(self) -> bool:
        """True when agents respond to schemes."""
        return self.model != "none"
