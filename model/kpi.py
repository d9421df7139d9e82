"""Platform KPI formulas over flat records, per team or agent, per replication and period.

Every KPI is a ratio of sums, so it is computed the same way for any grouping (team / agent x horizon / month
/ week / day). Definitions (DOMAIN.md; docs/kpi.md has the full list with sources):

* receptions 接待人数 = chats an agent took; inquiries 询单人数 = genuine pre-sale inquirers (after the reception
  filters). For the team, inquirers who were never answered count too (the platform counts everyone who
  consulted); for an agent, the inquirers it received.
* order_rate = orderers / inquirers; payment_rate = payers / orderers; inquiry_conversion = payers / inquirers;
  churn_rate = (orderers - payers) / orderers; aov_yuan = paid value / payers; sales_yuan = paid value.
* queue_wait_s = mean over all arrivals of the time before an agent takes the chat (an abandoner: until it
  left; still queued at the horizon: until the horizon).
* first_response_s = mean of (first reply - arrival) over chats with a reply; avg_response_s = mean over replied
  buyer messages of (reply - message).
* reply_rate = chats with a reply / chats; three_min_reply_rate = buyer messages sent in the reply window that
  were answered within ``three_min_s`` / buyer messages sent in the window (Douyin counts per message; Taobao
  per round, the first question of each chat: :func:`three_min_basis`);
  thirty_s_reply_rate = chats whose first message (in the window) was answered within ``thirty_s_s`` (JD).
* abandon_rate = abandoned / chats; good_rating_rate = satisfied / ratings; bad_attitude_share = bad-attitude
  ratings / (neutral + disappointed) (Kuaishou); bad_rating_rate 中差评率 = (neutral + disappointed) / ratings;
  caused_refund_yuan = refunded value of the agent's own sales where the agent caused the refund;
  refund_rate = refunded / paid; message_ratio = agent lines / buyer messages; utilization = typing time / on-duty time; dsr = 1 + 4 (satisfied + neutral / 2) / ratings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from model.clock import MONTH_DAYS, WEEK_DAYS, ChatStatus, Rating, hour_of_day
from model.kpicodes import KPI_CODES
from model.language.kpi_options import KpiOptions
from model.quantiles import t_quantile

#: The base sums every KPI is built from (name -> meaning), one row per group. A KPI is always a ratio of
#: these sums, so :func:`ratios` gives the same KPIs for any grouping, and anything that can produce these
#: sums (the simulation's records through :func:`kpi_table`, or per-agent sums imported from a shop's history)
#: goes through the same KPI and pricing code. "Inquirers" are the pre-sale chats the KPI options count
#: (:func:`inquirers`); the reply window is ``kpi.reply_window_h``.
SUM_COLUMNS: dict[str, str] = {
    "chats": "chats (arrivals)",
    "receptions": "chats an agent took",
    "inquiries": "inquirers (team: all; agent: those it took)",
    "inquiries_taken": "inquirers an agent took",
    "orders": "inquirers who ordered (agent: only chats it served)",
    "paid_buyers": "inquirers who paid (agent: only chats it served)",
    "sales_yuan": "paid value of those inquirers",
    "sales_new_yuan": "... of new buyers",
    "sales_returning_yuan": "... of returning buyers",
    "refunds": "paid inquirers who were refunded",
    "refund_yuan": "their refunded value",
    "caused_refund_yuan": "refunded value of those the agent caused (seed 004)",
    "queue_wait_sum": "sum of queue waits (s)",
    "first_resp_sum": "sum of first-response times over chats with a reply (s)",
    "first_resp_n": "chats with a reply",
    "resp_sum": "sum of (reply - message) over replied buyer messages (s)",
    "resp_n": "replied buyer messages",
    "replied_chats": "chats with a reply",
    "msgs_window": "buyer messages sent in the reply window",
    "msgs_3min": "... of them answered within kpi.three_min_s",
    "first_window": "chats arriving in the reply window",
    "first_30s": "... of them with a first reply within kpi.thirty_s_s",
    "first_3min": "... of them with a first reply within kpi.three_min_s (the per-round 3-minute rate)",
    "abandoned": "abandoned chats",
    "ratings": "ratings",
    "satisfied": "satisfied ratings",
    "neutral": "neutral ratings",
    "disappointed": "disappointed ratings",
    "bad_attitude_ratings": "neutral/disappointed ratings due to attitude",
    "agent_lines": "agent lines sent",
    "buyer_msgs": "buyer messages",
    "aftersale_chats": "after-sale chats taken",
    "busy_s": "typing time (s)",
    "duty_s": "on-duty time (s)",
}


#: KPI codes that are the shop's totals whoever handled the chat: with the bot front line, the platform view
#: (:func:`model.result.platform_view`) counts the bot's chats in them (its buyers and sales are the shop's).
SHOP_TOTAL_CODES: tuple[str, ...] = (
    "inquiries", "orders", "paid_buyers", "inquiry_conversion", "order_rate", "payment_rate", "churn_rate",
    "aov_yuan", "sales_yuan", "sales_new_yuan", "sales_returning_yuan", "refund_rate", "refund_yuan",
)


def three_min_basis(options: KpiOptions, platform: str | None) -> str:
    """How the 3-minute reply rate counts: ``kpi.three_min_basis``, else by platform (Douyin per buyer message;
    Taobao/Tmall per round, first question -> first answer; other platforms per round too)."""
    if options.three_min_basis is not None:
        return options.three_min_basis
    return "message" if platform == "douyin" else "round"


def in_window(t: np.ndarray, window: tuple[float, float]) -> np.ndarray:
    """True where a time (s) falls inside the daily reply window [start_h, end_h)."""
    t = np.asarray(t, dtype=float)
    if window[0] <= 0 and window[1] >= 24 and not (t < 0).any():  # the whole day: every time >= 0 is in it
        return np.isfinite(t)
    h = hour_of_day(np.nan_to_num(t, nan=-1.0))
    return np.isfinite(t) & (h >= window[0]) & (h < window[1])


def inquirers(chats: pd.DataFrame, options: KpiOptions) -> np.ndarray:
    """The pre-sale chats the platform counts as inquirers (询单人数) under the reception filters of ``[kpi]``:
    adverts, buyers who never answered and buyers who bought within ``exclude_recent_buyers_days`` are out."""
    m = ~chats["aftersale"].to_numpy()
    if options.exclude_adverts:
        m &= ~chats["advert"].to_numpy()
    if options.exclude_unresponsive:
        m &= ~chats["unresponsive"].to_numpy()
    if options.exclude_recent_buyers_days is not None:
        with np.errstate(invalid="ignore"):
            m &= ~(chats["purchase_days_ago"].to_numpy() <= options.exclude_recent_buyers_days)
    if "hidden" in chats.columns:  # gamed: the agent kept these buyers out of the inquirer count
        m &= ~chats["hidden"].fillna(False).to_numpy(dtype=bool)  # absent in a replication without gaming
    return m


def _div(a, b) -> np.ndarray:
    """a / b as floats, NaN where the denominator is not positive."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


