"""Static lookup data: countries, customer salutations and dispatch modes.

The ids are part of the wire contract: clients store them on customers and orders. Never renumber
an entry; append new ones with the next free id.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LookupEntry:
    id: int
    names: dict[str, str]  # locale -> name


@dataclass(frozen=True)
class Country(LookupEntry):
    code: str  # ISO 3166-1 alpha-2


def _country(country_id: int, code: str, de: str, en: str) -> Country:
    return Country(id=country_id, names={"de": de, "en": en}, code=code)


def _entry(entry_id: int, de: str, en: str) -> LookupEntry:
    return LookupEntry(id=entry_id, names={"de": de, "en": en})


# The home markets first, then the rest of the EU and Europe, then the usual overseas visitors.
COUNTRIES: tuple[Country, ...] = (
    _country(1, "DE", "Deutschland", "Germany"),
    _country(2, "AT", "Österreich", "Austria"),
    _country(3, "CH", "Schweiz", "Switzerland"),
    _country(4, "BE", "Belgien", "Belgium"),
    _country(5, "BG", "Bulgarien", "Bulgaria"),
    _country(6, "HR", "Kroatien", "Croatia"),
    _country(7, "CY", "Zypern", "Cyprus"),
    _country(8, "CZ", "Tschechien", "Czechia"),
    _country(9, "DK", "Dänemark", "Denmark"),
    _country(10, "EE", "Estland", "Estonia"),
    _country(11, "FI", "Finnland", "Finland"),
    _country(12, "FR", "Frankreich", "France"),
    _country(13, "GR", "Griechenland", "Greece"),
    _country(14, "HU", "Ungarn", "Hungary"),
    _country(15, "IE", "Irland", "Ireland"),
    _country(16, "IT", "Italien", "Italy"),
    _country(17, "LV", "Lettland", "Latvia"),
    _country(18, "LT", "Litauen", "Lithuania"),
    _country(19, "LU", "Luxemburg", "Luxembourg"),
    _country(20, "MT", "Malta", "Malta"),
    _country(21, "NL", "Niederlande", "Netherlands"),
    _country(22, "PL", "Polen", "Poland"),
    _country(23, "PT", "Portugal", "Portugal"),
    _country(24, "RO", "Rumänien", "Romania"),
    _country(25, "SK", "Slowakei", "Slovakia"),
    _country(26, "SI", "Slowenien", "Slovenia"),
    _country(27, "ES", "Spanien", "Spain"),
    _country(28, "SE", "Schweden", "Sweden"),
    _country(29, "GB", "Vereinigtes Königreich", "United Kingdom"),
    _country(30, "NO", "Norwegen", "Norway"),
    _country(31, "IS", "Island", "Iceland"),
    _country(32, "LI", "Liechtenstein", "Liechtenstein"),
    _country(33, "US", "Vereinigte Staaten", "United States"),
    _country(34, "CA", "Kanada", "Canada"),
    _country(35, "AU", "Australien", "Australia"),
    _country(36, "JP", "Japan", "Japan"),
    _country(37, "CN", "China", "China"),
)

SALUTATIONS: tuple[LookupEntry, ...] = (
    _entry(1, "Herr", "Mr"),
    _entry(2, "Frau", "Ms"),
    _entry(3, "Divers", "Mx"),
    _entry(4, "Familie", "Family"),
    _entry(5, "Firma", "Company"),
)

DISPATCH_MODES: tuple[LookupEntry, ...] = (
    _entry(1, "Print@home (E-Mail)", "Print at home (e-mail)"),
    _entry(2, "Mobiles Ticket (Wallet)", "Mobile ticket (wallet)"),
    _entry(3, "Post", "Postal mail"),
)
