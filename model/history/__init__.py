"""History: import a shop's own KPI exports, replay them through schemes, calibrate a scenario to them
(docs/history.md). Import each name from its module; this package file imports nothing.
"""
