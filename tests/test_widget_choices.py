"""Selects that survive the browser sending a label instead of a value (ui.widgets.choose / option_of).

The load bench (bench/app_load.py, 8 sessions switching language on the compare page) saw the scheme editor's KPI
select hand back '询单转化率 (inquiry_conversion)' as the value and the page end in a KeyError; AppTest cannot make
the browser's stale label, so the mapping is tested here with a stand-in widget that returns what Streamlit
returned then."""

from __future__ import annotations

from model.kpicodes import KPI_CODES
from model.present.i18n import kpi_label, t
from ui.widgets import choose, option_of

CODES = ["inquiry_conversion", "first_response_s", "sales_yuan"]


def _kpi_fmt(lang: str):
    return lambda c: f"{kpi_label(c, lang)} ({c})" if c in KPI_CODES else c


def test_a_label_handed_back_as_the_value_is_mapped_to_its_option() -> None:
    label = _kpi_fmt("zh")("first_response_s")
    widget = lambda *a, **k: label  # noqa: E731  (Streamlit's answer in the failing run)
    assert choose(widget, "KPI", CODES, key="k", index=0, format_func=_kpi_fmt("zh")) == "first_response_s"


def test_a_value_that_is_an_option_is_kept_and_anything_else_falls_back_to_the_index() -> None:
    fmt = lambda x: t(f"ed.period.{x}", "en")  # noqa: E731
    periods = ["month", "week", "day"]
    assert option_of("week", periods, fmt, 0) == "week"
    assert option_of(t("ed.period.day", "en"), periods, fmt, 0) == "day"
    assert option_of(t("ed.period.day", "zh"), periods, fmt, 1) == "week"  # another language's label: the index
    assert option_of("nonsense", periods, fmt, None) is None


def test_the_scheme_editors_kpi_select_maps_the_other_languages_label_to_its_code(monkeypatch) -> None:
    import streamlit as st

    from ui import scheme_editor

    monkeypatch.setattr(st, "selectbox", lambda *a, **k: _kpi_fmt("zh")("sales_yuan"))  # zh label in an en run
    assert scheme_editor._kpi_select("KPI", "inquiry_conversion", CODES, "k", "en") == "sales_yuan"


def test_every_select_with_a_format_func_goes_through_choose() -> None:
    """A selectbox or radio with a ``format_func`` is called through ``ui.widgets.choose`` (the AST of ui/ and
    app.py), except the few that map a label themselves: the language radio (its labels do not depend on the
    language), ``translated_choice`` (one widget per language) and the scheme editor's KPI select."""
    import ast

    from conftest import ROOT

    allowed = {("app.py", "<module>"), ("ui/widgets.py", "translated_choice"), ("ui/widgets.py", "choose"),
               ("ui/scheme_editor.py", "_kpi_select")}
    found = []
    for path in [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]:
        rel = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        scopes = {}
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef):
                for n in ast.walk(fn):
                    scopes.setdefault(id(n), fn.name)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("selectbox", "radio")
                    and any(k.arg == "format_func" for k in node.keywords)):
                where = (rel, scopes.get(id(node), "<module>"))
                if where not in allowed:
                    found.append(f"{rel}:{node.lineno} ({where[1]})")
    assert not found, found
