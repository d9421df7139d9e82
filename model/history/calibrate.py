"""Calibration: an imported history -> an editable scenario TOML with comments saying where each value came from,
and the fit report (simulated against historical KPIs, per agent and team, with intervals).

Method (docs/history.md has the equations and sources):

* Volume: ``traffic.inquiries_per_day`` = inquiries / days; weekday factors = mean daily inquiries on that
  weekday / mean daily inquiries, normalised so that they average 1 over the export's days; intraday profile =
  inquiries per hour of day (hourly exports only); after-sale chats per day when the export has them.
* Conversion per agent: beta-binomial empirical Bayes. Paying buyers y_i of n_i inquirers ~ BetaBinomial(n_i, a,
  b); (a, b) by maximum likelihood (scipy), started from the method of moments; the agent's rate is the
  posterior mean (y_i + a) / (n_i + a + b), i.e. the raw rate moved toward the team mean a / (a + b) by the
  weight (a + b) / (n_i + a + b): an agent with 20 inquirers moves most of the way, one with 3,000 barely.
* Order value per agent: normal-normal empirical Bayes on the agent's mean order value with sampling variance
  sigma^2 / paid_i (sigma from the day-to-day spread), between-agent variance by the method of moments.
* Reply speed per agent: the agent's average response time / the team's (not shrunk: averages of hundreds of
  replies).
* Team levels (base conversion, base order value, typing time) are then corrected on a short simulation of the
  calibrated scenario (method of simulated moments, fixed-point steps: value *= historical / simulated), because
  the model's base conversion is "when answered promptly" and response time includes waiting behind other chats.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import tomli_w
from scipy import optimize, stats

from model.edits import with_edits
from model.history.sums import available_codes, kpi_sums, kpis
from model.history.validate import History, volume_column
from model.kpi import interval
from model.scenario import Scenario, scenario_from_dict

#: KPIs the fit report compares (when the export has them); counts are compared per day.
FIT_CODES = ("inquiries", "paid_buyers", "sales_yuan", "inquiry_conversion", "aov_yuan", "avg_response_s",
             "first_response_s", "three_min_reply_rate", "reply_rate", "good_rating_rate")
PER_DAY = ("inquiries", "paid_buyers", "sales_yuan", "receptions")


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


# ----------------------------------------------------------------------------------------- calibration
@dataclass
class Calibration:
    """A calibrated scenario with its provenance.

    Attributes:
        scenario: the validated scenario.
        toml: the scenario as TOML text with comments (loads with :func:`model.scenario.load_scenario`).
        agents: per agent: name, inquiries, paid, raw and shrunk conversion, shrink weight, factors.
        sources: dotted key -> where its value came from (English; the TOML carries zh and en).
        history: the imported history.
    """

    scenario: Scenario
    toml: str
    agents: pd.DataFrame
    sources: dict[str, str] = field(default_factory=dict)
    history: History | None = None


def _template() -> Scenario:
    return scenario_from_dict({
        "meta": {"replications": 5},
        "traffic": {"intraday_profile": "ecommerce", "open_hours": [8, 24]},
        "agents": {"reply_time": {"dist": "lognormal", "mean_s": 15.0, "cv": 0.8}},
        "kpi": {"reply_window_h": [8, 24]},
    }, file="<calibration template>")


def agent_estimates(h: History, aov_cv: float) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per-agent conversion, order value and reply-speed estimates (shrunk), and team levels."""
    s = kpi_sums(h, ["agent"]).reindex(h.agents)
    k = kpis(h, ["agent"]).set_index("agent").reindex(h.agents)
    avail = available_codes(h)
    inq = s["inquiries"].to_numpy(float)
    paid = s["paid_buyers"].to_numpy(float)
    team = kpis(h, []).iloc[0]
    out = pd.DataFrame({"name": h.agents, "inquiries": inq})
    levels: dict[str, float] = {}
    if "inquiry_conversion" in avail:
        cs = shrink_conversion(paid, inq)
        wmean = float(np.sum(cs.shrunk * inq) / max(np.sum(inq), 1e-9))
        out["paid_buyers"] = paid
        out["conversion_raw"] = cs.raw
        out["conversion_shrunk"] = cs.shrunk
        out["conversion_weight"] = cs.weight
        out["conversion_factor"] = cs.shrunk / wmean
        levels.update(conversion=float(team["inquiry_conversion"]), conv_prior_strength=cs.prior_strength)
    if "aov_yuan" in avail:
        sales = s["sales_yuan"].to_numpy(float)
        means = np.where(paid > 0, sales / np.where(paid > 0, paid, 1), np.nan)
        sigma, cv = _order_sigma(h, means, float(team["aov_yuan"]), aov_cv)
        ms = shrink_mean(means, paid, sigma)
        out["aov_raw"] = means
        out["aov_shrunk"] = ms.shrunk
        out["aov_weight"] = ms.weight
        out["aov_factor"] = ms.shrunk / ms.prior_mean
        levels.update(aov=float(team["aov_yuan"]), aov_cv=cv)
    if "avg_response_s" in avail:
        r = k["avg_response_s"].to_numpy(float)
        ok = np.isfinite(r)
        mean = float(np.mean(r[ok])) if ok.any() else float("nan")
        out["avg_response_s"] = r
        out["reply_time_factor"] = np.where(ok, r / mean, 1.0)
        levels.update(avg_response_s=float(team["avg_response_s"]))
    if "good_rating_rate" in avail:
        levels.update(good_rating_rate=float(team["good_rating_rate"]))
    if "first_response_s" in avail:
        levels.update(first_response_s=float(team["first_response_s"]))
    return out, levels


