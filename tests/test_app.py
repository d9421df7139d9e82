"""App tests: catalogues, screen formatting, the scenario adapter, and the Simulate page under AppTest."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from e2e_helpers import wait_limit_s
from streamlit.testing.v1 import AppTest

from model.errors import ScenarioError
from model.kpicodes import KPI_CODES
from model.platform_rules import rules_for
from model.present import format as fmt
from model.present.i18n import CATALOGUES, kpi_label, t
from model.present.i18n.errors import to_zh
from ui import scenarios as sc
from ui.widgets import rule_text

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 60
SHIPPED = sc.shipped_scenarios()


# ------------------------------------------------------------------------------------------- catalogues
def test_catalogues_have_the_same_keys():
    assert set(CATALOGUES["zh"]) == set(CATALOGUES["en"])
    blank = {k for cat in CATALOGUES.values() for k, v in cat.items() if not v.strip()}
    assert blank == {"ed.unit.count", "ed.unit.ratio"}  # counts and ratios have no unit on screen


def test_every_key_used_in_the_ui_exists():
    used: set[str] = set()
    for p in [ROOT / "app.py", *(ROOT / "ui").rglob("*.py"), *(ROOT / "model" / "present").rglob("*.py")]:
        text = p.read_text(encoding="utf-8")
        used |= set(re.findall(r"""["']((?:app|lang|nav|sim|rule|chart|platform|unit)\.[a-z0-9_]+)["']""", text))
    assert {"sim.agents", "sim.title", "nav.simulate"} <= used  # the scan finds keys at all
    missing = sorted(k for k in used if k not in CATALOGUES["zh"])
    assert not missing, missing


def test_kpi_labels_come_from_the_registry():
    for code, k in KPI_CODES.items():
        assert kpi_label(code, "zh") == k.zh
        assert kpi_label(code, "en") == k.en
    assert kpi_label("inquiry_conversion") == "询单转化率"  # Chinese by default


def test_unknown_language_falls_back_to_chinese():
    assert t("nav.simulate", "fr") == t("nav.simulate", "zh") == "模拟"
    assert t("nav.simulate", "en") == "Simulate"


# ----------------------------------------------------------------------------------------------- format
@pytest.mark.parametrize(("yuan", "zh", "en"), [
    (1_728_000, "172.8万", "1,728,000 yuan"),
    (1_200_000, "120万", "1,200,000 yuan"),
    (120_000_000, "1.2亿", "120,000,000 yuan"),
    (100_000_000, "1亿", "100,000,000 yuan"),
    (528_000, "52.8万", "528,000 yuan"),
    (10_000, "1万", "10,000 yuan"),
    (9_800, "9,800元", "9,800 yuan"),
    (100.46, "100.46元", "100.46 yuan"),
    (0, "0元", "0 yuan"),
    (-20_000, "-2万", "-20,000 yuan"),
    (99_999_999, "1亿", "99,999,999 yuan"),
])
def test_money(yuan, zh, en):
    assert fmt.money(yuan, "zh") == zh
    assert fmt.money(yuan, "en") == en


def test_percent_seconds_and_missing_values():
    assert fmt.pct(0.3985) == "39.9%"
    assert fmt.pct(0.8046, digits=2) == "80.46%"
    assert fmt.seconds(15.94, "zh") == "15.9 秒"
    assert fmt.seconds(15.94, "en") == "15.9 s"
    assert fmt.seconds(192, "zh") == "3.2 分钟"
    assert fmt.count(30014.2) == "30,014"
    for v in (None, float("nan"), float("inf")):
        assert fmt.money(v) == fmt.pct(v) == fmt.seconds(v) == "—"


def test_kpi_values_follow_their_units():
    assert fmt.kpi_value("inquiry_conversion", 0.48, "zh") == "48.0%"
    assert fmt.kpi_value("sales_yuan", 1_728_000, "zh") == "172.8万"
    assert fmt.kpi_value("sales_yuan", 1_728_000, "en") == "1,728,000 yuan"
    assert fmt.kpi_value("first_response_s", 10, "en") == "10.0 s"
    assert fmt.kpi_value("receptions", 2475, "zh") == "2,475"


# -------------------------------------------------------------------------------------------- adapter
@pytest.mark.parametrize("n", [2, 3, 7, 10, 11, 40])
def test_shifts_follow_the_agent_count(n):
    base = sc.load_shipped(path=sc.DEFAULT_SCENARIO)
    s = sc.apply_changes(base=base, agents=n, inquiries_per_day=500, max_concurrent_chats=2, days=2,
                         replications=1).scenario
    assert s.agents.count == n
    if base.agents.shifts:
        assert sum(sh.agents for sh in s.agents.shifts) == n
        assert len(s.agents.shifts) == len(base.agents.shifts)
    assert (s.traffic.inquiries_per_day, s.agents.max_concurrent_chats, s.meta.days) == (500, 2, 2)


def test_overrides_are_validated_like_the_cli():
    base = sc.load_shipped(path=sc.DEFAULT_SCENARIO)
    with pytest.raises(ScenarioError, match="max_concurrent_chats"):
        sc.apply_changes(base=base, agents=10, inquiries_per_day=1000, max_concurrent_chats=3, days=2,
                         replications=1, overrides=["agents.max_concurrent_chats=0"])
    with pytest.raises(ScenarioError, match="dotted.key=value"):
        sc.apply_changes(base=base, agents=10, inquiries_per_day=1000, max_concurrent_chats=3, days=2,
                         replications=1, overrides=sc.parse_override_lines(text="# comment\nnonsense\n"))


def test_shipped_list_skips_validation_and_starts_with_the_default():
    assert SHIPPED[0] == sc.DEFAULT_SCENARIO
    assert not any("validation" in p for p in SHIPPED)


# ------------------------------------------------------------------------------------------- AppTest
def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=wait_limit_s(TIMEOUT))
    at.run()
    assert not at.exception, at.exception
    return at


