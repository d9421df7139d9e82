"""Replay of a hand-checkable month through schemes (no simulation), and the calibrate/replay CLI exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from model.cli import main
from model.history.replay import replay, scheme_kpis
from model.history.validate import load_history
from model.scenario import load_scenario
from model.schema import scenario_from_dict

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "history"
PAID_PER_DAY = {"甲": 50, "乙": 47, "丙": 48}  # of 100 inquiries a day: 50%, 47%, exactly 48%


def _month(ratio_only: bool = False) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(["日期", "客服", "询单人数", "询单转化率" if ratio_only else "最终付款人数", "客服销售额"])
    for d in range(30):
        day = dt.date(2026, 11, 1) + dt.timedelta(days=d)
        for name, paid in PAID_PER_DAY.items():
            w.writerow([day.isoformat(), name, 100, f"{paid}%" if ratio_only else paid, paid * 100])
    return buf.getvalue().encode("utf-8")


SCENARIO = {
    "economics": {"baseline_scheme": "仅底薪"},
    "schemes": [
        {"name": "仅底薪"},
        {"name": "达标奖 48%", "components": [
            {"type": "threshold", "kpi": "inquiry_conversion", "target": 0.48, "amount_yuan": 1000}]},
        {"name": "转化第一 800", "components": [
            {"type": "rank", "kpi": "inquiry_conversion", "prizes_yuan": [800]}]},
        {"name": "周达标 100", "components": [
            {"type": "threshold", "kpi": "inquiry_conversion", "target": 0.48, "amount_yuan": 100, "period": "week"}]},
        {"name": "响应奖", "components": [
            {"type": "rank", "kpi": "avg_response_s", "prizes_yuan": [500]}]},
    ],
}


def _pay(doc: dict, scheme: str, key: str = "pay_yuan") -> dict[str, float]:
    return {a["name"]: a[key] for a in doc["schemes"][scheme]["agents"]}


@pytest.mark.parametrize("ratio_only", [False, True])
def test_threshold_scheme_pays_what_the_hand_says(ratio_only):
    h = load_history(_month(ratio_only), "month.csv")
    doc = replay(h, scenario_from_dict(SCENARIO))
    # 50% and exactly 48% reach the 48% target (inclusive); 47% misses
    assert _pay(doc, "达标奖 48%") == {"甲": 1000.0, "乙": 0.0, "丙": 1000.0}
    assert doc["schemes"]["达标奖 48%"]["pay_yuan"] == 2000.0
    assert doc["schemes"]["达标奖 48%"]["bonus_cost_yuan"] == 2000.0
    assert _pay(doc, "转化第一 800") == {"甲": 800.0, "乙": 0.0, "丙": 0.0}
    # 30 days = weeks of 7, 7, 7, 7 and 2 days: 5 weekly targets reached by 甲 and 丙
    assert _pay(doc, "周达标 100") == {"甲": 500.0, "乙": 0.0, "丙": 500.0}
    # difference to the scheme they were paid under (the baseline: base pay only)
    assert doc["paid_under"] == "仅底薪"
    assert _pay(doc, "达标奖 48%", "diff_yuan") == {"甲": 1000.0, "乙": 0.0, "丙": 1000.0}
    assert doc["schemes"]["达标奖 48%"]["diff_yuan"] == 2000.0
    kp = {a["name"]: a for a in doc["kpis"]["agents"]}
    assert kp["乙"]["inquiry_conversion"] == pytest.approx(0.47)
    assert doc["kpis"]["team"]["inquiry_conversion"] == pytest.approx(145 / 300)


def test_difference_to_the_scheme_paid_under():
    h = load_history(_month(), "month.csv")
    doc = replay(h, scenario_from_dict(SCENARIO), paid_under="转化第一 800")
    assert _pay(doc, "达标奖 48%", "diff_yuan") == {"甲": 200.0, "乙": 0.0, "丙": 1000.0}
    assert doc["schemes"]["转化第一 800"]["diff_yuan"] == 0.0


def test_scheme_needing_a_kpi_the_export_lacks_is_not_priced():
    h = load_history(_month(), "month.csv")
    doc = replay(h, scenario_from_dict(SCENARIO))
    b = doc["schemes"]["响应奖"]
    assert not b["replayable"] and b["missing_kpis"] == ["avg_response_s"]
    assert b["pay_yuan"] is None  # never a silent 0


def test_unknown_paid_under_scheme():
    from model.errors import ScenarioError

    h = load_history(_month(), "month.csv")
    with pytest.raises(ScenarioError, match="not a scheme"):
        replay(h, scenario_from_dict(SCENARIO), paid_under="奖金X")


def test_scheme_kpis_are_collected():
    s = load_scenario(ROOT / "scenarios" / "seed002_apparel_presale_scorecard.toml")
    got = scheme_kpis(next(x for x in s.schemes if x.name == "售前计分卡"))
    assert {"inquiry_conversion", "refund_rate"} <= got


def test_skipped_rows_are_in_every_output():
    data = _month().decode().replace("2026-11-03,乙,100,47,4700", "2026-11-03,乙,100,470,4700").encode()
    h = load_history(data, "month.csv", skip_bad_rows=True)
    doc = replay(h, scenario_from_dict(SCENARIO))
    assert doc["skipped_rows"] == [9]
    assert doc["notes"]["en"][0].startswith("skipped the problem rows 9")


# ------------------------------------------------------------------------------------------------ CLI
def test_cli_replay_ok(tmp_path, capsys):
    out = tmp_path / "replay.json"
    code = main(["replay", str(SAMPLES / "qianniu_2026-10_gbk.csv"), str(ROOT / "scenarios" / "seed000_threshold_48.toml"),
                 "--json", str(out), "--csv", str(tmp_path / "pay.csv")])
    assert code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc["schemes"]) >= {"达标奖 48%"}
    assert "达标奖 48%" in capsys.readouterr().out
    assert (tmp_path / "pay.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_replay_bad_input_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,客服,询单人数,询单转化率\n2026-11-01,甲,100,120%\n", encoding="utf-8")
    code = main(["replay", str(bad), str(ROOT / "scenarios" / "seed000_threshold_48.toml")])
    assert code == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "120%" in err and "询单转化率" in err and "a rate above 100%" in err
    code = main(["replay", str(SAMPLES / "qianniu_2026-10_gbk.csv"), str(ROOT / "scenarios" / "seed000_threshold_48.toml"),
                 "--paid-under", "nope"])
    assert code == 2


def test_cli_calibrate_ok_and_exit_2(tmp_path, capsys):
    out = tmp_path / "cal.toml"
    code = main(["calibrate", str(SAMPLES / "kuaishou_2026-10_utf8.csv"), "--out", str(out), "--fit-reps", "0"])
    assert code == 0
    s = load_scenario(out)
    assert s.agents.count == 10
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,客服,询单人数\n2026-11-01,甲,-5\n", encoding="utf-8")
    assert main(["calibrate", str(bad), "--out", str(tmp_path / "x.toml")]) == 2
    assert not (tmp_path / "x.toml").exists()
    err = capsys.readouterr().err
    assert "must not be negative" in err and "不能为负数" in err
    assert main(["calibrate", str(SAMPLES / "feige_2026-10.xlsx"), "--out", str(out), "--sheet", "无此表"]) == 2
    assert main(["calibrate", str(SAMPLES / "kuaishou_2026-10_utf8.csv"), "--out", str(out), "--map", "x=nope"]) == 2
