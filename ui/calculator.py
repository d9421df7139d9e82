"""The seed-000 arithmetic as a small calculator shown beside the simulated comparison.

客服销售额 = 售前咨询量 x 咨询转化率 x 客单价; a conversion/AOV change; the bonus budget as a share of the
incremental profit. Pure arithmetic from :mod:`model.arithmetic`; the simulated CS sales are shown next to it
so a manager sees where waiting, abandonment and agent differences move the real figure.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from model.arithmetic import bonus_budget, sales_case
from model.present.format import money, pct
from model.present.i18n import t


def render_calculator(doc: dict[str, Any] | None, raw: dict[str, Any], lang: str) -> None:
    """Draw the calculator in an expander; ``doc`` is the comparison document (for the simulated figure)."""
    out = raw.get("outcomes") or {}
    tr = raw.get("traffic") or {}
    ag = raw.get("agents") or {}
    with st.expander(t("calc.header", lang), expanded=False):
        st.caption(t("calc.intro", lang))
        c1, c2, c3, c4 = st.columns(4)
        agents = int(c1.number_input(t("calc.agents", lang), 1, 5000, int(ag.get("count", 10)), key="calc_agents"))
        per_agent = c2.number_input(t("calc.per_agent", lang), 0.0, 5000.0,
                                    float(tr.get("inquiries_per_day", 1000)) / max(agents, 1), key="calc_per_agent")
        conv = c3.number_input(t("calc.conversion", lang), 0.0, 100.0,
                               100 * float(out.get("base_inquiry_conversion", 0.4)), key="calc_conversion") / 100
        aov = c4.number_input(t("calc.aov", lang), 0.0, 1e6, float(out.get("base_aov_yuan", 100.0)), key="calc_aov")
        d1, d2, d3, d4 = st.columns(4)
        days = int(d1.number_input(t("calc.days", lang), 1, 366, 30, key="calc_days"))
        cpct = d2.number_input(t("calc.conv_pct", lang), -90.0, 300.0, 20.0, key="calc_conv_pct")
        apct = d3.number_input(t("calc.aov_pct", lang), -90.0, 300.0, 20.0, key="calc_aov_pct")
        margin = d4.number_input(t("calc.margin", lang), 0.0, 100.0,
                                 100 * float((raw.get("economics") or {}).get("gross_margin_share", 0.38)),
                                 key="calc_margin") / 100
        share = st.slider(t("calc.share", lang), 0, 50, 10, key="calc_share") / 100
        case = sales_case(agents=agents, inquiries_per_agent_per_day=per_agent, conversion=conv, aov_yuan=aov,
                          days=days, conversion_pct=cpct, aov_pct=apct)
        profit = case.uplift_yuan * margin
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(t("calc.before", lang), money(case.sales_yuan, lang))
        m2.metric(t("calc.after", lang), money(case.new_sales_yuan, lang), pct(case.uplift_share, lang))
        m3.metric(t("calc.profit", lang), money(profit, lang))
        m4.metric(t("calc.budget", lang), money(bonus_budget(profit, share), lang))
        if doc:
            sims = [(name, b["team"].get("sales_yuan", {}).get("mean")) for name, b in doc["schemes"].items()]
            sim_days = doc["scenario"]["days"]
            lines = [f"- {name}: {money(v * days / sim_days, lang)}" for name, v in sims if v is not None]
            st.markdown(t("calc.simulated", lang, days=days) + "\n" + "\n".join(lines))
