"""The bot front line in words (zh/en): how much of the traffic the bot resolves alone, the chats the bot and the
agents handle, the key KPIs in the four views (human / bot / all / the platform's counting) against the
platform's lines, and which view each scheme pays on. Reads the run document's ``bot`` block
(:func:`model.document.bot_block`), ``counts``, ``scenario`` and ``scheme_specs``; the deck's bot slide and the
HTML report's bot section both say it with these functions (docs/kpi.md "Bot replies", docs/model.md 4b). The
Compare page's bot section (ui/bot_view.py) reads :func:`compare_bot` (the comparison document and its base run:
who handled the chats, each scheme's KPI basis) through :func:`who_rows`, :func:`pay_rows` and
:func:`counting_caption` (the platform's rule and whether it rests on the platform's wording or is assumed)."""

from __future__ import annotations

from typing import Any

from model.kpicodes import KPI_CODES
from model.platform_rules import plan_day, rules_for
from model.present.format import count, kpi_value, pct
from model.present.i18n import kpi_label, t
from model.schemes.describe import kpi_level
from model.text import finite as _num

#: The four views of a KPI with the bot (columns of the table).
VIEWS = ("human", "bot", "all", "platform")
#: The KPIs shown besides the platform's lines (which come first).
ROWS = ("three_min_reply_rate", "first_response_s", "reply_rate", "abandon_rate", "good_rating_rate",
        "inquiry_conversion", "sales_yuan")


def has_bot(doc: dict[str, Any]) -> bool:
    """True when the document carries the bot front line's block (the scenario has an active ``[bot]``)."""
    b = doc.get("bot")
    return isinstance(b, dict) and bool(b.get("views"))


def _sep(lang: str) -> str:
    return "、" if lang == "zh" else ", "


def _mean(iv: Any) -> float | None:
    return _num((iv or {}).get("mean")) if isinstance(iv, dict) else _num(iv)


def _platform(doc: dict[str, Any], lang: str) -> str:
    p = (doc.get("scenario") or {}).get("platform")
    try:
        return t(f"platform.{p}", lang)
    except KeyError:
        return str(p or "—")


def chats(doc: dict[str, Any]) -> dict[str, float | None]:
    """Chats per simulated period (the mean over replications): ``all``, ``bot`` (handled by the bot alone) and
    ``human`` (reached the agents)."""
    b = doc.get("bot") or {}
    reps = _num((doc.get("scenario") or {}).get("replications")) or 1.0
    arrived = _num((doc.get("counts") or {}).get("arrived"))
    share = _mean(b.get("handled_by_bot_share"))
    if arrived is None or share is None:
        return {"all": None, "bot": None, "human": None}
    n = arrived / reps
    return {"all": n, "bot": n * share, "human": n * (1.0 - share)}


