"""The behaviour model: agents respond to a scheme (comparative statics, the sources' mechanisms, convergence,
determinism, bad input). One 30-day base run of a seed-000-like shop is shared by the module."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from model.behaviour.api import effort_effects, equilibrium, respond
from model.behaviour.curve import target_curve
from model.behaviour.kpimodel import base_record
from model.errors import ScenarioError
from model.language.behaviour import Behaviour
from model.schema import scenario_from_dict
from model.schemes.targets import targets, with_target
from model.simulate import simulate

BASE_SALARY = {"type": "base_salary", "base_yuan": 4000}


def shop(schemes: list[dict] | None = None, **behaviour) -> dict:
    """Seed 000's shop: 10 agents x 100 inquiries a day, conversion 40%, AOV 100 yuan, 30 days."""
    return {
        "meta": {"name": "t", "days": 30, "seed": 11, "replications": 2},
        "traffic": {"inquiries_per_day": 1000, "intraday_profile": "ecommerce", "open_hours": [8, 24]},
        "agents": {"count": 10},
        "outcomes": {"base_inquiry_conversion": 0.40, "base_aov_yuan": 100.0},
        "behaviour": {"model": "effort_equilibrium", **behaviour},
        "economics": {"baseline_scheme": "base"},
        "schemes": [{"name": "base", "components": [BASE_SALARY]}] + (schemes or []),
    }


def threshold(target: float, amount: float = 1000.0, kpi: str = "inquiry_conversion") -> dict:
    return {"name": f"thr {target}", "components": [BASE_SALARY, {"type": "threshold", "kpi": kpi,
                                                                  "target": target, "amount_yuan": amount}]}


@pytest.fixture(scope="module")
def world():
    s = scenario_from_dict(shop([threshold(0.44)]))
    base = simulate(s)
    return s, base, base_record(base)


def solve_for(world, scheme_dict: dict, **behaviour):
    s, base, rec = world
    data = shop([scheme_dict], **behaviour)
    s2 = scenario_from_dict(data)
    return equilibrium(s2, s2.schemes[1], base, rec)


def shop_conversion(world) -> float:
    _, base, _ = world
    return float(base.table()["inquiry_conversion"].mean())


# ---------------------------------------------------------------------------------------------- mechanisms
def test_unreachable_target_leaves_the_team_at_baseline(world):
    eq = solve_for(world, threshold(0.70))
    assert eq.converged
    assert np.all(eq.effort[:, 0] <= 0.01)
    assert eq.forecast["variable_pay_yuan"] == 0
    assert abs(eq.forecast["sales_uplift_yuan"]) < 1e-6 + 0.001 * eq.forecast["sales_yuan"]
    assert all(a["gave_up"] for a in eq.agents)


def test_secure_target_pays_most_agents_for_little_extra(world):
    low = solve_for(world, threshold(0.30))
    best = solve_for(world, threshold(round(shop_conversion(world) + 0.03, 2)))
    assert low.forecast["reach_share"] >= 0.8
    assert sum(a["secure"] for a in low.agents) >= 5  # secure agents coast at the norm
    assert low.forecast["sales_uplift_yuan"] < 0.5 * best.forecast["sales_uplift_yuan"]
    margin = 0.3
    net_low = low.forecast["sales_uplift_yuan"] * margin - low.forecast["variable_pay_yuan"]
    net_best = best.forecast["sales_uplift_yuan"] * margin - best.forecast["variable_pay_yuan"]
    assert net_best > net_low


def test_motivation_peaks_just_below_a_reachable_target(world):
    """Agents a little below the target try hardest; those far below give up, those far above coast."""
    s, base, _ = world
    conv = base.table(by_agent=True).groupby("agent")["inquiry_conversion"].mean().to_numpy()
    target = 0.44
    eq = solve_for(world, threshold(target))
    gap = target - conv
    near = (gap > 0) & (gap < 0.06)
    far = gap > 0.12
    above = gap < -0.04
    assert near.any()
    assert eq.effort[near, 0].mean() > 0.15
    if far.any():
        assert eq.effort[far, 0].max() < eq.effort[near, 0].mean()
    if above.any():
        assert eq.effort[above, 0].max() < eq.effort[near, 0].mean()


def test_best_target_lies_a_few_points_above_the_shop(world):
    s, base, rec = world
    data = shop([threshold(0.44)])
    s2 = scenario_from_dict(data)
    sc = s2.schemes[1]
    lab = targets(sc)[0].label
    c0 = shop_conversion(world)
    curve = target_curve(s2, sc, base, lab, np.round(np.arange(0.30, 0.58, 0.02), 2), record=rec)
    best = float(curve.loc[curve["net_gain_yuan"].idxmax(), "target"])
    assert c0 + 0.005 <= best <= c0 + 0.09, (c0, curve[["target", "net_gain_yuan"]])
    assert curve.loc[curve["target"] == 0.56, "net_gain_yuan"].iloc[0] < curve["net_gain_yuan"].max()


