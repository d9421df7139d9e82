"""Issue 15 leftover: a planned month is judged by the rule pack in force on its dates, not today's: the run
warnings, the deck's lines, the Simulate/Compare captions and cards (Kuaishou's 5-minute rate >= 80% until
2021-08-31, then the 3-minute rate >= 70%; JD's Spring Festival 2024 exemption)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from model.checks import run_warnings
from model.platform_rules import changes_within, plan_day, rule_for, rules_for
from model.present.i18n import t
from model.present.rules import doc_rules_statement, rules_statement
from model.present.story import breaches
from model.scenario import load_scenario
from model.schema import PlanFacts

ROOT = Path(__file__).resolve().parents[1]
SHOP = ROOT / "scenarios" / "taobao_10_agents.toml"


def _plan(month: str) -> PlanFacts:
    return PlanFacts(month=month, first_date=f"{month}-01", inquiries=9000, agents=10, paid_agent_hours=1500,
                     need_agent_hours=1000)


def _planned(month: str | None, platform: str = "kuaishou"):
    s = load_scenario(SHOP, [f"shop.platform={platform}"])
    return s if month is None else s.model_copy(update={"meta": s.meta.model_copy(update={"plan": _plan(month)})})


def test_plan_day_reads_the_planned_months_first_date() -> None:
    assert plan_day(_plan("2021-09")) == dt.date(2021, 9, 1)
    assert plan_day({"month": "2024-02", "first_date": ""}) == dt.date(2024, 2, 1)  # the month's first
    assert plan_day({"month": "2024-02", "first_date": "not a date"}) == dt.date(2024, 2, 1)
    assert plan_day(None) is None and plan_day({}) is None


def test_lines_of_a_month_after_the_pack_change() -> None:
    aug, sep = dt.date(2021, 8, 1), dt.date(2021, 9, 1)
    assert rule_for("kuaishou", "three_min_reply_rate", aug) is None  # the 5-minute line then
    assert rule_for("kuaishou", "five_min_reply_rate", aug).value == pytest.approx(0.80)
    assert rule_for("kuaishou", "three_min_reply_rate", sep).value == pytest.approx(0.70)
    assert rules_for("kuaishou") == rules_for("kuaishou", dt.date.today())
    # the day the rules change inside a month: Kuaishou's switch, JD's exemption starting and ending
    assert [c.date for c in changes_within("kuaishou", dt.date(2021, 8, 20), 30)] == [sep]
    jd = changes_within("jd", dt.date(2024, 2, 1), 29)
    assert [c.date for c in jd] == [dt.date(2024, 2, 4), dt.date(2024, 2, 18)]
    assert jd[0].exempted and not jd[1].exempted
    assert changes_within("kuaishou", sep, 30) == []


def test_run_warnings_judge_the_planned_month_by_its_pack() -> None:
    """A 3-minute rate of 50%: below Kuaishou's 70% line from September 2021 (and today), but a planned August
    2021 was judged by the 5-minute rate, which the model does not compute: no warning on that month."""
    doc = {"team": {"three_min_reply_rate": {"mean": 0.5}, "good_rating_rate": {"mean": 0.95}},
           "scenario": {"replications": 5}, "replication_arrivals": [100] * 5}

    def three_min(s) -> list[dict]:
        return [w for w in run_warnings(s, doc) if w["code"] == "platform_rule"
                and w["detail"]["kpi"] == "three_min_reply_rate"]

    assert three_min(_planned("2021-09")) and three_min(_planned(None))
    assert three_min(_planned("2021-08")) == []


def test_deck_lines_and_breaches_follow_the_planned_month() -> None:
    block = {"team": {"three_min_reply_rate": {"mean": 0.5}}}
    doc = {"scenario": {"platform": "kuaishou", "days": 30}, "schemes": {"A": block}}
    assert breaches(doc, block) == ["three_min_reply_rate"]  # today's pack
    assert breaches({**doc, "plan": {"month": "2021-08", "first_date": "2021-08-01"}}, block) == []
    assert breaches({**doc, "plan": {"month": "2021-09", "first_date": "2021-09-01"}}, block) == [
        "three_min_reply_rate"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_caption_names_the_planned_date_and_the_change_inside(lang) -> None:
    doc = {"scenario": {"platform": "kuaishou", "days": 30}, "plan": {"month": "2021-08", "first_date": "2021-08-20"}}
    text = doc_rules_statement(doc, lang)
    assert "2021-08-20" in text and t("rules.planned", lang) in text
    assert t("rules.change", lang).split("{")[0] in text and "2021-09-01" in text
    assert t("rules.kpi.five_min_reply_rate", lang) in text and "five_min" not in text  # named, never a raw key
    assert t("rules.uncomputed", lang) in text and "70%" in text
    today = doc_rules_statement({"scenario": {"platform": "kuaishou", "days": 30}}, lang)
    assert dt.date.today().isoformat() in today and t("rules.planned", lang) not in today
    assert today == rules_statement("kuaishou", None, lang)
    jd = doc_rules_statement({"scenario": {"platform": "jd", "days": 29}, "plan": {"month": "2024-02"}}, lang)
    assert "2024-02-04" in jd and "2024-02-18" in jd


# ------------------------------------------------------------------ the Simulate page (AppTest)
PLAN_TOML = b"""
[meta.plan]
month = "2021-08"
first_date = "2021-08-30"
inquiries = 9000
agents = 10
paid_agent_hours = 1500
need_agent_hours = 1000
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_simulate_page_judges_a_planned_month_by_its_pack(lang) -> None:
    """A Kuaishou month planned from 2021-08-30 (3 days simulated): the caption names that date, says it is the
    planned month's, and the change on 2021-09-01; the 3-minute card carries no line (the 5-minute one was in
    force); the same shop not planned shows today's 70% line on that card."""
    from e2e_helpers import wait_limit_s
    from streamlit.testing.v1 import AppTest

    from model.present.format import pct

    base = (ROOT / "scenarios" / "seed000_threshold_48.toml").read_bytes().replace(
        b'platform = "taobao"', b'platform = "kuaishou"')
    line = t("rule.min", lang, platform=t("platform.kuaishou", lang), value=pct(0.7, lang, digits=0))

    def run(data: bytes) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=wait_limit_s(240))
        at.session_state["lang"] = lang
        at.run()
        at.file_uploader(key="upload").set_value(("planned.toml", data, "application/toml")).run()
        at.number_input(key="days").set_value(3)
        at.number_input(key="reps").set_value(2)
        at.run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        return at

    planned = run(base + PLAN_TOML)
    captions = " ".join(c.value for c in planned.caption)
    assert "2021-08-30" in captions and t("rules.planned", lang) in captions and "2021-09-01" in captions
    assert t("rules.kpi.five_min_reply_rate", lang) in captions and "five_min" not in captions
    assert line not in captions
    today = " ".join(c.value for c in run(base).caption)
    assert line in today and t("rules.planned", lang) not in today


