"""Scenario edits (model/edits.py): the same valid scenario from the app's sliders, ``--set`` and a sweep."""

from __future__ import annotations

import json

import pytest
from conftest import TAOBAO, run_cli, taobao_scenario

from model.edits import Notice, spread_shifts, with_edits
from model.errors import ScenarioError
from model.scenario import load_scenario
from ui import scenarios as ui_scenarios


@pytest.mark.parametrize(("counts", "n", "want"), [
    ([5, 5], 12, [6, 6]),
    ([5, 5], 3, [2, 1]),
    ([5, 5], 1, [1, 0]),
    ([8, 1, 1], 4, [3, 1, 0]),
    ([3, 0, 1], 8, [6, 0, 2]),
    ([0, 0], 3, [2, 1]),
])
def test_shifts_are_spread_by_their_shares(counts, n, want):
    got = spread_shifts(counts, n)
    assert got == want and sum(got) == n and min(got) >= 0


def test_set_agents_count_on_the_shift_scenario_runs_from_the_cli(tmp_path):
    """README's own example: two shifts of 5, --set agents.count=12 -> two shifts of 6."""
    out = tmp_path / "run.json"
    r = run_cli("run", str(TAOBAO), "--set", "agents.count=12", "--set", "meta.days=1", "--reps", "1",
                "--quiet", "--json", str(out))
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text("utf-8"))
    assert len(doc["agents"]) == 12
    s = load_scenario(TAOBAO, ["agents.count=12"])
    assert [sh.agents for sh in s.agents.shifts] == [6, 6]


def test_a_sweep_edit_equals_the_apps_edit():
    base = taobao_scenario()
    app = ui_scenarios.apply_changes(base=base, agents=7, inquiries_per_day=800, max_concurrent_chats=2, days=3,
                                     replications=2).scenario
    sweep = with_edits(base, {"agents.count": 7, "traffic.inquiries_per_day": 800.0,
                              "agents.max_concurrent_chats": 2, "meta.days": 3, "meta.replications": 2})
    cli = load_scenario(TAOBAO, ["agents.count=7", "traffic.inquiries_per_day=800.0",
                                 "agents.max_concurrent_chats=2", "meta.days=3", "meta.replications=2"])
    assert app == sweep == cli
    assert sum(sh.agents for sh in sweep.agents.shifts) == 7


def test_listed_agents_are_cut_to_the_count():
    base = taobao_scenario(**{"agents.individual": [{"name": f"a{i}"} for i in range(10)]})
    s = with_edits(base, {"agents.count": 4})
    assert [a.name for a in s.agents.individual] == ["a0", "a1", "a2", "a3"]
    assert with_edits(s, {"agents.count": 9}).agents.individual == s.agents.individual


def test_explicit_shifts_in_the_same_edit_are_kept():
    base = taobao_scenario()
    shifts = [{"start_h": 0, "end_h": 24, "agents": 3}]
    s = with_edits(base, {"agents.count": 3, "agents.shifts": shifts})
    assert [sh.agents for sh in s.agents.shifts] == [3]


def test_a_shorter_horizon_reports_dropped_promo_days_and_never_drops_silently():
    base = taobao_scenario(**{"meta.days": 12, "traffic.promo_days": [
        {"day": 2, "multiplier": 2.0, "name": "早促"}, {"day": 10, "multiplier": 5.0, "name": "双十一"}]})
    notices: list[Notice] = []
    s = with_edits(base, {"meta.days": 5}, notices=notices)
    assert [p.name for p in s.traffic.promo_days] == ["早促"]
    assert [(n.code, n.items) for n in notices] == [("promo_days_dropped", ("双十一",))]
    with pytest.raises(ScenarioError, match="promo"):
        with_edits(base, {"meta.days": 5})  # no notices list: an error, not a silent change
    assert with_edits(base, {"meta.days": 11}).traffic.promo_days == base.traffic.promo_days


def test_cli_prints_the_notice_of_an_override(tmp_toml, tmp_path):
    p = tmp_toml(TAOBAO.read_text("utf-8") + "\n[[traffic.promo_days]]\nday = 20\nmultiplier = 3.0\nname = \"大促\"\n")
    r = run_cli("run", str(p), "--set", "meta.days=2", "--reps", "1", "--quiet")
    assert r.returncode == 0, r.stderr
    assert "notice" in r.stderr and "大促" in r.stderr


def test_bad_edits_name_the_key():
    base = taobao_scenario()
    with pytest.raises(ScenarioError, match="agents.count"):
        with_edits(base, {"agents.count": 0})
    with pytest.raises(ScenarioError, match="unknown key"):
        with_edits(base, {"agents.cuont": 3})
