"""Behaviour: how agents respond to a scheme, decided before the engine runs.

``respond(scenario, scheme, base)`` turns a scheme into per-agent :class:`~model.effects.Effects` (the
multipliers the engine and the outcome model apply) plus a report of each agent's effort, chance of reaching each
paid target, expected pay and whether it gave up. Pure functions of their arguments; no streamlit. Pricing stays
the one place that knows how a scheme pays: expected pay is the scheme's own pricing code applied to each agent's
forecast KPI distribution (:mod:`model.behaviour.kpimodel`). Equations and defaults: docs/model.md section 10.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from model.behaviour.kpimodel import DIMS, BaseRecord, base_record, effort_multipliers
from model.behaviour.solver import Equilibrium, solve
from model.effects import Effects
from model.language.behaviour import Behaviour


def effort_effects(cfg: Behaviour, effort: np.ndarray):
    """Per-agent Effects of an effort array (agents, 4)."""
    m = effort_multipliers(cfg, effort)
    return Effects(conversion_mult=m["conversion_mult"], aov_mult=m["aov_mult"],
                   reply_time_mult=m["reply_time_mult"], latency_mult=m["latency_mult"],
                   attitude_mult=m["attitude_mult"], satisfied_add=m["satisfied_add"],
                   hidden_share=m["hidden_share"])


#: Equilibria already solved in this process, by :func:`_solved_key` (each a few KiB; 128 kept).
SOLVED_KEEP = 128
_SOLVED: OrderedDict[str, Equilibrium] = OrderedDict()
_SOLVED_LOCK = threading.Lock()


def _solved_key(scenario, scheme, base) -> str:
    """What a solve depends on: the scenario without its schemes (behaviour, outcomes, economics, meta, the
    shop that made the base run; not ``meta.share_engine``, which does not change a run without effects), the
    base run's effects and the scheme."""
    data = scenario.model_dump(mode="json", exclude={"schemes"})
    data["meta"].pop("share_engine", None)
    eff = base.effects
    payload = [data, eff.engine_key(), eff.outcome_key(), scheme.model_dump(mode="json") if scheme is not None else None]
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clear_solved() -> None:
    """Forget the equilibria kept between calls (tests, benches that time a solve)."""
    with _SOLVED_LOCK:
        _SOLVED.clear()


def equilibrium(scenario, scheme, base, record: BaseRecord | None = None, *, checkpoint=None) -> Equilibrium:
    """The agents' equilibrium under ``scheme`` given the base run ``base`` (a SimResult without effects);
    ``checkpoint`` as in :func:`model.behaviour.solver.solve` (called between its steps; never changes it).

    A solve is a pure function of the scenario, the scheme and the base run, so each is made once per process:
    the quick forecast, the confirming simulation, the band's centre and a tune's screening and shortlist all
    ask for the same equilibria. Each caller gets its own copy. A ``record`` other than the base run's own is
    solved without the cache."""
    s = scenario
    own = base_record(base)
    rec = record if record is not None else own
    key = _solved_key(s, scheme, base) if rec is own else None
    if key is not None:
        with _SOLVED_LOCK:
            hit = _SOLVED.get(key)
            if hit is not None:
                _SOLVED.move_to_end(key)
                return copy.deepcopy(hit)
    foresight = s.behaviour.ratchet_foresight if s.meta.months > 1 else 0.0  # a next month exists
    eq = solve(s.behaviour, scheme, rec, s.outcomes, base.agents, seed=s.meta.seed,
               gross_margin_share=s.economics.gross_margin_share, days=float(s.meta.days), foresight=foresight,
               checkpoint=checkpoint)
    if key is not None:
        with _SOLVED_LOCK:
            _SOLVED[key] = copy.deepcopy(eq)
            while len(_SOLVED) > SOLVED_KEEP:
                _SOLVED.popitem(last=False)
    return eq


def report_of(eq: Equilibrium, cfg: Behaviour) -> dict[str, Any]:
    """The JSON block of an equilibrium."""
    agents = eq.agents
    notes = list(eq.notes)
    gamed = eq.forecast.get("gaming_pay_yuan", 0.0) if eq.forecast else 0.0
    if gamed > 1.0:
        notes.append((f"刷数据:客服把部分未购买的询单排除在询单人数之外,由此多拿奖金约 {gamed:,.0f} 元(没有带来销售)。"
                      "可用询单人数比(询单人数/接待人数)设门槛防止。",
                      f"Gaming: agents keep some non-buying inquirers out of the inquirer count, earning about "
                      f"{gamed:,.0f} yuan of pay for no sales. A gate on the inquirer ratio (inquirers / receptions) "
                      "deters it."))
    team = {d: float(np.mean(eq.effort[:, i])) for i, d in enumerate(DIMS) if i < 3 or cfg.gaming}
    return {
        "model": cfg.model,
        "converged": eq.converged,
        "rounds": eq.rounds,
        "responds": eq.responds,
        "interacting": eq.interacting,
        "team_effort": team,
        "gave_up": int(sum(a["gave_up"] for a in agents)),
        "secure": int(sum(a["secure"] for a in agents)),
        "notes": {"zh": [z for z, _ in notes], "en": [e for _, e in notes]},
        "forecast": eq.forecast,
        "agents": agents,
    }


def respond(scenario, scheme, base) -> tuple[Any, dict[str, Any] | None]:
    """Effects and report of the agents' response to ``scheme`` (identity and None when behaviour is off).

    Args:
        scenario: the scenario (its ``behaviour`` table decides the model).
        scheme: the scheme agents respond to (None = base pay only: no response).
        base: the scenario's run without effects (today's norm).
    """
    cfg: Behaviour = scenario.behaviour
    if not cfg.active or scheme is None:
        return Effects(), None
    eq = equilibrium(scenario, scheme, base)
    return effort_effects(cfg, eq.effort), report_of(eq, cfg)
