"""Start-up: a command imports what it uses (issue 17). Asserts which modules load, never how long it takes.

``python -m model --help`` loads no schema, numpy, pandas or SciPy; a plain ``run`` of a 1-day scenario loads
pandas (its records and KPI tables are pandas frames) but neither SciPy nor the libraries of other commands
(DuckDB for tuning, python-pptx for the deck, Dask, Streamlit, Altair, openpyxl for XLSX history).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

#: Never on the path of ``run``: libraries of other commands (or, for SciPy, replaced on this path).
NOT_FOR_RUN = ("scipy", "duckdb", "pptx", "dask", "distributed", "streamlit", "altair", "openpyxl", "tqdm")
#: Also not on the path of ``--help``.
NOT_FOR_HELP = NOT_FOR_RUN + ("pandas", "numpy", "pydantic", "simpy", "model.schema", "model.document")


def _imported(args: list[str]) -> tuple[set[str], subprocess.CompletedProcess]:
    """Run ``python -X importtime -m model ARGS`` and return the modules it imported (and the process)."""
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "model", *args], capture_output=True, text=True,
                       cwd=ROOT, timeout=300)
    mods = set()
    for line in p.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":  # the header line
                mods.add(name)
    return mods, p


def _loaded(mods: set[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(m for m in mods if any(m == r or m.startswith(r + ".") for r in roots))


def test_help_loads_no_schema_no_numpy_no_pandas():
    mods, p = _imported(["--help"])
    assert p.returncode == 0, p.stderr[-2000:]
    assert "usage: python -m model" in p.stdout
    assert "model.cli" in mods  # the parse did go through importtime
    assert not _loaded(mods, NOT_FOR_HELP), _loaded(mods, NOT_FOR_HELP)


@pytest.mark.parametrize("scenario, sets", [
    ("scenarios/taobao_10_agents.toml", ["meta.days=1", "behaviour.model=none"]),  # schemes compared too
    ("scenarios/validation/erlang.toml", ["meta.days=1"]),
])
def test_a_one_day_run_loads_no_scipy_and_no_other_commands_libraries(tmp_path, scenario, sets):
    out = tmp_path / "run.json"
    args = ["run", scenario, "--reps", "1", "--quiet", "--json", str(out)]
    for s in sets:
        args += ["--set", s]
    mods, p = _imported(args)
    assert p.returncode == 0, p.stderr[-2000:]
    assert out.exists()
    assert {"model.chatcentre", "simpy", "pandas"} <= mods  # it simulated (pandas: the records are frames)
    assert not _loaded(mods, NOT_FOR_RUN), _loaded(mods, NOT_FOR_RUN)


def test_the_quantile_table_is_scipys():
    stats = pytest.importorskip("scipy.stats")
    from model.quantiles import NORM_TABLE, T_TABLE, norm_quantile, t_quantile

    for p, row in T_TABLE.items():
        assert row == tuple(float(stats.t.ppf(p, df)) for df in range(1, len(row) + 1)), p
    for p, v in NORM_TABLE.items():
        assert v == float(stats.norm.ppf(p))
    # outside the table: SciPy itself
    assert t_quantile(0.975, 500) == float(stats.t.ppf(0.975, 500))
    assert t_quantile(0.99, 4) == float(stats.t.ppf(0.99, 4))
    assert norm_quantile(0.8) == float(stats.norm.ppf(0.8))


def test_the_lazy_package_keeps_its_api():
    code = ("import model.simulate, model.document\nfrom model import simulate, evaluate, load_scenario, SimResult\n"
            "import inspect\nprint(inspect.isfunction(simulate), inspect.isfunction(evaluate), "
            "inspect.isfunction(load_scenario), inspect.isclass(SimResult))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["True"] * 4, out.stdout + out.stderr
