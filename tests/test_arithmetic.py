"""The seed calculator's functions (hand values and properties)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model import arithmetic as ar


def test_cs_sales_formula():
    assert ar.cs_sales(1000, 0.4, 100) == pytest.approx(40_000)
    assert ar.cs_sales(0, 0.4, 100) == 0


def test_sales_case_defaults_and_no_change():
    c = ar.sales_case()
    assert c.inquiries_per_day == 1000 and c.daily_sales_yuan == pytest.approx(40_000)
    none = ar.sales_case(conversion_pct=0, aov_pct=0)
    assert none.uplift_yuan == 0 and none.new_sales_yuan == none.sales_yuan


def test_ratios_guard_zero_denominators():
    assert math.isnan(ar.ratio(1, 0)) and math.isnan(ar.order_rate(5, 0))
    assert ar.churn_rate(0, 10) == 0


def test_bonus_budget_bounds():
    assert ar.bonus_budget(-5000, 0.1) == 0
    with pytest.raises(ValueError):
        ar.bonus_budget(1000, 10)


def test_jd_value_scales_linearly_with_agents_and_months():
    one = ar.jd_conversion_value(100, 2, 100, 1, days=1, months=1)
    assert one == pytest.approx(200)
    assert ar.jd_conversion_value(100, 2, 100, 5) == pytest.approx(one * 5 * 30 * 12)


@given(c=st.floats(0.01, 1), a=st.floats(1, 1000), pc=st.floats(0, 100), pa=st.floats(0, 100))
def test_property_uplift_share_is_product_of_changes(c, a, pc, pa):
    s = ar.sales_case(conversion=c, aov_yuan=a, conversion_pct=pc, aov_pct=pa)
    assert s.uplift_share == pytest.approx((1 + pc / 100) * (1 + pa / 100) - 1, rel=1e-9, abs=1e-12)
