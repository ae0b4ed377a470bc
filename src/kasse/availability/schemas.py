"""Wire shapes of the availability endpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kasse.core.params import IsoDate
from kasse.core.wire import LookupId


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


class CalendarResponse(BaseModel):
    data: dict[str, bool | str | dict[str, QuotaCapacityOut]] = Field(
        description="day -> true/false (depth=any), a status word (depth=availability_status) "
        "or the quotas with their capacities (depth=all)"
    )
