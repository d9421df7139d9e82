"""Helpers for the browser tests: a Streamlit server subprocess on a free port, Chromium launch options."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def wait_limit_s(base_s: float) -> float:
    """A wait limit sized for the machine as it is now: ``base_s`` (generous for an idle machine) times the load
    average per core when that is above 1, capped at 15 minutes.

    Tests wait on the app's own state (the script-run state Streamlit's front end publishes, the AppTest run);
    the limit only decides when a wait counts as a hang, so it grows with the other work the machine is doing.
    """
    per_core = os.getloadavg()[0] / (os.cpu_count() or 1)
    return min(900.0, base_s * max(1.0, per_core))


def wait_limit_ms(base_s: float) -> int:
    """:func:`wait_limit_s` in milliseconds (Playwright's unit)."""
    return int(wait_limit_s(base_s) * 1000)


#: JavaScript: true once the app's script run has finished (Streamlit's own ``data-test-script-state`` on the
#: app root, as Streamlit's e2e tests wait for it), the connection is up and nothing on the page is stale.
_IDLE = """!!document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]'
                                  + '[data-test-connection-state="CONNECTED"]')
  && !document.querySelector('[data-testid="stStatusWidget"]')
  && document.querySelectorAll('[data-stale="true"]').length === 0"""
IDLE_JS = f"() => {_IDLE}"


def settle(page, timeout_ms: int | None = None) -> None:
    """Wait until the app's current script run has finished (see :data:`IDLE_JS`).

    A widget change sets the front end's state to 'rerun requested' at once, so a wait that starts right after
    the action cannot see the previous run's end. The short pause covers debounced widgets (a slider's release).
    """
    time.sleep(0.3)
    page.wait_for_function(IDLE_JS, timeout=timeout_ms or wait_limit_ms(120))


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def streamlit_process(app: str = "app.py", timeout_s: float | None = None, log: Path | None = None
                      ) -> Iterator[tuple[str, int]]:
    """Run ``streamlit run app`` headless on a free port; yield ``(url, pid)``; always stop it (and its children).

    The server's output goes to ``log`` (default tests/artifacts/streamlit_server.log). bench/app_load.py uses it too.
    """
    port = free_port()
    log = log or ROOT / "tests" / "artifacts" / "streamlit_server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", PYTHONPATH=str(ROOT))
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", app, "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}"
            timeout_s = timeout_s or wait_limit_s(60)
            deadline = time.monotonic() + timeout_s
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not answer within {timeout_s:.0f} s; see {log}")
                time.sleep(0.2)
            yield url, proc.pid
        finally:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)


@contextlib.contextmanager
def streamlit_server(app: str = "app.py", timeout_s: float | None = None) -> Iterator[str]:
    """Run ``streamlit run app`` headless on a free port; yield its URL; always stop it (and its children)."""
    with streamlit_process(app, timeout_s) as (url, _pid):
        yield url


def catalogue_key_pattern():
    """A regex matching a catalogue key as it would leak onto the screen ("ed.ae_conv", "sim.agents_help"):
    one of the catalogues' key prefixes, a dot, a lower-case word. Numbers ("3.5%") and file paths
    ("docs/kpi.md", cited by the platform-rule caption) do not match."""
    import re

    from model.present.i18n import CATALOGUES

    prefixes = sorted({k.split(".", 1)[0] for k in CATALOGUES["zh"]})
    return re.compile(r"(?<![\w./])(?:" + "|".join(map(re.escape, prefixes)) + r")\.[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")


#: JavaScript: the rendered size of every Vega chart on the page, [[width, height], ...].
CHART_SIZES_JS = """() => Array.from(document.querySelectorAll('.vega-embed'))
  .map(e => { const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; })"""

#: JavaScript: true once Streamlit has finished the current run and drawn every chart.
SETTLED_JS = f"""(n) => {_IDLE}
  && document.querySelectorAll('.vega-embed svg, .vega-embed canvas').length >= n"""
