"""The documents: from a scenario to the run document (the JSON contract of ``python -m model run``) and the
comparison document (every scheme priced against the baseline), the one builder the CLI, the app, the deck and
the HTML report all read.

``evaluate`` is a pure function of the scenario and the seed: the same inputs give an identical document.
:func:`comparison_document` is the comparison part alone (what the app's compare page shows);
:func:`clean` makes any document JSON-safe the same way.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from model.checks import run_warnings
from model.clock import ChatStatus
from model.kpi import interval, summarise
from model.kpicodes import KPI_CODES
from model.language.behaviour import ESTIMABLE
from model.months import month_path
from model.pipeline import Runner, compare_schemes
from model.platform_rules import bot_counting
from model.result import SimResult
from model.schema import Scenario
from model.simulate import simulate


def clean(x: Any) -> Any:
    """JSON-safe values: numpy scalars to Python, NaN/inf to None, rounded floats for stable files.

    Floats keep 10 significant digits and at most 9 decimals: below 1e-9 (of a yuan, a second, a share) a value
    is numerical noise (an agent's effort cost of 2.7e-34 yuan, a forecast uplift of 5.02e-09 yuan), and its
    digits change with the numpy/SciPy build, which made the golden files fail on a fresh install.
    """
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [clean(v) for v in x]
    if isinstance(x, np.integer | bool | np.bool_):
        return x.item() if not isinstance(x, bool) else x
    if isinstance(x, float | np.floating):
        v = float(x)
        return None if not np.isfinite(v) else float(f"{round(v, 9):.10g}") + 0.0  # + 0.0: no "-0.0"
    return x


def agent_rows(res: SimResult) -> list[dict[str, Any]]:
    """Per-agent KPI means over replications, with names and shifts (agents with no chats get None)."""
    tab = res.table(by_agent=True)
    means = tab.drop(columns=["rep"]).groupby("agent").mean(numeric_only=True)
    cols = [c for c in KPI_CODES if c in means.columns]
    ids = res.agents["agent"].astype(int)
    values = means[cols].reindex(ids).to_dict("records")
    present = ids.isin(means.index).to_numpy()
    rows = []
    for (i, name, shift), ok, v in zip(res.agents[["agent", "name", "shift"]].itertuples(index=False), present,
                                       values, strict=True):
        row: dict[str, Any] = {"agent": int(i), "name": name, "shift": shift}
        row.update(v if ok else dict.fromkeys(KPI_CODES))
        rows.append(row)
    return rows


def intraday(res: SimResult) -> pd.DataFrame:
    """Average per hour of day: arrivals per day, mean first response and queue wait, abandonment."""
    c = res.chats
    days = res.scenario.meta.days * res.replications
    g = c.groupby("hour")
    out = pd.DataFrame({
        "arrivals_per_day": g.size() / days,
        "first_response_s": g["first_response_s"].mean(),
        "queue_wait_s": g["queue_wait_s"].mean(),
        "abandon_rate": (c["status"] == ChatStatus.ABANDONED).groupby(c["hour"]).mean(),  # k / n, as per group
    }).reindex(range(24))
    out["arrivals_per_day"] = out["arrivals_per_day"].fillna(0.0)
    out.index.name = "hour"
    return out.reset_index()


def run_document(res: SimResult, *, level: float = 0.95) -> dict[str, Any]:
    """The run JSON for a simulated result (no schemes)."""
    s = res.scenario
    team = res.table()
    doc: dict[str, Any] = {
        "scenario": {"name": s.meta.name, "days": s.meta.days, "replications": res.replications,
                     "seed": s.meta.seed, "platform": s.shop.platform},
        "interval_level": level,
        "team": summarise(team, level=level),
        "agents": agent_rows(res),
        "counts": res.counts(),
        "silent_orders": {"orders": interval(res.silent_orders["silent_orders"].to_numpy(), level),
                          "yuan": interval(res.silent_orders["silent_orders_yuan"].to_numpy(), level)}
        if len(res.silent_orders) else None,
        "intraday": intraday(res).to_dict(orient="list"),
        "replication_arrivals": res.chats.groupby("rep").size().reindex(range(res.replications), fill_value=0)
        .astype(int).tolist(),
    }
    add_plan(doc, s)
    if res.has_bot:
        doc["bot"] = bot_block(res, level)
    doc["warnings"] = run_warnings(s, doc)
    return doc


def add_plan(doc: dict[str, Any], s: Scenario) -> None:
    """A planned scenario's ``[meta.plan]`` as ``doc["plan"]`` (the deck's next-month slide), with the agents the
    scenario has now (an edit after planning may have changed them); and, when the agents' response was estimated
    from the shop's months, ``doc["response"]`` (``[behaviour.estimated]``: months, intervals, back-test)."""
    if s.meta.plan is not None:
        doc["plan"] = {**s.meta.plan.model_dump(mode="json"), "agents_now": s.agents.count}
    est = s.behaviour.estimated
    if est is not None and s.behaviour.active:
        doc["response"] = {**est.model_dump(mode="json"),
                           "values": {p: getattr(s.behaviour, p) for p in ESTIMABLE}}


