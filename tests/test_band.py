"""Every forecast carries its basis and band (issue 14 item 5, issue 19 item 3): the band over the behaviour
assumptions (model.behaviour.band) contains the point, narrows with an estimated interval, names its basis, is
absent with behaviour off, and reaches the compare cards (zh/en), the CLI JSON and the deck's "how sure" slide;
a recommendation that flips inside the band says so."""

from __future__ import annotations

import copy
import io

import pytest
from conftest import ROOT
from e2e_helpers import wait_limit_s
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from model.behaviour.band import BAND_PARAMS, TOP, attach_bands, basis, flips, ranges, scheme_band
from model.document import comparison_document
from model.effects import Effects
from model.pipeline import run_for
from model.present.band_text import basis_text, flip_text, top_text
from model.present.deck import build_deck
from model.present.i18n import t
from model.present.story import how_sure
from model.scenario import load_scenario
from model.schema import scenario_from_dict

SHOP = ROOT / "scenarios" / "taobao_10_agents.toml"
SETS = ["meta.days=3", "meta.replications=1"]
ESTIMATED = {"months": ["2026-07", "2026-08", "2026-09"], "intervals": {"selling_cost_yuan": (2700.0, 3300.0)}}


@pytest.fixture(scope="module")
def shop():
    """The default shop (agents respond), its base run and its comparison document with bands."""
    s = load_scenario(SHOP, SETS)
    base = run_for(s, Effects())
    doc = attach_bands(comparison_document(s, base=base), s, base)
    return s, base, doc


def _estimated(s, months=None):
    """The scenario as the estimator leaves it: ``[behaviour.estimated]`` with a selling-cost interval."""
    data = s.model_dump(mode="json")
    data["behaviour"]["estimated"] = {**ESTIMATED, "months": months or ESTIMATED["months"]}
    return scenario_from_dict(data)


def _scheme(s, name):
    return next(sc for sc in s.schemes if sc.name == name)


def test_band_contains_the_point_and_names_three_assumptions(shop) -> None:
    s, base, doc = shop
    for name, b in doc["schemes"].items():
        band = b["band"]
        if name == s.economics.baseline_scheme:
            assert band["baseline"] and band["net_gain_yuan"] is None
            continue
        for code in ("net_gain_yuan", "uplift_yuan", "bonus_cost_yuan"):
            lo, mid, hi = band[code]["low"], band[code]["point"], band[code]["high"]
            assert lo <= mid <= hi, (name, code)
            assert mid == pytest.approx(b["economics"][code]["mean"])  # centred on the document's own number
        assert len(band["top"]) == TOP and band["top"] == [r["param"] for r in band["params"][:TOP]]
        swings = [r["swing"] for r in band["params"]]
        assert swings == sorted(swings, reverse=True) and swings[0] > 0
        assert {r["param"] for r in band["params"]} == set(BAND_PARAMS)
        assert band["net_gain_yuan"]["high"] > band["net_gain_yuan"]["low"]  # the response matters
    # the agents' own forecast point is inside the band the agents' forecast gives (no document number)
    own = scheme_band(s, _scheme(s, "达标奖 45%"), base, baseline=_scheme(s, "仅底薪"), params=["selling_cost_yuan"])
    assert own["net_gain_yuan"]["low"] <= own["net_gain_yuan"]["point"] <= own["net_gain_yuan"]["high"]


def test_an_estimated_interval_narrower_than_the_default_range_narrows_the_band(shop) -> None:
    s, base, _ = shop
    sc, b0 = _scheme(s, "达标奖 45%"), _scheme(s, "仅底薪")
    wide = scheme_band(s, sc, base, baseline=b0, params=["selling_cost_yuan"])
    est = _estimated(s)
    narrow = scheme_band(est, sc, base, baseline=b0, params=["selling_cost_yuan"])
    r = ranges(est.behaviour, ["selling_cost_yuan"])["selling_cost_yuan"]
    assert (r["low"], r["high"], r["source"]) == (2700.0, 3300.0, "estimated")
    assert ranges(s.behaviour, ["selling_cost_yuan"])["selling_cost_yuan"]["source"] == "default"
    width = lambda band: band["net_gain_yuan"]["high"] - band["net_gain_yuan"]["low"]  # noqa: E731
    assert width(narrow) < 0.7 * width(wide), (width(narrow), width(wide))
    assert narrow["params"][0]["low_value"] == 2700.0 and narrow["params"][0]["source"] == "estimated"


