"""The deck's story, as data (no pptx here): which scheme to recommend and why, what the agents will do under it,
and how sure the headline is. Read from the comparison document (and, when present, a tuning recommendation
``recommendation`` / ``best_point`` / ``binding_constraint`` as in ``python -m model tune --json``, and a
sensitivity table ``sensitivity`` as in ``python -m model sensitivity --json``).

The comparison's rule: among the schemes other than the baseline, the highest expected net gain whose team KPIs
breach no platform line and whose P(net loss) is at most the tuning table's ``max_p_net_loss`` (default 20%);
when none gains money, keep the baseline.
"""

from __future__ import annotations

from typing import Any

from model.behaviour.band import flips as band_flips
from model.behaviour.solver import TRYING
from model.language.tuning import Tuning
from model.platform_rules import plan_day, rules_for
from model.present.band_text import has_band, top_rows
from model.text import finite as _num

MAX_P_LOSS = Tuning().max_p_net_loss


def _stat(b: dict[str, Any], code: str, part: str = "mean") -> float | None:
    return _num(((b.get("economics") or {}).get(code) or {}).get(part))


def breaches(doc: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """KPI codes of the platform lines a scheme's team breaches (mean against the line; a planned month's lines are
    those in force on its first date)."""
    platform = (doc.get("scenario") or {}).get("platform")
    team = b.get("team") or {}
    return [r.kpi for r in rules_for(platform, plan_day(doc.get("plan")))
            if r.met(_num((team.get(r.kpi) or {}).get("mean"))) is False]


def recommend(doc: dict[str, Any]) -> dict[str, Any]:
    """The recommended scheme: ``{scheme, keeps_baseline, binding: {kind, scheme, kpi?}|None, max_p_loss, source}``."""
    schemes = doc.get("schemes") or {}
    base = doc.get("baseline_scheme")
    max_p = _num((doc.get("constraints") or {}).get("max_p_net_loss")) or MAX_P_LOSS
    rec = doc.get("recommendation")
    if isinstance(rec, dict) and rec.get("scheme") in schemes:
        return {"scheme": rec["scheme"], "keeps_baseline": bool(rec.get("keeps_baseline")), "source": "tune",
                "binding": doc.get("binding_constraint"), "max_p_loss": max_p, "tune": rec}
    cands = [(n, b) for n, b in schemes.items() if n != base and b.get("economics")]
    cands.sort(key=lambda nb: -(_stat(nb[1], "net_gain_yuan") or float("-inf")))
    chosen, binding = None, None
    for n, b in cands:
        lines = breaches(doc, b)
        p = _stat(b, "p_net_loss") or 0.0
        if not lines and p <= max_p + 1e-12:
            chosen = n
            break
        if binding is None:
            binding = ({"kind": "line", "scheme": n, "kpi": lines[0]} if lines
                       else {"kind": "p_loss", "scheme": n, "value": p})
    keep = chosen is None or (_stat(schemes[chosen], "net_gain_yuan") or 0.0) <= 0
    if keep:
        chosen = base if base in schemes else (cands[0][0] if cands else next(iter(schemes), None))
    return {"scheme": chosen, "keeps_baseline": keep, "binding": binding, "max_p_loss": max_p,
            "source": "comparison"}


def agent_states(block: dict[str, Any]) -> dict[str, list[str]]:
    """Agents' names by what they do: ``race`` (push on a ranking), ``try`` (push for a target), ``coast``
    (reach it anyway), ``give_up`` (out of reach, do not try), ``same`` (carry on as today)."""
    beh = block.get("behaviour") or {}
    out: dict[str, list[str]] = {"try": [], "race": [], "coast": [], "give_up": [], "same": []}
    for a in beh.get("agents") or []:
        effort = [v for k, v in (a.get("effort") or {}).items() if k != "gaming"]
        trying = bool(effort) and max(effort) > TRYING
        ranked = any(str(c).startswith("rank") for c in (a.get("p_reach") or {}))
        state = ("give_up" if a.get("gave_up") else "coast" if a.get("secure")
                 else ("race" if ranked or beh.get("interacting") else "try") if trying else "same")
        out[state].append(str(a.get("name", a.get("agent"))))
    return out


def reach_chance(a: dict[str, Any]) -> float:
    """An agent's chance of reaching the scheme's paid targets (the best of them; 0 when none)."""
    r = [v for v in (a.get("p_reach") or {}).values() if _num(v) is not None]
    return float(max(r)) if r else 0.0


def top_assumptions(table: dict[str, Any], n: int = 3) -> list[dict[str, Any]]:
    """The sensitivity table's ``n`` parameters that move the forecast net gain most, each with its low/high."""
    base = _num(((table or {}).get("base") or {}).get("net_gain_yuan"))
    rows = []
    for r in (table or {}).get("rows") or []:
        lo, hi = _num((r.get("low") or {}).get("net_gain_yuan")), _num((r.get("high") or {}).get("net_gain_yuan"))
        if lo is None or hi is None or base is None:
            continue
        rows.append({"zh": r.get("zh"), "en": r.get("en"), "low": lo, "high": hi,
                     "swing": max(abs(lo - base), abs(hi - base))})
    rows.sort(key=lambda r: -r["swing"])
    return rows[:n]


def how_sure(doc: dict[str, Any], rec: dict[str, Any] | None = None) -> dict[str, Any]:
    """How sure the recommendation is, from the document's bands (:func:`model.behaviour.band.attach_bands`):
    ``{scheme, basis, band, top: [{param, zh, en, low_value, high_value, source, lo, hi}], flips, pending}``; ``band``
    None when the recommended scheme has none (behaviour off, the baseline kept, a document without bands);
    ``pending`` True (and no flips) while some scheme's band is still being computed."""
    rec = rec or recommend(doc)
    name = rec.get("scheme")
    b = (doc.get("schemes") or {}).get(name) or {}
    band = b.get("band")
    basis = (band or {}).get("basis") or doc.get("band_basis")
    if isinstance(doc.get("tune_flips"), list):  # a tuning deck: flips against the sweep's rival points
        flips = doc["tune_flips"]
    else:
        flips = band_flips(doc, name) if basis and basis.get("kind") != "mechanics" else []
    return {"scheme": name, "basis": basis, "band": band if has_band(band) else None,
            "top": top_rows(band) if has_band(band) else [], "flips": flips or [], "pending": flips is None}


def tuning_deck_document(tune_doc: dict[str, Any]) -> dict[str, Any]:
    """A deck-able document from a tune document (``python -m model tune --json``): the recommended point as the
    one scheme, named by its numbers (``label``), with its pay rules at the tuned target (``recommended_spec``),
    net gain, interval, bonus cost, P(net loss) and reach share, the recommendation, the binding constraint and
    the constraints, so the deck opens with the tuning's recommendation and its reason; with a band, the flips
    against the sweep's rival points (``flips``, :func:`model.tuning.tune.recommendation_flips`) go to the
    how-sure slide."""
    rec = dict(tune_doc.get("recommendation") or {})
    best = tune_doc.get("best_point") or {}
    name = (tune_doc.get("band_name") or rec.get("label") or rec.get("scheme") or rec.get("keep")
            or best.get("scheme") or "—")

    def iv(mean: Any, lo: Any = None, hi: Any = None) -> dict[str, Any]:
        return {"mean": _num(mean), "lo": _num(lo), "hi": _num(hi)}

    block = {"economics": {"net_gain_yuan": iv(best.get("net_gain_yuan"), best.get("net_gain_lo"),
                                                best.get("net_gain_hi")),
                           "bonus_cost_yuan": iv(best.get("payout_yuan")),
                           "p_net_loss": iv(best.get("p_net_loss"))},
             "reach_share": best.get("reach_share"), "behaviour": None, "agents": []}
    if tune_doc.get("band"):
        block["band"] = tune_doc["band"]
    sc = dict(tune_doc.get("scenario") or {})
    sc.setdefault("days", tune_doc.get("money_horizon_days"))
    out: dict[str, Any] = {}
    if isinstance(tune_doc.get("recommended_spec"), dict):
        out["scheme_specs"] = {name: tune_doc["recommended_spec"]}
    if tune_doc.get("band"):
        out["tune_flips"] = list(tune_doc.get("flips") or [])
    out["tune_rivals"] = tune_rivals(tune_doc)
    return {**out, "scenario": sc, "schemes": {name: block}, "recommendation": {**rec, "scheme": name},
            "binding_constraint": tune_doc.get("binding_constraint"), "constraints": tune_doc.get("constraints"),
            "baseline_scheme": None, "agents_shown": False,
            "band_basis": (tune_doc.get("band") or {}).get("basis")}


#: How many rivals the recommendation's notes list (the HTML report of a tune lists the same).
MAX_RIVALS = 6


def _fails(p: dict[str, Any], limits: dict[str, Any]) -> list[dict[str, Any]]:
    """The constraints a sweep point fails, each with its value and limit (``model.tuning.optimise.BY_NAME``)."""
    from model.tuning.optimise import BY_NAME

    out = []
    for name in p.get("fails") or []:
        c = BY_NAME.get(name)
        if c is None:
            continue
        out.append({"name": name, "zh": c.zh, "en": c.en, "sense": c.sense, "value": _num(p.get(c.column)),
                    "limit": _num((limits or {}).get(name))})
    return out


def tune_rivals(tune_doc: dict[str, Any], n: int = MAX_RIVALS) -> list[dict[str, Any]]:
    """The tuning recommendation's rivals and why each lost, best net gain first.

    ``constraint``: points that net more but fail a constraint (the best few, one per label; each with the
    constraints it fails, value and limit); ``lower``: the rivals the band tested (``band_rivals``, named as
    there; else :func:`model.tuning.tune.rival_points`) netting less, each with the band's flips where it wins;
    ``no_gain``: when the baseline is kept, the best points, which net nothing; ``constraint_lower``: with room
    left, the best points that net less and fail a constraint as well. Each rival:
    ``{name, net_gain_yuan, why, fails: [...], flips: [...], point}``."""
    from model.tuning.tune import rival_points

    best = tune_doc.get("best_point") or {}
    rec = tune_doc.get("recommendation") or {}
    limits = tune_doc.get("constraints") or {}
    best_net = _num(best.get("net_gain_yuan"))
    flips = list(tune_doc.get("flips") or [])
    out: list[dict[str, Any]] = []
    seen: set[str] = {str(tune_doc.get("band_name") or rec.get("label") or best.get("label"))}

    def name_of(p: dict[str, Any]) -> str:
        name = str(p.get("label") or p.get("scheme"))
        if name in seen and _num(p.get("amount_yuan")) is not None:
            name = f"{name} / {float(p['amount_yuan']):,.0f}"
        return name

    blocked = [p for p in tune_doc.get("points") or [] if not p.get("feasible") and best_net is not None
               and (_num(p.get("net_gain_yuan")) or float("-inf")) > best_net + 1e-9]
    blocked.sort(key=lambda p: -float(p["net_gain_yuan"]))
    for p in blocked:
        name = name_of(p)
        if name in seen or len([r for r in out if r["why"] == "constraint"]) >= 3:
            continue
        seen.add(name)
        out.append({"name": name, "net_gain_yuan": _num(p.get("net_gain_yuan")), "why": "constraint",
                    "fails": _fails(p, limits), "flips": [], "point": p})
    keep = bool(rec.get("keeps_baseline"))
    band_rivals = tune_doc.get("band_rivals") or {}
    if band_rivals:
        pool = [(nm, r.get("point"), _num(((r.get("economics") or {}).get("net_gain_yuan") or {}).get("mean")))
                for nm, r in band_rivals.items()]
    else:
        pool = [(name_of(p), p, _num(p.get("net_gain_yuan"))) for p in rival_points(tune_doc)]
        if keep and best:
            pool.insert(0, (name_of(best), best, best_net))
    for nm, p, net in pool:
        if nm in seen:
            continue
        seen.add(nm)
        out.append({"name": nm, "net_gain_yuan": net, "why": "no_gain" if keep and p is not None else "lower",
                    "fails": [], "flips": [f for f in flips if f.get("winner") == nm], "point": p})
    # room left: the best points that net less and fail a constraint too (one per label), e.g. a sweep without a band
    lower = [p for p in tune_doc.get("points") or [] if not p.get("feasible") and best_net is not None
             and _num(p.get("net_gain_yuan")) is not None and float(p["net_gain_yuan"]) <= best_net + 1e-9]
    lower.sort(key=lambda p: -float(p["net_gain_yuan"]))
    for p in lower:
        if len(out) >= n:
            break
        name = name_of(p)
        if name in seen:
            continue
        seen.add(name)
        out.append({"name": name, "net_gain_yuan": _num(p.get("net_gain_yuan")), "why": "constraint_lower",
                    "fails": _fails(p, limits), "flips": [], "point": p})
    order = {"constraint": 0, "constraint_lower": 2}
    out.sort(key=lambda r: (order.get(r["why"], 1), -(r["net_gain_yuan"] if r["net_gain_yuan"] is not None
                                                      else float("-inf"))))
    return out[:n]


def comparison_rivals(doc: dict[str, Any], rec: dict[str, Any] | None = None,
                      n: int = MAX_RIVALS) -> list[dict[str, Any]]:
    """A comparison's rivals of the recommended scheme and why each lost: ``line`` (a platform line breached:
    ``kpis``), ``p_loss`` (P(net loss) above the limit: ``p``), ``no_gain`` (nets nothing, the baseline kept),
    ``lower`` (nets less); each with the band's flips where it wins (:func:`how_sure`). Best net gain first; a
    tuning deck's document (``tune_rivals``, from :func:`tuning_deck_document`) gives its sweep's rivals."""
    if isinstance(doc.get("tune_rivals"), list):
        return doc["tune_rivals"][:n]
    rec = rec or recommend(doc)
    schemes = doc.get("schemes") or {}
    name = rec.get("scheme")
    base = doc.get("baseline_scheme")
    flips = how_sure(doc, rec)["flips"]
    out = []
    for nm, b in schemes.items():
        if nm in (name, base) or not b.get("economics"):
            continue
        lines = breaches(doc, b)
        p = _stat(b, "p_net_loss")
        net = _stat(b, "net_gain_yuan")
        why = ("line" if lines else "p_loss" if (p or 0.0) > rec["max_p_loss"] + 1e-12
               else "no_gain" if (net or 0.0) <= 0 else "lower")
        out.append({"name": nm, "net_gain_yuan": net, "why": why, "kpis": lines, "p": p,
                    "flips": [f for f in flips if f.get("winner") == nm], "fails": []})
    out.sort(key=lambda r: -(r["net_gain_yuan"] if r["net_gain_yuan"] is not None else float("-inf")))
    return out[:n]
