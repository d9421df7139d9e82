"""The seed calculator: the sources' back-of-the-envelope arithmetic as pure functions.

Shown beside the simulation so a manager can check the headline numbers by hand (DOMAIN.md "The core
arithmetic"). Shares are 0-1; money in yuan.
"""

from __future__ import annotations

from dataclasses import dataclass


def cs_sales(inquiries: float, conversion: float, aov_yuan: float) -> float:
    """CS sales = pre-sale inquiries x inquiry conversion x average order value (客服销售额, seed 000)."""
    return inquiries * conversion * aov_yuan


@dataclass(frozen=True)
class SalesCase:
    """Result of :func:`sales_case`.

    Attributes:
        inquiries_per_day: team pre-sale inquiries per day.
        daily_sales_yuan: CS sales per day before the change.
        sales_yuan: CS sales over ``days`` before the change.
        new_conversion: conversion after the change.
        new_aov_yuan: order value after the change.
        new_sales_yuan: CS sales over ``days`` after the change.
        uplift_yuan: new_sales_yuan - sales_yuan.
        uplift_share: relative uplift (0.44 = +44%).
    """

    inquiries_per_day: float
    daily_sales_yuan: float
    sales_yuan: float
    new_conversion: float
    new_aov_yuan: float
    new_sales_yuan: float
    uplift_yuan: float
    uplift_share: float


def sales_case(
    agents: int = 10,
    inquiries_per_agent_per_day: float = 100,
    conversion: float = 0.40,
    aov_yuan: float = 100,
    days: int = 30,
    conversion_pct: float = 20,
    aov_pct: float = 20,
) -> SalesCase:
    """Seed 000's month: 10 agents x 100/day x 40% x 100 yuan x 30 = 1,200,000; +20%/+20% -> 1,728,000.

    Args:
        agents: pre-sale agents.
        inquiries_per_agent_per_day: inquiries each agent takes per day.
        conversion: inquiry conversion (share).
        aov_yuan: average order value.
        days: days in the month.
        conversion_pct: relative conversion change in percent (20 -> 40% becomes 48%).
        aov_pct: relative order-value change in percent.
    """
    per_day = agents * inquiries_per_agent_per_day
    daily = cs_sales(per_day, conversion, aov_yuan)
    before = daily * days
    c2 = conversion * (1 + conversion_pct / 100)
    a2 = aov_yuan * (1 + aov_pct / 100)
    after = cs_sales(per_day, c2, a2) * days
    return SalesCase(per_day, daily, before, c2, a2, after, after - before, after / before - 1 if before else 0.0)


def jd_conversion_value(
    daily_receptions: float, pp: float, aov_yuan: float, agents: int, days: int = 30, months: int = 12
) -> float:
    """Yearly sales from +``pp`` percentage points of conversion (seed 001, JD outsourcing):

    daily receptions x (pp / 100) x AOV per agent per day, x agents x 30 x 12.
    """
    return daily_receptions * (pp / 100) * aov_yuan * agents * days * months


def bonus_budget(incremental_profit_yuan: float, share: float) -> float:
    """Bonus budget as a share of incremental profit (seed 000: 200,000 x 10% = 20,000); never negative."""
    if not 0 <= share <= 1:
        raise ValueError(f"share {share:g} must be 0-1")
    return max(0.0, incremental_profit_yuan) * share


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when the denominator is 0 (the KPI is undefined, not 0)."""
    return numerator / denominator if denominator else float("nan")


def inquiry_ratio(inquirers: float, receptions: float) -> float:
    """询单人数比 = inquirers / receptions (seed 002: 2,475 / 3,076 = 80.46%)."""
    return ratio(inquirers, receptions)


def order_rate(same_day_orderers: float, inquirers: float) -> float:
    """顾客下单率 = same-day orderers / inquirers (seed 002: 812 / 2,475 = 32.8%)."""
    return ratio(same_day_orderers, inquirers)


def payment_rate(final_payers: float, later_payers: float, orderers: float) -> float:
    """订单付款率 = (final payers + payers on the following days) / orderers (seed 002: (509+317)/915 = 90.27%)."""
    return ratio(final_payers + later_payers, orderers)


def churn_rate(lost: float, orderers: float) -> float:
    """顾客流失率 = ordered but never paid / orderers (seed 002: 77 / 556 = 13.85%)."""
    return ratio(lost, orderers)


def rank_points_max(n_kpis: int = 4, points: tuple[float, ...] = (3, 2, 1), periods: int = 4) -> float:
    """Seed 002's normalising total: (3+2+1) x 4 KPIs x 4 weeks = 96, all points handed out in a month."""
    return float(sum(points)) * n_kpis * periods


def seed002_pool(team_sales_yuan: float, task_attainment: float, conversion: float, factor: float = 0.01) -> float:
    """Seed 002's department pool X (without commissions and awards): sales x (attainment x conversion x 1%).

    The source: 500,135.60 x (47% x 39.55% x 1%) = 500,135.60 x 1.85885‰ = 929.6 yuan.
    """
    return team_sales_yuan * task_attainment * conversion * factor


def good_ratings_to_offset(target_rate: float = 0.8) -> float:
    """Good ratings needed per bad rating to stay at ``target_rate`` (Kuaishou: 80% -> 4)."""
    if not 0 <= target_rate < 1:
        raise ValueError("target_rate must be in [0, 1)")
    return target_rate / (1 - target_rate)


def receptions_per_day(per_hour: float, hours: float) -> float:
    """Receptions in a day at a steady hourly pace (seed 004: (30 + 28) x 16 = 928)."""
    return per_hour * hours
