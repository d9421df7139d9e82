"""User text never becomes markup (issue 21): scheme, component, shop, shift and agent names carrying script and
markup payloads come out as text in the HTML report (checked by parsing, and in Chromium), the deck, and the
app's Markdown (escaped by model.present.format.md_plain)."""

from __future__ import annotations

import io
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from model.pipeline import compare_schemes
from model.present.deck import build_deck
from model.present.format import md_plain
from model.present.html_report import build_report
from model.scenario import load_scenario
from model.simulate import simulate

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
PAYLOADS = ['<script>document.title="PWNED"</script>', '<img src=x onerror="document.title=\'PWNED\'">',
            '"><b onmouseover=alert(1)>x</b>', "[link](javascript:alert(1)) **bold** :red[red]"]


def _toml(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def doc() -> dict:
    p = PAYLOADS
    s = load_scenario(ROOT / "scenarios" / "seed000_threshold_48.toml", [
        "meta.days=1", "meta.replications=1", "traffic.inquiries_per_day=80",
        f"meta.name={_toml(p[0])}", f"shop.name={_toml(p[1])}", f"schemes.1.name={_toml(p[2])}",
        f"schemes.1.components.0.label={_toml(p[3])}", f"agents.shifts.0.name={_toml(p[1])}",
        f"agents.individual=[{{name = {_toml(p[0])}}}, {{name = {_toml(p[1])}}}]"])
    d = compare_schemes(s, base=simulate(s))
    d["scenario"] = {"name": s.meta.name, "days": s.meta.days, "replications": s.meta.replications,
                     "seed": s.meta.seed, "platform": s.shop.platform, "file": "payload.toml"}
    d["scheme_specs"] = {sc.name: sc.model_dump(mode="json", exclude_none=True) for sc in s.schemes}
    return d


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_html_report_shows_payloads_as_text(doc, lang):
    html = build_report(doc, lang)
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("img", "iframe", "object", "embed"), (tag, attrs)
        assert tag != "script" or attrs.get("type") == "application/vnd.vegalite+json", attrs
        assert not any(a.lower().startswith("on") for a in attrs), (tag, attrs)
        assert not any("javascript:" in (v or "") for v in attrs.values()), (tag, attrs)
    text = "".join(parser.text)
    assert PAYLOADS[0] in text and PAYLOADS[2] in text  # the names as typed, as text


@pytest.mark.skipif(not CHROMIUM.exists() or shutil.which("chromium") is None, reason="no Debian Chromium")
def test_no_payload_runs_in_a_browser(doc, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(build_report(doc, "en"), encoding="utf-8")
    r = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=3000",
                        "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=180)
    dom = r.stdout
    assert "<body" in dom, r.stderr[-1000:]
    title = dom.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.strip() != "PWNED" and "document.title" in title  # the payload shown as text, never run
    parser = _Tags()  # the DOM after the page ran: no element or handler came from a name
    parser.feed(dom)
    assert not [t for t, _ in parser.tags if t in ("img", "iframe")]
    assert not [(t, a) for t, a in parser.tags if any(k.lower().startswith("on") for k in a)]


def test_the_deck_carries_payloads_as_text(doc):
    from pptx import Presentation

    data = build_deck(doc, lang="en")
    prs = Presentation(io.BytesIO(data) if isinstance(data, bytes) else data)
    texts = " ".join(sh.text_frame.text for slide in prs.slides for sh in slide.shapes if sh.has_text_frame)
    assert PAYLOADS[2] in texts or PAYLOADS[0] in texts


def test_md_plain_leaves_no_markdown():
    for p in PAYLOADS:
        out = md_plain(p)
        assert all(out[i - 1] == "\\" for i, c in enumerate(out) if c in "<>[]()*:" and i > 0)
        assert out.replace("\\", "") == p.replace("\\", "")
