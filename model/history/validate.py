"""Validation: map headers to fields, parse every cell, and report row by row what is wrong and what is allowed.

Bad rows are never dropped or altered silently: with ``skip_bad_rows=False`` (the default) the import stops
with the report (:class:`HistoryError`); with ``skip_bad_rows=True`` it goes on without the listed rows and the
:class:`History` carries a note that every output repeats. Totals rows (合计 / 总计 / 平均) are recognised and
left out, with a note.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.history.headers import (
    FIELD_BY_CODE,
    FIELDS,
    REQUIRED,
    VOLUME_ANY,
    is_total_word,
    match_header,
    minutes_header,
    norm_header,
)
from model.history.parse import CellError, is_empty, parse_cell
from model.history.problems import HistoryError, ImportReport, Problem
from model.history.read import MAX_BYTES, RawTable, read_bytes, read_path

#: Codes a header can be mapped to by hand.
MAPPABLE = tuple(f.code for f in FIELDS)


@dataclass
class History:
    """An imported KPI history: one row per agent and day (or hour), values in the model's units.

    Attributes:
        name: the file name.
        data: columns ``row`` (file row number), ``agent`` (name), ``date`` (datetime.date), ``hour`` (if hourly)
            and one float column per imported field code (NaN = empty cell on a day without volume).
        raw: the data rows as written (strings), indexed by file row number, columns = the file's headers.
        columns: field code -> the header it was read from.
        report: problems (empty unless rows were skipped on request), skipped rows, totals rows, notes.
        encoding: the detected text encoding (CSV) or None.
        sheet: the sheet read (XLSX) or None; sheets: every sheet.
    """

    name: str
    data: pd.DataFrame
    raw: pd.DataFrame
    columns: dict[str, str]
    report: ImportReport
    encoding: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()

    @property
    def hourly(self) -> bool:
        """The export has an hour column (intraday data)."""
        return "hour" in self.data.columns

    @property
    def agents(self) -> list[str]:
        """Agent names in order of first appearance."""
        return list(dict.fromkeys(self.data["agent"]))

    @property
    def dates(self) -> list[dt.date]:
        """Every calendar day from the first to the last date in the export."""
        d0, d1 = min(self.data["date"]), max(self.data["date"])
        return [d0 + dt.timedelta(days=i) for i in range((d1 - d0).days + 1)]

    @property
    def days(self) -> int:
        """Length of the history in days (first to last date)."""
        return len(self.dates)

    def has(self, code: str) -> bool:
        """The export has this field."""
        return code in self.columns

    def notes(self, lang: str = "zh") -> list[str]:
        """Notes that every output repeats (skipped rows first)."""
        return self.report.note_lines(lang)


def parse_mapping(items: list[str] | None, file: str = "<command line>") -> dict[str, str]:
    """``header=code`` strings (``--map``) -> {header: code}, with clear errors."""
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise HistoryError(file, "bad_map", item=item, why="needs header=code", codes=", ".join(MAPPABLE))
        h, code = (x.strip() for x in item.rsplit("=", 1))
        if not h or code not in FIELD_BY_CODE:
            raise HistoryError(file, "bad_map", item=item, why=f"unknown code '{code}'" if h else "empty header",
                               codes=", ".join(MAPPABLE))
        out[h] = code
    return out


def load_history(source: str | Path | bytes, name: str | None = None, *, sheet: str | None = None,
                 mapping: dict[str, str] | None = None, skip_bad_rows: bool = False,
                 max_bytes: int = MAX_BYTES) -> History:
    """Import a KPI export (CSV or XLSX) and validate it.

    Args:
        source: a path, or the file's bytes (then ``name`` gives the file name and type).
        name: file name for bytes input.
        sheet: XLSX sheet to read (default: the first with a recognisable header; the choice is noted).
        mapping: header -> field code for headers not in the table (:data:`MAPPABLE`).
        skip_bad_rows: go on without the rows that have problems (they are listed in the notes).
        max_bytes: size limit.

    Returns:
        The validated history.

    Raises:
        HistoryError: a file-level problem, missing columns, or (without ``skip_bad_rows``) row problems.
    """
    mapping = dict(mapping or {})
    with bulk():
        if isinstance(source, bytes | bytearray):
            raw = read_bytes(bytes(source), name or "upload.csv", sheet=sheet, mapping=mapping, max_bytes=max_bytes)
        else:
            raw = read_path(source, sheet=sheet, mapping=mapping, max_bytes=max_bytes)
        return validate(raw, mapping=mapping, skip_bad_rows=skip_bad_rows)


@contextlib.contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file's cells become many small objects (no cycles are made;
    the collector would otherwise run hundreds of times and more than double the import time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def column_map(headers: list[str], mapping: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    """field code -> column index (first column wins), and the headers left unmapped."""
    norm_map = {norm_header(k): v for k, v in mapping.items()}
    cols: dict[str, int] = {}
    unknown = []
    for j, h in enumerate(headers):
        code = mapping.get(h) or norm_map.get(norm_header(h)) or match_header(h)
        if code is None or code in cols:
            unknown.append(h)
            continue
        cols[code] = j
    return cols, unknown


def validate(raw: RawTable, *, mapping: dict[str, str] | None = None, skip_bad_rows: bool = False) -> History:
    """Validate a read table into a :class:`History` (see :func:`load_history`)."""
    cols, unknown = column_map(raw.headers, mapping or {})
    missing = [c for c in REQUIRED if c not in cols]
    volume = next((c for c in ("inquiries", "receptions") if c in cols), None)
    if volume is None:
        missing.append(" / ".join(VOLUME_ANY))
    if missing:
        labels = [f"{m} ({FIELD_BY_CODE[m].headers[0]})" if m in FIELD_BY_CODE else
                  f"{m} (询单人数 / 接待人数)" for m in missing]
        raise HistoryError(raw.name, "missing_columns", missing=", ".join(labels),
                           found=", ".join(raw.headers))
    report = ImportReport()
    if raw.sheet is not None and len(raw.sheets) > 1:
        report.notes.append(("note_sheet", {"sheet": raw.sheet, "n": len(raw.sheets), "sheets": ", ".join(raw.sheets)}))
    if raw.encoding:
        report.notes.append(("note_encoding", {"encoding": raw.encoding}))
    if unknown:
        report.notes.append(("note_unknown", {"headers": ", ".join(unknown)}))
    codes = list(cols)
    first = [next((c for c in cells if not is_empty(c)), "") for cells in raw.rows]
    total = _memo(is_total_word)
    keep_idx = [i for i, cells in enumerate(raw.rows)
                if not (total(cells[cols["agent"]]) or total(cells[cols["date"]]) or total(first[i]))]
    kept = set(keep_idx)
    report.totals_rows = [raw.row_numbers[i] for i in range(len(raw.rows)) if i not in kept]
    if report.totals_rows:
        report.notes.append(("note_totals", {"rows": ", ".join(map(str, report.totals_rows))}))
    if not keep_idx:
        raise HistoryError(raw.name, "file_header_only", report=report)
    rows = np.array([raw.row_numbers[i] for i in keep_idx])
    flagged: set[tuple[int, str]] = set()

    def add(i: int, header: str, value: str, problem: str, allowed: str, **fmt: Any) -> None:
        report.problems.append(Problem(int(rows[i]), header, value, problem, allowed, fmt))
        flagged.add((int(rows[i]), header))

    parsed: dict[str, list[Any]] = {}
    for code in codes:  # column by column; every distinct cell is parsed once
        j = cols[code]
        kind = FIELD_BY_CODE[code].kind
        minutes = minutes_header(raw.headers[j])
        cache: dict[Any, tuple[Any, CellError | None]] = {}
        out: list[Any] = []
        for i, k in enumerate(keep_idx):
            cell = raw.rows[k][j]
            key = _key(cell)
            hit = cache.get(key) if key is not None else None
            if hit is None:
                try:
                    hit = (parse_cell(kind, cell, minutes=minutes), None)
                except CellError as e:
                    hit = (None, e)
                if key is not None:
                    cache[key] = hit
            value, err = hit
            if err is not None:
                add(i, raw.headers[j], _show(cell), err.problem, err.allowed)
            out.append(value)
        parsed[code] = out
    for code, key in (("agent", "empty_agent"), ("date", "empty_date")):
        h = raw.headers[cols[code]]
        for i, v in enumerate(parsed[code]):
            if v is None and (int(rows[i]), h) not in flagged:
                add(i, h, "", key, "allowed_text" if code == "agent" else "allowed_date")
    data = pd.DataFrame({"row": rows, **parsed})
    for code in codes:
        if FIELD_BY_CODE[code].kind not in ("text", "date", "hour"):
            data[code] = pd.to_numeric(data[code], errors="coerce").astype(float)
    _row_checks(data, raw, cols, volume, add, flagged)
    _duplicates(data, raw, cols, add)
    report.problems.sort(key=lambda p: (p.row or 0))
    bad = set(report.problem_rows)
    if bad and not skip_bad_rows:
        raise HistoryError(raw.name, "stop", report=report, n=len(report.problems))
    if bad:
        report.skipped_rows = sorted(bad)
        report.notes.insert(0, ("note_skipped", {"rows": _rows_text(report.skipped_rows),
                                                 "n": len(report.skipped_rows)}))
    data = data[~data["row"].isin(bad)]
    if data.empty:
        raise HistoryError(raw.name, "file_header_only", report=report)
    if "hour" in data.columns:
        data["hour"] = data["hour"].astype(int)
    data["row"] = data["row"].astype(int)
    return History(name=raw.name, data=data.reset_index(drop=True), raw=raw_frame(raw),
                   columns={c: raw.headers[j] for c, j in cols.items()}, report=report, encoding=raw.encoding,
                   sheet=raw.sheet, sheets=tuple(raw.sheets))


def raw_frame(raw: RawTable) -> pd.DataFrame:
    """The data rows as written (text), indexed by file row number, columns = the file's headers (made unique)."""
    df = pd.DataFrame(raw.rows, index=pd.Index(raw.row_numbers, name="row"), columns=_unique(raw.headers),
                      dtype=object)
    for c in df.columns:
        if pd.api.types.infer_dtype(df[c], skipna=False) != "string":  # Excel numbers/dates: as text
            df[c] = df[c].map(_show)
    return df


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def _rows_text(rows: list[int]) -> str:
    return ", ".join(map(str, rows[:30])) + (" ..." if len(rows) > 30 else "")


