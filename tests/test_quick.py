"""The quick forecast of a comparison (model/quick.py): no SimPy run, the full path's shape, exact where no agent
moves, and a measured gap to the full simulation (bench/quick.py measures it on the shipped scenarios)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from model import pipeline
from model.document import comparison_document
from model.effects import Effects
from model.kpi import SUM_COLUMNS
from model.pipeline import RunCache, run_for
from model.quick import (
    QUICK_BASIS,
    QuickResult,
    base_sums,
    clear_cache,
    moved_sums,
    quick_comparison,
    quick_gap,
)
from model.scenario import load_scenario

SHOP = "scenarios/taobao_10_agents.toml"


@pytest.fixture(scope="module")
def shop():
    s = load_scenario(SHOP, ["meta.days=2", "meta.replications=2"])
    cache = RunCache()
    return s, run_for(s, Effects(), cache=cache), cache


def test_zero_effort_gives_back_the_base_runs_tables_exactly(shop) -> None:
    s, base, _ = shop
    sums = base_sums(base)
    q = QuickResult(s, base, moved_sums(s, sums, np.zeros((s.agents.count, 4))), sums.residual)
    for by_agent, period in ((False, None), (True, None), (True, "week"), (False, "day")):
        want = base.table(by_agent=by_agent, period=period)
        got = q.table(by_agent=by_agent, period=period)
        cols = [c for c in want.columns if c != "duty_s"]
        pd.testing.assert_frame_equal(got[cols].reset_index(drop=True), want[cols].reset_index(drop=True),
                                      check_dtype=False, rtol=1e-9, atol=1e-9)


def test_effort_moves_the_sums_the_way_the_agents_kpi_model_says(shop) -> None:
    s, base, _ = shop
    sums = base_sums(base)
    effort = np.zeros((s.agents.count, 4))
    effort[:, 0] = 1.0  # full selling effort: conversion and order value up by their ceilings
    moved = moved_sums(s, sums, effort)
    col = list(SUM_COLUMNS)
    sales, paid = col.index("sales_yuan"), col.index("paid_buyers")
    b = s.behaviour
    ratio = moved[..., sales].sum() / sums.agent[..., sales].sum()
    assert ratio > 1.0
    assert ratio <= (1 + b.conversion_gain_share) * (1 + b.aov_gain_share) + 1e-9
    assert moved[..., paid].sum() > sums.agent[..., paid].sum()


def test_quick_comparison_runs_no_simulation_and_has_the_full_documents_shape(shop, monkeypatch) -> None:
    s, base, cache = shop
    calls: list[int] = []
    real = pipeline.simulate
    monkeypatch.setattr(pipeline, "simulate", lambda *a, **k: calls.append(1) or real(*a, **k))
    clear_cache()
    quick = quick_comparison(s, base)
    assert calls == []
    assert quick["basis"] == QUICK_BASIS
    full = comparison_document(s, cache=cache)
    assert set(full) - {"months"} <= set(quick)
    for name, fb in full["schemes"].items():
        qb = quick["schemes"][name]
        assert set(fb["economics"]) == set(qb["economics"])
        assert {"team", "reach_share", "agents", "behaviour", "views"} <= set(qb)
        # the agents' efforts are the full path's own (the same equilibrium)
        assert [a["effort"] for a in qb["behaviour"]["agents"]] == [a["effort"] for a in fb["behaviour"]["agents"]]
    # base pay only: nobody moves, so the quick answer is the simulation's
    assert quick["schemes"]["仅底薪"]["economics"] == full["schemes"]["仅底薪"]["economics"]
    gap = quick_gap(quick, full)
    assert set(gap["schemes"]) == set(full["schemes"]) and gap["max_share"] >= 0.0


def test_a_target_move_re_solves_only_the_scheme_that_moved(shop, monkeypatch) -> None:
    s, base, _ = shop
    clear_cache()
    quick_comparison(s, base)
    import model.behaviour.api as api

    solved: list[str] = []
    real = api.solve  # the solves made (a cached equilibrium is not solved again)
    monkeypatch.setattr(api, "solve", lambda cfg, scheme, *a, **k: solved.append(scheme.name) or real(cfg, scheme, *a, **k))
    moved = load_scenario(SHOP, ["meta.days=2", "meta.replications=2", "schemes.1.components.0.target=0.43"])
    doc = quick_comparison(moved, base)
    assert solved == [moved.schemes[1].name]
    assert doc["schemes"][moved.schemes[2].name] == quick_comparison(s, base)["schemes"][s.schemes[2].name]


# ------------------------------------------------------------------------------------------- the bot front line
@pytest.fixture(scope="module")
def bot_shop():
    s = load_scenario(SHOP, ["meta.days=2", "meta.replications=2", "bot.resolve_share=0.3",
                             "bot.handover_delay.mean_s=400"])
    cache = RunCache()
    return s, run_for(s, Effects(), cache=cache), cache


def test_bot_views_at_zero_effort_are_the_base_runs_views_exactly(bot_shop) -> None:
    s, base, _ = bot_shop
    assert base.has_bot
    sums = base_sums(base)
    q = QuickResult(s, base, moved_sums(s, sums, np.zeros((s.agents.count, 4))), sums.residual, sums.bot)
    assert q.has_bot
    for view in (None, "human", "all", "bot", "platform"):
        for by_agent, period in ((False, None), (True, None), (True, "week"), (False, "day")):
            want = base.table(by_agent=by_agent, period=period, view=view)
            got = q.table(by_agent=by_agent, period=period, view=view)
            cols = [c for c in want.columns if c != "duty_s"]
            pd.testing.assert_frame_equal(got[cols].reset_index(drop=True), want[cols].reset_index(drop=True),
                                          check_dtype=False, rtol=1e-9, atol=1e-9, obj=f"{view} {by_agent} {period}")
    # the views differ where the bot counts: the agents' 3-minute rate with the bot's first replies, its chats
    human, every = q.table(view="human"), q.table(view="all")
    assert (every["three_min_reply_rate"] > human["three_min_reply_rate"]).all()
    assert (every["inquiries"] > human["inquiries"]).all()


def test_bot_effort_moves_the_human_view_and_leaves_the_bots_part(bot_shop) -> None:
    s, base, _ = bot_shop
    sums = base_sums(base)
    effort = np.zeros((s.agents.count, 4))
    effort[:, 0] = 1.0
    q0 = QuickResult(s, base, sums.agent, sums.residual, sums.bot)
    q1 = QuickResult(s, base, moved_sums(s, sums, effort), sums.residual, sums.bot)
    gain = lambda view: float(q1.table(view=view)["sales_yuan"].sum() - q0.table(view=view)["sales_yuan"].sum())  # noqa: E731
    assert gain("human") > 0 and gain("all") == pytest.approx(gain("human"))  # the agents' sales move, the bot's stay
    pd.testing.assert_frame_equal(q1.table(view="bot"), q0.table(view="bot"))


def test_bot_quick_comparison_pays_each_basis_as_the_full_path(bot_shop) -> None:
    s, base, cache = bot_shop
    data = s.model_dump(mode="json")
    comp = {"type": "threshold", "kpi": "three_min_reply_rate", "target": 0.5, "amount_yuan": 100.0}
    data["behaviour"]["model"] = "none"  # nobody moves: the quick answer is the base run's, priced as the full path
    data["economics"]["baseline_scheme"] = None
    data["schemes"] = [{"name": "human", "components": [comp]},
                       {"name": "all", "components": [dict(comp, kpi_basis="all")]}]
    from model.schema import scenario_from_dict

    s2 = scenario_from_dict(data)
    clear_cache()
    quick = quick_comparison(s2, base)
    full = comparison_document(s2, cache=cache)
    cost = lambda doc, name: doc["schemes"][name]["economics"]["bonus_cost_yuan"]["mean"]  # noqa: E731
    for name in ("human", "all"):
        assert cost(quick, name) == pytest.approx(cost(full, name))
        assert quick["schemes"][name]["team"]["three_min_reply_rate"] == full["schemes"][name]["team"]["three_min_reply_rate"]
    assert cost(quick, "all") > cost(quick, "human")


def test_an_equilibrium_is_solved_once_per_process_and_each_caller_gets_its_own_copy(shop, monkeypatch) -> None:
    """The quick forecast, the confirming simulation, the band's centre and a tune's shortlist ask for the same
    equilibria: the second ask is not solved again, returns the same efforts, and a caller that changes its
    copy does not change the next caller's."""
    import model.behaviour.api as api

    s, base, _ = shop
    clear_cache()
    solved: list[str] = []
    real = api.solve
    monkeypatch.setattr(api, "solve", lambda cfg, scheme, *a, **k: solved.append(scheme.name) or real(cfg, scheme, *a, **k))
    sc = s.schemes[1]
    first = api.equilibrium(s, sc, base)
    first.agents[0]["expected_pay_yuan"] = -1.0
    first.effort[:] = 9.0
    again = api.equilibrium(s, sc, base)
    assert solved == [sc.name]
    assert again.effort.max() <= 1.0 and again.agents[0]["expected_pay_yuan"] != -1.0
    # the full comparison's response uses the same solve
    eff, report = api.respond(s, sc, base)
    assert solved == [sc.name] and report["agents"][0]["effort"] == again.agents[0]["effort"]
    # another scheme, another behaviour table or another run is solved anew
    other = s.model_copy(update={"behaviour": s.behaviour.model_copy(update={"selling_cost_yuan": 1234.0})})
    api.equilibrium(other, sc, base)
    api.equilibrium(s, s.schemes[2], base)
    assert solved == [sc.name, sc.name, s.schemes[2].name]
    # a record other than the base run's own is never answered from the cache
    from model.behaviour.kpimodel import base_record

    api.equilibrium(s, sc, base, record=copy.copy(base_record(base)))
    assert solved[-1] == sc.name and len(solved) == 4