def _counts(v: Any) -> bool:
    """True for a column summed exactly by counting: numpy booleans and integers, or a bool/int scalar."""
    if isinstance(v, bool | int | np.bool_ | np.integer):
        return True
    dt = getattr(v, "dtype", None)
    return isinstance(dt, np.dtype) and dt.kind in "biu"


def group_sums(f: dict[str, Any], keys: list[str], index: pd.Index, rows: np.ndarray | None = None) -> pd.DataFrame:
    """``pd.DataFrame(f, index=index)[rows].groupby(keys, sort=True).sum()``, the same table, faster.

    Boolean and integer columns (and scalars) are counted with ``np.bincount`` on the group numbers (exact, as
    int64); every other column (floats: money, seconds) is summed by pandas as before, in the same blocks of
    neighbouring columns, so its sums are the same to the last bit (pandas' own summation and compensation;
    tests/test_kpi_sums.py keeps the frame-of-every-column version as the oracle).
    ``rows``: a boolean mask of the rows summed (None: all), applied to those columns only (no copy of the
    whole records frame).
    """
    counted = [k for k in f if k not in keys and _counts(f[k])]
    summed_cols = {k: v for k, v in f.items() if k in keys or k not in counted}
    if rows is not None:
        summed_cols = {k: v if np.ndim(v) == 0 else (v.array if isinstance(v, pd.Series) else np.asarray(v))[rows]
                       for k, v in summed_cols.items()}
        index = index[rows]
    g = pd.DataFrame(summed_cols, index=index).groupby(keys, sort=True)
    # each run of neighbouring columns of one dtype is summed as one block, as in the frame of every column
    # (pandas' sum picks its algorithm per block: with a NaN in the block it compensates, else not)
    runs: list[list[str]] = []
    last = None
    for k in f:
        if k in keys:
            continue
        dt = None if k in counted else np.asarray(summed_cols[k]).dtype
        if dt is not None:
            if last is not None and dt == last:
                runs[-1].append(k)
            else:
                runs.append([k])
        last = dt
    if not counted:
        return g.sum() if len(runs) == 1 else pd.concat([g[r].sum() for r in runs], axis=1)
    parts = [g[r].sum() for r in runs]
    summed = pd.concat(parts, axis=1) if len(parts) > 1 else parts[0] if parts else g.size().to_frame()
    n = len(summed)
    ids = g.ngroup().to_numpy()
    if rows is not None:  # rows left out go to an extra group n, dropped below
        kept = ids
        ids = np.full(len(rows), n, dtype=kept.dtype)
        ids[rows] = kept
    cols: dict[str, Any] = {}
    for k in f:
        if k in keys:
            continue
        if k not in counted:
            cols[k] = summed[k]
            continue
        v = f[k]
        if np.ndim(v) == 0:
            cols[k] = np.bincount(ids, minlength=n + 1)[:n].astype(np.int64) * int(v)
            continue
        # counts as float64 weights: exact below 2**53 (faster than counting ids[a] for a boolean a)
        cols[k] = np.bincount(ids, weights=np.asarray(v), minlength=n + 1)[:n].astype(np.int64)
    return pd.DataFrame(cols, index=summed.index)


