"""The bot front line in words (zh/en): how much of the traffic the bot resolves alone, the chats the bot and the
agents handle, the key KPIs in the four views (human / bot / all / the platform's counting) against the
platform's lines, and which view each scheme pays on. Reads the run document's ``bot`` block
(:func:`model.document.bot_block`), ``counts``, ``scenario`` and ``scheme_specs``; the deck's bot slide and the
HTML report's bot section both say it with these functions (docs/kpi.md "Bot replies", docs/model.md 4b)."""

from __future__ import annotations

from typing import Any

from model.kpicodes import KPI_CODES
from model.platform_rules import plan_day, rules_for
from model.present.format import count, kpi_value, pct
from model.present.i18n import kpi_label, t
from model.schemes.describe import kpi_level
from model.text import finite as _num

#: The four views of a KPI with the bot (columns of the table).
VIEWS = ("human", "bot", "all", "platform")
#: The KPIs shown besides the platform's lines (which come first).
ROWS = ("three_min_reply_rate", "first_response_s", "reply_rate", "abandon_rate", "good_rating_rate",
        "inquiry_conversion", "sales_yuan")


def has_bot(doc: dict[str, Any]) -> bool:
    """True when the document carries the bot front line's block (the scenario has an active ``[bot]``)."""
    b = doc.get("bot")
    return isinstance(b, dict) and bool(b.get("views"))


def _sep(lang: str) -> str:
    return "、" if lang == "zh" else ", "


def _mean(iv: Any) -> float | None:
    return _num((iv or {}).get("mean")) if isinstance(iv, dict) else _num(iv)


def _platform(doc: dict[str, Any], lang: str) -> str:
    p = (doc.get("scenario") or {}).get("platform")
    try:
        return t(f"platform.{p}", lang)
    except KeyError:
        return str(p or "—")


def chats(doc: dict[str, Any]) -> dict[str, float | None]:
    """Chats per simulated period (the mean over replications): ``all``, ``bot`` (handled by the bot alone) and
    ``human`` (reached the agents)."""
    b = doc.get("bot") or {}
    reps = _num((doc.get("scenario") or {}).get("replications")) or 1.0
    arrived = _num((doc.get("counts") or {}).get("arrived"))
    share = _mean(b.get("handled_by_bot_share"))
    if arrived is None or share is None:
        return {"all": None, "bot": None, "human": None}
    n = arrived / reps
    return {"all": n, "bot": n * share, "human": n * (1.0 - share)}


def pay_basis(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """A scheme's components as ``(kpi code, "human"|"all")``: the view each pays on (``kpi_basis``; human by
    default); components without a KPI are left out."""
    out = []
    for c in spec.get("components") or []:
        kpi = c.get("kpi")
        if kpi:
            out.append((str(kpi), "all" if c.get("kpi_basis") == "all" else "human"))
    return out


def bot_lines(doc: dict[str, Any], lang: str) -> list[str]:
    """The bot's share, the chats by bot and agents, the platform's counting and each scheme's pay basis."""
    b = doc["bot"]
    res = b.get("resolved_share") or {}
    lo, hi = _num(res.get("lo")), _num(res.get("hi"))
    ci = t("deck.bot_ci", lang, lo=pct(lo, lang, digits=0), hi=pct(hi, lang, digits=0)) \
        if lo is not None and hi is not None else ""
    lines = [t("deck.bot_resolved", lang, share=pct(_mean(res), lang, digits=0), ci=ci,
               handed=pct(_mean(b.get("handed_over_share")), lang, digits=0))]
    n = chats(doc)
    if n["all"] is not None:
        lines.append(t("deck.bot_chats", lang, days=(doc.get("scenario") or {}).get("days", "—"),
                       all=count(n["all"], lang), bot=count(n["bot"], lang), human=count(n["human"], lang)))
    counted = [k for k in b.get("counts_bot") or [] if k in KPI_CODES]
    lines.append(t("deck.bot_counts", lang, platform=_platform(doc, lang),
                   kpis=_sep(lang).join(kpi_label(k, lang) for k in counted)) if counted
                 else t("deck.bot_counts_none", lang, platform=_platform(doc, lang)))
    for name, spec in (doc.get("scheme_specs") or {}).items():
        comps = pay_basis(spec)
        if not comps:
            continue
        kpis = _sep(lang).join(dict.fromkeys(kpi_label(k, lang) for k, _ in comps))
        kinds = {v for _, v in comps}
        key = "deck.bot_pays_mixed" if len(kinds) > 1 else f"deck.bot_pays_{kinds.pop()}"
        lines.append(t(key, lang, scheme=name, kpis=kpis))
    return lines


def line_level(code: str, value: float, side: str, lang: str) -> str:
    """A platform line beside its KPI: "≥ 40%" (as the deck's current-state table)."""
    return ("≥ " if side == "min" else "≤ ") + kpi_level(code, value, lang)


def bot_rows(doc: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """The KPI table: one row per KPI (the platform's lines first), the four views and the platform's line."""
    views = doc["bot"]["views"]
    platform = (doc.get("scenario") or {}).get("platform")
    rules = {r.kpi: r for r in rules_for(platform, plan_day(doc.get("plan")))}
    codes = [k for k in dict.fromkeys([*rules, *ROWS]) if any(k in (views.get(v) or {}) for v in VIEWS)]
    heads = [t("deck.kpi", lang), *(t(f"deck.bot_view.{v}", lang) for v in VIEWS), t("deck.platform", lang)]
    rows = []
    for code in codes:
        r = rules.get(code)
        rows.append([kpi_label(code, lang), *(kpi_value(code, _mean((views.get(v) or {}).get(code)), lang)
                                              for v in VIEWS),
                     line_level(code, r.value, r.side, lang) if r is not None else t("deck.none", lang)])
    return heads, rows


def bot_notes(doc: dict[str, Any], lang: str) -> str:
    """What the four views mean and where the platform's counting rule comes from (the speaker notes)."""
    b = doc["bot"]
    counted = [k for k in b.get("counts_bot") or [] if k in KPI_CODES]
    lines = [t("deck.bot_views_note", lang),
             t("deck.bot_platform_note", lang, platform=_platform(doc, lang),
               kpis=_sep(lang).join(kpi_label(k, lang) for k in counted) if counted else t("deck.none", lang))]
    if b.get("source"):
        lines.append(t("deck.bot_source", lang, source=b["source"]))
    return "\n".join(lines)
