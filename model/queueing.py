"""Analytic queueing formulas: Erlang B, Erlang C (M/M/n) and Erlang A (M/M/n+M).

These formulas are the fast path for staffing questions and the reference against which the SimPy engine
is validated (``scenarios/validation/erlang.toml``). All rates share one time unit chosen by the caller
(per second, per hour, ...); waiting times come back in the reciprocal of that unit.

Notation used throughout:

* ``lam``   arrival rate (Poisson arrivals).
* ``mu``    service rate of one agent (exponential service, mean ``1/mu``).
* ``n``     number of agents (servers), a positive integer.
* ``theta`` abandonment rate of a waiting customer (exponential patience, mean ``1/theta``).
* ``a = lam / mu`` offered load in Erlangs.

Numerics: Erlang B uses the classical stable recursion; the Erlang A stationary distribution is built in
log-space (log-sum-exp) and its infinite tail is truncated only once the remaining mass is provably below
``exp(-40)`` (about 4e-18) relative to the largest term, so ``n`` in the thousands and offered loads of
thousands of Erlangs work, including overloaded systems (``lam > n * mu``) that abandonment keeps stable.

Equations and sources are written out in ``docs/queueing.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from numbers import Integral, Real

import numpy as np
from scipy.special import gammaln, logsumexp

__all__ = [
    "ErlangAResult",
    "ErlangCResult",
    "erlang_a_agents_for_service_level",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_agents_for_service_level",
    "erlang_c_metrics",
]

# Truncate the Erlang A tail once what is left is below exp(_LOG_TOL) times the largest term.
_LOG_TOL = -40.0
# Refuse parameter sets whose queue-length distribution needs more states than this (memory guard).
_MAX_TAIL_STATES = 20_000_000


# --------------------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------------------


def _check_real(name: str, value: object, *, positive: bool = False, allow_zero: bool = True) -> float:
    """Return ``value`` as a finite float or raise ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and not allow_zero and x <= 0.0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if positive and allow_zero and x < 0.0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return x


