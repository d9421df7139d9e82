"""Texts of the import report in Chinese and English (the CLI prints both, the app the user's language).

Kept in the model (not the UI catalogue) because the CLI prints the same report; keys are short ASCII names.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    # cell problems
    "not_a_number": {"zh": "不是数字", "en": "not a number"},
    "negative": {"zh": "不能为负数", "en": "must not be negative"},
    "negative_share": {"zh": "比率不能为负", "en": "a rate must not be negative"},
    "share_above_1": {"zh": "比率超过 100%", "en": "a rate above 100%"},
    "not_whole": {"zh": "人数必须是整数", "en": "a count must be a whole number"},
    "bad_date": {"zh": "不是日期", "en": "not a date"},
    "bad_hour": {"zh": "不是 0-23 点的小时", "en": "not an hour 0-23"},
    "empty_agent": {"zh": "客服名为空", "en": "the agent name is empty"},
    "empty_date": {"zh": "日期为空", "en": "the date is empty"},
    "duplicate": {"zh": "同一客服同一天（时段）出现多次：第 {rows} 行", "en": "the same agent and day (hour) appear "
                  "more than once: rows {rows}"},
    "paid_above_inquiries": {"zh": "付款人数 {paid:g} 大于询单人数 {inq:g}",
                             "en": "paid buyers {paid:g} exceed inquirers {inq:g}"},
    "orders_above_inquiries": {"zh": "下单人数 {orders:g} 大于询单人数 {inq:g}",
                               "en": "orderers {orders:g} exceed inquirers {inq:g}"},
    "empty_value": {"zh": "这一天有询单，但此格为空", "en": "empty although the day has inquiries"},
    "no_volume": {"zh": "询单人数和接待人数都为空", "en": "both inquirers and receptions are empty"},
    # what is allowed
    "allowed_share": {"zh": "0-100% 的比率，如 42%、42.0% 或 0.42", "en": "a rate 0-100%, e.g. 42%, 42.0% or 0.42"},
    "allowed_seconds": {"zh": "时长，如 35、35秒、35s、0:35 或 1分5秒", "en": "a duration, e.g. 35, 35秒, 35s, 0:35 or 1分5秒"},
    "allowed_yuan": {"zh": "金额 >= 0，如 1234.5、¥1,234.5 或 1.2万", "en": "money >= 0, e.g. 1234.5, ¥1,234.5 or 1.2万"},
    "allowed_count": {"zh": "整数 >= 0，如 120 或 1,234", "en": "a whole number >= 0, e.g. 120 or 1,234"},
    "allowed_date": {"zh": "日期，如 2026-11-01、2026/11/1 或 20261101", "en": "a date, e.g. 2026-11-01, 2026/11/1 or 20261101"},
    "allowed_hour": {"zh": "0-23 的整点，如 10 或 10:00", "en": "an hour 0-23, e.g. 10 or 10:00"},
    "allowed_text": {"zh": "客服名（非空）", "en": "an agent name (not empty)"},
    "allowed_unique": {"zh": "每名客服每天（每个时段）一行", "en": "one row per agent and day (and hour)"},
    "allowed_consistent": {"zh": "付款人数、下单人数 <= 询单人数", "en": "paid buyers and orderers <= inquirers"},
    "allowed_volume": {"zh": "询单人数或接待人数至少填一个", "en": "inquirers or receptions (at least one)"},
    # file-level problems
    "file_empty": {"zh": "文件是空的", "en": "the file is empty"},
    "file_header_only": {"zh": "只有表头，没有数据行", "en": "has a header but no data rows"},
    "file_too_large": {"zh": "文件 {size} 超过上限 {limit}；请按月或按客服拆分后再导入",
                       "en": "the file is {size}, above the limit of {limit}; split it (by month or agent) and import "
                       "the parts"},
    "file_too_many_rows": {"zh": "行数超过上限 {limit} 行；请按月或按客服拆分后再导入",
                           "en": "more than {limit} rows; split it (by month or agent) and import the parts"},
    "file_too_many_columns": {"zh": "第 {row} 行超过 {limit} 列；导出表只需几十列", "en": "row {row} has more than "
                              "{limit} cells; an export needs a few dozen columns"},
    "file_xlsx_unpacked": {"zh": "工作簿解压后有 {size}，超过上限 {limit}（可能是压缩炸弹）；请另存为 CSV 或拆分",
                           "en": "the workbook unpacks to {size}, above the limit of {limit} (possibly a zip bomb); "
                           "save it as CSV or split it"},
    "file_type": {"zh": "不支持的文件类型 {ext}；请导出为 CSV 或 XLSX", "en": "unsupported file type {ext}; "
                  "export as CSV or XLSX"},
    "file_xls": {"zh": "旧版 .xls 文件无法读取；请在 Excel 中另存为 .xlsx 或 CSV",
                 "en": "old .xls files cannot be read; save as .xlsx or CSV in Excel"},
    "file_encoding": {"zh": "无法识别文件编码（或混用了多种编码：第 {rows} 行与其他行不同）；请另存为 UTF-8 CSV",
                      "en": "the text encoding cannot be recognised (or encodings are mixed: rows {rows} differ "
                      "from the others); save as UTF-8 CSV"},
    "file_unreadable": {"zh": "无法读取：{why}", "en": "cannot be read: {why}"},
    "file_no_header": {"zh": "前 {n} 行中找不到表头（至少要有客服和日期两列）；找到的第一行：{found}",
                       "en": "no header row in the first {n} rows (it needs at least an agent and a date column); "
                       "first row found: {found}"},
    "missing_columns": {"zh": "缺少必需的列：{missing}；找到的表头：{found}。可用 --map '表头=代码' 手工对应",
                        "en": "missing required columns: {missing}; headers found: {found}. Map a header by hand "
                        "with --map 'header=code'"},
    "no_sheet": {"zh": "没有名为 {sheet} 的工作表；可选：{sheets}", "en": "no sheet named {sheet}; sheets: {sheets}"},
    "bad_map": {"zh": "--map '{item}' 无效：{why}；代码可选：{codes}",
                "en": "--map '{item}' is not valid: {why}; codes: {codes}"},
    # notes
    "note_sheet": {"zh": "读取了工作表“{sheet}”（共 {n} 个：{sheets}）；可选择其他工作表",
                   "en": "read sheet '{sheet}' (of {n}: {sheets}); another sheet can be chosen"},
    "note_totals": {"zh": "第 {rows} 行是合计/平均行，未作为客服读取", "en": "totals/average rows, not read as "
                    "agents: {rows}"},
    "note_skipped": {"zh": "已按要求跳过有问题的第 {rows} 行（共 {n} 行），结果不含这些行",
                     "en": "skipped the problem rows {rows} ({n} rows) as asked; results exclude them"},
    "note_unknown": {"zh": "未识别的表头（已忽略，可手工对应）：{headers}", "en": "unknown headers (ignored; map them "
                     "by hand): {headers}"},
    "note_encoding": {"zh": "文件编码：{encoding}", "en": "text encoding: {encoding}"},
    "stop": {"zh": "导入已停止：{n} 处问题（见下表）。修改文件后重试，或选择跳过这些行继续",
             "en": "import stopped: {n} problems (listed below). Fix the file and retry, or choose to skip these "
             "rows and go on"},
}


def msg(key: str, lang: str = "zh", **fmt: object) -> str:
    """The text of a message key in a language (zh default; unknown languages fall back to zh)."""
    entry = TEXT[key]
    text = entry.get(lang, entry["zh"])
    return text.format(**fmt) if fmt else text


def both(key: str, **fmt: object) -> str:
    """Chinese and English together (the CLI's style: '中文 / English')."""
    return f"{msg(key, 'zh', **fmt)} / {msg(key, 'en', **fmt)}"
