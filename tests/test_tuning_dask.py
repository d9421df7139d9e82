"""Sweeps on a Dask cluster (LocalCluster on loopback): the same answer as local processes, a clear message for
an unreachable scheduler, and a dying scheduler keeps the finished points so the sweep resumes."""

from __future__ import annotations

import re

import pytest

from model.cli import main
from model.errors import ScenarioError
from model.scenario import load_scenario
from model.tuning.run import make_executor
from model.tuning.spec import grid
from model.tuning.store import SweepStore
from model.tuning.sweep import SweepInterrupted, run_sweep

distributed = pytest.importorskip("distributed")


@pytest.fixture(autouse=True)
def clean_main(monkeypatch):
    """Dask starts its workers with 'spawn', which re-runs ``__main__`` from its file; an AppTest that ran
    earlier in this process leaves its temporary script there, so give the workers a plain ``__main__``."""
    import sys
    import types

    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


@pytest.fixture()
def shop():
    return load_scenario("scenarios/seed000_threshold_48.toml", ["meta.days=2", "meta.replications=2"])


def _cluster():
    return distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                    dashboard_address=None)


def _values(store: SweepStore, sid: str):
    rows = store.rows(sid).sort_values(["point_id", "scheme", "rep"])
    return rows[["point_id", "scheme", "rep", "revenue_yuan", "net_gain_yuan", "reach_share"]].reset_index(drop=True)


def test_dask_gives_the_same_answer_as_local_processes(shop, tmp_path):
    spec = grid({"agents.count": [9, 11], "schemes.1.components.0.target": [0.40, 0.46]})
    with SweepStore(tmp_path / "local.duckdb") as st, make_executor(workers=2) as (ex, n):
        sid = run_sweep(shop, spec, st, executor=ex, workers=n, estimate=False).sweep_id
        local = _values(st, sid)
    one = grid({"agents.count": [12]})  # one point: its replications go to the workers instead
    with SweepStore(tmp_path / "local1.duckdb") as st:
        local_one = _values(st, run_sweep(shop, one, st, estimate=False).sweep_id)
    with _cluster() as cluster, SweepStore(tmp_path / "dask.duckdb") as st:
        with make_executor(scheduler=cluster.scheduler_address) as (ex, n):
            assert n == 2
            sid = run_sweep(shop, spec, st, executor=ex, workers=n, estimate=False).sweep_id
            sid_one = run_sweep(shop, one, st, executor=ex, workers=n, estimate=False).sweep_id
        on_dask = _values(st, sid)
        on_dask_one = _values(st, sid_one)
    assert len(local) == 4 * 2 * len(shop.schemes)
    assert local.equals(on_dask)
    assert local_one.equals(on_dask_one)


def test_unreachable_scheduler_is_bad_input(capsys):
    with pytest.raises(ScenarioError) as e, make_executor(scheduler="tcp://127.0.0.1:9", timeout_s=1):
        pass
    assert "tcp://127.0.0.1:9" in str(e.value) and "--scheduler" in str(e.value)
    rc = main(["tune", "scenarios/seed000_threshold_48.toml", "--set", "meta.days=2", "--scheduler",
               "tcp://127.0.0.1:9", "--scheduler-timeout", "1"])
    assert rc == 2 and "cannot reach the Dask scheduler" in capsys.readouterr().err


def test_a_dying_scheduler_keeps_finished_points_and_the_sweep_resumes(shop, tmp_path):
    spec = grid({"agents.count": [8, 9, 10, 11]})
    path = tmp_path / "s.duckdb"
    cluster = _cluster()

    def kill_after_two(done: int, total: int) -> None:
        if done == 2:
            cluster.close()

    with SweepStore(path) as st:
        with pytest.raises(SweepInterrupted) as e, make_executor(scheduler=cluster.scheduler_address,
                                                                  timeout_s=2) as (ex, n):
            run_sweep(shop, spec, st, executor=ex, workers=n, progress=kill_after_two, estimate=False)
        # a point already finished when the scheduler went may still arrive: 2 or 3 points are kept
        m = re.search(r"after (\d) of 4 points", str(e.value))
        assert m and "resume" in str(e.value) and int(m.group(1)) in (2, 3)
        kept = int(m.group(1))
        assert st.sweeps()["points_done"].tolist() == [kept]
        again = run_sweep(shop, spec, st, estimate=False)  # resumed locally
        assert again.computed == 4 - kept and st.sweeps()["status"].tolist() == ["done"]
