"""The bot front line on the Compare page (issue 16): who handled the chats and the KPI basis each scheme pays on
(model.present.bot_text.compare_bot and its texts; ui/bot_view.py in zh and en), and how each platform's counting
rule is said to rest on the platform's own wording or on an assumption."""

from __future__ import annotations

import numpy as np
import pytest
import streamlit as st
from conftest import SCENARIOS, TAOBAO
from e2e_helpers import wait_limit_s
from streamlit.testing.v1 import AppTest

from model.document import comparison_document
from model.effects import Effects
from model.pipeline import effects_for, run_for
from model.platform_rules import bot_counting
from model.present.bot_text import compare_bot, counting_caption, pay_rows, who_rows
from model.present.i18n import t
from model.scenario import load_scenario
from model.schema import scenario_from_dict

SHORT = ["meta.days=1", "meta.replications=2", "behaviour.model=none"]
#: A scheme paying on the 3-minute reply rate over every chat (the bot's replies counted) and one on the agents'.
ALL_BASIS = {"name": "三分钟全口径", "components": [
    {"type": "threshold", "kpi": "three_min_reply_rate", "target": 0.9, "amount_yuan": 300, "kpi_basis": "all"}]}
HUMAN_BASIS = {"name": "转化人工口径", "components": [
    {"type": "threshold", "kpi": "inquiry_conversion", "target": 0.45, "amount_yuan": 500}]}


def _shop(sets: list[str], schemes: list[dict] | None = None):
    s = load_scenario(TAOBAO, SHORT + sets)
    if schemes is None:
        return s
    data = s.model_dump(mode="json", exclude_none=True)
    data["economics"].pop("baseline_scheme", None)
    return scenario_from_dict({**data, "schemes": schemes})


@pytest.fixture(scope="module")
def shop():
    s = _shop(["bot.resolve_share=0.3"], [{"name": "仅底薪"}, ALL_BASIS, HUMAN_BASIS])
    cache: dict = {}
    doc = comparison_document(s, cache=cache)
    base = run_for(s, Effects(), cache=cache)
    return s, doc, base, cache


def test_who_handled_the_chats_adds_up_and_is_the_base_runs_split(shop):
    s, doc, base, _ = shop
    data = compare_bot(doc, base)
    who = {r["part"]: r for r in data["who"]}
    assert list(who) == ["all", "bot_resolved", "handed_over", "human"]  # no bot hours in this shop
    c = base.chats
    assert who["all"]["chats"] == pytest.approx(len(c) / base.replications)
    assert who["bot_resolved"]["share"] == pytest.approx(float(c["bot_resolved"].mean()), abs=0.02)
    assert 0.2 < who["bot_resolved"]["share"] < 0.4  # resolve share 0.3
    # every chat is resolved by the bot or handed over; what reached the agents is what the bot did not keep
    assert who["bot_resolved"]["chats"] + who["handed_over"]["chats"] == pytest.approx(who["all"]["chats"])
    assert who["human"]["share"] == pytest.approx(1 - float((c["handled_by"] == 1).mean()), abs=0.02)
    lo, hi = who["human"]["lo"], who["human"]["hi"]
    assert lo <= who["human"]["share"] <= hi


def test_the_split_is_the_same_under_every_scheme(shop):
    """The claim the page makes: the bot decides before the queue on its own random stream, so a scheme whose
    assumed effects change the agents' reply times has the same chats handled by the bot."""
    s, _, base, cache = shop
    sc = scenario_from_dict({**s.model_dump(mode="json", exclude_none=True), "schemes": [
        {"name": "仅底薪"}, {"name": "快", "assumed_effects": {"reply_time_pct": -30}}]})
    eff, _ = effects_for(sc.schemes[1], sc)
    assert eff.engine_key() != Effects().engine_key()  # a run of its own, not the base run's records
    run = run_for(sc, eff, base=base, cache=dict(cache))
    np.testing.assert_array_equal(run.chats["handled_by"].to_numpy(), base.chats["handled_by"].to_numpy())
    assert not np.array_equal(run.chats["first_response_s"].to_numpy(), base.chats["first_response_s"].to_numpy(),
                              equal_nan=True)


def test_each_scheme_pays_on_its_view_with_todays_values(shop):
    _, doc, base, _ = shop
    pays = {(r["scheme"], r["kpi"]): r for r in compare_bot(doc, base)["pays"]}
    assert set(pays) == {("三分钟全口径", "three_min_reply_rate"), ("转化人工口径", "inquiry_conversion")}
    three = pays[("三分钟全口径", "three_min_reply_rate")]
    assert three["basis"] == "all" and three["platform_counts_bot"]  # Taobao counts the bot in the 3-minute rate
    assert pays[("转化人工口径", "inquiry_conversion")]["basis"] == "human"
    assert not pays[("转化人工口径", "inquiry_conversion")]["platform_counts_bot"]
    for v in ("human", "all", "platform"):
        assert three[v] == pytest.approx(float(base.table(view=v)["three_min_reply_rate"].mean()))
    assert three["all"] > three["human"]  # the bot answers in seconds: the all view is easier to reach
    heads, rows = pay_rows(compare_bot(doc, base), "en")
    assert heads[2] == t("botv.col.basis", "en") and rows[0][2] == t("botv.basis.all", "en")


