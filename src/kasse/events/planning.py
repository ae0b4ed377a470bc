"""Planning an event item: is the date bookable for this caller, for how many participants (or
which seats), at what price, and what it takes (places of the date, seats). Pure: the
reservations it redeems come prefetched.

Prices follow ``spec/reference/_events.md``: a ``group`` price counts once per booking, any other
price once per participant; the date's ``discount`` applies to each as to a ticket's price.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kasse.catalog.date_quotas import date_slot
from kasse.catalog.event_snapshot import EventDateData
from kasse.core.i18n import translate
from kasse.core.money import discounted_cents
from kasse.events.item_schemas import EventAttributesIn
from kasse.items.context import RequestContext
from kasse.items.kind import Claims, ItemPlan, ItemProblems
from kasse.items.reservations import redeemed
from kasse.models import Reservation


@dataclass(frozen=True)
class PriceLine:
    """What one price of a booking charges: ``quantity`` participants (1 for a group price)."""

    scale_price_id: int | None
    title: str
    group: bool
    quantity: int
    price_cents: int  # one unit, discounted
    vat_pct: float

    @property
    def total_cents(self) -> int:
        return self.price_cents * self.quantity

    def as_row(self) -> dict[str, Any]:
        return {
            "scale_price_id": self.scale_price_id,
            "title": self.title,
            "group": self.group,
            "quantity": self.quantity,
            "price_cents": self.price_cents,
            "vat_pct": self.vat_pct,
        }


@dataclass(kw_only=True)
class EventPlan(ItemPlan):
    date: EventDateData
    participants: int
    lines: list[PriceLine] = field(default_factory=list)
    # scale price id -> participants ("quantities" shape)
    quantities: dict[int, int] = field(default_factory=dict)
    # seat id -> scale price id ("seats" shape)
    seats: dict[int, int] = field(default_factory=dict)


def problems_together(ctx: RequestContext, items: Sequence[EventAttributesIn]) -> list[str]:
    """A reservation redeemed twice, one seat of a date booked by two items, or more
    participants of a date than it takes per order (``max_per_registration``)."""
    tokens = Counter(token for item in items for token in item.reservations)
    problems = [f"reservation {t} is redeemed more than once" for t, n in tokens.items() if n > 1]
    seats = Counter((item.id, seat.seat_id) for item in items for seat in item.seats or [])
    problems += [
        f"seat {seat} of date {date} is booked by more than one item"
        for (date, seat), n in sorted(seats.items())
        if n > 1
    ]
    per_date: Counter[int] = Counter()
    items_of_date: Counter[int] = Counter()
    for item in items:
        per_date[item.id] += _participants_given(item)
        items_of_date[item.id] += 1
    for date_id, participants in sorted(per_date.items()):
        date = ctx.catalog.events.dates.get(date_id)
        limit = date.row.max_per_registration if date else None
        # one item over the limit is that item's problem (``participant_problems``)
        if limit is not None and participants > limit and items_of_date[date_id] > 1:
            problems.append(
                f"event date {date_id} takes at most {limit} participants per order, "
                f"the items give {participants}"
            )
    return problems


def _participants_given(item: EventAttributesIn) -> int:
    if item.seats is not None:
        return len(item.seats)
    if item.quantities is not None:
        return sum(item.quantities.values())
    return item.quantity or 0


def _title(ctx: RequestContext, texts: dict[str, Any]) -> str:
    return translate(texts, ctx.locale.code, ctx.settings.default_locale) or ""


def date_title(ctx: RequestContext, date: EventDateData) -> str:
    """The date's own title, else its event's, in the request's language."""
    return _title(ctx, date.row.title or date.event.title)


def find_bookable_date(
    ctx: RequestContext, date_id: int
) -> tuple[EventDateData | None, str | None]:
    """The date, or why this caller cannot book it now."""
    date = ctx.catalog.events.dates.get(date_id)
    if date is None or not ctx.principal.may_see_museums([date.museum_id]):
        return None, f"event date {date_id} not found"
    if not date.bookable_for(ctx.principal):
        return None, f"event date {date_id} cannot be booked through this channel"
    if date.start_at <= ctx.now:
        return None, f"event date {date_id} has already begun"
    return date, None


def _bookable_date(
    ctx: RequestContext, item: EventAttributesIn, problems: ItemProblems
) -> EventDateData | None:
    date, problem = find_bookable_date(ctx, item.id)
    problems.add(problem)
    return date


def _shape_of(item: EventAttributesIn, date: EventDateData, problems: ItemProblems) -> str | None:
    given = [
        name
        for name, value in (
            ("quantity", item.quantity),
            ("quantities", item.quantities),
            ("seats", item.seats),
        )
        if value is not None
    ]
    if len(given) != 1:
        problems.add("give exactly one of quantity, quantities or seats")
        return None
    shape = given[0]
    if date.seating is not None and shape != "seats":
        problems.add(f"event date {date.id} has a seating plan: book its seats (seats)")
        return None
    if date.seating is None and shape == "seats":
        problems.add(f"event date {date.id} has no seating plan: book quantity or quantities")
        return None
    if shape == "quantity" and not date.row.prices:
        problems.add(f"event date {date.id} has scale prices: book quantities by scale price")
        return None
    if shape == "quantities" and not date.scale_prices:
        problems.add(f"event date {date.id} has a single price: book a quantity")
        return None
    return shape


