"""UI text catalogues: Chinese (default) and English.

Every string the app shows goes through :func:`t`. KPI labels come from the model's KPI registry
(``model.kpicodes``) and are added to both catalogues as ``kpi.<code>``; a test checks that both catalogues
carry the same keys.
"""

from __future__ import annotations

from model.kpicodes import KPI_CODES

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

_ZH: dict[str, str] = {
    # app shell
    "app.title": "客服绩效沙盘",
    "app.subtitle": "电商客服团队的 what-if 模拟：调整人手、咨询量和并发上限，看平台 KPI 如何变化。",
    "lang.label": "语言 / Language",
    "lang.zh": "中文",
    "lang.en": "English",
    "nav.simulate": "模拟",
    "nav.compare": "方案对比",
    "nav.tuning": "阈值调优",
    "nav.history": "历史数据",
    # scenario choice
    "sim.title": "模拟：客服接待与平台指标",
    "sim.scenario_header": "场景",
    "sim.scenario": "内置场景",
    "sim.upload": "或上传场景文件（TOML）",
    "sim.upload_help": "格式见 docs/scenario.md；上传后以上传的文件为准。文件最大 1 MB。",
    "sim.using_upload": "正在使用上传的文件：{name}",
    "sim.controls_header": "调整",
    "sim.agents": "客服人数",
    "sim.agents_help": "售前客服人数；有排班时按原比例分配到各班次。",
    "sim.inquiries": "每日售前咨询量",
    "sim.inquiries_help": "平常一天的售前咨询人数（会话数）。",
    "sim.concurrency": "最大同时接待数",
    "sim.concurrency_help": "每名客服同时打开的会话上限；接待越多，每条回复越慢。",
    "sim.days": "模拟天数",
    "sim.days_help": "天数越少越快；金额按模拟的天数计算。",
    "sim.reps": "重复次数",
    "sim.reps_help": "独立重复模拟的次数，用于 95% 置信区间（至少 2 次才有区间）。",
    "sim.advanced": "高级：修改任意参数",
    "sim.overrides": "每行一个 键=值（与命令行 --set 相同）",
    "sim.overrides_help": "例如 customers.patience.mean_s=120；键名见 docs/scenario.md。",
    "sim.bad_input": "输入有误，未能模拟：",
    "sim.error_hint": "请修改左侧的设置或场景文件后重试。",
    "sim.promo_dropped": "第 {days} 天之后的大促日（{names}）不在模拟天数内，本次未计入。",
    "sim.running": "正在模拟……",
    "sim.caption": "{name} · 平台：{platform} · {days} 天 · {reps} 次重复 · 种子 {seed}",
    "sim.forget_upload": "不再使用 {name}",
    "sim.no_interval": "只有 1 次重复，无法给出区间；把重复次数设为 2 次以上。",
    "sim.headline": "核心指标（均值与 95% 区间）",
    "sim.interval": "95% 区间：{lo} – {hi}",
    "sim.per_agent_day": "人均日接待",
    "sim.per_agent_day_help": "接待人数 ÷ 客服人数 ÷ 天数。每人每天 280–300 属正常，800 以上只在大促时可信。",
    "sim.counts": "到达 {arrived} · 接待完成 {answered} · 放弃 {abandoned} · 期末仍在进行 {in_progress} · "
                  "买家消息 {messages}（各次重复合计）",
    "sim.team_table": "全部团队指标",
    "sim.col_kpi": "指标",
    "sim.col_mean": "均值",
    "sim.col_lo": "95% 下限",
    "sim.col_hi": "95% 上限",
    "sim.intraday": "分时段：咨询量与响应时间",
    "sim.intraday_caption": "每小时的平均数（所有模拟日与重复的平均）。红色虚线：3 分钟。",
    "sim.agents_table": "每名客服",
    "sim.agent_chart": "按客服比较",
    "sim.agent_kpi": "指标",
    "sim.col_agent": "客服",
    "sim.col_shift": "班次",
    "sim.rules_header": "平台规则",
    "sim.rules_caption": "平台规则来自公开资料（docs/kpi.md 的“Platform lines”），使用前请核实。",
    "sim.rule_pass": "达标",
    "sim.rule_fail": "未达标",
    "sim.no_rules": "该平台没有画线的规则。",
    # rules
    "rule.min": "{platform}要求 ≥ {value}",
    "rule.max": "{platform}要求 ≤ {value}",
    # chart labels
    "chart.hour": "时段（点）",
    "chart.arrivals": "每日到达（会话/小时）",
    "chart.seconds": "秒",
    "chart.series": "指标",
    "chart.first_response": "首次响应",
    "chart.queue_wait": "排队等待",
    "chart.three_min": "3 分钟",
    "chart.agent": "客服",
    "chart.value": "数值",
    "chart.rule": "平台线",
    # platforms
    "platform.taobao": "淘宝",
    "platform.tmall": "天猫",
    "platform.douyin": "抖音",
    "platform.kuaishou": "快手",
    "platform.jd": "京东",
    "platform.pdd": "拼多多",
    "platform.other": "其他",
    # units
    "unit.yuan": "元",
    "unit.s": "秒",
    "unit.min": "分钟",
    "unit.none": "—",
}

