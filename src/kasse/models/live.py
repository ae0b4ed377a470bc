"""Live data: sold places per quota slot, reservations and their holds, orders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
)
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
    __table_args__ = (
        CheckConstraint("(ticket_id IS NULL) <> (event_date_id IS NULL)", name="one_product"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    api_token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    # a ticket's reservation, or an event date's (``start_at`` is then the date's start)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    event_date_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_dates.id", ondelete="CASCADE")
    )
    quantity: Mapped[int]
    start_at: Mapped[datetime]
    created_at: Mapped[datetime]
    valid_until: Mapped[datetime]


class ReservationHold(Base):
    """Places held in one quota slot, active while ``valid_until`` is in the future.

    A hold belongs to a reservation, or to an order that is not binding yet (a two-phase order
    before finalize, a pay-by-link order before its payment): then it expires with the order.
    """

    __tablename__ = "reservation_holds"
    __table_args__ = (Index("ix_reservation_holds_slot", "quota_id", "start_at", "valid_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reservations.id", ondelete="CASCADE"), index=True
    )
    order_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), index=True
    )
    quota_id: Mapped[int] = mapped_column(ForeignKey("quotas.id", ondelete="CASCADE"))
    start_at: Mapped[datetime]
    quantity: Mapped[int]
    valid_until: Mapped[datetime]


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_created", "created_at"),
        Index("ix_orders_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    # created -> finalized, and cancelled (see orders/lifecycle.py)
    status: Mapped[str] = mapped_column(String(20), default="finalized", server_default="finalized")
    # A created (two-phase) or unpaid pay-by-link order holds its places until then.
    expires_at: Mapped[datetime | None]
    pay_by_link: Mapped[bool] = mapped_column(default=False, server_default=false())
    paid_at: Mapped[datetime | None]
    finalized_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    invoice_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    suppress_mail: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_valid: Mapped[bool] = mapped_column(default=True)
    total_price_cents: Mapped[int]
    comment: Mapped[str | None]
    reference: Mapped[str | None]
    rating: Mapped[int | None]
    invoice: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(10))
    # kasse's payment codes (orders/schemas.py, PaymentStatus), set by finalize; null while none
    # is known
    payment_status: Mapped[int | None]
    # The customer's address that finalize recorded for this order: later changes of the
    # customer's address do not move it.
    billing_address_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_addresses.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]
    # Orders with annual passes: the token of the personalization flow (/api/v4/annual?token=),
    # and when that flow was finalized.
    personalization_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    personalized_at: Mapped[datetime | None]


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    price_cents: Mapped[int]
    vat_pct: Mapped[float]
    tax_included: Mapped[bool]
    cancelled_at: Mapped[datetime | None]


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
    # Annual passes: valid from ``start_at`` until ``valid_until`` (exclusive); sent_at when shipped.
    valid_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class Customer(Base):
    """The person behind orders; ``foreign_id`` is the integrator's own id, unique per API token:
    each caller has its own customers (``api_token_id``: the token that created it) and never
    reaches another's by naming the same ``foreign_id``."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("api_token_id", "foreign_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    foreign_id: Mapped[str | None] = mapped_column(String(100))
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL")
    )
    name: Mapped[str | None] = mapped_column(String(200))
    surname: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    language: Mapped[str | None] = mapped_column(String(40))
    salutation_id: Mapped[int | None]
    addr_institution: Mapped[str | None] = mapped_column(String(300))
    addr_street: Mapped[str | None] = mapped_column(String(300))
    addr_zip: Mapped[str | None] = mapped_column(String(20))
    addr_city: Mapped[str | None] = mapped_column(String(200))
    addr_country: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    # A customer created in an annual order's personalization flow: the token that binds it to a
    # personalization, and the order under whose token it was created (its only scope).
    personalization_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_for_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE", use_alter=True), index=True
    )


class CustomerAddress(Base):
    __tablename__ = "customer_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    street: Mapped[str | None] = mapped_column(String(300))
    zip: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(200))
    country_id: Mapped[int | None]
    created_at: Mapped[datetime]


