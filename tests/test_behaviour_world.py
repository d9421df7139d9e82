"""One world for the agents and the engine (issue 20 item 2).

The engine draws the monthly shocks the agents plan against (``model.shocks``), and the agents' forecast moves
conversion, abandonment and ratings with each chat's first response as the engine does (the buyers' patience law,
the slow tail included). The forecast and the engine then agree on the sales uplift and on the share of targets
reached (bench/agreement.py prints the figures for every shipped scenario)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import TAOBAO
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from model.behaviour.kpimodel import COL, base_record, draw_noise, forecast_sums, patience_cdf
from model.draws import make_draws
from model.edits import with_edits
from model.pipeline import compare_schemes
from model.scenario import load_scenario
from model.schema import scenario_from_dict
from model.simulate import simulate


def small_shop(**behaviour) -> dict:
    return {
        "meta": {"name": "w", "days": 14, "seed": 5, "replications": 6},
        "traffic": {"inquiries_per_day": 600, "intraday_profile": "flat"},
        "agents": {"count": 6},
        "behaviour": {"model": "effort_equilibrium", **behaviour},
        "schemes": [{"name": "base", "components": [{"type": "base_salary", "base_yuan": 4000}]}],
    }


def test_the_engine_draws_shocks_only_with_the_behaviour_model_on():
    on = scenario_from_dict(small_shop())
    off = scenario_from_dict({**small_shop(), "behaviour": {"model": "none"}})
    assert make_draws(off, 0).shocks is None  # the mechanics world of the queueing validations
    a, b = make_draws(on, 0).shocks, make_draws(on, 1).shocks
    assert a is not None and not np.allclose(a.conversion, b.conversion)  # a new month, new luck
    bigger = scenario_from_dict({**small_shop(), "agents": {"count": 9}})
    c = make_draws(bigger, 0).shocks
    assert np.array_equal(c.conversion[:6], a.conversion) and np.array_equal(c.volume_week, a.volume_week)
    still = scenario_from_dict(small_shop(performance_noise_cv=0.0, team_shock_cv=0.0))
    assert make_draws(still, 0).shocks is None
    for f in (a.conversion, a.speed, a.volume_week, a.conversion_week):
        assert np.all(f > 0)


def test_each_agents_month_follows_its_shock_in_the_engine():
    s = scenario_from_dict(small_shop(performance_noise_cv=0.5, team_shock_cv=0.4))
    res = simulate(s)
    c = res.chats
    served = c[(c["agent"] >= 0) & (c["status"] != 2) & ~c["aftersale"] & ~c["advert"] & ~c["unresponsive"]
               & c["purchase_days_ago"].isna()]
    conv = served.groupby(["rep", "agent"])["paid"].mean()
    shock = np.array([res.draws[r].shocks.conversion[a] for r, a in conv.index])
    assert np.corrcoef(np.log(conv.to_numpy()), np.log(shock))[0, 1] > 0.6
    m = res.msgs[res.msgs["agent"] >= 0]
    m = m[m["type_s"] > 0]
    rt = m["type_s"].groupby([m["rep"], m["agent"]]).mean()
    speed = np.array([res.draws[r].shocks.speed[a] for r, a in rt.index])
    assert np.corrcoef(np.log(rt.to_numpy()), np.log(speed))[0, 1] > 0.6
    week = (c["day"] // 7).to_numpy()
    arrivals = c.assign(week=week).groupby(["rep", "week"]).size()
    vol = np.array([res.draws[r].shocks.volume_week[w] for r, w in arrivals.index])
    assert np.corrcoef(np.log(arrivals.to_numpy()), np.log(vol))[0, 1] > 0.8


def test_the_forecast_keeps_the_buyers_a_faster_first_reply_keeps():
    s = scenario_from_dict({**small_shop(), "agents": {"count": 3, "reaction_latency": {"mean_s": 40.0}}, "meta": {"name": "w", "days": 7, "seed": 5,
                                                                            "replications": 2},
                            "customers": {"patience": {"dist": "exponential", "mean_s": 40.0}}})
    rec = base_record(simulate(s)).collapsed()
    assert rec.patience == ("exponential", 40.0, 1.0)
    a0 = rec.sums[:, 0, COL["abandoned"]] / rec.sums[:, 0, COL["chats"]]
    assert np.all(a0 > 0.05)  # impatient buyers leave
    noise = draw_noise(0, 1, 3, 1)
    zero = type(noise)(*(np.zeros_like(x) for x in (noise.z, noise.agent_shock, noise.team, noise.rival)))
    cfg = s.behaviour.model_copy(update={"performance_noise_cv": 0.0, "team_shock_cv": 0.0})  # z = 0 is the norm
    effort = np.zeros((2, 3, 4))
    effort[1, :, 1] = 1.0  # full speed
    out = forecast_sums(cfg, rec, s.outcomes, effort, zero, np.array([0, 0]))[:, :, 0]
    assert np.allclose(out[0, :, COL["paid_buyers"]], rec.sums[:, 0, COL["paid_buyers"]], rtol=1e-9)  # the norm
    assert np.all(out[1, :, COL["abandoned"]] < 0.7 * out[0, :, COL["abandoned"]])
    assert np.all(out[1, :, COL["paid_buyers"]] > 1.03 * out[0, :, COL["paid_buyers"]])
    patient = dataclasses.replace(rec, patience=("none", 40.0, 1.0))
    flat = forecast_sums(cfg, patient, s.outcomes, effort, zero, np.array([0, 0]))[:, :, 0]
    assert np.allclose(flat[1, :, COL["abandoned"]], flat[0, :, COL["abandoned"]])  # nobody would have left


def test_patience_law_matches_the_engines_draws():
    rng = np.random.default_rng(3)
    from model.rng import unit_variates

    for dist, cv in (("exponential", 1.0), ("lognormal", 0.6), ("lognormal", 2.0)):
        x = unit_variates(rng, dist, cv, 200_000) * 90.0
        for t in (10.0, 60.0, 200.0):
            assert abs(patience_cdf((dist, 90.0, cv), np.array(t)) - (x < t).mean()) < 0.005
    assert patience_cdf(("none", 90.0, 1.0), np.array(50.0)) == 0


@pytest.fixture(scope="module")
def shop_compare():
    s = with_edits(load_scenario(TAOBAO), {"meta.days": 10, "meta.replications": 2})
    return compare_schemes(s)


def test_forecast_and_engine_agree_on_the_shipped_shop(shop_compare):
    from bench.agreement import rows

    found = rows(shop_compare)
    assert len(found) == 3  # two thresholds and the response prize respond
    for r in found:
        assert abs(r["gap_share_of_revenue"]) <= 0.03, r  # bench/agreement.py: within 2.1% on this shop
        # and within a quarter of the engine's uplift (measured: 3-17%; the forecast that saw only the mean first
        # response, and no buyer who leaves, missed by 28-86%: 6,614 against 46,146 yuan for the response prize)
        assert abs(r["forecast_uplift_yuan"] - r["engine_uplift_yuan"]) <= 0.25 * r["engine_uplift_yuan"], r
        assert abs(r["forecast_reach"] - r["engine_reach"]) <= 0.12, r
        assert r["engine_uplift_yuan"] > 0 and r["forecast_uplift_yuan"] > 0


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # a shrink re-runs the engine for minutes
@given(agents=st.integers(5, 10), per_agent=st.integers(100, 160), latency=st.sampled_from([0.0, 20.0, 50.0]),
       patience=st.floats(60.0, 400.0), seed=st.integers(0, 10_000), kind=st.sampled_from(["threshold", "commission"]),
       lift=st.floats(0.0, 0.05))
def test_forecast_and_engine_agree_on_random_shops(agents, per_agent, latency, patience, seed, kind, lift):
    """Random shops and schemes: the agents' forecast of the sales uplift within 3% of revenue plus 15% of the
    engine's uplift (a 1% commission lifts sales by a quarter: measured 13% apart), and
    of the share of targets reached within 0.25 (one week, two replications of at least 3,500 inquirers: the
    engine's own noise is part of the gap; smaller shops are noise, not model)."""
    from bench.agreement import rows

    data = {
        "meta": {"name": "agree", "days": 7, "seed": seed, "replications": 2},
        "traffic": {"inquiries_per_day": agents * per_agent, "intraday_profile": "ecommerce", "open_hours": [8, 24]},
        "agents": {"count": agents, "reaction_latency": {"mean_s": latency}},
        "customers": {"patience": {"dist": "exponential", "mean_s": patience}},
        "behaviour": {"model": "effort_equilibrium", "noise_samples": 24},
        "economics": {"baseline_scheme": "base"},
        "schemes": [{"name": "base", "components": [{"type": "base_salary", "base_yuan": 4000}]}],
    }
    base = simulate(scenario_from_dict(data))
    c0 = float(base.table()["inquiry_conversion"].mean())
    pay = ({"type": "threshold", "kpi": "inquiry_conversion", "target": round(c0 + lift, 3), "amount_yuan": 1000.0}
           if kind == "threshold" else {"type": "commission", "rate": 0.01})
    data["schemes"].append({"name": "s", "components": [{"type": "base_salary", "base_yuan": 4000}, pay]})
    found = rows(compare_schemes(scenario_from_dict(data), base=base))
    for r in found:
        gap = abs(r["forecast_uplift_yuan"] - r["engine_uplift_yuan"])
        revenue = gap / abs(r["gap_share_of_revenue"]) if r["gap_share_of_revenue"] else np.inf
        assert gap <= 0.03 * revenue + 0.15 * abs(r["engine_uplift_yuan"]), r
        if r["forecast_reach"] is not None and r["engine_reach"] is not None:
            assert abs(r["forecast_reach"] - r["engine_reach"]) <= 0.25, r
