"""方案对比 / Compare schemes: the answer first (one card per scheme, charts, tables, deck and HTML
downloads), the scheme editors below (collapsed).

The page (a) gets the comparison document from one call, :func:`comparison`, and (b) renders it. The results
are drawn into a container placed above the editors but filled after them, so every edit shows in the same
run. The comparison goes through the model's one comparison path (:func:`model.pipeline.compare_schemes`)
with a run cache that lives in ``st.cache_resource``: runs are keyed by :func:`model.pipeline.run_key` (the
scenario without its schemes and economics, plus the effects), so changing a target or an amount only
re-prices the cached runs, and a scheme whose assumed effects change reply times gets its own cached run
(same random numbers).

With agents responding, a move answers at once from the quick forecast (:mod:`model.quick`) and says so; the
full simulation replaces it on one click (``cmp_confirm``), with the gap shown when it exceeds 3% of revenue.

Widget keys: cmp_scenario, cmp_upload, cmp_days, cmp_reps, cmp_bot_share, cmp_reset, cmp_confirm, the editor's ``cmp_<id>_<field>``
(ui.scheme_editor), download_report, download_deck.
"""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from model.behaviour.band import attach_bands
from model.document import comparison_document
from model.effects import Effects
from model.errors import ScenarioError
from model.pipeline import RunCache, run_for
from model.present.band_text import flip_text
from model.present.charts_compare import all_charts, component_label
from model.present.deck import build_deck
from model.present.format import interval_level, md_plain, money, pct, retimed_note
from model.present.html_report import agent_pay_rows, build_report, comparison_rows
from model.present.i18n import t
from model.present.i18n.errors import localise
from model.present.rules import doc_rules_statement
from model.present.story import how_sure
from model.quick import GAP_SHARE, quick_comparison, quick_gap
from model.scenario import read_toml
from model.schema import Scenario, scenario_from_dict
from model.schemes.describe import basis, basis_label, describe_scheme
from ui import scheme_editor as ed
from ui.background import Runner
from ui.behaviour_view import render_behaviour
from ui.bot_view import render_bot
from ui.calculator import render_calculator
from ui.scenarios import read_upload, with_bot_share
from ui.state import PLANNED_CHOICE, PLANNED_KEY, current_lang, remember_widgets, restore_widgets
from ui.widgets import (
    bot_percent,
    bot_share_slider,
    choose,
    scenario_title,
    scenario_upload,
    show_band,
    show_error,
    show_warnings,
)

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
DEFAULT_SCENARIO = "seed000_threshold_48.toml"
DEFAULT_DAYS = 7
DEFAULT_REPS = 2


SOURCE_KEY = "_cmp_source"  # which scenario the days/replications belong to (not a widget)
#: Widgets whose values survive a visit to another page (ui.state.remember_widgets / restore_widgets).
WIDGETS = ("cmp_scenario", "cmp_days", "cmp_reps", "cmp_bot_share", "cmp_behaviour")


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


@st.cache_resource(show_spinner=False)
def run_cache() -> RunCache:
    """The runs of this server process by :func:`model.pipeline.run_key` (shared by every session)."""
    return RunCache(maxsize=24)


@st.cache_resource(show_spinner=False)
def shown_docs() -> dict[str, RunCache]:
    """Comparison documents of this server process by scenario JSON: "full" (confirmed) and "quick"."""
    return {"full": RunCache(maxsize=32), "quick": RunCache(maxsize=32)}


def _document(s: Scenario) -> dict[str, Any]:
    """Every scheme of ``s`` priced against the baseline (the library's one comparison document, cached runs)."""
    return comparison_document(s, cache=run_cache())


@st.cache_data(show_spinner=False, max_entries=32)
def _compare_cached(full_json: str) -> dict[str, Any]:
    return _document(scenario_from_dict(json.loads(full_json)))


def comparison(scen: Scenario) -> dict[str, Any]:
    """The comparison document of a validated scenario (cached runs; only re-prices when pay rules change).

    The one data call of the page: everything below renders what it returns.
    """
    # st.cache_data hands every caller its own copy (unpickled), so the page may annotate it
    return _compare_cached(json.dumps(scen.model_dump(mode="json"), sort_keys=True, ensure_ascii=False))


