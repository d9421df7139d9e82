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

from model.document import run_document
from model.edits import Notice, with_edits
from model.errors import ScenarioError
from model.scenario import load_scenario, parse_overrides, read_toml
from model.schema import Scenario, scenario_from_dict
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


def read_upload(name: str, data: bytes) -> dict[str, Any]:
    """An uploaded scenario file's TOML as a dict, read by the model's reader; errors name the uploaded file."""
    name = Path(name).name or "upload.toml"
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "upload.toml"
        p.write_bytes(data)
        try:
            return read_toml(path=p)
        except ScenarioError as e:
            raise ScenarioError(e.message, file=name, key=e.key) from None


def load_upload(name: str, data: bytes) -> Scenario:
    """Validate an uploaded scenario file with the model's loader; errors name the uploaded file."""
    raw = read_upload(name=name, data=data)
    return scenario_from_dict(data=raw, file=Path(name).name or "upload.toml")


@dataclass
class Changes:
    """What the widgets change in a scenario, and what the edit had to adjust to keep it valid."""

    scenario: Scenario
    notices: list[Notice] = field(default_factory=list)

    @property
    def dropped_promo_days(self) -> list[str]:
        """Names of promotion days left out because the horizon got shorter."""
        return [i for n in self.notices if n.code == "promo_days_dropped" for i in n.items]


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
    bot_share: float | None = None,
) -> Changes:
    """Return the scenario the widgets describe: one :func:`model.edits.with_edits` call.

    The model's edit re-spreads shifts over a new agent count and reports promotion days beyond a shorter
    horizon, exactly as for ``--set`` and sweeps. ``overrides`` (``dotted.key=value``) win over the widgets.
    ``bot_share``: the bot's resolution share (``bot.resolve_share``), set only when it differs from the file's.

    Raises:
        ScenarioError: when the result is not a valid scenario.
    """
    changes: dict[str, Any] = {
        "agents.count": int(agents),
        "agents.max_concurrent_chats": int(max_concurrent_chats),
        "traffic.inquiries_per_day": float(inquiries_per_day),
        "meta.days": int(days),
        "meta.replications": int(replications),
    }
    current = base.bot.resolve_share if base.bot is not None else 0.0
    if bot_share is not None and not isinstance(current, list) and float(bot_share) != float(current):
        changes["bot.resolve_share"] = float(bot_share)  # the bot slider (a shop without [bot] at 0 stays as it is)
    if overrides:
        changes.update(parse_overrides(overrides))
    notices: list[Notice] = []
    return Changes(with_edits(base, changes, notices=notices, file=file), notices)


def with_bot_share(bot: dict[str, Any] | None, share: float | None) -> dict[str, Any] | None:
    """A scenario file's ``[bot]`` table (TOML data; None without one) with the bot slider's resolve share.

    Unchanged when the slider is not shown (``share`` None: shares set per hour) or stands at the file's share (a
    shop without ``[bot]`` at 0 stays without one); otherwise the table with ``resolve_share = share`` (a shop
    without ``[bot]`` gets one, the model's defaults for the rest).
    """
    current = (bot or {}).get("resolve_share", 0.0)
    if share is None or isinstance(current, list) or float(share) == float(current):
        return bot
    return {**(bot or {}), "resolve_share": float(share)}


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
