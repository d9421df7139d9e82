"""The ``calibrate`` and ``replay`` commands of ``python -m model`` (registered by :mod:`model.cli`).

Bad input (a file that cannot be read, missing columns, row problems, an unknown scheme) raises
:class:`HistoryError` / :class:`ScenarioError`, which the CLI prints and turns into exit code 2.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.errors import ScenarioError
from model.kpicodes import KPI_CODES

if TYPE_CHECKING:  # the commands import what they use (the CLI registers them on every start)
    from model.history.validate import History


def _import_args(sp: argparse.ArgumentParser, many: bool = False) -> None:
    if many:
        sp.add_argument("export", nargs="+", help="KPI export(s): CSV (UTF-8, UTF-8-BOM, GBK/GB18030, UTF-16) or "
                        "XLSX; several files or one file with several months (with --schemes)")
    else:
        sp.add_argument("export", help="KPI export: CSV (UTF-8, UTF-8-BOM, GBK/GB18030, UTF-16) or XLSX")
    sp.add_argument("--sheet", default=None, help="XLSX sheet to read (default: the first with agent and date columns)")
    sp.add_argument("--skip-bad-rows", action="store_true",
                    help="go on without the rows the report lists (every output says so); default: stop")
    sp.add_argument("--map", action="append", metavar="HEADER=CODE",
                    help="map an unknown header to a field code, e.g. '接待客户=receptions' (repeatable)")


def _load(args: argparse.Namespace, path: str | None = None) -> History:
    from model.history.validate import load_history, parse_mapping

    return load_history(path or args.export, sheet=args.sheet, mapping=parse_mapping(args.map),
                        skip_bad_rows=args.skip_bad_rows)


def _load_all(args: argparse.Namespace) -> History:
    """The export(s) as one history (several files: their rows together; a month in two files is refused)."""
    from model.history.months import merge_histories, split_months

    paths = args.export if isinstance(args.export, list) else [args.export]
    hs = [_load(args, p) for p in paths]
    if len(hs) == 1:
        return hs[0]
    split_months(hs)  # refuses a month given twice, naming both files
    return merge_histories(hs)


def _write(path: str, data: bytes, key: str) -> None:
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    except OSError as e:
        raise ScenarioError(f"cannot write: {e.strerror}", file=path, key=key) from None


def _fmt(code: str, v: float | None, per_day: bool = False) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    unit = KPI_CODES[code].unit if code in KPI_CODES else ""
    if unit == "share":
        return f"{100 * v:.2f}%"
    if unit == "s":
        return f"{v:.1f} s"
    return f"{v:,.1f}" if per_day or unit == "yuan" else f"{v:,.0f}"


def _pad(text: str, width: int) -> str:
    from model.text import ljust  # display-width padding (CJK = two columns), shared with the CLI

    return ljust(text, width)


def fit_text(fit: dict[str, Any], agents: bool = False) -> str:
    """The fit report as text: KPI, history, simulated mean and interval, match."""
    lines = [f"{'KPI':<34}{'历史 history':>14}{'模拟 simulated':>16}{'区间 interval':>28}  符合 match"]
    frames = [("", fit["team"])]
    if agents:
        frames += [(f"{n} · ", g) for n, g in fit["agents"].groupby("name", sort=False)]
    for prefix, df in frames:
        for r in df.to_dict(orient="records"):
            k = KPI_CODES[r["code"]]
            label = f"{prefix}{k.zh} {k.en}" + (" /天 per day" if r["per_day"] else "")
            iv = "" if r["lo"] is None else f"[{_fmt(r['code'], r['lo'], r['per_day'])}, " \
                                            f"{_fmt(r['code'], r['hi'], r['per_day'])}]"
            ok = {True: "✓", False: "✗", None: "—"}[r["match"]]
            lines.append(f"{_pad(label, 34)}{_fmt(r['code'], r['history'], r['per_day']):>14}"
                         f"{_fmt(r['code'], r['sim_mean'], r['per_day']):>16}{iv:>28}  {ok}")
    return "\n".join(lines)


def _notes(h: History) -> list[str]:
    return [f"注 note: {z} / {e}" for z, e in zip(h.notes("zh"), h.notes("en"), strict=True)]


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``calibrate EXPORT --out SCENARIO.toml``: write a calibrated, commented scenario and print the fit."""
    from model.history.calibrate import calibrate
    from model.history.fit import fit_report
    from model.scenario import load_scenario

    template = load_scenario(args.template) if args.template else None
    if args.schemes:
        return _calibrate_months(args, template)
    h = _load_all(args)
    cal = calibrate(h, template)
    _write(args.out, cal.toml.encode("utf-8"), "--out")
    for line in _notes(h):
        print(line)
    o = cal.scenario.outcomes
    dflt = " (默认 default: not in the export)"
    print(f"已写入 wrote {args.out}: {cal.scenario.agents.count} 名客服 agents, "
          f"{cal.scenario.traffic.inquiries_per_day:,.1f} 询单/天 inquiries per day, "
          f"转化 conversion {o.base_inquiry_conversion:.2%}"
          f"{'' if 'outcomes.base_inquiry_conversion' in cal.sources else dflt}, "
          f"客单价 AOV {o.base_aov_yuan:.2f}{'' if 'outcomes.base_aov_yuan' in cal.sources else dflt}")
    doc: dict[str, Any] = {"scenario": args.out, "notes": {"zh": h.notes("zh"), "en": h.notes("en")},
                           "agents": cal.agents.to_dict(orient="records")}
    if args.fit_reps > 0:
        fit = fit_report(cal.scenario, h, replications=args.fit_reps)
        print()
        print(f"拟合 fit: 模拟 {args.fit_reps} 次 simulated {args.fit_reps} replications of {h.days} days; "
              "区间 = 单月预测区间 prediction interval for one month (95%)")
        print(fit_text(fit, agents=args.agents))
        doc["fit"] = {k: v.to_dict(orient="records") for k, v in fit.items()}
    if args.json:
        _write(args.json, json.dumps(_jsonable(doc), ensure_ascii=False, indent=1).encode("utf-8"), "--json")
    return 0