def _small(at: AppTest, days: int = 2, reps: int = 2) -> AppTest:
    at.number_input(key="days").set_value(days)
    at.number_input(key="reps").set_value(reps)
    at.run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return found[0]


def _texts(at: AppTest) -> str:
    return "\n".join([*(x.value for x in at.markdown), *(x.value for x in at.caption), *(x.value for x in at.title),
                      *(x.value for x in at.subheader), *(x.label for x in at.metric)])


def test_app_loads_in_chinese_by_default():
    at = _app()
    assert at.radio(key="lang").value == "zh"
    assert at.title[0].value == t("sim.title", "zh")
    labels = [m.label for m in at.metric]
    for code in ("inquiry_conversion", "sales_yuan", "first_response_s", "three_min_reply_rate", "abandon_rate",
                 "good_rating_rate"):
        assert kpi_label(code, "zh") in labels
    assert not at.error
    assert at.selectbox(key="scenario").value == sc.DEFAULT_SCENARIO
    assert at.slider(key="agents").value == 10
    assert at.slider(key="inquiries").value == 1000
    assert at.slider(key="concurrency").value == 3
    assert "万" in _metric(at, kpi_label("sales_yuan", "zh"))  # money the Chinese way
    assert len(at.dataframe) == 2  # per-agent table and team table
    agents = at.dataframe[0].value
    assert len(agents) == 10
    assert _rules_caption(at, "zh").startswith("平台规则：「淘宝客服响应」，按 ")
    assert "三分钟回复率 ≥ 40%" in _rules_caption(at, "zh")


