"""The optimiser and `python -m model tune`: recommendation, reason, frontier, binding constraint, exit codes."""

from __future__ import annotations

import json

import pytest

from model.cli import main
from model.scenario import load_scenario
from model.tuning.optimise import NoFeasibleTarget
from model.tuning.tune import tune

SEED000 = "scenarios/seed000_threshold_48.toml"
T1, A1 = "schemes.1.components.0.target", "schemes.1.components.0.amount_yuan"
T2, A2 = "schemes.2.components.0.target", "schemes.2.components.0.amount_yuan"


@pytest.fixture(scope="module")
def short():
    return load_scenario(SEED000, ["meta.days=3", "tuning.replications=2"])


def test_pure_mechanics_never_pays_everyone_for_nothing(short, tmp_path):
    # seed 000: a 1,000-yuan threshold on inquiry conversion; at 30% (the team does 40%) everyone is paid, and
    # under pure mechanics nothing improves, so "no scheme" must win
    s = short.model_copy(update={"schemes": short.schemes[:2]})
    doc = tune(s, axes={T1: [0.30, 0.40, 0.48], A1: [1000.0]}, store_path=tmp_path / "s.duckdb", estimate=False)
    rec = doc["recommendation"]
    assert rec["keeps_baseline"] and rec["scheme"] == "仅底薪" and rec["target"] is None
    assert rec["expected_net_gain_yuan"] == 0.0
    assert "不建议" in rec["reason"]["zh"] and "Do not pay" in rec["reason"]["en"]
    assert "pure mechanics" in rec["reason"]["en"]
    at30 = next(p for p in doc["points"] if p["target"] == 0.30)
    assert at30["reach_share"] >= 0.9 and at30["net_gain_yuan"] < 0 and at30["p_net_loss"] == 1.0


def test_recommendation_follows_the_contract_and_the_constraints(short, tmp_path):
    axes = {T2: [0.44, 0.48, 0.52], A2: [500.0, 1000.0]}
    s = short.model_copy(update={"schemes": [short.schemes[0], short.schemes[2]]})
    s = s.model_copy(update={"tuning": s.tuning.model_copy(update={"max_payout_share": 0.5})})
    axes = {"schemes.1.components.0.target": axes[T2], "schemes.1.components.0.amount_yuan": axes[A2]}
    doc = tune(s, axes=axes, store_path=tmp_path / "s.duckdb", estimate=False)
    rec = doc["recommendation"]
    assert set(rec) >= {"scheme", "kpi", "target", "amount_yuan", "expected_net_gain_yuan", "reason"}
    assert set(rec["reason"]) == {"zh", "en"} and rec["kpi"] == "inquiry_conversion"
    feasible = [p for p in doc["points"] if p["feasible"]]
    best = max(feasible, key=lambda p: p["net_gain_yuan"])
    assert (rec["target"], rec["amount_yuan"]) == (best["target"], best["amount_yuan"])
    assert rec["expected_net_gain_yuan"] == pytest.approx(best["net_gain_yuan"]) and rec["expected_net_gain_yuan"] > 0
    for p in feasible:  # every constraint holds at the feasible points
        assert p["reach_share"] >= s.tuning.min_reach_share and p["payout_share"] <= 0.5
    # the frontier: no frontier point is dominated by another point of the scheme
    front = doc["frontier"]["net_gain_vs_payout"]
    assert front
    for f in front:
        assert not any(p["net_gain_yuan"] > f["net_gain_yuan"] + 1e-6 and p["payout_yuan"] < f["payout_yuan"] - 1e-6
                       for p in doc["points"] if p["scheme"] == doc["frontier"]["scheme"])
    # a better point exists only beyond a constraint, and that constraint is named
    better = [p for p in doc["points"] if p["net_gain_yuan"] > rec["expected_net_gain_yuan"] + 1e-6]
    if better:
        assert doc["binding_constraint"]["name"] in max(better, key=lambda p: p["net_gain_yuan"])["fails"]


def test_constraints_no_point_meets_name_the_binding_one(short, tmp_path):
    s = short.model_copy(update={"schemes": [short.schemes[0], short.schemes[2]],
                                 "tuning": short.tuning.model_copy(update={"min_reach_share": 0.99,
                                                                          "max_payout_share": 1.0})})
    with pytest.raises(NoFeasibleTarget) as e:
        tune(s, axes={"schemes.1.components.0.target": [0.46, 0.50]}, store_path=tmp_path / "s.duckdb",
             estimate=False)
    assert e.value.binding["name"] == "min_reach_share" and "min_reach_share" in str(e.value)


def test_cli_tune_json_and_exit_codes(tmp_path, capsys):
    out = tmp_path / "tune.json"
    store = tmp_path / "sweeps.duckdb"
    common = [SEED000, "--set", "meta.days=3", "--reps", "2", "--store", str(store)]
    args = [*common, "--json", str(out), "--grid", f"{T2}=0.46,0.5", "--max-payout-share", "0.5",
            "--export", str(tmp_path / "rows.csv")]
    assert main(["tune", *args]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc) >= {"recommendation", "frontier", "binding_constraint", "points", "sweep"}
    assert (tmp_path / "rows.csv").exists()
    text = capsys.readouterr().out
    assert "Recommended" in text or "Do not pay" in text
    # rerun: the finished sweep is reopened, nothing recomputed
    assert main(["tune", *args]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["sweep"]["computed"] == 0
    assert main(["tune", "--list", "--store", str(store)]) == 0
    assert doc["sweep"]["id"] in capsys.readouterr().out
    assert main(["tune", "--reopen", doc["sweep"]["id"], "--store", str(store)]) == 0
    assert doc["sweep"]["id"] in capsys.readouterr().out
    assert main(["tune", "--reopen", "nosuchsweep", "--store", str(store)]) == 2
    assert "no sweep 'nosuchsweep'" in capsys.readouterr().err
    # bad input: an unknown key, an impossible constraint, a bad constraint value
    assert main(["tune", *common, "--grid", "agents.cuont=3,4"]) == 2
    assert "agents.cuont" in capsys.readouterr().err
    assert main(["tune", *common, "--grid", f"{T2}=0.46,0.5", "--min-reach", "0.99"]) == 2
    assert "min_reach_share" in capsys.readouterr().err
    assert main(["tune", *common, "--min-reach", "1.5"]) == 2
    assert "tuning.min_reach_share" in capsys.readouterr().err


def test_a_stored_sweep_reopens_under_other_constraints(short, tmp_path):
    from model.tuning.tune import reopen

    s = short.model_copy(update={"schemes": [short.schemes[0], short.schemes[2]],
                                 "tuning": short.tuning.model_copy(update={"max_payout_share": 0.5})})
    store = tmp_path / "s.duckdb"
    axes = {"schemes.1.components.0.target": [0.44, 0.48, 0.52]}
    doc = tune(s, axes=axes, store_path=store, estimate=False)
    back = reopen(store, doc["sweep"]["id"])
    assert back["recommendation"] == doc["recommendation"] and back["sweep"]["status"] == "done"
    assert back["scenario"]["replications"] == 2
    strict = reopen(store, doc["sweep"]["id"], tuning=s.tuning.model_copy(update={"min_reach_share": 0.0,
                                                                               "max_payout_share": 0.5}))
    assert strict["recommendation"]["expected_net_gain_yuan"] >= doc["recommendation"]["expected_net_gain_yuan"]
