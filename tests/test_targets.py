"""The target API of the scheme language (model/schemes/targets.py): find, change (validated), grid."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from model.schemes.spec import Scheme
from model.schemes.targets import first_threshold, ratchet_targets, target_grid, targets, with_target

GATED = Scheme.model_validate({"name": "gated", "components": [
    {"type": "threshold", "kpi": "inquiry_conversion", "target": 0.45, "amount_yuan": 1000},
    {"type": "gate", "conditions": [{"kpi": "good_rating_rate", "at_least": 0.8}], "components": [
        {"type": "threshold", "kpi": "avg_response_s", "target": 30, "amount_yuan": 300}]},
    {"type": "threshold", "kpi": "aov_yuan", "steps": [{"target": 100, "amount_yuan": 100},
                                                        {"target": 120, "amount_yuan": 200}]},
]})


def test_targets_finds_numeric_targets_inside_gates_in_pricing_order():
    ts = targets(GATED)
    assert [(t.kpi, t.value, t.path) for t in ts] == [
        ("inquiry_conversion", 0.45, "components.0"), ("avg_response_s", 30.0, "components.1.components.0")]
    assert ts[0].share and not ts[1].share
    assert [t.path for t in targets(GATED, top_level=True)] == ["components.0"]
    assert first_threshold(GATED).path == "components.0"
    assert ratchet_targets(GATED) == []  # no ratchet


def test_with_target_changes_one_target_validated_and_leaves_the_original():
    lab = targets(GATED)[1].label
    new = with_target(GATED, lab, 25)
    assert [t.value for t in targets(new)] == [0.45, 25.0]
    assert [t.value for t in targets(GATED)] == [0.45, 30.0]
    with pytest.raises(ValidationError):
        with_target(GATED, targets(GATED)[0].label, 1.5)  # a share above 100%
    with pytest.raises(KeyError, match="no component"):
        with_target(GATED, "nope", 0.4)


def test_ratchet_targets_are_the_thresholds_on_the_ratchet_kpi():
    s = Scheme.model_validate({"name": "r", "ratchet": {"kpi": "inquiry_conversion", "add": 0.01},
                               "components": [{"type": "threshold", "kpi": "inquiry_conversion", "target": 0.44,
                                               "amount_yuan": 1000}]})
    assert [t.value for t in ratchet_targets(s)] == [0.44]


def test_target_grid_stays_inside_the_kpi_range_on_a_round_step():
    g = target_grid(0.45, "inquiry_conversion")
    assert len(g) == 11 and 0.45 in g and min(g) == pytest.approx(0.35) and max(g) == pytest.approx(0.55)
    edge = target_grid(0.97, "inquiry_conversion")
    assert max(edge) < 1.0 and 0.97 in edge
    r = target_grid(30.0, "avg_response_s")
    assert min(r) == 15.0 and max(r) == 45.0
    t = target_grid(0.40, "inquiry_conversion", n=9, half_width=0.10)
    assert t == pytest.approx([0.30, 0.325, 0.35, 0.375, 0.40, 0.425, 0.45, 0.475, 0.50])
    with pytest.raises(ValueError):
        target_grid(0.0, "inquiry_conversion")