def _show_error(e: ScenarioError, lang: str, head: str) -> None:
    st.error(f"{t(head, lang)}\n\n" + "\n\n".join(f"- {line}" for line in localise(str(e.message), lang).splitlines()
                                                     if line)
             + f"\n\n{t('cmp.error_hint', lang)}")


@st.cache_data(show_spinner=False)
def _read(path: str) -> dict[str, Any]:
    return read_toml(ROOT / path)


def _source(lang: str, files: list[str]) -> tuple[str, str, dict[str, Any]] | None:
    """Scenario choice and upload in the sidebar; (source id, file name, TOML data) or None after a message."""
    ss = st.session_state
    planned = ss.get(PLANNED_KEY)  # from the Next-month page
    if planned:
        files = [PLANNED_CHOICE, *files]
        if planned.get("select"):  # just handed over: show it
            ss["cmp_scenario"] = PLANNED_CHOICE
            planned["select"] = False
    if ss.get("cmp_scenario") not in files:
        ss.pop("cmp_scenario", None)
    with st.sidebar:
        st.header(t("cmp.setup", lang))
        path = choose(st.selectbox, t("cmp.scenario", lang), files, key="cmp_scenario", format_func=lambda f: t(
            "plan.planned_title", lang, name=planned["name"]) if f == PLANNED_CHOICE else scenario_title(f))
        up = scenario_upload(lang, key="cmp_upload")
    try:
        if up is None and path == PLANNED_CHOICE:
            data = planned["toml"].encode("utf-8")
            return f"planned:{hash(data)}", planned["name"], read_upload(name=planned["name"], data=data)
        if up is not None:
            name, data = up
            st.sidebar.caption(t("sim.using_upload", lang, name=name))
            raw = read_upload(name=name, data=data)
            scenario_from_dict(raw, file=name)  # the model's own validation, as on the Simulate page
            if not raw.get("schemes"):
                st.warning(t("cmp.upload_no_schemes", lang, name=name))
                return None
            return f"upload:{name}:{hash(data)}", name, raw
        if path is None:
            return None
        return path, path, _read(path)
    except ScenarioError as e:
        show_error(e, lang)
        return None


def _file_bot_share(raw: dict[str, Any]) -> float | list[float] | None:
    """The file's ``[bot] resolve_share`` (None without ``[bot]``)."""
    bot = raw.get("bot")
    return None if bot is None else bot.get("resolve_share", 0.0)


def _run_settings(lang: str, source: str, raw: dict[str, Any]) -> tuple[int, int]:
    """Days, replications and the bot's share (sidebar); reset to the file's when another scenario is chosen."""
    ss = st.session_state
    file_days = int((raw.get("meta") or {}).get("days", 30))
    file_behaviour = (raw.get("behaviour") or {}).get("model", "none") != "none"
    file_bot = _file_bot_share(raw)
    max_days = max(31, file_days)
    if ss.get(SOURCE_KEY) != source:
        ss[SOURCE_KEY] = source
        # a planned month is compared over the whole month (its promotion days and day shifts are dated)
        ss["cmp_days"] = file_days if source.startswith("planned:") else min(DEFAULT_DAYS, file_days)
        ss["cmp_reps"] = DEFAULT_REPS
        ss["cmp_behaviour"] = file_behaviour
        ss["cmp_bot_share"] = bot_percent(file_bot)
    ss.setdefault("cmp_behaviour", file_behaviour)
    ss.setdefault("cmp_bot_share", bot_percent(file_bot))
    ss.setdefault("cmp_days", min(DEFAULT_DAYS, file_days))
    ss.setdefault("cmp_reps", DEFAULT_REPS)
    ss["cmp_days"] = int(min(max(ss["cmp_days"], 1), max_days))
    with st.sidebar:
        b, c = st.columns(2)
        days = int(b.number_input(t("cmp.days", lang), min_value=1, max_value=max_days, step=1, key="cmp_days",
                                  help=t("cmp.days_help", lang)))
        reps = int(c.number_input(t("cmp.reps", lang), min_value=1, max_value=20, step=1, key="cmp_reps",
                                  help=t("cmp.reps_help", lang)))
        share = bot_share_slider(lang, file_bot, key="cmp_bot_share")
        if share is not None and file_bot is None:
            st.caption(t("cmp.bot_add" if share == 0 else "cmp.bot_added", lang))
        if share or isinstance(file_bot, list):
            st.caption(t("cmp.bot_basis", lang))
        st.toggle(t("beh.toggle", lang), key="cmp_behaviour", help=t("beh.toggle_help", lang))
    ss["_cmp_bot_shown"] = share is not None  # per-hour shares: no slider, the file's [bot] as it is
    remember_widgets(WIDGETS)
    return days, reps


