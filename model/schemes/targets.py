"""The target API of the scheme language: find a scheme's targets, change one (validated), and lay a grid of
targets around a level.

Every part of the product that moves a target goes through here: the behaviour model's target curve and
sensitivity, the ratchet (agents' foresight and the month path), the default tuning sweep, the live scheme name
and the app. A target is addressed by its component's breakdown label (what the pay table shows) and located by
its key path inside the scheme (``components.1`` or, inside a gate, ``components.0.components.1``), so a sweep
can name it as ``schemes.<i>.<path>.target``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from model.kpicodes import KPI_CODES
from model.schemes.spec import Scheme


@dataclass(frozen=True)
class Target:
    """One numeric target of a scheme.

    Attributes:
        label: the component's breakdown label (unique within the scheme).
        path: key path of the component inside the scheme, e.g. ``components.1``.
        kpi: the KPI code the target is on.
        value: the target's value (0-1 for shares).
        type: the component type (``threshold``, ``scorecard`` ...).
        component: the component itself.
    """

    label: str
    path: str
    kpi: str
    value: float
    type: str
    component: Any

    @property
    def share(self) -> bool:
        """True when the KPI is a share (0-1), shown in %."""
        return KPI_CODES[self.kpi].unit == "share"


def _numeric(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def targets(scheme: Scheme, *, kind: str | None = None, top_level: bool = False) -> list[Target]:
    """Every component of ``scheme`` with a numeric ``target``, in pricing order.

    Args:
        scheme: the scheme.
        kind: only components of this type (e.g. ``"threshold"``).
        top_level: only components directly in ``components`` (not inside a gate).
    """
    out: list[Target] = []
    for i, c in enumerate(scheme.components):
        inner = [(f"components.{i}", c)]
        if c.type == "gate" and not top_level:
            inner += [(f"components.{i}.components.{j}", x) for j, x in enumerate(c.components)]
        for path, comp in inner:
            if not _numeric(getattr(comp, "target", None)) or (kind is not None and comp.type != kind):
                continue
            out.append(Target(_label(scheme, comp), path, comp.kpi, float(comp.target), comp.type, comp))
    return out


def _label(scheme: Scheme, comp: Any) -> str:
    return next(lab for lab, c, _ in scheme.flat_components() if c is comp)


def first_threshold(scheme: Scheme) -> Target | None:
    """The first single-step threshold directly in ``components`` (what the default tuning sweep moves)."""
    return next(iter(targets(scheme, kind="threshold", top_level=True)), None)


def ratchet_targets(scheme: Scheme) -> list[Target]:
    """The thresholds the scheme's ratchet moves (on ``ratchet.kpi``); empty without a ratchet."""
    if scheme.ratchet is None:
        return []
    return [t for t in targets(scheme, kind="threshold") if t.kpi == scheme.ratchet.kpi]


def with_target(scheme: Scheme, label: str, value: float) -> Scheme:
    """A validated copy of ``scheme`` with the target of the component labelled ``label`` set to ``value``.

    Raises:
        KeyError: the scheme has no component with that label and a numeric target.
        pydantic.ValidationError: the new target is not allowed (outside the KPI's range ...).
    """
    found = next((t for t in targets(scheme) if t.label == label), None)
    if found is None:
        known = ", ".join(t.label for t in targets(scheme)) or "none"
        raise KeyError(f"scheme '{scheme.name}' has no component '{label}' with a numeric target (targets: {known})")
    data = scheme.model_dump(mode="python", exclude_unset=True, by_alias=True)
    node: Any = data
    for part in found.path.split("."):
        node = node[int(part)] if part.isdigit() else node[part]
    node["target"] = float(value)
    return Scheme.model_validate(data)


def target_grid(level: float, kpi: str, *, n: int = 11, half_width: float | None = None) -> list[float]:
    """``n`` evenly spaced targets centred on ``level`` on a round step, inside the KPI's possible range.

    Args:
        level: the centre (today's level of the KPI, or the current target).
        kpi: the KPI code (decides the round unit: 0.005 for shares, two digits below the level otherwise).
        n: how many values (before dropping those outside the KPI's range).
        half_width: how far the grid reaches on each side; default 0.10 (10 points) for shares and half the
            level for other KPIs.

    Returns:
        Sorted unique values strictly inside (lo, hi) for shares and above 0 for other KPIs.
    """
    k = KPI_CODES[kpi]
    share = k.unit == "share"
    if not math.isfinite(level) or level <= 0:
        raise ValueError(f"a target grid needs a positive finite level (got {level!r} for {kpi})")
    unit = 0.005 if share else 10 ** (math.floor(math.log10(level)) - 2)
    hw = half_width if half_width is not None else (0.10 if share else 0.5 * level)
    step = max(unit, round(2 * hw / max(1, n - 1) / unit) * unit)
    centre = round(level / unit) * unit
    half = (n - 1) // 2
    vals = {float(round(centre + (i - half) * step, 6)) for i in range(n)}
    hi = k.hi if k.hi is not None else math.inf
    return sorted(v for v in vals if v > max(k.lo, 0.0) and (v < hi if share else v <= hi))
