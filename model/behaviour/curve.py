"""Net gain and uplift against one target value: the answer to "48% or 45%?".

For each target value the agents' equilibrium is solved on their KPI forecast model (no engine run), so a curve
of a dozen targets takes about a second for the default shop and the app can move a slider along it without
waiting. The engine checks any single point through the comparison path (``model.pipeline.compare_schemes``);
the curve's numbers are the agents' own forecast and are labelled as such.

Economics of a point (for the simulated horizon):
    uplift = E[team CS sales at the equilibrium] - E[team CS sales with no extra effort]
    bonus cost = E[variable pay at the equilibrium]
    net gain = uplift * gross_margin_share - bonus cost - service cost (``model.economics.net_gain_yuan``)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.behaviour.kpimodel import BaseRecord, base_record
from model.behaviour.solver import solve
from model.economics import net_gain_yuan, service_cost_yuan
from model.schemes.spec import Scheme
from model.schemes.targets import with_target


def target_curve(scenario, scheme: Scheme, base, label: str, targets: list[float] | np.ndarray,
                 record: BaseRecord | None = None) -> pd.DataFrame:
    """The agents' forecast for each target value of one component.

    Args:
        scenario: the scenario (its ``behaviour`` settings; the model must not be "none").
        scheme: the scheme.
        base: the scenario's run without effects.
        label: the component's breakdown label (see :func:`model.schemes.targets.targets`).
        targets: target values to solve.
        record: the agents' base record, if already computed.

    Returns:
        One row per target: ``target``, ``uplift_yuan``, ``bonus_cost_yuan``, ``net_gain_yuan``,
        ``reach_share``, ``mean_selling_effort``, ``mean_speed_effort``, ``gave_up``, ``secure``, ``converged``.
    """
    s = scenario
    rec = record if record is not None else base_record(base)
    margin = s.economics.gross_margin_share
    rows = []
    for t in targets:
        eq = solve(s.behaviour, with_target(scheme, label, float(t)), rec, s.outcomes, base.agents,
                   seed=s.meta.seed, gross_margin_share=margin, days=float(s.meta.days))
        f = eq.forecast
        uplift = f["sales_uplift_yuan"]
        cost = f["variable_pay_yuan"]
        rows.append({
            "target": float(t),
            "uplift_yuan": uplift,
            "bonus_cost_yuan": cost,
            "net_gain_yuan": net_gain_yuan(s.economics, uplift, cost, f["bad_ratings_change"]),
            "service_cost_yuan": service_cost_yuan(s.economics, f["bad_ratings_change"]),
            "reach_share": f["reach_share"],
            "mean_selling_effort": float(eq.effort[:, 0].mean()),
            "mean_speed_effort": float(eq.effort[:, 1].mean()),
            "gave_up": int(sum(a["gave_up"] for a in eq.agents)),
            "secure": int(sum(a["secure"] for a in eq.agents)),
            "converged": eq.converged,
        })
    return pd.DataFrame(rows)
