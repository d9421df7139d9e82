"""Layer 2: the engine on scenarios/validation/erlang.toml agrees with Erlang C (no patience) and Erlang A
(exponential patience) at several loads.

With one agent per chat, one buyer message per chat, exponential reply time and flat traffic the engine is an
M/M/c (+M) queue. Each check compares the analytic value with the 95% t-interval over replications,
widened by 2% of the value: each replication starts empty (the transient biases waits down) and chats still
queued at the horizon are censored, both of order (relaxation time / horizon), i.e. well under 2% here.
Each test also asserts that the interval is tight enough to catch a wrong formula: utilization to +-1.5
points (a 5% error fails), waits to +-10%, shares to +-3%.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import erlang_scenario

from model import simulate
from model.kpi import interval
from model.queueing import erlang_a_metrics, erlang_c_metrics

C = 5            # agents
MEAN_S = 240.0   # mean reply (service) time
PATIENCE_S = 300.0
TOL = 0.02       # relative widening for the empty-start transient and horizon censoring


def _run(rho: float, patience: str, days: int, reps: int):
    per_day = rho * C * 86_400.0 / MEAN_S
    s = erlang_scenario(**{"meta.days": days, "meta.replications": reps, "traffic.inquiries_per_day": per_day,
                           "customers.patience.dist": patience})
    assert s.agents.count == C and s.agents.reply_time.mean_s == MEAN_S
    assert s.customers.patience.mean_s == PATIENCE_S and s.customers.patience.silent_share == 0.0
    res = simulate(s)
    team = res.table()
    p_wait = res.chats.groupby("rep")["queue_wait_s"].apply(lambda w: float((w > 0).mean())).to_numpy()
    return per_day / 86_400.0, team, p_wait


def _within(name: str, values: np.ndarray, analytic: float, max_half: float, *, relative: bool = True):
    ci = interval(values)
    half = (ci["hi"] - ci["lo"]) / 2
    scale = abs(analytic) if relative else 1.0
    assert half <= max_half * scale, f"{name}: interval too wide to validate anything ({ci})"
    slack = TOL * abs(analytic)
    assert ci["lo"] - slack <= analytic <= ci["hi"] + slack, f"{name}: analytic {analytic:.6g} outside {ci}"


@pytest.mark.parametrize(("rho", "days", "reps"), [(0.6, 10, 6), (0.8, 10, 6), (0.9, 20, 8)])
def test_erlang_c(rho, days, reps):
    lam, team, p_wait = _run(rho, "none", days, reps)
    ref = erlang_c_metrics(lam, 1.0 / MEAN_S, C)
    assert (team["abandon_rate"] == 0).all()
    _within("mean queue wait", team["queue_wait_s"].to_numpy(), ref.mean_queue_wait, 0.10)
    _within("P(wait > 0)", p_wait, ref.p_wait, 0.07)
    _within("utilization", team["utilization"].to_numpy(), ref.utilization, 0.015, relative=False)


@pytest.mark.parametrize(("rho", "days", "reps"), [(0.8, 10, 6), (1.0, 10, 6), (1.2, 10, 6)])
def test_erlang_a(rho, days, reps):
    lam, team, p_wait = _run(rho, "exponential", days, reps)
    ref = erlang_a_metrics(lam, 1.0 / MEAN_S, C, 1.0 / PATIENCE_S)
    _within("abandonment", team["abandon_rate"].to_numpy(), ref.p_abandon, 0.03)
    _within("mean queue wait (all arrivals)", team["queue_wait_s"].to_numpy(), ref.mean_queue_wait, 0.10)
    _within("P(wait > 0)", p_wait, ref.p_wait, 0.03)
    _within("utilization", team["utilization"].to_numpy(), ref.utilization, 0.015, relative=False)


def test_a_wrong_formula_would_fail():
    # The same machinery rejects a reference that is 5% off (utilization) or uses the wrong model
    # (Erlang C's wait where patience applies).
    lam, team, _ = _run(0.8, "exponential", 10, 6)
    ref = erlang_a_metrics(lam, 1.0 / MEAN_S, C, 1.0 / PATIENCE_S)
    with pytest.raises(AssertionError):
        _within("utilization", team["utilization"].to_numpy(), ref.utilization * 1.05, 0.015, relative=False)
    with pytest.raises(AssertionError):
        _within("wait", team["queue_wait_s"].to_numpy(), erlang_c_metrics(lam, 1 / MEAN_S, C).mean_queue_wait, 0.5)
