"""The behaviour section of the compare page: forecast beside mechanics and assumption, each agent's response, the
net-gain-against-target curve with a slider, the sensitivity tornado and the ratchet's month path.

Thin: the numbers come from the comparison document (``model.pipeline.compare_schemes``) and from
``model.behaviour`` (the curve and the tornado, cached per scenario). Every text goes through
:mod:`model.present.i18n`.
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from model.behaviour.curve import target_curve
from model.behaviour.sensitivity import sensitivity, swing
from model.effects import Effects
from model.pipeline import run_for
from model.present.charts_compare import AUTOSIZE, CJK_FONT
from model.present.format import money, pct
from model.present.i18n import t
from model.schema import Scenario, scenario_from_dict
from model.schemes.targets import target_grid, targets
from model.text import finite as _num
from ui.widgets import choose

BASES = ("forecast", "mechanics", "assumption")
DIMS = ("selling", "speed", "service", "gaming")
CHART_HEIGHT = 300


def _style(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    # fit-x: the height is the plot's (Streamlit's default "fit" squeezes legend and title into it)
    chart = chart.properties(autosize=AUTOSIZE)
    return chart.configure(font=CJK_FONT).configure_axis(labelFont=CJK_FONT, titleFont=CJK_FONT) \
        .configure_legend(labelFont=CJK_FONT, titleFont=CJK_FONT, labelLimit=320, orient="bottom") \
        .configure_title(font=CJK_FONT, anchor="start")


# ------------------------------------------------------------------------------------------------ frames
def views_frame(doc: dict[str, Any], lang: str) -> pd.DataFrame:
    """One row per (scheme, basis): forecast, mechanics only and the manager's assumption where present."""
    rows = []
    for name, b in (doc.get("schemes") or {}).items():
        beh = b.get("behaviour") or {}
        views = [("forecast" if beh else b.get("basis", "mechanics"), b)] + list((b.get("views") or {}).items())
        for basis, v in views:
            e, team = v["economics"], v["team"]
            ng = e.get("net_gain_yuan", {})
            lo, hi = _num(ng.get("lo")), _num(ng.get("hi"))
            rows.append({
                t("beh.col.scheme", lang): name,
                t("beh.col.basis", lang): t(f"beh.basis.{basis}", lang),
                t("beh.col.net", lang): money(ng.get("mean"), lang),
                t("beh.col.net_ci", lang): "—" if lo is None else f"[{money(lo, lang)}, {money(hi, lang)}]",
                t("beh.col.uplift", lang): money(e.get("uplift_yuan", {}).get("mean"), lang),
                t("beh.col.cost", lang): money(e.get("bonus_cost_yuan", {}).get("mean"), lang),
                t("beh.col.conv", lang): pct(team.get("inquiry_conversion", {}).get("mean"), lang),
                t("beh.col.resp", lang): "—" if _num(team.get("avg_response_s", {}).get("mean")) is None
                else f"{team['avg_response_s']['mean']:.1f}",
                t("beh.col.effort", lang): (f"{beh['team_effort']['selling']:+.2f}"
                                             if basis == "forecast" and beh else ""),
                t("beh.col.gave_up", lang): (f"{beh.get('gave_up', 0)} / {len(beh.get('agents', []))}"
                                              if basis == "forecast" and beh else ""),
            })
    return pd.DataFrame(rows)


def effort_frame(block: dict[str, Any], lang: str) -> pd.DataFrame:
    """Long frame of each agent's effort per dimension (for the grouped bar chart)."""
    rows = []
    for a in (block.get("behaviour") or {}).get("agents", []):
        for d, v in a["effort"].items():
            rows.append({"agent": a["name"], "dim": t(f"beh.dim.{d}", lang), "effort": float(v)})
    return pd.DataFrame(rows, columns=["agent", "dim", "effort"])