def _progress(label: str):
    import sys

    def tick(done: int, total: int) -> None:
        if sys.stderr.isatty() or done == total:
            print(f"\r{label} {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)
    return tick


def response_text(doc: dict[str, Any]) -> str:
    """The estimate and the back-test as printed lines (zh/en)."""
    L = ["客服反应估计 response estimated from " + ", ".join(doc["months"]),
         "  " + doc["norm"]["zh"], "  " + doc["norm"]["en"]]
    L.append(f"  {_pad('参数 parameter', 34)}{_pad('起点 start', 12)}{_pad('估计 estimate', 14)}90% 区间 interval")
    for r in doc["parameters"]:
        name = f"{r['zh']} {r['en']}"
        if r["identified"]:
            iv = f"{r['low']:,.4g} .. {r['high']:,.4g}"
        else:
            iv = "无法识别 not identified"
        start, value = f"{r['start']:,.4g}", f"{r['estimate']:,.4g}"
        L.append(f"  {_pad(name, 34)}{_pad(start, 12)}{_pad(value, 14)}{iv}")
        if r["reason_zh"]:
            L.append(f"      {r['reason_zh']}")
            L.append(f"      {r['reason_en']}")
    j = doc.get("joint")
    if j:
        kept = "采用 kept" if j["kept"] else "未更低, 保留逐个估计的值 not lower: one-at-a-time values kept"
        L.append(f"  联合微调 joint refinement ({', '.join(j['params'])}): 目标函数 objective {j['j_before']:.3f} -> "
                 f"{j['j_after']:.3f}, {j['evaluations']} 次 evaluations, {kept}")
    for n in doc.get("notes", []):
        L.append(f"  注意 {n['zh']} / {n['en']}")
    bt = doc.get("backtest") or {}
    L.append("")
    if not bt.get("available"):
        reason = bt.get("reason") or {}
        L.append(f"回测 back-test: {reason.get('zh', '')} / {reason.get('en', '')}")
        return "\n".join(L)
    L.append(f"回测 back-test: 用 {', '.join(bt['fit_months'])} 拟合, 预测 {bt['month']} ({bt['scheme'] or '仅底薪 base pay only'})"
             f" / fitted on {', '.join(bt['fit_months'])}, forecast {bt['month']}")
    L.append(f"  {_pad('指标 KPI', 30)}{_pad('预测 forecast', 16)}{_pad('90% 区间 interval', 26)}{_pad('实际 actual', 14)}")
    for code, v in bt["team"].items():
        ok = "✓ 区间内 inside" if v["inside"] else "✗ 区间外 outside"
        L.append(f"  {_pad(v['zh'] + ' ' + v['en'], 30)}{_pad(_fmt(code, v['forecast']), 16)}"
                 f"{_pad(_fmt(code, v['low']) + ' .. ' + _fmt(code, v['high']), 26)}{_pad(_fmt(code, v['actual']), 14)}{ok}")
    shares = {c: s for c, s in bt["inside_share"].items() if s is not None}
    if shares:
        L.append("  每名客服落在区间内的比例 share of agents inside their 90% interval: "
                 + ", ".join(f"{c} {s:.0%}" for c, s in shares.items()))
    return "\n".join(L)


def response_document(est: Any, bt: dict[str, Any] | None) -> dict[str, Any]:
    """The estimate and back-test as JSON-safe data (``calibrate --json``'s ``response``)."""
    doc: dict[str, Any] = {"months": est.months, "norm": {"zh": est.norm[0], "en": est.norm[1]},
                           "parameters": est.table(), "residual_scale": est.residual_scale,
                           "notes": [{"zh": z, "en": e} for z, e in est.notes], "solves": est.solves}
    j = getattr(est, "joint", None)  # the joint refinement after the coordinate pass (docs/model.md 12.4b)
    if j is not None:
        doc["joint"] = {"params": list(j.params), "before": j.before, "after": j.after, "j_before": j.j_before,
                        "j_after": j.j_after, "evaluations": j.evaluations, "kept": j.kept}
    if bt is not None:
        b = {k: v for k, v in bt.items() if k != "estimate"}
        if bt.get("available"):
            b["parameters"] = bt["estimate"].table()
        else:
            b["reason"] = {"zh": bt["reason"][0], "en": bt["reason"][1]}
        doc["backtest"] = b
    return doc


def _calibrate_months(args: argparse.Namespace, template: Any) -> int:
    """``calibrate EXPORT... --schemes MONTHS.toml``: the calibrated norm plus the agents' response estimated
    from the months, with a back-test of the last month."""
    from model.history.months import match_months, read_month_schemes
    from model.history.response import backtest, behaviour_toml, estimate, norm_scenario, with_behaviour
    from model.schema import scenario_from_dict

    paths = args.export if isinstance(args.export, list) else [args.export]
    hs = [_load(args, p) for p in paths]
    months = match_months(hs, read_month_schemes(args.schemes), file=args.schemes)
    from model.history.response import check_months

    check_months(months)
    s, norm, cal = norm_scenario(months, template)
    est = estimate(months, template, norm=(s, norm), passes=args.passes, progress=_progress("估计 estimate"),
                   workers=args.workers)
    bt = None
    if not args.no_backtest:
        bt = backtest(months, template, passes=args.passes, progress=_progress("回测 back-test"),
                      workers=args.workers)
    text = with_behaviour(cal.toml, behaviour_toml(est, template, bt))
    import tomllib

    scenario_from_dict(tomllib.loads(text), file=args.out)  # what we write must load
    _write(args.out, text.encode("utf-8"), "--out")
    doc = {"scenario": args.out, "response": response_document(est, bt),
           "agents": cal.agents.to_dict(orient="records")}
    print(f"已写入 wrote {args.out}: {cal.scenario.agents.count} 名客服 agents, {len(months)} 个月 months")
    print(response_text(doc["response"]))
    if args.json:
        _write(args.json, json.dumps(_jsonable(doc), ensure_ascii=False, indent=1).encode("utf-8"), "--json")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    """``replay EXPORT SCENARIO.toml``: the month's actual KPIs priced under every scheme of the scenario."""
    from model.history.export import csv_bytes
    from model.history.replay import replay, replay_table
    from model.scenario import load_scenario

    h = _load(args)
    s = load_scenario(args.scenario)
    try:
        doc = replay(h, s, paid_under=args.paid_under)
    except ScenarioError as e:
        raise ScenarioError(e.message, file=str(args.scenario), key=e.key) from None
    for line in _notes(h):
        print(line)
    src = doc["source"]
    ref = doc["paid_under"] or "仅底薪 base pay only"
    print(f"回放 replay: {src['file']} · {src['start']} .. {src['end']} ({src['days']} 天 days, {src['agents']} 名客服 "
          f"agents) · 对照 paid under: {ref}")
    if doc["paid_under_note"]:
        print(f"注 note: {doc['paid_under_note']}")
    print(f"{'方案 scheme':<36}{'总工资 total pay':>18}{'奖金 bonus':>14}{'差额 vs paid under':>22}")
    for name, b in doc["schemes"].items():
        if not b["replayable"]:
            miss = ", ".join(f"{c} {KPI_CODES[c].zh}" for c in b["missing_kpis"])
            print(f"{_pad(name, 36)}无法回放 cannot replay: 导出中没有 the export lacks {miss}")
            continue
        print(f"{_pad(name, 36)}{b['pay_yuan']:>18,.0f}{b['bonus_cost_yuan']:>14,.0f}{b['diff_yuan']:>+22,.0f}")
        for n in b["notes"]:
            print(f"  注 note: {n['zh']} / {n['en']}")
    table = replay_table(doc)
    if len(table.columns) > 1:
        print()
        print(table.to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    if args.json:
        _write(args.json, json.dumps(_jsonable(doc), ensure_ascii=False, indent=1).encode("utf-8"), "--json")
    if args.csv:
        _write(args.csv, csv_bytes(table), "--csv")
    return 0


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if hasattr(x, "item") and not isinstance(x, str):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return x


def add_history_commands(sub: Any) -> None:
    """Register ``calibrate`` and ``replay`` on the CLI's subparsers."""
    c = sub.add_parser("calibrate", help="calibrate a scenario to a KPI export (history in, editable TOML out)")
    _import_args(c, many=True)
    c.add_argument("--schemes", default=None, metavar="MONTHS.toml",
                   help="which scheme paid each month ([[schemes]] + [months]): also estimate how the agents respond "
                        "to a scheme from the months, with a back-test of the last month (docs/history.md)")
    c.add_argument("--passes", type=int, default=1, choices=[1, 2, 3],
                   help="coordinate-descent passes of the response estimate (default 1)")
    c.add_argument("--workers", type=int, default=1,
                   help="with --schemes: worker processes for the response estimate's equilibrium solves (default 1; "
                        "the result is the same for any number)")
    c.add_argument("--no-backtest", action="store_true", help="with --schemes: skip the back-test of the last month")
    c.add_argument("--out", required=True, metavar="SCENARIO.toml", help="where to write the calibrated scenario")
    c.add_argument("--template", default=None, metavar="SCENARIO.toml",
                   help="keep this scenario's other settings and schemes (default: built-in Taobao defaults)")
    c.add_argument("--fit-reps", type=int, default=3, help="replications of the fit report (0 = no fit report)")
    c.add_argument("--agents", action="store_true", help="print the fit per agent too")
    c.add_argument("--json", default=None, metavar="OUT", help="write estimates and fit as JSON")
    c.set_defaults(func=cmd_calibrate)
    r = sub.add_parser("replay", help="price last month's actual KPIs under the scenario's schemes (no simulation)")
    _import_args(r)
    r.add_argument("scenario", help="scenario TOML with [[schemes]]")
    r.add_argument("--paid-under", default=None, metavar="SCHEME",
                   help="the scheme the team was paid under (default: economics.baseline_scheme)")
    r.add_argument("--json", default=None, metavar="OUT", help="write the replay document as JSON")
    r.add_argument("--csv", default=None, metavar="OUT", help="write pay per agent and scheme as CSV")
    r.set_defaults(func=cmd_replay)
