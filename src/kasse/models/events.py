"""Events: master data (tags, seatings, events, their dates) and what bookings write.

An event date's places are counted like a ticket's: the date owns the quota ``-date_id`` (see
``catalog/date_quotas.py``), so that sold places, holds, expiry and cancellation are the one
mechanism of ``availability/capacity.py``. Seats of a seating plan are claimed on top of that,
one row per seat and date, unique: a seat is never sold or held twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasse.models.base import Base


class ProductTag(Base):
    """One entry of a lookup list of events or tours (a category, a language, an age group ...),
    with the id the catalog file gives it: clients filter by these ids."""

    __tablename__ = "product_tags"

    # "events" or "tours"
    product: Mapped[str] = mapped_column(String(10), primary_key=True)
    # categories, languages, age_groups, audiences, catch_words, proposal_categories, grades,
    # disablements
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[dict[str, Any]]
    position: Mapped[int] = mapped_column(default=0)


class Seating(Base):
    """A hall's seating plan, described once and reused by every date held there.

    ``layout`` holds ``categories``, ``rows``, ``types`` and ``seats`` (each seat with its row,
    category, type and drawing position) and the seats blocked for good (``blocked_seats``).
    Seat ids are unique across the instance: a booking names a seat by its id alone.
    """

    __tablename__ = "seatings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[dict[str, Any]]
    layout: Mapped[dict[str, Any]]


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    museum_id: Mapped[int] = mapped_column(ForeignKey("museums.id", ondelete="CASCADE"))
    exhibition_id: Mapped[int | None] = mapped_column(
        ForeignKey("exhibitions.id", ondelete="SET NULL")
    )
    title: Mapped[dict[str, Any]]
    sub_title: Mapped[dict[str, Any]] = mapped_column(default=dict)
    description: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    featured: Mapped[bool] = mapped_column(default=False)
    registerable: Mapped[bool] = mapped_column(default=False)
    bookable_public: Mapped[bool] = mapped_column(default=True)
    bookable_reseller: Mapped[bool] = mapped_column(default=True)
    category_id: Mapped[int | None]
    picture: Mapped[dict[str, Any] | None]
    # None: where its museum is
    location: Mapped[dict[str, Any] | None]
    # tag kind ("age_groups", ...) -> ids of ``product_tags`` of product "events"
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(default=0)


class EventDate(Base):
    """One date of an event, with everything a booking of it needs resolved (the event's prices
    and rules, unless the date gives its own)."""

    __tablename__ = "event_dates"
    __table_args__ = (Index("ix_event_dates_start_at", "start_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    start_at: Mapped[datetime]
    duration: Mapped[int]  # minutes
    language_id: Mapped[int | None]
    # None: the event's
    title: Mapped[dict[str, Any] | None]
    sub_title: Mapped[dict[str, Any] | None]
    description: Mapped[dict[str, Any] | None]
    min_seats: Mapped[int] = mapped_column(default=1)
    max_seats: Mapped[int]
    max_per_registration: Mapped[int | None]
    seating_id: Mapped[int | None] = mapped_column(ForeignKey("seatings.id", ondelete="RESTRICT"))
    # blocked on this date on top of the seating's own blocked seats
    blocked_seat_ids: Mapped[list[Any]] = mapped_column(default=list)
    # default prices: [{group, optional, price_cents}]
    prices: Mapped[list[Any]] = mapped_column(default=list)
    # [{id, seat_category_id, title, description, group, optional, price_cents, vat_pct}]
    scale_prices: Mapped[list[Any]] = mapped_column(default=list)
    vat_pct: Mapped[float] = mapped_column(default=0.0)
    discount: Mapped[int] = mapped_column(default=0)
    tax_included: Mapped[bool] = mapped_column(default=True)
    bookable_public: Mapped[bool] = mapped_column(default=True)
    bookable_reseller: Mapped[bool] = mapped_column(default=True)
    registerable: Mapped[bool] = mapped_column(default=False)


class EventBooking(Base):
    """An ``Event`` order item: a date booked for ``quantity`` participants (or seats)."""

    __tablename__ = "event_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_item_id: Mapped[int] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), unique=True
    )
    date_id: Mapped[int] = mapped_column(
        ForeignKey("event_dates.id", ondelete="RESTRICT"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(300))
    start_at: Mapped[datetime]
    quantity: Mapped[int]
    # what was charged: [{scale_price_id, title, group, quantity, price_cents, vat_pct}]
    prices: Mapped[list[Any]] = mapped_column(default=list)
    # the booked seats: [{seat_id, scale_price_id}]
    seats: Mapped[list[Any]] = mapped_column(default=list)


class SeatClaim(Base):
    """A seat of a date taken by an order item or held by a reservation.

    ``valid_until`` None: sold. Otherwise a hold, active while ``valid_until`` lies ahead; an
    expired row is removed by the next claim of the seat (under the date's lock), so the unique
    key is the database's own guarantee that no seat is taken twice.
    """

    __tablename__ = "seat_claims"
    __table_args__ = (UniqueConstraint("date_id", "seat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    date_id: Mapped[int] = mapped_column(ForeignKey("event_dates.id", ondelete="CASCADE"))
    seat_id: Mapped[int]
    order_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), index=True
    )
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reservations.id", ondelete="CASCADE"), index=True
    )
    valid_until: Mapped[datetime | None]
