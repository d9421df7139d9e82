"""The app under load (issue 21): 8 concurrent browser sessions on one Streamlit server, on loopback.

Not a test and not a timing figure: it reports what a team using the app at once would meet. Each session
(its own browser context, so its own Streamlit session) loops until the time is up:

1. opens the Simulate page and waits for the KPI cards (the default scenario simulates);
2. moves the agents slider to its own value (10 - 1..4 by session) with the keyboard, one step per rerun;
3. opens the Compare page and waits for it to settle (it simulates and prices the schemes);
4. switches the language to English, then back to Chinese;
5. returns to Simulate and checks the slider still shows *its* value and the page the language it chose
   (another session's value or language there would mean the sessions share state).

Printed at the end: sessions and cycles completed, exceptions seen (Streamlit exception boxes and browser page
errors), whether any session saw another's inputs, the server's peak resident memory (the server process and
its children, sampled every 0.5 s) and the load average. The bound on the peak RSS is in bench/README.md.

``python -m bench.app_load [--sessions 8] [--seconds 300]`` (needs /usr/bin/chromium and Playwright).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from e2e_helpers import CHROMIUM, CHROMIUM_ARGS, SETTLED_JS, streamlit_process  # noqa: E402

from model.present.i18n import t  # noqa: E402

#: The peak RSS bound stated in bench/README.md (server and its children, 8 sessions on the default scenario).
RSS_BOUND_MB = 3000
#: How long one page may take to settle before the step counts as failed (8 sessions share one server process:
#: a Compare page's first run, which simulates, waits for the other sessions' runs on a 2-core machine).
STEP_TIMEOUT_MS = 300_000


@dataclass
class Tally:
    cycles: int = 0
    exceptions: list[str] = field(default_factory=list)
    crossed: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    per_session: dict[int, int] = field(default_factory=dict)


def _rss_mb(pid: int) -> float:
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for q in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += q.memory_info().rss
    return total / 2**20


def _server():
    """The app on loopback (the browser tests' server helper), its log in bench/results/."""
    return streamlit_process(timeout_s=120, log=ROOT / "bench" / "results" / "app_load_server.log")


#: The run is over: drawn with its charts, or stopped on an exception box (which _exceptions then counts).
DONE_JS = ("(n) => (" + SETTLED_JS.split("=>", 1)[1].strip() + ") || (!document.querySelector("
           "'[data-testid=\"stStatusWidget\"]') && !!document.querySelector('[data-testid=\"stException\"]'))")


async def _settled(page, n: int = 1) -> None:
    await asyncio.sleep(0.3)
    await page.wait_for_function(DONE_JS, arg=n, timeout=STEP_TIMEOUT_MS)


async def _exceptions(page, tally: Tally, where: str) -> None:
    n = await page.locator('[data-testid="stException"]').count()
    if n:
        text = await page.locator('[data-testid="stException"]').first.inner_text()
        tally.exceptions.append(f"{where}: {text[:300]}")


async def _session(browser, url: str, i: int, deadline: float, tally: Tally) -> None:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 1000})
    page = await ctx.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.on("pageerror", lambda e: tally.exceptions.append(f"session {i} page error: {e}"))
    steps = 1 + i % 4
    mine = str(10 - steps)
    step = "open"
    try:
        await page.goto(url)
        await _settled(page, 1)
        step = "slider"
        thumb = page.locator('.st-key-agents input[type="range"]')
        for _ in range(steps):
            before = await thumb.input_value()
            await thumb.focus()
            await thumb.press("ArrowLeft")
            await page.wait_for_function(
                "([sel, v]) => document.querySelector(sel) && document.querySelector(sel).value !== v",
                arg=['.st-key-agents input[type="range"]', before], timeout=STEP_TIMEOUT_MS)
            await _settled(page, 1)
        while True:  # at least one full cycle, then until the time is up
            step = "compare"
            await page.get_by_role("link", name=t("nav.compare", "zh")).click()
            await _settled(page, 1)
            await _exceptions(page, tally, f"session {i} compare")
            step = "english"
            await page.locator(".st-key-lang").get_by_text("English").click()
            await page.get_by_text(t("nav.compare", "en")).first.wait_for(timeout=STEP_TIMEOUT_MS)
            await _settled(page, 1)
            await _exceptions(page, tally, f"session {i} english")
            step = "chinese"
            await page.locator(".st-key-lang").get_by_text("中文").click()
            await page.get_by_text(t("nav.compare", "zh")).first.wait_for(timeout=STEP_TIMEOUT_MS)
            await _settled(page, 1)
            await _exceptions(page, tally, f"session {i} chinese")
            step = "simulate"
            await page.get_by_role("link", name=t("nav.simulate", "zh")).click()
            await _settled(page, 1)
            await _exceptions(page, tally, f"session {i} simulate")
            got = await page.locator('.st-key-agents input[type="range"]').input_value()
            if got != mine:
                tally.crossed.append(f"session {i}: agents slider shows {got}, this session set {mine}")
            if await page.get_by_text(t("nav.simulate", "en"), exact=True).count():
                tally.crossed.append(f"session {i}: English labels after this session chose Chinese")
            tally.cycles += 1
            tally.per_session[i] = tally.per_session.get(i, 0) + 1
            if time.monotonic() >= deadline:
                break
    except Exception as e:  # noqa: BLE001 - a step that timed out or failed is reported, the others go on
        tally.failures.append(f"session {i} at step {step}: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
    finally:
        await ctx.close()


async def _run(url: str, sessions: int, seconds: float, tally: Tally) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(_session(browser, url, i, deadline, tally) for i in range(sessions)))
        finally:
            await browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.app_load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=8, help="concurrent browser sessions (default 8)")
    ap.add_argument("--seconds", type=float, default=300.0, help="how long the sessions loop (default 300)")
    a = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is not installed", file=sys.stderr)
        return 2
    tally = Tally()
    peak = [0.0]
    t0 = time.monotonic()
    with _server() as (url, pid):
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], _rss_mb(pid))
                stop.wait(0.5)

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        try:
            asyncio.run(_run(url, a.sessions, a.seconds, tally))
        finally:
            stop.set()
            th.join(timeout=5)
    wall = time.monotonic() - t0
    load = os.getloadavg()
    completed = sum(1 for i in range(a.sessions) if tally.per_session.get(i))
    print(f"sessions: {a.sessions} concurrent for {a.seconds:.0f} s (wall {wall:.0f} s)")
    print(f"sessions completed (at least one full cycle, no failed step): {completed} of {a.sessions}; "
          f"cycles completed: {tally.cycles} (compare, English, Chinese, simulate), per session "
          f"{[tally.per_session.get(i, 0) for i in range(a.sessions)]}")
    print(f"exceptions seen: {len(tally.exceptions)}")
    for e in tally.exceptions[:10]:
        print(f"  {e}")
    print(f"a session saw another's inputs: {'YES' if tally.crossed else 'no'}")
    for c in tally.crossed[:10]:
        print(f"  {c}")
    for f in tally.failures:
        print(f"  step failed: {f}")
    print(f"server peak RSS: {peak[0]:,.0f} MB (bound {RSS_BOUND_MB:,} MB: "
          f"{'within' if peak[0] <= RSS_BOUND_MB else 'ABOVE'})")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    ok = (completed == a.sessions and not tally.exceptions and not tally.crossed and not tally.failures
          and peak[0] <= RSS_BOUND_MB)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
