"""Platform rules (DOMAIN.md, "Platform rules worth drawing as lines"): drawn as lines in the app and checked
by :mod:`model.checks` (a breached line is a warning in the CLI, the JSON and the app).

These come from public sources; the UI says so next to them. Each rule is a KPI code, a bound and a side.
The rules live as data in dated rule packs (``model/rule_packs/<platform>.toml``): :func:`rules_in_force`
gives the rules that judge a given date (effective dates, exemptions, promotion assessments); ``RULES``,
:func:`rules_for` and :func:`rule_for` are today's.
The 3-minute reply rate is counted as each platform counts it (``kpi.three_min_basis``): per buyer message on
Douyin, per round (first question -> first answer) on Taobao/Tmall.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from model.kpicodes import KPI_CODES


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


#: The rule packs: one TOML file per platform (model/rule_packs/), rules with effective dates, exemptions and
#: promotion assessments (docs/kpi.md, "Rule packs").
PACK_DIR = Path(__file__).resolve().parent / "rule_packs"


@dataclass(frozen=True)
class DatedRule:
    """A rule with the dates it is in force (inclusive; None = open) and how it is counted."""

    rule: Rule
    since: dt.date | None = None
    until: dt.date | None = None
    window: str = ""
    source: str = ""

    def in_force(self, day: dt.date) -> bool:
        """True when the rule applies on ``day``."""
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class Exemption:
    """KPIs not assessed from ``start`` to ``end`` (inclusive)."""

    start: dt.date
    end: dt.date
    kpis: tuple[str, ...]
    reason: str = ""
    source: str = ""


@dataclass(frozen=True)
class Pack:
    """One platform's rule pack."""

    platform: str
    name: str
    file: str
    rules: tuple[DatedRule, ...] = ()
    exemptions: tuple[Exemption, ...] = ()
    promotions: tuple[dict[str, Any], ...] = ()
    bot: BotCounting | None = None


@dataclass(frozen=True)
class BotCounting:
    """How a platform counts the bot front line in its rates (the pack's ``[bot]`` table).

    Attributes:
        counts_bot: KPI codes whose platform figure counts the bot's replies and ratings (the "all" view:
            bot-handled chats count, and a handed-over chat's first response is the bot's first reply); every
            other code counts human-handled chats only (the "human" view; docs/kpi.md, "Bot replies").
        confirmed: KPI codes whose counting rule (counted or not) the platform's own wording states, cited in
            ``source``; the rule of every other code is an assumption (the app and docs say so).
    """

    counts_bot: tuple[str, ...] = ()
    note: str = ""
    source: str = ""
    confirmed: tuple[str, ...] = ()


@dataclass(frozen=True)
class InForce:
    """The rules that judge a platform's shop on one date.

    Attributes:
        rules: the lines in force and not exempted.
        exempted: KPI codes exempted on that date (with ``notes`` saying why).
        since: the latest effective date among the rules in force (None: no dated rule).
        notes: exemptions and promotion assessments that apply, in words.
    """

    platform: str
    date: dt.date
    pack: str
    rules: tuple[Rule, ...]
    exempted: tuple[str, ...] = ()
    since: dt.date | None = None
    notes: tuple[str, ...] = ()


def _pack_error(msg: str, file: str, key: str) -> Exception:
    from model.errors import ScenarioError

    return ScenarioError(msg, file=file, key=key)


def _date(v: Any, file: str, key: str) -> dt.date | None:
    if v is None:
        return None
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v
    raise _pack_error(f"'{v}' is not a date (write 2021-09-01)", file, key)


def parse_pack(data: dict[str, Any], file: str = "<rule pack>") -> Pack:
    """A rule pack from its parsed TOML (errors name the file and the key)."""
    platform = data.get("platform")
    if not isinstance(platform, str) or not platform:
        raise _pack_error("needs platform = \"<name>\"", file, "platform")
    rules = []
    for i, r in enumerate(data.get("rules", [])):
        key = f"rules.{i}"
        if not isinstance(r.get("kpi"), str) or isinstance(r.get("value"), bool) \
                or not isinstance(r.get("value"), int | float):
            raise _pack_error("a rule needs kpi (a KPI code) and value (a number)", file, key)
        side = r.get("side", "min")
        if side not in ("min", "max"):
            raise _pack_error(f"side must be min or max, got {side!r}", file, f"{key}.side")
        since, until = _date(r.get("since"), file, f"{key}.since"), _date(r.get("until"), file, f"{key}.until")
        if since and until and until < since:
            raise _pack_error(f"until {until} is before since {since}", file, f"{key}.until")
        rules.append(DatedRule(Rule(r["kpi"], float(r["value"]), side), since, until, str(r.get("window", "")),
                               str(r.get("source", ""))))
    ex = []
    for i, e in enumerate(data.get("exemptions", [])):
        key = f"exemptions.{i}"
        start, end = _date(e.get("start"), file, f"{key}.start"), _date(e.get("end"), file, f"{key}.end")
        if start is None or end is None or end < start:
            raise _pack_error("an exemption needs start <= end (dates)", file, key)
        ex.append(Exemption(start, end, tuple(e.get("kpis", [])), str(e.get("reason", "")), str(e.get("source", ""))))
    bot = data.get("bot")
    counting = None
    if bot is not None:
        codes = bot.get("counts_bot", []) if isinstance(bot, dict) else None
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise _pack_error("counts_bot must be a list of KPI codes", file, "bot.counts_bot")
        unknown = [c for c in codes if c not in KPI_CODES]
        if unknown:
            raise _pack_error(f"unknown KPI codes {unknown}", file, "bot.counts_bot")
        confirmed = bot.get("confirmed", [])
        if not isinstance(confirmed, list) or not all(isinstance(c, str) and c in KPI_CODES for c in confirmed):
            raise _pack_error("confirmed must be a list of KPI codes (those the platform's own wording settles)",
                              file, "bot.confirmed")
        counting = BotCounting(tuple(codes), str(bot.get("note", "")), str(bot.get("source", "")),
                               tuple(confirmed))
    return Pack(platform, str(data.get("name", platform)), file, tuple(rules), tuple(ex),
                tuple(data.get("promotions", [])), counting)


