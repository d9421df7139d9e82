"""Scheme language and pricing: hand-computed pay on tiny KPI tables, validation messages, properties."""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from model.errors import error_lines, key_path
from model.schemes.assumption import AssumedEffects
from model.schemes.pricing import (
    PricingContext,
    pay_table,
    price_scheme,
    reach_share,
    split_prizes,
    tiered_commission_yuan,
)
from model.schemes.spec import Scheme, Tier, validate_schemes

# ----------------------------------------------------------------------------------------------------------------
# helpers


def agent_horizon(reps: int = 1, **cols: list[float]) -> pd.DataFrame:
    """One row per (rep, agent); the same KPI values in every rep."""
    n = len(next(iter(cols.values())))
    rows = []
    for r in range(reps):
        for a in range(n):
            rows.append({"rep": r, "agent": a, **{k: float(v[a]) for k, v in cols.items()}})
    return pd.DataFrame(rows)


def scheme(*components: dict, name: str = "s") -> Scheme:
    return Scheme.model_validate({"name": name, "components": list(components)})


def pay(s: Scheme, am: pd.DataFrame, **ctx) -> pd.DataFrame:
    return pay_table(price_scheme(s, PricingContext(agent_horizon=am, **ctx)))


def col(wide: pd.DataFrame, name: str, rep: int = 0) -> list[float]:
    return wide[wide["rep"] == rep].sort_values("agent")[name].tolist()


def errors_of(data: dict) -> list[str]:
    with pytest.raises(ValidationError) as ei:
        Scheme.model_validate(data)
    return error_lines(ei.value)


# ----------------------------------------------------------------------------------------------------------------
# threshold


def test_threshold_single_step_inclusive_and_nan_never_reaches():
    am = agent_horizon(inquiry_conversion=[0.50, 0.48, 0.47, math.nan])
    w = pay(scheme({"type": "threshold", "kpi": "inquiry_conversion", "target": 0.48, "amount_yuan": 1000}), am)
    assert col(w, "pay_yuan") == [1000, 1000, 0, 0]
    assert col(w, "variable_yuan") == [1000, 1000, 0, 0]


def test_threshold_steps_lower_is_better_highest_step_or_cumulative():
    am = agent_horizon(avg_response_s=[20, 40, 50, 60])
    steps = [{"target": 45, "amount_yuan": 100}, {"target": 30, "amount_yuan": 300}]
    w = pay(scheme({"type": "threshold", "kpi": "avg_response_s", "steps": steps, "miss_yuan": -50}), am)
    assert col(w, "pay_yuan") == [300, 100, -50, -50]
    w2 = pay(scheme({"type": "threshold", "kpi": "avg_response_s", "steps": steps, "cumulative": True}), am)
    assert col(w2, "pay_yuan") == [400, 100, 0, 0]


def test_threshold_weekly_sums_weeks_and_reports_reach_share():
    aw = pd.DataFrame({
        "rep": [0] * 4, "week": [0, 0, 1, 1], "agent": [0, 1, 0, 1],
        "inquiry_conversion": [0.5, 0.3, 0.5, 0.5],
    })
    am = agent_horizon(inquiry_conversion=[0.5, 0.4])
    s = scheme({"type": "threshold", "kpi": "inquiry_conversion", "target": 0.48, "amount_yuan": 200, "period": "week"})
    long = price_scheme(s, PricingContext(agent_horizon=am, agent_week=aw))
    w = pay_table(long)
    assert col(w, "pay_yuan") == [400, 200]
    assert sorted(long["reached"].tolist()) == [0.5, 1.0]
    with pytest.raises(ValueError, match="agent_week"):
        price_scheme(s, PricingContext(agent_horizon=am))


def test_threshold_roles_only_pay_eligible_agents():
    am = agent_horizon(inquiry_conversion=[0.5, 0.5])
    agents = pd.DataFrame({"agent": [0, 1], "role": ["presale", "aftersale"]})
    s = scheme({"type": "threshold", "kpi": "inquiry_conversion", "target": 0.48, "amount_yuan": 1000,
                "roles": ["presale"]})
    assert col(pay(s, am, agents=agents), "pay_yuan") == [1000, 0]


# ----------------------------------------------------------------------------------------------------------------
# rank


def test_rank_ties_split_positions_evenly():
    am = agent_horizon(avg_response_s=[6, 6, 10, 12])
    w = pay(scheme({"type": "rank", "kpi": "avg_response_s", "prizes_yuan": [800, 400, 200]}), am)
    assert col(w, "pay_yuan") == [600, 600, 200, 0]


