"""``report --tune``: the tuning sweep (the ``tune`` path, stored in DuckDB) opens the deck with its
recommendation (scheme and target, net gain with its interval, cost, who reaches it, the binding constraint; the
reasoning in the speaker notes), and the recommendation's band is tested against the sweep's rival points with
the band's flips (the how-sure slide, the tune table). A tiny grid, 1 day, 1 replication."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli
from pptx import Presentation

from model.present.band_text import flip_text
from model.present.deck import build_deck, money, percent
from model.present.i18n import t
from model.present.story import tuning_deck_document
from model.present.tables import tune_flip_lines, tune_table
from model.schemes.describe import describe_scheme
from model.tuning.tune import rival_points

ROOT = Path(__file__).resolve().parents[1]
SHOP = ROOT / "scenarios" / "taobao_10_agents.toml"
GRID = "schemes.1.components.0.target=0.42,0.46"


@pytest.fixture(scope="module")
def tuned(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path, str]:
    out = tmp_path_factory.mktemp("tune_deck")
    pptx, js = out / "deck.pptx", out / "tune.json"
    r = run_cli("report", str(SHOP), "--tune", "--pptx", str(pptx), "--html", str(out / "tune.html"), "--json",
                str(js), "--reps", "1", "--set", "meta.days=1", "--grid", GRID, "--store", str(out / "sweeps.duckdb"),
                timeout=400)
    assert r.returncode == 0, r.stderr
    return json.loads(js.read_text(encoding="utf-8")), pptx, r.stdout


def _title(slide) -> str:
    return next(s for s in slide.shapes if s.name == "Title").text_frame.text


def _text(slide) -> str:
    return "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_slide_one_states_the_tuning_recommendation(tuned, lang) -> None:
    doc, pptx, _ = tuned
    prs = Presentation(str(pptx)) if lang == "zh" else Presentation(io.BytesIO(
        build_deck(tuning_deck_document(doc), lang="en")))
    rec, best = doc["recommendation"], doc["best_point"]
    name = doc["band_name"]
    assert name == rec["label"]
    s1 = prs.slides[0]
    assert _title(s1) == t("deck.rec_title", lang).format(scheme=name)
    body = _text(s1)
    # the pay rules at the tuned target: the scheme and target in words
    assert t("deck.rec_rules", lang).split("{")[0] in body
    assert "；".join(describe_scheme(doc["recommended_spec"], lang)) in body if lang == "zh" else \
        "; ".join(describe_scheme(doc["recommended_spec"], lang)) in body
    assert f"{100 * rec['target']:.0f}%" in body
    assert t("deck.rec_gain", lang).format(net=money(best["net_gain_yuan"], lang), ci="",
                                           p=percent(best["p_net_loss"])) in body
    assert t("deck.rec_cost", lang).format(cost=money(best["payout_yuan"], lang)) in body
    assert t("deck.rec_reach", lang).format(share=percent(best["reach_share"])) in body
    b = doc["binding_constraint"]
    assert (t("deck.rec_bind_tune", lang).format(what=b[lang]) if b else t("deck.rec_bind_none", lang)) in body
    assert rec["reason"][lang] in s1.notes_slide.notes_text_frame.text
    text = " ".join(_text(sl) for sl in prs.slides)
    assert "_" not in text and "effort_equilibrium" not in text and "min_reach" not in text
    for sl in prs.slides:  # no empty team table: a tuning deck has no team KPIs
        assert sl.notes_slide.notes_text_frame.text.strip()
    assert t("deck.state", lang) not in [_title(sl) for sl in prs.slides]
    if lang == "en":
        names = name + "".join(doc["band_rivals"]) + doc["scenario"]["name"]
        assert not [ch for ch in text if "\u4e00" <= ch <= "\u9fff" and ch not in names]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rivals_inside_the_band_on_the_how_sure_slide(tuned, lang) -> None:
    """The flips of the tune document (band.flips over the recommendation and its rivals) are the how-sure
    slide's flip lines; the rivals are the other schemes' best points, the recommended scheme's next grid points
    and the baseline, each named as the owner reads it."""
    doc, pptx, stdout = tuned
    assert doc["band"]["params"], "the default shop's agents respond: the recommendation has a band"
    rivals = doc["band_rivals"]
    assert "仅底薪" in rivals and rivals["仅底薪"]["point"] is None
    assert doc["band_name"] not in rivals and len(rivals) >= 2
    for r in rivals.values():
        assert r["band"]["basis"] == doc["band"]["basis"]
    for f in doc["flips"]:
        assert f["winner"] in rivals and f["winner_net"] > f["recommended_net"]
    prs = Presentation(str(pptx)) if lang == "zh" else Presentation(io.BytesIO(
        build_deck(tuning_deck_document(doc), lang="en")))
    sure = _text(next(sl for sl in prs.slides if _title(sl) == t("deck.sure_title", lang)))
    if doc["flips"]:
        for f in doc["flips"][:3]:
            assert flip_text(f, doc["band_name"], lang) in sure
    else:
        assert t("band.no_flip", lang) in sure
    lines = tune_flip_lines(doc, lang)
    assert lines[0] == t("band.rivals", lang, names=("、" if lang == "zh" else ", ").join(rivals))
    assert all(ln in tune_table(doc) for ln in lines)
    assert lines[1] in stdout  # the CLI prints the tune table with the flips


def test_rival_points_skip_the_recommendation_and_its_repeats() -> None:
    best = {"point_id": 0, "scheme": "A", "label": "A 46%", "target": 0.46, "amount_yuan": 1000.0,
            "net_gain_yuan": 100.0, "payout_yuan": 10.0, "reach_share": 0.5, "feasible": True}
    same_elsewhere = {**best, "point_id": 1}  # a scheme the grid does not touch repeats at every point
    near = {**best, "point_id": 2, "label": "A 44%", "target": 0.44, "net_gain_yuan": 90.0}
    far = {**best, "point_id": 3, "label": "A 40%", "target": 0.40, "net_gain_yuan": 20.0}
    other = {**best, "point_id": 0, "scheme": "B", "label": "B", "net_gain_yuan": 5.0}
    bad = {**other, "scheme": "C", "label": "C", "net_gain_yuan": 500.0, "feasible": False}
    doc = {"best_point": best, "points": [best, same_elsewhere, near, far, other, bad]}
    assert [p["label"] for p in rival_points(doc, 2)] == ["A 44%", "B"]  # the other scheme is never crowded out
    assert [p["label"] for p in rival_points(doc)] == ["A 44%", "A 40%", "B"]


def test_report_tune_needs_an_output(tmp_path: Path) -> None:
    r = run_cli("report", str(SHOP), "--tune", "--store", str(tmp_path / "s.duckdb"))
    assert r.returncode == 2 and "--pptx" in r.stderr and "--html" in r.stderr
    assert not re.search(r"Traceback", r.stderr) and not (tmp_path / "s.duckdb").exists()


def test_point_keys_leave_out_the_other_schemes_axes() -> None:
    """A point of the default grid carries NaN for the other scheme's axis: the band and the deck's pay rules
    apply only the point's own edits (a NaN target would be refused as a bad value)."""
    from model.tuning.tune import point_keys

    row = {"keys": {"schemes.1.components.0.target": 0.46, "schemes.2.components.0.target": float("nan"),
                    "agents.count": None}}
    assert point_keys(row) == {"schemes.1.components.0.target": 0.46}


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice / poppler-utils not installed")
def test_tuning_deck_renders_in_libreoffice(tuned, tmp_path: Path) -> None:
    doc, pptx, _ = tuned
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(pptx)], check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", str(tmp_path / "deck.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert t("deck.rec_title", "zh").format(scheme=doc["band_name"]) in text and t("deck.sure_title", "zh") in text
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", text)


