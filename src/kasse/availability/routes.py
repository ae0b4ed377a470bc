"""HTTP routes of live availability: capacity, capacities, calendar, a day's tickets and quotas."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.availability import service
from kasse.availability.schemas import (
    MAX_RESERVATIONS,
    CalendarQuota,
    CalendarQuotaEntry,
    CalendarResponse,
    CapacitiesRequest,
    CapacitiesResponse,
    CapacityResponse,
    ListAndQuotasResponse,
    QuotaCapacityOut,
    QuotaOfDay,
    ReservationToken,
    TicketOfDay,
)
from kasse.catalog.dependencies import CurrentCatalog, CurrentLocale, TicketFilters
from kasse.catalog.routes import ticket_summary
from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.core.clock import Clock
from kasse.core.db import Instance
from kasse.core.deps import CurrentClock, CurrentInstance, CurrentPrincipal, Session
from kasse.core.params import IsoDate
from kasse.core.times import today
from kasse.core.wire import ParamLookupId

router = APIRouter(tags=["availability"])

TicketIds = Annotated[list[ParamLookupId], Query(alias="ticket_ids[]", max_length=1000)]
Day = Annotated[IsoDate | None, Query(alias="date", description="YYYY-MM-DD, default today")]
CalendarDay = Annotated[IsoDate | None, Query()]
ReservationTokens = Annotated[
    list[ReservationToken],
    Query(
        alias="reservations[]",
        max_length=MAX_RESERVATIONS,
        description="tokens of the caller's reservations: the places they hold count as available",
    ),
]


def _asking(
    session: AsyncSession,
    catalog: Catalog,
    principal: Principal,
    instance: Instance,
    clock: Clock,
    reservations: list[str],
) -> service.Asking:
    return service.Asking(
        session=session,
        catalog=catalog,
        principal=principal,
        now=clock.now(),
        tz=instance.tz,
        reservation_tokens=tuple(reservations),
    )


def _capacities(views: dict[str, service.QuotaView]) -> CapacitiesResponse:
    return CapacitiesResponse(
        data={
            quota_id: QuotaCapacityOut(
                tickets=v.tickets, capacities=v.capacities, total_capacities=v.total_capacities
            )
            for quota_id, v in views.items()
        }
    )


@router.get("/tickets/capacities")
async def get_capacities(
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    day: Day = None,
    ticket_ids: TicketIds = [],  # noqa: B006 - FastAPI copies defaults per request
    reservations: ReservationTokens = [],  # noqa: B006
) -> CapacitiesResponse:
    ask = _asking(session, catalog, principal, instance, clock, reservations)
    return _capacities(await service.quota_capacities(ask, ticket_ids, day))


@router.post("/tickets/capacities")
async def post_capacities(
    body: CapacitiesRequest,
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
) -> CapacitiesResponse:
    ask = _asking(session, catalog, principal, instance, clock, body.reservations)
    return _capacities(await service.quota_capacities(ask, body.ticket_ids, body.date))


def _calendar_quotas(views: dict[str, service.QuotaView]) -> list[CalendarQuotaEntry]:
    return [
        CalendarQuotaEntry(
            quota=CalendarQuota(
                id=int(quota_id),
                tickets=v.tickets,
                capacities=[{stamp: left} for stamp, left in v.capacities.items()],
            )
        )
        for quota_id, v in views.items()
    ]


@router.get("/tickets/calendar")
async def get_calendar(
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    filters: TicketFilters,
    ticket_ids: Annotated[
        list[ParamLookupId],
        Query(alias="ticket_ids[]", max_length=1000, description="the same as by_ticket_ids[]"),
    ] = [],  # noqa: B006
    start_at: Annotated[IsoDate | None, Query(description="YYYY-MM-DD, default today")] = None,
    end_at: Annotated[
        IsoDate | None,
        Query(
            description=f"YYYY-MM-DD, default the end of start_at's month; "
            f"at most {service.MAX_CALENDAR_DAYS} days from start_at"
        ),
    ] = None,
    depth: Annotated[service.Depth, Query()] = "any",
    reservations: ReservationTokens = [],  # noqa: B006
) -> CalendarResponse:
    if ticket_ids:
        filters = replace(filters, ticket_ids=(filters.ticket_ids or frozenset()) | set(ticket_ids))
    ask = _asking(session, catalog, principal, instance, clock, reservations)
    days = service.calendar_days(start_at, end_at, ask.now, ask.tz)
    answer = await service.calendar(ask, filters, days, depth)
    return CalendarResponse(
        data={
            day: value if isinstance(value, bool | str) else _calendar_quotas(value)
            for day, value in answer.items()
        }
    )


@router.get("/tickets/list_and_quotas", summary="A day's tickets with their quotas")
async def list_and_quotas(
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    locale: CurrentLocale,
    filters: TicketFilters,
    valid_at: Annotated[
        IsoDate | None, Query(description="the day YYYY-MM-DD (default: today)")
    ] = None,
) -> ListAndQuotasResponse:
    """The tickets of the `/tickets` filters on one day, each with its configured places per
    slot, and the quotas they draw from with the places left: what a shop shows for a day."""
    ask = _asking(session, catalog, principal, instance, clock, [])
    day = valid_at or today(ask.now, ask.tz)
    overview = await service.day_overview(ask, replace(filters, valid_at=day))
    return ListAndQuotasResponse(
        tickets={
            str(t.view.data.id): TicketOfDay(
                **ticket_summary(t.view, locale).model_dump(),
                total_capacities=t.total_capacities,
            )
            for t in overview.tickets
        },
        quotas={
            quota_id: QuotaOfDay(
                ticket_ids=v.tickets, capacities=v.capacities, total_capacities=v.total_capacities
            )
            for quota_id, v in overview.quotas.items()
        },
    )


@router.get("/tickets/{ticket_id}/capacity")
async def get_capacity(
    ticket_id: Annotated[ParamLookupId, Path()],
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    day: Day = None,
    reservations: ReservationTokens = [],  # noqa: B006
) -> CapacityResponse:
    ask = _asking(session, catalog, principal, instance, clock, reservations)
    return CapacityResponse(data=await service.ticket_capacity(ask, ticket_id, day))
