"""Scenario loading: TOML files and ``--set`` overrides (the schema is :mod:`model.schema`, edits :mod:`model.edits`,
the error type :mod:`model.errors`).

A scenario describes one shop: its traffic, agents, customers, outcome model, KPI options, schemes and
economics. Unknown keys are errors; every numeric key carries its unit in its name. All errors raised while
loading are :class:`ScenarioError`, whose message names the file, the key, the value and what is allowed.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from model.edits import Notice, edit_data
from model.errors import ScenarioError, format_validation_error  # noqa: F401 - re-exported
from model.limits import MAX_SCENARIO_BYTES, toml_depth_problem
from model.schema import (
    Scenario,
    scenario_from_dict,
)


def parse_override(item: str) -> tuple[list[str | int], Any]:
    """Parse one ``dotted.key=value`` override; the value is read as TOML (bare words become strings)."""
    if "=" not in item:
        raise ScenarioError(f"override '{item}' must look like dotted.key=value", file="<--set>")
    key, raw = item.split("=", 1)
    key = key.strip()
    if not key or any(p == "" for p in key.split(".")):
        raise ScenarioError(f"override '{item}' has an empty key part", file="<--set>")
    raw = raw.strip()
    deep = toml_depth_problem(raw)
    if deep:
        raise ScenarioError(f"the value {deep}", file="<--set>", key=key)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        value = raw
    path: list[str | int] = [int(p) if p.isdigit() else p for p in key.split(".")]
    return path, value


def parse_overrides(overrides: list[str]) -> dict[str, Any]:
    """``dotted.key=value`` strings as a changes dict for :mod:`model.edits` (a later key wins)."""
    out: dict[str, Any] = {}
    for item in overrides:
        path, value = parse_override(item)
        out[".".join(str(p) for p in path)] = value
    return out


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file with clear errors (missing, not UTF-8, syntax, empty: no key at all)."""
    p = Path(path)
    if not p.exists():
        raise ScenarioError("file not found", file=str(path))
    if p.is_dir():
        raise ScenarioError("is a folder, not a scenario file", file=str(path))
    try:
        if p.is_file() and p.stat().st_size > MAX_SCENARIO_BYTES:
            raise ScenarioError(f"is {p.stat().st_size:,} bytes; a scenario file is at most {MAX_SCENARIO_BYTES:,} "
                                "bytes (the shipped ones are under 10 KB)", file=str(path))
        with p.open("rb") as fh:  # a device or pipe has no size: read at most one byte past the limit
            raw = fh.read(MAX_SCENARIO_BYTES + 1)
    except OSError as e:
        raise ScenarioError(f"cannot be read: {e.strerror or e}", file=str(path)) from None
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"is larger than {MAX_SCENARIO_BYTES:,} bytes (or is a device or stream without end); "
                            "give a scenario TOML file", file=str(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError(f"is not UTF-8 text (byte {e.start}); save it as UTF-8 TOML", file=str(path)) from None
    deep = toml_depth_problem(text)
    if deep:
        raise ScenarioError(deep, file=str(path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"TOML syntax error: {e}", file=str(path)) from None
    except RecursionError:
        raise ScenarioError("nests tables or arrays too deeply to read", file=str(path)) from None
    if not data:
        # an empty file would silently simulate every default; that is never what the user meant
        raise ScenarioError("文件为空 the file is empty (no keys): a scenario needs at least a [meta] table; "
                            "start from scenarios/taobao_10_agents.toml", file=str(path))
    return data


def load_scenario(path: str | Path, overrides: list[str] | None = None,
                  notices: list[Notice] | None = None) -> Scenario:
    """Load and validate a scenario TOML file.

    Args:
        path: the TOML file.
        overrides: ``dotted.key=value`` strings applied before validation (arrays by position), through the
            same edit logic as the app and sweeps (:func:`model.edits.edit_data`): ``agents.count=12`` on a file
            with shifts re-spreads the shifts.
        notices: receives what an override changed besides its key (promotion days beyond a shorter
            ``meta.days``); None = such an override is an error.

    Returns:
        The validated Scenario.

    Raises:
        ScenarioError: the file, key and value that were wrong, and what is allowed.
    """
    data = read_toml(path)
    if overrides:
        try:
            data = edit_data(data, parse_overrides(overrides), notices=notices, file="<--set>")
        except ScenarioError as e:
            raise ScenarioError(e.message, file=f"{path} (--set)", key=e.key) from None
    return scenario_from_dict(data, file=str(path))


def json_schema() -> dict[str, Any]:
    """The JSON schema of the scenario format."""
    return Scenario.model_json_schema()