def test_the_basis_switches_when_the_response_was_estimated() -> None:
    s = load_scenario(SHOP, SETS)
    assert basis(s.behaviour) == {"kind": "defaults"}
    assert basis_text(basis(s.behaviour), "en") == t("band.basis_defaults", "en")
    assert "literature defaults" in basis_text(basis(s.behaviour), "en")
    est = _estimated(s, months=["2026-09", "2026-07", "2026-08"])
    b = basis(est.behaviour)
    assert (b["kind"], b["months"], b["first"], b["last"]) == ("estimated", 3, "2026-07", "2026-09")
    assert basis_text(b, "en") == "Basis: response estimated from 3 months of this shop (2026-07..2026-09)"
    assert "3 个月" in basis_text(b, "zh") and "2026-07..2026-09" in basis_text(b, "zh")
    off = load_scenario(SHOP, SETS + ["behaviour.model=none"])
    assert basis(off.behaviour) == {"kind": "mechanics"}


def test_behaviour_off_has_no_band(shop) -> None:
    s, base, _ = shop
    off = load_scenario(SHOP, SETS + ["behaviour.model=none"])
    doc = attach_bands(comparison_document(off, base=base), off, base)
    assert doc["band_basis"] == {"kind": "mechanics"}
    for b in doc["schemes"].values():
        assert b["band"]["net_gain_yuan"] is None and b["band"]["params"] == []
    sure = how_sure(doc)
    assert sure["band"] is None and sure["flips"] == []
    text = _sure_text(build_deck(doc, lang="en"), "en")
    assert t("band.basis_mechanics", "en") in text


def _sure_text(deck: bytes, lang: str) -> str:
    prs = Presentation(io.BytesIO(deck))
    for sl in prs.slides:
        texts = [sh.text_frame.text for sh in sl.shapes if sh.has_text_frame]
        if t("deck.sure_title", lang) in texts:
            return "\n".join(texts)
    raise AssertionError("no how-sure slide")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_deck_how_sure_lists_three_assumptions_from_the_run(shop, lang) -> None:
    _, _, doc = shop
    sure = how_sure(doc)
    assert sure["band"] is not None and len(sure["top"]) == 3
    text = _sure_text(build_deck(copy.deepcopy(doc), lang=lang), lang)
    assert basis_text(sure["basis"], lang) in text
    for row in sure["top"]:  # each with the parameter's range and the headline's range across it, from the run
        assert top_text(row, lang) in text
    assert "sensitivity" not in doc  # no precomputed table needed


def _flip_doc(beaten: bool) -> dict:
    """Two schemes: A best at the point; B beats A at the high end of the selling cost when ``beaten``."""
    def block(net, lo, hi):
        row = {"param": "selling_cost_yuan", "zh": "销售努力成本", "en": "selling effort cost", "value": 3000.0,
               "low_value": 1500.0, "high_value": 6000.0, "source": "default",
               "low": {"net_gain_yuan": lo}, "high": {"net_gain_yuan": hi}, "swing": max(abs(lo - net), abs(hi - net))}
        return {"economics": {"net_gain_yuan": {"mean": net, "lo": net - 1, "hi": net + 1},
                              "p_net_loss": {"mean": 0.0}},
                "team": {}, "band": {"basis": {"kind": "defaults"}, "params": [row], "top": ["selling_cost_yuan"],
                                     "net_gain_yuan": {"point": net, "low": min(lo, hi, net),
                                                       "high": max(lo, hi, net)}}}
    return {"scenario": {"platform": "taobao"}, "baseline_scheme": None, "band_basis": {"kind": "defaults"},
            "schemes": {"A": block(10000.0, 16000.0, 4000.0),
                        "B": block(9000.0, 12000.0, 7000.0 if beaten else 3000.0)}}