_EN: dict[str, str] = {
    "app.title": "Customer-Service Incentive Sandbox",
    "app.subtitle": "What-if modelling for e-commerce customer-service teams: change staffing, inquiry volume and "
                    "concurrency, and see how the platform KPIs move.",
    "lang.label": "语言 / Language",
    "lang.zh": "中文",
    "lang.en": "English",
    "nav.simulate": "Simulate",
    "nav.compare": "Compare schemes",
    "nav.tuning": "Target tuning",
    "nav.history": "History",
    "sim.title": "Simulate: service and platform KPIs",
    "sim.scenario_header": "Scenario",
    "sim.scenario": "Shipped scenario",
    "sim.upload": "Or upload a scenario file (TOML)",
    "sim.upload_help": "Format: docs/scenario.md. An uploaded file takes precedence. At most 1 MB.",
    "sim.using_upload": "Using the uploaded file: {name}",
    "sim.controls_header": "Adjust",
    "sim.agents": "Agents",
    "sim.agents_help": "Pre-sale agents; with shifts, they are spread over the shifts in the original proportions.",
    "sim.inquiries": "Pre-sale inquiries per day",
    "sim.inquiries_help": "Pre-sale inquirers (chats) on a normal day.",
    "sim.concurrency": "Max concurrent chats",
    "sim.concurrency_help": "Cap of open chats per agent; the more chats, the slower each reply.",
    "sim.days": "Days simulated",
    "sim.days_help": "Fewer days run faster; money is for the simulated days.",
    "sim.reps": "Replications",
    "sim.reps_help": "Independent replications for the 95% intervals (at least 2 for an interval).",
    "sim.advanced": "Advanced: change any key",
    "sim.overrides": "One key=value per line (same as --set on the command line)",
    "sim.overrides_help": "For example customers.patience.mean_s=120; keys are listed in docs/scenario.md.",
    "sim.bad_input": "Bad input, nothing was simulated:",
    "sim.error_hint": "Change the settings in the sidebar or the scenario file and try again.",
    "sim.promo_dropped": "Promotion days after day {days} ({names}) fall outside the simulated days and are left out.",
    "sim.running": "Simulating...",
    "sim.caption": "{name} · platform: {platform} · {days} days · {reps} replications · seed {seed}",
    "sim.forget_upload": "Stop using {name}",
    "sim.no_interval": "Only 1 replication: no interval; set replications to 2 or more.",
    "sim.headline": "Headline KPIs (mean and 95% interval)",
    "sim.interval": "95% interval: {lo} – {hi}",
    "sim.per_agent_day": "Receptions per agent-day",
    "sim.per_agent_day_help": "Receptions / agents / days. 280-300 a day is normal; above 800 is only credible "
                              "during promotions.",
    "sim.counts": "Arrived {arrived} · answered {answered} · abandoned {abandoned} · in progress at end "
                  "{in_progress} · buyer messages {messages} (summed over replications)",
    "sim.team_table": "All team KPIs",
    "sim.col_kpi": "KPI",
    "sim.col_mean": "Mean",
    "sim.col_lo": "95% low",
    "sim.col_hi": "95% high",
    "sim.intraday": "By hour: arrivals and response times",
    "sim.intraday_caption": "Hourly averages over all simulated days and replications. Red dashed line: 3 minutes.",
    "sim.agents_table": "Per agent",
    "sim.agent_chart": "Agents side by side",
    "sim.agent_kpi": "KPI",
    "sim.col_agent": "Agent",
    "sim.col_shift": "Shift",
    "sim.rules_header": "Platform rules",
    "sim.rules_caption": "Platform rules come from public sources (docs/kpi.md, 'Platform lines'); check them before relying on them.",
    "sim.rule_pass": "meets",
    "sim.rule_fail": "misses",
    "sim.no_rules": "No rule lines for this platform.",
    "rule.min": "{platform} requires ≥ {value}",
    "rule.max": "{platform} requires ≤ {value}",
    "chart.hour": "Hour of day",
    "chart.arrivals": "Arrivals per day (chats/hour)",
    "chart.seconds": "seconds",
    "chart.series": "Measure",
    "chart.first_response": "First response",
    "chart.queue_wait": "Queue wait",
    "chart.three_min": "3 minutes",
    "chart.agent": "Agent",
    "chart.value": "Value",
    "chart.rule": "Platform line",
    "platform.taobao": "Taobao",
    "platform.tmall": "Tmall",
    "platform.douyin": "Douyin",
    "platform.kuaishou": "Kuaishou",
    "platform.jd": "JD",
    "platform.pdd": "Pinduoduo",
    "platform.other": "Other",
    "unit.yuan": "yuan",
    "unit.s": "s",
    "unit.min": "min",
    "unit.none": "—",
}

for _code, _k in KPI_CODES.items():
    _ZH[f"kpi.{_code}"] = _k.zh
    _EN[f"kpi.{_code}"] = _k.en

CATALOGUES: dict[str, dict[str, str]] = {"zh": _ZH, "en": _EN}


def norm_lang(lang: str | None) -> str:
    """Return a supported language code (unknown or missing -> the default, Chinese)."""
    return lang if lang in CATALOGUES else DEFAULT_LANG


def t(key: str, lang: str | None = DEFAULT_LANG, **fmt: object) -> str:
    """Translate a catalogue key; ``fmt`` fills ``{placeholders}``.

    A missing key raises KeyError (a test checks every key the UI uses exists in both catalogues).
    """
    text = CATALOGUES[norm_lang(lang)][key]
    return text.format(**fmt) if fmt else text


def kpi_label(code: str, lang: str | None = DEFAULT_LANG) -> str:
    """The label of a KPI code (Chinese platform wording or English)."""
    return t(f"kpi.{code}", lang)