def agent_table(block: dict[str, Any], lang: str) -> pd.DataFrame:
    """Per agent: efforts, chance of reaching each paid target, expected pay and bonus, state."""
    rows = []
    for a in (block.get("behaviour") or {}).get("agents", []):
        state = ("gave_up" if a["gave_up"] else "secure" if a["secure"]
                 else "trying" if max(a["effort"].values()) > 0.15 else "none")
        reach = a.get("p_reach") or {}
        row = {t("beh.agent", lang): a["name"]}
        top = set(a.get("at_ceiling") or [])
        row.update({t(f"beh.dim.{d}", lang): f"{v:+.2f}" + (f" {t('beh.at_ceiling', lang)}" if d in top else "")
                    for d, v in a["effort"].items()})
        row[t("beh.col.p_reach", lang)] = " · ".join(pct(v, lang, digits=0) for v in reach.values()) or "—"
        row[t("beh.col.pay", lang)] = money(a["expected_pay_yuan"], lang)
        row[t("beh.col.var_pay", lang)] = money(a["expected_variable_pay_yuan"], lang)
        row[t("beh.col.state", lang)] = t(f"beh.state.{state}", lang)
        rows.append(row)
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------------ charts
def effort_chart(block: dict[str, Any], lang: str) -> alt.TopLevelMixin:
    """Grouped bars: each agent's effort on each dimension (0 = today's norm)."""
    df = effort_frame(block, lang)
    chart = alt.Chart(df).mark_bar().encode(
        x=alt.X("agent:N", title=t("beh.agent", lang), sort=None, axis=alt.Axis(labelAngle=-40)),
        xOffset=alt.XOffset("dim:N"),
        y=alt.Y("effort:Q", title=t("beh.level", lang), scale=alt.Scale(domain=[-0.6, 1.05])),
        color=alt.Color("dim:N", title=t("beh.dim", lang)),
        tooltip=["agent", "dim", alt.Tooltip("effort:Q", format="+.2f")],
    ).properties(height=CHART_HEIGHT, width="container")
    return _style(chart)


def curve_chart(curve: pd.DataFrame, lang: str, current: float, chosen: float) -> alt.TopLevelMixin:
    """Net gain, gross profit from uplift and bonus cost against the target value, with the current and chosen
    targets marked."""
    long = pd.concat([
        pd.DataFrame({"target": curve["target"], "yuan": curve["net_gain_yuan"], "series": t("beh.series.net", lang)}),
        pd.DataFrame({"target": curve["target"], "yuan": curve["profit_yuan"],
                      "series": t("beh.series.uplift_profit", lang)}),
        pd.DataFrame({"target": curve["target"], "yuan": curve["bonus_cost_yuan"], "series": t("beh.series.cost", lang)}),
    ])
    base = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("target:Q", title=t("beh.curve_target", lang), axis=alt.Axis(format="%"),
                scale=alt.Scale(zero=False)),
        y=alt.Y("yuan:Q", title=t("beh.axis.yuan", lang)),
        color=alt.Color("series:N", title=None),
        tooltip=[alt.Tooltip("target:Q", format=".1%"), "series", alt.Tooltip("yuan:Q", format=",.0f")],
    )
    marks = pd.DataFrame({"target": [current, chosen], "kind": ["now", "chosen"]})
    rules = alt.Chart(marks).mark_rule(strokeDash=[4, 3]).encode(
        x="target:Q", color=alt.value("#888"), size=alt.condition("datum.kind == 'chosen'", alt.value(2), alt.value(1)))
    return _style((base + rules).properties(height=CHART_HEIGHT, width="container"))