def test_rank_nan_and_ineligible_do_not_rank():
    am = agent_horizon(inquiry_conversion=[math.nan, 0.5, 0.6], inquiries=[0, 100, 5])
    w = pay(scheme({"type": "rank", "kpi": "inquiry_conversion", "prizes_yuan": [500, 100], "min_inquiries": 10}), am)
    assert col(w, "pay_yuan") == [0, 500, 0]


def test_rank_weekly_prizes_are_summed():
    aw = pd.DataFrame({
        "rep": [0] * 4, "week": [0, 0, 1, 1], "agent": [0, 1, 0, 1], "sales_yuan": [10, 5, 1, 9],
    })
    am = agent_horizon(sales_yuan=[11, 14])
    w = pay(scheme({"type": "rank", "kpi": "sales_yuan", "prizes_yuan": [100], "period": "week"}), am, agent_week=aw)
    assert col(w, "pay_yuan") == [100, 100]


def test_rank_direction_override():
    am = agent_horizon(utilization=[0.9, 0.5])
    w = pay(scheme({"type": "rank", "kpi": "utilization", "direction": "lower_is_better", "prizes_yuan": [1]}), am)
    assert col(w, "pay_yuan") == [0, 1]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.sampled_from([1.0, 2.0, 3.0, math.nan]), min_size=1, max_size=9),
    prizes=st.lists(st.integers(0, 1000).map(float), min_size=1, max_size=4).map(lambda p: sorted(p, reverse=True)),
)
def test_property_rank_prizes_sum_to_total_of_filled_positions(values, prizes):
    v = np.array(values)
    out = split_prizes(v, np.zeros(len(v), dtype=int), prizes, "higher_is_better")
    n_valid = int((~np.isnan(v)).sum())
    assert out.sum() == pytest.approx(sum(prizes[:n_valid]))
    assert (out[np.isnan(v)] == 0).all()
    # equal values get equal prizes; a better value never gets less
    for i in range(len(v)):
        for j in range(len(v)):
            if not np.isnan(v[i]) and not np.isnan(v[j]) and v[i] >= v[j]:
                assert out[i] >= out[j] - 1e-9


# ----------------------------------------------------------------------------------------------------------------
# commissions


def test_commission_flat_and_new_vs_returning():
    am = agent_horizon(sales_yuan=[10000, 0], sales_new_yuan=[4000, 0], sales_returning_yuan=[6000, 0])
    assert col(pay(scheme({"type": "commission", "rate": 0.02}), am), "pay_yuan") == [200, 0]
    w = pay(scheme({"type": "commission", "rate": 0.02, "rate_new": 0.05}), am)
    assert col(w, "pay_yuan") == pytest.approx([4000 * 0.05 + 6000 * 0.02, 0])


SEED002_TIERS = [
    {"min_attainment": 0, "rate_permille": 5},
    {"min_attainment": 0.6, "rate_permille": 8},
    {"min_attainment": 1.0, "rate_permille": 9},
    {"min_attainment": 1.3, "rate_permille": 10},
]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        # sales 5,000 / 8,000 / 12,000 / 15,000 on a 10,000 task
        ("task_split", [25, 64, 10000 * 0.008 + 2000 * 0.009, 10000 * 0.008 + 5000 * 0.010]),
        ("step", [25, 64, 12000 * 0.009, 15000 * 0.010]),
        ("bracket", [25, 6000 * 0.005 + 2000 * 0.008, 30 + 32 + 18, 30 + 32 + 27 + 20]),
    ],
)
def test_tiered_commission_seed002_modes(mode, expected):
    am = agent_horizon(sales_yuan=[5000, 8000, 12000, 15000])
    s = scheme({"type": "tiered_commission", "task_yuan": 10000, "tiers": SEED002_TIERS, "mode": mode})
    assert col(pay(s, am), "pay_yuan") == pytest.approx(expected)


@settings(max_examples=80, deadline=None)
@given(a=st.floats(0, 3e4), b=st.floats(0, 3e4), mode=st.sampled_from(["task_split", "step", "bracket"]))
def test_property_tiered_commission_monotone_in_sales(a, b, mode):
    tiers = [Tier(**t) for t in SEED002_TIERS]
    lo, hi = sorted([a, b])
    pay_lo, pay_hi = tiered_commission_yuan(np.array([lo, hi]), 10000, tiers, mode)
    assert pay_hi >= pay_lo - 1e-9


# ----------------------------------------------------------------------------------------------------------------
# scorecard


