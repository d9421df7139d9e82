"""Shared helpers: interleaved median timing, verdict lines, result files, the in-process CLI."""

from __future__ import annotations

import gc
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
ERLANG = ROOT / "scenarios" / "validation" / "erlang.toml"
TAOBAO = ROOT / "scenarios" / "taobao_10_agents.toml"
DAY_S = 86_400.0


def machine() -> dict[str, Any]:
    """What the numbers were measured on (for the result files)."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count(),
            "loadavg": load}


def cpu_s() -> float:
    """User + system CPU seconds of this process and its finished children (a pool's workers)."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def load_warning() -> str:
    """A warning when other work is keeping the machine's CPUs busy (ratios then swing round to round)."""
    if not hasattr(os, "getloadavg"):
        return ""
    one = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    if one > 0.75 * cpus:
        return (f"note: load average {one:.1f} on {cpus} CPUs before this figure - other processes compete; "
                f"the parallel speed-up in particular cannot be measured fairly")
    return ""


def interleaved(fns: dict[str, Callable[[], Any]], repeat: int = 3,
                clock: Callable[[], float] = time.perf_counter) -> dict[str, dict[str, Any]]:
    """Time each callable ``repeat`` times, round-robin (A B C A B C ...), and keep the median.

    Interleaving spreads the noise of a shared machine over both sides of a ratio. Returns, per name, the
    median seconds, all samples and the last return value. ``clock``: wall time by default;
    ``time.process_time`` counts only the CPU time this process got (steadier when other sessions load the
    machine).
    """
    out: dict[str, dict[str, Any]] = {k: {"samples": [], "value": None} for k in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            t0 = clock()
            v = fn()
            dt = clock() - t0
            out[name]["samples"].append(dt)
            out[name]["value"] = v
    for v in out.values():
        v["median_s"] = statistics.median(v["samples"])
    return out


def paired_ratio(t: dict[str, dict[str, Any]], a: str, b: str, na: float = 1.0, nb: float = 1.0) -> float:
    """Median over rounds of (a_i / na) / (b_i / nb): each round's two timings were taken back to back, so a
    burst of load on the shared machine hits both sides of that round's ratio."""
    return statistics.median((x / na) / (y / nb) for x, y in zip(t[a]["samples"], t[b]["samples"], strict=True))


def verdict(name: str, ratio: float, budget: float, *, at_most: bool = True, unit: str = "x",
            note: str = "") -> dict[str, Any]:
    """Print and return one budget line: ``name: 1.18x (budget <= 1.25x) OK``."""
    ok = ratio <= budget if at_most else ratio >= budget
    op = "<=" if at_most else ">="
    extra = f"  [{note}]" if note else ""
    print(f"{name}: {ratio:.2f}{unit} (budget {op} {budget:g}{unit}) {'OK' if ok else 'MISS'}{extra}", flush=True)
    return {"name": name, "value": round(ratio, 4), "budget": budget, "op": op, "ok": ok, "note": note}


def info(text: str) -> None:
    """An indented information line (absolute numbers, counts)."""
    print(f"    {text}", flush=True)


def write_result(figure: str, doc: dict[str, Any]) -> Path:
    """Write ``bench/results/<figure>.json`` (gitignored); a ``--quick`` run writes ``<figure>.quick.json``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    doc = {"figure": figure, "machine": machine(), "when": time.strftime("%Y-%m-%dT%H:%M:%S"), **doc}
    p = RESULTS / f"{figure}{'.quick' if doc.get('quick') else ''}.json"
    p.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return p


def run_cli(scenario: Path, sets: list[str], *, reps: int | None = None, workers: int = 1) -> dict[str, Any]:
    """The whole CLI run in this process (``python -m model run ... --json OUT --quiet``); returns the JSON."""
    from model import cli

    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "run.json"
        argv = ["run", str(scenario), "--json", str(out), "--quiet", "--workers", str(workers)]
        for s in sets:
            argv += ["--set", s]
        if reps is not None:
            argv += ["--reps", str(reps)]
        rc = cli.main(argv)
        if rc != 0:
            raise RuntimeError(f"python -m model {' '.join(argv)} exited with {rc}")
        return json.loads(out.read_text(encoding="utf-8"))
