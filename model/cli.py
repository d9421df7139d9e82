"""Command line: ``python -m model run|compare|report|sensitivity|tune|staffing|calibrate|replay|schema|portfolio|bot
...``.

Exit codes: 0 ok, 2 bad input (one message naming the file and key), 1 internal error.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.errors import ScenarioError
from model.limits import check_workers
from model.present.tables import (
    comparison_text,
    sensitivity_table,
    staffing_table,
    summary_table,
    tune_table,
    warnings_text,
)

if TYPE_CHECKING:  # the commands import what they use: `--help` loads no schema, pandas or SciPy
    from model.edits import Notice
    from model.schema import Scenario

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad arguments as bad input (exit 2) with a short message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ScenarioError(f"{message} (see `python -m model {self.prog.split()[-1]} --help`)", file="<command line>")


def _progress_bar(total_chats: float, reps: int):
    if total_chats * reps < 200_000 or not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=reps, desc="simulating 模拟中", unit="rep", file=sys.stderr)

    def cb(done: int, total: int) -> None:
        bar.n = done
        bar.refresh()

    return bar, cb


def _load(args: argparse.Namespace) -> Scenario:
    """The scenario file with its ``--set`` overrides; what an override changed besides its key is printed."""
    from model.scenario import load_scenario

    notices: list[Notice] = []
    s = load_scenario(args.scenario, list(args.set or []), notices=notices)
    for n in notices:
        print(f"注意 notice: {n.message}", file=sys.stderr)
    return s


def _check_size(args: argparse.Namespace, s: Any) -> int:
    """The replications to run, refused before anything runs when they do not fit (``--reps`` counts)."""
    from model.schema import MAX_REPLICATIONS, size_problem

    if args.reps is not None and not 1 <= args.reps <= MAX_REPLICATIONS:
        raise ScenarioError(f"--reps (meta.replications) must be between 1 and {MAX_REPLICATIONS:,} (got {args.reps})",
                            file="<command line>", key="--reps")
    reps = args.reps if args.reps is not None else s.meta.replications
    problem = size_problem(s, replications=reps)
    if problem:
        key = "--reps" if args.reps is not None else "meta.replications"
        raise ScenarioError(f"运行规模过大 run too large: {problem}", file=str(args.scenario), key=key)
    return reps


def cmd_run(args: argparse.Namespace) -> int:
    from model.document import evaluate
    from model.schema import expected_chats

    s = _load(args)
    reps = _check_size(args, s)
    bar, cb = _progress_bar(expected_chats(s), reps)
    try:
        doc = evaluate(s, replications=args.reps, seed=args.seed, workers=args.workers, progress=cb)
    finally:
        if bar:
            bar.close()
    doc["scenario"]["file"] = str(args.scenario)
    if args.json:
        _write_json(doc, args.json)
    if not args.quiet:
        print(summary_table(doc))
        if doc.get("schemes"):
            print()
            print(comparison_text(doc))
        elif doc.get("warnings"):
            print()
            print(warnings_text(doc))
    elif doc.get("warnings"):
        print(warnings_text(doc), file=sys.stderr)
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from model.document import evaluate

    s = _load(args)
    if not s.schemes:
        raise ScenarioError("has no [[schemes]] to compare; add at least one scheme", file=str(args.scenario),
                            key="schemes")
    _check_size(args, s)
    doc = evaluate(s, replications=args.reps, seed=args.seed, workers=args.workers, band=not args.no_band)
    doc["scenario"]["file"] = str(args.scenario)
    if args.json:
        _write_json(doc, args.json)
    print(comparison_text(doc))
    return EXIT_OK


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """How the headline conclusions move with each behavioural parameter (a tornado, as a table)."""
    from model.behaviour.sensitivity import sensitivity, swing
    from model.schemes.targets import targets
    from model.simulate import simulate

    s = _load(args)
    if not s.behaviour.active:
        raise ScenarioError('behaviour.model is "none": nothing responds, so there is nothing to test; use '
                            '--set behaviour.model=effort_equilibrium', file=str(args.scenario), key="behaviour.model")
    candidates = [sc for sc in s.schemes if targets(sc)]
    if args.scheme:
        candidates = [sc for sc in s.schemes if sc.name == args.scheme]
        if not candidates:
            names = ", ".join(sc.name for sc in s.schemes) or "none"
            raise ScenarioError(f"no scheme named '{args.scheme}' (schemes: {names})", file=str(args.scenario),
                                key="--scheme")
        if not targets(candidates[0]):
            raise ScenarioError(f"scheme '{args.scheme}' has no component with a numeric target",
                                file=str(args.scenario), key="--scheme")
    if not candidates:
        raise ScenarioError("no scheme with a numeric target (threshold ...) to test", file=str(args.scenario),
                            key="schemes")
    scheme = candidates[0]
    base = simulate(s, replications=args.reps, seed=args.seed)
    bar = cb = None
    if sys.stderr.isatty():  # a bar over the parameters (each solves a target curve twice)
        from tqdm import tqdm

        from model.behaviour.sensitivity import RANGES

        bar = tqdm(total=len(RANGES), desc="sensitivity 敏感性", unit="param", file=sys.stderr)

        def cb(done: int, total: int) -> None:
            bar.n = done
            bar.refresh()
    try:
        table = sensitivity(base.scenario, scheme, base, progress=cb)
    finally:
        if bar:
            bar.close()
    if args.json:
        _write_json(table, args.json)
    print(sensitivity_table(table, swing))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """``report SCENARIO --pptx OUT.pptx [--html OUT.html] [--lang zh|en]``: the comparison as a deck / page."""
    from model.document import evaluate
    from model.present.deck import build_deck
    from model.present.tables import comparison_table

    if not args.pptx and not args.html:
        raise ScenarioError("give --pptx OUT.pptx and/or --html OUT.html", file="<command line>", key="--pptx")
    if args.tune:
        return _report_tune(args)
    s = _load(args)
    if not s.schemes:
        raise ScenarioError("has no [[schemes]] to present; add at least one scheme", file=str(args.scenario),
                            key="schemes")
    doc = evaluate(s, replications=args.reps, seed=args.seed, workers=args.workers, band=not args.no_band)
    doc["scenario"]["file"] = Path(args.scenario).name
    if args.json:
        _write_json(doc, args.json)
    if args.pptx:
        _write_bytes(build_deck(doc, lang=args.lang), args.pptx, "--pptx")
    if args.html:
        from model.present.html_report import build_report

        _write_bytes(build_report(doc, args.lang).encode("utf-8"), args.html, "--html")
    print(comparison_table(doc))
    return EXIT_OK


def _report_tune(args: argparse.Namespace) -> int:
    """``report --tune --pptx OUT [--html OUT]``: the tune document (the ``tune`` path, sweeps stored) presented
    as the tuning page's deck (:func:`model.present.story.tuning_deck_document`) and/or the HTML report of the
    recommendation (:func:`model.present.html_report.build_tune_report`); ``--json`` writes the tune document."""
    from model.present.deck import build_deck
    from model.present.story import tuning_deck_document

    args.set = list(args.set or []) + _tuning_overrides(args)
    s = _load(args)
    if not s.schemes:
        raise ScenarioError("has no [[schemes]] to tune; add at least one scheme", file=str(args.scenario),
                            key="schemes")
    doc = _run_tune(args, s)
    if args.json:
        _write_json(doc, args.json)
    doc.setdefault("scenario", {})["file"] = Path(args.scenario).name
    if args.pptx:
        _write_bytes(build_deck(tuning_deck_document(doc), lang=args.lang), args.pptx, "--pptx")
    if args.html:
        from model.present.html_report import build_tune_report

        _write_bytes(build_tune_report(doc, args.lang).encode("utf-8"), args.html, "--html")
    print(tune_table(doc))
    return EXIT_OK


def _write_bytes(data: bytes, path: str, flag: str) -> None:
    p = Path(path)
    try:
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    except OSError as e:
        raise ScenarioError(f"cannot write the output: {e.strerror}", file=path, key=flag) from None


def _write_json(doc: dict[str, Any], path: str) -> None:
    p = Path(path)
    try:
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False), encoding="utf-8")
    except OSError as e:
        raise ScenarioError(f"cannot write the JSON output: {e.strerror}", file=path, key="--json") from None


def cmd_schema(args: argparse.Namespace) -> int:
    from model.scenario import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=1))
    return EXIT_OK


def cmd_tune(args: argparse.Namespace) -> int:
    """Sweep targets and amounts, recommend one under the constraints, print the reason (docs/tuning.md)."""
    from model.tuning.store import SweepStore

    if args.list_sweeps:
        with SweepStore(args.store) as st:
            print(st.sweeps().to_string(index=False))
        return EXIT_OK
    if args.reopen:
        from model.tuning.tune import reopen

        doc = reopen(args.store, args.reopen, band=not args.no_band)
        if args.json:
            _write_json(doc, args.json)
        print(tune_table(doc))
        return EXIT_OK
    args.set = list(args.set or []) + _tuning_overrides(args)
    s = _load(args)
    doc = _run_tune(args, s)
    if args.history:
        from model.tuning.history_band import load_history_csv, target_band

        doc["history_band"] = target_band(load_history_csv(args.history), args.history_kpi, industry=args.industry,
                                          file=args.history)
    if args.json:
        _write_json(doc, args.json)
    if args.export:
        with SweepStore(args.store) as st:
            for path in args.export:
                st.export(doc["sweep"]["id"], path)
    print(tune_table(doc))
    if doc.get("history_band"):
        hb = doc["history_band"]
        print("\n历史 history: " + hb["reason"]["zh"] + "\n" + hb["reason"]["en"])
        if hb["industry"]:
            print(hb["industry"]["zh"] + "\n" + hb["industry"]["en"])
    return EXIT_OK


def _run_tune(args: argparse.Namespace, s: Scenario) -> dict[str, Any]:
    """The tune document of a loaded scenario under the command line's tune options (``tune`` and ``report
    --tune``: one path, :func:`model.tuning.tune.tune`)."""
    from model.tuning.run import make_executor
    from model.tuning.spec import parse_grid_args
    from model.tuning.tune import tune

    if args.reps is not None:
        if args.reps < 1:
            raise ScenarioError("--reps must be at least 1", file="<command line>", key="--reps")
        s = s.model_copy(update={"tuning": s.tuning.model_copy(update={"replications": args.reps})})
    if getattr(args, "seed", None) is not None:
        s = s.model_copy(update={"meta": s.meta.model_copy(update={"seed": args.seed})})
    axes = parse_grid_args(args.grid) if args.grid else None
    bar = None

    def plan(spec: Any, est: float) -> None:
        nonlocal bar
        from tqdm import tqdm

        print(f"模拟 simulating: {len(spec.points)} 个点 points x {s.tuning.replications or s.meta.replications} 次重复 "
              f"replications · 估计 estimate ≤ {est:,.0f} s", file=sys.stderr)
        bar = tqdm(total=len(spec.points), desc="调优 tuning", unit="pt", file=sys.stderr, disable=None)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.n = done
            bar.refresh()

    screen_bar = None

    def screened(done: int, total: int) -> None:
        nonlocal screen_bar
        if screen_bar is None:
            from tqdm import tqdm

            screen_bar = tqdm(total=total, desc="快速筛选 screening (quick forecast)", unit="pt", file=sys.stderr,
                              disable=None)
        screen_bar.n = done
        screen_bar.refresh()
        if done == total:
            screen_bar.close()

    try:
        with make_executor(workers=args.workers, scheduler=args.scheduler,
                           timeout_s=args.scheduler_timeout) as (ex, n):
            return tune(s, axes=axes, store_path=args.store, executor=ex, workers=n, progress=progress,
                        on_plan=plan, file=str(args.scenario), band=not args.no_band,
                        screen=False if getattr(args, "no_screen", False) else None, on_screen=screened)
    finally:
        if bar is not None:
            bar.close()


def _tuning_overrides(args: argparse.Namespace) -> list[str]:
    out = []
    for flag, key in (("min_reach", "min_reach_share"), ("max_payout_share", "max_payout_share"),
                      ("max_p_loss", "max_p_net_loss"), ("min_three_min", "min_three_min_reply_rate"),
                      ("min_good_rating", "min_good_rating_rate"), ("max_bad_attitude", "max_bad_attitude_share")):
        v = getattr(args, flag, None)
        if v is not None:
            out.append(f"tuning.{key}={v}")
    return out


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m model", description="客服绩效沙盘 · customer-service incentive sandbox")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("scenario", help="scenario TOML file")
        sp.add_argument("--set", action="append", metavar="KEY=VALUE",
                        help="override a key, e.g. agents.count=12 or schemes.0.components.0.target=0.46")
        sp.add_argument("--reps", type=int, default=None, help="replications (default: meta.replications)")
        sp.add_argument("--seed", type=int, default=None, help="random seed (default: meta.seed)")
        sp.add_argument("--workers", type=int, default=1, help="worker processes for replications")
        sp.add_argument("--json", default=None, metavar="OUT", help="write the run document as JSON")

    r = sub.add_parser("run", help="simulate a scenario and print the team KPIs")
    common(r)
    r.add_argument("--quiet", action="store_true", help="no summary table")
    r.set_defaults(func=cmd_run)
    c = sub.add_parser("compare", help="compare every scheme in the scenario (economics table)")
    common(c)
    c.add_argument("--no-band", action="store_true", help="skip each scheme's band over the behaviour assumptions " "(the agents' forecast at the ends of each parameter's range: about a dozen equilibrium solves per scheme)")
    c.set_defaults(func=cmd_compare)
    se = sub.add_parser("sensitivity", help="how the best target, net gain and response time move with each "
                        "behavioural parameter (tornado table)")
    common(se)
    se.add_argument("--scheme", default=None, help="scheme to test (default: the first with a numeric target)")
    se.set_defaults(func=cmd_sensitivity)
    rp = sub.add_parser("report", help="present a comparison: PowerPoint deck (--pptx) and/or HTML page (--html)")
    common(rp)
    rp.add_argument("--pptx", default=None, metavar="OUT.pptx", help="write the PowerPoint deck")
    rp.add_argument("--html", default=None, metavar="OUT.html", help="write the self-contained HTML report")
    rp.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the deck and report (zh)")
    rp.add_argument("--no-band", action="store_true", help="skip each scheme's band over the behaviour assumptions " "(the agents' forecast at the ends of each parameter's range: about a dozen equilibrium solves per scheme)")
    rp.add_argument("--tune", action="store_true", help="run the tuning sweep first (as `tune`, with its options "
                    "below; --reps = replications per point) and open the deck / HTML report with its recommendation")
    _add_tune_options(rp)
    rp.set_defaults(func=cmd_report)
    _add_tune_parser(sub)
    _add_staffing_parser(sub)
    sc = sub.add_parser("schema", help="print the JSON schema of the scenario format")
    sc.set_defaults(func=cmd_schema)
    _add_history_commands(sub)
    _add_plan_command(sub)
    _add_portfolio_command(sub)
    b = sub.add_parser("bot", help="what-if on the bot front line: the shop with other bot resolution shares "
                       "side by side (agents needed, platform rates, conversion, schemes' cost)")
    common(b)
    b.add_argument("--shares", required=True, metavar="S1,S2,...",
                   help="bot.resolve_share values to compare, e.g. 0.30,0.45")
    b.add_argument("--no-agents", action="store_true", help="skip the search for the agents needed (faster)")
    b.set_defaults(func=cmd_bot)
    return p


def cmd_bot(args: argparse.Namespace) -> int:
    """The bot what-if (model.tuning.bot_shares)."""
    from model.tuning.bot_shares import compare_bot_shares, whatif_table

    s = _load(args)
    _check_size(args, s)
    try:
        shares = [float(x) for x in args.shares.split(",") if x.strip()]
    except ValueError:
        raise ScenarioError(f"--shares '{args.shares}' must be numbers separated by commas, e.g. 0.30,0.45",
                            file="<command line>", key="--shares") from None
    if args.reps is not None or args.seed is not None:
        s = s.model_copy(update={"meta": s.meta.model_copy(update={
            k: v for k, v in (("replications", args.reps), ("seed", args.seed)) if v is not None})})
    ans = compare_bot_shares(s, shares, find_agents=not args.no_agents)
    if args.json:
        _write_json(ans, args.json)
    print(whatif_table(ans))
    return EXIT_OK


def cmd_staffing(args: argparse.Namespace) -> int:
    """Agents needed per hour to hold a line: Erlang C/A beside a simulation check (docs/tuning.md)."""
    from model.platform_rules import plan_day
    from model.tuning.staffing import parse_line, staffing

    s = _load(args)
    if args.line:
        line, value = parse_line(args.line)
    else:
        line, value = ("three_min_reply_rate",
                       s.tuning.lines(s.shop.platform, plan_day(s.meta.plan))["min_three_min_reply_rate"] or 0.7)
    if args.reps < 1:
        raise ScenarioError("--reps must be at least 1", file="<command line>", key="--reps")
    ans = staffing(s, line, value, day=args.day, simulate_check=not args.no_sim, reps=args.reps)
    if args.json:
        _write_json(ans.to_json(), args.json)
    print(staffing_table(ans, s.meta.name))
    return EXIT_OK


def _add_staffing_parser(sub: Any) -> None:
    sp = sub.add_parser("staffing", help="agents needed per hour to hold a reply line (Erlang C/A and simulation)")
    sp.add_argument("scenario", help="scenario TOML file")
    sp.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a key")
    sp.add_argument("--line", default=None, metavar="KPI=VALUE",
                    help="three_min_reply_rate=0.7 or avg_response_s=60 (default: the platform's 3-minute line)")
    sp.add_argument("--day", type=int, default=None, help="day of the horizon (default: the busiest)")
    sp.add_argument("--reps", type=int, default=2, help="replications of each simulated plan")
    sp.add_argument("--no-sim", action="store_true", help="Erlang only (no simulation check)")
    sp.add_argument("--json", default=None, metavar="OUT", help="write the per-hour table as JSON")
    sp.set_defaults(func=cmd_staffing)


def _add_tune_parser(sub: Any) -> None:
    tp = sub.add_parser("tune", help="recommend a target and amount under constraints (sweeps persist; docs/tuning.md)")
    tp.add_argument("scenario", nargs="?", help="scenario TOML file")
    tp.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a key before tuning")
    tp.add_argument("--reps", type=int, default=None, help="replications per point (default: tuning.replications "
                                                          "or meta.replications)")
    tp.add_argument("--workers", type=int, default=1, help="local worker processes for replications")
    tp.add_argument("--json", default=None, metavar="OUT", help="write the tune document as JSON")
    _add_tune_options(tp)
    tp.add_argument("--export", action="append", metavar="FILE", help="export the sweep's rows (.parquet or .csv)")
    tp.add_argument("--list", dest="list_sweeps", action="store_true", help="list the sweeps in the store and stop")
    tp.add_argument("--reopen", default=None, metavar="SWEEP_ID",
                    help="print a stored sweep's recommendation (no simulation) and stop")
    tp.add_argument("--history", default=None, metavar="CSV",
                    help="last month's per-agent KPIs (columns agent, <kpi>): also propose a target band")
    tp.add_argument("--history-kpi", default="inquiry_conversion", metavar="KPI", help="the KPI of the band")
    tp.add_argument("--industry", type=float, default=None, help="the category's industry average (a second line)")
    tp.add_argument("--no-band", action="store_true", help="skip the recommendation's band over the behaviour "
                    "assumptions (one base run and about a dozen equilibrium solves)")
    tp.set_defaults(func=_tune_entry)


def _add_tune_options(tp: argparse.ArgumentParser) -> None:
    """The sweep's options that ``tune`` and ``report --tune`` share: grid, executor, store, constraints."""
    from model.tuning.store import DEFAULT_STORE

    tp.add_argument("--grid", action="append", metavar="KEY=V1,V2,...",
                    help="sweep a key over values (repeat for a grid); default: [tuning] grid or targets x amounts "
                         "around the shop's level for each scheme's first threshold")
    tp.add_argument("--scheduler", default=None, metavar="ADDRESS", help="a Dask scheduler (tcp://host:8786)")
    tp.add_argument("--scheduler-timeout", type=float, default=10.0, metavar="S",
                    help="seconds to wait for the Dask scheduler (default 10)")
    tp.add_argument("--store", default=str(DEFAULT_STORE), metavar="PATH",
                    help=f"DuckDB file the sweep persists in (default {DEFAULT_STORE})")
    tp.add_argument("--no-screen", action="store_true",
                    help="simulate every grid point (default with agents responding: screen the grid on the quick "
                         "forecast and simulate a shortlist; docs/tuning.md)")
    for flag, what in (("--min-reach", "smallest share of agents reaching the target"),
                       ("--max-payout-share", "largest payout / incremental gross profit"),
                       ("--max-p-loss", "largest probability of a net loss"),
                       ("--min-three-min", "lowest 3-minute reply rate"),
                       ("--min-good-rating", "lowest good-rating rate"),
                       ("--max-bad-attitude", "largest bad-attitude share")):
        tp.add_argument(flag, type=float, default=None, help=f"{what} (overrides [tuning])")


