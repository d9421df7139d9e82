"""Agents needed in every hour of the planned month to hold a line at a chosen quantile of the forecast volume.

* **First answer (Erlang)**: each (day, hour) is a steady state with the forecast's ``q``-quantile chats; the
  agents needed by :func:`model.tuning.staffing.erlang_need` with abandonment (Erlang A over chat slots, Erlang C
  over the typists' messages; concurrency as the engine has it). Hours of equal volume share one answer.
* **Checked answer (simulation)**: the busiest day of the month is simulated by the existing staffing search
  (:func:`model.tuning.staffing.staffing`: the Erlang A plan as 24 one-hour shifts, then rounds that add or take
  agents per hour), on that day's ``q``-volume. The simulated line at the Erlang plan and the fewest agents seen
  holding it are reported per hour, with the reasons where the two differ (concurrency, abandonment, carry-over).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model.edits import with_edits
from model.errors import ScenarioError
from model.schema import Scenario
from model.tuning.staffing import LINES, erlang_need, staffing

#: Default 3-minute reply-rate target when the platform's line is lower (a penalty floor, not a service goal).
DEFAULT_TARGET = 0.8


@dataclass
class Requirement:
    """Agents needed per (day, hour) of the month.

    Attributes:
        need: array (days, 24) of agents (Erlang A at the quantile volume).
        chats: array (days, 24) of the quantile chats per hour (pre- and after-sale).
        line, value: the line held.
        check: the simulation check of the busiest day (a table per hour: chats, erlang_a, sim,
            sim_value_at_erlang_a) or None when not run.
        check_day: the index of the checked day.
        notes: where Erlang and the simulation disagree, and why ({"hours", "direction", "zh", "en"}).
    """

    need: np.ndarray
    chats: np.ndarray
    line: str
    value: float
    check: pd.DataFrame | None = None
    check_day: int | None = None
    notes: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        out: dict[str, Any] = {"line": self.line, "value": self.value, "need": self.need.astype(int).tolist(),
                               "peak_agents": int(self.need.max()) if self.need.size else 0,
                               "agent_hours": int(self.need.sum()), "notes": self.notes}
        if self.check is not None:
            out["check_day"] = self.check_day
            out["check"] = self.check.replace({np.nan: None}).astype(object).where(
                self.check.notna(), None).to_dict(orient="records")
        return out


def erlang_requirement(s: Scenario, chats: np.ndarray, line: str, value: float) -> np.ndarray:
    """Erlang A agents per cell of ``chats`` (chats per hour); cells share answers after rounding up to 0.5 chat."""
    if line not in LINES:
        raise ScenarioError(f"'{line}' is not a staffing line; use one of {', '.join(LINES)}", key="--line")
    memo: dict[float, int] = {}
    out = np.zeros(chats.shape, dtype=int)
    for idx, c in np.ndenumerate(chats):
        k = math.ceil(float(c) * 2) / 2
        if k not in memo:
            n = erlang_need(s, k, line, value, abandonment=True)
            if n is None:
                raise ScenarioError(f"{k:g} chats an hour need more agents than the search allows", key="--quantile")
            memo[k] = n
        out[idx] = memo[k]
    return out


def check_day(s: Scenario, chats_day: np.ndarray, line: str, value: float, *, reps: int = 2,
              rounds: int = 4) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Simulate one day of ``chats_day`` (24 hourly chats) with the existing staffing search."""
    total = float(chats_day.sum())
    prof = (chats_day / total).tolist() if total > 0 else "flat"
    one = with_edits(s, {"meta.days": 1, "meta.start_weekday": 0, "meta.months": 1, "traffic.inquiries_per_day": total,
                         "traffic.aftersale_per_day": 0.0, "traffic.intraday_profile": prof,
                         "traffic.aftersale_profile": None, "traffic.weekday_factors": [1.0] * 7,
                         "traffic.promo_days": [], "traffic.open_hours": [0.0, 24.0]}, notices=[])
    ans = staffing(one, line, value, day=0, reps=reps, rounds=rounds)
    return ans.table, ans.notes


def requirement(s: Scenario, chats: np.ndarray, line: str, value: float, *, simulate_check: bool = True,
                reps: int = 2, rounds: int = 4) -> Requirement:
    """Agents per (day, hour) by Erlang A, and the simulation check of the busiest day."""
    need = erlang_requirement(s, chats, line, value)
    req = Requirement(need=need, chats=chats, line=line, value=value)
    if simulate_check and chats.sum() > 0:
        d = int(np.argmax(chats.sum(axis=1)))
        req.check, req.notes = check_day(s, chats[d], line, value, reps=reps, rounds=rounds)
        req.check_day = d
    return req


def default_line(platform_value: float | None) -> float:
    """The 3-minute reply-rate target: the platform's line or :data:`DEFAULT_TARGET`, whichever is stricter."""
    return max(DEFAULT_TARGET, platform_value or 0.0)
