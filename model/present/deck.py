"""A PowerPoint deck of a scheme comparison (python-pptx; no streamlit): one slide per question a manager puts
to the owner, with native, editable charts (chart objects holding their data) and tables.

Slides: title; 现状 current state (team KPIs against the platform lines); 方案 the schemes side by side (read
from the scheme language by :mod:`model.schemes.describe`); 成本与净收益 cost, uplift and net gain with their
risk (interval, P(net loss)); 每人工资 per-agent variable pay; 依据 what each scheme's numbers rest on
(预测 forecast / 假设 assumption / 纯机制 mechanics only).

The input is the comparison document: ``python -m model run``'s JSON (``team``, ``schemes``, ``scenario``) or the
compare page's document (``schemes``, ``scenario``, ``scheme_specs``). Text is set in an East Asian font
(Microsoft YaHei, which PowerPoint and WPS have; LibreOffice substitutes Noto Sans CJK SC) so Chinese renders.
"""

from __future__ import annotations

import datetime as _dt
import io
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from model.kpicodes import KPI_CODES
from model.platform_rules import plan_day, rule_for
from model.present.band_text import basis_text, flip_text, rival_text, top_text
from model.present.bot_text import bot_lines, bot_notes, bot_rows, has_bot
from model.present.format import interval_level, retimed_note
from model.present.i18n import kpi_label, t
from model.present.rules import line_text, pack_label
from model.present.story import (
    agent_states,
    breaches,
    comparison_rivals,
    how_sure,
    reach_chance,
    recommend,
    top_assumptions,
)
from model.schemes.describe import BASIS_NOTES, basis, basis_label, describe_scheme, kpi_level, kpi_name
from model.text import finite as _num

#: Fonts: Latin text and East Asian text (the ``a:ea`` typeface PowerPoint/WPS use for Chinese).
LATIN_FONT = "Arial"
EA_FONT = "Microsoft YaHei"
TITLE_COLOUR = RGBColor(0x1F, 0x29, 0x33)
NOTE_COLOUR = RGBColor(0x52, 0x60, 0x6D)
#: Team KPIs on the current-state slide.
STATE_KPIS = ("receptions", "inquiry_conversion", "aov_yuan", "sales_yuan", "first_response_s",
              "three_min_reply_rate", "abandon_rate", "good_rating_rate", "bad_attitude_share", "utilization")
#: Per-agent tables stay readable up to this many agents (the chart always shows every agent).
MAX_AGENT_ROWS = 16

def _lang(lang: str | None) -> str:
    return "en" if str(lang or "").lower().startswith("en") else "zh"


def money(v: Any, lang: str) -> str:
    """Yuan as text: zh '12.3万' from 10,000 up, '9,800元' below; en '123,456 yuan'. Missing: '—'."""
    x = _num(v)
    if x is None:
        return "—"
    if _lang(lang) == "zh":
        if abs(x) >= 9_999.5:
            return f"{x / 10_000:,.1f}万".replace(".0万", "万")
        return f"{x:,.0f}元"
    return f"{x:,.0f} yuan"


def percent(v: Any, digits: int = 0) -> str:
    """A 0-1 share as '35%'. Missing: '—'."""
    x = _num(v)
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def _stat(block: dict[str, Any], code: str, part: str = "mean") -> float | None:
    return _num(((block.get("economics") or {}).get(code) or {}).get(part))


# ------------------------------------------------------------------------------------------------ fonts
def _font_xml(rpr: Any) -> None:
    """Set the Latin and East Asian typefaces on a run-properties element (``a:rPr`` / ``a:defRPr``)."""
    for tag, face in (("a:latin", LATIN_FONT), ("a:ea", EA_FONT), ("a:cs", LATIN_FONT)):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            # schema order inside rPr: ln, fill..., effect..., highlight, uLnTx.., latin, ea, cs, sym, hlink...
            anchor = next((rpr.find(qn(t)) for t in ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl",
                                                      "a:extLst") if rpr.find(qn(t)) is not None), None)
            if anchor is not None:
                anchor.addprevious(el)
            else:
                rpr.append(el)
        el.set("typeface", face)


def _fonts_in_frame(tf: Any, size: int | None = None, bold: bool | None = None,
                    colour: RGBColor | None = None) -> None:
    for p in tf.paragraphs:
        for r in p.runs:
            if size is not None:
                r.font.size = Pt(size)
            if bold is not None:
                r.font.bold = bold
            if colour is not None:
                r.font.color.rgb = colour
            _font_xml(r.font._rPr)


def _chart_fonts(chart: Any, size: int = 11) -> None:
    chart.font.size = Pt(size)
    _font_xml(chart.font._element.get_or_add_defRPr() if hasattr(chart.font._element, "get_or_add_defRPr")
              else chart.font._rPr)


