"""The protocol every kind of order item implements: ``Ticket``, ``Event`` and ``Coupon`` now,
``Tour`` next.

``orders/`` drives one pipeline for every kind and knows a kind only through this class:

    create    plan each item (pure: check and price, every problem collected) -> the lock-free
              capacity check -> one write of the order and its items -> ``write`` each kind's rows
              -> lock the claims (``Claims``, taken by the pipeline in the global lock order of
              ``core/locking.py``) -> ``bind`` when the order is binding at once
    finalize  lock the claims (places, and the seats ``seats_of`` names) -> ``bind`` (barcodes,
              coupon codes)
    cancel    ``release`` (a kind may refuse) -> the claims are given back; single seats of an
              item: ``release_seats``
    read      ``load`` a batch of items -> ``shape`` each; which orders a token sees
              (``items_of_museums``) and which order a scanned code opens (``items_with_code``)

A kind never commits and never locks capacity itself: it names what it consumes in its plan's
``claims``. ``docs/architecture.md`` shows step by step how to add a kind.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.availability.capacity import SlotKey
from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.items.context import RequestContext


@dataclass
class Claims:
    """The capacity an item consumes, for the pipeline to check, hold, lock and give back."""

    # places per quota slot
    slots: dict[SlotKey, int] = field(default_factory=dict)
    # the caller's reservations the item redeems: their holds give way to it
    reservation_ids: list[int] = field(default_factory=list)
    # seats of a seating plan, by event date (``availability/seats.py``); every seat also takes
    # a place in its date's slot (``slots``), whose lock decides the seats
    seats: dict[int, set[int]] = field(default_factory=dict)

    def add(self, other: Claims) -> None:
        for key, places in other.slots.items():
            self.slots[key] = self.slots.get(key, 0) + places
        self.reservation_ids += other.reservation_ids
        for date_id, seats in other.seats.items():
            self.seats.setdefault(date_id, set()).update(seats)


@dataclass(frozen=True)
class SeatsReleased:
    """What cancelling some seats of an item gave back: their price and their places."""

    price_cents: int
    slots: dict[SlotKey, int]


@dataclass(kw_only=True)
class ItemPlan:
    """One accepted item: checked, priced and ready to be written once its capacity is secured."""

    price_cents: int
    vat_pct: float
    tax_included: bool
    claims: Claims = field(default_factory=Claims)


class ItemProblems:
    """The problems of one item, each prefixed with the item's position (``items[2]: ...``)."""

    def __init__(self, index: int) -> None:
        self.prefix = f"items[{index}]"
        self.messages: list[str] = []

    def add(self, message: str | None) -> None:
        if message:
            self.messages.append(f"{self.prefix}: {message}")


@dataclass
class NewOrder:
    """The order row the pipeline just wrote, as the kinds' ``write`` sees it."""

    id: int
    binding: bool
    expires_at: datetime | None
    # set by a kind that opened the personalization flow for the order (annual passes)
    personalization_token: str | None = None


# a wire model class (``type`` itself is a class attribute of ``ItemKind``)
WireModel: TypeAlias = type[BaseModel]
AttributesT = TypeVar("AttributesT", bound=BaseModel)
PlanT = TypeVar("PlanT", bound=ItemPlan)
# What a kind's ``shape`` reads for one item: its own rows (a sale with its barcodes, say).
SaleT = TypeVar("SaleT")


class ItemKind(ABC, Generic[AttributesT, PlanT, SaleT]):
    # the wire ``type`` of the item ("Ticket"), and the order's sub-resource ("tickets")
    type: ClassVar[str]
    plural: ClassVar[str]
    # the item in an order's ``items`` as the caller sends it and as every order shows it
    item_in: ClassVar[WireModel]
    item_out: ClassVar[WireModel]
    # the attributes alone, for the order's sub-resource (GET /orders/:id/tickets)
    attributes_out: ClassVar[WireModel]

    async def prefetch(self, ctx: RequestContext, items: Sequence[AttributesT]) -> Any:
        """What the plans of this kind's items need from the database, in one read (the
        reservations they redeem, say); the plans themselves read nothing."""
        return None

    def problems_together(self, ctx: RequestContext, items: Sequence[AttributesT]) -> list[str]:
        """Problems of this kind's items taken together (one reservation redeemed twice)."""
        return []

    @abstractmethod
    def plan(
        self, ctx: RequestContext, item: AttributesT, prefetched: Any, problems: ItemProblems
    ) -> PlanT | None:
        """Check and price one item without touching the database; every problem goes to
        ``problems``. None when the item cannot be planned at all."""

    @abstractmethod
    async def write(
        self, ctx: RequestContext, order: NewOrder, items: Sequence[tuple[int, PlanT]]
    ) -> dict[int, SaleT]:
        """Write the rows of the planned items (by order item id), in bulk; what ``shape`` reads."""

    def seats_of(self, sale: SaleT) -> dict[int, set[int]]:
        """The seats a stored item takes, by date: finalize makes their holds binding."""
        return {}

    async def release_seats(
        self, ctx: RequestContext, sale: SaleT, seat_ids: set[int]
    ) -> SeatsReleased:
        """Cancel some of the item's seats (``seats_of`` names them), the rest stays booked: the
        item's own rows shrink; the pipeline gives the places, seats and money back."""
        raise NotImplementedError(f"{self.type} items have no seats")

    async def bind(self, ctx: RequestContext, sales: Mapping[int, SaleT]) -> None:
        """The order just became binding: issue what makes the items usable (barcodes, codes)."""
        return None

    async def release(self, ctx: RequestContext, item_ids: Sequence[int]) -> None:
        """The items are about to be cancelled (their claims are given back by the pipeline);
        raise to refuse (a coupon that already paid another order)."""
        return None

    @abstractmethod
    async def load(
        self, session: AsyncSession, catalog: Catalog, item_ids: Sequence[int]
    ) -> dict[int, SaleT]:
        """The rows of these items (by order item id), in a fixed number of queries."""

    @abstractmethod
    def shape(self, ctx: RequestContext, sale: SaleT) -> dict[str, Any]:
        """The item's ``attributes`` as every order shows them."""

    @abstractmethod
    def items_of_museums(self, catalog: Catalog, principal: Principal) -> Select[int]:
        """The order item ids of this kind whose product one of the caller's museums sells (the
        rule of the catalog and the entrance): a token's museums bound the orders it sees."""

    def items_with_code(self, code: str) -> Select[int] | None:
        """The order item ids a scanned code belongs to; None for a kind without codes."""
        return None
