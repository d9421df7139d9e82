"""多店 / Portfolio: the firm's roll-up of a stored portfolio run and each shop's comparison (the library runs and
stores it: model.portfolio; this page lays out what it returns).

Widget keys (stable, ASCII): pf_store, pf_run_sample, pf_pick, pf_shop, pf_dl_xlsx, pf_dl_pptx.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from model.errors import ScenarioError
from model.portfolio.export import xlsx_bytes
from model.portfolio.run import reopen, run_portfolio
from model.portfolio.shops import load_portfolio
from model.portfolio.store import DEFAULT_STORE, PortfolioStore
from model.present.format import md_plain, money, pct
from model.present.i18n import kpi_label, t
from model.present.portfolio_deck import build_portfolio_deck
from model.present.portfolio_tables import platform_name, shop_table
from ui.state import current_lang
from ui.widgets import choose, show_error

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "portfolio"
LAST = "_pf_last"  # the id of the portfolio run from this page (selected first)


def _run_sample(store: str, lang: str) -> None:
    try:
        with st.spinner(t("pf.running", lang)):
            doc = run_portfolio(load_portfolio(SAMPLE), store_path=store)
    except ScenarioError as e:
        show_error(e, lang)
        return
    st.session_state[LAST] = doc["portfolio"]["id"]
    st.success(t("pf.computed", lang, computed=doc["computed"], reused=doc["reused"]))


def _stored(store: str) -> pd.DataFrame | None:
    if not Path(store).exists():
        return None
    with PortfolioStore(store, read_only=True) as st_:
        df = st_.portfolios()
    return df if len(df) else None


def _firm(doc: dict[str, Any], lang: str) -> None:
    f = doc["firm"]
    st.subheader(t("pf.firm", lang))
    c = st.columns(4)
    c[0].metric(t("pf.shops_n", lang), f"{f['finished']} / {f['shops']}")
    c[1].metric(t("pf.total_bonus", lang), money(f["total_bonus_cost_yuan"], lang))
    c[2].metric(t("pf.total_net", lang), money(f["total_net_gain_yuan"], lang))
    c[3].metric(t("pf.failed_n", lang), str(f["failed"]))
    none = t("pf.none", lang)
    for key, names in (("pf.breaching", f["shops_breaching"]), ("pf.breaching_today", f["shops_breaching_today"]),
                       ("pf.losing", f["shops_losing_money"])):
        st.markdown(f"**{t(key, lang)}**: {', '.join(md_plain(n) for n in names) or none}")
    if f["total_net_gain_lo"] is not None:
        st.caption(f"{t('pf.total_net_ci', lang)}: [{money(f['total_net_gain_lo'], lang)}, "
                   f"{money(f['total_net_gain_hi'], lang)}] · {t('pf.ci_note', lang)}")
    days = "/".join(map(str, f["days"]))
    st.caption((t("pf.mixed", lang, days=days) if f["mixed_horizons"] else t("pf.horizon", lang, days=days))
               + " " + t("pf.rule_note", lang))


def _shop(doc: dict[str, Any], store: str, lang: str) -> None:
    names = [r["shop"] for r in doc["shops"]]
    if not names:
        return
    name = st.selectbox(t("pf.select_shop", lang), names, key="pf_shop")
    row = next(r for r in doc["shops"] if r["shop"] == name)
    with PortfolioStore(store, read_only=True) as st_:
        shop = next(s for s in st_.shops(doc["portfolio"]["id"]) if s["shop"] == name)
    d = shop["document"]
    st.markdown(t("pf.shop_detail", lang, shop=md_plain(name), platform=platform_name(row["platform"], lang),
                  days=row["days"], reps=row["replications"]))
    rows = []
    for sname, b in (d.get("schemes") or {}).items():
        eco, team = b.get("economics") or {}, b.get("team") or {}
        rows.append({t("pf.scheme", lang): sname + (" ★" if sname == row["recommended"] else ""),
                     t("pf.bonus", lang): money((eco.get("bonus_cost_yuan") or {}).get("mean"), lang),
                     t("pf.net", lang): money((eco.get("net_gain_yuan") or {}).get("mean"), lang),
                     t("pf.p_loss", lang): pct((eco.get("p_net_loss") or {}).get("mean"), lang, digits=0),
                     **{kpi_label(k, lang): pct((team.get(k) or {}).get("mean"), lang)
                        for k in ("three_min_reply_rate", "inquiry_conversion", "good_rating_rate")}})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render() -> None:
    lang = current_lang()
    st.title(t("pf.title", lang))
    st.caption(t("pf.intro", lang))
    store = st.text_input(t("pf.store", lang), str(DEFAULT_STORE), key="pf_store")
    if st.button(t("pf.run_sample", lang), key="pf_run_sample"):
        _run_sample(store, lang)
    try:
        runs = _stored(store)
    except ScenarioError as e:
        show_error(e, lang)
        return
    if runs is None:
        st.info(t("pf.no_store", lang))
        return
    ids = runs["portfolio_id"].tolist()
    last = st.session_state.get(LAST)
    labels = {r.portfolio_id: f"{r.name} · {r.shops_done}/{r.n_shops} · {r.portfolio_id}" for r in runs.itertuples()}
    pid = choose(st.selectbox, t("pf.pick", lang), ids, index=ids.index(last) if last in ids else 0, key="pf_pick",
                 format_func=labels.get)
    try:
        doc = reopen(store, pid)
    except ScenarioError as e:
        show_error(e, lang)
        return
    _firm(doc, lang)
    heads, rows = shop_table(doc, lang)
    st.dataframe(pd.DataFrame(rows, columns=heads), hide_index=True, width="stretch")
    if doc["failed"]:
        st.error(t("pf.failed_title", lang) + "\n\n```\n" + "\n".join(
            f"{x['shop']}: {x['error']}" for x in doc["failed"]) + "\n```")
    if doc["pending"]:
        st.warning(t("pf.pending", lang, shops=", ".join(doc["pending"])))
    with PortfolioStore(store, read_only=True) as st_:
        schemes = st_.scheme_rows(pid)
    c = st.columns(2)
    c[0].download_button(t("pf.download_xlsx", lang), xlsx_bytes(doc, schemes, lang), f"portfolio_{pid}.xlsx",
                         key="pf_dl_xlsx")
    c[1].download_button(t("pf.download_pptx", lang), build_portfolio_deck(doc, lang=lang),
                         f"portfolio_{pid}.pptx", key="pf_dl_pptx")
    _shop(doc, store, lang)
