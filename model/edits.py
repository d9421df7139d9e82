"""Scenario edits: change dotted keys and keep the scenario valid, the same way from the app, ``--set`` and sweeps.

An edit sets dotted keys (``agents.count``, ``meta.days``, ``traffic.inquiries_per_day``,
``schemes.0.components.0.target`` ...) and then makes the consequences explicit, so the app's sliders, the
CLI's ``--set`` and a sweep over a key give the same scenario:

* ``agents.count`` (when the edit does not set ``agents.shifts`` itself): the shifts are re-spread over the new
  count in their current proportions (largest remainder; a shift may fall to 0 agents, the total is the count),
  and ``agents.individual`` is cut to the first ``count`` agents (agents beyond the list are drawn as usual).
* ``agents.count`` also updates a head count quoted in ``meta.name`` ("10 名售前客服" -> "3 名售前客服";
  :func:`model.naming.refresh_count`), so a caption never shows a stale team size.
* ``meta.days`` (when the edit does not set ``traffic.promo_days`` itself): promotion days beyond the new
  horizon are left out. That changes the traffic, so it is never silent: the caller passes a ``notices`` list
  that receives a :class:`Notice` (the app shows it, the CLI prints it, a sweep stores it); without a list the
  edit raises :class:`~model.scenario.ScenarioError` instead.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

from model.errors import ScenarioError
from model.naming import refresh_count
from model.schema import Agents, Scenario, scenario_from_dict


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


@dataclass(frozen=True)
class Notice:
    """Something an edit changed besides the keys it was asked to set.

    Attributes:
        key: the dotted key that was adjusted (e.g. ``traffic.promo_days``).
        code: what happened: ``"promo_days_dropped"``.
        items: what was affected (the promotion days' names, or ``"day N"``).
        message: an English sentence for logs and the CLI (the app words it through its catalogue).
    """

    key: str
    code: str
    items: tuple[str, ...]
    message: str


def spread_shifts(counts: list[int], n: int) -> list[int]:
    """Spread ``n`` agents over shifts in proportion to their current ``counts`` (largest remainder).

    Every shift keeps its share (at least 0 agents) and the result sums to ``n``; ties go to the earlier shift.
    With all counts 0 the shifts share equally.
    """
    k = len(counts)
    total = sum(counts)
    weights = counts if total > 0 else [1] * k
    total = sum(weights)
    quotas = [n * w / total for w in weights]
    alloc = [math.floor(q) for q in quotas]
    order = sorted(range(k), key=lambda j: (-(quotas[j] - alloc[j]), j))
    for j in order[: n - sum(alloc)]:
        alloc[j] += 1
    return alloc


def _touched(keys: list[str], prefix: str) -> bool:
    return any(k == prefix or k.startswith(prefix + ".") for k in keys)


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def edit_data(data: dict[str, Any], changes: dict[str, Any], *, notices: list[Notice] | None = None,
              file: str = "<edit>") -> dict[str, Any]:
    """Apply dotted-key changes to raw scenario data (a TOML/JSON dict) with their consequences.

    The raw-data form of :func:`with_edits`, used by :func:`model.scenario.load_scenario` for ``--set``: the
    result still has to be validated.

    Args:
        data: raw scenario data (not modified).
        changes: dotted key -> value (Python values; lists of tables allowed).
        notices: receives a :class:`Notice` for each consequence that changes the scenario's meaning
            (promotion days left out); None = such an edit raises ScenarioError.
        file: named in errors.

    Returns:
        New raw data.

    Raises:
        ScenarioError: an unknown key or bad index, or promotion days to drop without a ``notices`` list.
    """
    data = copy.deepcopy(data)
    keys = list(changes)
    old_agents = data.get("agents")
    old_count = _int(old_agents.get("count")) if isinstance(old_agents, dict) and "count" in old_agents \
        else Agents.model_fields["count"].default
    for k, v in changes.items():
        if not k or any(p == "" for p in k.split(".")):
            raise ScenarioError(f"'{k}' has an empty key part", file=file)
        set_path(data, [int(p) if p.isdigit() else p for p in k.split(".")], copy.deepcopy(v), file=file)
    agents = data.get("agents")
    count = _int(agents.get("count")) if isinstance(agents, dict) else None
    if count is not None and count >= 1 and _touched(keys, "agents.count"):
        shifts = agents.get("shifts")
        if (isinstance(shifts, list) and shifts and not _touched(keys, "agents.shifts")
                and all(isinstance(sh, dict) and _int(sh.get("agents")) is not None for sh in shifts)):
            current = [int(sh["agents"]) for sh in shifts]
            if sum(current) != count:
                agents["shifts"] = [dict(sh, agents=a) for sh, a in zip(shifts, spread_shifts(current, count),
                                                                        strict=True)]
        ind = agents.get("individual")
        if isinstance(ind, list) and len(ind) > count and not _touched(keys, "agents.individual"):
            agents["individual"] = ind[:count]
        meta = data.get("meta")
        if (old_count is not None and isinstance(meta, dict) and isinstance(meta.get("name"), str)
                and not _touched(keys, "meta.name")):
            meta["name"] = refresh_count(meta["name"], old_count, count)  # "10 名售前客服" -> "3 名售前客服"
    meta = data.get("meta")
    days = _int(meta.get("days")) if isinstance(meta, dict) else None
    traffic = data.get("traffic")
    if days is not None and _touched(keys, "meta.days") and not _touched(keys, "traffic.promo_days") \
            and isinstance(traffic, dict) and isinstance(traffic.get("promo_days"), list):
        promos = traffic["promo_days"]
        out = [p for p in promos if isinstance(p, dict) and _int(p.get("day")) is not None and p["day"] >= days]
        if out:
            names = tuple(str(p.get("name") or f"day {p['day']}") for p in out)
            msg = (f"meta.days = {days} leaves out the promotion days beyond the horizon: {', '.join(names)} "
                   f"(traffic.promo_days)")
            if notices is None:
                raise ScenarioError(msg + "; shorten them too, or edit with notices", file=file, key="meta.days")
            notices.append(Notice("traffic.promo_days", "promo_days_dropped", names, msg))
            traffic["promo_days"] = [p for p in promos if not any(p is q for q in out)]
    return data


def with_edits(scenario: Scenario, changes: dict[str, Any], *, notices: list[Notice] | None = None,
               file: str = "<edit>") -> Scenario:
    """Return a re-validated copy of ``scenario`` with dotted-key changes and their consequences.

    Example: ``with_edits(s, {"agents.count": 12})`` on a scenario with two shifts of 5 gives two shifts of 6.

    Args:
        scenario: a validated scenario (not modified).
        changes: dotted key -> value, e.g. ``{"agents.count": 12, "meta.days": 7}``; arrays by position.
        notices: receives a :class:`Notice` per consequence that changes the scenario's meaning (promotion
            days beyond a shorter horizon). Without it such an edit raises ScenarioError (never silent).
        file: named in errors.

    Raises:
        ScenarioError: an unknown key, a bad value (the validator's message) or an unreported consequence.
    """
    data = edit_data(scenario.model_dump(mode="json"), changes, notices=notices, file=file)
    return scenario_from_dict(data, file=file)
