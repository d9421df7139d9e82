"""The one translator over the catalogues (model.present.i18n): every key in both languages, in one file only,
with the same placeholders, and an unknown key fails loudly naming it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from model.present import i18n
from model.present.i18n import CATALOGUES, FILES, kpi_label, norm_lang, t

ROOT = Path(__file__).resolve().parent.parent


def test_every_catalogue_file_has_zh_and_en_for_every_key():
    for area, mod in FILES.items():
        assert set(mod.ZH) == set(mod.EN), (area, sorted(set(mod.ZH) ^ set(mod.EN)))
        for k in mod.ZH:
            zh, en = set(re.findall(r"{(\w+)", mod.ZH[k])), set(re.findall(r"{(\w+)", mod.EN[k]))
            assert zh == en, (area, k, zh, en)


def test_no_key_is_defined_in_two_catalogue_files():
    owner: dict[str, str] = {}
    for area, mod in FILES.items():
        for k in mod.ZH:
            assert k not in owner, f"{k!r} in both {owner[k]}.py and {area}.py"
            owner[k] = area
    assert set(owner) == set(CATALOGUES["zh"]) == set(CATALOGUES["en"])


def test_every_catalogue_file_is_merged():
    files = {p.stem for p in (ROOT / "model" / "present" / "i18n").glob("*.py")} - {"__init__", "errors"}
    assert files == set(FILES)


def test_merging_two_files_with_the_same_key_fails(monkeypatch):
    class Clash:
        ZH = {"sim.title": "x"}
        EN = {"sim.title": "x"}

    monkeypatch.setitem(i18n.FILES, "clash", Clash)
    with pytest.raises(ValueError, match=r"'sim.title'.*common\.py.*clash\.py"):
        i18n._merge()


def test_unknown_key_fails_loudly_and_names_it():
    with pytest.raises(KeyError, match="no.such.key"):
        t("no.such.key", "en")
    with pytest.raises(KeyError, match="no.such.key"):
        t("no.such.key")


def test_translate_language_default_and_placeholders():
    assert t("nav.compare") == t("nav.compare", "zh") == t("nav.compare", "xx") == "方案对比"
    assert t("nav.compare", "en") == "Compare schemes"
    assert norm_lang(None) == norm_lang("fr") == "zh" and norm_lang("en") == "en"
    assert "report.html" in t("sim.using_upload", "en", name="report.html")
    assert kpi_label("inquiry_conversion", "en") == t("kpi.inquiry_conversion", "en")


def test_every_key_the_app_and_the_presentation_use_exists():
    """Literal keys passed to t(...) anywhere in the app, the pages and model/present exist."""
    used: set[str] = set()
    files = [ROOT / "app.py", *(ROOT / "ui").rglob("*.py"), *(ROOT / "model" / "present").rglob("*.py")]
    for p in files:
        used |= set(re.findall(r"""(?<![\w.])t\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""",
                               p.read_text(encoding="utf-8")))
    assert len(used) > 300  # the scan finds the keys at all
    missing = sorted(k for k in used if k not in CATALOGUES["zh"])
    assert not missing, missing
