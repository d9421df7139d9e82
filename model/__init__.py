"""客服绩效沙盘 · Customer-service incentive sandbox: the model library (never imports streamlit).

Python API::

    from model import load_scenario, simulate, evaluate
    s = load_scenario("scenarios/taobao_10_agents.toml", ["agents.count=12"])
    doc = evaluate(s)            # the run document (team KPIs with intervals, agents, counts, schemes)
    res = simulate(s)            # flat records; res.table(by_agent=True, period="week") for KPI tables
"""

from model.errors import ScenarioError
from model.report import evaluate
from model.result import SimResult
from model.scenario import load_scenario
from model.schema import Scenario
from model.simulate import simulate

__all__ = ["Scenario", "ScenarioError", "SimResult", "evaluate", "load_scenario", "simulate"]
