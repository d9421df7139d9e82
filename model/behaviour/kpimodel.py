"""An agent's KPI distribution under an effort profile: the agent's own forecast of its month.

The agent starts from its own record under today's norm (the base run: its weekly sums of chats, inquirers, payers,
sales, response times, ratings ... averaged over replications) and knows how effort moves each sum (the effort
ceilings of :class:`~model.language.behaviour.Behaviour`). Noise follows from the agent's own volume (counting noise:
an agent with 300 inquirers a month sees a wider conversion spread than one with 3,000), an agent-level shock
(``performance_noise_cv``) and a shock common to the whole team (``team_shock_cv``). Draws are fixed per solve
(common random numbers), so two effort levels are compared on the same luck, and form a symmetric Latin hypercube
over the simulated months (:func:`stratified_normal`).

The output is a set of base-sum tables (``model.kpi.SUM_COLUMNS``) for many simulated months; ``model.kpi.ratios``
turns them into the same KPI tables the pricing code reads, so every component type is priced by its own code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.kpi import SUM_COLUMNS, chat_sums, msg_sums, period_of, ratios
from model.language.behaviour import Behaviour
from model.shocks import SATISFIED_SHARE
from model.shocks import factor as shock_factor

#: Effort dimensions, in column order of an effort array.
DIMS = ("selling", "speed", "service", "gaming")
SELL, SPEED, SERVICE, GAMING = range(4)


@dataclass
class BaseRecord:
    """Expected weekly sums per agent under today's norm (mean over the base run's replications).

    Attributes:
        sums: array (agents, weeks, len(SUM_COLUMNS)).
        residual: team sums not credited to any agent (unanswered inquirers ...), array (weeks, columns).
        latency_s: each agent's mean reaction latency (s) in the base run (0 when the scenario has none).
        silent_orders_yuan: mean silent-order sales of the horizon (pools).
        weeks: number of weekly blocks.
        first_q: per agent, :data:`WAIT_QUANTILES` quantiles of the first-response time (s) of its genuine
            inquirers in the base run (agents, Q), NaN without any: the conversion's wait factor is averaged over
            them (the engine applies it chat by chat, slow tail included). None: the mean first response alone.
        patience: the buyers' patience law ``(dist, mean_s, cv)`` of ``customers.patience``: who leaves before a
            first reply (with ``first_q``, a faster first reply keeps buyers who would have left).
        all_delta: with the bot front line, each agent's weekly sums on the all view (the bot's replies count,
            ``model.kpi.VIEWS``) minus its sums on the human view (``sums``): what the bot adds to the agent's
            record (its first replies on the chats it handed over), untouched by the agent's effort; None without
            a bot. :func:`on_all_basis` turns a forecast into the all view (components with ``kpi_basis = "all"``).
        all_residual: with the bot front line, the team sums of the all view not credited to any agent (the
            bot's own chats, buyers and sales among them); None without a bot. ``residual`` is the human view's.
    """

    sums: np.ndarray
    residual: np.ndarray
    latency_s: np.ndarray
    silent_orders_yuan: float
    weeks: int
    three_min_basis: str = "message"
    first_q: np.ndarray | None = None
    patience: tuple[str, float, float] | None = None
    all_delta: np.ndarray | None = None
    all_residual: np.ndarray | None = None

    @property
    def has_bot(self) -> bool:
        """Whether the record has the all view of the bot front line (``all_delta``)."""
        return self.all_delta is not None

    def collapsed(self) -> BaseRecord:
        """The same record as one block for the whole horizon (schemes without weekly components)."""
        return BaseRecord(self.sums.sum(axis=1, keepdims=True), self.residual.sum(axis=0, keepdims=True),
                          self.latency_s, self.silent_orders_yuan, 1, self.three_min_basis, self.first_q,
                          self.patience,
                          None if self.all_delta is None else self.all_delta.sum(axis=1, keepdims=True),
                          None if self.all_residual is None else self.all_residual.sum(axis=0, keepdims=True))


#: Quantiles of each agent's first-response times kept in the base record (midpoints of equal-probability bins).
WAIT_QUANTILES = 24


def first_response_quantiles(chats: pd.DataFrame, n: int) -> np.ndarray:
    """Per agent, :data:`WAIT_QUANTILES` quantiles of the first-response time of the genuine inquirers it served
    (the chats whose conversion the wait factor scales, :func:`model.outcomes.apply_outcomes`); NaN rows for
    agents without any."""
    from model.clock import ChatStatus

    c = chats
    sells = ((c["agent"].to_numpy() >= 0) & (c["status"].to_numpy() != ChatStatus.ABANDONED) & ~c["aftersale"].to_numpy()
             & ~c["advert"].to_numpy() & ~c["unresponsive"].to_numpy() & np.isnan(c["purchase_days_ago"].to_numpy()))
    f = c["first_response_s"].to_numpy()[sells]
    a = c["agent"].to_numpy()[sells]
    ok = np.isfinite(f)
    f, a = f[ok], a[ok]
    q = (np.arange(WAIT_QUANTILES) + 0.5) / WAIT_QUANTILES
    out = np.full((n, WAIT_QUANTILES), np.nan)
    order = np.lexsort((f, a))
    f, a = f[order], a[order]
    starts = np.searchsorted(a, np.arange(n))
    ends = np.searchsorted(a, np.arange(n), side="right")
    for i in range(n):
        if ends[i] > starts[i]:
            out[i] = np.quantile(f[starts[i]:ends[i]], q)
    return out


COL = {c: i for i, c in enumerate(SUM_COLUMNS)}


def _sums(chats: pd.DataFrame, msgs: pd.DataFrame, keys: list[str], by_agent: bool, options,
          view: str | None = None) -> pd.DataFrame:
    cs = chat_sums(chats, keys, options, by_agent=by_agent, view=view)
    ms = msg_sums(msgs, keys, options, view=view)
    return cs.join(ms, how="outer").fillna(0)


#: Count columns bounded by another column of the same sums (a count within a window cannot exceed the window).
_BOUNDED = (("msgs_3min", "msgs_window"), ("first_30s", "first_window"), ("first_3min", "first_window"),
            ("first_resp_n", "chats"), ("replied_chats", "chats"))


def on_all_basis(base: BaseRecord, sums: np.ndarray) -> np.ndarray:
    """Forecast sums (rows, agents, weeks, columns) of the whole team on the all view of the bot front line: the
    bot's part of each agent's record (``base.all_delta``) added to the agent's forecast, scaled by the agent's
    forecast volume (its chats relative to the base record's), counts within a window kept within it. The bot's
    part does not move with the agent's effort (docs/model.md, "The bot front line"). Without a bot: ``sums``."""
    if base.all_delta is None:
        return sums
    chats = COL["chats"]
    vol = _div(sums[..., chats], np.broadcast_to(base.sums[None, ..., chats], sums.shape[:-1]), 1.0)
    return with_bot_part(sums, base.all_delta[None] * vol[..., None])


def with_bot_part(sums: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Human-view sums (..., columns) plus the bot's part ``delta`` (the all view's difference, same shape), no
    sum below 0 and counts within a window kept within it (:func:`on_all_basis`, the quick forecast's all view)."""
    out = np.maximum(sums + delta, 0.0)
    for col, bound in _BOUNDED:
        out[..., COL[col]] = np.minimum(out[..., COL[col]], out[..., COL[bound]])
    return out


def base_record(res) -> BaseRecord:  # res: model.simulate.SimResult (not imported: no cycle with simulate)
    """Each agent's weekly sums in the base run (the norm effort is measured against); computed once per run and
    kept in its cache (every scheme of a comparison responds to the same record)."""
    cache = getattr(res, "_cache", None)
    hit = cache.get(("behaviour.base_record",)) if cache is not None else None
    if hit is None:
        hit = _base_record(res)
        if cache is not None:
            cache[("behaviour.base_record",)] = hit
    return hit


def _base_record(res) -> BaseRecord:
    s = res.scenario
    n = s.agents.count
    reps = max(res.replications, 1)
    weeks = int(period_of(np.array([s.meta.days - 1]), "week")[0]) + 1
    c = res.chats.assign(week=period_of(res.chats["day"], "week"))
    m = res.msgs.assign(week=period_of(res.msgs["day"], "week"))
    options = s.kpi
    full = pd.MultiIndex.from_product([range(n), range(weeks)], names=["agent", "week"])
    duty = res.duty.assign(week=period_of(res.duty["day"], "week")).groupby(["agent", "week"])["duty_s"].sum()
    duty = duty.reindex(full, fill_value=0.0).to_numpy().reshape(n, weeks)

    def record(view: str | None) -> tuple[np.ndarray, np.ndarray]:  # per-agent sums and the team's residual
        ag = _sums(c[c["agent"] >= 0], m[m["agent"] >= 0], ["rep", "agent", "week"], True, options, view)
        ag = ag.reindex(columns=list(SUM_COLUMNS), fill_value=0).groupby(level=["agent", "week"]).sum() / reps
        sums = ag.reindex(full, fill_value=0.0).to_numpy(dtype=float).reshape(n, weeks, len(SUM_COLUMNS))
        sums[:, :, COL["duty_s"]] = duty
        team = _sums(c, m, ["rep", "week"], False, options, view).reindex(columns=list(SUM_COLUMNS), fill_value=0)
        team = team.groupby(level="week").sum().reindex(range(weeks), fill_value=0.0) / reps
        residual = team.to_numpy(dtype=float) - sums.sum(axis=0)
        residual[:, COL["duty_s"]] = 0.0
        return sums, np.maximum(residual, 0.0)

    # with the bot front line: the human view (what schemes pay on by default) and the all view's difference
    bot = bool(getattr(res, "has_bot", False))
    sums, residual = record("human" if bot else None)
    all_delta = all_residual = None
    if bot:
        sums_all, all_residual = record("all")
        all_delta = sums_all - sums
    lat_mean = float(getattr(getattr(s.agents, "reaction_latency", None), "mean_s", 0.0) or 0.0)
    factors = (res.agents["reaction_latency_factor"].to_numpy(dtype=float)
               if "reaction_latency_factor" in res.agents.columns else np.ones(n))
    silent = float(res.silent_orders["silent_orders_yuan"].mean()) if len(res.silent_orders) else 0.0
    from model.kpi import three_min_basis

    p = s.customers.patience
    return BaseRecord(sums, residual, lat_mean * factors, silent, weeks, three_min_basis(s.kpi, s.shop.platform),
                      first_response_quantiles(res.chats, n), (p.dist, p.mean_s, p.cv), all_delta, all_residual)


def patience_cdf(patience: tuple[str, float, float] | None, t: np.ndarray) -> np.ndarray:
    """P(a buyer's patience < t): the share of buyers who would leave before a first reply at t seconds
    (``customers.patience``: none, exponential or lognormal with mean and cv, as :func:`model.rng.unit_variates`)."""
    t = np.maximum(np.asarray(t, dtype=float), 0.0)
    if patience is None or patience[0] == "none":
        return np.zeros_like(t)
    dist, mean, cv = patience
    if dist == "exponential":
        return -np.expm1(-t / mean)
    from scipy.special import ndtr

    s2 = np.log1p(cv * cv)
    with np.errstate(divide="ignore"):
        return ndtr((np.log(t) - (np.log(mean) - s2 / 2.0)) / np.sqrt(s2))


@dataclass
class Noise:
    """Fixed standard-normal draws for ``samples`` simulated months (common random numbers)."""

    z: np.ndarray  # (samples, agents, weeks, 8)
    agent_shock: np.ndarray  # (samples, agents, 3): conversion, response, service
    team: np.ndarray  # (samples, weeks, 2): volume, conversion
    rival: np.ndarray  # (samples, agents, 3): how a rival's selling, speed, service look to the others


#: Draw the simulated months as a symmetric Latin hypercube (True) or as independent normals (False, the draws
#: before issue 20; bench/stability.py measures both).
STRATIFIED = True


@contextmanager
def switched(namespace: dict, name: str, on: bool) -> Iterator[None]:
    """Set the module switch ``name`` of ``namespace`` (a module's ``globals()``) to ``on`` inside the ``with``
    (the behaviour model's A/B switches for benches and tests)."""
    was, namespace[name] = namespace[name], on
    try:
        yield
    finally:
        namespace[name] = was


def stratified_draws(on: bool) -> AbstractContextManager[None]:
    """Draw the months as a symmetric Latin hypercube (True) or as independent normals (False) inside the ``with``."""
    return switched(globals(), "STRATIFIED", on)


def stratified_normal(rng: np.random.Generator, samples: int, shape: tuple[int, ...]) -> np.ndarray:
    """Standard-normal draws (samples, *shape), stratified along the first axis: a symmetric Latin hypercube.

    Every variable (each position of ``shape``) takes one value in each of ``samples`` equal-probability strata of
    the normal, ``ndtri((k + u) / samples)`` for stratum ``k`` with ``u`` uniform, and the strata are matched to the
    months by an independent random permutation per variable (so variables stay independent across months). With
    an even number of months the second half of the months is the first half negated (antithetic pairs: strata
    ``k`` and ``samples - 1 - k`` pair up), so every variable's sample mean is exactly 0 and its spread close to 1;
    an odd number keeps one unpaired Latin-hypercube month. What a forecast averages over the months (pay, reach,
    sales) then moves far less from one seed to the next than with independent draws (McKay, Beckman & Conover
    1979; Owen 1992)."""
    from scipy.special import ndtri

    if not STRATIFIED:
        return rng.standard_normal((samples, *shape))
    half = samples // 2
    cells = int(np.prod(shape, dtype=np.int64))
    out = np.empty((samples, cells))
    if half:
        # pair stratum j (0..half-1, upper half of the normal: strata samples-1-j) with its mirror stratum j
        pair = rng.random((half, cells)).argsort(axis=0)  # which pair of strata each of the first months takes
        u = (samples - 1 - pair + rng.random((half, cells))) / samples  # upper stratum: u > 1/2
        z = ndtri(u) * np.where(rng.random((half, cells)) < 0.5, -1.0, 1.0)  # either side of the pair, at random
        out[:half], out[half:2 * half] = z, -z
    if samples % 2:  # the middle stratum of an odd count
        out[-1] = ndtri((half + rng.random(cells)) / samples)
    return out.reshape(samples, *shape)


def draw_noise(seed: int, samples: int, agents: int, weeks: int) -> Noise:
    """The draws behind every forecast of one solve (a pure function of the seed): a symmetric Latin hypercube over
    the months (:func:`stratified_normal`)."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0xBE4A]))
    return Noise(stratified_normal(rng, samples, (agents, weeks, 8)), stratified_normal(rng, samples, (agents, 3)),
                 stratified_normal(rng, samples, (weeks, 2)), stratified_normal(rng, samples, (agents, 3)))


def effort_multipliers(cfg: Behaviour, effort: np.ndarray) -> dict[str, np.ndarray]:
    """What an effort array (..., 4) changes, as multipliers/additions of the mechanics (same shape minus the last axis).

    Linear in effort between ``slack_floor`` and 1; at full effort each ceiling of ``cfg`` is reached.
    """
    e = np.asarray(effort, dtype=float)
    return {
        "conversion_mult": 1.0 + cfg.conversion_gain_share * e[..., SELL],
        "aov_mult": 1.0 + cfg.aov_gain_share * e[..., SELL],
        "latency_mult": np.maximum(0.0, 1.0 - cfg.latency_cut_share * e[..., SPEED]),
        "reply_time_mult": np.maximum(0.05, 1.0 - cfg.reply_time_cut_share * e[..., SPEED]),
        "attitude_mult": np.maximum(0.0, 1.0 - cfg.bad_attitude_cut_share * e[..., SERVICE]),
        "satisfied_add": cfg.satisfied_gain_pp / 100.0 * e[..., SERVICE],
        "hidden_share": np.clip(e[..., GAMING], 0.0, 1.0) * cfg.gaming_max_share,
    }


def _div(a: np.ndarray, b: np.ndarray, default: float = 0.0) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), default)


def _base_terms(base: BaseRecord, oc) -> dict[str, np.ndarray]:
    """The parts of :func:`forecast_sums` that depend on the base record alone, arrays (1, agents, weeks) for every
    agent; computed once per record (and outcome settings) and kept on it. Each agent's terms are its own, so
    selecting agents afterwards gives the values a forecast of those agents alone computes."""
    kept = getattr(base, "_terms", None)
    if kept is not None and kept[0] is oc:
        return kept[1]
    S = base.sums[None]
    g = lambda name: S[..., COL[name]]  # noqa: E731
    latency = base.latency_s
    wf = lambda f: np.exp(-np.maximum(0.0, f - oc.wait_grace_s) / oc.wait_decay_s)  # noqa: E731
    inq0 = g("inquiries")
    chats0 = np.maximum(g("chats"), inq0)
    resp0 = _div(g("resp_sum"), g("resp_n"))
    first0 = _div(g("first_resp_sum"), g("first_resp_n"))
    bad0 = g("neutral") + g("disappointed")
    terms = {
        "count_noise": _div(np.ones_like(chats0), np.sqrt(chats0)),
        "resp0": resp0,
        "first0": first0,
        "lat": np.minimum(latency[None, :, None], resp0),
        "resp_noise": _div(np.ones_like(resp0), np.sqrt(np.maximum(g("resp_n"), 1.0))),
        "lat_f": np.minimum(latency[None, :, None], first0),
        "miss3": np.clip(1.0 - _div(g("msgs_3min"), g("msgs_window"), 1.0), 0.0, 1.0),
        "miss_first_30s": np.clip(1.0 - _div(g("first_30s"), g("first_window"), 1.0), 0.0, 1.0),
        "miss_first_3min": np.clip(1.0 - _div(g("first_3min"), g("first_window"), 1.0), 0.0, 1.0),
        "wf0": wf(first0),
        "p0": _div(g("paid_buyers"), inq0),
        "pay_rate": _div(g("paid_buyers"), g("orders"), 1.0),
        "aov0": _div(g("sales_yuan"), g("paid_buyers")),
        "new_share": _div(g("sales_new_yuan"), g("sales_yuan"), 1.0),
        "refund_per_paid": _div(g("refunds"), g("paid_buyers")),
        "refund_share": _div(g("refund_yuan"), g("sales_yuan")),
        "caused_share": _div(g("caused_refund_yuan"), g("sales_yuan")),
        "s0": _div(g("satisfied"), g("ratings"), oc.satisfied_base),
        "dis_share": _div(g("disappointed"), bad0, oc.disappointed_share_of_bad),
        "b0": _div(g("bad_attitude_ratings"), bad0),
    }
    terms["returning_share"] = 1.0 - terms["new_share"]
    if base.first_q is not None:  # the wait factor chat by chat: over each agent's first-response quantiles
        fq = base.first_q[None, :, None, :]  # (1, N, 1, Q)
        has = np.isfinite(fq).all(axis=-1)
        terms["fq"] = np.where(np.isfinite(fq), fq, 0.0)
        terms["lat_q"] = np.minimum(latency[None, :, None, None], terms["fq"])
        terms["wfq0"] = np.where(has, wf(terms["fq"]).mean(axis=-1), np.nan)  # (1, N, 1)
        # who left: the served buyers' first replies came before their patience ran out, so the buyers offered
        # to the agent had these times with weights 1 / (1 - F(t)); the abandoned share moves with F (the
        # observed share, calibrated), the conversion of the served part with the wait factor of those who stay
        F0 = patience_cdf(base.patience, terms["fq"])
        w = 1.0 / np.maximum(1.0 - F0, 1e-3)
        terms["w_off"] = w
        terms["wF0"] = np.where(has, (w * F0).sum(axis=-1), 0.0)
        a0 = np.clip(_div(g("abandoned"), chats0), 0.0, 0.95)
        terms["a0"] = np.where(terms["wF0"] > 0, a0, 0.0)
        p_ab = oc.base_inquiry_conversion * oc.abandoned_conversion_share
        terms["p_ab"] = np.full_like(a0, p_ab)
        terms["c_served0"] = _div(np.maximum(terms["p0"] - terms["a0"] * p_ab, 0.0), 1.0 - terms["a0"])
    base._terms = (oc, terms)
    return terms


def forecast_sums(
    cfg: Behaviour,
    base: BaseRecord,
    outcomes_cfg,
    effort: np.ndarray,
    noise: Noise,
    sample: np.ndarray,
    who: np.ndarray | None = None,
) -> np.ndarray:
    """Weekly sums per (row, agent, week) for effort profiles.

    Args:
        cfg: behaviour settings.
        base: the agents' base record.
        outcomes_cfg: the scenario's ``outcomes`` settings (wait factor, satisfaction slope, order-value spread).
        effort: array (rows, agents, 4), one effort profile per row.
        noise: the fixed draws.
        sample: array (rows,) the noise sample each row uses.
        who: the agents the effort array's second axis refers to (default: every agent).

    Returns:
        Array (rows, agents, weeks, len(SUM_COLUMNS)).
    """
    idx = np.arange(base.sums.shape[0]) if who is None else np.asarray(who)
    sample = np.asarray(sample)
    S = base.sums[idx][None]  # (1, N, W, C)
    R = effort.shape[0]
    z = noise.z[sample[:, None], idx[None, :], :S.shape[2]]  # (R, N, W, 8)
    ash = noise.agent_shock[sample[:, None], idx[None, :]]  # (R, N, 3)
    team = noise.team[sample][:, :S.shape[2]]  # (R, W, 2)
    mult = {k: v[:, :, None] for k, v in effort_multipliers(cfg, effort).items()}  # (R, N, 1)
    g = lambda name: S[..., COL[name]]  # noqa: E731
    out = np.repeat(S, R, axis=0)
    T = _base_terms(base, outcomes_cfg)
    if who is not None:
        T = {k: v[:, idx] for k, v in T.items()}

    # volume: counting noise on inquirers/chats and a team-wide volume shock
    perf, team_cv = cfg.performance_noise_cv, cfg.team_shock_cv  # this month's shocks (model.shocks: one world)
    vol_team = shock_factor(team_cv, team[:, None, :, 0])
    v = vol_team * (1.0 + T["count_noise"] * z[..., 0])
    v = np.maximum(v, 0.0)
    for col in ("chats", "receptions", "inquiries", "inquiries_taken", "queue_wait_sum", "replied_chats",
                "msgs_window", "first_window", "abandoned", "ratings", "agent_lines", "buyer_msgs",
                "aftersale_chats", "resp_n", "first_resp_n"):
        out[..., COL[col]] = g(col) * v
    inq = out[..., COL["inquiries"]]

    # speed: reaction latency + typing; the first response and the share answered within 3 min / 30 s follow
    resp0, first0, lat, lat_f = T["resp0"], T["first0"], T["lat"], T["lat_f"]
    speed_shock = shock_factor(perf, ash[:, :, None, 1])
    speed_noise = speed_shock * (1.0 + T["resp_noise"] * z[..., 1])
    resp = (lat * mult["latency_mult"] + (resp0 - lat) * mult["reply_time_mult"]) * np.maximum(speed_noise, 0.05)
    first = np.maximum(lat_f * mult["latency_mult"] + (first0 - lat_f) * mult["reply_time_mult"], 0.0)
    out[..., COL["resp_sum"]] = resp * out[..., COL["resp_n"]]
    out[..., COL["first_resp_sum"]] = first * np.maximum(speed_noise, 0.05) * out[..., COL["first_resp_n"]]
    speed_ratio = _div(resp0, np.maximum(resp, 1e-9), 1.0)
    out[..., COL["msgs_3min"]] = out[..., COL["msgs_window"]] * (1.0 - T["miss3"] ** speed_ratio)
    first_ratio = _div(first0, np.maximum(first, 1e-9), 1.0)
    for col in ("first_30s", "first_3min"):  # first replies within 30 s / 3 min (exponential tail)
        out[..., COL[col]] = out[..., COL["first_window"]] * (1.0 - T[f"miss_{col}"] ** first_ratio)
    out[..., COL["busy_s"]] = g("busy_s") * v * mult["reply_time_mult"]

    # selling: conversion (with the wait factor of a faster first response), order value
    oc = outcomes_cfg
    wf = lambda f: np.exp(-np.maximum(0.0, f - oc.wait_grace_s) / oc.wait_decay_s)  # noqa: E731
    conv_noise = shock_factor(perf, ash[:, :, None, 0]) * shock_factor(team_cv, team[:, None, :, 1])
    if "fq" in T:  # each chat's first response moves: latency part by the latency cut, the rest by the typing cut
        fq, lq = T["fq"], T["lat_q"]
        moved = (lq * mult["latency_mult"][..., None] + (fq - lq) * mult["reply_time_mult"][..., None]) \
            * speed_shock[..., None]  # the engine's speed shock scales typing and latency (model.shocks)
        Fm = patience_cdf(base.patience, moved)
        w = T["w_off"]
        stay = w * (1.0 - Fm)
        wf1 = _div((stay * wf(moved)).sum(axis=-1), stay.sum(axis=-1), 1.0)
        wait = np.where(np.isfinite(T["wfq0"]), _div(wf1, np.nan_to_num(T["wfq0"]), 1.0), 1.0)
        a0 = T["a0"]
        a1 = np.clip(a0 * _div((w * Fm).sum(axis=-1), T["wF0"], 1.0), 0.0, 1.0)
        p = T["c_served0"] * mult["conversion_mult"] * wait * conv_noise * (1.0 - a1) + a1 * T["p_ab"]
        kept = _div(1.0 - a1, 1.0 - a0, 1.0)  # served chats relative to today's
        out[..., COL["abandoned"]] *= _div(a1, a0, 1.0)
        for col in ("ratings", "replied_chats"):
            out[..., COL[col]] *= kept
    else:
        p = T["p0"] * mult["conversion_mult"] * _div(wf(first), T["wf0"], 1.0) * conv_noise
    p = np.clip(p, 0.0, 1.0)
    paid = np.clip(inq * p + np.sqrt(np.maximum(inq * p * (1 - p), 0.0)) * z[..., 2], 0.0, inq)
    out[..., COL["paid_buyers"]] = paid
    out[..., COL["orders"]] = np.minimum(_div(paid, T["pay_rate"], 0.0), inq)
    aov = T["aov0"] * mult["aov_mult"] * np.maximum(1.0 + oc.aov_cv * _div(np.ones_like(paid), np.sqrt(np.maximum(paid, 1.0))) * z[..., 3], 0.05)
    sales = paid * aov
    out[..., COL["sales_yuan"]] = sales
    out[..., COL["sales_new_yuan"]] = sales * T["new_share"]
    out[..., COL["sales_returning_yuan"]] = sales * T["returning_share"]
    out[..., COL["refunds"]] = paid * T["refund_per_paid"]
    out[..., COL["refund_yuan"]] = sales * T["refund_share"]
    out[..., COL["caused_refund_yuan"]] = sales * T["caused_share"]

    # service: satisfied ratings (also faster first responses) and bad attitude
    ratings = out[..., COL["ratings"]]
    sat_p = np.clip(T["s0"] + mult["satisfied_add"] + oc.satisfied_loss_per_min * (first0 - first) / 60.0
                    + SATISFIED_SHARE * perf * ash[:, :, None, 2], 0.0, 1.0)
    sat = np.clip(ratings * sat_p + np.sqrt(np.maximum(ratings * sat_p * (1 - sat_p), 0.0)) * z[..., 4], 0.0, ratings)
    bad = ratings - sat
    dis_share = T["dis_share"]
    out[..., COL["satisfied"]] = sat
    out[..., COL["disappointed"]] = bad * dis_share
    out[..., COL["neutral"]] = bad * (1.0 - dis_share)
    bp = np.clip(T["b0"] * mult["attitude_mult"], 0.0, 1.0)
    out[..., COL["bad_attitude_ratings"]] = np.clip(
        bad * bp + np.sqrt(np.maximum(bad * bp * (1 - bp), 0.0)) * z[..., 5], 0.0, bad)

    # gaming: non-buying inquirers kept out of the inquirer count (sales are untouched)
    hidden = mult["hidden_share"] * np.maximum(inq - paid, 0.0)
    out[..., COL["inquiries"]] = inq - hidden
    out[..., COL["inquiries_taken"]] = out[..., COL["inquiries_taken"]] - hidden
    return out


def kpi_tables(
    sums: np.ndarray, residual: np.ndarray, weekly: bool, three_min_basis: str = "message"
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame, pd.DataFrame | None]:
    """KPI tables (agent x horizon, agent x week, team x horizon, team x week) from forecast sums.

    Args:
        sums: (rows, agents, weeks, columns) from :func:`forecast_sums`; each row becomes a ``rep``.
        residual: team sums not credited to any agent, (weeks, columns).
        weekly: also build the weekly tables (only schemes with weekly components need them).
        three_min_basis: how the 3-minute reply rate counts (``model.kpi.three_min_basis``).
    """
    R, N, W, C = sums.shape
    rep = np.repeat(np.arange(R), N)
    agent = np.tile(np.arange(N), R)
    horizon = sums.sum(axis=2).reshape(R * N, C)
    am = ratios(pd.DataFrame(horizon, columns=list(SUM_COLUMNS)), three_min_basis)
    am.insert(0, "agent", agent)
    am.insert(0, "rep", rep)
    team = sums.sum(axis=1) + residual[None]  # (R, W, C)
    tm = ratios(pd.DataFrame(team.sum(axis=1), columns=list(SUM_COLUMNS)), three_min_basis)
    tm.insert(0, "rep", np.arange(R))
    aw = tw = None
    if weekly:
        aw = ratios(pd.DataFrame(sums.reshape(R * N * W, C), columns=list(SUM_COLUMNS)), three_min_basis)
        aw.insert(0, "week", np.tile(np.arange(W), R * N))
        aw.insert(0, "agent", np.repeat(agent, W))
        aw.insert(0, "rep", np.repeat(rep, W))
        tw = ratios(pd.DataFrame(team.reshape(R * W, C), columns=list(SUM_COLUMNS)), three_min_basis)
        tw.insert(0, "week", np.tile(np.arange(W), R))
        tw.insert(0, "rep", np.repeat(np.arange(R), W))
    return am, aw, tm, tw
