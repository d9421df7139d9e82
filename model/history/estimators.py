"""Estimators of a shop's levels from its history: per-agent conversion and order value shrunk toward the team
(empirical Bayes), weekday factors and the intraday profile (docs/history.md, "Calibration").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from model.history.sums import kpi_sums
from model.history.validate import History


# ------------------------------------------------------------------------------------------- estimators
@dataclass
class Shrunk:
    """Empirical-Bayes estimates per agent.

    Attributes:
        raw: the agent's own rate / mean (NaN without data).
        shrunk: the posterior mean.
        weight: how far the agent moved toward the team mean (0 = not at all, 1 = all the way).
        prior_mean: the team mean the estimates are shrunk toward.
        prior_strength: a + b (beta-binomial) or sigma^2 / tau^2 (normal), in units of inquirers / orders.
    """

    raw: np.ndarray
    shrunk: np.ndarray
    weight: np.ndarray
    prior_mean: float
    prior_strength: float


def shrink_conversion(paid: np.ndarray, inquiries: np.ndarray) -> Shrunk:
    """Beta-binomial empirical Bayes for per-agent conversion (maximum likelihood for the prior).

    Args:
        paid: paying buyers per agent (whole numbers; fractional values from ratio-only exports are allowed).
        inquiries: inquirers per agent.

    Returns:
        The shrunk rates. With no spread between agents beyond chance, the prior strength is large and every
        agent sits at the team mean; agents with no inquirers get the team mean.
    """
    y = np.asarray(paid, dtype=float)
    n = np.asarray(inquiries, dtype=float)
    ok = n > 0
    raw = np.where(ok, y / np.where(ok, n, 1), np.nan)
    p = y[ok].sum() / n[ok].sum() if ok.any() else 0.0
    if ok.sum() < 2 or p <= 0 or p >= 1:
        kappa = 1e7
    else:
        # method of moments start (Kleinman 1973): between-agent variance beyond binomial noise
        w = n[ok]
        s2 = float(np.sum(w * (raw[ok] - p) ** 2) / np.sum(w))
        noise = p * (1 - p) * np.mean(1 / w)
        var_between = max(s2 - noise, 1e-6 * p * (1 - p))
        kappa0 = float(np.clip(p * (1 - p) / var_between - 1, 0.5, 1e6))
        yy, nn = y[ok], n[ok]

        def nll(theta: np.ndarray) -> float:
            mu = 1 / (1 + math.exp(-theta[0]))
            k = math.exp(theta[1])
            return -float(np.sum(stats.betabinom.logpmf(np.round(yy), np.round(nn), mu * k, (1 - mu) * k)))

        x0 = np.array([math.log(p / (1 - p)), math.log(kappa0)])
        res = optimize.minimize(nll, x0, method="L-BFGS-B", bounds=[(-10, 10), (math.log(0.5), math.log(1e7))])
        mu = 1 / (1 + math.exp(-res.x[0])) if res.success else p
        kappa = math.exp(res.x[1]) if res.success else kappa0
        p = mu
    a, b = p * kappa, (1 - p) * kappa
    shrunk = (y + a) / (n + a + b)
    weight = kappa / (n + kappa)
    return Shrunk(raw=raw, shrunk=shrunk, weight=weight, prior_mean=float(p), prior_strength=float(kappa))


def shrink_mean(means: np.ndarray, counts: np.ndarray, sigma: float) -> Shrunk:
    """Normal-normal empirical Bayes for per-agent means (e.g. order value) with sampling variance sigma^2/count.

    The between-agent variance tau^2 is the DerSimonian-Laird moment estimate (inverse-variance weighted, so an
    agent with three orders cannot inflate it); shrunk = mean + tau^2 / (tau^2 + sigma^2 / count) (raw - mean).
    """
    x = np.asarray(means, dtype=float)
    m = np.asarray(counts, dtype=float)
    ok = (m > 0) & np.isfinite(x)
    grand = float(np.sum(x[ok] * m[ok]) / np.sum(m[ok])) if ok.any() else float("nan")
    v = np.where(ok, sigma**2 / np.where(ok, m, 1), np.inf)
    tau2 = 0.0
    if ok.sum() >= 2 and sigma > 0:
        w = 1 / v[ok]
        q = float(np.sum(w * (x[ok] - grand) ** 2))
        tau2 = max(0.0, (q - (ok.sum() - 1)) / float(np.sum(w) - np.sum(w**2) / np.sum(w)))
    weight = np.where(ok, v / (v + tau2) if tau2 > 0 else 1.0, 1.0)
    shrunk = np.where(ok, grand + (1 - weight) * (np.nan_to_num(x) - grand), grand)
    strength = sigma**2 / tau2 if tau2 > 0 else float("inf")
    return Shrunk(raw=x, shrunk=shrunk, weight=weight, prior_mean=grand, prior_strength=strength)


def weekday_factors(h: History) -> list[float]:
    """Monday..Sunday multipliers of daily inquiries, averaging 1 over the export's days (1 where unseen)."""
    daily = kpi_sums(h, ["date"])["inquiries"]
    by_date = {d: float(v) for d, v in daily.items()}
    days = h.dates
    vals = np.array([by_date.get(d, 0.0) for d in days])
    mean = vals.mean() if len(vals) else 0.0
    f = np.ones(7)
    if mean > 0:
        for w in range(7):
            sel = [v for d, v in zip(days, vals, strict=True) if d.weekday() == w]
            if sel:
                f[w] = np.mean(sel) / mean
    wd = np.array([d.weekday() for d in days])
    f = f / f[wd].mean() if len(wd) and f[wd].mean() > 0 else f
    return [round(float(x), 4) for x in f]


def intraday_profile(h: History) -> list[float] | None:
    """24 hourly weights (share of inquiries per hour of day) from an hourly export, else None."""
    if not h.hourly:
        return None
    s = kpi_sums(h, ["hour"])["inquiries"]
    w = np.array([float(s.get(hr, 0.0)) for hr in range(24)])
    if w.sum() <= 0:
        return None
    return [round(float(x), 5) for x in w / w.sum()]
