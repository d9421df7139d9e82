"""阈值调优 / Target tuning: sweep targets x amounts, recommend one under the manager's constraints, show the
heatmap, the frontier, the staffing view and a target band from last month; reopen past sweeps; export.

The model does the work (:mod:`model.tuning`); this page only collects inputs and draws the documents.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from model.errors import ScenarioError
from model.kpicodes import KPI_CODES
from model.limits import max_workers
from model.platform_rules import plan_day
from model.present.band_text import reopened_text
from model.present.charts_tuning import frontier_chart, heatmap, points_frame, staffing_chart, target_text
from model.present.i18n import kpi_label, t
from model.present.tables import tune_duplicate_lines, tune_edge_text, tune_flip_lines, tune_screening_text
from model.scenario import read_toml
from model.schema import scenario_from_dict
from model.tuning.store import DEFAULT_STORE, SweepStore
from ui.pages.compare import ROOT, SCENARIOS, scheme_scenarios
from ui.state import current_lang
from ui.widgets import choose, show_band

DEFAULT_DAYS = 7
DEFAULT_REPS = 2
DOC_KEY = "tun_doc"
STAFF_KEY = "tun_staff"
STAFF_DEFAULT = "scenarios/double11_peak.toml"


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.0f}%"


def _error(e: Exception, lang: str) -> None:
    msg = getattr(e, "message", None) or str(e)
    st.error(f"{t('tun.error', lang)}\n\n" + "\n\n".join(f"- {ln}" for ln in str(msg).splitlines() if ln)
             + f"\n\n{t('tun.error_hint', lang)}")


@st.cache_data(show_spinner=False)
def _read(path: str) -> dict[str, Any]:
    return read_toml(ROOT / path)


def _scenario(path: str, days: int, reps: int, constraints: dict[str, float]) -> Any:
    data = dict(_read(path))
    data["meta"] = {**(data.get("meta") or {}), "days": days}
    data["tuning"] = {**(data.get("tuning") or {}), **constraints, "replications": reps}
    return scenario_from_dict(data, file=path)


def render() -> None:
    """Draw the tuning page (language from ``st.session_state["lang"]``)."""
    lang = current_lang()
    st.title(t("tun.title", lang))
    st.caption(t("tun.intro", lang))
    _sweep_section(lang)
    doc = st.session_state.get(DOC_KEY)
    if doc:
        _results(doc, lang)
    st.divider()
    _staffing_section(lang)
    st.divider()
    _history_section(lang)


def _sweep_section(lang: str) -> None:
    files = scheme_scenarios()
    st.subheader(t("tun.setup", lang))
    a, b, c = st.columns([3, 1, 1])
    path = a.selectbox(t("tun.scenario", lang), files, key="tun_scenario")
    days = int(b.number_input(t("tun.days", lang), min_value=1, max_value=31, value=DEFAULT_DAYS, step=1,
                              key="tun_days", help=t("tun.days_help", lang)))
    reps = int(c.number_input(t("tun.reps", lang), min_value=1, max_value=20, value=DEFAULT_REPS, step=1,
                              key="tun_reps"))
    st.markdown(f"**{t('tun.constraints', lang)}**")
    d, e, f = st.columns(3)
    min_reach = d.number_input(t("tun.min_reach", lang), 0.0, 100.0, 30.0, 5.0, key="tun_min_reach")
    max_pay = e.number_input(t("tun.max_payout", lang), 1.0, 1000.0, 10.0, 1.0, key="tun_max_payout")
    max_pl = f.number_input(t("tun.max_ploss", lang), 0.0, 100.0, 20.0, 5.0, key="tun_max_ploss")
    constraints = {"min_reach_share": min_reach / 100, "max_payout_share": max_pay / 100,
                   "max_p_net_loss": max_pl / 100}
    g, h, k = st.columns([3, 1, 2])
    store = g.text_input(t("tun.store", lang), str(DEFAULT_STORE), key="tun_store", help=t("tun.store_help", lang))
    workers = int(h.number_input(t("tun.workers", lang), 1, max_workers(), min(2, max_workers()), 1,
                                 key="tun_workers"))  # at most 4 x the cores (model.limits)
    scheduler = k.text_input(t("tun.scheduler", lang), "", key="tun_scheduler", help=t("tun.scheduler_help", lang))
    try:
        s = _scenario(path, days, reps, constraints)
    except ScenarioError as err:
        _error(err, lang)
        return
    lines = {k: v for k, v in s.tuning.lines(s.shop.platform, plan_day(s.meta.plan)).items() if v is not None}
    names = {"min_three_min_reply_rate": kpi_label("three_min_reply_rate", lang),
             "min_good_rating_rate": kpi_label("good_rating_rate", lang),
             "max_bad_attitude_share": kpi_label("bad_attitude_share", lang)}
    txt = ", ".join(f"{names[k]} {'≥' if k.startswith('min') else '≤'} {_pct(v)}" for k, v in lines.items())
    st.caption(t("tun.lines_note", lang, lines=txt or t("tun.no_lines", lang)))
    if st.button(t("tun.run", lang), key="tun_run", type="primary"):
        _run(s, path, store, lang, workers=workers, scheduler=scheduler.strip() or None)
    _past(store, s, lang)


@st.cache_resource(show_spinner=False)
def _pool(workers: int) -> Any:
    """A process pool kept warm across the page's sweeps (one per worker count)."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers)


