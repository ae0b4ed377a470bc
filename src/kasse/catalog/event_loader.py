"""Loads the events part of a catalog file: tags, seatings, events and their dates.

Each date is stored with its rules resolved (its own, else its event's), and owns the quota that
counts its places (``catalog/date_quotas.py``), so a later load that lowers ``max_seats`` reaches every
sale at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.date_quotas import date_quota_id
from kasse.catalog.event_file import (
    EVENT_TAG_FIELDS,
    TAG_KINDS,
    DateIn,
    EventIn,
    ScalePriceIn,
    SeatingIn,
    TagListsIn,
)
from kasse.catalog.load_parts import content_values, picture_values, upsert
from kasse.catalog.tour_file import TourIn
from kasse.core.i18n import as_translations
from kasse.models import Event, EventDate, ProductTag, Quota, Seating

PRODUCT = "events"


@dataclass(frozen=True)
class SeatingFacts:
    """What the checks of a date need to know of a seating plan."""

    seat_ids: frozenset[int]
    blocked: frozenset[int]
    category_ids: frozenset[int]


def _facts(layout: dict[str, Any]) -> SeatingFacts:
    return SeatingFacts(
        seat_ids=frozenset(s["id"] for s in layout["seats"]),
        blocked=frozenset(layout.get("blocked_seats", [])),
        category_ids=frozenset(c["id"] for c in layout["categories"]),
    )


def _layout(seating: SeatingIn) -> dict[str, Any]:
    return seating.model_dump(include={"categories", "rows", "types", "seats", "blocked_seats"})


@dataclass(frozen=True)
class ResolvedDate:
    """A date's rules: its own where it gives them, its event's otherwise."""

    duration: int
    language_id: int | None
    min_seats: int
    max_seats: int | None
    max_per_registration: int | None
    seating_id: int | None
    prices: list[dict[str, Any]]
    scale_prices: list[ScalePriceIn]
    bookable_public: bool
    bookable_reseller: bool
    registerable: bool


def _pick(date: DateIn, event: EventIn, name: str, default: Any) -> Any:
    own = getattr(date, name)
    if own is not None:
        return own
    inherited = getattr(event, name)
    return default if inherited is None else inherited


def resolve(event: EventIn, date: DateIn) -> ResolvedDate:
    # prices come as a pair: a date that prices itself does not mix in its event's prices
    own_prices = date.prices is not None or date.scale_prices is not None
    own = (date.prices or [], date.scale_prices or [])
    inherited = (event.prices or [], event.scale_prices or [])
    bookable = _pick(date, event, "bookable", True)
    reseller = _pick(date, event, "bookable_reseller", None)
    return ResolvedDate(
        duration=_pick(date, event, "duration", 60),
        language_id=_pick(date, event, "language_id", None),
        min_seats=_pick(date, event, "min_seats", 1),
        max_seats=_pick(date, event, "max_seats", None),
        max_per_registration=_pick(date, event, "max_per_registration", None),
        seating_id=_pick(date, event, "seating_id", None),
        prices=[p.model_dump() for p in (own if own_prices else inherited)[0]],
        scale_prices=list((own if own_prices else inherited)[1]),
        bookable_public=bookable,
        bookable_reseller=bookable if reseller is None else reseller,
        registerable=_pick(date, event, "registerable", False),
    )


def _date_problems(
    where: str, date: DateIn, rules: ResolvedDate, seatings: dict[int, SeatingFacts]
) -> list[str]:
    problems: list[str] = []
    if not rules.prices and not rules.scale_prices:
        problems.append(f"{where}: a date needs prices or scale_prices")
    if rules.prices and rules.scale_prices:
        problems.append(f"{where}: a date has prices or scale_prices, not both")
    if rules.prices and all(p["optional"] for p in rules.prices):
        problems.append(f"{where}: every price is optional: nothing would be charged")
    ids = [p.id for p in rules.scale_prices]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        problems.append(f"{where}.scale_prices: id {twice[0]} appears twice")
    if rules.max_seats is None and rules.seating_id is None:
        problems.append(f"{where}: max_seats is needed for a date without a seating plan")
    if rules.max_seats is not None and rules.min_seats > rules.max_seats:
        problems.append(f"{where}: min_seats is greater than max_seats")
    if rules.seating_id is None:
        if date.blocked_seat_ids:
            problems.append(f"{where}.blocked_seat_ids: the date has no seating plan")
        problems += [
            f"{where}.scale_prices (id {p.id}).seat_category_id: the date has no seating plan"
            for p in rules.scale_prices
            if p.seat_category_id is not None
        ]
        return problems
    seating = seatings.get(rules.seating_id)
    if seating is None:
        return [*problems, f"{where}.seating_id: unknown seating {rules.seating_id}"]
    unknown = sorted(set(date.blocked_seat_ids) - seating.seat_ids)
    if unknown:
        problems.append(f"{where}.blocked_seat_ids: seat {unknown[0]} is not in the seating")
    if not rules.scale_prices:
        problems.append(f"{where}: a date with a seating plan needs scale_prices by seat category")
    for price in rules.scale_prices:
        if price.seat_category_id not in seating.category_ids:
            problems.append(
                f"{where}.scale_prices (id {price.id}).seat_category_id: "
                f"{price.seat_category_id} is not a category of seating {rules.seating_id}"
            )
    free = len(seating.seat_ids - seating.blocked - set(date.blocked_seat_ids))
    if rules.max_seats is not None and rules.max_seats > free:
        problems.append(
            f"{where}: max_seats {rules.max_seats} is more than the {free} seats not blocked"
        )
    return problems


async def known_tags(
    session: AsyncSession, tags: TagListsIn | None, product: str = PRODUCT
) -> dict[str, set[int]]:
    """The tag ids of a product the file may refer to: the file's lists, else the stored ones."""
    if tags is not None:  # the file's lists replace the stored ones
        return {kind: {t.id for t in getattr(tags, kind)} for kind in TAG_KINDS}
    known: dict[str, set[int]] = {kind: set() for kind in TAG_KINDS}
    for kind, tag_id in await session.execute(
        select(ProductTag.kind, ProductTag.id).where(ProductTag.product == product)
    ):
        known.setdefault(kind, set()).add(tag_id)
    return known