ITEMS = [
    {"kpi": "avg_response_s", "weight": 0.35,
     "table": [{"at": 35, "points": 100}, {"at": 45, "points": 80}, {"at": 55, "points": 60}]},
    {"kpi": "inquiry_conversion", "weight": 0.65, "floor": 0.30, "full": 0.50},
]


def test_scorecard_table_and_linear_items_amount_at_100_points():
    am = agent_horizon(avg_response_s=[40, 30, 70, 50], inquiry_conversion=[0.45, 0.6, 0.2, math.nan])
    w = pay(scheme({"type": "scorecard", "items": ITEMS, "amount_yuan": 1000}), am)
    # agent 0: 80*0.35 + 75*0.65 = 76.75; agent 1: 100; agent 2: 0; agent 3: 60*0.35 + 0 (NaN) = 21
    assert col(w, "pay_yuan") == pytest.approx([767.5, 1000, 0, 210])


def test_scorecard_kpi_kci_split_and_pool():
    items = ITEMS + [{"kpi": "good_rating_rate", "weight": 1.0, "group": "kci", "floor": 0.8, "full": 1.0}]
    am = agent_horizon(avg_response_s=[40, 40], inquiry_conversion=[0.45, 0.45], good_rating_rate=[0.9, 1.0])
    w = pay(scheme({"type": "scorecard", "items": items, "kci_share": 0.2, "amount_yuan": 100}), am)
    assert col(w, "pay_yuan") == pytest.approx([0.8 * 76.75 + 0.2 * 50, 0.8 * 76.75 + 0.2 * 100])
    tm = pd.DataFrame({"rep": [0], "sales_yuan": [1.0]})
    w2 = pay(scheme({"type": "scorecard", "items": items, "pool": {"yuan": 1000}}), am, team_horizon=tm)
    s0, s1 = 0.8 * 76.75 + 10, 0.8 * 76.75 + 20
    assert col(w2, "pay_yuan") == pytest.approx([1000 * s0 / (s0 + s1), 1000 * s1 / (s0 + s1)])


@settings(max_examples=50, deadline=None)
@given(x=st.lists(st.one_of(st.floats(0, 200), st.just(math.nan)), min_size=1, max_size=6),
       c=st.lists(st.one_of(st.floats(0, 1), st.just(math.nan)), min_size=6, max_size=6))
def test_property_scorecard_pay_between_0_and_amount(x, c):
    am = agent_horizon(avg_response_s=x, inquiry_conversion=c[: len(x)])
    w = pay(scheme({"type": "scorecard", "items": ITEMS, "amount_yuan": 500}), am)
    assert ((w["pay_yuan"] >= 0) & (w["pay_yuan"] <= 500 + 1e-9)).all()


# ----------------------------------------------------------------------------------------------------------------
# rank points (seed 002)


def four_week_table(n_agents: int = 5):
    """Agent a has value 10 - a on every KPI every week (agent 0 best); higher is better on all four."""
    kpis = ["order_rate", "payment_rate", "aov_yuan", "inquiry_conversion"]
    rows = []
    for w in range(4):
        for a in range(n_agents):
            base = {"rep": 0, "week": w, "agent": a}
            for k in kpis:
                base[k] = (10 - a) / (100 if k != "aov_yuan" else 0.1)
            rows.append(base)
    aw = pd.DataFrame(rows)
    am = aw.groupby(["rep", "agent"], as_index=False)[kpis].mean()
    return am, aw, kpis


def test_rank_points_team_average_penalty_and_normalisation():
    am, aw, kpis = four_week_table(5)  # values 10, 9, 8, 7, 6: mean 8 -> agents 3 and 4 below average
    tm = pd.DataFrame({"rep": [0], "sales_yuan": [0.0]})
    s = scheme({"type": "rank_points", "pool": {"yuan": 9600}, "floor_at_zero": False})
    w = pay(s, am, agent_week=aw, team_horizon=tm)
    # agent 2 ranks third but is at the average (not below): 1 point x 4 KPIs x 4 weeks = 16
    # agents 3, 4: -1 x 16 = -16;  max = (3+2+1) x 4 x 4 = 96
    assert col(w, "pay_yuan") == pytest.approx([48 * 100, 32 * 100, 16 * 100, -16 * 100, -16 * 100])
    w0 = pay(scheme({"type": "rank_points", "pool": {"yuan": 9600}}), am, agent_week=aw, team_horizon=tm)
    assert col(w0, "pay_yuan") == pytest.approx([4800, 3200, 1600, 0, 0])


