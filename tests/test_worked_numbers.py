"""Every worked number in DOMAIN.md, reproduced by the real code (calculator and scheme pricing)."""

from __future__ import annotations

import pandas as pd
import pytest

from model import arithmetic as ar
from model.economics import evaluate_economics
from model.schema import EconomicsConfig
from model.schemes.assumption import AssumedEffects
from model.schemes.pricing import PricingContext, pay_table, price_scheme
from model.schemes.spec import Scheme


def price(components: list[dict], am: pd.DataFrame, **ctx) -> pd.DataFrame:
    s = Scheme.model_validate({"name": "worked", "components": components})
    return pay_table(price_scheme(s, PricingContext(agent_horizon=am, **ctx))).sort_values(["rep", "agent"])


def ten_agents(conversion: float, aov: float = 100.0) -> pd.DataFrame:
    inquiries = 100 * 30
    paid = inquiries * conversion
    return pd.DataFrame({
        "rep": 0, "agent": range(10), "inquiries": float(inquiries), "paid_buyers": paid,
        "inquiry_conversion": paid / inquiries, "aov_yuan": aov, "sales_yuan": paid * aov,
        "avg_response_s": [6.0, 10, 11, 12, 13, 14, 15, 16, 17, 18],
    })


# ---- seed 000: the core arithmetic


def test_seed000_month_1_2m_to_1_728m():
    c = ar.sales_case(agents=10, inquiries_per_agent_per_day=100, conversion=0.40, aov_yuan=100, days=30,
                      conversion_pct=20, aov_pct=20)
    assert c.inquiries_per_day == 1000
    assert c.daily_sales_yuan == pytest.approx(40_000)
    assert c.sales_yuan == pytest.approx(1_200_000)
    assert c.new_conversion == pytest.approx(0.48) and c.new_aov_yuan == pytest.approx(120)
    assert c.new_sales_yuan == pytest.approx(1_728_000)
    assert c.uplift_yuan == pytest.approx(528_000)
    assert c.uplift_share == pytest.approx(0.44)


def test_seed000_bonus_budget_10_percent_of_200k():
    assert ar.bonus_budget(200_000, 0.10) == pytest.approx(20_000)


def test_seed000_same_numbers_through_assumed_effects_and_economics():
    e = AssumedEffects(inquiry_conversion_pct=20, aov_pct=20)
    before = ten_agents(0.40)
    after = ten_agents(e.apply_conversion(0.40), e.apply_aov(100))
    assert before["sales_yuan"].sum() == pytest.approx(1_200_000)
    assert after["sales_yuan"].sum() == pytest.approx(1_728_000)
    tm = pd.DataFrame({"rep": [0], "sales_yuan": [after["sales_yuan"].sum()], "paid_buyers": [14_400.0]})
    base = pd.DataFrame({"rep": [0], "sales_yuan": [before["sales_yuan"].sum()]})
    pay = price([{"type": "threshold", "kpi": "inquiry_conversion", "target": 0.48, "amount_yuan": 1000}], after)
    per_rep, _ = evaluate_economics(pay, None, tm, base, EconomicsConfig(gross_margin_share=200_000 / 528_000))
    r = per_rep.iloc[0]
    assert r["uplift_yuan"] == pytest.approx(528_000)
    assert r["gross_profit_uplift_yuan"] == pytest.approx(200_000)
    assert r["bonus_cost_yuan"] == pytest.approx(10_000)  # 10 agents reach 48% -> 1,000 each
    assert r["net_gain_yuan"] == pytest.approx(190_000)


def test_seed000_threshold_48_percent_pays_1000():
    assert price([{"type": "threshold", "kpi": "inquiry_conversion", "target": 0.48, "amount_yuan": 1000}],
                 ten_agents(0.48))["pay_yuan"].tolist() == [1000] * 10
    assert price([{"type": "threshold", "kpi": "inquiry_conversion", "target": 0.48, "amount_yuan": 1000}],
                 ten_agents(0.40))["pay_yuan"].tolist() == [0] * 10


def test_seed000_rank_prize_800_for_fastest_response():
    pay = price([{"type": "rank", "kpi": "avg_response_s", "direction": "lower_is_better", "prizes_yuan": [800]}],
                ten_agents(0.40))
    assert pay["pay_yuan"].tolist() == [800] + [0] * 9


# ---- seed 001: JD +2 pp per year


def test_seed001_jd_two_points_of_conversion_per_year():
    daily, aov, agents, conv = 100, 200, 10, 0.3
    per_agent_day = daily * (conv + 0.02) * aov - daily * conv * aov  # the source's difference form
    value = ar.jd_conversion_value(daily, 2, aov, agents)
    assert value == pytest.approx(per_agent_day * agents * 30 * 12)
    assert value == pytest.approx(1_440_000)


# ---- seed 002: KPI ratios, 96 points, pool, tiers, department bonus


def test_seed002_ratios():
    assert ar.inquiry_ratio(2475, 3076) == pytest.approx(0.8046, abs=5e-5)
    assert ar.order_rate(812, 2475) == pytest.approx(0.328, abs=5e-4)
    assert ar.payment_rate(509, 317, 915) == pytest.approx(0.9027, abs=5e-5)
    assert ar.churn_rate(77, 556) == pytest.approx(0.1385, abs=5e-5)


