"""Next month's inquiries: a daily forecast with prediction intervals, an hourly split, and a back-test.

Method (docs/plan.md):

1. **Day labels.** Every history and forecast date is labelled with the shop's event covering it (``[calendar]``),
   else China's public holiday or working weekend (调休, from ``chinesecalendar``), else nothing.
2. **Uplifts from the past.** For a labelled history date, the baseline is the median of unlabelled days of the
   same weekday within three weeks; the day's ratio = actual / baseline. A label's uplift is the geometric mean
   of its days' ratios (an event named in the calendar with an uplift keeps the given one).
3. **Seasonal model.** The history, divided by those uplifts, is modelled on the log scale by exponential
   smoothing with weekly seasonality (statsmodels ``ETSModel``: additive error, additive weekly season, no trend
   or an additive damped trend, whichever has the lower AICc). On the log scale the weekly effects multiply
   the level, and the analytic forecast variance gives lognormal prediction intervals that stay positive.
4. **Future days** = uplift x exp(log forecast); mean exp(m + s^2/2); quantile q: exp(m + z_q s).
5. **Hours**: each day's volume is split over the hours by the share of inquiries per hour on history days of
   the same kind (Monday-Friday or weekend), or the event's own profile; daily exports use the template profile.
6. **Back-test**: the same procedure fitted without the last weeks, scored on them: MAPE, WAPE, interval
   coverage, and the WAPE of the seasonal naive forecast (same weekday last week) for reference.

The intervals are honest by two corrections (docs/plan.md): the model's forecast standard deviation is scaled by
the root mean square of standardised errors of rolling-origin back-tests inside the history (refitted at each
origin: this holds the parameters' error too), and an event day adds its uplift's uncertainty.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from model.errors import ScenarioError
from model.plan.calendar import Event, day_kind, holiday_name
from model.schema import profile_weights
from model.traffic import open_mask

MIN_DAYS = 14
BASELINE_WINDOW_D = 21
WEEKEND = (5, 6)
#: How sure a stated uplift is when the calendar does not say (coefficient of variation).
DEFAULT_UPLIFT_CV = 0.15
#: An event with no uplift stated and none in the history is taken as 1, this unsure.
UNKNOWN_UPLIFT_CV = 0.3
#: Rolling-origin back-tests inside the history that scale the model's intervals: origins, steps each.
SCALE_ORIGINS = 4
SCALE_STEPS = 14
#: Per-horizon widening: (first step, last step or None = onwards, label); rolling origins HORIZON_STEPS days
#: ahead (at most HORIZON_ORIGINS of them, a week apart), used when every bucket gets MIN_BUCKET_ERRORS errors.
BUCKETS: tuple[tuple[int, int | None, str], ...] = ((1, 7, "week 1"), (8, 14, "week 2"), (15, 21, "week 3"),
                                                    (22, None, "week 4+"))
HORIZON_STEPS = 28
HORIZON_ORIGINS = 6
MIN_BUCKET_ERRORS = 14


@dataclass
class Backtest:
    """Scores of a forecast fitted without the last ``days`` days of history and compared with them."""

    days: int
    mape: float
    wape: float
    coverage: float
    naive_wape: float
    table: pd.DataFrame

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {"days": self.days, "mape": self.mape, "wape": self.wape, "coverage": self.coverage,
                "naive_wape": self.naive_wape}


@dataclass
class Forecast:
    """A daily and hourly forecast.

    Attributes:
        history: per history date: ``date``, ``actual``, ``label``, ``factor`` (the label's uplift), ``fitted``.
        days: per forecast date: ``date``, ``label``, ``factor``, ``mean``, ``lo``, ``hi`` (the ``level``
            interval), ``q`` (the ``quantile``), ``profile`` (the day's 24 hourly shares).
        uplifts: label -> {"uplift", "days" (history days it was estimated on), "source"}.
        quantile: the staffing quantile of daily volume.
        level: the interval's coverage (0.8 = 10%..90%).
        method: the chosen model, e.g. "ETS(A,N,A) on log volume".
        backtest: the back-test (None when the history is too short).
        notes: assumptions and fallbacks, in English.
    """

    history: pd.DataFrame
    days: pd.DataFrame
    uplifts: dict[str, dict[str, Any]]
    quantile: float
    level: float
    method: str
    backtest: Backtest | None = None
    notes: list[str] = field(default_factory=list)
    #: the factor the model's own forecast standard deviation was widened by (rolling-origin back-tests; with
    #: factors per horizon bucket, the largest of them)
    scale: float = 1.0
    #: the widening per horizon bucket: {"label", "from_step", "to_step" (None = onwards), "scale", "errors"};
    #: one row "all horizons" when the history is too short for buckets
    scales: list[dict[str, Any]] = field(default_factory=list)
    #: the month's total: {"mean", "lo", "hi", "level", "paths", "method", "days_summed", "independent"}
    #: (:func:`month_interval`)
    month: dict[str, Any] = field(default_factory=dict)

    def hourly(self, column: str = "q") -> np.ndarray:
        """Forecast chats per (day, hour) of the forecast dates: array (days, 24) of ``column`` x profile."""
        prof = np.vstack(self.days["profile"].to_list())
        return self.days[column].to_numpy(float)[:, None] * prof

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready document (dates as ISO strings)."""
        d = self.days.drop(columns=["profile"]).copy()
        d["date"] = d["date"].map(str)
        hist = self.history.copy()
        hist["date"] = hist["date"].map(str)
        return {"method": self.method, "quantile": self.quantile, "level": self.level, "scale": self.scale,
                "scales": self.scales, "month": self.month,
                "days": d.replace({np.nan: None}).to_dict(orient="records"),
                "history": hist.replace({np.nan: None}).to_dict(orient="records"),
                "uplifts": self.uplifts, "backtest": self.backtest.to_json() if self.backtest else None,
                "notes": self.notes}


# ------------------------------------------------------------------------------------------ labels
def label_of(d: dt.date, events: list[Event]) -> str:
    """The label of a date: the first calendar event covering it, else the public-holiday kind, else ''."""
    for e in events:
        if e.start <= d <= e.end:
            return e.name
    kind = day_kind(d)
    if kind == "holiday":
        return f"holiday:{holiday_name(d) or 'holiday'}"
    return "workday_weekend" if kind == "workday_weekend" else ""


def estimate_uplifts(daily: pd.Series, labels: list[str]) -> dict[str, dict[str, Any]]:
    """Per label: the geometric mean of actual / baseline over its history days (see the module docstring)."""
    dates = list(daily.index)
    vals = daily.to_numpy(float)
    plain = np.array([lab == "" for lab in labels])
    wd = np.array([d.weekday() for d in dates])
    ordinal = np.array([d.toordinal() for d in dates])
    ratios: dict[str, list[float]] = {}
    for i, lab in enumerate(labels):
        if not lab:
            continue
        near = plain & (wd == wd[i]) & (np.abs(ordinal - ordinal[i]) <= BASELINE_WINDOW_D)
        if not near.any() or vals[i] <= 0:
            continue
        base = float(np.median(vals[near]))
        if base > 0:
            ratios.setdefault(lab, []).append(vals[i] / base)
    out = {}
    for lab, r in ratios.items():
        out[lab] = {"uplift": float(np.exp(np.mean(np.log(r)))), "days": len(r), "log_sd": _log_sd(r),
                    "source": f"history: geometric mean of {len(r)} day(s) / same-weekday median of nearby days"}
    # every holiday seen pools into a generic factor for holidays not seen themselves
    hol = [x for lab, r in ratios.items() if lab.startswith("holiday:") for x in r]
    if hol:
        out["holiday"] = {"uplift": float(np.exp(np.mean(np.log(hol)))), "days": len(hol), "log_sd": _log_sd(hol),
                          "source": f"history: all {len(hol)} public-holiday day(s) pooled"}
    return out


def _log_sd(r: list[float]) -> float | None:
    """The sample standard deviation of log ratios (None for one day)."""
    return float(np.std(np.log(r), ddof=1)) if len(r) >= 2 else None


def uplift_var(label: str, source: str, uplifts: dict[str, dict[str, Any]], events: list[Event],
               sigma2: float) -> float:
    """Variance, on the log scale, of one future day's uplift (docs/plan.md, "Honest intervals").

    * estimated from n history days with log ratios of spread s (s^2 taken as at least the day noise sigma^2,
      which each ratio carries): the estimate's own error s^2 / n plus, when the occurrences differ by more than
      the day noise, that difference tau^2 = s^2 - sigma^2 (the next occurrence is one more draw);
    * the pooled holiday factor used for a holiday not seen: the spread between holiday days in full, s^2 (1 + 1/n);
    * a stated uplift: log(1 + cv^2) with the event's ``uplift_cv`` (default ``DEFAULT_UPLIFT_CV``);
    * an event with no uplift known (taken as 1): log(1 + ``UNKNOWN_UPLIFT_CV``^2).
    """
    if not label or not source:
        return 0.0
    if source == "calendar":
        cv = next((e.uplift_cv for e in events if e.name == label and e.uplift is not None), None)
        cv = DEFAULT_UPLIFT_CV if cv is None else cv
        return float(np.log1p(cv**2))
    if source.startswith("none known"):
        return float(np.log1p(UNKNOWN_UPLIFT_CV**2))
    key = "holiday" if source == "history (all holidays)" else label
    u = uplifts.get(key)
    if u is None:  # pragma: no cover - a history source always has its estimate
        return float(np.log1p(UNKNOWN_UPLIFT_CV**2))
    n = max(int(u["days"]), 1)
    s2 = max((u.get("log_sd") or 0.0) ** 2, sigma2)
    if source == "history (all holidays)":
        return s2 * (1 + 1 / n)
    return s2 / n + max(s2 - sigma2, 0.0)


def factor_for(label: str, uplifts: dict[str, dict[str, Any]], events: list[Event]) -> tuple[float, str]:
    """The uplift of a label and where it came from (calendar, history, pooled holidays, or 1 = none known)."""
    if not label:
        return 1.0, ""
    for e in events:
        if e.name == label and e.uplift is not None:
            return e.uplift, "calendar"
    if label in uplifts:
        return uplifts[label]["uplift"], "history"
    if label.startswith("holiday:") and "holiday" in uplifts:
        return uplifts["holiday"]["uplift"], "history (all holidays)"
    return 1.0, "none known: 1"


# --------------------------------------------------------------------------------------------- model
def _fit(y: pd.Series, trend: str | None) -> tuple[Any, str]:
    """Fit ETS on log volume; ``trend='auto'`` picks no trend or a damped trend by AICc."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    fits = []
    for tr in ([None, "add"] if trend == "auto" else [trend]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = ETSModel(y, error="add", trend=tr, damped_trend=tr is not None, seasonal="add",
                         seasonal_periods=7).fit(disp=False)
        fits.append((m.aicc if np.isfinite(m.aicc) else np.inf, tr, m))
    _, tr, m = min(fits, key=lambda f: f[0])
    return m, "ETS(A,Ad,A) on log volume" if tr else "ETS(A,N,A) on log volume"


def interval_scale(y: pd.Series, plain: np.ndarray, trend: str | None) -> tuple[float, int]:
    """How much wider the model's own intervals must be to hold on this history: the root mean square of the
    standardised errors z = (actual - forecast) / sd of forecasts from rolling origins inside the history (the
    model refitted at each origin, ``SCALE_STEPS`` days ahead, ordinary days only); at least 1.

    Returns (scale, number of errors it rests on); (1, 0) when the history is too short for an origin.
    """
    n = len(y)
    z: list[float] = []
    for j in range(SCALE_ORIGINS):
        o = n - SCALE_STEPS - 7 * j
        if o < 28:
            break
        m, _ = _fit(y.iloc[:o], trend)
        steps = min(SCALE_STEPS, n - o)
        pred = m.get_prediction(start=o, end=o + steps - 1)
        mu = np.asarray(pred.predicted_mean, float)
        sd = np.sqrt(np.maximum(np.asarray(pred.var_pred_mean, float), 1e-12))
        act = y.to_numpy(float)[o:o + steps]
        ok = plain[o:o + steps]
        z += list(((act - mu) / sd)[ok])
    if len(z) < 7:
        return 1.0, len(z)
    return max(1.0, float(np.sqrt(np.mean(np.square(z))))), len(z)


def horizon_scales(y: pd.Series, plain: np.ndarray, trend: str | None) -> list[dict[str, Any]]:
    """The widening per horizon bucket (:data:`BUCKETS`: week 1, 2, 3, 4+): the root mean square of standardised
    errors of rolling-origin back-tests :data:`HORIZON_STEPS` days ahead (origins a week apart, at most
    :data:`HORIZON_ORIGINS`, each refitted, ordinary days only), per bucket of steps ahead; at least 1 each.

    When some bucket would rest on fewer than :data:`MIN_BUCKET_ERRORS` errors (a history shorter than about nine
    weeks), one factor for every horizon (:func:`interval_scale`, 1-14 days ahead), as the single row
    ``{"label": "all horizons", ...}``.
    """
    n = len(y)
    errs: list[list[float]] = [[] for _ in BUCKETS]
    for j in range(HORIZON_ORIGINS):
        o = n - HORIZON_STEPS - 7 * j
        if o < 28:
            break
        m, _ = _fit(y.iloc[:o], trend)
        pred = m.get_prediction(start=o, end=o + HORIZON_STEPS - 1)
        mu = np.asarray(pred.predicted_mean, float)
        sd = np.sqrt(np.maximum(np.asarray(pred.var_pred_mean, float), 1e-12))
        z = (y.to_numpy(float)[o:o + HORIZON_STEPS] - mu) / sd
        ok = plain[o:o + HORIZON_STEPS]
        for b, (lo, hi, _) in enumerate(BUCKETS):
            for s in range(lo, (hi or HORIZON_STEPS) + 1):
                if ok[s - 1]:
                    errs[b].append(float(z[s - 1]))
    if min(len(e) for e in errs) < MIN_BUCKET_ERRORS:
        k, n_z = interval_scale(y, plain, trend)
        return [{"label": "all horizons", "from_step": 1, "to_step": None, "scale": k, "errors": n_z}]
    return [{"label": lab, "from_step": lo, "to_step": hi, "scale": max(1.0, float(np.sqrt(np.mean(np.square(e))))),
             "errors": len(e)} for (lo, hi, lab), e in zip(BUCKETS, errs, strict=True)]


def scale_of_step(scales: list[dict[str, Any]], step: int) -> float:
    """The widening of a forecast ``step`` days after the history's end."""
    for r in scales:
        if step >= r["from_step"] and (r["to_step"] is None or step <= r["to_step"]):
            return float(r["scale"])
    return float(scales[-1]["scale"])


def _weekday_profile(dates: list[dt.date], hourly: pd.DataFrame | None, default: np.ndarray) -> dict[str, np.ndarray]:
    """Hourly shares for weekdays and weekends from an hourly table (date, hour, chats), else ``default``."""
    out = {"weekday": default, "weekend": default}
    if hourly is None or hourly.empty:
        return out
    h = hourly.copy()
    h["kind"] = np.where(h["date"].map(lambda d: d.weekday() in WEEKEND), "weekend", "weekday")
    allw = h.groupby("hour")["chats"].sum().reindex(range(24), fill_value=0.0).to_numpy(float)
    for kind in ("weekday", "weekend"):
        sel = h[h["kind"] == kind]
        w = sel.groupby("hour")["chats"].sum().reindex(range(24), fill_value=0.0).to_numpy(float)
        if sel["date"].nunique() < 2 or w.sum() <= 0:
            w = allw
        out[kind] = w / w.sum() if w.sum() > 0 else default
    return out


def _profile_array(p: str | list[float] | None) -> np.ndarray | None:
    if p is None:
        return None
    w = np.asarray(profile_weights(p), float)
    return w / w.sum()


def _core(daily: pd.Series, horizon: list[dt.date], events: list[Event], quantile: float, level: float,
          trend: str | None) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, dict[str, Any]], str]:
    """History table, forecast table (without profiles), uplifts and method name."""
    labels = [label_of(d, events) for d in daily.index]
    uplifts = estimate_uplifts(daily, labels)
    hf = np.array([factor_for(lab, uplifts, events)[0] for lab in labels])
    vals = daily.to_numpy(float)
    adj = np.log(np.maximum(vals / hf, 0.5))
    y = pd.Series(adj, index=pd.date_range(daily.index[0], periods=len(daily), freq="D"))
    m, method = _fit(y, trend)
    chosen = "add" if "Ad" in method else None
    plain = np.array([lab == "" for lab in labels])
    resid = np.asarray(m.resid, float)
    sigma2 = float(np.var(resid[plain])) if plain.sum() >= 7 else float(np.var(resid))
    scales = horizon_scales(y, plain, chosen)
    fitted = np.exp(np.asarray(m.fittedvalues, float)) * hf
    hist = pd.DataFrame({"date": list(daily.index), "actual": vals, "label": labels, "factor": hf, "fitted": fitted})
    last = daily.index[-1]
    steps = [(d - last).days for d in horizon]
    if min(steps) < 1:
        raise ScenarioError(f"the month to plan must start after the history's last date {last}", key="--month")
    n = len(daily)
    pred = m.get_prediction(start=n, end=n + max(steps) - 1)
    mu = np.asarray(pred.predicted_mean, float)[[s - 1 for s in steps]]
    k = np.array([scale_of_step(scales, s) for s in steps])
    sd = k * np.sqrt(np.maximum(np.asarray(pred.var_pred_mean, float), 0))[[s - 1 for s in steps]]
    flabels = [label_of(d, events) for d in horizon]
    fx = [factor_for(lab, uplifts, events) for lab in flabels]
    ff = np.array([f for f, _ in fx])
    uv = np.array([uplift_var(lab, src, uplifts, events, sigma2) for lab, (_, src) in zip(flabels, fx, strict=True)])
    tot = np.sqrt(sd**2 + uv)
    z = stats.norm.ppf(0.5 + level / 2)
    zq = stats.norm.ppf(quantile)
    # the uplift is a mean factor (E[U] = factor): log U ~ N(log factor - v/2, v)
    c = mu - uv / 2
    days = pd.DataFrame({"date": horizon, "label": flabels, "factor": ff, "factor_source": [s for _, s in fx],
                         "mean": ff * np.exp(mu + sd**2 / 2), "lo": ff * np.exp(c - z * tot),
                         "hi": ff * np.exp(c + z * tot), "q": ff * np.exp(c + zq * tot),
                         "sd_log": tot, "uplift_sd_log": np.sqrt(uv), "scale": k})
    days.attrs.update({"scales": scales, "sigma_log": float(np.sqrt(sigma2)),
                       "month": month_interval(m, steps, k, flabels, ff, uv, level)})
    return hist, days, uplifts, method


