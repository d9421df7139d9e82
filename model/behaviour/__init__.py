"""Behaviour: how agents respond to a scheme, decided before the engine runs (docs/model.md section 10).

The ``[behaviour]`` table is part of the scenario language (:mod:`model.language.behaviour`);
``model.behaviour.api.respond(scenario, scheme, base)`` turns a scheme into per-agent Effects and a report;
``model.behaviour.kpimodel`` is each agent's forecast of its KPIs under an effort; ``model.behaviour.solver`` the
best responses and their fixed point. This package file imports nothing.
"""
