"""The shop resource: kasse's own texts with the catalog file's overrides, the instance's
configuration and the payment modes it is set up with."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from kasse.catalog.snapshot import Catalog
from kasse.core.i18n import translate
from kasse.settings import Settings
from kasse.shop.payment_modes import PAYMENT_MODES, PaymentMode

# The last resort of a shop without a name and without museums.
DEFAULT_NAME = "kasse"


@cache
def own_texts() -> dict[str, dict[str, str]]:
    """Dotted key -> locale -> text: kasse's own (``texts.yaml``), read once per process."""
    loaded: dict[str, dict[str, str]] = yaml.safe_load(
        files("kasse.shop").joinpath("texts.yaml").read_text(encoding="utf-8")
    )
    return loaded


@dataclass(frozen=True)
class ShopView:
    name: str
    translations: dict[str, str]
    content: dict[str, Any]
    payment_modes: list[PaymentMode]


def _translations(catalog: Catalog, locale: str, fallback: str) -> dict[str, str]:
    """Each key in ``locale``: the museum's text, else kasse's own, else the fallback locale's."""
    overrides: dict[str, dict[str, str]] = catalog.shop.translations if catalog.shop else {}
    keys = set(own_texts()).union(*(texts.keys() for texts in overrides.values()))
    answer: dict[str, str] = {}
    for key in sorted(keys):
        for code in dict.fromkeys((locale, fallback)):
            text = overrides.get(code, {}).get(key) or own_texts().get(key, {}).get(code)
            if text:
                answer[key] = text
                break
    return answer


def _name(catalog: Catalog, locale: str, fallback: str) -> str:
    if catalog.shop is not None and catalog.shop.name:
        return translate(catalog.shop.name, locale, fallback) or DEFAULT_NAME
    for museum in catalog.museums.values():
        return translate(museum.row.title, locale, fallback) or DEFAULT_NAME
    return DEFAULT_NAME


def configured_payment_modes(settings: Settings) -> list[PaymentMode]:
    return [PAYMENT_MODES[name] for name in settings.payment_modes]


def shop_view(catalog: Catalog, settings: Settings, locale: str, fallback: str) -> ShopView:
    return ShopView(
        name=_name(catalog, locale, fallback),
        translations=_translations(catalog, locale, fallback),
        content=dict(catalog.shop.content) if catalog.shop else {},
        payment_modes=configured_payment_modes(settings),
    )
