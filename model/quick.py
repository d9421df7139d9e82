"""The quick forecast of a comparison: every scheme's economics from the behaviour model's own KPI forecast on the
base run, without a new SimPy run (the compare page answers a slider move with it; the full simulation confirms).

How a scheme's quick answer is made:

1. The agents' equilibrium under the scheme (:func:`model.behaviour.api.equilibrium`, the same call and the same
   efforts as the full path; kept in an LRU by scenario and scheme, so a target move re-solves only the scheme
   that moved).
2. The base run's sums per (replication, agent, day) (:func:`model.kpi.chat_sums` / ``msg_sums``) are moved by
   those efforts through the agents' KPI model (:func:`model.behaviour.kpimodel.forecast_sums` with its noise
   at zero: the expected effect, the base run's replications keep their own luck). Each sum is scaled by
   ``forecast(effort) / forecast(no effort)``, so no effort gives back the base run's sums exactly.
3. The moved sums become the same KPI tables a run gives (:func:`model.kpi.ratios`, per horizon, day, week,
   month and round), priced and summarised by the full path's own code (:func:`model.priced.price_result`,
   :func:`model.priced.scheme_document`) against the baseline scheme's quick answer.

What it leaves out: the queue's reaction to faster replies (waits of other chats; at the shipped shops'
utilisation it barely moves) and the engine's own outcome draws under effort; the manager's assumed effects of
a scheme (the full simulation adds them). The document says ``"basis": "quick forecast"``; the gap to the full
simulation is measured by ``python -m bench quick`` (bench/quick.py) and shown by the app when it exceeds
:data:`GAP_SHARE` of revenue.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections import OrderedDict
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from model.behaviour.api import clear_solved, equilibrium, report_of
from model.behaviour.kpimodel import BaseRecord, base_record, draw_noise, forecast_sums, with_bot_part
from model.behaviour.solver import Equilibrium
from model.checks import run_warnings
from model.document import add_plan, clean
from model.effects import Effects
from model.kpi import SUM_COLUMNS, chat_sums, msg_sums, period_of, ratios, three_min_basis
from model.pipeline import run_key
from model.priced import Priced, price_result, scheme_document
from model.result import SimResult, platform_view
from model.schema import Scenario
from model.schemes.spec import Scheme

#: The basis a quick document states (the full comparison's blocks say "forecast").
QUICK_BASIS = "quick forecast"
#: A confirmed net gain further than this share of the shop's revenue from the quick one is shown as a gap.
GAP_SHARE = 0.03
#: How strongly chats follow the shorter open times (:func:`rerouted`): an agent's share grows with
#: (open / open after) ** this; 0 = each agent keeps its chats. 1 = loads equalised exactly; at the shipped shops' low utilisation most new chats find several agents idle and
#: go to the one idle longest, so shares move less. An emulator constant, measured against the simulation on three
#: cases (docs/model.md 10.11): the worst gap over them is 1.61% of revenue at 0.5, 2.11% at 0 and 2.56% at 1.
REROUTE_POWER = 0.5
_COLS = list(SUM_COLUMNS)
_C = {c: i for i, c in enumerate(_COLS)}


class _LRU(OrderedDict):
    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize
        self.lock = threading.Lock()

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self[key] = value
            self.move_to_end(key)
            while len(self) > self.maxsize:
                self.popitem(last=False)

    def take(self, key: str) -> Any:
        with self.lock:
            v = self.get(key)
            if v is not None:
                self.move_to_end(key)
            return v


#: Finished scheme blocks by scenario, baseline and scheme.
_BLOCKS = _LRU(64)


def _hash(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclasses.dataclass
class BotSums:
    """With the bot front line, what the quick forecast adds to the human view's sums (agents' effort does not
    move the bot's part: the bot's chats and its replies are the base run's).

    Attributes:
        all_delta: array like ``BaseSums.agent``: each agent's sums on the all view minus the human view (the bot's
            first replies on the chats it handed over).
        all_residual: array like ``BaseSums.residual``: the all view's team sums not credited to an agent.
        bot_team: array like ``BaseSums.residual``: the bot view's team sums (its chats alone).
    """

    all_delta: np.ndarray
    all_residual: np.ndarray
    bot_team: np.ndarray


@dataclasses.dataclass
class BaseSums:
    """The base run's sums per (replication, agent, day), and the team's remainder per (replication, day).

    Attributes:
        agent: array (reps, agents, days, len(SUM_COLUMNS)); duty per agent and day in every replication (with the
            bot front line: the human view, :data:`model.kpi.VIEWS`).
        residual: array (reps, days, columns): team sums not credited to an agent (unanswered inquirers ...).
        record: the agents' base record of the behaviour model (what the equilibrium is solved on).
        bot: with the bot front line, the other views' sums (:class:`BotSums`); None without a bot.
    """

    agent: np.ndarray
    residual: np.ndarray
    record: BaseRecord
    bot: BotSums | None = None


def _view_sums(base: SimResult, view: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (replication, agent, day) sums, the team's per (replication, day) and the team's remainder, on a view."""
    s = base.scenario
    n, days, reps = s.agents.count, s.meta.days, max(base.replications, 1)
    opts = s.kpi
    c, m = base.chats, base.msgs
    ca, ma = c[c["agent"] >= 0], m[m["agent"] >= 0]
    ag = chat_sums(ca, ["rep", "agent", "day"], opts, by_agent=True, view=view).join(
        msg_sums(ma, ["rep", "agent", "day"], opts, view=view), how="outer").fillna(0)
    full = pd.MultiIndex.from_product([range(reps), range(n), range(days)], names=["rep", "agent", "day"])
    ag = ag.reindex(columns=_COLS, fill_value=0.0).reindex(full, fill_value=0.0)
    agent = ag.to_numpy(dtype=float).reshape(reps, n, days, len(_COLS))
    duty = base.duty.groupby(["agent", "day"])["duty_s"].sum()
    duty = duty.reindex(pd.MultiIndex.from_product([range(n), range(days)]), fill_value=0.0)
    agent[:, :, :, _C["duty_s"]] = duty.to_numpy(dtype=float).reshape(n, days)[None]
    team = chat_sums(c, ["rep", "day"], opts, view=view).join(msg_sums(m, ["rep", "day"], opts, view=view),
                                                              how="outer").fillna(0)
    tfull = pd.MultiIndex.from_product([range(reps), range(days)], names=["rep", "day"])
    team = team.reindex(columns=_COLS, fill_value=0.0).reindex(tfull, fill_value=0.0)
    team = team.to_numpy(dtype=float).reshape(reps, days, len(_COLS))
    residual = team - agent.sum(axis=1)
    residual[:, :, _C["duty_s"]] = 0.0
    return agent, team, np.maximum(residual, 0.0)


