"""The ``Coupon`` item kind: coupons bought in an order, one code each once the order is binding.

Paying *with* coupons is not an item but the order's means of payment (``ledger.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.core.i18n import translate
from kasse.coupons.codes import IssuedCode, issue_codes, normalize
from kasse.coupons.ledger import refuse_spent_coupons
from kasse.coupons.sales import CouponPlan, plan_coupon
from kasse.coupons.schemas import CouponAttributesIn, CouponItemIn, CouponItemOut, CouponSaleOut
from kasse.items.context import RequestContext
from kasse.items.kind import ItemKind, ItemProblems, NewOrder
from kasse.items.sales import read_sales, write_sales
from kasse.models import CouponCode, CouponSale


@dataclass
class CouponSaleState:
    """A coupon item's rows: its sale and (once binding) one code per coupon."""

    sale: CouponSale
    codes: list[IssuedCode] = field(default_factory=list)


class CouponKind(ItemKind[CouponAttributesIn, CouponPlan, CouponSaleState]):
    type = "Coupon"
    plural = "coupons"
    item_in = CouponItemIn
    item_out = CouponItemOut
    attributes_out = CouponSaleOut

    def plan(
        self,
        ctx: RequestContext,
        item: CouponAttributesIn,
        prefetched: Any,
        problems: ItemProblems,
    ) -> CouponPlan | None:
        return plan_coupon(ctx, item.id, item.quantity, problems)

    async def write(
        self, ctx: RequestContext, order: NewOrder, items: Sequence[tuple[int, CouponPlan]]
    ) -> dict[int, CouponSaleState]:
        rows: list[dict[str, Any]] = [
            {
                "order_item_id": item_id,
                "coupon_id": plan.coupon.id,
                "title": translate(plan.coupon.title, ctx.locale.code, ctx.settings.default_locale)
                or "",
                "quantity": plan.quantity,
                "value_cents": plan.coupon.value_cents,
            }
            for item_id, plan in items
        ]
        written = await write_sales(ctx.session, CouponSale, rows)
        return {item_id: CouponSaleState(sale) for item_id, sale in written.items()}

    async def bind(self, ctx: RequestContext, sales: Mapping[int, CouponSaleState]) -> None:
        # A coupon is usable only once its order is binding: a two-phase order gets its codes at
        # finalize, so that an order never pays with coupons that may yet expire.
        wanted = {s.sale.id: (s.sale.quantity, s.sale.value_cents) for s in sales.values()}
        issued = await issue_codes(ctx.session, wanted, ctx.now)
        for state in sales.values():
            state.codes = issued.get(state.sale.id, [])

    async def release(self, ctx: RequestContext, item_ids: Sequence[int]) -> None:
        await refuse_spent_coupons(ctx.session, list(item_ids), ctx.now, ctx.settings)

    async def load(
        self, session: AsyncSession, catalog: Catalog, item_ids: Sequence[int]
    ) -> dict[int, CouponSaleState]:
        sales = await read_sales(session, CouponSale, item_ids)
        states = {item_id: CouponSaleState(sale) for item_id, sale in sales.items()}
        by_sale = {state.sale.id: state for state in states.values()}
        codes: dict[int, list[IssuedCode]] = defaultdict(list)
        if by_sale:
            for row in await session.execute(
                select(CouponCode.id, CouponCode.coupon_sale_id, CouponCode.code)
                .where(CouponCode.coupon_sale_id.in_(by_sale))
                .order_by(CouponCode.id)
            ):
                codes[row.coupon_sale_id].append(IssuedCode(row.id, row.coupon_sale_id, row.code))
        for sale_id, state in by_sale.items():
            state.codes = codes[sale_id]
        return states

    def shape(self, ctx: RequestContext, state: CouponSaleState) -> dict[str, Any]:
        sale = state.sale
        return {
            "id": sale.id,
            "title": sale.title,
            "quantity": sale.quantity,
            "coupon_id": sale.coupon_id,
            "value_cents": sale.value_cents,
            "barcodes": [{"id": c.id, "barcode": c.code, "method": "coupon"} for c in state.codes],
        }

    def items_of_museums(self, catalog: Catalog, principal: Principal) -> Select[int]:
        coupons = [
            c.id for c in catalog.coupons.values() if principal.may_see_museums(c.museum_ids)
        ]
        return select(CouponSale.order_item_id).where(CouponSale.coupon_id.in_(coupons))

    def items_with_code(self, code: str) -> Select[int]:
        return (
            select(CouponSale.order_item_id)
            .join(CouponCode, CouponCode.coupon_sale_id == CouponSale.id)
            .where(CouponCode.code == normalize(code))
        )
