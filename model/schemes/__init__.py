"""Bonus schemes: the scheme language (pydantic) and pricing over KPI tables.

``from model.schemes import Scheme, price_scheme`` is the stable entry point; see docs/schemes.md.
The language (:mod:`model.schemes.spec`, :mod:`model.schemes.effects`) is imported eagerly; pricing
(:mod:`model.schemes.pricing`) only when one of its names is used, so the scenario schema, which needs the
language, never loads pricing.
"""

from typing import Any

from model.schemes.effects import AssumedEffects
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

_PRICING_NAMES = frozenset({"PricingContext", "pay_table", "price_scheme", "reach_share", "revenue_yuan",
                            "split_prizes", "tiered_commission_yuan"})


def __getattr__(name: str) -> Any:
    if name in _PRICING_NAMES:
        from model.schemes import pricing

        return getattr(pricing, name)
    raise AttributeError(f"module 'model.schemes' has no attribute {name!r}")
