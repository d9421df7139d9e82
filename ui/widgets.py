"""Reusable pieces of the pages: error box, KPI card, tables, the per-agent section."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from model.errors import ScenarioError
from model.kpicodes import KPI_CODES
from model.limits import MAX_SCENARIO_BYTES
from model.platform_rules import Rule, rule_for, rules_for
from model.present.band_text import basis_text, has_band, range_text, top_rows, top_text
from model.present.charts_simulate import agent_chart
from model.present.format import WAN, count, kpi_value, pct
from model.present.i18n import kpi_label, t
from model.present.i18n.errors import localise
from ui import scenarios as sc
from ui.state import KEEP_PREFIX

AGENT_COLUMNS = ("receptions", "inquiry_conversion", "sales_yuan", "aov_yuan", "first_response_s",
                 "avg_response_s", "three_min_reply_rate", "abandon_rate", "good_rating_rate", "refund_rate",
                 "utilization")
AGENT_CHART_KPIS = ("three_min_reply_rate", "good_rating_rate", "inquiry_conversion", "sales_yuan",
                    "first_response_s", "avg_response_s", "abandon_rate", "bad_attitude_share", "utilization",
                    "receptions")


@st.cache_data(show_spinner=False, max_entries=256)
def _title(path: str, mtime: float) -> str:
    try:
        s = sc.load_shipped(path=path)
    except ScenarioError:
        return Path(path).name
    return f"{s.meta.name or Path(path).stem} · {Path(path).name}"


def scenario_title(path: str) -> str:
    """A shipped scenario as the lists show it: its name and file name ("淘宝店 · taobao_10_agents.toml")."""
    full = sc.ROOT / path
    return _title(path, full.stat().st_mtime if full.exists() else 0.0)


def scenario_upload(lang: str, key: str) -> tuple[str, bytes] | None:
    """The "your own scenario file" uploader; returns (file name, bytes) or None.

    The file outlives a visit to another page: Streamlit drops an uploader's state when a run does not draw
    it, so the last file is kept under a non-widget key and used again until the user removes it here.
    """
    ss = st.session_state
    kept = KEEP_PREFIX + key
    alive = key in ss  # drawn in the previous run (absent after a visit to another page)
    up = st.file_uploader(t("sim.upload", lang), key=key, help=t("sim.upload_help", lang),
                          max_upload_size=max(1, MAX_SCENARIO_BYTES // 1_000_000))  # MB (model.limits)
    if up is not None:
        ss[kept] = (up.name, up.getvalue())
    elif alive and not ss.get(f"{kept}_restored"):  # the user removed the file
        ss.pop(kept, None)
    restored = up is None and kept in ss  # kept from before the visit to another page; the uploader is empty
    ss[f"{kept}_restored"] = restored
    if restored:
        st.button(t("sim.forget_upload", lang, name=ss[kept][0]), key=f"{key}_forget",
                  on_click=lambda: ss.pop(kept, None))
    return ss.get(kept)


#: The bot slider's (min, max, step) in percent (Simulate and Compare pages).
BOT_SHARE_BOUNDS = (0, 100, 5)


def bot_percent(share: float | list[float] | None) -> int:
    """A ``[bot] resolve_share`` as the bot slider's percent: 0 without a bot (None) and for shares set per hour
    (those are not on the slider, :func:`bot_share_slider`)."""
    return 0 if share is None or isinstance(share, list) else int(round(100 * float(share)))


def bot_share_slider(lang: str, share: float | list[float] | None, key: str) -> int | None:
    """The bot's resolve-share slider (percent, session key ``key``; the page sets its starting value) for a
    scenario whose ``[bot] resolve_share`` is ``share`` (None: no ``[bot]``; moving the slider above 0 adds a bot
    front line with the model's defaults). A share set per hour is not on the slider: a caption, and None."""
    if isinstance(share, list):
        st.caption(t("sim.bot_share_by_hour", lang))
        return None
    lo, hi, step = BOT_SHARE_BOUNDS
    return st.slider(t("sim.bot_share", lang), min_value=lo, max_value=hi, step=step, key=key,
                     help=t("sim.bot_share_help", lang))


def show_error(err: ScenarioError, lang: str) -> None:
    """Bad input as an error box: the model's message (file, key, what is allowed), never a traceback."""
    st.error(f"{t('sim.bad_input', lang)}\n\n```\n{localise(str(err), lang)}\n```\n\n{t('sim.error_hint', lang)}")


def show_warnings(doc: dict[str, Any], lang: str) -> None:
    """The run's warnings (``doc["warnings"]`` from :func:`model.checks.run_warnings`) in the UI language."""
    for w in doc.get("warnings") or []:
        st.warning(w.get(lang) or w.get("en") or w.get("code", ""), icon="⚠️")


def _value(code: str, v: Any, lang: str) -> str:
    if code == "receptions_per_agent_day":
        return count(v, lang, digits=1)
    return kpi_value(code, v, lang)


def rule_text(rule: Rule, platform: str, lang: str) -> str:
    """'快手要求 ≥ 80.0%' / 'Kuaishou requires ≥ 80.0%'."""
    return t(f"rule.{rule.side}", lang, platform=t(f"platform.{platform}", lang), value=pct(rule.value, lang, digits=0))


def kpi_card(code: str, label: str, iv: dict[str, Any], lang: str, *, platform: str, help: str | None = None,
             day: Any = None) -> None:
    """A metric card: mean, the 95% interval below, and the platform rule when there is one (today's, or the
    one in force on ``day``: a planned month's first date)."""
    st.metric(label, _value(code, iv.get("mean"), lang), help=help, border=True)
    if iv.get("lo") is not None and iv.get("hi") is not None:
        st.caption(t("sim.interval", lang, lo=_value(code, iv["lo"], lang), hi=_value(code, iv["hi"], lang)))
    rule = rule_for(platform, code, day)
    if rule is not None:
        ok = rule.met(iv.get("mean"))
        mark = "" if ok is None else (f":green[✓ {t('sim.rule_pass', lang)}]" if ok
                                      else f":red[✗ {t('sim.rule_fail', lang)}]")
        st.caption(f"{rule_text(rule, platform, lang)} {mark}")


def team_table(team: dict[str, dict[str, Any]], lang: str) -> None:
    """Every team KPI with its mean and 95% interval, formatted for the screen."""
    rows = []
    for code in KPI_CODES:
        if code not in team:
            continue
        iv = team[code]
        rows.append({t("sim.col_kpi", lang): kpi_label(code, lang),
                     t("sim.col_mean", lang): kpi_value(code, iv.get("mean"), lang),
                     t("sim.col_lo", lang): kpi_value(code, iv.get("lo"), lang),
                     t("sim.col_hi", lang): kpi_value(code, iv.get("hi"), lang)})
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="team_table", height=_table_height(len(rows)))