# ------------------------------------------------------------------------------------------------ slides
class _Deck:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(13.333), Inches(7.5)
        self.blank = self.prs.slide_layouts[6]

    def slide(self, title: str, note: str | None = None, notes: str | None = None) -> Any:
        s = self.prs.slides.add_slide(self.blank)
        num = len(self.prs.slides)
        self.text(s, str(num), Inches(12.3), Inches(7.0), Inches(0.8), Inches(0.4), size=10,
                  colour=NOTE_COLOUR).name = "Slide number"
        s.notes_slide.notes_text_frame.text = notes or note or title
        box = s.shapes.add_textbox(Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.8))
        box.name = "Title"
        box.text_frame.text = title
        box.text_frame.word_wrap = True
        _fonts_in_frame(box.text_frame, size=28, bold=True, colour=TITLE_COLOUR)
        if note:
            self.text(s, note, Inches(0.5), Inches(6.75), Inches(12.3), Inches(0.6), size=11, colour=NOTE_COLOUR)
        return s

    def text(self, s: Any, text: str, x: Emu, y: Emu, w: Emu, h: Emu, *, size: int = 14,
             colour: RGBColor | None = None, bold: bool = False) -> Any:
        box = s.shapes.add_textbox(x, y, w, h)
        tf = box.text_frame
        tf.word_wrap = True
        lines = text.split("\n")
        tf.text = lines[0]
        for ln in lines[1:]:
            tf.add_paragraph().text = ln
        _fonts_in_frame(tf, size=size, colour=colour, bold=bold)
        return box

    def table(self, s: Any, heads: list[str], rows: list[list[str]], x: Emu, y: Emu, w: Emu, *,
              size: int = 12, widths: list[float] | None = None, name: str = "Table") -> Any:
        n_rows = len(rows) + 1
        row_h = Pt(size * 2.2)
        shape = s.shapes.add_table(n_rows, len(heads), x, y, w, row_h * n_rows)
        shape.name = name
        tbl = shape.table
        if widths:
            total = sum(widths)
            for i, wd in enumerate(widths):
                tbl.columns[i].width = int(w * wd / total)
        for j, h in enumerate(heads):
            cell = tbl.cell(0, j)
            cell.text = h
            _fonts_in_frame(cell.text_frame, size=size, bold=True)
        for i, r in enumerate(rows, start=1):
            for j, v in enumerate(r):
                cell = tbl.cell(i, j)
                cell.text = str(v)
                _fonts_in_frame(cell.text_frame, size=size)
        return shape

    def bar_chart(self, s: Any, categories: list[str], series: list[tuple[str, list[float]]], x: Emu, y: Emu,
                  w: Emu, h: Emu, *, number_format: str = "#,##0", name: str = "Chart",
                  money_axis: bool = False, legend: bool = True) -> Any:
        if money_axis:  # zh in 万 (values / 10,000) from 10,000 up, else 元; en in yuan with thousands separators
            big = max((abs(v) for _, vals in series for v in vals), default=0.0) >= 10_000
            number_format = ('0.0"万"' if big else '#,##0"元"') if self.lang == "zh" else '#,##0" yuan"'
            if self.lang == "zh" and big:
                series = [(lb, [round(v / 10_000, 4) for v in vals]) for lb, vals in series]
        data = CategoryChartData(number_format=number_format)
        data.categories = categories
        for label, values in series:
            data.add_series(label, values)
        gf = s.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, x, y, w, h, data)
        gf.name = name
        chart = gf.chart
        chart.value_axis.tick_labels.number_format = number_format
        chart.value_axis.tick_labels.number_format_is_linked = False
        chart.has_legend = legend
        if not legend:
            _chart_fonts(chart)
            return chart
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        _chart_fonts(chart)
        return chart


def _team(doc: dict[str, Any]) -> dict[str, Any]:
    """The team KPIs of the current state: the run's own (CLI document) or the baseline scheme's block."""
    if doc.get("team"):
        return doc["team"]
    schemes = doc.get("schemes") or {}
    base = doc.get("baseline_scheme")
    block = schemes.get(base) if base in schemes else next(
        (b for b in schemes.values() if not b.get("assumed_effects") and not b.get("behaviour")), None)
    return (block or {}).get("team") or {}


def _kpi_text(code: str, v: float | None, lang: str) -> str:
    if v is None:
        return "—"
    unit = KPI_CODES[code].unit
    if unit == "yuan" and code != "aov_yuan":
        return money(v, lang)
    return kpi_level(code, round(v, 4) if unit == "share" else round(v, 1), lang)


