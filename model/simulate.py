"""The pipeline for one scenario: draws -> traffic -> SimPy engine -> records -> outcomes -> KPI tables.

``simulate`` runs the replications and keeps flat records; ``SimResult.tables`` computes KPI tables from them.
Outcomes are computed after the engine from fixed draws, so a change that does not touch the engine (a
conversion or order-value effect, a pay rule) never re-runs SimPy.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from pydantic import ValidationError

from model import chatcentre, outcomes, traffic
from model.kpi import kpi_table
from model.outcomes import Effects
from model.rng import stream, streams, unit_variates
from model.scenario import Meta, Scenario, ScenarioError, format_validation_error, size_problem

DAY_S = 86_400.0


# ------------------------------------------------------------------------------------------------ agents
def _mean1(x: np.ndarray) -> np.ndarray:
    return x / x.mean()


def agent_table(s: Scenario) -> pd.DataFrame:
    """Static attributes of every agent: skill factors (drawn around 1, or listed), attitude, tenure, shift.

    Skill is drawn once per scenario seed (replication-independent: it is the same team in every replication).
    """
    a = s.agents
    n = a.count
    rng = stream(s.meta.seed, 0, "agent_skill")
    z = rng.standard_normal((4, n))
    # drawn factors are rescaled to a team mean of exactly 1: the base values are team means
    conv = _mean1(outcomes.lognormal_mean1(z[0], a.skill.conversion_cv))
    aov = _mean1(outcomes.lognormal_mean1(z[1], a.skill.aov_cv))
    rt = _mean1(outcomes.lognormal_mean1(z[2], a.skill.reply_time_cv))
    att = np.clip(a.bad_attitude_share * outcomes.lognormal_mean1(z[3], 0.5), 0.0, 1.0)
    shift_names = []
    for sh in a.shifts:
        shift_names += [sh.name or f"{sh.start_h:g}-{sh.end_h:g}"] * sh.agents
    rows = []
    for i in range(n):
        spec = a.individual[i] if i < len(a.individual) else None
        rows.append({
            "agent": i,
            "name": (spec.name if spec and spec.name else f"客服{i + 1:02d}"),
            "conversion_factor": spec.conversion_factor if spec else float(conv[i]),
            "aov_factor": spec.aov_factor if spec else float(aov[i]),
            "reply_time_factor": spec.reply_time_factor if spec else float(rt[i]),
            "bad_attitude_share": (spec.bad_attitude_share if spec and spec.bad_attitude_share is not None
                                   else float(att[i])),
            "tenure_months": spec.tenure_months if spec else 12.0,
            "night_shifts": spec.night_shifts if spec else 0,
            "role": spec.role if spec else "both",
            "shift": shift_names[i] if shift_names else "",
        })
    return pd.DataFrame(rows)


def duty_intervals(s: Scenario) -> list[list[tuple[float, float]]] | None:
    """On-duty intervals per agent (None = everyone on duty for the whole horizon)."""
    days = s.meta.days
    if s.agents.shifts:
        spans = []
        for sh in s.agents.shifts:
            spans += [(sh.start_h, sh.end_h)] * sh.agents
    elif tuple(s.traffic.open_hours) != (0.0, 24.0):
        spans = [tuple(s.traffic.open_hours)] * s.agents.count
    else:
        return None
    out = []
    for start_h, end_h in spans:
        iv = []
        for d in range(days):
            on = d * DAY_S + start_h * 3600.0
            off = d * DAY_S + end_h * 3600.0
            if end_h <= start_h:
                off += DAY_S
            iv.append((on, min(off, days * DAY_S)))
        # merge touching intervals (e.g. a 0-24 shift)
        merged: list[tuple[float, float]] = []
        for on, off in iv:
            if merged and on <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(off, merged[-1][1]))
            else:
                merged.append((on, off))
        out.append(merged)
    return out


def duty_by_day(intervals: list[list[tuple[float, float]]] | None, n: int, days: int) -> pd.DataFrame:
    """On-duty seconds per agent and day."""
    rows = np.zeros((n, days))
    for a in range(n):
        iv = [(0.0, days * DAY_S)] if intervals is None else intervals[a]
        for on, off in iv:
            d0, d1 = int(on // DAY_S), int(min(np.ceil(off / DAY_S), days))
            for d in range(d0, d1):
                rows[a, d] += max(0.0, min(off, (d + 1) * DAY_S) - max(on, d * DAY_S))
    ag, dy = np.meshgrid(np.arange(n), np.arange(days), indexing="ij")
    return pd.DataFrame({"agent": ag.ravel(), "day": dy.ravel(), "duty_s": rows.ravel()})


# ------------------------------------------------------------------------------------------ replication
@dataclass
class Draws:
    """All random draws of one replication (independent of effects, agents count and pay rules)."""

    arrival_s: np.ndarray
    aftersale: np.ndarray
    returning: np.ndarray
    advert: np.ndarray
    unresponsive: np.ndarray
    recent_buyer: np.ndarray
    n_msgs: np.ndarray
    patience_s: np.ndarray
    silent: np.ndarray
    reply_unit: np.ndarray
    think_s: np.ndarray
    lines: np.ndarray
    outcome: outcomes.OutcomeDraws
    silent_orders: np.ndarray  # per day: count
    silent_order_value: np.ndarray  # per day: value


def make_draws(s: Scenario, rep: int) -> Draws:
    """Draw everything one replication needs, one stream per source."""
    g = streams(s.meta.seed, rep)
    t, after = traffic.generate(s, g)
    n = len(t)
    c = s.customers
    u = g["chat_attributes"].random((4, n))
    returning = (u[0] < c.returning_share) & ~after
    advert = u[1] < c.advert_share
    unresponsive = (u[2] < c.unresponsive_share) & ~after & ~advert
    recent = (u[3] < c.recent_buyer_share) & ~after & ~advert
    extra = g["messages"].poisson(max(c.messages_per_chat - 1.0, 0.0), n)
    n_msgs = np.minimum(1 + extra, 200).astype(np.int64)
    n_msgs[advert | unresponsive] = 1
    p = c.patience
    pu = unit_variates(g["patience"], "exponential" if p.dist == "none" else p.dist, p.cv, n)
    silent = g["patience"].random(n) < p.silent_share
    patience = np.full(n, np.inf) if p.dist == "none" else pu * p.mean_s
    m = int(n_msgs.sum())
    rt = s.agents.reply_time
    reply_unit = unit_variates(g["reply_time"], rt.dist, rt.cv, m)
    tt = c.think_time
    think = unit_variates(g["think_time"], tt.dist, tt.cv, m) * tt.mean_s
    lines = 1 + g["agent_lines"].poisson(max(s.agents.lines_per_reply - 1.0, 0.0), m)
    od = outcomes.draw(g["outcomes"], n)
    days = s.meta.days
    so = g["silent_orders"].poisson(s.outcomes.silent_orders_per_day, days)
    aov = s.outcomes.silent_order_aov_yuan or s.outcomes.base_aov_yuan
    sv = np.array([aov * outcomes.lognormal_mean1(g["silent_orders"].standard_normal(k), s.outcomes.aov_cv).sum()
                   for k in so])
    return Draws(t, after, returning, advert, unresponsive, recent, n_msgs, patience, silent, reply_unit, think,
                 lines, od, so, sv)


def engine_input(s: Scenario, d: Draws, agents: pd.DataFrame, effects: Effects) -> chatcentre.EngineInput:
    """Engine input for one replication."""
    factor = agents["reply_time_factor"].to_numpy() * np.broadcast_to(
        np.asarray(effects.reply_time_mult, dtype=float), (len(agents),))
    return chatcentre.EngineInput(
        horizon_s=s.meta.days * DAY_S, arrival_s=d.arrival_s, n_msgs=d.n_msgs, patience_s=d.patience_s,
        silent=d.silent, reply_unit=d.reply_unit, think_s=d.think_s, n_agents=s.agents.count,
        cap=s.agents.max_concurrent_chats, reply_mean_s=s.agents.reply_time.mean_s, agent_reply_factor=factor,
        slowdown=s.agents.concurrency_slowdown, routing=s.agents.routing, duty=duty_intervals(s),
    )


def in_window(t: np.ndarray, window: tuple[float, float]) -> np.ndarray:
    """True where a time (s) falls inside the daily reply window [start_h, end_h)."""
    h = (np.nan_to_num(t, nan=-1.0) % DAY_S) / 3600.0
    return np.isfinite(t) & (h >= window[0]) & (h < window[1])


def engine_frames(s: Scenario, d: Draws, rec: chatcentre.EngineRecords, rep: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flat chat and message records (without outcomes) of one replication."""
    horizon = s.meta.days * DAY_S
    t = d.arrival_s
    status = rec.chat_status
    ghost = (status == chatcentre.ABANDONED) & (rec.chat_agent >= 0) & np.isfinite(rec.chat_first_reply_s)
    ghost |= (status == chatcentre.ABANDONED) & d.silent & ~np.isfinite(rec.chat_assign_s)
    taken_at = np.where(np.isfinite(rec.chat_assign_s) & ~ghost, rec.chat_assign_s, np.nan)
    left = rec.chat_left_s
    queue_end = np.where(np.isfinite(taken_at), taken_at, np.where(np.isfinite(left), left, horizon))
    first = rec.chat_first_reply_s - t
    k = s.kpi
    filters = ~d.aftersale
    if k.exclude_adverts:
        filters &= ~d.advert
    if k.exclude_unresponsive:
        filters &= ~d.unresponsive
    if k.exclude_recent_buyers_days is not None and s.customers.recent_buyer_days <= k.exclude_recent_buyers_days:
        filters &= ~d.recent_buyer
    win = in_window(t, k.reply_window_h)
    # the first buyer message of each chat is sent at arrival
    first_msg = np.concatenate([[0], np.cumsum(d.n_msgs)[:-1]]).astype(np.int64)
    first_resp = rec.msg_reply_s[first_msg] - t
    chats = pd.DataFrame({
        "rep": np.int32(rep),
        "chat": np.arange(len(t), dtype=np.int32),
        "day": (t // DAY_S).astype(np.int32),
        "hour": ((t % DAY_S) // 3600).astype(np.int8),
        "arrival_s": t,
        "aftersale": d.aftersale,
        "agent": rec.chat_agent,
        "status": status,
        "ghost": ghost,
        "queue_wait_s": queue_end - t,
        "first_response_s": first,
        "in_window": win,
        "first_30s": win & (first_resp <= k.thirty_s_s),
        "returning": d.returning,
        "advert": d.advert,
        "unresponsive": d.unresponsive,
        "recent_buyer": d.recent_buyer,
        "genuine": ~d.aftersale & ~d.advert & ~d.unresponsive & ~d.recent_buyer,
        "inquirer": filters,
    })
    sent = rec.msg_sent_s
    reply = rec.msg_reply_s
    msgs = pd.DataFrame({
        "rep": np.int32(rep),
        "chat": rec.msg_chat,
        "agent": rec.chat_agent[rec.msg_chat],
        "day": np.where(np.isfinite(sent), sent // DAY_S, t[rec.msg_chat] // DAY_S).astype(np.int32),
        "sent_s": sent,
        "reply_s": reply,
        "in_window": in_window(sent, k.reply_window_h),
        "lines": np.where(np.isfinite(reply), d.lines, 0).astype(np.int32),
        "type_s": rec.msg_type_s,
    })
    msgs = msgs[np.isfinite(sent)]
    return chats, msgs


def apply_outcomes(s: Scenario, chats: pd.DataFrame, d: Draws, agents: pd.DataFrame, effects: Effects) -> pd.DataFrame:
    """Add outcome columns to one replication's chat records."""
    agent = chats["agent"].to_numpy()
    status = chats["status"].to_numpy()
    served = (status != chatcentre.ABANDONED) & (agent >= 0)
    inquirer = chats["genuine"].to_numpy()
    abandoned_pre = (status == chatcentre.ABANDONED) & inquirer
    cols = outcomes.compute(
        s.outcomes, d.outcome, agent=agent, served=served, inquirer=inquirer, abandoned_presale=abandoned_pre,
        first_response_s=chats["first_response_s"].to_numpy(),
        conv_factor=agents["conversion_factor"].to_numpy(), aov_factor=agents["aov_factor"].to_numpy(),
        attitude_share=agents["bad_attitude_share"].to_numpy(), effects=effects,
    )
    return chats.assign(**cols)


def run_replication(s: Scenario, rep: int, effects: Effects | None = None) -> dict:
    """Simulate one replication: draws, engine, records (without outcomes) and the draws for re-pricing."""
    effects = effects or Effects()
    agents = agent_table(s)
    d = make_draws(s, rep)
    inp = engine_input(s, d, agents, effects)
    rec = chatcentre.run(inp)
    chats, msgs = engine_frames(s, d, rec, rep)
    return {"rep": rep, "chats": chats, "msgs": msgs, "draws": d}


@dataclass
class SimResult:
    """Flat records of every replication plus what is needed to re-price without re-simulating.

    Attributes:
        scenario: the scenario simulated.
        agents: static agent attributes.
        chats: one row per chat (all replications), outcomes included.
        msgs: one row per buyer message.
        duty: on-duty seconds per agent and day.
        draws: per replication, the draws (for re-computing outcomes under other effects).
        effects: the effects the records were simulated with.
    """

    scenario: Scenario
    agents: pd.DataFrame
    chats: pd.DataFrame
    msgs: pd.DataFrame
    duty: pd.DataFrame
    draws: list[Draws] = field(repr=False, default_factory=list)
    effects: Effects = field(default_factory=Effects)
    silent_orders: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def replications(self) -> int:
        return len(self.draws)

    def table(self, *, by_agent: bool = False, period: str | None = None) -> pd.DataFrame:
        """KPI table for the team or per agent, for the horizon or per day / week / month."""
        key = (by_agent, period)
        cache = self._cache
        if key not in cache:
            cache[key] = kpi_table(self.chats, self.msgs, self.duty, by_agent=by_agent, period=period,
                                   three_min_s=self.scenario.kpi.three_min_s)
        return cache[key]

    @cached_property
    def _cache(self) -> dict:
        return {}

    def with_effects(self, effects: Effects) -> SimResult:
        """The same simulated traffic with other outcome effects (no SimPy re-run).

        Only valid when the effects leave the engine unchanged (same reply-time multipliers).
        """
        if effects.engine_key() != self.effects.engine_key():
            raise ValueError("these effects change reply times; the engine must run again (use simulate)")
        parts = []
        for rep, d in enumerate(self.draws):
            c = self.chats[self.chats["rep"] == rep]
            parts.append(apply_outcomes(self.scenario, c.drop(columns=list(OUTCOME_COLUMNS)), d, self.agents, effects))
        return SimResult(self.scenario, self.agents, pd.concat(parts, ignore_index=True), self.msgs, self.duty,
                         self.draws, effects, self.silent_orders)

    def counts(self) -> dict[str, int]:
        """Contract counts summed over replications."""
        st = self.chats["status"].to_numpy()
        return {
            "arrived": int(len(st)),
            "answered": int((st == chatcentre.ANSWERED).sum()),
            "abandoned": int((st == chatcentre.ABANDONED).sum()),
            "in_progress_at_end": int((st == chatcentre.IN_PROGRESS).sum()),
            "messages": int(len(self.msgs)),
        }


OUTCOME_COLUMNS = ("ordered", "paid", "value_yuan", "refunded", "attributed", "rating", "bad_attitude")


def _run_rep_for_pool(args: tuple) -> dict:
    s, rep, effects = args
    return run_replication(s, rep, effects)


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
        workers: processes for replications when no ``executor`` is given (1 = in this process).
        executor: runs the replications (a ``ProcessPoolExecutor``, or a Dask client's ``get_executor()``);
            results are identical whichever runs them.
        progress: called as ``progress(done, total)`` after each replication.

    Returns:
        A SimResult with flat records; a pure function of its arguments.
    """
    s = scenario
    if seed is not None or replications is not None:
        upd = {k: v for k, v in (("seed", seed), ("replications", replications)) if v is not None}
        try:  # the same limits as in a scenario file (a negative seed, 10^9 replications ...)
            meta = Meta.model_validate({**s.meta.model_dump(), **upd})
        except ValidationError as e:
            err = format_validation_error(e, "<run arguments>")
            raise ScenarioError(err.message, file=err.file, key=f"meta.{err.key}" if err.key else None) from None
        s = s.model_copy(update={"meta": meta})
        problem = size_problem(s)
        if problem:
            raise ScenarioError(problem, file="<run arguments>", key="meta.replications")
    effects = effects or Effects()
    reps = s.meta.replications
    agents = agent_table(s)
    results: list[dict] = []
    if executor is not None and reps > 1:
        for i, r in enumerate(executor.map(_run_rep_for_pool, [(s, rep, effects) for rep in range(reps)])):
            results.append(r)
            if progress:
                progress(i + 1, reps)
    elif workers > 1 and reps > 1:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            return simulate(s, effects=effects, executor=ex, progress=progress)
    else:
        for rep in range(reps):
            results.append(run_replication(s, rep, effects))
            if progress:
                progress(rep + 1, reps)
    chats = pd.concat([apply_outcomes(s, r["chats"], r["draws"], agents, effects) for r in results],
                      ignore_index=True)
    msgs = pd.concat([r["msgs"] for r in results], ignore_index=True)
    duty = duty_by_day(duty_intervals(s), s.agents.count, s.meta.days)
    silent = pd.DataFrame([
        {"rep": r["rep"], "silent_orders": int(r["draws"].silent_orders.sum()),
         "silent_orders_yuan": float(r["draws"].silent_order_value.sum())} for r in results])
    return SimResult(s, agents, chats, msgs, duty, [r["draws"] for r in results], effects, silent)