def base_sums(base: SimResult) -> BaseSums:
    """The sums of a run without effects that the quick forecast moves (cached per run)."""
    key = ("quick.base_sums",)
    hit = base._cache.get(key)
    if hit is not None:
        return hit
    if not base.has_bot:
        agent, _, residual = _view_sums(base, None)
        out = BaseSums(agent, residual, base_record(base))
    else:  # the human view is moved by effort; the bot's part of the all view and the bot view are the base run's
        agent, _, residual = _view_sums(base, "human")
        every, _, all_residual = _view_sums(base, "all")
        _, bot_team, _ = _view_sums(base, "bot")
        bot_team[:, :, _C["duty_s"]] = 0.0
        out = BaseSums(agent, residual, base_record(base), BotSums(every - agent, all_residual, bot_team))
    base._cache[key] = out
    return out


def open_times(base: SimResult) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (replication, agent, day) of the base run: the seconds its chats were open (taken to last reply), the
    part of them that was the agent's replying (each message's sent or taken time to its reply) and the chats
    (cached per run). The rest of an open chat is the buyer's thinking, which effort does not shorten."""
    key = ("quick.open_times",)
    hit = base._cache.get(key)
    if hit is not None:
        return hit
    s = base.scenario
    reps, n, days = max(base.replications, 1), s.agents.count, s.meta.days
    c, m = base.chats, base.msgs
    c = c[c["agent"].to_numpy() >= 0]
    m = m[m["agent"].to_numpy() >= 0]
    taken = pd.Series((c["arrival_s"] + c["queue_wait_s"]).to_numpy(), index=pd.MultiIndex.from_arrays(
        [c["rep"].to_numpy(), c["chat"].to_numpy()]))
    start = taken.reindex(pd.MultiIndex.from_arrays([m["rep"].to_numpy(), m["chat"].to_numpy()])).to_numpy()
    sent = np.maximum(m["sent_s"].to_numpy(dtype=float), np.nan_to_num(start, nan=-np.inf))
    per = pd.DataFrame({"rep": m["rep"].to_numpy(), "agent": m["agent"].to_numpy(), "day": m["day"].to_numpy(),
                        "chat": m["chat"].to_numpy(), "reply": m["reply_s"].to_numpy(dtype=float),
                        "replying": m["reply_s"].to_numpy(dtype=float) - sent, "start": start})
    per = per[np.isfinite(per["reply"].to_numpy()) & np.isfinite(per["start"].to_numpy())]
    chats = per.groupby(["rep", "chat"]).agg(agent=("agent", "first"), day=("day", "first"), last=("reply", "max"),
                                             start=("start", "first"), replying=("replying", "sum"))
    chats["open"] = np.maximum(chats["last"] - chats["start"], chats["replying"])
    g = chats.groupby(["rep", "agent", "day"])[["open", "replying"]].sum()
    g["chats"] = chats.groupby(["rep", "agent", "day"]).size()
    full = pd.MultiIndex.from_product([range(reps), range(n), range(days)], names=["rep", "agent", "day"])
    g = g.reindex(full, fill_value=0.0)
    out = tuple(g[k].to_numpy(dtype=float).reshape(reps, n, days) for k in ("open", "replying", "chats"))
    base._cache[key] = out
    return out


