"""The documented header table: Chinese and English column headers of platform exports -> import fields.

An import field is either an identifier (``agent``, ``date``, ``hour``) or a KPI code of
:mod:`model.kpicodes` (``inquiries``, ``inquiry_conversion``, ...). Headers are matched after normalising
(spaces removed, full-width brackets and letters made half-width, lower case); a unit in brackets such as
``(人)``, ``(元)``, ``(秒)`` or ``(%)`` is ignored for the match, and ``(分)``/``(分钟)``/``(min)`` on a duration
header means the values are minutes. Unknown headers are listed in the report and can be mapped by hand
(``--map '表头=code'`` in the CLI, a selector in the app). docs/history.md prints this table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "date", "hour", "count", "share", "seconds", "yuan"]


@dataclass(frozen=True)
class Field:
    """One import field.

    Attributes:
        code: the field code (``agent``, ``date``, ``hour`` or a KPI code).
        kind: how its values are parsed (text, date, hour, count, share 0-1, seconds, yuan).
        headers: accepted headers (Chinese platform wording first, then English).
    """

    code: str
    kind: Kind
    headers: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field("agent", "text", ("客服", "客服昵称", "客服名称", "客服名", "客服账号", "旺旺", "旺旺名", "子账号",
                            "客服旺旺", "客服姓名", "姓名", "agent", "agentname", "agent_name", "staff", "name")),
    Field("date", "date", ("日期", "统计日期", "时间", "日期时间", "date", "day")),
    Field("hour", "hour", ("小时", "时段", "整点", "hour")),
    Field("receptions", "count", ("接待人数", "接待量", "咨询人数", "接待客户数", "总接待人数", "receptions")),
    Field("inquiries", "count", ("询单人数", "询单量", "售前询单人数", "询单客户数", "inquiries", "inquirers",
                                 "presaleinquiries")),
    Field("orders", "count", ("下单人数", "询单下单人数", "询单->下单人数", "orders", "orderers")),
    Field("paid_buyers", "count", ("最终付款人数", "询单最终付款人数", "询单->最终付款人数", "付款人数",
                                   "paidbuyers", "paid_buyers", "payers")),
    Field("inquiry_conversion", "share", ("询单转化率", "询单->最终付款转化率", "询单最终付款转化率", "咨询转化率",
                                          "转化率", "inquiryconversion", "inquiry_conversion", "conversion")),
    Field("order_rate", "share", ("顾客下单率", "询单->下单转化率", "下单转化率", "orderrate", "order_rate")),
    Field("payment_rate", "share", ("订单付款率", "下单->付款转化率", "付款率", "paymentrate", "payment_rate")),
    Field("aov_yuan", "yuan", ("客单价", "客服客单价", "付款客单价", "询单客单价", "aov", "aov_yuan",
                               "averageordervalue")),
    Field("sales_yuan", "yuan", ("销售额", "客服销售额", "询单付款金额", "付款金额", "销售金额", "sales",
                                 "sales_yuan", "cssales")),
    Field("avg_response_s", "seconds", ("平均响应时间", "平均响应", "平均响应时长", "平均回复时长", "平均响应时间(秒)",
                                        "avgresponse", "avg_response_s", "averageresponsetime")),
    Field("first_response_s", "seconds", ("首次响应时间", "首次响应", "平均首次响应时间", "首响时间", "平均首响时长",
                                          "firstresponse", "first_response_s", "firstresponsetime")),
    Field("three_min_reply_rate", "share", ("3分钟回复率", "三分钟回复率", "3分钟人工回复率", "3分钟响应率",
                                            "3minreplyrate", "three_min_reply_rate", "3-minutereplyrate")),
    Field("thirty_s_reply_rate", "share", ("30秒应答率", "30秒响应率", "thirty_s_reply_rate", "30-secondanswerrate")),
    Field("reply_rate", "share", ("回复率", "旺旺回复率", "replyrate", "reply_rate")),
    Field("good_rating_rate", "share", ("好评率", "满意率", "客服好评率", "goodratingrate", "good_rating_rate")),
    Field("ratings", "count", ("评价数", "评价人数", "ratings")),
    Field("aftersale_chats", "count", ("售后接待人数", "售后接待量", "售后咨询人数", "aftersalechats",
                                       "aftersale_chats")),
    Field("refund_rate", "share", ("退款率", "refundrate", "refund_rate")),
)

FIELD_BY_CODE: dict[str, Field] = {f.code: f for f in FIELDS}

#: Fields every import needs: who, which day, and an inquiry volume (one of the two).
REQUIRED: tuple[str, ...] = ("agent", "date")
VOLUME_ANY: tuple[str, ...] = ("inquiries", "receptions")

#: Cells that mark a totals row (not an agent), compared after normalising.
TOTAL_WORDS = frozenset(["合计", "总计", "平均", "平均值", "均值", "汇总", "小计", "total", "totals", "sum",
                         "average", "avg", "mean", "grandtotal"])

_UNIT = re.compile(r"[(\[](人|个|元|￥|¥|秒|s|sec|%|％|分|分钟|min|次|单|yuan)[)\]]$")
_MINUTES = re.compile(r"[(\[](分|分钟|min)[)\]]$")


def norm_header(text: object) -> str:
    """Normalised header: NFKC (full-width -> half-width), no spaces, lower case."""
    s = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    s = re.sub(r"\s+", "", s)
    return s.replace("【", "[").replace("】", "]").replace("→", "->")


_LOOKUP: dict[str, str] = {}
for _f in FIELDS:
    for _h in _f.headers:
        _LOOKUP.setdefault(norm_header(_h), _f.code)


def match_header(text: object) -> str | None:
    """The field code of a header, or None when it is not in the table."""
    h = norm_header(text)
    if not h:
        return None
    if h in _LOOKUP:
        return _LOOKUP[h]
    bare = _UNIT.sub("", h)
    return _LOOKUP.get(bare)


def minutes_header(text: object) -> bool:
    """The header says its durations are minutes, e.g. ``平均响应(分)``."""
    return bool(_MINUTES.search(norm_header(text)))


def is_total_word(value: object) -> bool:
    """A cell that marks a totals row (合计 / 总计 / 平均 / Total ...)."""
    return norm_header(value).rstrip(":：") in TOTAL_WORDS


def header_table(lang: str = "zh") -> list[dict[str, str]]:
    """The header table as rows (field code, kind, accepted headers), for the docs and the app."""
    return [{"code": f.code, "kind": f.kind, "headers": " / ".join(f.headers)} for f in FIELDS]
