"""AppTest of the Next-month page (ui.pages.plan) in zh and en, its catalogue, and the hand-over to Compare."""

from __future__ import annotations

import pytest
from e2e_helpers import wait_limit_s
from streamlit.testing.v1 import AppTest

from model.present.i18n import CATALOGUES, t
from ui.state import PLANNED_CHOICE, PLANNED_KEY

TIMEOUT = 120


def _page() -> None:
    import streamlit as st

    from ui.pages.plan import render

    st.session_state.setdefault("lang", "zh")
    render()


def _compare() -> None:
    import streamlit as st

    from ui.pages.compare import render

    st.session_state.setdefault("lang", "zh")
    render()


def test_catalogues_have_the_same_keys():
    assert set(CATALOGUES["zh"]) == set(CATALOGUES["en"])
    import re
    from pathlib import Path

    src = (Path(__file__).resolve().parents[1] / "ui" / "pages" / "plan.py").read_text(encoding="utf-8")
    for key in re.findall(r'tp\(\s*"([a-z_.]+)"', src):
        assert key in CATALOGUES["zh"], key


def _small_csv(tmp_path) -> bytes:
    from test_plan import _small_history

    _small_history(tmp_path / "h.csv")
    return (tmp_path / "h.csv").read_bytes()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plan_a_month_and_hand_it_to_compare(lang, tmp_path):
    at = AppTest.from_function(_page, default_timeout=wait_limit_s(TIMEOUT))
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    assert at.info[0].value == t("plan.start", lang)
    at.button(key="plan_sample").click().run()
    assert at.checkbox(key="plan_sample_cal").value  # the sample's calendar comes with it
    if lang == "en":  # the sample (90 hourly days) in zh; a small daily history in en, to keep the test short
        at.checkbox(key="plan_sample_cal").uncheck()
        at.session_state["_plan_src"] = {"name": "small.csv", "data": _small_csv(tmp_path), "id": "small"}
    at.checkbox(key="plan_sim").uncheck()
    at.button(key="plan_run").click().run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics[t("plan.m.headcount", lang)]) > 0
    assert metrics[t("plan.m.unmet", lang)] == "0"
    assert any("MAPE" in c.value for c in at.caption)
    held = at.session_state[PLANNED_KEY]
    assert held["select"] and "[[agents.shifts]]" in held["toml"] and "weekdays" in held["toml"]
    assert ("2026-11" if lang == "zh" else "2026-05") in held["name"]
    if lang == "zh":
        return
    # the Compare page lists the planned month first, selects it and compares over the whole month
    cmp = AppTest.from_function(_compare, default_timeout=wait_limit_s(TIMEOUT))
    cmp.session_state["lang"] = lang
    cmp.session_state[PLANNED_KEY] = dict(held)
    cmp.run(timeout=wait_limit_s(TIMEOUT))
    assert not cmp.exception and not cmp.error
    assert cmp.selectbox(key="cmp_scenario").value == PLANNED_CHOICE
    assert cmp.number_input(key="cmp_days").value == 31
    # the answer's lines are the rule pack in force on the planned month's first date, said so (issue 15)
    first = held["toml"].split('first_date = "')[1][:10]
    captions = " ".join(c.value for c in cmp.caption)
    assert f"{first}{t('rules.planned', lang)}" in captions, captions


def test_a_short_history_is_a_message_not_a_traceback():
    at = AppTest.from_function(_page, default_timeout=wait_limit_s(TIMEOUT))
    at.session_state["lang"] = "en"
    at.run()
    at.button(key="plan_sample").click().run()
    at.checkbox(key="plan_sample_cal").uncheck().run()
    assert not at.exception
    at.session_state["_plan_src"] = {"name": "short.csv", "data": "日期,客服,询单人数\n2026-11-01,甲,10\n".encode(),
                                     "id": "short"}
    at.checkbox(key="plan_sim").uncheck()
    at.button(key="plan_run").click().run()
    assert not at.exception
    assert at.error and "14 days" in at.error[0].value
