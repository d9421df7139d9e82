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
