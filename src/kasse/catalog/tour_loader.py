"""Loads the tours part of a catalog file: tags, guides, equipment and tours.

A tour owns the quota that counts its participants per start time (``catalog/date_quotas.py``),
so a later load that lowers ``max_participants`` reaches every sale at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.date_quotas import tour_quota_id
from kasse.catalog.event_file import EVENT_TAG_FIELDS, TagListsIn
from kasse.catalog.event_loader import known_tags, load_tags, tagged_problems
from kasse.catalog.file_parts import WEEKDAYS
from kasse.catalog.load_parts import content_values, picture_values, upsert
from kasse.catalog.tour_file import (
    EquipmentIn,
    GuideIn,
    SurchargeIn,
    TourIn,
    TourPriceIn,
    TourScalePriceIn,
    clock_minute,
)
from kasse.core.i18n import as_translations
from kasse.models import Equipment, Guide, Quota, Tour

PRODUCT = "tours"


async def tour_problems(
    session: AsyncSession,
    tags: TagListsIn | None,
    guides: list[GuideIn],
    equipment: list[EquipmentIn],
    tours: list[TourIn],
    museums: set[int],
    exhibitions: set[int],
) -> list[str]:
    """Every reference of the tours part that points nowhere."""
    known = await known_tags(session, tags, PRODUCT)
    stored_equipment = set(await session.scalars(select(Equipment.id)))
    all_equipment = stored_equipment | {e.id for e in equipment}
    problems: list[str] = []
    for index, guide in enumerate(guides):
        where = f"guides[{index}] (id {guide.id})"
        problems += [
            f"{where}.language_ids: unknown language {i}"
            for i in guide.language_ids
            if i not in known["languages"]
        ]
        problems += [
            f"{where}.museum_ids: unknown museum {m}" for m in guide.museum_ids if m not in museums
        ]
    for index, item in enumerate(equipment):
        if item.museum_id not in museums:
            problems.append(
                f"equipment[{index}] (id {item.id}).museum_id: unknown museum {item.museum_id}"
            )
    for index, tour in enumerate(tours):
        problems += _tour_problems(
            f"tours[{index}] (id {tour.id})", tour, known, all_equipment, museums, exhibitions
        )
    return problems


def _tour_problems(
    where: str,
    tour: TourIn,
    known: dict[str, set[int]],
    equipment: set[int],
    museums: set[int],
    exhibitions: set[int],
) -> list[str]:
    problems: list[str] = []
    if tour.museum_id not in museums:
        problems.append(f"{where}.museum_id: unknown museum {tour.museum_id}")
    if tour.exhibition_id is not None and tour.exhibition_id not in exhibitions:
        problems.append(f"{where}.exhibition_id: unknown exhibition {tour.exhibition_id}")
    problems += tagged_problems(where, tour, known)
    problems += [
        f"{where}.language_ids: unknown language {i}"
        for i in tour.language_ids
        if i not in known["languages"]
    ]
    for number, surcharge in enumerate(tour.surcharges):
        problems += [
            f"{where}.surcharges[{number}] (id {surcharge.id}).language_ids: "
            f"{i} is not a language of the tour"
            for i in surcharge.language_ids
            if i not in tour.language_ids
        ]
    problems += [
        f"{where}.equipment_ids: unknown equipment {e}"
        for e in tour.equipment_ids
        if e not in equipment
    ]
    return problems


def _price(price: TourPriceIn, vat_pct: float, locale: str) -> dict[str, Any]:
    return {
        "title": as_translations(price.title, locale),
        "description": as_translations(price.description, locale),
        "group": price.group,
        "optional": price.optional,
        "price_cents": price.price_cents,
        "vat_pct": vat_pct if price.vat_pct is None else price.vat_pct,
    }


def _scale_price(price: TourScalePriceIn, vat_pct: float, locale: str) -> dict[str, Any]:
    return {"id": price.id, **_price(price, vat_pct, locale)}


def _surcharge(surcharge: SurchargeIn, vat_pct: float, locale: str) -> dict[str, Any]:
    return {
        "id": surcharge.id,
        **_price(surcharge, vat_pct, locale),
        "weekdays": [WEEKDAYS.index(d) for d in surcharge.weekdays],
        "language_ids": list(surcharge.language_ids),
    }


def _tour_values(tour: TourIn, position: int, locale: str) -> dict[str, Any]:
    rule = tour.start_times
    return {
        "museum_id": tour.museum_id,
        "exhibition_id": tour.exhibition_id,
        "title": as_translations(tour.title, locale),
        "sub_title": as_translations(tour.sub_title, locale),
        "description": as_translations(tour.description, locale),
        "content": content_values(tour.content, locale),
        "featured": tour.featured,
        "registerable": tour.registerable,
        "bookable_public": tour.bookable,
        "bookable_reseller": tour.bookable
        if tour.bookable_reseller is None
        else tour.bookable_reseller,
        "category_id": tour.category_id,
        "picture": picture_values(tour.picture, locale),
        "location": tour.location.model_dump() if tour.location else None,
        "tags": {kind: list(getattr(tour, field)) for kind, field in EVENT_TAG_FIELDS.items()},
        "language_ids": list(tour.language_ids),
        "language_bound": tour.language_bound,
        "duration": tour.duration,
        "min_participants": tour.min_participants,
        "max_participants": tour.max_participants,
        "start_rule": {
            "first": clock_minute(rule.first),
            "last": clock_minute(rule.last),
            "every": rule.every,
            "weekdays": sorted(WEEKDAYS.index(d) for d in rule.weekdays),
        },
        "lead_days": tour.lead_days,
        "prices": [_price(p, tour.vat_pct, locale) for p in tour.prices],
        "scale_prices": [_scale_price(p, tour.vat_pct, locale) for p in tour.scale_prices],
        "surcharges": [_surcharge(s, tour.vat_pct, locale) for s in tour.surcharges],
        "equipment_ids": list(tour.equipment_ids),
        "vat_pct": tour.vat_pct,
        "discount": tour.discount,
        "tax_included": tour.tax_included,
        "position": position,
    }


def _guide_hours(guide: GuideIn) -> dict[str, Any]:
    """weekday index (as text: a JSON key) -> [begin minute, end minute]."""
    return {
        str(WEEKDAYS.index(day)): [clock_minute(s) for s in span.split("-")]
        for day, span in guide.hours.items()
    }


async def load_tours(
    session: AsyncSession,
    tags: TagListsIn | None,
    guides: list[GuideIn],
    equipment: list[EquipmentIn],
    tours: list[TourIn],
    locale: str,
) -> int:
    """Write the tours part (checked before by :func:`tour_problems`); the number of tours."""
    if tags is not None:
        await load_tags(session, tags, locale, PRODUCT)
    for guide in guides:
        await upsert(
            session,
            Guide,
            guide.id,
            {
                "name": guide.name,
                "language_ids": list(guide.language_ids),
                "museum_ids": list(guide.museum_ids),
                "hours": _guide_hours(guide),
            },
        )
    for item in equipment:
        await upsert(
            session,
            Equipment,
            item.id,
            {
                "museum_id": item.museum_id,
                "title": as_translations(item.title, locale),
                "description": as_translations(item.description, locale),
                "stock": item.stock,
            },
        )
    for position, tour in enumerate(tours):
        await upsert(session, Tour, tour.id, _tour_values(tour, position, locale))
        await upsert(
            session,
            Quota,
            tour_quota_id(tour.id),
            {"title": f"tour {tour.id}", "capacity": tour.max_participants},
        )
    return len(tours)
