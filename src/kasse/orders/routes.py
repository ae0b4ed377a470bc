"""HTTP routes of orders: create, list, detail, finalize, cancel, rate, by barcode, sub-resources."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, create_model

from kasse.core import idempotency
from kasse.core.deps import TokenRequired
from kasse.core.pagination import PageParams, paginate
from kasse.core.params import IsoDate
from kasse.core.redaction import SECRET
from kasse.coupons.dependencies import CurrentCodeAttempts
from kasse.coupons.schemas import TOO_MANY_ATTEMPTS
from kasse.items.context import Context, RequestContext
from kasse.items.refs import ORDER_REF_SECRET
from kasse.models import Order
from kasse.orders import checkout, lifecycle, queries
from kasse.orders.kinds import KINDS
from kasse.orders.schemas import (
    CancellationRequest,
    EmptyItemsResponse,
    FinalizeRequest,
    InvoicesResponse,
    OrderCreate,
    OrderListResponse,
    OrderResponse,
    RatingRequest,
)
from kasse.orders.shapes import ShapeRows, invoices_shape, order_shape, shape_orders

router = APIRouter(tags=["orders"], dependencies=[TokenRequired])

OrderRef = Annotated[
    str,
    Path(min_length=1, max_length=64, description="numeric id or order token"),
    ORDER_REF_SECRET,
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=idempotency.MAX_KEY_LENGTH,
        description="a retry with the same key and body replays the first answer",
    ),
]


async def _order_body(ctx: RequestContext, order: Order) -> dict[str, Any]:
    [shape] = await shape_orders(ctx, [order], detail=True)
    return {"order": shape}


async def _once(
    request: Request,
    ctx: RequestContext,
    key: str | None,
    work: Callable[[], Awaitable[dict[str, Any]]],
) -> dict[str, Any] | JSONResponse:
    """Run a write once per Idempotency-Key: a retry gets the first answer, not a second order."""
    claim = await idempotency.claim(
        ctx.session, ctx.principal, key, request.method, request.url.path, await request.body()
    )
    if claim.replay is not None:
        return claim.replay
    answer = await work()
    await claim.remember(answer, ctx.now)
    return answer


async def _finalized(ctx: RequestContext, work: Awaitable[ShapeRows]) -> dict[str, Any]:
    return {"order": order_shape(ctx, await work, detail=True)}


async def _shaped(ctx: RequestContext, work: Awaitable[Order]) -> dict[str, Any]:
    return await _order_body(ctx, await work)


@router.post("/orders", response_model=OrderResponse, responses=TOO_MANY_ATTEMPTS)
async def create_order(
    request: Request,
    body: OrderCreate,
    ctx: Context,
    attempts: CurrentCodeAttempts,
    key: IdempotencyKey = None,
) -> dict[str, Any] | JSONResponse:
    async def create() -> dict[str, Any]:
        return {"order": await checkout.create_order(ctx, body, attempts)}

    return await _once(request, ctx, key, create)


@router.get("/orders", response_model=OrderListResponse)
async def list_orders(
    ctx: Context,
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
    orders, total = await queries.list_orders(ctx, flt, page)
    return {"orders": orders, "meta": page.meta(total)}


@router.get("/orders/barcode/{barcode}", response_model=OrderResponse)
async def get_order_by_barcode(
    barcode: Annotated[str, Path(min_length=1, max_length=100), SECRET], ctx: Context
) -> dict[str, Any]:
    return await _order_body(ctx, await queries.find_order_by_barcode(ctx, barcode))


@router.get("/orders/{order_id}", response_model=OrderResponse)
async def get_order(order_id: OrderRef, ctx: Context) -> dict[str, Any]:
    return await _order_body(ctx, await queries.find_order(ctx, order_id))


@router.post("/orders/{order_id}/finalize", response_model=OrderResponse)
async def finalize_order(
    request: Request,
    order_id: OrderRef,
    ctx: Context,
    body: Annotated[FinalizeRequest | None, Body()] = None,
    key: IdempotencyKey = None,
) -> dict[str, Any] | JSONResponse:
    finalize = (body or FinalizeRequest()).order
    return await _once(
        request,
        ctx,
        key,
        lambda: _finalized(ctx, lifecycle.finalize_order(ctx, order_id, finalize)),
    )


@router.post("/orders/{order_id}/cancellations", response_model=OrderResponse)
async def cancel_order(
    request: Request,
    order_id: OrderRef,
    ctx: Context,
    body: Annotated[CancellationRequest | None, Body()] = None,
    key: IdempotencyKey = None,
) -> dict[str, Any] | JSONResponse:
    item_ids = body.order_item_ids if body else None
    seats = body.seats_by_item() if body else None
    return await _once(
        request,
        ctx,
        key,
        lambda: _shaped(ctx, lifecycle.cancel_order(ctx, order_id, item_ids, seats)),
    )


@router.put("/orders/{order_id}/rate", response_model=OrderResponse)
async def rate_order(order_id: OrderRef, body: RatingRequest, ctx: Context) -> dict[str, Any]:
    return await _order_body(ctx, await lifecycle.rate_order(ctx, order_id, body.rating))


def _items_of_order(kind: str, plural: str) -> Any:
    """GET /orders/:id/<plural>: a page of the attributes of the order's items of one kind."""

    async def items_of_order(order_id: OrderRef, ctx: Context, page: PageParams) -> dict[str, Any]:
        found, total = await queries.items_of_kind(ctx, order_id, kind, page)
        return {plural: found, "meta": page.meta(total)}

    return items_of_order


def _items_response(plural: str, attributes: type[BaseModel]) -> type[BaseModel]:
    fields: dict[str, Any] = {plural: (list[attributes], ...), "meta": (dict[str, int], ...)}  # type: ignore[valid-type]
    return create_model(f"{plural.capitalize()}OfOrderResponse", **fields)


for _kind in KINDS.values():
    router.add_api_route(
        f"/orders/{{order_id}}/{_kind.plural}",
        _items_of_order(_kind.type, _kind.plural),
        methods=["GET"],
        response_model=_items_response(_kind.plural, _kind.attributes_out),
        summary=f"{_kind.plural.capitalize()} of an order",
    )


def _empty_list(plural: str) -> Any:
    async def items_of_order(order_id: OrderRef, ctx: Context, page: PageParams) -> dict[str, Any]:
        await queries.find_order(ctx, order_id)
        return {plural: [], "meta": page.meta(0)}

    return items_of_order


# the kinds not sold yet (tours, issue 11): their list exists and is empty
for _plural in sorted({"tours"} - {kind.plural for kind in KINDS.values()}):
    router.add_api_route(
        f"/orders/{{order_id}}/{_plural}",
        _empty_list(_plural),
        methods=["GET"],
        response_model=EmptyItemsResponse,
        summary=f"{_plural.capitalize()} of an order (none: this server sells no {_plural} so far)",
    )


@router.get("/orders/{order_id}/invoices", response_model=InvoicesResponse)
async def invoices_of_order(order_id: OrderRef, ctx: Context, page: PageParams) -> dict[str, Any]:
    invoices = paginate(invoices_shape(await queries.find_order(ctx, order_id)), page)
    return {"invoices": invoices.items, "meta": page.meta(invoices.total_count)}
