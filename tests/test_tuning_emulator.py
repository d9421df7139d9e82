"""The emulator of a sweep: close to the engine on held-out points, exact enough at its training points,
no extrapolation."""

from __future__ import annotations

import numpy as np
import pytest

from model.scenario import load_scenario
from model.tuning.emulator import fit_emulator
from model.tuning.tune import tune


@pytest.fixture(scope="module")
def doc(tmp_path_factory):
    s = load_scenario("scenarios/seed000_threshold_48.toml", ["meta.days=3", "tuning.replications=2",
                                                               "tuning.max_payout_share=1.0"])
    s = s.model_copy(update={"schemes": [s.schemes[0], s.schemes[2]]})
    axes = {"schemes.1.components.0.target": [0.40, 0.42, 0.44, 0.46, 0.48, 0.50],
            "schemes.1.components.0.amount_yuan": [500.0, 1000.0, 1500.0]}
    return tune(s, axes=axes, store_path=tmp_path_factory.mktemp("e") / "s.duckdb", estimate=False)


def test_the_emulator_is_validated_on_held_out_points(doc):
    scheme = doc["frontier"]["scheme"]
    em = fit_emulator(doc["points"], scheme)
    assert em.inputs == ["target", "amount_yuan"] and em.held_out >= 2
    err = em.error["net_gain_yuan"]
    assert err["range"] > 0 and err["relative"] < 0.1  # within 10% of the sweep's range on unseen points
    # at its own points it reproduces the engine
    for p in doc["points"][:6]:
        got = em.predict(target=p["target"], amount_yuan=p["amount_yuan"])
        assert got["net_gain_yuan"] == pytest.approx(p["net_gain_yuan"], rel=1e-3, abs=5.0)
    # monotone in the amount at a fixed target under the same reach: more pay, less net gain
    g = [em.predict(target=0.46, amount_yuan=a)["net_gain_yuan"] for a in (500.0, 1000.0, 1500.0)]
    assert np.all(np.diff(g) < 0)
    with pytest.raises(ValueError, match="outside the swept range"):
        em.predict(target=0.7, amount_yuan=1000.0)


def test_too_few_points_are_refused(doc):
    with pytest.raises(ValueError, match="at least"):
        fit_emulator(doc["points"][:3], doc["frontier"]["scheme"])
