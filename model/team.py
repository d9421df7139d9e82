"""The team table: every agent's static attributes (skill, attitude, tenure, role, shift) and duty hours."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.clock import DAY_S, HOUR_S
from model.outcomes import lognormal_mean1
from model.rng import stream
from model.schema import Scenario


def _mean1(x: np.ndarray) -> np.ndarray:
    return x / x.mean()


def agent_table(s: Scenario) -> pd.DataFrame:
    """Static attributes of every agent: skill factors (drawn around 1, or listed), attitude, tenure, role, own
    cap of open chats, reaction-latency factor, shift.

    Skill is drawn once per scenario seed (replication-independent: it is the same team in every replication).
    """
    a = s.agents
    n = a.count
    rng = stream(s.meta.seed, 0, "agent_skill")
    z = rng.standard_normal((4, n))
    # drawn factors are rescaled to a team mean of exactly 1: the base values are team means
    conv = _mean1(lognormal_mean1(z[0], a.skill.conversion_cv))
    aov = _mean1(lognormal_mean1(z[1], a.skill.aov_cv))
    rt = _mean1(lognormal_mean1(z[2], a.skill.reply_time_cv))
    att = np.clip(a.bad_attitude_share * lognormal_mean1(z[3], 0.5), 0.0, 1.0)
    # drawn after the others from the same stream, so adding it changed none of the factors above
    lat = _mean1(lognormal_mean1(rng.standard_normal(n), a.skill.reaction_latency_cv))
    # drawn after the latency factors, so adding it changed none of the factors above
    caused = np.clip(a.caused_refund_share * lognormal_mean1(rng.standard_normal(n), 0.5), 0.0, 1.0)
    shift_names = []
    for sh in a.shifts:
        shift_names += [sh.name or f"{sh.start_h:g}-{sh.end_h:g}"] * sh.agents
    rows = []
    for i in range(n):
        spec = a.individual[i] if i < len(a.individual) else None
        rows.append({
            "agent": i,
            "name": (spec.name if spec and spec.name else f"客服{i + 1:02d}"),
            "conversion_factor": spec.conversion_factor if spec else float(conv[i]),
            "aov_factor": spec.aov_factor if spec else float(aov[i]),
            "reply_time_factor": spec.reply_time_factor if spec else float(rt[i]),
            "bad_attitude_share": (spec.bad_attitude_share if spec and spec.bad_attitude_share is not None
                                   else float(att[i])),
            "caused_refund_share": (spec.caused_refund_share if spec and spec.caused_refund_share is not None
                                    else float(caused[i])),
            "tenure_months": spec.tenure_months if spec else 12.0,
            "night_shifts": spec.night_shifts if spec else 0,
            "role": spec.role if spec else "both",
            "max_concurrent_chats": (spec.max_concurrent_chats if spec and spec.max_concurrent_chats is not None
                                     else a.max_concurrent_chats),
            "reaction_latency_factor": spec.reaction_latency_factor if spec else float(lat[i]),
            "shift": shift_names[i] if shift_names else "",
        })
    return pd.DataFrame(rows)


def duty_intervals(s: Scenario) -> list[list[tuple[float, float]]] | None:
    """On-duty intervals per agent (None = everyone on duty for the whole horizon)."""
    days = s.meta.days
    if s.agents.shifts:
        spans = []
        for sh in s.agents.shifts:
            works = [sh.works(d, s.meta.start_weekday) for d in range(days)]
            spans += [(sh.start_h, sh.end_h, works, sh.agent_break_offset_h(j), sh.break_h) for j in range(sh.agents)]
    elif tuple(s.traffic.open_hours) != (0.0, 24.0):
        spans = [(*s.traffic.open_hours, [True] * days, None, 0.0)] * s.agents.count
    else:
        return None
    out = []
    for start_h, end_h, works, brk_at, brk_h in spans:
        iv = []
        for d in range(days):
            if not works[d]:
                continue
            on = d * DAY_S + start_h * HOUR_S
            off = d * DAY_S + end_h * HOUR_S
            if end_h <= start_h:
                off += DAY_S
            if brk_at is not None:  # the break splits the day's duty in two (no new chats during it)
                b0, b1 = on + brk_at * HOUR_S, on + (brk_at + brk_h) * HOUR_S
                iv += [(a, min(b, days * DAY_S)) for a, b in ((on, b0), (b1, off)) if a < days * DAY_S]
                continue
            iv.append((on, min(off, days * DAY_S)))
        # merge touching intervals (e.g. a 0-24 shift)
        merged: list[tuple[float, float]] = []
        for on, off in iv:
            if merged and on <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(off, merged[-1][1]))
            else:
                merged.append((on, off))
        out.append(merged)
    return out


def duty_by_day(intervals: list[list[tuple[float, float]]] | None, n: int, days: int) -> pd.DataFrame:
    """On-duty seconds per agent and day."""
    rows = np.zeros((n, days))
    for a in range(n):
        iv = [(0.0, days * DAY_S)] if intervals is None else intervals[a]
        for on, off in iv:
            d0, d1 = int(on // DAY_S), int(min(np.ceil(off / DAY_S), days))
            for d in range(d0, d1):
                rows[a, d] += max(0.0, min(off, (d + 1) * DAY_S) - max(on, d * DAY_S))
    ag, dy = np.meshgrid(np.arange(n), np.arange(days), indexing="ij")
    return pd.DataFrame({"agent": ag.ravel(), "day": dy.ravel(), "duty_s": rows.ravel()})
