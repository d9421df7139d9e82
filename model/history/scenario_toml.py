"""The calibrated scenario as an editable TOML file, with a comment beside each value saying where it came from."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from model.history.validate import History
from model.schema import Scenario


# ------------------------------------------------------------------------------------------------ TOML
def _val(v: Any) -> str:
    """A TOML value on one line (inline tables for dicts)."""
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_val(x)}" for k, x in v.items() if x is not None) + " }"
    if isinstance(v, list) and v and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v):
        return "[" + ", ".join(_val(x) for x in v) + "]"
    return tomli_w.dumps({"v": v}).strip()[4:]


def _clean(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    return x


def scenario_toml(s: Scenario, template: Scenario, src: dict[str, str], est: pd.DataFrame, h: History) -> str:
    """The calibrated scenario as commented TOML: calibrated keys say where they came from, the rest is the
    template's (only the keys the template file set; every other key keeps its documented default)."""
    d = s.model_dump(mode="json")
    t = _clean(template.model_dump(mode="json", exclude_unset=True))
    skipped = h.report.skipped_rows
    L: list[str] = [
        f"# 由历史数据校准 Calibrated from the KPI export {h.name} ({min(h.data['date'])} .. {max(h.data['date'])},",
        f"# {len(h.agents)} 名客服 agents, {len(h.data)} rows) by `python -m model calibrate` on {dt.date.today()}.",
        "# Every calibrated value says where it came from; edit freely (docs/scenario.md lists every key).",
    ]
    if skipped:
        L.append(f"# 注意 NOTE: rows {', '.join(map(str, skipped[:30]))} of the export had problems and were skipped.")
    for note in h.notes("en"):
        L.append(f"# {note}")

    def sect(name: str, keys: list[str], extra: dict[str, Any] | None = None) -> None:
        L.append("")
        L.append(f"[{name}]")
        done = set()
        for k in keys:
            full = f"{name}.{k}"
            val = d[name][k] if "." not in k else d[name][k.split(".")[0]][k.split(".")[1]]
            if full in src:
                L.append(f"# {src[full]}")
            L.append(f"{k} = {_val(val)}")
            done.add(k.split(".")[0])
        for k, v in (extra or {}).items():
            if k not in done and (not isinstance(v, list | dict) or _inline_ok(v)):
                L.append(f"{k} = {_val(d[name][k])}")

    sect("meta", ["name", "description", "days", "start_weekday", "seed", "replications"])
    L.append("")
    L.append("[shop]")
    L.append(f"name = {_val(d['shop']['name'])}")
    L.append(f"platform = {_val(d['shop']['platform'])}")
    tkeys = ["inquiries_per_day", "aftersale_per_day", "intraday_profile", "weekday_factors", "open_hours"]
    sect("traffic", tkeys, t.get("traffic"))
    akeys = ["count", "max_concurrent_chats", "reply_time", "concurrency_slowdown", "lines_per_reply", "routing"]
    if "agents.reply_time.mean_s" in src:
        src["agents.reply_time"] = "mean_s " + src.pop("agents.reply_time.mean_s")
    if "reaction_latency" in t.get("agents", {}) or "agents.reaction_latency.mean_s" in src:
        akeys.insert(akeys.index("reply_time") + 1, "reaction_latency")  # the template's latency is kept (scaled)
        if "agents.reaction_latency.mean_s" in src:
            src["agents.reaction_latency"] = "mean_s: " + src.pop("agents.reaction_latency.mean_s")
    sect("agents", akeys)
    if "agents.shifts" in src:
        L.append(f"# {src['agents.shifts']}")
    for sh in d["agents"]["shifts"]:
        L.append("")
        L.append("[[agents.shifts]]")
        for k, v in sh.items():
            if v is not None:  # weekdays / days unset: every day
                L.append(f"{k} = {_val(v)}")
    by_name = est.set_index("name")
    L.append("")
    L.append("# 每名客服的技能：转化率按 beta-二项经验贝叶斯向团队均值收缩（询单少的客服不会被当成明星）")
    L.append("# Per-agent skill: conversion shrunk toward the team mean (beta-binomial empirical Bayes), order value")
    L.append("# shrunk (normal empirical Bayes), reply speed = the agent's average response / the team's.")
    for spec in d["agents"]["individual"]:
        r = by_name.loc[spec["name"]]
        L.append("")
        L.append("[[agents.individual]]")
        bits = [f"{r['inquiries']:,.0f} inquiries"]
        if "conversion_raw" in r.index and np.isfinite(r["conversion_raw"]):
            bits.append(f"conversion {r['conversion_raw']:.1%} -> {r['conversion_shrunk']:.1%} "
                        f"(moved {r['conversion_weight']:.0%} toward the team mean)")
        if "aov_raw" in r.index and np.isfinite(r["aov_raw"]):
            bits.append(f"order value {r['aov_raw']:.1f} -> {r['aov_shrunk']:.1f}")
        L.append(f"# {'; '.join(bits)}")
        for k in ("name", "conversion_factor", "aov_factor", "reply_time_factor", "tenure_months", "night_shifts",
                  "role"):
            if k in ("tenure_months", "night_shifts", "role") and k not in _listed(template, spec["name"]):
                continue
            L.append(f"{k} = {_val(spec[k])}")
    okeys = [k for k in ("base_inquiry_conversion", "base_aov_yuan", "aov_cv", "payment_rate", "satisfied_base")
             if k in t.get("outcomes", {}) or f"outcomes.{k}" in src]
    missing = [k for k, code in (("base_inquiry_conversion", "inquiry_conversion"), ("base_aov_yuan", "aov_yuan"))
               if f"outcomes.{k}" not in src]
    if missing:
        src["outcomes"] = (f"not in the export: {', '.join(missing)} keep the template's value or the documented "
                           "default (docs/scenario.md); set them by hand")
    sect("outcomes", okeys, t.get("outcomes"))
    if "outcomes" in src:
        L.insert(L.index("[outcomes]") + 1, f"# {src['outcomes']}")
    body = "\n".join(L) + "\n"
    rest = {k: t[k] for k in ("customers", "kpi", "behaviour", "economics") if k in t}
    if rest:
        body += "\n# 以下设置来自模板场景（导出中没有）/ the settings below come from the template scenario\n"
        body += tomli_w.dumps(rest)
    if t.get("schemes"):
        body += "\n# 奖金方案（来自模板场景）/ bonus schemes (from the template scenario)\n"
        body += tomli_w.dumps({"schemes": t["schemes"]})
    return body


def _inline_ok(v: Any) -> bool:
    return isinstance(v, list) and all(not isinstance(x, dict | list) for x in v)


def _listed(template: Scenario, name: str) -> set[str]:
    for a in template.agents.individual:
        if a.name == name:
            return set(a.model_fields_set)
    return set()