def _flag(c: pd.DataFrame, col: str) -> np.ndarray:
    """A boolean records column as a numpy array (missing values, as after joining replications that lack an
    optional column, count as False, as in pandas' ``&``)."""
    v = c[col]
    if v.dtype == bool:
        return v.to_numpy()
    return v.fillna(False).to_numpy(dtype=bool)


#: The views of a run with the bot front line (records with ``handled_by``): ``human`` = the chats that reached
#: the agents (a handed-over chat's first response is the human's, hand-over delay included); ``bot`` = the chats
#: the bot handled alone; ``all`` = every chat, a reply being the earlier of the bot's and the human's.
VIEWS = ("human", "bot", "all")


def view_rows(frame: pd.DataFrame, view: str | None, rows: np.ndarray | None) -> np.ndarray | None:
    """``rows`` narrowed to the chats (messages) of a view; unchanged for ``all``, no view or no bot columns."""
    if view is None or view == "all" or "handled_by" not in frame.columns:
        return rows
    if view not in VIEWS:
        raise ValueError(f"unknown view '{view}'; one of {', '.join(VIEWS)}")
    sel = frame["handled_by"].to_numpy() == (0 if view == "human" else 1)
    return sel if rows is None else rows & sel


def chat_sums(chats: pd.DataFrame, keys: list[str], options: KpiOptions, by_agent: bool = False, *,
              rows: np.ndarray | None = None, key_values: dict[str, np.ndarray] | None = None,
              view: str | None = None) -> pd.DataFrame:
    """Per-group sums of the chat-level indicators.

    ``rows``: a boolean mask of the chats summed (the same sums as ``chats[rows]``, without copying the frame);
    ``key_values``: grouping columns not in ``chats`` (e.g. a period index), one value per chat;
    ``view``: with the bot front line's records, the chats counted and whose reply counts (:data:`VIEWS`).

    For agents, orders and sales count only chats the agent actually served (an abandoner who buys anyway is
    the shop's, not the agent who later answered its empty chat).
    """
    c = chats
    rows = view_rows(c, view, rows)
    inq = inquirers(c, options)
    # the columns are numpy arrays, collected first and summed once (group_sums)
    f: dict[str, Any] = {k: key_values[k] if key_values and k in key_values else c[k] for k in keys}
    f["chats"] = 1
    taken = c["agent"].to_numpy() >= 0
    status = c["status"].to_numpy()
    f["receptions"] = taken
    f["inquiries"] = inq
    f["inquiries_taken"] = inq & taken
    credit = inq & (status != ChatStatus.ABANDONED) if by_agent else inq
    f["orders"] = _flag(c, "ordered") & credit
    f["paid_buyers"] = _flag(c, "paid") & credit
    value = c["value_yuan"].to_numpy()
    returning = _flag(c, "returning")
    sales = np.where(credit, value, 0.0)
    f["sales_yuan"] = sales
    f["sales_new_yuan"] = np.where(returning, 0.0, sales)
    f["sales_returning_yuan"] = np.where(returning, sales, 0.0)
    refunds = _flag(c, "refunded") & credit
    f["refunds"] = refunds
    f["refund_yuan"] = np.where(refunds, value, 0.0)
    caused = _flag(c, "caused_refund") if "caused_refund" in c.columns else False
    f["caused_refund_yuan"] = np.where(refunds & caused, value, 0.0)
    f["queue_wait_sum"] = c["queue_wait_s"]
    first = c["first_response_s"].to_numpy()
    if view in ("all", "bot") and "bot_first_response_s" in c.columns:  # the bot's reply counts (the earlier one)
        first = np.fmin(first, c["bot_first_response_s"].to_numpy())
    has_first = ~np.isnan(first)
    f["first_resp_sum"] = np.where(has_first, first, 0.0)
    f["first_resp_n"] = has_first
    f["replied_chats"] = has_first
    win = in_window(c["arrival_s"].to_numpy(), options.reply_window_h)
    f["first_window"] = win
    f["first_30s"] = win & (first <= options.thirty_s_s)
    f["first_3min"] = win & (first <= options.three_min_s)
    f["abandoned"] = status == ChatStatus.ABANDONED
    r = c["rating"].to_numpy()
    f["ratings"] = r != Rating.NONE
    f["satisfied"] = r == Rating.SATISFIED
    f["neutral"] = r == Rating.NEUTRAL
    f["disappointed"] = r == Rating.DISAPPOINTED
    f["bad_attitude_ratings"] = _flag(c, "bad_attitude")
    f["aftersale_chats"] = _flag(c, "aftersale") & taken
    return group_sums(f, keys, c.index, rows)


