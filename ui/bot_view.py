"""The bot front line on the Compare page (issue 16): who handled the chats (bot alone, handed over, agents) and
which view each scheme pays on, with how the platform counts the bot and on what that rests.

The data come from :func:`model.present.bot_text.compare_bot` on the comparison document and its base run (the
run without effects, from the page's run cache: a cache hit after the comparison); this module only draws them.
Nothing is drawn for a scenario without the bot front line. The page calls :func:`render_bot` once, after the
headline cards.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import pandas as pd
import streamlit as st

from model.effects import Effects
from model.pipeline import run_for
from model.present.bot_text import compare_bot, counting_caption, pay_rows, who_rows
from model.present.i18n import t
from model.schema import Scenario


def bot_data(doc: dict[str, Any], scen: Scenario, cache: MutableMapping | None = None) -> dict[str, Any] | None:
    """The who-handled and pay-basis data of the comparison, or None without the bot front line."""
    if not scen.bot_on:
        return None
    base = run_for(scen, Effects(), cache=cache)  # the comparison's base run (same key: a cache hit)
    return compare_bot(doc, base)


def _frame(heads: list[str], rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=heads)


def render_bot(doc: dict[str, Any], scen: Scenario, lang: str, cache: MutableMapping | None = None) -> None:
    """The bot section of the Compare page (nothing without the bot front line)."""
    if not scen.bot_on:
        return
    with st.spinner(t("cmp.running", lang)):  # a cache hit after the comparison; a run only if it was evicted
        data = bot_data(doc, scen, cache)
    if data is None:
        return
    meta = doc.get("scenario") or {}
    st.subheader(t("botv.header", lang))
    st.caption(t("botv.intro", lang, days=meta.get("days", scen.meta.days),
                 reps=meta.get("replications", scen.meta.replications)))
    st.dataframe(_frame(*who_rows(data, lang)), hide_index=True, width="stretch")
    st.caption(counting_caption(data, meta.get("platform", scen.shop.platform), lang))
    st.markdown(f"**{t('botv.pays_header', lang)}**")
    if data["pays"]:
        st.caption(t("botv.pays_intro", lang))
        st.dataframe(_frame(*pay_rows(data, lang)), hide_index=True, width="stretch")
    else:
        st.caption(t("botv.pays_none", lang))
    if doc.get("shown") == "quick":
        st.caption(t("botv.quick", lang))
