"""A target band from last month's per-agent KPIs (seed 000: a 42% month -> 45%-48%)."""

from __future__ import annotations

import pandas as pd
import pytest

from model.errors import ScenarioError
from model.scenario import load_scenario
from model.simulate import simulate
from model.tuning.history_band import from_run, load_history_csv, target_band


def test_seed000_a_42_percent_month_gives_45_to_48():
    conv = [0.36, 0.38, 0.40, 0.41, 0.42, 0.42, 0.43, 0.44, 0.46, 0.48]  # team average 42%
    band = target_band(pd.DataFrame({"agent": range(10), "inquiry_conversion": conv}), industry=0.50)
    assert band["team_level"] == pytest.approx(0.42)
    assert (band["low"], band["high"]) == (0.45, 0.48)
    assert band["reach_low"] == pytest.approx(0.2) and band["reach_high"] == pytest.approx(0.1)
    assert "45%" in band["reason"]["zh"] and "45%-48%" in band["reason"]["en"]
    assert "50%" in band["industry"]["zh"] and "above" in band["industry"]["en"]


def test_the_team_level_is_weighted_by_inquiries_and_lower_is_better_goes_down():
    df = pd.DataFrame({"agent": [0, 1], "inquiry_conversion": [0.30, 0.50], "inquiries": [100, 300]})
    assert target_band(df)["team_level"] == pytest.approx(0.45)
    t = target_band(pd.DataFrame({"agent": [0, 1], "avg_response_s": [20.0, 30.0]}), "avg_response_s")
    assert t["high"] < t["low"] < 25.0


def test_bad_history_tables_are_named(tmp_path):
    with pytest.raises(ScenarioError, match="no column 'inquiry_conversion'"):
        target_band(pd.DataFrame({"agent": [0], "conv": [0.4]}))
    with pytest.raises(ScenarioError, match="row 3"):
        target_band(pd.DataFrame({"agent": [0, 1], "inquiry_conversion": ["0.4", "abc"]}))
    with pytest.raises(ScenarioError, match="percentages"):
        target_band(pd.DataFrame({"agent": [0, 1], "inquiry_conversion": [42, 45]}))
    p = tmp_path / "m.csv"
    p.write_bytes("agent,inquiry_conversion\n客服01,0.42\n".encode("gbk"))
    assert target_band(load_history_csv(p), file=str(p))["team_level"] == pytest.approx(0.42)


def test_a_run_works_as_history():
    s = load_scenario("scenarios/taobao_10_agents.toml", ["meta.days=2", "meta.replications=1"])
    band = target_band(from_run(simulate(s)))
    assert band["agents"] == 10 and band["low"] > band["team_level"]