def test_a_recommendation_that_flips_inside_the_band_says_so() -> None:
    doc = _flip_doc(beaten=True)
    f = flips(doc, "A")
    assert [(x["param"], x["side"], x["winner"], x["value"]) for x in f] == [("selling_cost_yuan", "high", "B", 6000.0)]
    assert how_sure(doc)["scheme"] == "A"
    for lang in ("zh", "en"):
        text = _sure_text(build_deck(doc, lang=lang), lang)
        assert flip_text(f[0], "A", lang) in text
    assert "'B' nets 7,000 yuan, above 'A' (4,000 yuan)" in flip_text(f[0], "A", "en")
    held = _flip_doc(beaten=False)
    assert flips(held, "A") == []
    assert t("band.no_flip", "en") in _sure_text(build_deck(held, lang="en"), "en")


def test_cli_compare_json_has_a_band_block_per_scheme(tmp_path) -> None:
    import json

    from conftest import run_cli

    out = tmp_path / "c.json"
    r = run_cli("compare", str(SHOP), "--json", str(out), "--set", "meta.days=2", "--reps", "1", timeout=600)
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["band_basis"] == {"kind": "defaults"}
    assert all("band" in b for b in doc["schemes"].values())
    assert "Band over the behaviour assumptions" in r.stdout


def _page() -> None:
    import streamlit as st

    from ui.pages.compare import render

    st.session_state.setdefault("lang", "zh")
    render()


def test_app_cards_show_basis_and_band_in_zh_and_en() -> None:
    at = AppTest.from_function(_page, default_timeout=wait_limit_s(400))
    at.session_state["lang"] = "zh"
    at.run()
    texts = lambda: " ".join([c.value for c in at.caption] + [m.value for m in at.markdown])  # noqa: E731
    # the default scenario runs as mechanics: the card says there is no band
    assert not at.exception
    assert t("band.basis_mechanics", "zh") in texts()
    at.selectbox(key="cmp_scenario").set_value("scenarios/taobao_10_agents.toml").run()
    at.number_input(key="cmp_days").set_value(2).run()
    at.number_input(key="cmp_reps").set_value(1).run()
    assert not at.exception, [e.value for e in at.exception]
    # the answer came at once; the bands are computed off its path and said to be coming
    assert t("band.pending", "zh") in texts()
    assert t("band.pending_flips", "zh") in texts()
    assert t("band.range", "zh").split("{")[0] not in texts()
    assert _runner().wait(timeout=wait_limit_s(400))
    for lang in ("zh", "en"):
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception
        body = texts()
        assert t("band.basis_defaults", lang) in body
        assert t("band.range", lang).split("{")[0] in body
        assert t("band.top", lang) in body
        assert t("band.pending", lang) not in body and t("band.pending_flips", lang) not in body


def _runner():
    from ui.pages.compare import band_runner

    return band_runner()


def test_a_band_not_cached_yet_is_pending_and_lands_when_computed(shop) -> None:
    """The compare page's quick answer asks for cached bands only: a scheme whose band needs solves is marked
    pending (and no flip is judged on half the bands); once computed, the same call attaches it from the cache."""
    s, base, full = shop
    s2 = load_scenario(SHOP, [*SETS, "schemes.1.components.0.target=0.47"])  # a move: that scheme's band is new
    base2 = run_for(s2, Effects(), cache=None)
    doc = comparison_document(s2, base=base2)
    attach_bands(doc, s2, base2, solve=False)
    assert doc["band_pending"], "a band that needs solves must not be computed on the answer's path"
    for name in doc["band_pending"]:
        assert doc["schemes"][name]["band"]["pending"] is True
    assert flips(doc, next(iter(doc["schemes"]))) is None
    assert how_sure(doc)["pending"] is True and how_sure(doc)["flips"] == []
    attach_bands(copy.deepcopy(doc), s2, base2)  # the background job
    attach_bands(doc, s2, base2, solve=False)
    assert "band_pending" not in doc
    moved = s2.schemes[1].name
    assert doc["schemes"][moved]["band"]["net_gain_yuan"]["low"] <= doc["schemes"][moved]["band"]["net_gain_yuan"]["high"]
    assert how_sure(doc)["pending"] is False


