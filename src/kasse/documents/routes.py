"""HTTP routes of an order's documents: ticket, event booking and voucher PDFs, Wallet passes, the
invoice.

They need the order's token (``?token=``) and no API token, so that a customer can open the
links of a confirmation mail. Rendering is CPU-bound: it runs in a worker thread, once the
request's database connection is back in the pool (``RenderedFile``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from starlette.types import Receive, Scope, Send

from kasse.catalog.dependencies import CurrentCatalog
from kasse.core.deps import CountTokenFailures, CurrentClock, CurrentInstance, Session
from kasse.core.errors import NotFound
from kasse.core.redaction import SECRET
from kasse.core.wire import ParamId
from kasse.documents import (
    build_pkpass,
    event_pages,
    invoices,
    passes,
    render_event_pdf,
    render_invoice_pdf,
    render_ticket_pdf,
    render_voucher_pdf,
    service,
)
from kasse.items.refs import ORDER_REF_SECRET

# A wrong order token counts as a failed token attempt of the client (core/token_failures.py).
router = APIRouter(tags=["documents"], dependencies=[CountTokenFailures])

PDF = "application/pdf"
PKPASS = "application/vnd.apple.pkpass"


def _binary(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    schema = {"type": "string", "format": "binary"}
    return {200: {"description": description, "content": {media_type: {"schema": schema}}}}


OrderRef = Annotated[
    str,
    Path(min_length=1, max_length=64, description="numeric id or order token"),
    ORDER_REF_SECRET,
]
SaleId = Annotated[ParamId, Path(description="the ticket sale id (attributes.id of the item)")]
CouponSaleId = Annotated[
    ParamId, Path(description="the coupon sale id (attributes.id of the item)")
]
BookingId = Annotated[ParamId, Path(description="the event booking id (attributes.id of the item)")]
TourBookingId = Annotated[ParamId, Path()]
DocumentToken = Annotated[
    str | None,
    # no length limit: a token of any other length is just a wrong one (404, not 422)
    Query(description="the order's token; without it (or with a wrong one): 404"),
]


async def get_documents(
    order_id: OrderRef,
    session: Session,
    catalog: CurrentCatalog,
    instance: CurrentInstance,
    clock: CurrentClock,
    token: DocumentToken = None,
) -> service.OrderDocuments:
    return await service.open_documents(session, catalog, instance, order_id, token, clock.now())


Documents = Annotated[service.OrderDocuments, Depends(get_documents)]


class RenderedFile(Response):
    """A document rendered only when it is sent: after the route returned, so after the request's
    session has committed and given its database connection back to the pool (FastAPI ends a
    ``scope="function"`` dependency before the response is sent). Rendering takes milliseconds
    of CPU; a pooled connection held meanwhile would make the pool the limit of PDF throughput."""

    def __init__(self, render: Callable[[], bytes], media_type: str, filename: str) -> None:
        super().__init__(media_type=media_type)
        self._render = render
        # no-store comes with every answer of this router (kasse.core.headers)
        self._disposition = {"Content-Disposition": f'inline; filename="{filename}"'}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.body = await asyncio.to_thread(self._render)
        self.init_headers(self._disposition)  # Content-Length of the rendered body
        await super().__call__(scope, receive, send)


@router.get(
    "/orders/{order_id}/tickets/{sale_id}.pdf",
    response_class=Response,
    responses=_binary(PDF, "The tickets of one ticket sale, one page per barcode"),
    summary="Ticket PDF of a ticket sale",
)
async def ticket_pdf(sale_id: SaleId, docs: Documents) -> Response:
    pages = service.ticket_pages(docs, sale_id)
    return RenderedFile(
        lambda: render_ticket_pdf(pages), PDF, service.ticket_filename(docs, sale_id)
    )


@router.get(
    "/orders/{order_id}/tickets/{sale_id}/passbooks/{barcode}.pkpass",
    response_class=Response,
    responses=_binary(PKPASS, "A signed Apple Wallet pass for one barcode"),
    summary="Wallet pass of one barcode",
)
async def passbook(
    sale_id: SaleId,
    barcode: Annotated[str, Path(min_length=1, max_length=100), SECRET],
    docs: Documents,
) -> Response:
    data = passes.pass_data(docs, sale_id, barcode)
    settings = docs.settings
    return RenderedFile(
        lambda: build_pkpass(data, passes.wallet_signer(settings)),
        PKPASS,
        passes.pass_filename(barcode),
    )


@router.get(
    "/orders/{order_id}/coupons/{sale_id}.pdf",
    response_class=Response,
    responses=_binary(PDF, "The vouchers of one coupon sale, one page per coupon code"),
    summary="Voucher PDF of a coupon sale",
)
async def voucher_pdf(sale_id: CouponSaleId, docs: Documents) -> Response:
    pages = service.voucher_pages(docs, sale_id)
    return RenderedFile(
        lambda: render_voucher_pdf(pages), PDF, service.voucher_filename(docs, sale_id)
    )


@router.get(
    "/orders/{order_id}/invoice.pdf",
    response_class=Response,
    responses=_binary(PDF, "The invoice of the order"),
    summary="Invoice PDF",
)
async def invoice_pdf(docs: Documents) -> Response:
    invoice = invoices.invoice_data(docs)
    return RenderedFile(lambda: render_invoice_pdf(invoice), PDF, invoices.invoice_filename(docs))


@router.get(
    "/orders/{order_id}/events/{event_id}.pdf",
    response_class=Response,
    responses=_binary(
        PDF, "The booking confirmation of an event booking, one page per participant or seat"
    ),
    summary="Event booking PDF",
)
async def event_pdf(event_id: BookingId, docs: Documents) -> Response:
    pages = event_pages.event_pages(docs, event_id)
    return RenderedFile(
        lambda: render_event_pdf(pages), PDF, event_pages.event_filename(docs, event_id)
    )


# Declared so that clients get the API's error shape: this server sells no tours yet.


@router.get(
    "/orders/{order_id}/tours/{tour_id}.pdf",
    response_class=Response,
    responses=_binary(PDF, "The booking confirmation of a tour booking"),
    summary="Tour booking PDF (none: this server sells no tours yet)",
)
async def tour_pdf(
    order_id: OrderRef, tour_id: TourBookingId, token: DocumentToken = None
) -> Response:
    raise NotFound(f"tour booking {tour_id} not found: this server sells no tours yet")
