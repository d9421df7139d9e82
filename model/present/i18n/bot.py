"""Texts of the bot front line on the Compare page (ui/bot_view.py, model/present/bot_text.py's compare tables;
zh default, en). The deck's and HTML report's bot texts are in :mod:`.deck`."""

from __future__ import annotations

ZH: dict[str, str] = {
    "botv.header": "机器人与人工：谁接待了会话",
    "botv.intro": "机器人在会话进入排队之前就决定独立解决还是转人工（用自己的随机数），所以每个方案下谁接待的会话都相同；"
                  "下表是模拟期（{days} 天、{reps} 次重复的平均）的分工。",
    "botv.col.part": "会话",
    "botv.col.chats": "会话数（模拟期）",
    "botv.col.share": "占全部会话",
    "botv.range": "（95% 区间 {lo} – {hi}）",
    "botv.part.all": "全部进线会话",
    "botv.part.bot_resolved": "机器人独立解决",
    "botv.part.bot_hours": "机器人值守时段（仅机器人）",
    "botv.part.handed_over": "转人工（含转接中离开的买家）",
    "botv.part.human": "到达人工客服（合计）",
    "botv.pays_header": "各方案按哪种口径计 KPI",
    "botv.pays_intro": "方案默认按人工接待的会话计 KPI；组件设 kpi_basis = \"all\" 则按全部会话（含机器人）计。"
                       "右边三列是今天（仅底薪的基准模拟）该指标在三种口径下的值：口径不同，达标的难易也不同。",
    "botv.pays_none": "这些方案都不按 KPI 计奖（只有底薪或固定金额），机器人口径不影响奖金。",
    "botv.col.scheme": "方案",
    "botv.col.kpi": "计奖指标",
    "botv.col.basis": "计奖口径",
    "botv.basis.human": "人工",
    "botv.basis.all": "全部（含机器人）",
    "botv.confirmed": "依据：{kpis}的计入规则有平台原文（见 docs/kpi.md「Bot replies」）",
    "botv.assumed_rest": "；{kpis}的计入规则仍是假设（来自需求描述，未找到平台原文）",
    "botv.assumed_all": "注意：{platform}的机器人计入规则是假设（来自需求描述，未找到平台原文），以平台后台的考核说明为准",
    "botv.quick": "快速预测不区分人工与机器人：上表来自基准模拟，方案的 KPI 以“完整模拟确认”后的结果为准。",
}

EN: dict[str, str] = {
    "botv.header": "Bot and agents: who handled the chats",
    "botv.intro": "The bot decides to resolve a chat or hand it over before it reaches the queue (on its own random "
                  "numbers), so who handled the chats is the same under every scheme; the table is the split over the "
                  "simulated period ({days} days, mean of {reps} replications).",
    "botv.col.part": "Chats",
    "botv.col.chats": "Chats (simulated period)",
    "botv.col.share": "Share of all chats",
    "botv.range": " (95% interval {lo} – {hi})",
    "botv.part.all": "Every incoming chat",
    "botv.part.bot_resolved": "Resolved by the bot alone",
    "botv.part.bot_hours": "Bot hours (bot only)",
    "botv.part.handed_over": "Handed over to the agents (buyers who left during the hand-over included)",
    "botv.part.human": "Reached the agents (total)",
    "botv.pays_header": "Which chats each scheme pays on",
    "botv.pays_intro": "A scheme pays on the chats the agents handled by default; a component with kpi_basis = \"all\" "
                       "pays on every chat, the bot's included. The three columns on the right are the KPI today (the "
                       "base-pay run) in each view: a target is easier or harder to reach depending on the view.",
    "botv.pays_none": "None of these schemes pays on a KPI (base pay or fixed amounts only): the bot's view does not "
                      "change the pay.",
    "botv.col.scheme": "Scheme",
    "botv.col.kpi": "KPI paid on",
    "botv.col.basis": "Pays on",
    "botv.basis.human": "Agents' chats",
    "botv.basis.all": "Every chat (bot included)",
    "botv.confirmed": "Basis: the rule for {kpis} is the platform's own wording (docs/kpi.md, \"Bot replies\")",
    "botv.assumed_rest": "; the rule for {kpis} is still an assumption (from the issue's wording; no platform wording "
                         "found)",
    "botv.assumed_all": "Note: how {platform} counts the bot is an assumption (from the issue's wording; no platform "
                        "wording found); the platform's own assessment notice decides",
    "botv.quick": "The quick forecast does not split agents and bot: the table comes from the base run; the schemes' "
                  "KPIs are the full simulation's once confirmed.",
}
