"""The comparison report: one self-contained HTML file, charts inline, Chinese labels, assumptions marked."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from model.pipeline import compare_schemes
from model.present.html_report import build_report
from model.present.i18n import t
from model.scenario import load_scenario
from model.simulate import simulate

ROOT = Path(__file__).resolve().parents[1]
SEED000 = ROOT / "scenarios" / "seed000_threshold_48.toml"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def doc() -> dict:
    s = load_scenario(SEED000, ["meta.days=3", "meta.replications=2"])
    d = compare_schemes(s, base=simulate(s))
    d["scenario"] = {"name": s.meta.name, "days": s.meta.days, "replications": s.meta.replications,
                     "seed": s.meta.seed, "platform": s.shop.platform, "file": "scenarios/seed000_threshold_48.toml"}
    d["scheme_specs"] = {sc.name: sc.model_dump(mode="json", exclude_none=True) for sc in s.schemes}
    return d


@pytest.fixture(scope="module")
def html_zh(doc: dict) -> str:
    return build_report(doc, "zh")


def test_report_is_one_self_contained_file(html_zh: str) -> None:
    assert html_zh.lstrip().lower().startswith("<!doctype html>")
    assert '<meta charset="utf-8">' in html_zh
    # nothing loaded from elsewhere: no external src/href, no stylesheet links, no script files
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html_zh, re.I)
    assert not re.search(r"<link\b", html_zh, re.I)
    assert not re.search(r"<script[^>]*\bsrc=", html_zh, re.I)
    assert "@import" not in html_zh
    # a CJK font stack so Chinese renders
    assert "Noto Sans CJK SC" in html_zh and "Microsoft YaHei" in html_zh


def test_report_has_schemes_labels_and_one_chart_each(doc: dict, html_zh: str) -> None:
    for name in doc["schemes"]:
        assert name in html_zh
    for key in ("rep.title", "res.col.bonus", "res.col.net", "res.col.p_loss", "rep.per_agent"):
        assert t(key, "zh") in html_zh
    for chart in ("uplift", "pay", "reach"):
        fig = re.search(rf'<figure id="chart-{chart}">(.*?)</figure>', html_zh, re.S)
        assert fig is not None, chart
        assert "<svg" in fig.group(1) or "application/vnd.vegalite+json" in fig.group(1)
    # money the Chinese way: the +20%/+20% scheme's uplift is tens of thousands of yuan -> 万
    assert re.search(r"\d万", html_zh)


def test_assumptions_are_marked(doc: dict, html_zh: str) -> None:
    assumed = [n for n, b in doc["schemes"].items() if b["assumed_effects"]]
    assert assumed == ["达标奖 48% + 假设 +20%/+20%"]
    callout = re.search(r'<div class="callout">(.*?)</div>', html_zh, re.S)
    assert callout is not None
    assert "假设:询单转化率 +20%" in callout.group(1) and assumed[0] in callout.group(1)
    assert f"{assumed[0]} ({t('res.assumed_mark', 'zh')})" in html_zh  # chart legends and per-agent table


def test_no_assumption_callout_without_assumed_effects(doc: dict) -> None:
    d = copy.deepcopy(doc)
    for b in d["schemes"].values():
        b["assumed_effects"] = None
    html = build_report(d, "zh")
    assert '<div class="callout">' not in html
    assert t("res.no_assumed", "zh") in html


def test_english_report(doc: dict) -> None:
    html = build_report(doc, "en")
    assert '<html lang="en">' in html
    assert t("rep.title", "en") in html and "Assumption: inquiry conversion +20%" in html
    assert "yuan" in html and "万" not in html.split("<h2>")[4]  # the table uses yuan, not 万, in English


@pytest.mark.skipif(not CHROMIUM.exists() or shutil.which("chromium") is None, reason="no Debian Chromium")
def test_report_renders_in_chromium(html_zh: str, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = tmp_path / "report_zh.html"
    page.write_text(html_zh, encoding="utf-8")
    png = ARTIFACTS / "report_zh.png"
    png.unlink(missing_ok=True)
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={png}", "--window-size=1200,2600", page.as_uri()],
                   check=True, capture_output=True, timeout=90)
    assert png.exists() and png.stat().st_size > 50_000


# ----------------------------------------------------------------------------------------------- the bands
@pytest.fixture(scope="module")
def banded() -> dict:
    """The default shop (agents respond) with each scheme's band, 1 day x 1 replication."""
    from model.document import evaluate

    s = load_scenario(ROOT / "scenarios" / "taobao_10_agents.toml", ["meta.days=1", "meta.replications=1"])
    return evaluate(s, band=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_shows_each_schemes_band_as_the_cards(banded: dict, lang: str) -> None:
    """Each scheme's band in the card's words (range, the three assumptions that move it most, basis; the
    baseline says what it is), and where the recommendation flips, or that it stays: band_text's sentences."""
    from html import escape

    from model.present.band_text import basis_text, flip_text, has_band, range_text, top_rows, top_text
    from model.present.story import how_sure

    html = build_report(banded, lang)
    sec = html.split(f"<h2>{escape(t('deck.sure_title', lang))}</h2>")[1].split("<h2>")[0]
    n = 0
    for name, b in banded["schemes"].items():
        card = re.search(rf'<div class="band" data-scheme="{re.escape(escape(name))}">(.*?)</div>', sec, re.S)
        assert card is not None, name
        body = card.group(1)
        assert escape(basis_text(b["band"]["basis"], lang)) in body
        if has_band(b["band"]):
            n += 1
            assert escape(range_text(b["band"], lang)) in body
            rows = top_rows(b["band"])
            assert len(rows) == 3 and all(escape(top_text(r, lang)) in body for r in rows)
        else:
            assert b["band"].get("baseline") and escape(t("band.baseline", lang)) in body
    assert n == len(banded["schemes"]) - 1  # every scheme but the baseline has a band
    sure = how_sure(banded)
    for f in sure["flips"]:
        assert escape(flip_text(f, sure["scheme"], lang)) in sec
    if not sure["flips"]:
        assert escape(t("band.no_flip", lang)) in sec
    visible = re.sub(r"<[^>]+>", " ", sec)
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", visible), visible  # no raw parameter keys
    if lang == "zh":
        assert not re.findall(r"[A-Za-z]{3,}", visible), visible


def test_no_band_section_without_bands(doc: dict) -> None:
    d = copy.deepcopy(doc)
    d.pop("band_basis", None)
    for b in d["schemes"].values():
        b.pop("band", None)
    assert t("deck.sure_title", "zh") not in build_report(d, "zh")