def _state_rows(doc: dict[str, Any], lang: str) -> list[list[str]]:
    team = _team(doc)
    platform = (doc.get("scenario") or {}).get("platform")
    rows = []
    for code in STATE_KPIS:
        iv = team.get(code)
        if not iv:
            continue
        mean, lo, hi = _num(iv.get("mean")), _num(iv.get("lo")), _num(iv.get("hi"))
        rule = rule_for(platform, code, plan_day(doc.get("plan")))
        line, status = t("deck.none", lang), ""
        if rule is not None:
            line = ("≥ " if rule.side == "min" else "≤ ") + kpi_level(code, rule.value, lang)
            ok = rule.met(mean)
            status = "" if ok is None else t("deck.ok", lang) if ok else t("deck.breach", lang)
        rows.append([kpi_name(code, lang), _kpi_text(code, mean, lang), t("deck.none", lang) if lo is None or hi is None
                     else f"{_kpi_text(code, lo, lang)} – {_kpi_text(code, hi, lang)}", line, status])
    return rows


def money_rows(doc: dict[str, Any], lang: str) -> list[list[str]]:
    """Rows of the cost slide's table: scheme, bonus cost, uplift, net gain, its interval, P(loss), ROI."""
    out = []
    for name, b in (doc.get("schemes") or {}).items():
        lo, hi = _stat(b, "net_gain_yuan", "lo"), _stat(b, "net_gain_yuan", "hi")
        roi = _stat(b, "roi")
        out.append([name, money(_stat(b, "bonus_cost_yuan"), lang), money(_stat(b, "uplift_yuan"), lang),
                    money(_stat(b, "net_gain_yuan"), lang),
                    "—" if lo is None or hi is None else f"{money(lo, lang)} – {money(hi, lang)}",
                    percent(_stat(b, "p_net_loss")), "—" if roi is None else f"{roi:.2f}"])
    return out


def _agents(doc: dict[str, Any]) -> tuple[list[str], dict[str, list[float]]]:
    """Agent names (in id order) and each scheme's variable pay per agent."""
    names: dict[Any, str] = {}
    for b in (doc.get("schemes") or {}).values():
        for a in b.get("agents") or []:
            names.setdefault(a.get("agent"), str(a.get("name", a.get("agent"))))
    ids = sorted(names, key=lambda k: (str(type(k)), k))
    pay = {}
    for n, b in (doc.get("schemes") or {}).items():
        by_id = {a.get("agent"): _num(a.get("variable_yuan")) or 0.0 for a in b.get("agents") or []}
        pay[n] = [round(by_id.get(i, 0.0), 2) for i in ids]
    return [names[i] for i in ids], pay


def _basis_what(name: str, b: dict[str, Any], lang: str) -> str:
    what = _basis_text(b, lang)
    if b.get("run") == "re-timed":  # model.retime: said wherever the run's numbers are shown
        what += ("；" if lang == "zh" else "; ") + t("cmp.retimed_short", lang)
    return what


def _basis_text(b: dict[str, Any], lang: str) -> str:
    kind = basis(b)
    if kind == "assumption":
        return "；".join((b.get("assumed_effects") or {}).get(lang) or []) if lang == "zh" else \
            "; ".join((b.get("assumed_effects") or {}).get(lang) or [])
    if kind == "forecast":
        beh = b.get("behaviour") or {}
        if isinstance(beh.get(lang), str):
            return beh[lang]
        text = BASIS_NOTES[lang]["forecast"]
        if beh.get("model"):
            text += f"（{t('deck.model_name', lang)}）" if lang == "zh" else f" ({t('deck.model_name', lang)})"
        if beh.get("converged") is False:
            text += "；未收敛，仅供参考" if lang == "zh" else "; did not converge, indicative only"
        return text
    return t("deck.mechanics_what", lang)


def _headline(name: str, b: dict[str, Any], lang: str, level: float) -> str:
    """One line per scheme for the title slide: net gain, its interval, P(loss), cost; and the basis."""
    lo, hi = _stat(b, "net_gain_yuan", "lo"), _stat(b, "net_gain_yuan", "hi")
    ci = "" if lo is None or hi is None else f"（{level:.0f}%：{money(lo, lang)} – {money(hi, lang)}）" \
        if lang == "zh" else f" ({level:.0f}%: {money(lo, lang)} – {money(hi, lang)})"
    sep = "，" if lang == "zh" else ", "
    return (f"• {name} [{basis_label(b, lang)}]{'：' if lang == 'zh' else ': '}{t('deck.net', lang)} "
            f"{money(_stat(b, 'net_gain_yuan'), lang)}{ci}{sep}{t('deck.p_loss', lang)} {percent(_stat(b, 'p_net_loss'))}"
            f"{sep}{t('deck.bonus', lang)} {money(_stat(b, 'bonus_cost_yuan'), lang)}")


def _sent(lang: str) -> str:
    return "。" if lang == "zh" else ". "