def _run(s: Any, path: str, store: str, lang: str, *, workers: int, scheduler: str | None) -> None:
    from model.tuning.run import make_executor
    from model.tuning.tune import tune

    bar = st.progress(0.0)
    note = st.empty()

    def plan(spec: Any, est: float) -> None:
        note.caption(t("tun.plan", lang, points=len(spec.points), reps=s.tuning.replications, est=est))

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(1, total), text=t("tun.running", lang, done=done, total=total))

    def screened(done: int, total: int) -> None:
        bar.progress(done / max(1, total), text=t("tun.screening_running", lang, done=done, total=total))

    try:
        if scheduler:
            with make_executor(scheduler=scheduler) as (ex, n):
                doc = tune(s, store_path=store, executor=ex, workers=n, progress=progress, on_plan=plan, file=path,
                           band=True, on_screen=screened)
        else:
            ex = _pool(workers) if workers > 1 else None
            doc = tune(s, store_path=store, executor=ex, workers=workers, progress=progress, on_plan=plan, file=path,
                       band=True, on_screen=screened)
        st.session_state[DOC_KEY] = doc
    except ScenarioError as err:
        st.session_state.pop(DOC_KEY, None)
        _error(err, lang)
    finally:
        bar.empty()


def _past(store: str, s: Any, lang: str) -> None:
    if not Path(store).exists():
        return
    try:
        with SweepStore(store, read_only=True) as st_:
            past = st_.sweeps()
    except ScenarioError:
        return
    with st.expander(t("tun.past", lang)):
        if past.empty:
            st.caption(t("tun.past_none", lang))
            return
        labels = {r.sweep_id: t("tun.sweep_label", lang, name=r.name, done=r.points_done, points=r.n_points,
                                 status=r.status, when=str(r.updated)[:16]) for r in past.itertuples()}
        sid = choose(st.selectbox, t("tun.past", lang), list(labels), format_func=labels.get, key="tun_past")
        band = st.checkbox(t("tun.reopen_band", lang), value=True, key="tun_reopen_band",
                           help=t("tun.reopen_band_help", lang))
        if st.button(t("tun.reopen", lang), key="tun_reopen"):
            from model.tuning.tune import reopen

            try:
                with st.spinner(t("tun.reopen_band_running", lang)):
                    st.session_state[DOC_KEY] = reopen(store, sid, tuning=s.tuning, band=band)
            except ScenarioError as err:
                _error(err, lang)


