"""History import: encodings, sheets, totals rows, the shipped samples, and every bad input of issue 9."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from model.history.export import csv_bytes, safe_cell, xlsx_bytes
from model.history.problems import HistoryError
from model.history.read import MAX_BYTES
from model.history.sums import kpis
from model.history.validate import load_history

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "history"
HEAD = ["日期", "客服昵称", "接待人数", "询单人数", "最终付款人数", "询单转化率", "客单价", "平均响应(秒)"]
ROWS = [
    ["2026-11-01", "小美", "120", "100", "40", "40.00%", "100", "35"],
    ["2026-11-01", "阿杰", "110", "90", "45", "50%", "￥120", "0:30"],
    ["2026-11-02", "小美", "100", "80", "30", "37.5%", "1.2万", "40秒"],
    ["2026-11-02", "阿杰", "90", "70", "28", "0.4", "90.5", "25s"],
]


def _csv_text(rows: list[list[str]], head: list[str] = HEAD) -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([head, *rows])
    return buf.getvalue()


def _load(text: str, enc: str = "utf-8", name: str = "export.csv", **kw):
    return load_history(text.encode(enc), name, **kw)


def _problems(e: pytest.ExceptionInfo) -> list[dict]:
    return e.value.report.rows("en")


# ------------------------------------------------------------------------------------------- encodings
@pytest.mark.parametrize(("codec", "label"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8-BOM"), ("gbk", "GB18030"),
                                              ("gb18030", "GB18030"), ("utf-16", "UTF-16")])
def test_encoding_round_trip(codec, label):
    """The same table written in five encodings reads back equal."""
    ref = _load(_csv_text(ROWS))
    h = _load(_csv_text(ROWS), codec)
    assert h.encoding == label
    pd.testing.assert_frame_equal(h.data, ref.data)
    assert list(h.raw.columns) == HEAD
    assert h.agents == ["小美", "阿杰"]


def test_values_are_read_in_model_units():
    h = _load(_csv_text(ROWS))
    d = h.data.set_index(["agent", "date"])
    r = d.loc[("阿杰", dt.date(2026, 11, 1))]
    assert r["inquiry_conversion"] == pytest.approx(0.5)
    assert r["aov_yuan"] == pytest.approx(120.0)
    assert r["avg_response_s"] == pytest.approx(30.0)
    assert d.loc[("小美", dt.date(2026, 11, 2)), "aov_yuan"] == pytest.approx(12000.0)


def test_mixed_encodings_are_refused_naming_rows():
    good = _csv_text(ROWS[:2]).encode("utf-8")
    bad = _csv_text(ROWS[2:], head=[]).encode("gbk").split(b"\r\n", 1)[1]
    with pytest.raises(HistoryError) as e:
        load_history(good + bad, "mixed.csv")
    assert e.value.msg_key == "file_encoding"
    assert "mixed.csv" in str(e.value)


# ------------------------------------------------------------------------------------------- samples
@pytest.mark.parametrize(("name", "enc"), [("qianniu_2026-10_gbk.csv", "GB18030"), ("kuaishou_2026-10_utf8.csv", "UTF-8"),
                                           ("feige_2026-10.xlsx", None), ("hourly_2026-10_utf8bom.csv", "UTF-8-BOM")])
def test_samples_import_to_the_same_month(name, enc):
    h = load_history(SAMPLES / name)
    assert h.encoding == enc
    assert len(h.agents) == 10 and h.days == 31
    team = kpis(h, []).iloc[0]
    ref = kpis(load_history(SAMPLES / "qianniu_2026-10_gbk.csv"), []).iloc[0]
    assert team["inquiries"] == ref["inquiries"]
    assert team["inquiry_conversion"] == pytest.approx(ref["inquiry_conversion"], rel=1e-3)
    assert team["aov_yuan"] == pytest.approx(ref["aov_yuan"], rel=1e-3)


def test_totals_row_is_recognised_not_an_agent():
    h = load_history(SAMPLES / "qianniu_2026-10_gbk.csv")
    assert "合计" not in h.agents
    assert len(h.report.totals_rows) == 1
    n = h.report.totals_rows[0]
    text = (SAMPLES / "qianniu_2026-10_gbk.csv").read_bytes().decode("gbk").splitlines()
    assert text[n - 1].startswith("合计")  # the row number is the line the user sees
    assert any("合计" in x for x in h.notes("zh"))


def test_row_numbers_count_the_title_line():
    h = load_history(SAMPLES / "qianniu_2026-10_gbk.csv")
    assert int(h.data["row"].iloc[0]) == 3  # title line 1, header line 2


def test_samples_are_regenerated_identically(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "HERE", tmp_path)
    mod.main()
    for p in tmp_path.iterdir():
        if p.suffix == ".xlsx":  # the zip's deflate bytes may differ between zlib builds: compare the cells
            from openpyxl import load_workbook

            new, old = load_workbook(p, read_only=True), load_workbook(SAMPLES / p.name, read_only=True)
            assert new.sheetnames == old.sheetnames, p.name
            for name in new.sheetnames:
                assert list(new[name].values) == list(old[name].values), (p.name, name)
        else:
            assert p.read_bytes() == (SAMPLES / p.name).read_bytes(), p.name


# ------------------------------------------------------------------------------------------- bad input
def test_missing_columns_names_which_and_headers_found():
    text = _csv_text([r[:2] + r[5:] for r in ROWS], head=["日期", "客服昵称", "询单转化率", "客单价", "平均响应(秒)"])
    with pytest.raises(HistoryError) as e:
        _load(text)
    msg = str(e.value)
    assert e.value.msg_key == "missing_columns"
    assert "inquiries" in msg and "询单人数" in msg
    assert "客服昵称, 询单转化率" in msg  # the headers that were found


def test_missing_agent_column():
    text = _csv_text([r[:1] + r[2:] for r in ROWS], head=[h for h in HEAD if h != "客服昵称"])
    with pytest.raises(HistoryError) as e:
        _load(text)
    assert "agent (客服)" in str(e.value)


def test_unknown_header_mapped_by_hand():
    head = ["日期", "客服工号", "询单人数"]
    rows = [["2026-11-01", "A01", "100"], ["2026-11-02", "A01", "90"]]
    with pytest.raises(HistoryError):
        _load(_csv_text(rows, head))
    h = _load(_csv_text(rows, head), mapping={"客服工号": "agent"})
    assert h.agents == ["A01"]


def test_duplicated_agent_days_list_every_row():
    rows = ROWS + [["2026-11-01", "小美", "1", "1", "0", "0%", "0", "1"]]
    with pytest.raises(HistoryError) as e:
        _load(_csv_text(rows))
    dup = [p for p in e.value.report.problems if p.problem == "duplicate"]
    assert sorted(p.row for p in dup) == [2, 6]
    assert "2, 6" in dup[0].as_row("en")["problem"]


def test_text_in_numeric_column_reports_row_column_value_and_allowed():
    rows = [r[:] for r in ROWS]
    rows[2][3] = "很多"
    with pytest.raises(HistoryError) as e:
        _load(_csv_text(rows))
    (p,) = _problems(e)
    assert (p["row"], p["column"], p["value"]) == (4, "询单人数", "很多")
    assert p["problem"] == "not a number"
    assert "whole number" in p["allowed"]
    assert e.value.report.rows("zh")[0]["problem"] == "不是数字"


def test_negative_count():
    rows = [r[:] for r in ROWS]
    rows[0][4] = "-3"
    with pytest.raises(HistoryError) as e:
        _load(_csv_text(rows))
    assert _problems(e)[0]["problem"] == "must not be negative"


def test_conversion_above_100_percent():
    rows = [r[:] for r in ROWS]
    rows[1][5] = "120%"
    with pytest.raises(HistoryError) as e:
        _load(_csv_text(rows))
    p = _problems(e)[0]
    assert (p["row"], p["column"], p["problem"]) == (3, "询单转化率", "a rate above 100%")


def test_paid_above_inquiries():
    rows = [r[:] for r in ROWS]
    rows[0][4] = "150"
    with pytest.raises(HistoryError) as e:
        _load(_csv_text(rows))
    assert "exceed" in _problems(e)[0]["problem"]


def test_skip_bad_rows_goes_on_and_says_so():
    rows = [r[:] for r in ROWS]
    rows[1][5] = "120%"
    h = _load(_csv_text(rows), skip_bad_rows=True)
    assert h.report.skipped_rows == [3]
    assert len(h.data) == 3 and 3 not in set(h.data["row"])
    assert h.notes("en")[0].startswith("skipped the problem rows 3")
    assert "第 3 行" in h.notes("zh")[0]


def test_bad_rows_are_never_silently_dropped():
    rows = [r[:] for r in ROWS]
    rows[3][7] = "slow"
    with pytest.raises(HistoryError) as e:
        _load(_csv_text(rows))
    assert e.value.msg_key == "stop"
    assert e.value.report.problem_rows == [5]


def test_empty_value_on_a_day_with_inquiries():
    rows = [r[:] for r in ROWS]
    rows[0][5] = ""
    with pytest.raises(HistoryError) as e:
        _load(_csv_text(rows))
    assert _problems(e)[0]["problem"] == "empty although the day has inquiries"


def test_empty_file():
    for data in (b"", b"\r\n\r\n", "\ufeff".encode()):
        with pytest.raises(HistoryError) as e:
            load_history(data, "empty.csv")
        assert e.value.msg_key == "file_empty"


def test_header_only():
    with pytest.raises(HistoryError) as e:
        _load(_csv_text([]))
    assert e.value.msg_key == "file_header_only"
    assert "no data rows" in e.value.headline("en")


def test_no_header_row_says_what_was_found():
    with pytest.raises(HistoryError) as e:
        _load("a,b,c\n1,2,3\n")
    assert e.value.msg_key == "file_no_header"
    assert "a | b | c" in str(e.value)


def test_too_large_is_refused_with_the_limit(tmp_path):
    with pytest.raises(HistoryError) as e:
        load_history(b"x" * (MAX_BYTES + 1), "huge.csv")
    assert e.value.msg_key == "file_too_large"
    assert "20 MB" in e.value.headline("en")
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:  # a sparse 200 MB file: refused from its size, never read
        f.truncate(200 * 1024 * 1024)
    with pytest.raises(HistoryError) as e:
        load_history(big)
    assert "200 MB" in e.value.headline("en")


def test_unsupported_types():
    with pytest.raises(HistoryError) as e:
        load_history(b"\xd0\xcf\x11\xe0", "old.xls")
    assert e.value.msg_key == "file_xls"
    with pytest.raises(HistoryError) as e:
        load_history(b"not a zip", "broken.xlsx")
    assert e.value.msg_key == "file_unreadable"


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_multi_sheet_xlsx_says_which_sheet_and_lets_the_user_choose():
    daily = [HEAD] + [[dt.datetime(2026, 11, 1 + i // 2), n, 100, 80, 32, 0.4, 100, "0:30"]
                      for i, n in enumerate(["甲", "乙", "甲", "乙"])]
    other = [HEAD] + [[dt.datetime(2026, 11, 1), "丙", 100, 80, 40, 0.5, 100, 30]]
    data = _workbook({"说明": [["本表为示例"]], "十一月": daily, "备用": other})
    h = load_history(data, "book.xlsx")
    assert h.sheet == "十一月" and h.sheets == ("说明", "十一月", "备用")
    assert any("十一月" in n and "3" in n for n in h.notes("en"))
    h2 = load_history(data, "book.xlsx", sheet="备用")
    assert h2.agents == ["丙"]
    with pytest.raises(HistoryError) as e:
        load_history(data, "book.xlsx", sheet="十二月")
    assert "说明, 十一月, 备用" in str(e.value)


def test_xlsx_row_numbers_are_excel_rows():
    rows = [["客服绩效"], [], HEAD, [dt.datetime(2026, 11, 1), "甲", 100, 80, 32, "40%", 100, 30],
            [dt.datetime(2026, 11, 2), "甲", 100, 80, "x", "40%", 100, 30]]
    with pytest.raises(HistoryError) as e:
        load_history(_workbook({"s": rows}), "book.xlsx")
    assert e.value.report.problem_rows == [5]


# ----------------------------------------------------------------------------------- formula injection
def test_formula_injection_is_escaped_in_csv_and_xlsx_exports():
    evil = "=cmd|' /C calc'!A0"
    rows = [["2026-11-01", evil, "100", "80", "32", "40%", "100", "30"]]
    h = _load(_csv_text(rows))
    assert h.agents == [evil]  # read as text, kept as written
    from model.history.replay import replay, replay_table
    from model.schema import scenario_from_dict

    s = scenario_from_dict({"schemes": [{"name": "达标", "components": [
        {"type": "threshold", "kpi": "inquiry_conversion", "target": 0.3, "amount_yuan": 1000}]}]})
    table = replay_table(replay(h, s))
    out = csv_bytes(table).decode("utf-8-sig")
    assert "'=cmd" in out and "\n=cmd" not in out and ",=cmd" not in out
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx_bytes(table)))
    values = [c.value for row in wb.active.iter_rows() for c in row]
    assert "'" + evil in values and evil not in values
    for v in ("+1", "-1+2", "@SUM(A1)", "\t=1"):
        assert safe_cell(v).startswith("'")
    assert safe_cell(-5) == -5 and safe_cell("小美") == "小美"
