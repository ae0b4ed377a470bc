"""A hypothesis state machine over coupons, through HTTP: buy coupons (direct and two-phase),
pay with them, finalize, cancel orders and items, let time pass, run the housekeeping.

After every step each code's balance from the API equals the model's, never below zero, and a
code answers 404 exactly when the model says it cannot pay (its order not binding, it or its
order cancelled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from starlette.testclient import TestClient

from kasse.app import create_app
from kasse.catalog.loader import load_catalog_data
from kasse.core.auth import create_api_token
from kasse.core.clock import FrozenClock
from kasse.core.db import Instance
from kasse.orders.housekeeping import tidy_once
from kasse.settings import Settings
from tests.conftest import LIVE_TABLES
from tests.helpers import CONTROLLED_APP, IS_POSTGRES, truncate_all

TICKET, TICKET_PRICE = 900, 700
COUPONS = {901: (1000, 1000), 902: (400, 500)}  # id -> (price, value)
HOLD = timedelta(minutes=30)
PAY_BY_LINK = timedelta(minutes=60)
CALLERS = ("direct", "two-phase")
CUSTOMER = {"foreign_id": "M-1", "name": "Model", "email": "model@example.com"}
UNKNOWN = "UNKNWN2345"


def machine_catalog() -> dict[str, Any]:
    return {
        "museums": [{"id": 90, "title": "Coupon museum"}],
        "tickets": [
            {
                "id": TICKET,
                "title": "flex",
                "free_timing": True,
                "price_cents": TICKET_PRICE,
                "museum_ids": [90],
            }
        ],
        "coupons": [
            {"id": c, "title": f"c{c}", "price_cents": p, "value_cents": v, "museum_ids": [90]}
            for c, (p, v) in COUPONS.items()
        ],
    }


@dataclass
class ModelItem:
    id: int
    price: int
    coupon_id: int | None = None  # a coupon item: its coupon
    quantity: int = 1
    cancelled: bool = False
    codes: list[str] = field(default_factory=list)  # issued once the order is binding


@dataclass
class ModelRedemption:
    code: str
    amount: int
    returned: int = 0


@dataclass
class ModelOrder:
    id: int
    caller: str
    status: str  # created, finalized, cancelled (as stored; expiry is derived)
    expires_at: datetime | None
    items: list[ModelItem]
    redemptions: list[ModelRedemption]
    pay_by_link: bool = False


class Harness:
    def __init__(self, client: TestClient, instance: Instance, clock: FrozenClock) -> None:
        self.client = client
        self.instance = instance
        self.clock = clock
        self.start = clock.now()
        self.tokens: dict[str, str] = {}

    async def setup(self) -> None:
        async with self.instance.write_sessions() as session, session.begin():
            await load_catalog_data(session, machine_catalog(), locale="de")
            for name in CALLERS:
                self.tokens[name] = await create_api_token(
                    session,
                    access="reseller",
                    museum_ids=[],
                    name=name,
                    now=self.clock.now(),
                    flow=name,
                )

    async def clear_live_data(self) -> None:
        async with self.instance.write_sessions() as session, session.begin():
            for table in LIVE_TABLES:
                await session.execute(table.delete())

    def reset(self) -> None:
        self.client.portal.call(self.clear_live_data)  # type: ignore[union-attr]
        self.clock.set(self.start)

    def tidy(self) -> None:
        self.client.portal.call(tidy_once, self.instance, self.clock)  # type: ignore[union-attr]

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def make_machine(h: Harness) -> type[RuleBasedStateMachine]:
    class CouponMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            h.reset()
            self.now = h.start
            self.orders: dict[int, ModelOrder] = {}

        # -- the model ---------------------------------------------------------------------------
        def expired(self, o: ModelOrder) -> bool:
            return o.status == "created" and o.expires_at is not None and o.expires_at <= self.now

        def status(self, o: ModelOrder) -> str:
            return "cancelled" if self.expired(o) else o.status

        def kept(self, o: ModelOrder, r: ModelRedemption) -> int:
            return 0 if self.expired(o) else r.amount - r.returned

        def codes(self) -> dict[str, tuple[ModelOrder, ModelItem]]:
            return {c: (o, i) for o in self.orders.values() for i in o.items for c in i.codes}

        def spent(self, code: str, except_order: ModelOrder | None = None) -> int:
            return sum(
                self.kept(o, r)
                for o in self.orders.values()
                if o is not except_order
                for r in o.redemptions
                if r.code == code
            )

        def balance(self, code: str) -> int:
            _, item = self.codes()[code]
            assert item.coupon_id is not None
            return COUPONS[item.coupon_id][1] - self.spent(code)

        def usable(self, code: str) -> bool:
            sold = self.codes().get(code)
            return (
                sold is not None and self.status(sold[0]) == "finalized" and not sold[1].cancelled
            )

        def give_back(self, o: ModelOrder) -> None:
            """The rule: the coupons keep at most what the active items cost, last one first."""
            due = 0 if o.status == "cancelled" else sum(i.price for i in o.items if not i.cancelled)
            excess = sum(r.amount - r.returned for r in o.redemptions) - due
            for r in reversed(o.redemptions):
                back = min(max(excess, 0), r.amount - r.returned)
                r.returned += back
                excess -= back

        def blocked(self, items: list[ModelItem]) -> bool:
            """A coupon item whose codes pay another order cannot be cancelled."""
            return any(self.spent(c) > 0 for i in items for c in i.codes)

        def pick(self, data: st.DataObject) -> ModelOrder | None:
            if not self.orders:
                return None
            return self.orders[data.draw(st.sampled_from(sorted(self.orders)))]

        def record(
            self, caller: str, body: dict[str, Any], redemptions: list[ModelRedemption]
        ) -> dict[str, Any]:
            r = h.client.post("/api/v4/orders", json=body, headers=h.auth(caller))
            assert r.status_code == 200, r.text
            order: dict[str, Any] = r.json()["order"]
            binding = caller == "direct"
            items = []
            for shown, sent in zip(order["items"], body["items"], strict=True):
                attributes = sent["attributes"]
                coupon = attributes["id"] if sent["type"] == "Coupon" else None
                items.append(
                    ModelItem(
                        id=shown["id"],
                        price=shown["price_cents"],
                        coupon_id=coupon,
                        quantity=attributes["quantity"],
                        codes=[b["barcode"] for b in shown["attributes"]["barcodes"]]
                        if coupon
                        else [],
                    )
                )
                assert len(items[-1].codes) == (attributes["quantity"] if coupon and binding else 0)
            self.orders[order["id"]] = ModelOrder(
                id=order["id"],
                caller=caller,
                status="finalized" if binding else "created",
                expires_at=None if binding else self.now + HOLD,
                items=items,
                redemptions=redemptions,
            )
            return order

        # -- rules -------------------------------------------------------------------------------
        @rule(
            caller=st.sampled_from(CALLERS),
            coupon=st.sampled_from(sorted(COUPONS)),
            quantity=st.integers(1, 2),
            with_ticket=st.booleans(),
        )
        def buy(self, caller: str, coupon: int, quantity: int, with_ticket: bool) -> None:
            items = [{"type": "Coupon", "attributes": {"id": coupon, "quantity": quantity}}]
            if with_ticket:
                items.append({"type": "Ticket", "attributes": {"id": TICKET, "quantity": 1}})
            total = COUPONS[coupon][0] * quantity + (TICKET_PRICE if with_ticket else 0)
            self.record(caller, {"items": items, "total": total}, [])

        @rule(
            data=st.data(),
            caller=st.sampled_from(CALLERS),
            places=st.lists(st.integers(1, 2), min_size=1, max_size=2),
            buy_coupon=st.booleans(),
            unknown=st.integers(0, 3).map(lambda n: n == 0),
        )
        def redeem(
            self,
            data: st.DataObject,
            caller: str,
            places: list[int],
            buy_coupon: bool,
            unknown: bool,
        ) -> None:
            # Mostly codes that can pay (then the order goes through unless it needs fewer),
            # else any code ever issued and an unknown one, duplicates allowed.
            payable = [c for c in sorted(self.codes()) if self.usable(c) and self.balance(c) > 0]
            choices = [*sorted(self.codes()), UNKNOWN] if unknown or not payable else payable
            codes = data.draw(
                st.lists(
                    st.sampled_from(choices), min_size=1, max_size=3, unique=choices is payable
                )
            )
            items = [
                {"type": "Ticket", "attributes": {"id": TICKET, "quantity": n}} for n in places
            ]
            total = TICKET_PRICE * sum(places)
            if buy_coupon:
                items.append({"type": "Coupon", "attributes": {"id": 902, "quantity": 1}})
                total += COUPONS[902][0]
            # what the server must do: each code in turn gives what it can
            remaining, seen, ok = total, set(), True
            redemptions: list[ModelRedemption] = []
            for code in codes:
                if (
                    code in seen
                    or not self.usable(code)
                    or self.balance(code) <= 0
                    or remaining == 0
                ):
                    ok = False
                else:
                    amount = min(self.balance(code), remaining)
                    redemptions.append(ModelRedemption(code, amount))
                    remaining -= amount
                seen.add(code)
            body = {"items": items, "coupons": codes, "total": total}
            if not ok:
                r = h.client.post("/api/v4/orders", json=body, headers=h.auth(caller))
                assert r.status_code == 422, r.text
                return
            order = self.record(caller, body, redemptions)
            shown = [(c["barcode"], c["value_cents"]) for c in order["coupons"]]
            assert shown == [(r.code, r.amount) for r in redemptions]

        @rule(data=st.data(), pay_by_link=st.booleans())
        def finalize(self, data: st.DataObject, pay_by_link: bool) -> None:
            o = self.pick(data)
            if o is None:
                return
            body: dict[str, Any] = {"customer": CUSTOMER, "suppress_mail": True}
            body["pay_by_link" if pay_by_link else "completed"] = True
            r = h.client.post(
                f"/api/v4/orders/{o.id}/finalize", json={"order": body}, headers=h.auth(o.caller)
            )
            expected_ok = self.status(o) == "created"
            assert r.status_code == (200 if expected_ok else 422), r.text
            if not expected_ok:
                return
            if pay_by_link:
                if not o.pay_by_link:  # a second link keeps the first deadline
                    o.pay_by_link, o.expires_at = True, self.now + PAY_BY_LINK
                return
            o.status, o.expires_at = "finalized", None
            shown = {i["id"]: i for i in r.json()["order"]["items"]}
            for item in o.items:
                if item.coupon_id and not item.cancelled:
                    item.codes = [b["barcode"] for b in shown[item.id]["attributes"]["barcodes"]]
                    assert len(item.codes) == item.quantity

        @rule(data=st.data())
        def cancel_order(self, data: st.DataObject) -> None:
            o = self.pick(data)
            if o is None:
                return
            r = h.client.post(f"/api/v4/orders/{o.id}/cancellations", headers=h.auth(o.caller))
            active = [i for i in o.items if not i.cancelled]
            expected_ok = self.status(o) != "cancelled" and not self.blocked(active)
            assert r.status_code == (200 if expected_ok else 422), r.text
            if expected_ok:
                o.status, o.expires_at = "cancelled", None
                for i in active:
                    i.cancelled = True
                self.give_back(o)

        @rule(data=st.data(), paid_with_coupons=st.booleans())
        def cancel_item(self, data: st.DataObject, paid_with_coupons: bool) -> None:
            # often an order that coupons paid: what they get back is the point
            paid = sorted(i for i, o in self.orders.items() if o.redemptions)
            if paid_with_coupons and paid:
                o: ModelOrder | None = self.orders[data.draw(st.sampled_from(paid))]
            else:
                o = self.pick(data)
            if o is None:
                return
            item = data.draw(st.sampled_from(o.items))
            r = h.client.post(
                f"/api/v4/orders/{o.id}/cancellations",
                json={"order_item_ids": [item.id]},
                headers=h.auth(o.caller),
            )
            expected_ok = (
                self.status(o) != "cancelled" and not item.cancelled and not self.blocked([item])
            )
            assert r.status_code == (200 if expected_ok else 422), r.text
            if expected_ok:
                item.cancelled = True
                self.give_back(o)

        @rule(minutes=st.sampled_from([1, 10, 29, 30, 31]))
        def advance(self, minutes: int) -> None:
            self.now += timedelta(minutes=minutes)
            h.clock.set(self.now)

        @rule()
        def housekeeping(self) -> None:
            h.tidy()
            for o in self.orders.values():
                if self.expired(o):
                    o.status, o.expires_at = "cancelled", None
                    for i in o.items:
                        i.cancelled = True
                    for r in o.redemptions:
                        r.returned = r.amount

        # -- the invariants ----------------------------------------------------------------------
        @invariant()
        def balances_match_the_model(self) -> None:
            for code in sorted(self.codes()):
                balance = self.balance(code)
                assert balance >= 0, "the model itself overspent"
                r = h.client.get(f"/api/v4/coupon_sales/barcode/{code}")
                if not self.usable(code):
                    assert r.status_code == 404, (code, r.text)
                    continue
                assert r.status_code == 200, r.text
                assert r.json()["coupon_sale"]["value_cents"] == balance, (code, self.orders)

        @invariant()
        def orders_show_what_their_coupons_pay(self) -> None:
            for o in self.orders.values():
                if not o.redemptions:
                    continue
                r = h.client.get(f"/api/v4/orders/{o.id}", headers=h.auth(o.caller))
                assert r.status_code == 200, r.text
                shown = r.json()["order"]
                assert [(c["barcode"], c["value_cents"]) for c in shown["coupons"]] == [
                    (r.code, self.kept(o, r)) for r in o.redemptions
                ], (shown, o)

    return CouponMachine


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_coupon_state_machine(database_url: str, tmp_path: Path) -> None:
    clock = FrozenClock(datetime.now().astimezone().replace(microsecond=0))
    app = create_app(
        Settings(
            database_url=database_url,
            instances={},
            mail_url=f"file://{tmp_path}",
            # the machine looks codes up after every step: no limit in its way
            coupon_lookup_limit="1000000/minute",
            **CONTROLLED_APP,
        ),
        clock=clock,
    )
    with TestClient(app) as client:
        instance: Instance = app.state.instances[""]
        harness = Harness(client, instance, clock)
        if IS_POSTGRES:
            client.portal.call(truncate_all, instance)  # type: ignore[union-attr]
        client.portal.call(harness.setup)  # type: ignore[union-attr]
        run_state_machine_as_test(
            make_machine(harness),
            settings=settings(
                # a tenth of the profile's examples: each one is a whole run of HTTP calls
                max_examples=max(10, settings.default.max_examples // 10),
                stateful_step_count=30,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
