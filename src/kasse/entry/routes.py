"""HTTP routes of entry: check, admit (void) and exit of a barcode, for turnstiles and scanners."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from kasse.catalog.dependencies import CurrentCatalog
from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.core.clock import Clock
from kasse.core.db import Instance
from kasse.core.deps import CurrentClock, CurrentInstance, CurrentPrincipal, Session, TokenRequired
from kasse.core.redaction import SECRET
from kasse.entry import service
from kasse.entry.schemas import EntryMessage

router = APIRouter(tags=["entry"], dependencies=[TokenRequired])

BarcodePath = Annotated[
    str,
    Path(min_length=1, max_length=100, description="The barcode as printed on the ticket"),
    SECRET,
]
LocationQuery = Annotated[
    str | None,
    Query(
        pattern=r"^[0-9]{1,9}$",
        description="Id of the museum where the scanner stands; picks the sub ticket of a "
        "combined ticket, and a plain ticket must be valid there",
    ),
]


def _scan(
    barcode: str,
    location: str | None,
    principal: Principal,
    catalog: Catalog,
    instance: Instance,
    clock: Clock,
) -> service.Scan:
    return service.Scan(
        barcode=barcode,
        location=location,
        principal=principal,
        catalog=catalog,
        settings=instance.settings,
        now=clock.now(),
        tz=instance.tz,
    )


def _answer(outcome: service.Outcome) -> dict[str, Any] | JSONResponse:
    # A refusal is returned, not raised: raising would roll back the scan log with the request.
    if outcome.accepted:
        return {"message": outcome.message}
    return JSONResponse({"error": outcome.message}, status_code=outcome.status_code)


@router.get("/barcodes/{barcode}", response_model=EntryMessage)
async def check_barcode(
    barcode: BarcodePath,
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    location: LocationQuery = None,
) -> dict[str, Any] | JSONResponse:
    """May this barcode enter now (at `location`)? 200 when it may, 422 with the reason when not."""
    scan = _scan(barcode, location, principal, catalog, instance, clock)
    return _answer(await service.check(session, instance, scan))


@router.put("/barcodes/{barcode}", response_model=EntryMessage)
async def admit_barcode(
    barcode: BarcodePath,
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    location: LocationQuery = None,
) -> dict[str, Any] | JSONResponse:
    """Admit (void) the barcode: once per entry; a second scan is 422 `already used on ...`."""
    scan = _scan(barcode, location, principal, catalog, instance, clock)
    return _answer(await service.admit(session, scan))


@router.put("/barcodes/{barcode}/exit", response_model=EntryMessage)
async def exit_barcode(
    barcode: BarcodePath,
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    location: LocationQuery = None,
) -> dict[str, Any] | JSONResponse:
    """Record that the visitor left (on the barcode's latest admission); 422 if it never entered."""
    scan = _scan(barcode, location, principal, catalog, instance, clock)
    return _answer(await service.record_exit(session, scan))
