"""Platform rules (DOMAIN.md, "Platform rules worth drawing as lines"): drawn as lines in the app and checked
by :mod:`model.checks` (a breached line is a warning in the CLI, the JSON and the app).

These come from public sources; the UI says so next to them. Each rule is a KPI code, a bound and a side.
The 3-minute reply rate is counted as each platform counts it (``kpi.three_min_basis``): per buyer message on
Douyin, per round (first question -> first answer) on Taobao/Tmall.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A platform requirement on a team KPI.

    Attributes:
        kpi: KPI code.
        value: the bound (0-1 for shares).
        side: "min" (KPI must be >= value) or "max" (KPI must be <= value).
    """

    kpi: str
    value: float
    side: str = "min"

    def met(self, x: float | None) -> bool | None:
        """True when ``x`` satisfies the rule, None when ``x`` is missing."""
        if x is None or x != x:
            return None
        return x >= self.value if self.side == "min" else x <= self.value


RULES: dict[str, tuple[Rule, ...]] = {
    # Kuaishou: 3-minute reply rate >= 70%, good-rating rate >= 80%, bad-attitude share <= 6% (monthly).
    "kuaishou": (Rule("three_min_reply_rate", 0.70), Rule("good_rating_rate", 0.80),
                 Rule("bad_attitude_share", 0.06, "max")),
    # Douyin 飞鸽: 3-minute human reply rate, per buyer message 8:00-23:00 (>= 50% cited).
    "douyin": (Rule("three_min_reply_rate", 0.50),),
    # Taobao / Tmall: 3-minute response rate per round 8:00-24:00 (penalties cited below 40%).
    "taobao": (Rule("three_min_reply_rate", 0.40),),
    "tmall": (Rule("three_min_reply_rate", 0.40),),
}


def rules_for(platform: str | None) -> tuple[Rule, ...]:
    """The rules drawn for a platform (empty when none are known)."""
    return RULES.get(platform or "", ())


def rule_for(platform: str | None, kpi: str) -> Rule | None:
    """The platform's rule on one KPI, if any."""
    return next((r for r in rules_for(platform) if r.kpi == kpi), None)
