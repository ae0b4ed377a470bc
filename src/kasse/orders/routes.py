"""HTTP routes of orders: create, list, detail, finalize, cancel, rate, by barcode, sub-resources."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from kasse.catalog.dependencies import CurrentCatalog, CurrentLocale, Locale
from kasse.catalog.snapshot import Catalog
from kasse.core import idempotency
from kasse.core.deps import CurrentClock, CurrentInstance, CurrentPrincipal, Session, TokenRequired
from kasse.core.pagination import PageParams
from kasse.core.params import IsoDate
from kasse.core.redaction import SECRET
from kasse.coupons.dependencies import CurrentCodeAttempts
from kasse.coupons.schemas import TOO_MANY_ATTEMPTS
from kasse.models import Order
from kasse.orders import checkout, lifecycle, queries
from kasse.orders.schemas import (
    CancellationRequest,
    CouponsOfOrderResponse,
    EmptyItemsResponse,
    FinalizeRequest,
    InvoicesResponse,
    OrderCreate,
    OrderListResponse,
    OrderResponse,
    RatingRequest,
    TicketsOfOrderResponse,
)

router = APIRouter(tags=["orders"], dependencies=[TokenRequired])

OrderRef = Annotated[
    str,
    Path(min_length=1, max_length=64, description="numeric id or order token"),
    queries.ORDER_REF_SECRET,
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=idempotency.MAX_KEY_LENGTH,
        description="a retry with the same key and body replays the first answer",
    ),
]


async def get_lifecycle(
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
) -> lifecycle.LifecycleContext:
    return lifecycle.LifecycleContext(
        session=session,
        catalog=catalog,
        principal=principal,
        instance=instance,
        settings=instance.settings,
        now=clock.now(),
        tz=instance.tz,
    )


Lifecycle = Annotated[lifecycle.LifecycleContext, Depends(get_lifecycle)]


async def _order_body(
    ctx: lifecycle.LifecycleContext, catalog: Catalog, order: Order, locale: Locale
) -> dict[str, Any]:
    [shape] = await queries.shape_orders(
        ctx.session, catalog, [order], ctx.tz, locale.code, ctx.now, detail=True
    )
    return {"order": shape}


async def _once(
    request: Request,
    ctx: lifecycle.LifecycleContext,
    catalog: Catalog,
    locale: Locale,
    key: str | None,
    work: Callable[[], Awaitable[Order]],
) -> dict[str, Any] | JSONResponse:
    """Run a write once per Idempotency-Key: a retry gets the first answer, not a second order."""
    claim = await idempotency.claim(
        ctx.session, ctx.principal, key, request.method, request.url.path, await request.body()
    )
    if claim.replay is not None:
        return claim.replay
    answer = await _order_body(ctx, catalog, await work(), locale)
    await claim.remember(answer, ctx.now)
    return answer


@router.post("/orders", response_model=OrderResponse, responses=TOO_MANY_ATTEMPTS)
async def create_order(
    request: Request,
    body: OrderCreate,
    ctx: Lifecycle,
    catalog: CurrentCatalog,
    locale: CurrentLocale,
    attempts: CurrentCodeAttempts,
    key: IdempotencyKey = None,
) -> dict[str, Any] | JSONResponse:
    checkout_ctx = checkout.CheckoutContext(
        session=ctx.session,
        catalog=catalog,
        principal=ctx.principal,
        settings=ctx.settings,
        now=ctx.now,
        tz=ctx.tz,
        locale=locale.code,
        code_attempts=attempts,
    )
    return await _once(
        request, ctx, catalog, locale, key, lambda: checkout.create_order(checkout_ctx, body)
    )


@router.get("/orders", response_model=OrderListResponse)
async def list_orders(
    ctx: Lifecycle,
    catalog: CurrentCatalog,
    locale: CurrentLocale,
    page: PageParams,
    start_at: Annotated[
        IsoDate | None, Query(description="order date from, default 30 days before end_at")
    ] = None,
    end_at: Annotated[IsoDate | None, Query(description="order date to, default today")] = None,
    valid: Annotated[bool | None, Query()] = None,
    only_my_orders: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    flt = queries.OrderFilter(
        start_at=start_at, end_at=end_at, valid=valid, only_my_orders=only_my_orders
    )
    orders, total = await queries.list_orders(
        ctx.session, catalog, ctx.principal, flt, page, ctx.now, ctx.tz, locale.code
    )
    return {"orders": orders, "meta": page.meta(total)}


@router.get("/orders/barcode/{barcode}", response_model=OrderResponse)
async def get_order_by_barcode(
    barcode: Annotated[str, Path(min_length=1, max_length=100), SECRET],
    ctx: Lifecycle,
    catalog: CurrentCatalog,
    locale: CurrentLocale,
) -> dict[str, Any]:
    order = await queries.find_order_by_barcode(ctx.session, catalog, ctx.principal, barcode)
    return await _order_body(ctx, catalog, order, locale)


@router.get("/orders/{order_id}", response_model=OrderResponse)
async def get_order(
    order_id: OrderRef, ctx: Lifecycle, catalog: CurrentCatalog, locale: CurrentLocale
) -> dict[str, Any]:
    order = await queries.find_order(ctx.session, catalog, ctx.principal, order_id)
    return await _order_body(ctx, catalog, order, locale)


@router.post("/orders/{order_id}/finalize", response_model=OrderResponse)
async def finalize_order(
    request: Request,
    order_id: OrderRef,
    ctx: Lifecycle,
    catalog: CurrentCatalog,
    locale: CurrentLocale,
    body: Annotated[FinalizeRequest | None, Body()] = None,
    key: IdempotencyKey = None,
) -> dict[str, Any] | JSONResponse:
    finalize = (body or FinalizeRequest()).order
    return await _once(
        request,
        ctx,
        catalog,
        locale,
        key,
        lambda: lifecycle.finalize_order(ctx, order_id, finalize),
    )


@router.post("/orders/{order_id}/cancellations", response_model=OrderResponse)
async def cancel_order(
    request: Request,
    order_id: OrderRef,
    ctx: Lifecycle,
    catalog: CurrentCatalog,
    locale: CurrentLocale,
    body: Annotated[CancellationRequest | None, Body()] = None,
    key: IdempotencyKey = None,
) -> dict[str, Any] | JSONResponse:
    item_ids = body.order_item_ids if body else None
    return await _once(
        request, ctx, catalog, locale, key, lambda: lifecycle.cancel_order(ctx, order_id, item_ids)
    )


@router.put("/orders/{order_id}/rate", response_model=OrderResponse)
async def rate_order(
    order_id: OrderRef,
    body: RatingRequest,
    ctx: Lifecycle,
    catalog: CurrentCatalog,
    locale: CurrentLocale,
) -> dict[str, Any]:
    order = await lifecycle.rate_order(ctx, order_id, body.rating)
    return await _order_body(ctx, catalog, order, locale)


async def _items_of_order(
    order_id: str, kind: str, ctx: lifecycle.LifecycleContext, catalog: Catalog, locale: Locale
) -> list[dict[str, Any]]:
    """The attributes of the items of one kind (Ticket, Coupon) of an order."""
    order = await queries.find_order(ctx.session, catalog, ctx.principal, order_id)
    shape = (await _order_body(ctx, catalog, order, locale))["order"]
    return [item["attributes"] for item in shape["items"] if item["type"] == kind]


@router.get("/orders/{order_id}/tickets", response_model=TicketsOfOrderResponse)
async def tickets_of_order(
    order_id: OrderRef, ctx: Lifecycle, catalog: CurrentCatalog, locale: CurrentLocale
) -> dict[str, Any]:
    tickets = await _items_of_order(order_id, "Ticket", ctx, catalog, locale)
    return {
        "tickets": tickets,
        "meta": {"total_count": len(tickets), "page": 1, "per_page": len(tickets)},
    }


@router.get("/orders/{order_id}/coupons", response_model=CouponsOfOrderResponse)
async def coupons_of_order(
    order_id: OrderRef, ctx: Lifecycle, catalog: CurrentCatalog, locale: CurrentLocale
) -> dict[str, Any]:
    coupons = await _items_of_order(order_id, "Coupon", ctx, catalog, locale)
    return {
        "coupons": coupons,
        "meta": {"total_count": len(coupons), "page": 1, "per_page": len(coupons)},
    }


def _empty_list(kind: str) -> Any:
    async def items_of_order(order_id: OrderRef, ctx: Lifecycle) -> dict[str, Any]:
        await queries.find_order(ctx.session, ctx.catalog, ctx.principal, order_id)
        return {kind: [], "meta": {"total_count": 0, "page": 1, "per_page": 0}}

    return items_of_order


for _kind in ("events", "tours"):
    router.add_api_route(
        f"/orders/{{order_id}}/{_kind}",
        _empty_list(_kind),
        methods=["GET"],
        response_model=EmptyItemsResponse,
        summary=f"{_kind.capitalize()} of an order (none: this server sells no {_kind} so far)",
    )


@router.get("/orders/{order_id}/invoices", response_model=InvoicesResponse)
async def invoices_of_order(order_id: OrderRef, ctx: Lifecycle) -> dict[str, Any]:
    order = await queries.find_order(ctx.session, ctx.catalog, ctx.principal, order_id)
    invoices = []
    if order.invoice_number is not None:
        url = f"/api/v4/orders/{order.id}/invoice.pdf?token={order.token}"
        invoices.append({"number": order.invoice_number, "url": url})
    return {
        "invoices": invoices,
        "meta": {"total_count": len(invoices), "page": 1, "per_page": len(invoices)},
    }