def tornado_chart(table: dict[str, Any], headline: str, lang: str) -> alt.TopLevelMixin:
    """Horizontal bars of the change of one headline at the low and the high end of each parameter."""
    rows = []
    names = {r["param"]: r[lang if lang in ("zh", "en") else "zh"] for r in table["rows"]}
    for param, lo, hi in swing(table, headline):
        rows.append({"param": names[param], "side": t("beh.sens.low", lang), "change": lo})
        rows.append({"param": names[param], "side": t("beh.sens.high", lang), "change": hi})
    df = pd.DataFrame(rows, columns=["param", "side", "change"])
    order = list(dict.fromkeys(df["param"]))
    chart = alt.Chart(df).mark_bar().encode(
        y=alt.Y("param:N", title=t("beh.sens.param", lang), sort=order),
        x=alt.X("change:Q", title=t("beh.sens.change", lang)),
        color=alt.Color("side:N", title=t("beh.sens.side", lang)),
        tooltip=["param", "side", alt.Tooltip("change:Q", format=",.3~f")],
    ).properties(height=max(CHART_HEIGHT, 26 * max(1, len(order))), width="container")
    return _style(chart)


# ------------------------------------------------------------------------------------------------ cached model calls
def _base(scen: Scenario, cache: MutableMapping | None):
    return run_for(scen, Effects(), cache=cache)


@st.cache_data(show_spinner=False, max_entries=16)
def _curve_cached(scen_json: str, scheme: str, label: str, targets: tuple[float, ...], _cache=None) -> pd.DataFrame:
    scen = scenario_from_dict(json.loads(scen_json))
    sc = next(x for x in scen.schemes if x.name == scheme)
    curve = target_curve(scen, sc, _base(scen, _cache), label, list(targets))
    curve["profit_yuan"] = curve["uplift_yuan"] * scen.economics.gross_margin_share
    return curve


@st.cache_data(show_spinner=False, max_entries=8)
def _sensitivity_cached(scen_json: str, scheme: str, _cache=None) -> dict[str, Any]:
    scen = scenario_from_dict(json.loads(scen_json))
    sc = next(x for x in scen.schemes if x.name == scheme)
    return sensitivity(scen, sc, _base(scen, _cache))


# ------------------------------------------------------------------------------------------------ section
def render_behaviour(doc: dict[str, Any], scen: Scenario, lang: str, cache: MutableMapping | None = None,
                     heavy: bool = True) -> None:
    """The behaviour section (call it between the headline cards and the charts); ``heavy=False`` leaves out the
    target curve and the sensitivity analysis (many equilibria: the quick forecast shows them after confirming)."""
    st.subheader(t("beh.header", lang))
    if (doc.get("behaviour_model") or scen.behaviour.model) == "none":
        st.info(t("beh.off", lang))
        return
    st.caption(t("beh.intro", lang))
    level = next((100 * b["economics_interval_level"] for b in doc["schemes"].values()
                  if b.get("economics_interval_level")), 90.0)
    st.dataframe(views_frame(doc, lang), hide_index=True, width="stretch")
    st.caption(t("beh.compare_caption", lang, level=level))

    names = [n for n, b in doc["schemes"].items() if b.get("behaviour")]
    if not names:
        return
    st.markdown(f"**{t('beh.agents_header', lang)}**")
    default = next((i for i, n in enumerate(names) if doc["schemes"][n]["behaviour"].get("responds")), 0)
    name = st.selectbox(t("beh.pick_scheme", lang), names, index=default, key="beh_scheme")
    block = doc["schemes"][name]
    beh = block["behaviour"]
    notes = beh.get("notes", {}).get(lang if lang in ("zh", "en") else "zh", [])
    if not beh.get("responds"):
        st.info(t("beh.no_response", lang))
    else:
        (st.success if beh.get("converged") else st.warning)(
            t("beh.converged", lang, rounds=beh.get("rounds")) if beh.get("converged")
            else t("beh.not_converged", lang))
        for n in notes:
            st.caption(n)
        st.altair_chart(effort_chart(block, lang), width="stretch")
        st.dataframe(agent_table(block, lang), hide_index=True, width="stretch")
    if heavy:
        _curve_section(scen, name, lang, cache)
        _sensitivity_section(scen, name, lang, cache)
    else:
        st.caption(t("beh.heavy_later", lang))
    _months_section(doc, name, lang)


