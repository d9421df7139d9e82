"""Validation: map headers to fields, parse every cell, and report row by row what is wrong and what is allowed.

Bad rows are never dropped or altered silently: with ``skip_bad_rows=False`` (the default) the import stops
with the report (:class:`HistoryError`); with ``skip_bad_rows=True`` it goes on without the listed rows and the
:class:`History` carries a note that every output repeats. Totals rows (合计 / 总计 / 平均) are recognised and
left out, with a note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
from model.history.read import MAX_BYTES, RawTable, read_bytes, read_path
from model.history.report import HistoryError, ImportReport, Problem

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
    if isinstance(source, bytes | bytearray):
        raw = read_bytes(bytes(source), name or "upload.csv", sheet=sheet, mapping=mapping, max_bytes=max_bytes)
    else:
        raw = read_path(source, sheet=sheet, mapping=mapping, max_bytes=max_bytes)
    return validate(raw, mapping=mapping, skip_bad_rows=skip_bad_rows)


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
    records: list[dict[str, Any]] = []
    for n, cells in zip(raw.row_numbers, raw.rows, strict=True):
        first = next((c for c in cells if not is_empty(c)), "")
        if is_total_word(cells[cols["agent"]]) or is_total_word(cells[cols["date"]]) or is_total_word(first):
            report.totals_rows.append(n)
            continue
        rec: dict[str, Any] = {"row": n}
        for code in codes:
            j = cols[code]
            f = FIELD_BY_CODE[code]
            cell = cells[j]
            try:
                rec[code] = parse_cell(f.kind, cell, minutes=minutes_header(raw.headers[j]))
            except CellError as e:
                report.problems.append(Problem(n, raw.headers[j], _show(cell), e.problem, e.allowed))
                rec[code] = None
        for code, key in (("agent", "empty_agent"), ("date", "empty_date")):
            if rec.get(code) is None and not _has_problem(report, n, raw.headers[cols[code]]):
                report.problems.append(Problem(n, raw.headers[cols[code]], "", key,
                                               "allowed_text" if code == "agent" else "allowed_date"))
        _row_checks(rec, raw, cols, volume, report)
        records.append(rec)
    if report.totals_rows:
        report.notes.append(("note_totals", {"rows": ", ".join(map(str, report.totals_rows))}))
    if not records:
        raise HistoryError(raw.name, "file_header_only", report=report)
    _duplicates(records, raw, cols, report)
    report.problems.sort(key=lambda p: (p.row or 0))
    bad = set(report.problem_rows)
    if bad and not skip_bad_rows:
        raise HistoryError(raw.name, "stop", report=report, n=len(report.problems))
    if bad:
        report.skipped_rows = sorted(bad)
        report.notes.insert(0, ("note_skipped", {"rows": _rows_text(report.skipped_rows),
                                                 "n": len(report.skipped_rows)}))
    kept = [r for r in records if r["row"] not in bad]
    if not kept:
        raise HistoryError(raw.name, "file_header_only", report=report)
    data = pd.DataFrame(kept, columns=["row"] + codes)
    for code in codes:
        if FIELD_BY_CODE[code].kind not in ("text", "date", "hour"):
            data[code] = data[code].astype(float)
    if "hour" in data.columns:
        data["hour"] = data["hour"].astype(int)
    data["row"] = data["row"].astype(int)
    return History(name=raw.name, data=data.reset_index(drop=True), raw=raw_frame(raw),
                   columns={c: raw.headers[j] for c, j in cols.items()}, report=report, encoding=raw.encoding,
                   sheet=raw.sheet, sheets=tuple(raw.sheets))


def raw_frame(raw: RawTable) -> pd.DataFrame:
    """The data rows as written (text), indexed by file row number, columns = the file's headers (made unique)."""
    return pd.DataFrame([[_show(c) for c in r] for r in raw.rows], index=pd.Index(raw.row_numbers, name="row"),
                        columns=_unique(raw.headers))


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


def _has_problem(report: ImportReport, row: int, column: str) -> bool:
    return any(p.row == row and p.column == column for p in report.problems)


def _row_checks(rec: dict[str, Any], raw: RawTable, cols: dict[str, int], volume: str,
                report: ImportReport) -> None:
    """Volume present; paid buyers and orderers not above inquirers; values present where volume > 0."""
    n = rec["row"]
    inq = rec.get(volume)
    vol_header = raw.headers[cols[volume]]
    if inq is None:
        if not _has_problem(report, n, vol_header):
            report.problems.append(Problem(n, vol_header, "", "no_volume", "allowed_volume"))
        return
    base = rec.get("inquiries", inq)
    if inq > 0:
        for code, j in cols.items():
            kind = FIELD_BY_CODE[code].kind
            if kind in ("text", "date", "hour") or rec.get(code) is not None or code == volume:
                continue
            if not _has_problem(report, n, raw.headers[j]):
                report.problems.append(Problem(n, raw.headers[j], "", "empty_value", f"allowed_{kind}"))
    for code, key, name in (("paid_buyers", "paid_above_inquiries", "paid"), ("orders", "orders_above_inquiries",
                                                                            "orders")):
        v = rec.get(code)
        if v is not None and base is not None and v > base:
            report.problems.append(Problem(n, raw.headers[cols[code]], _show(raw_cell(raw, n, cols[code])), key,
                                           "allowed_consistent", {name: v, "inq": base}))


def raw_cell(raw: RawTable, row: int, j: int) -> Any:
    """The cell of a file row and column index."""
    return raw.rows[raw.row_numbers.index(row)][j]


def _duplicates(records: list[dict[str, Any]], raw: RawTable, cols: dict[str, int], report: ImportReport) -> None:
    keys = ["agent", "date"] + (["hour"] if "hour" in cols else [])
    groups: dict[tuple, list[int]] = {}
    for r in records:
        if any(r.get(k) is None for k in keys):
            continue
        groups.setdefault(tuple(r[k] for k in keys), []).append(r["row"])
    for key, rows in groups.items():
        if len(rows) < 2:
            continue
        for n in rows:
            report.problems.append(Problem(n, raw.headers[cols["agent"]], str(key[0]), "duplicate", "allowed_unique",
                                           {"rows": ", ".join(map(str, rows))}))


def volume_column(h: History) -> str:
    """The field that gives the inquiry volume: ``inquiries``, else ``receptions``."""
    return "inquiries" if h.has("inquiries") else "receptions"