def test_a_stopped_band_stops_before_its_next_solve(shop) -> None:
    """The next slider move stops a band still solving for the previous one: with the stop event set the band
    makes no new solve, says pending, and keeps the solves it made (a later request reuses them)."""
    import threading

    from model.behaviour import band as band_mod

    s = load_scenario(SHOP, [*SETS, "schemes.1.components.0.target=0.46"])
    base = run_for(s, Effects(), cache=None)
    doc = comparison_document(s, base=base)
    stop = threading.Event()
    stop.set()
    calls = []
    real = band_mod.equilibrium
    band_mod.equilibrium = lambda *a, **k: calls.append(1) or real(*a, **k)
    try:
        attach_bands(doc, s, base, stop=stop)
    finally:
        band_mod.equilibrium = real
    assert calls == [] and doc["band_pending"]


def test_a_band_is_called_off_inside_a_solve_and_caches_nothing() -> None:
    """The next move arriving while a band solves stops that solve at its next step (not after the whole solve):
    the band says pending, and the half-done solve leaves nothing in the cache (a later band solves it anew)."""
    import threading

    from model.behaviour import band as band_mod

    s = load_scenario(SHOP, [*SETS, "schemes.1.components.0.target=0.455"])
    base = run_for(s, Effects(), cache=None)
    doc = comparison_document(s, base=base)

    class Interrupted(threading.Event):
        steps = 0

        def pause(self) -> None:  # the app's yield point; the second step sees the next move
            self.steps += 1
            if self.steps == 2:
                self.set()

    calls, finished = [], []
    real = band_mod.equilibrium

    def counted(*a, **k):
        calls.append(1)
        eq = real(*a, **k)
        finished.append(1)
        return eq

    stop = Interrupted()
    band_mod.equilibrium = counted
    try:
        attach_bands(doc, s, base, stop=stop)
    finally:
        band_mod.equilibrium = real
    # the comparison's own equilibria come back from the process's cache; the first new solve is called off
    assert len(calls) == len(finished) + 1, "the solve must stop at a checkpoint, not run to its end"
    assert stop.steps == 2
    assert doc["band_pending"]
    again = comparison_document(s, base=base)
    attach_bands(again, s, base, solve=False)
    assert again["band_pending"] == doc["band_pending"]  # nothing half-done was cached


def test_background_steps_wait_while_a_page_computes_its_answer() -> None:
    """ui.background: a job's pause() blocks while a page run holds foreground() (the answer gets the
    interpreter), returns once it ends, and returns at once for a stopped job or after the bounded wait."""
    import threading
    import time

    from ui.background import Stop, busy, foreground

    stop, waited = Stop(), {}

    def step():
        t0 = time.perf_counter()
        stop.pause(timeout=10)
        waited["s"] = time.perf_counter() - t0

    with foreground():
        assert busy()
        th = threading.Thread(target=step)
        th.start()
        time.sleep(0.3)
        assert th.is_alive(), "a background step must wait while an answer is being computed"
    th.join(5)
    assert not th.is_alive() and waited["s"] >= 0.25 and not busy()
    t0 = time.perf_counter()
    stop.pause(timeout=10)  # nobody in the foreground: no wait
    with foreground():
        stopped = Stop()
        stopped.set()
        stopped.pause(timeout=10)  # a stopped job never waits: it is about to end
        Stop().pause(timeout=0.2)  # bounded: a server that is never idle still lands its bands
        later = Stop()  # superseded while it waits: it stops waiting at once
        threading.Timer(0.2, later.set).start()
        later.pause(timeout=10)
    assert time.perf_counter() - t0 < 2.0


def test_the_runner_stops_a_superseded_job_and_reports_a_failure() -> None:
    import threading

    from ui.background import Runner

    r = Runner()
    started, release = threading.Event(), threading.Event()
    seen = {}

    def slow(stop):
        started.set()
        release.wait(10)
        seen["stopped"] = stop.is_set()

    r.submit("a", slow, owner="session")
    assert started.wait(10) and r.pending("a")
    r.supersede("session", "b")  # the same session moved on
    release.set()
    assert r.wait(10) and seen["stopped"] is True and r.done("a")

    def bad(stop):
        raise ValueError("no base run")

    r.submit("c", bad)
    assert r.wait(10) and isinstance(r.error("c"), ValueError)
    again = r.submit("c", lambda stop: None)  # a failed job is reported, never retried in a loop
    assert isinstance(again.future.exception(), ValueError)


