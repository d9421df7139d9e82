"""The sources' facts on the shipped seed-000 shop (scenarios/taobao_10_agents.toml) with agents who respond.

Seed 000: a 70% target when the team does 40% is ignored; a 30% target pays for nothing; the target to set is a
few points above last month's level; an 800-yuan prize for the fastest average response cut the team's response
time sharply. DOMAIN.md: well-set performance pay moves revenue by +10-20% (a plan redesign +9%).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TAOBAO

from model.behaviour.api import equilibrium
from model.behaviour.curve import target_curve
from model.behaviour.kpimodel import base_record
from model.edits import with_edits
from model.pipeline import compare_schemes
from model.scenario import load_scenario
from model.schemes.targets import targets, with_target
from model.simulate import simulate


@pytest.fixture(scope="module")
def shop():
    s = with_edits(load_scenario(TAOBAO), {"meta.replications": 2})
    assert s.behaviour.model == "effort_equilibrium"  # the shipped shop forecasts by default
    base = simulate(s)
    return s, base, base_record(base)


def _threshold(s):
    return next(sc for sc in s.schemes if targets(sc) and sc.components[0].kpi == "inquiry_conversion")


def test_the_shop_starts_where_seed_000_started(shop):
    s, base, _ = shop
    t = base.table()
    assert 0.37 <= t["inquiry_conversion"].mean() <= 0.43
    assert 50 <= t["avg_response_s"].mean() <= 70
    assert 0.12 <= t["utilization"].mean() <= 0.25


def test_a_far_target_changes_nothing_and_a_low_one_pays_for_little(shop):
    s, base, rec = shop
    sc = _threshold(s)
    lab = targets(sc)[0].label
    far = equilibrium(s, with_target(sc, lab, 0.70), base, rec)
    # the team ignores it: at most the one agent already near 61% tries (the others give up), and it pays little
    assert (far.effort[:, 0] > 0.05).sum() <= 1 and far.effort[:, 0].mean() <= 0.05
    assert far.forecast["variable_pay_yuan"] <= 0.05 * 10 * 1000
    low = equilibrium(s, with_target(sc, lab, 0.30), base, rec)
    assert low.forecast["reach_share"] >= 0.8
    assert low.forecast["variable_pay_yuan"] >= 7000  # most of the 10 x 1,000 yuan is paid
    margin = s.economics.gross_margin_share
    net_low = low.forecast["sales_uplift_yuan"] * margin - low.forecast["variable_pay_yuan"]
    c0 = float(base.table()["inquiry_conversion"].mean())
    good = equilibrium(s, with_target(sc, lab, round(c0 + 0.03, 2)), base, rec).forecast
    # little next to a target a few points above the shop (before one world it was a loss; now the agents near 30%
    # also reply faster, which keeps buyers: 4.8k net against 66k)
    assert net_low < 0.15 * (good["sales_uplift_yuan"] * margin - good["variable_pay_yuan"])


def test_the_best_target_lies_a_few_points_above_the_shop(shop):
    s, base, rec = shop
    sc = _threshold(s)
    lab = targets(sc)[0].label
    c0 = float(base.table()["inquiry_conversion"].mean())
    curve = target_curve(s, sc, base, lab, np.round(np.arange(0.36, 0.54, 0.02), 2), record=rec)
    best = float(curve.loc[curve["net_gain_yuan"].idxmax(), "target"])
    # re-derived 2026-12-03 (one world and the stratified, smoothed forecast): best 44% at a 41% shop, and the curve
    # rises to its top and falls after it (one peak: no zig-zag of forecast noise, issue 20 item 3)
    assert c0 + 0.01 <= best <= c0 + 0.08, curve[["target", "net_gain_yuan"]].to_string()
    steps = np.sign(np.diff(curve["net_gain_yuan"].to_numpy()))
    assert (np.diff(steps) != 0).sum() == 1, curve[["target", "net_gain_yuan"]].to_string()
    share = curve["uplift_yuan"].max() / float(base.table()["sales_yuan"].mean())
    assert 0.04 <= share <= 0.20  # inside the literature's range (performance pay +10-20%, redesign +9%)


def test_a_response_prize_cuts_the_team_response_time_sharply(shop):
    s, base, _ = shop
    keep = [sc for sc in s.schemes if sc.name == s.economics.baseline_scheme
            or any(getattr(c, "kpi", None) == "avg_response_s" for c in sc.components)]
    doc = compare_schemes(s.model_copy(update={"schemes": keep}), base=base)
    prize = next(b for n, b in doc["schemes"].items() if n != doc["baseline_scheme"])
    before = doc["schemes"][doc["baseline_scheme"]]["team"]["avg_response_s"]["mean"]
    after = prize["team"]["avg_response_s"]["mean"]
    # sharply: by a third or more (the source: 60 s -> 10 s). Re-derived 2026-12-03: 0.56-0.68 of before, the upper
    # end since the agents' records carry the engine's monthly shocks (a wider spread of speeds: fewer racers)
    assert after <= 0.70 * before, (before, after)
    assert prize["basis"] == "forecast" and prize["behaviour"]["converged"]
    fastest = min(a["effort"]["speed"] for a in prize["behaviour"]["agents"])
    assert max(a["effort"]["speed"] for a in prize["behaviour"]["agents"]) > 0.8 > fastest  # some race, not all
    assert prize["views"]["mechanics"]["team"]["avg_response_s"]["mean"] == pytest.approx(before)
