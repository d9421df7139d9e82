"""Target tuning: sweeps over scenario keys that persist in DuckDB, the target optimiser, staffing what-ifs
and a target band from history (docs/tuning.md).

Import the pieces from their modules (``model.tuning.sweep``, ``.optimise``, ``.staffing``, ``.history_band``,
``.store``); the ``[tuning]`` table itself is part of the scenario language (:mod:`model.language.tuning`).
This package file imports nothing.
"""
