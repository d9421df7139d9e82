"""AppTest of the History page's months tab (ui/history_response.py): the sample's four months, the estimate with
its intervals, the back-test table and chart, the hand-over; zh and en; refusals shown as messages."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from e2e_helpers import wait_limit_s
from streamlit.testing.v1 import AppTest

from model.present.i18n import CATALOGUES, t
from ui.state import CALIBRATED_KEY

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "months" / "shop_2026-07_10.csv"


def _page() -> None:
    import streamlit as st

    from ui.pages.history import render

    st.session_state.setdefault("lang", "zh")
    render()


def _app(lang: str) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=wait_limit_s(300))
    at.session_state["lang"] = lang
    at.run()
    at.button(key="hist_sample_months").click().run()
    return at


def test_every_used_key_exists():
    text = (ROOT / "ui" / "history_response.py").read_text(encoding="utf-8")
    used = set(re.findall(r"""["'](resp\.[a-z0-9_.]+)["']""", text))
    assert len(used) > 25
    assert not sorted(k for k in used if k not in CATALOGUES["zh"] or k not in CATALOGUES["en"])


@pytest.fixture
def coarse(monkeypatch):
    """A 3-point grid and fewer bootstrap draws: the page's wiring, not the estimator (tests/test_history_response.py)."""
    from model.history import response

    monkeypatch.setattr(response, "FACTORS", 2.0 ** np.arange(-1, 2))
    monkeypatch.setattr(response, "BOOTSTRAP", 40)


def _check_results(at: AppTest, lang: str) -> None:
    assert not at.exception, at.exception
    params = [d.value for d in at.dataframe if t("resp.col.estimate", lang) in d.value.columns][0]
    assert len(params) == 4
    names = set(params[t("resp.col.param", lang)])
    assert any(("销售努力成本" if lang == "zh" else "selling effort cost") in n for n in names)
    for v in params[t("resp.col.interval", lang)]:  # an interval or the words for none
        assert "–" in v or v == t("resp.not_identified", lang)
    team = [d.value for d in at.dataframe if t("resp.col.actual", lang) in d.value.columns][0]
    assert len(team) == 5  # conversion, order value, response, good rating, sales
    assert set(team[t("resp.col.inside", lang)]) <= {t("resp.inside", lang), t("resp.outside", lang)}
    # no raw keys or codes on the page
    text = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader])
    assert "resp." not in text and "inquiry_conversion" not in text and "_cost_yuan" not in text
    assert len(at.get("vega_lite_chart")) >= 1  # the per-agent back-test chart


def test_months_tab_estimates_and_backtests_the_sample(coarse):
    at = _app("zh")
    assert not at.exception
    md = " ".join(m.value for m in at.markdown)
    assert "2026-07, 2026-08, 2026-09, 2026-10" in md
    at.button(key="hist_estimate").click().run()
    _check_results(at, "zh")
    # the result stays through a language switch (kept in the session, not recomputed)
    at.session_state["lang"] = "en"
    at.run()
    _check_results(at, "en")
    at.button(key="hist_resp_to_sim").click().run()
    held = at.session_state[CALIBRATED_KEY]
    assert "[behaviour.estimated]" in held["toml"] and held["name"].endswith("_fitted.toml")


def test_one_scheme_every_month_is_a_message_not_a_traceback(coarse):
    at = AppTest.from_function(_page, default_timeout=wait_limit_s(120))
    at.session_state["lang"] = "en"
    at.run()
    at.button(key="hist_sample_months").click().run()
    # one scheme for every month: the picker path with a shipped scenario's base-pay scheme
    at.session_state["_hist_src"] = {**at.session_state["_hist_src"], "name": "four_months.csv"}
    at.run()
    at.selectbox(key="hist_resp_template").select("scenarios/taobao_10_agents.toml").run()
    for m in ("2026-07", "2026-08", "2026-09", "2026-10"):
        at.selectbox(key=f"hist_month_{m}").select("仅底薪").run()
    at.button(key="hist_estimate").click().run()
    assert not at.exception
    err = " ".join(e.value for e in at.error)
    assert t("resp.error", "en") in err and "same scheme" in err
