"""Outcomes per chat: order, payment, order value, refund and rating (vectorised, after the engine).

All draws are made up front from the ``outcomes`` stream in a fixed order and a fixed size (one of each per
chat), so two runs that differ in skill, effort or an assumed effect see the same uniforms (common random
numbers): a higher conversion turns a superset of the same buyers into payers.

Pre-sale chat i answered by agent a, first-response time f (s):
    p_pay   = clip((c0 * conv_a * m_a + add) * w(f), 0, 1),  w(f) = exp(-max(0, f - grace) / decay)
    ordered = U1 < min(1, p_pay / r),   paid = ordered and U2 < r      (r = payment rate)
    value   = aov0 * aov_a * g * LN(cv)  (lognormal with mean 1)
    refund  = paid and U3 < refund share
    caused  = refund and U3 < refund share x caused_a   (the agent's share of its refunds due to 客服因素, seed 004)
Ratings (any served chat): rated if U4 < rating share; satisfied if U5 < clip(s0 - loss * f / 60);
otherwise disappointed with the given share, else neutral; a non-satisfied rating is due to bad attitude if
U6 < the agent's bad-attitude share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from model.clock import MINUTE_S, ChatStatus, Rating
from model.effects import Effects
from model.schema import Outcomes, Scenario


@dataclass
class OutcomeDraws:
    """The uniforms and normals behind the outcomes of one replication (fixed per seed)."""

    u_order: np.ndarray
    u_pay: np.ndarray
    z_aov: np.ndarray
    u_refund: np.ndarray
    u_rate: np.ndarray
    u_sat: np.ndarray
    u_disappointed: np.ndarray
    u_attitude: np.ndarray
    u_hide: np.ndarray


def draw(rng: np.random.Generator, n: int) -> OutcomeDraws:
    """Draw the outcome variates for n chats (always the same order and size)."""
    u = rng.random((7, n))
    z = rng.standard_normal(n)
    return OutcomeDraws(u[0], u[1], z, u[2], u[3], u[4], u[5], u[6], rng.random(n))


def _per_agent(x: float | np.ndarray, agent: np.ndarray) -> np.ndarray | float:
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0:
        return float(arr)
    safe = np.where(agent >= 0, agent, 0)
    return arr[safe]


def lognormal_mean1(z: np.ndarray, cv: float) -> np.ndarray:
    """exp(sigma z - sigma^2/2): lognormal factors with mean 1 and the given coefficient of variation."""
    if cv <= 0:
        return np.ones_like(z)
    s = np.sqrt(np.log1p(cv * cv))
    return np.exp(s * z - s * s / 2.0)


def compute(
    cfg: Outcomes,
    d: OutcomeDraws,
    *,
    agent: np.ndarray,
    served: np.ndarray,
    inquirer: np.ndarray,
    abandoned_presale: np.ndarray,
    first_response_s: np.ndarray,
    conv_factor: np.ndarray,
    aov_factor: np.ndarray,
    attitude_share: np.ndarray,
    effects: Effects,
    caused_refund_share: np.ndarray | None = None,
    conversion_shock: np.ndarray | float = 1.0,
    satisfied_shock: np.ndarray | float = 0.0,
) -> dict[str, np.ndarray]:
    """Outcome columns for one replication's chats.

    Args:
        cfg: the scenario's outcome settings.
        d: the replication's outcome draws.
        agent: agent index per chat (-1 = none).
        served: the buyer was answered (a conversation took place).
        inquirer: a genuine pre-sale inquirer (after the reception filters that mark adverts etc.).
        abandoned_presale: a pre-sale buyer who left unanswered.
        first_response_s: time from arrival to the first reply (nan if none).
        conv_factor, aov_factor, attitude_share: per-agent skill.
        effects: assumed or behavioural changes.
        caused_refund_share: per agent, the share of its refunds it caused (default 0: none).
        conversion_shock, satisfied_shock: per chat, this month's shock to the conversion (a factor) and to the
            probability of a satisfied rating (added) (:mod:`model.shocks`; default none).

    Returns:
        Columns: ordered, paid, value_yuan, refunded, caused_refund (a refund due to the agent), attributed (sale credited to the agent), rating
        (0 none, 1 satisfied, 2 neutral, 3 disappointed), bad_attitude.
    """
    safe = np.where(agent >= 0, agent, 0)
    f = np.nan_to_num(first_response_s, nan=0.0)
    wait_factor = np.exp(-np.maximum(0.0, f - cfg.wait_grace_s) / cfg.wait_decay_s)
    conv = (cfg.base_inquiry_conversion * conv_factor[safe] * _per_agent(effects.conversion_mult, agent)
            + _per_agent(effects.conversion_add, agent)) * conversion_shock * wait_factor
    sells = served & inquirer
    p_pay = np.where(sells, conv, 0.0)
    p_pay = np.where(abandoned_presale, cfg.base_inquiry_conversion * cfg.abandoned_conversion_share, p_pay)
    p_pay = np.clip(p_pay, 0.0, 1.0)
    r = float(np.clip(cfg.payment_rate + effects.payment_rate_add, 1e-9, 1.0))
    ordered = d.u_order < np.minimum(1.0, p_pay / r)
    paid = ordered & (d.u_pay < r)
    value = np.where(
        paid,
        cfg.base_aov_yuan * np.where(agent >= 0, aov_factor[safe], 1.0) * _per_agent(effects.aov_mult, agent)
        * lognormal_mean1(d.z_aov, cfg.aov_cv),
        0.0,
    )
    refunded = paid & (d.u_refund < cfg.refund_share)
    # the same uniform decides whether the agent caused it: given a refund, U3 / refund share is uniform
    caused_share = np.zeros(len(agent)) if caused_refund_share is None else np.where(
        agent >= 0, np.asarray(caused_refund_share, dtype=float)[safe], 0.0)
    caused = refunded & (d.u_refund < cfg.refund_share * caused_share)
    rated = served & (d.u_rate < cfg.rating_share)
    p_sat = np.clip(cfg.satisfied_base + _per_agent(effects.satisfied_add, agent) + satisfied_shock
                    - cfg.satisfied_loss_per_min * f / MINUTE_S, 0.0, 1.0)
    sat = d.u_sat < p_sat
    rating = np.where(rated, np.where(sat, Rating.SATISFIED, np.where(d.u_disappointed < cfg.disappointed_share_of_bad,
                                                                     Rating.DISAPPOINTED, Rating.NEUTRAL)), Rating.NONE)
    bad_att = (rating >= Rating.NEUTRAL) & (d.u_attitude < attitude_share[safe] * _per_agent(effects.attitude_mult, agent))
    # gaming: the agent keeps some non-buying inquirers out of the inquirer count (sales are untouched)
    hidden = sells & ~paid & (d.u_hide < _per_agent(effects.hidden_share, agent))
    return {
        "ordered": ordered,
        "paid": paid,
        "value_yuan": value,
        "refunded": refunded,
        "caused_refund": caused,
        "attributed": paid & (agent >= 0) & served,
        "rating": rating.astype(np.int8),
        "bad_attitude": bad_att,
        **({"hidden": hidden} if hidden.any() else {}),  # only runs with gaming carry the column
    }


def apply_outcomes(s: Scenario, chats: pd.DataFrame, d: Any, agents: pd.DataFrame,
                   effects: Effects) -> pd.DataFrame:
    """The chat frame of one replication with the outcome columns (:data:`model.records.OUTCOME_COLUMNS`).

    ``d``: the replication's :class:`model.draws.Draws` (its outcome variates and monthly shocks).

    Outcomes treat a pre-sale chat as a genuine inquiry when it is no advert, no unresponsive buyer and no
    recent buyer (whatever the platform's KPI filters count).
    """
    agent = chats["agent"].to_numpy()
    status = chats["status"].to_numpy()
    served = (status != ChatStatus.ABANDONED) & (agent >= 0)
    genuine = (~chats["aftersale"].to_numpy() & ~chats["advert"].to_numpy() & ~chats["unresponsive"].to_numpy()
               & np.isnan(chats["purchase_days_ago"].to_numpy()))
    sh = d.shocks
    cols = compute(
        s.outcomes, d.outcome, agent=agent, served=served, inquirer=genuine,
        abandoned_presale=(status == ChatStatus.ABANDONED) & genuine,
        first_response_s=chats["first_response_s"].to_numpy(),
        conv_factor=agents["conversion_factor"].to_numpy(), aov_factor=agents["aov_factor"].to_numpy(),
        attitude_share=agents["bad_attitude_share"].to_numpy(), effects=effects,
        caused_refund_share=agents["caused_refund_share"].to_numpy(),
        conversion_shock=1.0 if sh is None else sh.conversion_of(agent, chats["day"].to_numpy()),
        satisfied_shock=0.0 if sh is None else sh.satisfied_of(agent),
    )
    if "bot_resolved" in chats.columns and getattr(d, "bot", None) is not None:
        cols = bot_outcomes(s, cols, d.bot, chats["bot_resolved"].to_numpy(dtype=bool), genuine)
    # one new frame (as chats.assign(**cols), without inserting the columns one by one)
    return pd.DataFrame({**{k: chats[k] for k in chats.columns}, **cols}, index=chats.index)


def bot_outcomes(s: Scenario, cols: dict[str, np.ndarray], b: Any, resolved: np.ndarray,
                 genuine: np.ndarray) -> dict[str, np.ndarray]:
    """The outcome columns with the bot-resolved chats' own outcomes (``[bot]``, stream ``bot``).

    A genuine pre-sale inquirer the bot resolved pays with probability ``bot.conversion`` (ordered if
    U < conversion / payment rate, paid if ordered and U' < payment rate, as for the agents); the order value is
    ``base_aov_yuan x LN(aov_cv)`` and refunds at ``refund_share``; a resolved chat is rated with
    ``bot.rating_share``, satisfied with ``bot.satisfied_share``, otherwise disappointed with
    ``outcomes.disappointed_share_of_bad``, else neutral. No agent is credited, and no bad rating is an agent's
    attitude.
    """
    bot, o = s.bot, s.outcomes
    r = float(np.clip(o.payment_rate, 1e-9, 1.0))
    p = np.where(resolved & genuine, bot.conversion, 0.0)
    ordered = b.u_order < np.minimum(1.0, p / r)
    paid = ordered & (b.u_pay < r)
    value = np.where(paid, o.base_aov_yuan * lognormal_mean1(b.z_aov, o.aov_cv), 0.0)
    refunded = paid & (b.u_refund < o.refund_share)
    rated = resolved & (b.u_rate < bot.rating_share)
    rating = np.where(rated, np.where(b.u_sat < bot.satisfied_share, Rating.SATISFIED,
                                      np.where(b.u_disappointed < o.disappointed_share_of_bad, Rating.DISAPPOINTED,
                                               Rating.NEUTRAL)), Rating.NONE).astype(np.int8)
    out = dict(cols)
    for k, v in (("ordered", ordered), ("paid", paid), ("value_yuan", value), ("refunded", refunded),
                 ("rating", rating)):
        out[k] = np.where(resolved, v, cols[k])
    for k in ("caused_refund", "attributed", "bad_attitude"):
        out[k] = cols[k] & ~resolved
    out["rating"] = out["rating"].astype(np.int8)
    if "hidden" in out:
        out["hidden"] = out["hidden"] & ~resolved
    return out
