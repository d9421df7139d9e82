"""The History page's third tab: which scheme paid each month, the agents' response estimated from the months, and
the back-test of the last month (model/history/response.py; issue 14). Thin: the model does every number.

Widget keys (stable, ASCII): hist_months_upload, hist_resp_template, hist_month_<YYYY-MM>, hist_estimate,
hist_resp_params, hist_bt_team, hist_bt_agents, hist_dl_fitted, hist_resp_to_sim.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from model.errors import ScenarioError
from model.history.months import BASE_ONLY, match_months, parse_month_schemes, split_months
from model.history.validate import History
from model.present.format import kpi_value, money, pct
from model.present.i18n import t
from ui import scenarios as sc
from ui.state import CALIBRATED_KEY
from ui.widgets import choose

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_MONTHS = ROOT / "samples" / "months" / "months.toml"
SAMPLE_EXPORT = "shop_2026-07_10.csv"
RESULT = "_hist_resp"  # {"sig", "est", "bt", "toml"}: the last estimate


def _months_doc(h: History, src_name: str, lang: str) -> tuple[dict | None, str, str | None]:
    """The months document ([[schemes]] + [months]), where it came from, and the template scenario (if chosen):
    an uploaded file, the sample's, or built from a shipped scenario's schemes picked per month."""
    up = st.file_uploader(t("resp.upload", lang), type=["toml"], key="hist_months_upload",
                          help=t("resp.upload_help", lang))
    if up is not None:
        try:
            return tomllib.loads(up.getvalue().decode("utf-8")), up.name, None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            st.error(t("resp.bad_toml", lang, name=up.name, err=str(e)))
            return None, up.name, None
    if src_name == SAMPLE_EXPORT:
        st.caption(t("resp.sample_months", lang))
        return tomllib.loads(SAMPLE_MONTHS.read_text(encoding="utf-8")), "samples/months/months.toml", None
    files = ["", *sc.shipped_scenarios()]
    template = choose(st.selectbox, t("resp.template", lang), files, key="hist_resp_template",
                      format_func=lambda f: t("resp.template_pick", lang) if f == "" else f)
    if not template:
        st.info(t("resp.need_schemes", lang))
        return None, "", None
    s = sc.load_shipped(path=template)
    names = [BASE_ONLY[0]] + [x.name for x in s.schemes]
    months = list(split_months([h]))
    cols = st.columns(min(len(months), 4) or 1)
    pick: dict[str, str] = {}
    for i, m in enumerate(months):
        pick[m] = choose(cols[i % len(cols)].selectbox, t("resp.month", lang, month=m), names,
                         key=f"hist_month_{m}", format_func=lambda n: t("resp.base_only", lang) if n == "" else n)
    return {"schemes": [x.model_dump(mode="json", exclude_none=True) for x in s.schemes], "months": pick}, template, \
        template


def _run(h: History, doc: dict, file: str, template: str | None, lang: str) -> dict[str, Any]:
    from model.history.response import backtest, behaviour_toml, estimate, norm_scenario, with_behaviour

    months = match_months([h], parse_month_schemes(doc, file), file=file)
    tpl = sc.load_shipped(path=template) if template else None
    bar = st.progress(0.0, text=t("resp.running", lang))

    def tick(part: float, label: str):
        def f(done: int, total: int) -> None:
            bar.progress(min(1.0, part + 0.5 * done / max(total, 1)), text=t(label, lang, done=done, total=total))
        return f

    s, norm, cal = norm_scenario(months, tpl)
    est = estimate(months, tpl, norm=(s, norm), progress=tick(0.0, "resp.progress_fit"))
    bt = backtest(months, tpl, progress=tick(0.5, "resp.progress_bt"))
    bar.empty()
    text = with_behaviour(cal.toml, behaviour_toml(est, tpl, bt))
    return {"est": est, "bt": bt, "toml": text}


def _num(v: float) -> str:
    """A parameter value: whole yuan from 100 up, three significant digits below (no exponents)."""
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}"


def _params_frame(est: Any, lang: str) -> pd.DataFrame:
    rows = []
    for r in est.table():
        ok = r["identified"]
        rows.append({t("resp.col.param", lang): t("resp.param_unit", lang, name=r[lang]),
                     t("resp.col.start", lang): _num(r["start"]),
                     t("resp.col.estimate", lang): _num(r["estimate"]),
                     t("resp.col.interval", lang): f"{_num(r['low'])} – {_num(r['high'])}" if ok
                     else t("resp.not_identified", lang),
                     t("resp.col.note", lang): r[f"reason_{lang}"]})
    return pd.DataFrame(rows)


def _value(code: str, v: float, lang: str) -> str:
    return kpi_value(code, v, lang) if code != "sales_yuan" else money(v, lang)


def _bt_frame(bt: dict[str, Any], lang: str) -> pd.DataFrame:
    rows = []
    for code, v in bt["team"].items():
        rows.append({t("resp.col.kpi", lang): v[lang], t("resp.col.forecast", lang): _value(code, v["forecast"], lang),
                     t("resp.col.bt_interval", lang): f"{_value(code, v['low'], lang)} – {_value(code, v['high'], lang)}",
                     t("resp.col.actual", lang): _value(code, v["actual"], lang),
                     t("resp.col.inside", lang): t("resp.inside" if v["inside"] else "resp.outside", lang)})
    return pd.DataFrame(rows)


def backtest_chart(bt: dict[str, Any], code: str, lang: str) -> alt.Chart:
    """Per agent: the forecast's 90% interval (bar), the forecast (tick) and the actual (dot) of one KPI."""
    rows = [{"agent": a["name"], "low": a[code]["low"], "high": a[code]["high"], "forecast": a[code]["forecast"],
             "actual": a[code]["actual"]} for a in bt["agents"] if code in a]
    df = pd.DataFrame(rows)
    share = code in ("inquiry_conversion", "good_rating_rate")
    fmt = ".1%" if share else ",.1f"
    title = t("resp.chart_agent", lang)
    y = alt.Y("agent:N", title=title, sort=None)
    scale = alt.Scale(zero=False)
    band = alt.Chart(df).mark_bar(size=10, opacity=0.35, color="#4c78a8").encode(
        y=y, x=alt.X("low:Q", title=bt["team"][code][lang], scale=scale, axis=alt.Axis(format=fmt)), x2="high:Q")
    tick = alt.Chart(df).mark_tick(color="#4c78a8", thickness=2, size=14).encode(
        y=y, x=alt.X("forecast:Q", scale=scale), tooltip=[alt.Tooltip("forecast:Q", format=fmt)])
    dot = alt.Chart(df).mark_point(color="#e45756", filled=True, size=70).encode(
        y=y, x=alt.X("actual:Q", scale=scale), tooltip=["agent:N", alt.Tooltip("actual:Q", format=fmt)])
    return (band + tick + dot).properties(height=28 * max(len(df), 3) + 40)


