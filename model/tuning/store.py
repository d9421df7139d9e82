"""Sweep results in an embedded DuckDB file: one row per point x replication x scheme.

Default location: ``.sandbox/sweeps.duckdb`` under the current directory (``DEFAULT_STORE``); the CLI's
``--store PATH`` and the app's setting override it. Three tables:

- ``sweeps``: one row per sweep (id, name, scenario file and hash, the spec as JSON, status, times);
- ``sweep_points``: the points of each sweep (point id, the point's keys as JSON, its scenario hash);
- ``results``: one row per scenario hash x replication x scheme with the replication's economics and the
  point's KPI means. Rows are keyed by the point's scenario hash (every key, replications and seed
  included), so a finished point is never computed twice, in this sweep or any other.

A point's rows are written in one transaction after the point finishes: an interrupted sweep keeps every
finished point and resumes at the first unfinished one.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.errors import ScenarioError

if TYPE_CHECKING:  # pandas only where a frame is made (the CLI's parser reads DEFAULT_STORE)
    import pandas as pd

DEFAULT_STORE = Path(".sandbox") / "sweeps.duckdb"

#: Columns of ``results`` after the keys (point hash, rep, scheme), in order.
RESULT_COLUMNS: dict[str, str] = {
    "is_baseline": "BOOLEAN",
    "kpi": "VARCHAR",
    "target": "DOUBLE",
    "amount_yuan": "DOUBLE",
    "revenue_yuan": "DOUBLE",
    "uplift_yuan": "DOUBLE",
    "gross_profit_uplift_yuan": "DOUBLE",
    "bonus_cost_yuan": "DOUBLE",
    "incremental_bonus_cost_yuan": "DOUBLE",
    "net_gain_yuan": "DOUBLE",
    "reach_share": "DOUBLE",
    "inquiry_conversion": "DOUBLE",
    "aov_yuan": "DOUBLE",
    "sales_yuan": "DOUBLE",
    "three_min_reply_rate": "DOUBLE",
    "good_rating_rate": "DOUBLE",
    "bad_attitude_share": "DOUBLE",
    "avg_response_s": "DOUBLE",
}

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS sweeps (
        sweep_id VARCHAR PRIMARY KEY, name VARCHAR, scenario_file VARCHAR, scenario_hash VARCHAR,
        spec_json VARCHAR, scenario_json VARCHAR, n_points INTEGER, replications INTEGER, status VARCHAR,
        created TIMESTAMP, updated TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS sweep_points (
        sweep_id VARCHAR, point_id INTEGER, point_hash VARCHAR, point_json VARCHAR, focus VARCHAR,
        PRIMARY KEY (sweep_id, point_id))""",
    "CREATE TABLE IF NOT EXISTS results (point_hash VARCHAR, rep INTEGER, scheme VARCHAR, "
    + ", ".join(f"{k} {t}" for k, t in RESULT_COLUMNS.items()) + ", PRIMARY KEY (point_hash, rep, scheme))",
]


