"""HTTP routes of entry: check, admit (void) and exit of a barcode for turnstiles and scanners
(the v3 paths), the scan events and the scanner configuration (v4)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from kasse.catalog.dependencies import CurrentCatalog
from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.core.clock import Clock
from kasse.core.db import Instance
from kasse.core.deps import CurrentClock, CurrentInstance, CurrentPrincipal, Session, TokenRequired
from kasse.core.errors import BadRequest
from kasse.core.redaction import SECRET
from kasse.core.times import render
from kasse.core.wire import ParamId
from kasse.entry import scans, service, zones
from kasse.entry.schemas import (
    SCAN_CHANGE_BODY,
    EntryMessage,
    ScanChange,
    ScanChangeEnvelope,
    ScanChangeForm,
    ScanEnvelope,
    ScannerConfig,
    ScannerConfigEnvelope,
    ScannerSettings,
    ScanOut,
)
from kasse.models import EntryScan

router = APIRouter(tags=["entry"], dependencies=[TokenRequired])
# The scan events and the scanner configuration live under /api/v4/entry.
v4_router = APIRouter(prefix="/entry", tags=["entry"], dependencies=[TokenRequired])

# Sent with every scan's answer: the scan event a scanner may correct (PUT /entry/scans/:id).
SCAN_ID_HEADER = "X-Scan-Id"

BarcodePath = Annotated[
    str,
    Path(min_length=1, max_length=100, description="The barcode as printed on the ticket"),
    SECRET,
]
LocationQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        description="Where the scanner stands: a museum's id or name (e.g. `Haupthaus`), or an "
        "entry zone's id or name. Picks the sub ticket of a combined ticket, and a plain ticket "
        "must be valid there; a name kasse does not know is a 422.",
    ),
]
SCAN_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            SCAN_ID_HEADER: {
                "description": "the scan event of this scan",
                "schema": {"type": "integer"},
            }
        }
    }
}


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
        location=zones.resolve_location(catalog, location),
        principal=principal,
        catalog=catalog,
        settings=instance.settings,
        now=clock.now(),
        tz=instance.tz,
    )


def _answer(outcome: service.Outcome) -> JSONResponse:
    # A refusal is returned, not raised: raising would roll back the scan log with the request.
    body = {"message": outcome.message} if outcome.accepted else {"error": outcome.message}
    headers = {SCAN_ID_HEADER: str(outcome.scan_id)} if outcome.scan_id is not None else None
    return JSONResponse(body, status_code=outcome.status_code, headers=headers)


@router.get("/barcodes/{barcode}", response_model=EntryMessage, responses=SCAN_ANSWERS)
async def check_barcode(
    barcode: BarcodePath,
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    location: LocationQuery = None,
) -> JSONResponse:
    """May this barcode enter now (at `location`)? 200 when it may, 422 with the reason when not."""
    scan = _scan(barcode, location, principal, catalog, instance, clock)
    return _answer(await service.check(session, instance, scan))


@router.put("/barcodes/{barcode}", response_model=EntryMessage, responses=SCAN_ANSWERS)
async def admit_barcode(
    barcode: BarcodePath,
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    location: LocationQuery = None,
) -> JSONResponse:
    """Admit (void) the barcode: once per entry; a second scan is 422 `already used on ...`."""
    scan = _scan(barcode, location, principal, catalog, instance, clock)
    return _answer(await service.admit(session, scan))


@router.put("/barcodes/{barcode}/exit", response_model=EntryMessage, responses=SCAN_ANSWERS)
async def exit_barcode(
    barcode: BarcodePath,
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    location: LocationQuery = None,
) -> JSONResponse:
    """Record that the visitor left (on the barcode's latest admission); 422 if it never entered."""
    scan = _scan(barcode, location, principal, catalog, instance, clock)
    return _answer(await service.record_exit(session, scan))


# --- scan events -----------------------------------------------------------------------------


def _scan_out(event: EntryScan, instance: Instance) -> ScanEnvelope:
    tz = instance.tz
    created = render(event.scanned_at, tz) or ""
    return ScanEnvelope(
        scan=ScanOut(
            id=event.id,
            barcode=event.barcode,
            entry_at=created,
            position=event.location,
            device=str(event.api_token_id) if event.api_token_id is not None else None,
            people_count=event.people_count,
            is_valid=event.accepted,
            is_entry=event.kind != "exit",
            updated_at=render(event.updated_at, tz) or created,
            created_at=created,
        )
    )


ScanId = Annotated[ParamId, Path(description="the scan event's id (header X-Scan-Id of a scan)")]


@v4_router.get("/scans/{scan_id}")
async def get_scan(
    scan_id: ScanId, session: Session, principal: CurrentPrincipal, instance: CurrentInstance
) -> ScanEnvelope:
    """A scan event: the token's own scans (a user token of every museum sees all)."""
    return _scan_out(await scans.get_scan(session, principal, scan_id), instance)


async def _scan_change(request: Request) -> ScanChange:
    """`scan[people_count]=3` as a form, or `{"scan": {"people_count": 3}}` as JSON."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = ScanChangeForm.model_validate(dict(await request.form()))
            return ScanChange(people_count=form.people_count)
        try:
            data = await request.json()
        except ValueError as exc:
            raise BadRequest("malformed JSON body") from exc
        return ScanChangeEnvelope.model_validate(data).scan
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from exc


@v4_router.put("/scans/{scan_id}", openapi_extra=SCAN_CHANGE_BODY)
async def update_scan(
    scan_id: ScanId,
    request: Request,
    session: Session,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
) -> ScanEnvelope:
    """Correct a scan event: how many people went through (`people_count`)."""
    change = await _scan_change(request)
    event = await scans.count_people(session, principal, scan_id, change.people_count, clock.now())
    return _scan_out(event, instance)


# --- scanner configuration -------------------------------------------------------------------


@v4_router.get("/config")
async def scanner_config(
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    entry_zone: Annotated[
        str, Query(min_length=1, max_length=100, description="the entry zone's id")
    ],
) -> ScannerConfigEnvelope:
    """Colours and texts of a scanner's screen in an entry zone (catalog file: `entry_zones`)."""
    zone = zones.visible_zone(catalog, principal, entry_zone)
    return ScannerConfigEnvelope(
        config=ScannerConfig(
            id=zone.id,
            name=zone.name,
            settings=ScannerSettings(**zones.scanner_settings(catalog, zone)),
        )
    )
