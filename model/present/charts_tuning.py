"""Altair charts of the tuning page (pure: tune/staffing documents in, charts out; no streamlit)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from model.kpicodes import KPI_CODES
from model.present.charts_compare import CJK_FONT
from model.present.i18n import t


def _cfg(chart: alt.Chart) -> alt.Chart:
    return chart.configure(font=CJK_FONT).configure_axis(labelFont=CJK_FONT, titleFont=CJK_FONT) \
        .configure_legend(labelFont=CJK_FONT, titleFont=CJK_FONT).configure_title(font=CJK_FONT)


def target_text(kpi: str | None, v: float | None) -> str:
    """A target as shown: a share in %, other units as numbers; none (a rank prize, a missing cell) as a dash."""
    if v is None or v != v:
        return "—"
    if kpi in KPI_CODES and KPI_CODES[kpi].unit == "share":
        return f"{100 * v:.1f}%"
    return f"{v:g}"


def points_frame(doc: dict[str, Any], scheme: str | None = None) -> pd.DataFrame:
    """The candidate points of a tune document (one scheme or all) as a DataFrame."""
    df = pd.DataFrame(doc["points"])
    if scheme is not None and len(df):
        df = df[df["scheme"] == scheme]
    return df.reset_index(drop=True)


def heatmap(doc: dict[str, Any], scheme: str, lang: str) -> alt.Chart:
    """Net gain over target x amount for one scheme; feasible cells outlined, the recommendation dotted."""
    df = points_frame(doc, scheme).dropna(subset=["target", "amount_yuan"])
    kpi = df["kpi"].dropna().iloc[0] if df["kpi"].notna().any() else None
    df = df.assign(target_label=[target_text(kpi, v) for v in df["target"]],
                   amount_label=[f"{a:,.0f}" for a in df["amount_yuan"]],
                   feasible_label=[t("tun.yes" if f else "tun.no", lang) for f in df["feasible"]])
    order_t = [target_text(kpi, v) for v in sorted(df["target"].unique())]
    order_a = [f"{a:,.0f}" for a in sorted(df["amount_yuan"].unique(), reverse=True)]
    lim = max(1.0, float(df["net_gain_yuan"].abs().max()))
    x = alt.X("target_label:O", sort=order_t, title=t("tun.axis.target", lang))
    y = alt.Y("amount_label:O", sort=order_a, title=t("tun.axis.amount", lang))
    tips = [alt.Tooltip("target_label:N", title=t("tun.col.target", lang)),
            alt.Tooltip("amount_label:N", title=t("tun.col.amount", lang)),
            alt.Tooltip("net_gain_yuan:Q", title=t("tun.col.gain", lang), format=",.0f"),
            alt.Tooltip("payout_yuan:Q", title=t("tun.col.payout", lang), format=",.0f"),
            alt.Tooltip("reach_share:Q", title=t("tun.col.reach", lang), format=".0%"),
            alt.Tooltip("feasible_label:N", title=t("tun.col.feasible", lang))]
    base = alt.Chart(df)
    cells = base.mark_rect().encode(
        x=x, y=y, tooltip=tips,
        color=alt.Color("net_gain_yuan:Q", title=t("tun.axis.gain", lang),
                        scale=alt.Scale(scheme="redblue", domain=[-lim, lim], domainMid=0),
                        legend=alt.Legend(orient="bottom", format=",.0f")))
    outline = base.transform_filter("datum.feasible").mark_rect(fill=None, stroke="#111", strokeWidth=2).encode(
        x=x, y=y)
    layers = [cells, outline]
    rec = doc["recommendation"]
    if rec.get("scheme") == scheme and rec.get("target") is not None:
        r = pd.DataFrame([{"target_label": target_text(kpi, rec["target"]),
                           "amount_label": f"{rec['amount_yuan']:,.0f}"}])
        layers.append(alt.Chart(r).mark_point(filled=True, size=120, color="#111", shape="circle").encode(x=x, y=y))
    return _cfg(alt.layer(*layers).properties(width="container", height=260))


def frontier_chart(doc: dict[str, Any], lang: str, against: str = "payout") -> alt.Chart:
    """Net gain against payout (or reach) for the recommended scheme, the frontier drawn as a line."""
    scheme = doc["frontier"]["scheme"]
    col = "payout_yuan" if against == "payout" else "reach_share"
    df = points_frame(doc, scheme)
    df = df.assign(feasible_label=[t("tun.yes" if f else "tun.no", lang) for f in df["feasible"]],
                   target_label=[target_text(k, v) for k, v in zip(df["kpi"], df["target"], strict=True)])
    front = pd.DataFrame(doc["frontier"]["net_gain_vs_payout" if against == "payout" else "net_gain_vs_reach"])
    xt = t("tun.axis.payout" if against == "payout" else "tun.axis.reach", lang)
    xfmt = ",.0f" if against == "payout" else ".0%"
    pts = alt.Chart(df).mark_circle(size=70, opacity=0.8).encode(
        x=alt.X(f"{col}:Q", title=xt, axis=alt.Axis(format=xfmt)),
        y=alt.Y("net_gain_yuan:Q", title=t("tun.axis.gain", lang), axis=alt.Axis(format=",.0f")),
        color=alt.Color("feasible_label:N", title=t("tun.axis.feasible", lang),
                        scale=alt.Scale(domain=[t("tun.yes", lang), t("tun.no", lang)], range=["#2b8a3e", "#adb5bd"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("target_label:N", title=t("tun.col.target", lang)),
                 alt.Tooltip("amount_yuan:Q", title=t("tun.col.amount", lang), format=",.0f"),
                 alt.Tooltip("net_gain_yuan:Q", title=t("tun.col.gain", lang), format=",.0f"),
                 alt.Tooltip(f"{col}:Q", title=xt, format=xfmt)])
    layers = [pts]
    if len(front):
        layers.append(alt.Chart(front).mark_line(color="#c92a2a", point=True).encode(x=f"{col}:Q",
                                                                                     y="net_gain_yuan:Q"))
    title = t("tun.frontier_payout" if against == "payout" else "tun.frontier_reach", lang)
    return _cfg(alt.layer(*layers).properties(width="container", height=260, title=f"{title} · {scheme}"))


def staffing_chart(table: pd.DataFrame, lang: str) -> alt.Chart:
    """Agents per hour: on duty now, Erlang C, Erlang A and the simulation."""
    series = {"on_duty": "tun.series.on_duty", "erlang_c": "tun.series.erlang_c", "erlang_a": "tun.series.erlang_a",
              "sim": "tun.series.sim"}
    rows = []
    for _, r in table.iterrows():
        for col, key in series.items():
            v = r[col]
            if v is not None and not pd.isna(v):
                rows.append({"hour": int(r["hour"]), "agents": float(v), "series": t(key, lang)})
    df = pd.DataFrame(rows)
    return _cfg(alt.Chart(df).mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("hour:Q", title=t("tun.axis.hour", lang), scale=alt.Scale(domain=[0, 23])),
        y=alt.Y("agents:Q", title=t("tun.axis.agents", lang)),
        color=alt.Color("series:N", title=t("tun.axis.series", lang), legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=[t(k, lang) for k in series.values()],
                                        range=["#495057", "#74c0fc", "#1864ab", "#f08c00"])),
        strokeDash=alt.StrokeDash("series:N", legend=None, scale=alt.Scale(
            domain=[t(k, lang) for k in series.values()], range=[[6, 3], [2, 2], [1, 0], [1, 0]])),
        tooltip=["hour:Q", "series:N", "agents:Q"]).properties(width="container", height=280))