def recommendation_text(doc: dict[str, Any], rec: dict[str, Any], level: float, lang: str) -> dict[str, Any]:
    """The recommendation in words, as the deck's first slide and the HTML report of a tune say it: ``title``;
    ``lines`` (how it pays, net gain with its interval and P(loss), cost, who reaches it, what binds); ``notes``
    (the rule, the tuning's reason, the recommended scheme's own row); ``rivals`` (each rival and why it lost,
    :func:`model.present.story.comparison_rivals` in :func:`model.present.band_text.rival_text`'s words)."""
    schemes = doc.get("schemes") or {}
    name = rec.get("scheme")
    b = schemes.get(name) or {}
    specs = doc.get("scheme_specs") or {}
    title = t("deck.rec_keep" if rec.get("keeps_baseline") else "deck.rec_title", lang).format(scheme=name)
    lines = []
    if name in specs:
        lines.append(t("deck.rec_rules", lang).format(rules="；".join(describe_scheme(specs[name], lang))
                                                      if lang == "zh" else "; ".join(describe_scheme(specs[name], lang))))
    lo, hi = _stat(b, "net_gain_yuan", "lo"), _stat(b, "net_gain_yuan", "hi")
    ci = t("deck.rec_ci", lang).format(level=level, lo=money(lo, lang), hi=money(hi, lang)) if lo is not None \
        and hi is not None else ""
    lines.append(t("deck.rec_gain", lang).format(net=money(_stat(b, "net_gain_yuan"), lang), ci=ci,
                                                 p=percent(_stat(b, "p_net_loss"))))
    lines.append(t("deck.rec_cost", lang).format(cost=money(_stat(b, "bonus_cost_yuan"), lang)))
    reach = _num(b.get("reach_share"))
    lines.append(t("deck.rec_reach", lang).format(share=percent(reach)) if reach is not None
                 else t("deck.rec_reach_none", lang))
    bind = rec.get("binding")
    if rec.get("source") == "tune" and isinstance(bind, dict) and bind.get(lang):
        lines.append(t("deck.rec_bind_tune", lang).format(what=bind[lang]))
    elif isinstance(bind, dict) and bind.get("kind") == "line":
        lines.append(t("deck.rec_bind_line", lang).format(scheme=bind["scheme"], kpi=kpi_name(bind["kpi"], lang)))
    elif isinstance(bind, dict) and bind.get("kind") == "p_loss":
        lines.append(t("deck.rec_bind_loss", lang).format(scheme=bind["scheme"], p=percent(bind["value"]),
                                                          max=percent(rec["max_p_loss"])))
    else:
        lines.append(t("deck.rec_bind_none", lang))
    notes = [t("deck.rec_rule", lang).format(max=percent(rec["max_p_loss"]))]
    tune = rec.get("tune") or {}
    if isinstance(tune.get("reason"), dict) and tune["reason"].get(lang):
        notes.append(tune["reason"][lang])
    if b.get("economics"):
        lines_b = breaches(doc, b)
        notes.append(t("deck.rec_note_row", lang).format(
            scheme=name, net=money(_stat(b, "net_gain_yuan"), lang), p=percent(_stat(b, "p_net_loss")),
            lines="、".join(kpi_name(k, lang) for k in lines_b) if lines_b else t("deck.rec_note_ok", lang)))
    banded = how_sure(doc, rec)["band"] is not None
    net = 0.0 if rec.get("keeps_baseline") else _stat(b, "net_gain_yuan")
    rivals = [rival_text(r, net, lang, banded=banded, max_p_loss=rec["max_p_loss"])
              for r in comparison_rivals(doc, rec)]
    return {"title": title, "lines": lines, "notes": notes, "rivals": rivals}


def recommendation_slide(d: _Deck, doc: dict[str, Any], rec: dict[str, Any], level: float) -> None:
    """Slide 1: which scheme, its target, net gain with interval, cost, who reaches it, what binds; the reasoning
    and the rivals (why each lost) in the speaker notes."""
    lang = d.lang
    txt = recommendation_text(doc, rec, level, lang)
    notes = txt["notes"] + [t("deck.rivals_head", lang)] + (["• " + r for r in txt["rivals"]]
                                                           or ["• " + t("deck.rivals_none", lang)])
    s = d.slide(txt["title"], notes="\n".join(notes))
    d.text(s, "\n".join("• " + ln for ln in txt["lines"]), Inches(0.5), Inches(1.4), Inches(12.3), Inches(4.6),
           size=20)


def _chosen(doc: dict[str, Any], rec: dict[str, Any]) -> list[str]:
    """The recommended scheme and, at most, the next best scheme by net gain (not the baseline)."""
    schemes = doc.get("schemes") or {}
    first = rec.get("scheme")
    rest = sorted((n for n in schemes if n not in (first, doc.get("baseline_scheme"))),
                  key=lambda n: -(_stat(schemes[n], "net_gain_yuan") or float("-inf")))
    return [n for n in [first, *rest[:1]] if n in schemes]


