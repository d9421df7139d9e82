"""The data flows one way: the scenario schema configures every stage but imports none of the later ones."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def _modules_after(stmt: str) -> set[str]:
    code = f"import json, sys\n{stmt}\nprint(json.dumps(sorted(m for m in sys.modules if m.startswith('model'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_schema_imports_the_scheme_language_only():
    mods = _modules_after("import model.schema")
    assert "model.schemes.spec" in mods
    assert not mods & {"model.economics", "model.schemes.pricing", "model.compare", "model.pipeline"}, mods


def test_loading_a_scenario_imports_nothing_of_pricing_or_economics():
    mods = _modules_after("from model.scenario import Scenario, ScenarioError, load_scenario\n"
                          "load_scenario('scenarios/taobao_10_agents.toml', ['agents.count=12'])")
    assert not mods & {"model.economics", "model.schemes.pricing"}, mods