def _results(doc: dict[str, Any], lang: str) -> None:
    rec = doc["recommendation"]
    best = doc["best_point"]
    sc = doc["scenario"]
    st.subheader(t("tun.rec_keep", lang) if rec.get("keeps_baseline")
                 else f"{t('tun.rec', lang)}: {rec.get('label') or rec['scheme']}")
    m1, m2, m3, m4 = st.columns(4)
    kpi = rec.get("kpi") or best.get("kpi")
    m1.metric(t("tun.metric.target", lang), target_text(rec.get("kpi"), rec.get("target")),
              help=kpi_label(kpi, lang) if kpi else None)
    m2.metric(t("tun.metric.amount", lang), "—" if rec.get("amount_yuan") is None else f"{rec['amount_yuan']:,.0f}")
    m3.metric(t("tun.metric.gain", lang), f"{rec['expected_net_gain_yuan']:,.0f}")
    m4.metric(t("tun.metric.reach", lang), "—" if rec.get("keeps_baseline") else _pct(best.get("reach_share")))
    (st.info if rec.get("keeps_baseline") else st.success)(rec["reason"][lang])
    show_band(doc.get("band"), lang)
    reopened = reopened_text(doc, lang)
    if reopened:  # a stored sweep: say where its band came from
        st.caption(reopened)
    flips = tune_flip_lines(doc, lang)
    if flips:  # a rival beating the recommendation inside the band is a warning, "stays best" a caption
        (st.warning if doc.get("flips") else st.caption)("  \n".join(flips))
    edge = tune_edge_text(rec, lang)
    if edge:
        st.warning(edge)
    screening = tune_screening_text(doc, lang)
    if screening:
        st.caption(screening)
    for line in tune_duplicate_lines(doc, lang):
        st.caption(line)
    b = doc.get("binding_constraint")
    st.caption(t("tun.binding", lang, name=b[lang], limit=_pct(b["limit"])) if b else t("tun.binding_none", lang))
    st.caption(t("tun.money_note", lang, days=sc["days"], points=doc["sweep"]["points"], reps=sc["replications"],
                  id=doc["sweep"]["id"]))
    if sc.get("behaviour") == "none":
        st.caption(t("tun.mechanics", lang))
    charts: dict[str, Any] = {}
    schemes = list(dict.fromkeys(p["scheme"] for p in doc["points"] if p.get("target") is not None))
    if schemes:
        st.markdown(f"**{t('tun.heatmap', lang)}**")
        default = schemes.index(doc["frontier"]["scheme"]) if doc["frontier"]["scheme"] in schemes else 0
        scheme = st.selectbox(t("tun.heat_scheme", lang), schemes, index=default, key="tun_heat_scheme")
        charts["heatmap"] = heatmap(doc, scheme, lang)
        st.altair_chart(charts["heatmap"], key="tun_chart_heatmap")
        st.caption(t("tun.heat_note", lang))
        _emulator(doc, scheme, lang)
    st.markdown(f"**{t('tun.frontier', lang)}**")
    c1, c2 = st.columns(2)
    charts["frontier_payout"] = frontier_chart(doc, lang, "payout")
    charts["frontier_reach"] = frontier_chart(doc, lang, "reach")
    c1.altair_chart(charts["frontier_payout"], key="tun_chart_frontier_payout")
    c2.altair_chart(charts["frontier_reach"], key="tun_chart_frontier_reach")
    st.markdown(f"**{t('tun.points', lang)}**")
    table = points_table(doc, lang)
    st.dataframe(table, hide_index=True, key="tun_points")
    _downloads(table, charts, lang)
    _deck_download(doc, lang)


