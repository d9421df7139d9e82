"""A self-contained HTML report of a scheme comparison (one file, charts inline, Chinese renders).

Pure: :func:`build_report` takes the comparison document and a language and returns the HTML text; it never
imports streamlit. Charts are rendered to inline SVG with ``vl-convert-python`` (no browser, no network); when
that package is missing, each chart's Vega-Lite spec is embedded as JSON beside a data table instead.

The document is the ``compare`` JSON (:func:`model.pipeline.compare_schemes`) plus, optionally, ``scenario``
(``name``, ``days``, ``replications``, ``seed``, ``platform``, ``file``) as in ``python -m model compare --json``
and ``scheme_specs`` (scheme name -> the scheme as a dict) for the component list.
"""

from __future__ import annotations

import datetime as _dt
import json
from html import escape
from typing import Any

from model.present.band_text import (
    SENSE,
    basis_text,
    flip_text,
    has_band,
    range_text,
    reopened_text,
    top_rows,
    top_text,
)
from model.present.bot_text import bot_lines, bot_rows, has_bot
from model.present.charts_compare import CJK_FONT, all_charts, scheme_label
from model.present.format import interval_level, money, pct, retimed_note
from model.present.i18n import norm_lang, t
from model.schemes.describe import basis_label, describe_scheme, note_in_lang
from model.text import finite as _num

CSS = f"""
:root {{ color-scheme: light; }}
body {{ font-family: {CJK_FONT}; margin: 2rem auto; max-width: 1200px; padding: 0 1.5rem; color: #1f2933;
       line-height: 1.55; }}
h1 {{ font-size: 1.7rem; margin-bottom: .2rem; }}
h2 {{ font-size: 1.25rem; border-bottom: 2px solid #e4e7eb; padding-bottom: .2rem; margin-top: 2rem; }}
table {{ border-collapse: collapse; margin: .6rem 0; font-size: .92rem; }}
th, td {{ border: 1px solid #d9dee3; padding: .3rem .6rem; text-align: right; white-space: nowrap; }}
td:first-child {{ white-space: normal; min-width: 9em; }}
.scroll {{ overflow-x: auto; }}
th {{ background: #f3f5f7; }}
td:first-child, th:first-child {{ text-align: left; }}
.meta td {{ text-align: left; }}
.assumed {{ color: #b44d12; font-weight: 600; }}
.note {{ color: #52606d; font-size: .9rem; }}
.callout {{ background: #fff7ed; border-left: 4px solid #f59e0b; padding: .5rem .9rem; margin: .6rem 0; }}
figure {{ margin: 1rem 0; }}
figure svg {{ max-width: 100%; height: auto; }}
@media print {{ body {{ margin: 0; }} h2 {{ page-break-after: avoid; }} figure {{ page-break-inside: avoid; }} }}
"""




def _stat(e: dict[str, Any], code: str, part: str = "mean") -> float | None:
    return _num((e.get(code) or {}).get(part))


def comparison_rows(doc: dict[str, Any], lang: str, *, short: bool = False) -> tuple[list[str], list[list[str]]]:
    """Headers and formatted rows of the comparison table (one row per scheme).

    Columns: scheme, bonus cost, uplift, net gain, its interval, ROI, P(net loss), conversion, order value,
    payout share of incremental profit, assumption (the assumed effects, or only the marker with ``short``).
    """
    lang = norm_lang(lang)
    level = interval_level(doc)
    heads = [t("res.col.scheme", lang), t("res.col.bonus", lang), t("res.col.uplift", lang),
             t("res.col.net", lang), t("res.col.net_ci", lang, level=level), t("res.col.roi", lang),
             t("res.col.p_loss", lang), t("res.col.conv", lang), t("res.col.aov", lang),
             t("res.col.payout", lang), t("res.col.assumed", lang)]
    rows = []
    dash = t("unit.none", lang)
    for name, b in (doc.get("schemes") or {}).items():
        e = b.get("economics") or {}
        tm = b.get("team") or {}
        lo, hi = _stat(e, "net_gain_yuan", "lo"), _stat(e, "net_gain_yuan", "hi")
        ci = dash if lo is None or hi is None else f"{money(lo, lang)} – {money(hi, lang)}"
        roi = _stat(e, "roi")
        ae = b.get("assumed_effects")
        rows.append([
            name, money(_stat(e, "bonus_cost_yuan"), lang), money(_stat(e, "uplift_yuan"), lang),
            money(_stat(e, "net_gain_yuan"), lang), ci, dash if roi is None else f"{roi:.2f}",
            pct(_stat(e, "p_net_loss"), lang, digits=0), pct(_stat(tm, "inquiry_conversion"), lang, digits=2),
            money(_stat(tm, "aov_yuan"), lang, digits=2), pct(_stat(e, "payout_share_of_incremental_profit"), lang),
            ("" if not ae else t("res.assumed_mark", lang) if short else "; ".join(ae.get(lang) or [])),
        ])
    return heads, rows


