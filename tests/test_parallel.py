"""Replications on a local process pool give the records and the run document of one process (issue 17)."""

from __future__ import annotations

import json

import pandas as pd

from model.document import evaluate
from model.scenario import load_scenario
from model.simulate import simulate

SHOP = "scenarios/taobao_10_agents.toml"
SHORT = ["meta.days=2", "meta.replications=3", "behaviour.model=none"]


def test_two_workers_give_the_records_of_one_process():
    s = load_scenario(SHOP, SHORT)
    one, two = simulate(s, workers=1), simulate(s, workers=2)
    assert one.chats["rep"].nunique() == 3 and "paid" in two.chats.columns  # outcomes made in the workers
    pd.testing.assert_frame_equal(one.chats, two.chats, check_exact=True)
    pd.testing.assert_frame_equal(one.msgs, two.msgs, check_exact=True)
    pd.testing.assert_frame_equal(one.silent_orders, two.silent_orders, check_exact=True)


def test_two_workers_give_the_run_document_of_one_process():
    s = load_scenario(SHOP, SHORT)
    docs = [json.dumps(evaluate(s, workers=w), ensure_ascii=False, sort_keys=True) for w in (1, 2)]
    assert docs[0] == docs[1]
