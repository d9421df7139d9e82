"""Tuning honesty (issue 20 item 6): a recommendation at the grid's edge is flagged, each distinct scheme is swept
once and named by its swept numbers, refusals name what the best point fails, old stores still reopen."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from model.language.tuning import Tuning
from model.present.tables import tune_edge_text, tune_table
from model.scenario import load_scenario
from model.tuning.optimise import NoFeasibleTarget, recommend
from model.tuning.spec import default_grid, grid
from model.tuning.store import SweepStore
from model.tuning.sweep import run_sweep
from model.tuning.tune import reopen, tune

SHOP = "scenarios/taobao_10_agents.toml"
TK, AK = "schemes.1.components.0.target", "schemes.1.components.0.amount_yuan"


def _summary(rows: list[dict]) -> pd.DataFrame:
    base = {"focus": "S", "scheme": "S", "is_baseline": False, "kpi": "inquiry_conversion", "net_gain_lo": None,
            "net_gain_hi": None, "gross_profit_uplift_yuan": 1.0, "p_net_loss": 0.0, "three_min_reply_rate": 0.9,
            "good_rating_rate": float("nan"), "bad_attitude_share": float("nan"), "inquiry_conversion": 0.4}
    out = []
    for i, r in enumerate(rows):
        out.append({**base, "point_id": i, f"key:{TK}": r["target"], f"key:{AK}": r["amount_yuan"], **r})
    return pd.DataFrame(out)


def _rec(summary: pd.DataFrame, **limits) -> dict:
    tun = Tuning.model_validate({"min_reach_share": 0.3, "max_payout_share": 0.1, "max_p_net_loss": 1.0, **limits})
    return recommend(summary, tun, platform="taobao", days=30, mechanics_only=False, baseline_scheme="B")


def test_a_recommendation_at_the_top_of_the_amount_grid_is_flagged():
    rows = [{"target": t, "amount_yuan": a, "net_gain_yuan": 100 * a + t, "payout_yuan": 0.05 * a,
             "payout_share": 0.05, "reach_share": 0.5} for t in (0.44, 0.47, 0.50) for a in (500.0, 1000.0, 2000.0)]
    doc = _rec(_summary(rows))
    rec = doc["recommendation"]
    assert rec["amount_yuan"] == 2000.0 and rec["target"] == 0.50
    edges = {(e["dimension"], e["side"]) for e in rec["at_grid_edge"]}
    assert edges == {("amount_yuan", "high"), ("target", "high")}
    assert "edge of the swept grid" in rec["reason"]["en"] and "网格的边缘" in rec["reason"]["zh"]
    assert "2,000 yuan is the highest swept" in rec["reason"]["en"]
    assert "2,000" in tune_edge_text(rec, "en") and "最高值" in tune_edge_text(rec, "zh")
    # inside the grid: no flag, no sentence
    inner = [dict(r, net_gain_yuan=-abs(r["amount_yuan"] - 1000) - abs(r["target"] - 0.47) + 1e4) for r in rows]
    rec = _rec(_summary(inner))["recommendation"]
    assert (rec["target"], rec["amount_yuan"]) == (0.47, 1000.0)
    assert rec["at_grid_edge"] == [] and "edge" not in rec["reason"]["en"] and tune_edge_text(rec, "en") is None


def test_the_refusal_names_the_constraint_the_best_point_fails_with_its_numbers():
    # the best point reaches 80% (passes min_reach 30%) but pays 50% of the profit (limit 10%); two others miss
    # the reach: counting "only this one fails" would blame the reach while the best point reaches 80%
    rows = [{"target": 0.44, "amount_yuan": 2000.0, "net_gain_yuan": 9000.0, "payout_yuan": 900.0,
             "payout_share": 0.5, "reach_share": 0.8},
            {"target": 0.50, "amount_yuan": 1000.0, "net_gain_yuan": 500.0, "payout_yuan": 10.0,
             "payout_share": 0.05, "reach_share": 0.2},
            {"target": 0.53, "amount_yuan": 1000.0, "net_gain_yuan": 400.0, "payout_yuan": 10.0,
             "payout_share": 0.05, "reach_share": 0.1}]
    with pytest.raises(NoFeasibleTarget) as e:
        _rec(_summary(rows))
    msg, b = str(e.value), e.value.binding
    assert b["name"] == "max_payout_share" and b["value"] == 0.5 and b["sense"] == "<="
    assert "tuning.max_payout_share" in msg and "is 50% where it must be <= 10%" in msg
    assert "80%" not in msg and "min_reach_share" not in msg
    assert "为 50%，要求 <= 10%" in msg
    # a value that rounds to its limit is shown precisely enough to fail it
    rows[0].update(payout_share=0.05, reach_share=0.2996)
    with pytest.raises(NoFeasibleTarget) as e:
        _rec(_summary(rows))
    assert e.value.binding["name"] == "min_reach_share" and "is 29.96% where it must be >= 30%" in str(e.value)


def test_identical_schemes_are_swept_once_and_named_by_their_swept_target():
    s = load_scenario(SHOP)
    spec = default_grid(s, {})
    # 达标奖 45% and 达标奖 48% differ only in the target the grid sweeps: 36 points, not 72, and a note
    assert len(spec.points) == 36 and set(spec.focus) == {"达标奖 45%"}
    assert spec.duplicates == [{"scheme": "达标奖 48%", "same_as": "达标奖 45%", "points": 36}]
    assert all(k.startswith("schemes.1.") for k in spec.axes)


def test_a_tune_reports_the_duplicates_and_labels_points_by_their_target(tmp_path):
    s = load_scenario(SHOP, ["meta.days=1", "tuning.replications=1", "behaviour.model=none"])
    axes = {TK: [0.44, 0.47], AK: [1000.0]}
    store = tmp_path / "s.duckdb"
    doc = tune(s, axes=axes, store_path=store, estimate=False)
    labels = {p["target"]: p["label"] for p in doc["points"] if p["scheme"] == "达标奖 45%"}
    assert labels == {0.44: "达标奖 44%", 0.47: "达标奖 47%"}
    assert {p["scheme"] for p in doc["points"]} == {"达标奖 45%", "达标奖 48%", "响应时间第一 800 元"}
    # a point where the swept scheme becomes the other one computes it once, with a note
    spec = grid({TK: [0.48]})
    with SweepStore(store) as st:
        run = run_sweep(s, spec, st, estimate=False)
        rows = st.rows(run.sweep_id)
    assert run.duplicates == [{"scheme": "达标奖 48%", "same_as": "达标奖 45%", "points": 1}]
    assert "达标奖 48%" not in set(rows["scheme"])
    back = reopen(store, run.sweep_id)
    assert back["duplicates"] == run.duplicates
    assert "'达标奖 48%' is the same scheme as '达标奖 45%'" in tune_table(back)


def test_a_store_written_before_the_duplicate_notes_still_reopens(tmp_path):
    s = load_scenario(SHOP, ["meta.days=1", "tuning.replications=1", "behaviour.model=none"])
    store = tmp_path / "old.duckdb"
    with SweepStore(store) as st:
        run = run_sweep(s, grid({TK: [0.48]}), st, estimate=False)
        spec = json.loads(st.con.execute("SELECT spec_json FROM sweeps").fetchone()[0])
        spec.pop("duplicates")  # how the earlier code stored it
        st.con.execute("UPDATE sweeps SET spec_json = ?", [json.dumps(spec)])
    doc = reopen(store, run.sweep_id)
    assert doc["duplicates"] == [] and doc["recommendation"]["reason"]["en"]