def msg_sums(msgs: pd.DataFrame, keys: list[str], options: KpiOptions, *, rows: np.ndarray | None = None,
             key_values: dict[str, np.ndarray] | None = None, view: str | None = None) -> pd.DataFrame:
    """Per-group sums of the message-level indicators (response times, reply windows, agent lines, typing);
    ``rows``, ``key_values`` and ``view`` as in :func:`chat_sums`."""
    m = msgs
    rows = view_rows(m, view, rows)
    f: dict[str, Any] = {k: key_values[k] if key_values and k in key_values else m[k] for k in keys}
    sent = m["sent_s"].to_numpy()
    reply = m["reply_s"].to_numpy()
    if view in ("all", "bot") and "bot_reply_s" in m.columns:  # the bot's reply counts (the earlier one)
        reply = np.fmin(reply, m["bot_reply_s"].to_numpy())
    resp = reply - sent
    replied = ~np.isnan(resp)
    win = in_window(sent, options.reply_window_h)
    f["resp_sum"] = np.where(replied, resp, 0.0)
    f["resp_n"] = replied
    f["msgs_window"] = win
    f["msgs_3min"] = win & replied & (resp <= options.three_min_s)
    f["agent_lines"] = m["lines"]
    f["buyer_msgs"] = 1
    f["busy_s"] = m["type_s"]
    return group_sums(f, keys, m.index, rows)


