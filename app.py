"""客服绩效沙盘 · Streamlit entry: page router and language switch only (pages live in ui/pages/)."""

from __future__ import annotations

import streamlit as st

from model.present.i18n import LANGS, t
from ui.background import foreground
from ui.pages import compare, history, plan, portfolio, simulate, tuning
from ui.state import LANG_KEY, current_lang

# Pages: (render function, catalogue key of the title, url path, icon). Add a page by adding a line here.
PAGES = [
    (simulate.render, "nav.simulate", "simulate", ":material/monitoring:"),
    (compare.render, "nav.compare", "compare", ":material/compare_arrows:"),
    (history.render, "nav.history", "history", ":material/history:"),
    (tuning.render, "nav.tuning", "tuning", ":material/tune:"),
    (plan.render, "plan.nav", "plan", ":material/calendar_month:"),
    (portfolio.render, "pf.nav", "portfolio", ":material/store:"),
]

st.set_page_config(page_title=t("app.title", current_lang()), page_icon=":material/support_agent:", layout="wide")
with st.sidebar:
    st.radio(t("lang.label"), LANGS, key=LANG_KEY, horizontal=True, format_func=lambda code: t(f"lang.{code}"))
lang = current_lang()
page = st.navigation([st.Page(render, title=t(title, lang), url_path=path, icon=icon,
                              default=(i == 0)) for i, (render, title, path, icon) in enumerate(PAGES)])
with foreground():  # background work (the compare page's bands) waits while a page computes its answer
    page.run()
