"""Staffing what-if: agents needed in each hour of a day to hold a 3-minute-reply or response-time line.

Two answers side by side:

* **Erlang fast path** (:mod:`model.queueing`). An agent is two resources: a typist (one reply at a time, mean
  ``reply_time x lines-free slowdown at the cap``) and ``max_concurrent_chats`` chat slots (a slot is held for a
  whole chat: ``messages x reply time + (messages - 1) x think time``). Buyer messages queue for typists
  (Erlang C over messages); new chats queue for a slot (Erlang C, and Erlang A with the buyers' exponential
  patience). The hour needs the larger of the two counts. Each hour is taken as a steady state on its own.
* **Simulation check**: the Erlang A plan simulated as 24 one-hour shifts (common random numbers), then a few
  rounds that add agents to hours missing the line and take some from hours holding it; per hour, the fewest
  agents seen holding the line.

Where they disagree, a note names the likely reason: concurrency (typing slows as chats pile up, the engine's
typing queue per agent), abandonment (buyers who leave shorten the queue; Erlang C has none), shifts and
carry-over (a queue built in one hour spills into the next; Erlang takes each hour alone). See docs/tuning.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from model.edits import with_edits
from model.errors import ScenarioError
from model.kpi import in_window
from model.queueing import erlang_a_metrics, erlang_c_metrics
from model.schema import Scenario
from model.traffic import hourly_rates

#: Lines a staffing question can hold: KPI code -> direction.
LINES = {"three_min_reply_rate": ">=", "avg_response_s": "<="}
MAX_AGENTS_SEARCH = 5_000


@dataclass
class StaffingAnswer:
    """Per hour of the day: arrivals, on-duty agents today, agents needed (Erlang C, Erlang A, simulation)."""

    table: pd.DataFrame
    line: str
    value: float
    day: int
    notes: list[dict[str, str]]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready document."""
        t = self.table.replace({np.nan: None})
        return {"line": self.line, "value": self.value, "day": self.day, "hours": t.to_dict(orient="records"),
                "notes": self.notes}


def parse_line(text: str) -> tuple[str, float]:
    """Parse ``three_min_reply_rate=0.7`` or ``avg_response_s=60``."""
    if "=" not in text:
        raise ScenarioError(f"--line '{text}' must look like three_min_reply_rate=0.7 or avg_response_s=60",
                            file="<command line>", key="--line")
    k, v = (p.strip() for p in text.split("=", 1))
    if k not in LINES:
        raise ScenarioError(f"--line: '{k}' is not a staffing line; use one of {', '.join(LINES)}",
                            file="<command line>", key="--line")
    try:
        val = float(v)
    except ValueError:
        raise ScenarioError(f"--line: '{v}' is not a number", file="<command line>", key="--line") from None
    if k == "three_min_reply_rate" and not 0 < val < 1:
        raise ScenarioError(f"--line: a reply-rate line is a share strictly between 0 and 1 (got {val:g}; "
                            f"did you mean {val / 100:g}?)" if 1 < val <= 100 else
                            f"--line: a reply-rate line is a share strictly between 0 and 1 (got {val:g})",
                            file="<command line>", key="--line")
    if k == "avg_response_s" and val <= 0:
        raise ScenarioError(f"--line: a response time must be > 0 seconds (got {val:g})", file="<command line>",
                            key="--line")
    return k, val


def hourly_chats(s: Scenario, day: int) -> np.ndarray:
    """Expected chats (pre-sale + after-sale) that reach the agents in each hour of a day of the horizon: with a
    ``[bot]``, less the share the bot resolves in that hour, and none in the bot hours (docs/model.md 4b)."""
    t = s.traffic
    pre = hourly_rates(s, t.inquiries_per_day, t.intraday_profile)
    post = hourly_rates(s, t.aftersale_per_day, t.aftersale_profile or t.intraday_profile)
    out = (pre + post)[day * 24:(day + 1) * 24]
    if s.bot_on:
        keep = 1.0 - np.asarray(s.bot.hourly_share(), dtype=float)
        keep[s.bot.bot_hours] = 0.0
        out = out * keep
    return out


