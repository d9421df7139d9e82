"""Altair charts: the intraday picture and agents side by side, with platform lines where they apply."""

from __future__ import annotations

import altair as alt
import pandas as pd

from model.kpicodes import KPI_CODES
from model.platform_rules import Rule
from model.present.format import kpi_value
from model.present.i18n import kpi_label, t

THREE_MIN_S = 180.0
RULE_COLOUR = "#d62728"


def arrivals_chart(intraday: pd.DataFrame, lang: str) -> alt.Chart:
    """Arrivals per hour of day (bars)."""
    hour, arrivals = t("chart.hour", lang), t("chart.arrivals", lang)
    df = pd.DataFrame({hour: intraday["hour"], arrivals: intraday["arrivals_per_day"]})
    return alt.Chart(df).mark_bar(color="#4c78a8").encode(
        x=alt.X(f"{hour}:O", axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{arrivals}:Q"),
        tooltip=[alt.Tooltip(f"{hour}:O"), alt.Tooltip(f"{arrivals}:Q", format=",.1f")],
    ).properties(height=260)


def response_chart(intraday: pd.DataFrame, lang: str, *, three_min_s: float = THREE_MIN_S) -> alt.LayerChart:
    """First response and queue wait per hour of day (lines) with the 3-minute line."""
    hour, series, secs = t("chart.hour", lang), t("chart.series", lang), t("chart.seconds", lang)
    names = {"first_response_s": t("chart.first_response", lang), "queue_wait_s": t("chart.queue_wait", lang)}
    df = intraday.rename(columns={"hour": hour})
    long = df.melt(id_vars=[hour], value_vars=list(names), var_name="code", value_name=secs).dropna(subset=[secs])
    long[series] = long["code"].map(names)
    lines = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X(f"{hour}:O", axis=alt.Axis(labelAngle=0), scale=alt.Scale(domain=list(range(24)))),
        y=alt.Y(f"{secs}:Q"),
        color=alt.Color(f"{series}:N", legend=alt.Legend(orient="top", title=None)),
        tooltip=[alt.Tooltip(f"{hour}:O"), alt.Tooltip(f"{series}:N"), alt.Tooltip(f"{secs}:Q", format=",.1f")],
    )
    rule_df = pd.DataFrame({secs: [three_min_s], "label": [t("chart.three_min", lang)]})
    rule = alt.Chart(rule_df).mark_rule(color=RULE_COLOUR, strokeDash=[6, 4], size=2).encode(y=f"{secs}:Q")
    text = alt.Chart(rule_df).mark_text(align="left", dx=4, dy=-6, color=RULE_COLOUR).encode(
        y=f"{secs}:Q", x=alt.value(0), text="label:N")
    return (lines + rule + text).properties(height=260)


def agent_chart(agents: pd.DataFrame, code: str, lang: str, rule: Rule | None) -> alt.LayerChart | alt.Chart:
    """One KPI per agent as bars, with the platform's line for that KPI when there is one."""
    who = t("chart.agent", lang)
    label = kpi_label(code, lang)
    unit = KPI_CODES[code].unit
    df = pd.DataFrame({who: agents["name"], label: agents[code].astype(float)})
    df["text"] = [kpi_value(code, v, lang) for v in df[label]]
    fmt = ".1%" if unit == "share" else ",.1f"
    bars = alt.Chart(df).mark_bar(color="#4c78a8").encode(
        x=alt.X(f"{who}:N", sort=None, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y(f"{label}:Q", axis=alt.Axis(format=fmt)),
        tooltip=[alt.Tooltip(f"{who}:N"), alt.Tooltip("text:N", title=label)],
    ).properties(height=260)
    if rule is None:
        return bars
    rdf = pd.DataFrame({label: [rule.value], "label": [t("chart.rule", lang)]})
    line = alt.Chart(rdf).mark_rule(color=RULE_COLOUR, strokeDash=[6, 4], size=2).encode(y=f"{label}:Q")
    text = alt.Chart(rdf).mark_text(align="left", dx=4, dy=-6, color=RULE_COLOUR).encode(
        y=f"{label}:Q", x=alt.value(0), text="label:N")
    return bars + line + text
