"""Re-timed runs (model/retime.py, opt-in ``meta.share_engine``): exact at equal speeds, close to simulating
again where the router keeps the queue as it was, refused where the queue matters, and off by default."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT

from model.effects import Effects
from model.pipeline import effects_for, run_for
from model.retime import retime, why_not
from model.scenario import load_scenario
from model.simulate import simulate

SHOP = ROOT / "scenarios" / "taobao_10_agents.toml"


@pytest.fixture(scope="module")
def shop():
    s = load_scenario(SHOP, ["meta.days=3", "meta.replications=2"])
    return s, simulate(s)


def test_equal_speeds_give_the_base_records_exactly(shop) -> None:
    s, base = shop
    same = retime(base, Effects(reply_time_mult=np.ones(s.agents.count), latency_mult=np.ones(s.agents.count)))
    assert same is not None
    assert same.chats.equals(base.chats) and same.msgs.equals(base.msgs)


def test_faster_replies_are_re_timed_close_to_simulating_again(shop) -> None:
    """Every agent 30% faster (typing and latency): the re-timed run answers faster and keeps more buyers, as
    the simulation does, within a few seconds and half a point of it."""
    s, base = shop
    eff = Effects(reply_time_mult=0.7, latency_mult=0.7)
    rt, sim = retime(base, eff), simulate(s, effects=eff)
    assert rt is not None
    a, b, z = (r.table().mean(numeric_only=True) for r in (rt, sim, base))
    assert a["avg_response_s"] < 0.85 * z["avg_response_s"]
    assert a["abandon_rate"] < z["abandon_rate"]
    assert abs(a["avg_response_s"] - b["avg_response_s"]) < 0.1 * b["avg_response_s"]
    assert abs(a["abandon_rate"] - b["abandon_rate"]) < 0.01
    assert abs(a["sales_yuan"] / b["sales_yuan"] - 1) < 0.03
    assert len(rt.chats) == len(base.chats)  # the same buyers, only their timing moved


def test_slower_replies_lose_buyers(shop) -> None:
    s, base = shop
    rt = retime(base, Effects(reply_time_mult=2.0, latency_mult=2.0))
    assert rt is not None
    assert rt.table()["abandon_rate"].mean() > base.table()["abandon_rate"].mean()
    # an abandoner has no reply and no first response
    ab = rt.chats[(rt.chats["status"] == 2) & ~rt.chats["ghost"]]  # (a ghost: a reply typed to nobody)
    assert ab["first_response_s"].isna().all()


def test_a_queue_that_matters_is_simulated_again() -> None:
    s = load_scenario(ROOT / "scenarios" / "double11_peak.toml", ["meta.days=1", "meta.replications=1"])
    base = simulate(s)
    assert "waited for an agent" in why_not(base)
    assert retime(base, Effects(reply_time_mult=0.8)) is None


def test_share_engine_left_out_re_times_only_runs_long_enough_and_true_or_false_decide(shop, monkeypatch) -> None:
    """Left out, a short run simulates every scheme (3 days x 2: the golden comparisons and the compare page's
    7 x 2 stay simulated, where the re-timing's gap would exceed 1% of sales) and a run of at least MIN_REP_DAYS
    replication-days re-times; ``true`` re-times a short run too, ``false`` never re-times."""
    from model.retime import MIN_REP_DAYS, shares_engine

    s, base = shop
    assert s.meta.share_engine is None and s.meta.days * s.meta.replications < MIN_REP_DAYS
    meta = lambda **k: s.model_copy(update={"meta": s.meta.model_copy(update=k)})  # noqa: E731
    assert not shares_engine(s) and not shares_engine(meta(days=7, replications=2))
    assert shares_engine(meta(days=14, replications=4)) and shares_engine(meta(days=30, replications=5))
    assert not shares_engine(meta(days=30, replications=5, share_engine=False))
    assert shares_engine(meta(share_engine=True))
    sc = s.schemes[1]
    eff, _ = effects_for(sc, s, base)
    calls = []
    runner = lambda scen, e: calls.append(1) or simulate(scen, effects=e)  # noqa: E731
    run_for(s, eff, base=base, runner=runner)
    assert calls == [1]
    run_for(meta(share_engine=True), eff, base=base, runner=runner)
    assert calls == [1]
    # a long run left out re-times as share_engine = true does (the pipeline's decision, not the file's value)
    monkeypatch.setattr("model.retime.MIN_REP_DAYS", s.meta.days * s.meta.replications)
    run_for(s, eff, base=base, runner=runner)
    assert calls == [1]


def test_per_agent_arrays_of_one_value_share_the_scalar_run() -> None:
    """Base pay only under the behaviour model gives per-agent arrays of ones: the same run as no effects."""
    assert Effects(reply_time_mult=np.ones(5)).engine_key() == Effects().engine_key()
    assert Effects(conversion_mult=np.full(5, 1.0)).outcome_key() == Effects().outcome_key()
    assert Effects(reply_time_mult=np.array([1.0, 0.9])).engine_key() != Effects().engine_key()



def test_a_re_timed_scheme_is_named_in_the_comparison_document(shop) -> None:
    """A confirmed answer never silently rests on a re-timed run: with share_engine the re-timed schemes' blocks
    say ``"run": "re-timed"``; with every scheme simulated no block has the key (the goldens stay as they were)."""
    from model.document import comparison_document

    s = shop[0]
    plain = comparison_document(s)
    assert all("run" not in b for b in plain["schemes"].values())
    shared = s.model_copy(update={"meta": s.meta.model_copy(update={"share_engine": True})})
    doc = comparison_document(shared)
    retimed = {n for n, b in doc["schemes"].items() if b.get("run") == "re-timed"}
    responsive = {n for n, b in doc["schemes"].items() if (b.get("behaviour") or {}).get("responds")}
    assert retimed and retimed <= responsive, (retimed, responsive)


def test_the_deck_and_the_report_say_which_runs_were_re_timed(shop) -> None:
    """The deck's basis table and its notes and the HTML report name the re-timed schemes, zh and en; with every
    scheme simulated they say nothing of it."""
    import io

    from pptx import Presentation

    from model.document import comparison_document
    from model.present.deck import build_deck
    from model.present.format import retimed_names, retimed_note
    from model.present.html_report import build_report
    from model.present.i18n import t

    s = shop[0]
    shared = s.model_copy(update={"meta": s.meta.model_copy(update={"share_engine": True})})
    doc = comparison_document(shared)
    names = retimed_names(doc)
    assert names
    plain = comparison_document(s.model_copy(update={"meta": s.meta.model_copy(update={"share_engine": False})}))
    assert retimed_note(plain, "zh") is None
    for lang in ("zh", "en"):
        html = build_report(doc, lang)
        assert 'id="retimed"' in html and all(n in html.split('id="retimed"')[1][:600] for n in names)
        assert 'id="retimed"' not in build_report(plain, lang)
        prs = Presentation(io.BytesIO(build_deck(doc, lang=lang)))
        cells = [c.text for sl in prs.slides for sh in sl.shapes if sh.has_table for r in sh.table.rows for c in r.cells]
        assert sum(t("cmp.retimed_short", lang) in c for c in cells) == len(names)
        notes = [sl.notes_slide.notes_text_frame.text for sl in prs.slides if sl.has_notes_slide]
        assert any(retimed_note(doc, lang) in n for n in notes)


def test_the_cli_comparison_table_names_the_re_timed_schemes(shop) -> None:
    from model.document import comparison_document
    from model.present.format import retimed_names
    from model.present.tables import comparison_table

    s = shop[0]
    doc = comparison_document(s.model_copy(update={"meta": s.meta.model_copy(update={"share_engine": True})}))
    text = comparison_table(doc)
    tail = text.split("\n\n")[-1]  # the note under the table, zh and en
    assert "re-timed" in tail and "重新计时" in tail and all(n in tail for n in retimed_names(doc))
    plain = comparison_document(s.model_copy(update={"meta": s.meta.model_copy(update={"share_engine": False})}))
    assert "re-timed" not in comparison_table(plain)
