"""Schemes side by side (model/priced.py, model/document.py, the CLI): common random numbers, seed 000's case run as a
scenario, re-pricing without SimPy, the JSON contract and the marking of assumed effects.

Short horizons (7 days, 2-3 replications) keep the module well under a minute.
"""

from __future__ import annotations

import json
import tomllib

import pandas as pd
import pytest
from conftest import ROOT, SCENARIOS, run_cli

import model.chatcentre
from model.document import evaluate
from model.edits import with_edits
from model.pipeline import compare_schemes, effects_for, run_for
from model.priced import price_result
from model.scenario import load_scenario
from model.simulate import simulate

DAYS = 7
REPS = 3
THRESHOLD = SCENARIOS / "seed000_threshold_48.toml"
RANK = SCENARIOS / "seed000_rank_response_800.toml"
NO_EFFECT, WITH_EFFECT, BASE_ONLY = "达标奖 48%", "达标奖 48% + 假设 +20%/+20%", "仅底薪"
CONTRACT_ECONOMICS = ("revenue_yuan", "cs_sales_yuan", "uplift_yuan", "gross_profit_uplift_yuan", "bonus_cost_yuan",
                      "net_gain_yuan", "roi", "payout_share_of_incremental_profit", "p_net_loss")
SCHEME_FILES = sorted(p for p in SCENARIOS.glob("*.toml") if tomllib.loads(p.read_text("utf-8")).get("schemes"))


def short(path, **changes):
    """A scenario file on a short horizon."""
    return with_edits(load_scenario(path), {"meta.days": DAYS, "meta.replications": REPS, **changes})


class EngineCounter:
    """Counts calls of the SimPy engine (model.chatcentre.run) while delegating to it."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def __call__(self, *a, **k):
        self.calls += 1
        return self.real(*a, **k)


@pytest.fixture
def engine_calls(monkeypatch):
    counter = EngineCounter(model.chatcentre.run)
    monkeypatch.setattr(model.chatcentre, "run", counter)
    return counter


@pytest.fixture(scope="module")
def seed000():
    """Seed 000's threshold scenario, its base run and the compared schemes."""
    s = short(THRESHOLD)
    base = simulate(s)
    doc = compare_schemes(base.scenario, base=base)
    return s, base, doc


def scheme(s, name):
    return next(sc for sc in s.schemes if sc.name == name)


# ------------------------------------------------------------------------------------- common random numbers
def test_scheme_without_effects_has_the_baselines_kpis_and_zero_uplift(seed000):
    s, base, doc = seed000
    plain, ref = doc["schemes"][NO_EFFECT], doc["schemes"][BASE_ONLY]
    assert plain["team"] == ref["team"]
    assert plain["team"]["sales_yuan"]["mean"] > 0
    for code in ("uplift_yuan", "gross_profit_uplift_yuan"):
        assert plain["economics"][code] == {"mean": 0.0, "lo": None, "hi": None, "note": "constant"}
    assert plain["economics"]["revenue_yuan"] == ref["economics"]["revenue_yuan"]
    # a bonus without any change in the KPIs is a pure loss whenever anyone is paid
    cost = plain["economics"]["bonus_cost_yuan"]["mean"]
    assert cost > 0
    assert plain["economics"]["net_gain_yuan"]["mean"] == pytest.approx(-cost)
    # ... and its interval cannot reach above 0 (the per-replication difference is minus a non-negative cost)
    ng = plain["economics"]["net_gain_yuan"]
    assert ng["hi"] is None or ng["hi"] <= 0
    # and the team KPIs are those of the run itself (the scheme re-used the base records)
    run_team = base.table()
    assert plain["team"]["inquiry_conversion"]["mean"] == pytest.approx(run_team["inquiry_conversion"].mean())


# --------------------------------------------------------------------------------------- seed 000 as a scenario
def test_seed000_assumed_20_20_lifts_cs_sales_by_about_44_percent(seed000):
    s, base, doc = seed000
    b = doc["schemes"][BASE_ONLY]["economics"]["cs_sales_yuan"]["mean"]
    a = doc["schemes"][WITH_EFFECT]["economics"]["cs_sales_yuan"]["mean"]
    month = 1_200_000 * DAYS / 30  # seed 000: 1,000 inquiries/day x 40% x 100 yuan, scaled to the horizon
    # waits and abandonment cost a little conversion (the team converts ~39.5%, not 40%); noise is a few %
    assert 0.93 * month <= b <= 1.02 * month
    assert 0.93 * 1.728_000 * month / 1.2 <= a <= 1.02 * 1.728 * month / 1.2
    # x1.2 conversion and x1.2 order value act per chat on the same random numbers, so the ratio is 1.44 up to
    # the outcome draws that flip at the margin (a conversion draw that is above 40% but below 48%) and the
    # clipping of the best agents' probabilities at 1
    assert 1.40 <= a / b <= 1.48
    uplift = doc["schemes"][WITH_EFFECT]["economics"]["uplift_yuan"]["mean"]
    assert uplift == pytest.approx(a - b, rel=1e-9)


