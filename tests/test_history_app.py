"""AppTest of the History page (ui.pages.history): samples, errors marked by row and column, replay, calibrate,
fit, hand-over to the Simulate page; both languages; catalogues."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from e2e_helpers import wait_limit_s
from streamlit.testing.v1 import AppTest

from model.present.i18n import CATALOGUES, t
from ui.state import CALIBRATED_CHOICE, CALIBRATED_KEY

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 90


def _page() -> None:
    import streamlit as st

    from ui.pages.history import render

    st.session_state.setdefault("lang", "zh")
    render()


def _app(lang: str = "zh") -> AppTest:
    at = AppTest.from_function(_page, default_timeout=wait_limit_s(TIMEOUT))
    at.session_state["lang"] = lang
    return at.run()


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    """Put a file into the page the way the uploader's callback does (AppTest cannot drive the uploader)."""
    at.session_state["_hist_src"] = {"name": name, "data": data, "id": name + str(hash(data))}
    return at.run()


def _frame(at: AppTest, column: str, nth: int = 0):
    """The nth dataframe on the page that has this column (AppTest does not keep dataframe keys)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    return found[nth]


def test_catalogues_have_the_same_keys_and_every_used_key_exists():
    assert set(CATALOGUES["zh"]) == set(CATALOGUES["en"])
    text = (ROOT / "ui" / "pages" / "history.py").read_text(encoding="utf-8")
    used = set(re.findall(r"""["'](hist\.[a-z0-9_.]+)["']""", text))
    used |= {f"hist.sample.{k}" for k in ("qianniu", "feige", "kuaishou", "hourly")}
    used |= {f"hist.col.{k}" for k in ("row", "column", "value", "problem", "allowed")}
    assert len(used) > 40
    assert not sorted(k for k in used if k not in CATALOGUES["zh"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_start_page_states_the_size_limit(lang):
    at = _app(lang)
    assert not at.exception
    assert at.info[0].value == t("hist.start", lang)
    assert "20 MB" in t("hist.upload", lang, limit="20 MB")
    assert len(at.button) >= 4  # the four samples


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sample_replay_and_calibrate_then_simulate(lang):
    at = _app(lang)
    at.button(key="hist_sample_feige").click().run()
    assert not at.exception
    assert not at.error
    assert "feige_2026-10.xlsx" in at.success[0].value
    assert at.selectbox(key="hist_sheet").value == "每日明细"  # the sheet that was read, choosable
    replay = _frame(at, t("hist.col.scheme", lang))
    assert t("hist.col.scheme", lang) in replay.columns
    pay = _frame(at, "达标奖 48%")  # the default scenario (seed 000) of the replay
    assert len(pay) == 11  # ten agents and the total
    at.button(key="hist_calibrate").click().run()
    assert not at.exception
    assert [m.value for m in at.metric][0] == "10"
    assert len(at.get("download_button")) >= 3  # replay CSV, XLSX and the scenario TOML
    at.button(key="hist_fit").click().run()
    assert not at.exception
    fit = _frame(at, t("hist.col.match", lang))
    assert t("hist.col.match", lang) in fit.columns
    matched = (fit[t("hist.col.match", lang)] == t("hist.yes", lang)).sum()
    assert matched >= 5  # volume, conversion, order value, sales, response time
    held = at.session_state[CALIBRATED_KEY]  # handed over to the Simulate page, selected on its next run
    assert "calibrated" in held["name"] and held["select"] and "[[agents.individual]]" in held["toml"]


def test_bad_rows_are_listed_and_marked_by_row_and_column():
    data = ("日期,客服,询单人数,询单转化率\n2026-11-01,甲,100,40%\n2026-11-01,乙,abc,40%\n2026-11-02,甲,100,130%\n"
            "2026-11-02,乙,90,41%\n").encode("gbk")
    at = _upload(_app("en"), "bad.csv", data)
    assert not at.exception
    assert "bad.csv" in at.error[0].value
    report = _frame(at, t("hist.col.allowed", "en"))
    assert list(report[t("hist.col.row", "en")]) == [3, 4]
    assert list(report[t("hist.col.column", "en")]) == ["询单人数", "询单转化率"]
    assert "above 100%" in report[t("hist.col.problem", "en")].iloc[1]
    # skip the listed rows: the import goes on and says so
    at.checkbox(key="hist_skip").check().run()
    assert not at.error
    assert "3, 4" in at.warning[0].value
    assert not at.exception


def test_problem_cells_are_highlighted():
    import pandas as pd

    from model.history.problems import Problem
    from ui.pages.history import ERR_STYLE, ROW_STYLE, styled

    frame = pd.DataFrame({"a": ["1", "x"], "b": ["2", "3"]}, index=pd.Index([2, 3], name="row"))
    css = styled(frame, [Problem(3, "a", "x", "not_a_number", "allowed_count")])._compute().ctx
    assert ("background-color", "#ffd6d6") in css[(1, 0)]
    assert ("background-color", "#fff3f3") in css[(1, 1)]
    assert (0, 0) not in css or not css[(0, 0)]
    assert ERR_STYLE and ROW_STYLE


def test_file_level_errors_are_messages_not_tracebacks():
    at = _upload(_app("zh"), "empty.csv", b"")
    assert not at.exception
    assert "文件是空的" in at.error[0].value
    at = _upload(_app("en"), "cols.csv", "日期,客服工号,询单人数\n2026-11-01,A,10\n".encode())
    assert not at.exception
    assert "客服工号" in at.error[0].value and "agent" in at.error[0].value


def test_unknown_header_mapped_by_hand_in_the_page():
    at = _upload(_app("en"), "cols.csv", "日期,客服工号,询单人数\n2026-11-01,A,10\n2026-11-02,A,12\n".encode())
    assert at.error
    at.selectbox(key="hist_map_1").set_value("agent").run()
    assert not at.exception
    assert not at.error
    assert at.success


def test_simulate_page_picks_the_calibrated_scenario():
    from model.history.calibrate import calibrate
    from model.history.validate import load_history

    cal = calibrate(load_history(ROOT / "samples" / "history" / "kuaishou_2026-10_utf8.csv"), refine_steps=0)

    def sim_page() -> None:
        import streamlit as st

        from ui.pages.simulate import render

        st.session_state.setdefault("lang", "en")
        render()

    at = AppTest.from_function(sim_page, default_timeout=wait_limit_s(TIMEOUT))
    at.session_state[CALIBRATED_KEY] = {"name": "kuaishou_calibrated.toml", "toml": cal.toml, "select": True}
    at.session_state["days"] = 2
    at.session_state["reps"] = 2
    at.run()
    assert not at.exception
    assert at.selectbox(key="scenario").value == CALIBRATED_CHOICE
    assert at.slider(key="agents").value == 10
    assert "kuaishou" in at.caption[1].value or any("kuaishou" in c.value for c in at.caption)


def test_formula_cells_are_shown_escaped_in_every_table():
    evil = "=cmd|' /C calc'!A0"
    data = f"日期,客服,询单人数,最终付款人数\n2026-11-01,{evil},100,40\n2026-11-02,{evil},100,-1\n".encode()
    at = _upload(_app("en"), "evil.csv", data)
    assert not at.exception
    shown = [v for d in at.dataframe for v in d.value.astype(str).to_numpy().ravel()]
    assert "'" + evil in shown and evil not in shown
    at.checkbox(key="hist_skip").check().run()
    pay = _frame(at, "达标奖 48%")
    assert "'" + evil in list(pay[t("hist.col.agent", "en")])
