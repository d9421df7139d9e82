"""The layering of docs/architecture.md, checked on the real import graph (static: every import statement of
every module, at the top or inside a function, counts).

Rules: a module imports only modules of its own layer or the layers below; there is no cycle; model/ never
imports ui/ or streamlit; every name is imported from the module that defines it (one import path per public
name; only the package face ``model`` re-exports the documented API). The contract is :data:`LAYERS`; extend it
(and docs/architecture.md) when you add a layer or a module.
"""

from __future__ import annotations

import ast
import shutil
from fnmatch import fnmatch
from pathlib import Path

import pytest
from conftest import ROOT

#: Bottom up. A module belongs to the first layer with a matching pattern.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("model.clock", "model.errors", "model.text", "model.rng", "model.arithmetic", "model.queueing",
              "model.quantiles", "model.strict_values", "model.limits")),
    ("codes", ("model.kpicodes", "model.platform_rules")),
    ("language", ("model.language", "model.language.*", "model.schema", "model.scenario", "model.edits",
                  "model.naming", "model.schemes", "model.schemes.spec", "model.schemes.assumption",
                  "model.schemes.targets", "model.schemes.describe")),
    ("effects", ("model.effects",)),
    ("engine", ("model.shocks", "model.traffic", "model.chatcentre", "model.botfront", "model.draws", "model.outcomes", "model.records", "model.team",
                "model.kpi", "model.result", "model.simulate", "model.retime", "model.checks")),
    ("pricing", ("model.schemes.pricing", "model.economics", "model.priced")),
    ("behaviour", ("model.behaviour", "model.behaviour.*")),
    ("pipeline", ("model.pipeline", "model.months")),
    ("documents", ("model.document", "model.quick")),
    ("tuning, history, planning", ("model.tuning", "model.tuning.*", "model.history", "model.history.*",
                                   "model.plan", "model.plan.*")),
    ("presentation", ("model.present", "model.present.*")),
    ("portfolio", ("model.portfolio", "model.portfolio.*")),
    ("entry points", ("model", "model.cli", "model.__main__")),
    ("app", ("ui", "ui.*", "app")),
]

#: The package face re-exports the documented Python API (DESIGN.md: ``from model import load_scenario, ...``).
FACE_NAMES = {"model": {"Scenario", "ScenarioError", "SimResult", "evaluate", "load_scenario", "simulate"}}


