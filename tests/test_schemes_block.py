"""Block pricing (model.schemes.pricing.price_block) equals the long table of price_scheme to the last bit.

The behaviour solver prices every candidate effort of a deviator at once through ``price_block``; these tests hold
it to the scalar path (the same KPI values through ``price_scheme``, summed per (rep, agent) in the long table's
order) on random KPI blocks with ties, NaNs and roles, for every component type the block knows, and check that
the types it does not know are declined (the solver then uses ``price_scheme``).
"""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from model.kpi import SUM_COLUMNS, ratio_arrays, ratios
from model.schemes.pricing import (
    BlockContext,
    PricingContext,
    block_priceable,
    price_block,
    price_scheme,
    split_prizes,
    split_prizes_rows,
)
from model.schemes.spec import Scheme

ROLES = np.array(["presale", "aftersale", "both"])


def scheme(*components: dict) -> Scheme:
    return Scheme.model_validate({"name": "s", "components": list(components)})


def random_block(rng: np.random.Generator, reps: int, n: int, ties: bool) -> tuple[np.ndarray, np.ndarray]:
    """Base sums (reps, n, columns) and team sums (reps, columns); rounded when ``ties`` so KPIs tie often."""
    sums = rng.gamma(2.0, 1.0, (reps, n, len(SUM_COLUMNS))) * rng.choice([1, 10, 100, 1000, 1e4], len(SUM_COLUMNS))
    if ties:
        sums = np.round(sums / 50) * 50
    sums[rng.random(sums.shape) < 0.05] = 0.0  # some zero denominators: NaN KPIs
    team = sums.sum(axis=1) * 1.05
    return sums, team


def agents_table(rng: np.random.Generator, n: int) -> pd.DataFrame:
    return pd.DataFrame({"agent": np.arange(n), "name": [f"a{i}" for i in range(n)],
                         "role": rng.choice(ROLES, n), "tenure_months": rng.integers(0, 30, n).astype(float),
                         "night_shifts": np.zeros(n)})


def both_paths(s: Scheme, sums: np.ndarray, team: np.ndarray, agents: pd.DataFrame, days: float,
               silent: float = 12345.0) -> tuple[np.ndarray, np.ndarray]:
    reps, n, c = sums.shape
    am = ratios(pd.DataFrame(sums.reshape(reps * n, c), columns=list(SUM_COLUMNS)), "round")
    am.insert(0, "agent", np.tile(np.arange(n), reps))
    am.insert(0, "rep", np.repeat(np.arange(reps), n))
    tm = ratios(pd.DataFrame(team, columns=list(SUM_COLUMNS)), "round")
    tm.insert(0, "rep", np.arange(reps))
    tm["silent_orders_yuan"] = silent
    long = price_scheme(s, PricingContext(agent_horizon=am, team_horizon=tm, agents=agents, days=days))
    cell = long["rep"].to_numpy(dtype=np.int64) * n + long["agent"].to_numpy(dtype=np.int64)
    scalar = np.bincount(cell, weights=long["yuan"].to_numpy(dtype=float), minlength=reps * n).reshape(reps, n)
    a = ratio_arrays({k: sums[..., i] for i, k in enumerate(SUM_COLUMNS)}, "round")
    t = ratio_arrays({k: team[:, i] for i, k in enumerate(SUM_COLUMNS)}, "round")
    t["silent_orders_yuan"] = np.full(reps, silent)
    return price_block(s, BlockContext(a, t, agents, days)), scalar


