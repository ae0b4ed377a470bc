"""HTTP routes of live availability: capacity, capacities, calendar."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Query

from kasse.availability import service
from kasse.availability.schemas import (
    CalendarResponse,
    CapacitiesRequest,
    CapacitiesResponse,
    CapacityResponse,
)
from kasse.catalog.dependencies import CurrentCatalog
from kasse.core.deps import CurrentClock, CurrentInstance, CurrentPrincipal, Session
from kasse.core.params import IsoDate
from kasse.core.wire import ParamLookupId

router = APIRouter(tags=["availability"])

TicketIds = Annotated[list[ParamLookupId], Query(alias="ticket_ids[]", max_length=1000)]
Day = Annotated[IsoDate | None, Query(alias="date", description="YYYY-MM-DD, default today")]
CalendarDay = Annotated[IsoDate | None, Query()]


@router.get("/tickets/capacities", response_model=CapacitiesResponse)
async def get_capacities(
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    day: Day = None,
    ticket_ids: TicketIds = [],  # noqa: B006 - FastAPI copies defaults per request
) -> dict[str, object]:
    views = await service.quota_capacities(
        session, catalog, principal, ticket_ids, day, clock.now(), instance.tz
    )
    return {"data": {quota_id: asdict(view) for quota_id, view in views.items()}}


@router.post("/tickets/capacities", response_model=CapacitiesResponse)
async def post_capacities(
    body: CapacitiesRequest,
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
) -> dict[str, object]:
    views = await service.quota_capacities(
        session, catalog, principal, body.ticket_ids, body.date, clock.now(), instance.tz
    )
    return {"data": {quota_id: asdict(view) for quota_id, view in views.items()}}


@router.get("/tickets/calendar", response_model=CalendarResponse)
async def get_calendar(
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    ticket_ids: TicketIds = [],  # noqa: B006
    start_at: CalendarDay = None,
    end_at: CalendarDay = None,
    depth: Annotated[service.Depth, Query()] = "any",
) -> dict[str, object]:
    now = clock.now()
    days = service.calendar_days(start_at, end_at, now, instance.tz)
    answer = await service.calendar(
        session, catalog, principal, ticket_ids, days, depth, now, instance.tz
    )
    return {
        "data": {
            day: value
            if isinstance(value, bool | str)
            else {q: asdict(v) for q, v in value.items()}
            for day, value in answer.items()
        }
    }


@router.get("/tickets/{ticket_id}/capacity", response_model=CapacityResponse)
async def get_capacity(
    ticket_id: Annotated[ParamLookupId, Path()],
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    day: Day = None,
) -> dict[str, object]:
    data = await service.ticket_capacity(
        session, catalog, principal, ticket_id, day, clock.now(), instance.tz
    )
    return {"data": data}
