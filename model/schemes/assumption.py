"""Assumed effects: the manager's own assumption of what a scheme changes (假设).

Until agents respond to a scheme by themselves (the behaviour model), a scheme may carry an assumption such as
"conversion +20%, order value +20%" (seed 000). The engine applies it on the same random numbers; everything
derived from it must be shown as an assumption, never as a forecast.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from model.language.base import Strict

Lang = Literal["zh", "en"]

_LABELS: dict[str, tuple[str, str, str]] = {
    # field: (zh label, en label, unit kind: "pp" or "pct")
    "inquiry_conversion_pp": ("询单转化率", "inquiry conversion", "pp"),
    "inquiry_conversion_pct": ("询单转化率", "inquiry conversion", "pct"),
    "aov_pct": ("客单价", "average order value", "pct"),
    "reply_time_pct": ("回复时间", "reply time", "pct"),
    "payment_rate_pp": ("订单付款率", "payment rate", "pp"),
}


class AssumedEffects(Strict):
    """What the manager assumes a scheme changes, applied by the engine on the same random numbers.

    Attributes:
        inquiry_conversion_pp: additive change of inquiry conversion in percentage points (8 = +8 pp).
        inquiry_conversion_pct: relative change of inquiry conversion in percent (20 = x1.2: 40% -> 48%).
        aov_pct: relative change of the average order value in percent (20 = 100 -> 120 yuan).
        reply_time_pct: relative change of agent reply time in percent (-30 = 30% faster).
        payment_rate_pp: additive change of the payment rate (paid / ordered) in percentage points.

    Conversion with both forms: ``c' = clip(c * (1 + pct/100) + pp/100, 0, 1)`` (relative first).
    """


    inquiry_conversion_pp: float = Field(0.0, ge=-50, le=50)
    inquiry_conversion_pct: float = Field(0.0, ge=-90, le=300)
    aov_pct: float = Field(0.0, ge=-90, le=300)
    reply_time_pct: float = Field(0.0, ge=-90, le=300)
    payment_rate_pp: float = Field(0.0, ge=-50, le=50)

    @property
    def is_active(self) -> bool:
        """True when any effect is non-zero."""
        return any(getattr(self, f) != 0 for f in _LABELS)

    def apply_conversion(self, conversion: float) -> float:
        """Return the conversion after the assumed effects, clipped to 0-1."""
        c = conversion * (1 + self.inquiry_conversion_pct / 100) + self.inquiry_conversion_pp / 100
        return min(1.0, max(0.0, c))

    def apply_aov(self, aov_yuan: float) -> float:
        """Return the average order value after the assumed effect."""
        return aov_yuan * (1 + self.aov_pct / 100)

    def reply_time_factor(self) -> float:
        """Multiplier for agent reply times (0.7 for -30%)."""
        return 1 + self.reply_time_pct / 100

    def apply_payment_rate(self, rate: float) -> float:
        """Return the payment rate after the assumed effect, clipped to 0-1."""
        return min(1.0, max(0.0, rate + self.payment_rate_pp / 100))

    def lines(self, lang: Lang = "zh") -> list[str]:
        """One line per non-zero effect, each marked as an assumption (假设 / Assumption)."""
        out = []
        for field, (zh, en, kind) in _LABELS.items():
            v = getattr(self, field)
            if v == 0:
                continue
            unit = ("个百分点" if lang == "zh" else " pp") if kind == "pp" else "%"
            if lang == "zh":
                out.append(f"假设:{zh} {v:+g}{unit}")
            else:
                out.append(f"Assumption: {en} {v:+g}{unit}")
        return out

    def describe(self, lang: Lang = "zh") -> str:
        """A one-line text for the CLI/app, marked clearly as an assumption; empty when nothing is assumed."""
        return ("; " if lang == "en" else ";").join(self.lines(lang))