def behaviour_slides(d: _Deck, doc: dict[str, Any], rec: dict[str, Any]) -> None:
    """What the agents will do under each chosen scheme: who tries, coasts, gives up, races; each agent's chance
    of reaching (a bar chart); expected pay."""
    lang = d.lang
    if doc.get("agents_shown") is False:  # a tuning document: no per-agent report to show
        return
    for name in _chosen(doc, rec):
        b = (doc.get("schemes") or {})[name]
        beh = b.get("behaviour")
        title = t("deck.agents_title", lang).format(scheme=name)
        if not beh or not beh.get("agents"):
            s = d.slide(title, notes=t("deck.agents_off", lang))
            d.text(s, t("deck.agents_off", lang), Inches(0.5), Inches(1.5), Inches(12.3), Inches(2), size=20)
            continue
        states = agent_states(b)
        agents = beh["agents"]
        words = [t(f"deck.agents_{k}", lang).format(n=len(v)) for k, v in states.items() if v]
        if not beh.get("responds", True):
            words = [t("deck.agents_none_respond", lang)]
        notes = [t(f"deck.agents_{k}_who", lang).format(names="、".join(v) if lang == "zh" else ", ".join(v))
                 for k, v in states.items() if v]
        notes += list((beh.get("notes") or {}).get(lang) or [])
        if beh.get("converged") is False:
            notes.append(t("deck.agents_unconverged", lang))
        s = d.slide(title, t("deck.agents_note", lang), notes="\n".join(notes) or title)
        d.text(s, "\n".join("• " + w for w in words), Inches(0.5), Inches(1.2), Inches(4.6), Inches(5.2), size=16)
        chart = d.bar_chart(s, [str(a.get("name", a.get("agent"))) for a in agents],
                            [(t("deck.agents_chance", lang), [round(reach_chance(a), 4) for a in agents])],
                            Inches(5.2), Inches(1.2), Inches(7.8), Inches(2.9), number_format="0%",
                            name="Reach chart", legend=False)
        chart.value_axis.maximum_scale, chart.value_axis.minimum_scale = 1.0, 0.0
        chart.has_title = True
        chart.chart_title.text_frame.text = t("deck.agents_chance", lang)
        _fonts_in_frame(chart.chart_title.text_frame, size=12)
        d.bar_chart(s, [str(a.get("name", a.get("agent"))) for a in agents],
                    [(t("deck.agents_pay", lang), [round(_num(a.get("expected_variable_pay_yuan")) or 0.0, 2)
                                                   for a in agents])],
                    Inches(5.2), Inches(4.2), Inches(7.8), Inches(2.5), name="Expected pay chart", money_axis=True,
                    legend=True)


def sure_slide(d: _Deck, doc: dict[str, Any], rec: dict[str, Any], level: float) -> None:
    """How sure: the headline's interval and P(net loss); the basis of the response, the band over the behaviour
    assumptions, the three that move the headline most with its range across each (all from the run's ``band``
    blocks), and where the recommendation flips inside the band. A document without bands falls back on a
    sensitivity table (``python -m model sensitivity --json``) when it carries one."""
    lang = d.lang
    name = rec.get("scheme")
    b = (doc.get("schemes") or {}).get(name) or {}
    lo, hi = _stat(b, "net_gain_yuan", "lo"), _stat(b, "net_gain_yuan", "hi")
    net = money(_stat(b, "net_gain_yuan"), lang)
    lines = [t("deck.sure_ci", lang).format(scheme=name, level=level, net=net, lo=money(lo, lang), hi=money(hi, lang))
             if lo is not None and hi is not None else t("deck.sure_point", lang).format(scheme=name, net=net),
             t("deck.sure_p", lang).format(p=percent(_stat(b, "p_net_loss")))]
    sure = how_sure(doc, rec)
    if sure["basis"]:
        lines.append(basis_text(sure["basis"], lang))
    table = doc.get("sensitivity")
    if sure["band"] is not None:
        ng = sure["band"]["net_gain_yuan"]
        lines.append(t("deck.sure_band", lang).format(lo=money(ng["low"], lang), hi=money(ng["high"], lang)))
        lines.append(t("deck.sure_top", lang))
        lines += ["   " + top_text(r, lang) for r in sure["top"]]
    elif isinstance(table, dict) and table.get("scheme") in (None, name) and (top := top_assumptions(table)):
        lines.append(t("deck.sure_top", lang))
        lines += ["   " + t("deck.sure_row", lang).format(what=r[lang], lo=money(min(r["low"], r["high"]), lang),
                                                          hi=money(max(r["low"], r["high"]), lang)) for r in top]
    elif b.get("behaviour") and not (sure["basis"] or {}).get("kind"):
        lines.append(t("deck.sure_no_table", lang))
    if sure["flips"]:
        lines += [flip_text(f, name, lang) for f in sure["flips"][:3]]
        if len(sure["flips"]) > 3:
            lines.append("   " + t("deck.sure_more_flips", lang).format(n=len(sure["flips"]) - 3))
    elif sure["band"] is not None:
        lines.append(t("band.no_flip", lang))
    s = d.slide(t("deck.sure_title", lang), notes=t("deck.sure_notes", lang).format(level=level))
    d.text(s, "\n".join("• " + ln if not ln.startswith("   ") else ln for ln in lines), Inches(0.5), Inches(1.4),
           Inches(12.3), Inches(5.0), size=16 if len(lines) > 7 else 18)