def _order_sigma(h: History, agent_means: np.ndarray, team_aov: float, default_cv: float) -> tuple[float, float]:
    """Per-order sd of order value from the day-to-day spread of each agent's daily order value.

    Var(daily mean) = sigma^2 / paid that day, so sigma^2 = sum_d paid_d (aov_d - aov_agent)^2 / (days - agents).
    Falls back to ``default_cv`` x team AOV when there are too few agent-days.
    """
    s = kpi_sums(h, ["agent", "date"])
    paid = s["paid_buyers"].to_numpy(float)
    sales = s["sales_yuan"].to_numpy(float)
    means = dict(zip(h.agents, agent_means, strict=True))
    mu = np.array([means[a] for a in s.index.get_level_values("agent")])
    ok = (paid > 0) & np.isfinite(mu)
    dof = int(ok.sum()) - len(h.agents)
    if dof < 10:
        return default_cv * team_aov, default_cv
    var = float(np.sum(paid[ok] * (sales[ok] / paid[ok] - mu[ok]) ** 2) / dof)
    cv = float(np.clip(math.sqrt(var) / team_aov, 0.05, 3.0))
    return cv * team_aov, cv


def calibrate(h: History, template: Scenario | None = None, *, refine_steps: int = 2, refine_days: int = 7,
              refine_reps: int = 2) -> Calibration:
    """Calibrate a scenario to an imported history.

    Args:
        h: the imported history.
        template: scenario whose other settings (customers, KPI options, economics, schemes, ...) are kept;
            default: the built-in Taobao-like defaults (8:00-24:00, e-commerce day profile).
        refine_steps: fixed-point correction steps on a short simulation (0 = moment estimates only).
        refine_days: days simulated per step (at most the history's days).
        refine_reps: replications per step.

    Returns:
        The calibration (scenario, TOML text with comments, per-agent estimates).
    """
    from model.simulate import simulate  # the engine is only needed for the correction steps

    base = template or _template()
    est, lv = agent_estimates(h, base.outcomes.aov_cv)
    D = h.days
    totals = kpi_sums(h, []).iloc[0]
    src: dict[str, str] = {}
    ch: dict[str, Any] = {}
    name = h.name.replace("\\", "/").split("/")[-1]
    ch["meta.name"] = f"{name} · 校准 calibrated"
    ch["meta.description"] = (f"Calibrated from {name}: {min(h.data['date'])} to {max(h.data['date'])}, "
                              f"{len(h.agents)} agents.")
    ch["meta.days"] = D
    ch["meta.start_weekday"] = min(h.data["date"]).weekday()
    src["meta.days"] = f"days from the first to the last date in the export ({D})"
    src["meta.start_weekday"] = f"weekday of the first date ({min(h.data['date'])})"
    per_day = float(totals["inquiries"]) / D
    ch["traffic.inquiries_per_day"] = round(per_day, 2)
    src["traffic.inquiries_per_day"] = (f"{volume_column(h)} {float(totals['inquiries']):,.0f} / {D} days"
                                        + ("" if h.has("inquiries") else " (no 询单人数 column: receptions used)"))
    ch["traffic.weekday_factors"] = weekday_factors(h)
    src["traffic.weekday_factors"] = "mean daily inquiries per weekday / mean daily inquiries (average 1)"
    if h.has("aftersale_chats"):
        ch["traffic.aftersale_per_day"] = round(float(totals["aftersale_chats"]) / D, 2)
        src["traffic.aftersale_per_day"] = "售后接待人数 / days"
    else:
        ch["traffic.aftersale_per_day"] = 0.0
        src["traffic.aftersale_per_day"] = "not in the export: 0 (add after-sale chats by hand if your team has them)"
    prof = intraday_profile(h)
    if prof is not None:
        ch["traffic.intraday_profile"] = prof
        hours = [i for i, w in enumerate(prof) if w > 0]
        ch["traffic.open_hours"] = [float(hours[0]), float(hours[-1] + 1)]
        src["traffic.intraday_profile"] = "share of inquiries per hour of day (hourly export)"
        src["traffic.open_hours"] = "first and last hour with inquiries"
    else:
        src["traffic.intraday_profile"] = f"not in the export (daily data): kept '{base.traffic.intraday_profile}'" \
            if isinstance(base.traffic.intraday_profile, str) else "not in the export: kept the template's profile"
    ch["traffic.promo_days"] = []
    n = len(h.agents)
    ch["agents.count"] = n
    src["agents.count"] = "agents in the export"
    if base.agents.shifts and sum(x.agents for x in base.agents.shifts) != n:
        src["agents.shifts"] = ("not in the export: the template's shifts, re-spread over the export's agents in "
                                "proportion (edit [[agents.shifts]] to match your rota)")
    indiv = []
    for _, r in est.iterrows():
        spec: dict[str, Any] = {"name": str(r["name"])}
        for col in ("conversion_factor", "aov_factor", "reply_time_factor"):
            if col in est.columns and np.isfinite(r[col]):
                spec[col] = round(float(np.clip(r[col], 0.05, 4.9)), 4)
        indiv.append(spec)
    ch["agents.individual"] = indiv
    if "conversion" in lv:
        ch["outcomes.base_inquiry_conversion"] = round(float(np.clip(lv["conversion"], 1e-4, 1.0)), 5)
        src["outcomes.base_inquiry_conversion"] = (f"team conversion {lv['conversion']:.2%} (paid buyers / inquirers), "
                                                   "then corrected for waiting losses on a short simulation")
    if "aov" in lv:
        ch["outcomes.base_aov_yuan"] = round(lv["aov"], 2)
        ch["outcomes.aov_cv"] = round(lv["aov_cv"], 3)
        src["outcomes.base_aov_yuan"] = f"team sales / paid buyers = {lv['aov']:.2f}, then corrected on a simulation"
        src["outcomes.aov_cv"] = "per-order spread from the day-to-day spread of each agent's order value"
    t = kpis(h, []).iloc[0]
    if np.isfinite(t.get("payment_rate", np.nan)) and t["payment_rate"] > 0:
        ch["outcomes.payment_rate"] = round(float(min(t["payment_rate"], 1.0)), 4)
        src["outcomes.payment_rate"] = "paid buyers / orderers (team)"
    if "avg_response_s" in lv:
        slow = base.agents.concurrency_slowdown
        guess = lv["avg_response_s"] / (slow[min(len(slow), base.agents.max_concurrent_chats) - 1])
        ch["agents.reply_time.mean_s"] = round(float(np.clip(guess, 1.0, 3600.0)), 2)
        src["agents.reply_time.mean_s"] = (f"set so the simulated average response matches the export's "
                                           f"{lv['avg_response_s']:.1f} s (it includes waiting behind other chats)")
    if "good_rating_rate" in lv:
        ch["outcomes.satisfied_base"] = round(float(np.clip(lv["good_rating_rate"], 0.01, 1.0)), 4)
        src["outcomes.satisfied_base"] = (f"set so the simulated good-rating rate matches the export's "
                                          f"{lv['good_rating_rate']:.1%} (P(satisfied) when answered promptly)")
    s = with_edits(base, ch, notices=[])
    for _ in range(max(0, refine_steps)):
        s = _refine(s, h, lv, simulate, refine_days, refine_reps)
    ag = est.copy()
    text = scenario_toml(s, base, src, est, h)
    check = scenario_from_dict(tomllib.loads(text), file="<calibrated scenario>")
    return Calibration(scenario=check, toml=text, agents=ag, sources=src, history=h)


