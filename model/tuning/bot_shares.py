"""What-if on the bot front line: the same shop with the bot resolving other shares of the chats, side by side.

"Raise the bot's resolution share from 30% to 45%": for each share the scenario runs with
``bot.resolve_share`` set to it (every other key as in the file, the same seed: common random numbers, so a
higher share resolves a superset of the same chats), and the answer gives, per share:

* the platform's rates as it counts them (the platform view, :meth:`model.result.SimResult.table`) and whether
  each of its lines holds;
* the human and the bot share of the chats, the shop's inquiry conversion and sales;
* every scheme's bonus cost and net gain (the comparison, as ``python -m model compare``);
* the agents needed: the fewest agents (``agents.count``, shifts re-spread as ``--set agents.count`` does) with
  which every platform line still holds in the simulation *on the chats that reach the agents* (the human view:
  where a platform counts the bot's replies, e.g. Taobao's assist mode, its line alone would need no agent at
  all), found by bisection (None when the platform draws no line; ``2 x count + 1`` when even twice the team
  misses).

``python -m model bot SCENARIO --shares 0.30,0.45`` prints the table; ``--json`` writes the answer
(docs/scenario.md, "[bot]").
"""

from __future__ import annotations

from typing import Any

from model.document import evaluate
from model.edits import with_edits
from model.errors import ScenarioError
from model.kpi import summarise
from model.platform_rules import rules_for
from model.schema import Scenario
from model.simulate import simulate

#: Team KPI codes the what-if shows for each share (platform view).
WHATIF_CODES = ("three_min_reply_rate", "first_response_s", "good_rating_rate", "abandon_rate",
                "inquiry_conversion", "sales_yuan", "utilization")


def _with_share(s: Scenario, share: float, count: int | None = None) -> Scenario:
    changes: dict[str, Any] = {"bot.resolve_share": share}
    if count is not None:
        changes["agents.count"] = count
    return with_edits(s, changes)


def _lines_hold(s: Scenario) -> bool:
    team = simulate(s).table(view="human")
    means = summarise(team, [r.kpi for r in rules_for(s.shop.platform) if r.kpi in team.columns])
    return all(r.met(means.get(r.kpi, {}).get("mean")) is not False for r in rules_for(s.shop.platform))


def agents_needed(s: Scenario) -> int | None:
    """Fewest agents with which every platform line holds on the human view (bisection on agents.count up to
    twice the team); None without lines; ``2 x count + 1`` when even twice the team misses."""
    if not rules_for(s.shop.platform):
        return None
    hi = 2 * s.agents.count
    if not _lines_hold(with_edits(s, {"agents.count": hi})):
        return hi + 1
    lo = 0  # lo misses (or is no team), hi holds
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _lines_hold(with_edits(s, {"agents.count": mid})):
            hi = mid
        else:
            lo = mid
    return hi


def compare_bot_shares(s: Scenario, shares: list[float], *, find_agents: bool = True) -> dict[str, Any]:
    """The what-if answer for the given resolution shares (see the module text)."""
    if not shares:
        raise ScenarioError("give at least one share, e.g. --shares 0.30,0.45", file="<command line>",
                            key="--shares")
    for x in shares:
        if not 0 <= x <= 1:
            raise ScenarioError(f"a resolution share is between 0 and 1 (got {x:g})", file="<command line>",
                                key="--shares")
    rows = []
    for x in shares:
        sx = _with_share(s, x)
        doc = evaluate(sx)
        team = doc["team"]
        bot = doc.get("bot") or {}
        rows.append({
            "resolve_share": x,
            "team": {c: team.get(c, {}).get("mean") for c in WHATIF_CODES},
            "lines": [{"kpi": r.kpi, "side": r.side, "value": r.value,
                       "met": r.met(team.get(r.kpi, {}).get("mean"))} for r in rules_for(s.shop.platform)],
            "handled_by_bot_share": (bot.get("handled_by_bot_share") or {}).get("mean", 0.0),
            "human_first_response_s": ((bot.get("views") or {}).get("human", {}).get("first_response_s") or {})
            .get("mean", team.get("first_response_s", {}).get("mean")),
            "schemes": {name: {"bonus_cost_yuan": b["economics"]["bonus_cost_yuan"]["mean"],
                               "net_gain_yuan": b["economics"]["net_gain_yuan"]["mean"]}
                        for name, b in (doc.get("schemes") or {}).items()},
            "agents_needed": agents_needed(sx) if find_agents else None,
        })
    return {"scenario": s.meta.name, "platform": s.shop.platform, "agents": s.agents.count,
            "days": s.meta.days, "replications": s.meta.replications, "shares": rows}


def _f(v: Any, pct: bool = False) -> str:
    if v is None:
        return "-"
    return f"{100 * v:.1f}%" if pct else f"{v:,.1f}"


def whatif_table(ans: dict[str, Any]) -> str:
    """The what-if answer as a text table, one column per share."""
    rows = ans["shares"]
    head = ["", *[f"bot {100 * r['resolve_share']:.0f}%" for r in rows]]
    body: list[list[str]] = [
        ["机器人接待占比 bot-handled share", *[_f(r["handled_by_bot_share"], True) for r in rows]],
        ["所需客服 agents needed", *["-" if r["agents_needed"] is None else str(r["agents_needed"]) for r in rows]],
    ]
    labels = {"three_min_reply_rate": ("三分钟回复率 3-min reply rate", True),
              "first_response_s": ("首次响应 first response (s, platform)", False),
              "good_rating_rate": ("好评率 good-rating rate", True), "abandon_rate": ("放弃率 abandonment", True),
              "inquiry_conversion": ("询单转化率 inquiry conversion", True), "sales_yuan": ("销售额 sales (yuan)", False),
              "utilization": ("利用率 utilisation", True)}
    for c, (lab, pct) in labels.items():
        body.append([lab, *[_f(r["team"][c], pct) for r in rows]])
    body.append(["人工首次响应 human first response (s)", *[_f(r["human_first_response_s"]) for r in rows]])
    for i, line in enumerate(rows[0]["lines"]):
        sign = ">=" if line["side"] == "min" else "<="
        body.append([f"平台线 line {line['kpi']} {sign} {line['value']:g}",
                     *["-" if r["lines"][i]["met"] is None else ("OK" if r["lines"][i]["met"] else "MISS")
                       for r in rows]])
    for name in rows[0]["schemes"]:
        body.append([f"{name}: 奖金成本 bonus cost", *[_f(r["schemes"][name]["bonus_cost_yuan"]) for r in rows]])
        body.append([f"{name}: 净收益 net gain", *[_f(r["schemes"][name]["net_gain_yuan"]) for r in rows]])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
    lines = [f"{ans['scenario']} · {ans['platform']} · {ans['agents']} agents · {ans['days']} days x "
             f"{ans['replications']} reps"]
    for row in [head, *body]:
        lines.append("  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w) for i, (x, w) in
                               enumerate(zip(row, widths, strict=True))))
    return "\n".join(lines)