def _agent_frame(agents: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Per-agent numbers for a sortable table: % for shares, 万 (zh) or yuan (en) for money."""
    name, shift = t("sim.col_agent", lang), t("sim.col_shift", lang)
    out = pd.DataFrame({name: agents["name"]})
    if agents["shift"].astype(str).str.len().any():
        out[shift] = agents["shift"]
    config: dict[str, Any] = {}
    for code in AGENT_COLUMNS:
        if code not in agents:
            continue
        unit = KPI_CODES[code].unit
        label = kpi_label(code, lang)
        v = agents[code].astype(float)
        if unit == "share":
            out[label] = v * 100
            config[label] = st.column_config.NumberColumn(label, format="%.1f%%")
        elif unit == "yuan" and lang == "zh" and code != "aov_yuan":
            label = f"{label}（万元）"
            out[label] = v / WAN
            config[label] = st.column_config.NumberColumn(label, format="%.2f")
        elif unit == "yuan":
            label = f"{label} ({t('unit.yuan', lang)})"
            whole = code != "aov_yuan"
            out[label] = v.round(0 if whole else 2)
            config[label] = st.column_config.NumberColumn(label, format="localized" if whole else "%.2f")
        elif unit == "s":
            label = f"{label} ({t('unit.s', lang)})"
            out[label] = v
            config[label] = st.column_config.NumberColumn(label, format="%.1f")
        else:
            out[label] = v
            config[label] = st.column_config.NumberColumn(label, format="%.0f")
    return out, config


def choose(widget: Any, label: str, options: list[Any], *, key: str, format_func: Any, index: int | None = 0,
           **kwargs: Any) -> Any:
    """``widget(label, options, ...)`` (``st.selectbox``, ``st.radio`` or a column's) whose answer is always one
    of ``options``.

    Streamlit keeps a keyed selectbox's value as its label. Right after a language switch (or when reruns
    overlap) the browser can send a label the server then hands back *as the value*, when ``format_func``
    maps an unknown value to itself (``kpi_label`` of a code, a scheme's name): the load bench saw
    ``KeyError: '询单转化率 (inquiry_conversion)'`` on the compare page. Such a label is mapped back to the option
    it names, in any language; anything else falls back to ``options[index]``.
    """
    value = widget(label, options, index=index, key=key, format_func=format_func, **kwargs)
    return option_of(value, options, format_func, index)


def option_of(value: Any, options: list[Any], format_func: Any, index: int | None = 0) -> Any:
    """``value`` if it is one of ``options``, else the option whose label it is (see :func:`choose`)."""
    if any(value == o for o in options):
        return value
    for o in options:
        if format_func(o) == value:
            return o
    return options[index] if index is not None and options else None


def translated_choice(label: str, options: list[str], default: str, key: str, lang: str, fmt: Any) -> str:
    """A horizontal radio whose option texts depend on the language, keyed ``<key>_<lang>``.

    Streamlit's browser side matches a radio's or selectbox's current value by its text, so when the texts
    change under one key (a language switch) it shows no selection (or the old text). One widget per language
    avoids that; the choice itself lives in ``st.session_state[key]`` and carries over.
    """
    wkey = f"{key}_{lang}"
    ss = st.session_state
    if ss.get(key) not in options:
        ss[key] = default
    if ss.get(wkey) != ss[key]:
        ss[wkey] = ss[key]

    def _keep() -> None:
        ss[key] = ss[wkey]

    return st.radio(label, options, key=wkey, horizontal=True, format_func=fmt, on_change=_keep)


def agent_section(agents: pd.DataFrame, lang: str, platform: str, day: Any = None) -> None:
    """Agents side by side (one KPI, with the platform line: today's, or in force on ``day``) and the per-agent
    table."""
    st.subheader(t("sim.agent_chart", lang))
    rules = [r for r in rules_for(platform, day) if r.kpi in KPI_CODES]  # a line on a KPI the model computes
    options = [c for c in AGENT_CHART_KPIS if c in agents]
    default = next((r.kpi for r in rules if r.kpi in options), options[0])
    code = translated_choice(t("sim.agent_kpi", lang), options, default, "agent_kpi", lang,
                             lambda c: kpi_label(c, lang))
    st.altair_chart(agent_chart(agents, code, lang, rule_for(platform, code, day)), width="stretch")
    if rules:
        st.caption(" · ".join(f"{kpi_label(r.kpi, lang)}: {rule_text(r, platform, lang)}" for r in rules)
                   + " — " + t("sim.rules_caption", lang))
    st.subheader(t("sim.agents_table", lang))
    frame, config = _agent_frame(agents, lang)
    st.dataframe(frame, hide_index=True, column_config=config, key="agent_table",
                 height=_table_height(min(len(frame), 20)))


def _table_height(rows: int) -> int:
    """Pixel height that shows ``rows`` rows and the header without an inner scroll bar."""
    return 35 * (rows + 1) + 3


def show_band(band: dict[str, Any] | None, lang: str) -> None:
    """A forecast's band over the behaviour assumptions (its range, the three that move it most) and its basis
    (the compare cards, the tuning recommendation); nothing without a band block."""
    if band is None:
        return
    if band.get("pending"):  # computed off the answer's path (ui.pages.compare), shown when ready
        st.caption(t("band.pending", lang))
        st.caption(basis_text(band.get("basis"), lang))
        return
    if has_band(band):
        st.markdown(range_text(band, lang))  # our own words and numbers: no user text to escape
        st.caption(t("band.top", lang) + "  \n" + "  \n".join(top_text(r, lang) for r in top_rows(band)))
    st.caption(basis_text(band.get("basis"), lang))
