"""AppTest of the Portfolio page (ui.pages.portfolio) in zh and en: the roll-up of a stored run, a failed shop by
name, one shop's comparison, the downloads."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest
from test_portfolio import SAMPLES, SMALL

from model.portfolio.run import run_portfolio
from model.portfolio.shops import load_portfolio
from model.present.format import money
from model.present.i18n import t

TIMEOUT = 120


def _page() -> None:
    import streamlit as st

    from ui.pages.portfolio import render

    st.session_state.setdefault("lang", "zh")
    render()


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    d = tmp_path_factory.mktemp("pfapp")
    for f in ("taobao_home.toml", "douyin_snacks.toml"):
        shutil.copy(SAMPLES / f, d / f)
    (d / "bad.toml").write_text("[meta]\ncolour = 1\n", encoding="utf-8")
    store = d / "s.duckdb"
    return store, run_portfolio(load_portfolio(d, SMALL), store_path=store)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_shows_the_roll_up_and_each_shop(lang, stored, tmp_path):
    store, doc = stored
    at = AppTest.from_function(_page, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    at.text_input(key="pf_store").set_value(str(tmp_path / "none.duckdb")).run()
    assert at.info[0].value == t("pf.no_store", lang)
    at.text_input(key="pf_store").set_value(str(store)).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("pf.total_net", lang)] == money(doc["firm"]["total_net_gain_yuan"], lang)
    assert metrics[t("pf.failed_n", lang)] == "1"
    assert "bad" in at.error[0].value and "meta.colour" in at.error[0].value
    assert at.selectbox(key="pf_shop").options == ["douyin_snacks", "taobao_home"]
    at.selectbox(key="pf_shop").select("taobao_home").run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert len(table) == 3 and any("★" in s for s in table.iloc[:, 0])
