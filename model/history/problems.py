"""The import report: row-level problems, notes, skipped and totals rows; the error that stops an import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from model.errors import ScenarioError
from model.history.messages import both, msg


@dataclass
class Problem:
    """One problem in the file.

    Attributes:
        row: file row number as the user sees it in Excel or a text editor (1 = first line, header included);
            None for a file-level problem.
        column: the column header as written in the file (None for the whole row / file).
        value: the cell as written.
        problem: message key of what is wrong (:data:`model.history.messages.TEXT`).
        allowed: message key of what is accepted.
        fmt: values for the message placeholders.
    """

    row: int | None
    column: str | None
    value: str
    problem: str
    allowed: str
    fmt: dict[str, Any] = field(default_factory=dict)

    def as_row(self, lang: str = "zh") -> dict[str, Any]:
        """The problem as a table row in a language (keys: row, column, value, problem, allowed)."""
        return {"row": self.row, "column": self.column or "", "value": self.value,
                "problem": msg(self.problem, lang, **self.fmt), "allowed": msg(self.allowed, lang)}


@dataclass
class ImportReport:
    """What the import found: problems, rows skipped on request, totals rows, and notes for every output."""

    problems: list[Problem] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    totals_rows: list[int] = field(default_factory=list)
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def problem_rows(self) -> list[int]:
        """File row numbers that have at least one problem (sorted)."""
        return sorted({p.row for p in self.problems if p.row is not None})

    def rows(self, lang: str = "zh") -> list[dict[str, Any]]:
        """Problems as table rows in a language."""
        return [p.as_row(lang) for p in self.problems]

    def note_lines(self, lang: str = "zh") -> list[str]:
        """The notes in a language (skipped rows first: every output must say so)."""
        order = sorted(self.notes, key=lambda n: n[0] != "note_skipped")
        return [msg(k, lang, **f) for k, f in order]

    def text(self, limit: int = 50) -> str:
        """The report as plain text in Chinese and English (the CLI's output)."""
        lines = []
        if self.problems:
            lines.append(f"{'行 row':>8}  {'列 column':<16}  {'值 value':<14}  问题 problem · 允许 allowed")
            for p in self.problems[:limit]:
                zh, en = p.as_row("zh"), p.as_row("en")
                row = "" if p.row is None else str(p.row)
                lines.append(f"{row:>8}  {zh['column'][:16]:<16}  {zh['value'][:14]:<14}  {zh['problem']} / "
                             f"{en['problem']} · {zh['allowed']} / {en['allowed']}")
            if len(self.problems) > limit:
                lines.append(f"... 另有 {len(self.problems) - limit} 处 / {len(self.problems) - limit} more")
        for k, f in self.notes:
            lines.append(both(k, **f))
        return "\n".join(lines)


class HistoryError(ScenarioError):
    """Bad input in a history export: a file-level problem or a row report that stopped the import.

    A :class:`ScenarioError`, so the CLI exits with code 2 and prints it. ``key``/``fmt`` give the headline in
    either language (:meth:`headline`), ``report`` the row-level problems.
    """

    def __init__(self, file: str, key: str, report: ImportReport | None = None, **fmt: Any) -> None:
        self.msg_key = key
        self.fmt = fmt
        self.report = report or ImportReport()
        text = both(key, **fmt)
        body = self.report.text()
        super().__init__(text + ("\n" + body if body else ""), file=file)

    def headline(self, lang: str = "zh") -> str:
        """The one-line message in a language, naming the file."""
        return f"{self.file}: {msg(self.msg_key, lang, **self.fmt)}"