def test_no_bot_no_table_and_bot_hours_get_their_row():
    s = _shop([])
    cache: dict = {}
    doc = comparison_document(s, cache=cache)
    assert compare_bot(doc, run_for(s, Effects(), cache=cache)) is None
    s = _shop(["bot.resolve_share=0.3", "bot.bot_hours=[0,1,2,3,4,5,6,7,8]"])
    cache = {}
    doc = comparison_document(s, cache=cache)
    base = run_for(s, Effects(), cache=cache)
    who = {r["part"]: r for r in compare_bot(doc, base)["who"]}
    if "bot_hours" in who:  # chats arrive in the bot hours of the default traffic
        assert who["bot_hours"]["chats"] > 0
        assert who["bot_resolved"]["chats"] + who["bot_hours"]["chats"] + who["handed_over"]["chats"] == \
            pytest.approx(who["all"]["chats"])
    else:
        pytest.fail("no chat in the bot hours 0-8 of the default shop")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_counting_caption_says_what_is_the_platforms_wording_and_what_is_assumed(lang):
    kuai = bot_counting("kuaishou")
    assert kuai.confirmed == ("good_rating_rate",) and "seed 001" in kuai.source
    text = counting_caption({"counts_bot": list(kuai.counts_bot), "confirmed": list(kuai.confirmed)}, "kuaishou", lang)
    assert t("botv.confirmed", lang, kpis=t("kpi.good_rating_rate", lang)) in text
    assert t("botv.assumed_rest", lang, kpis=t("kpi.bad_attitude_share", lang)) in text
    for p in ("taobao", "tmall", "douyin", "jd"):
        b = bot_counting(p)
        assert b.confirmed == ()  # no platform wording in the seeds: the rule stays an assumption
        text = counting_caption({"counts_bot": list(b.counts_bot), "confirmed": []}, p, lang)
        assert t("botv.assumed_all", lang, platform=t(f"platform.{p}", lang)) in text
    heads, rows = who_rows({"who": [{"part": "all", "chats": 10.0, "share": 1.0, "lo": None, "hi": None}]}, lang)
    assert rows == [[t("botv.part.all", lang), "10", "100.0%"]] and len(heads) == 3


def test_a_pack_with_an_unknown_confirmed_code_is_refused(tmp_path):
    from model.errors import ScenarioError
    from model.platform_rules import load_packs

    src = (SCENARIOS.parent / "model" / "rule_packs" / "kuaishou.toml").read_text(encoding="utf-8")
    (tmp_path / "kuaishou.toml").write_text(src.replace('confirmed = ["good_rating_rate"]', 'confirmed = ["gr"]'),
                                             encoding="utf-8")
    with pytest.raises(ScenarioError, match="bot.confirmed"):
        load_packs(str(tmp_path))


# ------------------------------------------------------------------------------------------------ the page
def _page() -> None:
    import streamlit as st

    from ui.pages.compare import render

    st.session_state.setdefault("lang", "zh")
    render()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compare_page_shows_who_handled_the_chats(lang: str) -> None:
    st.cache_data.clear()
    at = AppTest.from_function(_page, default_timeout=wait_limit_s(60))
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("botv.header", lang) not in [h.value for h in at.subheader]  # the shipped shop has no bot
    at.number_input(key="cmp_days").set_value(1).run()
    at.slider(key="cmp_bot_share").set_value(30).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert t("botv.header", lang) in [h.value for h in at.subheader]
    frames = [d.value for d in at.dataframe]
    who = next(f for f in frames if t("botv.col.part", lang) in f.columns)
    assert list(who[t("botv.col.part", lang)]) == [t(f"botv.part.{p}", lang)
                                                   for p in ("all", "bot_resolved", "handed_over", "human")]
    pays = next(f for f in frames if t("botv.col.basis", lang) in f.columns)
    assert set(pays[t("botv.col.scheme", lang)]) >= {"达标奖 48%"}
    assert set(pays[t("botv.col.basis", lang)]) == {t("botv.basis.human", lang)}
    captions = " ".join(c.value for c in at.caption)
    assert t("botv.assumed_all", lang, platform=t("platform.taobao", lang)) in captions  # Taobao: an assumption
    text = " ".join([captions, *(h.value for h in at.subheader), *(m.value for m in at.markdown)])
    assert "botv." not in text and "deck.bot" not in text  # no raw keys
