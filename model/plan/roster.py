"""Shifts people can work, covering an hourly requirement: an integer program solved by HiGHS (scipy ``milp``).

**Week roster.** A shift template is a start hour, a length and a break (one unpaid hour at an offset from the
start, during which the agent does not count as cover; 0 = no break). A rest pattern is the set of weekdays off
(``rest_days`` per week; ``paired_rest`` = consecutive days, e.g. Saturday-Sunday or Sunday-Monday).
Variables: ``x[t, p]`` >= 0 integer agents on template t with pattern p; ``y[t]`` binary (template used);
``u[k]`` >= 0 unmet agents in week-hour k (0..167, shifts crossing midnight wrap into the next day)::

    minimise   sum_{t,p} paid_h(t) * workdays * x[t,p]  +  PENALTY * sum_k u[k]
    subject to sum_{(t,p) covering k} x[t,p] + u[k] >= need[k]      for every week-hour k
               min_agents * y[t] <= sum_p x[t,p] <= max_agents * y[t]  for every template t
               sum_{t,p} x[t,p] <= max_total                         (when a headcount cap is given)

``PENALTY`` exceeds the cost of any shift, so cover is bought whenever the constraints allow it; what they do
not allow is reported as unmet hours instead of failing. **Day shifts** cover what a date needs beyond the week
roster (promotion days): the same program for one day, without rest patterns.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import bmat, coo_matrix, csr_matrix, identity

from model.errors import ScenarioError

WEEK_H = 168
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class RosterRules:
    """What shifts may look like.

    Attributes:
        lengths_h: allowed shift lengths in hours (including the break).
        starts_h: allowed start hours (None = every hour whose shift overlaps the need).
        break_h: unpaid break length (0 or 1 hour).
        break_offsets_h: hours after the start at which the break may begin.
        break_stagger_h: 0 = a shift's agents all break at its break hour; k > 0 = they break in k + 1 turns, one
            hour apart (agent j takes turn j mod (k + 1), ``agents.shifts.break_stagger_h`` in the scenario), so
            cover never drops to zero for a shift's break when it has two agents or more.
        min_agents, max_agents: agents on a used shift template (all rest patterns together).
        rest_days: days off per week (0..6).
        paired_rest: the rest days are consecutive.
        max_total: headcount cap of the week roster (None = no cap).
        overnight: shifts may cross midnight.
        time_limit_s: the solver's time limit (the best roster found by then is used, and said so).
        gap: the relative optimality gap accepted (0.02 = within 2% of the fewest agent-hours).
    """

    lengths_h: tuple[int, ...] = (9,)
    starts_h: tuple[int, ...] | None = None
    break_h: int = 1
    break_offsets_h: tuple[int, ...] = (4,)
    break_stagger_h: int = 0
    min_agents: int = 1
    max_agents: int = 200
    rest_days: int = 2
    paired_rest: bool = True
    max_total: int | None = None
    overnight: bool = False
    time_limit_s: float = 10.0
    gap: float = 0.02

    def check(self, file: str = "<roster>") -> None:
        """Refuse impossible rules (ScenarioError naming the key)."""
        def bad(key: str, msg: str) -> None:
            raise ScenarioError(msg, file=file, key=f"roster.{key}")
        if not self.lengths_h or any(not 1 <= L <= 16 for L in self.lengths_h):
            bad("lengths_h", f"shift lengths must be 1..16 hours, got {list(self.lengths_h)}")
        if self.starts_h is not None and (not self.starts_h or any(not 0 <= h <= 23 for h in self.starts_h)):
            bad("starts_h", f"start hours must be 0..23, got {list(self.starts_h)}")
        if self.break_h not in (0, 1):
            bad("break_h", f"the break is 0 or 1 hour, got {self.break_h}")
        if self.break_h and any(not 1 <= b < min(self.lengths_h) for b in self.break_offsets_h):
            bad("break_offsets_h", f"a break must start inside the shortest shift (1..{min(self.lengths_h) - 1} "
                                   f"hours after its start), got {list(self.break_offsets_h)}")
        if not 0 <= self.break_stagger_h <= 6 or (self.break_stagger_h and not self.break_h):
            bad("break_stagger_h", f"the break stagger is 0..6 hours and needs a break, got {self.break_stagger_h}"
                                   f" with break_h = {self.break_h}")
        if self.break_stagger_h and any(b + self.break_stagger_h + 1 >= min(self.lengths_h)
                                        for b in self.break_offsets_h):
            bad("break_stagger_h", f"the last turn of the break (offset + {self.break_stagger_h} h) must end before "
                                   f"the shortest shift ({min(self.lengths_h)} h) ends; offsets "
                                   f"{list(self.break_offsets_h)}")
        if not 0 <= self.rest_days <= 6:
            bad("rest_days", f"rest days per week must be 0..6, got {self.rest_days}")
        if self.min_agents < 0 or self.max_agents < max(1, self.min_agents):
            bad("max_agents", f"need 0 <= min_agents <= max_agents and max_agents >= 1 (got {self.min_agents}, "
                              f"{self.max_agents})")
        if self.max_total is not None and self.max_total < 0:
            bad("max_total", f"the headcount cap must be >= 0, got {self.max_total}")


@dataclass
class Roster:
    """A solved roster.

    Attributes:
        shifts: one row per shift used: name, start_h, length_h, break_at_h, agents, weekdays (list) or days
            (list of day indices, for a day shift).
        cover: agents on duty per (day, hour) of the month (breaks excluded).
        need: the requirement per (day, hour).
        unmet: rows (day, hour, short) where the cover is below the need.
        agent_hours: paid hours over the month.
        status: the solver's message; optimal: True when solved to optimality (within the gap).
    """

    shifts: pd.DataFrame
    cover: np.ndarray
    need: np.ndarray
    unmet: pd.DataFrame
    agent_hours: float
    status: str
    optimal: bool
    notes: list[str] = field(default_factory=list)
    break_stagger_h: int = 0

    @property
    def headcount(self) -> int:
        """Agents in the roster (week roster + day shifts)."""
        return int(self.shifts["agents"].sum()) if len(self.shifts) else 0

    def scenario_shifts(self) -> list[dict[str, Any]]:
        """The roster as ``[[agents.shifts]]`` tables (start_h, end_h, agents, weekdays or days)."""
        out = []
        for _, r in self.shifts.iterrows():
            end = (r["start_h"] + r["length_h"]) % 24 or 24
            sh: dict[str, Any] = {"name": r["name"], "start_h": float(r["start_h"]), "end_h": float(end),
                                  "agents": int(r["agents"])}
            if r["break_at_h"] is not None and not pd.isna(r["break_at_h"]):  # the roster's breaks are 1 hour
                sh["break_start_h"], sh["break_h"] = float(int(r["break_at_h"]) % 24), 1.0
                if self.break_stagger_h:
                    sh["break_stagger_h"] = float(self.break_stagger_h)
            if r["days"] is not None:
                sh["days"] = [int(d) for d in r["days"]]
            elif r["weekdays"] is not None and len(r["weekdays"]) < 7:
                sh["weekdays"] = [int(w) for w in r["weekdays"]]
            out.append(sh)
        return out

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {"headcount": self.headcount, "agent_hours": self.agent_hours, "status": self.status,
                "optimal": self.optimal, "shifts": self.scenario_shifts(),
                "unmet": self.unmet.to_dict(orient="records"), "unmet_agent_hours": float(self.unmet["short"].sum())
                if len(self.unmet) else 0.0, "notes": self.notes}


def _templates(rules: RosterRules, need_hours: np.ndarray, base: np.ndarray | None = None
               ) -> list[tuple[int, int, int | None]]:
    """(start, length, break offset) templates whose working hours touch an hour with need and that start in an
    hour with need in ``base`` (the full need; default ``need_hours``): nobody starts before the shop opens."""
    need_of_day = need_hours.reshape(-1, 24).max(axis=0) > 0
    base_of_day = (need_hours if base is None else base).reshape(-1, 24).max(axis=0) > 0
    starts = rules.starts_h if rules.starts_h is not None else tuple(range(24))
    out = []
    for s, L in itertools.product(starts, rules.lengths_h):
        if not rules.overnight and s + L > 24:
            continue
        hours = [(s + k) % 24 for k in range(L)]
        if rules.starts_h is None and (not any(need_of_day[h] for h in hours) or not base_of_day[s]):
            continue
        for b in (rules.break_offsets_h if rules.break_h else (None,)):
            if b is not None and b >= L:
                continue
            out.append((s, L, b))
    return out


def _patterns(rules: RosterRules) -> list[tuple[int, ...]]:
    """Working weekday sets."""
    if rules.rest_days == 0:
        return [tuple(range(7))]
    if rules.paired_rest:
        offs = [tuple((a + i) % 7 for i in range(rules.rest_days)) for a in range(7)]
    else:
        offs = list(itertools.combinations(range(7), rules.rest_days))
    return sorted({tuple(w for w in range(7) if w not in off) for off in offs})


def _solve(need: np.ndarray, rules: RosterRules, period_days: int, patterns: list[tuple[int, ...]],
           cap: int | None, base: np.ndarray | None = None) -> tuple[list[tuple[tuple[int, int, int | None], tuple[int, ...], int]], np.ndarray, str,
                                     bool]:
    """The program above over ``period_days`` days (7 for the week, cyclic; 1 for a day, not cyclic)."""
    H = period_days * 24
    cyclic = period_days == 7
    temps = _templates(rules, need, base)
    if not temps:
        return [], need.astype(float).copy(), "no shift template touches the need", True
    g = _turns(rules)
    # one column per template, pattern and break turn (agents of turn r break r hours after the template's break)
    cols = [(t, p, r) for t in temps for p in patterns for r in (range(g) if t[2] is not None else (0,))]
    nx, nt = len(cols), len(temps)
    rows, cidx = [], []
    for j, (t, p, r) in enumerate(cols):
        s, L, b = t
        for d in p:
            for k in range(L):
                if b is not None and rules.break_h and k == b + r:
                    continue
                hh = d * 24 + s + k
                if not cyclic and hh >= H:
                    continue
                rows.append(hh % H)
                cidx.append(j)
    cov = coo_matrix((np.ones(len(rows)), (rows, cidx)), shape=(H, nx)).tocsr()
    n = nx + nt + H  # x, y, u
    cover = bmat([[cov, csr_matrix((H, nt)), identity(H)]])
    tmap = {t: i for i, t in enumerate(temps)}
    S = coo_matrix((np.ones(nx), ([tmap[t] for t, _, _ in cols], np.arange(nx))), shape=(nt, nx))
    use_y = rules.min_agents > 1  # with at most 1 agent as the minimum, x >= 0 integer needs no switch
    ny = nt if use_y else 0
    n = nx + ny + H  # x, y, u
    cover = bmat([[cov, csr_matrix((H, ny)) if ny else None, identity(H)]])
    if use_y:
        cons = [LinearConstraint(cover, lb=need.astype(float), ub=np.inf),
                LinearConstraint(bmat([[S, -rules.max_agents * identity(nt), csr_matrix((nt, H))]]), ub=0.0),
                LinearConstraint(bmat([[S, -rules.min_agents * identity(nt), csr_matrix((nt, H))]]), lb=0.0)]
    else:
        cons = [LinearConstraint(cover, lb=need.astype(float), ub=np.inf),
                LinearConstraint(bmat([[S, csr_matrix((nt, H))]]), ub=float(rules.max_agents))]
    if g > 1:  # the turns of one shift hold its agents j mod g: x_0 >= x_1 >= ... >= x_{g-1} >= x_0 - 1
        first = {(t, p): j for j, (t, p, r) in enumerate(cols) if r == 0}
        brow, bcol, bval, lb, ub_b = [], [], [], [], []
        for j, (t, p, r) in enumerate(cols):
            if r == 0:
                continue
            i = len(lb)  # x_{r-1} - x_r >= 0
            brow += [i, i]
            bcol += [j - 1, j]
            bval += [1.0, -1.0]
            lb.append(0.0)
            ub_b.append(np.inf)
            if r == g - 1:  # x_0 - x_{g-1} <= 1
                i = len(lb)
                brow += [i, i]
                bcol += [first[(t, p)], j]
                bval += [1.0, -1.0]
                lb.append(0.0)
                ub_b.append(1.0)
        if lb:
            B = coo_matrix((bval, (brow, bcol)), shape=(len(lb), n)).tocsr()
            cons.append(LinearConstraint(B, lb=np.array(lb), ub=np.array(ub_b)))
    if cap is not None:
        cons.append(LinearConstraint(np.concatenate([np.ones(nx), np.zeros(ny + H)])[None, :], lb=0, ub=cap))
    paid = np.array([(t[1] - (rules.break_h if t[2] is not None else 0)) * len(p) for t, p, _ in cols], float)
    penalty = 10.0 * max(1.0, paid.max())
    c = np.concatenate([paid, np.full(ny, 1e-3), np.full(H, penalty)])
    integrality = np.concatenate([np.ones(nx + ny), np.zeros(H)])
    ub = np.concatenate([np.full(nx, float(rules.max_agents)), np.ones(ny), need.astype(float)])
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(np.zeros(n), ub),
               options={"time_limit": rules.time_limit_s, "mip_rel_gap": rules.gap, "disp": False})
    if res.x is None:
        raise ScenarioError(f"the roster program found no solution ({res.message})", key="roster")
    x = np.round(res.x[:nx]).astype(int)
    agg: dict[tuple, int] = {}
    for j in range(nx):  # a shift's agents over its turns
        agg[(cols[j][0], cols[j][1])] = agg.get((cols[j][0], cols[j][1]), 0) + int(x[j])
    used = [(t, p, n) for (t, p), n in agg.items() if n > 0]
    unmet = np.maximum(0.0, need - cov @ x)
    return used, unmet, str(res.message), bool(res.status == 0)


def roster(need: np.ndarray, start_weekday: int, rules: RosterRules | None = None, *,
           special_days: list[int] | None = None, file: str = "<roster>") -> Roster:
    """Roster the month's requirement.

    Args:
        need: agents needed per (day, hour), array (days, 24).
        start_weekday: weekday of day 0.
        rules: the shift rules.
        special_days: days (e.g. promotions) left out of the week roster's need and covered by day shifts.
    """
    rules = rules or RosterRules()
    rules.check(file)
    need = np.asarray(need, dtype=float)
    if need.ndim != 2 or need.shape[1] != 24 or (need < 0).any() or not np.isfinite(need).all():
        raise ScenarioError("the requirement must be (days, 24) agents >= 0", key="need")
    days = need.shape[0]
    special = set(special_days or [])
    week = np.zeros((7, 24))
    for d in range(days):
        if d not in special:
            w = (start_weekday + d) % 7
            week[w] = np.maximum(week[w], need[d])
    used, _, status, optimal = _solve(week.ravel(), rules, 7, _patterns(rules), rules.max_total)
    rows = []
    cover = np.zeros((days, 24))
    for (s, L, b), pat, n in sorted(used, key=lambda u: (u[0][0], u[0][1], u[1])):
        off = [DAY_NAMES[w] for w in range(7) if w not in pat]
        rows.append({"name": f"{s:02d}-{(s + L) % 24 or 24:02d}" + (f" rest {'/'.join(off)}" if off else ""),
                     "start_h": s, "length_h": L, "break_at_h": None if b is None else s + b, "agents": n,
                     "weekdays": list(pat), "days": None})
        for d in range(days):
            if (start_weekday + d) % 7 not in pat:
                continue
            for k in range(L):
                dd, hh = d + (s + k) // 24, (s + k) % 24
                if dd < days:
                    cover[dd, hh] += n - _on_break(rules, b, k, n)
    notes = []
    for d in sorted(special):
        if not 0 <= d < days:
            continue
        resid = np.maximum(0.0, need[d] - cover[d])
        if resid.sum() <= 0:
            continue
        extra, _, st, opt = _solve(resid, rules, 1, [(0,)], None, base=need[d])
        optimal = optimal and opt
        for (s, L, b), _, n in extra:
            rows.append({"name": f"day {d + 1} {s:02d}-{(s + L) % 24 or 24:02d}", "start_h": s, "length_h": L,
                         "break_at_h": None if b is None else s + b, "agents": n, "weekdays": None, "days": [d]})
            for k in range(L):
                if s + k < 24:
                    cover[d, s + k] += n - _on_break(rules, b, k, n)
        notes.append(f"day {d + 1}: {sum(n for *_, n in extra)} extra agent(s) on day shifts")
    shifts = pd.DataFrame(rows, columns=["name", "start_h", "length_h", "break_at_h", "agents", "weekdays", "days"])
    short = need - cover
    unmet = pd.DataFrame([{"day": d, "hour": h, "short": float(short[d, h])} for d in range(days) for h in range(24)
                          if short[d, h] > 1e-9], columns=["day", "hour", "short"])
    paid = 0.0
    for _, r in shifts.iterrows():
        ph = r["length_h"] - (rules.break_h if r["break_at_h"] is not None else 0)
        n_days = len(r["days"]) if r["days"] is not None else sum(
            1 for d in range(days) if (start_weekday + d) % 7 in r["weekdays"])
        paid += ph * n_days * r["agents"]
    return Roster(shifts=shifts, cover=cover, need=need, unmet=unmet, agent_hours=float(paid), status=status,
                  optimal=optimal, notes=notes, break_stagger_h=rules.break_stagger_h if rules.break_h else 0)


def _turns(rules: RosterRules) -> int:
    """Break turns of a shift (1 = everyone at once)."""
    return rules.break_stagger_h + 1 if rules.break_h else 1


def _on_break(rules: RosterRules, b: int | None, k: int, n: int) -> int:
    """Of a shift's ``n`` agents (break ``b`` hours after its start), how many are on break ``k`` hours after its
    start: agent j takes turn j mod turns, as the engine does (``Shift.agent_break_offset_h``)."""
    if b is None or not rules.break_h:
        return 0
    g = _turns(rules)
    r = k - b
    if not 0 <= r < g:
        return 0
    return n // g + (1 if r < n % g else 0)