class Personalization(Base):
    """One card of an annual ticket sale (one per place): whose it is and where it goes.

    The personalization at ``position`` n belongs to the sale's n-th barcode (by barcode id).
    """

    __tablename__ = "personalizations"
    __table_args__ = (UniqueConstraint("ticket_sale_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_sale_id: Mapped[int] = mapped_column(ForeignKey("ticket_sales.id", ondelete="CASCADE"))
    position: Mapped[int]
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    address_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_addresses.id", ondelete="SET NULL")
    )
    dispatch_mode_id: Mapped[int | None]
    updated_at: Mapped[datetime | None]


class Portrait(Base):
    """The photo printed on an annual pass; checked and re-encoded on upload."""

    __tablename__ = "portraits"

    personalization_id: Mapped[int] = mapped_column(
        ForeignKey("personalizations.id", ondelete="CASCADE"), primary_key=True
    )
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int]
    height: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime]


class CouponSale(Base):
    """Coupons bought in one order item; each of the ``quantity`` coupons has its own code."""

    __tablename__ = "coupon_sales"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_item_id: Mapped[int] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), unique=True
    )
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int]
    value_cents: Mapped[int]


class CouponCode(Base):
    """One coupon a customer can pay with. Its balance is ``value_cents`` minus the active
    redemptions; redeeming locks this row, so the balance cannot be spent twice."""

    __tablename__ = "coupon_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    coupon_sale_id: Mapped[int] = mapped_column(
        ForeignKey("coupon_sales.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(20), unique=True)
    value_cents: Mapped[int]
    created_at: Mapped[datetime]


class CouponRedemption(Base):
    """What one coupon paid towards one order.

    Active while not returned and, for an order that is not binding yet, until the order's expiry
    (``valid_until``), like a reservation hold: an expired order needs no sweeper to give it back.
    """

    __tablename__ = "coupon_redemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    coupon_code_id: Mapped[int] = mapped_column(
        ForeignKey("coupon_codes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    amount_cents: Mapped[int]
    returned_cents: Mapped[int] = mapped_column(default=0)
    valid_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Payment(Base):
    """Bookkeeping of a payment the caller collected (not a charge)."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    payment_id: Mapped[str | None] = mapped_column(String(200))
    provider_id: Mapped[str | None] = mapped_column(String(200))
    provider_name: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str | None]
    amount_cents: Mapped[int | None]
    created_at: Mapped[datetime]


class InvoiceCounter(Base):
    """The last invoice number of the instance; taken in the finalizing transaction, so gap-free."""

    __tablename__ = "invoice_counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


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
    """A code that admits: of a ticket sale, of an event booking (one per participant or seat),
    or of a tour booking (one per participant)."""

    __tablename__ = "barcodes"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN ticket_sale_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN event_booking_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN tour_booking_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_holder",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_sale_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_sales.id", ondelete="CASCADE"), index=True
    )
    event_booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_bookings.id", ondelete="CASCADE"), index=True
    )
    tour_booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("tour_bookings.id", ondelete="CASCADE"), index=True
    )
    seat_id: Mapped[int | None]
    barcode: Mapped[str] = mapped_column(String(40), unique=True)
    method: Mapped[str] = mapped_column(String(10))


class EntryAdmission(Base):
    """One admission of a barcode; unique per (barcode, scope) so a barcode enters once per scope.

    The scope is "main" for a plain ticket and "sub:<ticket id>" for each sub ticket of a combined
    ticket (one barcode, one entry at every location).
    """

    __tablename__ = "entry_admissions"
    __table_args__ = (UniqueConstraint("barcode_id", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    barcode_id: Mapped[int] = mapped_column(ForeignKey("barcodes.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(40))
    location: Mapped[str | None] = mapped_column(String(100))
    admitted_at: Mapped[datetime]
    exited_at: Mapped[datetime | None]


class EntryScan(Base):
    """Every scan a turnstile or scanner made, whatever its result."""

    __tablename__ = "entry_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    barcode: Mapped[str] = mapped_column(String(100), index=True)
    barcode_id: Mapped[int | None] = mapped_column(ForeignKey("barcodes.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10))
    location: Mapped[str | None] = mapped_column(String(100))
    accepted: Mapped[bool]
    message: Mapped[str]
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL")
    )
    scanned_at: Mapped[datetime]
    # How many people went through on this scan (a group ticket); the scanner may correct it.
    people_count: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """A mail written in the transaction that caused it and sent after commit, with retries."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(320))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class IdempotencyKey(Base):
    """A remembered answer to a retried write (``Idempotency-Key`` header)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("api_token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    response_status: Mapped[int | None]
    response_body: Mapped[str | None]
    created_at: Mapped[datetime]
