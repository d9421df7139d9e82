"""The command line's text tables: run summary, warnings, scheme comparison, agents' response, sensitivity,
tuning and staffing, each in Chinese and English (the terminal shows both; no language switch).

Every function takes a document the model built (``model.document.evaluate``'s JSON, the tornado, the tuning
recommendation, the staffing answer) and returns text; the CLI only prints it.
"""

from __future__ import annotations

from typing import Any

from model.kpicodes import CONTRACT_CODES, KPI_CODES
from model.present.band_text import band_lines, basis_text, flip_text, has_band, reopened_text
from model.present.format import retimed_note
from model.present.i18n import t
from model.text import display_width, ljust, rjust, truncate


def _fmt(code: str, v: float | None) -> str:
    if v is None:
        return "—"
    unit = KPI_CODES[code].unit if code in KPI_CODES else ""
    if unit == "share":
        return f"{100 * v:.2f}%"
    if unit == "yuan":
        return f"{v:,.0f}"
    if unit == "s":
        return f"{v:.1f} s"
    if unit == "count":
        return f"{v:,.0f}"
    return f"{v:.3f}"


def summary_table(doc: dict[str, Any]) -> str:
    """A readable summary table of the team KPIs (Chinese and English names, mean and 95% interval)."""
    lines = []
    sc = doc.get("scenario", {})
    lines.append(f"{sc.get('name', '')}  ·  {sc.get('days')} 天/days  ·  {sc.get('replications')} 次重复/replications"
                 f"  ·  seed {sc.get('seed')}")
    codes = [c for c in CONTRACT_CODES if doc["team"].get(c)]
    names = {c: f"{KPI_CODES[c].zh} {KPI_CODES[c].en}" for c in codes}
    name_w = max([display_width(n) for n in names.values()] + [30]) + 2
    lines.append(ljust("KPI", name_w) + rjust("均值 mean", 16) + rjust("95% 区间 interval", 32))
    rule = "-" * (name_w + 48)
    lines.append(rule)
    for code in codes:
        v = doc["team"][code]
        ci = "" if v["lo"] is None else f"[{_fmt(code, v['lo'])}, {_fmt(code, v['hi'])}]"
        if v.get("note") == "clipped":
            ci += " ^"
        lines.append(ljust(names[code], name_w) + rjust(_fmt(code, v["mean"]), 16) + rjust(ci, 32))
    c = doc["counts"]
    lines.append(rule)
    lines.append(f"到达 arrived {c['arrived']:,} · 接待完成 answered {c['answered']:,} · 放弃 abandoned "
                 f"{c['abandoned']:,} · 进行中 in progress {c['in_progress_at_end']:,} · 买家消息 messages {c['messages']:,}")
    if doc.get("bot"):
        lines.extend(bot_lines(doc["bot"]))
    if any(v.get("note") == "clipped" for v in doc["team"].values() if isinstance(v, dict)):
        lines.append("^ 区间已截到可能的范围 interval cut at the possible range (e.g. 0-100%)")
    lines.append("— 无分母(如没有咨询)no denominator (e.g. no chats)")
    return "\n".join(lines)


def bot_lines(b: dict[str, Any]) -> list[str]:
    """The bot front line under the summary: who handled the chats and how the platform counts the bot."""
    def pct(x: dict[str, Any] | None) -> str:
        m = (x or {}).get("mean")
        return "—" if m is None else f"{100 * m:.1f}%"

    counted = ", ".join(b.get("counts_bot") or []) or "— (none)"
    views = b.get("views") or {}
    human = (views.get("human") or {}).get("first_response_s") or {}
    fr = "—" if human.get("mean") is None else f"{human['mean']:.1f} s"
    return [f"机器人 bot: 机器人接待 handled by the bot {pct(b.get('handled_by_bot_share'))} · 转人工 handed over "
            f"{pct(b.get('handed_over_share'))} · 人工首次响应 human first response {fr}",
            f"  平台计入机器人的指标 the platform counts the bot in: {counted} (其余为人工 others: human chats only)"]


