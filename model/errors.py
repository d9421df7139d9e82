"""Bad input: the one exception of scenario loading, editing and validation, and readable pydantic errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the CLI imports this module first: keep it light (pydantic only when an error is read)
    from pydantic import ValidationError


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
def key_path(loc: tuple[Any, ...]) -> str:
    """Dotted key path of a pydantic error location, as a user types it in a file or after ``--set``.

    Drops what pydantic inserts that is not a key: the discriminator tag of a scheme component (every
    ``components`` list is a tagged union on ``type``, so a string right after ``components.<index>`` is the
    tag), and union/function markers. ``('schemes', 0, 'components', 1, 'threshold', 'target')`` ->
    ``schemes.0.components.1.target``.
    """
    parts = []
    for i, x in enumerate(loc):
        if isinstance(x, str) and i > 1 and isinstance(loc[i - 1], int) and loc[i - 2] == "components":
            continue  # the discriminator tag of a scheme component
        if isinstance(x, int):
            parts.append(str(x))
        elif isinstance(x, str) and not x.startswith(("function-", "tagged-union[", "union[")):
            if "[" in x and x.endswith("]") and x.split("[")[0] in ("str", "list", "float", "int"):
                continue
            parts.append(x)
    return ".".join(parts)


def error_lines(err: ValidationError) -> list[str]:
    """``key.path: message`` lines of a ValidationError (message prefixes like "Value error, " removed)."""
    return [f"{key_path(tuple(e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
            for e in err.errors(include_url=False)]


def format_validation_error(err: ValidationError, file: str) -> ScenarioError:
    """Turn a pydantic ValidationError into one readable ScenarioError (first problem first)."""
    from model.strict_values import Refused  # pydantic only once an error is read (the CLI starts light)

    lines = []
    first_key: str | None = None
    first_msg = ""
    seen = set()
    for e in err.errors(include_url=False):
        key = key_path(e.get("loc", ()))
        msg = e.get("msg", "invalid")
        msg = msg.removeprefix("Value error, ")
        if e.get("type") == "extra_forbidden":
            msg = "unknown key (not part of the scenario format; see docs/scenario.md or `python -m model schema`)"
        inp = e.get("input")
        if isinstance(inp, Refused):  # a loose value (true/false or text for a number, a huge float)
            msg, inp = inp.reason, inp.value
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
