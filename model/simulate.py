"""The runner for one scenario: draws -> traffic -> SimPy engine -> records -> outcomes -> SimResult.

``simulate`` runs the replications (in this process, or on any ``concurrent.futures.Executor``: a process
pool, a Dask client's ``get_executor()``) and keeps flat records; ``SimResult.table`` computes KPI tables from
them. Outcomes are computed after the engine from fixed draws, so a change that does not touch the engine (a
conversion or order-value effect, a pay rule) never re-runs SimPy. The concepts live in their own modules:
the team table (:mod:`model.team`), the draws (:mod:`model.draws`), the records (:mod:`model.records`) and the
result (:mod:`model.result`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from model import botfront, chatcentre
from model.clock import DAY_S
from model.draws import Draws, make_draws
from model.effects import Effects
from model.errors import ScenarioError, format_validation_error
from model.outcomes import apply_outcomes
from model.records import engine_frames
from model.result import SimResult
from model.schema import Meta, Scenario, size_problem
from model.team import agent_table, duty_by_day, duty_intervals

__all__ = ["SimResult", "engine_input", "run_replication", "simulate"]


def engine_input(s: Scenario, d: Draws, agents: pd.DataFrame, effects: Effects) -> chatcentre.EngineInput:
    """Engine input for one replication: the draws, the team table and the engine part of the effects."""
    n = len(agents)
    reply_factor = agents["reply_time_factor"].to_numpy() * np.broadcast_to(
        np.asarray(effects.reply_time_mult, dtype=float), (n,))
    latency_s = s.agents.reaction_latency.mean_s * agents["reaction_latency_factor"].to_numpy() * np.broadcast_to(
        np.asarray(effects.latency_mult, dtype=float), (n,))
    if d.shocks is not None:  # this month's speed shock of each agent (model.shocks)
        reply_factor = reply_factor * d.shocks.speed
        latency_s = latency_s * d.shocks.speed
    return chatcentre.EngineInput(
        horizon_s=s.meta.days * DAY_S, arrival_s=d.arrival_s, n_msgs=d.n_msgs, patience_s=d.patience_s,
        silent=d.silent, reply_unit=d.reply_unit, think_s=d.think_s, n_agents=s.agents.count,
        cap=agents["max_concurrent_chats"].to_numpy(), reply_mean_s=s.agents.reply_time.mean_s,
        agent_reply_factor=reply_factor, slowdown=s.agents.concurrency_slowdown, routing=s.agents.routing,
        duty=duty_intervals(s), aftersale=d.aftersale, agent_role=agents["role"].tolist(),
        latency_unit=d.latency_unit, agent_latency_s=latency_s,
    )


def run_replication(s: Scenario, rep: int, effects: Effects | None = None) -> dict[str, Any]:
    """Simulate one replication: draws, engine, records (without outcomes) and the draws for re-pricing."""
    effects = effects or Effects()
    d = make_draws(s, rep)
    inp = engine_input(s, d, agent_table(s), effects)
    if d.bot is not None:  # the bot front line decides before the engine (model.botfront)
        rec, bot = botfront.run(inp, s.bot, d.bot.u_resolve, d.bot.delay_unit)
        chats, msgs = engine_frames(d, rec, rep, s.meta.days * DAY_S, bot)
    else:
        chats, msgs = engine_frames(d, chatcentre.run(inp), rep, s.meta.days * DAY_S)
    return {"rep": rep, "chats": chats, "msgs": msgs, "draws": d}


def _run_rep_for_pool(args: tuple[Scenario, int, Effects]) -> dict[str, Any]:
    """One replication with its outcomes (in the worker, so a pool also runs the outcome model in parallel)."""
    s, rep, effects = args
    r = run_replication(s, rep, effects)
    r["chats"] = apply_outcomes(s, r["chats"], r["draws"], agent_table(s), effects)
    return r


def _with_run_arguments(s: Scenario, replications: int | None, seed: int | None) -> Scenario:
    if seed is None and replications is None:
        return s
    upd = {k: v for k, v in (("seed", seed), ("replications", replications)) if v is not None}
    try:  # the same limits as in a scenario file (a negative seed, 10^9 replications ...)
        meta = Meta.model_validate({**s.meta.model_dump(), **upd})
    except ValidationError as e:
        err = format_validation_error(e, "<command line>")
        flag = {"seed": "--seed", "replications": "--reps"}.get(err.key or "")
        raise ScenarioError(err.message, file=err.file,
                            key=f"{flag} (meta.{err.key})" if flag else err.key) from None
    s = s.model_copy(update={"meta": meta})
    problem = size_problem(s)
    if problem:
        raise ScenarioError(problem, file="<command line>", key="--reps (meta.replications)")
    return s


def simulate(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    effects: Effects | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SimResult:
    """Simulate a scenario.

    Args:
        scenario: a validated scenario.
        replications: number of replications (default ``meta.replications``).
        seed: override of ``meta.seed``.
        effects: changes to the mechanics (assumed effects, effort).
        workers: with no ``executor``, processes for the replications (a local process pool; 1 = here).
        executor: runs the replications (a ``ProcessPoolExecutor``, or a Dask client's ``get_executor()``);
            results are identical whichever runs them.
        progress: called as ``progress(done, total)`` after each replication.

    Returns:
        A SimResult with flat records; a pure function of its arguments.
    """
    s = _with_run_arguments(scenario, replications, seed)
    effects = effects or Effects()
    reps = s.meta.replications
    if executor is None and workers > 1 and reps > 1:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            return simulate(s, effects=effects, executor=ex, progress=progress)
    jobs = [(s, rep, effects) for rep in range(reps)]
    done = executor.map(_run_rep_for_pool, jobs) if executor is not None and reps > 1 else map(_run_rep_for_pool, jobs)
    results: list[dict[str, Any]] = []
    for r in done:
        results.append(r)
        if progress:
            progress(len(results), reps)
    agents = agent_table(s)
    chats = pd.concat([r["chats"] for r in results], ignore_index=True)
    msgs = pd.concat([r["msgs"] for r in results], ignore_index=True)
    duty = duty_by_day(duty_intervals(s), s.agents.count, s.meta.days)
    silent = pd.DataFrame([
        {"rep": r["rep"], "silent_orders": int(r["draws"].silent_orders.sum()),
         "silent_orders_yuan": float(r["draws"].silent_order_value.sum())} for r in results])
    return SimResult(s, agents, chats, msgs, duty, [r["draws"] for r in results], effects, silent)
