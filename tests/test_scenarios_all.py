"""Every scenario file under scenarios/ (recursively) loads and runs briefly, and its run JSON keeps the
contract. New files (Douyin, Double 11, files with [[schemes]]) are picked up automatically."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, SCENARIOS

from model import evaluate, load_scenario
from model.edits import with_edits
from model.kpicodes import CONTRACT_CODES

FILES = sorted(SCENARIOS.rglob("*.toml"))


def test_there_are_scenarios():
    names = {p.relative_to(SCENARIOS).as_posix() for p in FILES}
    assert {"taobao_10_agents.toml", "validation/erlang.toml"} <= names


def _brief(s):
    """One day, one replication; a promo day (if any) is moved to day 0 so the peak still runs."""
    changes = {"meta.days": 1, "meta.replications": 1}
    if s.traffic.promo_days:
        peak = max(s.traffic.promo_days, key=lambda p: p.multiplier).model_dump(mode="json")
        changes["traffic.promo_days"] = [dict(peak, day=0)]
    return with_edits(s, changes)


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_scenario_loads_and_runs(path):
    s = _brief(load_scenario(path))
    doc = evaluate(s)
    json.dumps(doc, ensure_ascii=False, allow_nan=False)  # strict JSON: no NaN/inf
    for code in CONTRACT_CODES:
        assert set(doc["team"][code]) >= {"mean", "lo", "hi"}, code
    assert len(doc["agents"]) == s.agents.count
    assert all(isinstance(a["agent"], int) for a in doc["agents"])
    c = doc["counts"]
    for k in ("arrived", "answered", "abandoned", "in_progress_at_end", "messages"):
        assert isinstance(c[k], int) and c[k] >= 0, k
    assert c["arrived"] == c["answered"] + c["abandoned"] + c["in_progress_at_end"]
    if s.schemes:
        assert set(doc["schemes"]) == {sc.name for sc in s.schemes}
        for block in doc["schemes"].values():
            assert {"team", "economics", "agents"} <= set(block)
            assert all("agent" in a and "pay_yuan" in a for a in block["agents"])
