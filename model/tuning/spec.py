"""Sweep specifications: a grid (every combination) or a list of points over any scenario keys.

A point is a dict of dotted scenario keys (``schemes.1.components.0.target``, ``agents.count``,
``agents.max_concurrent_chats`` ...) to values, applied as ``--set`` would apply them. Every point runs with the
same seed and replications (common random numbers), so differences between points are the keys' effect.
"""

from __future__ import annotations

import itertools
import json
import math
import tomllib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.edits import set_path
from model.errors import ScenarioError
from model.schema import Scenario
from model.schemes.spec import Scheme
from model.schemes.targets import first_threshold, target_grid

#: The largest number of points a sweep may list (a larger grid is refused before anything runs).
MAX_POINTS = 100_000


@dataclass
class SweepSpec:
    """The points of a sweep.

    Attributes:
        points: one dict of dotted keys -> values per point.
        focus: per point, the scheme it tunes (the default grid) or None (every scheme is a candidate).
        replications: replications per point (None = the scenario's ``meta.replications``).
        mode: "grid" or "list" (for the record).
        axes: the grid's axes (key -> values), empty for a list.
        duplicates: points left out because their scheme is, once its swept keys are set, the same as an earlier
            scheme's point (name and description aside): one note per pair, ``{"scheme", "same_as", "points"}``.
    """

    points: list[dict[str, Any]]
    focus: list[str | None] = field(default_factory=list)
    replications: int | None = None
    mode: str = "grid"
    axes: dict[str, list[Any]] = field(default_factory=dict)
    duplicates: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.focus:
            self.focus = [None] * len(self.points)

    @property
    def keys(self) -> list[str]:
        """Every key any point sets, in first-seen order."""
        out: dict[str, None] = {}
        for p in self.points:
            out.update(dict.fromkeys(p))
        return list(out)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready record of the spec (stored with the sweep)."""
        out = {"mode": self.mode, "axes": self.axes, "replications": self.replications,
               "points": self.points, "focus": self.focus}
        if self.duplicates:  # only when there are some, so the id of every other sweep stays what it was
            out["duplicates"] = self.duplicates
        return out


def scheme_identity(sc: Scheme) -> str:
    """What a scheme pays and assumes, without its name and description: two schemes with the same identity give
    the same numbers, so a sweep computes them once."""
    return json.dumps(sc.model_dump(mode="json", exclude={"name", "description"}), sort_keys=True,
                      ensure_ascii=False)


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def scheme_at(s: Scenario, index: int, point: dict[str, Any]) -> Scheme:
    """Scheme ``index`` of ``s`` with the point's keys on it (``schemes.<index>.…``) set as ``--set`` sets them
    (:func:`model.edits.set_path`) and the scheme validated again; the point's other keys are ignored.

    Raises:
        ScenarioError: a key that does not exist (named); pydantic's ValidationError: a value the scheme refuses.
    """
    prefix = f"schemes.{index}."
    mine = {k: _plain(v) for k, v in point.items() if k.startswith(prefix)}
    if not mine:
        return s.schemes[index]
    data: dict[str, Any] = {"schemes": [sc.model_dump(mode="json") for sc in s.schemes]}
    for key, value in mine.items():
        set_path(data, [int(p) if p.isdigit() else p for p in key.split(".")], value, file="<sweep>")
    return Scheme.model_validate(data["schemes"][index])


def grid_duplicates(s: Scenario, points: list[dict[str, Any]],
                    focus: list[str | None]) -> tuple[list[int], list[dict[str, Any]]]:
    """The points of a per-scheme grid (each point tunes its focus scheme) worth computing, and notes on the others.

    A point is left out when its focus scheme, with the point's keys set, is the same scheme
    (:func:`scheme_identity`) as an earlier point's focus scheme: the two would compute the same numbers twice.

    Returns:
        The indices of the points kept, and one note ``{"scheme", "same_as", "points"}`` per scheme pair.
    """
    index = {sc.name: i for i, sc in enumerate(s.schemes)}
    seen: dict[str, str] = {}
    counts: dict[tuple[str, str], int] = {}
    keep = []
    for j, (p, f) in enumerate(zip(points, focus, strict=True)):
        if f is None or f not in index:
            keep.append(j)
            continue
        try:
            ident = scheme_identity(scheme_at(s, index[f], p))
        except (ScenarioError, ValueError):  # a bad point: kept, the sweep names it
            keep.append(j)
            continue
        first = seen.setdefault(ident, f)
        if first == f:
            keep.append(j)
        else:
            counts[(f, first)] = counts.get((f, first), 0) + 1
    notes = [{"scheme": a, "same_as": b, "points": n} for (a, b), n in counts.items()]
    return keep, notes


def grid(axes: dict[str, list[Any]], *, replications: int | None = None) -> SweepSpec:
    """Every combination of the axes' values (the first key varies slowest).

    Raises:
        ScenarioError: an empty grid, an axis without values, or more than MAX_POINTS points.
    """
    if not axes:
        raise ScenarioError("the sweep grid is empty: give at least one key with values, e.g. "
                            "--grid schemes.1.components.0.target=0.42,0.45,0.48", key="--grid")
    for k, vals in axes.items():
        if not vals:
            raise ScenarioError(f"grid key '{k}' has no values; give at least one", key=k)
    n = math.prod(len(v) for v in axes.values())
    if n > MAX_POINTS:
        raise ScenarioError(f"the grid has {n:,} points; the limit is {MAX_POINTS:,} (use fewer values per key)",
                            key="--grid")
    keys = list(axes)
    points = [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*axes.values())]
    return SweepSpec(points, replications=replications, mode="grid", axes={k: list(v) for k, v in axes.items()})


def point_list(points: list[dict[str, Any]], *, replications: int | None = None) -> SweepSpec:
    """A sweep over listed points (each a dict of dotted keys)."""
    if not points:
        raise ScenarioError("the sweep lists no points", key="points")
    return SweepSpec([dict(p) for p in points], replications=replications, mode="list")


def parse_grid_args(items: list[str]) -> dict[str, list[Any]]:
    """Parse ``key=v1,v2,...`` arguments (values read as TOML: numbers, true/false, bare words as text)."""
    axes: dict[str, list[Any]] = {}
    for item in items:
        if "=" not in item:
            raise ScenarioError(f"--grid '{item}' must look like dotted.key=v1,v2,...", file="<command line>",
                                key="--grid")
        key, raw = item.split("=", 1)
        key = key.strip()
        vals = []
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            try:
                v = tomllib.loads(f"v = {part}")["v"]
            except tomllib.TOMLDecodeError:
                v = part
            if isinstance(v, float) and not math.isfinite(v):
                raise ScenarioError(f"--grid value '{part}' is not a finite number", file="<command line>",
                                    key=key.strip() or "--grid")
            vals.append(v)
        if not key:
            raise ScenarioError(f"--grid '{item}' has an empty key", file="<command line>", key="--grid")
        if not vals:
            raise ScenarioError(f"--grid key '{key}' has no values", file="<command line>", key=key)
        axes[key] = vals
    return axes


def check_keys(s: Scenario, keys: list[str], *, file: str = "<sweep>") -> None:
    """Refuse keys that are not part of the scenario, naming the key and what exists at that level."""
    data: Any = s.model_dump(mode="json")
    for key in keys:
        node = data
        parts = key.split(".")
        for i, part in enumerate(parts):
            where = ".".join(parts[:i]) or "<top level>"
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    raise ScenarioError(f"sweep key '{key}' does not exist: '{where}' has {len(node)} entries "
                                        f"(0..{len(node) - 1})", file=file, key=key)
                node = node[int(part)]
            elif isinstance(node, dict):
                if part not in node:
                    known = ", ".join(sorted(node)[:20])
                    raise ScenarioError(f"sweep key '{key}' does not exist: '{where}' has no key '{part}' "
                                        f"(it has: {known})", file=file, key=key)
                node = node[part]
            else:
                raise ScenarioError(f"sweep key '{key}' does not exist: '{where}' is a value, not a table",
                                    file=file, key=key)


def default_grid(s: Scenario, levels: dict[str, float], *, n_targets: int = 9,
                 amount_factors: tuple[float, ...] = (0.5, 1.0, 1.5, 2.0),
                 replications: int | None = None) -> SweepSpec:
    """The default sweep: for the first threshold component of each scheme (not the baseline), targets around
    the shop's current level of its KPI (±25%, ``n_targets`` values) x amounts around the file's amount.

    Args:
        s: the scenario.
        levels: the shop's current team level per KPI code (e.g. from a short base run).

    Raises:
        ScenarioError: no scheme has a threshold component to tune.
    """
    points: list[dict[str, Any]] = []
    focus: list[str | None] = []
    axes: dict[str, list[Any]] = {}
    for i, sc in enumerate(s.schemes):
        if sc.name == s.economics.baseline_scheme:
            continue
        ft = first_threshold(sc)
        if ft is None:
            continue
        comp = ft.component
        level = s.outcomes.base_inquiry_conversion if comp.kpi == "inquiry_conversion" else levels.get(comp.kpi)
        if level is None or not np.isfinite(level) or level <= 0:
            level = ft.value
        targets = target_grid(float(level), comp.kpi, n=n_targets, half_width=0.25 * float(level))
        amounts = sorted({float(round(comp.amount_yuan * f, 0)) for f in amount_factors if comp.amount_yuan * f > 0})
        tk, ak = f"schemes.{i}.{ft.path}.target", f"schemes.{i}.{ft.path}.amount_yuan"
        axes[tk], axes[ak] = targets, amounts
        for t in targets:
            for a in amounts:
                points.append({tk: t, ak: a})
                focus.append(sc.name)
    if not points:
        raise ScenarioError("no scheme (other than the baseline) has a threshold component to tune; give the keys "
                            "to sweep with --grid key=v1,v2,... or a [tuning] grid", key="schemes")
    keep, notes = grid_duplicates(s, points, focus)
    points, focus = [points[j] for j in keep], [focus[j] for j in keep]
    swept = {k for p in points for k in p}
    axes = {k: v for k, v in axes.items() if k in swept}  # a scheme all of whose points were duplicates
    return SweepSpec(points, focus, replications=replications, mode="default", axes=axes, duplicates=notes)