def test_a_larger_prize_never_lowers_effort_toward_a_reachable_target(world):
    efforts = [solve_for(world, threshold(0.44, amount)).effort[:, 0] for amount in (300, 1000, 3000)]
    for lo, hi in zip(efforts, efforts[1:], strict=False):
        assert hi.mean() >= lo.mean() - 1e-9
        assert np.all(hi >= lo - 0.08)  # per agent, up to the grid's resolution


def test_commission_gives_a_smooth_response(world):
    means = []
    for rate in (0.002, 0.005, 0.01):
        eq = solve_for(world, {"name": "c", "components": [BASE_SALARY, {"type": "commission", "rate": rate}]})
        assert eq.converged and not eq.interacting
        assert np.all(eq.effort[:, 0] > 0)  # nobody gives up on a commission
        assert not any(a["gave_up"] for a in eq.agents)
        means.append(eq.effort[:, 0].mean())
    assert means[0] < means[1] < means[2]


def test_paying_one_kpi_lowers_the_unpaid_ones(world):
    # order value: only selling effort moves it (faster replies keep buyers and so move conversion and sales,
    # so a conversion threshold pays speed too; docs/model.md section 10)
    eq = solve_for(world, threshold(102.0, kpi="aov_yuan"))
    sellers = eq.effort[:, 0] > 0.1
    assert sellers.any()
    assert np.all(eq.effort[sellers, 1] < 0) and np.all(eq.effort[sellers, 2] < 0)
    fx = effort_effects(Behaviour(model="effort_equilibrium"), eq.effort)
    assert np.all(np.asarray(fx.reply_time_mult)[sellers] > 1)  # slower replies
    assert np.all(np.asarray(fx.attitude_mult)[sellers] > 1)  # more bad-attitude ratings


def test_rank_prize_is_an_equilibrium_where_weak_agents_give_up(world):
    rank = {"name": "r", "components": [BASE_SALARY, {"type": "rank", "kpi": "inquiry_conversion",
                                                       "prizes_yuan": [2000]}]}
    eq = solve_for(world, rank)
    assert eq.interacting and eq.converged
    assert eq.effort[:, 0].max() > 0.2  # someone races
    assert sum(a["gave_up"] for a in eq.agents) >= 3  # the weak give up


def test_more_noise_weakens_tournament_effort(world):
    rank = {"name": "r", "components": [BASE_SALARY, {"type": "rank", "kpi": "inquiry_conversion",
                                                       "prizes_yuan": [1000, 600, 300]}]}
    quiet = solve_for(world, rank, performance_noise_cv=0.05)
    noisy = solve_for(world, rank, performance_noise_cv=0.4)
    assert noisy.effort[:, 0].mean() < quiet.effort[:, 0].mean()


def test_non_convergence_is_said_clearly(world):
    rank = {"name": "r", "components": [BASE_SALARY, {"type": "rank", "kpi": "inquiry_conversion",
                                                       "prizes_yuan": [2000]}]}
    eq = solve_for(world, rank, max_rounds=1)
    assert not eq.converged
    zh, en = eq.notes[-1]
    assert "未收敛" in zh and "did not reach an equilibrium" in en and "max_rounds" in en


def test_a_guard_lowers_gaming_and_gaming_costs_pay_for_no_sales(world):
    plain = solve_for(world, threshold(0.44), gaming=True)
    guarded = solve_for(world, {"name": "g", "components": [
        BASE_SALARY, {"type": "gate", "conditions": [{"kpi": "inquiry_ratio", "at_least": 0.95}],
                      "components": [{"type": "threshold", "kpi": "inquiry_conversion", "target": 0.44,
                                      "amount_yuan": 1000}]}]}, gaming=True)
    share = lambda eq: np.mean([a["gaming_share"] for a in eq.agents])  # noqa: E731
    assert share(plain) > 0.1
    assert share(guarded) < 0.5 * share(plain)
    assert plain.forecast["gaming_pay_yuan"] > 0
    assert guarded.forecast["gaming_pay_yuan"] < plain.forecast["gaming_pay_yuan"]


def test_no_variable_pay_means_no_response(world):
    eq = solve_for(world, {"name": "flat", "components": [BASE_SALARY]})
    assert not eq.responds and np.all(eq.effort == 0)
    assert "no response" in eq.notes[0][1]


def test_determinism(world):
    a = solve_for(world, threshold(0.44))
    b = solve_for(world, threshold(0.44))
    np.testing.assert_array_equal(a.effort, b.effort)
    assert a.agents == b.agents


def test_respond_is_identity_when_behaviour_is_off(world):
    s, base, _ = world
    off = scenario_from_dict({**shop([threshold(0.44)]), "behaviour": {"model": "none"}})
    fx, report = respond(off, off.schemes[1], base)
    assert fx.is_identity() and report is None


def test_with_target_changes_one_component_only():
    s = scenario_from_dict(shop([threshold(0.44)]))
    sc = s.schemes[1]
    lab = targets(sc)[0].label
    sc2 = with_target(sc, lab, 0.47)
    assert [t.value for t in targets(sc2)] == [0.47]
    assert [t.value for t in targets(sc)] == [0.44]


