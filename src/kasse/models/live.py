"""Live data: sold places per quota slot, reservations and their holds, orders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasse.models.base import Base


class QuotaSlot(Base):
    """Places sold in one quota at one slot start; the row every capacity-taking write locks."""

    __tablename__ = "quota_slots"
    __table_args__ = (UniqueConstraint("quota_id", "start_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quota_id: Mapped[int] = mapped_column(ForeignKey("quotas.id", ondelete="CASCADE"))
    start_at: Mapped[datetime]
    sold: Mapped[int] = mapped_column(default=0)


class Reservation(Base):
    __tablename__ = "reservations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    api_token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    quantity: Mapped[int]
    start_at: Mapped[datetime]
    created_at: Mapped[datetime]
    valid_until: Mapped[datetime]


class ReservationHold(Base):
    """What one reservation holds in one quota slot; active while ``valid_until`` is in the future."""

    __tablename__ = "reservation_holds"
    __table_args__ = (Index("ix_reservation_holds_slot", "quota_id", "start_at", "valid_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(
        ForeignKey("reservations.id", ondelete="CASCADE"), index=True
    )
    quota_id: Mapped[int] = mapped_column(ForeignKey("quotas.id", ondelete="CASCADE"))
    start_at: Mapped[datetime]
    quantity: Mapped[int]
    valid_until: Mapped[datetime]


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL"), index=True
    )
    is_valid: Mapped[bool] = mapped_column(default=True)
    total_price_cents: Mapped[int]
    comment: Mapped[str | None]
    reference: Mapped[str | None]
    rating: Mapped[int | None]
    invoice: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(10))
    payment_status: Mapped[int | None]
    created_at: Mapped[datetime]


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    price_cents: Mapped[int]
    vat_pct: Mapped[float]
    tax_included: Mapped[bool]


class TicketSale(Base):
    __tablename__ = "ticket_sales"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_item_id: Mapped[int] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), unique=True
    )
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int]
    start_at: Mapped[datetime | None]
    attendees: Mapped[list[Any]] = mapped_column(default=list)
    # sub ticket id (as a string key) -> ISO UTC start of that sub ticket's slot
    sub_ticket_times: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CapacityDraw(Base):
    """The places an order item took from one quota slot, so that a cancellation can give them back."""

    __tablename__ = "capacity_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_item_id: Mapped[int] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), index=True
    )
    quota_id: Mapped[int] = mapped_column(ForeignKey("quotas.id", ondelete="CASCADE"))
    start_at: Mapped[datetime]
    quantity: Mapped[int]


class Barcode(Base):
    __tablename__ = "barcodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_sale_id: Mapped[int] = mapped_column(
        ForeignKey("ticket_sales.id", ondelete="CASCADE"), index=True
    )
    barcode: Mapped[str] = mapped_column(String(40), unique=True)
    method: Mapped[str] = mapped_column(String(10))
