"""The platform rule pack in force, in words (zh/en): which pack, which date, which lines (no raw keys).

The Simulate, Compare and Next-month pages and the deck state it (issue 15: "the app states which pack and date
it used"). Pack names are written bilingual in the data files (``淘宝客服响应 Taobao service lines``): the
Chinese part is shown in Chinese, the rest in English.
"""

from __future__ import annotations

import datetime as dt
import re

from model.platform_rules import rules_in_force
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


def line_text(kpi: str, value: float, lang: str, side: str | None = None) -> str:
    """A line in words: ``3分钟回复率 ≥ 80%`` / ``3-minute reply rate ≥ 80%`` (``≤`` for a ``max`` side or, when
    the side is not given, for times)."""
    op = "≤" if side == "max" or (side is None and kpi.endswith("_s")) else "≥"
    return f"{kpi_name(kpi, lang)} {op} {kpi_level(kpi, value, lang)}"


def rules_statement(platform: str | None, day: dt.date | None, lang: str) -> str:
    """Which rule pack and date judge the month, and its lines in force, as one sentence."""
    day = day or dt.date.today()
    r = rules_in_force(platform, day)
    if not r.pack:
        return t("rules.none", lang, date=day.isoformat())
    sep = "；" if lang == "zh" else "; "
    lines = sep.join(line_text(x.kpi, x.value, lang, x.side) for x in r.rules) or t("rules.no_lines", lang)
    out = t("rules.pack", lang, pack=pack_label(r.pack, lang), date=day.isoformat(), lines=lines)
    if r.exempted:
        out += t("rules.exempted", lang, kpis=("、" if lang == "zh" else ", ").join(kpi_name(k, lang)
                                                                                  for k in r.exempted))
    return out
