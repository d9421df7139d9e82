"""Cell parsers and the header table of the history import (every accepted format, every refusal)."""

from __future__ import annotations

import datetime as dt

import pytest

from model.history.headers import FIELDS, is_total_word, match_header, minutes_header
from model.history.parse import (
    CellError,
    parse_count,
    parse_date,
    parse_hour,
    parse_seconds,
    parse_share,
    parse_yuan,
)


@pytest.mark.parametrize(("cell", "want"), [
    ("42%", 0.42), ("42.0%", 0.42), (0.42, 0.42), ("0.42", 0.42), ("42.31%", 0.4231), (" 42 % ", 0.42),
    ("１００％", 1.0), (1, 1.0), ("0%", 0.0),
])
def test_share_formats(cell, want):
    assert parse_share(cell) == pytest.approx(want)


@pytest.mark.parametrize(("cell", "problem"), [
    ("120%", "share_above_1"), (1.2, "share_above_1"), ("42", "share_above_1"), ("-5%", "negative_share"),
    ("abc", "not_a_number"), ("4 2%x", "not_a_number"),
])
def test_share_refusals(cell, problem):
    with pytest.raises(CellError) as e:
        parse_share(cell)
    assert e.value.problem == problem
    assert e.value.allowed == "allowed_share"


@pytest.mark.parametrize(("cell", "want"), [
    ("35秒", 35.0), ("0:35", 35.0), ("35s", 35.0), (35, 35.0), ("35", 35.0), ("1分5秒", 65.0), ("1:02:03", 3723.0),
    ("2分钟", 120.0), ("35.5 s", 35.5), (dt.time(0, 0, 35), 35.0), ("1m5s", 65.0),
])
def test_duration_formats(cell, want):
    assert parse_seconds(cell) == pytest.approx(want)


def test_duration_in_minutes_header():
    assert minutes_header("平均响应(分)")
    assert not minutes_header("平均响应(秒)")
    assert parse_seconds("1.5", minutes=True) == pytest.approx(90.0)
    assert match_header("平均响应(分)") == "avg_response_s"


@pytest.mark.parametrize("cell", ["fast", "-3", "3::5"])
def test_duration_refusals(cell):
    with pytest.raises(CellError):
        parse_seconds(cell)


@pytest.mark.parametrize(("cell", "want"), [
    ("¥1,234.5", 1234.5), ("￥1,234.5", 1234.5), ("1.2万", 12000.0), ("1,234.5元", 1234.5), (1234.5, 1234.5),
    ("0.3亿", 3e7), ("1234", 1234.0),
])
def test_money_formats(cell, want):
    assert parse_yuan(cell) == pytest.approx(want)


@pytest.mark.parametrize(("cell", "problem"), [("-5", "negative"), ("lots", "not_a_number"), ("¥abc", "not_a_number")])
def test_money_refusals(cell, problem):
    with pytest.raises(CellError) as e:
        parse_yuan(cell)
    assert e.value.problem == problem


@pytest.mark.parametrize(("cell", "want"), [("1,234", 1234.0), (120, 120.0), ("120人", 120.0), (120.0, 120.0)])
def test_count_formats(cell, want):
    assert parse_count(cell) == want


@pytest.mark.parametrize(("cell", "problem"), [("-3", "negative"), ("12.5", "not_whole"), ("many", "not_a_number")])
def test_count_refusals(cell, problem):
    with pytest.raises(CellError) as e:
        parse_count(cell)
    assert e.value.problem == problem


@pytest.mark.parametrize("cell", ["2026-11-01", "2026/11/1", "20261101", 20261101, "2026.11.01", "2026年11月1日",
                                  dt.datetime(2026, 11, 1), dt.date(2026, 11, 1), "2026-11-01 00:00:00"])
def test_date_formats(cell):
    assert parse_date(cell) == dt.date(2026, 11, 1)


@pytest.mark.parametrize("cell", ["2026-13-01", "yesterday", "11/01/2026", "2026-02-30"])
def test_date_refusals(cell):
    with pytest.raises(CellError) as e:
        parse_date(cell)
    assert e.value.problem == "bad_date"


@pytest.mark.parametrize(("cell", "want"), [(10, 10), ("10", 10), ("10:00", 10), ("10时", 10), ("10:00-11:00", 10),
                                            ("0", 0), (dt.time(23, 0), 23)])
def test_hour_formats(cell, want):
    assert parse_hour(cell) == want


@pytest.mark.parametrize("cell", ["24", "noon", 10.5])
def test_hour_refusals(cell):
    with pytest.raises(CellError):
        parse_hour(cell)


@pytest.mark.parametrize("cell", ["", "-", "—", "N/A", None, float("nan")])
def test_empty_cells_are_missing_not_zero(cell):
    assert parse_share(cell) is None
    assert parse_count(cell) is None
    assert parse_yuan(cell) is None


@pytest.mark.parametrize(("header", "code"), [
    ("客服", "agent"), ("客服昵称", "agent"), ("旺旺", "agent"), ("日期", "date"), ("接待人数", "receptions"),
    ("询单人数", "inquiries"), ("下单人数", "orders"), ("最终付款人数", "paid_buyers"),
    ("询单转化率", "inquiry_conversion"), ("客单价", "aov_yuan"), ("平均响应时间", "avg_response_s"),
    ("平均响应(秒)", "avg_response_s"), ("平均响应（秒）", "avg_response_s"), ("首次响应时间", "first_response_s"),
    ("3分钟回复率", "three_min_reply_rate"), ("好评率", "good_rating_rate"), ("销售额", "sales_yuan"),
    ("客服销售额", "sales_yuan"), ("询单人数(人)", "inquiries"), ("Agent", "agent"), ("Inquiry Conversion",
                                                                                     "inquiry_conversion"),
    ("AOV", "aov_yuan"), (" 客单价 ", "aov_yuan"), ("销售额(元)", "sales_yuan"),
])
def test_header_table(header, code):
    assert match_header(header) == code


def test_unknown_header_is_not_guessed():
    assert match_header("客服工号") is None
    assert match_header("") is None


def test_every_field_code_is_a_kpi_or_identifier():
    from model.kpicodes import KPI_CODES

    for f in FIELDS:
        assert f.code in KPI_CODES or f.code in ("agent", "date", "hour"), f.code


@pytest.mark.parametrize("cell", ["合计", "总计", "平均", "Total", "汇总", "合计："])
def test_totals_words(cell):
    assert is_total_word(cell)
    assert not is_total_word("小美")