def ratios(sums: pd.DataFrame, three_min_basis: str = "message") -> pd.DataFrame:
    """KPI codes from base sums (one row per group; the columns of :data:`SUM_COLUMNS`, any index, kept).

    The public entry for sums made elsewhere (e.g. per-agent sums of an imported history, or the behaviour
    model's forecast): every KPI code of :data:`model.kpicodes.KPI_CODES`, NaN where a denominator is 0.

    ``three_min_basis``: "message" (Douyin: every buyer message in the window answered within 3 min) or
    "round" (Taobao/Tmall and the default elsewhere: the first question of each chat in the window answered
    within 3 min; an abandoner's unanswered round counts against it).
    """
    # one block of every base sum as floats (a column lookup costs more than its arithmetic on these tables)
    block = sums[list(SUM_COLUMNS)].to_numpy(dtype=float).T
    s = dict(zip(SUM_COLUMNS, block, strict=True))
    return pd.DataFrame(ratio_arrays(s, three_min_basis), index=sums.index)


#: Every KPI code's formula over the base sums ``s`` (and the 3-minute basis ``b``), in the order of the KPI tables.
_FORMULAS: dict[str, Any] = {
    "receptions": lambda s, b: s["receptions"],
    "inquiries": lambda s, b: s["inquiries"],
    "inquiry_ratio": lambda s, b: _div(s["inquiries_taken"], s["receptions"]),
    "orders": lambda s, b: s["orders"],
    "paid_buyers": lambda s, b: s["paid_buyers"],
    "inquiry_conversion": lambda s, b: _div(s["paid_buyers"], s["inquiries"]),
    "order_rate": lambda s, b: _div(s["orders"], s["inquiries"]),
    "payment_rate": lambda s, b: _div(s["paid_buyers"], s["orders"]),
    "churn_rate": lambda s, b: _div(s["orders"] - s["paid_buyers"], s["orders"]),
    "aov_yuan": lambda s, b: _div(s["sales_yuan"], s["paid_buyers"]),
    "sales_yuan": lambda s, b: s["sales_yuan"],
    "queue_wait_s": lambda s, b: _div(s["queue_wait_sum"], s["chats"]),
    "first_response_s": lambda s, b: _div(s["first_resp_sum"], s["first_resp_n"]),
    "avg_response_s": lambda s, b: _div(s["resp_sum"], s["resp_n"]),
    "reply_rate": lambda s, b: _div(s["replied_chats"], s["chats"]),
    "three_min_reply_rate": lambda s, b: (_div(s["first_3min"], s["first_window"]) if b == "round"
                                          else _div(s["msgs_3min"], s["msgs_window"])),
    "thirty_s_reply_rate": lambda s, b: _div(s["first_30s"], s["first_window"]),
    "abandon_rate": lambda s, b: _div(s["abandoned"], s["chats"]),
    "good_rating_rate": lambda s, b: _div(s["satisfied"], s["ratings"]),
    "bad_attitude_share": lambda s, b: _div(s["bad_attitude_ratings"], s["neutral"] + s["disappointed"]),
    "refund_rate": lambda s, b: _div(s["refunds"], s["paid_buyers"]),
    "message_ratio": lambda s, b: _div(s["agent_lines"], s["buyer_msgs"]),
    "utilization": lambda s, b: np.minimum(_div(s["busy_s"], s["duty_s"]), 1.0),
    "dsr": lambda s, b: 1.0 + 4.0 * _div(s["satisfied"] + 0.5 * s["neutral"], s["ratings"]),
    "aftersale_chats": lambda s, b: s["aftersale_chats"],
    "sales_new_yuan": lambda s, b: s["sales_new_yuan"],
    "sales_returning_yuan": lambda s, b: s["sales_returning_yuan"],
    "refund_yuan": lambda s, b: s["refund_yuan"],
    "caused_refund_yuan": lambda s, b: s["caused_refund_yuan"],
    "bad_rating_rate": lambda s, b: _div(s["neutral"] + s["disappointed"], s["ratings"]),
    "ratings": lambda s, b: s["ratings"],
    "bad_ratings": lambda s, b: s["neutral"] + s["disappointed"],
    "bad_attitude_ratings": lambda s, b: s["bad_attitude_ratings"],
}
assert not set(KPI_CODES) - set(_FORMULAS), set(KPI_CODES) - set(_FORMULAS)