def busiest_day(s: Scenario) -> int:
    """The day of the horizon with the most expected chats."""
    t = s.traffic
    tot = hourly_rates(s, t.inquiries_per_day + t.aftersale_per_day, t.intraday_profile).reshape(-1, 24).sum(axis=1)
    return int(np.argmax(tot))


def on_duty(s: Scenario) -> np.ndarray:
    """Agents on duty in each hour of the day (from shifts, else everyone in the open hours)."""
    out = np.zeros(24)
    hours = np.arange(24) + 0.5
    spans = [(sh.start_h, sh.end_h, sh.agents) for sh in s.agents.shifts] or \
        [(s.traffic.open_hours[0], s.traffic.open_hours[1], s.agents.count)]
    for a, b, n in spans:
        inside = (hours >= a) & (hours < b) if b > a else (hours >= a) | (hours < b)
        out += n * inside
    for sh in s.agents.shifts:  # agents on their break take no new chats (in turns when staggered)
        for a, b, n in sh.break_spans():
            out -= n * ((hours >= a) & (hours < b) if b > a else (hours >= a) | (hours < b))
    return out


def _service_times(s: Scenario) -> tuple[float, float, float]:
    """Mean reply (typing) time at the cap, mean chat holding time, mean messages per chat."""
    a, c = s.agents, s.customers
    slow = a.concurrency_slowdown
    cap_slow = slow[min(a.max_concurrent_chats, len(slow)) - 1]
    reply = a.reply_time.mean_s * cap_slow
    m = c.messages_per_chat
    hold = m * reply + (m - 1) * c.think_time.mean_s
    return reply, hold, m


def _meets(line: str, value: float, got: float) -> bool:
    return got >= value - 1e-12 if LINES[line] == ">=" else got <= value + 1e-12