def _default_lines(ctx: RequestContext, date: EventDateData, participants: int) -> list[PriceLine]:
    """The date's default prices that are not a choice: per participant, or once (group)."""
    title = date_title(ctx, date)
    return [
        PriceLine(
            scale_price_id=None,
            title=title,
            group=price["group"],
            quantity=1 if price["group"] else participants,
            price_cents=discounted_cents(price["price_cents"], date.row.discount),
            vat_pct=date.row.vat_pct,
        )
        for price in date.row.prices
        if not price.get("optional", False)
    ]


def _scale_line(
    ctx: RequestContext, date: EventDateData, price: dict[str, Any], count: int
) -> PriceLine:
    return PriceLine(
        scale_price_id=price["id"],
        title=_title(ctx, price["title"]),
        group=price["group"],
        quantity=1 if price["group"] else count,
        price_cents=discounted_cents(price["price_cents"], date.row.discount),
        vat_pct=price["vat_pct"],
    )


def _quantities(
    item: EventAttributesIn, date: EventDateData, problems: ItemProblems
) -> dict[int, int]:
    counts: dict[int, int] = {}
    for key, count in (item.quantities or {}).items():
        if int(key) not in date.scale_prices:
            problems.add(f"quantities: {key} is not a scale price of event date {date.id}")
        elif count > 0:
            counts[int(key)] = count
    return counts


def seat_problem(date: EventDateData, seat_id: int, chosen: Collection[int]) -> str | None:
    """Why ``seat_id`` cannot be booked on the date, given the seats ``chosen`` before it."""
    assert date.seating is not None
    seat = date.seating.seats.get(seat_id)
    if seat is None:
        return f"seat {seat_id} is not in the seating plan of event date {date.id}"
    if seat_id in date.blocked_seats:
        return f"seat {seat['title']} ({seat_id}) is blocked"
    if seat_id in chosen:
        return f"seat {seat['title']} ({seat_id}) is given twice"
    return None


def _seats(item: EventAttributesIn, date: EventDateData, problems: ItemProblems) -> dict[int, int]:
    assert date.seating is not None
    seats: dict[int, int] = {}
    for given in item.seats or []:
        seat = date.seating.seats.get(given.seat_id, {})
        price = date.scale_prices.get(given.scale_price_id)
        problem = seat_problem(date, given.seat_id, seats)
        if problem:
            problems.add(problem)
        elif price is None:
            problems.add(
                f"seat {seat['title']} ({given.seat_id}): {given.scale_price_id} is not a "
                f"scale price of event date {date.id}"
            )
        elif price["seat_category_id"] != seat["category_id"]:
            problems.add(
                f"seat {seat['title']} ({given.seat_id}): scale price {given.scale_price_id} "
                f"is not for the seat's category"
            )
        else:
            seats[given.seat_id] = given.scale_price_id
    return seats


def participant_problems(date: EventDateData, participants: int) -> list[str]:
    row = date.row
    problems = []
    if participants < row.min_seats:
        problems.append(f"event date {date.id} needs at least {row.min_seats} participants")
    if row.max_per_registration is not None and participants > row.max_per_registration:
        problems.append(
            f"event date {date.id} takes at most {row.max_per_registration} participants per order"
        )
    if participants > row.max_seats:
        problems.append(f"event date {date.id} has {row.max_seats} places in all")
    return problems


def plan_event(
    ctx: RequestContext,
    item: EventAttributesIn,
    reservations: Mapping[str, Reservation],
    problems: ItemProblems,
) -> EventPlan | None:
    date = _bookable_date(ctx, item, problems)
    if date is None:
        return None
    shape = _shape_of(item, date, problems)
    if shape is None:
        return None
    quantities: dict[int, int] = {}
    seats: dict[int, int] = {}
    if shape == "quantity":
        assert item.quantity is not None
        participants = item.quantity
        lines = _default_lines(ctx, date, participants)
    elif shape == "quantities":
        quantities = _quantities(item, date, problems)
        participants = sum(quantities.values())
        lines = [
            _scale_line(ctx, date, date.scale_prices[i], n) for i, n in sorted(quantities.items())
        ]
    else:
        seats = _seats(item, date, problems)
        participants = len(item.seats or [])
        per_price = Counter(seats.values())
        lines = [
            _scale_line(ctx, date, date.scale_prices[i], n) for i, n in sorted(per_price.items())
        ]
    if participants == 0:
        problems.add("an event booking needs at least one participant")
        return None
    for problem in participant_problems(date, participants):
        problems.add(problem)
    rates = {line.vat_pct for line in lines}
    return EventPlan(
        price_cents=sum(line.total_cents for line in lines),
        vat_pct=rates.pop() if len(rates) == 1 else date.row.vat_pct,
        tax_included=date.row.tax_included,
        date=date,
        participants=participants,
        lines=lines,
        quantities=quantities,
        seats=seats,
        claims=Claims(
            slots={date_slot(date.id): participants},
            seats={date.id: set(seats)} if seats else {},
            reservation_ids=redeemed(
                ctx,
                item.reservations,
                reservations,
                problems,
                is_for_item=lambda r: r.event_date_id == date.id,
                elsewhere="another date",
                wanted=participants,
                unit="participants",
            ),
        ),
    )
