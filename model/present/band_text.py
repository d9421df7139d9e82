"""The band of a forecast in words (zh/en): its basis, its range, the assumptions that move it most, and where a
recommendation flips inside it. Reads the ``band`` blocks of :func:`model.behaviour.band.attach_bands`; the
compare cards, the tuning page, the CLI and the deck's "how sure" slide all say it with these functions."""

from __future__ import annotations

from typing import Any

from model.present.format import money, pct
from model.present.i18n import t
from model.schemes.describe import kpi_name
from model.text import finite as _num


def basis_text(basis: dict[str, Any] | None, lang: str) -> str:
    """"Response assumed from literature defaults" / "estimated from N months of this shop (first..last)" /
    "mechanics only: no band"."""
    kind = (basis or {}).get("kind", "mechanics")
    if kind == "estimated":
        return t("band.basis_estimated", lang, n=basis["months"], first=basis["first"], last=basis["last"])
    return t(f"band.basis_{'defaults' if kind == 'defaults' else 'mechanics'}", lang)


def value_text(param: str, v: Any, lang: str) -> str:
    """A parameter's value as the owner reads it: yuan for costs, % for shares and coefficients of variation."""
    x = _num(v)
    if x is None:
        return "—"
    if param.endswith("_yuan"):
        return money(x, lang)
    if param.endswith("_per_yuan"):
        return f"{x:g}"
    return pct(x, lang, digits=0)


def has_band(band: dict[str, Any] | None) -> bool:
    """True when the block carries a band (behaviour on, not the baseline)."""
    return bool(band) and _num((band.get("net_gain_yuan") or {}).get("low")) is not None


def range_text(band: dict[str, Any], lang: str) -> str:
    """"Net gain over the assumptions' ranges: lo to hi"."""
    ng = band["net_gain_yuan"]
    return t("band.range", lang, lo=money(ng["low"], lang), hi=money(ng["high"], lang))


def top_rows(band: dict[str, Any] | None, n: int = 3) -> list[dict[str, Any]]:
    """The band's ``n`` largest-swing parameters: ``{param, zh, en, low_value, high_value, source, lo, hi}``
    (``lo``/``hi``: the net gain's range across the parameter's two ends)."""
    rows = []
    for r in ((band or {}).get("params") or [])[:n]:
        a, b = r["low"]["net_gain_yuan"], r["high"]["net_gain_yuan"]
        rows.append({**{k: r[k] for k in ("param", "zh", "en", "low_value", "high_value", "source")},
                     "lo": min(a, b), "hi": max(a, b)})
    return rows


def top_text(row: dict[str, Any], lang: str) -> str:
    """One assumption: "selling effort cost 1,500–6,000 yuan: net gain 7,700 yuan to 22,600 yuan"."""
    src = t("band.estimated_mark", lang) if row.get("source") == "estimated" else ""
    return t("band.top_row", lang, what=row[lang], vlo=value_text(row["param"], row["low_value"], lang),
             vhi=value_text(row["param"], row["high_value"], lang), src=src,
             lo=money(row["lo"], lang), hi=money(row["hi"], lang))


def flip_text(flip: dict[str, Any], recommended: str, lang: str) -> str:
    """"The recommendation flips inside the band: at the low end of X (v), 'B' nets ..., above 'A' (...)"."""
    return t("band.flip", lang, what=flip[lang], end=t(f"band.end_{flip['side']}", lang),
             value=value_text(flip["param"], flip["value"], lang), winner=flip["winner"],
             wnet=money(flip["winner_net"], lang), rec=recommended, rnet=money(flip["recommended_net"], lang))


def band_lines(band: dict[str, Any] | None, lang: str, *, n: int = 3) -> list[str]:
    """The basis, the range and the top ``n`` assumptions as lines (the basis alone without a band)."""
    lines = [basis_text((band or {}).get("basis"), lang)]
    if has_band(band):
        lines.append(range_text(band, lang))
        lines += [top_text(r, lang) for r in top_rows(band, n)]
    return lines


#: A constraint's sense as the owner reads it.
SENSE = {">=": "≥", "<=": "≤"}


def rival_text(rival: dict[str, Any], rec_net: Any, lang: str, *, banded: bool = False,
               max_p_loss: Any = None) -> str:
    """One rival of the recommendation and why it lost (:func:`model.present.story.comparison_rivals` /
    :func:`~model.present.story.tune_rivals`): a constraint it fails (value against limit), a platform line, a
    P(net loss) above the limit, no gain, or a lower net gain; then where it wins inside the band (the first
    flip, and how many more) or, with a band, that it wins nowhere."""
    x = _num(rival.get("net_gain_yuan"))
    net = money(None if x is None else round(x), lang)
    why = rival.get("why")
    name = rival["name"]
    if why in ("constraint", "constraint_lower"):
        sep = "，" if lang == "zh" else "; "
        fails = sep.join(t("deck.rival_fail" if _num(f.get("value")) is not None else "deck.rival_fail_novalue",
                           lang, what=f[lang] if lang == "zh" else f[lang].lower(), value=pct(f.get("value"), lang),
                           sense=SENSE.get(f.get("sense", ""), ""), limit=pct(f.get("limit"), lang, digits=0))
                         for f in rival.get("fails") or [])
        key = "deck.rival_constraint" if why == "constraint" else "deck.rival_constraint_lower"
        text = t(key, lang, name=name, net=net, fails=fails or "—")
    elif why == "line":
        kpis = ("、" if lang == "zh" else ", ").join(kpi_name(k, lang) for k in rival.get("kpis") or [])
        text = t("deck.rival_line", lang, name=name, net=net, kpis=kpis)
    elif why == "p_loss":
        text = t("deck.rival_p_loss", lang, name=name, net=net, p=pct(rival.get("p"), lang, digits=0),
                 max=pct(max_p_loss, lang, digits=0))
    elif why == "no_gain":
        text = t("deck.rival_no_gain", lang, name=name, net=net)
    else:
        a, b = _num(rec_net), _num(rival.get("net_gain_yuan"))
        text = t("deck.rival_lower", lang, name=name, net=net,
                 gap=money(None if a is None or b is None else round(a - b), lang))
    flips = rival.get("flips") or []
    if flips:
        f = flips[0]
        more = t("deck.rival_flips_more", lang, n=len(flips) - 1) if len(flips) > 1 else ""
        text += t("deck.rival_flips", lang, what=f[lang], end=t(f"band.end_{f['side']}", lang),
                  value=value_text(f["param"], f["value"], lang), wnet=money(f["winner_net"], lang), more=more)
    elif banded and why not in ("constraint", "constraint_lower"):
        text += t("deck.rival_holds", lang)
    return text


#: A reopened sweep's ``band_reopened`` -> its sentence (:func:`model.tuning.tune.reopen`).
REOPENED = {"computed": "tun.band_reopened_computed", "none": "tun.band_reopened_none"}


def reopened_text(doc: dict[str, Any], lang: str) -> str | None:
    """Whether a reopened sweep's band was computed again from the stored scenario, in words; None for a sweep
    run now."""
    key = REOPENED.get(doc.get("band_reopened"))  # type: ignore[arg-type]
    return t(key, lang) if key else None
