"""Sweeps: spec checks, persistence in DuckDB, resume after an interruption, export, common random numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from model.errors import ScenarioError
from model.scenario import load_scenario
from model.tuning.spec import check_keys, default_grid, grid, parse_grid_args
from model.tuning.store import SweepStore
from model.tuning.sweep import run_sweep, summarise_points

TARGET = "schemes.1.components.0.target"
AMOUNT = "schemes.1.components.0.amount_yuan"


@pytest.fixture(scope="module")
def shop():
    return load_scenario("scenarios/seed000_threshold_48.toml", ["meta.days=3", "meta.replications=2"])


def test_unknown_key_is_refused_with_the_key_named(shop):
    with pytest.raises(ScenarioError) as e:
        check_keys(shop, ["agents.cuont"])
    assert "agents.cuont" in str(e.value) and "count" in str(e.value)
    with pytest.raises(ScenarioError, match="schemes.9.components.0.target"):
        check_keys(shop, ["schemes.9.components.0.target"])
    check_keys(shop, [TARGET, AMOUNT, "agents.count", "agents.max_concurrent_chats"])


def test_empty_grid_and_empty_values_are_refused():
    with pytest.raises(ScenarioError, match="empty"):
        grid({})
    with pytest.raises(ScenarioError, match="no values"):
        parse_grid_args([f"{TARGET}="])
    assert parse_grid_args([f"{TARGET}=0.4,0.45", "agents.count=9,10"]) == {TARGET: [0.4, 0.45],
                                                                           "agents.count": [9, 10]}


def test_a_bad_value_names_the_point(shop, tmp_path):
    with SweepStore(tmp_path / "s.duckdb") as st, pytest.raises(ScenarioError) as e:
        run_sweep(shop, grid({TARGET: [0.45, 1.7]}), st, estimate=False)
    assert "sweep point 1" in str(e.value) and TARGET in str(e.value)


def test_a_sweep_of_days_is_refused_with_the_estimate(tmp_path):
    s = load_scenario("scenarios/taobao_10_agents.toml")
    spec = grid({"agents.count": list(range(10, 60)), "agents.max_concurrent_chats": list(range(1, 11)),
                 "outcomes.base_aov_yuan": [90.0 + i for i in range(200)]})
    with SweepStore(tmp_path / "s.duckdb") as st, pytest.raises(ScenarioError) as e:
        run_sweep(s, spec, st)
    msg = str(e.value)
    assert "days" in msg and "100,000 points" in msg and "--scheduler" in msg and "smaller grid" in msg


def test_interrupted_sweep_resumes_without_recomputing(shop, tmp_path):
    spec = grid({TARGET: [0.38, 0.42, 0.46], AMOUNT: [500.0, 1000.0]})
    path = tmp_path / "sweeps.duckdb"
    k = 2

    def stop_after_k(done: int, total: int) -> None:
        if done >= k:
            raise KeyboardInterrupt

    with SweepStore(path) as st:
        with pytest.raises(KeyboardInterrupt):
            run_sweep(shop, spec, st, progress=stop_after_k, estimate=False)
        listed = st.sweeps()
        assert listed["status"].tolist() == ["interrupted"] and listed["points_done"].tolist() == [k]
    seen = []
    with SweepStore(path) as st:  # a new process would reopen the file the same way
        run = run_sweep(shop, spec, st, progress=lambda d, t: seen.append(d), estimate=False)
        assert run.computed == len(spec.points) - k
        assert seen[0] == k and seen[-1] == len(spec.points)
        again = run_sweep(shop, spec, st, estimate=False)
        assert again.computed == 0 and again.sweep_id == run.sweep_id
        rows = st.rows(run.sweep_id)
        # one row per point x replication x scheme
        assert len(rows) == len(spec.points) * 2 * len(shop.schemes)
        assert st.sweeps()["status"].tolist() == ["done"]


def test_rows_share_random_numbers_and_export(shop, tmp_path):
    spec = grid({TARGET: [0.30, 0.50]})
    with SweepStore(tmp_path / "s.duckdb") as st:
        run = run_sweep(shop, spec, st, estimate=False)
        rows = st.rows(run.sweep_id)
        pq = st.export(run.sweep_id, tmp_path / "out" / "sweep.parquet")
        csv = st.export(run.sweep_id, tmp_path / "sweep.csv")
        with pytest.raises(ScenarioError, match="parquet or .csv"):
            st.export(run.sweep_id, tmp_path / "sweep.txt")
    # common random numbers: the same replication earns the same revenue at every point under pure mechanics
    base = rows[rows["scheme"] == "仅底薪"].pivot(index="rep", columns="point_id", values="revenue_yuan")
    assert (base[0] == base[1]).all()
    s = summarise_points(rows)
    easy, hard = (s[(s["scheme"] == "达标奖 48%") & (s["target"] == t)].iloc[0] for t in (0.30, 0.50))
    assert easy["reach_share"] > hard["reach_share"] and easy["payout_yuan"] > hard["payout_yuan"]
    assert easy["net_gain_yuan"] < 0 and easy["p_net_loss"] == 1.0  # pays without uplift (pure mechanics)
    back = pd.read_parquet(pq)
    assert len(back) == len(rows) and f"key:{TARGET}" in back.columns
    assert len(pd.read_csv(csv)) == len(rows)


def test_default_grid_is_around_the_shops_level(shop):
    spec = default_grid(shop, {})
    tk = "schemes.1.components.0.target"
    assert 0.30 in spec.axes[tk] and 0.50 in spec.axes[tk] and 0.45 in spec.axes[tk]
    assert 8 <= len(spec.axes[tk]) <= 10 and 3 <= len(spec.axes["schemes.1.components.0.amount_yuan"]) <= 5
    assert set(spec.focus) == {"达标奖 48%", "达标奖 48% + 假设 +20%/+20%"}  # the baseline is not tuned
