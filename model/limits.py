"""Bounds on what a user can make big from the command line or the app, besides the scenario schema's own.

The schema bounds a run's size (:func:`model.schema.size_problem`); this module bounds the machine resources a
command may ask for (worker processes) and the inputs read before parsing (scenario file size, TOML nesting).
"""

from __future__ import annotations

import os

from model.errors import ScenarioError

#: Worker processes per core a run may start (more only adds memory and start-up time).
WORKERS_PER_CORE = 4
#: A scenario file larger than this is refused before it is read (the shipped ones are under 10 KB).
MAX_SCENARIO_BYTES = 1_000_000
#: Deepest nesting of tables and arrays a scenario may use (the scenario format needs 6).
MAX_TOML_DEPTH = 24


def cores() -> int:
    """The machine's (or this process's) CPU count."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def max_workers() -> int:
    """The most worker processes a run may ask for: :data:`WORKERS_PER_CORE` x the cores."""
    return WORKERS_PER_CORE * cores()


def check_workers(n: object, *, flag: str = "--workers") -> int:
    """``n`` as a worker count between 1 and :func:`max_workers`, else a ScenarioError naming ``flag``."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise ScenarioError(f"{flag} must be a whole number, got {n!r}", file="<command line>", key=flag)
    if n < 1:
        raise ScenarioError(f"{flag} must be at least 1, got {n}", file="<command line>", key=flag)
    if n > max_workers():
        raise ScenarioError(f"{flag} {n} is more than this machine can use: it has {cores()} cores, and at most "
                            f"{WORKERS_PER_CORE} x {cores()} = {max_workers()} worker processes are allowed",
                            file="<command line>", key=flag)
    return n


def toml_depth_problem(text: str) -> str | None:
    """Why ``text`` nests too deeply to parse (None if it does not), judged by its brackets outside strings.

    An over-estimate is harmless (strings are skipped, comments are not): the limit is far above any scenario.
    """
    depth = peak = 0
    quote: str | None = None
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif c in "[{":
            depth += 1
            peak = max(peak, depth)
            if peak > MAX_TOML_DEPTH:
                return (f"nests tables and arrays more than {MAX_TOML_DEPTH} deep; a scenario needs at most 6 "
                        "levels (check for runaway brackets)")
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None