def agent_pay_rows(doc: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """Per-agent variable pay (one column per scheme) as formatted text."""
    schemes = doc.get("schemes") or {}
    heads = [t("res.col.agent", lang)] + [scheme_label(n, b, lang) for n, b in schemes.items()]
    agents: dict[Any, dict[str, Any]] = {}
    for n, b in schemes.items():
        for a in b.get("agents") or []:
            row = agents.setdefault(a.get("agent"), {"name": a.get("name", a.get("agent"))})
            row[n] = a.get("variable_yuan")
    rows = [[str(r["name"])] + [money(r.get(n), lang) for n in schemes] for _, r in sorted(
        agents.items(), key=lambda kv: (str(type(kv[0])), kv[0]))]
    totals = [t("rep.col.total", lang)] + [
        money(sum(_num(a.get("variable_yuan")) or 0.0 for a in b.get("agents") or []), lang)
        for b in schemes.values()]
    return heads, rows + [totals]


def _table(heads: list[str], rows: list[list[str]], cls: str = "") -> str:
    h = "".join(f"<th>{escape(x)}</th>" for x in heads)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    c = f' class="{cls}"' if cls else ""
    return f'<div class="scroll"><table{c}><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table></div>'


def chart_svgs(doc: dict[str, Any], lang: str) -> dict[str, str]:
    """Each chart as an inline ``<svg>`` (vl-convert) or, without vl-convert, as an embedded JSON spec."""
    try:
        import vl_convert as vlc
    except ImportError:  # pragma: no cover - exercised only without the optional renderer
        vlc = None
    return {key: _svg(chart, lang, vlc) for key, chart in all_charts(doc, lang).items()}


def _svg(chart: Any, lang: str, vlc: Any) -> str:
    """One chart as inline ``<svg>`` (vl-convert ``vlc``) or, when ``vlc`` is None, its embedded JSON spec."""
    spec = chart.to_dict()
    if vlc is not None:
        svg = vlc.vegalite_to_svg(spec)
        return svg[svg.find("<svg"):] if "<svg" in svg else svg
    data = json.dumps(spec, ensure_ascii=False).replace("</", "<\\/")
    return (f'<p class="note">{escape(t("rep.chart_missing", lang))}</p>'
            f'<script type="application/vnd.vegalite+json">{data}</script>')


def tune_chart_svgs(tune_doc: dict[str, Any], lang: str) -> dict[str, str]:
    """The tuning page's two frontier charts (net gain against payout and against reach, the recommended scheme's
    points) as inline SVG; none without points."""
    from model.present.charts_tuning import frontier_chart

    try:
        import vl_convert as vlc
    except ImportError:  # pragma: no cover - exercised only without the optional renderer
        vlc = None
    if not tune_doc.get("points") or not (tune_doc.get("frontier") or {}).get("scheme"):
        return {}
    return {f"frontier-{k}": _svg(frontier_chart(tune_doc, lang, k).properties(width=520, height=280), lang, vlc)
            for k in ("payout", "reach")}


def band_section(doc: dict[str, Any], lang: str) -> str:
    """How sure: each scheme's band over the behaviour assumptions as the compare cards say it (its range, the
    three assumptions that move it most, its basis; the baseline says what it is), then where the recommendation
    flips inside the bands (:func:`model.present.story.how_sure`). Empty for a document without bands."""
    from model.present.story import how_sure  # the behaviour layer (numpy) only when a report is built

    schemes = doc.get("schemes") or {}
    if not doc.get("band_basis") and not any(b.get("band") for b in schemes.values()):
        return ""
    parts = [f"<h2>{escape(t('deck.sure_title', lang))}</h2>"]
    for name, b in schemes.items():
        band = b.get("band")
        if not band:
            continue
        items = []
        if has_band(band):
            items.append(f"<p>{escape(range_text(band, lang))}</p>")
            rows = "".join(f"<li>{escape(top_text(r, lang))}</li>" for r in top_rows(band))
            items.append(f'<p class="note">{escape(t("band.top", lang))}</p><ul class="note">{rows}</ul>')
        elif band.get("baseline"):
            items.append(f'<p class="note">{escape(t("band.baseline", lang))}</p>')
        items.append(f'<p class="note">{escape(basis_text(band.get("basis"), lang))}</p>')
        parts.append(f'<div class="band" data-scheme="{escape(name)}"><h3>{escape(name)}</h3>{"".join(items)}</div>')
    sure = how_sure(doc)
    if sure["flips"]:
        lines = "".join(f"<li>{escape(flip_text(f, str(sure['scheme']), lang))}</li>" for f in sure["flips"])
        parts.append(f'<div class="callout flips"><ul>{lines}</ul></div>')
    elif sure["band"] is not None:
        parts.append(f"<p>{escape(t('band.no_flip', lang))}</p>")
    return "\n".join(parts)


def _head(title: str, sc: dict[str, Any], lang: str) -> list[str]:
    """The page's head (title, style), its ``<h1>`` and the generated stamp."""
    return [f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
            f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}{' · ' + escape(str(sc['name'])) if sc.get('name') else ''}</title>\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n", f"<h1>{escape(title)}</h1>",
            f'<p class="note">{escape(t("rep.generated", lang))} · {_dt.date.today().isoformat()}</p>']