def tagged_problems(where: str, product: EventIn | TourIn, known: dict[str, set[int]]) -> list[str]:
    """The category and tag ids of an event or a tour that no tag list has."""
    problems: list[str] = []
    if product.category_id is not None and product.category_id not in known["categories"]:
        problems.append(f"{where}.category_id: unknown category {product.category_id}")
    for kind, field in EVENT_TAG_FIELDS.items():
        problems += [
            f"{where}.{field}: unknown {kind} entry {i}"
            for i in getattr(product, field)
            if i not in known[kind]
        ]
    return problems


def _tag_problems(where: str, event: EventIn, known: dict[str, set[int]]) -> list[str]:
    problems = tagged_problems(where, event, known)
    languages = [event.language_id] + [d.language_id for d in event.dates]
    problems += [
        f"{where}: unknown language {i}"
        for i in sorted({i for i in languages if i is not None})
        if i not in known["languages"]
    ]
    return problems


async def event_problems(
    session: AsyncSession,
    tags: TagListsIn | None,
    seatings: list[SeatingIn],
    events: list[EventIn],
    museums: set[int],
    exhibitions: set[int],
) -> list[str]:
    """Every reference of the events part that points nowhere, and every rule a date breaks."""
    facts = {
        row.id: _facts(row.layout)
        for row in await session.scalars(select(Seating))
        if row.id not in {s.id for s in seatings}
    }
    problems: list[str] = []
    stored_seats = {seat: sid for sid, f in facts.items() for seat in f.seat_ids}
    for index, seating in enumerate(seatings):
        clashes = sorted(s.id for s in seating.seats if s.id in stored_seats)
        if clashes:
            problems.append(
                f"seatings[{index}] (id {seating.id}).seats: seat id {clashes[0]} is already "
                f"a seat of seating {stored_seats[clashes[0]]}"
            )
        facts[seating.id] = _facts(_layout(seating))
    known = await known_tags(session, tags)
    for index, event in enumerate(events):
        where = f"events[{index}] (id {event.id})"
        if event.museum_id not in museums:
            problems.append(f"{where}.museum_id: unknown museum {event.museum_id}")
        if event.exhibition_id is not None and event.exhibition_id not in exhibitions:
            problems.append(f"{where}.exhibition_id: unknown exhibition {event.exhibition_id}")
        problems += _tag_problems(where, event, known)
        for number, date in enumerate(event.dates):
            date_where = f"{where}.dates[{number}] (id {date.id})"
            problems += _date_problems(date_where, date, resolve(event, date), facts)
    return problems


