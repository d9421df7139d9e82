"""Execute every notebook in notebooks/ (DESIGN.md testing layer 7) and check what they claim.

Notebooks run with nbclient in a ``python3`` kernel started from this interpreter (jupyter_client replaces a
kernelspec's bare ``python`` with ``sys.executable``; a test checks that the kernel really is this venv's
Python), with the repository root as working directory so relative scenario paths work.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIMEOUT_S = 300


def _ensure_kernelspec() -> None:
    """Install this interpreter's ``python3`` kernelspec into its prefix when none is visible."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:  # pragma: no cover - only on a machine without ipykernel's spec
        from ipykernel.kernelspec import install

        install(prefix=sys.prefix)


_EXECUTED: dict[Path, nbformat.NotebookNode] = {}


def executed(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` after one execution (shared by the tests of this module)."""
    if path not in _EXECUTED:
        _EXECUTED[path] = execute(nbformat.read(path, as_version=4))
    return _EXECUTED[path]


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Run a notebook in place from the repository root; raises CellExecutionError on a failing cell."""
    _ensure_kernelspec()
    client = NotebookClient(nb, kernel_name="python3", timeout=TIMEOUT_S,
                            resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    return nb


def _outputs(nb: nbformat.NotebookNode, tag: str) -> list[dict]:
    cells = [c for c in nb.cells if c.cell_type == "code" and tag in c.get("metadata", {}).get("tags", [])]
    assert cells, f"no code cell tagged {tag!r}"
    return [o for c in cells for o in c.outputs]


def test_notebooks_exist() -> None:
    assert NOTEBOOKS, "notebooks/ holds no notebook"


def test_kernel_is_this_venv_python() -> None:
    """The kernel the notebooks run in is the interpreter running the tests (the project venv)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys, os; print(sys.prefix); print(os.getcwd())")]
    execute(nb)
    prefix, cwd = nb.cells[0].outputs[0]["text"].split()
    assert Path(prefix).resolve() == Path(sys.prefix).resolve()
    assert Path(cwd).resolve() == ROOT


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_without_errors(path: Path) -> None:
    try:
        nb = executed(path)
    except CellExecutionError as e:  # pragma: no cover - the failure message is the point
        pytest.fail(f"{path.name}: a cell raised\n{e}")
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"


@pytest.fixture(scope="module")
def erlang_notebook() -> nbformat.NotebookNode:
    return executed(ROOT / "notebooks" / "01_engine_vs_erlang.ipynb")


def test_engine_matches_erlang_in_notebook(erlang_notebook: nbformat.NotebookNode) -> None:
    """The notebook's simulated-vs-analytic table: every analytic value inside the simulated 95% interval
    (fixed seed, so this is deterministic), several loads, with and without patience."""
    data = [o["data"]["application/json"] for o in _outputs(erlang_notebook, "validation")
            if "application/json" in o.get("data", {})]
    assert data, "the cell tagged 'validation' printed no JSON table"
    rows = data[0]["validation"]
    models = {r["model"] for r in rows}
    assert models == {"Erlang A (M/M/5+M)", "Erlang C (M/M/5)"}
    assert len({r["load_erlang"] for r in rows}) >= 3
    for r in rows:
        assert r["sim_lo"] <= r["sim_mean"] <= r["sim_hi"], r
        inside = r["sim_lo"] - 1e-12 <= r["analytic"] <= r["sim_hi"] + 1e-12
        assert inside, (f"{r['model']} a={r['load_erlang']} {r['quantity']}: analytic {r['analytic']:.5g} "
                        f"outside [{r['sim_lo']:.5g}, {r['sim_hi']:.5g}]")
        assert r["within_interval"], r
    # the intervals are informative, not vacuous: relative half-width of the queue wait below 15%
    for r in rows:
        if r["quantity"] == "mean_queue_wait_s":
            assert (r["sim_hi"] - r["sim_lo"]) / 2 < 0.15 * r["analytic"], r


def test_intraday_chart_is_drawn(erlang_notebook: nbformat.NotebookNode) -> None:
    """Part 2 renders an altair (Vega-Lite) chart (as a Vega-Lite bundle or as embedded HTML)."""
    data = [o.get("data", {}) for c in erlang_notebook.cells if c.cell_type == "code" for o in c.outputs]
    vega = [d for d in data if any(m.startswith("application/vnd.vegalite") for m in d)
            or "vegaEmbed" in str(d.get("text/html", ""))]
    assert vega, "no altair chart in the notebook's outputs"
    assert "intraday" in str(vega[0])
