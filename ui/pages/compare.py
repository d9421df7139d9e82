"""方案对比 / Compare schemes: edit bonus schemes, price them on cached simulations, chart, export HTML.

The page goes through the model's one comparison path (:func:`model.pipeline.compare_schemes`) with a run
cache that lives in ``st.cache_resource``: runs are keyed by :func:`model.pipeline.run_key` (the scenario
without its schemes and economics, plus the effects), so changing a target or an amount only re-prices the
cached runs, and a scheme whose assumed effects change reply times gets its own cached run (same random numbers).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from model import pipeline
from model.checks import run_warnings
from model.scenario import Scenario, ScenarioError, read_toml, scenario_from_dict
from ui import scheme_editor as ed
from ui.calculator import render_calculator
from ui.charts_compare import all_charts
from ui.errors_zh import localise
from ui.html_report import agent_pay_rows, build_report, comparison_rows
from ui.i18n_compare import tc
from ui.state import current_lang
from ui.widgets import show_warnings

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
DEFAULT_SCENARIO = "seed000_threshold_48.toml"
DEFAULT_DAYS = 7
DEFAULT_REPS = 2


def scheme_scenarios() -> list[str]:
    """Scenario files under scenarios/ (not validation/) that define [[schemes]], default first."""
    out = []
    for p in sorted(SCENARIOS.rglob("*.toml")):
        if "validation" in p.relative_to(SCENARIOS).parts:
            continue
        try:
            if "[[schemes]]" in p.read_text(encoding="utf-8"):
                out.append(str(p.relative_to(ROOT)))
        except (OSError, UnicodeDecodeError):
            continue
    out.sort(key=lambda f: (Path(f).name != DEFAULT_SCENARIO, f))
    return out


def _clean(x: Any) -> Any:
    """JSON-safe: numpy to Python, NaN/inf to None."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, np.bool_ | bool):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        v = float(x)
        return v if math.isfinite(v) else None
    return x


@st.cache_resource(show_spinner=False)
def run_cache() -> pipeline.RunCache:
    """The runs of this server process by :func:`model.pipeline.run_key` (shared by every session)."""
    return pipeline.RunCache(maxsize=24)


def _document(s: Scenario) -> dict[str, Any]:
    """Every scheme of ``s`` priced against the baseline (the model's comparison path on the cached runs)."""
    doc = pipeline.compare_schemes(s, cache=run_cache())
    out = {
        "scenario": {"name": s.meta.name, "days": s.meta.days, "replications": s.meta.replications,
                     "seed": s.meta.seed, "platform": s.shop.platform},
        "baseline_scheme": doc["baseline_scheme"],
        "schemes": doc["schemes"],
        "scheme_specs": {sc.name: sc.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
                         for sc in s.schemes},
    }
    out["warnings"] = run_warnings(s, out)
    return _clean(out)


@st.cache_data(show_spinner=False, max_entries=32)
def _compare_cached(full_json: str) -> dict[str, Any]:
    return _document(scenario_from_dict(json.loads(full_json)))


@st.cache_data(show_spinner=False, max_entries=16)
def _report_cached(doc_json: str, lang: str) -> bytes:
    return build_report(json.loads(doc_json), lang).encode("utf-8")


def _show_error(e: ScenarioError, lang: str, head: str) -> None:
    st.error(f"{tc(head, lang)}\n\n" + "\n\n".join(f"- {line}" for line in localise(str(e.message), lang).splitlines() if line)
             + f"\n\n{tc('cmp.error_hint', lang)}")


@st.cache_data(show_spinner=False)
def _read(path: str) -> dict[str, Any]:
    return read_toml(ROOT / path)


