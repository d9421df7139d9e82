"""Registry of KPI codes: unit, range, direction and labels (zh/en).

The single source of truth for which KPI codes exist. Schemes validate their ``kpi`` fields against it, the UI
takes its labels from it (through the catalogue), and tests check ranges with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["higher_is_better", "lower_is_better", "neutral"]


@dataclass(frozen=True)
class KpiCode:
    """One KPI code.

    Attributes:
        code: snake_case code used in files, JSON and data.
        zh: Chinese label (platform wording).
        en: English label.
        unit: "count", "share" (0-1), "yuan", "s" or "ratio".
        lo: smallest possible value.
        hi: largest possible value (None = unbounded).
        direction: which way is better for the shop.
    """

    code: str
    zh: str
    en: str
    unit: str
    lo: float
    hi: float | None
    direction: Direction


_ROWS = [
    ("receptions", "接待人数", "Receptions", "count", 0, None, "higher_is_better"),
    ("inquiries", "询单人数", "Pre-sale inquirers", "count", 0, None, "higher_is_better"),
    ("inquiry_ratio", "询单人数比", "Inquirers / receptions", "share", 0, 1, "neutral"),
    ("orders", "下单人数", "Orderers", "count", 0, None, "higher_is_better"),
    ("paid_buyers", "付款人数", "Paying buyers", "count", 0, None, "higher_is_better"),
    ("inquiry_conversion", "询单转化率", "Inquiry conversion", "share", 0, 1, "higher_is_better"),
    ("order_rate", "顾客下单率", "Order rate", "share", 0, 1, "higher_is_better"),
    ("payment_rate", "订单付款率", "Payment rate", "share", 0, 1, "higher_is_better"),
    ("churn_rate", "顾客流失率", "Ordered but not paid", "share", 0, 1, "lower_is_better"),
    ("aov_yuan", "客单价", "Average order value", "yuan", 0, None, "higher_is_better"),
    ("sales_yuan", "客服销售额", "CS sales", "yuan", 0, None, "higher_is_better"),
    ("queue_wait_s", "排队等待", "Queue wait", "s", 0, None, "lower_is_better"),
    ("first_response_s", "首次响应时间", "First response time", "s", 0, None, "lower_is_better"),
    ("avg_response_s", "平均响应时间", "Average response time", "s", 0, None, "lower_is_better"),
    ("reply_rate", "回复率", "Reply rate", "share", 0, 1, "higher_is_better"),
    ("three_min_reply_rate", "三分钟回复率", "3-minute reply rate", "share", 0, 1, "higher_is_better"),
    ("thirty_s_reply_rate", "30秒应答率", "30-second answer rate", "share", 0, 1, "higher_is_better"),
    ("abandon_rate", "顾客放弃率", "Abandonment rate", "share", 0, 1, "lower_is_better"),
    ("good_rating_rate", "好评率", "Good-rating rate", "share", 0, 1, "higher_is_better"),
    ("bad_attitude_share", "服务态度差评占比", "Bad-attitude share of bad ratings", "share", 0, 1, "lower_is_better"),
    ("refund_rate", "退款率", "Refund rate", "share", 0, 1, "lower_is_better"),
    ("message_ratio", "旺旺回复消息数比", "Agent / buyer messages", "ratio", 0, None, "higher_is_better"),
    ("utilization", "利用率", "Utilisation", "share", 0, 1, "neutral"),
    ("dsr", "DSR评分", "DSR (1-5)", "ratio", 1, 5, "higher_is_better"),
    ("aftersale_chats", "售后接待量", "After-sale chats", "count", 0, None, "higher_is_better"),
    ("sales_new_yuan", "新客销售额", "Sales to new buyers", "yuan", 0, None, "higher_is_better"),
    ("sales_returning_yuan", "老客销售额", "Sales to returning buyers", "yuan", 0, None, "higher_is_better"),
    ("refund_yuan", "退款金额", "Refunded value", "yuan", 0, None, "lower_is_better"),
    ("caused_refund_yuan", "客服责任售后金额", "Refunds caused by the agent", "yuan", 0, None, "lower_is_better"),
    ("bad_rating_rate", "中差评率", "Neutral + bad rating rate", "share", 0, 1, "lower_is_better"),
    ("ratings", "评价数", "Ratings", "count", 0, None, "neutral"),
    ("bad_ratings", "中差评数", "Neutral + disappointed ratings", "count", 0, None, "lower_is_better"),
    ("bad_attitude_ratings", "态度差评数", "Bad-attitude ratings", "count", 0, None, "lower_is_better"),
]

KPI_CODES: dict[str, KpiCode] = {r[0]: KpiCode(*r) for r in _ROWS}

#: KPI codes the run JSON's ``team`` block always carries (DESIGN.md contract).
CONTRACT_CODES: tuple[str, ...] = (
    "receptions", "inquiries", "orders", "paid_buyers", "inquiry_conversion", "order_rate", "payment_rate",
    "aov_yuan", "sales_yuan", "queue_wait_s", "first_response_s", "avg_response_s", "reply_rate",
    "three_min_reply_rate", "abandon_rate", "good_rating_rate", "bad_attitude_share", "refund_rate",
    "message_ratio", "utilization",
)