@functools.cache
def _our_columns() -> dict[str, list[str]]:
    """The tables and columns of :data:`_SCHEMA`, read from an in-memory database built from it."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        for sql in _SCHEMA:
            con.execute(sql)
        return _table_columns(con)
    finally:
        con.close()


def _table_columns(con: Any) -> dict[str, list[str]]:
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                       "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall()
    found: dict[str, list[str]] = {}
    for table, col in rows:
        found.setdefault(table, []).append(col)
    return found


def utc_now() -> datetime:
    """Now in UTC, naive (DuckDB's TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None)


def connect(path: str | Path, *, read_only: bool, what: str, missing: str) -> Any:
    """Open the DuckDB file of a store (the sweep store, the portfolio store), or refuse it naming the file.

    ``what`` names the store in the messages ("sweep store"); ``missing`` is the message for a read-only open of a
    file that does not exist. A file another process holds, a damaged or non-DuckDB file and a folder that cannot
    be made get one :class:`ScenarioError` each, with ``key='--store'``; nothing is written to them.
    """
    import duckdb

    path = Path(path)
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.exists():
            raise ScenarioError(missing, file=str(path), key="--store")
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as e:
        held = "lock" in str(e).lower()
        raise ScenarioError(
            (f"is in use by another process (another `tune`, `portfolio` or the app); wait for it to finish or give "
             f"another --store ({e})") if held else f"cannot open the {what} (damaged or not a DuckDB file): {e}",
            file=str(path), key="--store") from None
    except OSError as e:
        raise ScenarioError(f"cannot create the {what}: {e.strerror}", file=str(path), key="--store") from None


class SweepStore:
    """A DuckDB file holding sweeps; open with ``SweepStore(path)`` and close (or use ``with``)."""

    def __init__(self, path: str | Path = DEFAULT_STORE, *, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        self.con = connect(path, read_only=read_only, what="sweep store",
                           missing="no sweep store here (run `python -m model tune` first)")
        try:
            problem = self._foreign_tables()
            if problem is None and not read_only:
                for sql in _SCHEMA:
                    self.con.execute(sql)
        except duckdb.Error as e:
            self.close()
            raise ScenarioError(f"cannot read the sweep store (damaged?): {e}; it was left as it is",
                                file=str(path), key="--store") from None
        if problem:
            self.close()
            raise ScenarioError(f"is a DuckDB file but not a sweep store ({problem}); it was left as it is: give "
                                "another --store", file=str(path), key="--store")

    def _foreign_tables(self) -> str | None:
        """Why the open file is not a sweep store (None when it is one, or is empty): other tables or columns."""
        ours = _our_columns()
        found = _table_columns(self.con)
        other = sorted(set(found) - set(ours))
        if other:
            return f"it has the tables {', '.join(other)}"
        for table, cols in found.items():
            if cols != ours[table]:
                return f"its table {table} has the columns {', '.join(cols)}"
        return None

    def close(self) -> None:
        """Close the connection (the file stays); the connection object is dropped with it."""
        if self.con is not None:
            self.con.close()
            self.con = None  # type: ignore[assignment]

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------------- writing
    def register(self, sweep_id: str, *, name: str, scenario_file: str, scenario_hash: str, spec: dict[str, Any],
                 points: list[dict[str, Any]], point_hashes: list[str], focus: list[str | None],
                 replications: int, scenario: dict[str, Any] | None = None) -> None:
        """Record a sweep and its points (idempotent: re-registering the same sweep keeps its results)."""
        now = utc_now()
        exists = self.con.execute("SELECT 1 FROM sweeps WHERE sweep_id = ?", [sweep_id]).fetchone()
        self.con.execute("BEGIN")
        if exists:
            self.con.execute("UPDATE sweeps SET status = 'running', updated = ? WHERE sweep_id = ?", [now, sweep_id])
        else:
            self.con.execute("INSERT INTO sweeps VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)",
                             [sweep_id, name, scenario_file, scenario_hash, json.dumps(spec, ensure_ascii=False),
                              json.dumps(scenario, ensure_ascii=False) if scenario is not None else None,
                              len(points), replications, now, now])
            self.con.executemany("INSERT INTO sweep_points VALUES (?, ?, ?, ?, ?)", [
                [sweep_id, i, h, json.dumps(p, ensure_ascii=False), f]
                for i, (p, h, f) in enumerate(zip(points, point_hashes, focus, strict=True))])
        self.con.execute("COMMIT")

    def done_hashes(self, hashes: list[str]) -> set[str]:
        """The point hashes among ``hashes`` whose rows are stored."""
        if not hashes:
            return set()
        import pandas as pd

        self.con.register("wanted", pd.DataFrame({"h": list(set(hashes))}))
        try:
            rows = self.con.execute(
                "SELECT DISTINCT r.point_hash FROM results r JOIN wanted w ON r.point_hash = w.h").fetchall()
        finally:
            self.con.unregister("wanted")
        return {r[0] for r in rows}

    def write_point(self, point_hash: str, rows: pd.DataFrame) -> None:
        """Store one finished point's rows in one transaction (replacing any partial rows)."""
        cols = ["point_hash", "rep", "scheme", *RESULT_COLUMNS]
        self.con.register("point_rows", rows.assign(point_hash=point_hash).reindex(columns=cols))
        try:
            self.con.execute("BEGIN")
            try:
                self.con.execute("DELETE FROM results WHERE point_hash = ?", [point_hash])
                self.con.execute(f"INSERT INTO results SELECT {', '.join(cols)} FROM point_rows")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            self.con.execute("COMMIT")
        finally:
            self.con.unregister("point_rows")

    def set_status(self, sweep_id: str, status: str) -> None:
        """Mark a sweep 'running', 'done' or 'interrupted'."""
        self.con.execute("UPDATE sweeps SET status = ?, updated = ? WHERE sweep_id = ?", [status, utc_now(), sweep_id])

    # ------------------------------------------------------------------------------------------- reading
    def sweeps(self) -> pd.DataFrame:
        """Every stored sweep, newest first, with how many of its points are finished."""
        return self.con.execute("""
            SELECT s.sweep_id, s.name, s.scenario_file, s.n_points,
                   count(DISTINCT r.point_hash) AS points_done, s.replications, s.status, s.created, s.updated
            FROM sweeps s LEFT JOIN sweep_points p USING (sweep_id)
                 LEFT JOIN (SELECT DISTINCT point_hash FROM results) r ON r.point_hash = p.point_hash
            GROUP BY ALL ORDER BY s.updated DESC""").df()

    def sweep_info(self, sweep_id: str) -> dict[str, Any]:
        """The sweep's row (spec parsed), or a ScenarioError naming the unknown id."""
        df = self.con.execute("SELECT * FROM sweeps WHERE sweep_id = ?", [sweep_id]).df()
        if df.empty:
            known = ", ".join(self.con.execute("SELECT sweep_id FROM sweeps").df()["sweep_id"].tolist()[:10])
            raise ScenarioError(f"no sweep '{sweep_id}' in this store (known: {known or 'none'})",
                                file=str(self.path), key="sweep")
        info = df.iloc[0].to_dict()
        info["spec"] = json.loads(info.pop("spec_json"))
        sj = info.pop("scenario_json")
        info["scenario"] = json.loads(sj) if isinstance(sj, str) else None
        return info

    def rows(self, sweep_id: str) -> pd.DataFrame:
        """The sweep's rows with its point keys as columns (``point_id``, ``focus``, then one per key)."""
        df = self.con.execute("""
            SELECT p.point_id, p.focus, p.point_json, r.*
            FROM sweep_points p JOIN results r USING (point_hash)
            WHERE p.sweep_id = ? ORDER BY p.point_id, r.scheme, r.rep""", [sweep_id]).df()
        if df.empty:
            return df
        import pandas as pd

        keys = pd.DataFrame([json.loads(j) for j in df["point_json"]], index=df.index)
        keys.columns = [f"key:{c}" for c in keys.columns]
        return pd.concat([df.drop(columns=["point_json"]), keys], axis=1)

    def export(self, sweep_id: str, path: str | Path) -> Path:
        """Write the sweep's rows to ``.parquet`` or ``.csv`` (chosen by the suffix)."""
        p = Path(path)
        if p.suffix.lower() not in (".parquet", ".csv"):
            raise ScenarioError("export to a .parquet or .csv file", file=str(path), key="--export")
        p.parent.mkdir(parents=True, exist_ok=True)
        fmt = "PARQUET" if p.suffix.lower() == ".parquet" else "CSV, HEADER"
        esc = str(p).replace("'", "''")
        self.con.register("export_rows", self.rows(sweep_id))
        try:
            self.con.execute(f"COPY (SELECT * FROM export_rows) TO '{esc}' (FORMAT {fmt})")
        finally:
            self.con.unregister("export_rows")
        return p