def render() -> None:
    """Draw the comparison page (language from ``st.session_state["lang"]``)."""
    lang = current_lang()
    restore_widgets(WIDGETS)
    st.title(t("cmp.title", lang))
    st.caption(t("cmp.intro", lang))
    files = scheme_scenarios()
    if not files:
        st.warning(t("cmp.no_scenarios", lang))
        return
    loaded = _source(lang, files)
    if loaded is None:
        return
    source, name, raw = loaded
    days, reps = _run_settings(lang, source, raw)

    answer = st.container()  # filled after the editors below have applied this run's edits
    st.divider()
    st.subheader(t("ed.header", lang))
    st.caption(t("ed.intro", lang))
    state = ed.ensure_state(source, raw)
    st.button(t("cmp.reset", lang), key="cmp_reset", on_click=ed.reset_state, args=(source, raw))
    ed.render_editor(state, lang)
    calculator = st.container()

    with answer:
        made = _edited_document(lang, state, raw, name, days, reps)
        if made is None:
            return
        doc, scen = made
        _results(doc, lang, scen)
    with calculator:
        render_calculator(doc, raw, lang)


def _edited_document(lang: str, state: dict[str, Any], raw: dict[str, Any], name: str, days: int,
                     reps: int) -> tuple[dict[str, Any], Scenario] | None:
    """The edited scenario's comparison and the scenario, or None after a message naming what is wrong."""
    errs = ed.editor_errors(state)
    if errs:
        st.error(f"{t('cmp.bad_input', lang)}\n\n" + "\n\n".join(f"- {m}" for m in errs))
        return None
    if not state["schemes"]:
        st.warning(t("cmp.need_scheme", lang))
        return None
    data = dict(raw)
    data["meta"] = {**(raw.get("meta") or {}), "days": days, "replications": reps}
    ss = st.session_state
    if ss.get("_cmp_bot_shown"):  # the bot slider: the file's [bot] with its share (none at 0 without a [bot])
        bot = with_bot_share(raw.get("bot"), ss["cmp_bot_share"] / 100)
        if bot is not None:
            data["bot"] = bot
    model = "effort_equilibrium" if st.session_state.get("cmp_behaviour") else "none"
    behaviour = {**(raw.get("behaviour") or {}), "model": model}
    if model == "none":
        behaviour.pop("gaming", None)  # gaming needs agents who respond
    data["behaviour"] = behaviour
    data["economics"] = {**(raw.get("economics") or {})}
    data["economics"].pop("baseline_scheme", None)
    base = ed.baseline_name(state)
    if base is not None:
        data["economics"]["baseline_scheme"] = base
    data["schemes"] = ed.scheme_dicts(state)
    try:
        scen = scenario_from_dict(data, file=name)
    except ScenarioError as e:
        _show_error(e, lang, "cmp.bad_input")
        return None
    try:
        if scen.behaviour.active:
            doc = quick_or_full(scen, lang)
        else:
            with st.spinner(t("cmp.running", lang)):
                doc = comparison(scen)
    except (ScenarioError, ValueError) as e:
        st.error(f"{t('cmp.bad_input', lang)}\n\n{e}")
        return None
    doc["scenario"]["file"] = name
    with_band(doc, scen, lang)
    return doc, scen


@st.cache_resource(show_spinner=False)
def band_runner() -> Runner:
    """The worker thread that computes bands off the answer's path (shared by every session of the process)."""
    return Runner()


def _session_token() -> str:
    ss = st.session_state
    if "_cmp_session" not in ss:
        ss["_cmp_session"] = uuid.uuid4().hex
    return ss["_cmp_session"]


