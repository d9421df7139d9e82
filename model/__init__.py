"""客服绩效沙盘 · Customer-service incentive sandbox: the model library (never imports streamlit).

Python API::

    from model import load_scenario, simulate, evaluate
    s = load_scenario("scenarios/taobao_10_agents.toml", ["agents.count=12"])
    doc = evaluate(s)            # the run document (team KPIs with intervals, agents, counts, schemes)
    res = simulate(s)            # flat records; res.table(by_agent=True, period="week") for KPI tables

The names are imported on first use (PEP 562), so ``python -m model --help`` and the commands that need only
part of the library do not pay for all of it; ``import model.kpicodes`` loads only that module.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model.document import evaluate
    from model.errors import ScenarioError
    from model.result import SimResult
    from model.scenario import load_scenario
    from model.schema import Scenario
    from model.simulate import simulate

__all__ = ["Scenario", "ScenarioError", "SimResult", "evaluate", "load_scenario", "simulate"]

#: The public API: name -> the module that defines it (its one home; docs/architecture.md).
_HOME = {"evaluate": "model.document", "Scenario": "model.schema", "ScenarioError": "model.errors",
         "load_scenario": "model.scenario", "SimResult": "model.result", "simulate": "model.simulate"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'model' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


class _Package(types.ModuleType):
    """``model.simulate`` is both a module and the function it defines; importing the module sets the package
    attribute to the module, which would hide the function from ``from model import simulate``. As with the
    former eager ``from model.simulate import simulate``, the package attribute stays the function."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _HOME and isinstance(value, types.ModuleType) and hasattr(value, name):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
