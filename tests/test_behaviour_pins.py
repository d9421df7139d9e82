"""Tests that pin behaviour parameters (issue 20): each fails when the parameter's sign or value is broken
(the mutation table is in the closing note of issue 20). One 7-day base run of a small shop is shared by the module."""

from __future__ import annotations

import numpy as np
import pytest

from model.behaviour.api import effort_effects, equilibrium
from model.behaviour.kpimodel import COL, base_record, draw_noise, forecast_sums
from model.behaviour.solver import _rivals_seen, effort_cost_yuan
from model.language.behaviour import Behaviour
from model.schema import scenario_from_dict
from model.simulate import simulate

BASE_SALARY = {"type": "base_salary", "base_yuan": 4000}


def _shop(schemes=(), **behaviour) -> dict:
    return {
        "meta": {"name": "pins", "days": 7, "seed": 5, "replications": 1},
        "traffic": {"inquiries_per_day": 500, "intraday_profile": "ecommerce", "open_hours": [8, 24]},
        "agents": {"count": 5},
        "outcomes": {"base_inquiry_conversion": 0.40, "base_aov_yuan": 100.0},
        "behaviour": {"model": "effort_equilibrium", "noise_samples": 24, **behaviour},
        "economics": {"baseline_scheme": "base"},
        "schemes": [{"name": "base", "components": [BASE_SALARY]}, *schemes],
    }


COMMISSION = {"name": "c", "components": [BASE_SALARY, {"type": "commission", "rate": 0.01}]}


@pytest.fixture(scope="module")
def world():
    s = scenario_from_dict(_shop())
    base = simulate(s)
    return base, base_record(base)


def _solve(world, scheme, **behaviour):
    base, rec = world
    s = scenario_from_dict(_shop([scheme], **behaviour))
    return equilibrium(s, s.schemes[1], base, rec)


CEILINGS = dict(conversion_gain_share=0.31, aov_gain_share=0.17, latency_cut_share=0.83, reply_time_cut_share=0.41,
                bad_attitude_cut_share=0.62, satisfied_gain_pp=7.0, gaming_max_share=0.37)


def test_full_effort_reaches_every_ceiling_in_the_engine():
    cfg = Behaviour(model="effort_equilibrium", gaming=True, **CEILINGS)
    fx = effort_effects(cfg, np.array([[1.0, 1.0, 1.0, 1.0], [-0.5, -0.5, -0.5, 0.0]]))
    c = CEILINGS
    np.testing.assert_allclose(fx.conversion_mult, [1 + c["conversion_gain_share"], 1 - 0.5 * c["conversion_gain_share"]])
    np.testing.assert_allclose(fx.aov_mult, [1 + c["aov_gain_share"], 1 - 0.5 * c["aov_gain_share"]])
    np.testing.assert_allclose(fx.latency_mult, [1 - c["latency_cut_share"], 1 + 0.5 * c["latency_cut_share"]])
    np.testing.assert_allclose(fx.reply_time_mult, [1 - c["reply_time_cut_share"], 1 + 0.5 * c["reply_time_cut_share"]])
    np.testing.assert_allclose(fx.attitude_mult, [1 - c["bad_attitude_cut_share"],
                                                  1 + 0.5 * c["bad_attitude_cut_share"]])
    np.testing.assert_allclose(fx.satisfied_add, [c["satisfied_gain_pp"] / 100, -0.5 * c["satisfied_gain_pp"] / 100])
    np.testing.assert_allclose(fx.hidden_share, [c["gaming_max_share"], 0.0])


def test_full_selling_effort_raises_the_forecast_sales_by_both_ceilings(world):
    _, rec = world
    s = scenario_from_dict(_shop())
    cfg = Behaviour(model="effort_equilibrium", **CEILINGS)
    noise = draw_noise(1, 24, rec.sums.shape[0], rec.weeks)
    n = rec.sums.shape[0]
    zero = np.zeros((24, n, 4))
    sell = zero.copy()
    sell[..., 0] = 1.0
    sales = lambda e: forecast_sums(cfg, rec, s.outcomes, e, noise, np.arange(24))[..., COL["sales_yuan"]].sum()  # noqa: E731
    ratio = sales(sell) / sales(zero)
    want = (1 + CEILINGS["conversion_gain_share"]) * (1 + CEILINGS["aov_gain_share"])
    assert ratio == pytest.approx(want, rel=0.03)


