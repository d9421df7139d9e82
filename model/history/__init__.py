"""History: import a shop's own KPI exports, replay them through schemes, calibrate a scenario to them.

* :func:`load_history` reads a CSV/XLSX export (encodings, sheets, header table, totals rows) and validates it
  row by row (:class:`HistoryError` carries the report).
* :func:`replay` prices the imported month under every scheme of a scenario (no simulation).
* :func:`calibrate` writes an editable scenario from it; :func:`fit_report` compares simulation and history.

docs/history.md documents the header table, formats, the report, replay and the calibration method.
"""

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
