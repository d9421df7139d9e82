"""History: import a shop's own KPI exports, replay them through schemes, calibrate a scenario to them.

* :func:`load_history` reads a CSV/XLSX export (encodings, sheets, header table, totals rows) and validates it
  row by row (:class:`HistoryError` carries the report).
* :func:`replay` prices the imported month under every scheme of a scenario (no simulation).
* :func:`calibrate` writes an editable scenario from it; :func:`fit_report` compares simulation and history.

docs/history.md documents the header table, formats, the report, replay and the calibration method.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model.history.calibrate import Calibration, calibrate, fit_report
    from model.history.export import csv_bytes, safe_cell, xlsx_bytes
    from model.history.read import MAX_BYTES
    from model.history.replay import replay, replay_table
    from model.history.report import HistoryError, ImportReport, Problem
    from model.history.validate import History, load_history, parse_mapping

__all__ = [
    "MAX_BYTES", "Calibration", "History", "HistoryError", "ImportReport", "Problem", "calibrate", "csv_bytes",
    "fit_report", "load_history", "parse_mapping", "replay", "replay_table", "safe_cell", "xlsx_bytes",
]

# The names are imported on first use (PEP 562): the CLI registers the history commands on every start
# (model.history.commands) and must not pay for SciPy and pandas then.
_HOME = {"Calibration": "calibrate", "calibrate": "calibrate", "fit_report": "calibrate", "csv_bytes": "export",
         "safe_cell": "export", "xlsx_bytes": "export", "MAX_BYTES": "read", "replay": "replay",
         "replay_table": "replay", "HistoryError": "report", "ImportReport": "report", "Problem": "report",
         "History": "validate", "load_history": "validate", "parse_mapping": "validate"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        value = getattr(importlib.import_module(f"model.history.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'model.history' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
