"""The two reference points of the engine budget: a bare SimPy M/M/c loop and Ciw.

The bare loop is SimPy's bank example reduced to M/M/c: one process per customer, a ``simpy.Resource`` of
capacity c, exponential inter-arrival and service ``timeout``s drawn with :mod:`random`. It is the least a
SimPy model of this queue can cost, so "engine / bare loop" is the engine's overhead.
"""

from __future__ import annotations

import random

import simpy


def bare_mmc(n_customers: int, c: int, arrival_rate: float, service_rate: float, seed: int = 1) -> int:
    """Simulate ``n_customers`` of an M/M/c queue with bare SimPy; returns the customers served."""
    rnd = random.Random(seed)
    env = simpy.Environment()
    counter = simpy.Resource(env, capacity=c)
    served = 0

    def customer(env: simpy.Environment):
        nonlocal served
        with counter.request() as req:
            yield req
            yield env.timeout(rnd.expovariate(service_rate))
        served += 1

    def source(env: simpy.Environment):
        for _ in range(n_customers):
            env.process(customer(env))
            yield env.timeout(rnd.expovariate(arrival_rate))

    env.process(source(env))
    env.run()
    return served


def bare_mmc_reps(n_customers: int, reps: int, c: int, arrival_rate: float, service_rate: float) -> int:
    """``reps`` independent runs sharing ``n_customers`` between them (as replications do)."""
    per, rest = divmod(n_customers, reps)
    return sum(bare_mmc(per + (r < rest), c, arrival_rate, service_rate, seed=r + 1) for r in range(reps))


def ciw_mmc(horizon_s: float, reps: int, c: int, arrival_rate: float, service_rate: float) -> int:
    """Ciw's M/M/c over ``reps`` runs to ``horizon_s``; returns the customers who completed service."""
    import ciw

    n = 0
    for r in range(reps):
        net = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(arrival_rate)],
            service_distributions=[ciw.dists.Exponential(service_rate)],
            number_of_servers=[c],
        )
        ciw.seed(r + 1)
        q = ciw.Simulation(net)
        q.simulate_until_max_time(horizon_s)
        n += len(q.get_all_records())
    return n