def _deck_download(doc: dict[str, Any], lang: str) -> None:
    """The recommendation as a PowerPoint deck and as an HTML report, each built only when clicked."""
    from model.present.deck import build_deck
    from model.present.html_report import build_tune_report
    from model.present.story import tuning_deck_document

    frozen = json.dumps(doc, ensure_ascii=False, default=str)
    st.download_button(t("res.download_deck", lang), data=lambda: build_deck(tuning_deck_document(json.loads(frozen)), lang=lang),
                       file_name="tuning_recommendation.pptx",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       key="tun_download_deck", help=t("res.download_deck_help", lang), on_click="ignore")
    st.download_button(t("tun.download_html", lang), data=lambda: build_tune_report(json.loads(frozen), lang).encode("utf-8"),
                       file_name="tuning_recommendation.html", mime="text/html", key="tun_download_html",
                       help=t("tun.download_html_help", lang), on_click="ignore")


def _emulator(doc: dict[str, Any], scheme: str, lang: str) -> None:
    """Sliders over the swept target and amount answered by the emulator (no simulation), with its error."""
    from model.tuning.emulator import fit_emulator

    key = (doc["sweep"]["id"], scheme, doc["scenario"]["hash"])
    cache = st.session_state.setdefault("tun_emulators", {})
    if key not in cache:
        try:
            cache[key] = fit_emulator(doc["points"], scheme)
        except ValueError:
            cache[key] = None
    em = cache[key]
    if em is None:
        return
    st.markdown(f"**{t('tun.emu', lang)}**")
    kpi = next((p["kpi"] for p in doc["points"] if p["scheme"] == scheme and p.get("kpi")), None)
    share = kpi in KPI_CODES and KPI_CODES[kpi].unit == "share"
    x: dict[str, float] = {}
    a, b = st.columns(2)
    for col, name in zip((a, b), em.inputs, strict=False):
        lo, hi = float(em.lo[em.inputs.index(name)]), float(em.hi[em.inputs.index(name)])
        if name == "target":
            step = 0.005 if share else max((hi - lo) / 50, 1e-6)
            fmt = "%.1f%%" if share else "%g"
            scale = 100.0 if share else 1.0
            v = col.slider(t("tun.metric.target", lang), lo * scale, hi * scale, (lo + hi) / 2 * scale,
                           step * scale, format=fmt, key="tun_emu_target")
            x[name] = v / scale
        else:
            x[name] = float(col.slider(t("tun.metric.amount", lang), lo, hi, float(round((lo + hi) / 2, -1)),
                                       float(max(1.0, round((hi - lo) / 50))), key="tun_emu_amount"))
    y = em.predict(**x)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("tun.metric.gain", lang), f"{y['net_gain_yuan']:,.0f}")
    m2.metric(t("tun.col.payout", lang), f"{y['payout_yuan']:,.0f}")
    m3.metric(t("tun.metric.reach", lang), _pct(y.get("reach_share")))
    m4.metric(t("tun.col.ploss", lang), _pct(y.get("p_net_loss")))
    err = em.error.get("net_gain_yuan")
    if err:
        st.caption(t("tun.emu_note", lang, mae=err["mae"], rel=100 * err["relative"], n=em.held_out))


def _constraint_name(name: str, lang: str) -> str:
    """A constraint the point fails, in words (``min_reach_share`` -> 达标客服占比 / share of agents who reach it)."""
    from model.tuning.optimise import BY_NAME

    c = BY_NAME.get(name)
    return name if c is None else (c.zh if lang == "zh" else c.en)


