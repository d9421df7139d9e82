"""Layer 5 backtest: the whole run document of every shipped scenario, short runs, byte for byte.

A refactor must leave these files identical; a deliberate model change rewrites them and says why in the
commit message (and in the closing note of its issue)::

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_comparisons.py

The runs are short (2-3 days, 2 replications) so that the suite stays fast; the numbers are not presentable,
they only pin what the code computes. ``taobao_10_agents`` runs with agents responding (its default) and
``seed000_threshold_48`` once more with behaviour switched on, so the behaviour path is pinned too.
"""

from __future__ import annotations

import json
import os

import pytest
from conftest import ROOT

from model import evaluate, load_scenario

GOLDEN = ROOT / "tests" / "golden" / "comparisons"
CASES: dict[str, tuple[str, list[str]]] = {
    p.stem: (f"scenarios/{p.name}", [f"meta.days={1 if p.stem == 'double11_peak' else 3}", "meta.replications=2"])
    for p in sorted((ROOT / "scenarios").glob("*.toml"))
}
CASES["erlang"] = ("scenarios/validation/erlang.toml", ["meta.days=1", "meta.replications=2"])
CASES["seed000_threshold_48_behaviour"] = (
    "scenarios/seed000_threshold_48.toml", ["meta.days=3", "meta.replications=2", "behaviour.model=effort_equilibrium"])


def document(name: str) -> str:
    path, sets = CASES[name]
    doc = evaluate(load_scenario(ROOT / path, sets))
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_document_is_byte_identical_to_golden(name):
    now = document(name)
    gold = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        gold.parent.mkdir(parents=True, exist_ok=True)
        gold.write_text(now, encoding="utf-8")
        pytest.skip(f"golden file rewritten: {gold}")
    assert gold.exists(), f"no golden file {gold}: run with UPDATE_GOLDEN=1 once, deliberately"
    want = gold.read_text(encoding="utf-8")
    if now != want:
        a, b = json.loads(want), json.loads(now)
        diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        pytest.fail(f"{name}: the run document differs from {gold.name} in top-level keys {diff}")
