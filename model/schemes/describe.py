"""Readable descriptions of schemes and their components (zh / en), shared by the deck, the HTML report and
the app, so a manager reads "达标奖：询单转化率 ≥ 48%，奖 1,000 元" instead of the component's JSON.

Pure text functions over the scheme as a dict (the TOML shape, ``Scheme.model_dump(mode="json")``) and over a
scheme's block of the comparison document (for what its numbers rest on: :func:`basis`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from model.kpicodes import KPI_CODES

#: What a scheme's numbers rest on: a behavioural forecast, the manager's assumed effects, or the pay rules
#: alone with agent behaviour unchanged.
BASIS_LABELS: dict[str, dict[str, str]] = {
    "zh": {"forecast": "预测", "assumption": "假设", "mechanics": "纯机制"},
    "en": {"forecast": "Forecast", "assumption": "Assumption", "mechanics": "Mechanics only"},
}
BASIS_NOTES: dict[str, dict[str, str]] = {
    "zh": {"forecast": "客服行为模型预测的反应", "assumption": "经理自己假设的效果（不是预测）",
           "mechanics": "只算奖金规则本身，客服行为不变"},
    "en": {"forecast": "agents' response forecast by the behaviour model",
           "assumption": "the manager's own assumed effects (not a forecast)",
           "mechanics": "the pay rules alone; agent behaviour unchanged"},
}

_TYPE: dict[str, dict[str, str]] = {
    "zh": {"threshold": "达标奖", "rank": "排名奖", "commission": "销售提成", "tiered_commission": "阶梯提成",
           "scorecard": "绩效评分卡", "rank_points": "周排名积分", "behaviour_points": "行为分",
           "department_bonus": "部门奖", "profit_pool": "增量利润奖金池", "base_salary": "阶梯底薪",
           "silent_order_pool": "静默下单奖金池", "aftersale_chargeback": "售后成本扣款", "gate": "门槛",
           "cap": "封顶", "floor": "保底"},
    "en": {"threshold": "Threshold bonus", "rank": "Rank prize", "commission": "Sales commission",
           "tiered_commission": "Tiered commission", "scorecard": "Weighted scorecard",
           "rank_points": "Weekly rank points", "behaviour_points": "Behaviour points",
           "department_bonus": "Department bonus", "profit_pool": "Incremental-profit pool",
           "base_salary": "Base salary steps", "silent_order_pool": "Silent-order pool",
           "aftersale_chargeback": "After-sale chargeback", "gate": "Gate", "cap": "Cap", "floor": "Floor"},
}
_PERIOD = {"zh": {"month": "每月", "week": "每周", "day": "每天"},
           "en": {"month": "per month", "week": "per week", "day": "per day"}}
_DIR = {"zh": {"higher_is_better": "越高越好", "lower_is_better": "越低越好"},
        "en": {"higher_is_better": "higher is better", "lower_is_better": "lower is better"}}
_MODE = {"zh": {"task_split": "任务内外分段", "step": "全部按达到的档", "bracket": "分段累进"},
         "en": {"task_split": "split at the task", "step": "all sales at the reached tier",
                "bracket": "marginal brackets"}}
_SPLIT = {"zh": {"equal": "平均分", "sales": "按销售额分", "points": "按积分分"},
          "en": {"equal": "split equally", "sales": "split by sales", "points": "split by points"}}
_SEP = {"zh": "；", "en": "; "}
_LIST = {"zh": "、", "en": ", "}
_COLON = {"zh": "：", "en": ": "}


def basis(block: dict[str, Any]) -> str:
    """What a scheme's block rests on: its own ``basis`` when the comparison set one
    (:func:`model.pipeline.compare_schemes`), else ``"forecast"`` when it has a ``behaviour`` dict,
    ``"assumption"`` when it has assumed effects, else ``"mechanics"``."""
    if block.get("basis") in BASIS_LABELS["en"]:
        return str(block["basis"])
    if isinstance(block.get("behaviour"), dict):
        return "forecast"
    if block.get("assumed_effects"):
        return "assumption"
    return "mechanics"


def basis_label(block: dict[str, Any], lang: str = "zh") -> str:
    """预测 / 假设 / 纯机制 (or Forecast / Assumption / Mechanics only) for a scheme's block."""
    return BASIS_LABELS[_lang(lang)][basis(block)]


def _lang(lang: str | None) -> str:
    return "en" if str(lang or "").lower().startswith("en") else "zh"