@lru_cache(maxsize=1)
def load_packs(folder: str | None = None) -> dict[str, Pack]:
    """Every rule pack in ``folder`` (default: the shipped model/rule_packs/), by platform."""
    out = {}
    for p in sorted(Path(folder or PACK_DIR).glob("*.toml")):
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise _pack_error(f"TOML syntax error: {e}", str(p), "") from None
        pack = parse_pack(data, file=str(p))
        out[pack.platform] = pack
    return out


def rules_in_force(platform: str | None, day: dt.date | None = None, *, promotion: bool = False) -> InForce:
    """The rules that judge ``platform`` on ``day`` (default today): dated rules in force, minus exemptions.

    Args:
        platform: the platform code (taobao, tmall, douyin, kuaishou, jd, ...).
        day: the date.
        promotion: the date is in a big promotion (adds the pack's promotion assessments to the notes).
    """
    day = day or dt.date.today()
    pack = load_packs().get(platform or "")
    if pack is None:
        return InForce(platform or "", day, "", ())
    exempt: list[str] = []
    notes: list[str] = []
    for e in pack.exemptions:
        if e.start <= day <= e.end:
            exempt += [k for k in e.kpis if k not in exempt]
            notes.append(f"{', '.join(e.kpis)} not assessed {e.start} .. {e.end}: {e.reason} ({e.source})")
    live = [r for r in pack.rules if r.in_force(day)]
    if promotion:
        for pr in pack.promotions:
            notes.append(f"{pr.get('note', '')} ({pr.get('source', '')})")
    dates = [r.since for r in live if r.since]
    return InForce(pack.platform, day, pack.name, tuple(r.rule for r in live if r.rule.kpi not in exempt),
                   tuple(exempt), max(dates) if dates else None, tuple(notes))


#: Today's lines per platform, derived from the packs (the API the checks, the deck and the app use).
RULES: dict[str, tuple[Rule, ...]] = {p: rules_in_force(p).rules for p in load_packs()}


def rules_for(platform: str | None, day: dt.date | None = None) -> tuple[Rule, ...]:
    """The rules drawn for a platform (empty when none are known): today's, or those in force on ``day`` (a
    planned month's first date, :func:`plan_day`)."""
    if day is None:
        return RULES.get(platform or "", ())
    return rules_in_force(platform, day).rules


def rule_for(platform: str | None, kpi: str, day: dt.date | None = None) -> Rule | None:
    """The platform's rule on one KPI, if any (today's, or in force on ``day``)."""
    return next((r for r in rules_for(platform, day) if r.kpi == kpi), None)


def plan_day(plan: Any) -> dt.date | None:
    """The date a planned month is judged on: its first date (``meta.plan.first_date``, else the first of
    ``meta.plan.month``), from the scenario's ``PlanFacts`` or a document's ``plan`` dict; None (today's rules)
    for a scenario that was not planned or a date that does not parse."""
    if plan is None:
        return None
    get = plan.get if isinstance(plan, dict) else (lambda k, d=None: getattr(plan, k, d))
    for text in (get("first_date"), f"{get('month')}-01" if get("month") else None):
        if not text:
            continue
        try:
            return dt.date.fromisoformat(str(text))
        except ValueError:
            continue
    return None


def changes_within(platform: str | None, first: dt.date, days: int) -> list[InForce]:
    """The days of ``[first, first + days)`` on which the rules in force differ from the day before (a line
    that starts or ends, an exemption that begins or is over), each as the rules in force from that day."""
    out, prev = [], rules_in_force(platform, first)
    for i in range(1, max(0, days)):
        now = rules_in_force(platform, first + dt.timedelta(days=i))
        if (now.rules, now.exempted) != (prev.rules, prev.exempted):
            out.append(now)
        prev = now
    return out


def bot_counting(platform: str | None) -> BotCounting:
    """How ``platform`` counts the bot in its rates (no pack or no ``[bot]`` table: human chats only)."""
    pack = load_packs().get(platform or "")
    return pack.bot if pack is not None and pack.bot is not None else BotCounting()
