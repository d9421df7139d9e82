"""The texts of the app, the HTML report and the deck (zh default, en), and the one translator over them.

One catalogue file per area (:mod:`.common` the app shell, Simulate page, units and KPI labels; :mod:`.compare`
the compare page, scheme editor, its charts and the HTML report; :mod:`.behaviour`; :mod:`.tuning`;
:mod:`.history`; :mod:`.deck`; :mod:`.plan`; :mod:`.portfolio`; :mod:`.bot` the Compare page's bot section),
each a ``ZH`` and an ``EN`` dict. A key lives in exactly one file (checked when the catalogues are merged here);
both languages carry the same keys (a test checks it).
"""

from __future__ import annotations

from model.present.i18n import (
    behaviour,
    bot,
    common,
    compare,
    deck,
    history,
    plan,
    portfolio,
    response,
    tuning,
)

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

#: The catalogue files, by area.
FILES = {"common": common, "compare": compare, "behaviour": behaviour, "tuning": tuning, "history": history,
         "deck": deck, "plan": plan, "portfolio": portfolio, "response": response, "bot": bot}


def _merge() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {"zh": {}, "en": {}}
    owner: dict[str, str] = {}
    for area, mod in FILES.items():
        for lang, cat in (("zh", mod.ZH), ("en", mod.EN)):
            for key, text in cat.items():
                if owner.setdefault(f"{lang}:{key}", area) != area:
                    raise ValueError(f"catalogue key {key!r} is defined in both {owner[f'{lang}:{key}']}.py "
                                     f"and {area}.py (model/present/i18n/)")
                merged[lang][key] = text
    return merged


CATALOGUES: dict[str, dict[str, str]] = _merge()


def norm_lang(lang: str | None) -> str:
    """Return a supported language code (unknown or missing -> the default, Chinese)."""
    return lang if lang in CATALOGUES else DEFAULT_LANG


def t(key: str, lang: str | None = None, **fmt: object) -> str:
    """Translate a catalogue key into ``lang`` (zh when missing or unknown); ``fmt`` fills ``{placeholders}``.

    A key that is in no catalogue raises KeyError naming it (tests check every key the pages use exists).
    """
    cat = CATALOGUES[norm_lang(lang)]
    if key not in cat:
        raise KeyError(f"no catalogue text for key {key!r} (model/present/i18n/)")
    text = cat[key]
    return text.format(**fmt) if fmt else text


def kpi_label(code: str, lang: str | None = None) -> str:
    """The label of a KPI code (Chinese platform wording or English)."""
    return t(f"kpi.{code}", lang)