#: KPI codes the run document's ``bot`` block gives in each view (human / bot / all / platform).
BOT_VIEW_CODES = ("three_min_reply_rate", "first_response_s", "reply_rate", "abandon_rate", "good_rating_rate",
                  "bad_attitude_share", "inquiry_conversion", "sales_yuan", "queue_wait_s", "utilization")


def bot_block(res: SimResult, level: float = 0.95) -> dict[str, Any]:
    """The run document's ``bot`` block (only with the bot front line): who handled the chats, and the key KPIs in
    each view, with the platform's counting rule (``[bot]`` of its rule pack)."""
    c = res.chats
    reps = range(res.replications)
    n = c.groupby("rep").size().reindex(reps, fill_value=0).to_numpy(dtype=float)

    def share(mask: Any) -> dict[str, Any]:
        k = c[mask].groupby("rep").size().reindex(reps, fill_value=0).to_numpy(dtype=float)
        return interval(np.where(n > 0, k / np.where(n > 0, n, 1.0), np.nan), level, lo=0.0, hi=1.0)

    rule = bot_counting(res.scenario.shop.platform)
    return {
        "counts_bot": list(rule.counts_bot), "note": rule.note, "source": rule.source,
        "handled_by_bot_share": share(c["handled_by"] == 1),
        "resolved_share": share(c["bot_resolved"]),
        "handed_over_share": share(c["handed_over"]),
        "views": {v: summarise(res.table(view=v), list(BOT_VIEW_CODES), level)
                  for v in ("human", "bot", "all", "platform")},
    }


def evaluate(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    band: bool = False,
) -> dict[str, Any]:
    """Simulate a scenario and return the run document (team KPIs, agents, counts, schemes).

    Args:
        scenario: a validated scenario.
        replications: override of ``meta.replications``.
        seed: override of ``meta.seed``.
        workers: processes for replications.
        progress: called as ``progress(done, total)``.
        band: put each scheme's band over the behaviour assumptions on its block (``band``; and
            ``band_basis``), from the agents' forecast on this run (:func:`model.behaviour.band.attach_bands`).

    Returns:
        The JSON-ready document of DESIGN.md's contract.
    """
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            return _evaluate(scenario, replications, seed, ex, progress, band)
    return _evaluate(scenario, replications, seed, None, progress, band)


def comparison_document(
    scenario: Scenario,
    *,
    base: SimResult | None = None,
    runner: Runner | None = None,
    cache: MutableMapping[str, SimResult] | None = None,
    executor: Executor | None = None,
) -> dict[str, Any]:
    """Every scheme of ``scenario`` priced against the baseline on common random numbers, with the month path of
    ratcheted schemes, the scheme specs (for the rules in words) and the warnings.

    Args:
        scenario: a validated scenario with schemes.
        base: the scenario's run without effects, if already made.
        runner, cache, executor: how runs are made and kept (see :func:`model.pipeline.compare_schemes`).

    Returns:
        ``scenario`` (name, days, replications, seed, platform), ``baseline_scheme``, ``behaviour_model``,
        ``schemes`` (name -> block), ``scheme_specs`` (name -> the scheme as a dict), ``months`` (ratcheted schemes
        over ``meta.months``, when there are any) and ``warnings``; JSON-safe.
    """
    s = scenario
    cache = cache if cache is not None else {}
    doc: dict[str, Any] = {
        "scenario": {"name": s.meta.name, "days": s.meta.days, "replications": s.meta.replications,
                     "seed": s.meta.seed, "platform": s.shop.platform},
    }
    doc.update(compare_schemes(s, base=base, runner=runner, executor=executor, cache=cache))
    doc["scheme_specs"] = {sc.name: sc.model_dump(mode="json", exclude_none=True) for sc in s.schemes}
    ratcheted = [sc.name for sc in s.schemes if sc.ratchet is not None]
    if s.meta.months > 1 and ratcheted:
        doc["months"] = {name: month_path(s, name, runner=runner, executor=executor, cache=cache)
                         for name in ratcheted}
    add_plan(doc, s)
    doc["warnings"] = run_warnings(s, doc)
    return clean(doc)


def _evaluate(scenario: Scenario, replications: int | None, seed: int | None, executor: Executor | None,
              progress: Callable[[int, int], None] | None, band: bool = False) -> dict[str, Any]:
    res = simulate(scenario, replications=replications, seed=seed, executor=executor, progress=progress)
    doc = run_document(res)
    if res.scenario.schemes:
        comp = comparison_document(res.scenario, base=res, executor=executor)
        doc.update({k: v for k, v in comp.items() if k != "scenario"})
        doc["warnings"] = run_warnings(res.scenario, doc)
        if band:  # the agents' forecast (model.behaviour) is imported only for a band
            from model.behaviour.band import attach_bands

            attach_bands(doc, res.scenario, res)
    return clean(doc)