RANK = {"type": "rank", "kpi": "avg_response_s", "prizes_yuan": [800]}
CASES = {
    "rank_one_prize": [RANK],
    "rank_three_prizes_higher": [{"type": "rank", "kpi": "sales_yuan", "prizes_yuan": [500, 300, 100]}],
    "rank_ties_min_inquiries_roles": [{"type": "rank", "kpi": "inquiry_conversion", "prizes_yuan": [600, 600, 200],
                                       "min_inquiries": 300, "roles": ["presale", "both"]}],
    "threshold": [{"type": "threshold", "kpi": "inquiry_conversion", "target": 0.5, "amount_yuan": 1000}],
    "threshold_steps_miss": [{"type": "threshold", "kpi": "avg_response_s", "miss_yuan": -50,
                              "steps": [{"target": 2.0, "amount_yuan": 100}, {"target": 1.0, "amount_yuan": 300}]}],
    "threshold_cumulative_sales": [{"type": "threshold", "kpi": "sales_yuan", "cumulative": True,
                                    "steps": [{"target": 1000, "amount_yuan": 100},
                                              {"target": 3000, "amount_yuan": 300}]}],
    "commission": [{"type": "commission", "rate": 0.02}],
    "commission_new_returning": [{"type": "commission", "rate": 0.01, "rate_new": 0.03, "roles": ["presale"]}],
    "tiered_modes": [{"type": "tiered_commission", "task_yuan": 3000, "mode": mode,
                      "tiers": [{"min_attainment": 0.0, "max_attainment": 1.0, "rate": 0.03},
                                {"min_attainment": 1.0, "max_attainment": 1.3, "rate": 0.04},
                                {"min_attainment": 1.3, "rate": 0.05}]} for mode in ("step", "bracket", "task_split")],
    "base_salary_top_bonus": [{"type": "base_salary", "base_yuan": 4000, "step_yuan": 100, "step_months": 3,
                               "top_kpi": "sales_yuan", "top_bonus_yuan": 100}, RANK],
    "gate_team_average": [{"type": "gate", "conditions": [
        {"kpi": "sales_yuan", "at_least": 2000}, {"kpi": "inquiry_conversion", "at_least": "team_average"},
        {"kpi": "bad_rating_rate", "at_most": "team_average", "team_factor": 1.1}],
        "components": [{"type": "commission", "rate": 0.05}, {"type": "rank", "kpi": "aov_yuan", "prizes_yuan": [300]}]}],
    "whole_scheme_gate": [{"type": "commission", "rate": 0.05},
                          {"type": "aftersale_chargeback", "floor_yuan": 50, "rate": 0.5, "max_charge_yuan": 400},
                          {"type": "gate", "conditions": [{"kpi": "reply_rate", "at_least": 0.6}]}],
    "cap_and_floor": [{"type": "commission", "rate": 0.5}, RANK, {"type": "cap", "max_yuan": 900},
                      {"type": "floor", "min_yuan": 100}],
    "silent_pool_chargeback": [{"type": "commission", "rate": 0.02}, {"type": "silent_order_pool", "share": 0.02},
                               {"type": "aftersale_chargeback", "floor_yuan": 500, "rate": 0.1,
                                "floor_share_of_sales": 0.01}],
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("ties", [False, True])
def test_block_pay_equals_the_long_table_to_the_last_bit(name, ties):
    rng = np.random.default_rng(abs(hash((name, ties))) % 2**32)
    s = scheme(*CASES[name])
    assert block_priceable(s)
    for reps, n, days in ((7, 10, 30.0), (40, 3, 7.0), (5, 37, 3.0)):
        sums, team = random_block(rng, reps, n, ties)
        block, scalar = both_paths(s, sums, team, agents_table(rng, n), days)
        assert np.array_equal(block, scalar), (name, np.abs(block - scalar).max())


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml")), ids=lambda p: p.stem)
def test_block_pay_equals_the_long_table_on_the_shipped_schemes(path):
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    rng = np.random.default_rng(7)
    for raw in doc.get("schemes", []):
        s = Scheme.model_validate(raw)
        if not block_priceable(s):
            continue
        sums, team = random_block(rng, 9, 10, True)
        block, scalar = both_paths(s, sums, team, agents_table(rng, 10), float(doc["meta"]["days"]))
        assert np.array_equal(block, scalar), s.name


def test_block_declines_what_it_does_not_price():
    assert not block_priceable(None)
    assert not block_priceable(scheme({**RANK, "period": "week"}))
    assert not block_priceable(scheme({"type": "scorecard", "amount_yuan": 500, "items": [
        {"kpi": "inquiry_conversion", "weight": 1.0, "floor": 0.3, "full": 0.6}]}))
    assert not block_priceable(scheme({"type": "gate", "conditions": [{"kpi": "sales_yuan", "at_least": "team_average"}]}))
    with pytest.raises(ValueError, match="block"):
        price_block(scheme({**RANK, "period": "week"}), BlockContext({"avg_response_s": np.ones((1, 2))}, {}))


@settings(max_examples=200)
@given(st.lists(st.lists(st.sampled_from([np.nan, 0.0, -0.0, 1.0, 2.0, 2.0, 3.5, np.inf, -np.inf]), min_size=1,
                         max_size=8), min_size=1, max_size=5).filter(lambda rows: len({len(r) for r in rows}) == 1),
       st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=4),
       st.sampled_from(["higher_is_better", "lower_is_better"]), st.integers(0, 2**31))
def test_split_prizes_rows_equals_split_prizes(rows, prizes, direction, seed):
    v = np.array(rows, dtype=float)
    valid = np.random.default_rng(seed).random(v.shape) < 0.8
    reps = np.repeat(np.arange(v.shape[0]), v.shape[1])
    want = split_prizes(v.ravel(), reps, prizes, direction, valid.ravel()).reshape(v.shape)
    assert np.array_equal(split_prizes_rows(v, prizes, direction, valid), want)
