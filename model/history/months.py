"""Several months of per-agent exports, each with the scheme that paid it (issue 14, step 1).

The exports are one file with several months (the month is the calendar month of each row's date) or several files
(one month or more each). The schemes come from a small TOML file in the scenario's scheme language::

    [[schemes]]                       # any scheme of the scenario language
    name = "转化门槛"
    ...

    [months]                          # month -> the scheme that paid it ("" = base pay only)
    "2026-08" = ""
    "2026-09" = "转化门槛"

A month of the exports with no entry, an entry for a month the exports do not have, an unknown scheme name, or a
scheme that reads a KPI the month's export cannot give is refused with a message naming the month.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from model.errors import ScenarioError, format_validation_error
from model.history.replay import scheme_kpis
from model.history.sums import available_codes
from model.history.validate import History
from model.kpicodes import KPI_CODES
from model.schemes.spec import Scheme

#: Values of ``[months]`` that mean base pay only (no variable pay).
BASE_ONLY = ("", "none", "base", "仅底薪")


@dataclass(frozen=True)
class Month:
    """One month of history and the scheme that paid it (None = base pay only)."""

    month: str
    history: History
    scheme: Scheme | None


def month_of(d) -> str:
    """The ``YYYY-MM`` label of a date."""
    return f"{d.year:04d}-{d.month:02d}"


def split_months(histories: list[History]) -> dict[str, History]:
    """Each calendar month of the exports as its own History; a month in two files is refused."""
    out: dict[str, History] = {}
    for h in histories:
        labels = h.data["date"].map(month_of)
        for m in sorted(set(labels)):
            if m in out:
                raise ScenarioError(f"month {m} is in two exports ({out[m].name} and {h.name}); give each month once",
                                    file=h.name, key="date")
            mask = (labels == m).to_numpy()
            data = h.data[mask].reset_index(drop=True)
            rows = [r for r in h.data.loc[mask, "row"] if r in h.raw.index]
            out[m] = dataclasses.replace(h, data=data, raw=h.raw.loc[rows])
    return dict(sorted(out.items()))


def merge_histories(histories: list[History]) -> History:
    """Several histories as one: their rows together, in order (the first's name and other fields kept).

    The one place histories are glued (``calibrate`` on several files, the response estimate's norm months); it
    does not check for a month given twice (:func:`split_months` refuses that). ``raw`` keeps each file row number
    once, the first file's row where two files share a number (it is shown in import reports only).
    """
    if len(histories) == 1:
        return histories[0]
    first = histories[0]
    data = pd.concat([h.data for h in histories], ignore_index=True)
    raw = pd.concat([h.raw for h in histories])
    raw = raw[~raw.index.duplicated(keep="first")]
    return dataclasses.replace(first, data=data, raw=raw)


def read_month_schemes(path: str | Path) -> dict[str, Scheme | None]:
    """month -> scheme (None = base pay only) from the months TOML file."""
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise ScenarioError(f"cannot read: {e.strerror}", file=str(p)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ScenarioError(f"not valid TOML: {e}", file=str(p)) from None
    return parse_month_schemes(doc, str(p))


def parse_month_schemes(doc: dict, file: str = "<months>") -> dict[str, Scheme | None]:
    """The ``[[schemes]]`` and ``[months]`` tables of a months document."""
    extra = set(doc) - {"schemes", "months"}
    if extra:
        raise ScenarioError(f"unknown table(s) {', '.join(sorted(extra))}; allowed: [[schemes]], [months]", file=file)
    schemes: dict[str, Scheme] = {}
    for i, raw in enumerate(doc.get("schemes", [])):
        try:
            s = Scheme.model_validate(raw)
        except ValidationError as e:
            err = format_validation_error(e, file)
            raise ScenarioError(err.message, file=file, key=f"schemes[{i}]" + (f".{err.key}" if err.key else "")) from None
        if s.name in schemes:
            raise ScenarioError(f"scheme name '{s.name}' given twice", file=file, key=f"schemes[{i}].name")
        schemes[s.name] = s
    months = doc.get("months")
    if not isinstance(months, dict) or not months:
        raise ScenarioError("a [months] table is needed: \"YYYY-MM\" = \"scheme name\" (\"\" = base pay only)",
                            file=file, key="months")
    out: dict[str, Scheme | None] = {}
    for m, name in months.items():
        if len(m) != 7 or m[4] != "-" or not (m[:4] + m[5:]).isdigit() or not 1 <= int(m[5:]) <= 12:
            raise ScenarioError(f"month '{m}' is not YYYY-MM", file=file, key=f"months.{m}")
        if not isinstance(name, str):
            raise ScenarioError("give the scheme's name as a string (\"\" = base pay only)", file=file, key=f"months.{m}")
        if name.strip() in BASE_ONLY:
            out[m] = None
        elif name in schemes:
            out[m] = schemes[name]
        else:
            known = ", ".join(schemes) or "none defined"
            raise ScenarioError(f"month {m}: unknown scheme '{name}' (schemes in this file: {known})",
                                file=file, key=f"months.{m}")
    return out


def match_months(histories: list[History], schemes: dict[str, Scheme | None], file: str = "<months>") -> list[Month]:
    """The exports' months, each with its scheme; refuses a month with no scheme or one it cannot price."""
    by_month = split_months(histories)
    missing = [m for m in by_month if m not in schemes]
    if missing:
        raise ScenarioError(f"month {missing[0]} has no scheme: add \"{missing[0]}\" = \"scheme name\" to [months] "
                            "(\"\" = base pay only)", file=file, key="months")
    absent = [m for m in schemes if m not in by_month]
    if absent:
        have = ", ".join(by_month)
        raise ScenarioError(f"month {absent[0]} is not in the exports (they have {have})", file=file,
                            key=f"months.{absent[0]}")
    out = []
    for m, h in by_month.items():
        s = schemes[m]
        if s is not None:
            lack = sorted(scheme_kpis(s) - available_codes(h))
            if lack:
                names = ", ".join(f"{c} {KPI_CODES[c].zh}" for c in lack)
                raise ScenarioError(f"month {m}: scheme '{s.name}' cannot be priced from the export: it reads {names}, "
                                    "which the export does not give", file=file, key=f"months.{m}")
        out.append(Month(m, h, s))
    return out
