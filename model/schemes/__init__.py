"""Bonus schemes: the scheme language (:mod:`model.schemes.spec`, the manager's assumption
:mod:`model.schemes.assumption`, the target API :mod:`model.schemes.targets`), pricing over KPI tables
(:mod:`model.schemes.pricing`) and rules in words (:mod:`model.schemes.describe`). See docs/schemes.md.

This package file imports nothing: the language sits in the scenario-language layer, pricing above the KPIs
(docs/architecture.md), so import each name from its module.
"""
