"""The portfolio's roll-up in PowerPoint (python-pptx): :func:`add_rollup_slides` appends the firm's totals
(a chart of each shop's bonus cost and net gain, the totals) and the shops' table to any presentation, so the
comparison deck can carry it; :func:`build_portfolio_deck` makes a deck of those slides alone."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Inches, Pt

from model.present.i18n import norm_lang, t
from model.present.portfolio_tables import firm_lines, platform_name, shop_table

EA_FONT = "Microsoft YaHei"
#: Shops in the deck's table (the rest are in the exported XLSX).
MAX_ROWS = 14


def _fonts(tf: Any, size: int, bold: bool = False) -> None:
    for p in tf.paragraphs:
        for r in p.runs:
            r.font.size = Pt(size)
            r.font.bold = bold
            rpr = r._r.get_or_add_rPr()
            ea = rpr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}ea")
            if ea is None:
                ea = rpr.makeelement("{http://schemas.openxmlformats.org/drawingml/2006/main}ea", {})
                rpr.append(ea)
            ea.set("typeface", EA_FONT)


def _text(slide: Any, text: str, x: float, y: float, w: float, h: float, size: int = 14, bold: bool = False) -> Any:
    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    box.text_frame.word_wrap = True
    lines = text.split("\n")
    box.text_frame.text = lines[0]
    for ln in lines[1:]:
        box.text_frame.add_paragraph().text = ln
    _fonts(box.text_frame, size, bold)
    return box


def _table(slide: Any, heads: list[str], rows: list[list[str]], x: float, y: float, w: float, size: int,
           name: str) -> Any:
    shape = slide.shapes.add_table(len(rows) + 1, len(heads), Inches(x), Inches(y), Inches(w),
                                   Pt(size * 2.1) * (len(rows) + 1))
    shape.name = name
    for j, h in enumerate(heads):
        c = shape.table.cell(0, j)
        c.text = h
        _fonts(c.text_frame, size, True)
    for i, r in enumerate(rows, start=1):
        for j, v in enumerate(r):
            c = shape.table.cell(i, j)
            c.text = v
            _fonts(c.text_frame, size)
    return shape


def add_rollup_slides(prs: Any, doc: dict[str, Any], lang: str = "zh") -> None:
    """Append the roll-up slide (totals and a per-shop chart) and the shops' table slide to ``prs``."""
    lang = norm_lang(lang)
    blank = prs.slide_layouts[6]
    rows = doc.get("shops") or []
    s = prs.slides.add_slide(blank)
    _text(s, t("pf.deck_title", lang, name=doc.get("name", "")), 0.5, 0.3, 12.3, 0.8, 28, True).name = "Title"
    plats = ", ".join(platform_name(p, lang) for p in doc["firm"]["platforms"])
    _text(s, t("pf.deck_sub", lang, n=doc["firm"]["shops"], platforms=plats, date=dt.date.today().isoformat()),
          0.5, 1.0, 12.3, 0.4, 12)
    _text(s, "\n".join(f"{a}: {b}" for a, b in firm_lines(doc, lang)), 0.5, 1.6, 5.3, 4.8, 14).name = "Totals"
    if rows:
        data = CategoryChartData(number_format="#,##0")
        data.categories = [str(r["shop"]) for r in rows]
        data.add_series(t("pf.bonus", lang), [round(r["bonus_cost_yuan"], 2) for r in rows])
        data.add_series(t("pf.net", lang), [round(r["net_gain_yuan"], 2) for r in rows])
        gf = s.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(6.0), Inches(1.5), Inches(7.0), Inches(5.0),
                                data)
        gf.name = "Shops chart"
        gf.chart.has_legend = True
        gf.chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        gf.chart.legend.include_in_layout = False
    f = doc["firm"]
    note = (t("pf.mixed", lang, days="/".join(map(str, f["days"]))) if f["mixed_horizons"]
            else t("pf.horizon", lang, days="/".join(map(str, f["days"])) or "—")) + " " + t("pf.ci_note", lang)
    _text(s, note + "\n" + t("pf.rule_note", lang), 0.5, 6.6, 12.3, 0.8, 10)
    s.notes_slide.notes_text_frame.text = note
    heads, trows = shop_table(doc, lang)
    s2 = prs.slides.add_slide(blank)
    _text(s2, t("pf.deck_shops", lang), 0.5, 0.3, 12.3, 0.8, 28, True).name = "Title"
    _table(s2, heads, trows[:MAX_ROWS] or [["—"] * len(heads)], 0.4, 1.2, 12.5, 10, "Shops table")
    if len(trows) > MAX_ROWS:
        _text(s2, t("pf.more_rows", lang, n=len(trows) - MAX_ROWS), 0.5, 6.9, 12.3, 0.4, 10)
    if doc.get("failed"):
        _text(s2, t("pf.failed_title", lang) + ": " + ", ".join(x["shop"] for x in doc["failed"]),
              0.5, 6.5, 12.3, 0.4, 11)


def build_portfolio_deck(doc: dict[str, Any], *, lang: str = "zh") -> bytes:
    """A deck of the roll-up slides alone (.pptx bytes)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    add_rollup_slides(prs, doc, lang)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