def test_rank_points_top3_below_shop_average_gets_penalty_not_points():
    # two agents only: values 10 and 6; team_week says the shop average is 12 -> both below
    am, aw, kpis = four_week_table(2)
    tw = pd.DataFrame([{"rep": 0, "week": w, **{k: 1e9 for k in kpis}} for w in range(4)])
    tm = pd.DataFrame({"rep": [0], "sales_yuan": [0.0]})
    s = scheme({"type": "rank_points", "pool": {"yuan": 96}, "floor_at_zero": False})
    w = pay(s, am, agent_week=aw, team_week=tw, team_horizon=tm)
    assert col(w, "pay_yuan") == pytest.approx([-16, -16])


def test_rank_points_rules_task_points_and_seed002_pool():
    am, aw, kpis = four_week_table(2)
    aw["message_ratio"] = [0.9, 1.2] * 4
    am["message_ratio"] = [0.9, 1.2]
    am["sales_yuan"] = [13500.0, 6500.0]  # 135% and 65% of a 10,000 task
    tm = pd.DataFrame({"rep": [0], "sales_yuan": [500135.60], "inquiry_conversion": [0.3955]})
    s = scheme({
        "type": "rank_points", "kpis": ["order_rate"], "points": [3, 2, 1], "below_average_points": 0,
        "rules": [{"kpi": "message_ratio", "target": 1.0, "missed_points": -2}],
        "task_yuan": 10000,
        "task_points": [{"min_attainment": 0, "max_attainment": 0.5, "points": -2},
                        {"min_attainment": 0.6, "max_attainment": 0.8, "points": 1},
                        {"min_attainment": 0.8, "max_attainment": 1.0, "points": 3},
                        {"min_attainment": 1.3, "points": 5}],
        "max_points": 24,
        "pool": {"attainment_conversion_factor": 0.01, "team_task_yuan": 500135.60 / 0.47, "share": 0.8},
        "floor_at_zero": False,
    })
    w = pay(s, am, agent_week=aw, team_horizon=tm)
    x = 500135.60 * 0.47 * 0.3955 * 0.01 * 0.8
    # agent 0: 3 x 4 weeks - 2 x 4 weeks (message ratio < 1) + 5 (135%) = 9; agent 1 ranks second but is below
    # the average (9.5): no rank points ("低于平均水平无加分"), + 1 (65%) = 1
    assert col(w, "pay_yuan") == pytest.approx([9 / 24 * x, 1 / 24 * x])
    am.loc[1, "sales_yuan"] = 5500.0  # 55%: the source's bands leave 50-60% without points
    assert col(pay(s, am, agent_week=aw, team_horizon=tm), "pay_yuan")[1] == 0


# ----------------------------------------------------------------------------------------------------------------
# gate, cap/floor


def gated_commission(**extra) -> dict:
    return {
        "type": "gate",
        "conditions": [
            {"kpi": "sales_yuan", "at_least": 5000},
            {"kpi": "inquiry_conversion", "at_least": "team_average"},
            {"kpi": "aov_yuan", "at_least": "team_average"},
            {"kpi": "good_rating_rate", "at_least": "team_average"},
        ],
        "components": [{"type": "commission", "rate": 0.03}],
        **extra,
    }


def test_gate_seed003_conditions_vs_team_average():
    am = agent_horizon(
        sales_yuan=[10000, 10000, 4000, 10000], inquiry_conversion=[0.5, 0.3, 0.6, 0.5],
        aov_yuan=[200, 200, 200, 100], good_rating_rate=[0.95, 0.95, 0.95, math.nan],
    )
    tm = pd.DataFrame({"rep": [0], "inquiry_conversion": [0.45], "aov_yuan": [180.0], "good_rating_rate": [0.9],
                       "sales_yuan": [34000.0]})
    long = price_scheme(scheme(gated_commission()), PricingContext(agent_horizon=am, team_horizon=tm))
    w = pay_table(long)
    assert col(w, "pay_yuan") == [300, 0, 0, 0]
    assert list(w.columns[-2:]) == ["gate", "commission:sales_yuan"]
    rs = reach_share(long).set_index("component")["reach_share"]
    assert rs["gate"] == 0.25


def test_gate_team_average_of_sales_is_the_mean_over_agents_not_the_total():
    am = agent_horizon(sales_yuan=[100, 200, 600])
    tm = pd.DataFrame({"rep": [0], "sales_yuan": [900.0]})
    s = scheme({"type": "gate", "conditions": [{"kpi": "sales_yuan", "at_least": "team_average", "team_factor": 0.5}],
                "components": [{"type": "threshold", "kpi": "sales_yuan", "target": 0, "amount_yuan": 10}]})
    assert col(pay(s, am, team_horizon=tm), "pay_yuan") == [0, 10, 10]  # at least 0.5 x 300