def rerouted(scenario: Scenario, base: SimResult, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Moved sums ``after`` with the chats re-routed as the least-busy router does when replies get faster.

    The router gives a new chat to the on-duty agent with the fewest open chats, so over a day the agents who
    serve the same chats at the same hours carry about the same number of open chats: an agent's chats are
    inversely proportional to how long each stays open. An agent whose replies got faster by the ratio ``rho``
    of its response-time sums (``after`` / ``before``) keeps a chat open ``open - replying x (1 - rho)`` instead
    of ``open`` seconds (the buyer's thinking is as before, :func:`open_times`), so its share of the chats of
    its group (same shift and role) on that day and replication grows by the ratio of the two (to the power
    :data:`REROUTE_POWER`), the group's chats staying as they were. Every sum of the agent (chats, inquiries,
    sales, ratings ...) moves with its chats; its ratios stay. Round-robin routing keeps the recorded agents."""
    if scenario.agents.routing != "least_busy":
        return after
    open_s, replying, chats = open_times(base)
    r0, r1 = before[..., _C["resp_sum"]], after[..., _C["resp_sum"]]
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.where(r0 > 0, r1 / np.where(r0 > 0, r0, 1.0), 1.0)
        new_open = np.maximum(open_s - replying * (1.0 - rho), 0.1 * open_s)
        speed = np.where((chats > 0) & (new_open > 0), open_s / np.where(new_open > 0, new_open, 1.0), 1.0)
        speed = speed ** REROUTE_POWER
    agents = base.agents
    groups = pd.factorize(pd.Series(list(zip(agents["shift"].astype(str), agents["role"].astype(str),
                                             strict=True))))[0]
    vol = after[..., _C["chats"]]
    factor = np.ones_like(speed)
    for g in np.unique(groups):
        members = groups == g
        have = vol[:, members]
        moved = (have * speed[:, members]).sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(moved > 0, have.sum(axis=1, keepdims=True) / np.where(moved > 0, moved, 1.0), 1.0)
        factor[:, members] = speed[:, members] * scale
    out = after * factor[..., None]
    out[..., _C["duty_s"]] = after[..., _C["duty_s"]]
    return out


def moved_sums(scenario: Scenario, sums: BaseSums, effort: np.ndarray) -> np.ndarray:
    """The base sums moved by an effort profile (agents, 4): array like ``sums.agent`` (each agent's own
    chats; :func:`rerouted` moves chats between agents)."""
    agent = sums.agent
    reps, n, days, cols = agent.shape
    if not np.any(effort):
        return agent
    rec = sums.record
    flat = BaseRecord(agent.reshape(reps * n, days, cols), np.zeros((days, cols)), np.tile(rec.latency_s, reps),
                      rec.silent_orders_yuan, days, rec.three_min_basis,
                      None if rec.first_q is None else np.tile(rec.first_q, (reps, 1)), rec.patience)
    drawn = draw_noise(0, 1, reps * n, days)
    zero = type(drawn)(*(np.zeros_like(getattr(drawn, f.name)) for f in dataclasses.fields(drawn)))
    e = np.tile(np.asarray(effort, dtype=float)[None], (1, reps, 1))  # (1, reps*n, 4)
    moved = forecast_sums(scenario.behaviour, flat, scenario.outcomes, e, zero, np.array([0]))[0]
    still = forecast_sums(scenario.behaviour, flat, scenario.outcomes, np.zeros_like(e), zero, np.array([0]))[0]
    a = flat.sums
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(still > 0, a * moved / np.where(still > 0, still, 1.0), moved)
    out[..., _C["duty_s"]] = a[..., _C["duty_s"]]
    return out.reshape(reps, n, days, cols)


class QuickResult:
    """A run's stand-in made of moved sums: the KPI tables :mod:`model.priced` reads, per horizon and period.

    With the bot front line (``bot``, :class:`BotSums`) it answers every view of :meth:`SimResult.table`: human =
    the moved sums, all = the moved sums plus the bot's part of each agent's record and the all view's remainder,
    bot = the base run's bot chats, platform = :func:`model.result.platform_view` of the human and all views.
    """

    def __init__(self, scenario: Scenario, base: SimResult, agent: np.ndarray, residual: np.ndarray,
                 bot: BotSums | None = None) -> None:
        self.scenario, self.agents, self.silent_orders = scenario, base.agents, base.silent_orders
        self.draws = base.draws
        self._agent, self._residual, self._bot = agent, residual, bot
        self.effects = Effects()

    @property
    def has_bot(self) -> bool:
        """True when the stand-in carries the bot front line's views (as :attr:`SimResult.has_bot`)."""
        return self._bot is not None

    @property
    def replications(self) -> int:
        return self._agent.shape[0]

    @cached_property
    def _cache(self) -> dict:
        return {}

    def _sums(self, view: str | None) -> tuple[np.ndarray, np.ndarray]:
        """Per-agent sums and the team's remainder on a view (None: the one view of a run without a bot)."""
        b = self._bot
        if view in (None, "human"):
            return self._agent, self._residual
        if view == "all":
            return with_bot_part(self._agent, b.all_delta), b.all_residual
        if view == "bot":  # no agent handles a bot chat; the team's sums are the bot's chats (duty: the agents')
            agent = np.zeros_like(self._agent)
            agent[..., _C["duty_s"]] = self._agent[..., _C["duty_s"]]
            return agent, b.bot_team
        raise ValueError(f"unknown view '{view}'; one of human, bot, all, platform")

    def table(self, *, by_agent: bool = False, period: str | None = None, view: str | None = None) -> pd.DataFrame:
        """KPI tables like :meth:`model.result.SimResult.table`, with its views and defaults."""
        if not self.has_bot:
            view = None
        elif view is None:
            view = "human" if by_agent else "platform"
        key = (by_agent, period) if view is None else (by_agent, period, view)
        if key in self._cache:
            return self._cache[key]
        s = self.scenario
        if view == "platform":
            out = platform_view(self.table(by_agent=by_agent, period=period, view="human"),
                                self.table(by_agent=by_agent, period=period, view="all"), s.shop.platform)
            self._cache[key] = out
            return out
        agent, residual = self._sums(view)
        reps, n, days, cols = agent.shape
        sums = agent if by_agent else (agent.sum(axis=1) + residual)[:, None]
        if period is None:
            block, nb = np.zeros(days, dtype=int), 1
        else:
            block = period_of(np.arange(days), period, days)
            nb = int(block.max()) + 1
        onehot = np.zeros((days, nb))
        onehot[np.arange(days), block] = 1.0
        agg = np.einsum("rads,db->rabs", sums, onehot)  # (reps, agents or 1, blocks, columns)
        if not by_agent:
            agg[..., _C["duty_s"]] = np.einsum("rad,db->rb", self._agent[..., _C["duty_s"]], onehot)[:, None]
        names = ["rep"] + (["agent"] if by_agent else []) + ([period] if period is not None else [])
        shape = [reps] + ([n] if by_agent else []) + ([nb] if period is not None else [])
        index = pd.MultiIndex.from_product([range(k) for k in shape], names=names)
        frame = pd.DataFrame(agg.reshape(-1, cols), index=index, columns=_COLS)
        out = ratios(frame, three_min_basis(s.kpi, s.shop.platform)).reset_index()
        self._cache[key] = out
        return out


def _equilibrium(scenario: Scenario, scheme: Scheme, base: SimResult, sums: BaseSums) -> Equilibrium:
    """The scheme's equilibrium (solved once per process: :func:`model.behaviour.api.equilibrium` keeps them)."""
    return equilibrium(scenario, scheme, base, sums.record)


def quick_comparison(scenario: Scenario, base: SimResult) -> dict[str, Any]:
    """Every scheme against the baseline from the agents' KPI forecast on ``base`` (no SimPy run).

    Args:
        scenario: the scenario with its schemes (behaviour on; with it off the answer is the mechanics').
        base: the scenario's run without effects (as the full comparison makes it; the app keeps it cached).

    Returns:
        The shape of :func:`model.document.comparison_document` (``scenario``, ``baseline_scheme``,
        ``behaviour_model``, ``schemes`` with ``team``, ``economics``, ``reach_share``, ``agents``, ``behaviour``,
        ``views``; ``scheme_specs``, ``warnings``) plus ``"basis": "quick forecast"``; JSON-safe.
    """
    s = scenario
    sums = base_sums(base)
    behaviour = s.behaviour.active
    plain = QuickResult(s, base, sums.agent, sums.residual, sums.bot)
    results: dict[str | None, tuple[QuickResult, dict[str, Any] | None]] = {None: (plain, None)}

    def result_of(sc: Scheme | None) -> tuple[QuickResult, dict[str, Any] | None]:
        name = sc.name if sc is not None else None
        if name in results:
            return results[name]
        if sc is None or not behaviour:
            results[name] = (plain, None)
        else:
            eq = _equilibrium(s, sc, base, sums)
            moved = moved_sums(s, sums, eq.effort)
            if moved is not sums.agent:
                moved = rerouted(s, base, sums.agent, moved)
            results[name] = (QuickResult(s, base, moved, sums.residual, sums.bot) if moved is not sums.agent else plain,
                             report_of(eq, s.behaviour))
        return results[name]

    by_name = {sc.name: sc for sc in s.schemes}
    base_name = s.economics.baseline_scheme
    baseline_scheme = by_name.get(base_name) if base_name else None
    baseline_res, _ = result_of(baseline_scheme)
    lazy: dict[str, Priced | None] = {}

    def base_priced() -> Priced | None:
        if "b" not in lazy:
            lazy["b"] = price_result(baseline_scheme, baseline_res, baseline_res, scenario=s) \
                if baseline_scheme else None
        return lazy["b"]

    def plain_base() -> Priced | None:
        if "p" not in lazy:
            lazy["p"] = price_result(baseline_scheme, plain, plain, scenario=s) if baseline_scheme else None
        return lazy["p"]

    world = (run_key(s, base.effects), s.economics.model_dump(mode="json"), s.meta.months, behaviour,
             baseline_scheme.model_dump(mode="json") if baseline_scheme is not None else None)
    out: dict[str, Any] = {}
    for sc in s.schemes:  # a block depends on its scheme and the baseline's: a target move redoes one block
        key = _hash(world, sc.model_dump(mode="json"))
        block = _BLOCKS.take(key)
        if block is None:
            block = _block(s, sc, result_of, baseline_res, base_priced, plain, plain_base)
            _BLOCKS.put(key, block)
        out[sc.name] = block
    doc: dict[str, Any] = {
        "scenario": {"name": s.meta.name, "days": s.meta.days, "replications": s.meta.replications,
                     "seed": s.meta.seed, "platform": s.shop.platform},
        "basis": QUICK_BASIS,
        "baseline_scheme": base_name,
        "behaviour_model": s.behaviour.model,
        "schemes": out,
        "scheme_specs": {sc.name: sc.model_dump(mode="json", exclude_none=True) for sc in s.schemes},
    }
    add_plan(doc, s)  # a planned month: its plan (dates, the deck's next-month slide) as in the full document
    doc["warnings"] = run_warnings(s, doc)
    return clean(doc)


def _block(s: Scenario, sc: Scheme, result_of, baseline_res: QuickResult, base_priced, plain: QuickResult,
           plain_base) -> dict[str, Any]:
    """One scheme's block of the quick document (``base_priced`` / ``plain_base``: the baseline priced, lazily)."""
    r, report = result_of(sc)
    bp = base_priced()
    p = bp if (bp is not None and sc.name == s.economics.baseline_scheme) \
        else price_result(sc, r, baseline_res, scenario=s)
    block = scheme_document(p, bp, baseline_res, scenario=s)
    block["basis"] = "forecast" if report is not None else "mechanics"
    block["quick"] = True
    if s.behaviour.active:
        block["behaviour"] = report
        view = scheme_document(price_result(sc, plain, plain, scenario=s), plain_base(), plain, scenario=s)
        block["views"] = {"mechanics": {k: view[k] for k in ("team", "economics", "reach_share")}}
    return clean(block)


def quick_gap(quick: dict[str, Any], full: dict[str, Any]) -> dict[str, Any]:
    """How far a quick document's net gains are from the confirmed ones, as shares of the shop's revenue.

    Returns:
        ``{"schemes": {name: {"quick", "full", "share"}}, "max_share", "same_ranking", "over"}`` with ``over``
        True when some scheme's gap exceeds :data:`GAP_SHARE` of revenue.
    """
    rows: dict[str, dict[str, float | None]] = {}
    for name, fb in (full.get("schemes") or {}).items():
        qb = (quick.get("schemes") or {}).get(name)
        if qb is None:
            continue
        qn = qb["economics"]["net_gain_yuan"]["mean"]
        fn = fb["economics"]["net_gain_yuan"]["mean"]
        rev = fb["economics"]["revenue_yuan"]["mean"]
        share = None if qn is None or fn is None or not rev else abs(qn - fn) / abs(rev)
        rows[name] = {"quick": qn, "full": fn, "revenue": rev, "share": share}
    shares = [r["share"] for r in rows.values() if r["share"] is not None]
    rank = lambda key: sorted(rows, key=lambda n: -(rows[n][key] or 0.0))  # noqa: E731
    mx = max(shares) if shares else 0.0
    return {"schemes": rows, "max_share": mx, "same_ranking": rank("quick") == rank("full"),
            "over": mx > GAP_SHARE}


def clear_cache() -> None:
    """Forget the equilibria and scheme blocks kept between calls (tests, benches)."""
    clear_solved()
    _BLOCKS.clear()
