"""Economics against a baseline on the same random numbers: hand-computed values on two replications."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy import stats

from model.economics import evaluate_economics, gini, t_interval, wilson_interval
from model.schema import EconomicsConfig
from model.schemes.pricing import PricingContext, pay_table, price_scheme
from model.schemes.spec import Scheme


def team(sales, silent=100_000.0, paid=None):
    return pd.DataFrame({
        "rep": range(len(sales)), "sales_yuan": [float(s) for s in sales],
        "silent_orders_yuan": [silent] * len(sales),
        "paid_buyers": [float(p) for p in (paid or [1000] * len(sales))],
    })


def priced(components, n_agents=3, reps=2, **cols):
    am = pd.DataFrame([{"rep": r, "agent": a, **{k: v[a] for k, v in cols.items()}}
                       for r in range(reps) for a in range(n_agents)])
    s = Scheme.model_validate({"name": "s", "components": components})
    return price_scheme(s, PricingContext(agent_horizon=am))


def test_economics_hand_computed_two_reps():
    long = priced([{"type": "threshold", "kpi": "inquiry_conversion", "target": 0.4, "amount_yuan": 1000},
                   {"type": "base_salary", "base_yuan": 4000}], inquiry_conversion=[0.5, 0.5, 0.5])
    per_rep, summ = evaluate_economics(
        pay_table(long), None, team([1_100_000, 900_000], paid=[1000, 900]), team([1_000_000, 1_000_000]),
        EconomicsConfig(gross_margin_share=0.3),
    )
    r = per_rep.set_index("rep")
    assert r["revenue_yuan"].tolist() == [1_200_000, 1_000_000]
    assert r["uplift_yuan"].tolist() == [100_000, -100_000]
    assert r["gross_profit_uplift_yuan"].tolist() == pytest.approx([30_000, -30_000])
    assert r["bonus_cost_yuan"].tolist() == [3000, 3000]  # base salary is not bonus cost
    assert r["base_pay_yuan"].tolist() == [12000, 12000]
    assert r["net_gain_yuan"].tolist() == pytest.approx([27_000, -33_000])
    assert r["roi"].tolist() == pytest.approx([9, -11])
    assert r["payout_share_of_incremental_profit"].iloc[0] == pytest.approx(0.1)
    assert math.isnan(r["payout_share_of_incremental_profit"].iloc[1])
    assert r["cost_per_paid_order_yuan"].tolist() == pytest.approx([3, 3000 / 900])
    assert r["pay_median_yuan"].tolist() == [5000, 5000] and r["pay_gini"].tolist() == [0, 0]
    assert summ["net_gain_yuan"]["mean"] == pytest.approx(-3000)
    half = stats.t.ppf(0.95, 1) * np.std([27_000, -33_000], ddof=1) / math.sqrt(2)
    assert summ["net_gain_yuan"]["lo"] == pytest.approx(-3000 - half)
    assert summ["net_gain_yuan"]["hi"] == pytest.approx(-3000 + half)
    assert summ["p_net_loss"]["mean"] == 0.5
    assert summ["roi"]["mean"] == pytest.approx(-1)
    assert summ["payout_share_of_incremental_profit"] == {"mean": pytest.approx(0.1), "lo": None, "hi": None}


def test_lower_service_costs_the_net_gain():
    """Issue 20: effort drawn away from service adds bad ratings; each costs ``bad_rating_cost_yuan`` in the net
    gain (and fewer bad ratings give it back); 0 leaves service out."""
    long = priced([{"type": "threshold", "kpi": "inquiry_conversion", "target": 0.4, "amount_yuan": 1000}],
                  inquiry_conversion=[0.5, 0.5, 0.5])
    scheme = team([1_100_000, 1_100_000]).assign(bad_ratings=[260.0, 180.0])
    base = team([1_000_000, 1_000_000]).assign(bad_ratings=[200.0, 200.0])
    for cost, want in ((30.0, [1800.0, -600.0]), (0.0, [0.0, 0.0])):
        per_rep, summ = evaluate_economics(pay_table(long), None, scheme, base,
                                           EconomicsConfig(gross_margin_share=0.3, bad_rating_cost_yuan=cost))
        r = per_rep.set_index("rep")
        assert r["service_cost_yuan"].tolist() == want
        assert r["net_gain_yuan"].tolist() == pytest.approx([30_000 - 3000 - want[0], 30_000 - 3000 - want[1]])
        assert summ["service_cost_yuan"]["mean"] == pytest.approx(sum(want) / 2)


def test_incremental_cost_against_baseline_scheme_and_zero_cost_roi():
    long = priced([{"type": "commission", "rate": 0.02}], sales_yuan=[10000, 20000, 30000])
    base = priced([{"type": "commission", "rate": 0.01}], sales_yuan=[10000, 20000, 30000])
    per_rep, _ = evaluate_economics(long, base, team([1_010_000] * 2), team([1_000_000] * 2), EconomicsConfig())
    r = per_rep.iloc[0]
    assert r["bonus_cost_yuan"] == 1200 and r["baseline_bonus_cost_yuan"] == 600
    assert r["incremental_bonus_cost_yuan"] == 600
    assert r["net_gain_yuan"] == pytest.approx(10_000 * 0.3 - 600)
    assert r["roi"] == pytest.approx(2400 / 600)
    # the baseline against itself: no cost, no gain -> ROI undefined (NaN, summary None), no net loss
    same, summ = evaluate_economics(base, base, team([1_000_000] * 2), team([1_000_000] * 2), EconomicsConfig())
    assert same["roi"].isna().all() and summ["roi"]["mean"] is None
    assert summ["p_net_loss"]["mean"] == 0.0


def test_config_base_salary_for_schemes_without_base_component_and_empty_scheme():
    long = priced([{"type": "commission", "rate": 0.1}], sales_yuan=[0, 0, 10000])
    per_rep, _ = evaluate_economics(long, None, team([1e6] * 2), team([1e6] * 2),
                                    EconomicsConfig(base_salary_yuan=3000), days=15)
    r = per_rep.iloc[0]
    assert r["pay_min_yuan"] == 1500 and r["pay_max_yuan"] == 2500 and r["bonus_cost_yuan"] == 1000
    assert r["bonus_gini"] == pytest.approx(2 / 3)
    empty, summ = evaluate_economics(pd.DataFrame(columns=["rep", "agent", "component", "type", "kind", "yuan"]),
                                     None, team([1e6] * 2), team([1e6] * 2),
                                     EconomicsConfig(base_salary_yuan=3000), n_agents=4)
    assert empty["bonus_cost_yuan"].tolist() == [0, 0] and empty["total_pay_yuan"].tolist() == [12000, 12000]


def test_config_validation():
    with pytest.raises(ValidationError):
        EconomicsConfig(gross_margin_share=30)
    with pytest.raises(ValidationError):
        EconomicsConfig(marginn=0.3)


def test_gini_and_intervals():
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)
    assert gini([5, 5]) == 0 and gini([0, 0]) == 0 and gini([-5, 5]) == pytest.approx(0.5)
    assert t_interval([1.0]) == {"mean": 1.0, "lo": None, "hi": None}
    assert t_interval([math.nan]) == {"mean": None, "lo": None, "hi": None}
    w = wilson_interval(0, 20, 0.9)
    assert w["mean"] == 0 and w["lo"] == 0 and 0 < w["hi"] < 0.15


@settings(max_examples=50, deadline=None)
@given(x=st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30), level=st.sampled_from([0.8, 0.9, 0.95]))
def test_property_interval_contains_mean_and_widens_with_level(x, level):
    i = t_interval(x, level)
    if len(set(x)) == 1:  # nothing varies: no interval (a scheme with no effect has uplift exactly 0)
        assert i["lo"] is None and i["hi"] is None and i["note"] == "constant"
        return
    assert i["lo"] <= i["mean"] + 1e-6 and i["mean"] <= i["hi"] + 1e-6
    j = t_interval(x, 0.99)
    assert j["hi"] - j["lo"] >= i["hi"] - i["lo"] - 1e-6


@settings(max_examples=50, deadline=None)
@given(pay=st.lists(st.floats(0, 1e5), min_size=1, max_size=20))
def test_property_gini_in_unit_interval(pay):
    assert 0 <= gini(pay) <= 1
