"""Names that follow the numbers: a scenario or scheme name that quotes a number goes stale when the number
moves ("10 名售前客服" after the team shrank to 3; "达标奖 48%" after the target moved to 45%).

The UI shows :func:`refresh_count` of the scenario name and the run JSON carries each scheme's
:func:`live_scheme_name` as ``label``.
"""

from __future__ import annotations

import re
from typing import Any

from model.kpicodes import KPI_CODES
from model.schemes.targets import targets

_COUNT_WORDS = r"\s*(?:名|位|人|个|agents?\b)"


def refresh_count(name: str, old: int, new: int) -> str:
    """Replace a head count quoted in ``name`` ("10 名", "10 agents") by the current one.

    >>> refresh_count("淘宝店 · 10 名售前客服", 10, 3)
    '淘宝店 · 3 名售前客服'
    """
    if old == new:
        return name
    return re.sub(rf"(?<![\d.]){old}(?={_COUNT_WORDS})", str(new), name)


def _num(v: float) -> str:
    return f"{v:g}"


def _targets_and_amounts(scheme: Any) -> tuple[list[str], list[str]]:
    """The numbers a scheme's name may quote: share targets and commission rates (%), amounts and first prizes."""
    pcts: list[str] = []
    yuan: list[str] = []
    for t in targets(scheme, kind="threshold"):
        if t.share:
            pcts.append(_num(round(100 * t.value, 6)))
        yuan.append(_num(t.component.amount_yuan))
    for _, c, _ in scheme.flat_components():
        if c.type == "threshold" and c.steps is not None:  # a step table: each step's level and amount
            pcts += [_num(round(100 * st.target, 6)) for st in c.steps if KPI_CODES[c.kpi].unit == "share"]
            yuan += [_num(st.amount_yuan) for st in c.steps]
        elif c.type == "rank":
            yuan += [_num(p) for p in c.prizes_yuan[:1]]
        elif c.type in ("commission",):
            pcts.append(_num(round(100 * c.rate, 6)))
    return pcts, yuan


def live_scheme_name(scheme: Any) -> str:
    """The scheme's name with a quoted percentage or yuan amount updated to the scheme's current value.

    Only when the name quotes exactly one such number and the scheme has exactly one candidate value (one
    share target or commission rate; one amount or first prize), so an unrelated number is never touched.

    >>> from model.schemes.spec import Scheme
    >>> s = Scheme.model_validate({"name": "达标奖 48%", "components": [{"type": "threshold",
    ...     "kpi": "inquiry_conversion", "target": 0.45, "amount_yuan": 1000}]})
    >>> live_scheme_name(s)
    '达标奖 45%'
    """
    name = scheme.name
    pcts, yuan = _targets_and_amounts(scheme)
    for values, pattern in ((pcts, r"(?<![\d.])(\d+(?:\.\d+)?)(?=\s*%)"), (yuan, r"(?<![\d.,])(\d+(?:\.\d+)?)(?=\s*元)")):
        found = re.findall(pattern, name)
        uniq = sorted(set(values))
        if len(found) == 1 and len(uniq) == 1 and float(found[0]) != float(uniq[0]):
            name = re.sub(pattern, uniq[0], name, count=1)
    return name
