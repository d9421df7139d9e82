"""Bonus schemes: the scheme language (pydantic) and pricing over KPI tables.

``from model.schemes import Scheme, price_scheme`` is the stable entry point; see docs/schemes.md.
"""

from model.schemes.effects import AssumedEffects
from model.schemes.pricing import (
    PricingContext,
    pay_table,
    price_scheme,
    reach_share,
    revenue_yuan,
    split_prizes,
    tiered_commission_yuan,
)
from model.schemes.spec import (
    COMPONENT_TYPES,
    AftersaleChargeback,
    BaseSalary,
    BehaviourPoints,
    CapFloor,
    Commission,
    Component,
    DepartmentBonus,
    Gate,
    PoolSpec,
    ProfitPool,
    Rank,
    RankPoints,
    Scheme,
    Scorecard,
    SilentOrderPool,
    Threshold,
    TieredCommission,
    error_path,
    format_errors,
    validate_schemes,
)

__all__ = [
    "COMPONENT_TYPES", "AftersaleChargeback", "AssumedEffects", "BaseSalary", "BehaviourPoints", "CapFloor",
    "Commission", "Component", "DepartmentBonus", "Gate", "PoolSpec", "PricingContext", "ProfitPool", "Rank",
    "RankPoints", "Scheme", "Scorecard", "SilentOrderPool", "Threshold", "TieredCommission", "error_path",
    "format_errors", "pay_table", "price_scheme", "reach_share", "revenue_yuan", "split_prizes",
    "tiered_commission_yuan", "validate_schemes",
]
