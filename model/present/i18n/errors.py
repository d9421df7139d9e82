"""Chinese wording of the model's (English) error details for the Chinese UI.

The model's messages name the file, the key and what is allowed in English (the CLI prints them bilingually);
pydantic's own phrases and the model's most common phrases are mapped to Chinese here, keeping file names,
keys and values as they are. Unknown phrases stay English (never dropped).
"""

from __future__ import annotations

import re

#: (pattern, replacement) applied in order; patterns match pydantic v2 and model.scenario wording.
_PHRASES: list[tuple[str, str]] = [
    (r"Input should be greater than or equal to ", "应大于或等于 "),
    (r"Input should be greater than ", "应大于 "),
    (r"Input should be less than or equal to ", "应小于或等于 "),
    (r"Input should be less than ", "应小于 "),
    (r"Input should be a valid integer, got a number with a fractional part", "应为整数（不能有小数）"),
    (r"Input should be a valid integer, unable to parse string as an integer", "应为整数（无法把文字读成整数）"),
    (r"Input should be a valid integer", "应为整数"),
    (r"Input should be a valid number, unable to parse string as a number", "应为数字（无法把文字读成数字）"),
    (r"Input should be a valid number", "应为数字"),
    (r"Input should be a valid string", "应为文字"),
    (r"Input should be a valid boolean", "应为 true 或 false"),
    (r"Input should be a valid list", "应为列表 [...]"),
    (r"Input should be a valid dictionary or instance of \w+", "应为一个表 {...}"),
    (r"Input should be a valid dictionary", "应为一个表 {...}"),
    (r"Input should be a finite number", "应为有限的数字"),
    (r"Input should be ", "应为 "),
    (r"Field required", "缺少必填项"),
    (r"List should have at least (\d+) items? after validation, not (\d+)", r"列表至少需要 \1 项，实际 \2 项"),
    (r"unknown key \(not part of the scenario format; see docs/scenario.md or `python -m model schema`\)",
     "未知的键（不属于场景格式；见 docs/scenario.md 或 `python -m model schema`）"),
    (r"unknown key", "未知的键"),
    (r"\(got ([^()]*(?:\([^()]*\))?[^()]*)\)", r"（实际为 \1）"),
    (r"file not found", "找不到文件"),
    (r"TOML syntax error", "TOML 语法错误"),
    (r"is not UTF-8 text", "不是 UTF-8 文本"),
    (r"(\d+) problems:", r"共 \1 处问题："),
    (r"must be a share between 0 and 1", "必须是 0 到 1 之间的比例"),
    (r"must be a share 0-1; did you mean ", "必须是 0-1 的比例；是否想写 "),
    (r"did you mean ", "是否想写 "),
    (r"is outside the range of (\S+) \(([^)]*)\)", r"超出了 \1（\2）的取值范围"),
    (r"shares are 0-1", "比例取 0-1"),
    (r"allowed ", "允许 "),
    (r"the shifts staff (\d+) agents but agents\.count is (\d+); they must match",
     r"各班次共 \1 人，但 agents.count 为 \2；两者必须一致"),
    (r"is out of range", "超出范围"),
    (r"key '", "键 '"),
]
_COMPILED = [(re.compile(p), r) for p, r in _PHRASES]


def to_zh(text: str) -> str:
    """The message with known English phrases in Chinese (file names, keys and values unchanged)."""
    out = text
    for pat, rep in _COMPILED:
        out = pat.sub(rep, out)
    return out


def localise(text: str, lang: str) -> str:
    """``text`` in the UI language (only zh is translated; English stays as the model wrote it)."""
    return to_zh(text) if lang == "zh" else text
