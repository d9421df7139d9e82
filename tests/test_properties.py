"""Layer 3: property tests (hypothesis) on small random scenarios."""

from __future__ import annotations

import json

import numpy as np
from conftest import erlang_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import evaluate, simulate
from model.kpicodes import KPI_CODES

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

small = st.fixed_dictionaries({
    "agents.count": st.integers(1, 4),
    "agents.max_concurrent_chats": st.integers(1, 3),
    "agents.routing": st.sampled_from(["least_busy", "round_robin"]),
    "agents.reply_time.dist": st.sampled_from(["exponential", "lognormal", "constant", "gamma"]),
    "agents.reply_time.mean_s": st.floats(5, 400),
    "traffic.inquiries_per_day": st.floats(20, 1500),
    "traffic.aftersale_per_day": st.floats(0, 200),
    "traffic.intraday_profile": st.sampled_from(["flat", "ecommerce", "daytime"]),
    "customers.messages_per_chat": st.floats(1, 4),
    "customers.patience.dist": st.sampled_from(["none", "exponential", "lognormal"]),
    "customers.patience.silent_share": st.floats(0, 1),
    "customers.advert_share": st.floats(0, 0.3),
    "customers.unresponsive_share": st.floats(0, 0.3),
    "meta.seed": st.integers(0, 2**31),
})


def _scenario(ch):
    return erlang_scenario(**{"meta.days": 1, "meta.replications": 1, "customers.think_time.mean_s": 20.0,
                              "agents.concurrency_slowdown": [1.0, 1.2, 1.4], **ch})


@SETTINGS
@given(small)
def test_no_chat_lost_and_kpis_in_range(ch):
    res = simulate(_scenario(ch))
    c = res.counts()
    assert c["arrived"] == c["answered"] + c["abandoned"] + c["in_progress_at_end"]
    assert c["messages"] >= c["arrived"] - c["abandoned"]  # every chat that was not abandoned sent >= 1
    if ch["customers.patience.dist"] == "none":
        assert c["abandoned"] == 0
    for tab in (res.table(), res.table(by_agent=True)):
        for code, k in KPI_CODES.items():
            v = tab[code].to_numpy(dtype=float)
            v = v[np.isfinite(v)]
            assert (v >= k.lo - 1e-9).all(), (code, v.min())
            if k.hi is not None:
                assert (v <= k.hi + 1e-9).all(), (code, v.max())
    # per-agent receptions add up to the team's
    assert res.table(by_agent=True)["receptions"].sum() == res.table()["receptions"].sum()


@SETTINGS
@given(small)
def test_same_seed_identical_json_different_seed_differs(ch):
    s = _scenario(ch)
    a = json.dumps(evaluate(s), sort_keys=True)
    b = json.dumps(evaluate(s), sort_keys=True)
    assert a == b
    c = json.dumps(evaluate(s, seed=ch["meta.seed"] + 1), sort_keys=True)
    assert c != a


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 5), per_day=st.floats(200, 2000), seed=st.integers(0, 2**31))
def test_more_agents_never_worse_queue_wait(n, per_day, seed):
    # Erlang case (cap 1, one message, no patience, FCFS): on the same random numbers (same arrivals and the
    # same service time per chat), an extra agent can only take chats earlier.
    base = {"meta.days": 1, "meta.replications": 1, "meta.seed": seed, "traffic.inquiries_per_day": per_day,
            "customers.patience.dist": "none", "agents.reply_time.mean_s": 300.0}
    waits = []
    for k in (n, n + 1):
        res = simulate(erlang_scenario(**base, **{"agents.count": k}))
        waits.append(res.chats["queue_wait_s"].to_numpy())
    assert len(waits[0]) == len(waits[1])
    assert (waits[1] <= waits[0] + 1e-6).all()  # chat by chat, not only on average
    assert waits[1].mean() <= waits[0].mean() + 1e-9