def test_whole_scheme_gate_and_caps():
    am = agent_horizon(sales_yuan=[100000, 100000, 1000], inquiry_conversion=[0.5, 0.2, 0.5], refund_yuan=[0, 0, 3000])
    s = scheme(
        {"type": "commission", "rate": 0.02},
        {"type": "aftersale_chargeback", "kpi": "refund_yuan", "floor_yuan": 1000, "rate": 0.1},
        {"type": "gate", "conditions": [{"kpi": "inquiry_conversion", "at_least": 0.4}]},
        {"type": "cap", "max_yuan": 1500, "applies_to": ["commission:sales_yuan"]},
        {"type": "floor", "min_yuan": -100},
    )
    w = pay(s, am)
    # agent 0: 2000 capped to 1500; agent 1 gated to 0; agent 2: 20 - 200 = -180 floored to -100
    assert col(w, "pay_yuan") == pytest.approx([1500, 0, -100])
    assert col(w, "cap") == pytest.approx([-500, 0, 0])
    assert col(w, "floor") == pytest.approx([0, 0, 80])


# ----------------------------------------------------------------------------------------------------------------
# department bonus, pools, base salary


def test_department_bonus_dsr_vs_industry_and_last_month():
    am = agent_horizon(reps=3, sales_yuan=[1, 1, 1])
    tm = pd.DataFrame({"rep": [0, 1, 2], "dsr": [4.68, 4.50, 4.55], "sales_yuan": [3.0] * 3})
    s = scheme({
        "type": "department_bonus",
        "reward_if": [{"kpi": "dsr", "reference": 4.51596}, {"kpi": "dsr", "reference": 4.6}],
        "reward_yuan_per_head": 100,
        "penalty_if": [{"kpi": "dsr", "reference": 4.51596}],
        "penalty_yuan_per_head": 100,
    })
    w = pay(s, am, team_horizon=tm)
    assert col(w, "pay_yuan", 0) == [100] * 3
    assert col(w, "pay_yuan", 1) == [-100] * 3
    assert col(w, "pay_yuan", 2) == [0] * 3  # above industry but not above last month


def test_profit_pool_share_of_incremental_gross_profit_split_three_ways():
    am = agent_horizon(reps=2, sales_yuan=[300, 100, 0], inquiry_conversion=[0.5, 0.4, 0.3])
    tm = pd.DataFrame({"rep": [0, 1], "sales_yuan": [1_100_000.0, 900_000.0], "silent_orders_yuan": [100_000.0] * 2})
    base = pd.DataFrame({"rep": [0, 1], "sales_yuan": [1_000_000.0] * 2, "silent_orders_yuan": [100_000.0] * 2})
    ctx = {"team_horizon": tm, "baseline_team_horizon": base, "gross_margin_share": 0.3}
    w = pay(scheme({"type": "profit_pool", "share": 0.1}), am, **ctx)
    assert col(w, "pay_yuan", 0) == pytest.approx([1000, 1000, 1000])  # 0.1 x 100,000 x 0.3 / 3
    assert col(w, "pay_yuan", 1) == [0, 0, 0]  # negative uplift: floor at 0
    w2 = pay(scheme({"type": "profit_pool", "share": 0.1, "split": "sales"}), am, **ctx)
    assert col(w2, "pay_yuan", 0) == pytest.approx([2250, 750, 0])
    w3 = pay(scheme(
        {"type": "scorecard", "label": "card", "amount_yuan": 0,
         "items": [{"kpi": "inquiry_conversion", "weight": 1, "floor": 0.3, "full": 0.5}]},
        {"type": "profit_pool", "share": 0.1, "split": "points", "points_from": "card"},
    ), am, **ctx)
    assert col(w3, "pay_yuan", 0) == pytest.approx([2000, 1000, 0])


def test_base_salary_steps_top_performer_and_proration():
    am = agent_horizon(sales_yuan=[5, 50, 20, 50])
    agents = pd.DataFrame({"agent": range(4), "tenure_months": [0, 3, 7, 13]})
    s = scheme({"type": "base_salary", "base_yuan": 3000, "step_yuan": 100, "step_months": 3,
                "top_kpi": "sales_yuan", "top_bonus_yuan": 100})
    w = pay(s, am, agents=agents)
    assert col(w, "pay_yuan") == [3000, 3200, 3200, 3500]
    # the tied top sellers (agents 1 and 3) each get the +100, booked as variable pay (bonus cost)
    assert col(w, "variable_yuan") == [0, 100, 0, 100]
    assert col(w, "base_yuan") == [3000, 3100, 3200, 3400]
    w15 = pay(s, am, agents=agents, days=15)
    assert col(w15, "pay_yuan") == [1500, 1600, 1600, 1750]