def ratio_arrays(s: dict[str, np.ndarray], three_min_basis: str = "message") -> dict[str, np.ndarray]:
    """:func:`ratios` on arrays: KPI code -> array from base-sum arrays (``s[column]``, any equal shapes).

    The one place the KPI formulas are applied; :func:`ratios` is this on a table's columns. Arrays of any shape
    (e.g. replications x agents for the behaviour model's blocks of candidate efforts)."""
    return {k: f(s, three_min_basis) for k, f in _FORMULAS.items()}


class LazyRatios(Mapping):
    """:func:`ratio_arrays` computed on first use, code by code (a pricing call reads only a few KPIs)."""

    def __init__(self, s: dict[str, np.ndarray] | Any, three_min_basis: str = "message") -> None:
        """``s``: the base-sum arrays, or a function returning them (called once, on the first KPI read)."""
        self._s, self._b, self._done = s, three_min_basis, {}

    def __getitem__(self, code: str) -> np.ndarray:
        if code not in self._done:
            if code not in _FORMULAS:
                raise KeyError(code)
            if callable(self._s):
                self._s = self._s()
            self._done[code] = _FORMULAS[code](self._s, self._b)
        return self._done[code]

    def __iter__(self):
        return iter(_FORMULAS)

    def __len__(self) -> int:
        return len(_FORMULAS)


PERIOD_DAYS = {"day": 1, "week": WEEK_DAYS, "month": MONTH_DAYS}
#: Seed 002 ranks a month in four weekly rounds: a 30-day month has 4 rounds, not 5 (7 + a 2-day stub).
SOURCE_ROUNDS_PER_MONTH = 4


def source_rounds(days: int) -> int:
    """Number of seed-002 weekly rounds in a horizon: 4 per 30 days, rounded half up, at least 1."""
    return max(1, int(math.floor(days * SOURCE_ROUNDS_PER_MONTH / 30 + 0.5)))


def period_of(day: pd.Series | np.ndarray, period: str, days: int | None = None) -> np.ndarray:
    """Period index (0-based) of a day index.

    Periods: ``day``; ``week`` (calendar 7-day blocks, a trailing partial week included); ``month`` (30-day
    blocks); ``round4`` (seed 002's weekly rounds: the horizon split into :func:`source_rounds` rounds of equal
    length in whole days, e.g. 30 days -> 8, 7, 8, 7 days). ``round4`` needs ``days``.
    """
    d = np.asarray(day)
    if period == "round4":
        if days is None:
            raise ValueError("period 'round4' needs the horizon in days")
        return d * source_rounds(days) // days
    return d // PERIOD_DAYS[period]


def kpi_table(
    chats: pd.DataFrame,
    msgs: pd.DataFrame,
    duty: pd.DataFrame,
    *,
    by_agent: bool,
    period: str | None,
    options: KpiOptions | None = None,
    reps: range | list[int] | None = None,
    three_min_basis: str = "message",
    view: str | None = None,
) -> pd.DataFrame:
    """KPI table for one grouping.

    Every (replication, agent, period) gets a row, also one without any chat (counts 0, ratios NaN): a
    replication with no arrivals is a replication, not a missing one.

    Args:
        chats: chat records of all replications (:data:`model.records.CHAT_COLUMNS` and outcome columns).
        msgs: buyer-message records (:data:`model.records.MSG_COLUMNS`).
        duty: on-duty seconds with columns agent, day, duty_s (the same in every replication).
        by_agent: one row per agent (else the team).
        period: None (whole horizon), "day", "week", "month" or "round4" (seed 002's weekly rounds).
        options: the platform's KPI definitions (``[kpi]``; default: the schema's defaults).
        reps: every replication id (default: those present in the records).
        three_min_basis: "message" or "round" (see :func:`ratios`; :func:`three_min_basis`).
        view: with the bot front line's records, "human", "bot" or "all" (:data:`VIEWS`); None = every chat
            with the records' own replies (a run without a bot has one view).

    Returns:
        A flat DataFrame with columns rep, [agent], [period name] and every KPI code.
    """
    keys = ["rep"] + (["agent"] if by_agent else [])
    # an agent's rows and the period are given to the sums as a mask and a key (no copies of the records)
    crows = chats["agent"].to_numpy() >= 0 if by_agent else None
    mrows = msgs["agent"].to_numpy() >= 0 if by_agent else None
    days = int(duty["day"].max()) + 1 if len(duty) else 1
    ckeys: dict[str, np.ndarray] = {}
    mkeys: dict[str, np.ndarray] = {}
    if period is not None:
        ckeys[period] = period_of(chats["day"].to_numpy(), period, days)
        mkeys[period] = period_of(msgs["day"].to_numpy(), period, days)
        keys = keys + [period]
    options = options or KpiOptions()
    cs = chat_sums(chats, keys, options, by_agent=by_agent, rows=crows, key_values=ckeys, view=view)
    ms = msg_sums(msgs, keys, options, rows=mrows, key_values=mkeys, view=view)
    s = cs.join(ms, how="outer").fillna(0)
    # on-duty time: same in every replication
    d = duty if period is None else duty.assign(**{period: period_of(duty["day"], period, days)})
    dkeys = [k for k in keys if k != "rep"]
    dsum = d.groupby(dkeys)["duty_s"].sum() if dkeys else pd.Series([duty["duty_s"].sum()])
    rep_ids = sorted(set(s.index.get_level_values("rep")) | set(reps if reps is not None else []))
    if not rep_ids:
        return pd.DataFrame(columns=keys + list(KPI_CODES))
    if dkeys:
        full = pd.concat({r: dsum for r in rep_ids}, names=["rep"])
        s = s.join(full.rename("duty_s"), how="outer").fillna(0)
    else:
        s = s.reindex(pd.Index(rep_ids, name="rep"), fill_value=0)
        s["duty_s"] = float(dsum.iloc[0]) if len(dsum) else 0.0
    s = s.reindex(columns=list(SUM_COLUMNS), fill_value=0)
    out = ratios(s, three_min_basis).reset_index()
    return out


