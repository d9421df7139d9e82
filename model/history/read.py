"""Reading an export: size limit, text encoding (charset-normalizer), CSV dialect, XLSX sheet choice, header row.

The result is the table as written (cells untouched) with the file row number of every row, so the report can
point at the row a manager sees in Excel or a text editor (1 = first line; a title line above the header
counts). Nothing here interprets values; :mod:`model.history.validate` does.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.history.headers import match_header, norm_header
from model.history.parse import is_empty
from model.history.problems import HistoryError

#: Largest export accepted (bytes). A month of 50 agents x 24 hours is about 3 MB as CSV.
MAX_BYTES = 20 * 1024 * 1024
#: Most rows an export may have (a month of 50 agents x 24 hours x 31 days is 37,200).
MAX_ROWS = 1_000_000
#: Most cells in one row (an export has a few dozen columns).
MAX_COLUMNS = 1_000
#: Largest uncompressed content of an XLSX workbook, checked in the zip directory before it is opened
#: (a zip bomb declares gigabytes in a few kilobytes).
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
#: Rows searched for the header (exports often put a title and a date range above it).
HEADER_SCAN_ROWS = 15


@dataclass
class RawTable:
    """The export as read.

    Attributes:
        name: file name (for messages).
        headers: header cells as written.
        rows: data rows (cells as read: text from CSV, numbers/dates/text from XLSX), padded to the headers.
        row_numbers: the file row number of each data row.
        header_row: the file row number of the header.
        encoding: the text encoding detected (CSV) or None (XLSX).
        sheet: the sheet read (XLSX) or None.
        sheets: every sheet in the workbook (XLSX).
    """

    name: str
    headers: list[str]
    rows: list[list[Any]]
    row_numbers: list[int]
    header_row: int
    encoding: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)


def human_size(n: float) -> str:
    """Bytes as '20 MB' / '512 KB'."""
    for unit, f in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= f:
            return f"{n / f:.3g} {unit}"
    return f"{int(n)} B"


def check_size(name: str, size: int, max_bytes: int = MAX_BYTES) -> None:
    """Refuse a file above the limit before reading it."""
    if size > max_bytes:
        raise HistoryError(name, "file_too_large", size=human_size(size), limit=human_size(max_bytes))


def read_path(path: str | Path, **kw: Any) -> RawTable:
    """Read an export file from disk (the size is checked before the file is read)."""
    p = Path(path)
    if not p.exists():
        raise HistoryError(str(path), "file_unreadable", why="file not found / 文件不存在")
    if p.is_dir():
        raise HistoryError(str(path), "file_unreadable", why="a folder / 是文件夹")
    check_size(str(path), p.stat().st_size, kw.get("max_bytes", MAX_BYTES))
    try:
        data = p.read_bytes()
    except OSError as e:
        raise HistoryError(str(path), "file_unreadable", why=e.strerror) from None
    return read_bytes(data, str(path), **kw)


def read_bytes(data: bytes, name: str, *, sheet: str | None = None, mapping: dict[str, str] | None = None,
               max_bytes: int = MAX_BYTES) -> RawTable:
    """Read an export given as bytes (an upload or a file's content).

    Args:
        data: the file content.
        name: the file name; its extension decides CSV (.csv, .txt, .tsv) or XLSX (.xlsx, .xlsm).
        sheet: the XLSX sheet to read (default: the first sheet with a recognisable header).
        mapping: extra header -> field code mappings (they count when the header row is searched).
        max_bytes: size limit.

    Raises:
        HistoryError: too large, empty, unreadable, unknown type, no header row, missing sheet.
    """
    check_size(name, len(data), max_bytes)
    ext = Path(name).suffix.lower()
    if not data.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise HistoryError(name, "file_empty")
    if ext in (".xlsx", ".xlsm"):
        return _read_xlsx(data, name, sheet, mapping or {})
    if ext == ".xls":
        raise HistoryError(name, "file_xls")
    if ext not in (".csv", ".txt", ".tsv", ""):
        raise HistoryError(name, "file_type", ext=ext)
    text, enc = decode(data, name)
    return _read_csv(text, enc, name, mapping or {})


# ------------------------------------------------------------------------------------------------ text
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8-BOM"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))


def decode(data: bytes, name: str = "<file>") -> tuple[str, str]:
    """Decode an export's text: a BOM, then strict UTF-8, then charset-normalizer's best guess.

    Returns:
        (text, encoding label such as "UTF-8", "UTF-8-BOM", "UTF-16", "GB18030").

    Raises:
        HistoryError: no encoding fits, or lines are in different encodings (rows named).
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), label
            except UnicodeDecodeError:
                raise HistoryError(name, "file_encoding", rows=_mixed_rows(data) or "?") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    mixed = _mixed_rows(data)
    if mixed:
        raise HistoryError(name, "file_encoding", rows=mixed)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise HistoryError(name, "file_encoding", rows="?")
    enc = best.encoding
    if enc.replace("_", "").lower() in ("gb2312", "gbk", "hz", "gb18030"):
        enc = "gb18030"  # the superset: GBK/GB2312 exports decode identically
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        raise HistoryError(name, "file_encoding", rows="?") from None
    return text, enc.upper().replace("_", "-")


def _cjk_share(text: str) -> float:
    """Share of the non-ASCII characters that are CJK ideographs or CJK/full-width punctuation."""
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return 0.0
    return sum(1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f"
               or "\uff00" <= c <= "\uffef" or "\u3400" <= c <= "\u4dbf") / len(wide)