def test_silent_order_pool_and_chargeback():
    am = agent_horizon(sales_yuan=[10000, 10000, 10000, 0], refund_yuan=[0, 500, 3000, 0])
    tm = pd.DataFrame({"rep": [0], "silent_orders_yuan": [10000.0], "sales_yuan": [30000.0]})
    w = pay(scheme({"type": "silent_order_pool", "share": 0.02}), am, team_horizon=tm)
    assert col(w, "pay_yuan") == [50, 50, 50, 50]
    w2 = pay(scheme({"type": "aftersale_chargeback", "kpi": "refund_yuan", "floor_yuan": 1000, "rate": 0.1}), am)
    assert col(w2, "pay_yuan") == pytest.approx([0, 0, -200, 0])
    w3 = pay(scheme({"type": "aftersale_chargeback", "kpi": "refund_yuan", "floor_share_of_sales": 0.05, "rate": 1.0,
                     "max_charge_yuan": 1000}), am)
    assert col(w3, "pay_yuan") == pytest.approx([0, 0, -1000, 0])


def test_behaviour_points_seed002():
    am = agent_horizon(bad_attitude_ratings=[0, 2, 0])
    agents = pd.DataFrame({"agent": [0, 1, 2], "tenure_months": [13, 40, 2], "night_shifts": [1, 0, 0]})
    tm = pd.DataFrame({"rep": [0], "sales_yuan": [0.0]})
    s = scheme({"type": "behaviour_points", "pool": {"yuan": 2000}})
    w = pay(s, am, agents=agents, team_horizon=tm)
    # agent 0: 5 + 3 (1 year) + 2 (night) = 10; agent 1: -4 + 8 = 4; agent 2: 5 -> x 2000 / 20
    assert col(w, "pay_yuan") == pytest.approx([1000, 400, 500])


def test_breakdown_labels_unique_and_sum_to_pay():
    am = agent_horizon(sales_yuan=[1000, 2000], inquiry_conversion=[0.5, 0.4])
    s = scheme(
        {"type": "commission", "rate": 0.02},
        {"type": "commission", "rate": 0.01},
        {"type": "threshold", "kpi": "inquiry_conversion", "target": 0.45, "amount_yuan": 100, "label": "达标奖"},
    )
    w = pay(s, am)
    assert list(w.columns[5:]) == ["commission:sales_yuan", "commission:sales_yuan#2", "达标奖"]
    assert (w["pay_yuan"] == w[w.columns[5:]].sum(axis=1)).all()
    assert col(w, "pay_yuan") == pytest.approx([130, 60])


@settings(max_examples=60, deadline=None)
@given(x=st.lists(st.floats(0, 1), min_size=2, max_size=2), target=st.floats(0, 1), amount=st.floats(0, 5000))
def test_property_threshold_pay_monotone_in_kpi(x, target, amount):
    am = agent_horizon(inquiry_conversion=sorted(x))
    w = pay(scheme({"type": "threshold", "kpi": "inquiry_conversion", "target": target, "amount_yuan": amount}), am)
    lo, hi = col(w, "pay_yuan")
    assert lo <= hi


# ----------------------------------------------------------------------------------------------------------------
# validation


def test_toml_shape_from_design_parses():
    doc = tomllib.loads(
        '[[schemes]]\nname = "达标奖 48%"\n[[schemes.components]]\ntype = "threshold"\n'
        'kpi = "inquiry_conversion"\ntarget = 0.48\namount_yuan = 1000\n'
        '[[schemes.components]]\ntype = "rank"\nkpi = "avg_response_s"\ndirection = "lower_is_better"\n'
        'prizes_yuan = [800]\n'
    )
    s = Scheme.model_validate(doc["schemes"][0])
    assert [c.type for c in s.components] == ["threshold", "rank"]
    assert s.component_labels() == ["threshold:inquiry_conversion", "rank:avg_response_s"]


def test_unknown_kpi_lists_allowed_codes():
    msgs = errors_of({"name": "x", "components": [
        {"type": "threshold", "kpi": "conversion", "target": 0.4, "amount_yuan": 1}]})
    assert msgs[0].startswith("components.0.kpi: unknown KPI code 'conversion'")
    assert "inquiry_conversion" in msgs[0] and "avg_response_s" in msgs[0]


