"""The ``Ticket`` item kind: plans (``planning.py``), sales with their barcodes and annual-pass
cards, and the wire shape every order shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.annual.sales import annual_valid_until, is_annual, start_annual_sales
from kasse.annual.shapes import personalizations_by_sale
from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.core.i18n import translate
from kasse.core.times import render
from kasse.items.context import RequestContext
from kasse.items.kind import ItemKind, ItemProblems, NewOrder
from kasse.items.reservations import reservations_by_token
from kasse.items.sales import read_sales, write_sales
from kasse.models import Barcode, Reservation, TicketSale
from kasse.tickets.barcodes import BarcodeRequest, IssuedBarcode, issue_barcodes
from kasse.tickets.planning import TicketPlan, duplicate_reservations, plan_ticket
from kasse.tickets.schemas import TicketAttributesIn, TicketItemIn, TicketItemOut, TicketSaleOut


@dataclass
class TicketSaleState:
    """A ticket item's rows: its sale, its barcodes (once binding) and its annual-pass cards."""

    sale: TicketSale
    barcodes: list[IssuedBarcode] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)


class TicketKind(ItemKind[TicketAttributesIn, TicketPlan, TicketSaleState]):
    type = "Ticket"
    plural = "tickets"
    item_in = TicketItemIn
    item_out = TicketItemOut
    attributes_out = TicketSaleOut

    async def prefetch(
        self, ctx: RequestContext, items: Sequence[TicketAttributesIn]
    ) -> dict[str, Reservation]:
        """The reservations the items redeem, by token."""
        return await reservations_by_token(ctx, (t for item in items for t in item.reservations))

    def problems_together(
        self, ctx: RequestContext, items: Sequence[TicketAttributesIn]
    ) -> list[str]:
        return duplicate_reservations(items)

    def plan(
        self,
        ctx: RequestContext,
        item: TicketAttributesIn,
        prefetched: dict[str, Reservation],
        problems: ItemProblems,
    ) -> TicketPlan | None:
        return plan_ticket(ctx, item, prefetched, problems)

    async def write(
        self, ctx: RequestContext, order: NewOrder, items: Sequence[tuple[int, TicketPlan]]
    ) -> dict[int, TicketSaleState]:
        written = await write_sales(
            ctx.session, TicketSale, [_sale_row(ctx, item_id, plan) for item_id, plan in items]
        )
        states = {item_id: TicketSaleState(sale) for item_id, sale in written.items()}
        annual = {
            states[item_id].sale.id: plan.quantity
            for item_id, plan in items
            if is_annual(plan.ticket)
        }
        if annual:
            order.personalization_token = await start_annual_sales(ctx.session, order.id, annual)
            cards = await personalizations_by_sale(ctx.session, list(annual))
            for state in states.values():
                state.cards = cards.get(state.sale.id, [])
        return states

    async def bind(self, ctx: RequestContext, sales: Mapping[int, TicketSaleState]) -> None:
        requests = [
            BarcodeRequest(state.sale.id, state.sale.ticket_id, state.sale.quantity)
            for state in sales.values()
        ]
        issued = await issue_barcodes(ctx.session, ctx.catalog, requests)
        for state in sales.values():
            state.barcodes = issued.get(state.sale.id, [])

    async def load(
        self, session: AsyncSession, catalog: Catalog, item_ids: Sequence[int]
    ) -> dict[int, TicketSaleState]:
        sales = await read_sales(session, TicketSale, item_ids)
        states = {item_id: TicketSaleState(sale) for item_id, sale in sales.items()}
        by_sale = {state.sale.id: state for state in states.values()}
        if by_sale:
            codes: dict[int, list[IssuedBarcode]] = defaultdict(list)
            for row in await session.execute(
                select(Barcode.id, Barcode.ticket_sale_id, Barcode.barcode, Barcode.method)
                .where(Barcode.ticket_sale_id.in_(by_sale))
                .order_by(Barcode.id)
            ):
                codes[row.ticket_sale_id].append(
                    IssuedBarcode(row.id, row.ticket_sale_id, row.barcode, row.method)
                )
            for sale_id, state in by_sale.items():
                state.barcodes = codes[sale_id]
        annual = [
            s.sale.id
            for s in by_sale.values()
            if (t := catalog.ticket(s.sale.ticket_id)) and is_annual(t)
        ]
        if annual:
            cards = await personalizations_by_sale(session, annual)
            for sale_id in annual:
                by_sale[sale_id].cards = cards.get(sale_id, [])
        return states

    def shape(self, ctx: RequestContext, state: TicketSaleState) -> dict[str, Any]:
        sale, catalog, locale = state.sale, ctx.catalog, ctx.locale.code
        ticket = catalog.ticket(sale.ticket_id)
        return {
            "id": sale.id,
            "title": sale.title,
            "ticket_id": sale.ticket_id,
            "quantity": sale.quantity,
            "ticket_type": ticket.row.ticket_type if ticket else "normal",
            "start_time": render(sale.start_at, ctx.tz),
            "location": _location(catalog, sale.ticket_id),
            "barcodes": [
                {"id": b.id, "barcode": b.barcode, "method": b.method} for b in state.barcodes
            ],
            "after_sale_information": (
                translate(ticket.row.after_sale_information, locale, locale) if ticket else None
            ),
            "attendees": sale.attendees,
            "sub_tickets": _sub_tickets(ctx, sale),
            "personalizations": state.cards,
        }

    def items_of_museums(self, catalog: Catalog, principal: Principal) -> Select[int]:
        tickets = [
            t.id for t in catalog.tickets.values() if principal.may_see_museums(t.museum_ids)
        ]
        return select(TicketSale.order_item_id).where(TicketSale.ticket_id.in_(tickets))

    def items_with_code(self, code: str) -> Select[int]:
        return (
            select(TicketSale.order_item_id)
            .join(Barcode, Barcode.ticket_sale_id == TicketSale.id)
            .where(Barcode.barcode == code)
        )


def _sale_row(ctx: RequestContext, item_id: int, plan: TicketPlan) -> dict[str, Any]:
    row = plan.ticket.row
    return {
        "order_item_id": item_id,
        "ticket_id": row.id,
        "title": translate(row.title, ctx.locale.code, ctx.settings.default_locale) or "",
        "quantity": plan.quantity,
        "start_at": plan.start_at,
        "attendees": plan.attendees,
        "sub_ticket_times": {str(k): v.isoformat() for k, v in plan.sub_ticket_times.items()},
        "valid_until": annual_valid_until(plan.ticket, plan.start_at, ctx.tz),
    }


def _location(catalog: Catalog, ticket_id: int) -> dict[str, Any] | None:
    ticket = catalog.ticket(ticket_id)
    museum = catalog.museums.get(ticket.museum_ids[0]) if ticket and ticket.museum_ids else None
    return museum.location() if museum else None


def _sub_tickets(ctx: RequestContext, sale: TicketSale) -> list[dict[str, Any]]:
    subs = []
    locale = ctx.locale.code
    for sub_id, start in sorted(sale.sub_ticket_times.items(), key=lambda kv: kv[1]):
        sub = ctx.catalog.ticket(int(sub_id))
        subs.append(
            {
                "ticket_id": int(sub_id),
                "title": translate(sub.row.title, locale, locale) if sub else None,
                "start_time": render(datetime.fromisoformat(start), ctx.tz),
            }
        )
    return subs
