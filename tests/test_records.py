"""The records contract (model/records.py): simulated frames follow it, bad frames are refused, and KPI options
are applied by model/kpi.py to raw frames (so imported history goes through the same code)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import INF, engine_input, taobao_scenario

from model import simulate
from model.chatcentre import run
from model.clock import ChatStatus, Rating
from model.kpi import SUM_COLUMNS, kpi_table, ratios
from model.kpicodes import KPI_CODES
from model.records import CHAT_COLUMNS, MSG_COLUMNS, OUTCOME_COLUMNS, RecordsError, validate_frames


@pytest.fixture(scope="module")
def res():
    return simulate(taobao_scenario(**{"meta.days": 1, "meta.replications": 2,
                                       "customers.recent_buyer_share": 0.1, "customers.advert_share": 0.05}))


def test_simulated_frames_follow_the_contract(res):
    validate_frames(res.chats, res.msgs)
    assert list(res.chats.columns) == list(CHAT_COLUMNS) + list(OUTCOME_COLUMNS)
    assert list(res.msgs.columns) == list(MSG_COLUMNS)
    assert set(res.chats["status"].unique()) <= {int(s) for s in ChatStatus}
    assert set(res.chats["rating"].unique()) <= {int(r) for r in Rating}


def test_bad_frames_are_refused_with_every_problem(res):
    chats = res.chats.drop(columns=["advert"]).assign(status=res.chats["status"].astype(float))
    with pytest.raises(RecordsError) as e:
        validate_frames(chats, res.msgs)
    assert "advert" in str(e.value) and "status" in str(e.value)
    bad = res.chats.copy()
    bad.loc[bad.index[0], "status"] = 7
    with pytest.raises(RecordsError, match="ChatStatus"):
        validate_frames(bad, res.msgs)
    orphan = res.msgs.copy()
    orphan.loc[orphan.index[0], "chat"] = 10**6
    with pytest.raises(RecordsError, match="point at no chat"):
        validate_frames(res.chats, orphan)


def test_the_engine_records_ghosts_itself():
    # chat 1 leaves silently at 31 (patience 30) while queued; its chat stays queued and is answered later
    rec = run(engine_input([0.0, 1.0, 2.0], reply=[100.0, 20.0, 10.0], patience=[INF, 30.0, 5.0],
                           silent=[False, True, False], horizon_s=86_400.0))
    assert rec.chat_ghost.tolist() == [False, True, False]
    assert rec.chat_status.tolist() == [ChatStatus.ANSWERED, ChatStatus.ABANDONED, ChatStatus.ABANDONED]


def test_kpis_from_sums_are_the_kpis_from_frames(res):
    """Per-agent sums made elsewhere (an imported history) give the same KPIs through kpi.ratios."""
    t = kpi_table(res.chats, res.msgs, res.duty, by_agent=True, period=None, options=res.scenario.kpi)
    c = res.chats[res.chats["agent"] >= 0]
    sums = pd.DataFrame({k: 0.0 for k in SUM_COLUMNS}, index=pd.MultiIndex.from_frame(t[["rep", "agent"]]))
    g = c.groupby(["rep", "agent"])
    sums["chats"] = g.size()
    sums["receptions"] = g.size()
    sums["paid_buyers"] = 1.0
    sums["sales_yuan"] = g["value_yuan"].sum()
    out = ratios(sums)
    assert set(KPI_CODES) <= set(out.columns)
    np.testing.assert_allclose(out["aov_yuan"].to_numpy(), sums["sales_yuan"].to_numpy())
    assert np.isnan(out["inquiry_conversion"]).all()  # no inquiries in these sums: a missing ratio, not 0


def test_kpi_options_act_on_raw_frames(res):
    """The reception filters are KPI options, not columns: switching one changes the KPIs of the same records."""
    on = kpi_table(res.chats, res.msgs, res.duty, by_agent=False, period=None, options=res.scenario.kpi)
    opts = res.scenario.kpi.model_copy(update={"exclude_adverts": False, "exclude_recent_buyers_days": None})
    off = kpi_table(res.chats, res.msgs, res.duty, by_agent=False, period=None, options=opts)
    pre = res.chats[~res.chats["aftersale"]]
    unresp = pre["unresponsive"]
    for r in (0, 1):
        assert off["inquiries"][r] == (~unresp[pre["rep"] == r]).sum()
        assert on["inquiries"][r] < off["inquiries"][r]
