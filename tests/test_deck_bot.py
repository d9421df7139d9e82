"""The bot front line in the deck and the HTML report (issue 16): a slide / section with the bot's resolve share,
the chats handled by the bot and by the agents, the KPIs in the four views (human / bot / all / platform) against
the platform's lines, and which view each scheme pays on; numbers checked against the run JSON, zh and en, no
raw keys; absent without a bot."""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
import subprocess
from html import escape
from pathlib import Path

import pytest
from conftest import run_cli
from pptx import Presentation

from model.present.bot_text import VIEWS, bot_lines, chats
from model.present.deck import build_deck
from model.present.format import count, kpi_value, pct
from model.present.html_report import build_report
from model.present.i18n import kpi_label, t

ROOT = Path(__file__).resolve().parents[1]
SHOP = ROOT / "scenarios" / "taobao_10_agents.toml"


@pytest.fixture(scope="module")
def bot_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path, Path]:
    out = tmp_path_factory.mktemp("bot_report")
    pptx, html, js = out / "deck.pptx", out / "report.html", out / "run.json"
    r = run_cli("report", str(SHOP), "--pptx", str(pptx), "--html", str(html), "--json", str(js), "--reps", "2",
                "--no-band", "--set", "meta.days=1", "--set", "bot.resolve_share=0.3", timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(js.read_text(encoding="utf-8")), pptx, html


def _title(slide) -> str:
    return next(s for s in slide.shapes if s.name == "Title").text_frame.text


def _bot_slide(prs, lang: str):
    slides = [sl for sl in prs.slides if _title(sl) == t("deck.bot_title", lang)]
    assert len(slides) == 1
    return slides[0]


def _deck(doc: dict, pptx: Path, lang: str):
    return Presentation(str(pptx)) if lang == "zh" else Presentation(io.BytesIO(build_deck(doc, lang=lang)))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bot_slide_numbers_match_the_run_json(bot_run, lang) -> None:
    doc, pptx, _ = bot_run
    b = doc["bot"]
    slide = _bot_slide(_deck(doc, pptx, lang), lang)
    body = "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    # the bot's share with its interval, the rest handed over
    res = b["resolved_share"]
    assert t("deck.bot_resolved", lang, share=pct(res["mean"], lang, digits=0),
             ci=t("deck.bot_ci", lang, lo=pct(res["lo"], lang, digits=0), hi=pct(res["hi"], lang, digits=0)),
             handed=pct(b["handed_over_share"]["mean"], lang, digits=0)) in body
    # chats per simulated period: the bot's and the agents' add up to the arrivals per replication
    n = doc["counts"]["arrived"] / doc["scenario"]["replications"]
    assert chats(doc)["bot"] == pytest.approx(n * b["handled_by_bot_share"]["mean"])
    assert count(n * b["handled_by_bot_share"]["mean"], lang) in body and count(n, lang) in body
    # Taobao counts the bot's replies in the 3-minute rate (its rule pack)
    assert b["counts_bot"] == ["three_min_reply_rate"]
    assert t("deck.bot_counts", lang, platform=t("platform.taobao", lang),
             kpis=kpi_label("three_min_reply_rate", lang)) in body
    # every paying scheme's basis: human by default
    for name, spec in doc["scheme_specs"].items():
        if spec["components"]:
            kpis = ("、" if lang == "zh" else ", ").join(dict.fromkeys(kpi_label(c["kpi"], lang)
                                                                       for c in spec["components"]))
            assert t("deck.bot_pays_human", lang, scheme=name, kpis=kpis) in body
    # the table: the four views of each KPI, the platform's line
    table = next(s for s in slide.shapes if s.name == "Bot table").table
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in list(table.rows)[1:]}
    assert [c.text for c in table.rows[0].cells][1:5] == [t(f"deck.bot_view.{v}", lang) for v in VIEWS]
    first = [r.cells[0].text for r in list(table.rows)[1:]][0]
    assert first == kpi_label("three_min_reply_rate", lang)  # the platform's line first
    for code in ("three_min_reply_rate", "first_response_s", "inquiry_conversion", "sales_yuan"):
        row = rows[kpi_label(code, lang)]
        assert row[1:5] == [kpi_value(code, b["views"][v][code]["mean"], lang) for v in VIEWS], code
    assert rows[kpi_label("three_min_reply_rate", lang)][5] == "≥ 40%"
    sales = rows[kpi_label("sales_yuan", lang)]
    assert all(("万" in x or "元" in x) if lang == "zh" else "yuan" in x for x in sales[1:5]), sales
    # the bot answers at once: its 3-minute rate is 100% and the platform's counts it
    assert b["views"]["bot"]["three_min_reply_rate"]["mean"] == 1.0
    assert b["views"]["platform"]["three_min_reply_rate"]["mean"] >= b["views"]["human"]["three_min_reply_rate"]["mean"]
    cells = " ".join(" ".join(r) for r in rows.values())
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", body + cells), body
    assert t("deck.bot_views_note", lang) in slide.notes_slide.notes_text_frame.text
    if lang == "en":
        names = "".join(doc["schemes"]) + doc["scenario"]["name"]
        assert not [ch for ch in body + cells if "\u4e00" <= ch <= "\u9fff" and ch not in names]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bot_section_in_the_html_report(bot_run, lang) -> None:
    doc, _, html_path = bot_run
    html = html_path.read_text(encoding="utf-8") if lang == "zh" else build_report(doc, lang)
    sec = html.split('<h2 id="bot">')[1].split("<h2>")[0]
    assert sec.startswith(escape(t("deck.bot_title", lang)))
    for ln in bot_lines(doc, lang):
        assert f"<li>{escape(ln)}</li>" in sec
    for v in VIEWS:
        assert f"<th>{escape(t(f'deck.bot_view.{v}', lang))}</th>" in sec
    for code in ("three_min_reply_rate", "good_rating_rate"):
        for v in VIEWS:
            assert f"<td>{escape(kpi_value(code, doc['bot']['views'][v][code]['mean'], lang))}</td>" in sec
    visible = re.sub(r"<[^>]+>", " ", sec)
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", visible)
    if lang == "zh":
        assert not re.findall(r"[A-Za-z]{3,}", visible), visible