def test_switching_to_english_changes_labels_and_keeps_the_sliders():
    at = _small(_app())
    at.slider(key="agents").set_value(8)
    at.radio(key="agent_kpi_zh").set_value("good_rating_rate")
    at.run()
    zh_sales = _metric(at, kpi_label("sales_yuan", "zh"))
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == t("sim.title", "en")
    labels = [m.label for m in at.metric]
    assert "Inquiry conversion" in labels and "询单转化率" not in labels
    assert at.slider(key="agents").label == t("sim.agents", "en")
    assert at.slider(key="agents").value == 8  # the language switch does not reset the scenario
    assert at.radio(key="agent_kpi_en").value == "good_rating_rate"  # nor the chart's KPI
    en_sales = _metric(at, "CS sales")
    assert en_sales.endswith(" yuan") and "万" in zh_sales
    assert "询单转化率" not in _texts(at)
    assert _rules_caption(at, "en").startswith("Platform rules: “Taobao service lines”, the rules in force on ")


def _rules_caption(at: AppTest, lang: str) -> str:
    """The caption stating which platform rule pack and date judged the month (issue 15), in words."""
    from model.present.rules import rules_statement

    want = rules_statement("taobao", None, lang)
    found = [c.value for c in at.caption if c.value == want]
    assert found, [c.value for c in at.caption]
    assert "_" not in want  # no raw KPI keys
    assert ("Taobao" not in want) if lang == "zh" else ("淘宝" not in want)  # one language
    return found[0]


def _seconds(text: str) -> float:
    """A shown duration ('15.9 秒', '1.3 分钟', '2.0 min') in seconds."""
    value, unit = text.split()[:2]
    return float(value) * (60.0 if unit in (t("unit.min", "zh"), t("unit.min", "en")) else 1.0)


def test_moving_the_agents_slider_changes_the_result():
    at = _small(_app())
    per_agent = t("sim.per_agent_day", "zh")
    first = kpi_label("first_response_s", "zh")
    before = (_metric(at, per_agent), _metric(at, first))
    at.slider(key="agents").set_value(4).run()
    assert not at.exception and not at.error
    after = (_metric(at, per_agent), _metric(at, first))
    # fewer agents: each one receives more chats and buyers wait longer
    assert float(after[0].replace(",", "")) > 2 * float(before[0].replace(",", ""))
    assert _seconds(after[1]) > _seconds(before[1])
    assert len(at.dataframe[0].value) == 4


def test_inquiries_and_concurrency_sliders_rerun_the_model():
    at = _small(_app())
    receptions = kpi_label("receptions", "zh")
    team = at.dataframe[1].value
    before = team.loc[team.iloc[:, 0] == receptions].iloc[0, 1]
    at.slider(key="inquiries").set_value(500)
    at.slider(key="concurrency").set_value(1)
    at.run()
    assert not at.exception and not at.error
    team = at.dataframe[1].value
    after = team.loc[team.iloc[:, 0] == receptions].iloc[0, 1]
    assert float(after.replace(",", "")) < 0.6 * float(before.replace(",", ""))


@pytest.mark.parametrize("path", SHIPPED)
def test_each_shipped_scenario_runs(path):
    at = _app()
    at.selectbox(key="scenario").set_value(path).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(at.metric) >= 6
    base = sc.load_shipped(path=path)
    assert at.slider(key="agents").value == base.agents.count  # sliders follow the chosen scenario
    captions = "\n".join(c.value for c in at.caption)
    for rule in rules_for(base.shop.platform):  # platform lines are stated next to the KPI
        assert rule_text(rule, base.shop.platform, "zh") in captions


def _cli_message(tmp_path: Path, name: str, data: bytes) -> str:
    (tmp_path / name).write_bytes(data)
    r = subprocess.run([sys.executable, "-m", "model", "run", name], cwd=tmp_path, capture_output=True, text=True,
                       timeout=wait_limit_s(60))
    assert r.returncode == 2, r.stderr
    return r.stderr.strip().split("error: ", 1)[1]