def _num(v: Any, digits: int = 2) -> str:
    x = float(v)
    if math.isclose(x, round(x)):
        return f"{round(x):,}"
    return f"{x:,.{digits}f}".rstrip("0").rstrip(".")


def yuan(v: Any, lang: str) -> str:
    """1000 -> '1,000 元' / '1,000 yuan'."""
    return f"{_num(v)} {'元' if _lang(lang) == 'zh' else 'yuan'}"


def share(v: Any) -> str:
    """0.48 -> '48%'."""
    return f"{_num(100 * float(v), 2)}%"


def kpi_name(code: str, lang: str) -> str:
    """The KPI's label in the language (the code itself when unknown)."""
    k = KPI_CODES.get(code)
    return code if k is None else (k.zh if _lang(lang) == "zh" else k.en)


def kpi_level(code: str, v: Any, lang: str) -> str:
    """A KPI level in its unit: 48%, 30 秒 / 30 s, 10,000 元, or a plain number; "team_average" in words."""
    if v == "team_average":
        return "团队平均" if _lang(lang) == "zh" else "the team average"
    k = KPI_CODES.get(code)
    unit = k.unit if k is not None else ""
    if unit == "share":
        return share(v)
    if unit == "s":
        return f"{_num(v)} {'秒' if _lang(lang) == 'zh' else 's'}"
    if unit == "yuan":
        return yuan(v, lang)
    return _num(v)


def _direction(c: dict[str, Any]) -> str:
    code = str(c.get("kpi", ""))
    d = c.get("direction") or (KPI_CODES[code].direction if code in KPI_CODES else "higher_is_better")
    return d if d in ("higher_is_better", "lower_is_better") else "higher_is_better"


def _op(c: dict[str, Any]) -> str:
    return "≥" if _direction(c) == "higher_is_better" else "≤"


def _period(c: dict[str, Any], lang: str) -> str:
    p = c.get("period")
    return f"（{_PERIOD['zh'].get(p, p)}）" if p and _lang(lang) == "zh" else f" ({_PERIOD['en'].get(p, p)})" if p else ""


def _pool(p: dict[str, Any] | None, lang: str) -> str:
    if not p:
        return ""
    zh = _lang(lang) == "zh"
    parts = []
    if p.get("yuan"):
        parts.append(yuan(p["yuan"], lang))
    if p.get("sales_share"):
        parts.append(f"团队销售额的 {share(p['sales_share'])}" if zh else f"{share(p['sales_share'])} of team sales")
    if p.get("attainment_conversion_factor"):
        f, task = share(p["attainment_conversion_factor"]), yuan(p.get("team_task_yuan") or 0, lang)
        parts.append(f"团队销售额 × 任务完成率（任务 {task}）× 询单转化率 × {f}" if zh
                     else f"team sales x attainment (task {task}) x conversion x {f}")
    body = " + ".join(parts) or yuan(0, lang)
    s = p.get("share", 1.0)
    if s is not None and float(s) != 1.0:
        body = f"{share(s)} × ({body})"
    return f"奖金池 {body}" if zh else f"pool {body}"


