"""Wire shapes of the availability endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kasse.catalog.schemas import TicketSummary
from kasse.core.params import IsoDate
from kasse.core.wire import LookupId

# Reservation tokens are url-safe random text (22 characters); nothing else names one.
RESERVATION_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{1,100}$"
ReservationToken = Annotated[str, StringConstraints(pattern=RESERVATION_TOKEN_PATTERN)]
MAX_RESERVATIONS = 100


class CapacityResponse(BaseModel):
    data: dict[str, int] = Field(
        description="slot start -> places left (slots with none left omitted)"
    )


class QuotaCapacityOut(BaseModel):
    tickets: list[int]
    capacities: dict[str, int]
    total_capacities: dict[str, int]


class CapacitiesResponse(BaseModel):
    data: dict[str, QuotaCapacityOut] = Field(description="quota id -> its tickets and capacities")


class CapacitiesRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    date: IsoDate | None = None
    ticket_ids: list[LookupId] = Field(min_length=1, max_length=1000)
    reservations: list[ReservationToken] = Field(
        default_factory=list,
        max_length=MAX_RESERVATIONS,
        description="tokens of the caller's reservations: their places count as available",
    )


class CalendarQuota(BaseModel):
    id: int
    tickets: list[int]
    capacities: list[dict[str, int]] = Field(
        description="one {slot start: places left} per slot, as `2026-07-06 11:00:00 +0200`"
    )


class CalendarQuotaEntry(BaseModel):
    quota: CalendarQuota


class CalendarResponse(BaseModel):
    data: dict[str, bool | str | list[CalendarQuotaEntry]] = Field(
        description="day -> true/false (depth=any), a status word (depth=availability_status) "
        "or the quotas with their capacities (depth=all)"
    )


class TicketOfDay(TicketSummary):
    total_capacities: dict[str, int] = Field(
        description="slot start -> places configured, ignoring sales (the smallest quota's)"
    )


class QuotaOfDay(BaseModel):
    ticket_ids: list[int]
    capacities: dict[str, int]
    total_capacities: dict[str, int]


class ListAndQuotasResponse(BaseModel):
    tickets: dict[str, TicketOfDay] = Field(description="ticket id -> the ticket of the day")
    quotas: dict[str, QuotaOfDay] = Field(description="quota id -> its tickets and capacities")