def _check_agents(name: str, value: object, *, minimum: int = 1) -> int:
    """Return ``value`` as an int >= ``minimum`` or raise ValueError naming the argument."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer number of agents, got {value!r}")
    if isinstance(value, Integral):
        k = int(value)
    elif isinstance(value, Real) and math.isfinite(float(value)) and float(value).is_integer():
        k = int(value)
    else:
        raise ValueError(f"{name} must be an integer number of agents, got {value!r}")
    if k < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return k


def _check_target(value: object) -> float:
    x = _check_real("target_sl", value)
    if not 0.0 < x < 1.0:
        raise ValueError(f"target_sl must be strictly between 0 and 1, got {value!r}")
    return x


# --------------------------------------------------------------------------------------------------------
# Erlang B and Erlang C
# --------------------------------------------------------------------------------------------------------


def _erlang_b_unchecked(n: int, a: float) -> float:
    b = 1.0
    for k in range(1, n + 1):
        ab = a * b
        b = ab / (k + ab)
    return b


def erlang_b(n: int, a: float) -> float:
    """Erlang B blocking probability of an M/M/n/n loss system.

    Uses the recursion ``B(0, a) = 1``, ``B(k, a) = a B(k-1, a) / (k + a B(k-1, a))``, which is stable for
    any ``n`` and ``a`` (every intermediate value lies in [0, 1]).

    Args:
        n: Number of servers, an integer >= 0.
        a: Offered load in Erlangs (``lam / mu``), >= 0.

    Returns:
        The probability that an arrival finds all ``n`` servers busy (and is lost).

    Raises:
        ValueError: If ``n`` is not a non-negative integer or ``a`` is negative or not finite.
    """
    n = _check_agents("n", n, minimum=0)
    a = _check_real("a", a, positive=True)
    return _erlang_b_unchecked(n, a)


def _erlang_c_from_b(n: int, a: float, b: float) -> float:
    # C = n B / (n - a (1 - B)), valid for a < n.
    return min(1.0, n * b / (n - a * (1.0 - b)))


def erlang_c(n: int, a: float) -> float:
    """Erlang C probability of waiting, P(W > 0), in an M/M/n queue.

    Computed from Erlang B as ``C = n B / (n - a (1 - B))``.

    Args:
        n: Number of agents, an integer >= 1.
        a: Offered load in Erlangs (``lam / mu``), >= 0.

    Returns:
        The probability that an arriving customer has to wait. Returns 1.0 when ``a >= n`` (no steady state:
        the queue grows without bound and eventually everybody waits).

    Raises:
        ValueError: If ``n`` is not a positive integer or ``a`` is negative or not finite.
    """
    n = _check_agents("n", n)
    a = _check_real("a", a, positive=True)
    if a >= n:
        return 1.0
    return _erlang_c_from_b(n, a, _erlang_b_unchecked(n, a))


@dataclass(frozen=True)
class ErlangCResult:
    """Steady-state measures of an M/M/n queue (Erlang C). Times are in the reciprocal unit of the rates.

    Attributes:
        lam: Arrival rate.
        mu: Service rate per agent.
        n: Number of agents.
        offered_load: ``a = lam / mu`` in Erlangs.
        p_wait: Erlang C, probability that an arrival waits, P(Wq > 0).
        mean_queue_wait: Mean time in queue over all arrivals, ``Wq = C / (n mu - lam)``.
        mean_queue_length: Mean number waiting, ``Lq = lam Wq``.
        utilization: Agent occupancy ``rho = a / n``.
        mean_response: Mean time in system, ``Wq + 1 / mu``.
        t: The service-level threshold passed to :func:`erlang_c_metrics` (``None`` if none was given).
        service_level: ``P(Wq <= t) = 1 - C exp(-(n mu - lam) t)``; ``None`` when ``t`` is ``None``.
    """

    lam: float
    mu: float
    n: int
    offered_load: float
    p_wait: float
    mean_queue_wait: float
    mean_queue_length: float
    utilization: float
    mean_response: float
    t: float | None = None
    service_level: float | None = None

    def service_level_at(self, t: float) -> float:
        """Probability that the time in queue is at most ``t``: ``1 - C exp(-(n mu - lam) t)``.

        Args:
            t: Threshold time, >= 0, in the reciprocal unit of the rates.

        Returns:
            P(Wq <= t); includes the customers served at once.
        """
        t = _check_real("t", t, positive=True)
        return 1.0 - self.p_wait * math.exp(-(self.n * self.mu - self.lam) * t)

    def wait_gt(self, t: float) -> float:
        """Probability that the time in queue exceeds ``t``: ``C exp(-(n mu - lam) t)``."""
        t = _check_real("t", t, positive=True)
        return self.p_wait * math.exp(-(self.n * self.mu - self.lam) * t)


def erlang_c_metrics(lam: float, mu: float, n: int, t: float | None = None) -> ErlangCResult:
    """Steady-state measures of an M/M/n queue (Erlang C model).

    Args:
        lam: Arrival rate, > 0.
        mu: Service rate of one agent, > 0 (mean handling time ``1 / mu``).
        n: Number of agents, an integer >= 1.
        t: Optional service-level threshold (same time unit as ``1 / lam``), >= 0.

    Returns:
        An :class:`ErlangCResult`.

    Raises:
        ValueError: If an input is non-positive, not finite or ``n`` is not an integer (the message names the
            argument), or if the queue is unstable (``lam / mu >= n``).
    """
    lam = _check_real("lam", lam, positive=True, allow_zero=False)
    mu = _check_real("mu", mu, positive=True, allow_zero=False)
    n = _check_agents("n", n)
    tt = None if t is None else _check_real("t", t, positive=True)
    a = lam / mu
    if a >= n:
        raise ValueError(
            f"unstable M/M/n queue: offered load a = lam/mu = {a:.6g} Erlangs >= n = {n} agents; "
            "Erlang C has no steady state (add agents, or model abandonment with erlang_a_metrics)"
        )
    c = _erlang_c_from_b(n, a, _erlang_b_unchecked(n, a))
    wq = c / (n * mu - lam)
    sl = None if tt is None else 1.0 - c * math.exp(-(n * mu - lam) * tt)
    return ErlangCResult(
        lam=lam,
        mu=mu,
        n=n,
        offered_load=a,
        p_wait=c,
        mean_queue_wait=wq,
        mean_queue_length=lam * wq,
        utilization=a / n,
        mean_response=wq + 1.0 / mu,
        t=tt,
        service_level=sl,
    )


def erlang_c_agents_for_service_level(lam: float, mu: float, target_sl: float, t: float) -> int:
    """Smallest number of agents whose Erlang C service level ``P(Wq <= t)`` reaches ``target_sl``.

    Starts at the smallest stable staffing ``floor(a) + 1`` and steps the Erlang B recursion upwards, so the
    cost is O(n) overall.

    Args:
        lam: Arrival rate, > 0.
        mu: Service rate of one agent, > 0.
        target_sl: Target share of arrivals that wait at most ``t``, strictly between 0 and 1.
        t: Service-level threshold, >= 0.

    Returns:
        The minimal ``n`` with ``lam / mu < n`` and ``1 - C(n, a) exp(-(n mu - lam) t) >= target_sl``.

    Raises:
        ValueError: If an input is out of range (the message names the argument).
    """
    lam = _check_real("lam", lam, positive=True, allow_zero=False)
    mu = _check_real("mu", mu, positive=True, allow_zero=False)
    target = _check_target(target_sl)
    t = _check_real("t", t, positive=True)
    a = lam / mu
    n = math.floor(a) + 1
    b = _erlang_b_unchecked(n, a)
    while True:
        c = _erlang_c_from_b(n, a, b)
        if 1.0 - c * math.exp(-(n * mu - lam) * t) >= target:
            return n
        n += 1
        ab = a * b
        b = ab / (n + ab)


# --------------------------------------------------------------------------------------------------------
# Erlang A (M/M/n+M)
# --------------------------------------------------------------------------------------------------------


def _tail_log_terms(lam: float, c: float, theta: float) -> tuple[float, np.ndarray]:
    """Log terms ``L_j = sum_{i=1..j} log(lam / (c + i theta))`` for ``j = 0..J``, relative to their peak.

    Returns ``(shift, rel)`` with ``L_j = shift + rel[j]`` and ``max(rel) == 0``. The sums are accumulated in
    extended precision and the peak is removed before rounding to float64, so neighbouring terms keep full
    relative precision even when ``L_j`` is in the hundreds of thousands.

    ``J`` is chosen so that the neglected terms ``j > J`` sum to less than ``exp(_LOG_TOL)`` times the
    largest term: once the ratio ``r = lam / (c + (J + 1) theta)`` is below 1 the ratios keep falling, so the
    rest is bounded by ``exp(L_J) r / (1 - r)``. Requires ``lam < c`` when ``theta == 0``.
    """
    if lam <= 0.0:
        return 0.0, np.zeros(1)
    log_lam = math.log(lam)
    parts = [np.zeros(1, dtype=np.longdouble)]
    last = np.longdouble(0.0)
    best = 0.0
    start = 1
    size = 256
    while True:
        j = np.arange(start, start + size, dtype=float)
        steps = (log_lam - np.log(c + j * theta)).astype(np.longdouble)
        logs = last + np.cumsum(steps)
        parts.append(logs)
        last = logs[-1]
        best = max(best, float(logs.max()))
        start += size
        r = lam / (c + start * theta)  # ratio of the next, not yet computed, term
        if r == 0.0 or (r < 1.0 and float(last) + math.log(r / (1.0 - r)) < best + _LOG_TOL):
            break
        if start > _MAX_TAIL_STATES:
            raise ValueError(
                f"Erlang A queue-length distribution needs more than {_MAX_TAIL_STATES} states "
                f"(lam={lam:.6g}, n*mu={c:.6g}, theta={theta:.6g}); abandonment rate theta is too small "
                "for this overload"
            )
        size = min(2 * size, 1 << 20)
    logs = np.concatenate(parts)
    shift = logs.max()
    return float(shift), (logs - shift).astype(float)


def _log_sum_tail(lam: float, c: float, theta: float) -> float:
    """``log sum_{j>=0} prod_{i=1..j} lam / (c + i theta)`` (the function A(x, y) of Mandelbaum & Zeltyn)."""
    if theta == 0.0:  # geometric series, lam < c
        return -math.log1p(-lam / c)
    shift, rel = _tail_log_terms(lam, c, theta)
    return shift + float(logsumexp(rel))


def _y_one_minus_w(lam: float, theta: float, t: float) -> float:
    """``(lam / theta) (1 - exp(-theta t))`` with its theta -> 0 limit ``lam t``."""
    if theta == 0.0:
        return lam * t
    return -lam * math.expm1(-theta * t) / theta


def _log_offered_wait_gt(log_pi_n: float, lam: float, c: float, theta: float, t: float) -> float:
    """``log P(V > t)`` where V is the offered wait (time to reach an agent ignoring own patience).

    ``P(V > t) = pi_n exp(-c t + (lam/theta)(1 - e^{-theta t})) sum_j prod_{i=1..j} lam e^{-theta t}/(c + i theta)``.
    """
    lam_t = lam * math.exp(-theta * t)
    return log_pi_n - c * t + _y_one_minus_w(lam, theta, t) + _log_sum_tail(lam_t, c, theta)


def _log_served_and_wait_gt(log_pi_n: float, lam: float, c: float, theta: float, t: float) -> float:
    """``log P(served and Wq > t)``: integral of the offered-wait density times ``e^{-theta tau}`` over ``(t, inf)``.

    Same series as :func:`_log_offered_wait_gt` with ``c`` replaced by ``c + theta`` and a factor
    ``c / (c + theta)``.
    """
    c1 = c + theta
    lam_t = lam * math.exp(-theta * t)
    return (
        log_pi_n + math.log(c / c1) - c1 * t + _y_one_minus_w(lam, theta, t) + _log_sum_tail(lam_t, c1, theta)
    )


@dataclass(frozen=True)
class ErlangAResult:
    """Steady-state measures of an M/M/n+M queue (Erlang A). Times are in the reciprocal unit of the rates.

    "Wait" (``Wq``) is the actual time an arrival spends in the queue: until an agent takes it if it is
    served, until it leaves if it abandons, zero if an agent is free on arrival. "Offered wait" ``V`` is the
    time it would have to wait with infinite patience.

    The fields are accurate to about 1e-12 relative. The threshold methods (``wait_gt``, ``served_within``,
    ...) combine series whose large logarithms cancel, so they are accurate to about 1e-10 absolute.

    Attributes:
        lam: Arrival rate.
        mu: Service rate per agent.
        n: Number of agents.
        theta: Abandonment rate (``1 / mean patience``); 0 means no abandonment (Erlang C).
        offered_load: ``a = lam / mu`` in Erlangs.
        p_wait: Probability that an arrival finds all agents busy, P(Wq > 0) = P(V > 0).
        p_abandon: Probability that an arrival abandons, ``theta Lq / lam``.
        p_served: ``1 - p_abandon``, computed directly (accurate even when ``p_abandon`` is near 1).
        mean_queue_wait: Mean time in queue over all arrivals, ``Lq / lam`` (abandoners count their time
            until they left, customers served at once count zero).
        mean_queue_wait_served: Mean time in queue of the customers who are served (including zeros).
        mean_queue_wait_abandoned: Mean time to abandon of the abandoners (NaN if ``p_abandon == 0``).
        mean_queue_length: Mean number waiting, ``Lq``.
        utilization: Share of agent time busy, ``lam p_served / (n mu)`` (at most 1).
        t: The threshold passed to :func:`erlang_a_metrics` (``None`` if none was given).
        service_level: P(served and Wq <= t): share of all arrivals answered within ``t`` (abandoners count
            as failures whenever they leave). ``None`` when ``t`` is ``None``.
        p_wait_le_t: P(Wq <= t): share of all arrivals whose time in queue is at most ``t``, counting
            abandoners by their time to abandon (so an early abandoner counts as ``<= t``). ``None`` when
            ``t`` is ``None``.
    """

    lam: float
    mu: float
    n: int
    theta: float
    offered_load: float
    p_wait: float
    p_abandon: float
    p_served: float
    mean_queue_wait: float
    mean_queue_wait_served: float
    mean_queue_wait_abandoned: float
    mean_queue_length: float
    utilization: float
    t: float | None = None
    service_level: float | None = None
    p_wait_le_t: float | None = None
    log_pi_n: float = field(default=math.nan, repr=False, compare=False)
    """Natural log of the stationary probability of exactly ``n`` customers in system (internal)."""

    # -- distribution of the wait at an arbitrary threshold ------------------------------------------------

    def offered_wait_gt(self, t: float) -> float:
        """P(V > t): the offered wait (infinite own patience) exceeds ``t``.

        Mandelbaum & Zeltyn: ``P(V > t) = P(Wq > 0) gamma(x, y e^{-theta t}) / gamma(x, y)`` with
        ``x = n mu / theta``, ``y = lam / theta``, computed here as a log-space series.
        """
        t = _check_real("t", t, positive=True)
        return min(
            1.0, math.exp(_log_offered_wait_gt(self.log_pi_n, self.lam, self.n * self.mu, self.theta, t))
        )

    def wait_gt(self, t: float) -> float:
        """P(Wq > t): an arrival is still waiting ``t`` after arriving (neither served nor gone).

        Equals ``P(V > t) exp(-theta t)`` (own patience independent of the offered wait).
        """
        return self.offered_wait_gt(t) * math.exp(-self.theta * float(t))

    def wait_le(self, t: float) -> float:
        """P(Wq <= t) over all arrivals, counting abandoners by their time to abandon."""
        return 1.0 - self.wait_gt(t)

    def served_and_wait_gt(self, t: float) -> float:
        """P(served and Wq > t): answered, but only after more than ``t``."""
        t = _check_real("t", t, positive=True)
        c = self.n * self.mu
        return min(
            self.p_served, math.exp(_log_served_and_wait_gt(self.log_pi_n, self.lam, c, self.theta, t))
        )

    def served_within(self, t: float) -> float:
        """P(served and Wq <= t): the service level "answered within t" over all arrivals."""
        return max(0.0, self.p_served - self.served_and_wait_gt(t))

    def abandon_within(self, t: float) -> float:
        """P(abandon and Wq <= t): abandoned within ``t`` of arriving (a "short abandon" if ``t`` is small)."""
        abandoned_after = self.wait_gt(t) - self.served_and_wait_gt(t)
        return min(self.p_abandon, max(0.0, self.p_abandon - abandoned_after))


def _erlang_a_core(lam: float, mu: float, n: int, theta: float) -> tuple[float, float, np.ndarray | None]:
    """Normalized ``log pi_n``, ``log P(no wait)`` and the queue-length probabilities ``P(n + j in system)``.

    For ``theta == 0`` the tail is geometric and is not materialized (``None`` is returned instead).
    """
    a = lam / mu
    k = np.arange(n + 1, dtype=float)
    log_head = k * math.log(a) - gammaln(k + 1.0)  # log a^k / k!, unnormalized
    log_nowait_u = float(logsumexp(log_head[:n]))
    if theta == 0.0:
        shift, rel = 0.0, None
        lse = _log_sum_tail(lam, n * mu, 0.0)
    else:
        shift, rel = _tail_log_terms(lam, n * mu, theta)
        lse = float(logsumexp(rel))
    # d = log(P(no wait) / P(wait)); the large offsets log_head[n] and shift only enter through d.
    d = log_nowait_u - (float(log_head[n]) + shift + lse)
    log_p_wait = -float(np.logaddexp(0.0, d))
    log_p_nowait = -float(np.logaddexp(0.0, -d))
    coef = log_p_wait - lse  # log P(n + j) = coef + rel[j]
    pq = None if rel is None else np.exp(rel + coef)
    return coef - shift, log_p_nowait, pq


def _erlang_a_conditional(n: int, mu: float, theta: float, queue_len: np.ndarray) -> dict[str, np.ndarray]:
    """Per-state quantities for a tagged arrival that finds ``j`` customers waiting ahead of it.

    With ``k`` customers ahead, the tagged customer's position changes at rate ``n mu + k theta`` (an agent
    frees up or someone ahead abandons) and it abandons itself at rate ``theta``, so it leaves state ``k``
    after an Exp(``n mu + (k + 1) theta``) time, forward with probability
    ``(n mu + k theta) / (n mu + (k + 1) theta)``. Running the recursion from ``k = j`` down to ``0``:

    * ``P(served | j) = prod_{k=0..j} (n mu + k theta) / (n mu + (k+1) theta) = n mu / (n mu + (j+1) theta)``
    * ``E[Wq | j] = (j + 1) / (n mu + (j + 1) theta)``
    * ``E[Wq 1{served} | j] = P(served | j) sum_{k=0..j} 1 / (n mu + (k + 1) theta)``
    * ``E[Wq 1{abandoned} | j] = theta / (n mu + (j + 1) theta) sum_{k=0..j} (k + 1) / (n mu + (k + 1) theta)``
      (the customer abandons in each of the ``j + 1`` phases with the same probability
      ``theta / (n mu + (j + 1) theta)``, having spent the phases ``j..k`` when it leaves in phase ``k``).

    The values are "per unit of probability of the state"; the keys are ``p_served``, ``mean_wait``,
    ``wait_if_served`` and ``wait_if_abandoned`` (the last two are ``E[Wq 1{...} | j]``).
    """
    c = n * mu
    j = np.arange(queue_len.size, dtype=float)
    rate = c + (j + 1.0) * theta
    p_served = c / rate
    mean_wait = (j + 1.0) / rate
    wait_served = p_served * np.cumsum(1.0 / rate)
    wait_abandoned = theta / rate * np.cumsum((j + 1.0) / rate)
    return {
        "p_served": p_served,
        "mean_wait": mean_wait,
        "wait_if_served": wait_served,
        "wait_if_abandoned": wait_abandoned,
    }


def erlang_a_metrics(lam: float, mu: float, n: int, theta: float, t: float | None = None) -> ErlangAResult:
    """Steady-state measures of the M/M/n+M (Erlang A / Palm) queue with exponential patience.

    The number in system is a birth-death process with birth rate ``lam``, death rate ``k mu`` for
    ``k <= n`` and ``n mu + j theta`` for ``k = n + j``. Its stationary distribution is computed exactly in
    log-space (the infinite tail truncated below ``exp(-40)`` relative). It is stable for any ``lam`` when
    ``theta > 0``, including ``lam > n mu``. With ``theta == 0`` the model is Erlang C and needs
    ``lam < n mu``.

    Args:
        lam: Arrival rate, > 0.
        mu: Service rate of one agent, > 0.
        n: Number of agents, an integer >= 1.
        theta: Abandonment rate ``1 / mean patience``, >= 0.
        t: Optional service-level threshold, >= 0; fills ``service_level`` and ``p_wait_le_t``.

    Returns:
        An :class:`ErlangAResult`; its methods give the wait distribution at any other threshold.

    Raises:
        ValueError: If an input is out of range or not finite (the message names the argument), if
            ``theta == 0`` and ``lam >= n mu``, or if the parameters need more than 20 million queue states.
    """
    lam = _check_real("lam", lam, positive=True, allow_zero=False)
    mu = _check_real("mu", mu, positive=True, allow_zero=False)
    n = _check_agents("n", n)
    theta = _check_real("theta", theta, positive=True)
    tt = None if t is None else _check_real("t", t, positive=True)
    a = lam / mu
    c = n * mu
    if theta == 0.0 and a >= n:
        raise ValueError(
            f"unstable queue: theta = 0 (no abandonment) and offered load a = lam/mu = {a:.6g} Erlangs "
            f">= n = {n} agents; use theta > 0"
        )

    log_pi_n, log_nowait, pq = _erlang_a_core(lam, mu, n, theta)
    p_nowait = math.exp(log_nowait)
    if pq is None:  # theta == 0: Erlang C, geometric tail P(n + j) = pi_n rho^j
        rho = lam / c
        p_wait = math.exp(log_pi_n) / (1.0 - rho)
        lq = p_wait * rho / (1.0 - rho)
        p_served = 1.0
        p_abandon = 0.0
        wq_all = lq / lam
        wq_served = wq_all
        wq_abandoned = math.nan
    else:
        p_wait = float(pq.sum())
        j = np.arange(pq.size, dtype=float)
        lq = float(j @ pq)
        cond = _erlang_a_conditional(n, mu, theta, pq)
        p_served = min(1.0, p_nowait + float(pq @ cond["p_served"]))
        p_abandon = min(1.0, theta * lq / lam)  # Little's law for the abandonment stream
        wq_all = lq / lam
        wait_served_total = float(pq @ cond["wait_if_served"])  # E[Wq 1{served}]
        wq_served = wait_served_total / p_served
        wait_abandoned_total = float(pq @ cond["wait_if_abandoned"])  # E[Wq 1{abandoned}]
        wq_abandoned = wait_abandoned_total / p_abandon if p_abandon > 0.0 else math.nan

    result = ErlangAResult(
        lam=lam,
        mu=mu,
        n=n,
        theta=theta,
        offered_load=a,
        p_wait=min(1.0, p_wait),
        p_abandon=p_abandon,
        p_served=p_served,
        mean_queue_wait=wq_all,
        mean_queue_wait_served=wq_served,
        mean_queue_wait_abandoned=wq_abandoned,
        mean_queue_length=lq,
        utilization=min(1.0, lam * p_served / c),
        log_pi_n=log_pi_n,
    )
    if tt is None:
        return result
    return replace(result, t=tt, service_level=result.served_within(tt), p_wait_le_t=result.wait_le(tt))


def erlang_a_agents_for_service_level(
    lam: float,
    mu: float,
    theta: float,
    target_sl: float,
    t: float,
    max_abandon: float | None = None,
) -> int:
    """Smallest number of agents whose Erlang A service level reaches ``target_sl``.

    The service level is ``ErlangAResult.service_level``: P(served and Wq <= t) over all arrivals. Both it
    and the abandonment probability improve monotonically with ``n``, so the search doubles ``n`` until the
    targets are met and then bisects.

    Args:
        lam: Arrival rate, > 0.
        mu: Service rate of one agent, > 0.
        theta: Abandonment rate ``1 / mean patience``, >= 0.
        target_sl: Target share answered within ``t``, strictly between 0 and 1.
        t: Service-level threshold, >= 0.
        max_abandon: Optional upper bound on ``p_abandon`` that must also hold, strictly between 0 and 1.

    Returns:
        The minimal ``n`` meeting the target(s).

    Raises:
        ValueError: If an input is out of range (the message names the argument).
    """
    lam = _check_real("lam", lam, positive=True, allow_zero=False)
    mu = _check_real("mu", mu, positive=True, allow_zero=False)
    theta = _check_real("theta", theta, positive=True)
    target = _check_target(target_sl)
    t = _check_real("t", t, positive=True)
    if max_abandon is not None:
        max_abandon = _check_real("max_abandon", max_abandon)
        if not 0.0 < max_abandon < 1.0:
            raise ValueError(f"max_abandon must be strictly between 0 and 1, got {max_abandon!r}")

    def ok(k: int) -> bool:
        if theta == 0.0 and lam / mu >= k:
            return False
        r = erlang_a_metrics(lam, mu, k, theta, t)
        assert r.service_level is not None
        return r.service_level >= target and (max_abandon is None or r.p_abandon <= max_abandon)

    lo, hi = 0, 1  # invariant: ok(lo) is False (or lo == 0), ok(hi) is what we test
    while not ok(hi):
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi
