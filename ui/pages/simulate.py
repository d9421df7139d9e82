"""模拟 / Simulate: one scenario, sliders for staffing, volume and concurrency, team KPIs with intervals.

Widget keys (stable, ASCII): scenario, upload, agents, inquiries, concurrency, bot_share, days, reps, overrides,
agent_kpi_zh / agent_kpi_en (the KPI of the per-agent chart; the choice is kept in session key agent_kpi).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from model.errors import ScenarioError
from model.platform_rules import plan_day
from model.present.charts_simulate import arrivals_chart, response_chart
from model.present.format import count
from model.present.i18n import kpi_label, t
from model.present.rules import rules_statement
from model.schema import MAX_AGENTS, Scenario
from ui import scenarios as sc
from ui.state import CALIBRATED_CHOICE, CALIBRATED_KEY, current_lang, remember_widgets, restore_widgets
from ui.widgets import (
    BOT_SHARE_BOUNDS,
    agent_section,
    bot_percent,
    bot_share_slider,
    choose,
    kpi_card,
    scenario_title,
    scenario_upload,
    show_error,
    show_warnings,
    team_table,
)

HEADLINE = ("inquiry_conversion", "sales_yuan", "first_response_s", "three_min_reply_rate",
            "abandon_rate", "good_rating_rate", "utilization")
SOURCE_KEY = "_sim_source"  # which scenario the slider values belong to (not a widget)
#: Widgets whose values survive a visit to another page (ui.state.remember_widgets / restore_widgets).
WIDGETS = ("scenario", "agents", "inquiries", "concurrency", "days", "reps", "bot_share", "overrides")


@st.cache_data(show_spinner=False, max_entries=64)
def _run_cached(scenario_json: str) -> dict[str, Any]:
    return sc.run(scenario_json=scenario_json)


def _defaults(base: Scenario) -> dict[str, int]:
    promo_end = max((p.day + 1 for p in base.traffic.promo_days), default=0)
    return {
        "agents": base.agents.count,
        "inquiries": int(round(base.traffic.inquiries_per_day)),
        "concurrency": base.agents.max_concurrent_chats,
        "days": min(base.meta.days, max(7, promo_end)),
        "reps": min(base.meta.replications, 3),
        "bot_share": _bot_percent(base),
    }


def _bot_percent(base: Scenario) -> int:
    """The file's bot resolution share in percent (0 without [bot]; per-hour shares are not on the slider)."""
    return bot_percent(base.bot.resolve_share if base.bot is not None else None)


def _bounds(base: Scenario) -> dict[str, tuple[int, int, int]]:
    """(min, max, step) of each slider, from the scenario's own values."""
    n = base.agents.count
    q = int(round(base.traffic.inquiries_per_day))
    q_max = max(2000, 3 * q)
    q_step = 10 if q_max <= 5000 else 50 if q_max <= 30000 else 500
    q_max = (q_max + q_step - 1) // q_step * q_step
    return {
        "agents": (max(1, len(base.agents.shifts)), min(MAX_AGENTS, max(30, 3 * n)), 1),
        "inquiries": (0, q_max, q_step),
        "concurrency": (1, max(10, base.agents.max_concurrent_chats), 1),
        "days": (1, 366, 1),
        "reps": (1, 50, 1),
        "bot_share": BOT_SHARE_BOUNDS,
    }


def _init_state(source: str, base: Scenario, bounds: dict[str, tuple[int, int, int]]) -> None:
    """Reset the sliders to the scenario's values when another scenario is chosen; keep them in range."""
    ss = st.session_state
    defaults = _defaults(base)
    if ss.get(SOURCE_KEY) != source:
        ss[SOURCE_KEY] = source
        for k, v in defaults.items():
            ss[k] = v
    for k, v in defaults.items():  # a widget value lost on the way (never the slider's minimum)
        ss.setdefault(k, v)
    for k, (lo, hi, _) in bounds.items():
        if k in ss:
            ss[k] = int(min(max(ss[k], lo), hi))


def _calibrated_title(cal: dict[str, str] | None) -> str:
    return f"★ {cal['name']}" if cal else ""


def _load_base(lang: str, folder: Path | None) -> tuple[str, str, Scenario] | None:
    """Scenario choice in the sidebar; returns (source id, file name, scenario) or None after an error."""
    files = sc.shipped_scenarios(folder) if folder else sc.shipped_scenarios()
    calibrated = st.session_state.get(CALIBRATED_KEY)  # from the History page
    if calibrated:
        files = [CALIBRATED_CHOICE, *files]
        if calibrated.get("select"):  # just handed over by the History page: show it
            st.session_state["scenario"] = CALIBRATED_CHOICE
            calibrated["select"] = False
    if st.session_state.get("scenario") not in files:
        st.session_state.pop("scenario", None)
    with st.sidebar:
        st.header(t("sim.scenario_header", lang))
        choice = choose(st.selectbox, t("sim.scenario", lang), files, key="scenario",
                        format_func=lambda f: _calibrated_title(calibrated) if f == CALIBRATED_CHOICE
                        else scenario_title(f))
        up = scenario_upload(lang, key="upload")
    try:
        if up is not None:
            name, data = up
            st.sidebar.caption(t("sim.using_upload", lang, name=name))
            return f"upload:{name}:{hash(data)}", name, sc.load_upload(name=name, data=data)
        if choice is None:
            return None
        if choice == CALIBRATED_CHOICE:
            data = calibrated["toml"].encode("utf-8")
            return f"calibrated:{hash(data)}", calibrated["name"], sc.load_upload(name=calibrated["name"], data=data)
        return choice, choice, sc.load_shipped(path=choice)
    except ScenarioError as e:
        show_error(e, lang)
        return None


