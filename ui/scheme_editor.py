"""Scheme editor widgets: edit the schemes of a scenario file (components, targets, amounts, assumed effects).

The working copy lives in ``st.session_state[STATE_KEY]`` as plain dicts shaped like the TOML (plus stable ids),
so the edited schemes go back through :func:`model.scenario.scenario_from_dict` and every mistake is reported
with the model's own message. Widget keys are ASCII and stable: ``cmp_<component id>_<field>``, where a scheme
loaded from the file at position i has id ``s<i>`` and its component j has id ``s<i>c<j>``; added ones get
``n<k>`` / ``n<k>c<j>``.

Editable component types: threshold, rank, commission, tiered_commission, scorecard; the others are kept as
they are in the file and shown read-only.
"""

from __future__ import annotations

import copy
import json
import math
import re
from typing import Any

import streamlit as st

from model.kpicodes import KPI_CODES
from model.present.i18n import kpi_label, t
from ui.widgets import choose, option_of

STATE_KEY = "cmp_state"
BASELINE_KEY = "cmp_baseline"
BASE_ONLY = "__base_only__"
_EDITOR_KEY = re.compile(r"^cmp_[sn]\d")

EDITABLE = ("threshold", "rank", "commission", "tiered_commission", "scorecard")
DIRECTED = [c for c, k in KPI_CODES.items() if k.direction != "neutral"]
YUAN_KPIS = [c for c, k in KPI_CODES.items() if k.unit == "yuan"]

#: The assumed effects the editor shows (others from the file are kept unchanged).
AE_FIELDS = (("inquiry_conversion_pct", "ed.ae_conv"), ("aov_pct", "ed.ae_aov"), ("reply_time_pct", "ed.ae_reply"))


def default_component(typ: str) -> dict[str, Any]:
    """A reasonable new component of a type (the manager edits it from there)."""
    return copy.deepcopy({
        "threshold": {"type": "threshold", "kpi": "inquiry_conversion", "target": 0.45, "amount_yuan": 500.0},
        "rank": {"type": "rank", "kpi": "first_response_s", "prizes_yuan": [800.0]},
        "commission": {"type": "commission", "kpi": "sales_yuan", "rate": 0.01},
        "tiered_commission": {"type": "tiered_commission", "kpi": "sales_yuan", "task_yuan": 30000.0,
                              "tiers": [{"min_attainment": 0.0, "rate_permille": 5.0},
                                        {"min_attainment": 0.8, "rate_permille": 8.0},
                                        {"min_attainment": 1.0, "rate_permille": 12.0}]},
        "scorecard": {"type": "scorecard", "amount_yuan": 1000.0,
                      "items": [{"kpi": "inquiry_conversion", "weight": 0.6, "floor": 0.3, "full": 0.5},
                                {"kpi": "first_response_s", "weight": 0.4, "floor": 60.0, "full": 15.0}]},
    }[typ])


def _default_target(code: str) -> float:
    unit = KPI_CODES[code].unit
    return {"share": 0.5, "s": 30.0, "yuan": 10000.0}.get(unit, 1.0)


# ----------------------------------------------------------------------------------------------------------------
# working state


def load_state(path: str, raw: dict[str, Any]) -> dict[str, Any]:
    """A fresh working copy of the schemes of a scenario file's data."""
    schemes = []
    for i, s in enumerate(raw.get("schemes") or []):
        sid = f"s{i}"
        schemes.append({
            "id": sid,
            "name": str(s.get("name", "")),
            "rest": {k: v for k, v in s.items() if k not in ("name", "components", "assumed_effects")},
            "assumed_effects": copy.deepcopy(s.get("assumed_effects")),
            "components": [{"id": f"{sid}c{j}", "spec": copy.deepcopy(c)} for j, c in enumerate(s.get("components") or [])],
        })
    base_name = (raw.get("economics") or {}).get("baseline_scheme")
    base = next((s["id"] for s in schemes if s["name"] == base_name), BASE_ONLY)
    return {"file": path, "schemes": schemes, "next": 0, "baseline": base, "errors": {}}