def with_band(doc: dict[str, Any], scen: Scenario, lang: str) -> dict[str, Any]:
    """Each scheme's band over the behaviour assumptions on its block (the agents' forecast on the cached base
    run, kept in that run's cache).

    With agents responding the page never waits for a band: the cached ones are attached at once, the others are
    marked ``pending`` and computed by :func:`band_runner` (a target move re-solves only the scheme that moved;
    the next move stops a band still running for an older one); :func:`_cards_of` draws the cards in a fragment that picks
    the bands up as they land. Behaviour off: the mechanics basis, no band.
    """
    if not scen.behaviour.active:
        return attach_bands(doc, scen, None)
    base = run_for(scen, Effects(), cache=run_cache())
    attach_bands(doc, scen, base, solve=False)
    if doc.get("band_pending"):
        key = band_key(scen)
        skeleton = {"schemes": {n: {"economics": b.get("economics")} for n, b in doc["schemes"].items()}}
        runner = band_runner()
        runner.submit(key, lambda stop: attach_bands(skeleton, scen, base, stop=stop), owner=_session_token())
        if runner.error(key) is not None:  # said once, never retried in a loop; the cards keep the basis only
            st.warning(t("band.failed", lang, error=str(runner.error(key))))
            for name in doc.pop("band_pending"):
                doc["schemes"][name]["band"] = {"basis": doc["band_basis"]}
    return doc


def band_key(scen: Scenario) -> str:
    """What a scenario's bands depend on (the whole scenario: its schemes, behaviour and run settings)."""
    return json.dumps(scen.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)


LIVE_KEY = "_cmp_live"  # the last run's document and scenario while its bands are computed (not a widget)


def _live_cards(key: str, lang: str) -> None:
    """The cards while the bands of ``key`` are computed: a fragment that reruns every second (only itself: no
    widget of the page is touched), attaches each band from the cache as it lands, and says what is coming."""
    doc, scen = st.session_state[LIVE_KEY]
    if band_runner().done(key):
        with_band(doc, scen, lang)
    _cards(doc, lang)
    if doc.get("band_pending"):
        st.caption(t("band.pending_flips", lang))


def _cards_of(doc: dict[str, Any], lang: str, scen: Scenario) -> None:
    """The cards, drawn in a polling fragment while some band is still being computed (:func:`_live_cards`).

    The fragment never reruns the whole app: a full rerun from a fragment can reset widgets (an uploaded file),
    so the bands land in the fragment itself."""
    if doc.get("band_pending"):
        st.session_state[LIVE_KEY] = (doc, scen)
        st.fragment(_live_cards, run_every=1.0)(band_key(scen), lang)
    else:
        st.session_state.pop(LIVE_KEY, None)
        _cards(doc, lang)


def quick_or_full(scen: Scenario, lang: str) -> dict[str, Any]:
    """With agents responding: the confirmed full comparison when there is one (or its confirmation was asked
    for), else the quick forecast (:func:`model.quick.quick_comparison`, no SimPy run beyond the base run).

    The document says which it is in ``shown`` ("quick" or "full"); a full one carries ``quick_gap`` when a quick
    forecast of the same scenario was shown before.
    """
    ss = st.session_state
    key = band_key(scen)
    ss["_cmp_doc_key"] = key
    band_runner().supersede(_session_token(), key)  # a band still solving for the previous move stops
    store = shown_docs()
    if ss.get("cmp_confirm_key") == key and key not in store["full"]:
        with st.spinner(t("cmp.running", lang)):
            store["full"][key] = comparison(scen)
    if key in store["full"]:
        doc = copy.deepcopy(store["full"][key])
        doc["shown"] = "full"
        quick = store["quick"].get(key)
        if quick is not None:
            doc["quick_gap"] = quick_gap(quick, doc)
        return doc
    with st.spinner(t("quick.running", lang)):
        base = run_for(scen, Effects(), cache=run_cache())
        doc = quick_comparison(scen, base)
    store["quick"][key] = copy.deepcopy(doc)
    doc["shown"] = "quick"
    return doc


def _ask_confirm() -> None:
    st.session_state["cmp_confirm_key"] = st.session_state.get("_cmp_doc_key")


