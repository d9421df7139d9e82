"""SimResult: the flat records of every replication, KPI tables over them, and re-pricing without SimPy."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from model.clock import ChatStatus
from model.draws import Draws
from model.effects import Effects
from model.kpi import SHOP_TOTAL_CODES, kpi_table, three_min_basis
from model.outcomes import apply_outcomes
from model.platform_rules import bot_counting
from model.records import OPTIONAL_OUTCOME_COLUMNS, OUTCOME_COLUMNS
from model.schema import Scenario


@dataclass
class SimResult:
    """Flat records of every replication plus what is needed to re-price without re-simulating.

    Attributes:
        scenario: the scenario simulated.
        agents: static agent attributes (:func:`model.team.agent_table`).
        chats: one row per chat (all replications), outcomes included (:mod:`model.records`).
        msgs: one row per buyer message.
        duty: on-duty seconds per agent and day.
        draws: per replication, the draws (for re-computing outcomes under other effects).
        effects: the effects the records were simulated with.
        silent_orders: per replication, ``silent_orders`` (count) and ``silent_orders_yuan``.
        retimed: True when the records were re-timed from a base run (:mod:`model.retime`, ``meta.share_engine``)
            rather than simulated; the documents say so per scheme (``run``).
    """

    scenario: Scenario
    agents: pd.DataFrame
    chats: pd.DataFrame
    msgs: pd.DataFrame
    duty: pd.DataFrame
    draws: list[Draws] = field(repr=False, default_factory=list)
    effects: Effects = field(default_factory=Effects)
    silent_orders: pd.DataFrame = field(default_factory=pd.DataFrame)
    retimed: bool = False

    @property
    def replications(self) -> int:
        return len(self.draws)

    @property
    def has_bot(self) -> bool:
        """True when the records carry the bot front line's columns (``handled_by``)."""
        return "handled_by" in self.chats.columns

    def table(self, *, by_agent: bool = False, period: str | None = None, view: str | None = None) -> pd.DataFrame:
        """KPI table for the team or per agent, for the horizon or per day / week / month (cached).

        ``view`` matters only with the bot front line (:attr:`has_bot`): "human", "bot", "all"
        (:data:`model.kpi.VIEWS`) or "platform"; the default is "platform" for the team (each KPI code as the
        shop's platform counts it: :func:`platform_view`) and "human" per agent (what schemes pay on).
        """
        if not self.has_bot:
            view = None
        elif view is None:
            view = "human" if by_agent else "platform"
        key = (by_agent, period) if view is None else (by_agent, period, view)
        cache = self._cache
        if key not in cache:
            s = self.scenario
            if view == "platform":
                cache[key] = platform_view(self.table(by_agent=by_agent, period=period, view="human"),
                                           self.table(by_agent=by_agent, period=period, view="all"),
                                           s.shop.platform)
            else:
                cache[key] = kpi_table(self.chats, self.msgs, self.duty, by_agent=by_agent, period=period,
                                       options=s.kpi, reps=range(self.replications),
                                       three_min_basis=three_min_basis(s.kpi, s.shop.platform), view=view)
        return cache[key]

    @cached_property
    def _cache(self) -> dict:
        return {}

    def with_effects(self, effects: Effects) -> SimResult:
        """The same simulated traffic with other outcome effects (no SimPy re-run).

        Only valid when the effects leave the engine unchanged (same engine key).
        """
        if effects.engine_key() != self.effects.engine_key():
            raise ValueError("these effects change the engine (reply times, latency); it must run again (simulate)")
        parts = []
        for rep, d in enumerate(self.draws):
            c = self.chats[self.chats["rep"] == rep]
            parts.append(apply_outcomes(self.scenario, c.drop(columns=list(OUTCOME_COLUMNS) + list(OPTIONAL_OUTCOME_COLUMNS), errors="ignore"), d, self.agents,
                                        effects))
        return SimResult(self.scenario, self.agents, pd.concat(parts, ignore_index=True), self.msgs, self.duty,
                         self.draws, effects, self.silent_orders, retimed=self.retimed)

    def counts(self) -> dict[str, int]:
        """Contract counts summed over replications."""
        st = self.chats["status"].to_numpy()
        return {
            "arrived": int(len(st)),
            "answered": int((st == ChatStatus.ANSWERED).sum()),
            "abandoned": int((st == ChatStatus.ABANDONED).sum()),
            "in_progress_at_end": int((st == ChatStatus.IN_PROGRESS).sum()),
            "messages": int(len(self.msgs)),
        }


def platform_view(human: pd.DataFrame, every: pd.DataFrame, platform: str | None) -> pd.DataFrame:
    """The KPI table as the platform counts the bot: the human view, with the codes the platform's rule pack
    counts the bot in (``[bot] counts_bot``) and the shop's totals (:data:`model.kpi.SHOP_TOTAL_CODES`: its
    inquirers, orders, sales and conversion, the bot's included) taken from the all view."""
    codes = [c for c in (*SHOP_TOTAL_CODES, *bot_counting(platform).counts_bot) if c in every.columns]
    out = human.copy()
    keys = [k for k in human.columns if k in ("rep", "agent", "day", "week", "month", "round4")]
    if list(human[keys].itertuples(index=False)) != list(every[keys].itertuples(index=False)):
        every = human[keys].merge(every, on=keys, how="left")
    for c in codes:
        out[c] = every[c].to_numpy()
    return out
