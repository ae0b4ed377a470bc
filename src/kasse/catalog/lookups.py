"""Static lookup data: countries, states, customer salutations and dispatch modes, with go~mus's ids.

The ids are part of the wire contract: clients store them on customers and orders, and the
reference's examples use them (``addr_country_id: 60`` is Germany). Countries and states come
from pycountry (ISO 3166 with its translations); their ids are positions in a fixed order, so
``tests/catalog/test_lookups.py`` pins the list a pycountry upgrade must not move.
"""

from __future__ import annotations

import gettext
import unicodedata
from dataclasses import dataclass

import pycountry

GERMANY_ALPHA_2 = "DE"


@dataclass(frozen=True)
class LookupEntry:
    id: int
    names: dict[str, str]  # locale -> name


@dataclass(frozen=True)
class Country(LookupEntry):
    code: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class State(LookupEntry):
    country_id: int
    code: str  # ISO 3166-2


def _entry(entry_id: int, de: str, en: str) -> LookupEntry:
    return LookupEntry(id=entry_id, names={"de": de, "en": en})


def _translations(domain: str, locale: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[locale], fallback=True)


def _countries() -> tuple[Country, ...]:
    """The ISO 3166-1 countries; the id of each is its 1-based position by alpha-3 code, as in
    go~mus (DEU 60, FRA 76, GBR 80). Names are the short ones people write on an address."""
    german = _translations("iso3166-1", "de")
    ordered = sorted(pycountry.countries, key=lambda country: country.alpha_3)
    entries = []
    for position, country in enumerate(ordered, start=1):
        name = getattr(country, "common_name", None) or country.name
        names = {"de": german.gettext(name), "en": name}
        entries.append(Country(id=position, names=names, code=country.alpha_2))
    return tuple(entries)


def _din_5007(name: str) -> str:
    """German alphabetical order: umlauts sort as their base letters."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _states(country: Country) -> tuple[State, ...]:
    """The 16 German Länder, ids 1-16 in German alphabetical order, as in go~mus."""
    english = _translations("iso3166-2", "en")
    subdivisions = [s for s in pycountry.subdivisions if s.country_code == country.code]
    ordered = sorted(subdivisions, key=lambda state: _din_5007(state.name))
    return tuple(
        State(
            id=position,
            names={"de": state.name, "en": english.gettext(state.name)},
            country_id=country.id,
            code=state.code,
        )
        for position, state in enumerate(ordered, start=1)
    )


COUNTRIES: tuple[Country, ...] = _countries()
GERMANY = next(country for country in COUNTRIES if country.code == GERMANY_ALPHA_2)
STATES: tuple[State, ...] = _states(GERMANY)

# Not in the reference, which only ever shows salutation_id 1: kasse's own list, never renumbered.
SALUTATIONS: tuple[LookupEntry, ...] = (
    _entry(1, "Herr", "Mr"),
    _entry(2, "Frau", "Ms"),
    _entry(3, "Divers", "Mx"),
    _entry(4, "Familie", "Family"),
    _entry(5, "Firma", "Company"),
)

DISPATCH_MODES: tuple[LookupEntry, ...] = (
    _entry(1, "E-Mail", "E-mail"),
    _entry(2, "Post", "Post"),
    _entry(3, "Abholung im Museum", "Collection at the museum"),
)
