"""Shared helpers for the engine, scenario, KPI, CLI and validation tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from model.chatcentre import EngineInput
from model.edits import with_edits
from model.scenario import load_scenario
from model.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
ERLANG = SCENARIOS / "validation" / "erlang.toml"
TAOBAO = SCENARIOS / "taobao_10_agents.toml"
INF = float("inf")

# Property tests run on a shared, often loaded 2-core machine: a slow example is not a failure (no deadline, no
# too_slow health check), and CI draws the same examples every run so a red run can be reproduced.
settings.register_profile("house", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "house"))


def engine_input(
    arrivals: list[float],
    *,
    n_msgs: list[int] | None = None,
    reply: list[float] | float = 10.0,
    think: list[float] | float = 0.0,
    patience: list[float] | float = INF,
    silent: list[bool] | bool = False,
    n_agents: int = 1,
    cap: int = 1,
    slowdown: list[float] | None = None,
    routing: str = "least_busy",
    duty: list[list[tuple[float, float]]] | None = None,
    horizon_s: float = 10_000.0,
    agent_reply_factor: list[float] | None = None,
) -> EngineInput:
    """A hand-made engine input: reply times in seconds per buyer message (mean 1 unit x reply_mean_s = 1)."""
    k = len(arrivals)
    n_msgs = n_msgs or [1] * k
    m = int(sum(n_msgs))

    def per(x, size, dtype=float):
        arr = np.asarray(x, dtype=dtype)
        return np.full(size, arr, dtype=dtype) if arr.ndim == 0 else arr

    return EngineInput(
        horizon_s=horizon_s,
        arrival_s=np.asarray(arrivals, dtype=float),
        n_msgs=np.asarray(n_msgs, dtype=np.int64),
        patience_s=per(patience, k),
        silent=per(silent, k, bool),
        reply_unit=per(reply, m),
        think_s=per(think, m),
        n_agents=n_agents,
        cap=cap,
        reply_mean_s=1.0,
        agent_reply_factor=np.asarray(agent_reply_factor or [1.0] * n_agents, dtype=float),
        slowdown=slowdown or [1.0],
        routing=routing,
        duty=duty,
    )


def erlang_scenario(**changes) -> Scenario:
    """scenarios/validation/erlang.toml with dotted-key changes."""
    s = load_scenario(ERLANG)
    return with_edits(s, changes) if changes else s


def taobao_scenario(**changes) -> Scenario:
    """scenarios/taobao_10_agents.toml with dotted-key changes."""
    s = load_scenario(TAOBAO)
    return with_edits(s, changes) if changes else s


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m model ARGS`` in a subprocess (the real entry point, exit code and streams)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "model", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=timeout)


@pytest.fixture
def tmp_toml(tmp_path):
    """Write a TOML text (or bytes) to a temporary file and return its path."""

    def write(content: str | bytes, name: str = "scenario.toml") -> Path:
        p = tmp_path / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return p

    return write