def _scenario_rows(sc: dict[str, Any], lang: str) -> list[list[str]]:
    """The scenario's name, platform, days, replications, seed and file as label/value rows."""
    meta = []
    for key, field in (("rep.shop", "name"), ("rep.platform", "platform"), ("rep.days", "days"),
                       ("rep.reps", "replications"), ("rep.seed", "seed"), ("rep.file", "file")):
        v = sc.get(field)
        if v is None:
            continue
        if field == "platform":
            try:
                v = t(f"platform.{v}", lang)
            except KeyError:
                pass
        meta.append([t(key, lang), str(v)])
    return meta


def _meta_table(rows: list[list[str]]) -> str:
    return _table(["", ""], rows, "meta").replace("<thead><tr><th></th><th></th></tr></thead>", "")


def build_report(doc: dict[str, Any], lang: str = "zh") -> str:
    """The comparison as one self-contained HTML page.

    Args:
        doc: the comparison document (``schemes``, ``baseline_scheme``; optionally ``scenario`` and
            ``scheme_specs``).
        lang: "zh" (default) or "en".

    Returns:
        The HTML text (UTF-8, no external resources).
    """
    lang = norm_lang(lang)
    schemes = doc.get("schemes") or {}
    sc = doc.get("scenario") or {}
    parts = _head(t("rep.title", lang), sc, lang)

    # scenario summary
    parts.append(f"<h2>{escape(t('rep.scenario', lang))}</h2>")
    base = doc.get("baseline_scheme") or t("ed.base_only", lang)
    parts.append(_meta_table(_scenario_rows(sc, lang) + [[t("rep.baseline", lang), str(base)]]))
    if sc.get("days") is not None:
        parts.append(f'<p class="note">{escape(t("rep.money_note", lang, days=sc["days"]))}</p>')

    # assumptions
    assumed = [(n, b["assumed_effects"]) for n, b in schemes.items() if b.get("assumed_effects")]
    parts.append(f"<h2>{escape(t('rep.assumptions', lang))}</h2>")
    if assumed:
        items = "".join(f'<li><b>{escape(n)}</b>: <span class="assumed">{escape("; ".join(ae.get(lang) or []))}'
                        f"</span></li>" for n, ae in assumed)
        parts.append(f'<div class="callout"><p>{escape(t("res.assumed_note", lang))}</p><ul>{items}</ul></div>')
    else:
        parts.append(f"<p>{escape(t('res.no_assumed', lang))}</p>")

    # schemes
    specs = doc.get("scheme_specs") or {}
    parts.append(f"<h2>{escape(t('rep.schemes', lang))}</h2><ul>")
    for n, b in schemes.items():
        desc = note_in_lang(b.get("description") or "", lang)
        lines = "".join(f"<li>{escape(line)}</li>" for line in describe_scheme(specs[n], lang)) if n in specs else ""
        mark = f' <span class="assumed">[{escape(basis_label(b, lang))}]</span>'
        parts.append(f"<li><b>{escape(n)}</b>{mark}{' — ' + escape(desc) if desc else ''}"
                     f"{'<ul>' + lines + '</ul>' if lines else ''}</li>")
    parts.append("</ul>")

    # table
    parts.append(f"<h2>{escape(t('rep.table', lang))}</h2>")
    heads, rows = comparison_rows(doc, lang, short=True)
    parts.append(_table(heads, rows))
    parts.append(f'<p class="note">{escape(t("res.baseline_note", lang, name=base, level=interval_level(doc)))} '
                 f'{escape(t("rep.method", lang))}</p>')
    if (note := retimed_note(doc, lang)) is not None:  # a run re-timed from the base run, not simulated (model.retime)
        parts.append(f'<p class="note" id="retimed">{escape(note)}</p>')

    # charts
    parts.append(f"<h2>{escape(t('rep.charts', lang))}</h2>")
    for key, svg in chart_svgs(doc, lang).items():
        parts.append(f'<figure id="chart-{key}">{svg}</figure>')
    if assumed:
        parts.append(f'<p class="note assumed">{escape(t("res.assumed_note", lang))} '
                     f'{escape(", ".join(n for n, _ in assumed))}</p>')

    # how sure: the bands over the behaviour assumptions
    band_html = band_section(doc, lang)
    if band_html:
        parts.append(band_html)

    # the bot front line
    if has_bot(doc):
        parts.append(f'<h2 id="bot">{escape(t("deck.bot_title", lang))}</h2>')
        parts.append("<ul>" + "".join(f"<li>{escape(ln)}</li>" for ln in bot_lines(doc, lang)) + "</ul>")
        heads, rows = bot_rows(doc, lang)
        parts.append(_table(heads, rows, "bot"))
        parts.append(f'<p class="note">{escape(t("deck.bot_views_note", lang))}</p>')

    # per agent
    parts.append(f"<h2>{escape(t('rep.per_agent', lang))}</h2>")
    heads, rows = agent_pay_rows(doc, lang)
    parts.append(_table(heads, rows))
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