def test_bonus_cost_is_priced_on_the_resulting_kpis(seed000):
    s, base, doc = seed000
    sc = scheme(s, WITH_EFFECT)
    res = run_for(base.scenario, effects_for(sc, base.scenario)[0], base=base)
    agents = res.table(by_agent=True)
    reached = agents["inquiry_conversion"] >= 0.48
    # the monthly 1,000 yuan is prorated to the short horizon (days / 30)
    per_rep = 1000 * s.meta.days / 30 * reached.groupby(agents["rep"]).sum()
    block = doc["schemes"][WITH_EFFECT]
    assert [r["bonus_cost_yuan"] for r in block["per_replication"]] == pytest.approx(per_rep.tolist())
    assert block["economics"]["bonus_cost_yuan"]["mean"] == pytest.approx(per_rep.mean())
    # more agents reach 48% with the assumed +20% than without it
    plain = base.table(by_agent=True)
    assert per_rep.sum() > 1000 * s.meta.days / 30 * (plain["inquiry_conversion"] >= 0.48).sum()
    # per agent: 1,000 yuan (prorated) x the share of replications the agent reached the target
    share = reached.groupby(agents["agent"]).mean()
    for row in block["agents"]:
        assert row["pay_yuan"] == pytest.approx(1000 * s.meta.days / 30 * share[row["agent"]])
        assert sum(row["breakdown"].values()) == pytest.approx(row["variable_yuan"])


# ------------------------------------------------------------------------------------ re-pricing without SimPy
def test_repricing_a_target_or_amount_never_runs_the_engine(seed000, engine_calls):
    s, base, _ = seed000
    sc = scheme(s, WITH_EFFECT)
    res = run_for(base.scenario, effects_for(sc, base.scenario)[0], base=base)  # outcome effects only: the engine records are re-used

    def cost(**change):
        changed = sc.model_copy(deep=True)
        for k, v in change.items():
            setattr(changed.components[0], k, v)
        return price_result(changed, res, base).pay["variable_yuan"].sum()

    c48 = cost()
    assert cost(target=0.46) > c48 > cost(target=0.55)
    assert cost(amount_yuan=2000) == pytest.approx(2 * c48)
    assert cost(amount_yuan=0) == 0
    compare_schemes(base.scenario, base=base)  # a whole comparison without reply-time effects re-uses the base run
    assert engine_calls.calls == 0


def test_a_reply_time_effect_resimulates_on_the_same_seed(engine_calls):
    s = short(RANK)
    base = simulate(s)
    assert engine_calls.calls == REPS
    fast = scheme(s, "响应时间第一 800 元 + 假设回复快 30%")
    eff = effects_for(fast, s)[0]
    assert eff.reply_time_mult == pytest.approx(0.7)
    res = run_for(base.scenario, eff, base=base)
    assert engine_calls.calls == 2 * REPS
    # the same arrivals, chat by chat, in every replication
    cols = ["rep", "chat", "arrival_s", "aftersale", "returning"]
    pd.testing.assert_frame_equal(res.chats[cols], base.chats[cols])
    assert res.counts()["arrived"] == base.counts()["arrived"]
    # faster replies on the same traffic: every replication's average response falls
    before, after = base.table()["avg_response_s"], res.table()["avg_response_s"]
    assert (after < 0.85 * before).all()
    doc = compare_schemes(base.scenario, base=base)
    assert engine_calls.calls == 3 * REPS  # only the reply-time scheme re-ran the engine
    prize = doc["schemes"]["响应时间第一 800 元"]["economics"]["bonus_cost_yuan"]
    # one first prize per month, ties split, prorated to the short horizon
    assert prize["mean"] == pytest.approx(800 * s.meta.days / 30)


