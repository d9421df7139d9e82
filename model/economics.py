"""Economics of a scheme against the baseline scheme on the same random numbers.

Per replication: revenue (CS sales + silent-order sales), uplift over the baseline's revenue in the same
replication, gross profit of the uplift, bonus cost (variable pay only), net gain, ROI, payout share, cost per
paid order and the pay distribution. Over replications: mean and a t-interval (90% by default, unlike the
engine's 95% for team KPIs, because a manager's decision needs a "likely range", not a test), and the
probability of a net loss with a Wilson interval. All money is for the simulated horizon.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from model.clock import MONTH_DAYS
from model.kpi import interval
from model.quantiles import norm_quantile
from model.schema import EconomicsConfig
from model.schemes.pricing import pay_table, revenue_yuan

#: Codes of the summary, in display order.
ECONOMICS_CODES: tuple[str, ...] = (
    "revenue_yuan", "cs_sales_yuan", "silent_orders_yuan", "baseline_revenue_yuan", "uplift_yuan",
    "gross_profit_uplift_yuan", "bonus_cost_yuan", "baseline_bonus_cost_yuan", "incremental_bonus_cost_yuan",
    "service_cost_yuan", "net_gain_yuan", "roi", "payout_share_of_incremental_profit", "cost_per_paid_order_yuan", "base_pay_yuan",
    "total_pay_yuan", "pay_min_yuan", "pay_median_yuan", "pay_max_yuan", "pay_gini", "bonus_gini",
)

def service_cost_yuan(cfg: EconomicsConfig, extra_bad_ratings: np.ndarray | float) -> np.ndarray | float:
    """The cost of lower service: ``bad_rating_cost_yuan`` per neutral or disappointed rating more than the
    baseline's (negative when service improves). The one formula the economics and the agents' forecast share."""
    return cfg.bad_rating_cost_yuan * extra_bad_ratings


def net_gain_yuan(cfg: EconomicsConfig, uplift: np.ndarray | float, incremental_bonus: np.ndarray | float,
                  extra_bad_ratings: np.ndarray | float = 0.0) -> np.ndarray | float:
    """Net gain = uplift x gross margin - incremental bonus cost - the service cost."""
    return uplift * cfg.gross_margin_share - incremental_bonus - service_cost_yuan(cfg, extra_bad_ratings)


#: Below this incremental bonus cost (yuan) ROI is undefined (NaN / null).
ROI_MIN_COST_YUAN = 0.01


def gini(values: np.ndarray | pd.Series) -> float:
    """Gini coefficient of pay (0 = equal, 1 = one agent gets all); negative pay counts as 0; 0 if all 0."""
    x = np.sort(np.maximum(np.nan_to_num(np.asarray(values, dtype=float)), 0.0))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float(min(1.0, max(0.0, ((2 * i - n - 1) * x).sum() / (n * x.sum()))))


def t_interval(
    values: np.ndarray | pd.Series, level: float = 0.90, *, lo: float | None = None, hi: float | None = None
) -> dict[str, Any]:
    """Mean and two-sided t-interval over replications (:func:`model.kpi.interval` at the economics level).

    Returns ``{"mean", "lo", "hi"}``; ``lo``/``hi`` are None with fewer than two finite values or when every
    replication gives the same value, and ``mean`` is None with none; bounds beyond ``lo``/``hi`` are clipped.
    """
    return interval(np.asarray(values, dtype=float), level, lo=lo, hi=hi)


def economics_ranges(
    per_rep: pd.DataFrame, *, scheme_nonnegative: bool = True, baseline_nonnegative: bool = True
) -> dict[str, tuple[float | None, float | None]]:
    """Possible range of every economics code, used to keep its interval inside what can happen.

    Revenue and sales are >= 0; pay and bonus cost are >= 0 when the scheme cannot pay negative amounts
    (:func:`model.schemes.pricing.can_pay_negative`); Gini coefficients are 0-1. The incremental bonus cost is
    >= 0 when the scheme cannot pay negative amounts and the baseline pays no bonus. When the gross-profit
    uplift is exactly 0 in every replication (a scheme with no effect), the net gain is minus the incremental
    bonus cost, so it inherits that bound with the sign turned (never above 0 for a bonus on top of base pay).

    Args:
        per_rep: the per-replication economics table.
        scheme_nonnegative: the scheme never pays an agent a negative amount.
        baseline_nonnegative: the baseline scheme never does.
    """
    pos = (0.0, None)
    free = (None, None)
    r: dict[str, tuple[float | None, float | None]] = dict.fromkeys(ECONOMICS_CODES, free)
    for code in ("revenue_yuan", "cs_sales_yuan", "silent_orders_yuan", "baseline_revenue_yuan"):
        r[code] = pos
    if scheme_nonnegative:
        for code in ("bonus_cost_yuan", "cost_per_paid_order_yuan", "base_pay_yuan", "total_pay_yuan",
                     "pay_min_yuan", "pay_median_yuan", "pay_max_yuan"):
            r[code] = pos
    if baseline_nonnegative:
        r["baseline_bonus_cost_yuan"] = pos
    r["pay_gini"] = r["bonus_gini"] = (0.0, 1.0)
    no_baseline_bonus = bool((per_rep["baseline_bonus_cost_yuan"].fillna(0.0) == 0).all())
    if scheme_nonnegative and no_baseline_bonus:
        r["incremental_bonus_cost_yuan"] = pos
    gp = per_rep["gross_profit_uplift_yuan"].to_numpy(dtype=float)
    svc = per_rep["service_cost_yuan"].to_numpy(dtype=float) if "service_cost_yuan" in per_rep else np.zeros(len(gp))
    if len(gp) and np.all(gp == 0) and np.all(svc == 0):
        inc_lo, inc_hi = r["incremental_bonus_cost_yuan"]
        r["net_gain_yuan"] = (None if inc_hi is None else -inc_hi, None if inc_lo is None else -inc_lo)
    return r


def wilson_interval(successes: int, n: int, level: float = 0.90) -> dict[str, float | None]:
    """Share with a Wilson score interval (``{"mean", "lo", "hi"}``)."""
    if n == 0:
        return {"mean": None, "lo": None, "hi": None}
    p = successes / n
    z = norm_quantile((1 + level) / 2)
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return {"mean": p, "lo": max(0.0, centre - half), "hi": min(1.0, centre + half)}


def _wide(pay: pd.DataFrame | None) -> pd.DataFrame | None:
    if pay is None:
        return None
    if "component" in pay.columns:
        return pay_table(pay)
    return pay


def _per_rep_variable(wide: pd.DataFrame | None, reps: pd.Index) -> np.ndarray:
    """Variable pay (bonus cost) per replication, in the order of ``reps`` (0 for a rep without pay rows)."""
    if wide is None or wide.empty:
        return np.zeros(len(reps))
    g = wide["variable_yuan"].groupby(wide["rep"]).sum()  # pandas' sum, as the pay table's groupby was
    return g.reindex(reps).fillna(0.0).to_numpy(dtype=float)


_DIST_CODES = ("base_pay_yuan", "total_pay_yuan", "pay_min_yuan", "pay_median_yuan", "pay_max_yuan", "pay_gini",
               "bonus_gini")


def _pay_distribution(wide: pd.DataFrame | None, reps: pd.Index, extra_base: float,
                      n_agents: int | None) -> dict[str, np.ndarray]:
    """Per replication, the distribution of each agent's total pay (base + variable; ``extra_base``: the
    configured base salary of an agent the scheme pays no base) and of the variable pay."""
    out = {k: np.full(len(reps), np.nan) for k in _DIST_CODES}
    has = wide is not None and not wide.empty
    if has:
        rep_of = wide["rep"].to_numpy()
        pay = wide["pay_yuan"].to_numpy(dtype=float)
        base = wide["base_yuan"].to_numpy(dtype=float)
        var = wide["variable_yuan"].to_numpy(dtype=float)
    for i, r in enumerate(reps):
        rows = np.flatnonzero(rep_of == r) if has else np.array([], dtype=int)
        if len(rows):
            total = pay[rows] + np.where(base[rows] == 0, extra_base, 0.0)
            variable = var[rows]
        elif n_agents:
            total = np.full(n_agents, extra_base)
            variable = np.zeros(n_agents)
        else:
            total = variable = np.array([])
        out["base_pay_yuan"][i] = float(total.sum() - variable.sum())
        out["total_pay_yuan"][i] = float(total.sum())
        if len(total):
            out["pay_min_yuan"][i] = float(total.min())
            out["pay_median_yuan"][i] = float(np.median(total))
            out["pay_max_yuan"][i] = float(total.max())
            out["pay_gini"][i] = gini(total)
        if len(variable):
            out["bonus_gini"][i] = gini(variable)
    return out


def evaluate_economics(
    scheme_pay: pd.DataFrame,
    baseline_pay: pd.DataFrame | None,
    scheme_team_horizon: pd.DataFrame,
    baseline_team_horizon: pd.DataFrame,
    cfg: EconomicsConfig,
    days: float = 30.0,
    n_agents: int | None = None,
    *,
    scheme_nonnegative: bool = True,
    baseline_nonnegative: bool = True,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Economics of one scheme against the baseline, per replication and summarised.

    Args:
        scheme_pay: the scheme's :func:`model.schemes.pay_table` (or the long :func:`price_scheme` output).
        baseline_pay: the baseline scheme's pay, or None for base pay only (zero bonus cost).
        scheme_team_horizon: team_horizon of the scheme's run (``rep``, ``sales_yuan``, ``silent_orders_yuan``,
            ``paid_buyers``).
        baseline_team_horizon: team_horizon of the baseline's run on the same random numbers.
        cfg: economics settings.
        days: simulated horizon (prorates ``cfg.base_salary_yuan``).
        n_agents: team size, used for the pay distribution when the scheme pays nothing (empty pay table).
        scheme_nonnegative: the scheme cannot pay negative amounts (keeps pay intervals >= 0).
        baseline_nonnegative: the baseline scheme cannot pay negative amounts.

    Returns:
        ``(per_rep, summary)``: per_rep has one row per rep and the columns of :data:`ECONOMICS_CODES` plus
        ``net_loss``; summary maps every code to ``{"mean", "lo", "hi"}`` and ``p_net_loss`` to the share of
        replications with a negative net gain (Wilson interval). Differences with the baseline are taken per
        replication (the same random numbers) before the interval: a scheme with no effect has an uplift of
        exactly 0 and no interval.
    """
    tm = scheme_team_horizon.set_index("rep").sort_index()
    reps = tm.index
    nrep = len(reps)
    # the columns are numpy arrays, computed once and made into one frame at the end (per-scheme pandas
    # arithmetic, masks and concatenations cost about 20 ms a scheme); the same operations in the same order,
    # so the same floats
    rev = revenue_yuan(tm).reindex(reps).to_numpy(dtype=float)
    base_rev = revenue_yuan(baseline_team_horizon).reindex(reps).to_numpy(dtype=float)
    silent = (tm["silent_orders_yuan"].to_numpy(dtype=float) if "silent_orders_yuan" in tm.columns
              else np.zeros(nrep))
    wide = _wide(scheme_pay)
    bonus = _per_rep_variable(wide, reps)
    base_bonus = _per_rep_variable(_wide(baseline_pay), reps)
    uplift = rev - base_rev
    gp = uplift * cfg.gross_margin_share
    inc = bonus - base_bonus
    bad = (tm["bad_ratings"].to_numpy(dtype=float) - baseline_team_horizon.set_index("rep")["bad_ratings"]
           .reindex(reps).to_numpy(dtype=float)
           if "bad_ratings" in tm.columns and "bad_ratings" in baseline_team_horizon.columns else np.zeros(nrep))
    svc = service_cost_yuan(cfg, np.nan_to_num(bad))
    net = net_gain_yuan(cfg, uplift, inc, np.nan_to_num(bad))
    paid = tm["paid_buyers"].to_numpy(dtype=float) if "paid_buyers" in tm.columns else np.full(nrep, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        cols: dict[str, np.ndarray] = {
            "revenue_yuan": rev,
            "cs_sales_yuan": tm["sales_yuan"].to_numpy(dtype=float),
            "silent_orders_yuan": silent,
            "baseline_revenue_yuan": base_rev,
            "uplift_yuan": uplift,
            "gross_profit_uplift_yuan": gp,
            "bonus_cost_yuan": bonus,
            "baseline_bonus_cost_yuan": base_bonus,
            "incremental_bonus_cost_yuan": inc,
            "service_cost_yuan": svc,
            "net_gain_yuan": net,
            "roi": np.where(inc >= ROI_MIN_COST_YUAN, net / np.where(inc >= ROI_MIN_COST_YUAN, inc, 1.0), np.nan),
            "payout_share_of_incremental_profit": np.where(gp > 0, inc / np.where(gp > 0, gp, 1.0), np.nan),
            "cost_per_paid_order_yuan": np.where(paid > 0, bonus / np.where(paid > 0, paid, 1.0), np.nan),
        }
    cols.update(_pay_distribution(wide, reps, cfg.base_salary_yuan * days / MONTH_DAYS, n_agents))
    cols["net_loss"] = (net < 0).astype(int)
    out = pd.DataFrame(cols, index=reps)
    ranges = economics_ranges(out, scheme_nonnegative=scheme_nonnegative, baseline_nonnegative=baseline_nonnegative)
    summary: dict[str, Any] = {code: t_interval(cols[code], cfg.interval_level, lo=ranges[code][0], hi=ranges[code][1])
                               for code in ECONOMICS_CODES}
    summary["p_net_loss"] = wilson_interval(int(cols["net_loss"].sum()), nrep, cfg.interval_level)
    return out.reset_index(), summary