def test_a_tune_of_a_planned_month_is_constrained_by_that_months_lines() -> None:
    """Tuning's platform-line constraints (``[tuning]`` left at the platform's lines) follow the planned month's
    rule pack, as the warnings and the deck do: Kuaishou had no 3-minute line before 2021-09, so an August
    2021 plan is not held to today's 70%, and a September 2021 plan is."""
    import pandas as pd

    from model.tuning.optimise import limits

    aug, sep = _planned("2021-08"), _planned("2021-09")
    assert "min_three_min_reply_rate" not in limits(aug.tuning, aug.shop.platform, plan_day(aug.meta.plan))
    assert limits(sep.tuning, sep.shop.platform, plan_day(sep.meta.plan))["min_three_min_reply_rate"] == 0.7
    assert limits(aug.tuning, aug.shop.platform)["min_three_min_reply_rate"] == 0.7  # today's pack
    # one candidate above every other line but at 50% on the 3-minute rate: feasible in August 2021 only
    from model.tuning.optimise import check

    row = {"scheme": "s", "is_baseline": False, "focus": None, "reach_share": 0.5, "payout_share": 0.05,
           "p_net_loss": 0.0, "three_min_reply_rate": 0.5, "good_rating_rate": 0.95, "bad_attitude_share": 0.01}
    summary = pd.DataFrame([row])
    assert check(summary, limits(aug.tuning, "kuaishou", plan_day(aug.meta.plan)))["feasible"].all()
    assert not check(summary, limits(sep.tuning, "kuaishou", plan_day(sep.meta.plan)))["feasible"].any()
