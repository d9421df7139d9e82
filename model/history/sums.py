"""Imported rows -> the base sums of :data:`model.kpi.SUM_COLUMNS` -> KPI codes via :func:`model.kpi.ratios`.

Every KPI is a ratio of sums, so an agent's month is computed from its days exactly as the engine's records
are: sums first, ratios last. Where the export gives counts they are summed; where it gives only a ratio the
ratio is turned into sums with a weight (documented in docs/history.md):

====================== ============================================ ======================================
KPI                    from counts (preferred)                      from the exported ratio (fallback)
====================== ============================================ ======================================
inquiries              询单人数                                     接待人数 (when no 询单人数 column)
paid_buyers            最终付款人数                                 询单转化率 x 询单人数
orders                 下单人数                                     顾客下单率 x 询单人数, or 付款人数 / 订单付款率
sales_yuan             销售额                                       客单价 x 付款人数
avg_response_s         --                                           mean weighted by 接待人数
first_response_s       --                                           mean weighted by 接待人数
three_min_reply_rate   --                                           share weighted by 接待人数
reply_rate             --                                           share weighted by 接待人数
good_rating_rate       --                                           share weighted by 评价数, else 接待人数
refund_rate            --                                           share weighted by 付款人数
====================== ============================================ ======================================

KPIs the export cannot give (queue wait, abandonment, DSR, utilisation, ...) are NaN, never 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.history.validate import History, volume_column
from model.kpi import SUM_COLUMNS, ratios


def _col(d: pd.DataFrame, code: str) -> pd.Series | None:
    return d[code].astype(float) if code in d.columns else None


def row_sums(h: History) -> pd.DataFrame:
    """Base sums per imported row (same index as ``h.data``); missing inputs contribute 0 with weight 0."""
    d = h.data
    vol = d[volume_column(h)].astype(float).fillna(0.0)
    rec = _col(d, "receptions")
    rec = vol if rec is None else rec.fillna(0.0)
    s = pd.DataFrame(0.0, index=d.index, columns=list(SUM_COLUMNS))
    s["chats"] = rec
    s["receptions"] = rec
    s["inquiries"] = vol
    s["inquiries_taken"] = vol
    paid = _col(d, "paid_buyers")
    if paid is None and "inquiry_conversion" in d.columns:
        paid = d["inquiry_conversion"].astype(float) * vol
    paid = (paid if paid is not None else pd.Series(np.nan, index=d.index)).fillna(0.0)
    s["paid_buyers"] = paid
    orders = _col(d, "orders")
    if orders is None and "order_rate" in d.columns:
        orders = d["order_rate"].astype(float) * vol
    if orders is None and "payment_rate" in d.columns:
        pr = d["payment_rate"].astype(float)
        orders = paid / pr.where(pr > 0)
    s["orders"] = orders.fillna(0.0) if orders is not None else 0.0
    sales = _col(d, "sales_yuan")
    if sales is None and "aov_yuan" in d.columns:
        sales = d["aov_yuan"].astype(float) * paid
    s["sales_yuan"] = sales.fillna(0.0) if sales is not None else 0.0
    for code, num, den in (("avg_response_s", "resp_sum", "resp_n"), ("first_response_s", "first_resp_sum",
                                                                       "first_resp_n"),
                           ("three_min_reply_rate", "msgs_3min", "msgs_window"),
                           ("thirty_s_reply_rate", "first_30s", "first_window"),
                           ("reply_rate", "replied_chats", None)):
        v = _col(d, code)
        if v is None:
            continue
        w = rec.where(v.notna(), 0.0)
        s[num] = (v.fillna(0.0) * w)
        if den:
            s[den] = w
    good = _col(d, "good_rating_rate")
    if good is not None:
        rw = _col(d, "ratings")
        rw = (rec if rw is None else rw.fillna(0.0)).where(good.notna(), 0.0)
        s["ratings"] = rw
        s["satisfied"] = good.fillna(0.0) * rw
        s["neutral"] = (1 - good.fillna(0.0)) * rw
    refund = _col(d, "refund_rate")
    if refund is not None:
        s["refunds"] = refund.fillna(0.0) * paid
    after = _col(d, "aftersale_chats")
    if after is not None:
        s["aftersale_chats"] = after.fillna(0.0)
    return s


def available_codes(h: History) -> set[str]:
    """KPI codes the export gives (directly or through a documented fallback); the others are NaN."""
    has = h.has
    out = {"receptions", "inquiries"}
    if has("receptions") and has("inquiries"):
        out.add("inquiry_ratio")
    paid = has("paid_buyers") or has("inquiry_conversion")
    if paid:
        out |= {"paid_buyers", "inquiry_conversion"}
    orders = has("orders") or has("order_rate") or (paid and has("payment_rate"))
    if orders:
        out |= {"orders", "order_rate"}
        if paid:
            out |= {"payment_rate", "churn_rate"}
    if has("sales_yuan") or (paid and has("aov_yuan")):
        out.add("sales_yuan")
        if paid:
            out.add("aov_yuan")
    for code in ("avg_response_s", "first_response_s", "three_min_reply_rate", "thirty_s_reply_rate", "reply_rate",
                 "good_rating_rate", "aftersale_chats"):
        if has(code):
            out.add(code)
    if has("refund_rate") and paid:
        out.add("refund_rate")
    if has("good_rating_rate"):
        out |= {"ratings"} if has("ratings") else set()
    return out


def kpi_sums(h: History, keys: list[str]) -> pd.DataFrame:
    """Base sums grouped by ``keys`` (``agent``, ``week``, ``date``, ``hour``; [] = the whole team and month)."""
    s = row_sums(h)
    d = h.data
    g = pd.DataFrame(index=d.index)
    for k in keys:
        if k == "week":
            start = min(d["date"])
            g[k] = [(x - start).days // 7 for x in d["date"]]
        else:
            g[k] = d[k].to_numpy()
    if not keys:
        return s.sum().to_frame().T
    return s.groupby([g[k] for k in keys], sort=False).sum()


def kpis(h: History, keys: list[str]) -> pd.DataFrame:
    """KPI codes per group (ratios of the summed base sums), unavailable codes NaN; keys as columns."""
    s = kpi_sums(h, keys)
    out = ratios(s)
    avail = available_codes(h)
    for c in out.columns:
        if c not in avail:
            out[c] = np.nan
    return out.reset_index(drop=not keys)