def erlang_need(s: Scenario, chats_per_h: float, line: str, value: float, *, abandonment: bool) -> int | None:
    """Agents an hour needs by the Erlang fast path (None: more than MAX_AGENTS_SEARCH).

    The 3-minute line asks P(wait <= 180 s - reply time) >= value of both the typists' queue (messages) and the
    slots' queue (new chats); the response-time line asks mean wait + reply time <= value of both.
    """
    if chats_per_h <= 0:
        return 0
    reply, hold, m = _service_times(s)
    cap = s.agents.max_concurrent_chats
    lam_c = chats_per_h / 3600.0
    lam_m = lam_c * m
    t = max(0.0, s.kpi.three_min_s - reply)
    p = s.customers.patience
    theta = 1.0 / p.mean_s if (abandonment and p.dist != "none") else 0.0

    def typing_ok(n: int) -> bool:
        if lam_m * reply >= n:
            return False
        r = erlang_c_metrics(lam_m, 1.0 / reply, n, t)
        return _meets(line, value, r.service_level if line == "three_min_reply_rate" else r.mean_queue_wait + reply)

    def slots_ok(n: int) -> bool:
        slots = n * cap
        if theta > 0:
            r = erlang_a_metrics(lam_c, 1.0 / hold, slots, theta, t)
            got = r.service_level if line == "three_min_reply_rate" else r.mean_queue_wait + reply
            return _meets(line, value, got)
        if lam_c * hold >= slots:
            return False
        r = erlang_c_metrics(lam_c, 1.0 / hold, slots, t)
        return _meets(line, value, r.service_level if line == "three_min_reply_rate" else r.mean_queue_wait + reply)

    n = max(1, math.ceil(max(lam_m * reply, lam_c * hold / cap)))
    while not (typing_ok(n) and slots_ok(n)):
        n += 1 if n < 50 else max(1, n // 20)
        if n > MAX_AGENTS_SEARCH:
            return None
    # step back if the coarse steps overshot
    while n > 1 and typing_ok(n - 1) and slots_ok(n - 1):
        n -= 1
    return n


def simulate_plan(s: Scenario, plan: list[int], day: int, reps: int) -> np.ndarray:
    """The simulated line values per hour of ``day`` when hour h is staffed by ``plan[h]`` agents.

    The plan becomes 24 one-hour shifts (an hour with chats gets at least one agent); the whole horizon runs with
    the same daily plan, on the scenario's seed (common random numbers across plans).

    Returns:
        Array (2, 24): the 3-minute reply rate and the mean response time (s) of buyer messages sent each hour.
    """
    from model.simulate import simulate

    shifts = [{"name": f"{h:02d}", "start_h": h, "end_h": h + 1, "agents": int(n)} for h, n in enumerate(plan) if n > 0]
    if not shifts:
        return np.full((2, 24), np.nan)
    total = sum(sh["agents"] for sh in shifts)
    flat = with_edits(s, {"agents.shifts": shifts, "agents.count": total, "agents.individual": []})
    res = simulate(flat, replications=reps)
    m = res.msgs
    m = m[(m["day"] == day) & in_window(m["sent_s"].to_numpy(), s.kpi.reply_window_h)]
    resp = m["reply_s"] - m["sent_s"]
    df = pd.DataFrame({"hour": ((m["sent_s"] % 86_400.0) // 3600).astype(int),
                       "ok3": (resp <= s.kpi.three_min_s).astype(float), "resp": resp})
    g = df.groupby("hour")
    return np.vstack([g["ok3"].mean().reindex(range(24)).to_numpy(), g["resp"].mean().reindex(range(24)).to_numpy()])


def _sim_need(s: Scenario, start: list[int], chats: np.ndarray, line: str, value: float, day: int, reps: int,
              rounds: int) -> tuple[list[float], list[float]]:
    """Search per hour, by simulation, the fewest agents that hold the line, starting from the Erlang plan.

    Each round simulates the current plan; an hour that misses the line gets about 15% more agents, an hour that
    holds it tries about 20% fewer. Per hour the smallest count seen holding the line is kept (NaN if none).
    Also returns the simulated line value at the starting (Erlang) plan.
    """
    plan = [max(1, n) if c > 0 else 0 for n, c in zip(start, chats, strict=True)]
    best = [np.nan] * 24
    first: list[float] = []
    row = 0 if line == "three_min_reply_rate" else 1
    for r in range(rounds):
        got = simulate_plan(s, plan, day, reps)[row]
        if r == 0:
            first = got.tolist()
        nxt = list(plan)
        for h in range(24):
            if chats[h] <= 0 or not np.isfinite(got[h]):
                continue
            if _meets(line, value, got[h]):
                best[h] = plan[h] if np.isnan(best[h]) else min(best[h], plan[h])
                nxt[h] = max(1, math.floor(plan[h] * 0.8))
            else:
                nxt[h] = plan[h] + max(1, math.ceil(plan[h] * 0.15))
                if not np.isnan(best[h]):
                    nxt[h] = int(best[h])
        if nxt == plan:
            break
        plan = nxt
    return best, first


def staffing(s: Scenario, line: str = "three_min_reply_rate", value: float = 0.7, *, day: int | None = None,
             simulate_check: bool = True, reps: int = 2, rounds: int = 6) -> StaffingAnswer:
    """Agents needed per hour of a day to hold a line, by Erlang C, Erlang A and a simulation check.

    Args:
        s: the scenario (its traffic, agents and buyers).
        line: ``three_min_reply_rate`` (a share to reach) or ``avg_response_s`` (seconds not to exceed).
        value: the line.
        day: the day of the horizon (default: the busiest).
        simulate_check: also simulate the day for a few agent counts.
        reps: replications of each simulated plan.
        rounds: simulated plans tried (each one simulation of ``reps`` replications).
    """
    if line not in LINES:
        raise ScenarioError(f"'{line}' is not a staffing line; use one of {', '.join(LINES)}", key="--line")
    day = busiest_day(s) if day is None else day
    if not 0 <= day < s.meta.days:
        raise ScenarioError(f"day {day} is outside the horizon (0..{s.meta.days - 1})", key="--day")
    chats = hourly_chats(s, day)
    duty = on_duty(s)
    need_c = [erlang_need(s, c, line, value, abandonment=False) for c in chats]
    need_a = [erlang_need(s, c, line, value, abandonment=True) for c in chats]
    table = pd.DataFrame({"hour": range(24), "chats": chats, "on_duty": duty, "erlang_c": need_c,
                          "erlang_a": need_a})
    table["sim"] = np.nan
    table["sim_value_at_erlang_a"] = np.nan
    if simulate_check and chats.sum() > 0:
        startplan = [int(a if a is not None else (c or 0)) for a, c in zip(need_a, need_c, strict=True)]
        best, first = _sim_need(s, startplan, chats, line, value, day, reps, rounds)
        table["sim"] = best
        table["sim_value_at_erlang_a"] = first
    for col in ("erlang_c", "erlang_a", "sim"):
        table[col] = pd.array([None if x is None or pd.isna(x) else int(x) for x in table[col]], dtype="Int64")
    notes = _notes(s, table)
    return StaffingAnswer(table, line, value, day, notes)


def _notes(s: Scenario, t: pd.DataFrame) -> list[dict[str, str]]:
    """Where the Erlang answers and the simulation disagree (by more than 1 agent and 15%), and why.

    One note per direction (the simulation needs fewer / more agents), listing the hours.
    """
    fewer, more = [], []
    for _, r in t.iterrows():
        if r["chats"] <= 0 or pd.isna(r["sim"]) or pd.isna(r["erlang_a"]):
            continue
        ref, sim = int(r["erlang_a"]), int(r["sim"])
        if abs(sim - ref) <= max(1, 0.15 * ref):
            continue
        (fewer if sim < ref else more).append((int(r["hour"]), sim, ref))
    p = s.customers.patience
    a = s.agents
    slow = a.concurrency_slowdown[min(a.max_concurrent_chats, len(a.concurrency_slowdown)) - 1]
    out = []
    if fewer:
        hours = ", ".join(f"{h}" for h, _, _ in fewer)
        span = f"{min(x / r for _, x, r in fewer):.0%}-{max(x / r for _, x, r in fewer):.0%}"
        zh = (f"{hours} 点：模拟需要的人数只有 Erlang 的 {span}。Erlang 按满并发时的打字速度（慢 {slow:g} 倍）算每条回复，"
              f"模拟里客服很少同时开满 {a.max_concurrent_chats} 个会话（并发）；"
              + (f"买家放弃（平均耐心 {p.mean_s:.0f} 秒）也让排队变短（放弃）；" if p.dist != "none" else "")
              + "Erlang 把每小时当作独立的稳态。")
        en = (f"Hours {hours}: the simulation needs {span} of Erlang's agents. Erlang types every reply at the cap's "
              f"slowdown (x{slow:g}) while simulated agents rarely hold {a.max_concurrent_chats} chats at once "
              f"(concurrency); "
              + (f"buyers who give up (mean patience {p.mean_s:.0f} s) shorten the queue (abandonment); "
                 if p.dist != "none" else "")
              + "Erlang takes each hour as its own steady state.")
        out.append({"hours": hours, "direction": "fewer", "zh": zh, "en": en})
    if more:
        hours = ", ".join(f"{h}" for h, _, _ in more)
        zh = (f"{hours} 点：模拟比 Erlang 需要更多人。每个客服的回复要排队、并发时打字变慢（并发），"
              f"高峰留下的积压会带到下一小时，一小时一班的换班时正在进行的会话也占着人（班次），Erlang 都没有算进去。")
        en = (f"Hours {hours}: the simulation needs more agents than Erlang. Replies queue per agent and typing slows "
              f"as chats pile up (concurrency); a peak's backlog carries into the next hour and chats still open at a "
              f"shift change keep agents busy (shifts); Erlang has none of these.")
        out.append({"hours": hours, "direction": "more", "zh": zh, "en": en})
    return out
