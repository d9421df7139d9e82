"""The presentation: ``python -m model report`` writes a PowerPoint deck with native charts and tables whose
numbers are the run JSON's, Chinese fonts set, one slide per question; the describer reads schemes aloud."""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE

from model.present.deck import build_deck
from model.present.i18n import t
from model.scenario import load_scenario
from model.schemes.describe import basis, basis_label, describe_component, describe_scheme

ROOT = Path(__file__).resolve().parents[1]
SEED000 = ROOT / "scenarios" / "seed000_threshold_48.toml"
ASSUMED = "达标奖 48% + 假设 +20%/+20%"
A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path, Path]:
    out = tmp_path_factory.mktemp("report")
    pptx, html, js = out / "deck.pptx", out / "report.html", out / "run.json"
    r = run_cli("report", str(SEED000), "--pptx", str(pptx), "--html", str(html), "--json", str(js),
                "--reps", "2", "--set", "meta.days=3", timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(js.read_text(encoding="utf-8")), pptx, html


def _title(slide) -> str:
    return next(s for s in slide.shapes if s.name == "Title").text_frame.text


def _by_title(prs, key: str, lang: str = "zh"):
    return next(sl for sl in prs.slides if _title(sl) == t(key, lang))


def _shape(slide, name: str):
    return next(s for s in slide.shapes if s.name == name)


def _scale(chart) -> float:
    """A money axis in 万 holds values / 10,000; in 元 / yuan the values themselves (and says so in its format)."""
    fmt = chart.value_axis.tick_labels.number_format
    assert "万" in fmt or "元" in fmt or "yuan" in fmt, fmt
    return 10_000.0 if "万" in fmt else 1.0


def _yuan(text: str) -> float:
    """'12.3万' -> 123000, '-1,000元' -> -1000, '3,500 yuan' -> 3500."""
    t = text.replace(",", "").replace("元", "").replace("yuan", "").strip()
    return float(t[:-1]) * 10_000 if t.endswith("万") else float(t)


def _close(text: str, value: float) -> bool:
    """The shown money equals the value to its last shown digit (0.1万 = 1,000 yuan, or 1 yuan)."""
    tol = 500.0 if text.strip().endswith("万") else 0.5
    return abs(_yuan(text) - value) <= tol + 1e-9


def test_deck_has_one_slide_per_question(cli_run) -> None:
    _, pptx, _ = cli_run
    prs = Presentation(str(pptx))
    titles = [_title(s) for s in prs.slides]
    assert titles[-5:] == [t("deck.state", "zh"), t("deck.schemes", "zh"), t("deck.money", "zh"), t("deck.pay", "zh"), t("deck.basis_title", "zh")]
    assert titles[-6] == t("deck.sure_title", "zh")


def test_charts_are_native_with_the_run_numbers(cli_run) -> None:
    doc, pptx, _ = cli_run
    prs = Presentation(str(pptx))
    pictures = [s for sl in prs.slides for s in sl.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert not pictures  # charts are chart objects, not images
    money = _shape(_by_title(prs, 'deck.money'), "Money chart")
    assert money.has_chart and money.chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    chart = money.chart
    assert list(chart.plots[0].categories) == list(doc["schemes"])
    series = {s.name: list(s.values) for s in chart.series}
    for label, code in ((t("deck.bonus", "zh"), "bonus_cost_yuan"), (t("deck.uplift", "zh"), "uplift_yuan"), (t("deck.net", "zh"), "net_gain_yuan")):
        expected = [b["economics"][code]["mean"] / _scale(chart) for b in doc["schemes"].values()]
        assert series[label] == pytest.approx(expected, abs=0.01), label
    assert series[t("deck.uplift", "zh")][list(doc["schemes"]).index(ASSUMED)] * _scale(chart) > 10_000
    pay = _shape(_by_title(prs, 'deck.pay'), "Pay chart").chart
    by_scheme = {s.name: list(s.values) for s in pay.series}
    assert set(by_scheme) == set(doc["schemes"])
    for name, b in doc["schemes"].items():
        assert by_scheme[name] == pytest.approx([a["variable_yuan"] / _scale(pay) for a in b["agents"]], abs=0.01)
    assert list(pay.plots[0].categories) == [a["name"] for a in doc["schemes"][ASSUMED]["agents"]]


def test_tables_match_the_run_json(cli_run) -> None:
    doc, pptx, _ = cli_run
    prs = Presentation(str(pptx))
    tbl = _shape(_by_title(prs, 'deck.money'), "Money table").table
    rows = [[c.text for c in r.cells] for r in tbl.rows][1:]
    assert [r[0] for r in rows] == list(doc["schemes"])
    for r in rows:
        e = doc["schemes"][r[0]]["economics"]
        for col, code in ((1, "bonus_cost_yuan"), (2, "uplift_yuan"), (3, "net_gain_yuan")):
            assert _close(r[col], e[code]["mean"]), (r[0], code, r[col], e[code]["mean"])
        if e["net_gain_yuan"]["lo"] is None:  # no interval (e.g. the baseline: exactly 0 in every replication)
            assert " – " not in r[4], (r[0], r[4])
        else:
            lo, hi = r[4].split(" – ")
            assert _close(lo, e["net_gain_yuan"]["lo"]) and _close(hi, e["net_gain_yuan"]["hi"]), (r[0], r[4])
        assert r[5] == f"{100 * e['p_net_loss']['mean']:.0f}%"
    pay = _shape(_by_title(prs, 'deck.pay'), "Pay table").table
    prow = [[c.text for c in r.cells] for r in pay.rows]
    assert prow[0][1:] == list(doc["schemes"])
    total = prow[-1]
    for j, b in enumerate(doc["schemes"].values(), start=1):
        assert _close(total[j], sum(a["variable_yuan"] for a in b["agents"])), total
    state = _shape(_by_title(prs, 'deck.state'), "KPI table").table
    conv = next(r for r in state.rows if r.cells[0].text == "询单转化率")
    assert conv.cells[1].text == f"{100 * doc['team']['inquiry_conversion']['mean']:.2f}".rstrip("0").rstrip(".") + "%"
    three = next(r for r in state.rows if r.cells[0].text == "三分钟回复率")
    assert three.cells[3].text == "≥ 40%" and three.cells[4].text in ("达标", "未达标")  # taobao's line


def test_assumption_and_mechanics_labels(cli_run) -> None:
    doc, pptx, _ = cli_run
    prs = Presentation(str(pptx))
    rows = {r.cells[0].text: r.cells[1].text for r in _shape(_by_title(prs, 'deck.basis_title'), "Basis table").table.rows}
    assert rows[ASSUMED] == "假设" and rows["达标奖 48%"] == "纯机制"
    forecast = copy.deepcopy(doc)
    forecast["schemes"]["达标奖 48%"]["behaviour"] = {"zh": "客服会多花力气卖货", "en": "agents push sales"}
    forecast["schemes"]["达标奖 48%"].pop("basis", None)  # a document without the comparison's own label
    assert basis(forecast["schemes"]["达标奖 48%"]) == "forecast"
    prs2 = Presentation(io.BytesIO(build_deck(forecast, lang="zh")))
    rows2 = {r.cells[0].text: [c.text for c in r.cells] for r in _shape(_by_title(prs2, 'deck.basis_title'), "Basis table").table.rows}
    assert rows2["达标奖 48%"][1:] == ["预测", "客服会多花力气卖货"]
    assert basis_label(forecast["schemes"]["达标奖 48%"], "en") == "Forecast"
    assert basis({"basis": "assumption", "behaviour": None}) == "assumption"  # the comparison's own label wins
    assert basis({"behaviour": None}) == "mechanics"


def test_every_text_run_has_an_east_asian_font(cli_run) -> None:
    _, pptx, _ = cli_run
    prs = Presentation(str(pptx))
    runs = 0
    for slide in prs.slides:
        for r in slide.shapes._spTree.iter(f"{A_NS}r"):
            rpr = r.find(f"{A_NS}rPr")
            assert rpr is not None and rpr.find(f"{A_NS}ea") is not None, r.findtext(f"{A_NS}t")
            runs += 1
        for s in slide.shapes:
            if s.has_chart:
                ea = s.chart._chartSpace.findall(f".//{A_NS}ea")
                assert ea and ea[0].get("typeface")
    assert runs > 50


def test_english_deck(cli_run) -> None:
    doc, _, _ = cli_run
    prs = Presentation(io.BytesIO(build_deck(doc, lang="en")))
    assert _by_title(prs, "deck.state", "en")
    text = " ".join(sh.text_frame.text for sl in prs.slides for sh in sl.shapes if sh.has_text_frame)
    names = "".join(doc["schemes"]) + (doc["scenario"]["name"] or "")
    assert not [ch for ch in text if "\u4e00" <= ch <= "\u9fff" and ch not in names]


def test_report_needs_an_output_and_schemes(tmp_path: Path) -> None:
    r = run_cli("report", str(SEED000))
    assert r.returncode == 2 and "--pptx" in r.stderr
    r = run_cli("report", str(ROOT / "scenarios" / "validation" / "erlang.toml"), "--pptx", str(tmp_path / "x.pptx"))
    assert r.returncode == 2 and "schemes" in r.stderr and not (tmp_path / "x.pptx").exists()


def test_html_report_has_no_raw_json_and_is_chinese(cli_run) -> None:
    _, _, html = cli_run
    text = html.read_text(encoding="utf-8")
    body = re.sub(r"<svg.*?</svg>", "", text, flags=re.S)
    body = re.sub(r"<style>.*?</style>", "", body, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", body)
    assert '{"' not in visible and '":' not in visible  # no JSON of components
    assert "达标奖：询单转化率 ≥ 48% 奖 1,000 元" in visible  # the describer's line
    assert "Inquiry conversion >= 48% pays" not in visible  # the file's English description stays out of zh
    words = set(re.findall(r"[A-Za-z]{3,}", visible.replace(SEED000.name, "")))
    assert not words, words


# ----------------------------------------------------------------------------------------------- describer
def test_describer_worked_lines() -> None:
    th = {"type": "threshold", "kpi": "inquiry_conversion", "target": 0.48, "amount_yuan": 1000, "period": "month"}
    assert describe_component(th, "zh") == "达标奖：询单转化率 ≥ 48% 奖 1,000 元（每月）"
    assert describe_component(th, "en") == "Threshold bonus: Inquiry conversion ≥ 48% pays 1,000 yuan (per month)"
    rank = {"type": "rank", "kpi": "first_response_s", "prizes_yuan": [800, 500]}
    assert describe_component(rank, "zh") == "排名奖：按首次响应时间排名（越低越好），第1名 800 元、第2名 500 元"
    assert describe_scheme({"name": "x", "components": []}, "en") == ["base pay only, no bonus"]


def test_every_shipped_scheme_reads_in_both_languages() -> None:
    for f in sorted((ROOT / "scenarios").glob("*.toml")):
        for sc in load_scenario(f).schemes:
            spec = sc.model_dump(mode="json", exclude_none=True)
            for lang in ("zh", "en"):
                lines = describe_scheme(spec, lang)
                text = " ".join(lines)
                assert lines and "{" not in text and "_" not in text, (f.name, sc.name, text)
                if lang == "zh":
                    assert not re.findall(r"[a-z]{3,}", text), (f.name, sc.name, text)


def _texts(prs) -> str:
    return " ".join(sh.text_frame.text for sl in prs.slides for sh in sl.shapes if sh.has_text_frame)


def test_recommendation_first_with_its_numbers(cli_run) -> None:
    """Slide 1 names the comparison's best scheme by its rule (highest net gain, no line breached, P(loss) ok)
    with the run JSON's net gain, interval and cost; the rule is in the speaker notes."""
    doc, pptx, _ = cli_run
    prs = Presentation(str(pptx))
    ok = {n: b for n, b in doc["schemes"].items() if n != doc["baseline_scheme"]
          and b["economics"]["p_net_loss"]["mean"] <= 0.2
          and not (b["team"]["three_min_reply_rate"]["mean"] < 0.40)}
    best = max(ok, key=lambda n: ok[n]["economics"]["net_gain_yuan"]["mean"])
    s1 = prs.slides[0]
    assert _title(s1) == t("deck.rec_title", "zh").format(scheme=best)
    body = _texts(Presentation(str(pptx))).split(t("deck.state", "zh"))[0]
    e = doc["schemes"][best]["economics"]
    shown = re.findall(r"-?[\d,.]+(?:万|元)", body)
    for v in (e["net_gain_yuan"]["mean"], e["bonus_cost_yuan"]["mean"]):
        assert any(_close(x, v) for x in shown), (v, shown)
    assert "选择规则" in s1.notes_slide.notes_text_frame.text
    for sl in prs.slides:  # every slide: a number and speaker notes
        assert sl.has_notes_slide and sl.notes_slide.notes_text_frame.text.strip()
        assert _shape(sl, "Slide number").text_frame.text == str(list(prs.slides).index(sl) + 1)
    assert "effort_equilibrium" not in _texts(prs) and "_" not in _texts(prs).replace(SEED000.name, "")


def test_agents_slide_counts_and_chances(cli_run) -> None:
    doc, pptx, _ = cli_run
    prs = Presentation(str(pptx))
    from model.present.story import agent_states, reach_chance, recommend
    name = recommend(doc)["scheme"]
    sl = next(s for s in prs.slides if _title(s) == t("deck.agents_title", "zh").format(scheme=name))
    b = doc["schemes"][name]
    if not b.get("behaviour"):
        assert t("deck.agents_off", "zh") in _texts(Presentation(io.BytesIO(build_deck(doc))))
        return
    chart = _shape(sl, "Reach chart").chart
    assert list(chart.series[0].values) == pytest.approx([reach_chance(a) for a in b["behaviour"]["agents"]], abs=1e-4)
    states = agent_states(b)
    assert sum(map(len, states.values())) == len(b["behaviour"]["agents"])
    text = " ".join(sh.text_frame.text for sh in sl.shapes if sh.has_text_frame)
    for k, v in states.items():
        if v and b["behaviour"].get("responds", True):
            assert t(f"deck.agents_{k}", "zh").format(n=len(v)) in text


def test_behaviour_off_and_sensitivity(cli_run) -> None:
    doc, _, _ = cli_run
    off = copy.deepcopy(doc)
    for b in off["schemes"].values():
        b["behaviour"] = None
    assert t("deck.agents_off", "en") in _texts(Presentation(io.BytesIO(build_deck(off, lang="en"))))
    from model.present.story import recommend
    name = recommend(doc)["scheme"]
    table = {"scheme": name, "base": {"net_gain_yuan": 1000.0}, "rows": [
        {"param": f"p{i}", "zh": f"假设{i}", "en": f"assumption {i}", "low": {"net_gain_yuan": 1000.0 - 100 * i},
         "high": {"net_gain_yuan": 1000.0 + 300 * i}} for i in range(1, 6)]}
    text = _texts(Presentation(io.BytesIO(build_deck({**doc, "sensitivity": table}, lang="en"))))
    assert "assumption 5: 500 yuan – 2,500 yuan" in text and "assumption 3: 700 yuan – 1,900 yuan" in text
    assert "assumption 2" not in text


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None
                    or shutil.which("pdffonts") is None, reason="LibreOffice / poppler-utils not installed")
def test_deck_renders_chinese_in_libreoffice(cli_run, tmp_path: Path) -> None:
    """Converted to PDF by LibreOffice, the deck's Chinese titles come out as text in a CJK font (no tofu)."""
    _, pptx, _ = cli_run
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(pptx)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "deck.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for key in ("state", "schemes", "pay", "basis_title", "sure_title"):
        assert t(f"deck.{key}", "zh") in text, key
    assert "effort_equilibrium" not in text and not re.findall(r"\b[a-z]+_[a-z_]+\b", text), text
    assert "建议" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "CJK" in fonts or "YaHei" in fonts or "Hei" in fonts, fonts


def test_tuning_document_deck_opens_with_the_tuning_recommendation() -> None:
    from model.present.story import tuning_deck_document
    tune_doc = {"scenario": {"name": "x", "platform": "taobao", "days": 30, "replications": 4, "seed": 1},
                "recommendation": {"scheme": "达标奖", "kpi": "inquiry_conversion", "target": 0.46,
                                   "amount_yuan": 1000.0, "expected_net_gain_yuan": 23456.0,
                                   "reason": {"zh": "目标 46% 净收益最高", "en": "target 46% gains most"}},
                "best_point": {"scheme": "达标奖", "net_gain_yuan": 23456.0, "net_gain_lo": 12000.0,
                               "net_gain_hi": 35000.0, "payout_yuan": 4000.0, "p_net_loss": 0.05,
                               "reach_share": 0.4},
                "binding_constraint": {"name": "min_reach_share", "zh": "达标客服占比", "en": "share of agents who reach the target"},
                "constraints": {"max_p_net_loss": 0.2}}
    prs = Presentation(io.BytesIO(build_deck(tuning_deck_document(tune_doc), lang="zh")))
    assert _title(prs.slides[0]) == t("deck.rec_title", "zh").format(scheme="达标奖")
    text = _texts(prs)
    assert "2.3万" in text and "1.2万 – 3.5万" in text and "40%" in text and "达标客服占比" in text
    assert "目标 46% 净收益最高" in prs.slides[0].notes_slide.notes_text_frame.text
    assert "min_reach_share" not in text


PLAN = {"month": "2026-11", "first_date": "2026-11-01", "method": "ETS(A,N,A) on log volume",
        "inquiries": 39123.4, "inquiries_lo": 35000.0, "inquiries_hi": 43500.0, "level": 0.8, "quantile": 0.8,
        "backtest_wape": 0.06, "backtest_coverage": 0.93, "line_kpi": "three_min_reply_rate", "line_value": 0.8,
        "agents": 12, "paid_agent_hours": 2304.0, "need_agent_hours": 2012.0, "unmet_hours": 3,
        "unmet_agent_hours": 5.0, "rule_pack": "淘宝客服响应 Taobao service lines", "rule_date": "2026-11-01",
        "behaviour_from": ["2026-09", "2026-10"], "agents_now": 12}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_next_month_slide_from_the_plan(cli_run, lang) -> None:
    """A planned scenario's document (``plan``, from ``[meta.plan]``) gets one slide: the volume with its interval,
    the roster against the need, the unmet hours and the recommended scheme's cost, in words; without a plan,
    no such slide."""
    doc, pptx, _ = cli_run
    title = t("deck.plan_title", lang).format(month="2026-11")
    assert title not in _texts(Presentation(io.BytesIO(build_deck(doc, lang=lang))))
    planned = {**copy.deepcopy(doc), "plan": PLAN}
    prs = Presentation(io.BytesIO(build_deck(planned, lang=lang)))
    slides = [sl for sl in prs.slides if _title(sl) == title]
    assert len(slides) == 1
    body = " ".join(sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)
    for s in ("39,123", "35,000", "43,500", "2,304", "2,012", "12"):
        assert s in body, (s, body)
    assert ("3 个小时人手不足" if lang == "zh" else "3 hour(s) short") in body
    assert ("三分钟回复率 ≥ 80%" if lang == "zh" else "3-minute reply rate ≥ 80%") in body
    assert ("「淘宝客服响应」" if lang == "zh" else "“Taobao service lines”") in body
    assert ("2026-09、2026-10" if lang == "zh" else "2026-09, 2026-10") in body
    assert ("奖金成本约" if lang == "zh" else "bonus cost about") in body
    assert "three_min_reply_rate" not in body and "_" not in body
    # an edit after planning is said
    edited = {**planned, "plan": {**PLAN, "agents_now": 10}}
    body2 = _texts(Presentation(io.BytesIO(build_deck(edited, lang=lang))))
    assert ("现有 10 名客服" if lang == "zh" else "now has 10 agents") in body2


RESPONSE = {"months": ["2026-07", "2026-08", "2026-09", "2026-10"], "not_identified": ["service_cost_yuan"],
            "intervals": {"selling_cost_yuan": [1372.1, 4557.6], "speed_cost_yuan": [97.2, 322.1],
                          "decision_noise_yuan": [2.5, 48.0]},
            "values": {"selling_cost_yuan": 2021.1, "speed_cost_yuan": 169.5, "service_cost_yuan": 1500.0,
                       "decision_noise_yuan": 14.4},
            "backtest": {"month": "2026-10", "scheme": "好评 95% + 转化 48%", "fit_months": ["2026-07", "2026-08", "2026-09"],
                         "kpis": {"inquiry_conversion": [0.415, 0.3717, 0.4634, 0.446],
                                  "good_rating_rate": [0.95, 0.93, 0.97, 0.909]}}}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_response_slide_shows_the_estimate_and_its_backtest(cli_run, lang) -> None:
    """A scenario whose response was estimated from its months (``doc["response"]``) gets a slide with each
    parameter's interval, the one the months could not identify in words, and the back-test table (forecast,
    interval, actual, inside or not); without it, no such slide."""
    doc, _, _ = cli_run
    title = t("deck.resp_title", lang)
    assert title not in _texts(Presentation(io.BytesIO(build_deck(doc, lang=lang))))
    prs = Presentation(io.BytesIO(build_deck({**copy.deepcopy(doc), "response": RESPONSE}, lang=lang)))
    slide = next(sl for sl in prs.slides if _title(sl) == title)
    body = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "2,021" in body and "1,372 – 4,558" in body and "97 – 322" in body
    assert t("deck.resp_kept", lang).format(what=t("deck.resp_param.service_cost_yuan", lang), v="1,500") in body
    table = _shape(slide, "Back-test table").table
    cells = [[table.cell(r, c).text for c in range(5)] for r in range(1, 3)]
    assert cells[0][1] == "41.5%" and cells[0][3] == "44.6%" and cells[0][4] == t("deck.resp_inside", lang)
    assert cells[1][4] == t("deck.resp_outside", lang)  # 90.9% actual below the 93-97% interval
    assert "_" not in body + " ".join(c for row in cells for c in row)
    assert slide.has_notes_slide and "2026-07" in slide.notes_slide.notes_text_frame.text


def test_run_document_carries_an_estimated_response() -> None:
    """The run and comparison documents carry ``[behaviour.estimated]`` (the deck's response slide) only when the
    scenario has one."""
    from model.document import comparison_document
    from model.edits import with_edits

    s = with_edits(load_scenario(SEED000), {"meta.days": 1, "meta.replications": 1, "behaviour.model": "effort_equilibrium"},
                   notices=[])
    assert "response" not in comparison_document(s)
    est = {k: v for k, v in RESPONSE.items() if k != "values"}
    s2 = with_edits(s, {"behaviour.estimated": est, "behaviour.selling_cost_yuan": 2021.1}, notices=[])
    doc = comparison_document(s2)
    assert doc["response"]["months"] == RESPONSE["months"]
    assert doc["response"]["values"]["selling_cost_yuan"] == 2021.1
    assert doc["response"]["backtest"]["kpis"]["inquiry_conversion"][3] == 0.446