def test_faster_agents_take_more_of_their_groups_chats_as_the_least_busy_router_gives_them(shop) -> None:
    """model.quick.rerouted: chats move toward the agents whose replies got faster, the group's chats per day stay
    as they were, an agent's ratios stay, equal speeds change nothing, round-robin routing changes nothing."""
    from model.quick import _C, open_times, rerouted

    s, base, _ = shop
    sums = base_sums(base)
    effort = np.zeros((s.agents.count, 4))
    effort[:3, 1] = 1.0  # three agents race on speed
    moved = moved_sums(s, sums, effort)
    out = rerouted(s, base, sums.agent, moved)
    chats = _C["chats"]
    np.testing.assert_allclose(out[..., chats].sum(axis=1), moved[..., chats].sum(axis=1), rtol=1e-9)
    assert out[:, :3, :, chats].sum() > moved[:, :3, :, chats].sum()
    assert out[:, 3:, :, chats].sum() < moved[:, 3:, :, chats].sum()
    with np.errstate(invalid="ignore", divide="ignore"):  # ratios of an agent-day stay (conversion here)
        a = out[..., _C["paid_buyers"]] / out[..., _C["inquiries"]]
        b = moved[..., _C["paid_buyers"]] / moved[..., _C["inquiries"]]
    ok = np.isfinite(a) & np.isfinite(b)
    np.testing.assert_allclose(a[ok], b[ok], rtol=1e-9)
    np.testing.assert_array_equal(out[..., _C["duty_s"]], moved[..., _C["duty_s"]])
    np.testing.assert_allclose(rerouted(s, base, sums.agent, sums.agent), sums.agent, rtol=1e-12)
    open_s, replying, n = open_times(base)
    assert (replying <= open_s + 1e-6).all() and n.sum() > 0
    rr = s.model_copy(update={"agents": s.agents.model_copy(update={"routing": "round_robin"})})
    assert rerouted(rr, base, sums.agent, moved) is moved


