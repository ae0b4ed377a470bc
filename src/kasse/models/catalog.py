"""Master data: museums, opening hours, exhibitions, quotas, tickets. Changed only by ``kasse load``."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasse.models.base import Base

ticket_museums = Table(
    "ticket_museums",
    Base.metadata,
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("museum_id", ForeignKey("museums.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)

ticket_exhibitions = Table(
    "ticket_exhibitions",
    Base.metadata,
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("exhibition_id", ForeignKey("exhibitions.id", ondelete="CASCADE"), primary_key=True),
)

ticket_quotas = Table(
    "ticket_quotas",
    Base.metadata,
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("quota_id", ForeignKey("quotas.id", ondelete="CASCADE"), primary_key=True),
)


class CatalogState(Base):
    """One row; ``version`` moves whenever master data changes, so every worker can drop its cache."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class Museum(Base):
    __tablename__ = "museums"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[dict[str, Any]]
    sub_title: Mapped[dict[str, Any]] = mapped_column(default=dict)
    description: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    picture: Mapped[dict[str, Any] | None]
    location_name: Mapped[str | None] = mapped_column(String(200))
    street: Mapped[str | None] = mapped_column(String(200))
    zip: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # How this museum's tickets encode their barcodes unless a ticket says otherwise.
    barcode_method: Mapped[str] = mapped_column(String(10), default="ean", server_default="ean")
    vat_id: Mapped[str | None] = mapped_column(String(40))


class OpeningHours(Base):
    """Regular opening hours per weekday (0 = Monday); a weekday without a row is a closed day."""

    __tablename__ = "opening_hours"
    __table_args__ = (UniqueConstraint("museum_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    museum_id: Mapped[int] = mapped_column(ForeignKey("museums.id", ondelete="CASCADE"))
    weekday: Mapped[int]
    begin_minute: Mapped[int]
    end_minute: Mapped[int]


class MuseumClosure(Base):
    """A single date on which a museum stays closed (holidays)."""

    __tablename__ = "museum_closures"
    __table_args__ = (UniqueConstraint("museum_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    museum_id: Mapped[int] = mapped_column(ForeignKey("museums.id", ondelete="CASCADE"))
    day: Mapped[date]


class Exhibition(Base):
    __tablename__ = "exhibitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    museum_id: Mapped[int] = mapped_column(ForeignKey("museums.id", ondelete="CASCADE"))
    title: Mapped[dict[str, Any]]
    sub_title: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # the shop's slider shows it (reference); translated like the title
    slider_description: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    description: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    featured: Mapped[bool] = mapped_column(default=False)
    picture: Mapped[dict[str, Any] | None]
    # name, street, zip, city, country, latitude, longitude; None: where its museum is
    location: Mapped[dict[str, Any] | None]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]


class Quota(Base):
    """A pool of places shared by the tickets attached to it; ``capacity`` is per slot."""

    __tablename__ = "quotas"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int]


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[dict[str, Any]]
    sub_title: Mapped[dict[str, Any]] = mapped_column(default=dict)
    description: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after_sale_information: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ticket_type: Mapped[str] = mapped_column(String(20))
    price_cents: Mapped[int]
    discount: Mapped[int] = mapped_column(default=0)
    vat_pct: Mapped[float] = mapped_column(default=0.0)
    tax_included: Mapped[bool] = mapped_column(default=True)
    entry_duration: Mapped[int | None]
    min_persons: Mapped[int] = mapped_column(default=1)
    max_persons: Mapped[int] = mapped_column(default=10)
    first_entry: Mapped[int | None]
    last_entry: Mapped[int | None]
    personalizeable: Mapped[bool] = mapped_column(default=False)
    attendees: Mapped[str] = mapped_column(String(20), default="none")
    identification: Mapped[str] = mapped_column(String(20), default="none")
    free_timing: Mapped[bool] = mapped_column(default=False)
    bookable_public: Mapped[bool] = mapped_column(default=True)
    bookable_reseller: Mapped[bool] = mapped_column(default=True)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    sub_ticket_min_gap: Mapped[int | None]
    barcode_method: Mapped[str | None] = mapped_column(String(10))
    # How long an annual pass is valid from its start (months); other tickets ignore it.
    validity_months: Mapped[int] = mapped_column(default=12, server_default="12")


class Coupon(Base):
    """A value voucher for sale: it costs ``price_cents`` and is worth ``value_cents`` (may differ)."""

    __tablename__ = "coupons"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[dict[str, Any]]
    description: Mapped[dict[str, Any]] = mapped_column(default=dict)
    museum_ids: Mapped[list[Any]] = mapped_column(default=list)
    price_cents: Mapped[int]
    value_cents: Mapped[int]
    vat_pct: Mapped[float] = mapped_column(default=0.0)
    tax_included: Mapped[bool] = mapped_column(default=True)
    min_quantity: Mapped[int] = mapped_column(default=1)
    max_quantity: Mapped[int] = mapped_column(default=10)
    bookable_public: Mapped[bool] = mapped_column(default=True)
    bookable_reseller: Mapped[bool] = mapped_column(default=True)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    position: Mapped[int] = mapped_column(default=0)


class EntryZone(Base):
    """A place where scanners stand (an entrance, a hall), with what its scanners show."""

    __tablename__ = "entry_zones"

    # The catalog file names it; scanners send it as ``entry_zone`` and as ``location``.
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    museum_id: Mapped[int | None] = mapped_column(ForeignKey("museums.id", ondelete="SET NULL"))
    # Colours and texts of the scanner screen; kasse's defaults fill what is not given.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Shop(Base):
    """What a shop front-end reads before it draws anything; one row (id 1) per instance."""

    __tablename__ = "shops"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # locale -> dotted key -> text; overrides kasse's own texts key by key.
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