def test_pay_basis_and_a_platform_that_counts_no_bot(bot_run) -> None:
    """A scheme paying on every chat says so; a mixed one says both; Douyin's pack counts no bot reply."""
    doc, _, _ = bot_run
    d = copy.deepcopy(doc)
    specs = d["scheme_specs"]
    specs["达标奖 45%"]["components"][0]["kpi_basis"] = "all"
    specs["达标奖 48%"]["components"].append({**specs["达标奖 48%"]["components"][0], "kpi": "good_rating_rate",
                                               "kpi_basis": "all"})
    d["bot"]["counts_bot"] = []
    d["scenario"]["platform"] = "douyin"
    for lang in ("zh", "en"):
        lines = bot_lines(d, lang)
        assert t("deck.bot_pays_all", lang, scheme="达标奖 45%", kpis=kpi_label("inquiry_conversion", lang)) in lines
        sep = "、" if lang == "zh" else ", "
        assert t("deck.bot_pays_mixed", lang, scheme="达标奖 48%", kpis=sep.join(
            [kpi_label("inquiry_conversion", lang), kpi_label("good_rating_rate", lang)])) in lines
        assert t("deck.bot_counts_none", lang, platform=t("platform.douyin", lang)) in lines


def test_no_bot_no_slide_and_no_section(bot_run) -> None:
    doc, _, _ = bot_run
    d = copy.deepcopy(doc)
    d.pop("bot")
    for lang in ("zh", "en"):
        prs = Presentation(io.BytesIO(build_deck(d, lang=lang)))
        assert t("deck.bot_title", lang) not in [_title(sl) for sl in prs.slides]
        assert 'id="bot"' not in build_report(d, lang)


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice / poppler-utils not installed")
def test_bot_slide_renders_in_libreoffice(bot_run, tmp_path: Path) -> None:
    _, pptx, _ = bot_run
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(pptx)], check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", str(tmp_path / "deck.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert t("deck.bot_title", "zh") in text and t("deck.bot_view.platform", "zh") in text
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", text)
