"""The platform rule pack in force, in words (zh/en): which pack, which date, which lines (no raw keys).

The Simulate, Compare and Next-month pages and the deck state it (issue 15: "the app states which pack and date
it used"). Pack names are written bilingual in the data files (``淘宝客服响应 Taobao service lines``): the
Chinese part is shown in Chinese, the rest in English.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from model.platform_rules import InForce, changes_within, plan_day, rules_in_force
from model.present.i18n import t
from model.schemes.describe import kpi_level, kpi_name

_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def pack_label(name: str, lang: str) -> str:
    """The pack's name in one language: ``淘宝客服响应 Taobao service lines`` -> zh ``淘宝客服响应``, en ``Taobao
    service lines`` (a name in one language is shown as it is)."""
    words = name.split()
    zh = [w for w in words if _CJK.search(w)]
    en = [w for w in words if not _CJK.search(w)]
    if not zh or not en:
        return name
    return " ".join(zh) if lang == "zh" else " ".join(en)


#: Lines on KPIs the model does not compute (a pack's older rules): their names, and they are never checked.
UNCOMPUTED = {"five_min_reply_rate": "rules.kpi.five_min_reply_rate"}


def line_text(kpi: str, value: float, lang: str, side: str | None = None) -> str:
    """A line in words: ``3分钟回复率 ≥ 80%`` / ``3-minute reply rate ≥ 80%`` (``≤`` for a ``max`` side or, when
    the side is not given, for times); a KPI the model does not compute is named and said to be unchecked."""
    op = "≤" if side == "max" or (side is None and kpi.endswith("_s")) else "≥"
    if kpi in UNCOMPUTED:
        return t(UNCOMPUTED[kpi], lang) + f" {op} {100 * value:.0f}%" + t("rules.uncomputed", lang)
    return f"{kpi_name(kpi, lang)} {op} {kpi_level(kpi, value, lang)}"


def _lines(r: InForce, lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    out = sep.join(line_text(x.kpi, x.value, lang, x.side) for x in r.rules) or t("rules.no_lines", lang)
    if r.exempted:
        out += t("rules.exempted", lang, kpis=("、" if lang == "zh" else ", ").join(kpi_name(k, lang)
                                                                                  for k in r.exempted))
    return out


def rules_statement(platform: str | None, day: dt.date | None, lang: str, *, days: int | None = None,
                    planned: bool | None = None) -> str:
    """Which rule pack and date judge the month, and its lines in force, as one sentence; with ``days`` (the
    simulated horizon from ``day``), each date inside it where the rules change (a line starts or ends, an
    exemption begins or is over). ``planned`` (default: a ``day`` is given) says the date is the planned
    month's first, not today."""
    planned = day is not None if planned is None else planned
    day = day or dt.date.today()
    r = rules_in_force(platform, day)
    if not r.pack:
        return t("rules.none", lang, date=day.isoformat())
    date = day.isoformat() + (t("rules.planned", lang) if planned else "")
    out = t("rules.pack", lang, pack=pack_label(r.pack, lang), date=date, lines=_lines(r, lang))
    for ch in changes_within(platform, day, days or 0):
        out += t("rules.change", lang, date=ch.date.isoformat(), lines=_lines(ch, lang))
    return out


def doc_rules_statement(doc: dict[str, Any], lang: str, *, plan: Any = None) -> str:
    """:func:`rules_statement` for a run or comparison document: a planned month (``plan``: the scenario's
    ``meta.plan``, else the document's ``plan``) is judged by the pack in force on its first date, with the
    changes inside its days; any other by today's."""
    sc = doc.get("scenario") or {}
    day = plan_day(plan if plan is not None else doc.get("plan"))
    return rules_statement(sc.get("platform"), day, lang, days=sc.get("days") if day else None)
