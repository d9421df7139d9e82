"""Portfolio results in an embedded DuckDB file (default ``.sandbox/portfolio.duckdb``), resumable like sweeps.

Tables:

- ``portfolios``: one row per portfolio run (id, name, source, number of shops, status, times);
- ``portfolio_shops``: its shops (name, file, the shop's key = scenario hash and whether it was tuned, the
  firm's proposed scheme);
- ``shop_documents``: one row per shop key: the shop's whole run document (``evaluate``: team KPIs and the
  scheme comparison) as JSON, the tune document when tuned, seconds taken. Keyed by the scenario hash (every key,
  replications and seed included), so a finished shop is never computed twice, in this portfolio or another;
- ``shop_schemes``: one row per shop x scheme with the numbers a firm queries (shop column; exported with it);
- ``shop_failures``: shops that failed in the latest run of a portfolio, with the message.

A shop's rows are written in one transaction when it finishes: an interrupted portfolio keeps every finished shop
and the next run computes only the rest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.errors import ScenarioError
from model.tuning.store import connect, utc_now

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_STORE = Path(".sandbox") / "portfolio.duckdb"

#: Columns of ``shop_schemes`` after (shop_key, shop, scheme).
SCHEME_COLUMNS: dict[str, str] = {
    "platform": "VARCHAR",
    "is_baseline": "BOOLEAN",
    "bonus_cost_yuan": "DOUBLE",
    "incremental_bonus_cost_yuan": "DOUBLE",
    "uplift_yuan": "DOUBLE",
    "net_gain_yuan": "DOUBLE",
    "net_gain_lo": "DOUBLE",
    "net_gain_hi": "DOUBLE",
    "p_net_loss": "DOUBLE",
    "inquiry_conversion": "DOUBLE",
    "three_min_reply_rate": "DOUBLE",
    "good_rating_rate": "DOUBLE",
    "avg_response_s": "DOUBLE",
    "breaches": "VARCHAR",
}

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS portfolios (
        portfolio_id VARCHAR PRIMARY KEY, name VARCHAR, source VARCHAR, n_shops INTEGER, status VARCHAR,
        created TIMESTAMP, updated TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS portfolio_shops (
        portfolio_id VARCHAR, position INTEGER, shop VARCHAR, file VARCHAR, shop_key VARCHAR, scheme VARCHAR,
        PRIMARY KEY (portfolio_id, shop))""",
    """CREATE TABLE IF NOT EXISTS shop_documents (
        shop_key VARCHAR PRIMARY KEY, shop VARCHAR, platform VARCHAR, doc_json VARCHAR, tune_json VARCHAR,
        seconds DOUBLE, created TIMESTAMP)""",
    "CREATE TABLE IF NOT EXISTS shop_schemes (shop_key VARCHAR, shop VARCHAR, scheme VARCHAR, "
    + ", ".join(f"{k} {t}" for k, t in SCHEME_COLUMNS.items()) + ", PRIMARY KEY (shop_key, scheme))",
    """CREATE TABLE IF NOT EXISTS shop_failures (
        portfolio_id VARCHAR, shop VARCHAR, file VARCHAR, error VARCHAR, failed_at TIMESTAMP,
        PRIMARY KEY (portfolio_id, shop))""",
]
_TABLES = ("portfolios", "portfolio_shops", "shop_documents", "shop_schemes", "shop_failures")




