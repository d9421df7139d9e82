"""The band of a forecast over the behaviour assumptions it rests on, and the basis those assumptions have.

With agents responding, a scheme's forecast depends mostly on response parameters nobody measured (the effort
costs, the conversion ceiling ...). The band says how far the headline moves when one of them is moved to the
low or the high end of its range, the others kept at their values:

* range of a parameter: its 90% interval in ``[behaviour.estimated] intervals`` when the shop's months
  identified it, else the documented range of :data:`model.behaviour.sensitivity.RANGES` (the tornado's);
* at each end, the agents' own forecast (one equilibrium solve on the base run, no engine run) of the scheme and
  of the baseline scheme gives the change of the scheme's net gain against the baseline (and of its uplift and
  bonus cost) from today's values; the band's end is the document's own number plus that change;
* band = [min, max] over the parameters of :data:`BAND_PARAMS` and their two ends (the envelope of one-at-a-time
  moves; the point is inside by construction); ``params`` lists them by swing, ``top`` the three largest.

The basis says what the response rests on: ``defaults`` ("response assumed from literature defaults"),
``estimated`` (N months of this shop, first..last), or ``mechanics`` (behaviour off: no response assumption,
so no band). Equations: docs/model.md section 10.9. Cost: ``python -m bench band``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from model.behaviour.api import equilibrium
from model.behaviour.kpimodel import base_record
from model.behaviour.sensitivity import RANGES
from model.economics import net_gain_yuan

#: The parameters a band moves: the six that moved the default shop's net gain most in the tornado
#: (``python -m model sensitivity``; each of the rest of :data:`RANGES` by at most about 1,500 yuan a week),
#: plus any parameter with an estimated interval (:func:`band_params`). Twelve solves per scheme.
BAND_PARAMS = ("selling_cost_yuan", "conversion_gain_share", "latency_cut_share", "speed_cost_yuan",
               "performance_noise_cv", "decision_noise_yuan")
#: How many parameters a band names (the deck's "how sure" slide, the cards).
TOP = 3
#: The headlines a band moves, by the document's economics codes.
CODES = ("net_gain_yuan", "uplift_yuan", "bonus_cost_yuan")
_CACHE_SIZE = 512
_LOCK = threading.Lock()


def basis(cfg) -> dict[str, Any]:
    """What the response rests on: ``{"kind": "mechanics"|"defaults"|"estimated", "months"?, "first"?, "last"?}``."""
    if not cfg.active:
        return {"kind": "mechanics"}
    est = cfg.estimated
    if est is None:
        return {"kind": "defaults"}
    months = sorted(est.months)
    return {"kind": "estimated", "months": len(months), "first": months[0], "last": months[-1],
            "intervals": sorted(est.intervals), "not_identified": list(est.not_identified)}


def ranges(cfg, params: tuple[str, ...] | list[str] = BAND_PARAMS) -> dict[str, dict[str, Any]]:
    """Each parameter's ``{"value", "low", "high", "source": "estimated"|"default"}`` (see the module doc)."""
    est = cfg.estimated
    out = {}
    for name in params:
        v = float(getattr(cfg, name))
        if est is not None and name in est.intervals:
            lo, hi = est.intervals[name]
            out[name] = {"value": v, "low": float(lo), "high": float(hi), "source": "estimated"}
        else:
            low_f, high_f, _, _ = RANGES[name]
            out[name] = {"value": v, "low": float(low_f(v)), "high": float(high_f(v)), "source": "default"}
    return out


def band_params(cfg) -> tuple[str, ...]:
    """:data:`BAND_PARAMS` and every parameter the shop's months gave an interval (so an estimate always counts)."""
    extra = [k for k in (cfg.estimated.intervals if cfg.estimated is not None else {}) if k not in BAND_PARAMS]
    return (*BAND_PARAMS, *sorted(extra))


def _key(scenario, scheme) -> str:
    s = scenario
    parts = [s.behaviour.model_dump(mode="json"), s.economics.model_dump(mode="json"),
             s.outcomes.model_dump(mode="json"), s.meta.seed, s.meta.days, s.meta.months,
             scheme.model_dump(mode="json") if scheme is not None else None]
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Pending(Exception):
    """A band that is not in the cache yet (``solve=False``), or whose computation was called off (``stop``)."""


