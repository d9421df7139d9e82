"""Calibration: empirical-Bayes shrinkage, weekday/intraday estimates, the scenario TOML, and the fit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.history.calibrate import calibrate
from model.history.estimators import shrink_conversion, shrink_mean, weekday_factors
from model.history.fit import fit_report
from model.history.validate import load_history
from model.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "history"


def test_small_agent_moves_most_of_the_way_big_agent_barely():
    rng = np.random.default_rng(7)
    n = np.array([3000] * 9 + [20, 3000])
    p_true = np.clip(rng.normal(0.40, 0.05, len(n)), 0.05, 0.95)
    y = rng.binomial(n, p_true).astype(float)
    y[9] = 15  # 75% on 20 inquirers: a "star" by luck
    y[10] = 1500  # 50% on 3000 inquirers: a real star
    s = shrink_conversion(y, n)
    team = s.prior_mean
    moved = (s.raw - s.shrunk) / (s.raw - team)
    assert moved[9] > 0.6  # most of the way to the team mean
    assert moved[10] < 0.1  # barely
    assert s.shrunk[9] < 0.55 and s.shrunk[10] > 0.48
    assert s.weight[9] > 0.6 and s.weight[10] < 0.1


def test_no_spread_beyond_chance_shrinks_everyone_to_the_mean():
    n = np.full(8, 1000)
    y = np.array([400, 410, 395, 405, 398, 402, 390, 400], dtype=float)
    s = shrink_conversion(y, n)
    assert np.all(np.abs(s.shrunk - s.prior_mean) < 0.01)


def test_shrink_mean_order_value():
    s = shrink_mean(np.array([100.0, 110.0, 90.0, 200.0]), np.array([1000, 1000, 1000, 3]), sigma=50.0)
    assert abs(s.shrunk[3] - s.prior_mean) < 0.5 * (200 - s.prior_mean)
    assert abs(s.shrunk[0] - 100.0) < 2.0


def test_weekday_factors_average_one_and_find_the_weekend():
    h = load_history(SAMPLES / "qianniu_2026-10_gbk.csv")
    f = weekday_factors(h)
    wd = [d.weekday() for d in h.dates]
    assert np.mean([f[w] for w in wd]) == pytest.approx(1.0, abs=1e-3)
    assert f[5] > f[0] and f[6] > f[1]  # the sample's Saturday/Sunday are busier


def test_hourly_export_gives_the_intraday_profile(tmp_path):
    cal = calibrate(load_history(SAMPLES / "hourly_2026-10_utf8bom.csv"), refine_steps=0)
    prof = cal.scenario.traffic.intraday_profile
    assert isinstance(prof, list) and len(prof) == 24
    assert sum(prof[:8]) == 0 and prof[21] > prof[9]
    assert list(cal.scenario.traffic.open_hours) == [8.0, 24.0]


def test_calibrated_toml_loads_and_says_where_values_came_from(tmp_path):
    h = load_history(SAMPLES / "qianniu_2026-10_gbk.csv")
    cal = calibrate(h, load_scenario(ROOT / "scenarios" / "seed000_threshold_48.toml"), refine_steps=1)
    p = tmp_path / "cal.toml"
    p.write_text(cal.toml, encoding="utf-8")
    s = load_scenario(p)
    assert s.agents.count == 10 and [a.name for a in s.agents.individual] == h.agents
    assert s.meta.days == 31 and s.meta.start_weekday == 3  # 2026-10-01 is a Thursday
    assert [x.name for x in s.schemes] == ["仅底薪", "达标奖 48%", "达标奖 48% + 假设 +20%/+20%"]  # template kept
    assert s.economics.baseline_scheme == "仅底薪"
    assert "# inquiries 27,842 / 31 days" in cal.toml
    assert "beta" in cal.toml and "moved" in cal.toml
    assert s.model_dump() == cal.scenario.model_dump()
    newbie = cal.agents.set_index("name").loc["新人小李"]
    assert newbie["conversion_weight"] > 0.5  # 28 inquirers: mostly the team mean


def test_calibrated_scenario_reproduces_the_history():
    """Short run (7 days x 3 replications): team conversion, AOV and inquiries per day within the intervals."""
    h = load_history(SAMPLES / "kuaishou_2026-10_utf8.csv")
    cal = calibrate(h, refine_steps=2, refine_days=7, refine_reps=2)
    fit = fit_report(cal.scenario, h, replications=3, days=7)
    team = fit["team"].set_index("code")
    for code in ("inquiries", "inquiry_conversion", "aov_yuan", "avg_response_s"):
        r = team.loc[code]
        assert r["match"], (code, r.to_dict())
    assert set(fit["agents"]["name"]) == set(h.agents)
    # the check can fail: a scenario with twice the volume does not match
    from model.edits import with_edits

    wrong = with_edits(cal.scenario, {"traffic.inquiries_per_day": 2 * cal.scenario.traffic.inquiries_per_day})
    bad = fit_report(wrong, h, replications=3, days=7)["team"].set_index("code")
    assert not bad.loc["inquiries", "match"]