def warnings_text(doc: dict[str, Any]) -> str:
    """The run's warnings, each in Chinese and English ("" when there are none)."""
    ws = doc.get("warnings") or []
    if not ws:
        return ""
    lines = ["注意 Warnings:"]
    for w in ws:
        lines.append(f"  ! {w['zh']}")
        lines.append(f"    {w['en']}")
    return "\n".join(lines)


_width = display_width
_truncate = truncate


def _yuan(v: float | None) -> str:
    if v is None:
        return "—"
    text = f"{v:,.0f}"
    return "0" if text == "-0" else text


def comparison_table(doc: dict[str, Any]) -> str:
    """A readable table of every scheme's economics (90% intervals) with assumptions marked."""
    schemes = doc.get("schemes") or {}
    base = doc.get("baseline_scheme") or "仅底薪 base pay only"
    lines = [f"方案对比 Scheme comparison · 基准 baseline: {base} · 金额为模拟期 money for the simulated horizon"]
    # the name column fits the longest name plus the assumption mark (up to 40 columns, then names are cut)
    name_w = min(40, max([24] + [_width(n) + 3 for n in schemes]))
    widths = [16, 16, 26, 8, 14, 10, 12]
    titles = ["奖金成本 bonus", "增收 uplift", "净收益 net gain", "ROI", "P(亏损 loss)", "转化 conv", "客单价 AOV"]
    head = ljust("方案 scheme", name_w) + "".join(rjust(h, w) for h, w in zip(titles, widths, strict=True))
    lines += [head, "-" * (98 + name_w)]
    notes = []
    for name, b in schemes.items():
        e = b["economics"]
        t = b["team"]
        ng = e["net_gain_yuan"]
        ci = "" if ng["lo"] is None else f" [{_yuan(ng['lo'])}, {_yuan(ng['hi'])}]"
        roi = e["roi"]["mean"]
        pl = e["p_net_loss"]["mean"]
        conv = t.get("inquiry_conversion", {}).get("mean")
        aov = t.get("aov_yuan", {}).get("mean")
        mark = " *" if b.get("assumed_effects") else ""
        shown = b.get("label") or name  # the live name: a quoted target follows the current value
        label = _truncate(shown, name_w - 1 - len(mark)) + mark  # the assumption mark survives a long name
        w = _width(label)
        cells = [_yuan(e["bonus_cost_yuan"]["mean"]), _yuan(e["uplift_yuan"]["mean"]), _yuan(ng["mean"]) + ci,
                 "—" if roi is None else f"{roi:.2f}", "—" if pl is None else f"{100 * pl:.0f}%",
                 "—" if conv is None else f"{100 * conv:.2f}%", "—" if aov is None else f"{aov:.1f}"]
        lines.append(f"{label}{' ' * max(1, name_w - w)}" + "".join(" " + c.rjust(wd - 1) for c, wd in zip(cells, widths, strict=True)))
        if b.get("assumed_effects"):
            notes.append(f"  * {name}: " + "; ".join(b["assumed_effects"]["zh"]) + " | "
                         + "; ".join(b["assumed_effects"]["en"]))
    if notes:
        lines += ["", "* 含经理假设的效果(不是预测) / includes the manager's assumed effects (not a forecast):"] + notes
    zh, en = retimed_note(doc, "zh"), retimed_note(doc, "en")
    if zh is not None:  # runs re-timed from the base run (model.retime), said as on the page and in the deck
        lines += ["", zh, en]
    return "\n".join(lines)


_BASIS = {"forecast": ("预测", "forecast"), "assumption": ("假设", "assumption"), "mechanics": ("纯机制", "mechanics only")}


