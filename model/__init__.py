"""客服绩效沙盘 · Customer-service incentive sandbox: the model library (never imports streamlit).

Python API::

    from model import load_scenario, simulate, evaluate
    s = load_scenario("scenarios/taobao_10_agents.toml", ["agents.count=12"])
    doc = evaluate(s)            # the run document (team KPIs with intervals, agents, counts, schemes)
    res = simulate(s)            # flat records; res.table(by_agent=True, period="week") for KPI tables

The package face loads each name on first use (PEP 562), so ``import model.kpicodes`` (or any one module)
loads only what that module needs; the layering is in docs/architecture.md.
"""

from __future__ import annotations

import importlib
from typing import Any

#: The public API: name -> the module that defines it (its one home).
_API = {
    "Scenario": "model.schema",
    "ScenarioError": "model.errors",
    "SimResult": "model.result",
    "evaluate": "model.document",
    "load_scenario": "model.scenario",
    "simulate": "model.simulate",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'model' has no attribute {name!r}")
