"""The firm's roll-up of a portfolio: per shop the recommended scheme and its numbers, and the firm's totals.

Per shop, the recommended scheme is the firm's proposal for that shop (``scheme =`` in the list file) or else the
deck's rule (:func:`model.present.story.recommend`: among the schemes other than the baseline, the highest
expected net gain that breaches no platform line and whose P(net loss) is at most 20%; the baseline when none
gains money). The roll-up then reads that scheme's block of the shop's comparison:

- bonus cost = the scheme's bonus cost (mean, the shop's horizon), net gain = its net gain against the shop's
  baseline scheme (mean, with the shop's interval);
- a shop *breaches a platform line* when the recommended scheme's team KPI (mean) is on the wrong side of one of
  its platform's lines in force today (:func:`model.present.story.breaches`);
- a shop *loses money* under the recommendation when its mean net gain is below zero.

The firm's totals are sums of the shops' means; the total's interval adds the shops' half-widths in quadrature
(shops are simulated independently, each interval is mean +- t * se), so it is an approximation stated as such.
Money is over each shop's own horizon (``meta.days``); ``mixed_horizons`` says when the shops differ.
"""

from __future__ import annotations

import math
from typing import Any

from model.present.story import breaches, recommend
from model.text import finite

#: KPI columns carried into the per-shop rows and the scheme rows.
KPIS = ("inquiry_conversion", "three_min_reply_rate", "good_rating_rate", "avg_response_s")


def _iv(block: dict[str, Any], part: str, code: str) -> dict[str, Any]:
    return (block.get(part) or {}).get(code) or {}


def scheme_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per scheme of a shop's document (the ``shop_schemes`` table)."""
    base = doc.get("baseline_scheme")
    platform = (doc.get("scenario") or {}).get("platform")
    out = []
    for name, b in (doc.get("schemes") or {}).items():
        ng = _iv(b, "economics", "net_gain_yuan")
        row: dict[str, Any] = {
            "scheme": name, "platform": platform, "is_baseline": name == base,
            "bonus_cost_yuan": finite(_iv(b, "economics", "bonus_cost_yuan").get("mean")),
            "incremental_bonus_cost_yuan": finite(_iv(b, "economics", "incremental_bonus_cost_yuan").get("mean")),
            "uplift_yuan": finite(_iv(b, "economics", "uplift_yuan").get("mean")),
            "net_gain_yuan": finite(ng.get("mean")), "net_gain_lo": finite(ng.get("lo")),
            "net_gain_hi": finite(ng.get("hi")),
            "p_net_loss": finite(_iv(b, "economics", "p_net_loss").get("mean")),
            "breaches": ",".join(breaches(doc, b)),
        }
        row.update({k: finite(_iv(b, "team", k).get("mean")) for k in KPIS})
        out.append(row)
    return out


def shop_row(name: str, file: str, doc: dict[str, Any], proposed: str | None = None,
             tune: dict[str, Any] | None = None) -> dict[str, Any]:
    """The roll-up row of one finished shop."""
    sc = doc.get("scenario") or {}
    schemes = doc.get("schemes") or {}
    if proposed is not None and proposed in schemes:
        chosen, source, keeps = proposed, "firm", proposed == doc.get("baseline_scheme")
    else:
        rec = recommend(doc)
        chosen, source, keeps = rec["scheme"], "rule", bool(rec["keeps_baseline"])
    b = schemes.get(chosen) or {}
    base_b = schemes.get(doc.get("baseline_scheme")) or {}
    ng = _iv(b, "economics", "net_gain_yuan")
    net = finite(ng.get("mean"))
    row: dict[str, Any] = {
        "shop": name, "file": file, "scenario": sc.get("name"), "platform": sc.get("platform"),
        "days": sc.get("days"), "replications": sc.get("replications"), "seed": sc.get("seed"),
        "schemes": len(schemes), "baseline_scheme": doc.get("baseline_scheme"),
        "recommended": chosen, "recommended_by": source, "keeps_baseline": keeps,
        "bonus_cost_yuan": finite(_iv(b, "economics", "bonus_cost_yuan").get("mean")) or 0.0,
        "net_gain_yuan": net if net is not None else 0.0,
        "net_gain_lo": finite(ng.get("lo")), "net_gain_hi": finite(ng.get("hi")),
        "p_net_loss": finite(_iv(b, "economics", "p_net_loss").get("mean")),
        "breaches": breaches(doc, b) if b else [],
        "breaches_today": breaches(doc, base_b) if base_b else [],
        "loses_money": net is not None and net < 0,
    }
    row.update({k: finite(_iv(b, "team", k).get("mean")) for k in KPIS})
    if tune:
        r = tune.get("recommendation") or {}
        row["tuned"] = {k: r.get(k) for k in ("scheme", "kpi", "target", "amount_yuan", "expected_net_gain_yuan",
                                               "keep") if k in r}
    return row


def rollup(name: str, shops: list[dict[str, Any]]) -> dict[str, Any]:
    """The portfolio's roll-up from its shops (``shop``, ``file``, ``scheme``, ``document``, ``tune``, ``error``
    as :meth:`model.portfolio.store.PortfolioStore.shops` gives them).

    Returns:
        ``{"name", "shops": [row], "failed": [{shop, file, error}], "pending": [shop], "firm": totals}``.
    """
    rows, failed, pending = [], [], []
    for s in shops:
        if s.get("document") is not None:
            rows.append(shop_row(s["shop"], s["file"], s["document"], s.get("scheme"), s.get("tune")))
        elif s.get("error"):
            failed.append({"shop": s["shop"], "file": s["file"], "error": s["error"]})
        else:
            pending.append(s["shop"])
    half = [((r["net_gain_hi"] - r["net_gain_lo"]) / 2) for r in rows
            if r["net_gain_lo"] is not None and r["net_gain_hi"] is not None]
    total = sum(r["net_gain_yuan"] for r in rows)
    spread = math.sqrt(sum(h * h for h in half)) if half else None
    firm = {
        "shops": len(shops), "finished": len(rows), "failed": len(failed), "pending": len(pending),
        "total_bonus_cost_yuan": sum(r["bonus_cost_yuan"] for r in rows),
        "total_net_gain_yuan": total,
        "total_net_gain_lo": total - spread if spread is not None else None,
        "total_net_gain_hi": total + spread if spread is not None else None,
        "shops_breaching": [r["shop"] for r in rows if r["breaches"]],
        "shops_breaching_today": [r["shop"] for r in rows if r["breaches_today"]],
        "shops_losing_money": [r["shop"] for r in rows if r["loses_money"]],
        "platforms": sorted({str(r["platform"]) for r in rows}),
        "mixed_horizons": len({r["days"] for r in rows}) > 1,
        "days": sorted({r["days"] for r in rows if r["days"] is not None}),
    }
    return {"name": name, "shops": rows, "failed": failed, "pending": pending, "firm": firm}
