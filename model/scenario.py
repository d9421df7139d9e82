"""Scenario loading: TOML files, ``--set`` overrides and readable errors (the schema is :mod:`model.schema`).

A scenario describes one shop: its traffic, agents, customers, outcome model, KPI options, schemes and
economics. Unknown keys are errors; every numeric key carries its unit in its name. All errors raised while
loading are :class:`ScenarioError`, whose message names the file, the key, the value and what is allowed.
The schema's names are re-exported here (``from model.scenario import Scenario, ScenarioError, load_scenario``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from model.schema import (  # noqa: F401 - the schema's names stay importable from model.scenario
    MAX_AGENTS,
    MAX_CHATS_PER_REPLICATION,
    MAX_CHATS_PER_RUN,
    MAX_DAYS,
    MAX_MESSAGES_PER_CHAT,
    MAX_MESSAGES_PER_REPLICATION,
    MAX_REPLICATIONS,
    PROFILES,
    Agents,
    AgentSpec,
    Behaviour,
    Customers,
    EconomicsConfig,
    KpiOptions,
    Meta,
    Outcomes,
    Patience,
    PromoDay,
    Scenario,
    Shift,
    Shop,
    Skill,
    TimeDist,
    Traffic,
    expected_chats,
    profile_weights,
    size_problem,
)
from model.schemes.spec import COMPONENT_TYPES

if TYPE_CHECKING:
    from model.edits import Notice

class ScenarioError(Exception):
    """Bad input: a scenario file, a key or an override that cannot be used.

    Attributes:
        file: the file the problem is in (or "<override>" / "<scenario>").
        key: dotted key path, if known.
        message: what was wrong and what is allowed.
    """

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None) -> None:
        self.file = file
        self.key = key
        self.message = message
        where = []
        if file:
            where.append(str(file))
        if key:
            where.append(f"key '{key}'")
        super().__init__((": ".join([", ".join(where), message])) if where else message)


# ----------------------------------------------------------------------------------------------- loading
def _loc(loc: tuple[Any, ...]) -> str:
    """Dotted key path of a pydantic error location, without the union/tag segments pydantic inserts."""
    parts = []
    for i, x in enumerate(loc):
        if isinstance(x, str) and x in COMPONENT_TYPES and i > 1 and isinstance(loc[i - 1], int) \
                and loc[i - 2] == "components":
            continue  # the discriminator tag of a scheme component
        if isinstance(x, int):
            parts.append(str(x))
        elif isinstance(x, str) and not x.startswith(("function-", "tagged-union[", "union[")):
            if "[" in x and x.endswith("]") and x.split("[")[0] in ("str", "list", "float", "int"):
                continue
            parts.append(x)
    return ".".join(parts)


def format_validation_error(err: ValidationError, file: str) -> ScenarioError:
    """Turn a pydantic ValidationError into one readable ScenarioError (first problem first)."""
    lines = []
    first_key: str | None = None
    first_msg = ""
    seen = set()
    for e in err.errors(include_url=False):
        key = _loc(e.get("loc", ()))
        msg = e.get("msg", "invalid")
        msg = msg.removeprefix("Value error, ")
        if e.get("type") == "extra_forbidden":
            msg = "unknown key (not part of the scenario format; see docs/scenario.md or `python -m model schema`)"
        inp = e.get("input")
        shown = "" if isinstance(inp, dict | list) or e.get("type") == "missing" else f" (got {inp!r})"
        line = f"{key or '<top level>'}: {msg}{shown}"
        if line in seen:
            continue
        seen.add(line)
        if first_key is None:
            first_key, first_msg = key, f"{msg}{shown}"
        lines.append(line)
    if len(lines) == 1:
        return ScenarioError(first_msg, file=file, key=first_key or None)
    return ScenarioError("\n  ".join([f"{len(lines)} problems:"] + lines), file=file)


def parse_override(item: str) -> tuple[list[str | int], Any]:
    """Parse one ``dotted.key=value`` override; the value is read as TOML (bare words become strings)."""
    if "=" not in item:
        raise ScenarioError(f"override '{item}' must look like dotted.key=value", file="<--set>")
    key, raw = item.split("=", 1)
    key = key.strip()
    if not key or any(p == "" for p in key.split(".")):
        raise ScenarioError(f"override '{item}' has an empty key part", file="<--set>")
    raw = raw.strip()
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
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


def set_path(data: dict[str, Any], path: list[str | int], value: Any, *, file: str = "<--set>") -> None:
    """Set one dotted-path value in raw scenario data (in place), with clear errors naming ``file``."""
    key = ".".join(str(p) for p in path)
    node: Any = data
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(part, int):
            if not isinstance(node, list):
                raise ScenarioError(f"'{'.'.join(map(str, path[:i]))}' is not an array; cannot use index {part}",
                                    file=file, key=key)
            if part >= len(node):
                raise ScenarioError(f"index {part} is out of range: '{'.'.join(map(str, path[:i]))}' has "
                                    f"{len(node)} entries (0..{len(node) - 1})", file=file, key=key)
            if last:
                node[part] = value
            else:
                node = node[part]
        else:
            if not isinstance(node, dict):
                raise ScenarioError(f"'{'.'.join(map(str, path[:i]))}' is not a table; cannot set '{part}'",
                                    file=file, key=key)
            if last:
                node[part] = value
            else:
                if part not in node:
                    if part not in _known_tables(node is data, path[:i + 1]):
                        raise ScenarioError(f"unknown key '{part}'", file=file, key=key)
                    if isinstance(path[i + 1], int):
                        where = ".".join(map(str, path[:i + 1]))
                        raise ScenarioError(
                            f"'{where}' is not in the file, so it has no entries to address by position; "
                            f"set the whole array instead (e.g. {where}=[...])", file=file, key=key)
                    node[part] = {}
                node = node[part]


def _known_tables(top: bool, prefix: list[str | int]) -> set[str]:
    """Names of sub-tables that may be created by an override (they have defaults in the schema)."""
    return set(Scenario.model_fields) if top else {str(prefix[-1])}


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file with clear errors (missing, not UTF-8, syntax)."""
    p = Path(path)
    if not p.exists():
        raise ScenarioError("file not found", file=str(path))
    if p.is_dir():
        raise ScenarioError("is a folder, not a scenario file", file=str(path))
    try:
        text = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError(f"is not UTF-8 text (byte {e.start}); save it as UTF-8 TOML", file=str(path)) from None
    except OSError as e:
        raise ScenarioError(f"cannot be read: {e.strerror}", file=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"TOML syntax error: {e}", file=str(path)) from None


def scenario_from_dict(data: dict[str, Any], *, file: str = "<scenario>") -> Scenario:
    """Validate raw data into a Scenario, raising ScenarioError with readable messages."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as e:
        raise format_validation_error(e, file) from None


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
    from model.edits import edit_data

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