def _count(x: Any) -> str:
    return f"{_num(x) or 0:,.0f}"


def plan_slide(d: _Deck, doc: dict[str, Any], rec: dict[str, Any], level: float) -> None:
    """Next month (a planned scenario's ``[meta.plan]``, ``doc["plan"]``): the volume forecast with the month's
    interval (simulated, or for an older plan the per-day ends summed, as ``month_interval`` says),
    the staffing (agents, paid hours against the need, unmet hours) and the recommended scheme's cost on it."""
    p = doc.get("plan")
    if not isinstance(p, dict):
        return
    lang = d.lang
    num = _count
    key = "deck.plan_volume_sim" if p.get("month_interval") == "simulated" else "deck.plan_volume"
    lines = [t(key, lang).format(mean=num(p.get("inquiries")), lo=num(p.get("inquiries_lo")),
                                                hi=num(p.get("inquiries_hi")), level=100 * (p.get("level") or 0.8))]
    if p.get("backtest_wape") is not None:
        lines.append("   " + t("deck.plan_backtest", lang).format(wape=percent(p["backtest_wape"], 1),
                                                                  cov=percent(p.get("backtest_coverage"))))
    line = line_text(p["line_kpi"], p["line_value"], lang) if p.get("line_kpi") and p.get("line_value") is not None \
        else "—"
    lines.append(t("deck.plan_staff", lang).format(agents=p.get("agents"), paid=num(p.get("paid_agent_hours")),
                                                   need=num(p.get("need_agent_hours")),
                                                   q=percent(p.get("quantile")), line=line))
    lines.append("   " + (t("deck.plan_unmet", lang).format(n=p["unmet_hours"], short=num(p.get("unmet_agent_hours")))
                          if p.get("unmet_hours") else t("deck.plan_unmet_none", lang)))
    if p.get("agents_now") is not None and p.get("agents_now") != p.get("agents"):
        lines.append("   " + t("deck.plan_edited", lang).format(now=p["agents_now"], agents=p.get("agents")))
    name = rec.get("scheme")
    b = (doc.get("schemes") or {}).get(name) or {}
    if b:
        lo, hi = _stat(b, "net_gain_yuan", "lo"), _stat(b, "net_gain_yuan", "hi")
        ci = t("deck.rec_ci", lang).format(level=level, lo=money(lo, lang), hi=money(hi, lang)) \
            if lo is not None and hi is not None else ""
        lines.append(t("deck.plan_cost", lang).format(scheme=name, cost=money(_stat(b, "bonus_cost_yuan"), lang),
                                                      net=money(_stat(b, "net_gain_yuan"), lang), ci=ci))
    notes = []
    if p.get("rule_pack"):
        notes.append(t("deck.plan_rules", lang).format(pack=pack_label(p["rule_pack"], lang), date=p.get("rule_date")))
    months = p.get("behaviour_from") or []
    notes.append(t("deck.plan_behaviour", lang).format(months="、".join(months) if lang == "zh" else ", ".join(months))
                 if months else t("deck.plan_behaviour_assumed", lang))
    notes.append(t("deck.plan_source", lang).format(method=p.get("method") or "—"))
    s = d.slide(t("deck.plan_title", lang).format(month=p.get("month", "")), t("deck.plan_note", lang),
                notes="\n".join(notes))
    d.text(s, "\n".join("• " + ln if not ln.startswith("   ") else ln for ln in lines + notes[:2]), Inches(0.5),
           Inches(1.4), Inches(12.3), Inches(5.0), size=18)


#: The parameters of an estimated response, in the deck's words (catalogue keys).
_RESPONSE_PARAMS = ("selling_cost_yuan", "speed_cost_yuan", "service_cost_yuan", "decision_noise_yuan")