def _show(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime) and cell.time() == dt.time(0):
        return cell.date().isoformat()
    return str(cell)


def _key(cell: Any) -> Any:
    """A cache key for a cell (strings as themselves; other values with their type); None if unhashable."""
    if type(cell) is str:
        return cell
    try:
        hash(cell)
    except TypeError:
        return None
    return (type(cell), cell)


def _memo(fn: Any) -> Any:
    cache: dict[Any, Any] = {}

    def f(x: Any) -> Any:
        key = _key(x)
        if key is None:
            return fn(x)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = fn(x)
        return hit

    return f


def _row_checks(data: pd.DataFrame, raw: RawTable, cols: dict[str, int], volume: str, add: Any,
                flagged: set[tuple[int, str]]) -> None:
    """Volume present; values present where the day has volume; paid buyers and orderers <= inquirers."""
    rows = data["row"].to_numpy()
    vol = data[volume].to_numpy(float)
    vol_header = raw.headers[cols[volume]]
    for i in np.flatnonzero(np.isnan(vol)):
        if (int(rows[i]), vol_header) not in flagged:
            add(int(i), vol_header, "", "no_volume", "allowed_volume")
    busy = np.nan_to_num(vol) > 0
    for code, j in cols.items():
        kind = FIELD_BY_CODE[code].kind
        if kind in ("text", "date", "hour") or code == volume:
            continue
        for i in np.flatnonzero(data[code].isna().to_numpy() & busy):
            if (int(rows[i]), raw.headers[j]) not in flagged:
                add(int(i), raw.headers[j], "", "empty_value", f"allowed_{kind}")
    base = data["inquiries"].to_numpy(float) if "inquiries" in data.columns else vol
    for code, key, name in (("paid_buyers", "paid_above_inquiries", "paid"),
                            ("orders", "orders_above_inquiries", "orders")):
        if code not in data.columns:
            continue
        v = data[code].to_numpy(float)
        with np.errstate(invalid="ignore"):
            over = v > base
        for i in np.flatnonzero(over):
            add(int(i), raw.headers[cols[code]], _show(v[i]), key, "allowed_consistent",
                **{name: float(v[i]), "inq": float(base[i])})


def _duplicates(data: pd.DataFrame, raw: RawTable, cols: dict[str, int], add: Any) -> None:
    """Every row of a duplicated agent-day (agent-day-hour) is a problem naming all rows involved."""
    keys = ["agent", "date"] + (["hour"] if "hour" in cols else [])
    ok = data[keys].notna().all(axis=1)
    dup = data[ok & data.duplicated(keys, keep=False)]
    if dup.empty:
        return
    pos = {r: i for i, r in enumerate(data["row"].to_numpy())}
    for _, g in dup.groupby(keys, sort=False):
        rows = ", ".join(map(str, g["row"]))
        for r, agent in zip(g["row"], g["agent"], strict=True):
            add(pos[r], raw.headers[cols["agent"]], str(agent), "duplicate", "allowed_unique", rows=rows)


def volume_column(h: History) -> str:
    """The field that gives the inquiry volume: ``inquiries``, else ``receptions``."""
    return "inquiries" if h.has("inquiries") else "receptions"