def behaviour_table(doc: dict[str, Any]) -> str:
    """Per scheme: the behavioural forecast beside pure mechanics (and the manager's assumption), and who responds."""
    lines = ["客服反应 Agents' response · 预测 = 行为模型 forecast; 纯机制 = 努力不变 mechanics only; 假设 = 经理假设 assumption",
             f"{'方案 scheme':<26}{'依据 basis':<22}{'净收益 net gain':>16}{'转化 conv':>11}{'响应 resp s':>12}"
             f"{'努力 effort':>14}{'放弃 gave up':>14}"]
    for name, b in (doc.get("schemes") or {}).items():
        beh = b.get("behaviour") or {}
        views = [("forecast" if beh else b.get("basis", "mechanics"), b)]
        views += [(k, v) for k, v in (b.get("views") or {}).items()]
        for i, (basis, v) in enumerate(views):
            e, t = v["economics"], v["team"]
            zh, en = _BASIS.get(basis, (basis, basis))
            label = _truncate(name, 26) if i == 0 else ""
            eff = (beh.get("team_effort") or {}).get("selling") if i == 0 and beh else None
            gave = f"{beh.get('gave_up', 0)}/{len(beh.get('agents', []))}" if i == 0 and beh else ""
            conv = t.get("inquiry_conversion", {}).get("mean")
            resp = t.get("avg_response_s", {}).get("mean")
            basis_text = f"{zh} {en}"
            lines.append(f"{label}{' ' * max(1, 28 - _width(label))}{basis_text}{' ' * max(1, 24 - _width(basis_text))}"
                         f"{_yuan(e['net_gain_yuan']['mean']):>18}"
                         f"{'—' if conv is None else f'{100 * conv:.2f}%':>11}{'—' if resp is None else f'{resp:.1f}':>12}"
                         f"{'' if eff is None else f'{eff:+.2f}':>14}{gave:>14}")
        for z, en in zip((beh.get("notes") or {}).get("zh", []), (beh.get("notes") or {}).get("en", []), strict=False):
            lines.append(f"  ! {z} | {en}")
    return "\n".join(lines)


def comparison_text(doc: dict[str, Any]) -> str:
    """The scheme table, the agents' response (when they respond) and the warnings, blank lines between."""
    parts = [comparison_table(doc)]
    if doc.get("behaviour_model", "none") != "none":
        parts.append(behaviour_table(doc))
    if doc.get("band_basis"):
        parts.append(band_table(doc))
    if doc.get("warnings"):
        parts.append(warnings_text(doc))
    return "\n\n".join(parts)


def band_table(doc: dict[str, Any]) -> str:
    """Each scheme's band over the behaviour assumptions (zh and en lines), and where the recommendation flips."""
    lines = ["假设区间 Band over the behaviour assumptions (智能体预测 agents' forecast, 逐个假设取范围两端 one "
             "assumption at a time at the ends of its range)",
             f"  {basis_text(doc.get('band_basis'), 'zh')} | {basis_text(doc.get('band_basis'), 'en')}"]
    for name, b in (doc.get("schemes") or {}).items():
        band = b.get("band")
        if not has_band(band):
            continue
        zh, en = band_lines(band, "zh")[1:], band_lines(band, "en")[1:]
        lines.append(f"  {b.get('label') or name}:")
        lines += [f"    {z} | {e}" for z, e in zip(zh, en, strict=True)]
    from model.present.story import (
        how_sure,  # story pulls in the behaviour layer (numpy): not on --help's path
    )

    sure = how_sure(doc)
    for f in sure["flips"]:
        lines.append(f"  ! {flip_text(f, sure['scheme'], 'zh')} | {flip_text(f, sure['scheme'], 'en')}")
    return "\n".join(lines)