def response_slide(d: _Deck, doc: dict[str, Any]) -> None:
    """Where the agents' response comes from (``doc["response"]``: estimated from the shop's months): each
    parameter with its interval, and the back-test of the last month (forecast, interval, actual), team level.
    Absent when the response is assumed (the how-sure slide says so)."""
    r = doc.get("response")
    if not isinstance(r, dict) or not r.get("months"):
        return
    lang = d.lang
    months = list(r["months"])
    sep = "、" if lang == "zh" else ", "
    lines = [t("deck.resp_from", lang).format(n=len(months), months=sep.join(months))]
    values = r.get("values") or {}
    for p in _RESPONSE_PARAMS:
        iv = (r.get("intervals") or {}).get(p)
        v = values.get(p)
        if v is None:
            continue
        what = t(f"deck.resp_param.{p}", lang)
        if iv:
            lines.append("   " + t("deck.resp_param", lang).format(what=what, v=f"{v:,.0f}", lo=f"{iv[0]:,.0f}",
                                                                   hi=f"{iv[1]:,.0f}"))
        else:
            lines.append("   " + t("deck.resp_kept", lang).format(what=what, v=f"{v:,.0f}"))
    bt = r.get("backtest")
    s = d.slide(t("deck.resp_title", lang), t("deck.resp_note", lang),
                notes=t("deck.resp_notes", lang).format(months=sep.join(months)))
    if bt:
        lines.append(t("deck.resp_bt", lang).format(fit=sep.join(bt["fit_months"]), month=bt["month"],
                                                    scheme=bt.get("scheme") or t("deck.base_only", lang)))
    d.text(s, "\n".join("• " + ln if not ln.startswith("   ") else ln for ln in lines), Inches(0.5), Inches(1.3),
           Inches(12.3), Inches(2.6), size=16)
    if bt and bt.get("kpis"):
        rows = []
        for code, (f, lo, hi, act) in bt["kpis"].items():
            ok = lo <= act <= hi
            rows.append([kpi_label(code, lang) if code in KPI_CODES else code, _kpi_text(code, f, lang),
                         f"{_kpi_text(code, lo, lang)} – {_kpi_text(code, hi, lang)}", _kpi_text(code, act, lang),
                         t("deck.resp_inside" if ok else "deck.resp_outside", lang)])
        d.table(s, [t("deck.kpi", lang), t("deck.resp_forecast", lang), t("deck.resp_interval", lang),
                    t("deck.resp_actual", lang), t("deck.status", lang)], rows, Inches(0.5), Inches(4.0),
                Inches(12.3), size=12, widths=[3, 2, 3.5, 2, 1.8], name="Back-test table")


def bot_slide(d: _Deck, doc: dict[str, Any]) -> None:
    """The bot front line (``doc["bot"]``): the share it resolves, the chats by bot and agents, the platform's
    counting, each scheme's pay basis; the KPIs in the four views against the platform's lines. Absent without a
    bot."""
    if not has_bot(doc):
        return
    lang = d.lang
    s = d.slide(t("deck.bot_title", lang), t("deck.bot_note", lang), notes=bot_notes(doc, lang))
    lines = bot_lines(doc, lang)
    d.text(s, "\n".join("• " + ln for ln in lines), Inches(0.5), Inches(1.2), Inches(12.3), Inches(2.6),
           size=15 if len(lines) > 5 else 16)
    heads, rows = bot_rows(doc, lang)
    d.table(s, heads, rows, Inches(0.5), Inches(3.9), Inches(12.3), size=11, widths=[3, 1.6, 1.6, 1.6, 1.6, 2.6],
            name="Bot table")


