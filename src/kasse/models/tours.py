"""Guided tours: master data (tours, guides, equipment) and what bookings and group requests write.

A tour's participants at a start time are counted like a ticket's places: the tour owns the quota
``tour_quota_id(tour_id)`` (``catalog/date_quotas.py``) and a start time is its slot, so holds,
sales, expiry and cancellation are ``availability/capacity.py``'s one mechanism. A start time is one
guided tour: its first booking takes a guide who speaks the language and is free for the whole
tour, later bookings of the same start join that guide. Guides and equipment are claimed per order
item (``guide_claims``, ``equipment_claims``), sold (``valid_until`` None) or held until the order
expires, like seats.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kasse.models.base import Base


class Tour(Base):
    __tablename__ = "tours"

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
    # tag kind ("age_groups", ...) -> ids of ``product_tags`` of product "tours"
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # the languages it is guided in (``product_tags`` "tours"/"languages"), the first the default
    language_ids: Mapped[list[Any]] = mapped_column(default=list)
    # availability depends on the language (go~mus's ``limitations.language``): a start needs a
    # guide of the booked language; else any guide of the tour's languages will do
    language_bound: Mapped[bool] = mapped_column(default=True)
    duration: Mapped[int]  # minutes
    min_participants: Mapped[int] = mapped_column(default=1)
    max_participants: Mapped[int]
    # start times: {"first": minute, "last": minute, "every": minutes, "weekdays": [0..6]}
    start_rule: Mapped[dict[str, Any]]
    # booked at least this many days ahead (0: the same day)
    lead_days: Mapped[int] = mapped_column(default=0)
    # default prices: [{title, description, group, optional, price_cents, vat_pct}]
    prices: Mapped[list[Any]] = mapped_column(default=list)
    # [{id, title, description, group, optional, price_cents, vat_pct}]
    scale_prices: Mapped[list[Any]] = mapped_column(default=list)
    # [{id, title, description, group, optional, price_cents, vat_pct, weekdays, language_ids}]
    surcharges: Mapped[list[Any]] = mapped_column(default=list)
    # equipment bookable with the tour, at its start time
    equipment_ids: Mapped[list[Any]] = mapped_column(default=list)
    vat_pct: Mapped[float] = mapped_column(default=0.0)
    discount: Mapped[int] = mapped_column(default=0)
    tax_included: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)


class Guide(Base):
    """A guide: the languages they guide in, the museums they work at, and their working hours
    (weekday -> [begin minute, end minute]; empty: the museum's opening hours)."""

    __tablename__ = "guides"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    language_ids: Mapped[list[Any]] = mapped_column(default=list)
    museum_ids: Mapped[list[Any]] = mapped_column(default=list)
    hours: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Equipment(Base):
    """Things lent with a tour (audio guides, stools): ``stock`` of them at any one time."""

    __tablename__ = "equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    museum_id: Mapped[int] = mapped_column(ForeignKey("museums.id", ondelete="CASCADE"))
    title: Mapped[dict[str, Any]]
    description: Mapped[dict[str, Any]] = mapped_column(default=dict)
    stock: Mapped[int]


class TourBooking(Base):
    """A ``Tour`` order item: a start time of a tour for a group, with its guide."""

    __tablename__ = "tour_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_item_id: Mapped[int] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), unique=True
    )
    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    start_at: Mapped[datetime] = mapped_column(index=True)
    end_at: Mapped[datetime]
    participants: Mapped[int]
    language_id: Mapped[int | None]
    age_group_id: Mapped[int | None]
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guides.id", ondelete="SET NULL"))
    # what was charged: [{id, kind (price|scale|surcharge|extra), title, description, group,
    # quantity, price_cents, vat_pct}]
    prices: Mapped[list[Any]] = mapped_column(default=list)
    # [{id, quantity}] booked with the tour
    equipment: Mapped[list[Any]] = mapped_column(default=list)
    # the guide's feedback after the tour (cash point API), None until given
    feedback: Mapped[dict[str, Any] | None]
    updated_at: Mapped[datetime | None]


class GuideClaim(Base):
    """A guide taken by an order item for [start_at, end_at); ``valid_until`` None: sold."""

    __tablename__ = "guide_claims"
    __table_args__ = (Index("ix_guide_claims_guide_time", "guide_id", "start_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"))
    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="CASCADE"))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    language_id: Mapped[int | None]
    order_item_id: Mapped[int] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), index=True
    )
    valid_until: Mapped[datetime | None]


class EquipmentClaim(Base):
    """Equipment taken by an order item for [start_at, end_at); ``valid_until`` None: sold."""

    __tablename__ = "equipment_claims"
    __table_args__ = (Index("ix_equipment_claims_time", "equipment_id", "start_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id", ondelete="CASCADE"))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    quantity: Mapped[int]
    order_item_id: Mapped[int] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), index=True
    )
    valid_until: Mapped[datetime | None]


class TourRequest(Base):
    """A group's non-binding request for a tour (``POST /requests``): it holds nothing; the museum
    answers it, turns it into an order or declines it."""

    __tablename__ = "tour_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL")
    )
    tour_id: Mapped[int | None] = mapped_column(ForeignKey("tours.id", ondelete="SET NULL"))
    # open, answered, converted, declined
    status: Mapped[str] = mapped_column(String(20), default="open")
    participants: Mapped[int]
    age_group_id: Mapped[int | None]
    language_id: Mapped[int | None]
    # [ISO datetimes or dates the group wishes, in order of preference]
    wished: Mapped[list[Any]] = mapped_column(default=list)
    # {name, surname, email, phone, institution, ...}
    contact: Mapped[dict[str, Any]]
    message: Mapped[str | None] = mapped_column(String(4000))
    # [{at, by, text}]: the museum's answers
    answers: Mapped[list[Any]] = mapped_column(default=list)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(10), default="de")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
