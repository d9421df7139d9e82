"""Numbers on screen: money the Chinese way in zh (172.8万, 1.2亿), yuan with separators in en, rates as %.

Data stays in yuan, seconds and 0-1 shares; only these functions turn them into text. Missing values
(None, NaN, inf) are shown as a dash.
"""

from __future__ import annotations

import math
from typing import Any

from model.kpicodes import KPI_CODES
from model.present.i18n import norm_lang, t

WAN = 10_000.0
YI = 100_000_000.0


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def _trim(text: str) -> str:
    """Drop trailing zeros of a decimal: '172.80' -> '172.8', '120.0' -> '120'."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def money(yuan: Any, lang: str = "zh", *, digits: int = 1) -> str:
    """Money in yuan as text.

    zh: below 10,000 in yuan ("9,800元"), then 万 ("172.8万") and 亿 ("1.2亿"), ``digits`` decimals at most.
    en: "1,728,000 yuan" (whole yuan from 1,000 up, up to 2 decimals below).

    >>> money(1_728_000), money(120_000_000), money(1_728_000, "en")
    ('172.8万', '1.2亿', '1,728,000 yuan')
    """
    if _missing(yuan):
        return t("unit.none", lang)
    x = float(yuan)
    sign = "-" if x < 0 else ""
    a = abs(x)
    if norm_lang(lang) == "zh":
        wan = round(a / WAN, digits)
        if a >= YI or wan >= WAN:  # 9,999.99万 rounds up to 1亿
            return f"{sign}{_trim(f'{round(a / YI, digits):,.{digits}f}')}亿"
        if a >= WAN - 0.5:  # 9,999.6 yuan shows as 1万, not 10,000元
            return f"{sign}{_trim(f'{wan:,.{digits}f}')}万"
        return f"{sign}{_small(a)}{t('unit.yuan', 'zh')}"
    return f"{sign}{_small(a) if a < 1000 else f'{a:,.0f}'} {t('unit.yuan', 'en')}"


def _small(a: float) -> str:
    if a >= 1000:
        return f"{a:,.0f}"
    return _trim(f"{a:,.2f}")


def pct(share: Any, lang: str = "zh", *, digits: int = 1) -> str:
    """A 0-1 share as a percentage: 0.3985 -> '39.9%'."""
    if _missing(share):
        return t("unit.none", lang)
    return f"{float(share) * 100:.{digits}f}%"


def seconds(s: Any, lang: str = "zh") -> str:
    """A duration: '15.9 秒' / '15.9 s' below a minute, '3.2 分钟' / '3.2 min' from a minute up."""
    if _missing(s):
        return t("unit.none", lang)
    x = float(s)
    if abs(x) < 60:
        return f"{x:.1f} {t('unit.s', lang)}"
    return f"{x / 60:.1f} {t('unit.min', lang)}"


def count(n: Any, lang: str = "zh", *, digits: int = 0) -> str:
    """A count with thousands separators: 30014 -> '30,014'."""
    if _missing(n):
        return t("unit.none", lang)
    return f"{float(n):,.{digits}f}"


def kpi_value(code: str, value: Any, lang: str = "zh") -> str:
    """A KPI value formatted by its unit in the KPI registry (share -> %, yuan -> money, s -> seconds)."""
    unit = KPI_CODES[code].unit if code in KPI_CODES else "ratio"
    if unit == "share":
        return pct(value, lang)
    if unit == "yuan":
        return money(value, lang, digits=2 if code == "aov_yuan" else 1)
    if unit == "s":
        return seconds(value, lang)
    if unit == "count":
        return count(value, lang)
    if _missing(value):
        return t("unit.none", lang)
    return f"{float(value):.2f}"


_MD_SPECIALS = set("\\`*_{}[]()<>#+-.!|~:$=")


def interval_level(doc: dict[str, Any]) -> float:
    """The two-sided level (in %) of a comparison document's intervals (economics.interval_level; 90 by default)."""
    for b in (doc.get("schemes") or {}).values():
        v = b.get("economics_interval_level")
        if isinstance(v, int | float) and math.isfinite(v):
            return 100 * float(v)
    return 90.0


def md_plain(text: object) -> str:
    """User text (a scheme, shop or agent name) for st.markdown/st.caption: every Markdown and directive
    character backslash-escaped, so a name shows as typed and never becomes a link, image, badge or markup."""
    return "".join("\\" + c if c in _MD_SPECIALS else c for c in str(text))


def retimed_names(doc: dict[str, Any]) -> list[str]:
    """The schemes of a comparison document whose runs were re-timed from the base run (``"run": "re-timed"``,
    :mod:`model.retime`), by their labels."""
    return [str(b.get("label") or n) for n, b in (doc.get("schemes") or {}).items() if b.get("run") == "re-timed"]


def retimed_note(doc: dict[str, Any], lang: str) -> str | None:
    """The sentence naming the re-timed schemes (the compare page, the deck's notes, the HTML report), or None
    when every scheme was simulated."""
    names = retimed_names(doc)
    if not names:
        return None
    return t("cmp.retimed", lang, names=("、" if norm_lang(lang) == "zh" else ", ").join(names))