def checkpoint(stop, name: str) -> None:
    """Between a band solve's steps: first ``stop.pause()`` when ``stop`` has one (the app's background work
    waits there while an answer is being computed, :mod:`ui.background`), then :class:`Pending` if ``stop`` is
    set (the next slider move called this band off: the solve stops within one step, not one whole solve)."""
    pause = getattr(stop, "pause", None)
    if pause is not None:
        pause()
    if stop.is_set():
        raise Pending(name)


def headline(scenario, scheme, base, *, solve: bool = True, stop=None) -> dict[str, float]:
    """The agents' forecast of one scheme on ``base``: ``net_gain_yuan`` (uplift x margin - variable pay -
    service cost), ``uplift_yuan`` (against no extra effort) and ``bonus_cost_yuan`` (variable pay); zeros for
    base pay only (``scheme`` None). Kept in the base run's cache by scenario and scheme.

    Raises :class:`Pending` instead of solving when ``solve`` is False and the answer is not cached, or when
    ``stop`` (a :class:`threading.Event`) is set before the solve starts or at one of the solve's checkpoints
    (see :func:`checkpoint`: the solve is then called off and nothing is cached).
    """
    if scheme is None:
        return dict.fromkeys(CODES, 0.0)
    cache = base._cache.setdefault(("behaviour.band",), OrderedDict())
    key = _key(scenario, scheme)
    with _LOCK:
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
    if not solve or (stop is not None and stop.is_set()):
        raise Pending(scheme.name)
    tick = None if stop is None else (lambda: checkpoint(stop, scheme.name))
    f = equilibrium(scenario, scheme, base, base_record(base), checkpoint=tick).forecast
    out = {"net_gain_yuan": float(net_gain_yuan(scenario.economics, f["sales_uplift_yuan"], f["variable_pay_yuan"],
                                                f["bad_ratings_change"])),
           "uplift_yuan": float(f["sales_uplift_yuan"]), "bonus_cost_yuan": float(f["variable_pay_yuan"])}
    with _LOCK:
        cache[key] = out
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return out


def _relative(scenario, scheme, baseline, base, **how) -> dict[str, float]:
    h, b = headline(scenario, scheme, base, **how), headline(scenario, baseline, base, **how)
    # net gain and uplift are against the baseline scheme; the bonus cost is the scheme's own
    return {"net_gain_yuan": h["net_gain_yuan"] - b["net_gain_yuan"], "uplift_yuan": h["uplift_yuan"] - b["uplift_yuan"],
            "bonus_cost_yuan": h["bonus_cost_yuan"]}


def scheme_band(scenario, scheme, base, *, baseline=None, point: dict[str, float | None] | None = None,
                params: tuple[str, ...] | list[str] | None = None, solve: bool = True,
                stop=None) -> dict[str, Any]:
    """The band of one scheme's forecast (see the module doc).

    Args:
        scenario: the scenario (its ``behaviour`` table: values, ``estimated`` intervals).
        scheme: the scheme.
        base: the scenario's run without effects.
        baseline: the baseline scheme (None = base pay only).
        point: the document's numbers by :data:`CODES` the band is centred on (default: the agents' forecast).
        params: the parameters to move (default: :func:`band_params`).
        solve: False = answer from the cache only (raises :class:`Pending` when a solve is missing).
        stop: a :class:`threading.Event` (optionally with a ``pause()`` method, see :func:`checkpoint`); once
            set, the band stops within one step of its current solve (raises :class:`Pending`; the solves
            finished so far stay cached).

    Returns:
        ``{"basis", "net_gain_yuan"|"uplift_yuan"|"bonus_cost_yuan": {"point", "low", "high"}, "params": [{param,
        zh, en, value, low_value, high_value, source, low: {code: value}, high: {...}, swing}] (largest swing
        first), "top": [three param names]}``; with behaviour off only ``basis`` (mechanics) and ``None`` bands.
    """
    cfg = scenario.behaviour
    out: dict[str, Any] = {"basis": basis(cfg)}
    if not cfg.active:
        out.update(dict.fromkeys(CODES), params=[], top=[])
        return out
    how = {"solve": solve, "stop": stop}
    here = _relative(scenario, scheme, baseline, base, **how)
    centre = {c: (point or {}).get(c) for c in CODES}
    centre = {c: here[c] if v is None else float(v) for c, v in centre.items()}
    rows = []
    for name, r in ranges(cfg, params or band_params(cfg)).items():
        _, _, zh, en = RANGES[name]
        row: dict[str, Any] = {"param": name, "zh": zh, "en": en, "value": r["value"], "low_value": r["low"],
                               "high_value": r["high"], "source": r["source"]}
        for side in ("low", "high"):
            s2 = scenario.model_copy(update={"behaviour": cfg.model_copy(update={name: r[side]})})
            moved = _relative(s2, scheme, baseline, base, **how)
            row[side] = {c: centre[c] + moved[c] - here[c] for c in CODES}
        row["swing"] = max(abs(row["low"]["net_gain_yuan"] - centre["net_gain_yuan"]),
                           abs(row["high"]["net_gain_yuan"] - centre["net_gain_yuan"]))
        rows.append(row)
    rows.sort(key=lambda r: -r["swing"])
    for c in CODES:
        ends = [centre[c]] + [r[side][c] for r in rows for side in ("low", "high")]
        out[c] = {"point": centre[c], "low": min(ends), "high": max(ends)}
    out["params"] = rows
    out["top"] = [r["param"] for r in rows[:TOP]]
    return out