def _refine(s: Scenario, h: History, lv: dict[str, float], simulate: Any, days: int, reps: int) -> Scenario:
    """One fixed-point step: value *= historical / simulated for conversion, order value and response time."""
    short = with_edits(s, {"meta.days": int(min(days, s.meta.days)), "meta.replications": int(reps)}, notices=[])
    team = simulate(short).table()
    ch: dict[str, Any] = {}
    for key, code, hist, lo, hi in (("outcomes.base_inquiry_conversion", "inquiry_conversion", lv.get("conversion"),
                                     1e-4, 1.0),
                                    ("outcomes.base_aov_yuan", "aov_yuan", lv.get("aov"), 0.01, 1e6),
                                    ("agents.reply_time.mean_s", "avg_response_s", lv.get("avg_response_s"), 0.5,
                                     3600.0),
                                    ("outcomes.satisfied_base", "good_rating_rate", lv.get("good_rating_rate"), 0.01,
                                     1.0)):
        if hist is None or not np.isfinite(hist):
            continue
        sim = float(team[code].mean())
        if not np.isfinite(sim) or sim <= 0:
            continue
        cur = _get(s, key)
        ch[key] = round(float(np.clip(cur * hist / sim, lo, hi)), 5)
    return with_edits(s, ch) if ch else s