def _threshold(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    code = str(c.get("kpi"))
    name = kpi_name(code, lang)
    if c.get("steps"):
        steps = [f"{name} {_op(c)} {kpi_level(code, s.get('target'), lang)} "
                 f"{'奖' if zh else 'pays'} {yuan(s.get('amount_yuan', 0), lang)}" for s in c["steps"]]
        text = _SEP[lang].join(steps)
        if c.get("cumulative"):
            text += "（各档累加）" if zh else " (steps add up)"
    else:
        text = (f"{name} {_op(c)} {kpi_level(code, c.get('target'), lang)} "
                f"{'奖' if zh else 'pays'} {yuan(c.get('amount_yuan') or 0, lang)}")
    if c.get("miss_yuan"):
        text += f"{_SEP[lang]}{'未达标' if zh else 'missed'} {yuan(c['miss_yuan'], lang)}"
    return text + _period(c, lang)


def _rank(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    code = str(c.get("kpi"))
    prizes = c.get("prizes_yuan") or []
    places = _LIST[lang].join(
        (f"第{i + 1}名 {yuan(p, lang)}" if zh else f"#{i + 1} {yuan(p, lang)}") for i, p in enumerate(prizes))
    text = (f"按{kpi_name(code, lang)}排名（{_DIR['zh'][_direction(c)]}），{places}" if zh
            else f"ranked by {kpi_name(code, lang)} ({_DIR['en'][_direction(c)]}): {places}")
    if c.get("min_inquiries"):
        text += (f"{_SEP[lang]}至少 {_num(c['min_inquiries'])} 个询单才参与排名" if zh
                 else f"{_SEP[lang]}at least {_num(c['min_inquiries'])} inquiries to rank")
    return text + _period(c, lang)


def _commission(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    name = kpi_name(str(c.get("kpi", "sales_yuan")), lang)
    text = f"{name}的 {share(c.get('rate', 0))}" if zh else f"{share(c.get('rate', 0))} of {name}"
    extra = []
    if c.get("rate_new") is not None:
        extra.append(f"新客 {share(c['rate_new'])}" if zh else f"new buyers {share(c['rate_new'])}")
    if c.get("rate_returning") is not None:
        extra.append(f"老客 {share(c['rate_returning'])}" if zh else f"returning buyers {share(c['rate_returning'])}")
    return text + (f"（{_LIST[lang].join(extra)}）" if zh and extra else f" ({', '.join(extra)})" if extra else "")


def _tier_rate(t: dict[str, Any]) -> str:
    if t.get("rate_permille") is not None:
        return f"{_num(t['rate_permille'])}‰"
    return share(t.get("rate") or 0)


def _tiered(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    task = yuan(c.get("task_yuan", 0), lang)
    tiers = _SEP[lang].join(
        (f"完成率 ≥ {share(t.get('min_attainment', 0))} 提成 {_tier_rate(t)}" if zh
         else f"from {share(t.get('min_attainment', 0))} attainment {_tier_rate(t)}") for t in c.get("tiers") or [])
    mode = _MODE[_lang(lang)].get(str(c.get("mode", "task_split")), str(c.get("mode")))
    return (f"{kpi_name(str(c.get('kpi', 'sales_yuan')), lang)}任务 {task}：{tiers}（{mode}）" if zh
            else f"task {task} of {kpi_name(str(c.get('kpi', 'sales_yuan')), lang)}: {tiers} ({mode})")


def _score_item(it: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    code = str(it.get("kpi"))
    head = f"{kpi_name(code, lang)} {'权重' if zh else 'weight'} {share(it.get('weight', 0))}"
    if it.get("group") == "kci":
        head += " KCI"
    if it.get("table"):
        pts = _LIST[lang].join(f"{kpi_level(code, s.get('at'), lang)} → {_num(s.get('points', 0))}"
                               for s in it["table"])
        return f"{head}（{'分档' if zh else 'steps'} {pts}）" if zh else f"{head} (steps {pts})"
    if it.get("floor") is not None and it.get("full") is not None:
        lo, hi = kpi_level(code, it["floor"], lang), kpi_level(code, it["full"], lang)
        return f"{head}（{lo} 得 0 分，{hi} 满分）" if zh else f"{head} (0 points at {lo}, full at {hi})"
    return head


def _scorecard(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    items = _SEP[lang].join(_score_item(it, lang) for it in c.get("items") or [])
    money = (f"满分奖金 {yuan(c['amount_yuan'], lang)}" if zh else f"{yuan(c['amount_yuan'], lang)} at 100 points") \
        if c.get("amount_yuan") is not None else _pool(c.get("pool"), lang)
    text = f"{money}{_SEP[lang]}{items}" if money else items
    if c.get("min_score"):
        text += f"{_SEP[lang]}{'低于' if zh else 'nothing below'} {_num(c['min_score'])} {'分不发' if zh else 'points'}"
    return text


def _rank_points(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    kpis = _LIST[lang].join(kpi_name(k, lang) for k in c.get("kpis") or [])
    pts = "/".join(_num(p) for p in c.get("points") or [])
    text = (f"{kpis}各排名，前几名得 {pts} 分，低于平均 {_num(c.get('below_average_points', -1))} 分" if zh
            else f"{kpis} ranked; top places get {pts} points, below average "
                 f"{_num(c.get('below_average_points', -1))}")
    for r in c.get("rules") or []:
        code = str(r.get("kpi"))
        text += (f"{_SEP[lang]}{kpi_name(code, lang)} {_op(r)} {kpi_level(code, r.get('target'), lang)} "
                 + (f"得 {_num(r.get('met_points', 0))} 分，否则 {_num(r.get('missed_points', 0))} 分" if zh
                    else f"{_num(r.get('met_points', 0))} points, else {_num(r.get('missed_points', 0))}"))
    if c.get("task_yuan"):
        text += f"{_SEP[lang]}{'销售任务' if zh else 'sales task'} {yuan(c['task_yuan'], lang)}"
    pool = _pool(c.get("pool"), lang)
    return text + (f"{_SEP[lang]}{pool}" if pool else "") + _period(c, lang)


def _behaviour_points(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    text = (f"零差评 +{_num(c.get('zero_bad_attitude_points', 5))} 分，每个态度差评 "
            f"{_num(c.get('per_bad_attitude_points', -2))} 分，夜班 +{_num(c.get('night_shift_points', 2))} 分，"
            f"最高 {_num(c.get('max_points', 20))} 分" if zh else
            f"no bad-attitude rating +{_num(c.get('zero_bad_attitude_points', 5))}, each one "
            f"{_num(c.get('per_bad_attitude_points', -2))}, night shift +{_num(c.get('night_shift_points', 2))}, "
            f"at most {_num(c.get('max_points', 20))} points")
    pool = _pool(c.get("pool"), lang)
    return text + (f"{_SEP[lang]}{pool}" if pool else "")


def _conditions(conds: list[dict[str, Any]], lang: str) -> str:
    zh = _lang(lang) == "zh"
    out = []
    for cond in conds:
        code = str(cond.get("kpi"))
        name = kpi_name(code, lang)
        f = cond.get("team_factor", 1.0)
        for key, op in (("at_least", "≥"), ("at_most", "≤")):
            v = cond.get(key)
            if v is None:
                continue
            level = kpi_level(code, v, lang)
            if v == "team_average" and f not in (None, 1, 1.0):
                level = f"{level} × {_num(f)}"
            out.append(f"{name} {op} {level}")
        if "reference" in cond:
            op = "≥" if _direction(cond) == "higher_is_better" else "≤"
            out.append(f"{name} {op} {kpi_level(code, cond['reference'], lang)}")
    return (" 且 " if zh else " and ").join(out)


def _department(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    text = (f"团队 {_conditions(c.get('reward_if') or [], lang)} 时每人 {yuan(c.get('reward_yuan_per_head', 0), lang)}"
            if zh else f"{yuan(c.get('reward_yuan_per_head', 0), lang)} a head when the team has "
                       f"{_conditions(c.get('reward_if') or [], lang)}")
    if c.get("penalty_if"):
        text += (f"{_SEP[lang]}{_conditions(c['penalty_if'], lang)} 时每人扣 "
                 f"{yuan(c.get('penalty_yuan_per_head', 0), lang)}" if zh
                 else f"{_SEP[lang]}{yuan(c.get('penalty_yuan_per_head', 0), lang)} a head off when "
                      f"{_conditions(c['penalty_if'], lang)}")
    return text


def _profit_pool(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    split = _SPLIT[_lang(lang)].get(str(c.get("split", "equal")), str(c.get("split")))
    text = (f"增量毛利的 {share(c.get('share', 0))}，{split}" if zh
            else f"{share(c.get('share', 0))} of the incremental gross profit, {split}")
    if c.get("cap_yuan") is not None:
        text += f"{_SEP[lang]}{'封顶' if zh else 'capped at'} {yuan(c['cap_yuan'], lang)}"
    return text


def _base_salary(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    text = (f"底薪 {yuan(c.get('base_yuan', 0), lang)}，每 {_num(c.get('step_months', 3))} 个月加 "
            f"{yuan(c.get('step_yuan', 0), lang)}" if zh else
            f"base {yuan(c.get('base_yuan', 0), lang)}, +{yuan(c.get('step_yuan', 0), lang)} every "
            f"{_num(c.get('step_months', 3))} months")
    if c.get("max_steps") is not None:
        text += f"（最多 {c['max_steps']} 档）" if zh else f" (at most {c['max_steps']} steps)"
    if c.get("top_kpi") and c.get("top_bonus_yuan"):
        text += (f"{_SEP[lang]}{kpi_name(str(c['top_kpi']), lang)}第一名 +{yuan(c['top_bonus_yuan'], lang)}" if zh
                 else f"{_SEP[lang]}best {kpi_name(str(c['top_kpi']), lang)} +{yuan(c['top_bonus_yuan'], lang)}")
    return text


def _silent(c: dict[str, Any], lang: str) -> str:
    return (f"静默下单销售额的 {share(c.get('share', 0))}，平均分" if _lang(lang) == "zh"
            else f"{share(c.get('share', 0))} of silent-order sales, split equally")


def _chargeback(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    name = kpi_name(str(c.get("kpi", "refund_yuan")), lang)
    floor = yuan(c.get("floor_yuan", 0), lang)
    if c.get("floor_share_of_sales"):
        floor += (f" + 销售额的 {share(c['floor_share_of_sales'])}" if zh
                  else f" + {share(c['floor_share_of_sales'])} of sales")
    text = (f"{name}超过 {floor} 的部分扣 {share(c.get('rate', 0.1))}" if zh
            else f"{share(c.get('rate', 0.1))} of {name} above {floor}")
    if c.get("max_charge_yuan") is not None:
        text += f"{_SEP[lang]}{'最多扣' if zh else 'at most'} {yuan(c['max_charge_yuan'], lang)}"
    return text


def _gate(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    cond = _conditions(c.get("conditions") or [], lang)
    inner = c.get("components") or []
    if inner:
        what = _SEP[lang].join(describe_component(x, lang) for x in inner)
        return f"满足 {cond} 才发：{what}" if zh else f"paid only when {cond}: {what}"
    return f"满足 {cond} 才发浮动工资" if zh else f"variable pay only when {cond}"


def _cap_floor(c: dict[str, Any], lang: str) -> str:
    zh = _lang(lang) == "zh"
    parts = []
    if c.get("min_yuan") is not None:
        parts.append(f"不低于 {yuan(c['min_yuan'], lang)}" if zh else f"at least {yuan(c['min_yuan'], lang)}")
    if c.get("max_yuan") is not None:
        parts.append(f"不超过 {yuan(c['max_yuan'], lang)}" if zh else f"at most {yuan(c['max_yuan'], lang)}")
    scope = _LIST[lang].join(c.get("applies_to") or []) or ("全部浮动工资" if zh else "all variable pay")
    return f"{scope}{'，'.join(parts)}" if zh else f"{scope} {' and '.join(parts)}"


_DESCRIBERS: dict[str, Callable[[dict[str, Any], str], str]] = {
    "threshold": _threshold, "rank": _rank, "commission": _commission, "tiered_commission": _tiered,
    "scorecard": _scorecard, "rank_points": _rank_points, "behaviour_points": _behaviour_points,
    "department_bonus": _department, "profit_pool": _profit_pool, "base_salary": _base_salary,
    "silent_order_pool": _silent, "aftersale_chargeback": _chargeback, "gate": _gate, "cap": _cap_floor,
    "floor": _cap_floor,
}


def component_type(typ: str, lang: str = "zh") -> str:
    """The component type's name in the language (the type itself when unknown)."""
    return _TYPE[_lang(lang)].get(typ, typ)


def describe_component(c: dict[str, Any], lang: str = "zh") -> str:
    """One line: '达标奖：询单转化率 ≥ 48% 奖 1,000 元（每月）' / 'Threshold bonus: ...'.

    Args:
        c: the component as a dict (TOML shape).
        lang: "zh" (default) or "en".
    """
    lang = _lang(lang)
    typ = str(c.get("type"))
    fn = _DESCRIBERS.get(typ)
    try:
        body = fn(c, lang) if fn is not None else ""
    except (TypeError, ValueError, KeyError):  # an incomplete dict (the editor's working copy): name only
        body = ""
    head = component_type(typ, lang)
    if c.get("label"):
        head += f" [{c['label']}]"
    return f"{head}{_COLON[lang]}{body}" if body else head


def note_in_lang(text: str, lang: str = "zh") -> str:
    """A free-text note (a scheme's ``description``) when it is written in ``lang``, else "" (the generated
    description stands in): Chinese text has CJK characters, English text has none."""
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    return text if text and has_cjk == (_lang(lang) == "zh") else ""


def describe_scheme(spec: dict[str, Any], lang: str = "zh") -> list[str]:
    """One line per component of a scheme (TOML-shaped dict); an empty scheme reads 'base pay only'."""
    comps = spec.get("components") or []
    if not comps:
        return ["仅底薪，不发奖金" if _lang(lang) == "zh" else "base pay only, no bonus"]
    return [describe_component(c, lang) for c in comps]
