"""Faults lose nothing (issue 21): the DuckDB sweep store when it is damaged, of another kind or held by another
process (a clear message, the file never overwritten, CLI exit 2), and a sweep killed with SIGKILL part-way
that resumes to the same rows as an uninterrupted one. Sweeps here are tiny (1 day, 1 replication, 3 points)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from model.cli import main
from model.errors import ScenarioError
from model.scenario import load_scenario
from model.tuning.spec import grid
from model.tuning.store import SweepStore
from model.tuning.sweep import run_sweep

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "scenarios/seed000_threshold_48.toml"
TINY = ["meta.days=1", "meta.replications=1", "traffic.inquiries_per_day=60"]
TARGET = "schemes.1.components.0.target"
POINTS = [0.38, 0.42, 0.46]


def _cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


def _store_file(tmp_path: Path) -> Path:
    p = tmp_path / "good.duckdb"
    SweepStore(p).close()
    return p


def test_a_truncated_store_is_refused_and_left_as_it_is(tmp_path):
    good = _store_file(tmp_path)
    for frac in (0.02, 0.4, 0.9):
        bad = tmp_path / f"trunc_{frac}.duckdb"
        shutil.copy(good, bad)
        with bad.open("r+b") as f:
            f.truncate(int(good.stat().st_size * frac))
        before = bad.read_bytes()
        with pytest.raises(ScenarioError) as e:
            SweepStore(bad)
        assert str(bad) in str(e.value) and e.value.key == "--store"
        assert bad.read_bytes() == before
    code, err = _cli(["tune", "--list", "--store", str(bad)])
    assert code == 2 and str(bad) in err and "Traceback" not in err


@pytest.mark.parametrize("kind", ["other_tables", "other_columns", "text"])
def test_a_file_of_another_kind_is_refused_and_left_as_it_is(tmp_path, kind):
    p = tmp_path / "other.duckdb"
    if kind == "text":
        p.write_text("not a database", encoding="utf-8")
    else:
        con = duckdb.connect(str(p))
        con.execute("CREATE TABLE results (a INTEGER, b VARCHAR)" if kind == "other_columns"
                    else "CREATE TABLE orders (id INTEGER)")
        con.close()
    before = p.read_bytes()
    with pytest.raises(ScenarioError) as e:
        SweepStore(p)
    assert str(p) in str(e.value)
    assert p.read_bytes() == before
    code, err = _cli(["tune", SCENARIO, *sum((["--set", s] for s in TINY), []), "--grid", f"{TARGET}=0.4",
                      "--store", str(p)])
    assert code == 2 and str(p) in err and "Traceback" not in err
    assert p.read_bytes() == before


def test_a_store_held_by_another_process_is_refused_naming_the_file(tmp_path):
    p = _store_file(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from model.tuning.store import SweepStore
            st = SweepStore({str(p)!r})
            print("ready", flush=True)
            sys.stdin.read()
        """)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(ScenarioError) as e:
            SweepStore(p)
        assert str(p) in str(e.value) and "another process" in str(e.value)
        code, err = _cli(["tune", "--list", "--store", str(p)])
        assert code == 2 and str(p) in err
    finally:
        holder.communicate("", timeout=60)
    SweepStore(p).close()  # usable again once the other process is gone


_KILLED_SWEEP = """
import os, signal, sys
from model.scenario import load_scenario
from model.tuning.spec import grid
from model.tuning.store import SweepStore
from model.tuning.sweep import run_sweep

s = load_scenario({scenario!r}, {tiny!r})
spec = grid({{{target!r}: {points!r}}})

def progress(done, total):
    if done >= 2:
        os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no close: as a killed machine or OOM killer would

with SweepStore(sys.argv[1]) as st:
    run_sweep(s, spec, st, progress=progress, estimate=False)
"""


def test_a_sweep_killed_with_sigkill_resumes_to_the_same_rows(tmp_path):
    killed = tmp_path / "killed.duckdb"
    script = _KILLED_SWEEP.format(scenario=SCENARIO, tiny=TINY, target=TARGET, points=POINTS)
    r = subprocess.run([sys.executable, "-c", script, str(killed)], cwd=ROOT, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert r.returncode == -signal.SIGKILL, r.stderr[-2000:]
    s = load_scenario(SCENARIO, TINY)
    spec = grid({TARGET: POINTS})
    with SweepStore(killed) as st:
        assert st.sweeps()["points_done"].tolist() == [2]
        resumed = run_sweep(s, spec, st, estimate=False)
        assert resumed.computed == 1  # the two points finished before the kill are kept
        rows_resumed = st.rows(resumed.sweep_id)
    with SweepStore(tmp_path / "clean.duckdb") as st:
        clean = run_sweep(s, spec, st, estimate=False)
        rows_clean = st.rows(clean.sweep_id)
    key = ["point_hash", "rep", "scheme"]
    a = rows_resumed.sort_values(key).reset_index(drop=True)
    b = rows_clean.sort_values(key).reset_index(drop=True)
    cols = [c for c in b.columns if c in a.columns and c not in ("created", "updated")]
    assert len(a) == len(b) == len(POINTS) * len(s.schemes)
    assert a[cols].equals(b[cols])