def _shown(doc: dict[str, Any], lang: str) -> None:
    """Which answer is shown (quick forecast or full simulation), the confirm button and the gap."""
    shown = doc.get("shown")
    if shown == "quick":
        st.info(t("quick.shown", lang))
        st.button(t("quick.confirm", lang), key="cmp_confirm", on_click=_ask_confirm, type="primary",
                  help=t("quick.confirm_help", lang))
    elif shown == "full":
        gap = doc.get("quick_gap")
        limit = f"{100 * GAP_SHARE:g}"
        if gap is None:
            st.caption(t("quick.full_shown", lang))
        elif gap["over"]:
            rows = "; ".join(t("quick.gap_row", lang, name=n, quick=money(r["quick"], lang), full=money(r["full"], lang),
                                share=f"{100 * r['share']:.1f}")
                             for n, r in gap["schemes"].items() if r["share"] is not None and r["share"] > GAP_SHARE)
            st.warning(t("quick.full_shown", lang) + " " + t("quick.gap", lang, share=limit, rows=rows))
        else:
            st.success(t("quick.full_shown", lang) + " " + t("quick.gap_ok", lang, share=limit))


def _results(doc: dict[str, Any], lang: str, scen: Scenario) -> None:
    """The answer: headline cards, what the numbers rest on (behaviour), charts, tables, downloads."""
    meta = doc["scenario"]
    st.subheader(t("res.header", lang))
    st.caption(t("cmp.caption", lang, name=meta["name"], days=meta["days"], reps=meta["replications"],
                  seed=meta["seed"]))
    st.caption(doc_rules_statement(doc, lang, plan=scen.meta.plan))  # a planned month: the pack in force on its dates
    _shown(doc, lang)
    if (note := retimed_note(doc, lang)) is not None:
        st.caption(md_plain(note))
    show_warnings(doc, lang)
    _cards_of(doc, lang, scen)
    render_behaviour(doc, scen, lang, cache=run_cache(), heavy=doc.get("shown") != "quick")
    _assumptions(doc, lang)
    _charts(doc, lang)
    _tables(doc, lang)
    render_bot(doc, scen, lang, cache=run_cache())  # who handled the chats, each scheme's KPI basis (issue 16)
    _downloads(doc, lang, scen)


def _flips(doc: dict[str, Any], lang: str) -> None:
    """Where the recommended scheme loses its place inside the band (or that it keeps it); nothing while bands
    are being computed (:func:`_live_cards` says so)."""
    sure = how_sure(doc)
    if sure["pending"]:
        return
    if sure["flips"]:
        st.warning("  \n".join(flip_text({**f, "winner": md_plain(f["winner"])}, md_plain(sure["scheme"]), lang)
                               for f in sure["flips"]))
    elif sure["band"] is not None:
        st.caption(t("band.no_flip", lang))


def _cards(doc: dict[str, Any], lang: str) -> None:
    """One card per scheme: net gain with its interval and band over the behaviour assumptions (with the basis),
    bonus cost, uplift, P(loss), share reaching targets; below them, where the recommendation flips."""
    level = interval_level(doc)
    base = doc.get("baseline_scheme")
    items = list(doc["schemes"].items())
    per_row = 3
    for i in range(0, len(items), per_row):
        cols = st.columns(per_row)
        for j, (col, (name, b)) in enumerate(zip(cols, items[i:i + per_row], strict=False)):
            with col.container(border=True, key=f"cmp_card_{i + j}"):
                _card(name, b, lang, level, is_base=(name == base), spec=(doc.get("scheme_specs") or {}).get(name))
    _flips(doc, lang)


def _stat(block: dict[str, Any], code: str, part: str = "mean") -> Any:
    return ((block.get("economics") or {}).get(code) or {}).get(part)


