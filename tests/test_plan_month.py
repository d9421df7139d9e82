"""Issue 15 leftover: the month's volume interval is the month's own, from simulated sample paths of the forecast
model (the days' errors correlated as the model says), not the per-day interval ends summed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from model.plan.forecast import forecast, month_dates
from model.plan.plan import month_facts

WEEK = np.array([1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.25])


def _history(seed: int, days: int = 84, walk: float = 0.03) -> pd.Series:
    """Daily inquiries with a weekly season, a random-walk level (a shock lasts) and day noise."""
    rng = np.random.default_rng(seed)
    d = [dt.date(2026, 7, 1) + dt.timedelta(days=i) for i in range(days)]
    level = np.log(400) + np.cumsum(rng.normal(0, walk, days))
    v = np.exp(level + np.log(WEEK[[x.weekday() for x in d]]) + rng.normal(0, 0.05, days))
    return pd.Series(v, index=d)


@pytest.fixture(scope="module")
def fc():
    s = _history(3)
    return forecast(s, month_dates(s.index[-1]), backtest_days=0)


def test_the_month_interval_lies_between_independent_days_and_summed_ends(fc) -> None:
    m = fc.month
    days_lo, days_hi = m["days_summed"]
    ind_lo, ind_hi = m["independent"]
    # every day at its own interval end is the widest the total can be; independent days the narrowest
    assert days_lo <= m["lo"] < ind_lo < m["mean"] < ind_hi < m["hi"] <= days_hi
    assert m["days_summed"] == pytest.approx([fc.days["lo"].sum(), fc.days["hi"].sum()])
    # a level shock carries into later days: the month's interval is much wider than independent days say
    assert (m["hi"] - m["lo"]) > 1.5 * (ind_hi - ind_lo)
    assert m["mean"] == pytest.approx(fc.days["mean"].sum(), rel=0.02)  # the paths' mean is the forecast's
    assert m["level"] == fc.level and m["paths"] >= 1000


def test_the_month_interval_is_reproducible_and_written_into_the_plan(fc) -> None:
    s = _history(3)
    again = forecast(s, month_dates(s.index[-1]), backtest_days=0)
    assert again.month == fc.month  # fixed seed: the same plan every run
    facts = month_facts(fc)
    assert facts == {"inquiries_lo": round(fc.month["lo"], 1), "inquiries_hi": round(fc.month["hi"], 1),
                     "month_interval": "simulated"}
    assert fc.to_json()["month"] == fc.month


def test_a_steadier_history_gives_a_narrower_month() -> None:
    """Without level shocks the days' errors hardly correlate: the month's interval shrinks towards the
    independent one (relative to the mean), unlike a history whose level wanders."""
    def rel_width(walk: float) -> float:
        s = _history(5, walk=walk)
        m = forecast(s, month_dates(s.index[-1]), backtest_days=0).month
        return (m["hi"] - m["lo"]) / m["mean"]

    assert rel_width(0.0) < 0.6 * rel_width(0.04)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_deck_says_which_month_interval(lang) -> None:
    """The next-month slide says the simulated month's interval as such; an older plan (per-day ends summed) is
    still said to be summed."""
    import io

    from pptx import Presentation

    from model.present.deck import build_deck
    from model.present.i18n import t

    plan = {"month": "2026-11", "first_date": "2026-11-01", "inquiries": 39123.4, "inquiries_lo": 36000.0,
            "inquiries_hi": 42500.0, "level": 0.8, "quantile": 0.8, "agents": 16, "paid_agent_hours": 2304.0,
            "need_agent_hours": 2012.0}
    block = {"economics": {"net_gain_yuan": {"mean": 1000.0}, "bonus_cost_yuan": {"mean": 500.0},
                           "p_net_loss": {"mean": 0.1}}, "team": {}}
    doc = {"scenario": {"platform": "taobao", "days": 30}, "schemes": {"A": block}}

    def body(p: dict) -> str:
        prs = Presentation(io.BytesIO(build_deck({**doc, "plan": p}, lang=lang)))
        title = t("deck.plan_title", lang).format(month="2026-11")
        sl = next(s for s in prs.slides if any(sh.has_text_frame and sh.text_frame.text == title for sh in s.shapes))
        return " ".join(sh.text_frame.text for sh in sl.shapes if sh.has_text_frame)

    sim = body({**plan, "month_interval": "simulated"})
    assert t("deck.plan_volume_sim", lang).split("{")[0] in sim and "36,000" in sim and "42,500" in sim
    old = body(plan)
    assert t("deck.plan_volume", lang).split("{")[0] in old
    assert t("deck.plan_volume_sim", lang).format(mean="", level=80, lo="", hi="")[-12:] not in old


def test_the_plan_pages_day_labels_are_words() -> None:
    """The uplift table names holidays and make-up workdays in words (zh/en), never ``holiday:...`` keys; the
    shop's own event names stay as written."""
    from ui.pages.plan import day_label

    assert day_label("holiday:National Day", "zh") == "国庆节（法定节假日）"
    assert day_label("holiday:National Day", "en") == "National Day (public holiday)"
    assert day_label("workday_weekend", "zh") == "调休上班的周末" and "_" not in day_label("workday_weekend", "en")
    assert day_label("holiday", "en") == "public holiday"
    assert day_label("holiday sale", "zh") == "holiday sale" and day_label("直播大促", "en") == "直播大促"