def _utf8_line(line: bytes) -> bool:
    """True when the line is UTF-8 text; a GB18030 line whose bytes happen to be valid UTF-8 (询单 is) is not:
    the encoding that reads more of it as Chinese wins."""
    try:
        as_utf8 = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    try:
        as_gb = line.decode("gb18030")
    except UnicodeDecodeError:
        return True
    return _cjk_share(as_utf8) >= _cjk_share(as_gb)


def _mixed_rows(data: bytes) -> str:
    """Rows (1-based) whose encoding differs from the others: some non-ASCII lines are UTF-8, others are not."""
    utf8, other = [], []
    for i, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        if _utf8_line(line):
            utf8.append(i)
        else:
            other.append(i)
    if utf8 and other:
        minority = utf8 if len(utf8) <= len(other) else other
        return ", ".join(map(str, minority[:10])) + (" ..." if len(minority) > 10 else "")
    return ""


def _read_csv(text: str, enc: str, name: str, mapping: dict[str, str]) -> RawTable:
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    numbered: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for rec in reader:
            numbered.append((start, rec))
            start = reader.line_num + 1
            if len(numbered) > MAX_ROWS:
                raise HistoryError(name, "file_too_many_rows", limit=f"{MAX_ROWS:,}")
    except csv.Error as e:
        raise HistoryError(name, "file_unreadable", why=f"CSV row {start}: {e}") from None
    return _table(numbered, name, mapping, encoding=enc)


# ------------------------------------------------------------------------------------------------ xlsx
def _read_xlsx(data: bytes, name: str, sheet: str | None, mapping: dict[str, str]) -> RawTable:
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise HistoryError(name, "file_unreadable", why=f"not a valid XLSX workbook ({type(e).__name__})") from None
    if unpacked > MAX_XLSX_UNCOMPRESSED:
        raise HistoryError(name, "file_xlsx_unpacked", size=human_size(unpacked),
                           limit=human_size(MAX_XLSX_UNCOMPRESSED))
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise HistoryError(name, "file_unreadable", why=f"not a valid XLSX workbook ({type(e).__name__})") from None
    try:
        sheets = list(wb.sheetnames)
        if sheet is not None and sheet not in sheets:
            raise HistoryError(name, "no_sheet", sheet=sheet, sheets=", ".join(sheets))
        order = [sheet] if sheet is not None else sheets
        fallback: RawTable | None = None
        first_error: HistoryError | None = None
        for sh in order:
            ws = wb[sh]
            numbered = _xlsx_rows(ws, name)
            try:
                t = _table(numbered, name, mapping, sheet=sh, sheets=sheets)
            except HistoryError as e:
                first_error = first_error or e
                continue
            codes = {mapping.get(h) or match_header(h) for h in t.headers}
            if {"agent", "date"} <= codes:
                return t
            fallback = fallback or t
        if fallback is not None:
            return fallback
        assert first_error is not None
        raise first_error
    finally:
        wb.close()


def _xlsx_rows(ws: Any, name: str) -> list[tuple[int, list[Any]]]:
    """A read-only sheet's rows, bounded: the declared dimension is ignored (a sheet may declare A1:XFD1048576
    and pad every row to 16,384 cells), rows and cells are counted as they are read."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    out: list[tuple[int, list[Any]]] = []
    for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if len(row) > MAX_COLUMNS:
            cells = list(row)
            while cells and cells[-1] is None:
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise HistoryError(name, "file_too_many_columns", row=i, limit=f"{MAX_COLUMNS:,}")
            row = tuple(cells)
        out.append((i, ["" if v is None else v for v in row]))
        if len(out) > MAX_ROWS:
            raise HistoryError(name, "file_too_many_rows", limit=f"{MAX_ROWS:,}")
    return out


# ------------------------------------------------------------------------------------------------ table
def _score(cells: list[Any], mapping: dict[str, str]) -> int:
    codes = set()
    for c in cells:
        if isinstance(c, str) and c.strip():
            code = mapping.get(c.strip()) or mapping.get(norm_header(c)) or match_header(c)
            if code:
                codes.add(code)
    return len(codes)


def _table(numbered: list[tuple[int, list[Any]]], name: str, mapping: dict[str, str], **info: Any) -> RawTable:
    rows = [(n, r) for n, r in numbered if any(not is_empty(c) for c in r)]
    if not rows:
        raise HistoryError(name, "file_empty")
    best, best_score = None, 1
    for k, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        s = _score(cells, mapping)
        if s > best_score:
            best, best_score = k, s
    if best is None:
        found = " | ".join(str(c) for c in rows[0][1] if not is_empty(c))[:200]
        raise HistoryError(name, "file_no_header", n=HEADER_SCAN_ROWS, found=found or "-")
    header_row, header = rows[best]
    width = len(header)
    while width and is_empty(header[width - 1]):
        width -= 1
    headers = [str(h).strip() if not is_empty(h) else f"#{j + 1}" for j, h in enumerate(header[:width])]
    data_rows, numbers = [], []
    for n, cells in rows[best + 1:]:
        cells = list(cells[:width]) + [""] * max(0, width - len(cells))
        data_rows.append(cells)
        numbers.append(n)
    if not data_rows:
        raise HistoryError(name, "file_header_only")
    return RawTable(name=name, headers=headers, rows=data_rows, row_numbers=numbers, header_row=header_row, **info)
