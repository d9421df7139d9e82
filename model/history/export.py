"""CSV and XLSX exports with formula-injection cells escaped.

A text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) is run as a formula by
Excel and similar programs (CSV injection, OWASP). Every table this package exports goes through
:func:`safe_cell`, which prefixes such text with a single quote so it is shown as text; numbers are untouched.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(v: Any) -> Any:
    """Escape a text cell that a spreadsheet would run as a formula (numbers and other values unchanged)."""
    if isinstance(v, str) and v.startswith(_TRIGGERS):
        return "'" + v
    return v


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header escaped by :func:`safe_cell`."""
    out = df.copy()
    out.columns = [safe_cell(str(c)) for c in out.columns]
    for c in out.columns:
        if not pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].map(safe_cell)
    if not pd.api.types.is_numeric_dtype(out.index):
        out.index = out.index.map(safe_cell)
    return out


def csv_bytes(df: pd.DataFrame, *, index: bool = False) -> bytes:
    """The table as UTF-8 CSV with a BOM (Excel opens it with the right encoding), cells escaped."""
    return safe_frame(df).to_csv(index=index).encode("utf-8-sig")


def xlsx_bytes(df: pd.DataFrame, *, sheet: str = "data", index: bool = False) -> bytes:
    """The table as an XLSX workbook, cells escaped (openpyxl would otherwise store '=...' as a formula)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as w:
        safe_frame(df).to_excel(w, sheet_name=sheet[:31], index=index)
    return buf.getvalue()
