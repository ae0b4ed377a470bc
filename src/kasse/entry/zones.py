"""Where scanners stand: locations named by museum id or name, entry zones and their screens."""

from __future__ import annotations

from kasse.catalog.file_schema import SCANNER_SETTINGS
from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.core.errors import NotFound, Unprocessable
from kasse.entry.service import ENTRY_ACCESS
from kasse.models import EntryZone


def _museum_named(catalog: Catalog, name: str) -> int | None:
    wanted = name.casefold()
    for museum in catalog.museums.values():
        names = [*museum.row.title.values(), museum.row.location_name]
        if any(isinstance(n, str) and n.strip().casefold() == wanted for n in names):
            return museum.row.id
    return None


def _zone_named(catalog: Catalog, name: str) -> EntryZone | None:
    wanted = name.casefold()
    zone = catalog.entry_zones.get(name)
    if zone is not None:
        return zone
    return next(
        (z for z in catalog.entry_zones.values() if z.name.strip().casefold() == wanted), None
    )


def resolve_location(catalog: Catalog, location: str | None) -> str | None:
    """The museum id (as text) a scanner's ``location`` names, or None where it names none.

    Scanners send a museum id (``?location=1``) or free text (``?location=Haupthaus``): the name
    of a museum (its title in any language, or its location name) or the id or name of an entry
    zone (whose museum it means; a zone without one names no museum). Anything else is a 422: a
    scanner that names a place kasse does not know should not admit as if it stood nowhere.
    """
    text = (location or "").strip()
    if not text:
        return None
    if text.isdigit() and text.isascii():
        return str(int(text))
    zone = _zone_named(catalog, text)
    if zone is not None:
        return str(zone.museum_id) if zone.museum_id is not None else None
    museum_id = _museum_named(catalog, text)
    if museum_id is None:
        raise Unprocessable(
            f"unknown location {text!r}: give a museum's id or name, or an entry zone's"
        )
    return str(museum_id)


def scanner_settings(catalog: Catalog, zone: EntryZone) -> dict[str, str]:
    """kasse's defaults, the zone's museum as the headline, then what the catalog file set."""
    settings = dict(SCANNER_SETTINGS)
    museum = catalog.museums.get(zone.museum_id) if zone.museum_id is not None else None
    if museum is not None and museum.row.title:
        settings["headline"] = str(next(iter(museum.row.title.values())))
    settings.update(zone.settings)
    return settings


def visible_zone(catalog: Catalog, principal: Principal, zone_id: str) -> EntryZone:
    """An entry zone for a scanner: entry tokens only, and a museum-limited one its museums'."""
    principal.require(ENTRY_ACCESS)
    zone = catalog.entry_zones.get(zone_id)
    if zone is None or (
        zone.museum_id is not None and not principal.may_see_museums([zone.museum_id])
    ):
        raise NotFound(f"entry zone {zone_id} not found")
    return zone
