"""AppTest of the whole app (app.py with st.navigation): widget values survive a visit to another page and a
language switch there (Simulate -> Compare -> English -> Simulate used to bring the sliders back at their
minimum values and end in a traceback), and no page shows a raw catalogue key in either language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from e2e_helpers import wait_limit_s
from streamlit.testing.v1 import AppTest

from model.present.i18n import CATALOGUES

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 120
KEYS = set(CATALOGUES["zh"])
#: A catalogue key on screen looks like "ed.ae_conv" or "sim.agents_help": a known prefix, a dot, a word.
PREFIXES = sorted({k.split(".", 1)[0] for k in KEYS})
KEY_RE = re.compile(r"(?<![\w./])(?:" + "|".join(map(re.escape, PREFIXES)) + r")\.[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")


def _go(at: AppTest, url_path: str) -> AppTest:
    """Switch to a page registered with st.navigation by its url path ("" = the default page) and run."""
    at._page_hash = next(h for h, info in at._registered_pages.items() if info["url_pathname"] == url_path)
    return at.run()


def _texts(at: AppTest) -> list[str]:
    """Every text the run put on screen: element values, labels, help texts, captions, options."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            for field in ("label", "help", "body", "placeholder", "value", "caption"):
                v = getattr(proto, field, None)
                if isinstance(v, str) and v:
                    out.append(v)
            out.extend(str(o) for o in getattr(proto, "options", []) or [])
        v = getattr(node, "value", None)
        if isinstance(v, str):
            out.append(v)
        for child in getattr(node, "children", {}).values() if isinstance(getattr(node, "children", None), dict) \
                else []:
            walk(child)

    walk(at._tree)
    return out


def _raw_keys(at: AppTest) -> list[str]:
    return sorted({m for text in _texts(at) for m in KEY_RE.findall(text) if m in KEYS or m.split(".")[0]})


def test_the_key_pattern_finds_a_raw_key() -> None:
    assert KEY_RE.findall("Label: ed.ae_conv and 3.5% and sim.agents_help") == ["ed.ae_conv", "sim.agents_help"]
    assert not KEY_RE.findall("seed000_threshold_48.toml · 1.2万 · 3.5%")
    assert not KEY_RE.findall("见 docs/kpi.md")  # a file path in the repo is not a key


def test_simulate_compare_language_simulate_keeps_the_sliders() -> None:
    at = AppTest.from_file(APP, default_timeout=wait_limit_s(TIMEOUT)).run()
    assert not at.exception
    at.slider(key="agents").set_value(7).run()
    at.slider(key="inquiries").set_value(1500).run()
    assert not at.exception
    _go(at, "compare")
    assert not at.exception, [e.value for e in at.exception]
    at.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    _go(at, "")
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key="agents").value == 7
    assert at.slider(key="inquiries").value == 1500
    assert at.slider(key="concurrency").value == 3
    assert at.title[0].value == CATALOGUES["en"]["sim.title"]


def test_compare_settings_survive_a_visit_to_simulate() -> None:
    at = AppTest.from_file(APP, default_timeout=wait_limit_s(TIMEOUT)).run()
    _go(at, "compare")
    at.number_input(key="cmp_days").set_value(3).run()
    at.slider(key="cmp_s1c0_target_inquiry_conversion").set_value(45.0).run()
    _go(at, "")
    at.radio(key="lang").set_value("en").run()
    _go(at, "compare")
    assert not at.exception, [e.value for e in at.exception]
    assert at.number_input(key="cmp_days").value == 3
    assert at.slider(key="cmp_s1c0_target_inquiry_conversion").value == 45.0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_shows_a_raw_catalogue_key(lang: str) -> None:
    at = AppTest.from_file(APP, default_timeout=wait_limit_s(TIMEOUT))
    at.session_state["lang"] = lang
    at.run()
    for url in ("", "compare"):
        _go(at, url)
        assert not at.exception, [e.value for e in at.exception]
        texts = _texts(at)
        assert len(texts) > 20  # the walk finds the page's texts at all
        found = sorted({m for t in texts for m in KEY_RE.findall(t)})
        assert not found, (url, found)


def _choices(at: AppTest) -> list[tuple[str, object, list[str], str]]:
    """(key, value, options, formatted value) of every selectbox and radio on the page."""
    out = []
    for el in [*at.selectbox, *at.radio]:
        out.append((el.key, el.value, list(el.options), str(el.format_func(el.value))))
    return out


#: Choices that change the page itself (another scenario, another language) are left as they are.
FIXED_CHOICES = {"lang", "scenario", "cmp_scenario", "hist_scenario", "tun_scenario", "stf_scenario", "plan_template",
                 "hist_template", "tun_past"}


@pytest.mark.parametrize("url", ["", "compare", "history", "tuning", "plan"])
def test_a_language_switch_keeps_every_choice_a_valid_option(url: str) -> None:
    """After zh -> en on a page, every selectbox and radio still holds one of its options, shown in English.

    Streamlit keeps a keyed selectbox's value as its label text; when the labels change with the language, the
    old label no longer matches and the widget handed back the Chinese text instead of the option (the scheme
    editor's KPI, direction, period and mode selects did; the load bench found it)."""
    at = AppTest.from_file(APP, default_timeout=wait_limit_s(TIMEOUT)).run()
    _go(at, url)
    assert not at.exception, [e.value for e in at.exception]
    assert _choices(at)  # the page has choices at all
    for el in [*at.selectbox, *at.radio]:  # a user's choice, not the default: the last option
        if el.key and el.key not in FIXED_CHOICES and len(el.options) > 1:
            el.set_value(el.options[-1])  # AppTest takes the label and sends it as the browser does
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    before = {k: v for k, v, _, _ in _choices(at) if k}
    at.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    after = _choices(at)
    for key, value, options, shown in after:
        if key == "lang":
            continue
        assert shown in options, (url, key, value, options)
        if key in before:
            assert value == before[key], (url, key, before[key], value)