def test_the_tuning_recommendation_carries_its_band(shop) -> None:
    from model.present.story import tuning_deck_document
    from model.present.tables import tune_table
    from model.tuning.tune import recommendation_band

    s, base, _ = shop
    best = {"point_id": 0, "scheme": "达标奖 45%", "label": "达标奖 46%", "kpi": "inquiry_conversion", "target": 0.46,
            "amount_yuan": 1000.0, "keys": {"schemes.1.components.0.target": 0.46}, "net_gain_yuan": 12345.0,
            "net_gain_lo": 10000.0, "net_gain_hi": 15000.0, "payout_yuan": 900.0, "p_net_loss": 0.0,
            "reach_share": 0.5, "gross_profit_uplift_yuan": 13000.0}
    doc = {"recommendation": {"scheme": "达标奖 45%", "keeps_baseline": False}, "best_point": best}
    band = recommendation_band(s, doc, base=base)
    assert band["net_gain_yuan"]["low"] <= 12345.0 <= band["net_gain_yuan"]["high"]
    assert band["net_gain_yuan"]["point"] == 12345.0 and len(band["top"]) == 3
    kept = recommendation_band(s, {"recommendation": {"keeps_baseline": True}, "best_point": best}, base=base)
    assert kept["net_gain_yuan"] is None and kept["basis"] == {"kind": "defaults"}
    deck_doc = tuning_deck_document({**doc, "band": band, "scenario": {"name": "x", "days": 3}})
    text = _sure_text(build_deck(deck_doc, lang="en"), "en")
    assert t("band.basis_defaults", "en") in text and top_text(how_sure(deck_doc)["top"][0], "en") in text
    assert "Band of the recommended point" in tune_table({**_tune_doc_stub(), "band": band})


def _tune_doc_stub() -> dict:
    return {"recommendation": {"scheme": "达标奖 45%", "kpi": "inquiry_conversion", "target": 0.46, "amount_yuan": 1000.0,
                               "expected_net_gain_yuan": 12345.0, "reason": {"zh": "理由", "en": "reason"}},
            "best_point": {}, "frontier": {"scheme": "达标奖 45%", "net_gain_vs_payout": []}, "binding_constraint": None,
            "constraints": {}, "points": [], "scenario": {"name": "x", "days": 3, "replications": 1},
            "sweep": {"id": "x", "points": 1, "computed": 1, "store": "s.duckdb"}}


def test_a_band_that_fails_is_said_once_and_the_cards_stop_waiting(monkeypatch) -> None:
    """A background band job that raises: the page warns (in the user's language), the cards keep the basis and
    no longer say the band is coming, and the job is not started again on every rerun."""
    import ui.pages.compare as page
    from model.behaviour import band as band_mod

    real = band_mod.attach_bands
    calls = []

    def failing(doc, scen, base, *, solve=True, stop=None):
        if solve:
            calls.append(1)
            raise RuntimeError("solver broke")
        return real(doc, scen, base, solve=solve, stop=stop)

    monkeypatch.setattr(page, "attach_bands", failing)
    at = AppTest.from_function(_page, default_timeout=wait_limit_s(400))
    at.session_state["lang"] = "en"
    at.run()
    at.selectbox(key="cmp_scenario").set_value("scenarios/taobao_10_agents.toml").run()
    at.number_input(key="cmp_days").set_value(1).run()
    at.number_input(key="cmp_reps").set_value(1).run()
    assert _runner().wait(timeout=wait_limit_s(400))
    at.run()
    before = len(calls)
    at.run()
    assert _runner().wait(timeout=wait_limit_s(400))
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "solver broke" in warnings and t("band.failed", "en").split("(")[0] in warnings
    captions = " ".join(c.value for c in at.caption)
    assert t("band.pending", "en") not in captions and t("band.basis_defaults", "en") in captions
    assert before >= 1 and len(calls) == before  # not retried on a rerun