# ------------------------------------------------------------------ the HTML report of a tune (issue 19)
def _visible(html_text: str) -> str:
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "\n", html_text.split("<body>")[1]))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tune_html_report_opens_with_the_recommendation(tuned, lang) -> None:
    """``report --tune --html``: the recommendation first (the deck's first slide: title, how it pays, net gain,
    cost, reach, binding), then the reason and rule (the slide's notes), the rivals and why each lost, the band
    and its flips (the how-sure slide), then the sweep; in zh from the CLI and in en from the same document."""
    from html import escape

    from model.present.band_text import rival_text
    from model.present.deck import recommendation_text
    from model.present.html_report import build_tune_report
    from model.present.story import comparison_rivals, recommend

    doc, pptx, _ = tuned
    html = (pptx.parent / "tune.html").read_text(encoding="utf-8") if lang == "zh" else build_tune_report(doc, "en")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.I)
    deck_doc = tuning_deck_document(doc)
    rec = recommend(deck_doc)
    txt = recommendation_text(deck_doc, rec, 90.0, lang)
    pos = [html.index(escape(txt["title"]))]
    for ln in txt["lines"]:
        assert f"<li>{escape(ln)}</li>" in html
        pos.append(html.index(escape(ln)))
    best = doc["best_point"]
    assert t("deck.rec_cost", lang).format(cost=money(best["payout_yuan"], lang)) in _visible(html)
    assert doc["recommendation"]["reason"][lang] in _visible(html)
    rivals = comparison_rivals(deck_doc, rec)
    assert {r["name"] for r in rivals} >= set(doc["band_rivals"])  # every rival the band tested is named
    rival_sec = html.split('<h2 id="rivals">')[1].split("<h2")[0]
    for r in rivals:
        line = rival_text(r, best["net_gain_yuan"], lang, banded=True, max_p_loss=rec["max_p_loss"])
        assert f"<li>{escape(line)}</li>" in rival_sec
    nets = [r["net_gain_yuan"] for r in rivals if r["why"] == "lower"]
    assert nets == sorted(nets, reverse=True) and all(n <= best["net_gain_yuan"] for n in nets)
    pos.append(html.index('<h2 id="rivals">'))
    sure = html.index(f"<h2>{escape(t('deck.sure_title', lang))}</h2>")
    pos += [sure, html.index(f"<h2>{escape(t('tun.frontier', lang))}</h2>"),
            html.index(f"<h2>{escape(t('rep.tune_sweep', lang))}</h2>")]
    for k in ("payout", "reach"):  # the tuning page's frontier charts, inline
        fig = re.search(rf'<figure id="chart-frontier-{k}">(.*?)</figure>', html, re.S)
        assert fig is not None and ("<svg" in fig.group(1) or "application/vnd.vegalite+json" in fig.group(1))
    assert pos == sorted(pos), "recommendation, rivals, band, frontier, sweep: in this order"
    sec = html[sure:]
    if doc["flips"]:
        assert all(escape(flip_text(f, doc["band_name"], lang)) in sec for f in doc["flips"])
    else:
        assert escape(t("band.no_flip", lang)) in sec
    visible = _visible(html.split(f"<h2>{escape(t('rep.tune_sweep', lang))}</h2>")[0])
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", visible), "no raw keys or ids before the sweep's facts"
    if lang == "en":
        names = "".join(r["name"] for r in rivals) + doc["band_name"] + doc["scenario"]["name"]
        assert not [ch for ch in _visible(html) if "\u4e00" <= ch <= "\u9fff" and ch not in names]