def test_re_routing_brings_the_quick_forecast_closer_to_the_simulation(shop) -> None:
    """The quick forecast used to keep each agent's chats and fell short of the simulation for every scheme that
    buys speed (the router gives a faster agent more chats); with re-routing its net gains are closer."""
    import model.quick as quick_mod

    s, base, cache = shop
    full = comparison_document(s, cache=cache)
    gaps = {}
    shipped = quick_mod.REROUTE_POWER
    for on in (False, True):
        quick_mod.REROUTE_POWER = shipped if on else 0.0  # 0: each agent keeps its chats
        clear_cache()
        try:
            gaps[on] = quick_gap(quick_comparison(s, base), full)
        finally:
            quick_mod.REROUTE_POWER = shipped
    total = {on: sum(abs(r["quick"] - r["full"]) for r in g["schemes"].values()) for on, g in gaps.items()}
    assert total[True] < total[False], total


def test_a_planned_months_quick_answer_carries_its_plan_as_the_full_one(shop) -> None:
    """The compare page's first answer is the quick forecast: for a planned month it must carry the plan (its
    dates judge the platform lines; the deck's next-month slide reads it) as the full comparison does."""
    from model.schema import PlanFacts

    s, base, cache = shop
    plan = PlanFacts(month="2026-11", first_date="2026-11-01", inquiries=9000, agents=10, paid_agent_hours=1500,
                     need_agent_hours=1400)
    planned = s.model_copy(update={"meta": s.meta.model_copy(update={"plan": plan})})
    quick = quick_comparison(planned, base)
    full = comparison_document(planned, cache=cache)
    assert quick["plan"] == full["plan"] and quick["plan"]["first_date"] == "2026-11-01"
    assert "plan" not in quick_comparison(s, base)