def points_table(doc: dict[str, Any], lang: str) -> pd.DataFrame:
    """Every candidate point with localized headers (the page's table and its CSV/XLSX export)."""
    df = points_frame(doc)
    for c in ("amount_yuan", "net_gain_yuan", "net_gain_lo", "net_gain_hi", "payout_yuan", "payout_share", "p_net_loss",
              "reach_share", "three_min_reply_rate"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    yes, no = t("tun.yes", lang), t("tun.no", lang)

    def pct(col: str) -> list[str]:
        return ["—" if pd.isna(v) else f"{100 * v:.1f}%" for v in df[col]]

    return pd.DataFrame({
        t("tun.col.scheme", lang): df["label"] if "label" in df else df["scheme"],
        t("tun.col.target", lang): [target_text(k, v) for k, v in zip(df["kpi"], df["target"], strict=True)],
        t("tun.col.amount", lang): df["amount_yuan"],
        t("tun.col.gain", lang): df["net_gain_yuan"].round(0),
        t("tun.col.gain_lo", lang): df["net_gain_lo"].round(0),
        t("tun.col.gain_hi", lang): df["net_gain_hi"].round(0),
        t("tun.col.payout", lang): df["payout_yuan"].round(0),
        t("tun.col.share", lang): pct("payout_share"),
        t("tun.col.ploss", lang): pct("p_net_loss"),
        t("tun.col.reach", lang): pct("reach_share"),
        t("tun.col.three_min", lang): pct("three_min_reply_rate"),
        t("tun.col.feasible", lang): [yes if f else no for f in df["feasible"]],
        t("tun.col.fails", lang): [("、" if lang == "zh" else ", ").join(_constraint_name(n, lang) for n in f)
                                   for f in df["fails"]],
    })


@st.cache_data(show_spinner=False, max_entries=32)
def _image(spec_json: str, fmt: str) -> bytes:
    import vl_convert as vlc

    spec = json.loads(spec_json)
    return vlc.vegalite_to_png(spec, scale=2) if fmt == "png" else vlc.vegalite_to_svg(spec).encode("utf-8")


def _fixed_width(chart: Any) -> str:
    spec = chart.to_dict()
    spec["width"] = 640  # "container" has no meaning outside the page
    for layer in spec.get("layer", []):
        layer.pop("width", None)
    return json.dumps(spec, ensure_ascii=False)


def _downloads(table: pd.DataFrame, charts: dict[str, Any], lang: str) -> None:
    a, b = st.columns(2)
    a.download_button(t("tun.download_csv", lang), table.to_csv(index=False).encode("utf-8-sig"),
                      file_name="tuning_points.csv", mime="text/csv", key="tun_dl_csv")
    buf = io.BytesIO()
    table.to_excel(buf, index=False, sheet_name="points")
    b.download_button(t("tun.download_xlsx", lang), buf.getvalue(), file_name="tuning_points.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="tun_dl_xlsx")
    if not charts or not st.toggle(t("tun.images", lang), key="tun_images"):
        return
    cols = st.columns(len(charts))
    for col, (name, chart) in zip(cols, charts.items(), strict=True):
        spec = _fixed_width(chart)
        try:
            col.download_button(t("tun.download_png", lang, name=name), _image(spec, "png"), file_name=f"{name}.png",
                                mime="image/png", key=f"tun_dl_png_{name}")
            col.download_button(t("tun.download_svg", lang, name=name), _image(spec, "svg"), file_name=f"{name}.svg",
                                mime="image/svg+xml", key=f"tun_dl_svg_{name}")
        except Exception:  # noqa: BLE001 - an export failure must not hide the results
            col.caption("PNG/SVG export unavailable")


@st.cache_data(show_spinner=False, max_entries=8)
def _staffing(path: str, line: str, value: float, sim: bool) -> dict[str, Any]:
    from model.tuning.staffing import staffing

    s = scenario_from_dict(_read(path), file=path)
    ans = staffing(s, line, value, simulate_check=sim, reps=1, rounds=4)
    return {"table": ans.table.astype(object).where(ans.table.notna(), None).to_dict(orient="list"),
            "notes": ans.notes, "day": ans.day, "line": line}


def _staffing_section(lang: str) -> None:
    st.subheader(t("stf.header", lang))
    st.caption(t("stf.intro", lang))
    files = sorted(str(p.relative_to(ROOT)) for p in SCENARIOS.glob("*.toml"))
    files.sort(key=lambda f: f != STAFF_DEFAULT)
    a, b, c = st.columns([3, 2, 1])
    path = a.selectbox(t("stf.scenario", lang), files, key="stf_scenario")
    line = choose(b.radio, t("stf.line", lang), ["three_min_reply_rate", "avg_response_s"], key="stf_line",
                  format_func=lambda k: t(f"stf.line.{k}", lang), horizontal=True)
    if line == "three_min_reply_rate":
        value = c.number_input(t("stf.value_pct", lang), 1.0, 99.0, 70.0, 5.0, key="stf_value_pct") / 100
    else:
        value = c.number_input(t("stf.value_s", lang), 1.0, 3600.0, 60.0, 5.0, key="stf_value_s")
    sim = st.checkbox(t("stf.sim", lang), value=True, key="stf_sim")
    if st.button(t("stf.run", lang), key="stf_run"):
        with st.spinner(t("stf.running", lang)):
            try:
                st.session_state[STAFF_KEY] = _staffing(path, line, float(value), sim)
            except ScenarioError as err:
                _error(err, lang)
                return
    res = st.session_state.get(STAFF_KEY)
    if not res:
        return
    table = pd.DataFrame(res["table"])
    st.caption(t("stf.day", lang, day=res["day"]))
    st.markdown(f"**{t('stf.chart', lang)}**")
    st.altair_chart(staffing_chart(table, lang), key="stf_chart")
    short = [int(r.hour) for r in table.itertuples() if r.sim is not None and r.on_duty < r.sim]
    if short:
        st.warning(t("stf.short", lang, n=len(short), hours=", ".join(map(str, short))))
    if res["notes"]:
        st.markdown(f"**{t('stf.notes', lang)}**")
        for n in res["notes"]:
            st.caption(n[lang])
    st.markdown(f"**{t('stf.table', lang)}**")
    show = pd.DataFrame({
        t("stf.col.hour", lang): table["hour"], t("stf.col.chats", lang): table["chats"].astype(float).round(0),
        t("stf.col.on_duty", lang): table["on_duty"], "Erlang C": table["erlang_c"], "Erlang A": table["erlang_a"],
        t("tun.series.sim", lang): table["sim"],
        t("stf.col.sim_value", lang): [
            "—" if v is None or pd.isna(v) else (f"{100 * v:.1f}%" if res.get("line") == "three_min_reply_rate"
                                                  else f"{v:.0f} s") for v in table["sim_value_at_erlang_a"]]})
    st.dataframe(show, hide_index=True, key="stf_table")
    st.download_button(t("tun.download_csv", lang), show.to_csv(index=False).encode("utf-8-sig"),
                       file_name="staffing.csv", mime="text/csv", key="stf_dl_csv")


def _history_section(lang: str) -> None:
    from model.tuning.history_band import target_band

    st.subheader(t("his.header", lang))
    st.caption(t("his.intro", lang))
    a, b, c = st.columns([3, 2, 1])
    up = a.file_uploader(t("his.file", lang), type=["csv"], key="his_file", max_upload_size=20)  # MB, as history
    codes = [k for k, v in KPI_CODES.items() if v.unit in ("share", "s", "yuan")]
    kpi = choose(b.selectbox, t("his.kpi", lang), codes, index=codes.index("inquiry_conversion"), key="his_kpi",
                 format_func=lambda k: kpi_label(k, lang))
    ind = c.number_input(t("his.industry", lang), 0.0, 100.0, 0.0, 1.0, key="his_industry")
    if up is None:
        return
    try:
        raw = up.getvalue()
        try:
            df = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
        except UnicodeDecodeError:
            df = pd.read_csv(io.BytesIO(raw), encoding="gbk")
        unit_share = KPI_CODES[kpi].unit == "share"
        band = target_band(df, kpi, industry=(ind / 100 if unit_share else ind) if ind > 0 else None,
                           file=up.name)
    except ScenarioError as err:
        _error(err, lang)
        return
    except (ValueError, pd.errors.ParserError) as err:
        _error(err, lang)
        return
    st.success(t("his.band", lang, low=target_text(kpi, band["low"]), high=target_text(kpi, band["high"])))
    st.write(band["reason"][lang])
    if band["industry"]:
        st.caption(band["industry"][lang])
