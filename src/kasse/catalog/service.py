"""Catalog rules: what a caller may see, what is bookable for whom, filtering and paging.

Everything here reads the in-memory snapshot; nothing touches the database or HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kasse.catalog.snapshot import Catalog, MuseumData, TicketData
from kasse.core.auth import Principal
from kasse.core.errors import NotFound
from kasse.core.pagination import Page, PageOf, paginate
from kasse.models import Exhibition

# --- tickets ---------------------------------------------------------------------------------


# Annual passes are listed only when asked for by type (reference: "default: all but annual").
DEFAULT_TICKET_TYPES = frozenset({"normal", "time_slot"})


@dataclass(frozen=True)
class TicketFilter:
    """The ``/tickets`` filters; availability answers narrow their tickets with them too."""

    valid_at: date | None = None  # None: valid on any day (the calendar judges each day)
    q: str | None = None
    ticket_ids: frozenset[int] | None = None
    museum_ids: frozenset[int] | None = None
    exhibition_ids: frozenset[int] | None = None
    bookable: bool | None = None
    ticket_types: frozenset[str] = DEFAULT_TICKET_TYPES
    free_timing: bool | None = None


@dataclass(frozen=True)
class TicketView:
    data: TicketData
    bookable: bool


def is_bookable(ticket: TicketData, principal: Principal, day: date | None) -> bool:
    """Whether ``principal`` may sell or buy ``ticket`` for ``day`` (None: on some day)."""
    if ticket.is_sub_ticket or (day is not None and not ticket.valid_on(day)):
        return False
    return principal.may_buy(ticket.row.bookable_public, ticket.row.bookable_reseller)


def title_matches(title: dict[str, Any], q: str | None) -> bool:
    """The simple search ``q`` of every index: part of the title, in any locale, any case."""
    return q is None or any(q.casefold() in str(text).casefold() for text in title.values())


def _matches(ticket: TicketData, f: TicketFilter) -> bool:
    row = ticket.row
    return (
        (f.ticket_ids is None or ticket.id in f.ticket_ids)
        and (f.museum_ids is None or not f.museum_ids.isdisjoint(ticket.museum_ids))
        and (f.exhibition_ids is None or not f.exhibition_ids.isdisjoint(ticket.exhibition_ids))
        and row.ticket_type in f.ticket_types
        and (f.free_timing is None or row.free_timing == f.free_timing)
        and title_matches(row.title, f.q)
    )


def select_tickets(
    catalog: Catalog, principal: Principal, filters: TicketFilter
) -> list[TicketView]:
    """Sellable tickets matching ``filters`` (valid on ``filters.valid_at``), ordered by id."""
    views: list[TicketView] = []
    day = filters.valid_at
    # The snapshot holds the tickets in id order.
    for ticket in catalog.tickets.values():
        # Sub tickets are only ever sold as part of their combined ticket.
        if ticket.is_sub_ticket or (day is not None and not ticket.valid_on(day)):
            continue
        if not principal.may_see_museums(ticket.museum_ids) or not _matches(ticket, filters):
            continue
        bookable = is_bookable(ticket, principal, day)
        if filters.bookable is None or bookable == filters.bookable:
            views.append(TicketView(data=ticket, bookable=bookable))
    return views


def list_tickets(
    catalog: Catalog, principal: Principal, filters: TicketFilter, page: Page
) -> PageOf[TicketView]:
    """The ticket index: one page of :func:`select_tickets`."""
    return paginate(select_tickets(catalog, principal, filters), page)


def _visible_ticket(catalog: Catalog, principal: Principal, ticket_id: int) -> TicketData | None:
    ticket = catalog.ticket(ticket_id)
    if ticket is None or not principal.may_see_museums(ticket.museum_ids):
        return None
    return ticket


def get_ticket(catalog: Catalog, principal: Principal, ticket_id: int, day: date) -> TicketView:
    ticket = _visible_ticket(catalog, principal, ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return TicketView(data=ticket, bookable=is_bookable(ticket, principal, day))


def ticket_contents(
    catalog: Catalog, principal: Principal, ticket_ids: Iterable[int] | None, page: Page
) -> PageOf[TicketData]:
    """Content of the asked tickets (sub tickets too); unknown ids are skipped, not an error.

    Without ids: every ticket of the index regardless of its validity, so that a shop can fill its
    cache ahead of a season.
    """
    if ticket_ids is None:
        candidates: Iterable[TicketData] = (
            t for t in catalog.tickets.values() if not t.is_sub_ticket
        )
    else:
        candidates = (
            t for t in (catalog.ticket(i) for i in sorted(set(ticket_ids))) if t is not None
        )
    visible = [t for t in candidates if principal.may_see_museums(t.museum_ids)]
    return paginate(visible, page)


def first_museum(catalog: Catalog, ticket: TicketData) -> MuseumData | None:
    for museum_id in ticket.museum_ids:
        museum = catalog.museums.get(museum_id)
        if museum is not None:
            return museum
    return None


# --- museums ---------------------------------------------------------------------------------


def _may_see_museum(principal: Principal, museum_id: int) -> bool:
    return principal.museum_ids is None or museum_id in principal.museum_ids


def list_museums(
    catalog: Catalog, principal: Principal, page: Page, *, q: str | None = None
) -> PageOf[MuseumData]:
    return paginate(
        [
            m
            for m in catalog.museums.values()
            if _may_see_museum(principal, m.row.id) and title_matches(m.row.title, q)
        ],
        page,
    )


def get_museum(catalog: Catalog, principal: Principal, museum_id: int) -> MuseumData:
    museum = catalog.museums.get(museum_id)
    if museum is None or not _may_see_museum(principal, museum_id):
        raise NotFound(f"museum {museum_id} not found")
    return museum


def opening_hours(
    catalog: Catalog, principal: Principal, museum_id: int, day: date
) -> tuple[int, int] | None:
    return get_museum(catalog, principal, museum_id).opening(day)


# --- exhibitions -----------------------------------------------------------------------------


def list_exhibitions(
    catalog: Catalog,
    principal: Principal,
    page: Page,
    *,
    q: str | None = None,
    museum_ids: frozenset[int] | None = None,
    featured: bool | None = None,
) -> PageOf[Exhibition]:
    exhibitions = [
        e
        for e in catalog.exhibitions.values()
        if _may_see_museum(principal, e.museum_id)
        and title_matches(e.title, q)
        and (museum_ids is None or e.museum_id in museum_ids)
        and (featured is None or e.featured == featured)
    ]
    return paginate(exhibitions, page)


def get_exhibition(catalog: Catalog, principal: Principal, exhibition_id: int) -> Exhibition:
    exhibition = catalog.exhibitions.get(exhibition_id)
    if exhibition is None or not _may_see_museum(principal, exhibition.museum_id):
        raise NotFound(f"exhibition {exhibition_id} not found")
    return exhibition