def test_tune_html_report_escapes_names() -> None:
    """A scheme label or shop name with markup shows as text (escaped as the comparison report does)."""
    from model.present.html_report import build_tune_report

    bad = "<script>alert(1)</script>&"
    point = {"point_id": 0, "scheme": bad, "label": bad, "kpi": "inquiry_conversion", "target": 0.46,
             "amount_yuan": 1000.0, "net_gain_yuan": 900.0, "net_gain_lo": 100.0, "net_gain_hi": 1500.0,
             "payout_yuan": 200.0, "p_net_loss": 0.05, "reach_share": 0.4, "feasible": True, "fails": []}
    rival = {**point, "point_id": 1, "label": bad + " 44%", "target": 0.44, "net_gain_yuan": 700.0}
    doc = {"recommendation": {"scheme": bad, "label": bad, "kpi": "inquiry_conversion", "target": 0.46,
                              "amount_yuan": 1000.0, "expected_net_gain_yuan": 900.0,
                              "reason": {"zh": f"推荐「{bad}」", "en": f"Recommended: '{bad}'"}},
           "best_point": point, "points": [point, rival], "binding_constraint": None,
           "constraints": {"min_reach_share": 0.3}, "scenario": {"name": bad, "days": 30},
           "sweep": {"id": "abc", "points": 2, "computed": 2}}
    for lang in ("zh", "en"):
        html = build_tune_report(doc, lang)
        assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in html
        assert html.count("&lt;script&gt;") >= 4  # title, the recommendation, the reason, the rival


