"""Session helpers shared by the pages (the language lives in ``st.session_state["lang"]``)."""

from __future__ import annotations

import streamlit as st

from model.present.i18n import DEFAULT_LANG, norm_lang

LANG_KEY = "lang"


def current_lang() -> str:
    """The language chosen with the switch in the sidebar (zh by default)."""
    return norm_lang(st.session_state.get(LANG_KEY, DEFAULT_LANG))

#: The History page's calibrated scenario, handed to the Simulate page: {"name": file name, "toml": text,
#: "select": True until the Simulate page has selected it once}.
CALIBRATED_KEY = "calibrated_scenario"
#: The Simulate page's scenario-list entry for it (a value of its "scenario" selectbox, not a file).
CALIBRATED_CHOICE = "history:calibrated"
#: The Next-month page's planned scenario, handed to the Compare page: {"name", "toml", "select"} as above.
PLANNED_KEY = "planned_scenario"
#: The Compare page's scenario-list entry for it.
PLANNED_CHOICE = "plan:planned"

KEEP_PREFIX = "_keep_"


def restore_widgets(keys: tuple[str, ...] | list[str]) -> None:
    """Put back the values of a page's keyed widgets after a visit to another page.

    Streamlit forgets a widget's state when a run of the app does not draw it (another page was shown, and the
    language switch started a second run there), so on return the widgets fell back to their minimum values.
    :func:`remember_widgets` keeps a copy under a non-widget key, which Streamlit never drops; call this before
    the widgets are drawn.
    """
    ss = st.session_state
    for k in keys:
        if k not in ss and KEEP_PREFIX + k in ss:
            ss[k] = ss[KEEP_PREFIX + k]


def remember_widgets(keys: tuple[str, ...] | list[str]) -> None:
    """Keep a copy of the widgets' current values (call after the widgets are drawn)."""
    ss = st.session_state
    for k in keys:
        if k in ss:
            ss[KEEP_PREFIX + k] = ss[k]
