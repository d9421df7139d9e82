"""Cell parsers: percentages, durations, money, counts, dates and hours as platform exports write them.

Each parser takes one cell (a string from a CSV, or a number/date from Excel) and returns the value in the
model's units (shares 0-1, seconds, yuan, whole counts, :class:`datetime.date`, hour 0-23), or raises
:class:`CellError` whose ``problem`` and ``allowed`` are short keys of :data:`model.history.messages.TEXT`.
An empty cell is ``None`` (missing), never 0.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any


class CellError(ValueError):
    """A cell that cannot be read: ``problem`` (what is wrong) and ``allowed`` (what is accepted) are message keys."""

    def __init__(self, problem: str, allowed: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.allowed = allowed


_EMPTY = frozenset(["", "-", "--", "—", "n/a", "na", "nan", "none", "null", "/"])


def _text(x: Any) -> str:
    return unicodedata.normalize("NFKC", str(x)).strip().replace(" ", "")


def is_empty(x: Any) -> bool:
    """An empty cell (blank, '-', 'N/A', NaN)."""
    if x is None:
        return True
    if isinstance(x, str):
        if x == "":
            return True
        if len(x) > 8 and x[0] not in " \t\u3000" and x[-1] not in " \t\u3000":
            return False  # no empty marker is that long (fast path for ordinary cells)
        return _text(x).lower() in _EMPTY
    return isinstance(x, float) and math.isnan(x)


def _number(s: str, kind: str) -> float:
    s = s.replace(",", "")
    try:
        v = float(s)
    except ValueError:
        raise CellError("not_a_number", f"allowed_{kind}") from None
    if not math.isfinite(v):
        raise CellError("not_a_number", f"allowed_{kind}")
    return v


def parse_share(x: Any) -> float | None:
    """'42%', '42.0%' or 0.42 -> 0.42. A bare number above 1 is refused (write 42% or 0.42), never guessed."""
    if is_empty(x):
        return None
    if isinstance(x, bool):
        raise CellError("not_a_number", "allowed_share")
    if isinstance(x, int | float):
        v = float(x)
        if not math.isfinite(v):
            raise CellError("not_a_number", "allowed_share")
    else:
        s = _text(x)
        if s.endswith("%"):
            v = _number(s[:-1], "share") / 100.0
        else:
            v = _number(s, "share")
    if v < 0:
        raise CellError("negative_share", "allowed_share")
    if v > 1 + 1e-9:
        raise CellError("share_above_1", "allowed_share")
    return min(v, 1.0)


_HMS = re.compile(r"^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$")
_ZH_DUR = re.compile(r"^(?:(\d+(?:\.\d+)?)(?:小时|时|h))?(?:(\d+(?:\.\d+)?)(?:分钟|分|min|m))?"
                     r"(?:(\d+(?:\.\d+)?)(?:秒钟|秒|sec|s))?$")


def parse_seconds(x: Any, minutes: bool = False) -> float | None:
    """'35秒', '0:35', '35s', '1分5秒', '1:02:03' or 35 -> seconds. ``minutes``: bare numbers are minutes."""
    if is_empty(x):
        return None
    scale = 60.0 if minutes else 1.0
    if isinstance(x, dt.time):
        return x.hour * 3600.0 + x.minute * 60.0 + x.second + x.microsecond / 1e6
    if isinstance(x, dt.timedelta):
        v = x.total_seconds()
    elif isinstance(x, bool):
        raise CellError("not_a_number", "allowed_seconds")
    elif isinstance(x, int | float):
        v = float(x) * scale
        if not math.isfinite(v):
            raise CellError("not_a_number", "allowed_seconds")
    else:
        s = _text(x).lower()
        m = _HMS.match(s)
        if m:
            h = float(m.group(1) or 0)
            v = h * 3600 + float(m.group(2)) * 60 + float(m.group(3))
        else:
            m = _ZH_DUR.match(s)
            if m and any(m.groups()):
                h, mi, se = (float(g) if g else 0.0 for g in m.groups())
                v = h * 3600 + mi * 60 + se
            else:
                v = _number(s, "seconds") * scale
    if v < 0:
        raise CellError("negative", "allowed_seconds")
    return v


_MONEY_UNITS = (("亿", 1e8), ("万", 1e4), ("千", 1e3), ("元", 1.0))


def parse_yuan(x: Any) -> float | None:
    """'¥1,234.5', '￥1,234.5', '1,234.5元', '1.2万', '0.3亿' or 1234.5 -> yuan."""
    if is_empty(x):
        return None
    if isinstance(x, bool):
        raise CellError("not_a_number", "allowed_yuan")
    if isinstance(x, int | float):
        v = float(x)
        if not math.isfinite(v):
            raise CellError("not_a_number", "allowed_yuan")
    else:
        s = _text(x).replace("¥", "").replace("￥", "").replace("rmb", "").replace("RMB", "").replace("CNY", "")
        scale = 1.0
        for unit, f in _MONEY_UNITS:
            if s.endswith(unit):
                s, scale = s[: -len(unit)], f
                break
        v = _number(s, "yuan") * scale
    if v < 0:
        raise CellError("negative", "allowed_yuan")
    return v


def parse_count(x: Any) -> float | None:
    """'1,234', '1234人' or 1234 -> 1234.0; a count must be a whole number >= 0."""
    if is_empty(x):
        return None
    if isinstance(x, bool):
        raise CellError("not_a_number", "allowed_count")
    if isinstance(x, int | float):
        v = float(x)
        if not math.isfinite(v):
            raise CellError("not_a_number", "allowed_count")
    else:
        s = _text(x)
        for unit in ("人次", "人", "个", "次", "单"):
            if s.endswith(unit):
                s = s[: -len(unit)]
                break
        v = _number(s, "count")
    if v < 0:
        raise CellError("negative", "allowed_count")
    if abs(v - round(v)) > 1e-9:
        raise CellError("not_whole", "allowed_count")
    return float(round(v))


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?(?:.*)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(x: Any) -> dt.date | None:
    """2026-11-01, 2026/11/1, 2026.11.1, 2026年11月1日, 20261101 or an Excel date -> date."""
    if is_empty(x):
        return None
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    if hasattr(x, "to_pydatetime"):
        return x.to_pydatetime().date()
    s = unicodedata.normalize("NFKC", str(x)).strip()
    if isinstance(x, int | float) and not isinstance(x, bool) and float(x).is_integer():
        s = str(int(x))
    for pat in _DATE_PATTERNS:
        m = pat.match(s)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise CellError("bad_date", "allowed_date") from None
    raise CellError("bad_date", "allowed_date")


_HOUR = re.compile(r"^(\d{1,2})(?::00(?::00)?)?(?:时|点|h)?(?:[-~至到]\d{1,2}(?::00)?(?:时|点|h)?)?$")


def parse_hour(x: Any) -> int | None:
    """10, '10', '10:00', '10时', '10:00-11:00' -> 10 (0-23)."""
    if is_empty(x):
        return None
    if isinstance(x, dt.time):
        return x.hour
    if isinstance(x, int | float) and not isinstance(x, bool):
        if float(x).is_integer() and 0 <= x <= 23:
            return int(x)
        raise CellError("bad_hour", "allowed_hour")
    m = _HOUR.match(_text(x))
    if not m or not 0 <= int(m.group(1)) <= 23:
        raise CellError("bad_hour", "allowed_hour")
    return int(m.group(1))


def parse_text(x: Any) -> str | None:
    """A name cell: stripped text (numbers from Excel are written without '.0')."""
    if is_empty(x):
        return None
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x).strip()


PARSERS = {
    "text": parse_text,
    "date": parse_date,
    "hour": parse_hour,
    "count": parse_count,
    "share": parse_share,
    "seconds": parse_seconds,
    "yuan": parse_yuan,
}


def parse_cell(kind: str, x: Any, *, minutes: bool = False) -> Any:
    """Parse a cell of a field kind (see :data:`model.history.headers.Kind`)."""
    if kind == "seconds":
        return parse_seconds(x, minutes=minutes)
    return PARSERS[kind](x)