def test_tune_rivals_say_why_each_lost() -> None:
    """A better point that fails a constraint is a rival lost to the constraint (its value against the limit);
    the feasible points net less; when the baseline is kept, the best points net nothing."""
    from model.present.band_text import rival_text
    from model.present.story import tune_rivals

    best = {"point_id": 0, "scheme": "A", "label": "A 46%", "target": 0.46, "amount_yuan": 1000.0,
            "net_gain_yuan": 900.0, "payout_yuan": 200.0, "reach_share": 0.4, "feasible": True, "fails": []}
    blocked = {**best, "point_id": 1, "label": "A 50%", "target": 0.5, "net_gain_yuan": 1200.0, "reach_share": 0.1,
               "feasible": False, "fails": ["min_reach_share"]}
    lower = {**best, "point_id": 2, "label": "A 42%", "target": 0.42, "net_gain_yuan": 600.0}
    other = {**best, "point_id": 0, "scheme": "B", "label": "B 800", "net_gain_yuan": 650.0}
    doc = {"recommendation": {"scheme": "A", "label": "A 46%", "keeps_baseline": False}, "best_point": best,
           "points": [best, blocked, lower, other], "constraints": {"min_reach_share": 0.3}}
    rivals = tune_rivals(doc)
    assert [(r["name"], r["why"]) for r in rivals] == [("A 50%", "constraint"), ("B 800", "lower"),
                                                        ("A 42%", "lower")]
    zh = rival_text(rivals[0], 900.0, "zh")
    assert "达标客服占比为 10.0%，要求 ≥ 30%" in zh and "1,200元" in zh
    en = rival_text(rivals[1], 900.0, "en")
    assert en == "'B 800' nets 650 yuan, 250 yuan less than the recommendation"
    flip = {"param": "selling_cost_yuan", "zh": "销售努力成本", "en": "selling effort cost", "side": "low",
            "value": 1500.0, "winner": "B 800", "winner_net": 950.0, "recommended_net": 900.0}
    rivals = tune_rivals({**doc, "flips": [flip]})
    assert rivals[1]["flips"] == [flip] and "950 yuan" in rival_text(rivals[1], 900.0, "en")
    # a sweep without a band: the points that net less and fail a constraint fill the room left
    worse = {**best, "point_id": 3, "label": "C 30%", "scheme": "C", "net_gain_yuan": 100.0, "feasible": False,
             "fails": ["max_payout_share"], "payout_share": 0.25}
    plain = tune_rivals({**doc, "points": [best, worse], "constraints": {"max_payout_share": 0.1}})
    assert [(r["name"], r["why"]) for r in plain] == [("C 30%", "constraint_lower")]
    assert rival_text(plain[0], 900.0, "en") == ("'C 30%' nets 100 yuan, less than the recommendation, and the "
                                                 "payout as a share of the incremental gross profit is 25.0% where "
                                                 "it must be ≤ 10%")
    undefined = {**plain[0], "fails": [{**plain[0]["fails"][0], "value": None}]}  # no incremental profit
    assert "fails ≤ 10%" in rival_text(undefined, 900.0, "en") and "—" not in rival_text(undefined, 900.0, "en")
    keep = {**doc, "recommendation": {"scheme": None, "keeps_baseline": True},
            "points": [{**p, "net_gain_yuan": -p["net_gain_yuan"]} for p in (best, lower, other)],
            "best_point": {**best, "net_gain_yuan": -100.0}}
    assert {r["why"] for r in tune_rivals(keep)} == {"no_gain"}


