"""evaluate_economics on numpy arrays equals the pandas version it replaced (kept here as the oracle), to the
last bit: the per-replication frame and the summary, on random pay and KPI frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.clock import MONTH_DAYS
from model.economics import (
    ECONOMICS_CODES,
    ROI_MIN_COST_YUAN,
    economics_ranges,
    evaluate_economics,
    gini,
    t_interval,
    wilson_interval,
)
from model.schema import EconomicsConfig
from model.schemes.pricing import pay_table, revenue_yuan


def _old_wide(pay):
    if pay is None:
        return None
    if "component" in pay.columns:
        return pay_table(pay)
    return pay


def _old_per_rep_pay(wide, reps):
    if wide is None or wide.empty:
        return pd.DataFrame({"variable_yuan": 0.0, "base_yuan": 0.0}, index=reps)
    g = wide.groupby("rep")[["variable_yuan", "base_yuan"]].sum()
    return g.reindex(reps).fillna(0.0)


def old_evaluate_economics(scheme_pay, baseline_pay, scheme_team_horizon, baseline_team_horizon, cfg, days=30.0,
                           n_agents=None, *, scheme_nonnegative=True, baseline_nonnegative=True):
    """The pandas version (model/economics.py before the numpy one), verbatim but for the service cost (issue 20:
    ``bad_rating_cost_yuan`` per extra neutral or disappointed rating, added to both at once)."""
    tm = scheme_team_horizon.set_index("rep").sort_index()
    reps = tm.index
    rev = revenue_yuan(tm).reindex(reps)
    base_rev = revenue_yuan(baseline_team_horizon).reindex(reps)
    silent = tm["silent_orders_yuan"] if "silent_orders_yuan" in tm.columns else pd.Series(0.0, index=reps)
    wide = _old_wide(scheme_pay)
    pay = _old_per_rep_pay(wide, reps)
    base_pay = _old_per_rep_pay(_old_wide(baseline_pay), reps)
    uplift = rev - base_rev
    gp = uplift * cfg.gross_margin_share
    bonus = pay["variable_yuan"].reindex(reps)
    base_bonus = base_pay["variable_yuan"].reindex(reps)
    inc = bonus - base_bonus
    if "bad_ratings" in tm.columns and "bad_ratings" in baseline_team_horizon.columns:
        bad = (tm["bad_ratings"].astype(float)
               - baseline_team_horizon.set_index("rep")["bad_ratings"].reindex(reps).astype(float)).fillna(0.0)
    else:
        bad = pd.Series(0.0, index=reps)
    svc = cfg.bad_rating_cost_yuan * bad
    net = gp - inc - svc
    paid = tm["paid_buyers"].astype(float) if "paid_buyers" in tm.columns else pd.Series(np.nan, index=reps)
    out = pd.DataFrame({
        "revenue_yuan": rev,
        "cs_sales_yuan": tm["sales_yuan"].astype(float),
        "silent_orders_yuan": silent.astype(float),
        "baseline_revenue_yuan": base_rev,
        "uplift_yuan": uplift,
        "gross_profit_uplift_yuan": gp,
        "bonus_cost_yuan": bonus,
        "baseline_bonus_cost_yuan": base_bonus,
        "incremental_bonus_cost_yuan": inc,
        "service_cost_yuan": svc,
        "net_gain_yuan": net,
        "roi": np.where(inc >= ROI_MIN_COST_YUAN, net / inc.where(inc >= ROI_MIN_COST_YUAN, 1.0), np.nan),
        "payout_share_of_incremental_profit": np.where(gp > 0, inc / gp.where(gp > 0, 1.0), np.nan),
        "cost_per_paid_order_yuan": np.where(paid > 0, bonus / paid.where(paid > 0, 1.0), np.nan),
    }, index=reps)
    extra_base = cfg.base_salary_yuan * days / MONTH_DAYS
    dist = []
    for r in reps:
        if wide is not None and not wide.empty and (wide["rep"] == r).any():
            w = wide[wide["rep"] == r]
            total = (w["pay_yuan"] + np.where(w["base_yuan"] == 0, extra_base, 0.0)).to_numpy()
            variable = w["variable_yuan"].to_numpy()
        elif n_agents:
            total = np.full(n_agents, extra_base)
            variable = np.zeros(n_agents)
        else:
            total = variable = np.array([])
        dist.append({
            "base_pay_yuan": float(total.sum() - variable.sum()),
            "total_pay_yuan": float(total.sum()),
            "pay_min_yuan": float(total.min()) if len(total) else np.nan,
            "pay_median_yuan": float(np.median(total)) if len(total) else np.nan,
            "pay_max_yuan": float(total.max()) if len(total) else np.nan,
            "pay_gini": gini(total) if len(total) else np.nan,
            "bonus_gini": gini(variable) if len(variable) else np.nan,
        })
    out = pd.concat([out, pd.DataFrame(dist, index=reps)], axis=1)
    out["net_loss"] = (out["net_gain_yuan"] < 0).astype(int)
    ranges = economics_ranges(out, scheme_nonnegative=scheme_nonnegative, baseline_nonnegative=baseline_nonnegative)
    summary = {code: t_interval(out[code], cfg.interval_level, lo=ranges[code][0], hi=ranges[code][1])
               for code in ECONOMICS_CODES}
    summary["p_net_loss"] = wilson_interval(int(out["net_loss"].sum()), len(out), cfg.interval_level)
    return out.reset_index(), summary


def _long(rng, reps, n_agents, comps, *, negative=False, missing=0.0):
    """A random long pay table (price_scheme's output): base and variable components, some NaN amounts,
    some (rep, agent) cells without rows."""
    rows = []
    for r in reps:
        for a in range(n_agents):
            if rng.random() < missing:
                continue
            for j, kind in enumerate(comps):
                y = float(rng.gamma(2.0, 800.0)) * (rng.choice([-1, 1]) if negative else 1)
                if rng.random() < 0.05:
                    y = np.nan
                if kind == "base" and rng.random() < 0.3:
                    y = 0.0
                rows.append({"rep": r, "agent": a, "component": f"c{j}", "type": "x", "kind": kind,
                             "yuan": round(y, int(rng.integers(0, 4))) if np.isfinite(y) else y})
    return pd.DataFrame(rows, columns=["rep", "agent", "component", "type", "kind", "yuan"])


def _team(rng, reps, *, silent=True, paid=True, shuffle=False):
    t = pd.DataFrame({"rep": list(reps), "sales_yuan": rng.gamma(5.0, 2e5, len(reps))})
    if silent:
        t["silent_orders_yuan"] = rng.gamma(2.0, 1e4, len(reps))
    if paid:
        t["paid_buyers"] = rng.integers(0, 3, len(reps)) * rng.integers(0, 2000, len(reps))
    if rng.random() < 0.7:
        t["bad_ratings"] = rng.integers(0, 500, len(reps)).astype(float)
    for k in range(5):  # the KPI columns of a team table the economics do not read
        t[f"kpi_{k}"] = rng.random(len(reps))
    return t.sample(frac=1.0, random_state=int(rng.integers(1 << 30))) if shuffle else t


def _same(old, new):
    pd.testing.assert_frame_equal(old[0], new[0], check_exact=True)
    a, b = old[0].to_numpy(dtype=float), new[0].to_numpy(dtype=float)
    assert np.array_equal(a, b, equal_nan=True)  # bit for bit (no tolerance)
    assert old[1] == new[1]


@pytest.mark.parametrize("seed", range(40))
def test_numpy_economics_equal_the_pandas_version(seed):
    rng = np.random.default_rng(seed)
    nrep = int(rng.integers(1, 8))
    reps = range(nrep)
    n_agents = int(rng.integers(1, 14))
    comps = list(rng.choice(["base", "variable"], int(rng.integers(1, 5))))
    long = _long(rng, reps, n_agents, comps, negative=bool(rng.random() < 0.3), missing=0.1 * rng.random())
    base = None if rng.random() < 0.3 else _long(rng, reps, n_agents, ["variable"])
    same_team = rng.random() < 0.2  # a scheme with no effect: uplift exactly 0
    tm = _team(rng, reps, silent=bool(rng.random() < 0.8), paid=bool(rng.random() < 0.8),
               shuffle=bool(rng.random() < 0.5))
    btm = tm.copy() if same_team else _team(rng, reps, shuffle=bool(rng.random() < 0.5))
    cfg = EconomicsConfig(gross_margin_share=float(rng.uniform(0.05, 0.6)),
                          base_salary_yuan=float(rng.choice([0.0, 3000.0, 4321.5])),
                          interval_level=float(rng.choice([0.8, 0.9, 0.95])),
                          bad_rating_cost_yuan=float(rng.choice([0.0, 30.0, 77.7])))
    kw = dict(days=float(rng.choice([1.0, 7.0, 30.0, 45.0])), n_agents=n_agents,
              scheme_nonnegative=bool(rng.random() < 0.7), baseline_nonnegative=bool(rng.random() < 0.7))
    wide = bool(rng.random() < 0.5)  # the wide pay table or the long one
    sp = pay_table(long) if wide else long
    bp = (pay_table(base) if wide else base) if base is not None else None
    _same(old_evaluate_economics(sp, bp, tm, btm, cfg, **kw), evaluate_economics(sp, bp, tm, btm, cfg, **kw))


def test_numpy_economics_equal_the_pandas_version_without_pay_rows():
    rng = np.random.default_rng(7)
    empty = pd.DataFrame(columns=["rep", "agent", "component", "type", "kind", "yuan"])
    tm, btm = _team(rng, range(3)), _team(rng, range(3))
    for n_agents in (None, 0, 4):
        for cfg in (EconomicsConfig(), EconomicsConfig(base_salary_yuan=3000)):
            _same(old_evaluate_economics(empty, None, tm, btm, cfg, n_agents=n_agents),
                  evaluate_economics(empty, None, tm, btm, cfg, n_agents=n_agents))
    # pay rows for some replications only, and a baseline missing a replication of the scheme's run
    long = _long(rng, [0, 2], 3, ["variable", "base"])
    _same(old_evaluate_economics(long, long, tm, btm.iloc[:2], EconomicsConfig(), n_agents=3),
          evaluate_economics(long, long, tm, btm.iloc[:2], EconomicsConfig(), n_agents=3))