#: Below this many replications every interval is flagged (CLI, JSON ``warnings`` and the app): with 2
#: replications a 95% t-interval is 12.7 standard errors wide, with 5 it is 2.8.
MIN_REPLICATIONS = 5


def interval(
    values: np.ndarray, level: float = 0.95, *, lo: float | None = None, hi: float | None = None
) -> dict[str, Any]:
    """Mean and t-interval over replications, kept inside the quantity's possible range.

    Args:
        values: one value per replication (NaN values are left out: replications without a denominator).
        level: two-sided level.
        lo: smallest possible value of the quantity (e.g. 0 for a share, a wait or a count), or None.
        hi: largest possible value (1 for a share), or None.

    Returns:
        ``{"mean", "lo", "hi"}``. ``lo``/``hi`` are None with fewer than two finite values and when every
        replication gave the same value (``"note": "constant"``: nothing varies, e.g. a scheme with no effect has
        an uplift of exactly 0). A t-bound beyond the possible range is clipped to it (``"note": "clipped"``).
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return {"mean": None, "lo": None, "hi": None}
    mean = float(v.mean())
    if len(v) < 2:
        return {"mean": mean, "lo": None, "hi": None}
    if np.all(v == v[0]):
        return {"mean": mean, "lo": None, "hi": None, "note": "constant"}
    half = float(t_quantile(0.5 + level / 2, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)))
    out: dict[str, Any] = {"mean": mean, "lo": mean - half, "hi": mean + half}
    clipped = False
    if lo is not None and out["lo"] < lo:
        out["lo"], clipped = float(lo), True
    if hi is not None and out["hi"] > hi:
        out["hi"], clipped = float(hi), True
    if clipped:
        out["note"] = "clipped"
    return out


def summarise(team: pd.DataFrame, codes: list[str] | None = None, level: float = 0.95) -> dict[str, dict]:
    """KPI code -> {mean, lo, hi} over the replications of a one-row-per-rep team table.

    Intervals stay inside each KPI's range from the registry (:func:`model.kpicodes.kpi_range`).
    """
    codes = codes or [c for c in KPI_CODES if c in team.columns]
    values = team[codes].to_numpy(dtype=float).T  # one lookup for every code (each costs more than its interval)
    out = {}
    for c, v in zip(codes, values, strict=True):
        k = KPI_CODES.get(c)
        lo, hi = (k.lo, k.hi) if k is not None else (None, None)
        out[c] = interval(v, level, lo=lo, hi=hi)
    return out