def test_comparison_rivals_in_the_notes() -> None:
    """A comparison's rivals: a scheme over a platform line, one too likely to lose money, one netting less; the
    first slide's speaker notes list each with why it lost."""
    from model.present.band_text import rival_text
    from model.present.story import comparison_rivals, recommend

    def block(net, p, three):
        return {"economics": {"net_gain_yuan": {"mean": net, "lo": net - 100, "hi": net + 100},
                              "bonus_cost_yuan": {"mean": 100.0}, "p_net_loss": {"mean": p}},
                "team": {"three_min_reply_rate": {"mean": three}}}

    doc = {"scenario": {"platform": "taobao", "days": 30}, "baseline_scheme": "base",
           "schemes": {"base": block(0.0, 0.0, 0.9), "A": block(500.0, 0.05, 0.9), "B": block(900.0, 0.05, 0.2),
                       "C": block(700.0, 0.5, 0.9), "D": block(300.0, 0.1, 0.9)}}
    rec = recommend(doc)
    assert rec["scheme"] == "A"
    rivals = comparison_rivals(doc, rec)
    assert [(r["name"], r["why"]) for r in rivals] == [("B", "line"), ("C", "p_loss"), ("D", "lower")]
    notes = Presentation(io.BytesIO(build_deck(doc, lang="zh"))).slides[0].notes_slide.notes_text_frame.text
    assert t("deck.rivals_head", "zh") in notes
    for r in rivals:
        assert rival_text(r, 500.0, "zh", max_p_loss=rec["max_p_loss"]) in notes
    assert "三分钟" in rival_text(rivals[0], 500.0, "zh") or "3分钟" in rival_text(rivals[0], 500.0, "zh")
    assert "50%" in rival_text(rivals[1], 500.0, "zh", max_p_loss=0.2)


def test_rivals_in_the_tuning_decks_notes(tuned) -> None:
    doc, pptx, _ = tuned
    notes = Presentation(str(pptx)).slides[0].notes_slide.notes_text_frame.text
    assert t("deck.rivals_head", "zh") in notes
    for name in doc["band_rivals"]:
        assert f"「{name}」" in notes.split(t("deck.rivals_head", "zh"))[1]


# ------------------------------------------------------------------ a reopened sweep gets its band
def test_reopened_sweep_gets_the_band_again(tuned) -> None:
    """``reopen(band=True)`` computes the band and the rivals' test from the stored scenario: the same band and
    flips as the run that stored the sweep; without it the document says no band was computed, and the tune
    table and the HTML report say which."""
    from model.present.html_report import build_tune_report
    from model.tuning.tune import reopen

    doc, _, _ = tuned
    again = reopen(doc["sweep"]["store"], doc["sweep"]["id"], band=True)
    assert again["band_reopened"] == "computed"
    for part in ("low", "high"):
        assert again["band"]["net_gain_yuan"][part] == pytest.approx(doc["band"]["net_gain_yuan"][part], abs=1e-6)
    assert [p["param"] for p in again["band"]["params"]] == [p["param"] for p in doc["band"]["params"]]
    assert set(again["band_rivals"]) == set(doc["band_rivals"]) and again["flips"] == doc["flips"]
    assert t("tun.band_reopened_computed", "en") in tune_table(again)
    bare = reopen(doc["sweep"]["store"], doc["sweep"]["id"])
    assert bare["band_reopened"] == "none" and "band" not in bare
    assert t("tun.band_reopened_none", "zh") in tune_table(bare)
    html = build_tune_report(bare, "en")
    assert "A reopened sweep: no band was computed" in html and t("deck.sure_title", "en") not in html
    assert t("deck.sure_title", "en") in build_tune_report(again, "en")