def _controls(lang: str, base: Scenario, source: str) -> dict[str, Any]:
    bounds = _bounds(base)
    _init_state(source, base, bounds)
    with st.sidebar:
        st.header(t("sim.controls_header", lang))
        out: dict[str, Any] = {}
        for key, label in (("agents", "sim.agents"), ("inquiries", "sim.inquiries"),
                           ("concurrency", "sim.concurrency")):
            lo, hi, step = bounds[key]
            out[key] = st.slider(t(label, lang), min_value=lo, max_value=hi, step=step, key=key,
                                 help=t(f"{label}_help", lang))
        out["bot_share"] = bot_share_slider(lang, base.bot.resolve_share if base.bot is not None else None,
                                            key="bot_share")
        c1, c2 = st.columns(2)
        for col, key, label in ((c1, "days", "sim.days"), (c2, "reps", "sim.reps")):
            lo, hi, step = bounds[key]
            out[key] = col.number_input(t(label, lang), min_value=lo, max_value=hi, step=step, key=key,
                                        help=t(f"{label}_help", lang))
        with st.expander(t("sim.advanced", lang)):
            out["overrides"] = st.text_area(t("sim.overrides", lang), key="overrides",
                                            help=t("sim.overrides_help", lang), placeholder="customers.patience.mean_s=120")
    remember_widgets(WIDGETS)
    return out


def _headline(doc: dict[str, Any], lang: str, platform: str, agents: int, days: int, day: Any = None) -> None:
    team = doc["team"]
    rec = team.get("receptions", {})
    per = {k: (None if rec.get(k) is None else rec[k] / agents / days) for k in ("mean", "lo", "hi")}
    cards: list[tuple[str, str, dict[str, Any], str | None]] = [
        (c, kpi_label(c, lang), team.get(c, {}), None) for c in HEADLINE]
    cards.append(("receptions_per_agent_day", t("sim.per_agent_day", lang), per, t("sim.per_agent_day_help", lang)))
    with st.container(key="kpi_cards"):
        for row in (cards[:4], cards[4:]):
            cols = st.columns(4)
            for col, (code, label, iv, hlp) in zip(cols, row, strict=False):
                with col:
                    kpi_card(code, label, iv, lang, platform=platform, help=hlp, day=day)


def _bot_caption(b: dict[str, Any], lang: str) -> None:
    """Who handled the chats with the bot front line, and what the platform counts the bot in."""
    def pct(x: dict[str, Any] | None) -> str:
        m = (x or {}).get("mean")
        return "—" if m is None else f"{100 * m:.1f}%"

    fr = ((b.get("views") or {}).get("human") or {}).get("first_response_s") or {}
    counted = ", ".join(kpi_label(c, lang) for c in b.get("counts_bot") or []) or t("sim.bot_counted_none", lang)
    st.caption(t("sim.bot_caption", lang, handled=pct(b.get("handled_by_bot_share")),
                 handed=pct(b.get("handed_over_share")),
                 human_fr="—" if fr.get("mean") is None else f"{fr['mean']:.1f} s", counted=counted))


def render(scenario_dir: Path | None = None) -> None:
    """Draw the Simulate page. ``scenario_dir`` replaces ``scenarios/`` (tests)."""
    lang = current_lang()
    restore_widgets(WIDGETS)
    st.title(t("sim.title", lang))
    st.caption(t("app.subtitle", lang))
    loaded = _load_base(lang, scenario_dir)
    if loaded is None:
        return
    source, name, base = loaded
    w = _controls(lang, base, source)
    try:
        changed = sc.apply_changes(
            base=base, agents=w["agents"], inquiries_per_day=w["inquiries"], max_concurrent_chats=w["concurrency"],
            days=w["days"], replications=w["reps"], overrides=sc.parse_override_lines(text=w["overrides"]), file=name,
            bot_share=None if w["bot_share"] is None else w["bot_share"] / 100)
        with st.spinner(t("sim.running", lang)):
            doc = _run_cached(scenario_json=sc.scenario_json(s=changed.scenario))
    except ScenarioError as e:
        show_error(e, lang)
        return
    s = changed.scenario
    platform = s.shop.platform
    st.caption(t("sim.caption", lang, name=s.meta.name or name, platform=t(f"platform.{platform}", lang),
                 days=s.meta.days, reps=s.meta.replications, seed=s.meta.seed))
    day = plan_day(s.meta.plan)  # a planned month: the rule pack in force on its first date, else today's
    st.caption(rules_statement(platform, day, lang, days=s.meta.days if day else None))
    if changed.dropped_promo_days:
        st.info(t("sim.promo_dropped", lang, days=s.meta.days, names=", ".join(changed.dropped_promo_days)))
    if s.meta.replications < 2:
        st.info(t("sim.no_interval", lang))
    show_warnings(doc, lang)

    st.subheader(t("sim.headline", lang))
    _headline(doc, lang, platform, s.agents.count, s.meta.days, day)
    c = doc["counts"]
    st.caption(t("sim.counts", lang, arrived=count(c["arrived"]), answered=count(c["answered"]),
                 abandoned=count(c["abandoned"]), in_progress=count(c["in_progress_at_end"]),
                 messages=count(c["messages"])))
    if doc.get("bot"):
        _bot_caption(doc["bot"], lang)

    st.subheader(t("sim.intraday", lang))
    left, right = st.columns(2)
    left.altair_chart(arrivals_chart(doc["intraday"], lang), width="stretch")
    right.altair_chart(response_chart(doc["intraday"], lang, three_min_s=s.kpi.three_min_s), width="stretch")
    st.caption(t("sim.intraday_caption", lang))

    agent_section(pd.DataFrame(doc["agents"]), lang, platform, day)

    st.subheader(t("sim.team_table", lang))
    team_table(doc["team"], lang)

