"""Tests for model.queueing: reference values, limits, special cases, identities and error messages.

Reference values come from hand computation (exact fractions), published Erlang B tables, closed forms of
special cases (M/M/1, M/M/2, M/M/inf-like Erlang A with theta = mu), the published Erlang A formulas of
Mandelbaum & Zeltyn (incomplete gamma), and independent direct summations written out in this file.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.integrate import quad
from scipy.special import gammainc, gammaln, logsumexp

from model.queueing import (
    ErlangAResult,
    ErlangCResult,
    erlang_a_agents_for_service_level,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_agents_for_service_level,
    erlang_c_metrics,
)

# --------------------------------------------------------------------------------------------------------
# Independent references
# --------------------------------------------------------------------------------------------------------


def exact_erlang_b(n: int, a: Fraction) -> Fraction:
    """Erlang B from its defining ratio, in exact rational arithmetic."""
    terms = [Fraction(1)]
    for k in range(1, n + 1):
        terms.append(terms[-1] * a / k)
    return terms[-1] / sum(terms)


def exact_erlang_c(n: int, a: Fraction) -> Fraction:
    """Erlang C from its defining ratio (the M/M/n stationary distribution), in exact arithmetic."""
    terms = [Fraction(1)]
    for k in range(1, n + 1):
        terms.append(terms[-1] * a / k)
    wait = terms[-1] * n / (n - a)
    return wait / (sum(terms[:-1]) + wait)


def direct_mm1m(lam: float, mu: float, theta: float) -> dict[str, float]:
    """M/M/1+M by plain summation of the birth-death product form, no logs, no vectorization."""
    probs = [1.0]
    k = 0
    while True:
        k += 1
        probs.append(probs[-1] * lam / (mu + (k - 1) * theta))
        if k > 10 and probs[-1] < 1e-20 * sum(probs):
            break
    z = sum(probs)
    pi = [p / z for p in probs]
    lq = sum((k - 1) * p for k, p in enumerate(pi) if k >= 1)
    return {"p_wait": 1.0 - pi[0], "lq": lq, "p_abandon": theta * lq / lam, "busy": 1.0 - pi[0]}


# --------------------------------------------------------------------------------------------------------
# Erlang B
# --------------------------------------------------------------------------------------------------------


def test_erlang_b_hand_values() -> None:
    # B(5, 3) = (3^5/5!) / sum_{k<=5} 3^k/k! = (81/40) / (736/40) = 81/736 = 0.110054...
    assert erlang_b(5, 3.0) == pytest.approx(81 / 736, rel=1e-13)
    assert erlang_b(5, 3.0) == pytest.approx(0.1101, abs=5e-5)
    assert erlang_b(10, 5.0) == pytest.approx(float(exact_erlang_b(10, Fraction(5))), rel=1e-13)
    assert erlang_b(10, 5.0) == pytest.approx(0.01838, abs=5e-6)
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_b(0, 4.0) == 1.0
    assert erlang_b(7, 0.0) == 0.0


@pytest.mark.parametrize(
    ("n", "a", "grade"),
    [
        # Standard Erlang B tables (offered traffic in Erlangs at a given grade of service).
        (5, 1.361, 0.01),
        (10, 4.461, 0.01),
        (20, 12.031, 0.01),
        (100, 84.06, 0.01),
        (10, 5.084, 0.02),
    ],
)
def test_erlang_b_published_table(n: int, a: float, grade: float) -> None:
    assert erlang_b(n, a) == pytest.approx(grade, rel=2e-3)


def test_erlang_b_large_n_matches_poisson_ratio() -> None:
    # B(n, a) = P(Poisson(a) = n) / P(Poisson(a) <= n), here as a log-sum-exp over a^k / k!.
    for n, a in [(2000, 1950.0), (2000, 2500.0), (1500, 1000.0), (300, 4000.0)]:
        log_terms = np.arange(n + 1) * math.log(a) - gammaln(np.arange(n + 1) + 1.0)
        ref = math.exp(log_terms[-1] - logsumexp(log_terms))
        assert erlang_b(n, a) == pytest.approx(ref, rel=1e-9)
    assert erlang_b(1000, 900.0) == pytest.approx(
        math.exp(stats.poisson.logpmf(1000, 900.0) - stats.poisson.logcdf(1000, 900.0)), rel=1e-9
    )
    assert 0.0 <= erlang_b(2000, 10.0) < 1e-300
    assert erlang_b(10, 1e4) == pytest.approx(1 - 10 / 1e4, rel=1e-5)


# --------------------------------------------------------------------------------------------------------
# Erlang C
# --------------------------------------------------------------------------------------------------------


def test_erlang_c_hand_values() -> None:
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, rel=1e-13)
    # lam = 1/min, handling 3 min, 5 agents: C(5, 3) = 0.23615..., 76.4% answered at once.
    assert erlang_c(5, 3.0) == pytest.approx(float(exact_erlang_c(5, Fraction(3))), rel=1e-13)
    assert erlang_c(5, 3.0) == pytest.approx(0.23615, abs=1e-5)
    # A realistic call-centre size: 360 calls per half hour, 4 min handling (48 Erlangs), 55 agents.
    assert erlang_c(55, 48.0) == pytest.approx(float(exact_erlang_c(55, Fraction(48))), rel=1e-12)


@pytest.mark.parametrize("rho", [0.1, 0.5, 0.9, 0.999])
def test_erlang_c_closed_forms_one_and_two_agents(rho: float) -> None:
    assert erlang_c(1, rho) == pytest.approx(rho, rel=1e-12)  # M/M/1: P(wait) = rho
    assert erlang_c(2, 2 * rho) == pytest.approx(2 * rho**2 / (1 + rho), rel=1e-12)  # M/M/2


def test_erlang_c_unstable_and_edge_cases() -> None:
    assert erlang_c(3, 3.0) == 1.0
    assert erlang_c(3, 7.5) == 1.0
    assert erlang_c(4, 0.0) == 0.0


def test_erlang_c_large_n_matches_log_space_reference() -> None:
    n, a = 2000, 1990.0
    k = np.arange(n)
    log_head = k * math.log(a) - gammaln(k + 1)
    log_wait = n * math.log(a) - gammaln(n + 1) + math.log(n / (n - a))
    ref = math.exp(log_wait - np.logaddexp(logsumexp(log_head), log_wait))
    assert erlang_c(n, a) == pytest.approx(ref, rel=1e-9)


def test_erlang_c_metrics_mm1_closed_form() -> None:
    lam, mu = 3.0, 4.0
    rho = lam / mu
    r = erlang_c_metrics(lam, mu, 1, t=0.5)
    assert isinstance(r, ErlangCResult)
    assert r.p_wait == pytest.approx(rho)
    assert r.mean_queue_wait == pytest.approx(rho / (mu - lam))
    assert r.mean_queue_length == pytest.approx(rho**2 / (1 - rho))
    assert r.utilization == pytest.approx(rho)
    assert r.mean_response == pytest.approx(1 / (mu - lam))  # M/M/1 sojourn time
    assert r.service_level == pytest.approx(1 - rho * math.exp(-(mu - lam) * 0.5))
    assert r.service_level_at(0.5) == pytest.approx(r.service_level)
    assert r.service_level_at(0.0) == pytest.approx(1 - rho)
    assert r.wait_gt(0.5) == pytest.approx(1 - r.service_level)
    assert erlang_c_metrics(lam, mu, 1).service_level is None


def test_erlang_c_metrics_hand_values() -> None:
    r = erlang_c_metrics(2.0, 1.0, 3, t=1.0)
    assert r.p_wait == pytest.approx(4 / 9)
    assert r.mean_queue_wait == pytest.approx(4 / 9)  # C / (n mu - lam) = (4/9) / 1
    assert r.mean_queue_length == pytest.approx(8 / 9)
    assert r.utilization == pytest.approx(2 / 3)
    assert r.service_level == pytest.approx(1 - 4 / 9 * math.exp(-1.0))
    with pytest.raises(AttributeError):
        r.p_wait = 0.0  # type: ignore[misc]  # frozen


def test_erlang_c_metrics_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="unstable"):
        erlang_c_metrics(3.0, 1.0, 3)
    with pytest.raises(ValueError, match=r"lam must be > 0"):
        erlang_c_metrics(0.0, 1.0, 3)
    with pytest.raises(ValueError, match=r"mu must be > 0"):
        erlang_c_metrics(1.0, -1.0, 3)
    with pytest.raises(ValueError, match=r"^n must be >= 1"):
        erlang_c_metrics(1.0, 1.0, 0)
    with pytest.raises(ValueError, match=r"^n must be an integer"):
        erlang_c_metrics(1.0, 1.0, 2.5)
    with pytest.raises(ValueError, match=r"^n must be an integer"):
        erlang_c_metrics(1.0, 1.0, True)
    with pytest.raises(ValueError, match=r"^t must be >= 0"):
        erlang_c_metrics(1.0, 2.0, 1, t=-1.0)
    with pytest.raises(ValueError, match=r"^lam must be finite"):
        erlang_c_metrics(math.nan, 1.0, 3)
    with pytest.raises(ValueError, match=r"^a must be >= 0"):
        erlang_c(3, -0.5)
    with pytest.raises(ValueError, match=r"^mu must be a real number"):
        erlang_c_metrics(1.0, "2", 3)  # type: ignore[arg-type]
    assert erlang_c_metrics(1.0, 1.0, 3.0).n == 3  # an integral float is accepted
    assert erlang_c_metrics(1.0, 1.0, np.int64(3)).n == 3


def test_erlang_c_agents_for_service_level_is_minimal() -> None:
    lam, mu, t = 12.0, 0.25, 0.25  # 360 calls / 30 min, 4 min handling, 15 s target (minutes)
    for target in (0.5, 0.8, 0.9, 0.99):
        n = erlang_c_agents_for_service_level(lam, mu, target, t)
        assert erlang_c_metrics(lam, mu, n, t=t).service_level >= target
        if n - 1 > lam / mu:
            assert erlang_c_metrics(lam, mu, n - 1, t=t).service_level < target
    # t = 0: the target is 1 - C directly; a = 2 needs n = 4 for 80% (C(3,2) = 4/9, C(4,2) = 4/23).
    assert erlang_c(4, 2.0) == pytest.approx(4 / 23)
    assert erlang_c_agents_for_service_level(2.0, 1.0, 0.8, 0.0) == 4
    with pytest.raises(ValueError, match="target_sl"):
        erlang_c_agents_for_service_level(2.0, 1.0, 1.0, 1.0)


# --------------------------------------------------------------------------------------------------------
# Erlang A
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lam", "mu", "n"), [(2.0, 1.0, 3), (12.0, 0.25, 55), (0.9, 1.0, 1)])
def test_erlang_a_converges_to_erlang_c_as_theta_vanishes(lam: float, mu: float, n: int) -> None:
    c = erlang_c_metrics(lam, mu, n, t=0.3)
    a0 = erlang_a_metrics(lam, mu, n, 0.0, t=0.3)
    a_small = erlang_a_metrics(lam, mu, n, 1e-9, t=0.3)
    for r, rel in ((a0, 1e-10), (a_small, 1e-5)):
        assert r.p_wait == pytest.approx(c.p_wait, rel=rel)
        assert r.mean_queue_wait == pytest.approx(c.mean_queue_wait, rel=rel)
        assert r.mean_queue_wait_served == pytest.approx(c.mean_queue_wait, rel=rel)
        assert r.mean_queue_length == pytest.approx(c.mean_queue_length, rel=rel)
        assert r.utilization == pytest.approx(c.utilization, rel=rel)
        assert r.service_level == pytest.approx(c.service_level, rel=rel)
        assert r.p_wait_le_t == pytest.approx(c.service_level, rel=rel)
    assert a0.p_abandon == 0.0
    assert math.isnan(a0.mean_queue_wait_abandoned)
    assert a_small.p_abandon == pytest.approx(0.0, abs=1e-7)


@pytest.mark.parametrize(("a", "n"), [(2.0, 3), (5.0, 4), (30.0, 20), (400.0, 420)])
def test_erlang_a_with_theta_equal_mu_is_poisson(a: float, n: int) -> None:
    # theta = mu: death rate k mu in every state, so the number in system is Poisson(a) (M/M/inf).
    mu = 0.5
    r = erlang_a_metrics(a * mu, mu, n, mu)
    assert r.p_wait == pytest.approx(stats.poisson.sf(n - 1, a), rel=1e-9)
    k = np.arange(n, int(a + 60 * math.sqrt(a) + 60))
    lq = float(np.sum((k - n) * stats.poisson.pmf(k, a)))
    assert r.mean_queue_length == pytest.approx(lq, rel=1e-9)
    busy = float(np.sum(np.minimum(np.arange(k[-1]), n) * stats.poisson.pmf(np.arange(k[-1]), a)))
    assert r.utilization == pytest.approx(busy / n, rel=1e-9)


@pytest.mark.parametrize(("lam", "mu", "theta"), [(0.5, 1.0, 0.2), (2.0, 1.0, 0.5), (5.0, 1.0, 0.1)])
def test_erlang_a_single_agent_matches_direct_summation(lam: float, mu: float, theta: float) -> None:
    ref = direct_mm1m(lam, mu, theta)
    r = erlang_a_metrics(lam, mu, 1, theta)
    assert r.p_wait == pytest.approx(ref["p_wait"], rel=1e-10)
    assert r.mean_queue_length == pytest.approx(ref["lq"], rel=1e-10)
    assert r.p_abandon == pytest.approx(ref["p_abandon"], rel=1e-10)
    assert r.utilization == pytest.approx(ref["busy"], rel=1e-10)


CASES = [
    (5.0, 1.0, 4, 1.0),
    (10.0, 1.0, 8, 0.3),
    (3.0, 1.0, 5, 2.0),
    (20.0, 1.0, 10, 0.1),
    (0.4, 1 / 3, 2, 0.05),
]


@pytest.mark.parametrize(("lam", "mu", "n", "theta"), CASES)
def test_erlang_a_published_incomplete_gamma_formulas(lam: float, mu: float, n: int, theta: float) -> None:
    # Mandelbaum & Zeltyn: x = n mu/theta, y = lam/theta, A(x, y) = x e^y y^-x gamma(x, y),
    # pi_n = B / (1 + (A - 1) B), P(W > 0) = A pi_n, P(Ab | W > 0) = 1/(rho A) + 1 - 1/rho,
    # P(V > t) = P(W > 0) gamma(x, y e^{-theta t}) / gamma(x, y).
    x, y, rho = n * mu / theta, lam / theta, lam / (n * mu)
    big_a = x * math.exp(y + gammaln(x) - x * math.log(y)) * gammainc(x, y)
    b = erlang_b(n, lam / mu)
    pi_n = b / (1 + (big_a - 1) * b)
    r = erlang_a_metrics(lam, mu, n, theta)
    assert r.p_wait == pytest.approx(big_a * pi_n, rel=1e-9)
    assert r.p_abandon / r.p_wait == pytest.approx(1 / (rho * big_a) + 1 - 1 / rho, rel=1e-9)
    for t in (0.1, 0.5, 2.0):
        ref = r.p_wait * gammainc(x, y * math.exp(-theta * t)) / gammainc(x, y)
        assert r.offered_wait_gt(t) == pytest.approx(ref, rel=1e-8)


@pytest.mark.parametrize(("lam", "mu", "n", "theta"), CASES)
def test_erlang_a_internal_identities(lam: float, mu: float, n: int, theta: float) -> None:
    r = erlang_a_metrics(lam, mu, n, theta, t=0.4)
    assert isinstance(r, ErlangAResult)
    assert r.p_served + r.p_abandon == pytest.approx(1.0, abs=1e-12)
    assert r.mean_queue_wait == pytest.approx(r.mean_queue_length / lam, rel=1e-12)
    # Mean wait over all arrivals splits into served and abandoned parts.
    split = r.p_served * r.mean_queue_wait_served + r.p_abandon * r.mean_queue_wait_abandoned
    assert split == pytest.approx(r.mean_queue_wait, rel=1e-10)
    # Carried load: throughput / (n mu) equals the mean share of busy agents.
    assert r.utilization == pytest.approx(lam * (1 - r.p_abandon) / (n * mu), rel=1e-10)
    # Distribution: the per-state recursion (means) agrees with the series/incomplete gamma (tails).
    assert quad(r.wait_gt, 0, math.inf)[0] == pytest.approx(r.mean_queue_wait, rel=1e-7)
    served_area = quad(r.served_and_wait_gt, 0, math.inf)[0]
    assert served_area == pytest.approx(r.p_served * r.mean_queue_wait_served, rel=1e-7)
    # P(Wq <= t) = P(served, Wq <= t) + P(abandoned, Wq <= t); limits at t = 0 and t -> inf.
    for t in (0.0, 0.05, 0.4, 3.0):
        assert r.wait_le(t) == pytest.approx(r.served_within(t) + r.abandon_within(t), abs=1e-12)
    assert r.served_within(0.0) == pytest.approx(1 - r.p_wait, abs=1e-12)
    assert r.wait_le(0.0) == pytest.approx(1 - r.p_wait, abs=1e-12)
    assert r.abandon_within(0.0) == pytest.approx(0.0, abs=1e-12)
    assert r.served_within(1e4) == pytest.approx(r.p_served, abs=1e-12)
    assert r.abandon_within(1e4) == pytest.approx(r.p_abandon, abs=1e-12)
    assert r.service_level == pytest.approx(r.served_within(0.4))
    assert r.p_wait_le_t == pytest.approx(r.wait_le(0.4))
    assert r.service_level <= r.p_wait_le_t
    assert r.offered_wait_gt(0.4) >= r.wait_gt(0.4)


def test_erlang_a_recursion_against_littles_law() -> None:
    # The tagged-customer recursion (P(served | j ahead), E[Wq | j]) must reproduce Lq/lam and theta Lq/lam.
    from model.queueing import _erlang_a_conditional, _erlang_a_core

    lam, mu, n, theta = 7.0, 1.0, 6, 0.4
    _, _, pq = _erlang_a_core(lam, mu, n, theta)
    cond = _erlang_a_conditional(n, mu, theta, pq)
    r = erlang_a_metrics(lam, mu, n, theta)
    assert float(pq @ cond["mean_wait"]) == pytest.approx(r.mean_queue_length / lam, rel=1e-12)
    assert float(pq @ (1 - cond["p_served"])) == pytest.approx(r.p_abandon, rel=1e-12)
    split = cond["wait_if_served"] + cond["wait_if_abandoned"]
    np.testing.assert_allclose(split, cond["mean_wait"], rtol=1e-13)
    # Explicit step-by-step recursion for one state: j = 3 customers ahead.
    c, j = n * mu, 3
    p_forward = [(c + k * theta) / (c + (k + 1) * theta) for k in range(j, -1, -1)]
    assert math.prod(p_forward) == pytest.approx(cond["p_served"][j], rel=1e-14)


def test_erlang_a_overloaded_large_system() -> None:
    # lam > n mu is stable with abandonment; fluid limit: p_abandon -> 1 - n mu / lam (Whitt 2006).
    r = erlang_a_metrics(3000.0, 1.0, 2000, 0.01, t=0.1)
    assert r.p_wait == pytest.approx(1.0)
    assert r.p_abandon == pytest.approx(1 - 2000 / 3000, rel=1e-6)
    assert r.utilization == pytest.approx(1.0, abs=1e-9)
    assert r.mean_queue_length == pytest.approx((3000 - 2000) / 0.01, rel=1e-3)
    assert 0.0 <= r.service_level <= 1.0
    # Heavily loaded but stable, n = 2000 agents, a = 1900 Erlangs.
    r2 = erlang_a_metrics(1900.0, 1.0, 2000, 0.5)
    assert 0.0 < r2.p_abandon < r2.p_wait < 1.0
    assert r2.p_wait < erlang_c(2000, 1900.0)


def test_erlang_a_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match=r"^theta must be >= 0"):
        erlang_a_metrics(1.0, 1.0, 2, -0.1)
    with pytest.raises(ValueError, match=r"^lam must be > 0"):
        erlang_a_metrics(-1.0, 1.0, 2, 0.1)
    with pytest.raises(ValueError, match=r"^n must be >= 1"):
        erlang_a_metrics(1.0, 1.0, 0, 0.1)
    with pytest.raises(ValueError, match=r"^t must be >= 0"):
        erlang_a_metrics(1.0, 1.0, 2, 0.1, t=-2.0)
    with pytest.raises(ValueError, match="theta = 0"):
        erlang_a_metrics(3.0, 1.0, 2, 0.0)


def test_erlang_a_agents_for_service_level_is_minimal() -> None:
    lam, mu, theta, t = 100.0, 10.0, 2.0, 0.05
    n = erlang_a_agents_for_service_level(lam, mu, theta, 0.8, t)
    assert erlang_a_metrics(lam, mu, n, theta, t=t).service_level >= 0.8
    assert erlang_a_metrics(lam, mu, n - 1, theta, t=t).service_level < 0.8
    m = erlang_a_agents_for_service_level(lam, mu, theta, 0.8, t, max_abandon=0.001)
    assert m >= n
    assert erlang_a_metrics(lam, mu, m, theta).p_abandon <= 0.001
    assert erlang_a_metrics(lam, mu, m - 1, theta).p_abandon > 0.001 or m == n
    with pytest.raises(ValueError, match="max_abandon"):
        erlang_a_agents_for_service_level(lam, mu, theta, 0.8, t, max_abandon=1.5)


# --------------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(a=st.floats(0.0, 300.0), n=st.integers(1, 400))
def test_erlang_c_is_a_probability_and_decreasing_in_n(a: float, n: int) -> None:
    c_n, c_next = erlang_c(n, a), erlang_c(n + 1, a)
    assert 0.0 <= c_n <= 1.0
    assert c_next <= c_n + 1e-12


@settings(max_examples=100, deadline=None)
@given(
    lam=st.floats(0.01, 200.0),
    mu=st.floats(0.05, 5.0),
    theta=st.floats(0.01, 10.0),
    n=st.integers(1, 200),
)
def test_erlang_a_abandonment_is_a_probability_and_decreasing_in_n(
    lam: float, mu: float, theta: float, n: int
) -> None:
    r, r_next = erlang_a_metrics(lam, mu, n, theta), erlang_a_metrics(lam, mu, n + 1, theta)
    for x in (r.p_abandon, r.p_wait, r.p_served, r.utilization):
        assert 0.0 <= x <= 1.0
    assert r.p_abandon + r.p_served == pytest.approx(1.0, abs=1e-12)
    assert r_next.p_abandon <= r.p_abandon * (1 + 1e-9) + 1e-300
    assert r_next.p_wait <= r.p_wait * (1 + 1e-9) + 1e-300
