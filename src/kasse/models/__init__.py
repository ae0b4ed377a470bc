"""Every SQLAlchemy model, imported here so that Alembic's autogenerate sees them all."""

from kasse.models.access import ApiToken
from kasse.models.base import Base
from kasse.models.catalog import (
    CatalogState,
    Exhibition,
    Museum,
    MuseumClosure,
    OpeningHours,
    Quota,
    Ticket,
    ticket_exhibitions,
    ticket_museums,
    ticket_quotas,
)
from kasse.models.live import (
    Barcode,
    CapacityDraw,
    Order,
    OrderItem,
    QuotaSlot,
    Reservation,
    ReservationHold,
    TicketSale,
)

__all__ = [
    "ApiToken",
    "Barcode",
    "Base",
    "CapacityDraw",
    "CatalogState",
    "Exhibition",
    "Museum",
    "MuseumClosure",
    "OpeningHours",
    "Order",
    "OrderItem",
    "Quota",
    "QuotaSlot",
    "Reservation",
    "ReservationHold",
    "Ticket",
    "TicketSale",
    "ticket_exhibitions",
    "ticket_museums",
    "ticket_quotas",
]
