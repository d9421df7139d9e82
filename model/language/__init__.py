"""The scenario language's tables that configure later stages: ``[tuning]``, ``[behaviour]``, ``[kpi]``, and the
target API of the scheme language (docs/architecture.md, layer "language").

Together with :mod:`model.schema` (the scenario and its sections), :mod:`model.schemes.spec` (the scheme
language), :mod:`model.scenario` (loading, ``--set``) and :mod:`model.edits` this is the whole scenario
language: pydantic models and pure functions over them, importing only the layers below (units, errors, KPI
codes, platform rules). This package file imports nothing.
"""
