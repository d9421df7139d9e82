"""Adapter between the widgets and the model: shipped scenarios, uploads, slider changes, the cached run.

The UI only turns inputs into a Scenario (through the model's own loader and validator, so bad input raises
the same :class:`ScenarioError` messages as the CLI) and calls the model with keyword arguments.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from model.report import run_document
from model.scenario import (
    Scenario,
    ScenarioError,
    apply_overrides,
    load_scenario,
    read_toml,
    scenario_from_dict,
)
from model.simulate import simulate

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
DEFAULT_SCENARIO = "scenarios/taobao_10_agents.toml"


def shipped_scenarios(folder: Path = SCENARIO_DIR) -> list[str]:
    """Every shipped scenario (``scenarios/**/*.toml`` except ``validation/``), default first.

    Paths are relative to the project root when the folder is inside it.
    """
    files = []
    for p in sorted(folder.rglob("*.toml")):
        rel = p.relative_to(folder)
        if rel.parts and rel.parts[0] == "validation":
            continue
        try:
            files.append(str(p.relative_to(ROOT)))
        except ValueError:
            files.append(str(p))
    files.sort(key=lambda f: (f != DEFAULT_SCENARIO, f))
    return files


def load_shipped(path: str) -> Scenario:
    """Load a shipped scenario file (relative paths are taken from the project root)."""
    p = Path(path)
    full = p if p.is_absolute() else ROOT / p
    try:
        return load_scenario(path=full)
    except ScenarioError as e:
        raise ScenarioError(e.message, file=path, key=e.key) from None


def load_upload(name: str, data: bytes) -> Scenario:
    """Validate an uploaded scenario file with the model's loader; errors name the uploaded file."""
    name = Path(name).name or "upload.toml"
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "upload.toml"
        p.write_bytes(data)
        try:
            raw = read_toml(path=p)
        except ScenarioError as e:
            raise ScenarioError(e.message, file=name, key=e.key) from None
    return scenario_from_dict(data=raw, file=name)


def _split_shifts(shifts: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """Spread ``n`` agents over the shifts in their original proportions (largest remainder, >= 1 each)."""
    total = sum(int(s["agents"]) for s in shifts)
    k = len(shifts)
    if n < k:  # fewer agents than shifts: keep the first n shifts with one agent each
        return [dict(s, agents=1) for s in shifts[:n]]
    quotas = [n * int(s["agents"]) / total for s in shifts]
    alloc = [max(1, int(q)) for q in quotas]
    while sum(alloc) > n:  # the floor of 1 can overshoot: take from the largest
        i = max(range(k), key=lambda j: alloc[j] - quotas[j])
        alloc[i] -= 1
    order = sorted(range(k), key=lambda j: quotas[j] - int(quotas[j]), reverse=True)
    i = 0
    while sum(alloc) < n:
        alloc[order[i % k]] += 1
        i += 1
    return [dict(s, agents=a) for s, a in zip(shifts, alloc, strict=True)]


@dataclass
class Changes:
    """What the widgets change in a scenario, and what the UI had to adjust to keep it valid."""

    scenario: Scenario
    dropped_promo_days: list[str] = field(default_factory=list)


def apply_changes(
    base: Scenario,
    *,
    agents: int,
    inquiries_per_day: float,
    max_concurrent_chats: int,
    days: int,
    replications: int,
    overrides: list[str] | None = None,
    file: str = "<scenario>",
) -> Changes:
    """Return the scenario the widgets describe, validated by the model.

    Changing the agent count re-spreads shifts over the new count (same proportions) and trims agents listed
    one by one; shortening the horizon leaves out promotion days beyond it (reported, never silent).
    ``overrides`` (``dotted.key=value``) are applied last, exactly like the CLI's ``--set``.

    Raises:
        ScenarioError: when the result is not a valid scenario.
    """
    data = base.model_dump(mode="json")
    a = data["agents"]
    a["count"] = int(agents)
    if a.get("shifts"):
        a["shifts"] = _split_shifts(a["shifts"], int(agents))
    a["individual"] = a.get("individual", [])[: int(agents)]
    a["max_concurrent_chats"] = int(max_concurrent_chats)
    data["traffic"]["inquiries_per_day"] = float(inquiries_per_day)
    data["meta"]["days"] = int(days)
    data["meta"]["replications"] = int(replications)
    promos = data["traffic"].get("promo_days", [])
    dropped = [p.get("name") or str(p["day"]) for p in promos if p["day"] >= days]
    data["traffic"]["promo_days"] = [p for p in promos if p["day"] < days]
    if overrides:
        data = apply_overrides(data=data, overrides=overrides)
    return Changes(scenario_from_dict(data=data, file=file), dropped)


def parse_override_lines(text: str) -> list[str]:
    """Non-empty, non-comment lines of the overrides box."""
    return [ln.strip() for ln in (text or "").splitlines() if ln.strip() and not ln.strip().startswith("#")]


def run(scenario_json: str) -> dict[str, Any]:
    """Simulate a scenario given as JSON and return the run document, with the intraday table as a DataFrame.

    A pure function of its argument (the seed is inside the scenario), so the UI can cache on the JSON.
    """
    s = scenario_from_dict(data=json.loads(scenario_json))
    res = simulate(scenario=s)
    doc = run_document(res=res)
    doc["intraday"] = pd.DataFrame(doc["intraday"])
    doc["agent_count"] = s.agents.count
    return doc


def scenario_json(s: Scenario) -> str:
    """A canonical JSON text of a scenario (the cache key)."""
    return json.dumps(s.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
