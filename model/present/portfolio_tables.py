"""The portfolio roll-up as rows and as CLI text (zh/en), from the portfolio document
(:func:`model.portfolio.run.run_portfolio`); the deck's slide and the app page read the same rows."""

from __future__ import annotations

from typing import Any

from model.kpicodes import KPI_CODES
from model.present.format import money, pct
from model.present.i18n import norm_lang, t
from model.text import display_width


def platform_name(code: Any, lang: str) -> str:
    key = f"platform.{code}"
    try:
        return t(key, lang)
    except KeyError:
        return str(code)


def _lines(codes: list[str], lang: str) -> str:
    if not codes:
        return "—"
    return ", ".join(KPI_CODES[c].zh if norm_lang(lang) == "zh" and c in KPI_CODES else
                     (KPI_CODES[c].en if c in KPI_CODES else c) for c in codes)


def shop_table(doc: dict[str, Any], lang: str = "zh") -> tuple[list[str], list[list[str]]]:
    """(headers, rows as text) of the per-shop roll-up."""
    heads = [t(k, lang) for k in ("pf.shop", "pf.platform", "pf.recommended", "pf.by", "pf.bonus", "pf.net",
                                  "pf.p_loss", "pf.lines", "pf.days")]
    rows = []
    for r in doc.get("shops") or []:
        flag = " !" if r["loses_money"] else ""
        rows.append([str(r["shop"]), platform_name(r["platform"], lang), str(r["recommended"]),
                     t(f"pf.by.{r['recommended_by']}", lang), money(r["bonus_cost_yuan"], lang),
                     money(r["net_gain_yuan"], lang) + flag, pct(r["p_net_loss"], lang, digits=0),
                     _lines(r["breaches"], lang), str(r["days"])])
    return heads, rows


def firm_lines(doc: dict[str, Any], lang: str = "zh") -> list[tuple[str, str]]:
    """(label, value) pairs of the firm's totals."""
    f = doc["firm"]
    none = t("pf.none", lang)
    ci = "—" if f["total_net_gain_lo"] is None else \
        f"[{money(f['total_net_gain_lo'], lang)}, {money(f['total_net_gain_hi'], lang)}]"
    return [
        (t("pf.shops_n", lang), f"{f['shops']} ({t('pf.finished', lang)} {f['finished']}, "
                                f"{t('pf.failed_n', lang)} {f['failed']})"),
        (t("pf.total_bonus", lang), money(f["total_bonus_cost_yuan"], lang)),
        (t("pf.total_net", lang), f"{money(f['total_net_gain_yuan'], lang)} {ci}"),
        (t("pf.breaching", lang), ", ".join(f["shops_breaching"]) or none),
        (t("pf.breaching_today", lang), ", ".join(f["shops_breaching_today"]) or none),
        (t("pf.losing", lang), ", ".join(f["shops_losing_money"]) or none),
    ]


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def rollup_text(doc: dict[str, Any], lang: str = "zh") -> str:
    """The roll-up as text: the firm's totals, the shops' table, the failed shops with their messages."""
    out = [f"{t('pf.firm', lang)} · {doc.get('name', '')}"]
    for label, value in firm_lines(doc, lang):
        out.append(f"  {label}: {value}")
    heads, rows = shop_table(doc, lang)
    if rows:
        widths = [max(display_width(x) for x in col) for col in zip(heads, *rows, strict=True)]
        out.append("")
        out.append("  ".join(_pad(h, w) for h, w in zip(heads, widths, strict=True)))
        out.append("-" * (sum(widths) + 2 * (len(widths) - 1)))
        out += ["  ".join(_pad(x, w) for x, w in zip(r, widths, strict=True)) for r in rows]
    f = doc["firm"]
    out.append("")
    out.append(t("pf.mixed", lang, days="/".join(map(str, f["days"]))) if f["mixed_horizons"]
               else t("pf.horizon", lang, days="/".join(map(str, f["days"])) or "—"))
    out.append(t("pf.ci_note", lang))
    if doc.get("failed"):
        out.append("")
        out.append(t("pf.failed_title", lang) + ":")
        out += [f"  ✗ {x['shop']}: {x['error']}" for x in doc["failed"]]
    if doc.get("pending"):
        out.append(t("pf.pending", lang, shops=", ".join(doc["pending"])))
    return "\n".join(out)
