"""Run a portfolio: every shop's comparison through the one comparison path, on local processes or a Dask
cluster, each finished shop stored at once (resumable), a failing shop reported by name while the others finish.

A shop's document is :func:`model.document.evaluate` of its scenario with ``workers=1`` inside one task, so it
is exactly the document of ``python -m model run SHOP.toml --json`` with the same seed (tested): the portfolio
only decides where each shop runs. With ``tune``, the task also runs the shop's tuning sweep
(:func:`model.tuning.tune.tune`) into a sweep store of its own next to the portfolio store.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.document import evaluate
from model.errors import ScenarioError
from model.portfolio.rollup import rollup, scheme_rows
from model.portfolio.shops import Portfolio, Shop
from model.portfolio.store import DEFAULT_STORE, PortfolioStore
from model.schema import Scenario
from model.tuning.run import scenario_hash

#: ``progress(done, total, shop, ok)`` after each shop (done counts stored, reused and failed shops).
Progress = Callable[[int, int, str, bool], None]


@dataclass
class ShopOutcome:
    """What one shop's task returns."""

    document: dict[str, Any]
    tune: dict[str, Any] | None
    seconds: float


def shop_key(s: Scenario, tune: bool) -> str:
    """The key a shop's results are stored under: the scenario hash (every key, seed included), and the tune flag."""
    return scenario_hash(s) + (":tune" if tune else "")


def run_shop(s: Scenario, *, file: str, tune: bool = False, sweeps: str | None = None) -> ShopOutcome:
    """One shop's task (picklable, runs in a worker): its run document, and its tune document when asked."""
    t0 = time.perf_counter()
    doc = evaluate(s)
    doc["scenario"]["file"] = file
    tdoc = None
    if tune:
        from model.tuning.tune import tune as tune_shop

        store = Path(sweeps or ".sandbox") / f"{shop_key(s, False)}.duckdb"
        tdoc = tune_shop(s, store_path=store, file=file)
    return ShopOutcome(doc, tdoc, time.perf_counter() - t0)


def portfolio_id(p: Portfolio, keys: list[str | None]) -> str:
    """A portfolio run's id: its name and source, and its shops' names and keys (a changed shop, a new id)."""
    text = "|".join([p.name, p.source, *[f"{s.name}={k}" for s, k in zip(p.shops, keys, strict=True)]])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _message(e: BaseException) -> str:
    if isinstance(e, ScenarioError):
        return str(e)
    return f"{type(e).__name__}: {e}"


def run_portfolio(p: Portfolio, *, store_path: str | Path = DEFAULT_STORE, executor: Executor | None = None,
                  tune: bool = False, progress: Progress | None = None) -> dict[str, Any]:
    """Run (or resume) every shop of ``p`` and return the portfolio document (the roll-up and the store's id).

    Args:
        p: the portfolio (:func:`model.portfolio.shops.load_portfolio`).
        store_path: the DuckDB file results persist in.
        executor: runs the shops' tasks (a process pool or a Dask client's executor); None = one by one here.
        tune: also run each shop's tuning sweep.
        progress: called after each shop.

    Returns:
        ``{"portfolio": {id, name, source, store}, "computed", "reused", **rollup}``; failed shops are in
        ``failed`` (name, file, message), never raised.
    """
    keys = [shop_key(s.scenario, tune) if s.scenario is not None else None for s in p.shops]
    pid = portfolio_id(p, keys)
    sweeps = str(Path(store_path).with_suffix("")) + ".sweeps"
    done_n = 0
    computed = 0
    total = len(p.shops)
    with PortfolioStore(store_path) as st:
        st.register(pid, name=p.name, source=p.source,
                    shops=[(s.name, s.file, k, s.scheme) for s, k in zip(p.shops, keys, strict=True)])
        stored = st.done_keys([k for k in keys if k])
        todo: list[tuple[Shop, str]] = []
        first: dict[str, Shop] = {}
        for s, k in zip(p.shops, keys, strict=True):
            if s.scenario is None:
                st.write_failure(pid, s.name, s.file, s.error or "could not be loaded")
                done_n += 1
                if progress:
                    progress(done_n, total, s.name, False)
            elif k in stored or k in first:  # stored, or the same scenario twice in this portfolio
                if k in stored:
                    done_n += 1
                    if progress:
                        progress(done_n, total, s.name, True)
                else:
                    todo.append((s, k))
            else:
                first[k] = s
                todo.append((s, k))
        twins = [(s, k) for s, k in todo if first[k] is not s]
        todo = [(s, k) for s, k in todo if first[k] is s]
        reused = total - len(todo) - len(twins) - sum(1 for s in p.shops if s.scenario is None)

        def finish(s: Shop, k: str, out: ShopOutcome | None, err: BaseException | None) -> None:
            nonlocal done_n, computed
            if out is not None:
                st.write_shop(k, s.name, str(s.scenario.shop.platform), out.document, out.tune, out.seconds,
                              scheme_rows(out.document))
                computed += 1
            else:
                st.write_failure(pid, s.name, s.file, _message(err))
            for tw, tk in twins:
                if tk == k and err is not None:
                    st.write_failure(pid, tw.name, tw.file, _message(err))
            done_n += 1 + sum(1 for _, tk in twins if tk == k)
            if progress:
                progress(done_n, total, s.name, out is not None)

        try:
            if executor is None:
                for s, k in todo:
                    try:
                        out = run_shop(s.scenario, file=s.file, tune=tune, sweeps=sweeps)
                    except (Exception, MemoryError) as e:  # noqa: BLE001 - a shop's failure is reported by name
                        finish(s, k, None, e)
                    else:
                        finish(s, k, out, None)
            else:
                futs: dict[Future, tuple[Shop, str]] = {
                    executor.submit(run_shop, s.scenario, file=s.file, tune=tune, sweeps=sweeps): (s, k)
                    for s, k in todo}
                for f in as_completed(futs):
                    s, k = futs[f]
                    err = f.exception()
                    finish(s, k, None if err is not None else f.result(), err)
        except BaseException:
            st.set_status(pid, "interrupted")
            raise
        shops = st.shops(pid)
        st.set_status(pid, "done" if not any(r["error"] for r in shops) else "done_with_failures")
    doc = rollup(p.name, shops)
    doc["portfolio"] = {"id": pid, "name": p.name, "source": p.source, "store": str(store_path)}
    doc["computed"], doc["reused"] = computed, reused
    return doc


def reopen(store_path: str | Path, pid: str) -> dict[str, Any]:
    """The portfolio document of a stored run (no simulation)."""
    with PortfolioStore(store_path, read_only=True) as st:
        info = st.info(pid)
        shops = st.shops(pid)
    doc = rollup(info["name"], shops)
    doc["portfolio"] = {"id": pid, "name": info["name"], "source": info["source"], "store": str(store_path),
                        "status": info["status"]}
    return doc


def shop_documents(store_path: str | Path, pid: str) -> dict[str, dict[str, Any]]:
    """Each finished shop's run document by shop name (what the app's shop view and the tests read)."""
    with PortfolioStore(store_path, read_only=True) as st:
        return {s["shop"]: s["document"] for s in st.shops(pid) if s["document"] is not None}
