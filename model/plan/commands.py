"""``python -m model plan HISTORY --out NEXT.toml``: the planned month as a scenario (and a JSON document)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import (  # the commands import what they use (the CLI registers them on every start)
    TYPE_CHECKING,
    Any,
)

from model.errors import ScenarioError

if TYPE_CHECKING:
    from model.plan.roster import RosterRules


def _ints(text: str | None, key: str) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise ScenarioError(f"'{text}' must be whole numbers separated by commas (e.g. 8,9)", file="<command line>",
                            key=key) from None


def rules_from_args(args: argparse.Namespace) -> RosterRules:
    """The roster rules from the command line (checked)."""
    from model.plan.roster import RosterRules

    r = RosterRules(lengths_h=_ints(args.shift_lengths, "--shift-lengths") or (9,),
                    starts_h=_ints(args.starts, "--starts"), break_h=args.break_h,
                    break_stagger_h=getattr(args, "break_stagger", 0),
                    min_agents=args.min_per_shift, max_agents=args.max_per_shift, rest_days=args.rest_days,
                    paired_rest=not args.any_rest_days, max_total=args.max_agents)
    r.check("<command line>")
    return r


def cmd_plan(args: argparse.Namespace) -> int:
    """Forecast, staff, roster; write the planned scenario and print a summary."""
    import numpy as np

    from model.history.commands import _jsonable, _write
    from model.history.validate import load_history, parse_mapping
    from model.plan.calendar import load_calendar
    from model.plan.forecast import month_dates
    from model.plan.plan import plan_history
    from model.scenario import load_scenario
    from model.tuning.staffing import parse_line

    rules = rules_from_args(args)
    if not 0.5 <= args.quantile < 1:
        raise ScenarioError(f"--quantile must be between 0.5 and 0.99 (got {args.quantile:g})",
                            file="<command line>", key="--quantile")
    if args.month:
        month_dates(dt.date(2000, 1, 1), args.month)  # the format, before the slow steps
    line, value = parse_line(args.line) if args.line else ("three_min_reply_rate", None)
    events = load_calendar(args.calendar) if args.calendar else []
    template = load_scenario(args.template) if args.template else None
    h = load_history(args.history, sheet=args.sheet, mapping=parse_mapping(args.map),
                     skip_bad_rows=args.skip_bad_rows)
    p = plan_history(h, events=events, quantile=args.quantile, month=args.month, line=line, value=value,
                     rules=rules, template=template, simulate_check=not args.no_sim, file=str(args.history))
    _write(args.out, p.toml.encode("utf-8"), "--out")
    fc, ro, req = p.forecast, p.roster, p.requirement
    bt = fc.backtest
    print(f"已写入 wrote {args.out}: {p.dates[0]:%Y-%m}, {len(p.dates)} 天 days")
    print(f"预测 forecast ({fc.method}): {fc.days['mean'].sum():,.0f} 询单 inquiries "
          f"(每日 {fc.level:.0%} 区间 per-day interval summed {fc.days['lo'].sum():,.0f} .. {fc.days['hi'].sum():,.0f})")
    if bt:
        print(f"回测 back-test, last {bt.days} days: MAPE {bt.mape:.1%}, WAPE {bt.wape:.1%} "
              f"(seasonal naive WAPE {bt.naive_wape:.1%}), interval coverage {bt.coverage:.0%}")
    for k, v in fc.uplifts.items():
        print(f"  上浮 uplift {k}: x{v['uplift']:.2f} ({v['days']} days in the history)")
    print(f"需求 requirement at the {fc.quantile:.0%} quantile: {req.line} "
          f"{'>=' if req.line == 'three_min_reply_rate' else '<='} {req.value:g}; peak {int(req.need.max())} agents, "
          f"{int(req.need.sum()):,} agent-hours")
    if req.check is not None:
        c = req.check[req.check["chats"] > 0]
        print(f"  模拟核对 simulated check of day {req.check_day + 1}: Erlang A {int(c['erlang_a'].sum())} agent-hours, "
              f"simulation {int(c['sim'].fillna(c['erlang_a']).sum())}; line at the Erlang plan "
              f"{np.nanmin(c['sim_value_at_erlang_a']):.3g} (worst hour)")
        for n in req.notes:
            print(f"  {n['zh']}\n  {n['en']}")
    print(f"排班 roster: {ro.headcount} 名客服 agents, {ro.agent_hours:,.0f} paid agent-hours, {ro.status}")
    if len(ro.unmet):
        print(f"  未满足 unmet: {len(ro.unmet)} hour(s), {ro.unmet['short'].sum():.0f} agent-hours short")
    for n in p.notes:
        print(f"注意 note: {n}")
    if args.json:
        _write(args.json, json.dumps(_jsonable(p.to_json()), ensure_ascii=False, indent=1).encode("utf-8"), "--json")
    return 0


def add_plan_command(sub: Any) -> None:
    """Register ``plan`` on the CLI's subparsers."""
    pp = sub.add_parser("plan", help="next month planned: forecast, hourly staffing, roster -> a scenario TOML")
    pp.add_argument("history", help="KPI export (daily or hourly; CSV or XLSX) of the past weeks")
    pp.add_argument("--out", required=True, metavar="NEXT.toml", help="where to write the planned scenario")
    pp.add_argument("--quantile", type=float, default=0.8, help="staff for this quantile of the volume (0.5-0.99)")
    pp.add_argument("--calendar", default=None, metavar="CAL.toml", help="the shop's [calendar] of dated events")
    pp.add_argument("--template", default=None, metavar="SCENARIO.toml",
                    help="keep this scenario's customers, behaviour, economics and schemes")
    pp.add_argument("--month", default=None, metavar="YYYY-MM", help="the month to plan (default: the next one)")
    pp.add_argument("--line", default=None, metavar="KPI=VALUE",
                    help="three_min_reply_rate=0.8 or avg_response_s=60 (default: the stricter of the platform's "
                         "3-minute line and 80%%)")
    pp.add_argument("--shift-lengths", default="9", metavar="H,H",
                    help="allowed shift lengths in hours, break included (default 9: 8 paid hours + 1)")
    pp.add_argument("--starts", default=None, metavar="H,H,...", help="allowed start hours (default: any)")
    pp.add_argument("--break-h", type=int, default=1, help="unpaid break per shift, 0 or 1 hour")
    pp.add_argument("--break-stagger", type=int, default=0, metavar="H",
                    help="breaks in H + 1 turns an hour apart, so a shift is never all on break (default 0: together)")
    pp.add_argument("--min-per-shift", type=int, default=1, help="fewest agents on a shift that is used")
    pp.add_argument("--max-per-shift", type=int, default=200, help="most agents on one shift")
    pp.add_argument("--rest-days", type=int, default=2, help="rest days per week")
    pp.add_argument("--any-rest-days", action="store_true", help="rest days need not be consecutive")
    pp.add_argument("--max-agents", type=int, default=None, help="headcount cap of the week roster")
    pp.add_argument("--no-sim", action="store_true", help="Erlang only (no simulation check of the busiest day)")
    pp.add_argument("--sheet", default=None, help="XLSX sheet to read")
    pp.add_argument("--skip-bad-rows", action="store_true", help="go on without the rows the import report lists")
    pp.add_argument("--map", action="append", metavar="HEADER=CODE", help="map an unknown header to a field code")
    pp.add_argument("--json", default=None, metavar="OUT", help="write the plan document as JSON")
    pp.set_defaults(func=cmd_plan)
