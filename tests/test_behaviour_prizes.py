"""Rank prizes by a stated theory (issue 20 item 4; docs/model.md section 10.4): a tournament among agents of
unequal speed (Lazear & Rosen 1981; with unequal contestants, Casas-Arce & Martinez-Jerez 2009).

* Prize size: the favourite races harder for a bigger prize until it reaches the ceiling of speed effort; then a
  bigger single prize buys little more (the others' chance against a capped favourite stays small: the audit's
  "prize size barely matters"); the per-agent view and a note say who is at the ceiling.
* Prize spread over places: the same money split over two or three places keeps more agents racing.
* Rivals: the less an agent knows its rivals' speed, the more open the contest looks and the more it races.
* Risk aversion has no one sign in a tournament (a favourite buys certainty with effort, an underdog's effort adds
  risk); its sign is pinned on a commission (tests/test_behaviour_pins.py).
"""

from __future__ import annotations

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


def test_the_favourite_races_to_the_ceiling_for_a_bigger_prize(world):
    effs = [_speed(world, [p]) for p in (200, 800, 3000)]
    tops = [float(eq.effort[:, 1].max()) for eq in effs]
    assert tops[0] < tops[1] <= tops[2] + 1e-9, tops  # the favourite races harder for more ...
    big = effs[-1]
    assert any("speed" in a["at_ceiling"] for a in big.agents)  # ... until the ceiling: the per-agent view says so
    assert any("ceiling" in en for _, en in big.notes)
    assert not any(a["at_ceiling"] for a in effs[0].agents)


def test_spreading_the_same_money_over_more_places_keeps_more_agents_racing(world):
    one, two, three = (_speed(world, prizes) for prizes in ([3000], [1500, 1500], [1000, 1000, 1000]))
    means = [eq.effort[:, 1].mean() for eq in (one, two, three)]
    assert means[0] + 0.03 < means[1] < means[2] - 0.03, means  # a capped favourite leaves a single prize idle
    assert (three.effort[:, 1] > 0.5).sum() > (one.effort[:, 1] > 0.5).sum()


def test_uncertain_rivals_make_the_contest_look_open(world):
    known, blurred = _speed(world, [800], rival_uncertainty_cv=0.0), _speed(world, [800], rival_uncertainty_cv=0.6)
    assert blurred.effort[:, 1].mean() > known.effort[:, 1].mean() + 0.05
