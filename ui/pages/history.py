"""历史数据 / History: import a KPI export, preview it with the problems marked, replay it under the schemes of a
scenario, calibrate a scenario from it, check the fit, and continue to Simulate with the calibrated scenario.

Widget keys (stable, ASCII): hist_upload, hist_sample_<name>, hist_sheet, hist_skip, hist_map_<i>,
hist_scenario, hist_paid_under, hist_dl_csv, hist_dl_xlsx, hist_template, hist_calibrate, hist_dl_toml,
hist_fit_reps, hist_fit, hist_to_sim (the link to Simulate), plus the tables hist_report, hist_preview, hist_replay, hist_pay,
hist_agents_est, hist_fit_team, hist_fit_agents.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from model.errors import ScenarioError
from model.history.calibrate import calibrate
from model.history.export import csv_bytes, safe_cell, safe_frame, xlsx_bytes
from model.history.fit import fit_report
from model.history.headers import header_table
from model.history.problems import HistoryError
from model.history.read import MAX_BYTES, RawTable, human_size, read_bytes
from model.history.replay import replay, replay_table
from model.history.validate import MAPPABLE, History, bulk, column_map, raw_frame, validate
from model.present.format import count, kpi_value, money, pct
from model.present.i18n import kpi_label, t
from ui import scenarios as sc
from ui.state import CALIBRATED_KEY, current_lang
from ui.widgets import choose

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = ROOT / "samples" / "history"
SAMPLES = {"qianniu": "qianniu_2026-10_gbk.csv", "feige": "feige_2026-10.xlsx",
           "kuaishou": "kuaishou_2026-10_utf8.csv", "hourly": "hourly_2026-10_utf8bom.csv",
           "months": "../months/shop_2026-07_10.csv"}  # four months under different schemes (issue 14)
SRC = "_hist_src"  # {"name", "data", "id"}: the file being worked on (not a widget)
CAL = "_hist_cal"  # {"sig", "cal"}: the last calibration
FIT = "_hist_fit"  # {"sig", "fit"}: the last fit report
ERR_STYLE = "background-color: #ffd6d6; color: #8b0000; font-weight: 600"
ROW_STYLE = "background-color: #fff3f3"
PREVIEW_ROWS = 100
MAX_MAP = 12


# ------------------------------------------------------------------------------------------------ source
def _set_source(name: str, data: bytes) -> None:
    ss = st.session_state
    ss[SRC] = {"name": name, "data": data, "id": hashlib.sha1(data).hexdigest()[:12] + name}
    for k in [k for k in ss.keys() if str(k).startswith("hist_map_") or k == "hist_sheet"]:
        del ss[k]


def _pick_sample(key: str) -> None:
    fname = SAMPLES[key]
    _set_source(Path(fname).name, (SAMPLE_DIR / fname).read_bytes())


def _on_upload() -> None:
    up = st.session_state.get("hist_upload")
    if up is not None:
        _set_source(up.name, up.getvalue())


@st.cache_resource(show_spinner=False, max_entries=8)  # shared, not copied: nothing mutates it
def _read(data: bytes, name: str, sheet: str | None, mapping: tuple[tuple[str, str], ...]) -> RawTable:
    with bulk():
        return read_bytes(data, name, sheet=sheet, mapping=dict(mapping))


@st.cache_resource(show_spinner=False, max_entries=8)  # shared, not copied: nothing mutates it
def _validate(key: str, _raw: RawTable, mapping: tuple[tuple[str, str], ...], skip: bool) -> History:
    """Validation, cached on the file id and sheet (``key``) instead of hashing every cell on each rerun."""
    with bulk():
        return validate(_raw, mapping=dict(mapping), skip_bad_rows=skip)


# ------------------------------------------------------------------------------------------------ preview
def styled(frame: pd.DataFrame, problems: list[Any]) -> Any:
    """A pandas Styler marking the problem cells (row, column) in red and their rows in light red.

    Text is shown escaped (:func:`model.history.export.safe_frame`): the table's own "download as CSV" button
    must not hand a formula-injection cell back to a spreadsheet unescaped.
    """
    frame = safe_frame(frame)
    css = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for p in problems:
        if p.row is None or p.row not in css.index:
            continue
        css.loc[p.row, :] = css.loc[p.row, :].where(css.loc[p.row, :] != "", ROW_STYLE)
        col = safe_cell(p.column) if p.column else None
        if col in css.columns:
            css.loc[p.row, col] = ERR_STYLE
    return frame.style.apply(lambda _: css, axis=None)


def _table(df: pd.DataFrame, **kw: Any) -> None:
    """st.dataframe of a table with text cells escaped (its download button writes CSV)."""
    st.dataframe(safe_frame(df), **kw)


def _report(report: Any, frame: pd.DataFrame, lang: str) -> None:
    rows = report.rows(lang)
    if rows:
        st.markdown(f"**{t('hist.report', lang)}**")
        cols = {k: t(f"hist.col.{k}", lang) for k in ("row", "column", "value", "problem", "allowed")}
        _table(pd.DataFrame(rows).rename(columns=cols), hide_index=True, key="hist_report")
        bad = [r for r in report.problem_rows if r in frame.index]
        if bad:
            st.markdown(f"**{t('hist.problem_rows', lang)}**")
            st.dataframe(styled(frame.loc[bad], report.problems), key="hist_problem_rows")


def _preview(frame: pd.DataFrame, problems: list[Any], lang: str) -> None:
    st.markdown(f"**{t('hist.preview', lang, n=min(PREVIEW_ROWS, len(frame)))}**")
    st.dataframe(styled(frame.head(PREVIEW_ROWS), problems), key="hist_preview",
                 height=min(300, 38 + 35 * min(PREVIEW_ROWS, len(frame))))


def _header_help(lang: str) -> None:
    with st.expander(t("hist.headers", lang)):
        df = pd.DataFrame(header_table()).rename(columns={"code": t("hist.col.code", lang),
                                                          "kind": t("hist.col.kind", lang),
                                                          "headers": t("hist.col.headers", lang)})
        st.dataframe(df, hide_index=True, key="hist_header_table")


# ------------------------------------------------------------------------------------------------ import
def _mapping_widgets(raw: RawTable, lang: str) -> tuple[tuple[str, str], ...]:
    """Selectors for the headers the table does not know; returns the hand mapping (header, code)."""
    ss = st.session_state
    chosen = {h: ss.get(f"hist_map_{i}", "") for i, h in enumerate(raw.headers[:MAX_MAP])}
    _, unknown = column_map(raw.headers, {h: c for h, c in chosen.items() if c})
    unknown = [h for h in raw.headers[:MAX_MAP] if h in unknown or chosen.get(h)]
    if not unknown:
        return ()
    out = []
    with st.expander(t("hist.mapping", lang), expanded=False):
        st.caption(t("hist.mapping_help", lang))
        cols = st.columns(3)
        for k, h in enumerate(unknown):
            i = raw.headers.index(h)
            code = choose(cols[k % 3].selectbox, h, ["", *MAPPABLE], key=f"hist_map_{i}",
                          format_func=lambda c: t("hist.ignore", lang) if c == "" else
                          (kpi_label(c, lang) + f" ({c})" if c not in ("agent", "date", "hour") else c))
            if code:
                out.append((h, code))
    return tuple(out)


def _import(src: dict[str, Any], lang: str) -> History | None:
    """Read and validate the chosen file; shows the problems and returns None when it cannot be used."""
    ss = st.session_state
    sheet = ss.get("hist_sheet") or None
    hand: tuple[tuple[str, str], ...] = tuple(
        (k, v) for k, v in ss.get("_hist_map_last", ()) if v)  # the mapping chosen on the previous run
    try:
        with st.spinner(t("hist.reading", lang)):
            raw = _read(src["data"], src["name"], sheet, hand)
    except HistoryError as e:
        st.error(f"**{t('hist.file_error', lang)}**\n\n{e.headline(lang)}")
        return None
    if len(raw.sheets) > 1:
        c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
        c1.selectbox(t("hist.sheet", lang), raw.sheets, index=raw.sheets.index(raw.sheet), key="hist_sheet",
                     help=t("hist.sheet_help", lang))
    else:
        c2 = st.container()
    skip = c2.checkbox(t("hist.skip", lang), key="hist_skip")
    mapping = _mapping_widgets(raw, lang)
    if mapping != hand:
        ss["_hist_map_last"] = mapping
        st.rerun()
    frame = raw_frame(raw)
    frame.index.name = t("hist.col.row", lang)
    try:
        with st.spinner(t("hist.reading", lang)):
            h = _validate(f"{src['id']}|{raw.sheet}", raw, mapping, bool(skip))
    except HistoryError as e:
        body = (f"{e.file}: {t('hist.stopped', lang, n=len(e.report.problems))}" if e.msg_key == "stop"
                else e.headline(lang))
        st.error(f"**{t('hist.file_error', lang)}**\n\n{body}")
        _report(e.report, frame, lang)
        _preview(frame, e.report.problems, lang)
        return None
    st.success(f"**{t('hist.read_ok', lang)}** · " + t(
        "hist.summary", lang, file=h.name, start=min(h.data["date"]).isoformat(), end=max(h.data["date"]).isoformat(),
        days=h.days, agents=len(h.agents), rows=len(h.data)))
    notes = h.notes(lang)
    if h.report.skipped_rows:
        st.warning(notes[0])
        notes = notes[1:]
    if notes:
        st.caption(" · ".join(notes))
    if h.report.problems:
        _report(h.report, frame, lang)
    _preview(frame, h.report.problems, lang)
    return h


# ------------------------------------------------------------------------------------------------ replay
def _scheme_files() -> list[str]:
    from ui.pages.compare import scheme_scenarios

    return scheme_scenarios()


def _on_scenario() -> None:
    st.session_state.pop("hist_paid_under", None)


def pay_chart(table: pd.DataFrame, lang: str) -> alt.Chart:
    """Pay per agent, one bar per scheme."""
    agent, pay, scheme = t("hist.col.agent", lang), t("hist.chart.pay", lang), t("hist.chart.scheme", lang)
    body = table[table["name"] != "合计 total"]
    long = body.melt(id_vars=["name"], var_name=scheme, value_name=pay).rename(columns={"name": agent})
    return alt.Chart(long).mark_bar().encode(
        x=alt.X(f"{agent}:N", sort=list(body["name"]), axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset(f"{scheme}:N"),
        y=alt.Y(f"{pay}:Q"),
        color=alt.Color(f"{scheme}:N", legend=alt.Legend(orient="top", title=None)),
        tooltip=[alt.Tooltip(f"{agent}:N"), alt.Tooltip(f"{scheme}:N"), alt.Tooltip(f"{pay}:Q", format=",.0f")],
    ).properties(height=300)


def _replay_tab(h: History, lang: str) -> None:
    st.caption(t("hist.replay_intro", lang))
    files = _scheme_files()
    c1, c2 = st.columns(2)
    path = c1.selectbox(t("hist.scenario", lang), files, key="hist_scenario", on_change=_on_scenario)
    try:
        s = sc.load_shipped(path=path)
    except ScenarioError as e:
        st.error(str(e))
        return
    names = [x.name for x in s.schemes]
    default = s.economics.baseline_scheme or ""
    options = ["", *names]
    paid = choose(c2.selectbox, t("hist.paid_under", lang), options,
                  index=options.index(default) if default in options else 0,
                  key="hist_paid_under", format_func=lambda n: t("hist.base_only", lang) if n == "" else n)
    doc = replay(h, s, paid_under=paid or None)
    rows = []
    for name, b in doc["schemes"].items():
        if b["replayable"]:
            rows.append({t("hist.col.scheme", lang): name, t("hist.col.pay", lang): money(b["pay_yuan"], lang),
                         t("hist.col.bonus", lang): money(b["bonus_cost_yuan"], lang),
                         t("hist.col.diff", lang): ("+" if b["diff_yuan"] > 0 else "") + money(b["diff_yuan"], lang),
                         t("hist.col.status", lang): "; ".join(n[lang] for n in b["notes"])})
        else:
            kp = ", ".join(kpi_label(c, lang) for c in b["missing_kpis"])
            rows.append({t("hist.col.scheme", lang): name, t("hist.col.pay", lang): "—",
                         t("hist.col.bonus", lang): "—", t("hist.col.diff", lang): "—",
                         t("hist.col.status", lang): t("hist.cannot", lang, kpis=kp)})
    _table(pd.DataFrame(rows), hide_index=True, key="hist_replay")
    for note in h.notes(lang)[:1] if h.report.skipped_rows else []:
        st.caption(note)
    table = replay_table(doc)
    if len(table.columns) > 1:
        st.markdown(f"**{t('hist.per_agent', lang)}**")
        shown = table.rename(columns={"name": t("hist.col.agent", lang)})
        st.dataframe(safe_frame(shown).style.format({c: "{:,.0f}" for c in safe_frame(shown).columns[1:]}),
                     hide_index=True, key="hist_pay",
                     height=min(38 + 35 * len(shown), 800))
        st.altair_chart(pay_chart(table, lang), key="hist_pay_chart")
        d1, d2, _ = st.columns([1, 1, 3])
        d1.download_button(t("hist.download_csv", lang), data=csv_bytes(shown), file_name="replay.csv",
                           mime="text/csv", key="hist_dl_csv")
        d2.download_button(t("hist.download_xlsx", lang), data=xlsx_bytes(shown, sheet="replay"),
                           file_name="replay.xlsx", key="hist_dl_xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ------------------------------------------------------------------------------------------------ calibrate
@st.cache_resource(show_spinner=False, max_entries=8)
def _calibrate(sig: str, _h: History, template: str) -> Any:
    tpl = sc.load_shipped(path=template) if template else None
    return calibrate(_h, tpl)


@st.cache_resource(show_spinner=False, max_entries=8)
def _fit(sig: str, _cal: Any, reps: int) -> dict[str, pd.DataFrame]:
    return fit_report(_cal.scenario, _cal.history, replications=reps)


def _estimates(cal: Any, lang: str) -> None:
    a = cal.agents
    st.markdown(f"**{t('hist.agents_est', lang)}**")
    df = pd.DataFrame({t("hist.col.agent", lang): a["name"],
                       t("hist.col.inquiries", lang): [count(x, lang) for x in a["inquiries"]]})
    if "conversion_raw" in a.columns:
        df[t("hist.col.conv_raw", lang)] = [pct(x, lang, digits=1) for x in a["conversion_raw"]]
        df[t("hist.col.conv_shrunk", lang)] = [pct(x, lang, digits=1) for x in a["conversion_shrunk"]]
        df[t("hist.col.moved", lang)] = [pct(x, lang, digits=0) for x in a["conversion_weight"]]
        df[t("hist.col.conv_factor", lang)] = a["conversion_factor"].round(3)
    if "aov_factor" in a.columns:
        df[t("hist.col.aov_factor", lang)] = a["aov_factor"].round(3)
    if "reply_time_factor" in a.columns:
        df[t("hist.col.reply_factor", lang)] = a["reply_time_factor"].round(3)
    _table(df, hide_index=True, key="hist_agents_est")
    st.caption(t("hist.shrink_note", lang))


def _fit_value(code: str, x: float | None, lang: str) -> str:
    return "—" if x is None else kpi_value(code, x, lang)


def _fit_frame(df: pd.DataFrame, lang: str, agents: bool = False) -> pd.DataFrame:
    rows = []
    for r in df.to_dict(orient="records"):
        code = r["code"]
        label = kpi_label(code, lang) + (t("hist.per_day", lang) if r["per_day"] else "")

        def v(x: float | None, c: str = code) -> str:
            return _fit_value(c, x, lang)
        row = {t("hist.col.kpi", lang): label, t("hist.col.history", lang): v(r["history"]),
               t("hist.col.sim", lang): v(r["sim_mean"]),
               t("hist.col.interval", lang): "—" if r["lo"] is None else f"{v(r['lo'])} – {v(r['hi'])}",
               t("hist.col.match", lang): {True: t("hist.yes", lang), False: t("hist.no", lang), None: "—"}[r["match"]]}
        if agents:
            row = {t("hist.col.agent", lang): r["name"], **row}
        rows.append(row)
    return pd.DataFrame(rows)


def _calibrate_tab(h: History, src: dict[str, Any], lang: str) -> None:
    ss = st.session_state
    files = ["", *sc.shipped_scenarios()]
    template = choose(st.selectbox, t("hist.template", lang), files, key="hist_template",
                      format_func=lambda f: t("hist.template_none", lang) if f == "" else f)
    sig = json.dumps([src["id"], h.sheet, h.report.skipped_rows, sorted(h.columns.items()), template],
                     ensure_ascii=False)
    if st.button(t("hist.calibrate", lang), key="hist_calibrate", type="primary"):
        with st.spinner(t("hist.calibrating", lang)):
            try:
                ss[CAL] = {"sig": sig, "cal": _calibrate(sig, h, template)}
            except ScenarioError as e:
                st.error(str(e))
                return
    stored = ss.get(CAL)
    if not stored or stored["sig"] != sig:
        return
    cal = stored["cal"]
    s = cal.scenario
    st.success(t("hist.cal_done", lang))
    cols = st.columns(5)
    cols[0].metric(t("hist.m.agents", lang), s.agents.count)
    cols[1].metric(t("hist.m.per_day", lang), count(s.traffic.inquiries_per_day, lang, digits=1))
    cols[2].metric(t("hist.m.conversion", lang), pct(s.outcomes.base_inquiry_conversion, lang, digits=1))
    cols[3].metric(t("hist.m.aov", lang), money(s.outcomes.base_aov_yuan, lang))
    cols[4].metric(t("hist.m.reply", lang), kpi_value("avg_response_s", s.agents.reply_time.mean_s, lang))
    _estimates(cal, lang)
    stem = Path(h.name).stem
    st.download_button(t("hist.download_toml", lang), data=cal.toml.encode("utf-8"),
                       file_name=f"{stem}_calibrated.toml", mime="application/toml", key="hist_dl_toml")

    st.subheader(t("hist.fit", lang))
    c1, c2 = st.columns([1, 3])
    reps = int(c1.number_input(t("hist.fit_reps", lang), min_value=2, max_value=10, value=3, step=1,
                               key="hist_fit_reps"))
    if c2.button(t("hist.fit_run", lang), key="hist_fit"):
        with st.spinner(t("hist.fitting", lang)):
            ss[FIT] = {"sig": (sig, reps), "fit": _fit(f"{sig}|{reps}", cal, reps)}
    fit = ss.get(FIT)
    if fit and fit["sig"] == (sig, reps):
        team = fit["fit"]["team"]
        ok = int(team["match"].fillna(False).astype(bool).sum())
        st.info(t("hist.fit_summary", lang, ok=ok, n=int(team["match"].notna().sum())))
        _table(_fit_frame(team, lang), hide_index=True, key="hist_fit_team")
        st.caption(t("hist.fit_note", lang))
        with st.expander(t("hist.fit_agents", lang)):
            _table(_fit_frame(fit["fit"]["agents"], lang, agents=True), hide_index=True, key="hist_fit_agents")

    _to_simulate(cal, stem, lang)


def _to_simulate(cal: Any, stem: str, lang: str) -> None:
    """Hand the calibrated scenario to the Simulate page (selected there on its next run) and link to it.

    A link, not ``st.switch_page``: a link keeps the sidebar's widget state (the language) like the menu does.
    """
    ss = st.session_state
    held = ss.get(CALIBRATED_KEY)
    if not held or held.get("toml") != cal.toml:
        ss[CALIBRATED_KEY] = {"name": f"{stem}_calibrated.toml", "toml": cal.toml, "select": True}
    from streamlit.errors import StreamlitAPIException

    from ui.pages import simulate

    try:
        with st.container(key="hist_to_sim"):
            st.page_link(st.Page(simulate.render, url_path="simulate"), label=t("hist.to_sim", lang),
                         icon=":material/monitoring:", help=t("hist.to_sim_help", lang))
    except StreamlitAPIException:  # the page is not in a navigation (e.g. rendered alone in a test)
        st.info(t("hist.to_sim_fallback", lang))


# ------------------------------------------------------------------------------------------------ page
def render() -> None:
    """Draw the History page (language from ``st.session_state["lang"]``)."""
    lang = current_lang()
    st.title(t("hist.title", lang))
    st.caption(t("hist.intro", lang))
    limit = human_size(MAX_BYTES)
    st.file_uploader(t("hist.upload", lang, limit=limit), type=["csv", "txt", "tsv", "xlsx", "xlsm"],
                     key="hist_upload", on_change=_on_upload, help=t("hist.upload_help", lang, limit=limit),
                     max_upload_size=MAX_BYTES // (1024 * 1024))
    st.caption(t("hist.samples", lang))
    cols = st.columns(len(SAMPLES))
    for col, key in zip(cols, SAMPLES, strict=True):
        col.button(t(f"hist.sample.{key}", lang), key=f"hist_sample_{key}", on_click=_pick_sample, args=(key,),
                   width="stretch")
    _header_help(lang)
    src = st.session_state.get(SRC)
    if not src:
        st.info(t("hist.start", lang))
        return
    st.caption(t("hist.using", lang, name=src["name"]))
    h = _import(src, lang)
    if h is None:
        return
    tab_r, tab_c, tab_m = st.tabs([t("hist.tab.replay", lang), t("hist.tab.calibrate", lang),
                                   t("hist.tab.response", lang)])
    with tab_r:
        _replay_tab(h, lang)
    with tab_c:
        _calibrate_tab(h, src, lang)
    with tab_m:
        from ui.history_response import render_tab

        render_tab(h, src, lang)