def _get(s: Scenario, key: str) -> float:
    x: Any = s
    for part in key.split("."):
        x = getattr(x, part)
    return float(x)


# ------------------------------------------------------------------------------------------------ TOML
def _val(v: Any) -> str:
    """A TOML value on one line (inline tables for dicts)."""
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_val(x)}" for k, x in v.items() if x is not None) + " }"
    if isinstance(v, list) and v and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v):
        return "[" + ", ".join(_val(x) for x in v) + "]"
    return tomli_w.dumps({"v": v}).strip()[4:]


def _clean(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    return x


def scenario_toml(s: Scenario, template: Scenario, src: dict[str, str], est: pd.DataFrame, h: History) -> str:
    """The calibrated scenario as commented TOML: calibrated keys say where they came from, the rest is the
    template's (only the keys the template file set; every other key keeps its documented default)."""
    d = s.model_dump(mode="json")
    t = _clean(template.model_dump(mode="json", exclude_unset=True))
    skipped = h.report.skipped_rows
    L: list[str] = [
        f"# 由历史数据校准 Calibrated from the KPI export {h.name} ({min(h.data['date'])} .. {max(h.data['date'])},",
        f"# {len(h.agents)} 名客服 agents, {len(h.data)} rows) by `python -m model calibrate` on {dt.date.today()}.",
        "# Every calibrated value says where it came from; edit freely (docs/scenario.md lists every key).",
    ]
    if skipped:
        L.append(f"# 注意 NOTE: rows {', '.join(map(str, skipped[:30]))} of the export had problems and were skipped.")
    for note in h.notes("en"):
        L.append(f"# {note}")

    def sect(name: str, keys: list[str], extra: dict[str, Any] | None = None) -> None:
        L.append("")
        L.append(f"[{name}]")
        done = set()
        for k in keys:
            full = f"{name}.{k}"
            val = d[name][k] if "." not in k else d[name][k.split(".")[0]][k.split(".")[1]]
            if full in src:
                L.append(f"# {src[full]}")
            L.append(f"{k} = {_val(val)}")
            done.add(k.split(".")[0])
        for k, v in (extra or {}).items():
            if k not in done and (not isinstance(v, list | dict) or _inline_ok(v)):
                L.append(f"{k} = {_val(d[name][k])}")

    sect("meta", ["name", "description", "days", "start_weekday", "seed", "replications"])
    L.append("")
    L.append("[shop]")
    L.append(f"name = {_val(d['shop']['name'])}")
    L.append(f"platform = {_val(d['shop']['platform'])}")
    tkeys = ["inquiries_per_day", "aftersale_per_day", "intraday_profile", "weekday_factors", "open_hours"]
    sect("traffic", tkeys, t.get("traffic"))
    akeys = ["count", "max_concurrent_chats", "reply_time", "concurrency_slowdown", "lines_per_reply", "routing"]
    if "agents.reply_time.mean_s" in src:
        src["agents.reply_time"] = "mean_s " + src.pop("agents.reply_time.mean_s")
    sect("agents", akeys)
    if "agents.shifts" in src:
        L.append(f"# {src['agents.shifts']}")
    for sh in d["agents"]["shifts"]:
        L.append("")
        L.append("[[agents.shifts]]")
        for k, v in sh.items():
            if v is not None:  # weekdays / days unset: every day
                L.append(f"{k} = {_val(v)}")
    by_name = est.set_index("name")
    L.append("")
    L.append("# 每名客服的技能：转化率按 beta-二项经验贝叶斯向团队均值收缩（询单少的客服不会被当成明星）")
    L.append("# Per-agent skill: conversion shrunk toward the team mean (beta-binomial empirical Bayes), order value")
    L.append("# shrunk (normal empirical Bayes), reply speed = the agent's average response / the team's.")
    for spec in d["agents"]["individual"]:
        r = by_name.loc[spec["name"]]
        L.append("")
        L.append("[[agents.individual]]")
        bits = [f"{r['inquiries']:,.0f} inquiries"]
        if "conversion_raw" in r.index and np.isfinite(r["conversion_raw"]):
            bits.append(f"conversion {r['conversion_raw']:.1%} -> {r['conversion_shrunk']:.1%} "
                        f"(moved {r['conversion_weight']:.0%} toward the team mean)")
        if "aov_raw" in r.index and np.isfinite(r["aov_raw"]):
            bits.append(f"order value {r['aov_raw']:.1f} -> {r['aov_shrunk']:.1f}")
        L.append(f"# {'; '.join(bits)}")
        for k in ("name", "conversion_factor", "aov_factor", "reply_time_factor", "tenure_months", "night_shifts",
                  "role"):
            if k in ("tenure_months", "night_shifts", "role") and k not in _listed(template, spec["name"]):
                continue
            L.append(f"{k} = {_val(spec[k])}")
    okeys = [k for k in ("base_inquiry_conversion", "base_aov_yuan", "aov_cv", "payment_rate", "satisfied_base")
             if k in t.get("outcomes", {}) or f"outcomes.{k}" in src]
    missing = [k for k, code in (("base_inquiry_conversion", "inquiry_conversion"), ("base_aov_yuan", "aov_yuan"))
               if f"outcomes.{k}" not in src]
    if missing:
        src["outcomes"] = (f"not in the export: {', '.join(missing)} keep the template's value or the documented "
                           "default (docs/scenario.md); set them by hand")
    sect("outcomes", okeys, t.get("outcomes"))
    if "outcomes" in src:
        L.insert(L.index("[outcomes]") + 1, f"# {src['outcomes']}")
    body = "\n".join(L) + "\n"
    rest = {k: t[k] for k in ("customers", "kpi", "behaviour", "economics") if k in t}
    if rest:
        body += "\n# 以下设置来自模板场景（导出中没有）/ the settings below come from the template scenario\n"
        body += tomli_w.dumps(rest)
    if t.get("schemes"):
        body += "\n# 奖金方案（来自模板场景）/ bonus schemes (from the template scenario)\n"
        body += tomli_w.dumps({"schemes": t["schemes"]})
    return body


def _inline_ok(v: Any) -> bool:
    return isinstance(v, list) and all(not isinstance(x, dict | list) for x in v)


def _listed(template: Scenario, name: str) -> set[str]:
    for a in template.agents.individual:
        if a.name == name:
            return set(a.model_fields_set)
    return set()


# ---------------------------------------------------------------------------------------------- fit report
def fit_report(s: Scenario, h: History, *, replications: int = 3, days: int | None = None,
               level: float = 0.95) -> dict[str, pd.DataFrame]:
    """Simulated against historical KPIs, per agent and team.

    The interval is a prediction interval for one month like the history, mean +- t * sd * sqrt(1 + 1/n)
    over the replications (the history is one realisation, not a mean); counts and sales are compared per day.

    Args:
        s: the (calibrated) scenario; agents are matched to the history's agents by position (the calibrated
            scenario lists them in the export's order).
        h: the history.
        replications: replications simulated.
        days: days simulated (default: the scenario's).
        level: interval level.

    Returns:
        ``{"team": frame, "agents": frame}`` with columns [agent, name,] code, history, sim_mean, lo, hi, match.
    """
    from model.simulate import simulate

    run = with_edits(s, {"meta.replications": int(replications), **({"meta.days": int(days)} if days else {})},
                     notices=[])
    res = simulate(run)
    sim_days = run.meta.days
    avail = available_codes(h)
    codes = [c for c in FIT_CODES if c in avail]
    hist_team = kpis(h, []).iloc[0]
    team_sim = res.table()
    rows = [_fit_row(c, hist_team[c], team_sim[c].to_numpy(float), h.days, sim_days, level) for c in codes]
    team = pd.DataFrame(rows)
    hk = kpis(h, ["agent"]).set_index("agent")
    sa = res.table(by_agent=True)
    arows = []
    for i, name in enumerate(h.agents):
        sim_a = sa[sa["agent"] == i]
        for c in codes:
            r = _fit_row(c, hk.at[name, c], sim_a[c].to_numpy(float), h.days, sim_days, level)
            arows.append({"agent": i, "name": name, **r})
    return {"team": team, "agents": pd.DataFrame(arows)}


def _fit_row(code: str, hist: float, sim: np.ndarray, hist_days: int, sim_days: int, level: float) -> dict[str, Any]:
    per_day = code in PER_DAY
    hv = float(hist) / hist_days if per_day else float(hist)
    sv = sim / sim_days if per_day else sim
    sv = sv[np.isfinite(sv)]
    iv = interval(sv, level)
    lo = hi = None
    if iv["lo"] is not None:
        half = (iv["hi"] - iv["mean"]) * math.sqrt(len(sv) + 1)  # sd/sqrt(n) -> sd*sqrt(1+1/n)
        lo, hi = iv["mean"] - half, iv["mean"] + half
    match = None if lo is None or not np.isfinite(hv) else bool(lo <= hv <= hi)
    return {"code": code, "per_day": per_day, "history": hv if np.isfinite(hv) else None, "sim_mean": iv["mean"],
            "lo": lo, "hi": hi, "match": match}