# ---------------------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(("key", "value", "words"), [
    ("selling_cost_yuan", -5, "greater than 0"),
    ("speed_cost_yuan", 0, "greater than 0"),
    ("risk_aversion_per_yuan", 0.5, "less than or equal"),
    ("conversion_gain_share", -0.1, "greater than or equal"),
    ("conversion_gain_share", 1.5, "less than or equal"),
    ("slack_floor", 0.2, "less than or equal"),
    ("cross_cost_share", 1.0, "less than 1"),
    ("model", "clever", "none"),
    ("noise_samples", 2, "greater than or equal"),
])
def test_bad_behaviour_keys_name_the_key(key, value, words):
    data = shop([threshold(0.44)])
    data["behaviour"][key] = value
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data, file="shop.toml")
    msg = str(err.value)
    assert f"behaviour.{key}" in msg and "shop.toml" in msg and words in msg


def test_gaming_without_a_behavioural_model_is_refused():
    data = copy.deepcopy(shop([threshold(0.44)]))
    data["behaviour"] = {"model": "none", "gaming": True}
    with pytest.raises(ScenarioError, match="gaming"):
        scenario_from_dict(data, file="shop.toml")


def test_more_prizes_than_agents_is_refused():
    data = shop([{"name": "r", "components": [BASE_SALARY, {"type": "rank", "kpi": "inquiry_conversion",
                                                              "prizes_yuan": [100] * 11}]}])
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data, file="shop.toml")
    assert "prizes_yuan" in str(err.value) and "10" in str(err.value)


# ---------------------------------------------------------------------------------------------- ratchet
def ratcheted(target: float = 0.42, add: float = 0.02) -> dict:
    sc = threshold(target)
    sc["ratchet"] = {"kpi": "inquiry_conversion", "add": add}
    return sc


def test_agents_who_anticipate_the_ratchet_hold_back(world):
    s, base, rec = world
    data = shop([ratcheted()], ratchet_foresight=1.0)
    data["meta"]["months"] = 3
    s3 = scenario_from_dict(data)
    ahead = equilibrium(s3, s3.schemes[1], base, rec)
    last = equilibrium(s3.model_copy(update={"meta": s3.meta.model_copy(update={"months": 1})}), s3.schemes[1],
                       base, rec)
    assert ahead.effort[:, 0].mean() < last.effort[:, 0].mean() - 0.03


def test_month_path_follows_the_rule():
    from model.months import _next_target, month_path

    data = shop([ratcheted(0.40, 0.03)])
    data["meta"].update({"months": 2, "days": 7, "replications": 2})
    s = scenario_from_dict(data)
    path = month_path(s, "thr 0.4")
    assert [r["month"] for r in path] == [1, 2]
    assert path[0]["target"] == 0.40
    assert path[1]["target"] == pytest.approx(max(0.40, path[0]["result"] + 0.03))
    assert _next_target(s.schemes[1], 0.45, 0.40) == 0.45  # only_up: never falls


def test_a_ratchet_on_an_unpaid_kpi_is_refused():
    sc = threshold(0.44)
    sc["ratchet"] = {"kpi": "avg_response_s", "add": -1}
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(shop([sc]), file="shop.toml")
    msg = str(err.value)
    assert "ratchet.kpi" in msg and "avg_response_s" in msg and "inquiry_conversion" in msg


# ---------------------------------------------------------------------------------------------- CLI
def test_cli_sensitivity_writes_the_tornado(tmp_path, capsys):
    import json

    from model import cli
    from model.behaviour.sensitivity import RANGES

    out = tmp_path / "sens.json"
    rc = cli.main(["sensitivity", "scenarios/taobao_10_agents.toml", "--reps", "1", "--set", "meta.days=2",
                   "--set", "behaviour.noise_samples=16",
                   "--scheme", "达标奖 45%", "--json", str(out)])
    assert rc == 0
    table = json.loads(out.read_text(encoding="utf-8"))
    assert table["scheme"] == "达标奖 45%" and len(table["rows"]) == len(RANGES)
    assert all(r["low_value"] <= r["value"] <= r["high_value"] or r["param"] == "cross_cost_share"
               for r in table["rows"])
    text = capsys.readouterr().out
    assert "最佳目标 best target" in text and "销售努力成本 selling effort cost" in text


@pytest.mark.parametrize(("args", "words"), [
    (["--set", "behaviour.model=none"], "nothing to test"),
    (["--scheme", "nope"], "no scheme named 'nope'"),
    (["--scheme", "响应时间第一 800 元"], "no component with a numeric target"),
])
def test_cli_sensitivity_refuses_with_a_message(args, words, capsys):
    from model import cli

    rc = cli.main(["sensitivity", "scenarios/taobao_10_agents.toml", "--reps", "1", "--set", "meta.days=1", *args])
    assert rc == 2
    assert words in capsys.readouterr().err