def _tune_entry(args: argparse.Namespace) -> int:
    if not args.scenario and not (args.list_sweeps or args.reopen):
        raise ScenarioError("give a scenario file (or --list / --reopen ID)", file="<command line>", key="scenario")
    return cmd_tune(args)


def _add_history_commands(sub: argparse._SubParsersAction) -> None:
    """``calibrate`` and ``replay`` (issue 9; implemented in :mod:`model.history.commands`)."""
    from model.history.commands import add_history_commands

    add_history_commands(sub)


def _add_plan_command(sub: argparse._SubParsersAction) -> None:
    """``plan`` (issue 15; implemented in :mod:`model.plan.commands`)."""
    from model.plan.commands import add_plan_command

    add_plan_command(sub)


def _add_portfolio_command(sub: argparse._SubParsersAction) -> None:
    """``portfolio`` (issue 16; implemented in :mod:`model.portfolio.commands`)."""
    from model.portfolio.commands import add_portfolio_command

    add_portfolio_command(sub)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    try:
        args, extra = build_parser().parse_known_args(argv)
        if extra:  # the top parser would name itself ("python -m model model --help"); name the command typed
            raise ScenarioError(f"unrecognized arguments: {' '.join(extra)} (see `python -m model {args.cmd} --help`)",
                                file="<command line>")
        if hasattr(args, "workers"):
            check_workers(args.workers)  # 1 .. 4 x the machine's cores (model.limits)
        return args.func(args)
    except ScenarioError as e:
        print(f"错误 error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head` and the like
        return EXIT_OK
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_BUG
    except MemoryError:
        print("错误 error: out of memory; reduce meta.days, traffic or replications", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception:  # noqa: BLE001 - last resort: a bug, reported as such
        print("内部错误 internal error (a bug; please report it with the scenario file):", file=sys.stderr)
        traceback.print_exc()
        return EXIT_BUG
