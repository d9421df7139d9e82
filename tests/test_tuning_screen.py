"""Tuning screens its grid on the quick forecast and simulates a shortlist (issue 18 item 3): the shortlist is a
fraction of the grid, holds the quick best and its grid neighbours, and the recommendation lands within one grid
step of a full sweep's."""

from __future__ import annotations

import pytest
from conftest import ROOT

from model.scenario import load_scenario
from model.tuning.screen import _neighbours
from model.tuning.spec import grid
from model.tuning.tune import tune

SHOP = ROOT / "scenarios" / "taobao_10_agents.toml"
TARGETS = [0.42, 0.44, 0.46, 0.48]
AMOUNTS = [500.0, 1000.0, 1500.0, 2000.0]
AXES = {"schemes.1.components.0.target": TARGETS, "schemes.1.components.0.amount_yuan": AMOUNTS}


def test_neighbours_are_at_most_one_grid_step_on_every_key() -> None:
    spec = grid(AXES)
    i = spec.points.index({"schemes.1.components.0.target": 0.44, "schemes.1.components.0.amount_yuan": 1000.0})
    got = sorted((spec.points[j]["schemes.1.components.0.target"], spec.points[j]["schemes.1.components.0.amount_yuan"])
                 for j in _neighbours(spec, i))
    assert got == [(0.42, 500.0), (0.42, 1000.0), (0.42, 1500.0), (0.44, 500.0), (0.44, 1500.0), (0.46, 500.0),
                   (0.46, 1000.0), (0.46, 1500.0)]  # the eight around it, diagonals included
    corner = spec.points.index({"schemes.1.components.0.target": 0.42, "schemes.1.components.0.amount_yuan": 500.0})
    assert len(_neighbours(spec, corner)) == 3


@pytest.mark.slow
def test_screened_recommendation_is_within_one_grid_step_of_the_full_sweep(tmp_path) -> None:
    s = load_scenario(SHOP, ["meta.days=2", "meta.replications=1"])
    s = s.model_copy(update={"schemes": s.schemes[:2]})  # base pay and the threshold: the swept scheme only
    screened = tune(s, axes=AXES, store_path=tmp_path / "a.duckdb", estimate=False)
    full = tune(s, axes=AXES, store_path=tmp_path / "b.duckdb", estimate=False, screen=False)
    sc = screened["screening"]
    assert sc["method"] == "quick forecast" and sc["screened"] == 16 and sc["kept"] < 16 and sc["share_engine"]
    assert full["screening"]["method"] is None and full["sweep"]["points"] == 16
    assert screened["sweep"]["points"] == sc["kept"]
    from model.present.i18n import t
    from model.present.tables import tune_table

    text = tune_table(screened)
    assert t("tun.screening", "zh", screened=16, kept=sc["kept"]) in text
    assert t("tun.screening", "en", screened=16, kept=sc["kept"]) in text
    assert t("tun.screening", "en", screened=16, kept=16) not in tune_table(full)
    a, b = screened["recommendation"], full["recommendation"]
    assert a["scheme"] == b["scheme"]
    if not b.get("keeps_baseline"):
        assert abs(TARGETS.index(a["target"]) - TARGETS.index(b["target"])) <= 1
        assert abs(AMOUNTS.index(a["amount_yuan"]) - AMOUNTS.index(b["amount_yuan"])) <= 1
