"""下月计划 / Next month: a history in, next month's forecast, hourly requirement, roster and scenario out; the
scenario goes to the Compare page to price the schemes on the planned month.

Widget keys (stable, ASCII): plan_upload, plan_sample, plan_cal_upload, plan_sample_cal, plan_quantile,
plan_template, plan_sim, plan_run, plan_day, plan_dl_toml, plan_to_compare (the link to Compare).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from model.errors import ScenarioError
from model.history.validate import load_history
from model.plan.calendar import Event, parse_calendar
from model.plan.plan import Plan, plan_history
from model.present.format import count, pct
from model.present.i18n import t
from model.present.i18n.plan import HOLIDAYS_ZH
from model.present.rules import line_text, pack_label
from model.scenario import load_scenario
from ui.state import PLANNED_KEY, current_lang
from ui.widgets import choose, scenario_title, show_error

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "plan" / "history_90d_hourly.csv"
SAMPLE_CAL = ROOT / "samples" / "plan" / "calendar_2026-11.toml"
DEFAULT_TEMPLATE = "scenarios/taobao_10_agents.toml"
SRC = "_plan_src"  # {"name", "data", "id"}: the history being planned from (not a widget)
RES = "_plan_res"  # {"sig", "plan"}: the last plan


def _set_source(name: str, data: bytes) -> None:
    st.session_state[SRC] = {"name": name, "data": data, "id": hashlib.sha1(data).hexdigest()[:12] + name}


def _pick_sample() -> None:
    _set_source(SAMPLE.name, SAMPLE.read_bytes())
    st.session_state["plan_sample_cal"] = True


def _on_upload() -> None:
    up = st.session_state.get("plan_upload")
    if up is not None:
        _set_source(up.name, up.getvalue())


def _templates() -> list[str]:
    from ui.pages.compare import scheme_scenarios

    files = scheme_scenarios()
    return sorted(files, key=lambda f: f != DEFAULT_TEMPLATE)


def _events(lang: str) -> tuple[list[Event], str] | None:
    """The calendar chosen (uploaded, the sample's, or none) and its id; None after an error."""
    import tomllib

    up = st.session_state.get("plan_cal_upload")
    try:
        if up is not None:
            data = up.getvalue()
            try:
                doc = tomllib.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
                raise ScenarioError(f"not a UTF-8 TOML file: {e}", file=up.name) from None
            return parse_calendar(doc, file=up.name), hashlib.sha1(data).hexdigest()[:12]
        if st.session_state.get("plan_sample_cal"):
            return parse_calendar(tomllib.loads(SAMPLE_CAL.read_text(encoding="utf-8")), file=SAMPLE_CAL.name), "sample"
    except ScenarioError as e:
        show_error(e, lang)
        return None
    return [], ""


def _make(src: dict[str, Any], events: list[Event], quantile: float, template: str, sim: bool) -> Plan:
    h = load_history(src["data"], name=src["name"])
    return plan_history(h, events=events, quantile=quantile, template=load_scenario(ROOT / template),
                        simulate_check=sim, file=src["name"])


# -------------------------------------------------------------------------------------------------- charts
def forecast_chart(p: Plan, lang: str) -> alt.Chart:
    """History and forecast per day, with the forecast's interval as a band."""
    hist = pd.DataFrame({"date": pd.to_datetime(p.forecast.history["date"]), "v": p.forecast.history["actual"],
                         "s": t("plan.s.history", lang)})
    d = p.forecast.days
    fc = pd.DataFrame({"date": pd.to_datetime(d["date"]), "v": d["mean"], "lo": d["lo"], "hi": d["hi"],
                       "s": t("plan.s.forecast", lang)})
    x = alt.X("date:T", title=t("plan.col.date", lang))
    color = alt.Color("s:N", title=t("plan.col.series", lang))
    band = alt.Chart(fc).mark_area(opacity=0.25).encode(x=x, y=alt.Y("lo:Q", title=t("plan.col.inquiries", lang)),
                                                        y2="hi:Q")
    lines = alt.Chart(pd.concat([hist, fc[["date", "v", "s"]]])).mark_line(point=True).encode(
        x=x, y="v:Q", color=color, tooltip=[alt.Tooltip("date:T"), alt.Tooltip("v:Q", format=",.0f")])
    return (band + lines).properties(height=300)


def hourly_chart(p: Plan, day: int, lang: str) -> alt.Chart:
    """Agents needed and rostered per hour of one day."""
    need, cover = p.roster.need[day], p.roster.cover[day]
    rows = [{"h": h, "n": float(need[h]), "s": t("plan.s.need", lang)} for h in range(24)]
    rows += [{"h": h, "n": float(cover[h]), "s": t("plan.s.cover", lang)} for h in range(24)]
    return alt.Chart(pd.DataFrame(rows)).mark_line(interpolate="step-after", point=True).encode(
        x=alt.X("h:Q", title=t("plan.col.hour", lang), scale=alt.Scale(domain=[0, 23])),
        y=alt.Y("n:Q", title=t("plan.col.agents", lang)),
        color=alt.Color("s:N", title=t("plan.col.series", lang))).properties(height=260)


def _workdays(r: pd.Series, p: Plan, lang: str) -> str:
    if r["days"] is not None:
        return ", ".join(f"{p.dates[d]:%m-%d}" for d in r["days"])
    if len(r["weekdays"]) == 7:
        return t("plan.every_day", lang)
    return " ".join(t(f"plan.weekday.{w}", lang) for w in r["weekdays"])


def day_label(label: str, lang: str) -> str:
    """A forecast day label in words: the shop's own event names as written, ``workday_weekend`` and
    ``holiday:<name>`` (chinesecalendar's English names) in the page's language, never as raw keys."""
    if label == "workday_weekend":
        return t("plan.label.workday_weekend", lang)
    if label == "holiday" or label.startswith("holiday:"):
        name = label.partition(":")[2]
        if not name or name == "holiday":
            return t("plan.label.holiday", lang)
        return t("plan.label.holiday_named", lang, name=HOLIDAYS_ZH.get(name, name) if lang == "zh" else name)
    return label


# -------------------------------------------------------------------------------------------------- render
def _results(p: Plan, lang: str) -> None:
    fc, ro, req = p.forecast, p.roster, p.requirement
    c = st.columns(4)
    c[0].metric(t("plan.m.inquiries", lang), count(fc.days["mean"].sum(), lang))
    c[1].metric(t("plan.m.peak", lang), str(int(req.need.max())))
    c[2].metric(t("plan.m.headcount", lang), str(ro.headcount))
    c[3].metric(t("plan.m.unmet", lang), str(len(ro.unmet)))
    mi = fc.month
    if mi:  # the month's total with its own interval (correlated days), beside the two naive sums
        st.caption(t("plan.month_interval", lang, level=pct(mi["level"], lang, digits=0), lo=count(mi["lo"], lang),
                     hi=count(mi["hi"], lang), paths=count(mi["paths"], lang), slo=count(mi["days_summed"][0], lang),
                     shi=count(mi["days_summed"][1], lang), ilo=count(mi["independent"][0], lang),
                     ihi=count(mi["independent"][1], lang)))
    line = line_text(req.line, req.value, lang)
    rp = p.rules
    st.caption(t("plan.line", lang, line=line, pack=pack_label(rp.pack, lang), date=rp.date) if rp and rp.pack
               else t("plan.line_plain", lang, line=line))
    bt = fc.backtest
    st.caption(t("plan.backtest", lang, days=bt.days, mape=pct(bt.mape, lang), wape=pct(bt.wape, lang),
                  naive=pct(bt.naive_wape, lang), level=pct(fc.level, lang, digits=0),
                  cov=pct(bt.coverage, lang, digits=0), method=fc.method) if bt else
               t("plan.no_backtest", lang, method=fc.method))
    st.subheader(t("plan.forecast", lang, level=pct(fc.level, lang, digits=0)))
    st.altair_chart(forecast_chart(p, lang), use_container_width=True)
    if fc.uplifts:
        st.markdown(f"**{t('plan.uplifts', lang)}**")
        st.dataframe(pd.DataFrame([{t("plan.col.label", lang): day_label(k, lang),
                                    t("plan.col.uplift", lang): round(v["uplift"], 3),
                                    t("plan.col.days", lang): v["days"]} for k, v in fc.uplifts.items()]),
                     hide_index=True)
    st.subheader(t("plan.hourly", lang))
    busiest = int(np.argmax(req.chats.sum(axis=1)))
    day = choose(st.selectbox, t("plan.day", lang), list(range(len(p.dates))), index=busiest, key="plan_day",
                 format_func=lambda i: f"{p.dates[i]:%Y-%m-%d} ({t(f'plan.weekday.{p.dates[i].weekday()}', lang)})")
    st.altair_chart(hourly_chart(p, int(day), lang), use_container_width=True)
    if req.check is not None:
        st.markdown(f"**{t('plan.check', lang, day=req.check_day + 1)}**")
        chk = req.check[req.check["chats"] > 0]
        st.dataframe(pd.DataFrame({t("plan.col.hour", lang): chk["hour"],
                                   t("plan.col.chats", lang): chk["chats"].round(0),
                                   t("plan.col.erlang_a", lang): chk["erlang_a"],
                                   t("plan.col.sim", lang): chk["sim"],
                                   t("plan.col.simv", lang): chk["sim_value_at_erlang_a"].round(3)}), hide_index=True)
        for n in req.notes:
            st.info(n[lang] if lang in n else n["en"])
    st.subheader(t("plan.shifts", lang))
    sh = ro.shifts
    st.dataframe(pd.DataFrame({t("plan.col.shift", lang): sh["name"], t("plan.col.start", lang): sh["start_h"],
                               t("plan.col.length", lang): sh["length_h"], t("plan.col.break", lang): sh["break_at_h"],
                               t("plan.col.agents", lang): sh["agents"],
                               t("plan.col.workdays", lang): [_workdays(r, p, lang) for _, r in sh.iterrows()]}),
                 hide_index=True)
    st.markdown(f"**{t('plan.unmet', lang)}**")
    if len(ro.unmet):
        st.dataframe(pd.DataFrame({t("plan.col.day", lang): [f"{p.dates[int(d)]:%m-%d}" for d in ro.unmet["day"]],
                                   t("plan.col.hour", lang): ro.unmet["hour"],
                                   t("plan.col.short", lang): ro.unmet["short"]}), hide_index=True)
    else:
        st.success(t("plan.all_met", lang))
    with st.expander(t("plan.notes", lang)):
        for n in p.notes:
            st.markdown(f"- {n}")
    stem = f"plan_{p.dates[0]:%Y-%m}"
    st.download_button(t("plan.download", lang), p.toml.encode("utf-8"), file_name=f"{stem}.toml",
                       mime="application/toml", key="plan_dl_toml")
    _hand_over(p, stem, lang)


def _hand_over(p: Plan, stem: str, lang: str) -> None:
    """Store the planned scenario for the Compare page and link there (as the History page does for Simulate)."""
    if not p.scenario.schemes:
        st.warning(t("plan.no_schemes", lang))
        return
    ss = st.session_state
    held = ss.get(PLANNED_KEY)
    if not held or held.get("toml") != p.toml:
        ss[PLANNED_KEY] = {"name": f"{stem}.toml", "toml": p.toml, "select": True}
    from streamlit.errors import StreamlitAPIException

    from ui.pages import compare

    try:
        with st.container(key="plan_to_compare"):
            st.page_link(st.Page(compare.render, url_path="compare"), label=t("plan.to_compare", lang),
                         icon=":material/compare_arrows:", help=t("plan.to_compare_help", lang))
    except StreamlitAPIException:  # the page is not in a navigation (e.g. rendered alone in a test)
        st.info(t("plan.to_compare_fallback", lang))


def render() -> None:
    """Draw the Next-month page (language from ``st.session_state["lang"]``)."""
    lang = current_lang()
    ss = st.session_state
    st.title(t("plan.title", lang))
    st.caption(t("plan.intro", lang))
    st.file_uploader(t("plan.upload", lang), type=["csv", "xlsx"], key="plan_upload", on_change=_on_upload)
    st.button(t("plan.sample", lang), key="plan_sample", on_click=_pick_sample)
    src = ss.get(SRC)
    if not src:
        st.info(t("plan.start", lang))
        return
    st.success(t("plan.using", lang, name=src["name"]))
    st.file_uploader(t("plan.calendar", lang), type=["toml"], key="plan_cal_upload")
    st.checkbox(t("plan.sample_calendar", lang), key="plan_sample_cal")
    ev = _events(lang)
    if ev is None:
        return
    events, cal_id = ev
    c1, c2 = st.columns(2)
    quantile = c1.slider(t("plan.quantile", lang), 0.5, 0.95, 0.8, 0.05, key="plan_quantile",
                         help=t("plan.quantile_help", lang))
    template = choose(c2.selectbox, t("plan.template", lang), _templates(), key="plan_template",
                      format_func=scenario_title)
    sim = st.checkbox(t("plan.sim", lang), value=True, key="plan_sim")
    sig = (src["id"], cal_id, float(quantile), template, bool(sim))
    if st.button(t("plan.run", lang), key="plan_run", type="primary"):
        try:
            with st.spinner(t("plan.running", lang)):
                ss[RES] = {"sig": sig, "plan": _make(src, events, float(quantile), template, bool(sim))}
        except ScenarioError as e:
            ss.pop(RES, None)
            show_error(e, lang)
            return
    res = ss.get(RES)
    if res and res["sig"] == sig:
        _results(res["plan"], lang)
