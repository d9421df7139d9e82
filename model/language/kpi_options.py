"""The scenario's ``[kpi]`` table: the platform-definition options the KPI formulas (:mod:`model.kpi`) read."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from model.language.base import Strict


class KpiOptions(Strict):
    """Platform-definition options for the KPIs."""

    exclude_adverts: bool = Field(True, description="Adverts are not pre-sale receptions (seed 002).")
    exclude_unresponsive: bool = Field(True, description="Buyers who never answered are not inquirers (seed 002).")
    exclude_recent_buyers_days: int | None = Field(
        14, ge=0, description="Buyers returning within N days of a purchase are after-sale, not inquirers; null = off.")
    reply_window_h: tuple[float, float] = Field(
        (0.0, 24.0), description="Hours in which reply-rate KPIs count messages (Douyin 8-23, Taobao 8-24).")
    three_min_s: float = Field(180.0, gt=0, description="Threshold of the 3-minute reply rate.")
    three_min_basis: Literal["message", "round"] | None = Field(
        None, description="3-minute reply rate per buyer 'message' (Douyin) or per 'round' (first question -> "
        "first answer of each chat: Taobao/Tmall); default: by shop.platform (douyin: message, others: round).")
    thirty_s_s: float = Field(30.0, gt=0, description="Threshold of JD's 30-second answer rate.")