def _scale_price(price: ScalePriceIn, vat_pct: float, locale: str) -> dict[str, Any]:
    return {
        "id": price.id,
        "seat_category_id": price.seat_category_id,
        "title": as_translations(price.title, locale),
        "description": as_translations(price.description, locale),
        "group": price.group,
        "optional": price.optional,
        "price_cents": price.price_cents,
        "vat_pct": vat_pct if price.vat_pct is None else price.vat_pct,
    }


async def load_tags(
    session: AsyncSession, tags: TagListsIn, locale: str, product: str = PRODUCT
) -> None:
    """A product's tag lists, replacing the ones loaded before."""
    await session.execute(delete(ProductTag).where(ProductTag.product == product))
    session.add_all(
        ProductTag(
            product=product,
            kind=kind,
            id=tag.id,
            name=as_translations(tag.name, locale),
            position=position,
        )
        for kind in TAG_KINDS
        for position, tag in enumerate(getattr(tags, kind))
    )


def _optional_texts(texts: Any, locale: str) -> dict[str, str] | None:
    return as_translations(texts, locale) if texts else None


def _event_values(event: EventIn, position: int, locale: str) -> dict[str, Any]:
    rules_bookable = True if event.bookable is None else event.bookable
    return {
        "museum_id": event.museum_id,
        "exhibition_id": event.exhibition_id,
        "title": as_translations(event.title, locale),
        "sub_title": as_translations(event.sub_title, locale),
        "description": as_translations(event.description, locale),
        "content": content_values(event.content, locale),
        "featured": event.featured,
        "registerable": bool(event.registerable),
        "bookable_public": rules_bookable,
        "bookable_reseller": rules_bookable
        if event.bookable_reseller is None
        else event.bookable_reseller,
        "category_id": event.category_id,
        "picture": picture_values(event.picture, locale),
        "location": event.location.model_dump() if event.location else None,
        "tags": {kind: list(getattr(event, field)) for kind, field in EVENT_TAG_FIELDS.items()},
        "position": position,
    }


def _seat_count(layout: dict[str, Any], blocked_on_date: list[int]) -> int:
    facts = _facts(layout)
    return len(facts.seat_ids - facts.blocked - set(blocked_on_date))


async def load_events(
    session: AsyncSession,
    tags: TagListsIn | None,
    seatings: list[SeatingIn],
    events: list[EventIn],
    locale: str,
) -> int:
    """Write the events part (checked before by :func:`event_problems`); the number of dates."""
    if tags is not None:
        await load_tags(session, tags, locale)
    layouts: dict[int, dict[str, Any]] = {
        row.id: row.layout for row in await session.scalars(select(Seating))
    }
    for seating in seatings:
        layouts[seating.id] = _layout(seating)
        await upsert(
            session,
            Seating,
            seating.id,
            {"title": as_translations(seating.title, locale), "layout": layouts[seating.id]},
        )
    dates = 0
    for position, event in enumerate(events):
        await upsert(session, Event, event.id, _event_values(event, position, locale))
        await session.flush()
        for date in event.dates:
            rules = resolve(event, date)
            seats = (
                _seat_count(layouts[rules.seating_id], date.blocked_seat_ids)
                if rules.seating_id is not None
                else 0
            )
            max_seats = rules.max_seats if rules.max_seats is not None else seats
            await upsert(
                session,
                EventDate,
                date.id,
                {
                    "event_id": event.id,
                    "start_at": date.start,
                    "duration": rules.duration,
                    "language_id": rules.language_id,
                    "title": _optional_texts(date.title, locale),
                    "sub_title": _optional_texts(date.sub_title, locale),
                    "description": _optional_texts(date.description, locale),
                    "min_seats": rules.min_seats,
                    "max_seats": max_seats,
                    "max_per_registration": rules.max_per_registration,
                    "seating_id": rules.seating_id,
                    "blocked_seat_ids": list(date.blocked_seat_ids),
                    "prices": rules.prices,
                    "scale_prices": [
                        _scale_price(p, event.vat_pct, locale) for p in rules.scale_prices
                    ],
                    "vat_pct": event.vat_pct,
                    "discount": event.discount,
                    "tax_included": event.tax_included,
                    "bookable_public": rules.bookable_public,
                    "bookable_reseller": rules.bookable_reseller,
                    "registerable": rules.registerable,
                },
            )
            await upsert(
                session,
                Quota,
                date_quota_id(date.id),
                {"title": f"event date {date.id}", "capacity": max_seats},
            )
            dates += 1
    return dates
