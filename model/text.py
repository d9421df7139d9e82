"""Display width of text in a terminal: CJK (East Asian wide / full-width) characters take two columns.

Used by the CLI tables so that Chinese and English columns line up.
"""

from __future__ import annotations

import math
import unicodedata


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (wide and full-width characters count 2, combining marks 0)."""
    w = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def ljust(text: str, width: int) -> str:
    """Left-align to a display width (at least one space after the text)."""
    return text + " " * max(1, width - display_width(text))


def rjust(text: str, width: int) -> str:
    """Right-align to a display width (no padding when the text is wider)."""
    return " " * max(0, width - display_width(text)) + text


def truncate(text: str, width: int) -> str:
    """Cut a text to a display width, marking a cut with an ellipsis."""
    if display_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def finite(x: object) -> float | None:
    """``x`` as a float, or None when it is missing, not a number, NaN or infinite (JSON nulls, "—" cells)."""
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None
