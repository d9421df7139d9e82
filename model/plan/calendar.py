"""The shop's calendar of dated events (Double 11, 618, livestreams) and China's public holidays.

A ``[calendar]`` TOML file lists events; each has a date or a date range and, optionally, an uplift factor
(daily inquiries on that day / an ordinary day of the same weekday). An event without an uplift takes the one
estimated from past events of the same name in the history (:mod:`model.plan.forecast`), else 1 (stated)::

    [[calendar.events]]
    name = "双十一"
    start = 2026-11-11          # a TOML date (or "2026-11-11")
    end = 2026-11-11            # optional, inclusive; default = start
    uplift = 3.0                # optional, > 0 and <= 100
    uplift_cv = 0.15            # optional: how sure the stated uplift is (0 = known; default 0.15)
    intraday_profile = "double11"   # optional: a named profile or 24 weights for those days

Public holidays and working weekends (调休) come from the maintained ``chinesecalendar`` package
(import name ``chinese_calendar``, data from the State Council's annual notices, 国务院办公厅关于部分节假日安排的通知).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.errors import ScenarioError
from model.scenario import read_toml
from model.schema import PROFILES

MAX_EVENT_DAYS = 62
_KEYS = {"name", "start", "end", "uplift", "uplift_cv", "intraday_profile", "date"}


@dataclass(frozen=True)
class Event:
    """A dated event: ``start`` .. ``end`` inclusive, with an uplift factor (None = estimate from history)."""

    name: str
    start: dt.date
    end: dt.date
    uplift: float | None = None
    intraday_profile: str | list[float] | None = None
    #: how sure a stated uplift is: its coefficient of variation (None = the default, DEFAULT_UPLIFT_CV)
    uplift_cv: float | None = None

    def dates(self) -> list[dt.date]:
        """Every date of the event."""
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def _date(v: Any, file: str, key: str) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise ScenarioError(f"'{v}' is not a date; write it as 2026-11-11 (year-month-day)", file=file, key=key)


def parse_calendar(data: dict[str, Any], file: str = "<calendar>") -> list[Event]:
    """Events from a parsed ``[calendar]`` document (errors name the file, the key and the row)."""
    cal = data.get("calendar")
    if cal is None:
        raise ScenarioError("no [calendar] table; list events as [[calendar.events]] with name, start, uplift",
                            file=file, key="calendar")
    if not isinstance(cal, dict):
        raise ScenarioError("must be a table with [[calendar.events]] rows", file=file, key="calendar")
    extra = set(cal) - {"events"}
    if extra:
        raise ScenarioError(f"unknown key '{sorted(extra)[0]}'; allowed: events", file=file, key="calendar")
    rows = cal.get("events", [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ScenarioError("must be an array of tables ([[calendar.events]])", file=file, key="calendar.events")
    out = []
    for i, r in enumerate(rows):
        key = f"calendar.events.{i}"
        bad = set(r) - _KEYS
        if bad:
            raise ScenarioError(f"unknown key '{sorted(bad)[0]}'; allowed: name, start, end, uplift, uplift_cv, "
                                f"intraday_profile",
                                file=file, key=key)
        if "start" not in r and "date" not in r:
            raise ScenarioError("needs a start date (start = 2026-11-11)", file=file, key=f"{key}.start")
        start = _date(r.get("start", r.get("date")), file, f"{key}.start")
        end = _date(r["end"], file, f"{key}.end") if "end" in r else start
        if end < start:
            raise ScenarioError(f"end {end} is before start {start}", file=file, key=f"{key}.end")
        if (end - start).days + 1 > MAX_EVENT_DAYS:
            raise ScenarioError(f"an event lasts at most {MAX_EVENT_DAYS} days (got {(end - start).days + 1})",
                                file=file, key=f"{key}.end")
        up = r.get("uplift")
        if up is not None:
            if isinstance(up, bool) or not isinstance(up, int | float) or not math.isfinite(up) or not 0 < up <= 100:
                raise ScenarioError(f"uplift must be a number > 0 and <= 100 (daily inquiries / an ordinary day; "
                                    f"3 = three times), got {up!r}", file=file, key=f"{key}.uplift")
            up = float(up)
        cv = r.get("uplift_cv")
        if cv is not None:
            if isinstance(cv, bool) or not isinstance(cv, int | float) or not math.isfinite(cv) or not 0 <= cv <= 2:
                raise ScenarioError(f"uplift_cv must be a number 0..2 (0.15 = the uplift is known to about +/-15%), "
                                    f"got {cv!r}", file=file, key=f"{key}.uplift_cv")
            if up is None:
                raise ScenarioError("uplift_cv says how sure a stated uplift is; give the uplift too", file=file,
                                    key=f"{key}.uplift_cv")
            cv = float(cv)
        prof = r.get("intraday_profile")
        if prof is not None:
            if isinstance(prof, str) and prof not in PROFILES:
                raise ScenarioError(f"unknown profile '{prof}'; allowed: {', '.join(PROFILES)} or 24 weights",
                                    file=file, key=f"{key}.intraday_profile")
            if isinstance(prof, list) and (len(prof) != 24 or any(
                    not isinstance(w, int | float) or w < 0 for w in prof) or sum(prof) <= 0):
                raise ScenarioError("a profile of weights needs 24 numbers >= 0, not all 0", file=file,
                                    key=f"{key}.intraday_profile")
        name = str(r.get("name", "")).strip() or f"event {i + 1}"
        out.append(Event(name, start, end, up, prof, cv))
    return out


def load_calendar(path: str | Path) -> list[Event]:
    """Read a ``[calendar]`` TOML file."""
    return parse_calendar(read_toml(path), file=str(path))


# -------------------------------------------------------------------------------- public holidays
def day_kind(d: dt.date) -> str:
    """``holiday`` (statutory day off), ``workday_weekend`` (调休: a Saturday/Sunday worked) or ``normal``.

    From ``chinesecalendar``; dates outside its years count as normal.
    """
    try:
        import chinese_calendar as cc
    except ImportError:  # pragma: no cover - the package is a dependency
        return "normal"
    try:
        if cc.is_holiday(d) and d.weekday() < 5:
            return "holiday"
        if cc.is_holiday(d) and cc.get_holiday_detail(d)[1] is not None:
            return "holiday"
        if cc.is_workday(d) and d.weekday() >= 5:
            return "workday_weekend"
    except NotImplementedError:
        return "normal"
    return "normal"


def holiday_name(d: dt.date) -> str | None:
    """The public holiday's English name (e.g. National Day), or None."""
    try:
        import chinese_calendar as cc
        on, name = cc.get_holiday_detail(d)
    except (ImportError, NotImplementedError):
        return None
    return name if on else None
