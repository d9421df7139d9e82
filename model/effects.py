"""Effects: what changes the mechanics of a run, per agent, and how two changes combine.

Effects come from two places only: the manager's assumption of a scheme (:func:`assumed_effects`, the scheme
language's ``assumed_effects``) and the behaviour model's response (:mod:`model.behaviour`);
:func:`model.pipeline.effects_for` composes them. The engine (:mod:`model.chatcentre`) reads the reply-time and
latency multipliers, the outcome model (:mod:`model.outcomes`) the rest. Multipliers are 1 and additions 0 when
nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.schemes.spec import Scheme


def _key(v: float | np.ndarray) -> tuple[float, ...]:
    """A value's key: per-agent arrays of one value key as that scalar (the same run: one engine run, not two)."""
    a = np.atleast_1d(np.asarray(v, dtype=float)).round(12)
    if a.size > 1 and np.all(a == a[0]):
        a = a[:1]
    return tuple(a.tolist())


@dataclass
class Effects:
    """Changes to the mechanics: from a manager's assumption (scheme ``assumed_effects``) or from behaviour.

    Per-agent arrays may replace scalars (behaviour decides effort agent by agent). Multipliers are 1 and
    additions 0 when nothing changes; :func:`compose` combines two Effects.

    Attributes:
        conversion_mult: multiplies each agent's conversion (outcomes).
        conversion_add: added to the conversion after the multiplier (outcomes).
        aov_mult: multiplies each agent's order value (outcomes).
        reply_time_mult: multiplies each agent's typing time (engine).
        latency_mult: multiplies each agent's reaction latency (engine; ``agents.reaction_latency``).
        payment_rate_add: added to the payment rate (outcomes; one team value).
    """

    conversion_mult: float | np.ndarray = 1.0
    conversion_add: float | np.ndarray = 0.0
    aov_mult: float | np.ndarray = 1.0
    reply_time_mult: float | np.ndarray = 1.0
    payment_rate_add: float = 0.0
    latency_mult: float | np.ndarray = 1.0
    attitude_mult: float | np.ndarray = 1.0
    satisfied_add: float | np.ndarray = 0.0
    hidden_share: float | np.ndarray = 0.0

    def engine_key(self) -> tuple:
        """What the SimPy engine depends on (runs with equal keys share the engine records)."""
        return (_key(self.reply_time_mult), _key(self.latency_mult))

    def outcome_key(self) -> tuple:
        """What the outcomes after the engine depend on (with :meth:`engine_key`: the whole run)."""
        return tuple(_key(v) for v in (self.conversion_mult, self.conversion_add, self.aov_mult,
                                       self.payment_rate_add, self.attitude_mult, self.satisfied_add,
                                       self.hidden_share))

    def is_identity(self) -> bool:
        """True when nothing changes."""
        return all(np.all(np.asarray(v) == d) for v, d in (
            (self.conversion_mult, 1.0), (self.conversion_add, 0.0), (self.aov_mult, 1.0),
            (self.reply_time_mult, 1.0), (self.payment_rate_add, 0.0), (self.latency_mult, 1.0),
            (self.attitude_mult, 1.0), (self.satisfied_add, 0.0), (self.hidden_share, 0.0)))


def _mul(a: float | np.ndarray, b: float | np.ndarray) -> float | np.ndarray:
    out = np.asarray(a, dtype=float) * np.asarray(b, dtype=float)
    return float(out) if out.ndim == 0 else out


def _add(a: float | np.ndarray, b: float | np.ndarray) -> float | np.ndarray:
    out = np.asarray(a, dtype=float) + np.asarray(b, dtype=float)
    return float(out) if out.ndim == 0 else out


def compose(a: Effects, b: Effects) -> Effects:
    """Both changes at once: multipliers multiply, additions add (scalars and per-agent arrays broadcast)."""
    return Effects(
        conversion_mult=_mul(a.conversion_mult, b.conversion_mult),
        conversion_add=_add(a.conversion_add, b.conversion_add),
        aov_mult=_mul(a.aov_mult, b.aov_mult),
        reply_time_mult=_mul(a.reply_time_mult, b.reply_time_mult),
        payment_rate_add=float(_add(a.payment_rate_add, b.payment_rate_add)),
        latency_mult=_mul(a.latency_mult, b.latency_mult),
        attitude_mult=_mul(a.attitude_mult, b.attitude_mult),
        satisfied_add=_add(a.satisfied_add, b.satisfied_add),
        hidden_share=_add(a.hidden_share, b.hidden_share),
    )


def assumed_effects(scheme: Scheme | None) -> Effects:
    """The manager's assumption of a scheme (``assumed_effects``) as Effects; identity when there is none."""
    ae = scheme.assumed_effects if scheme is not None else None
    if ae is None or not ae.is_active:
        return Effects()
    return Effects(
        conversion_mult=1 + ae.inquiry_conversion_pct / 100,
        conversion_add=ae.inquiry_conversion_pp / 100,
        aov_mult=1 + ae.aov_pct / 100,
        reply_time_mult=ae.reply_time_factor(),
        payment_rate_add=ae.payment_rate_pp / 100,
    )
