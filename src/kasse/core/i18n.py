"""Translatable texts are stored as ``{"de": ..., "en": ...}`` and rendered in the asked locale."""

from __future__ import annotations

from typing import Any

# A translated attribute on the wire: the text in the asked locale, or, when several locales are
# asked for (``locale[]=de&locale[]=en``), a map of each of them to its text (null: none).
LocalizedText = dict[str, str | None]
Text = str | LocalizedText


def translate(texts: dict[str, Any] | None, locale: str, fallback: str) -> str | None:
    if not texts:
        return None
    for key in (locale, fallback):
        if texts.get(key):
            return str(texts[key])
    return str(next(iter(texts.values())))


def as_translations(value: str | dict[str, Any] | None, default_locale: str) -> dict[str, Any]:
    """The loader accepts a plain string (the default locale) or a map of locales."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {default_locale: value}
    return dict(value)
