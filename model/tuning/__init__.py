"""Target tuning: sweeps over scenario keys that persist in DuckDB, the target optimiser, staffing what-ifs
and a target band from history (docs/tuning.md).

Import the pieces from their modules (``model.tuning.sweep``, ``.optimise``, ``.staffing``, ``.history``,
``.store``); this package module stays light because :mod:`model.scenario` imports ``model.tuning.config``.
"""
