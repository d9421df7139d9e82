"""Altair charts of a scheme comparison (pure: comparison document in, chart out; no streamlit).

The document is the ``compare`` JSON (``{"baseline_scheme", "schemes": {name: block}}``, see
:func:`model.pipeline.compare_schemes`). Schemes with assumed effects are marked as assumptions in every chart.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from model.present.i18n import kpi_label, t
from model.text import finite as _num

#: Font stack so Chinese renders in the app, in SVG exports and in browsers.
CJK_FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, " \
           "WenQuanYi Micro Hei, sans-serif"


def scheme_label(name: str, block: dict[str, Any], lang: str) -> str:
    """The scheme's name (its live ``label``: a quoted target follows the current value), with the assumption
    marker when it carries assumed effects."""
    name = block.get("label") or name
    return f"{name} ({t('res.assumed_mark', lang)})" if block.get("assumed_effects") else name


def component_label(comp: str, lang: str) -> str:
    """``threshold:inquiry_conversion`` -> ``达标奖 · 询单转化率`` (unknown parts kept as they are)."""
    base, _, rest = comp.partition("#")
    typ, _, kpi = base.partition(":")
    try:
        tl = t(f"ed.type.{typ}", lang)
    except KeyError:
        tl = typ
    try:
        kl = kpi_label(kpi, lang) if kpi else ""
    except KeyError:
        kl = kpi
    out = f"{tl} · {kl}" if kl else tl
    return f"{out} #{rest}" if rest else out


def uplift_frame(doc: dict[str, Any], lang: str) -> pd.DataFrame:
    """One row per scheme: bonus cost, uplift with its interval, net gain, assumption flag."""
    rows = []
    for name, b in (doc.get("schemes") or {}).items():
        e = b.get("economics") or {}
        up = e.get("uplift_yuan") or {}
        bc = e.get("bonus_cost_yuan") or {}
        mean = _num(up.get("mean"))
        rows.append({
            "scheme": scheme_label(name, b, lang),
            "bonus": _num(bc.get("mean")) or 0.0,
            "uplift": mean or 0.0,
            "lo": _num(up.get("lo")) if _num(up.get("lo")) is not None else mean or 0.0,
            "hi": _num(up.get("hi")) if _num(up.get("hi")) is not None else mean or 0.0,
            "net": _num((e.get("net_gain_yuan") or {}).get("mean")),
            "assumed": t("ch.assumed_yes" if b.get("assumed_effects") else "ch.assumed_no", lang),
        })
    return pd.DataFrame(rows, columns=["scheme", "bonus", "uplift", "lo", "hi", "net", "assumed"])


def pay_frame(doc: dict[str, Any], lang: str) -> pd.DataFrame:
    """One row per scheme and agent: variable pay (mean over replications)."""
    rows = []
    for name, b in (doc.get("schemes") or {}).items():
        for a in b.get("agents") or []:
            rows.append({
                "scheme": scheme_label(name, b, lang),
                "agent": str(a.get("name", a.get("agent"))),
                "pay": _num(a.get("variable_yuan")) or 0.0,
                "total": _num(a.get("pay_yuan")) or 0.0,
            })
    return pd.DataFrame(rows, columns=["scheme", "agent", "pay", "total"])


def reach_frame(doc: dict[str, Any], lang: str) -> pd.DataFrame:
    """One row per scheme and target component: share of agents reaching it."""
    rows = []
    for name, b in (doc.get("schemes") or {}).items():
        for r in b.get("reach_share") or []:
            v = _num(r.get("reach_share"))
            if v is None:
                continue
            rows.append({"scheme": scheme_label(name, b, lang),
                         "component": component_label(str(r.get("component")), lang), "reach": v})
    return pd.DataFrame(rows, columns=["scheme", "component", "reach"])


def _scheme_color(doc: dict[str, Any], lang: str) -> alt.Color:
    names = [scheme_label(n, b, lang) for n, b in (doc.get("schemes") or {}).items()]
    return alt.Color("scheme:N", title=t("ch.scheme", lang), scale=alt.Scale(domain=names, scheme="tableau10"),
                     sort=names, legend=alt.Legend(orient="bottom", columns=1, labelLimit=LEGEND_LABEL_LIMIT))


#: Width fits the container (the app) or the given width (the report); the height is the plot area's, and
#: titles, axes and legends are added around it. Streamlit's default for a chart without ``autosize`` is
#: ``fit`` with ``contains="padding"``: the *whole* chart, legend included, is squeezed into ``height``, which
#: left a strip of a few pixels for the plot once a bottom legend took its room (the report, rendered with
#: Vega's default ``pad``, looked fine).
AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")
#: Plot heights (pixels, without title, axes and legend).
SCATTER_HEIGHT = 300
PAY_HEIGHT = 260
REACH_ROW_HEIGHT = 34
REACH_MIN_HEIGHT = 160
#: Legend labels longer than this (pixels) end in an ellipsis; the legend then fits a phone-wide chart.
LEGEND_LABEL_LIMIT = 220


def _domain(values: pd.Series, margin: float = 0.06) -> list[float]:
    """[lo, hi] covering ``values`` and 0, widened by ``margin`` of the span on both sides (marks at the ends
    stay whole; a small margin below 0 rarely gets a tick of its own)."""
    v = pd.to_numeric(values, errors="coerce").dropna()
    lo, hi = min(0.0, float(v.min()) if len(v) else 0.0), max(0.0, float(v.max()) if len(v) else 0.0)
    span = (hi - lo) or 1.0
    return [lo - margin * span, hi + margin * span]


def _style(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    chart = chart.properties(autosize=AUTOSIZE)
    return chart.configure(font=CJK_FONT).configure_axis(labelFont=CJK_FONT, titleFont=CJK_FONT) \
        .configure_legend(labelFont=CJK_FONT, titleFont=CJK_FONT, labelLimit=LEGEND_LABEL_LIMIT) \
        .configure_title(font=CJK_FONT, anchor="start")


def uplift_chart(doc: dict[str, Any], lang: str) -> alt.TopLevelMixin:
    """Uplift (y, with interval bars) against bonus cost (x), one point per scheme."""
    df = uplift_frame(doc, lang)
    level = _level(doc)
    base = alt.Chart(df)
    # explicit domains with a margin keep the marks at the ends (the largest cost, the highest interval) inside
    # the plot; zero is always shown
    x = alt.X("bonus:Q", title=t("ch.bonus", lang), scale=alt.Scale(domain=_domain(df["bonus"]), nice=False))
    y_scale = alt.Scale(domain=_domain(pd.concat([df["lo"], df["hi"], df["uplift"]])), nice=False)
    color = _scheme_color(doc, lang)
    bars = base.mark_rule(strokeWidth=2).encode(x=x, y=alt.Y("lo:Q", title=t("ch.uplift", lang), scale=y_scale),
                                                y2="hi:Q", color=color)
    shape = alt.Shape("assumed:N", title=t("ch.assumed", lang),
                      scale=alt.Scale(domain=[t("ch.assumed_no", lang), t("ch.assumed_yes", lang)],
                                      range=["circle", "diamond"]),
                      legend=None)  # the scheme legend already marks assumptions; a second legend overflows a phone
    pts = base.mark_point(size=140, filled=True).encode(
        x=x, y=alt.Y("uplift:Q", scale=y_scale), color=color, shape=shape,
        tooltip=[alt.Tooltip("scheme:N", title=t("ch.scheme", lang)),
                 alt.Tooltip("bonus:Q", title=t("ch.bonus", lang), format=",.0f"),
                 alt.Tooltip("uplift:Q", title=t("ch.uplift", lang), format=",.0f"),
                 alt.Tooltip("lo:Q", format=",.0f"), alt.Tooltip("hi:Q", format=",.0f"),
                 alt.Tooltip("assumed:N", title=t("ch.assumed", lang))])
    title = t("ch.uplift_title", lang) + (f" · {level:.0f}%" if level else "")
    return _style(alt.layer(bars, pts).properties(title=title, width=520, height=SCATTER_HEIGHT))


def pay_chart(doc: dict[str, Any], lang: str) -> alt.TopLevelMixin:
    """Grouped bars: variable pay per agent, one bar per scheme."""
    df = pay_frame(doc, lang)
    order = list(dict.fromkeys(df["agent"]))
    chart = alt.Chart(df).mark_bar().encode(
        x=alt.X("agent:N", title=t("ch.agent", lang), sort=order, axis=alt.Axis(labelAngle=-45)),
        xOffset=alt.XOffset("scheme:N"),
        y=alt.Y("pay:Q", title=t("ch.pay", lang)),
        color=_scheme_color(doc, lang),
        tooltip=[alt.Tooltip("agent:N", title=t("ch.agent", lang)),
                 alt.Tooltip("scheme:N", title=t("ch.scheme", lang)),
                 alt.Tooltip("pay:Q", title=t("ch.pay", lang), format=",.0f")])
    return _style(chart.properties(title=t("ch.pay_title", lang), width=560, height=PAY_HEIGHT))


def reach_chart(doc: dict[str, Any], lang: str) -> alt.TopLevelMixin:
    """Bars: share of agents reaching each target component, per scheme."""
    df = reach_frame(doc, lang)
    chart = alt.Chart(df).mark_bar().encode(
        # "达标奖 · 询单转化率" on two lines: the label column stays narrow enough for a phone
        y=alt.Y("component:N", title=None, axis=alt.Axis(labelLimit=160, labelExpr="split(datum.label, ' · ')")),
        yOffset=alt.YOffset("scheme:N"),
        x=alt.X("reach:Q", title=t("ch.reach", lang), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=_scheme_color(doc, lang),
        tooltip=[alt.Tooltip("scheme:N", title=t("ch.scheme", lang)),
                 alt.Tooltip("component:N", title=t("ch.component", lang)),
                 alt.Tooltip("reach:Q", title=t("ch.reach", lang), format=".0%")])
    return _style(chart.properties(title=t("ch.reach_title", lang), width=520,
                                   height=max(REACH_MIN_HEIGHT, REACH_ROW_HEIGHT * max(1, len(df)))))


def _level(doc: dict[str, Any]) -> float | None:
    for b in (doc.get("schemes") or {}).values():
        v = _num(b.get("economics_interval_level"))
        if v is not None:
            return 100 * v
    return None


def all_charts(doc: dict[str, Any], lang: str) -> dict[str, alt.TopLevelMixin]:
    """The comparison charts by name (``reach`` only when some scheme has targets)."""
    out = {"uplift": uplift_chart(doc, lang), "pay": pay_chart(doc, lang)}
    if len(reach_frame(doc, lang)):
        out["reach"] = reach_chart(doc, lang)
    return out