def pay_basis(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """A scheme's components as ``(kpi code, "human"|"all")``: the view each pays on (``kpi_basis``; human by
    default); components without a KPI are left out."""
    out = []
    for c in spec.get("components") or []:
        kpi = c.get("kpi")
        if kpi:
            out.append((str(kpi), "all" if c.get("kpi_basis") == "all" else "human"))
    return out


def bot_lines(doc: dict[str, Any], lang: str) -> list[str]:
    """The bot's share, the chats by bot and agents, the platform's counting and each scheme's pay basis."""
    b = doc["bot"]
    res = b.get("resolved_share") or {}
    lo, hi = _num(res.get("lo")), _num(res.get("hi"))
    ci = t("deck.bot_ci", lang, lo=pct(lo, lang, digits=0), hi=pct(hi, lang, digits=0)) \
        if lo is not None and hi is not None else ""
    lines = [t("deck.bot_resolved", lang, share=pct(_mean(res), lang, digits=0), ci=ci,
               handed=pct(_mean(b.get("handed_over_share")), lang, digits=0))]
    n = chats(doc)
    if n["all"] is not None:
        lines.append(t("deck.bot_chats", lang, days=(doc.get("scenario") or {}).get("days", "—"),
                       all=count(n["all"], lang), bot=count(n["bot"], lang), human=count(n["human"], lang)))
    counted = [k for k in b.get("counts_bot") or [] if k in KPI_CODES]
    lines.append(t("deck.bot_counts", lang, platform=_platform(doc, lang),
                   kpis=_sep(lang).join(kpi_label(k, lang) for k in counted)) if counted
                 else t("deck.bot_counts_none", lang, platform=_platform(doc, lang)))
    for name, spec in (doc.get("scheme_specs") or {}).items():
        comps = pay_basis(spec)
        if not comps:
            continue
        kpis = _sep(lang).join(dict.fromkeys(kpi_label(k, lang) for k, _ in comps))
        kinds = {v for _, v in comps}
        key = "deck.bot_pays_mixed" if len(kinds) > 1 else f"deck.bot_pays_{kinds.pop()}"
        lines.append(t(key, lang, scheme=name, kpis=kpis))
    return lines


def line_level(code: str, value: float, side: str, lang: str) -> str:
    """A platform line beside its KPI: "≥ 40%" (as the deck's current-state table)."""
    return ("≥ " if side == "min" else "≤ ") + kpi_level(code, value, lang)


def bot_rows(doc: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """The KPI table: one row per KPI (the platform's lines first), the four views and the platform's line."""
    views = doc["bot"]["views"]
    platform = (doc.get("scenario") or {}).get("platform")
    rules = {r.kpi: r for r in rules_for(platform, plan_day(doc.get("plan")))}
    codes = [k for k in dict.fromkeys([*rules, *ROWS]) if any(k in (views.get(v) or {}) for v in VIEWS)]
    heads = [t("deck.kpi", lang), *(t(f"deck.bot_view.{v}", lang) for v in VIEWS), t("deck.platform", lang)]
    rows = []
    for code in codes:
        r = rules.get(code)
        rows.append([kpi_label(code, lang), *(kpi_value(code, _mean((views.get(v) or {}).get(code)), lang)
                                              for v in VIEWS),
                     line_level(code, r.value, r.side, lang) if r is not None else t("deck.none", lang)])
    return heads, rows


def bot_notes(doc: dict[str, Any], lang: str) -> str:
    """What the four views mean and where the platform's counting rule comes from (the speaker notes)."""
    b = doc["bot"]
    counted = [k for k in b.get("counts_bot") or [] if k in KPI_CODES]
    lines = [t("deck.bot_views_note", lang),
             t("deck.bot_platform_note", lang, platform=_platform(doc, lang),
               kpis=_sep(lang).join(kpi_label(k, lang) for k in counted) if counted else t("deck.none", lang))]
    if b.get("source"):
        lines.append(t("deck.bot_source", lang, source=b["source"]))
    return "\n".join(lines)


# ------------------------------------------------------------------------------- the Compare page (issue 16)
#: The rows of the who-handled table: every chat, the bot's part (resolved alone; bot-only in the bot hours), the
#: chats handed over to the agents, and every chat that reached the agents.
WHO = ("all", "bot_resolved", "bot_hours", "handed_over", "human")


def _component_kpis(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(KPI code, "human"|"all") of every paying component of a scheme (inside gates too; a scorecard's items on
    the scorecard's basis)."""
    out: list[tuple[str, str]] = []

    def walk(comps: list[dict[str, Any]]) -> None:
        for c in comps:
            if c.get("type") == "gate":
                walk(c.get("components") or [])
                continue
            basis = "all" if c.get("kpi_basis") == "all" else "human"
            codes = [c["kpi"]] if c.get("kpi") else [i.get("kpi") for i in c.get("items") or [] if i.get("kpi")]
            out.extend((str(k), basis) for k in codes)

    walk(spec.get("components") or [])
    return list(dict.fromkeys(out))


def compare_bot(doc: dict[str, Any], base: Any) -> dict[str, Any] | None:
    """The bot front line of a comparison, as data: who handled the chats and the view each scheme pays on.

    Args:
        doc: the comparison document (``scenario``, ``scheme_specs``).
        base: the comparison's base run (:class:`model.result.SimResult`, the run without effects). The bot
            decides before a chat reaches the queue, on its own random stream (docs/model.md 4b), so who handled a
            chat is the same under every scheme (common random numbers); the base run's split is every scheme's.

    Returns:
        None without the bot front line; else ``who`` (one row per :data:`WHO` part present: ``part``, ``chats``
        per simulated period, ``share`` with ``lo``/``hi``, the 95% interval over replications), ``pays`` (one
        row per scheme and KPI it pays on: ``scheme``, ``kpi``, ``basis`` "human"/"all", the base run's team
        value in the ``human``, ``all`` and ``platform`` views, ``platform_counts_bot``), ``counts_bot``,
        ``confirmed`` (KPI codes whose counting rule the platform's own wording states), ``note``, ``source``.
    """
    if base is None or not getattr(base, "has_bot", False):
        return None
    from model.document import bot_block
    from model.platform_rules import bot_counting

    block = bot_block(base)  # the intervals over replications (95%)
    c = base.chats
    reps = max(int(base.replications), 1)
    total = max(len(c), 1)
    by_bot = (c["handled_by"] == 1).to_numpy()
    resolved = c["bot_resolved"].to_numpy(bool)
    masks = {"bot_resolved": resolved, "bot_hours": by_bot & ~resolved, "handed_over": c["handed_over"].to_numpy(bool),
             "human": ~by_bot}
    lo, hi = _num(block["handled_by_bot_share"].get("lo")), _num(block["handled_by_bot_share"].get("hi"))
    ivs = {"bot_resolved": block["resolved_share"], "handed_over": block["handed_over_share"],
           "human": {"lo": 1 - hi, "hi": 1 - lo} if lo is not None and hi is not None else {}}
    who = [{"part": "all", "chats": len(c) / reps, "share": 1.0, "lo": None, "hi": None}]
    for part in WHO[1:]:
        k = int(masks[part].sum())
        if part == "bot_hours" and k == 0:
            continue
        iv = ivs.get(part) or {}
        who.append({"part": part, "chats": k / reps, "share": k / total, "lo": _num(iv.get("lo")),
                    "hi": _num(iv.get("hi"))})
    counting = bot_counting((doc.get("scenario") or {}).get("platform"))
    views = {v: base.table(view=v) for v in ("human", "all", "platform")}
    pays = []
    for name, spec in (doc.get("scheme_specs") or {}).items():
        for code, basis in _component_kpis(spec):
            vals = {v: (float(views[v][code].mean()) if code in views[v].columns else None) for v in views}
            pays.append({"scheme": name, "kpi": code, "basis": basis, **vals,
                         "platform_counts_bot": code in counting.counts_bot})
    return {"who": who, "pays": pays, "counts_bot": list(counting.counts_bot),
            "confirmed": list(counting.confirmed), "note": counting.note, "source": counting.source}


def who_rows(data: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """The who-handled table in words: part, chats per simulated period, share (with its interval)."""
    heads = [t("botv.col.part", lang), t("botv.col.chats", lang), t("botv.col.share", lang)]
    rows = []
    for r in data["who"]:
        share = pct(r["share"], lang, digits=1)
        if r["lo"] is not None and r["hi"] is not None:
            share += t("botv.range", lang, lo=pct(r["lo"], lang, digits=1), hi=pct(r["hi"], lang, digits=1))
        rows.append([t(f"botv.part.{r['part']}", lang), count(r["chats"], lang), share])
    return heads, rows


def pay_rows(data: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """Which view each scheme pays on, with the KPI's value today (the base run) in the human, all and platform
    views: the gap between them is what a scheme paying on the other view would see."""
    heads = [t("botv.col.scheme", lang), t("botv.col.kpi", lang), t("botv.col.basis", lang),
             t("deck.bot_view.human", lang), t("deck.bot_view.all", lang), t("deck.bot_view.platform", lang)]
    rows = [[r["scheme"], kpi_label(r["kpi"], lang) if r["kpi"] in KPI_CODES else r["kpi"],
             t(f"botv.basis.{r['basis']}", lang),
             *(kpi_value(r["kpi"], r[v], lang) if r["kpi"] in KPI_CODES else "—" for v in ("human", "all", "platform"))]
            for r in data["pays"]]
    return heads, rows


def counting_caption(data: dict[str, Any], platform: str | None, lang: str) -> str:
    """How the platform counts the bot, and on what it rests: the platform's own wording (cited) for the KPIs in
    ``confirmed``, an assumption from the issue's wording for the rest (docs/kpi.md "Bot replies")."""
    name = _platform({"scenario": {"platform": platform}}, lang)
    counted = [k for k in data["counts_bot"] if k in KPI_CODES]
    head = (t("deck.bot_counts", lang, platform=name, kpis=_sep(lang).join(kpi_label(k, lang) for k in counted))
            if counted else t("deck.bot_counts_none", lang, platform=name))
    confirmed = [k for k in data["confirmed"] if k in KPI_CODES]
    if not confirmed:
        basis = t("botv.assumed_all", lang, platform=name)
    else:
        rest = [k for k in counted if k not in confirmed]
        basis = t("botv.confirmed", lang, kpis=_sep(lang).join(kpi_label(k, lang) for k in confirmed))
        if rest:
            basis += t("botv.assumed_rest", lang, kpis=_sep(lang).join(kpi_label(k, lang) for k in rest))
    return f"{head}。{basis}" if lang == "zh" else f"{head}. {basis}"
