"""The solver's block pricing (issue 18): the same equilibrium as pricing every candidate block through
``price_scheme``'s tables, to the last bit, for interacting schemes (rank prizes, gates on team averages, the top
bonus, silent-order pools) and plain ones; and the deviator block's lazily built columns equal its whole array."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT

from model.behaviour import solver
from model.behaviour.api import equilibrium
from model.behaviour.kpimodel import base_record, draw_noise
from model.edits import with_edits
from model.scenario import load_scenario
from model.schemes.pricing import block_priceable
from model.simulate import simulate

CASES = [  # (scenario, scheme index, edits): a few rounds each, so the table path stays quick
    ("seed000_rank_response_800", 1, {"meta.days": 5, "behaviour.max_rounds": 4}),
    ("seed003_gated_tiered_commission", 1, {"meta.days": 4, "behaviour.max_rounds": 3}),
    ("seed004_commission_silent_orders", 1, {"meta.days": 4}),
    ("taobao_10_agents", 2, {"meta.days": 4}),
    ("taobao_10_agents", 3, {"meta.days": 4, "behaviour.max_rounds": 4, "agents.count": 30,
                             "traffic.inquiries_per_day": 600}),  # 30 agents: types of alike agents
]


def _solve(s, base, rec, scheme, block: bool):
    with solver.block_pricing(block):
        return equilibrium(s, scheme, base, rec)


@pytest.mark.parametrize(("name", "index", "edits"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2].get('agents.count', 10)}" for c in CASES])
def test_block_pricing_gives_the_table_path_equilibrium_bit_for_bit(name, index, edits):
    s = with_edits(load_scenario(ROOT / "scenarios" / f"{name}.toml"),
                   {"behaviour.model": "effort_equilibrium", "meta.replications": 1, **edits})
    scheme = s.schemes[index]
    assert block_priceable(scheme)
    base = simulate(s, replications=1)
    rec = base_record(base)
    fast, slow = _solve(s, base, rec, scheme, True), _solve(s, base, rec, scheme, False)
    assert np.array_equal(fast.effort, slow.effort)
    assert (fast.rounds, fast.converged, fast.interacting) == (slow.rounds, slow.converged, slow.interacting)
    assert fast.agents == slow.agents and fast.forecast == slow.forecast


def test_deviator_block_columns_equal_its_whole_array():
    rng = np.random.default_rng(3)
    m, n, k, cols = 4, 6, 3, len(solver.COL)
    seen = rng.random((m, n, 1, cols))
    blocks = [np.array([1]), np.array([0, 4])]
    devs = [rng.random((k * m, len(b), 1, cols)) for b in blocks]
    block = solver._DeviatorBlock(seen, len(blocks) * k, blocks, devs)
    whole = block.sums()
    assert whole.shape == (len(blocks) * k * m, n, 1, cols)
    for col, i in solver.COL.items():
        assert np.array_equal(block[col], whole[:, :, 0, i])
    assert np.array_equal(whole[k * m + 5, 4], devs[1][5, 1]) and np.array_equal(whole[k * m + 5, 1], seen[1, 1])


def test_the_current_profile_cache_equals_a_fresh_forecast():
    s = with_edits(load_scenario(ROOT / "scenarios" / "seed000_rank_response_800.toml"),
                   {"behaviour.model": "effort_equilibrium", "meta.replications": 1, "meta.days": 3})
    base = simulate(s, replications=1)
    rec = base_record(base)
    n = rec.sums.shape[0]
    pricer = solver._Pricer(s.behaviour, s.schemes[1], rec, s.outcomes, base.agents, draw_noise(1, 8, n, rec.weeks),
                            0.38, 3.0)
    effort = np.zeros((n, 4))
    pricer.current(effort)
    for agent in (3, 7, 3):
        effort[agent, 1] += 0.3
        fresh = pricer.forecast(np.repeat(effort[None], pricer.m, axis=0), np.arange(pricer.m))
        assert np.array_equal(pricer.current(effort), fresh)
