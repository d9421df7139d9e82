"""The response estimated from a shop's months (model/history/response.py, issue 14): parameter recovery on exports
made from known parameters by the product's own model, refusals and warnings when the months cannot identify
them, the back-test, the written scenario and the CLI."""

from __future__ import annotations

import importlib.util
import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from model.errors import ScenarioError
from model.history import response as R
from model.history.months import match_months, parse_month_schemes, read_month_schemes
from model.history.sums import kpis
from model.history.validate import load_history
from model.schema import scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "months"


def _make_months():
    spec = importlib.util.spec_from_file_location("make_months", SAMPLE / "make_months.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def months():
    h = load_history(SAMPLE / "shop_2026-07_10.csv")
    return match_months([h], read_month_schemes(SAMPLE / "months.toml"))


@pytest.fixture(scope="module")
def fit(months):
    return R.estimate(months, passes=1, bootstrap=200)


def test_the_sample_is_what_the_script_writes():
    """The committed sample is the script's output (the recovery below is checked against its TRUE values)."""
    mm = _make_months()
    assert (SAMPLE / "months.toml").read_text(encoding="utf-8") == mm.MONTHS_TOML
    head = (SAMPLE / "shop_2026-07_10.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert head == list(mm.HEADERS)


def test_recovers_the_known_parameters_inside_its_intervals(fit):
    """Exports simulated by the engine under four schemes with known effort costs: every estimate's 90% interval
    holds the truth, and the schemes that pay on conversion and response time identify the selling and speed costs
    to within a factor of two (the interval is not the whole searched range)."""
    truth = _make_months().TRUE
    for p, v in truth.items():
        assert fit.identified[p], (p, fit.reasons.get(p))
        lo, hi = fit.intervals[p]
        assert lo <= v <= hi, (p, v, lo, hi, fit.values[p])
    for p in ("selling_cost_yuan", "speed_cost_yuan"):
        assert 0.5 <= fit.values[p] / truth[p] <= 2.0, (p, fit.values[p])
        lo, hi = fit.intervals[p]
        prof = fit.profiles[p]
        assert hi / lo < prof.grid[-1] / prof.grid[0] / 4  # informative: far narrower than the grid
    assert fit.behaviour.estimated is not None
    assert fit.behaviour.estimated.months == ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert "2026-07" in fit.norm[1]  # the base-pay month sets the norm


def test_the_fit_is_the_best_of_its_profile(fit):
    """Each fitted value sits at (or between the neighbours of) the minimum of its profile."""
    for p, prof in fit.profiles.items():
        k = int(np.argmin(prof.j))
        lo, hi = prof.grid[max(k - 1, 0)], prof.grid[min(k + 1, len(prof.grid) - 1)]
        assert lo <= fit.values[p] <= hi, (p, fit.values[p], prof.grid[k])


def test_the_joint_refinement_lowers_the_objective_and_keeps_recovery(fit):
    """After the coordinate pass, service cost and decision noise are refined together (Nelder-Mead on their
    log-values, model.history.response._joint): kept only because it lowered the same objective, within one grid
    step of the coordinate values; on the engine-made sample each refined value moves towards its truth or stays
    inside its 90% interval (bench joint prints both)."""
    truth = _make_months().TRUE
    j = fit.joint
    assert j is not None and j.params == R.JOINT
    assert j.evaluations <= R.JOINT_EVALS * len(j.params)
    cfg = fit.behaviour.model_copy(update={"estimated": None})
    mom = R.Moments(fit.panel, cfg)
    before = float(mom.j(fit.predictor.predict(R._cfg(cfg, j.before))[0]))  # cached: no new solve
    after = float(mom.j(fit.predictor.predict(R._cfg(cfg, fit.values))[0]))
    assert before == pytest.approx(j.j_before) and after == pytest.approx(j.j_after)
    if j.kept:
        assert after < before
        assert {p: fit.values[p] for p in j.params} == j.after
    else:
        assert {p: fit.values[p] for p in j.params} == j.before
    for p in j.params:
        assert 1 / R.JOINT_STEP - 1e-9 <= fit.values[p] / j.before[p] <= R.JOINT_STEP + 1e-9
        closer = abs(math.log(fit.values[p] / truth[p])) <= abs(math.log(j.before[p] / truth[p])) + 1e-12
        lo, hi = fit.intervals[p]
        assert closer or lo <= truth[p] <= hi, (p, j.before[p], fit.values[p], truth[p])


class _Bowl:
    """A stand-in predictor and objective: J = sum of squared log-distances to ``centre`` (plus a constant)."""

    def __init__(self, centre: dict[str, float]) -> None:
        self.centre = centre
        self.calls = 0

    def prefetch(self, cfgs) -> None:
        pass

    def predict(self, cfg):
        self.calls += 1
        return np.array([math.log(getattr(cfg, p) / v) for p, v in self.centre.items()]), None

    def j(self, x) -> float:
        return float(np.sum(np.asarray(x) ** 2) + 1.0)


def test_joint_refinement_is_kept_only_where_it_lowers_the_objective():
    from model.language.behaviour import Behaviour

    cfg = Behaviour(model="effort_equilibrium")
    at = {"service_cost_yuan": 3000.0, "decision_noise_yuan": 30.0}
    bowl = _Bowl(at)
    stay = R._joint(bowl, bowl, cfg, dict(at), R.JOINT, None)  # already at the minimum: nothing lower is found
    assert not stay.kept and stay.after == at and stay.j_after == stay.j_before == 1.0
    assert stay.evaluations == bowl.calls <= R.JOINT_EVALS * 2
    off = {"service_cost_yuan": 4000.0, "decision_noise_yuan": 22.0}
    moved = R._joint(_Bowl(at), _Bowl(at), cfg, dict(off), R.JOINT, None)
    assert moved.kept and moved.j_after < moved.j_before
    for p in R.JOINT:  # towards the minimum, never past one grid step
        assert abs(math.log(moved.after[p] / at[p])) < abs(math.log(off[p] / at[p]))
    far = {"service_cost_yuan": 3000.0 * 16, "decision_noise_yuan": 30.0}
    capped = R._joint(_Bowl(at), _Bowl(at), cfg, dict(far), R.JOINT, None, evals=40)
    assert capped.kept and capped.after["service_cost_yuan"] >= far["service_cost_yuan"] / R.JOINT_STEP - 1e-6
    assert capped.evaluations <= 40
    short = _Bowl(at)
    assert R._joint(short, short, cfg, dict(off), R.JOINT, None, evals=4).evaluations == short.calls == 4  # hard cap


def test_two_workers_give_the_same_estimate(fit, months):
    """The grid points of a profile are solved on worker processes: the same solves, the same numbers, whatever
    the number of workers (issue 14 leftover; bench/response.py times 2 workers against 1)."""
    two = R.estimate(months, passes=1, bootstrap=200, workers=2)
    assert two.solves == fit.solves
    assert two.values == fit.values
    assert two.intervals == fit.intervals
    assert two.identified == fit.identified and two.reasons == fit.reasons
    assert np.array_equal(two.predicted, fit.predicted, equal_nan=True)
    for p, prof in fit.profiles.items():
        assert np.array_equal(two.profiles[p].j, prof.j)
    assert two.predictor is not None and two.predictor.executor is None  # the pool is closed afterwards


def test_two_workers_give_the_same_backtest(bt, months):
    two = R.backtest(months, params=("selling_cost_yuan", "speed_cost_yuan"), bootstrap=100, workers=2)
    assert two["team"] == bt["team"]
    assert two["agents"] == bt["agents"]


def test_refuses_months_that_cannot_show_a_response(months):
    with pytest.raises(ScenarioError, match="at least two months"):
        R.check_months(months[:1])
    same = [months[0], months[0].__class__("2026-08", months[1].history, None)]
    with pytest.raises(ScenarioError, match="same scheme") as e:
        R.check_months(same)
    assert "2026-07, 2026-08" in str(e.value)


def test_a_cost_no_scheme_pays_on_is_not_identified(months):
    """Base pay, then a conversion threshold: nothing pays on ratings, so the service cost cannot be told apart
    over its range; the default is kept and the reason says why."""
    est = R.estimate(months[:2], params=("service_cost_yuan",), bootstrap=50)
    assert not est.identified["service_cost_yuan"]
    assert est.values["service_cost_yuan"] == est.start["service_cost_yuan"]
    assert est.joint is None  # one of the pair fitted: no joint refinement
    assert "service_cost_yuan" not in est.intervals
    assert "Not identified" in est.reasons["service_cost_yuan"][1]
    assert "service_cost_yuan" in est.behaviour.estimated.not_identified
    # parameters not asked for keep their start and say so
    assert not est.identified["selling_cost_yuan"]
    assert est.values["selling_cost_yuan"] == est.start["selling_cost_yuan"]


def test_two_passes_take_the_intervals_from_profiles_at_the_final_values(months):
    """With two passes the last profiles are taken again at the final values (each pass's profile is conditional
    on the others' values at that moment); the values are the passes' and each final grid is centred on its value."""
    est = R.estimate(months[:3], params=("selling_cost_yuan", "speed_cost_yuan"), passes=2, bootstrap=20)
    again = R.estimate(months[:3], params=("selling_cost_yuan", "speed_cost_yuan"), passes=2, bootstrap=20,
                       final_profiles=False)
    assert est.values == again.values
    for p in ("selling_cost_yuan", "speed_cost_yuan"):
        grid = est.profiles[p].grid
        assert grid[len(grid) // 2] == pytest.approx(est.values[p])
    # the first parameter's stale profile (taken before the second moved) differs from the final one
    assert not np.array_equal(est.profiles["selling_cost_yuan"].j, again.profiles["selling_cost_yuan"].j)


def test_the_norm_says_what_it_rests_on(months):
    """One base-pay month: the norm rests on it, said (nothing widened). None: all months, and which scheme
    dominates when one paid two of three. Two base-pay months: their average. Repeated schemes are noted."""
    M = months[0].__class__
    base, x, y, z = months  # base pay, conversion threshold, response prize, rating + conversion
    one = R.norm_note(months)
    assert "rests on one base-pay-only month, 2026-07" in one[1] and "do not include" in one[1]
    assert "2026-07" in one[0] and "区间没有包含" in one[0]
    two_base = [base, M("2026-08", x.history, None), y]
    both = R.norm_note(two_base)
    assert "average of the 2 base-pay-only months: 2026-07, 2026-08" in both[1]
    # two months of the same scheme plus one other, no base pay: all months, leaning to the repeated scheme
    same = [M("2026-07", base.history, x.scheme), x, y]
    none = R.norm_note(same)
    assert "No month was paid by base pay only" in none[1] and "2026-07, 2026-08, 2026-09" in none[1]
    assert f"'{x.scheme.name}' paid 2 of the 3 months" in none[1] and "do not include" in none[1]
    assert x.scheme.name in none[0]
    notes = R.repeat_notes(same)
    assert len(notes) == 1 and notes[0][1].startswith("2026-07, 2026-08 were all paid by")
    assert R.repeat_notes(months) == [] and R.repeat_notes(two_base) == []  # base pay repeated is the norm, not noted
    R.check_months(same)  # two schemes: estimable
    # its back-test would fit on the two months of one scheme: refused, naming them
    out = R.backtest(same)
    assert not out["available"] and "2026-07, 2026-08" in out["reason"][1] and "one scheme" in out["reason"][1]


def test_profile_interval_is_where_the_rise_crosses_the_chi_square_point():
    grid = 2.0 ** np.arange(-3, 4) * 100
    x = np.log(grid / 100)
    rise = 4.0 * x ** 2  # crosses 2.706 at |x| = sqrt(2.706 / 4)
    lo, hi = R.profile_interval(grid, rise, 100.0)
    half = math.sqrt(R.CHI2_90 / 4)
    # linear interpolation between grid points: within a grid step of the exact crossing, on the right side
    assert 100 * math.exp(-half) * 0.5 <= lo <= 100 * math.exp(-half) * 1.25
    assert 100 * math.exp(half) * 0.8 <= hi <= 100 * math.exp(half) * 2
    flat = np.zeros(len(grid))
    assert R.profile_interval(grid, flat, 100.0) == (grid[0], grid[-1])


@pytest.fixture(scope="module")
def bt(months):
    return R.backtest(months, params=("selling_cost_yuan", "speed_cost_yuan"), bootstrap=100)


def test_backtest_forecasts_the_last_month_from_the_others(bt, months):
    assert bt["available"]
    assert bt["month"] == "2026-10" and bt["fit_months"] == ["2026-07", "2026-08", "2026-09"]
    assert bt["scheme"] == months[-1].scheme.name
    assert bt["estimate"].months == bt["fit_months"]  # fitted without the month it forecasts
    actual = kpis(months[-1].history, []).iloc[0]
    for code, v in bt["team"].items():
        assert v["actual"] == pytest.approx(float(actual[code]))  # the actual is the export's own team KPI
        assert v["low"] <= v["forecast"] <= v["high"]
    # the response the fit learnt predicts the month's conversion and response time inside the interval
    assert bt["team"]["inquiry_conversion"]["inside"]
    assert bt["team"]["avg_response_s"]["inside"]
    # and the forecast moved from the fit months in the right direction: the last month pays on conversion
    conv = bt["team"]["inquiry_conversion"]
    base = float(kpis(months[0].history, []).iloc[0]["inquiry_conversion"])
    assert conv["forecast"] > base
    assert len(bt["agents"]) == 8 and all("inquiry_conversion" in a for a in bt["agents"])
    assert 0.5 <= bt["inside_share"]["inquiry_conversion"] <= 1.0


def test_backtest_says_when_it_cannot_be_made(months):
    two = R.backtest(months[:2])
    assert not two["available"] and "three months" in two["reason"][1]
    same = [months[0], months[0].__class__("2026-08", months[1].history, None), months[2]]
    out = R.backtest(same)
    assert not out["available"] and "one scheme" in out["reason"][1]


def test_written_scenario_loads_with_the_fit_and_its_provenance(fit, bt, months):
    from model.history.calibrate import calibrate

    cal = calibrate(months[0].history, R.response_template(), refine_steps=0)
    text = R.with_behaviour(cal.toml, R.behaviour_toml(fit, None, bt))
    s = scenario_from_dict(tomllib.loads(text), file="<fitted>")
    b = s.behaviour
    assert b.active
    for p in fit.values:
        assert getattr(b, p) == pytest.approx(fit.values[p], rel=1e-4)
    assert b.estimated.months == fit.months
    assert set(b.estimated.intervals) == {p for p, ok in fit.identified.items() if ok}
    assert b.estimated.backtest.month == "2026-10"
    f, lo, hi, act = b.estimated.backtest.kpis["inquiry_conversion"]
    assert lo <= f <= hi and act == pytest.approx(bt["team"]["inquiry_conversion"]["actual"], rel=1e-5)
    assert text.count("[behaviour]") == 1  # the template's table was replaced, not doubled
    assert "estimated from 2026-07" in text  # the comments name the months


def test_response_text_and_document(fit, bt):
    from model.history.commands import _jsonable, response_document, response_text

    doc = response_document(fit, bt)
    json.dumps(_jsonable(doc), ensure_ascii=False)
    text = response_text(doc)
    assert "销售努力成本" in text and "selling effort cost" in text
    assert "回测 back-test" in text and "2026-10" in text
    assert [r["param"] for r in doc["parameters"]] == list(R.ESTIMABLE)
    assert doc["joint"]["params"] == list(R.JOINT) and doc["joint"]["j_after"] <= doc["joint"]["j_before"]
    assert "joint refinement (service_cost_yuan, decision_noise_yuan)" in text


def test_cli_refuses_a_month_without_a_scheme(tmp_path, capsys):
    from model.cli import main

    bad = tmp_path / "months.toml"
    bad.write_text('[months]\n"2026-07" = ""\n"2026-08" = ""\n', encoding="utf-8")
    rc = main(["calibrate", str(SAMPLE / "shop_2026-07_10.csv"), "--schemes", str(bad), "--out",
               str(tmp_path / "x.toml")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "2026-09" in err and "no scheme" in err and "months.toml" in err
    one = tmp_path / "one.toml"
    one.write_text(parse_ok_months(), encoding="utf-8")
    rc = main(["calibrate", str(SAMPLE / "shop_2026-07_10.csv"), "--schemes", str(one), "--out",
               str(tmp_path / "y.toml")])
    assert rc == 2
    assert "same scheme" in capsys.readouterr().err
    assert not (tmp_path / "y.toml").exists()


def parse_ok_months() -> str:
    text = '[months]\n' + "".join(f'"2026-{m:02d}" = ""\n' for m in (7, 8, 9, 10))
    parse_month_schemes(tomllib.loads(text))
    return text