def test_seed002_96_points_max_and_pool_split():
    assert ar.rank_points_max(4, (3, 2, 1), 4) == 96
    kpis = ["order_rate", "payment_rate", "aov_yuan", "inquiry_conversion"]
    rows = [{"rep": 0, "week": w, "agent": a, **{k: 10.0 - a for k in kpis}} for w in range(4) for a in range(3)]
    aw = pd.DataFrame(rows)
    am = aw.groupby(["rep", "agent"], as_index=False)[kpis].mean()
    tw = pd.DataFrame([{"rep": 0, "week": w, **{k: 8.0 for k in kpis}} for w in range(4)])  # shop average
    tm = pd.DataFrame({"rep": [0], "sales_yuan": [0.0]})
    pay = price([{"type": "rank_points", "pool": {"yuan": 9600}}], am, agent_week=aw, team_week=tw, team_horizon=tm)
    # agent 0 is first on all 4 KPIs in all 4 weeks: 3 x 4 x 4 = 48 points = 48/96 of the pool; the 96 points
    # (3+2+1 per KPI per week) are all handed out, so ranks 1-3 everywhere share 96/96 of the pool
    assert pay["pay_yuan"].tolist() == pytest.approx([4800, 3200, 1600])
    assert pay["pay_yuan"].sum() == pytest.approx(9600)


def test_seed002_department_pool_929_6_and_dsr_penalty_300():
    assert 0.47 * 0.3955 * 0.01 == pytest.approx(0.00185885)
    assert ar.seed002_pool(500_135.60, 0.47, 0.3955) == pytest.approx(929.6, abs=0.1)  # the source truncates 929.68
    am = pd.DataFrame({"rep": 0, "agent": range(3), "sales_yuan": 1.0})
    tm = pd.DataFrame({"rep": [0], "dsr": [4.4]})
    pay = price([{"type": "department_bonus", "reward_if": [{"kpi": "dsr", "reference": 4.51596}],
                  "reward_yuan_per_head": 100, "penalty_if": [{"kpi": "dsr", "reference": 4.51596}],
                  "penalty_yuan_per_head": 100}], am, team_horizon=tm)
    assert pay["pay_yuan"].sum() == -300


def test_seed002_tiered_commission_rates():
    tiers = [{"min_attainment": 0, "rate_permille": 5}, {"min_attainment": 0.6, "rate_permille": 8},
             {"min_attainment": 1.0, "rate_permille": 9}, {"min_attainment": 1.3, "rate_permille": 10}]
    am = pd.DataFrame({"rep": 0, "agent": range(3), "sales_yuan": [50_000.0, 80_000.0, 150_000.0]})
    pay = price([{"type": "tiered_commission", "task_yuan": 100_000, "tiers": tiers}], am)
    assert pay["pay_yuan"].tolist() == pytest.approx([250, 640, 800 + 500])


# ---- seeds 003/004: commissions, silent orders


def test_seed004_two_percent_commission_and_silent_split():
    am = ten_agents(0.40)
    tm = pd.DataFrame({"rep": [0], "sales_yuan": [1_200_000.0], "silent_orders_yuan": [50_000.0]})
    pay = price([{"type": "commission", "rate": 0.02}, {"type": "silent_order_pool", "share": 0.02}], am,
                team_horizon=tm)
    assert pay["commission:sales_yuan"].sum() == pytest.approx(24_000)
    assert pay["silent_order_pool"].tolist() == pytest.approx([100] * 10)


def test_seed003_base_salary_plus_100_every_3_months_and_top_performer():
    am = pd.DataFrame({"rep": 0, "agent": range(3), "sales_yuan": [1.0, 9.0, 5.0]})
    agents = pd.DataFrame({"agent": range(3), "tenure_months": [2, 6, 9]})
    pay = price([{"type": "base_salary", "base_yuan": 3000, "step_yuan": 100, "step_months": 3,
                  "top_kpi": "sales_yuan", "top_bonus_yuan": 100}], am, agents=agents)
    # tenure steps are base pay: 3000, 3000 + 100 (6 months), 3000 + 300 (9 months: steps at 3, 6, 9)
    assert pay["base_yuan"].tolist() == [3000, 3200, 3300]
    # "+100 for the top performer" depends on performance: variable pay, in bonus cost (issue 8)
    assert pay["variable_yuan"].tolist() == [0, 100, 0]
    assert pay["base_salary:top_bonus"].tolist() == [0, 100, 0]
    assert pay["pay_yuan"].tolist() == [3000, 3300, 3300]


# ---- platform and workload numbers


def test_kuaishou_80_percent_needs_four_good_per_bad():
    assert ar.good_ratings_to_offset(0.8) == pytest.approx(4)


def test_seed004_workload_928_and_30_an_hour():
    assert ar.receptions_per_day(30 + 28, 16) == 928
    # 280-300 a day at about 30 an hour is a 9.5-10 hour day
    assert 280 <= ar.receptions_per_day(30, 9.5) <= 300