def test_effort_cost_counts_each_cost_and_the_cross_cost_on_the_cheaper_dimension():
    cfg = Behaviour(model="effort_equilibrium", selling_cost_yuan=3000, speed_cost_yuan=200, service_cost_yuan=1000,
                    cross_cost_share=0.4, gaming_cost_yuan=700)
    e = np.array([0.5, -0.25, 0.75, 0.6])
    k = [3000, 200, 1000]
    want = 0.5 * sum(ki * ei * ei for ki, ei in zip(k, e[:3], strict=True)) + 0.4 * (
        200 * 0.5 * -0.25 + 1000 * 0.5 * 0.75 + 200 * -0.25 * 0.75) + 0.5 * 700 * 0.36
    assert effort_cost_yuan(cfg, e, 30.0) == pytest.approx(want)
    assert effort_cost_yuan(cfg, e, 15.0) == pytest.approx(want / 2)  # costs scale with the horizon


def test_risk_aversion_lowers_effort_on_a_commission(world):
    neutral = _solve(world, COMMISSION, risk_aversion_per_yuan=0.0)
    averse = _solve(world, COMMISSION, risk_aversion_per_yuan=0.01)
    assert averse.effort[:, 0].mean() < neutral.effort[:, 0].mean() - 0.002


def test_performance_and_team_shocks_widen_the_forecast(world):
    _, rec = world
    s = scenario_from_dict(_shop())
    noise = draw_noise(2, 64, rec.sums.shape[0], rec.weeks)
    zero = np.zeros((64, rec.sums.shape[0], 4))

    def spread(**kw):
        cfg = Behaviour(model="effort_equilibrium", **kw)
        out = forecast_sums(cfg, rec, s.outcomes, zero, noise, np.arange(64))
        conv = out[..., COL["paid_buyers"]].sum(axis=2) / out[..., COL["inquiries"]].sum(axis=2)  # (64, agents)
        team = out[..., COL["sales_yuan"]].sum(axis=(1, 2))
        return conv.std(axis=0).mean(), team.std() / team.mean()

    quiet_agent, quiet_team = spread(performance_noise_cv=0.0, team_shock_cv=0.0)
    loud_agent, _ = spread(performance_noise_cv=0.2, team_shock_cv=0.0)
    _, loud_team = spread(performance_noise_cv=0.0, team_shock_cv=0.1)
    assert loud_agent > 1.5 * quiet_agent
    assert loud_team > 1.5 * quiet_team


def test_rival_uncertainty_blurs_the_rivals_only_when_set(world):
    _, rec = world
    s = scenario_from_dict(_shop())
    noise = draw_noise(3, 16, rec.sums.shape[0], rec.weeks)
    zero = np.zeros((16, rec.sums.shape[0], 4))
    cur = forecast_sums(Behaviour(model="effort_equilibrium"), rec, s.outcomes, zero, noise, np.arange(16))
    sharp = _rivals_seen(Behaviour(model="effort_equilibrium", rival_uncertainty_cv=0.0), cur, noise)
    blurred = _rivals_seen(Behaviour(model="effort_equilibrium", rival_uncertainty_cv=0.3), cur, noise)
    col = COL["paid_buyers"]
    np.testing.assert_allclose(sharp[..., col], cur[..., col])
    rel = blurred[..., col].sum(axis=2) / cur[..., col].sum(axis=2)
    assert 0.2 < rel.std() < 0.4  # cv 0.3 of each rival's ability as seen by the others


def test_the_slack_floor_bounds_effort_below_the_norm(world):
    """A strong commission pulls effort from speed and service (cross-costs); the slack floor is where that stops:
    at -0.1 both sit on it, at -0.5 a paid dimension (speed keeps buyers, so a commission pays it a little) still
    falls below the norm for the strongest sellers."""
    strong = {"name": "c", "components": [BASE_SALARY, {"type": "commission", "rate": 0.05}]}
    tight = _solve(world, strong, slack_floor=-0.1)
    assert np.all(tight.effort[:, 1:3] >= -0.1 - 1e-9)
    assert np.allclose(tight.effort[:, 2], -0.1) and np.isclose(tight.effort[:, 1], -0.1).sum() >= 3
    loose = _solve(world, strong, slack_floor=-0.5)
    assert loose.effort[:, 1].min() < -0.04 and loose.effort[:, 2].min() < -0.3