def sensitivity_table(table: dict[str, Any], swing) -> str:
    """The tornado as text: per headline, the parameters by swing with the low/high values."""
    b = table["base"]
    lines = [f"敏感性 Sensitivity · 方案 scheme: {table['scheme']} · {table['component']} 目标 target "
             f"{table['target']:g} (智能体预测 agents' forecast, 无引擎 no engine run)",
             f"基准 base: 最佳目标 best target {b['best_target']:.2f} · 净收益 net gain {b['net_gain_yuan']:,.0f} · "
             f"平均响应 avg response {b['avg_response_s']:.1f} s"]
    rows = {r["param"]: r for r in table["rows"]}
    for head, zh, en, fmt in (("best_target", "最佳目标", "best target", "{:+.2f}"),
                              ("net_gain_yuan", "净收益", "net gain (yuan)", "{:+,.0f}"),
                              ("avg_response_s", "平均响应", "avg response (s)", "{:+.1f}")):
        lines += ["", f"{zh} {en}: 参数 parameter (低 low -> 高 high)   变化 change 低 low / 高 high"]
        for param, lo, hi in swing(table, head):
            r = rows[param]
            name = f"{r['zh']} {r['en']}"
            pad = " " * max(1, 34 - sum(2 if ord(ch) > 0x2E80 else 1 for ch in name))
            lines.append(f"  {name}{pad}{r['low_value']:>9.4g} -> {r['high_value']:<9.4g}"
                         f"{fmt.format(lo):>12} / {fmt.format(hi)}")
    return "\n".join(lines)


def tune_edge_text(rec: dict[str, Any], lang: str) -> str | None:
    """The recommendation's grid-edge flag (``at_grid_edge``) in a line, or None inside the grid (the reason says
    it in a sentence too)."""
    edges = rec.get("at_grid_edge") or []
    if not edges:
        return None
    parts = []
    for e in edges:
        dim = e["dimension"] if e["dimension"] in ("target", "amount_yuan") else "key"
        side = "high" if e["side"] == "high" else "low"
        parts.append(t(f"tun.edge.{dim}.{side}", lang, value=e["text"], name=e["key"]))
    return t("tun.edge", lang, dims=t("tun.edge.sep", lang).join(parts))


def tune_duplicate_lines(doc: dict[str, Any], lang: str) -> list[str]:
    """One line per scheme the sweep computed once because it was the same as another (``duplicates``)."""
    return [t("tun.duplicate", lang, scheme=d["scheme"], same_as=d["same_as"], points=d["points"])
            for d in doc.get("duplicates") or []]


def tune_screening_text(doc: dict[str, Any], lang: str) -> str | None:
    """How the grid was screened (:mod:`model.tuning.screen`), or None when every point was simulated."""
    sc = doc.get("screening") or {}
    if not sc.get("method"):
        return None
    return t("tun.screening", lang, screened=sc["screened"], kept=sc["kept"])