# ------------------------------------------------------------------------------------------------ JSON contract
def check_contract(doc):
    assert doc["baseline_scheme"] == BASE_ONLY
    assert set(doc["schemes"]) == {BASE_ONLY, NO_EFFECT, WITH_EFFECT}
    for name, block in doc["schemes"].items():
        for code in ("inquiry_conversion", "aov_yuan", "sales_yuan", "avg_response_s"):
            assert {"mean", "lo", "hi"} <= set(block["team"][code]) <= {"mean", "lo", "hi", "note"}, (name, code)
        for code in CONTRACT_ECONOMICS:
            v = block["economics"][code]
            assert {"mean", "lo", "hi"} <= set(v) <= {"mean", "lo", "hi", "note"}, (name, code)
            if v["lo"] is not None:
                assert v["lo"] <= v["mean"] <= v["hi"], (name, code)
        assert [a["agent"] for a in block["agents"]] == list(range(10))
        for a in block["agents"]:
            assert isinstance(a["pay_yuan"], float) and isinstance(a["breakdown"], dict)
    agents = doc["schemes"][WITH_EFFECT]["agents"]
    assert set().union(*(a["breakdown"] for a in agents)) == {"threshold:inquiry_conversion"}
    e = doc["schemes"][WITH_EFFECT]["economics"]
    assert e["bonus_cost_yuan"]["mean"] == pytest.approx(sum(a["variable_yuan"] for a in agents))
    assert e["net_gain_yuan"]["mean"] == pytest.approx(
        e["gross_profit_uplift_yuan"]["mean"] - e["bonus_cost_yuan"]["mean"])
    assert 0 <= e["p_net_loss"]["mean"] <= 1
    # the run part of the contract is still there
    assert {"team", "agents", "counts"} <= set(doc)


def check_assumptions_marked(doc, stdout):
    ae = doc["schemes"][WITH_EFFECT]["assumed_effects"]
    assert ae["zh"] and all("假设" in line for line in ae["zh"])
    assert ae["en"] and all(line.startswith("Assumption") for line in ae["en"])
    assert ae["values"]["inquiry_conversion_pct"] == 20 and ae["values"]["aov_pct"] == 20
    assert doc["schemes"][NO_EFFECT]["assumed_effects"] is None
    assert doc["schemes"][BASE_ONLY]["assumed_effects"] is None
    assert "假设" in stdout and "Assumption" in stdout
    # the table row of the scheme with assumptions carries the mark, whole name included
    marked = [line for line in stdout.splitlines() if line.startswith(WITH_EFFECT + " *")]
    assert len(marked) == 1, stdout
    for name in (BASE_ONLY, NO_EFFECT):
        assert any(line.startswith(name + " ") for line in stdout.splitlines()), name


def test_cli_compare_json_contract_assumptions_and_same_seed_same_bytes(tmp_path):
    outs = []
    for i in range(2):
        out = tmp_path / f"compare{i}.json"
        r = run_cli("compare", str(THRESHOLD), "--set", f"meta.days={DAYS}", "--reps", "2", "--json", str(out))
        assert r.returncode == 0, r.stderr
        outs.append((out.read_bytes(), r.stdout))
    (a, stdout), (b, stdout_b) = outs
    assert a == b and stdout == stdout_b  # the same seed in two processes: byte-identical documents
    doc = json.loads(a)
    check_contract(doc)
    check_assumptions_marked(doc, stdout)


def test_other_seed_gives_another_document(seed000):
    s, _, doc = seed000
    other = evaluate(s, seed=s.meta.seed + 1)
    assert other["schemes"][WITH_EFFECT]["economics"] != doc["schemes"][WITH_EFFECT]["economics"]
    assert other["schemes"][WITH_EFFECT]["team"] != doc["schemes"][WITH_EFFECT]["team"]


def test_evaluate_matches_compare_schemes(seed000):
    s, base, doc = seed000
    run = evaluate(s)
    assert run["baseline_scheme"] == doc["baseline_scheme"]
    got = run["schemes"][WITH_EFFECT]["economics"]["cs_sales_yuan"]["mean"]
    assert got == pytest.approx(doc["schemes"][WITH_EFFECT]["economics"]["cs_sales_yuan"]["mean"], rel=1e-9)


# ------------------------------------------------------------------------------------------------- every file
@pytest.mark.parametrize("path", SCHEME_FILES, ids=[p.stem for p in SCHEME_FILES])
def test_every_scenario_with_schemes_compares_via_the_cli(path):
    r = run_cli("compare", str(path.relative_to(ROOT)), "--set", f"meta.days={DAYS}", "--reps", "2")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    names = [sc["name"] for sc in tomllib.loads(path.read_text("utf-8"))["schemes"]]
    for name in names:
        assert name[:10] in r.stdout, name


def test_scheme_files_cover_the_seed_cases():
    assert {p.stem for p in SCHEME_FILES} >= {
        "seed000_threshold_48", "seed000_rank_response_800", "seed002_apparel_presale_scorecard",
        "seed002_apparel_aftersale_scorecard", "seed003_gated_tiered_commission", "seed004_commission_silent_orders"}
