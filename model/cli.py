"""Command line: ``python -m model run|compare|schema|calibrate|replay ...``.

Exit codes: 0 ok, 2 bad input (one message naming the file and key), 1 internal error.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path
from typing import Any

from model.edits import Notice
from model.kpicodes import CONTRACT_CODES, KPI_CODES
from model.scenario import Scenario, ScenarioError, json_schema, load_scenario

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad arguments as bad input (exit 2) with a short message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ScenarioError(f"{message} (see `python -m model {self.prog.split()[-1]} --help`)", file="<command line>")


def _fmt(code: str, v: float | None) -> str:
    if v is None:
        return "—"
    unit = KPI_CODES[code].unit if code in KPI_CODES else ""
    if unit == "share":
        return f"{100 * v:.2f}%"
    if unit == "yuan":
        return f"{v:,.0f}"
    if unit == "s":
        return f"{v:.1f} s"
    if unit == "count":
        return f"{v:,.0f}"
    return f"{v:.3f}"


def summary_table(doc: dict[str, Any]) -> str:
    """A readable summary table of the team KPIs (Chinese and English names, mean and 95% interval)."""
    lines = []
    sc = doc.get("scenario", {})
    lines.append(f"{sc.get('name', '')}  ·  {sc.get('days')} 天/days  ·  {sc.get('replications')} 次重复/replications"
                 f"  ·  seed {sc.get('seed')}")
    lines.append(f"{'KPI':<30}{'均值 mean':>16}{'95% 区间 interval':>30}")
    lines.append("-" * 76)
    for code in CONTRACT_CODES:
        v = doc["team"].get(code)
        if not v:
            continue
        k = KPI_CODES[code]
        name = f"{k.zh} {k.en}"
        ci = "" if v["lo"] is None else f"[{_fmt(code, v['lo'])}, {_fmt(code, v['hi'])}]"
        lines.append(f"{_pad(name, 30)}{_fmt(code, v['mean']):>16}{ci:>30}")
    c = doc["counts"]
    lines.append("-" * 76)
    lines.append(f"到达 arrived {c['arrived']:,} · 接待完成 answered {c['answered']:,} · 放弃 abandoned "
                 f"{c['abandoned']:,} · 进行中 in progress {c['in_progress_at_end']:,} · 买家消息 messages {c['messages']:,}")
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    """Pad to a display width (CJK characters take two columns)."""
    w = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(1, width - w)


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
    notices: list[Notice] = []
    s = load_scenario(args.scenario, list(args.set or []), notices=notices)
    for n in notices:
        print(f"注意 notice: {n.message}", file=sys.stderr)
    return s


def cmd_run(args: argparse.Namespace) -> int:
    from model.report import evaluate
    from model.scenario import expected_chats

    s = _load(args)
    reps = args.reps or s.meta.replications
    if args.reps is not None and args.reps < 1:
        raise ScenarioError("--reps must be at least 1", file="<command line>", key="--reps")
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
            from model.compare import comparison_table

            print()
            print(comparison_table(doc))
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from model.compare import comparison_table
    from model.report import evaluate

    s = _load(args)
    if not s.schemes:
        raise ScenarioError("has no [[schemes]] to compare; add at least one scheme", file=str(args.scenario),
                            key="schemes")
    doc = evaluate(s, replications=args.reps, seed=args.seed, workers=args.workers)
    doc["scenario"]["file"] = str(args.scenario)
    if args.json:
        _write_json(doc, args.json)
    print(comparison_table(doc))
    return EXIT_OK


def _write_json(doc: dict[str, Any], path: str) -> None:
    p = Path(path)
    try:
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False), encoding="utf-8")
    except OSError as e:
        raise ScenarioError(f"cannot write the JSON output: {e.strerror}", file=path, key="--json") from None


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), ensure_ascii=False, indent=1))
    return EXIT_OK


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
    c.set_defaults(func=cmd_compare)
    sc = sub.add_parser("schema", help="print the JSON schema of the scenario format")
    sc.set_defaults(func=cmd_schema)
    _add_history_commands(sub)
    return p


def _add_history_commands(sub: argparse._SubParsersAction) -> None:
    """``calibrate`` and ``replay`` (issue 9; implemented in :mod:`model.history.commands`)."""
    from model.history.commands import add_history_commands

    add_history_commands(sub)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "workers", 1) < 1:
            raise ScenarioError("--workers must be at least 1", file="<command line>", key="--workers")
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
