"""AppTest of the compare page's behaviour section on the shipped shop (agents who respond): forecast beside
mechanics, each agent's response, the target curve and its slider, the switch to pure mechanics."""

from __future__ import annotations

import pytest
from e2e_helpers import wait_limit_s
from streamlit.testing.v1 import AppTest

from model.present.i18n import t

TIMEOUT = 240
SHOP = "scenarios/taobao_10_agents.toml"


def _page() -> None:
    import streamlit as st

    from ui.pages.compare import render

    st.session_state.setdefault("lang", "zh")
    render()


@pytest.fixture(scope="module")
def shop_page():
    at = AppTest.from_function(_page, default_timeout=wait_limit_s(TIMEOUT))
    at.session_state["lang"] = "zh"
    at.run()
    at.selectbox(key="cmp_scenario").set_value(SHOP).run()
    at.number_input(key="cmp_days").set_value(3).run()
    at.number_input(key="cmp_reps").set_value(1).run()
    at.button(key="cmp_confirm").click().run()  # the quick forecast first; the section's curve shows once confirmed
    return at


def _texts(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader])


def test_the_shop_forecast_is_shown_beside_mechanics(shop_page) -> None:
    at = shop_page
    assert not at.exception, [e.value for e in at.exception]
    assert at.toggle(key="cmp_behaviour").value is True  # the shipped shop forecasts by default
    assert t("beh.header", "zh") in _texts(at)
    views = next(d.value for d in at.dataframe if t("beh.col.basis", "zh") in d.value.columns)
    bases = set(views[t("beh.col.basis", "zh")])
    assert {t("beh.basis.forecast", "zh"), t("beh.basis.mechanics", "zh")} <= bases
    agents = next(d.value for d in at.dataframe if t("beh.col.state", "zh") in d.value.columns)
    assert len(agents) == 10
    assert len(at.get("vega_lite_chart")) >= 5  # effort, target curve + the three comparison charts
    # the note under the section says the numbers are a forecast, not "pure mechanics"
    assert not any(i.value.startswith("所有方案都只算机制本身") for i in at.info)


def test_the_target_slider_answers_from_the_curve(shop_page) -> None:
    at = shop_page
    slider = next(s for s in at.select_slider if s.key.startswith("beh_target_"))
    options = list(slider.options)
    at.select_slider(key=slider.key).set_value(options[-1]).run()
    assert not at.exception
    assert any(t("beh.curve_at", "zh").split("{")[0] in m.value for m in at.markdown)


def test_switching_behaviour_off_shows_mechanics_only(shop_page) -> None:
    at = shop_page
    at.toggle(key="cmp_behaviour").set_value(False).run()
    assert not at.exception
    assert any(t("beh.off", "zh") in i.value for i in at.info)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert any(t("beh.off", "en") in i.value for i in at.info)