def ensure_state(path: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The working copy for ``path`` (loaded from the file when another file is chosen)."""
    state = st.session_state.get(STATE_KEY)
    if state is None or state.get("file") != path:
        reset_state(path, raw)
        state = st.session_state[STATE_KEY]
    return state


def reset_state(path: str, raw: dict[str, Any]) -> None:
    """Reload the schemes from the file and forget the editor's widget values."""
    for k in [k for k in st.session_state if isinstance(k, str) and _EDITOR_KEY.match(k)]:
        del st.session_state[k]
    st.session_state.pop(BASELINE_KEY, None)
    st.session_state[STATE_KEY] = load_state(path, raw)


def scheme_dicts(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The edited schemes as TOML-shaped dicts (what ``scenario_from_dict`` takes)."""
    out = []
    for s in state["schemes"]:
        d: dict[str, Any] = {"name": s["name"], **copy.deepcopy(s["rest"])}
        ae = s.get("assumed_effects")
        if ae and any(v not in (0, 0.0, None) for v in ae.values()):
            d["assumed_effects"] = dict(ae)
        d["components"] = [copy.deepcopy(c["spec"]) for c in s["components"]]
        out.append(d)
    return out


def baseline_name(state: dict[str, Any]) -> str | None:
    """The chosen baseline scheme's (current) name, or None for base pay only."""
    return next((s["name"] for s in state["schemes"] if s["id"] == state.get("baseline")), None)


def editor_errors(state: dict[str, Any]) -> list[str]:
    """Problems the editor itself found (text it could not parse), as messages for st.error."""
    return [m for m in state.get("errors", {}).values() if m]


# ----------------------------------------------------------------------------------------------------------------
# callbacks (run before the script, so the page redraws with the change)


def _new_id(state: dict[str, Any]) -> str:
    state["next"] += 1
    return f"n{state['next']}"


def _copy_scheme(sid: str, suffix: str) -> None:
    state = st.session_state[STATE_KEY]
    i = next(k for k, s in enumerate(state["schemes"]) if s["id"] == sid)
    src = state["schemes"][i]
    nid = _new_id(state)
    names = {s["name"] for s in state["schemes"]}
    name = src["name"] + suffix
    while name in names:
        name += suffix
    new = copy.deepcopy(src)
    new.update(id=nid, name=name)
    new["components"] = [{"id": f"{nid}c{j}", "spec": copy.deepcopy(c["spec"])} for j, c in enumerate(src["components"])]
    state["schemes"].insert(i + 1, new)


def _remove_scheme(sid: str) -> None:
    state = st.session_state[STATE_KEY]
    state["schemes"] = [s for s in state["schemes"] if s["id"] != sid]
    if state.get("baseline") == sid:
        state["baseline"] = BASE_ONLY
        st.session_state.pop(BASELINE_KEY, None)
    state["errors"] = {k: v for k, v in state["errors"].items() if not k.startswith(f"cmp_{sid}")}


def _add_component(sid: str, typ: str) -> None:
    state = st.session_state[STATE_KEY]
    s = next(s for s in state["schemes"] if s["id"] == sid)
    cid = f"{sid}x{_new_id(state)}"
    s["components"].append({"id": cid, "spec": default_component(typ)})


def _remove_component(sid: str, cid: str) -> None:
    state = st.session_state[STATE_KEY]
    s = next(s for s in state["schemes"] if s["id"] == sid)
    s["components"] = [c for c in s["components"] if c["id"] != cid]
    state["errors"] = {k: v for k, v in state["errors"].items() if not k.startswith(f"cmp_{cid}_")}


def _list_add(sid: str, cid: str, field: str, item: dict[str, Any]) -> None:
    state = st.session_state[STATE_KEY]
    s = next(s for s in state["schemes"] if s["id"] == sid)
    c = next(c for c in s["components"] if c["id"] == cid)
    c["spec"].setdefault(field, []).append(item)


def _list_pop(sid: str, cid: str, field: str) -> None:
    state = st.session_state[STATE_KEY]
    s = next(s for s in state["schemes"] if s["id"] == sid)
    c = next(c for c in s["components"] if c["id"] == cid)
    if len(c["spec"].get(field) or []) > 1:
        c["spec"][field].pop()


# ----------------------------------------------------------------------------------------------------------------
# value widgets in display units (share as %, seconds, yuan)


def _unit(code: str, lang: str) -> str:
    return t(f"ed.unit.{KPI_CODES[code].unit}", lang) if code in KPI_CODES else ""


def _to_display(code: str, v: float) -> float:
    return v * 100 if KPI_CODES[code].unit == "share" else v


def _from_display(code: str, v: float) -> float:
    return round(v / 100, 8) if KPI_CODES[code].unit == "share" else float(v)


def kpi_value_slider(label: str, code: str, value: float | None, key: str) -> float:
    """A slider for a KPI level in display units; returns the value in data units (share 0-1)."""
    k = KPI_CODES[code]
    v = float(value) if value is not None else _default_target(code)
    if k.unit == "share":
        lo, hi, step, fmt = 0.0, 100.0, 0.5, "%.1f%%"
    elif k.unit == "s":
        lo, hi, step, fmt = 0.0, float(max(600.0, math.ceil(2 * v))), 1.0, "%.0f s"
    elif k.unit == "yuan":
        top = max(1000.0, 2 * v)
        mag = 10 ** max(0, int(math.log10(top)) - 2)
        lo, hi, step, fmt = 0.0, float(math.ceil(top / mag) * mag), float(mag), "%.0f"
    else:
        top = k.hi if k.hi is not None else max(10.0, 2 * v)
        lo, hi, step, fmt = float(k.lo), float(top), (float(top) - float(k.lo)) / 100, "%.2f"
    shown = min(max(_to_display(code, v), lo), hi)
    out = st.slider(f"{label} ({_unit(code, lang_now())})" if _unit(code, lang_now()) else label,
                    min_value=lo, max_value=hi, value=float(shown), step=step, format=fmt, key=key)
    return _from_display(code, out)


def kpi_value_input(label: str, code: str, value: float | None, key: str) -> float:
    """A number input for a KPI level in display units (no bounds: the model checks the range)."""
    v = float(value) if value is not None else _default_target(code)
    unit = _unit(code, lang_now())
    out = st.number_input(f"{label} ({unit})" if unit else label, value=float(_to_display(code, v)),
                          step=1.0 if KPI_CODES[code].unit in ("share", "s") else 0.1, key=key)
    return _from_display(code, out)


def money_input(label: str, value: float | None, key: str, step: float = 100.0) -> float:
    """A yuan amount (>= 0)."""
    return float(st.number_input(label, min_value=0.0, value=float(value or 0.0), step=step, key=key))


def lang_now() -> str:
    """The current UI language (``st.session_state["lang"]``, zh by default)."""
    from ui.state import current_lang
    return current_lang()


def _kpi_select(label: str, current: str, options: list[str], key: str, lang: str) -> str:
    opts = list(options) if current in options else [current, *options]
    fmt = lambda c: f"{kpi_label(c, lang)} ({c})" if c in KPI_CODES else c  # noqa: E731
    v = st.selectbox(label, opts, index=opts.index(current), key=key, format_func=fmt)
    if v not in opts:  # a label handed back as the value (ui.widgets.choose); in any language it names its code
        code = str(v).rsplit("(", 1)[-1].rstrip(")") if str(v).endswith(")") else ""
        v = code if code in opts else option_of(v, opts, fmt, opts.index(current))
    return v


def _kpi_changed(spec: dict[str, Any], new: str) -> bool:
    if spec.get("kpi") == new:
        return False
    spec["kpi"] = new
    spec.pop("direction", None)
    return True


# ----------------------------------------------------------------------------------------------------------------
# component editors


def _threshold(spec: dict[str, Any], p: str, lang: str) -> None:
    code = _kpi_select(t("ed.kpi", lang), spec.get("kpi", "inquiry_conversion"), DIRECTED, f"{p}_kpi", lang)
    if _kpi_changed(spec, code):
        if spec.get("steps"):
            spec["steps"] = [{"target": _default_target(code), "amount_yuan": spec["steps"][-1].get("amount_yuan", 0)}]
        else:
            spec["target"] = _default_target(code)
    st.caption(t(f"ed.dir.{spec.get('direction') or KPI_CODES[code].direction}", lang)
               if (spec.get("direction") or KPI_CODES[code].direction) != "neutral" else "")
    if spec.get("steps"):
        for i, stp in enumerate(spec["steps"]):
            a, b = st.columns(2)
            with a:
                stp["target"] = kpi_value_slider(t("ed.step", lang, n=i + 1) + " · " + t("ed.target", lang), code,
                                                 stp.get("target"), f"{p}_st{i}_target_{code}")
            with b:
                stp["amount_yuan"] = money_input(t("ed.amount", lang), stp.get("amount_yuan"), f"{p}_st{i}_amount")
    else:
        a, b = st.columns(2)
        with a:
            spec["target"] = kpi_value_slider(t("ed.target", lang), code, spec.get("target"), f"{p}_target_{code}")
        with b:
            spec["amount_yuan"] = money_input(t("ed.amount", lang), spec.get("amount_yuan"), f"{p}_amount")


def _rank(spec: dict[str, Any], p: str, lang: str, errors: dict[str, str]) -> None:
    a, b, c = st.columns(3)
    with a:
        code = _kpi_select(t("ed.kpi", lang), spec.get("kpi", "first_response_s"), DIRECTED, f"{p}_kpi", lang)
        _kpi_changed(spec, code)
    with b:
        dirs = ["higher_is_better", "lower_is_better"]
        cur = spec.get("direction") or KPI_CODES[code].direction
        cur = cur if cur in dirs else dirs[0]
        d = choose(st.selectbox, t("ed.direction", lang), dirs, index=dirs.index(cur), key=f"{p}_dir_{code}",
                   format_func=lambda x: t(f"ed.dir.{x}", lang))
        if d != KPI_CODES[code].direction or spec.get("direction"):
            spec["direction"] = d
    with c:
        periods = ["month", "week", "day"]
        cur_p = spec.get("period", "month")
        spec["period"] = choose(st.selectbox, t("ed.period", lang), periods, index=periods.index(cur_p),
                                key=f"{p}_period", format_func=lambda x: t(f"ed.period.{x}", lang))
    text = st.text_input(t("ed.prizes", lang), value=", ".join(f"{x:g}" for x in spec.get("prizes_yuan") or []),
                         key=f"{p}_prizes")
    try:
        prizes = [float(x) for x in text.replace("，", ",").split(",") if x.strip()]
        if not prizes:
            raise ValueError
        spec["prizes_yuan"] = prizes
        errors.pop(f"{p}_prizes", None)
    except ValueError:
        errors[f"{p}_prizes"] = t("ed.prizes_bad", lang, text=text)


def _commission(spec: dict[str, Any], p: str, lang: str) -> None:
    a, b = st.columns(2)
    with a:
        spec["kpi"] = _kpi_select(t("ed.kpi", lang), spec.get("kpi", "sales_yuan"), YUAN_KPIS, f"{p}_kpi", lang)
    with b:
        r = st.number_input(t("ed.rate", lang), min_value=0.0, max_value=100.0,
                            value=float(spec.get("rate", 0.0)) * 100, step=0.1, format="%.2f", key=f"{p}_rate")
        spec["rate"] = round(r / 100, 8)
    for fld in ("rate_new", "rate_returning"):
        if spec.get(fld) is not None:
            r = st.number_input(f"{t('ed.rate', lang)} · {fld}", min_value=0.0, max_value=100.0,
                                value=float(spec[fld]) * 100, step=0.1, format="%.2f", key=f"{p}_{fld}")
            spec[fld] = round(r / 100, 8)


def _tiered(spec: dict[str, Any], p: str, sid: str, cid: str, lang: str) -> None:
    a, b = st.columns(2)
    with a:
        spec["task_yuan"] = money_input(t("ed.task", lang), spec.get("task_yuan"), f"{p}_task", step=1000.0)
    with b:
        modes = ["task_split", "step", "bracket"]
        spec["mode"] = choose(st.selectbox, t("ed.mode", lang), modes, index=modes.index(spec.get("mode", "task_split")),
                              key=f"{p}_mode", format_func=lambda x: t(f"ed.mode.{x}", lang))
    for i, tier in enumerate(spec.get("tiers") or []):
        permille = tier.get("rate_permille")
        if permille is None:
            permille = float(tier.get("rate") or 0.0) * 1000
        a, b = st.columns(2)
        with a:
            m = st.number_input(f"{t('ed.step', lang, n=i + 1)} · {t('ed.tier_min', lang)}",
                                value=float(tier.get("min_attainment", 0.0)) * 100, step=5.0, key=f"{p}_t{i}_min")
        with b:
            r = st.number_input(t("ed.tier_rate", lang), min_value=0.0, max_value=1000.0, value=float(permille),
                                step=0.5, key=f"{p}_t{i}_rate")
        tier["min_attainment"] = round(m / 100, 8)
        tier.pop("rate", None)
        tier["rate_permille"] = float(r)
    a, b = st.columns(2)
    a.button(t("ed.add_tier", lang), key=f"{p}_addtier", on_click=_list_add,
             args=(sid, cid, "tiers", {"min_attainment": 1.2 + 0.2 * len(spec.get("tiers") or []),
                                       "rate_permille": 15.0}))
    b.button(t("ed.remove_tier", lang), key=f"{p}_poptier", on_click=_list_pop, args=(sid, cid, "tiers"))


def _scorecard(spec: dict[str, Any], p: str, sid: str, cid: str, lang: str) -> None:
    a, b = st.columns(2)
    with a:
        if spec.get("pool") is not None:
            st.caption(t("ed.pool_readonly", lang))
            st.code(json.dumps(spec["pool"], ensure_ascii=False), language="json")
        else:
            spec["amount_yuan"] = money_input(t("ed.score_amount", lang), spec.get("amount_yuan"), f"{p}_amount")
    with b:
        if any(it.get("group") == "kci" for it in spec.get("items") or []):
            k = st.number_input(t("ed.kci_share", lang), min_value=0.0, max_value=100.0,
                                value=float(spec.get("kci_share", 0.2)) * 100, step=5.0, key=f"{p}_kci")
            spec["kci_share"] = round(k / 100, 8)
    for i, it in enumerate(spec.get("items") or []):
        st.markdown(f"**{t('ed.item', lang, n=i + 1)}**")
        c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
        with c1:
            code = _kpi_select(t("ed.kpi", lang), it.get("kpi", "inquiry_conversion"), DIRECTED, f"{p}_i{i}_kpi", lang)
            if _kpi_changed(it, code) and it.get("table") is None:
                d = KPI_CODES[code].direction
                lo, full = _default_target(code) * 0.5, _default_target(code)
                it["floor"], it["full"] = (lo, full) if d == "higher_is_better" else (full * 2, full)
        with c2:
            w = st.number_input(t("ed.weight", lang), value=float(it.get("weight", 0.0)) * 100, step=5.0,
                                key=f"{p}_i{i}_weight")
            it["weight"] = round(w / 100, 8)
        if it.get("table") is not None:
            with c3:
                st.caption(t("ed.table_curve", lang))
                st.code(json.dumps(it["table"], ensure_ascii=False), language="json")
        else:
            with c3:
                it["floor"] = kpi_value_input(t("ed.floor", lang), code, it.get("floor"), f"{p}_i{i}_floor_{code}")
            with c4:
                it["full"] = kpi_value_input(t("ed.full", lang), code, it.get("full"), f"{p}_i{i}_full_{code}")
    a, b = st.columns(2)
    a.button(t("ed.add_item", lang), key=f"{p}_additem", on_click=_list_add,
             args=(sid, cid, "items", {"kpi": "good_rating_rate", "weight": 0.1, "floor": 0.9, "full": 0.99}))
    b.button(t("ed.remove_item", lang), key=f"{p}_popitem", on_click=_list_pop, args=(sid, cid, "items"))


def _assumed(s: dict[str, Any], lang: str) -> None:
    ae = s.get("assumed_effects") or {}
    st.markdown(f"**{t('ed.assumed', lang)}**", help=t("ed.assumed_help", lang))
    cols = st.columns(len(AE_FIELDS))
    new = dict(ae)
    for col, (fld, label) in zip(cols, AE_FIELDS, strict=True):
        v = float(ae.get(fld, 0.0) or 0.0)
        lo, hi = min(-50.0, v), max(100.0, v)
        with col:
            new[fld] = float(st.slider(t(label, lang), min_value=lo, max_value=hi, value=v, step=1.0, format="%+.0f%%",
                                       key=f"cmp_{s['id']}_ae_{fld}"))
    others = {k: v for k, v in ae.items() if k not in dict(AE_FIELDS) and v}
    if others:
        st.caption(t("ed.ae_other", lang, text=json.dumps(others, ensure_ascii=False)))
    s["assumed_effects"] = {k: v for k, v in new.items() if v} or None


def _component(s: dict[str, Any], c: dict[str, Any], lang: str, errors: dict[str, str]) -> None:
    spec, cid, sid = c["spec"], c["id"], s["id"]
    typ = str(spec.get("type"))
    p = f"cmp_{cid}"
    head, btn = st.columns([5, 1])
    try:
        tl = t(f"ed.type.{typ}", lang)
    except KeyError:
        tl = typ
    head.markdown(f"**{tl}**" + (f" · `{spec['label']}`" if spec.get("label") else ""))
    btn.button(t("ed.remove", lang), key=f"{p}_remove", on_click=_remove_component, args=(sid, cid))
    if typ == "threshold":
        _threshold(spec, p, lang)
    elif typ == "rank":
        _rank(spec, p, lang, errors)
    elif typ == "commission":
        _commission(spec, p, lang)
    elif typ == "tiered_commission":
        _tiered(spec, p, sid, cid, lang)
    elif typ == "scorecard":
        _scorecard(spec, p, sid, cid, lang)
    else:
        st.caption(t("ed.readonly", lang))
        st.code(json.dumps(spec, ensure_ascii=False, indent=1), language="json")


def _follow_target_in_name(s: dict[str, Any]) -> None:
    """A name that states a threshold's target ("达标奖 48%") follows that target when its slider moves
    (48% -> 45%), so the cards, charts and deck never name a target the scheme no longer has.

    Runs before the name's text input is drawn in this run (the slider's new value is already in session state).
    """
    ss = st.session_state
    for c in s["components"]:
        spec = c["spec"]
        code = spec.get("kpi")
        if spec.get("type") != "threshold" or spec.get("steps") or spec.get("target") is None \
                or code not in KPI_CODES or KPI_CODES[code].unit != "share":
            continue
        key = f"cmp_{c['id']}_target_{code}"
        if key not in ss:
            continue
        old, new = float(spec["target"]), _from_display(code, float(ss[key]))
        old_text, new_text = f"{round(old * 100, 6):g}%", f"{round(new * 100, 6):g}%"
        if old_text != new_text and old_text in s["name"]:
            s["name"] = s["name"].replace(old_text, new_text)
            ss[f"cmp_{s['id']}_name"] = s["name"]


def render_editor(state: dict[str, Any], lang: str) -> None:
    """Draw the editor for every scheme of the working copy (collapsed); edits are written into ``state`` in place.

    The page draws the section's heading (so it can put its own controls beside it).
    """
    errors: dict[str, str] = state.setdefault("errors", {})
    for s in state["schemes"]:
        sid = s["id"]
        marker = f" · {t('res.assumed_mark', lang)}" if s.get("assumed_effects") else ""
        with st.expander(f"{s['name']}{marker}", expanded=False):
            a, b, c = st.columns([4, 1, 1])
            _follow_target_in_name(s)
            name_key = f"cmp_{sid}_name"
            # the widget's own value once it exists (it may have just followed a target); the name before that
            s["name"] = a.text_input(t("ed.name", lang), key=name_key,
                                     **({} if name_key in st.session_state else {"value": s["name"]}))
            b.button(t("ed.copy", lang), key=f"cmp_{sid}_copy", on_click=_copy_scheme,
                     args=(sid, t("ed.copy_suffix", lang)))
            c.button(t("ed.remove_scheme", lang), key=f"cmp_{sid}_del", on_click=_remove_scheme, args=(sid,))
            _assumed(s, lang)
            st.markdown(f"**{t('ed.components', lang)}**")
            if not s["components"]:
                st.caption(t("ed.no_components", lang))
            for comp in s["components"]:
                with st.container(border=True):
                    _component(s, comp, lang, errors)
            a, b = st.columns([3, 1])
            typ = choose(a.selectbox, t("ed.add_type", lang), list(EDITABLE), key=f"cmp_{sid}_addtype",
                         format_func=lambda x: t(f"ed.type.{x}", lang))
            b.button(t("ed.add", lang), key=f"cmp_{sid}_add", on_click=_add_component, args=(sid, typ))
    ids = [BASE_ONLY] + [s["id"] for s in state["schemes"]]
    names = {s["id"]: s["name"] for s in state["schemes"]}
    cur = state.get("baseline") if state.get("baseline") in ids else BASE_ONLY
    state["baseline"] = choose(st.selectbox, t("ed.baseline", lang), ids, index=ids.index(cur), key=BASELINE_KEY,
                               help=t("ed.baseline_help", lang),
                               format_func=lambda i: t("ed.base_only", lang) if i == BASE_ONLY else names.get(i, i))