def build_tune_report(tune_doc: dict[str, Any], lang: str = "zh") -> str:
    """The tuning recommendation as one self-contained HTML page (``report --tune --html``): the recommendation
    first (as the deck's first slide: scheme and target, net gain with its interval, cost, who reaches it, what
    binds), the reason and the rule (the slide's notes), the rivals and why each lost, the band and where the
    recommendation flips (the how-sure slide), then the sweep and the constraints. Every text escaped.

    Args:
        tune_doc: the tune document (``python -m model tune --json``; :func:`model.tuning.tune.tune` or
            :func:`~model.tuning.tune.reopen`).
        lang: "zh" (default) or "en".
    """
    from model.present.deck import recommendation_text
    from model.present.story import recommend, tuning_deck_document
    from model.tuning.optimise import BY_NAME

    lang = norm_lang(lang)
    doc = tuning_deck_document(tune_doc)
    sc = doc.get("scenario") or {}
    level = interval_level(doc)
    rec = recommend(doc)
    txt = recommendation_text(doc, rec, level, lang)
    parts = _head(t("rep.tune_title", lang), sc, lang)
    parts.append(f'<h2 id="recommendation">{escape(txt["title"])}</h2>')
    parts.append('<ul class="rec">' + "".join(f"<li>{escape(ln)}</li>" for ln in txt["lines"]) + "</ul>")
    parts.append(f'<h3>{escape(t("rep.tune_why", lang))}</h3>')
    parts.append('<div class="why">' + "".join(f"<p>{escape(n)}</p>" for n in txt["notes"]) + "</div>")
    parts.append(f'<h2 id="rivals">{escape(t("rep.tune_rivals", lang))}</h2>')
    parts.append('<ul class="rivals">' + ("".join(f"<li>{escape(r)}</li>" for r in txt["rivals"])
                                          or f"<li>{escape(t('deck.rivals_none', lang))}</li>") + "</ul>")
    band_html = band_section(doc, lang)
    if band_html:
        parts.append(band_html)
    elif (doc.get("band_basis") or {}).get("kind"):
        parts.append(f'<p class="note">{escape(basis_text(doc["band_basis"], lang))}</p>')
    reopened = reopened_text(tune_doc, lang)
    if reopened:  # a reopened sweep: was its band computed again
        parts.append(f'<p class="note band-note">{escape(reopened)}</p>')
    charts = tune_chart_svgs(tune_doc, lang)
    if charts:  # the trade-off frontier, as the tuning page draws it
        parts.append(f"<h2>{escape(t('tun.frontier', lang))}</h2>")
        parts += [f'<figure id="chart-{key}">{svg}</figure>' for key, svg in charts.items()]
    # the sweep and the constraints
    sw = tune_doc.get("sweep") or {}
    parts.append(f"<h2>{escape(t('rep.tune_sweep', lang))}</h2>")
    rows = _scenario_rows(sc, lang)
    rows.append([t("rep.tune_points", lang), str(sw.get("points", "—"))])
    if sw.get("computed") is not None:
        rows.append([t("rep.tune_computed", lang), str(sw.get("computed"))])
    rows.append([t("rep.tune_sweep_id", lang), str(sw.get("id", "—"))])
    parts.append(_meta_table(rows))
    if sw.get("status") is not None:
        parts.append(f'<p class="note">{escape(t("rep.tune_reopened", lang))}</p>')
    if sc.get("days") is not None:
        parts.append(f'<p class="note">{escape(t("rep.money_note", lang, days=sc["days"]))}</p>')
    lim = tune_doc.get("constraints") or {}
    if lim:
        parts.append(f"<h3>{escape(t('rep.tune_constraints', lang))}</h3>")
        parts.append(_meta_table([[BY_NAME[k].zh if lang == "zh" else BY_NAME[k].en,
                                   f"{SENSE[BY_NAME[k].sense]} {pct(v, lang, digits=0)}"]
                                  for k, v in lim.items() if k in BY_NAME]))
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)
