"""The behaviour section's data frames and catalogue (the page itself is covered by the compare page's AppTest)."""

from __future__ import annotations

import re

from model.present.i18n import CATALOGUES, t
from ui.behaviour_view import agent_table, effort_frame, views_frame

DOC = {
    "behaviour_model": "effort_equilibrium",
    "schemes": {
        "达标奖 45%": {
            "basis": "forecast",
            "economics": {"net_gain_yuan": {"mean": 36866.0, "lo": 35031.0, "hi": 38701.0},
                          "uplift_yuan": {"mean": 104384.0}, "bonus_cost_yuan": {"mean": 2800.0}},
            "team": {"inquiry_conversion": {"mean": 0.4236}, "avg_response_s": {"mean": 50.8}},
            "views": {"mechanics": {"economics": {"net_gain_yuan": {"mean": -2000.0, "lo": None, "hi": None},
                                                  "uplift_yuan": {"mean": 0.0}, "bonus_cost_yuan": {"mean": 2000.0}},
                                    "team": {"inquiry_conversion": {"mean": 0.3974}, "avg_response_s": {"mean": 60.3}}}},
            "behaviour": {"team_effort": {"selling": 0.16}, "gave_up": 1, "responds": True, "converged": True,
                          "agents": [
                              {"name": "客服01", "effort": {"selling": 0.5, "speed": 1.0, "service": -0.2},
                               "at_ceiling": ["speed"],
                               "p_reach": {"threshold:inquiry_conversion": 0.62}, "expected_pay_yuan": 620.0,
                               "expected_variable_pay_yuan": 620.0, "gave_up": False, "secure": False},
                              {"name": "客服02", "effort": {"selling": 0.0, "speed": 0.0, "service": 0.0},
                               "p_reach": {"threshold:inquiry_conversion": 0.01}, "expected_pay_yuan": 10.0,
                               "expected_variable_pay_yuan": 10.0, "gave_up": True, "secure": False}]},
        },
    },
}


def test_views_frame_labels_every_basis_in_each_language():
    for lang in ("zh", "en"):
        df = views_frame(DOC, lang)
        assert list(df[t("beh.col.basis", lang)]) == [t("beh.basis.forecast", lang), t("beh.basis.mechanics", lang)]
        assert df[t("beh.col.gave_up", lang)].iloc[0] == "1 / 2"
        assert df[t("beh.col.net_ci", lang)].iloc[1] == "—"  # no interval: shown as a dash, not a number


def test_agent_table_and_effort_frame():
    tab = agent_table(DOC["schemes"]["达标奖 45%"], "en")
    assert list(tab["State"]) == ["Trying", "Gave up"]
    assert tab["Chance of reaching / winning"].iloc[0] == "62%"
    assert list(tab["Speed"]) == ["+1.00 (ceiling)", "+0.00"]  # more pay cannot buy more of it
    assert agent_table(DOC["schemes"]["达标奖 45%"], "zh")["速度"].iloc[0] == "+1.00 (上限)"
    ef = effort_frame(DOC["schemes"]["达标奖 45%"], "zh")
    assert len(ef) == 6 and set(ef["dim"]) == {"销售", "速度", "服务"}


def test_catalogues_have_the_same_keys_and_placeholders():
    zh, en = CATALOGUES["zh"], CATALOGUES["en"]
    assert set(zh) == set(en)
    for k in zh:
        assert set(re.findall(r"{(\w+)", zh[k])) == set(re.findall(r"{(\w+)", en[k])), k