def attach_bands(doc: dict[str, Any], scenario, base, *, solve: bool = True, stop=None) -> dict[str, Any]:
    """Put a ``band`` block on every scheme block of a comparison document (in place; returned).

    The baseline scheme's block gets the basis only (its net gain against itself is zero at every end).
    ``doc["band_basis"]`` repeats the basis for the whole document.

    With ``solve=False`` (the compare page's quick answer) only cached bands are attached; a scheme whose band
    still needs solves gets ``{"basis", "pending": True}`` and ``doc["band_pending"]`` lists those schemes, so
    a caller can compute them off the answer's path (``solve=True``, optionally with a ``stop`` event, see
    :func:`scheme_band`) and attach them when they are ready.
    """
    by_name = {sc.name: sc for sc in scenario.schemes}
    base_name = scenario.economics.baseline_scheme
    baseline = by_name.get(base_name) if base_name else None
    doc["band_basis"] = basis(scenario.behaviour)
    pending: list[str] = []
    for name, block in (doc.get("schemes") or {}).items():
        sc = by_name.get(name)
        if sc is None:
            continue
        if name == base_name or not scenario.behaviour.active:
            block["band"] = {"basis": doc["band_basis"], **dict.fromkeys(CODES), "params": [], "top": [],
                             "baseline": name == base_name}
            continue
        econ = block.get("economics") or {}
        point = {c: (econ.get(c) or {}).get("mean") for c in CODES}
        try:
            block["band"] = scheme_band(scenario, sc, base, baseline=baseline, point=point, solve=solve, stop=stop)
        except Pending:
            if solve and stop is None:
                raise
            block["band"] = {"basis": doc["band_basis"], "pending": True}
            pending.append(name)
    if pending:
        doc["band_pending"] = pending
    else:
        doc.pop("band_pending", None)
    return doc


def _net_at(block: dict[str, Any], param: str, side: str) -> float | None:
    band = block.get("band") or {}
    for r in band.get("params") or []:
        if r["param"] == param:
            return r[side]["net_gain_yuan"]
    if band.get("baseline") or not band.get("params"):  # the baseline (or a scheme with no band) stays put
        return ((block.get("economics") or {}).get("net_gain_yuan") or {}).get("mean")
    return None


def flips(doc: dict[str, Any], recommended: str | None) -> list[dict[str, Any]] | None:
    """Where another scheme beats ``recommended`` inside the band: ``[{param, zh, en, side, value, winner,
    winner_net, recommended_net}]``, one row per (parameter, end) at which the best other scheme's net gain
    exceeds the recommended one's (the largest winner at that end). None while a band is still being computed
    (``doc["band_pending"]``): a flip is never judged on half the bands."""
    schemes = doc.get("schemes") or {}
    if doc.get("band_pending"):
        return None
    if recommended not in schemes:
        return []
    names = [n for n in schemes if n != recommended]
    seen: dict[str, dict[str, Any]] = {}
    for b in schemes.values():
        for r in (b.get("band") or {}).get("params") or []:
            seen.setdefault(r["param"], r)
    out = []
    for param, r in seen.items():
        for side in ("low", "high"):
            mine = _net_at(schemes[recommended], param, side)
            if mine is None:
                continue
            best, best_net = None, mine
            for n in names:
                v = _net_at(schemes[n], param, side)
                if v is not None and v > best_net + 1e-6:
                    best, best_net = n, v
            if best is not None:
                out.append({"param": param, "zh": r["zh"], "en": r["en"], "side": side, "value": r[f"{side}_value"],
                            "winner": best, "winner_net": best_net, "recommended_net": mine})
    return out