def build_deck(doc: dict[str, Any], *, lang: str = "zh") -> bytes:
    """The comparison as a PowerPoint deck (.pptx bytes).

    Args:
        doc: the comparison document (``schemes``; optionally ``team``, ``scenario``, ``baseline_scheme``,
            ``scheme_specs`` (scheme name -> the scheme as a dict) for the pay rules).
        lang: "zh" (default) or "en".

    Returns:
        The .pptx file's bytes.
    """
    lang = _lang(lang)
    d = _Deck(lang)
    schemes = doc.get("schemes") or {}
    sc = doc.get("scenario") or {}
    level = interval_level(doc)
    base = doc.get("baseline_scheme") or t("deck.base_only", lang)
    days = sc.get("days", "—")

    # 1. the recommendation first
    rec = recommend(doc)
    recommendation_slide(d, doc, rec, level)
    d.text(d.prs.slides[0], t("deck.subtitle", lang).format(name=sc.get("name") or "", days=days,
                                                            reps=sc.get("replications", "—"),
                                                            seed=sc.get("seed", "—"), base=base),
           Inches(0.5), Inches(6.2), Inches(11.5), Inches(0.4), size=11, colour=NOTE_COLOUR)
    d.text(d.prs.slides[0], t("deck.generated", lang).format(date=_dt.date.today().isoformat()), Inches(0.5),
           Inches(6.6), Inches(11.5), Inches(0.4), size=10, colour=NOTE_COLOUR)
    # what the agents will do (the recommended scheme and at most one more), and how sure
    behaviour_slides(d, doc, rec)
    sure_slide(d, doc, rec, level)
    response_slide(d, doc)  # a response estimated from the shop's months only
    plan_slide(d, doc, rec, level)  # a planned month only
    bot_slide(d, doc)  # a shop with the bot front line only

    # 2. current state (a tuning deck carries no team KPIs: no slide)
    rows = _state_rows(doc, lang)
    if rows or doc.get("agents_shown") is not False:
        _state_slide(d, rows, lang)

    # 3. schemes side by side
    s = d.slide(t("deck.schemes", lang))
    specs = doc.get("scheme_specs") or {}
    rows = [[n, basis_label(b, lang), "\n".join(describe_scheme(specs[n], lang)) if n in specs
             else (b.get("description") or "")] for n, b in schemes.items()]
    d.table(s, [t("deck.scheme", lang), t("deck.basis", lang), t("deck.rules", lang)], rows, Inches(0.5), Inches(1.3), Inches(12.3),
            size=12, widths=[2.5, 1.2, 8.6], name="Scheme table")

    # 4. cost, uplift, net gain and risk
    s = d.slide(t("deck.money", lang), t("deck.money_note", lang).format(days=days))
    names = list(schemes)
    d.bar_chart(s, names, [
        (t("deck.bonus", lang), [round(_stat(b, "bonus_cost_yuan") or 0.0, 2) for b in schemes.values()]),
        (t("deck.uplift", lang), [round(_stat(b, "uplift_yuan") or 0.0, 2) for b in schemes.values()]),
        (t("deck.net", lang), [round(_stat(b, "net_gain_yuan") or 0.0, 2) for b in schemes.values()]),
    ], Inches(0.4), Inches(1.2), Inches(5.2), Inches(5.4), name="Money chart", money_axis=True)
    d.table(s, [t("deck.scheme", lang), t("deck.bonus", lang), t("deck.uplift", lang), t("deck.net", lang), t("deck.net_ci", lang).format(level=level),
                t("deck.p_loss", lang), t("deck.roi", lang)], money_rows(doc, lang), Inches(5.8), Inches(1.3), Inches(7.2),
            size=11, widths=[2.4, 1.2, 1.2, 1.2, 2.6, 1.0, 0.9], name="Money table")

    # 5. per-agent pay
    agents, pay = _agents(doc)
    if agents:
        _pay_slide(d, agents, pay, lang)

    # 6. what rests on what
    _basis_slide(d, doc, schemes, lang)

    out = io.BytesIO()
    d.prs.save(out)
    return out.getvalue()


def _state_slide(d: _Deck, rows: list[list[str]], lang: str) -> None:
    s = d.slide(t("deck.state", lang), t("deck.state_note", lang).format(level=95))
    d.table(s, [t("deck.kpi", lang), t("deck.now", lang), t("deck.interval", lang), t("deck.platform", lang),
                t("deck.status", lang)], rows,
            Inches(0.5), Inches(1.3), Inches(12.3), widths=[3, 2, 3, 2, 1.5], name="KPI table")


def _pay_slide(d: _Deck, agents: list[str], pay: dict[str, list[float]], lang: str) -> None:
    s = d.slide(t("deck.pay", lang), t("deck.pay_note", lang))
    wide = len(agents) <= MAX_AGENT_ROWS
    d.bar_chart(s, agents, [(n, v) for n, v in pay.items()], Inches(0.5), Inches(1.2),
                Inches(7.4) if wide else Inches(12.3), Inches(5.4), name="Pay chart", money_axis=True)
    if wide:
        rows = [[a] + [money(pay[n][i], lang) for n in pay] for i, a in enumerate(agents)]
        rows.append([t("deck.total", lang)] + [money(sum(v), lang) for v in pay.values()])
        d.table(s, [t("deck.agent", lang), *pay], rows, Inches(8.1), Inches(1.2), Inches(4.8),
                size=9 if len(agents) > 10 else 10, name="Pay table")


def _basis_slide(d: _Deck, doc: dict[str, Any], schemes: dict[str, Any], lang: str) -> None:
    note = retimed_note(doc, lang)
    s = d.slide(t("deck.basis_title", lang), t("deck.basis_note", lang),
                notes=None if note is None else t("deck.basis_note", lang) + "\n" + note)
    rows = [[n, basis_label(b, lang), _basis_what(n, b, lang)] for n, b in schemes.items()]
    d.table(s, [t("deck.scheme", lang), t("deck.basis", lang), t("deck.what", lang)], rows, Inches(0.5), Inches(1.3), Inches(12.3),
            widths=[3, 1.5, 7.8], name="Basis table")
