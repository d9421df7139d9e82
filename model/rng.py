"""Seeded random streams: one independent stream per source, common random numbers across compared runs.

Each (seed, replication, source) gets its own ``numpy.random.Generator`` built from
``SeedSequence(seed, spawn_key=(replication, source_index))``. Sources have fixed indices, so adding a source
never changes another's numbers, and two scenarios that differ only in, say, the number of agents or a bonus
rule see the same arrivals, patience, messages and outcome draws (common random numbers).
"""

from __future__ import annotations

import numpy as np

#: Fixed source indices: never renumber an existing entry (that would change every stored result).
SOURCES: dict[str, int] = {
    "arrivals_presale": 0,
    "arrivals_aftersale": 1,
    "chat_attributes": 2,
    "patience": 3,
    "messages": 4,
    "reply_time": 5,
    "think_time": 6,
    "agent_lines": 7,
    "outcomes": 8,
    "agent_skill": 9,
    "silent_orders": 10,
    "reaction_latency": 11,
    "monthly_shocks": 12,
    "bot": 13,  # the bot front line (model.botfront): drawn only when a [bot] is on
}


def stream(seed: int, replication: int, source: str) -> np.random.Generator:
    """Return the generator for one source of one replication.

    Args:
        seed: the scenario seed (``meta.seed``).
        replication: replication index, 0-based.
        source: a name from :data:`SOURCES`.
    """
    ss = np.random.SeedSequence(entropy=int(seed), spawn_key=(int(replication), SOURCES[source]))
    return np.random.Generator(np.random.PCG64(ss))


def streams(seed: int, replication: int) -> dict[str, np.random.Generator]:
    """All streams of one replication, by source name."""
    return {name: stream(seed, replication, name) for name in SOURCES}


def unit_variates(rng: np.random.Generator, dist: str, cv: float, size: int) -> np.ndarray:
    """Positive variates with mean 1 for a named distribution (scale by the mean afterwards).

    exponential: Exp(1); lognormal: mean 1 and the given coefficient of variation; gamma: shape 1/cv^2;
    constant: ones.
    """
    if dist == "exponential":
        return rng.standard_exponential(size)
    if dist == "constant" or cv == 0:
        return np.ones(size)
    if dist == "lognormal":
        s2 = np.log1p(cv * cv)
        return rng.lognormal(-s2 / 2.0, np.sqrt(s2), size)
    if dist == "gamma":
        k = 1.0 / (cv * cv)
        return rng.gamma(k, 1.0 / k, size)
    raise ValueError(f"unknown distribution '{dist}'")
