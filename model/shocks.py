"""Monthly shocks: how a month differs from the next beyond counting noise, one world for agents and engine.

An agent's month is not only Poisson luck: its conversion, speed and service move with the traffic mix, its
health and its mood (``behaviour.performance_noise_cv``), and the whole team's volume and conversion move week by
week with promotions and traffic quality (``behaviour.team_shock_cv``). The agents plan against these shocks
(:mod:`model.behaviour.kpimodel` draws them for every simulated month of its forecast); with the behaviour model
on, the engine draws the same shocks once per replication, so the spread of a replication's result, P(net loss)
and the share of targets reached are the risk the agents planned against (docs/model.md section 10.3).

Every shock is a mean-1 lognormal factor ``exp(cv z - cv^2 / 2)`` of a standard normal ``z``:

* agent ``i``: conversion ``factor(perf, z_i0)``, response time ``factor(perf, z_i1)`` (the engine multiplies the
  agent's typing time and reaction latency by it), satisfied share ``+ 0.1 perf z_i2``;
* team, week ``w``: arrival volume ``factor(team, z_w0)`` (the arrival rate of the week's hours), conversion
  ``factor(team, z_w1)``.

With the behaviour model off the engine draws none (the mechanics world of the queueing validations).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.clock import DAY_H, WEEK_DAYS

#: Share of ``performance_noise_cv`` that moves an agent's satisfied share (percentage points per unit of z).
SATISFIED_SHARE = 0.1


def factor(cv: float, z: np.ndarray) -> np.ndarray:
    """Mean-1 lognormal factors ``exp(cv z - cv^2/2)`` of standard normals ``z`` (1 where cv = 0)."""
    return np.exp(cv * np.asarray(z, dtype=float) - 0.5 * cv * cv)


@dataclass(frozen=True)
class Shocks:
    """One replication's monthly shocks, as factors.

    Attributes:
        conversion: per agent, the conversion factor (agents,).
        speed: per agent, the factor on typing time and reaction latency (agents,).
        satisfied_add: per agent, added to the probability of a satisfied rating (agents,).
        volume_week: per week of the horizon, the factor on arrival rates (weeks,).
        conversion_week: per week, the team's conversion factor (weeks,).
    """

    conversion: np.ndarray
    speed: np.ndarray
    satisfied_add: np.ndarray
    volume_week: np.ndarray
    conversion_week: np.ndarray

    def volume_by_hour(self, days: int) -> np.ndarray:
        """The volume factor of every hour of a ``days``-day horizon (days * 24,)."""
        return np.repeat(self.volume_week[np.arange(days) // WEEK_DAYS], DAY_H)

    def conversion_of(self, agent: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The conversion factor of chats taken by ``agent`` (-1 = none: team factor only) on ``day``."""
        a = np.asarray(agent)
        own = np.where(a >= 0, self.conversion[np.where(a >= 0, a, 0)], 1.0)
        return own * self.conversion_week[np.asarray(day) // WEEK_DAYS]

    def satisfied_of(self, agent: np.ndarray) -> np.ndarray:
        a = np.asarray(agent)
        return np.where(a >= 0, self.satisfied_add[np.where(a >= 0, a, 0)], 0.0)


def draw(rng: np.random.Generator, agents: int, days: int, performance_cv: float, team_cv: float) -> Shocks | None:
    """One replication's shocks from its own stream (None when both cvs are 0). Agent ``i``'s shocks are the
    ``i``-th row of the draws, the same whatever the team size; week ``w``'s the ``w``-th of a second block of 53."""
    if performance_cv <= 0 and team_cv <= 0:
        return None
    weeks = (max(days, 1) - 1) // WEEK_DAYS + 1
    team = rng.standard_normal((53, 2))[:weeks]  # a fixed block first: the agents' rows never move the weeks'
    z = rng.standard_normal((agents, 3))
    return Shocks(conversion=factor(performance_cv, z[:, 0]), speed=factor(performance_cv, z[:, 1]),
                  satisfied_add=SATISFIED_SHARE * performance_cv * z[:, 2],
                  volume_week=factor(team_cv, team[:, 0]), conversion_week=factor(team_cv, team[:, 1]))