def _curve_section(scen: Scenario, name: str, lang: str, cache: MutableMapping | None) -> None:
    sc = next(x for x in scen.schemes if x.name == name)
    comps = targets(sc)
    st.markdown(f"**{t('beh.curve_header', lang)}**")
    if not comps:
        st.caption(t("beh.curve_none", lang))
        return
    st.caption(t("beh.curve_intro", lang, days=scen.meta.days))
    labels = [x.label for x in comps]
    label = labels[0] if len(labels) == 1 else st.selectbox(t("beh.curve_component", lang), labels, key="beh_comp")
    comp = next(x for x in comps if x.label == label)
    grid = tuple(target_grid(comp.value, comp.kpi))
    scen_json = json.dumps(scen.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    with st.spinner(t("beh.curve_running", lang)):
        curve = _curve_cached(scen_json, name, label, grid, _cache=cache)
    fmt = (lambda v: pct(v, lang)) if comp.share else (lambda v: f"{v:,.1f}")  # noqa: E731
    chosen = st.select_slider(t("beh.curve_target", lang), options=list(grid),
                              value=min(grid, key=lambda g: abs(g - comp.value)), format_func=fmt,
                              key=f"beh_target_{name}_{label}")
    best = curve.loc[curve["net_gain_yuan"].idxmax()]
    st.altair_chart(curve_chart(curve, lang, comp.value, float(chosen)), width="stretch")
    st.markdown(t("beh.curve_best", lang, best=fmt(best["target"]), net=money(best["net_gain_yuan"], lang),
                   cur=fmt(comp.value)))
    row = curve.loc[(curve["target"] - chosen).abs().idxmin()]
    st.markdown(t("beh.curve_at", lang, target=fmt(row["target"]), uplift=money(row["uplift_yuan"], lang),
                   cost=money(row["bonus_cost_yuan"], lang), net=money(row["net_gain_yuan"], lang),
                   reach=pct(row["reach_share"], lang), gave_up=int(row["gave_up"])))


def _sensitivity_section(scen: Scenario, name: str, lang: str, cache: MutableMapping | None) -> None:
    sc = next(x for x in scen.schemes if x.name == name)
    if not targets(sc):
        return
    st.markdown(f"**{t('beh.sens_header', lang)}**")
    st.caption(t("beh.sens_intro", lang))
    scen_json = json.dumps(scen.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    key = f"beh_sens_{hash(scen_json)}_{name}"
    if st.button(t("beh.sens_run", lang), key="beh_sens_run"):
        st.session_state[key] = True
    if not st.session_state.get(key):
        return
    with st.spinner(t("beh.sens_running", lang)):
        table = _sensitivity_cached(scen_json, name, _cache=cache)
    b = table["base"]
    st.caption(t("beh.sens_base", lang, best=pct(b["best_target"], lang), net=money(b["net_gain_yuan"], lang),
                  resp=f"{b['avg_response_s']:.1f}" if b["avg_response_s"] is not None else "—"))
    headline = choose(st.radio, t("beh.sens_headline", lang), ["best_target", "net_gain_yuan", "avg_response_s"],
                      format_func=lambda h: t(f"beh.sens.{h}", lang), horizontal=True, key="beh_sens_headline")
    st.altair_chart(tornado_chart(table, headline, lang), width="stretch")


def _months_section(doc: dict[str, Any], name: str, lang: str) -> None:
    path = (doc.get("months") or {}).get(name)
    if not path:
        return
    st.markdown(f"**{t('beh.months_header', lang)}**")
    st.caption(t("beh.months_intro", lang))
    st.dataframe(pd.DataFrame([{
        t("beh.m.month", lang): r["month"], t("beh.m.target", lang): pct(r["target"], lang),
        t("beh.m.result", lang): pct(r["result"], lang), t("beh.m.net", lang): money(r["net_gain_yuan"], lang),
        t("beh.m.effort", lang): "—" if r.get("selling_effort") is None else f"{r['selling_effort']:+.2f}",
    } for r in path]), hide_index=True, width="stretch")
