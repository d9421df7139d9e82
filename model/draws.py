"""All random draws of one replication, made up front from one stream per source (common random numbers).

The draws do not depend on effects, the agent count or pay rules, so two runs that differ only in those see the
same arrivals, patience, messages, typing and outcome variates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model import outcomes, shocks, traffic
from model.rng import streams, unit_variates
from model.schema import MAX_MESSAGES_PER_CHAT, Scenario


@dataclass
class Draws:
    """All random draws of one replication (independent of effects, agents count and pay rules).

    Per chat: ``arrival_s``, ``aftersale``, ``returning``, ``advert``, ``unresponsive``, ``purchase_days_ago``
    (NaN unless a recent buyer), ``n_msgs``, ``patience_s``, ``silent``. Per buyer message: ``reply_unit``
    (mean-1 typing variate), ``latency_unit`` (mean-1 reaction-latency variate), ``think_s``, ``lines``. Per day: ``silent_orders`` (count) and
    ``silent_order_value`` (yuan). ``outcome``: the outcome variates per chat. ``shocks``: the replication's
    monthly shocks (:mod:`model.shocks`; None with the behaviour model off).
    """

    arrival_s: np.ndarray
    aftersale: np.ndarray
    returning: np.ndarray
    advert: np.ndarray
    unresponsive: np.ndarray
    purchase_days_ago: np.ndarray
    n_msgs: np.ndarray
    patience_s: np.ndarray
    silent: np.ndarray
    reply_unit: np.ndarray
    latency_unit: np.ndarray
    think_s: np.ndarray
    lines: np.ndarray
    outcome: outcomes.OutcomeDraws
    silent_orders: np.ndarray
    silent_order_value: np.ndarray
    shocks: shocks.Shocks | None = None
    bot: BotDraws | None = None


@dataclass
class BotDraws:
    """The bot front line's draws per chat (stream ``bot``, fixed order and size; None without a bot).

    ``u_resolve`` decides whether the bot resolves the chat (U < the hour's share: a higher share resolves a
    superset of the same chats); ``delay_unit`` is the mean-1 hand-over delay variate; the rest are the
    bot-resolved chats' own outcome variates (order, payment, order value, refund, rating, satisfied,
    disappointed), apart from the agents' ``outcomes`` stream.
    """

    u_resolve: np.ndarray
    delay_unit: np.ndarray
    u_order: np.ndarray
    u_pay: np.ndarray
    z_aov: np.ndarray
    u_refund: np.ndarray
    u_rate: np.ndarray
    u_sat: np.ndarray
    u_disappointed: np.ndarray


def draw_bot(rng: np.random.Generator, n: int, dist: str, cv: float) -> BotDraws:
    """The bot's draws for n chats (always the same order and size)."""
    u = rng.random((7, n))
    delay = unit_variates(rng, dist, cv, n)
    z = rng.standard_normal(n)
    return BotDraws(u[0], delay, u[1], u[2], z, u[3], u[4], u[5], u[6])


def make_draws(s: Scenario, rep: int) -> Draws:
    """Draw everything one replication needs, one stream per source."""
    g = streams(s.meta.seed, rep)
    b = s.behaviour
    sh = shocks.draw(g["monthly_shocks"], s.agents.count, s.meta.days, b.performance_noise_cv,
                     b.team_shock_cv) if b.active else None
    t, after = traffic.generate(s, g, None if sh is None else sh.volume_by_hour(s.meta.days))
    n = len(t)
    c = s.customers
    u = g["chat_attributes"].random((4, n))
    returning = (u[0] < c.returning_share) & ~after
    advert = u[1] < c.advert_share
    unresponsive = (u[2] < c.unresponsive_share) & ~after & ~advert
    recent = (u[3] < c.recent_buyer_share) & ~after & ~advert
    extra = g["messages"].poisson(max(c.messages_per_chat - 1.0, 0.0), n)
    n_msgs = np.minimum(1 + extra, MAX_MESSAGES_PER_CHAT).astype(np.int64)
    n_msgs[advert | unresponsive] = 1
    p = c.patience
    pu = unit_variates(g["patience"], "exponential" if p.dist == "none" else p.dist, p.cv, n)
    silent = g["patience"].random(n) < p.silent_share
    patience = np.full(n, np.inf) if p.dist == "none" else pu * p.mean_s
    m = int(n_msgs.sum())
    rt = s.agents.reply_time
    reply_unit = unit_variates(g["reply_time"], rt.dist, rt.cv, m)
    rl = s.agents.reaction_latency
    latency_unit = unit_variates(g["reaction_latency"], rl.dist, rl.cv, m)
    if rl.first_message_share != 1.0 and n:  # a new buyer is noticed sooner (the console alerts on it)
        latency_unit[np.concatenate([[0], np.cumsum(n_msgs)[:-1]])] *= rl.first_message_share
    tt = c.think_time
    think = unit_variates(g["think_time"], tt.dist, tt.cv, m) * tt.mean_s
    lines = 1 + g["agent_lines"].poisson(max(s.agents.lines_per_reply - 1.0, 0.0), m)
    od = outcomes.draw(g["outcomes"], n)
    days = s.meta.days
    so = g["silent_orders"].poisson(s.outcomes.silent_orders_per_day, days)
    aov = s.outcomes.silent_order_aov_yuan or s.outcomes.base_aov_yuan
    sv = np.array([aov * outcomes.lognormal_mean1(g["silent_orders"].standard_normal(k), s.outcomes.aov_cv).sum()
                   for k in so])
    purchase = np.where(recent, float(c.recent_buyer_days), np.nan)
    bot = None
    if s.bot_on:
        hd = s.bot.handover_delay
        bot = draw_bot(g["bot"], n, hd.dist, hd.cv)
    return Draws(t, after, returning, advert, unresponsive, purchase, n_msgs, patience, silent, reply_unit,
                 latency_unit, think, lines, od, so, sv, sh, bot)
