"""Browser test: the real app in Debian's Chromium (Playwright): load, move a slider, switch language, screenshots.

Screenshots go to tests/artifacts/ (gitignored) and docs/img/app_zh.png, docs/img/app_en.png for the docs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from e2e_helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, settle, streamlit_server

from ui.i18n import kpi_label, t

pytestmark = pytest.mark.e2e

ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_IMG = ROOT / "docs" / "img"
TIMEOUT_MS = 30_000


def _settle(page) -> None:
    settle(page, TIMEOUT_MS)


def _shot(page, name: str, *, docs: bool = False) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / name
    page.screenshot(path=str(out))
    if docs:
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, DOCS_IMG / name)
    return out


def _metric_value(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]', has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_load_move_slider_switch_language_screenshots():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import expect, sync_playwright

    with streamlit_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1250})
            page.set_default_timeout(TIMEOUT_MS)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)

            # the KPI cards appear in Chinese
            cards = page.locator('.st-key-kpi_cards [data-testid="stMetric"]')
            expect(cards.first).to_be_visible()
            assert cards.count() >= 6
            _settle(page)
            per_agent = t("sim.per_agent_day", "zh")
            before = _metric_value(page, per_agent)
            expect(page.get_by_text(kpi_label("inquiry_conversion", "zh")).first).to_be_visible()

            # move the agents slider with the keyboard: 10 -> 6
            thumb = page.locator('.st-key-agents input[type="range"]')
            expect(thumb).to_have_value("10")
            for target in ("9", "8", "7", "6"):  # one step at a time: each key press may start a rerun
                thumb.focus()
                thumb.press("ArrowLeft")
                expect(thumb).to_have_value(target)
                _settle(page)
            card = page.locator('[data-testid="stMetric"]', has_text=per_agent).first
            expect(card.locator('[data-testid="stMetricValue"]')).not_to_have_text(before)
            _settle(page)
            after = _metric_value(page, per_agent)
            assert float(after.replace(",", "")) > float(before.replace(",", ""))  # fewer agents, more chats each
            assert page.locator('[data-testid="stException"]').count() == 0
            zh = _shot(page, "app_zh.png", docs=True)

            # switch to English: labels change, the slider keeps its value
            page.locator(".st-key-lang").get_by_text("English").click()
            expect(page.get_by_text("Inquiry conversion").first).to_be_visible()
            expect(page.get_by_text(t("sim.title", "en"))).to_be_visible()
            _settle(page)
            expect(page.locator('.st-key-agents input[type="range"]')).to_have_value("6")
            expect(page.get_by_text(kpi_label("inquiry_conversion", "zh"))).to_have_count(0)
            kpi_radio = page.locator(".st-key-agent_kpi_en")
            expect(kpi_radio).to_contain_text(kpi_label("three_min_reply_rate", "en"))
            expect(kpi_radio.locator("input[type=radio]").first).to_be_checked()
            en = _shot(page, "app_en.png", docs=True)

            # a file that is not TOML: the model's message in an error box, no traceback
            page.locator('.st-key-upload input[type="file"]').set_input_files(
                files=[{"name": "notes.toml", "mimeType": "text/plain", "buffer": b"this is [not toml"}])
            alert = page.locator('[data-testid="stAlert"]', has_text="TOML syntax error")
            expect(alert).to_be_visible()
            expect(alert).to_contain_text("notes.toml")
            assert page.locator('[data-testid="stException"]').count() == 0
            _shot(page, "app_bad_upload.png")
            assert not errors, errors
        finally:
            browser.close()
    assert zh.stat().st_size > 20_000 and en.stat().st_size > 20_000
