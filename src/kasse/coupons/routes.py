"""HTTP routes of coupons: the coupons on sale, and what is left on a coupon code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from kasse.catalog.dependencies import CurrentCatalog, CurrentLocale, Locale
from kasse.catalog.schemas import Meta
from kasse.core.deps import CurrentClock, CurrentInstance, CurrentPrincipal, Session
from kasse.core.pagination import PageParams
from kasse.core.params import IsoDate
from kasse.core.redaction import SECRET
from kasse.core.times import today
from kasse.core.wire import ParamId, ParamLookupId
from kasse.coupons import service
from kasse.coupons.codes import MAX_CODE_INPUT
from kasse.coupons.dependencies import CurrentCodeAttempts
from kasse.coupons.schemas import (
    TOO_MANY_ATTEMPTS,
    CouponEnvelope,
    CouponList,
    CouponOut,
    CouponSaleCheck,
    CouponSaleCheckEnvelope,
)

router = APIRouter(tags=["coupons"])

ValidAt = Annotated[
    IsoDate | None,
    Query(description="reference date YYYY-MM-DD (default: today in the instance's time zone)"),
]


def _coupon_out(view: service.CouponView, locale: Locale) -> CouponOut:
    row = view.row
    return CouponOut(
        id=row.id,
        title=locale.title(row.title),
        description=locale.text(row.description),
        price_cents=row.price_cents,
        value_cents=row.value_cents,
        vat_pct=float(row.vat_pct),
        tax_included=row.tax_included,
        museum_ids=[int(m) for m in row.museum_ids],
        min_quantity=row.min_quantity,
        max_quantity=row.max_quantity,
        bookable=view.bookable,
    )


@router.get("/coupons", summary="List the coupons on sale")
async def list_coupons(
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    locale: CurrentLocale,
    page: PageParams,
    by_museum_ids: Annotated[list[ParamId] | None, Query(alias="by_museum_ids[]")] = None,
    by_bookable: bool | None = None,
    valid_at: ValidAt = None,
) -> CouponList:
    result = service.list_coupons(
        catalog,
        principal,
        page,
        day=valid_at or today(clock.now(), instance.tz),
        museum_ids=None if by_museum_ids is None else frozenset(by_museum_ids),
        bookable=by_bookable,
    )
    return CouponList(
        coupons=[_coupon_out(view, locale) for view in result.items],
        meta=Meta.of(page, result.total_count),
    )


@router.get("/coupons/{coupon_id:int}", summary="One coupon")
async def get_coupon(
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    locale: CurrentLocale,
    coupon_id: Annotated[ParamLookupId, Path()],
    valid_at: ValidAt = None,
) -> CouponEnvelope:
    day = valid_at or today(clock.now(), instance.tz)
    view = service.get_coupon(catalog, principal, coupon_id, day)
    return CouponEnvelope(coupon=_coupon_out(view, locale))


@router.get(
    "/coupon_sales/barcode/{code}",
    summary="What is left on a coupon code",
    responses=TOO_MANY_ATTEMPTS,
)
async def check_coupon_code(
    code: Annotated[
        str,
        Path(min_length=1, max_length=MAX_CODE_INPUT, description="the code as typed"),
        SECRET,
    ],
    session: Session,
    clock: CurrentClock,
    attempts: CurrentCodeAttempts,
) -> CouponSaleCheckEnvelope:
    await attempts.spend(1)
    value = await service.remaining_value(session, code, clock.now())
    return CouponSaleCheckEnvelope(coupon_sale=CouponSaleCheck(is_valid=True, value_cents=value))
