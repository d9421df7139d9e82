"""Session helpers shared by the pages (the language lives in ``st.session_state["lang"]``)."""

from __future__ import annotations

import streamlit as st

from ui.i18n import DEFAULT_LANG, norm_lang

LANG_KEY = "lang"


def current_lang() -> str:
    """The language chosen with the switch in the sidebar (zh by default)."""
    return norm_lang(st.session_state.get(LANG_KEY, DEFAULT_LANG))
