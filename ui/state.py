"""Session helpers shared by the pages (the language lives in ``st.session_state["lang"]``)."""

from __future__ import annotations

import streamlit as st

from ui.i18n import DEFAULT_LANG, norm_lang

LANG_KEY = "lang"


def current_lang() -> str:
    """The language chosen with the switch in the sidebar (zh by default)."""
    return norm_lang(st.session_state.get(LANG_KEY, DEFAULT_LANG))

#: The History page's calibrated scenario, handed to the Simulate page: {"name": file name, "toml": text,
#: "select": True until the Simulate page has selected it once}.
CALIBRATED_KEY = "calibrated_scenario"
#: The Simulate page's scenario-list entry for it (a value of its "scenario" selectbox, not a file).
CALIBRATED_CHOICE = "history:calibrated"
