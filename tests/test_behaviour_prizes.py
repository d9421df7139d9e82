"""Rank prizes by a stated theory (issue 20 item 4; docs/model.md section 10.4): a tournament among agents of
unequal speed (Lazear & Rosen 1981; with unequal contestants, Casas-Arce & Martinez-Jerez 2009).

* Prize spread: contenders race harder for a bigger prize until they reach the ceiling of speed effort; once the
  leaders are at the ceiling a bigger prize buys nothing more from them and discourages the next contender, so the
  team's effort peaks at a moderate prize; the per-agent view says who is at the ceiling.
* Rivals: the less an agent knows its rivals' speed, the more open the contest looks and the more it races.
* Risk aversion: a prize is a risky pay; more risk aversion, less effort.
"""

from __future__ import annotations

import numpy as np
import pytest

from model.behaviour.api import equilibrium
from model.behaviour.kpimodel import base_record
from model.schema import scenario_from_dict
from model.simulate import simulate

BASE_SALARY = {"type": "base_salary", "base_yuan": 4000}


def _shop(prizes: list[float], **behaviour) -> dict:
    return {
        "meta": {"name": "prizes", "days": 30, "seed": 11, "replications": 2},
        "traffic": {"inquiries_per_day": 1000, "intraday_profile": "ecommerce", "open_hours": [8, 24]},
        "agents": {"count": 10, "reaction_latency": {"mean_s": 40.0}},
        "outcomes": {"base_inquiry_conversion": 0.40, "base_aov_yuan": 100.0},
        "behaviour": {"model": "effort_equilibrium", **behaviour},
        "economics": {"baseline_scheme": "base"},
        "schemes": [{"name": "base", "components": [BASE_SALARY]},
                    {"name": "r", "components": [BASE_SALARY, {"type": "rank", "kpi": "avg_response_s",
                                                               "direction": "lower_is_better",
                                                               "prizes_yuan": prizes}]}],
    }


@pytest.fixture(scope="module")
def world():
    s = scenario_from_dict(_shop([800]))
    base = simulate(s)
    return base, base_record(base)


def _speed(world, prizes, **behaviour):
    base, rec = world
    s = scenario_from_dict(_shop(prizes, **behaviour))
    eq = equilibrium(s, s.schemes[1], base, rec)
    assert eq.converged and eq.interacting
    return eq


def test_a_bigger_prize_buys_speed_until_the_ceiling_then_discourages(world):
    small, mid, big = (_speed(world, [p]) for p in (200, 800, 3000))
    lead = lambda eq: np.sort(eq.effort[:, 1])[-2:]  # noqa: E731  the two leaders
    assert lead(mid).sum() > lead(small).sum() + 0.1  # contenders race harder for more
    capped = [a for a in big.agents if "speed" in a["at_ceiling"]]
    assert len(capped) >= 2  # the leaders are at the ceiling: the per-agent view says so
    assert any("ceiling" in en for _, en in big.notes)
    third = lambda eq: np.sort(eq.effort[:, 1])[-3]  # noqa: E731
    assert third(big) < third(mid) - 0.2  # ... and the next contender gives up against capped rivals
    assert big.effort[:, 1].mean() <= mid.effort[:, 1].mean()  # the team's effort peaks at a moderate prize


def test_splitting_a_prize_keeps_more_agents_racing(world):
    one, two = _speed(world, [3000]), _speed(world, [1500, 1500])
    assert (two.effort[:, 1] > 0.5).sum() > (one.effort[:, 1] > 0.5).sum()


def test_uncertain_rivals_make_the_contest_look_open(world):
    known, blurred = _speed(world, [800], rival_uncertainty_cv=0.0), _speed(world, [800], rival_uncertainty_cv=0.6)
    assert blurred.effort[:, 1].mean() > known.effort[:, 1].mean() + 0.02


def test_risk_aversion_lowers_effort_for_a_prize(world):
    neutral, averse = (_speed(world, [800], risk_aversion_per_yuan=r) for r in (0.0, 0.002))
    assert averse.effort[:, 1].mean() < neutral.effort[:, 1].mean() - 0.01
