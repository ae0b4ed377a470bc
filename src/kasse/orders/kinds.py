"""The registry of item kinds: the one place that names them. Everything else in ``orders/``
reaches a kind by its wire ``type`` through ``KINDS``.

Adding a kind is adding it to ``_KINDS`` (see docs/architecture.md, "Adding an item kind").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Protocol, Union

from pydantic import BaseModel, Field

from kasse.coupons.kind import CouponKind
from kasse.events.kind import EventKind
from kasse.items.kind import ItemKind
from kasse.tickets.kind import TicketKind

_KINDS: tuple[ItemKind[Any, Any, Any], ...] = (TicketKind(), EventKind(), CouponKind())

KINDS: dict[str, ItemKind[Any, Any, Any]] = {kind.type: kind for kind in _KINDS}


class ItemIn(Protocol):
    """An item of an order as the caller sends it: its kind's ``type`` and ``attributes``."""

    type: str
    attributes: Any


# The item unions of the wire, discriminated by ``type``, built from the kinds.
if TYPE_CHECKING:
    AnyItemIn = ItemIn
    AnyItemOut = BaseModel
else:
    AnyItemIn = Annotated[Union[tuple(k.item_in for k in _KINDS)], Field(discriminator="type")]  # noqa: UP007
    AnyItemOut = Annotated[Union[tuple(k.item_out for k in _KINDS)], Field(discriminator="type")]  # noqa: UP007
