"""History exports a user can make big or strange (issue 21): a zip bomb, a huge declared dimension, too many
rows, and a valid GB18030 file whose lines happen to be valid UTF-8 too. Each is refused naming the file (or
read), in well under a second."""

from __future__ import annotations

import csv
import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from model.history import read as history_read
from model.history.problems import HistoryError
from model.history.validate import load_history

HEAD = ["日期", "客服昵称", "接待人数", "询单人数", "最终付款人数", "询单转化率", "客单价", "平均响应(秒)"]
ROWS = [["2026-11-01", "询转", "120", "100", "40", "40.00%", "100", "35"],
        ["2026-11-02", "询转", "100", "80", "30", "37.5%", "120", "40"]]


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, edit) -> bytes:
    """The workbook with each member's bytes passed through ``edit(name, bytes)``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, edit(info.filename, src.read(info.filename)))
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_the_zip_directory_naming_the_file():
    pad = b"<!--" + b" " * (300 * 1024 * 1024) + b"-->"  # 300 MB of spaces compress to about 300 KB
    data = _rezip(_xlsx([HEAD, *ROWS]), lambda n, b: b.replace(b"<sheetData>", pad + b"<sheetData>")
                  if n == "xl/worksheets/sheet1.xml" else b)
    assert len(data) < 2 * 1024 * 1024
    t0 = time.perf_counter()
    with pytest.raises(HistoryError) as e:
        load_history(data, "bomb.xlsx")
    assert time.perf_counter() - t0 < 30  # refused from the directory, never unpacked (seconds even when loaded)
    assert e.value.msg_key == "file_xlsx_unpacked"
    assert "bomb.xlsx" in str(e.value)


def test_a_huge_declared_dimension_is_ignored():
    data = _rezip(_xlsx([HEAD, *ROWS]), lambda n, b: b.replace(b'<dimension ref="A1:H3"/>',
                                                               b'<dimension ref="A1:XFD1048576"/>')
                  if n == "xl/worksheets/sheet1.xml" else b)
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    h = load_history(data, "wide.xlsx")
    assert h.agents == ["询转"]
    assert len(h.data) == 2


def test_too_many_rows_are_refused_naming_the_file(monkeypatch):
    monkeypatch.setattr(history_read, "MAX_ROWS", 10)
    many = [[f"2026-11-{1 + i % 28:02d}", f"a{i}", "10", "5", "1", "20%", "100", "30"] for i in range(20)]
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows([HEAD, *many])
    with pytest.raises(HistoryError) as e:
        load_history(buf.getvalue().encode(), "long.csv")
    assert e.value.msg_key == "file_too_many_rows" and "long.csv" in str(e.value)
    with pytest.raises(HistoryError) as e:
        load_history(_xlsx([HEAD, *many]), "long.xlsx")
    assert e.value.msg_key == "file_too_many_rows" and "long.xlsx" in str(e.value)


def test_a_gb18030_file_with_lines_that_are_also_valid_utf8_is_read():
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([HEAD, *ROWS])
    data = buf.getvalue().encode("gb18030")
    line = data.split(b"\r\n")[1]
    line.decode("utf-8")  # 询转 in GB18030 bytes is valid UTF-8 as well: the case that was refused as mixed
    h = load_history(data, "gb.csv")
    assert h.encoding == "GB18030"
    assert h.agents == ["询转"]
