"""Consecutive months under a target ratchet: next month's target follows this month's result.

For a scheme with a ``ratchet`` and ``meta.months = M > 1``, month ``t`` (t = 1..M) is its own run of the one
comparison path (``model.pipeline.compare_schemes``) with its own traffic (seed ``meta.seed + t - 1``), the
threshold targets of that month and ``meta.months = M - t + 1`` months still to come, so agents who anticipate
the ratchet (``behaviour.ratchet_foresight`` > 0) hold back in every month but the last. After each month the
ratchet's rule sets the next target from the team's result:

    T_{t+1} = R_t + add            (R_t the team's KPI in month t)
    T_{t+1} = max(T_t, R_t + add)  with only_up (min for a lower-is-better KPI)
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from concurrent.futures import Executor
from typing import Any

from model.pipeline import Runner, compare_schemes
from model.result import SimResult
from model.schema import Scenario
from model.schemes.targets import ratchet_targets, with_target


def _next_target(scheme, target: float, result: float | None) -> float:
    rule = scheme.ratchet
    if result is None:
        return target
    nxt = result + rule.add
    if rule.only_up:
        higher = ratchet_targets(scheme)[0].component.direction != "lower_is_better"
        nxt = max(target, nxt) if higher else min(target, nxt)
    return float(nxt)


def month_path(
    scenario: Scenario,
    scheme_name: str,
    *,
    runner: Runner | None = None,
    cache: MutableMapping[str, SimResult] | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """The month-by-month path of one ratcheted scheme.

    Args:
        scenario: the scenario (``meta.months`` months; the scheme must have a ``ratchet``).
        scheme_name: the scheme to follow.
        runner, cache, executor: as for :func:`model.pipeline.compare_schemes`.
        progress: called as ``progress(done, total)`` after each month.

    Returns:
        One dict per month: ``month``, ``target``, ``result`` (the team's KPI), ``bonus_cost_yuan``,
        ``uplift_yuan``, ``net_gain_yuan``, ``selling_effort`` (team mean), ``gave_up``, ``converged``.
    """
    s = scenario
    by_name = {sc.name: sc for sc in s.schemes}
    scheme = by_name[scheme_name]
    parts = ratchet_targets(scheme)
    if not parts:
        raise ValueError(f"scheme '{scheme_name}' has no ratchet")
    kpi = scheme.ratchet.kpi
    target = parts[0].value
    months = s.meta.months
    keep = [sc for sc in s.schemes if sc.name == s.economics.baseline_scheme]
    rows = []
    for t in range(months):
        sc_t = scheme
        for part in parts:
            sc_t = with_target(sc_t, part.label, target)
        meta = s.meta.model_copy(update={"seed": s.meta.seed + t, "months": months - t})
        s_t = s.model_copy(update={"meta": meta, "schemes": keep + [sc_t]})
        doc = compare_schemes(s_t, runner=runner, cache=cache, executor=executor)
        block = doc["schemes"][scheme_name]
        e = block["economics"]
        result = block["team"].get(kpi, {}).get("mean")
        beh = block.get("behaviour") or {}
        rows.append({
            "month": t + 1,
            "target": target,
            "result": result,
            "bonus_cost_yuan": e["bonus_cost_yuan"]["mean"],
            "uplift_yuan": e["uplift_yuan"]["mean"],
            "net_gain_yuan": e["net_gain_yuan"]["mean"],
            "selling_effort": (beh.get("team_effort") or {}).get("selling"),
            "gave_up": beh.get("gave_up"),
            "converged": beh.get("converged"),
        })
        target = _next_target(scheme, target, result)
        if progress:
            progress(t + 1, months)
    return rows
