"""HTTP routes of orders: create, list, detail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from kasse.catalog.dependencies import CurrentCatalog, CurrentLocale
from kasse.core.deps import CurrentClock, CurrentInstance, CurrentPrincipal, Session
from kasse.core.pagination import PageParams
from kasse.core.params import IsoDate
from kasse.orders import checkout, queries
from kasse.orders.schemas import OrderCreate, OrderListResponse, OrderResponse

router = APIRouter(tags=["orders"])


@router.post("/orders", response_model=OrderResponse)
async def create_order(
    body: OrderCreate,
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    locale: CurrentLocale,
) -> dict[str, Any]:
    ctx = checkout.CheckoutContext(
        session=session,
        catalog=catalog,
        principal=principal,
        settings=instance.settings,
        now=clock.now(),
        tz=instance.tz,
        locale=locale.code,
    )
    order = await checkout.create_order(ctx, body)
    [shape] = await queries.shape_orders(
        session, catalog, [order], instance.tz, locale.code, detail=True
    )
    return {"order": shape}


@router.get("/orders", response_model=OrderListResponse)
async def list_orders(
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    locale: CurrentLocale,
    page: PageParams,
    start_at: Annotated[
        IsoDate | None,
        Query(description="order date from, default 30 days ago"),
    ] = None,
    end_at: Annotated[
        IsoDate | None,
        Query(description="order date to, default today"),
    ] = None,
    valid: Annotated[bool | None, Query()] = None,
    only_my_orders: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    flt = queries.OrderFilter(
        start_at=start_at, end_at=end_at, valid=valid, only_my_orders=only_my_orders
    )
    orders, total = await queries.list_orders(
        session, catalog, principal, flt, page, clock.now(), instance.tz, locale.code
    )
    return {"orders": orders, "meta": page.meta(total)}


@router.get("/orders/{order_id}", response_model=OrderResponse)
async def get_order(
    order_id: Annotated[str, Path(min_length=1, max_length=64)],
    session: Session,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    locale: CurrentLocale,
) -> dict[str, Any]:
    order = await queries.find_order(session, principal, order_id)
    [shape] = await queries.shape_orders(
        session, catalog, [order], instance.tz, locale.code, detail=True
    )
    return {"order": shape}
