"""``python -m model portfolio SHOPS [--scheduler ADDRESS] [--workers N] [--store FILE] [--tune]``: every shop's
comparison, stored and rolled up for the firm (docs/portfolio.md). Registered by a hook in :mod:`model.cli`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from model.errors import ScenarioError
from model.portfolio.store import DEFAULT_STORE

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def cmd_portfolio(args: argparse.Namespace) -> int:
    """Run (or resume, or reopen) a portfolio; print the roll-up; export; exit 2 when a shop failed."""
    from model.portfolio.export import export
    from model.portfolio.run import reopen, run_portfolio
    from model.portfolio.shops import load_portfolio
    from model.portfolio.store import PortfolioStore
    from model.present.portfolio_tables import rollup_text
    from model.tuning.run import make_executor

    if args.list:
        with PortfolioStore(args.store, read_only=True) as st:
            print(st.portfolios().to_string(index=False))
        return EXIT_OK
    if args.reopen:
        doc = reopen(args.store, args.reopen)
    else:
        if not args.shops:
            raise ScenarioError("给出店铺文件夹或清单 give a folder of shop scenarios or a portfolio list TOML "
                                "(or --list / --reopen ID)", file="<command line>", key="SHOPS")
        p = load_portfolio(args.shops, list(args.set or []))
        bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=len(p.shops), desc="店铺 shops", unit="shop", file=sys.stderr)

        def progress(done: int, total: int, shop: str, ok: bool) -> None:
            if bar is not None:
                bar.n = done
                bar.refresh()
            if not ok:
                print(f"✗ {shop}: 失败 failed (the others go on)", file=sys.stderr)

        try:
            with make_executor(workers=args.workers, scheduler=args.scheduler,
                               timeout_s=args.scheduler_timeout) as (ex, _n):
                doc = run_portfolio(p, store_path=args.store, executor=ex, tune=args.tune, progress=progress)
        finally:
            if bar is not None:
                bar.close()
    if args.json:
        _write_json(doc, args.json)
    if args.export:
        with PortfolioStore(args.store, read_only=True) as st:
            schemes = st.scheme_rows(doc["portfolio"]["id"])
        for path in args.export:
            export(doc, schemes, path, lang=args.lang)
    print(rollup_text(doc, args.lang))
    print(f"\nid {doc['portfolio']['id']} · {args.store}" + (
        f" · computed {doc['computed']}, reused {doc['reused']}" if "computed" in doc else ""))
    if doc["failed"]:
        names = ", ".join(x["shop"] for x in doc["failed"])
        print(f"错误 error: {len(doc['failed'])} 家店失败 shop(s) failed: {names} (the others finished; see above)",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _write_json(doc: dict[str, Any], path: str) -> None:
    from pathlib import Path

    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as e:
        raise ScenarioError(f"无法写入 cannot write the JSON output: {e.strerror}", file=path, key="--json") from None


def add_portfolio_command(sub: Any) -> None:
    """Register ``portfolio`` on the CLI's subparsers."""
    pp = sub.add_parser("portfolio", help="many shops at once: each shop's comparison, stored and rolled up for the "
                        "firm (docs/portfolio.md)")
    pp.add_argument("shops", nargs="?", metavar="SHOPS", help="a folder of shop scenarios or a portfolio list TOML")
    pp.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a key in every shop")
    pp.add_argument("--workers", type=int, default=1, help="local worker processes (shops run in parallel)")
    pp.add_argument("--scheduler", default=None, metavar="ADDRESS", help="a Dask scheduler (tcp://host:8786)")
    pp.add_argument("--scheduler-timeout", type=float, default=10.0, metavar="S",
                    help="seconds to wait for the Dask scheduler (default 10)")
    pp.add_argument("--store", default=str(DEFAULT_STORE), metavar="FILE",
                    help=f"DuckDB file results persist in (default {DEFAULT_STORE}); a re-run resumes")
    pp.add_argument("--tune", action="store_true", help="also run each shop's tuning sweep (slow)")
    pp.add_argument("--json", default=None, metavar="OUT", help="write the portfolio document as JSON")
    pp.add_argument("--export", action="append", metavar="FILE",
                    help="export: .xlsx (roll-up, shops, schemes, failed), .parquet / .csv (shop x scheme rows), "
                         ".pptx (the roll-up slides); repeat for several")
    pp.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the table and exports")
    pp.add_argument("--list", action="store_true", help="list the portfolios in the store and stop")
    pp.add_argument("--reopen", default=None, metavar="ID", help="print a stored portfolio's roll-up and stop")
    pp.set_defaults(func=cmd_portfolio)
