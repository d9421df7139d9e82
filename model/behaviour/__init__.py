"""Behaviour: how agents respond to a scheme, decided before the engine runs (docs/model.md section 10).

``model.behaviour.config`` is the ``[behaviour]`` table (schema only, imported by the scenario schema);
``model.behaviour.api.respond(scenario, scheme, base)`` turns a scheme into per-agent Effects and a report;
``model.behaviour.kpimodel`` is each agent's forecast of its KPIs under an effort; ``model.behaviour.solver`` the
best responses and their fixed point. This package file imports nothing, so the schema can import the config
without pulling in pricing.
"""
