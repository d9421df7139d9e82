"""Months with their schemes (issue 14, step 1): split, match, refuse naming the month."""

from __future__ import annotations

import pytest

from model.errors import ScenarioError
from model.history.months import match_months, parse_month_schemes, split_months
from model.history.validate import load_history

HEAD = "日期,客服名称,咨询人数,询单人数,付款人数,客单价,平均响应时长\n"


def _export(months: list[str], name: str = "two.csv"):
    rows = [f"{m.replace('-', '')}{d:02d},{a},100,80,{30 + i},100,30s"
            for m in months for d in (1, 2, 3) for i, a in enumerate(("甲", "乙", "丙"))]
    return load_history((HEAD + "\n".join(rows) + "\n").encode("utf-8"), name)


SCHEMES = {"schemes": [{"name": "转化门槛", "components": [
    {"type": "threshold", "kpi": "inquiry_conversion", "target": 0.4, "amount_yuan": 500}]}]}


def test_one_file_splits_into_months_and_matches_schemes():
    h = _export(["2026-08", "2026-09"])
    doc = {**SCHEMES, "months": {"2026-08": "", "2026-09": "转化门槛"}}
    months = match_months([h], parse_month_schemes(doc))
    assert [m.month for m in months] == ["2026-08", "2026-09"]
    assert months[0].scheme is None and months[1].scheme.name == "转化门槛"
    assert all(len(m.history.data) == 9 for m in months)


def test_several_files_and_a_month_in_two_files_is_refused():
    a, b = _export(["2026-08"], "a.csv"), _export(["2026-09"], "b.csv")
    assert list(split_months([a, b])) == ["2026-08", "2026-09"]
    with pytest.raises(ScenarioError, match="2026-08.*two exports"):
        split_months([a, _export(["2026-08"], "c.csv")])


def test_month_without_scheme_is_refused_naming_it():
    h = _export(["2026-08", "2026-09"])
    with pytest.raises(ScenarioError, match="month 2026-09 has no scheme"):
        match_months([h], parse_month_schemes({**SCHEMES, "months": {"2026-08": ""}}))
    with pytest.raises(ScenarioError, match="month 2026-07 is not in the exports"):
        match_months([h], parse_month_schemes({**SCHEMES, "months": {"2026-07": "", "2026-08": "", "2026-09": ""}}))
    with pytest.raises(ScenarioError, match="month 2026-08: unknown scheme 'x'"):
        parse_month_schemes({**SCHEMES, "months": {"2026-08": "x"}})


def test_scheme_that_reads_a_kpi_the_export_lacks_is_refused_naming_the_month():
    h = _export(["2026-08", "2026-09"])
    doc = {"schemes": [{"name": "好评", "components": [
        {"type": "threshold", "kpi": "good_rating_rate", "target": 0.9, "amount_yuan": 300}]}],
        "months": {"2026-08": "", "2026-09": "好评"}}
    with pytest.raises(ScenarioError, match="month 2026-09: scheme '好评' cannot be priced.*good_rating_rate"):
        match_months([h], parse_month_schemes(doc))