def test_share_target_given_as_percent_gets_hint():
    msgs = errors_of({"name": "x", "components": [
        {"type": "commission", "rate": 0.02},
        {"type": "threshold", "kpi": "inquiry_conversion", "target": 48, "amount_yuan": 1000}]})
    assert msgs == [
        "components.1.target: target 48 is outside the range of inquiry_conversion (询单转化率): shares are 0-1; "
        "did you mean 0.48?"
    ]


def test_weights_must_sum_to_one():
    items = [dict(ITEMS[0], weight=0.35), dict(ITEMS[1], weight=0.60)]
    msgs = errors_of({"name": "x", "components": [{"type": "scorecard", "items": items, "amount_yuan": 1}]})
    assert msgs[0].startswith("components.0.items: weights sum to 0.95 (95%); they must sum to 1 (100%)")
    items = [dict(ITEMS[0], weight=35), dict(ITEMS[1], weight=65)]
    msgs = errors_of({"name": "x", "components": [{"type": "scorecard", "items": items, "amount_yuan": 1}]})
    assert msgs[0] == "components.0.items.0.weight: weight 35 must be a share 0-1; did you mean 0.35?"


def test_unordered_and_overlapping_tiers_are_refused():
    bad = [{"min_attainment": 0, "rate_permille": 5}, {"min_attainment": 1.0, "rate_permille": 9},
           {"min_attainment": 0.6, "rate_permille": 8}]
    msgs = errors_of({"name": "x", "components": [{"type": "tiered_commission", "task_yuan": 1, "tiers": bad}]})
    assert msgs[0].startswith("components.0.tiers: tiers.2.min_attainment 0.6 must be above tiers.1.min_attainment 1")
    overlap = [{"min_attainment": 0, "max_attainment": 0.7, "rate_permille": 5},
               {"min_attainment": 0.6, "rate_permille": 8}]
    msgs = errors_of({"name": "x", "components": [{"type": "tiered_commission", "task_yuan": 1, "tiers": overlap}]})
    assert "tiers.0.max_attainment 0.7 overlaps tiers.1.min_attainment 0.6" in msgs[0]
    steps = [{"target": 0.5, "amount_yuan": 100}, {"target": 0.45, "amount_yuan": 200}]
    msgs = errors_of({"name": "x", "components": [{"type": "threshold", "kpi": "inquiry_conversion", "steps": steps}]})
    assert msgs[0].startswith("components.0.steps: steps.1.target 0.45 does not follow steps.0.target 0.5")
    table = [{"at": 45, "points": 80}, {"at": 35, "points": 100}]
    msgs = errors_of({"name": "x", "components": [{"type": "scorecard", "amount_yuan": 1, "items": [
        {"kpi": "avg_response_s", "weight": 1, "table": table}]}]})
    assert msgs[0].startswith("components.0.items.0.table: table.1.at 35 is out of order")


def test_gate_on_undefined_kpi_and_pool_share_above_one():
    msgs = errors_of({"name": "x", "components": [gated_commission(conditions=[{"kpi": "dsr_score", "at_least": 4}])]})
    assert msgs[0].startswith("components.0.conditions.0.kpi: unknown KPI code 'dsr_score'. Did you mean 'dsr'?")
    msgs = errors_of({"name": "x", "components": [{"type": "profit_pool", "share": 10}]})
    assert msgs == ["components.0.share: share 10 is above 1: the pool is a share 0-1 of incremental profit; "
                    "did you mean 0.1?"]


def test_neutral_kpi_needs_direction_and_unknown_reference_labels():
    msgs = errors_of({"name": "x", "components": [{"type": "rank", "kpi": "utilization", "prizes_yuan": [1]}]})
    assert msgs[0].startswith("components.0.direction: KPI 'utilization'")
    msgs = errors_of({"name": "x", "components": [{"type": "commission", "rate": 0.1},
                                                  {"type": "cap", "max_yuan": 5, "applies_to": ["comission"]}]})
    assert "'comission' is not a component of this scheme; known labels: commission:sales_yuan" in msgs[0]
    msgs = errors_of({"name": "x", "components": [{"type": "cmmission", "rate": 0.1}]})
    assert "components.0" in msgs[0] and "threshold" in msgs[0]


def test_error_path_drops_union_tags():
    assert key_path(("schemes", 0, "components", 1, "threshold", "target")) == "schemes.0.components.1.target"
    assert key_path(("schemes", 0, "name")) == "schemes.0.name"