def render_tab(h: History, src: dict[str, Any], lang: str) -> None:
    """Draw the tab."""
    ss = st.session_state
    st.caption(t("resp.intro", lang))
    months = list(split_months([h]))
    st.markdown(t("resp.months_found", lang, n=len(months), months=", ".join(months)))
    if len(months) < 2:
        st.info(t("resp.one_month", lang))
        return
    doc, file, template = _months_doc(h, src["name"], lang)
    if doc is None:
        return
    sig = hashlib.sha1(json.dumps([src["id"], doc, file, template], ensure_ascii=False, sort_keys=True, default=str)
                       .encode("utf-8")).hexdigest()
    if st.button(t("resp.run", lang), key="hist_estimate", type="primary", help=t("resp.run_help", lang)):
        try:
            ss[RESULT] = {"sig": sig, **_run(h, doc, file, template, lang)}
        except ScenarioError as e:
            st.error(f"**{t('resp.error', lang)}**\n\n{e}")
            return
    res = ss.get(RESULT)
    if not res or res["sig"] != sig:
        return
    est, bt = res["est"], res["bt"]
    st.subheader(t("resp.params_title", lang, months=", ".join(est.months)))
    st.caption(est.norm[0 if lang == "zh" else 1])
    st.dataframe(_params_frame(est, lang), hide_index=True, key="hist_resp_params")
    for z, e in est.notes:
        st.warning(z if lang == "zh" else e)
    st.subheader(t("resp.bt_title", lang))
    if not bt.get("available"):
        st.info(bt["reason"][0 if lang == "zh" else 1])
    else:
        st.markdown(t("resp.bt_lead", lang, month=bt["month"], fit=", ".join(bt["fit_months"]),
                      scheme=bt["scheme"] or t("resp.base_only", lang)))
        inside = sum(v["inside"] for v in bt["team"].values())
        (st.success if inside == len(bt["team"]) else st.warning)(
            t("resp.bt_summary", lang, k=inside, n=len(bt["team"])))
        st.dataframe(_bt_frame(bt, lang), hide_index=True, key="hist_bt_team")
        codes = [c for c in ("inquiry_conversion", "avg_response_s", "good_rating_rate", "aov_yuan")
                 if c in bt["team"]]
        labels = {c: bt["team"][c][lang] for c in codes}
        code = choose(st.radio, t("resp.chart_kpi", lang), codes, key="hist_bt_kpi", format_func=labels.get,
                      horizontal=True)
        st.altair_chart(backtest_chart(bt, code, lang), key="hist_bt_agents")
        st.caption(t("resp.chart_x", lang))
        share = bt["inside_share"].get(code)
        if share is not None:
            st.caption(t("resp.bt_agents_note", lang, share=pct(share, lang, digits=0)))
    st.download_button(t("resp.download", lang), data=res["toml"].encode("utf-8"),
                       file_name=f"{Path(h.name).stem}_fitted.toml", mime="application/toml", key="hist_dl_fitted")
    held = ss.get(CALIBRATED_KEY)
    if st.button(t("resp.use", lang), key="hist_resp_to_sim"):
        if not held or held.get("toml") != res["toml"]:
            ss[CALIBRATED_KEY] = {"name": f"{Path(h.name).stem}_fitted.toml", "toml": res["toml"], "select": True}
        st.success(t("resp.used", lang))
