"""AppTest of the quick forecast on the compare page (agents respond): a target move answers without a SimPy run
and says "quick forecast"; one click confirms it with the full simulation, which replaces it and says so."""

from __future__ import annotations

import pytest
import streamlit as st
from e2e_helpers import wait_limit_s
from streamlit.testing.v1 import AppTest

from model import pipeline
from model.present.i18n import t
from model.quick import clear_cache

TIMEOUT = 300
SHOP = "scenarios/taobao_10_agents.toml"
TARGET = "cmp_s1c0_target_inquiry_conversion"  # 达标奖 45%: its threshold target


def _page() -> None:
    import streamlit as st

    from ui.pages.compare import render

    st.session_state.setdefault("lang", "zh")
    render()


@pytest.fixture
def sim_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = pipeline.simulate

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "simulate", counting)
    st.cache_resource.clear()
    st.cache_data.clear()
    clear_cache()
    return calls


def _info(at: AppTest) -> str:
    return " ".join(x.value for x in [*at.info, *at.success, *at.warning, *at.caption])


def _open_shop(sim_calls: list[int]) -> tuple[AppTest, int]:
    """The compare page on the default shop, agents responding, 2 days x 1 replication (zh), and the simulations
    counted before the shop was chosen (the default scenario's first run)."""
    at = AppTest.from_function(_page, default_timeout=wait_limit_s(TIMEOUT))
    at.session_state["lang"] = "zh"
    at.run()  # the default scenario: pure mechanics
    first = len(sim_calls)
    at.selectbox(key="cmp_scenario").set_value(SHOP).run()
    at.number_input(key="cmp_days").set_value(2).run()
    at.number_input(key="cmp_reps").set_value(1).run()
    return at, first


def test_a_target_move_answers_from_the_quick_forecast_and_the_confirm_replaces_it(sim_calls) -> None:
    at, first = _open_shop(sim_calls)
    assert not at.exception, [e.value for e in at.exception]
    quick = t("quick.shown", "zh").split("(")[0].split("：")[0]
    assert "快速预测" in _info(at) and quick in _info(at)
    runs = len(sim_calls)  # base runs only (one per days/replications setting), no scheme simulated
    assert runs - first <= 3
    at.slider(key=TARGET).set_value(43.0).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(sim_calls) == runs, "a target move with agents responding must not simulate"
    assert "快速预测" in _info(at)
    assert any(b.key == "cmp_confirm" for b in at.button)
    at.button(key="cmp_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(sim_calls) > runs  # the confirmation simulated the responsive schemes
    assert "完整模拟" in _info(at) and not any(b.key == "cmp_confirm" for b in at.button)


def test_the_confirmed_answer_names_the_schemes_whose_runs_were_re_timed(sim_calls, monkeypatch) -> None:
    """With ``meta.share_engine`` the confirmation re-times the responsive schemes' runs: the page says which,
    in zh and en (a confirmed answer never silently rests on a re-timed run)."""
    from conftest import ROOT

    from model.scenario import read_toml
    from ui.pages import compare

    data = read_toml(ROOT / SHOP)
    data["meta"] = {**data["meta"], "share_engine": True}
    monkeypatch.setattr(compare, "_read", lambda path: data if path == SHOP else read_toml(ROOT / path))
    at, _ = _open_shop(sim_calls)
    head = t("cmp.retimed", "zh").split("{")[0]
    assert head not in _info(at)  # the quick forecast simulates nothing
    at.button(key="cmp_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [c.value.replace("\\", "") for c in at.caption]  # the page escapes markdown (md_plain)
    caption = next(v for v in shown if v.startswith(head))
    assert "达标奖 45%" in caption
    at.session_state["lang"] = "en"
    at.run()
    assert any(c.value.replace("\\", "").startswith(t("cmp.retimed", "en").split("{")[0]) for c in at.caption)
