"""FastAPI dependencies of the catalog: the snapshot, the asked locale, the ticket filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from kasse.catalog.schemas import TicketType
from kasse.catalog.service import TicketFilter
from kasse.catalog.snapshot import Catalog, load_catalog
from kasse.core.deps import READ_METHODS, CurrentInstance, Session
from kasse.core.wire import ParamId


async def get_catalog(request: Request, session: Session, instance: CurrentInstance) -> Catalog:
    return await load_catalog(session, instance, for_write=request.method not in READ_METHODS)


CurrentCatalog = Annotated[Catalog, Depends(get_catalog)]


@dataclass(frozen=True)
class Locale:
    code: str
    fallback: str


async def get_locale(
    instance: CurrentInstance,
    locale: Annotated[
        str | None, Query(max_length=50, description="de, en (first known one wins)")
    ] = None,
) -> Locale:
    known = instance.settings.locales
    fallback = instance.settings.default_locale
    for code in (locale or "").replace(";", ",").split(","):
        if code.strip().lower() in known:
            return Locale(code=code.strip().lower(), fallback=fallback)
    return Locale(code=fallback, fallback=fallback)


CurrentLocale = Annotated[Locale, Depends(get_locale)]


IdList = list[ParamId] | None


def ids_of(values: IdList) -> frozenset[int] | None:
    return None if values is None else frozenset(values)


async def get_ticket_filter(
    q: Annotated[str | None, Query(max_length=200, description="part of the title")] = None,
    by_ticket_ids: Annotated[IdList, Query(alias="by_ticket_ids[]")] = None,
    by_museum_ids: Annotated[IdList, Query(alias="by_museum_ids[]")] = None,
    by_exhibition_ids: Annotated[IdList, Query(alias="by_exhibition_ids[]")] = None,
    by_bookable: bool | None = None,
    by_ticket_type: TicketType | None = None,
    by_ticket_types: Annotated[list[TicketType] | None, Query(alias="by_ticket_types[]")] = None,
    by_free_timing: bool | None = None,
) -> TicketFilter:
    """The ``/tickets`` filters, shared by every endpoint that narrows tickets the same way.

    ``valid_at`` is left to the endpoint: the list and a day's quotas take it as a parameter,
    the calendar judges every day of its range.
    """
    types = set(by_ticket_types or []) | ({by_ticket_type} if by_ticket_type else set())
    return TicketFilter(
        q=q or None,
        ticket_ids=ids_of(by_ticket_ids),
        museum_ids=ids_of(by_museum_ids),
        exhibition_ids=ids_of(by_exhibition_ids),
        bookable=by_bookable,
        ticket_types=frozenset(types) if types else None,
        free_timing=by_free_timing,
    )


TicketFilters = Annotated[TicketFilter, Depends(get_ticket_filter)]