def render() -> None:
    """Draw the comparison page (language from ``st.session_state["lang"]``)."""
    lang = current_lang()
    st.title(tc("cmp.title", lang))
    st.caption(tc("cmp.intro", lang))
    files = scheme_scenarios()
    if not files:
        st.warning(tc("cmp.no_scenarios", lang))
        return
    st.subheader(tc("cmp.setup", lang))
    a, b, c = st.columns([3, 1, 1])
    path = a.selectbox(tc("cmp.scenario", lang), files, key="cmp_scenario")
    try:
        raw = _read(path)
    except ScenarioError as e:
        _show_error(e, lang, "cmp.load_error")
        return
    file_days = int((raw.get("meta") or {}).get("days", 30))
    days = int(b.number_input(tc("cmp.days", lang), min_value=1, max_value=max(31, file_days),
                              value=min(DEFAULT_DAYS, file_days), step=1, key="cmp_days", help=tc("cmp.days_help", lang)))
    reps = int(c.number_input(tc("cmp.reps", lang), min_value=1, max_value=20, value=DEFAULT_REPS, step=1,
                              key="cmp_reps", help=tc("cmp.reps_help", lang)))
    state = ed.ensure_state(path, raw)
    st.button(tc("cmp.reset", lang), key="cmp_reset", on_click=ed.reset_state, args=(path, raw))

    ed.render_editor(state, lang)

    errs = ed.editor_errors(state)
    if errs:
        st.error(f"{tc('cmp.bad_input', lang)}\n\n" + "\n\n".join(f"- {m}" for m in errs))
        return
    if not state["schemes"]:
        st.warning(tc("cmp.need_scheme", lang))
        return
    data = dict(raw)
    data["meta"] = {**(raw.get("meta") or {}), "days": days, "replications": reps}
    data["economics"] = {**(raw.get("economics") or {})}
    data["economics"].pop("baseline_scheme", None)
    base = ed.baseline_name(state)
    if base is not None:
        data["economics"]["baseline_scheme"] = base
    data["schemes"] = ed.scheme_dicts(state)
    try:
        scen = scenario_from_dict(data, file=path)
    except ScenarioError as e:
        _show_error(e, lang, "cmp.bad_input")
        return

    with st.spinner(tc("cmp.running", lang)):
        try:
            doc = _compare_cached(json.dumps(scen.model_dump(mode="json"), sort_keys=True, ensure_ascii=False))
        except (ScenarioError, ValueError) as e:
            st.error(f"{tc('cmp.bad_input', lang)}\n\n{e}")
            return
    doc["scenario"]["file"] = path
    render_calculator(doc, raw, lang)
    _results(doc, lang)


def _results(doc: dict[str, Any], lang: str) -> None:
    sc = doc["scenario"]
    st.subheader(tc("res.header", lang))
    st.caption(tc("cmp.caption", lang, name=sc["name"], days=sc["days"], reps=sc["replications"], seed=sc["seed"]))
    show_warnings(doc, lang)
    heads, rows = comparison_rows(doc, lang)
    level = next((100 * b["economics_interval_level"] for b in doc["schemes"].values()
                  if b.get("economics_interval_level")), 90.0)
    st.markdown(f"**{tc('res.table', lang)}**")
    st.dataframe(pd.DataFrame(rows, columns=heads), hide_index=True, key="cmp_table")
    base = doc.get("baseline_scheme") or tc("ed.base_only", lang)
    st.caption(tc("res.baseline_note", lang, name=base, level=level))
    assumed = [(n, b["assumed_effects"]) for n, b in doc["schemes"].items() if b.get("assumed_effects")]
    if assumed:
        st.warning(tc("res.assumed_note", lang) + "\n\n" + "\n\n".join(
            f"- **{n}**: {'; '.join(ae.get(lang) or [])}" for n, ae in assumed))
    else:
        st.info(tc("res.no_assumed", lang))

    st.markdown(f"**{tc('res.charts', lang)}**")
    charts = all_charts(doc, lang)
    for name, chart in charts.items():
        st.altair_chart(chart, key=f"cmp_chart_{name}")
    if "reach" not in charts:
        st.caption(tc("res.no_reach", lang))

    st.markdown(f"**{tc('res.per_agent', lang)}**")
    heads, rows = agent_pay_rows(doc, lang)
    st.dataframe(pd.DataFrame(rows, columns=heads), hide_index=True, key="cmp_agents")

    report = _report_cached(json.dumps(doc, ensure_ascii=False), lang)
    st.download_button(tc("res.download", lang), data=report, file_name="scheme_comparison.html",
                       mime="text/html", key="download_report", help=tc("res.download_help", lang))