def module_files(root: Path) -> dict[str, Path]:
    out = {}
    for p in [*root.glob("model/**/*.py"), *root.glob("ui/**/*.py"), root / "app.py"]:
        if not p.exists():
            continue
        name = ".".join(p.relative_to(root).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = p
    return out


def layer_of(module: str) -> int:
    for i, (_, pats) in enumerate(LAYERS):
        if any(fnmatch(module, p) for p in pats):
            return i
    raise LookupError(module)


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom, mods: dict[str, Path]) -> list[str]:
    """The project modules an import statement loads (a name imported from a package may be a submodule)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level:
            pkg = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            pkg = pkg[: len(pkg) - node.level + 1]
            base = ".".join(pkg + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
    out = []
    for n in names:
        while n and n not in mods and "." in n:
            n = n.rsplit(".", 1)[0]
        if n in mods and n != module:
            out.append(n)
    return out


def import_graph(root: Path) -> dict[str, dict[str, int]]:
    """module -> {imported project module: line of the first import}."""
    mods = module_files(root)
    graph: dict[str, dict[str, int]] = {}
    for m, p in mods.items():
        edges: dict[str, int] = {}
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for t in _targets(m, p, node, mods):
                    edges.setdefault(t, node.lineno)
        graph[m] = edges
    return graph


def layering_problems(root: Path) -> list[str]:
    graph = import_graph(root)
    problems = []
    for m, edges in sorted(graph.items()):
        try:
            lm = layer_of(m)
        except LookupError:
            problems.append(f"{m}: in no layer (add it to LAYERS and docs/architecture.md)")
            continue
        for t, line in sorted(edges.items()):
            try:
                lt = layer_of(t)
            except LookupError:
                continue  # reported as a module in no layer
            if lt > lm:
                problems.append(f"{m}:{line} imports {t}: layer '{LAYERS[lt][0]}' is above '{LAYERS[lm][0]}'")
    # cycles (Tarjan's strongly connected components)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                problems.append("import cycle: " + " <-> ".join(sorted(comp)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return problems


def test_no_import_against_the_layering_and_no_cycle():
    assert layering_problems(ROOT) == []


def test_the_library_never_imports_the_app_or_streamlit():
    bad = []
    for m, p in module_files(ROOT).items():
        if not m.startswith("model"):
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                bad += [f"{m}:{node.lineno} {n}" for n in names if n.split(".")[0] in ("ui", "streamlit", "app")]
    assert bad == []


def _definitions(p: Path) -> tuple[set[str], set[str]]:
    """(names a module defines at top level, names it imports at top level)."""
    defined, imported = set(), set()
    for node in ast.parse(p.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined |= {n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            imported |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return defined, imported


def test_every_name_is_imported_from_its_one_home():
    mods = module_files(ROOT)
    defs = {m: _definitions(p) for m, p in mods.items()}
    files = [*mods.values(), *ROOT.glob("tests/*.py"), *ROOT.glob("bench/*.py")]
    bad = []
    for p in files:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in mods):
                continue
            defined, imported = defs[node.module]
            for a in node.names:
                if f"{node.module}.{a.name}" in mods or a.name in defined:
                    continue
                if a.name in FACE_NAMES.get(node.module, ()):
                    continue
                bad.append(f"{p.relative_to(ROOT)}:{node.lineno} imports {a.name} from {node.module}, "
                           f"which {'re-exports' if a.name in imported else 'does not define'} it")
    assert bad == []


def test_the_layers_are_written_down_in_docs_architecture():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for name, pats in LAYERS:
        assert name in text, name
        for pat in pats:
            assert f"`{pat}`" in text or f"`{pat.split('.')[-1]}`" in text, pat


# ------------------------------------------------------------------------------------------- it would fail
#: The imports against the layering that issue 13 found (and one import of the app from the library): each,
#: added to a copy of today's tree, must be reported.
BROKEN = [
    ("model/schema.py", "from model.tuning.sweep import SweepSpec"),
    ("model/kpi.py", "from model.pipeline import compare_schemes"),
    ("model/errors.py", "from model.schemes.spec import COMPONENT_TYPES"),
    ("model/behaviour/api.py", "from model.document import evaluate"),
    ("model/schemes/targets.py", "from model.behaviour.curve import target_curve"),
    ("model/cli.py", "from ui.state import current_lang"),
]


@pytest.mark.parametrize(("file", "line"), BROKEN)
def test_a_broken_copy_is_caught(tmp_path, file, line):
    for d in ("model", "ui"):
        shutil.copytree(ROOT / d, tmp_path / d, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "app.py", tmp_path / "app.py")
    assert layering_problems(tmp_path) == []
    target = tmp_path / file
    target.write_text(target.read_text(encoding="utf-8") + f"\n\ndef _late():\n    {line}\n", encoding="utf-8")
    problems = layering_problems(tmp_path)
    assert problems, f"{file}: {line} was not reported"


def test_a_cycle_inside_one_layer_is_caught(tmp_path):
    for d in ("model", "ui"):
        shutil.copytree(ROOT / d, tmp_path / d, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "app.py", tmp_path / "app.py")
    solver = tmp_path / "model" / "behaviour" / "solver.py"  # curve imports solver; solver importing curve closes it
    solver.write_text(solver.read_text(encoding="utf-8") + "\n\ndef _late():\n    from model.behaviour.curve import target_curve\n",
                      encoding="utf-8")
    assert any("cycle" in p and "model.behaviour.curve" in p for p in layering_problems(tmp_path))


# -------------------------------------------------------------------------------- what loading pulls in
def _modules_after(stmt: str) -> set[str]:
    import json
    import subprocess
    import sys

    code = f"import json, sys\n{stmt}\nprint(json.dumps(sorted(m for m in sys.modules if m.startswith('model'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_loading_a_scenario_imports_nothing_of_pricing_or_economics():
    mods = _modules_after("from model.scenario import load_scenario\n"
                          "load_scenario('scenarios/taobao_10_agents.toml', ['agents.count=12'])")
    assert not mods & {"model.economics", "model.schemes.pricing", "model.pipeline", "model.tuning.sweep"}, mods


def test_importing_one_module_loads_only_its_layers():
    mods = _modules_after("import model.kpicodes")
    assert mods == {"model", "model.kpicodes"}, mods


def test_the_kpi_formulas_need_only_the_kpi_table_of_the_language():
    mods = _modules_after("import model.kpi")
    assert "model.schema" not in mods and "model.language.kpi_options" in mods, mods


def test_a_name_imported_from_a_module_that_only_re_exports_it_is_caught(tmp_path, monkeypatch):
    import test_architecture as me

    for d in ("model", "ui"):
        shutil.copytree(ROOT / d, tmp_path / d, ignore=shutil.ignore_patterns("__pycache__"))
    api = tmp_path / "model" / "behaviour" / "api.py"  # Effects lives in model/effects.py; outcomes imports it
    api.write_text(api.read_text(encoding="utf-8") + "\n\ndef _late():\n    from model.outcomes import Effects\n",
                   encoding="utf-8")
    monkeypatch.setattr(me, "ROOT", tmp_path)
    with pytest.raises(AssertionError, match="imports Effects from model.outcomes, which re-exports it"):
        me.test_every_name_is_imported_from_its_one_home()