class PortfolioStore:
    """A DuckDB file holding portfolio runs; ``with PortfolioStore(path) as st: ...``."""

    def __init__(self, path: str | Path = DEFAULT_STORE, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.con = connect(path, read_only=read_only, what="portfolio store",
                           missing="没有组合结果 no portfolio store here (run `python -m model portfolio` first)")
        tables = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        other = sorted(tables - set(_TABLES))
        if other:
            self.close()
            raise ScenarioError(f"不是组合结果文件 is a DuckDB file but not a portfolio store (it has the tables "
                                f"{', '.join(other)}); it was left as it is: give another --store", file=str(path),
                                key="--store")
        if not read_only:
            for sql in _SCHEMA:
                self.con.execute(sql)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None  # type: ignore[assignment]

    def __enter__(self) -> PortfolioStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------------- writing
    def register(self, portfolio_id: str, *, name: str, source: str,
                 shops: list[tuple[str, str, str | None, str | None]]) -> None:
        """Record a portfolio run and its shops ``(name, file, key or None, proposed scheme)``; a re-run keeps
        every stored shop document and forgets the last run's failures."""
        now = utc_now()
        self.con.execute("BEGIN")
        self.con.execute("DELETE FROM portfolio_shops WHERE portfolio_id = ?", [portfolio_id])
        self.con.execute("DELETE FROM shop_failures WHERE portfolio_id = ?", [portfolio_id])
        if self.con.execute("SELECT 1 FROM portfolios WHERE portfolio_id = ?", [portfolio_id]).fetchone():
            self.con.execute("UPDATE portfolios SET status = 'running', updated = ?, n_shops = ? "
                             "WHERE portfolio_id = ?", [now, len(shops), portfolio_id])
        else:
            self.con.execute("INSERT INTO portfolios VALUES (?, ?, ?, ?, 'running', ?, ?)",
                             [portfolio_id, name, source, len(shops), now, now])
        self.con.executemany("INSERT INTO portfolio_shops VALUES (?, ?, ?, ?, ?, ?)",
                             [[portfolio_id, i, n, f, k, sch] for i, (n, f, k, sch) in enumerate(shops)])
        self.con.execute("COMMIT")

    def done_keys(self, keys: list[str]) -> set[str]:
        """The shop keys among ``keys`` whose documents are stored."""
        if not keys:
            return set()
        rows = self.con.execute("SELECT shop_key FROM shop_documents WHERE list_contains(?, shop_key)",
                                [list(set(keys))]).fetchall()
        return {r[0] for r in rows}

    def write_shop(self, key: str, shop: str, platform: str, doc: dict[str, Any], tune: dict[str, Any] | None,
                   seconds: float, scheme_rows: list[dict[str, Any]]) -> None:
        """Store one finished shop (its document and its scheme rows) in one transaction."""
        cols = list(SCHEME_COLUMNS)
        self.con.execute("BEGIN")
        try:
            self.con.execute("DELETE FROM shop_documents WHERE shop_key = ?", [key])
            self.con.execute("DELETE FROM shop_schemes WHERE shop_key = ?", [key])
            self.con.execute("INSERT INTO shop_documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                             [key, shop, platform, json.dumps(doc, ensure_ascii=False),
                              json.dumps(tune, ensure_ascii=False) if tune is not None else None, seconds, utc_now()])
            if scheme_rows:
                self.con.executemany(
                    f"INSERT INTO shop_schemes VALUES ({', '.join('?' * (3 + len(cols)))})",
                    [[key, shop, r["scheme"], *[r.get(c) for c in cols]] for r in scheme_rows])
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def write_failure(self, portfolio_id: str, shop: str, file: str, error: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO shop_failures VALUES (?, ?, ?, ?, ?)",
                         [portfolio_id, shop, file, error, utc_now()])

    def set_status(self, portfolio_id: str, status: str) -> None:
        self.con.execute("UPDATE portfolios SET status = ?, updated = ? WHERE portfolio_id = ?",
                         [status, utc_now(), portfolio_id])

    # ------------------------------------------------------------------------------------------- reading
    def portfolios(self) -> pd.DataFrame:
        """Every stored portfolio run, newest first, with how many shops are finished and failed."""
        return self.con.execute("""
            SELECT p.portfolio_id, p.name, p.source, p.n_shops,
                   count(DISTINCT d.shop_key) AS shops_done,
                   (SELECT count(*) FROM shop_failures f WHERE f.portfolio_id = p.portfolio_id) AS shops_failed,
                   p.status, p.created, p.updated
            FROM portfolios p LEFT JOIN portfolio_shops s USING (portfolio_id)
                 LEFT JOIN shop_documents d ON d.shop_key = s.shop_key
            GROUP BY ALL ORDER BY p.updated DESC""").df()

    def info(self, portfolio_id: str) -> dict[str, Any]:
        """The portfolio's row, or a ScenarioError naming the unknown id and the known ones."""
        row = self.con.execute("SELECT portfolio_id, name, source, n_shops, status FROM portfolios "
                               "WHERE portfolio_id = ?", [portfolio_id]).fetchone()
        if row is None:
            known = [r[0] for r in self.con.execute("SELECT portfolio_id FROM portfolios").fetchall()]
            raise ScenarioError(f"没有这个组合 no portfolio '{portfolio_id}' in this store (known: "
                                f"{', '.join(known[:10]) or 'none'})", file=str(self.path), key="--reopen")
        return dict(zip(("portfolio_id", "name", "source", "n_shops", "status"), row, strict=True))

    def shops(self, portfolio_id: str) -> list[dict[str, Any]]:
        """The portfolio's shops in order: name, file, proposed scheme, and the stored document (None if the shop
        has none) with its tune document, or the failure's message."""
        rows = self.con.execute("""
            SELECT s.shop, s.file, s.scheme, s.shop_key, d.doc_json, d.tune_json, d.seconds, f.error
            FROM portfolio_shops s LEFT JOIN shop_documents d USING (shop_key)
                 LEFT JOIN shop_failures f ON f.portfolio_id = s.portfolio_id AND f.shop = s.shop
            WHERE s.portfolio_id = ? ORDER BY s.position""", [portfolio_id]).fetchall()
        return [{"shop": n, "file": f, "scheme": sch, "key": k,
                 "document": json.loads(dj) if dj else None, "tune": json.loads(tj) if tj else None,
                 "seconds": sec, "error": err} for n, f, sch, k, dj, tj, sec, err in rows]

    def scheme_rows(self, portfolio_id: str) -> pd.DataFrame:
        """Every shop x scheme row of the portfolio (shop column first)."""
        return self.con.execute("""
            SELECT s.shop, r.* EXCLUDE (shop_key, shop), r.shop_key FROM portfolio_shops s JOIN shop_schemes r USING (shop_key)
            WHERE s.portfolio_id = ? ORDER BY s.position, r.scheme""", [portfolio_id]).df()