#: Sample paths of the month's total (:func:`month_interval`) and their fixed seed (the same plan every run).
MONTH_PATHS = 4000
MONTH_SEED = 20261204


def month_interval(m: Any, steps: list[int], k: np.ndarray, labels: list[str], factors: np.ndarray,
                   uplift_var_log: np.ndarray, level: float, *, paths: int = MONTH_PATHS,
                   seed: int = MONTH_SEED) -> dict[str, Any]:
    """The interval of the month's total inquiries, from simulated sample paths (docs/plan.md, "The month's
    interval"): the fitted ETS model simulated ahead from the history's end (``ETSResults.simulate``: a level
    shock carries into every later day, so the days' errors are correlated as the model says), each path's
    deviation from the analytic forecast on the log scale widened by the day's rolling-origin factor ``k``,
    one uplift draw per event label and path (every day of one promotion shares it), and the days summed.

    Returns ``{"mean", "lo", "hi", "level", "paths", "method", "days_summed": [lo, hi], "independent": [lo, hi]}``:
    the simulated mean and ``level`` interval of the total, beside the per-day interval ends summed (as if every
    day erred the same way) and the interval of independent days (normal on the summed variances), for comparison.
    """
    rng = np.random.default_rng(seed)
    horizon = max(steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim = np.asarray(m.simulate(nsimulations=horizon, anchor="end", repetitions=paths, rng=rng),
                         float).reshape(horizon, paths)
    pred = m.get_prediction(start=m.nobs, end=m.nobs + horizon - 1)
    mu_all = np.asarray(pred.predicted_mean, float)
    idx = [st - 1 for st in steps]
    mu = mu_all[idx][:, None]
    logs = mu + k[:, None] * (sim[idx] - mu)
    draws = {}
    for lab in dict.fromkeys(labels):
        draws[lab] = rng.standard_normal(paths)
    u = np.vstack([np.exp(np.log(f) - v / 2 + np.sqrt(v) * draws[lab]) if v > 0 else np.full(paths, f)
                   for lab, f, v in zip(labels, factors, uplift_var_log, strict=True)])
    total = (u * np.exp(logs)).sum(axis=0)
    a = (1 - level) / 2
    lo, hi = np.quantile(total, [a, 1 - a])
    # the two bounds the simulation lies between: every day at its own interval end, and independent days
    sd = k * np.sqrt(np.maximum(np.asarray(pred.var_pred_mean, float)[idx], 0))
    tot = np.sqrt(sd**2 + uplift_var_log)
    z = stats.norm.ppf(1 - a)
    c = mu[:, 0] - uplift_var_log / 2
    day_mean = factors * np.exp(mu[:, 0] + sd**2 / 2)
    day_var = (factors * np.exp(c)) ** 2 * np.exp(tot**2) * (np.exp(tot**2) - 1)
    isd = float(np.sqrt(day_var.sum()))
    return {"mean": float(total.mean()), "lo": float(lo), "hi": float(hi), "level": level, "paths": paths,
            "method": "simulated sample paths of the ETS model (correlated days), widened per horizon",
            "days_summed": [float((factors * np.exp(c - z * tot)).sum()), float((factors * np.exp(c + z * tot)).sum())],
            "independent": [float(day_mean.sum() - z * isd), float(day_mean.sum() + z * isd)]}


def _clean_daily(daily: pd.Series, notes: list[str]) -> pd.Series:
    """Dates sorted and contiguous; a missing date is filled with the median of its weekday (noted)."""
    if daily.empty:
        raise ScenarioError("the history has no days with inquiries", key="history")
    s = daily.groupby(level=0).sum().sort_index()
    full = [s.index[0] + dt.timedelta(days=i) for i in range((s.index[-1] - s.index[0]).days + 1)]
    s = s.reindex(full)
    if s.isna().any():
        miss = [d for d in full if pd.isna(s[d])]
        med = s.groupby([d.weekday() for d in s.index]).median()
        s = pd.Series([med[d.weekday()] if pd.isna(v) else v for d, v in s.items()], index=full)
        notes.append(f"{len(miss)} date(s) missing from the history were filled with their weekday's median "
                     f"(first: {miss[0]})")
    if not np.isfinite(s.to_numpy(float)).all() or (s < 0).any():
        raise ScenarioError("daily inquiries must be finite and >= 0", key="history")
    return s.astype(float)


def forecast(daily: pd.Series, horizon: list[dt.date], *, events: list[Event] | None = None,
             hourly: pd.DataFrame | None = None, default_profile: str | list[float] | None = "ecommerce",
             quantile: float = 0.8, level: float = 0.8, trend: str | None = "auto",
             backtest_days: int = 14, open_hours: tuple[float, float] = (0.0, 24.0)) -> Forecast:
    """Forecast daily and hourly chats for the ``horizon`` dates.

    Args:
        daily: chats per history date (index: datetime.date).
        horizon: the dates to forecast (after the history's last date).
        events: the shop's calendar (past events to estimate uplifts, future ones to apply).
        hourly: optional table with columns ``date``, ``hour``, ``chats`` (hourly history) for the intraday split.
        default_profile: the hourly profile when the history is daily.
        quantile: the daily-volume quantile that staffing holds (0.5 .. 0.99).
        level: the prediction interval's coverage.
        trend: ``auto`` (AICc between none and damped additive), ``None`` or ``"add"``.
        backtest_days: days held out for the back-test (skipped when the history is shorter than 4 weeks + them).
        open_hours: the shop's open hours; every profile is limited to them (as the engine's traffic is).
    """
    if not 0.5 <= quantile < 1:
        raise ScenarioError(f"the quantile must be between 0.5 and 0.99 (got {quantile:g})", key="--quantile")
    if not 0 < level < 1:
        raise ScenarioError(f"the interval level must be between 0 and 1 (got {level:g})", key="level")
    events = list(events or [])
    notes: list[str] = []
    s = _clean_daily(daily, notes)
    if len(s) < MIN_DAYS:
        raise ScenarioError(f"a forecast needs at least {MIN_DAYS} days of history (two weeks, for the weekday "
                            f"pattern); the history has {len(s)}", key="history")
    if s.sum() <= 0:
        raise ScenarioError("the history has no inquiries at all", key="history")
    hist, days, uplifts, method = _core(s, horizon, events, quantile, level, trend)
    default = _profile_array(default_profile)
    default = np.full(24, 1 / 24) if default is None else default
    prof = _weekday_profile(list(s.index), hourly, default)
    if hourly is None or hourly.empty:
        notes.append("daily history: hours split by the template's intraday profile")
    profiles = []
    for d, lab in zip(days["date"], days["label"], strict=True):
        ev = next((e for e in events if e.name == lab and e.intraday_profile is not None), None)
        p = _profile_array(ev.intraday_profile) if ev else None
        profiles.append(p if p is not None else prof["weekend" if d.weekday() in WEEKEND else "weekday"])
    mask = open_mask(tuple(open_hours))
    days["profile"] = [p * mask / (p * mask).sum() if (p * mask).sum() > 0 else p for p in profiles]
    for lab, src in zip(days["label"], days["factor_source"], strict=True):
        if src.startswith("none known"):
            notes.append(f"'{lab}' has no uplift in the calendar and none in the history: taken as 1")
            break
    bt = None
    if backtest_days > 0 and len(s) >= 28 + backtest_days:
        train = s.iloc[:-backtest_days]
        test = s.iloc[-backtest_days:]
        _, bd, _, _ = _core(train, list(test.index), events, quantile, level, trend)
        act = test.to_numpy(float)
        fc = bd["mean"].to_numpy(float)
        ok = act > 0
        naive = s.shift(7).iloc[-backtest_days:].to_numpy(float)
        bt = Backtest(days=backtest_days, mape=float(np.mean(np.abs(fc[ok] - act[ok]) / act[ok])),
                      wape=float(np.sum(np.abs(fc - act)) / max(act.sum(), 1e-9)),
                      coverage=float(np.mean((act >= bd["lo"].to_numpy()) & (act <= bd["hi"].to_numpy()))),
                      naive_wape=float(np.sum(np.abs(naive - act)) / max(act.sum(), 1e-9)),
                      table=pd.DataFrame({"date": list(test.index), "actual": act, "forecast": fc,
                                          "lo": bd["lo"].to_numpy(), "hi": bd["hi"].to_numpy()}))
    else:
        notes.append(f"history shorter than {28 + backtest_days} days: no back-test")
    scales = days.attrs["scales"]
    scale = max(float(r["scale"]) for r in scales)
    if len(scales) == 1:
        widen = (f"x{scale:.2f} for every horizon from rolling-origin back-tests 1-{SCALE_STEPS} days ahead inside the "
                 f"history ({scales[0]['errors']} ordinary-day errors; {len(s)} days of history are too short for a "
                 f"factor per horizon week, which needs {MIN_BUCKET_ERRORS} ordinary-day errors in each, about "
                 f"{28 + HORIZON_STEPS + 7} days)")
    else:
        widen = ("per horizon from rolling-origin back-tests inside the history, " + ", ".join(
            f"{r['label']} x{r['scale']:.2f} ({r['errors']} errors)" for r in scales))
    notes.append(f"intervals: the model's own, {widen}, and each event day's uplift "
                 f"uncertainty (estimated uplifts: from their days' spread; stated ones +/-{DEFAULT_UPLIFT_CV:.0%} "
                 "unless the calendar gives uplift_cv)")
    return Forecast(history=hist, days=days, uplifts=uplifts, quantile=quantile, level=level, method=method,
                    backtest=bt, notes=notes, scale=scale, scales=scales, month=days.attrs["month"])


def month_dates(after: dt.date, month: str | None = None) -> list[dt.date]:
    """The dates of the calendar month after ``after`` (or of ``month`` = ``YYYY-MM``)."""
    if month:
        try:
            y, m = (int(x) for x in month.split("-"))
            first = dt.date(y, m, 1)
        except ValueError:
            raise ScenarioError(f"'{month}' is not a month; write it as 2026-11", key="--month") from None
    else:
        first = (after.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return [first + dt.timedelta(days=i) for i in range((nxt - first).days)]
