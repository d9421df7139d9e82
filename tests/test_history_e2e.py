"""Browser test of the History page in Debian's Chromium: try a sample, see the replay, calibrate, run the fit,
continue to Simulate; zh and en at 1440 px and 414 px. Screenshots go to tests/artifacts/ (gitignored)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from e2e_helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, settle, streamlit_server, wait_limit_ms

from model.present.i18n import t

pytestmark = pytest.mark.e2e

ARTIFACTS = ROOT / "tests" / "artifacts"
TIMEOUT_S = 60  # idle-machine seconds; wait_limit_ms scales them with the load


def _settle(page) -> None:
    settle(page, wait_limit_ms(TIMEOUT_S))


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / name
    time.sleep(1.5)  # data grids and charts draw after the run has finished
    page.screenshot(path=str(out))  # Streamlit scrolls inside its main block: a tall viewport shows the page
    return out


def test_history_page_in_the_browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with streamlit_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for lang, width in (("zh", 1440), ("en", 414), ("en", 1440), ("zh", 414)):
                _walk(browser, url, lang, width)
        finally:
            browser.close()


def _walk(browser, url: str, lang: str, width: int) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": width, "height": 3200 if width < 700 else 2400})
    try:
        page.set_default_timeout(wait_limit_ms(TIMEOUT_S))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{url}/history")
        expect(page.get_by_text(t("hist.title", "zh")).first).to_be_visible(timeout=wait_limit_ms(TIMEOUT_S))
        _settle(page)
        if lang == "en":
            if width < 700:  # the sidebar is collapsed on a phone: open it, switch, close it
                page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"]'
                             ).first.click()
            page.get_by_text("English", exact=True).click()
            _settle(page)
            if width < 700:
                page.keyboard.press("Escape")
                page.locator('[data-testid="stSidebarCollapseButton"] button, '
                             '[data-testid="stSidebarCollapseButton"]').first.click()
            expect(page.get_by_text(t("hist.title", "en")).first).to_be_visible(timeout=wait_limit_ms(TIMEOUT_S))
        page.locator(".st-key-hist_sample_qianniu button").click()
        _settle(page)
        expect(page.get_by_text(t("hist.read_ok", lang)).first).to_be_visible(timeout=wait_limit_ms(TIMEOUT_S))
        expect(page.get_by_role("tab", name=t("hist.tab.replay", lang))).to_be_visible(timeout=wait_limit_ms(TIMEOUT_S))
        expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible(timeout=wait_limit_ms(TIMEOUT_S))
        _shot(page, f"history_{lang}_{width}_replay.png")
        page.get_by_role("tab", name=t("hist.tab.calibrate", lang)).click()
        page.locator(".st-key-hist_calibrate button").click()
        _settle(page)
        expect(page.get_by_text(t("hist.cal_done", lang)).first).to_be_visible(timeout=wait_limit_ms(TIMEOUT_S))
        page.locator(".st-key-hist_fit button").click()
        _settle(page)
        expect(page.get_by_text(t("hist.fit_note", lang)).first).to_be_visible(timeout=wait_limit_ms(TIMEOUT_S))
        _shot(page, f"history_{lang}_{width}_calibrate.png")
        page.get_by_role("link", name=t("hist.to_sim", lang)).first.click()
        _settle(page)
        expect(page.locator('[data-testid="stMetric"]').first).to_be_visible(timeout=wait_limit_ms(TIMEOUT_S))
        # the Simulate page, in the same language, on the calibrated scenario
        expect(page.locator("h1").first).to_have_text(t("sim.title", lang), timeout=wait_limit_ms(TIMEOUT_S))
        expect(page.get_by_text("qianniu_2026-10_gbk.csv · 校准 calibrated").first).to_be_visible(timeout=wait_limit_ms(TIMEOUT_S))
        _shot(page, f"history_{lang}_{width}_simulate.png")
        assert not errors, errors
    finally:
        page.close()
