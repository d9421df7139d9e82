"""Staffing what-if: the Erlang fast path against model.queueing, monotonicity, the simulation check, the CLI."""

from __future__ import annotations

import json

import pytest

from model.cli import main
from model.errors import ScenarioError
from model.queueing import erlang_a_agents_for_service_level, erlang_c_agents_for_service_level
from model.scenario import load_scenario
from model.tuning.staffing import erlang_need, parse_line, staffing

ERLANG = "scenarios/validation/erlang.toml"


def test_erlang_need_is_the_textbook_answer_in_the_mmc_case():
    # one message per chat, one chat per agent: the agent is one server; the 3-minute line counts the wait
    # plus the reply, so the queue must wait at most 180 s - the mean reply time
    s = load_scenario(ERLANG, ["agents.reply_time.mean_s=60"])
    lam = 120 / 3600.0
    t = 180.0 - 60.0
    assert erlang_need(s, 120.0, "three_min_reply_rate", 0.8, abandonment=False) == \
        erlang_c_agents_for_service_level(lam, 1 / 60.0, 0.8, t)
    assert erlang_need(s, 120.0, "three_min_reply_rate", 0.8, abandonment=True) == \
        erlang_a_agents_for_service_level(lam, 1 / 60.0, 1 / 300.0, 0.8, t)


def test_stricter_lines_and_more_traffic_need_more_agents():
    s = load_scenario(ERLANG, ["agents.reply_time.mean_s=120"])  # 60 chats an hour x 120 s: 2 Erlangs
    needs = [erlang_need(s, 60.0, "three_min_reply_rate", v, abandonment=True) for v in (0.5, 0.8, 0.95, 0.999)]
    assert needs == sorted(needs) and needs[0] < needs[-1]
    assert erlang_need(s, 240.0, "three_min_reply_rate", 0.8, abandonment=True) > needs[1]
    fast = erlang_need(s, 60.0, "avg_response_s", 125.0, abandonment=False)
    slow = erlang_need(s, 60.0, "avg_response_s", 300.0, abandonment=False)
    assert fast > slow
    assert erlang_need(s, 0.0, "three_min_reply_rate", 0.8, abandonment=True) == 0


def test_staffing_day_with_a_simulation_check():
    s = load_scenario("scenarios/double11_peak.toml")
    ans = staffing(s, "three_min_reply_rate", 0.7, reps=1, rounds=2)
    t = ans.table
    assert len(t) == 24 and ans.day == 0
    assert t["chats"].sum() == pytest.approx(32_000, rel=1e-6)
    busy = t[t["chats"] > 1000]
    # the simulation of the Erlang A plan was run and measured in every busy hour
    assert busy["sim_value_at_erlang_a"].between(0, 1).all()
    assert (t["erlang_a"] <= t["erlang_c"]).all()  # abandonment never needs more agents
    # the midnight rush needs the most agents on every path
    assert int(t["erlang_a"].idxmax()) == 0
    doc = ans.to_json()
    json.dumps(doc)
    for n in ans.notes:
        assert n["direction"] in ("fewer", "more") and n["zh"] and n["en"]


def test_bad_lines_and_the_cli(tmp_path, capsys):
    with pytest.raises(ScenarioError, match="did you mean 0.7"):
        parse_line("three_min_reply_rate=70")
    with pytest.raises(ScenarioError, match="not a staffing line"):
        parse_line("good_rating_rate=0.8")
    out = tmp_path / "staff.json"
    assert main(["staffing", "scenarios/double11_peak.toml", "--no-sim", "--line", "avg_response_s=60",
                 "--json", str(out)]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["hours"]) == 24
    assert "Erlang A" in capsys.readouterr().out
    assert main(["staffing", "scenarios/double11_peak.toml", "--no-sim", "--day", "3"]) == 2
    assert "outside the horizon" in capsys.readouterr().err