def _card(name: str, b: dict[str, Any], lang: str, level: float, *, is_base: bool,
          spec: dict[str, Any] | None) -> None:
    kind = basis(b)
    colour = {"forecast": "blue", "assumption": "orange", "mechanics": "gray"}[kind]
    badges = f":{colour}-badge[{basis_label(b, lang)}]"
    if is_base:
        badges += f" :violet-badge[{t('card.baseline', lang)}]"
    st.markdown(f"**{md_plain(b.get('label') or name)}** {badges}")  # the name as typed, never markup
    if spec is not None:  # the rules in words, so the card never relies on the name alone
        st.caption("  \n".join(md_plain(line) for line in describe_scheme(spec, lang)))
    lo, hi = _stat(b, "net_gain_yuan", "lo"), _stat(b, "net_gain_yuan", "hi")
    st.metric(t("card.net", lang), money(_stat(b, "net_gain_yuan"), lang))
    if is_base:
        st.caption(t("card.is_base", lang))
    elif lo is not None and hi is not None:
        st.caption(t("card.interval", lang, level=level, lo=money(lo, lang), hi=money(hi, lang)))
    else:
        st.caption(t("card.no_interval", lang))
    show_band(b.get("band"), lang)
    colon = "：" if lang == "zh" else ": "
    p_loss = _stat(b, "p_net_loss")
    lines = [f"{t('card.bonus', lang)}{colon}**{money(_stat(b, 'bonus_cost_yuan'), lang)}**",
             f"{t('card.uplift', lang)}{colon}**{money(_stat(b, 'uplift_yuan'), lang)}**",
             f"{t('card.service_cost', lang)}{colon}**{money(_stat(b, 'service_cost_yuan'), lang)}**",
             f"{t('card.p_loss', lang)}{colon}**{pct(p_loss, lang, digits=0)}**"]
    reach = [r for r in b.get("reach_share") or [] if r.get("reach_share") is not None]
    for r in reach:
        lines.append(f"{t('card.reach', lang, target=component_label(str(r.get('component')), lang))}{colon}"
                     f"**{pct(r['reach_share'], lang, digits=0)}**")
    if not reach:
        lines.append(t("card.no_targets", lang))
    st.markdown("  \n".join(lines))


def _assumptions(doc: dict[str, Any], lang: str) -> None:
    assumed = [(n, b["assumed_effects"]) for n, b in doc["schemes"].items() if b.get("assumed_effects")]
    if assumed:
        st.warning(t("res.assumed_note", lang) + "\n\n" + "\n\n".join(
            f"- **{n}**: {'; '.join(ae.get(lang) or [])}" for n, ae in assumed))
    elif doc.get("behaviour_model", "none") == "none":
        st.info(t("res.no_assumed", lang))
    else:  # agents respond: the numbers are the behaviour model's forecast (the section above), no manager's guess
        st.info(t("res.no_assumed_forecast", lang))


def _charts(doc: dict[str, Any], lang: str) -> None:
    charts = all_charts(doc, lang)
    left, right = st.columns(2)
    left.altair_chart(charts["uplift"], key="cmp_chart_uplift", width="stretch")
    if "reach" in charts:
        right.altair_chart(charts["reach"], key="cmp_chart_reach", width="stretch")
    else:
        right.caption(t("res.no_reach", lang))
    st.altair_chart(charts["pay"], key="cmp_chart_pay", width="stretch")


def _tables(doc: dict[str, Any], lang: str) -> None:
    heads, rows = comparison_rows(doc, lang)
    st.markdown(f"**{t('res.table', lang)}**")
    st.dataframe(pd.DataFrame(rows, columns=heads), hide_index=True, key="cmp_table")
    base = doc.get("baseline_scheme") or t("ed.base_only", lang)
    st.caption(t("res.baseline_note", lang, name=base, level=interval_level(doc)))
    with st.expander(t("res.per_agent", lang), expanded=False):
        heads, rows = agent_pay_rows(doc, lang)
        st.dataframe(pd.DataFrame(rows, columns=heads), hide_index=True, key="cmp_agents")


def _downloads(doc: dict[str, Any], lang: str, scen: Scenario) -> None:
    """The deck and the HTML report, built only when clicked (re-pricing never waits for them); a band still
    being computed in the background is computed for them first (a download never lacks what the page promises)."""
    frozen = json.dumps(doc, ensure_ascii=False)

    def complete() -> dict[str, Any]:
        d = json.loads(frozen)
        if d.get("band_pending"):
            attach_bands(d, scen, run_for(scen, Effects(), cache=run_cache()))
        return d

    def html() -> bytes:
        return build_report(complete(), lang).encode("utf-8")

    def pptx() -> bytes:
        return build_deck(complete(), lang=lang)

    a, b = st.columns(2)
    a.download_button(t("res.download_deck", lang), data=pptx, file_name="scheme_comparison.pptx",
                      mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                      key="download_deck", help=t("res.download_deck_help", lang), on_click="ignore",
                      type="primary")
    b.download_button(t("res.download", lang), data=html, file_name="scheme_comparison.html",
                      mime="text/html", key="download_report", help=t("res.download_help", lang),
                      on_click="ignore")