def tune_table(doc: dict[str, Any]) -> str:
    """The recommendation in words (zh, en), the grid-edge flag, the schemes computed once, the binding constraint
    and the frontier as a small table."""
    rec = doc["recommendation"]
    sw = doc["sweep"]
    lines = [f"阈值调优 Target tuning · {doc['scenario']['name']} · sweep {sw['id']} ({sw['points']} points, "
             f"{sw['computed']} computed now; store {sw['store']})", "", rec["reason"]["zh"], rec["reason"]["en"]]
    if rec.get("at_grid_edge"):
        lines += ["", tune_edge_text(rec, "zh"), tune_edge_text(rec, "en")]
    if tune_screening_text(doc, "zh"):
        lines += ["", tune_screening_text(doc, "zh"), tune_screening_text(doc, "en")]
    dups = list(zip(tune_duplicate_lines(doc, "zh"), tune_duplicate_lines(doc, "en"), strict=True))
    if dups:
        lines.append("")
        for zh, en in dups:
            lines += [f"重复 duplicate: {zh}", f"  {en}"]
    b = doc.get("binding_constraint")
    lines.append("")
    lines.append(f"约束 binding constraint: {b['zh']} / {b['en']} (limit {b['limit']:g})" if b
                 else "约束 binding constraint: 无 none")
    front = doc["frontier"]["net_gain_vs_payout"]
    if front:
        lines += ["", f"前沿 frontier (净收益 vs 奖金 net gain vs payout) · {doc['frontier']['scheme']}",
                  f"{'目标 target':>14}{'金额 amount':>14}{'奖金 payout':>14}{'净收益 net gain':>18}{'达标 reach':>12}"]
        for p in front:
            tgt = "—" if p["target"] is None else f"{p['target']:g}"
            amt = "—" if p["amount_yuan"] is None else f"{p['amount_yuan']:,.0f}"
            reach = "—" if p["reach_share"] is None else f"{100 * p['reach_share']:.0f}%"
            lines.append(f"{tgt:>14}{amt:>14}{p['payout_yuan']:>14,.0f}{p['net_gain_yuan']:>18,.0f}{reach:>12}")
    if doc.get("band"):
        lines += ["", "推荐点的假设区间 Band of the recommended point over the behaviour assumptions:"]
        lines += [f"  {z} | {e}" for z, e in zip(band_lines(doc["band"], "zh"), band_lines(doc["band"], "en"), strict=True)]
        lines += [f"  {z} | {e}" for z, e in zip(tune_flip_lines(doc, "zh"), tune_flip_lines(doc, "en"), strict=True)]
    if reopened_text(doc, "zh"):
        lines += ["", reopened_text(doc, "zh"), reopened_text(doc, "en")]
    return "\n".join(lines)


def tune_flip_lines(doc: dict[str, Any], lang: str) -> list[str]:
    """Whether a rival point beats the tuning recommendation inside its band (the tune document's ``flips``,
    :func:`model.tuning.tune.recommendation_flips`): one line per flip, or "stays best"; none without a band."""
    if not has_band(doc.get("band")) or "flips" not in doc:
        return []
    rec = doc.get("recommendation") or {}
    name = doc.get("band_name") or rec.get("label") or rec.get("scheme")
    rivals = list(doc.get("band_rivals") or {})
    head = [t("band.rivals", lang, names="、".join(rivals) if lang == "zh" else ", ".join(rivals))] if rivals else []
    return head + ([flip_text(f, name, lang) for f in doc["flips"]] or [t("band.no_flip", lang)])


def staffing_table(ans: Any, name: str) -> str:
    """The per-hour staffing table with the notes where Erlang and the simulation disagree."""
    import pandas as pd

    unit = f"{100 * ans.value:.0f}%" if ans.line == "three_min_reply_rate" else f"{ans.value:g} s"
    lines = [f"排班 Staffing · {name} · day {ans.day} · 线 line: {ans.line} {'>=' if ans.line.startswith('three') else '<='} "
             f"{unit}", f"{'时 hour':>8}{'会话 chats':>12}{'在岗 on duty':>14}{'Erlang C':>10}{'Erlang A':>10}"
             f"{'模拟 sim':>10}{'模拟@A sim@A':>16}"]
    for _, r in ans.table.iterrows():
        def cell(v: Any) -> str:
            return "—" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)
        simv = r["sim_value_at_erlang_a"]
        simv_t = "—" if simv != simv else (f"{100 * simv:.1f}%" if ans.line == "three_min_reply_rate" else f"{simv:.0f} s")
        lines.append(f"{int(r['hour']):>8}{r['chats']:>12,.0f}{r['on_duty']:>14.0f}{cell(r['erlang_c']):>10}"
                     f"{cell(r['erlang_a']):>10}{cell(r['sim']):>10}{simv_t:>16}")
    if ans.notes:
        lines += ["", "Erlang 与模拟不一致 where Erlang and the simulation disagree:"]
        for n in ans.notes:
            lines += [f"  {n['zh']}", f"  {n['en']}"]
    return "\n".join(lines)