@pytest.mark.parametrize(("name", "data", "expect"), [
    ("bad.toml", b"[agents]\ncount = 0\n", "agents.count"),
    ("syntax.toml", b"[meta\ndays = 3\n", "TOML syntax error"),
    ("binary.toml", b"\xff\xfe\x00\x01 not text", "UTF-8"),
    ("report.xlsx", b"PK\x03\x04\x14\x00\x06\x00!\x00\xb5\x99\xc7", "UTF-8"),
    ("unknown.toml", b"[agents]\ncolour = 'red'\n", "unknown key"),
])
def test_bad_upload_shows_the_cli_message(tmp_path, name, data, expect):
    at = _app()
    at.file_uploader(key="upload").set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    assert len(at.error) == 1
    shown = at.error[0].value
    # the Chinese UI (default) shows the CLI's message with its English phrases in Chinese (issue 8)
    assert to_zh(expect) in shown
    assert to_zh(_cli_message(tmp_path, name, data)) in shown  # the same message as the CLI, translated
    assert not at.metric  # nothing simulated


def test_good_upload_is_used():
    data = (ROOT / sc.DEFAULT_SCENARIO).read_bytes().replace(b"count = 10", b"count = 6")
    data = data.replace(b"agents = 5\n\n[[agents.shifts]]", b"agents = 3\n\n[[agents.shifts]]")
    data = data.replace(b'end_h = 24\nagents = 5', b'end_h = 24\nagents = 3')
    at = _app()
    at.file_uploader(key="upload").set_value(("mine.toml", data, "application/toml")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.slider(key="agents").value == 6


def test_override_that_fails_validation_shows_an_error():
    at = _small(_app())
    at.text_area(key="overrides").set_value("agents.max_concurrent_chats=0").run()
    assert not at.exception
    assert len(at.error) == 1 and "max_concurrent_chats" in at.error[0].value
    at.text_area(key="overrides").set_value("customers.patience.mean_s=60").run()
    assert not at.exception and not at.error
    assert at.metric


def _page(folder: str) -> None:
    from pathlib import Path

    from ui.pages import simulate

    simulate.render(scenario_dir=Path(folder))


def test_bad_scenario_file_in_the_list_shows_an_error(tmp_path):
    (tmp_path / "broken.toml").write_text("[traffic]\nintraday_profile = 'lunar'\n", encoding="utf-8")
    at = AppTest.from_function(_page, args=(str(tmp_path),), default_timeout=wait_limit_s(TIMEOUT)).run()
    assert not at.exception, at.exception
    assert len(at.error) == 1
    assert "traffic.intraday_profile" in at.error[0].value and "lunar" in at.error[0].value


def test_kuaishou_rules_are_drawn_for_a_kuaishou_shop():
    data = (ROOT / sc.DEFAULT_SCENARIO).read_bytes().replace(b'platform = "taobao"', b'platform = "kuaishou"')
    at = _app()
    at.file_uploader(key="upload").set_value(("kuaishou.toml", data, "application/toml")).run()
    assert not at.exception and not at.error
    captions = "\n".join(c.value for c in at.caption)
    assert "快手要求 ≥ 80%" in captions and "快手要求 ≥ 70%" in captions and "快手要求 ≤ 6%" in captions
    at.radio(key="lang").set_value("en").run()
    captions = "\n".join(c.value for c in at.caption)
    assert "Kuaishou requires ≥ 80%" in captions


def test_zero_inquiries_shows_dashes_and_a_note_not_a_traceback():
    # issue 8: a run with no chats used to end in an IndexError; now KPIs without a denominator show "—"
    at = _small(_app(), days=1, reps=2)
    at.slider(key="inquiries").set_value(0).run()
    assert not at.exception, at.exception
    assert not at.error
    values = {m.label: m.value for m in at.metric}
    assert values[kpi_label("inquiry_conversion", "zh")] == "—"
    notes = " ".join(w.value for w in at.warning)
    assert "没有任何咨询" in notes and "只有 2 次重复" in notes
