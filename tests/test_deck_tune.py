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
    r = run_cli("report", str(SHOP), "--tune", "--pptx", str(pptx), "--json", str(js), "--reps", "1",
                "--set", "meta.days=1", "--grid", GRID, "--store", str(out / "sweeps.duckdb"), timeout=400)
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


def test_report_tune_writes_the_deck_only(tmp_path: Path) -> None:
    r = run_cli("report", str(SHOP), "--tune", "--html", str(tmp_path / "r.html"), "--pptx", str(tmp_path / "d.pptx"))
    assert r.returncode == 2 and "--pptx" in r.stderr and not (tmp_path / "d.pptx").exists()
    assert not re.search(r"Traceback", r.stderr)


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
