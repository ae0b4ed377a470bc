"""HTTP routes of the cash desk's event bookings (``cash_point_api.html.md``, "Bookings"): the
bookings of an event date, for user and cash point tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from kasse.catalog.schemas import Meta
from kasse.core.deps import TokenRequired
from kasse.core.pagination import PageParams
from kasse.core.wire import ParamId
from kasse.events import bookings
from kasse.events.booking_schemas import DeskBookingList, DeskBookingOut
from kasse.items.context import Context

router = APIRouter(tags=["bookings"], dependencies=[TokenRequired])


@router.get(
    "/events/{event_id}/dates/{date_id}/bookings",
    summary="Bookings of an event date (cash desk)",
)
async def date_bookings(
    event_id: Annotated[ParamId, Path()],
    date_id: Annotated[ParamId, Path()],
    ctx: Context,
    page: PageParams,
) -> DeskBookingList:
    """Every booking of the date whose order was binding, oldest first: status 20 booked, 60
    cancelled. User and cash point tokens only (a reseller's is a 403); a token limited to
    museums sees their dates only."""
    found, total = await bookings.date_bookings(ctx, event_id, date_id, page)
    return DeskBookingList(
        bookings=[DeskBookingOut.model_validate(booking) for booking in found],
        meta=Meta.of(page, total),
    )
