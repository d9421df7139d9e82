"""AppTest of the target-tuning page (ui.pages.tuning): renders in zh and en, runs a sweep and recommends,
reopens a stored sweep, shows the model's message for constraints no target meets (never a traceback), and
the staffing view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from e2e_helpers import wait_limit_s
from streamlit.testing.v1 import AppTest

from model.present.i18n import CATALOGUES, t

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180


def _page() -> None:
    import streamlit as st

    from ui.pages.tuning import render

    st.session_state.setdefault("lang", "zh")
    render()


def _app(lang: str, store: Path) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=wait_limit_s(TIMEOUT))
    at.session_state["lang"] = lang
    at.run()
    at.number_input(key="tun_days").set_value(3)
    at.number_input(key="tun_reps").set_value(1)
    at.number_input(key="tun_workers").set_value(1)
    at.text_input(key="tun_store").set_value(str(store))
    return at.run()


def test_catalogue_keys_match_and_every_used_key_exists():
    assert set(CATALOGUES["zh"]) == set(CATALOGUES["en"])
    used: set[str] = set()
    for p in (ROOT / "ui" / "pages" / "tuning.py", ROOT / "model" / "present" / "charts_tuning.py"):
        used |= set(re.findall(r"""["']((?:tun|stf|his)\.[a-z0-9_.]+)["']""", p.read_text(encoding="utf-8")))
    assert {"tun.title", "tun.run", "stf.header"} <= used
    assert not sorted(k for k in used if k not in CATALOGUES["zh"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sweep_recommend_and_reopen(lang, tmp_path):
    store = tmp_path / "sweeps.duckdb"
    at = _app(lang, store)
    assert not at.exception
    assert at.title[0].value == t("tun.title", lang)
    at.button(key="tun_run").click().run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric[:4]}  # the recommendation (the emulator's metrics follow)
    assert set(metrics) == {t(f"tun.metric.{k}", lang) for k in ("target", "amount", "gain", "reach")}
    reasons = [x.value for x in [*at.success, *at.info]]
    assert any(("推荐" in r or "不建议" in r) if lang == "zh" else ("Recommended" in r or "Do not pay" in r)
               for r in reasons)
    table = at.dataframe[0].value
    assert t("tun.col.gain", lang) in table.columns and len(table) == 72  # the default grid: 2 schemes x 36
    # words, not raw values: no "nan" target (a rank prize has none), constraints by name, not by key
    assert not table[t("tun.col.target", lang)].astype(str).str.contains("nan").any()
    fails = table[t("tun.col.fails", lang)].astype(str)
    assert not fails.str.contains("_").any() and fails.str.len().gt(0).any()
    from model.present.tables import tune_flip_lines
    from ui.pages.tuning import DOC_KEY

    flips = tune_flip_lines(at.session_state[DOC_KEY], lang)  # rivals inside the band, when there is a band
    shown = " ".join(x.value for x in [*at.caption, *at.warning])
    assert all(ln in shown for ln in flips)
    # a second session reopens the stored sweep without simulating
    at2 = _app(lang, store)
    at2.button(key="tun_reopen").click().run()
    assert not at2.exception
    assert {m.label: m.value for m in at2.metric[:4]} == metrics
    # the reopened sweep gets its band again from the stored scenario (checkbox on by default), and says so
    from model.present.band_text import basis_text, has_band, range_text

    first, again = at.session_state[DOC_KEY], at2.session_state[DOC_KEY]
    captions = " ".join(x.value for x in at2.caption)
    assert t("tun.band_reopened_computed", lang) in captions
    assert again["band"]["basis"] == first["band"]["basis"]  # the page's default shop: mechanics, basis only
    assert basis_text(again["band"]["basis"], lang) in captions
    if has_band(first["band"]):  # (tests/test_deck_tune.py reopens a shop whose agents respond)
        assert again["band"]["net_gain_yuan"] == pytest.approx(first["band"]["net_gain_yuan"])
        assert range_text(again["band"], lang) in [m.value for m in at2.markdown]
    # unticked: the stored numbers only, and the page says no band is stored
    at3 = _app(lang, store)
    at3.checkbox(key="tun_reopen_band").uncheck().run()
    at3.button(key="tun_reopen").click().run()
    assert not at3.exception and "band" not in at3.session_state[DOC_KEY]
    assert t("tun.band_reopened_none", lang) in " ".join(x.value for x in at3.caption)


def test_constraints_no_target_meets_show_the_binding_one(tmp_path):
    at = _app("en", tmp_path / "s.duckdb")
    at.number_input(key="tun_min_reach").set_value(100.0)
    at.number_input(key="tun_max_payout").set_value(1.0)  # everyone paid costs more than 1% of the profit
    at.button(key="tun_run").click().run()
    assert not at.exception
    assert at.error and re.search(r"tuning\.(min_reach_share|max_payout_share)", at.error[0].value)
    assert not at.metric


def test_staffing_view_without_simulation():
    at = AppTest.from_function(_page, default_timeout=wait_limit_s(TIMEOUT))
    at.session_state["lang"] = "en"
    at.run()
    at.checkbox(key="stf_sim").uncheck()
    at.button(key="stf_run").click().run()
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    staff = next(t for t in tables if "Erlang A" in t.columns)
    assert len(staff) == 24 and staff["Erlang A"].max() > 0


def test_emulator_sliders_answer_without_simulating(tmp_path, monkeypatch):
    import sys

    at = _app("en", tmp_path / "s.duckdb")
    at.button(key="tun_run").click().run()
    assert not at.exception
    calls: list[int] = []
    sim_mod = sys.modules["model.simulate"]
    real = sim_mod.simulate
    monkeypatch.setattr(sim_mod, "simulate", lambda *a, **k: calls.append(1) or real(*a, **k))
    before = {m.label: m.value for m in at.metric}
    s = at.slider(key="tun_emu_target")
    s.set_value(s.min).run()
    low = {m.label: m.value for m in at.metric}
    s.set_value(s.max).run()
    high = {m.label: m.value for m in at.metric}
    assert not at.exception and not calls
    gain = t("tun.metric.gain", "en")
    assert low != high and before.keys() == low.keys()
    assert any("held-out" in c.value for c in at.caption) and gain in low
