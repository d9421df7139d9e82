"""Calibration: an imported history -> a calibrated scenario (the estimators are :mod:`model.history.estimators`,
the TOML writer :mod:`model.history.scenario_toml`, the fit report :mod:`model.history.fit`).

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

import math
import tomllib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model.edits import with_edits
from model.history.estimators import intraday_profile, shrink_conversion, shrink_mean, weekday_factors
from model.history.scenario_toml import scenario_toml
from model.history.sums import available_codes, kpi_sums, kpis
from model.history.validate import History, volume_column
from model.schema import Scenario, scenario_from_dict


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
        lat = base.agents.reaction_latency
        if lat.mean_s > 0:  # the template splits a response into reaction latency and typing: keep its split
            f = guess / (base.agents.reply_time.mean_s + lat.mean_s)
            ch["agents.reply_time.mean_s"] = round(float(np.clip(base.agents.reply_time.mean_s * f, 1.0, 3600.0)), 2)
            ch["agents.reaction_latency.mean_s"] = round(float(np.clip(lat.mean_s * f, 0.5, 3600.0)), 2)
            src["agents.reaction_latency.mean_s"] = (
                "the template's reaction latency, scaled with the typing time (the export cannot split them)")
        else:
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
        if key == "agents.reply_time.mean_s" and s.agents.reaction_latency.mean_s > 0:  # latency scales with typing
            ch["agents.reaction_latency.mean_s"] = round(float(np.clip(
                s.agents.reaction_latency.mean_s * hist / sim, 0.5, 3600.0)), 5)
    return with_edits(s, ch) if ch else s


def _get(s: Scenario, key: str) -> float:
    x: Any = s
    for part in key.split("."):
        x = getattr(x, part)
    return float(x)