def test_validate_schemes_duplicates_and_baseline():
    a, b = Scheme(name="A"), Scheme(name="A")
    with pytest.raises(ValidationError) as ei:
        validate_schemes([a, b, Scheme(name="C")], "基线")
    msgs = error_lines(ei.value)
    assert msgs[0] == "schemes.1.name: scheme name 'A' is already used by schemes.0.name; scheme names must be unique"
    assert msgs[1].startswith("economics.baseline_scheme: baseline scheme '基线' is not defined; defined schemes: A, C")
    validate_schemes([a, Scheme(name="C")], "C")
    validate_schemes([a], None)


def test_extra_keys_refused():
    msgs = errors_of({"name": "x", "components": [{"type": "commission", "rate": 0.1, "rat": 0.2}]})
    assert msgs[0].startswith("components.0.rat:")


# ----------------------------------------------------------------------------------------------------------------
# assumed effects


def test_assumed_effects_apply_and_describe():
    e = AssumedEffects(inquiry_conversion_pct=20, aov_pct=20, reply_time_pct=-30)
    assert e.apply_conversion(0.40) == pytest.approx(0.48)
    assert e.apply_aov(100) == pytest.approx(120)
    assert e.reply_time_factor() == pytest.approx(0.7)
    assert AssumedEffects(inquiry_conversion_pp=8).apply_conversion(0.40) == pytest.approx(0.48)
    assert AssumedEffects(inquiry_conversion_pp=50).apply_conversion(0.9) == 1.0
    assert AssumedEffects(payment_rate_pp=-5).apply_payment_rate(0.9) == pytest.approx(0.85)
    zh = e.describe("zh")
    assert zh.count("假设") == 3 and "询单转化率 +20%" in zh and "回复时间 -30%" in zh
    assert e.describe("en").startswith("Assumption: inquiry conversion +20%")
    assert AssumedEffects().describe() == "" and not AssumedEffects().is_active
    with pytest.raises(ValidationError):
        AssumedEffects(reply_time_pct=-100)
    s = Scheme.model_validate({"name": "x", "assumed_effects": {"aov_pct": 20}})
    assert s.assumed_effects is not None and s.assumed_effects.is_active


def test_every_toml_example_in_docs_validates():
    import pathlib
    import re

    text = (pathlib.Path(__file__).parent.parent / "docs" / "schemes.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 15
    types = set()
    for b in blocks:
        doc = tomllib.loads('[[schemes]]\nname = "doc"\n' + b)
        s = Scheme.model_validate(doc["schemes"][0])
        types |= {c.type for c in s.components}
    assert types >= {"threshold", "rank", "commission", "tiered_commission", "scorecard", "rank_points",
                     "behaviour_points", "department_bonus", "profit_pool", "base_salary", "silent_order_pool",
                     "aftersale_chargeback", "gate", "cap"}


def _pay_table_by_pivot(long: pd.DataFrame) -> pd.DataFrame:
    """The pivot-table construction pay_table replaced (issue 17): the oracle for its rows, columns and NaNs."""
    order = list(dict.fromkeys(long["component"]))
    wide = long.pivot_table(index=["rep", "agent"], columns="component", values="yuan", aggfunc="sum", sort=False)
    wide = wide.reindex(columns=order)
    wide.columns = list(wide.columns)
    by_kind = long.pivot_table(index=["rep", "agent"], columns="kind", values="yuan", aggfunc="sum")
    base = by_kind["base"] if "base" in by_kind.columns else 0.0
    var = by_kind["variable"] if "variable" in by_kind.columns else 0.0
    head = pd.DataFrame({"base_yuan": base, "variable_yuan": var}, index=wide.index).fillna(0.0)
    head.insert(0, "pay_yuan", head["base_yuan"] + head["variable_yuan"])
    return pd.concat([head, wide], axis=1).reset_index()


@pytest.mark.parametrize("seed", range(40))
def test_pay_table_equals_the_pivot_table_it_replaced(seed):
    """Rows in first-appearance order of rep then agent, components in pricing order, a missing component NaN,
    a NaN amount counted as 0; sums equal to the last bits but for the summation order (pandas sums with Kahan)."""
    from model.schemes.pricing import pay_table

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    long = pd.DataFrame({
        "rep": rng.integers(0, 3, n), "agent": rng.integers(0, 7, n),
        "component": rng.choice(["达标奖", "rank", "base"], n), "type": "x",
        "kind": rng.choice(["base", "variable"] if seed % 3 else ["variable"], n),
        "yuan": np.where(rng.random(n) < 0.1, np.nan, rng.normal(100, 50, n)), "reached": np.nan})
    pd.testing.assert_frame_equal(pay_table(long), _pay_table_by_pivot(long), check_column_type=False,
                                  check_exact=False, rtol=1e-13, atol=1e-12)
