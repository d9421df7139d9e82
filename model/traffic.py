"""Arrival streams: non-homogeneous Poisson arrivals with an hourly profile, weekday factors, promo days and
open hours, for the pre-sale and after-sale streams.

The rate is piecewise constant per hour of the horizon. For hour h of day d:
``rate = per_day * weekday[d] * promo[d] * w_h / sum(w over open hours)`` (per hour), so a normal day with
weekday factor 1 brings ``per_day`` chats on average whatever the profile. Arrivals in each hour are
Poisson(rate) in number and uniform in time, which is exactly a non-homogeneous Poisson process with that
piecewise-constant rate.
"""

from __future__ import annotations

import numpy as np

from model.clock import DAY_H, HOUR_S, WEEK_DAYS
from model.schema import Scenario, profile_weights


def open_mask(open_hours: tuple[float, float]) -> np.ndarray:
    """Share of each of the 24 hours that lies inside the open hours (0..1)."""
    a, b = open_hours
    h = np.arange(24, dtype=float)
    return np.clip(np.minimum(h + 1, b) - np.maximum(h, a), 0.0, 1.0)


def bot_hours_of(s: Scenario) -> list[int]:
    """The hours of day the shop leaves to the bot alone (``bot.bot_hours``; empty without a bot)."""
    return list(s.bot.bot_hours) if s.bot_on else []


def hourly_rates(s: Scenario, per_day: float, profile: str | list[float]) -> np.ndarray:
    """Expected arrivals in each hour of the horizon (length days * 24).

    With ``bot.bot_hours`` those hours get arrivals at the profile's rate even outside the open hours (the
    normalisation stays over the open hours: ``per_day`` is still the open hours' traffic)."""
    t = s.traffic
    mask = open_mask(t.open_hours)
    extra = bot_hours_of(s)
    if extra:
        return _rates_with_bot_hours(s, per_day, profile, mask, extra)
    base = np.asarray(profile_weights(profile), dtype=float) * mask
    promo = {p.day: p for p in t.promo_days}
    out = np.empty(s.meta.days * DAY_H)
    for d in range(s.meta.days):
        w = base
        factor = t.weekday_factors[(s.meta.start_weekday + d) % WEEK_DAYS]
        if d in promo:
            factor *= promo[d].multiplier
            if promo[d].intraday_profile is not None:
                w = np.asarray(profile_weights(promo[d].intraday_profile), dtype=float) * mask
        total = w.sum()
        out[d * DAY_H:(d + 1) * DAY_H] = 0.0 if total <= 0 else per_day * factor * w / total
    return out


def _rates_with_bot_hours(s: Scenario, per_day: float, profile: str | list[float], mask: np.ndarray,
                          bot_hours: list[int]) -> np.ndarray:
    t = s.traffic
    full = mask.copy()
    full[bot_hours] = 1.0
    promo = {p.day: p for p in t.promo_days}
    out = np.empty(s.meta.days * DAY_H)
    for d in range(s.meta.days):
        prof = profile
        factor = t.weekday_factors[(s.meta.start_weekday + d) % WEEK_DAYS]
        if d in promo:
            factor *= promo[d].multiplier
            if promo[d].intraday_profile is not None:
                prof = promo[d].intraday_profile
        w = np.asarray(profile_weights(prof), dtype=float)
        total = (w * mask).sum()
        out[d * DAY_H:(d + 1) * DAY_H] = 0.0 if total <= 0 else per_day * factor * w * full / total
    return out


def arrivals(rng: np.random.Generator, rates: np.ndarray, open_hours: tuple[float, float] = (0.0, 24.0),
             bot_hours: list[int] | None = None) -> np.ndarray:
    """Sorted arrival times (s) of a Poisson process with the given expected count per hour (``bot_hours``:
    hours of day open in full whatever the open hours)."""
    counts = rng.poisson(rates)
    n = int(counts.sum())
    start = np.repeat(np.arange(len(rates), dtype=float) * HOUR_S, counts)
    # Within an hour that is only partly open, arrivals fall in the open part.
    a, b = open_hours
    hour_of_day = np.repeat(np.arange(len(rates)) % DAY_H, counts).astype(float)
    lo = np.clip(a - hour_of_day, 0.0, 1.0)
    hi = np.clip(b - hour_of_day, 0.0, 1.0)
    if bot_hours:
        whole = np.isin(hour_of_day, bot_hours)
        lo, hi = np.where(whole, 0.0, lo), np.where(whole, 1.0, hi)
    u = rng.random(n)
    times = start + (lo + u * (hi - lo)) * HOUR_S
    times.sort()
    return times


def generate(s: Scenario, rngs: dict[str, np.random.Generator],
             volume: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Arrival times and stream flags (True = after-sale) for one replication, merged in time order.

    ``volume``: a factor on the rate of every hour of the horizon (the team's weekly volume shock,
    :mod:`model.shocks`), or None."""
    f = 1.0 if volume is None else volume
    pre = arrivals(rngs["arrivals_presale"],
                   hourly_rates(s, s.traffic.inquiries_per_day, s.traffic.intraday_profile) * f, s.traffic.open_hours,
                   bot_hours_of(s))
    after_profile = s.traffic.aftersale_profile or s.traffic.intraday_profile
    post = arrivals(rngs["arrivals_aftersale"], hourly_rates(s, s.traffic.aftersale_per_day, after_profile) * f,
                    s.traffic.open_hours, bot_hours_of(s))
    t = np.concatenate([pre, post])
    flag = np.concatenate([np.zeros(len(pre), bool), np.ones(len(post), bool)])
    order = np.argsort(t, kind="stable")
    return t[order], flag[order]
