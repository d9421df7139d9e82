"""The scenario's ``[tuning]`` table: the constraints a manager sets for the target optimiser, and its grid.

Part of the scenario language (pydantic only): the scenario schema imports it, never the tuning machinery.
The platform defaults come from :data:`model.platform_rules.RULES`. See docs/tuning.md and docs/scenario.md.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field, field_validator

from model.language.base import Strict
from model.platform_rules import rule_for

#: Most values one grid key may take (a sweep's size is also bounded as a whole: model.tuning.spec).
MAX_GRID_VALUES = 200

#: Each constraint of the table that defaults to a platform line, and the KPI of that line
#: (:data:`model.platform_rules.RULES`, the one table of platform lines).
LINE_KPIS: dict[str, str] = {"min_three_min_reply_rate": "three_min_reply_rate",
                             "min_good_rating_rate": "good_rating_rate",
                             "max_bad_attitude_share": "bad_attitude_share"}


class Tuning(Strict):
    """Constraints of the target optimiser (``python -m model tune``) and an optional sweep grid.

    A recommended target must satisfy every constraint; the one that stops a better target is named as the
    binding constraint. ``None`` switches a line off; the 3-minute line defaults to the shop's platform line.
    """

    min_reach_share: float = Field(
        0.3, ge=0, le=1, description="Smallest share of agents who must reach the target (0-1).")
    max_payout_share: float = Field(
        0.10, gt=0, le=10,
        description="Largest payout as a share of the incremental gross profit (seed 000: about 10%).")
    max_p_net_loss: float = Field(
        0.2, ge=0, le=1, description="Largest share of replications in which the scheme loses money (0-1).")
    min_three_min_reply_rate: float | None = Field(
        None, ge=0, le=1,
        description="Lowest 3-minute reply rate the team must hold; default: the platform's line "
                    "(Taobao 40%, Douyin 50%, Kuaishou 70%).")
    min_good_rating_rate: float | None = Field(
        None, ge=0, le=1, description="Lowest 好评率 good-rating rate; default: the platform's line (Kuaishou 80%).")
    max_bad_attitude_share: float | None = Field(
        None, ge=0, le=1,
        description="Largest bad-attitude share of ratings; default: the platform's line (Kuaishou 6%).")
    grid: dict[str, list[Any]] = Field(
        default_factory=dict,
        description="Sweep grid: dotted scenario key -> values, e.g. "
                    "{\"schemes.1.components.0.target\" = [0.42, 0.45, 0.48]}; empty = the default grid.")
    replications: int | None = Field(
        None, ge=1, le=1000, description="Replications per sweep point (default: meta.replications).")

    @field_validator("grid")
    @classmethod
    def _grid(cls, v: dict[str, list[Any]]) -> dict[str, list[Any]]:
        for k, vals in v.items():
            if not vals:
                raise ValueError(f"grid key '{k}' has no values; give at least one")
            if len(vals) > MAX_GRID_VALUES:
                raise ValueError(f"grid key '{k}' has {len(vals)} values; at most {MAX_GRID_VALUES} per key")
            for x in vals:
                if isinstance(x, float) and not math.isfinite(x):
                    raise ValueError(f"grid key '{k}': {x!r} is not a finite number")
        return v

    def lines(self, platform: str, day=None) -> dict[str, float | None]:
        """The platform lines in force: the table's values, else the platform's cited lines (None = no line);
        ``day`` (a date): the rule pack in force that day (a planned month's first date, ``plan_day``), else
        today's."""
        out: dict[str, float | None] = {}
        for field, kpi in LINE_KPIS.items():
            mine = getattr(self, field)
            rule = rule_for(platform.lower(), kpi, day)
            out[field] = mine if mine is not None else (rule.value if rule is not None else None)
        return out
