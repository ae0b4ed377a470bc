"""A hypothesis state machine over the order lifecycle, through HTTP: create (direct and
two-phase), finalize (completed, pay by link, a mere update), cancel orders and items, let time
pass, run the housekeeping.

After every step the capacity the API reports must equal capacity minus the places of binding
orders' active items and of unexpired created orders' active items, and every order must show
the status, validity, cancelled items and barcodes the model says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from starlette.testclient import TestClient
from tests.conftest import LIVE_TABLES
from tests.helpers import CONTROLLED_APP, IS_POSTGRES, truncate_all

from kasse.app import create_app
from kasse.catalog.loader import load_catalog_data
from kasse.core.auth import create_api_token
from kasse.core.clock import FrozenClock
from kasse.core.db import Instance
from kasse.orders.housekeeping import tidy_once
from kasse.settings import Settings

ALL_WEEK = {d: "09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
CAPACITY = {81: 4, 82: 3, 83: 2}
# plain tickets and the quotas they draw from
TICKET_QUOTAS = {800: (81,), 801: (81, 82), 802: (82,)}
COMBINED, SUB_A, SUB_B = 803, 804, 805  # main quota 83; sub A draws from 81, sub B from 82
SLOTS = ("10:00", "11:00")
HOLD = timedelta(minutes=30)
PAY_BY_LINK = timedelta(minutes=60)
CALLERS = {"direct": "direct", "two-phase": "two-phase"}  # token name -> flow
CUSTOMER = {"foreign_id": "M-1", "name": "Model", "email": "model@example.com"}

SlotKey = tuple[int, str]  # quota, slot


def machine_catalog() -> dict[str, Any]:
    slot = {
        "ticket_type": "time_slot",
        "entry_duration": 60,
        "first_entry": SLOTS[0],
        "last_entry": SLOTS[-1],
        "museum_ids": [80],
    }
    plain = [
        {"id": t, "title": f"t{t}", "quota_ids": list(q), "price_cents": 100, **slot}
        for t, q in TICKET_QUOTAS.items()
    ]
    combined = {
        "id": COMBINED,
        "title": "combined",
        "quota_ids": [83],
        "price_cents": 100,
        "sub_ticket_min_gap": 60,
        "sub_tickets": [
            {"id": SUB_A, "title": "sub a", "quota_ids": [81], **slot},
            {"id": SUB_B, "title": "sub b", "quota_ids": [82], **slot},
        ],
        **slot,
    }
    return {
        "museums": [{"id": 80, "title": "Lifecycle museum", "opening_hours": ALL_WEEK}],
        "quotas": [{"id": q, "title": f"q{q}", "capacity": c} for q, c in CAPACITY.items()],
        "tickets": [*plain, combined],
    }


@dataclass
class ModelItem:
    id: int
    quantity: int
    draws: dict[SlotKey, int]
    cancelled: bool = False
    barcodes: int = 0  # issued when the item became binding (one per place), kept on cancel


@dataclass
class ModelOrder:
    id: int
    token: str
    caller: str
    status: str  # created, finalized, cancelled (as stored; expiry is derived)
    expires_at: datetime | None
    items: list[ModelItem] = field(default_factory=list)
    pay_by_link: bool = False


class Harness:
    def __init__(self, client: TestClient, instance: Instance, clock: FrozenClock) -> None:
        self.client = client
        self.instance = instance
        self.clock = clock
        self.start = clock.now()
        self.day = date.today() + timedelta(days=7)
        self.tokens: dict[str, str] = {}

    def local(self, slot: str) -> str:
        hour, minute = (int(p) for p in slot.split(":"))
        return datetime(
            self.day.year, self.day.month, self.day.day, hour, minute, tzinfo=self.instance.tz
        ).isoformat()

    def render(self, moment: datetime) -> str:
        return moment.astimezone(self.instance.tz).isoformat()

    async def setup(self) -> None:
        async with self.instance.write_sessions() as session, session.begin():
            await load_catalog_data(session, machine_catalog(), locale="de")
            for name, flow in (*CALLERS.items(), ("user", "direct")):
                self.tokens[name] = await create_api_token(
                    session,
                    access="user" if name == "user" else "reseller",
                    museum_ids=[],
                    name=name,
                    now=self.clock.now(),
                    flow=flow,
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


plain_items = st.tuples(
    st.just("plain"), st.sampled_from(sorted(TICKET_QUOTAS)), st.sampled_from(SLOTS)
)
combined_items = st.tuples(st.just("combined"), st.sampled_from(SLOTS), st.booleans())
item_specs = st.lists(
    st.tuples(st.one_of(plain_items, combined_items), st.integers(1, 3)), min_size=1, max_size=2
)


def make_machine(h: Harness) -> type[RuleBasedStateMachine]:
    class LifecycleMachine(RuleBasedStateMachine):
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

        def used(self, key: SlotKey) -> int:
            return sum(
                i.draws.get(key, 0)
                for o in self.orders.values()
                if self.status(o) != "cancelled"
                for i in o.items
                if not i.cancelled
            )

        def free(self, key: SlotKey) -> int:
            return CAPACITY[key[0]] - self.used(key)

        def pick(self, data: st.DataObject) -> ModelOrder | None:
            if not self.orders:
                return None
            return self.orders[data.draw(st.sampled_from(sorted(self.orders)))]

        # -- rules -------------------------------------------------------------------------------
        @rule(caller=st.sampled_from(sorted(CALLERS)), specs=item_specs)
        def create(self, caller: str, specs: list[tuple[tuple[Any, ...], int]]) -> None:
            items, draws = [], []
            for spec, quantity in specs:
                if spec[0] == "plain":
                    _, ticket, slot = spec
                    attributes: dict[str, Any] = {"id": ticket, "time": h.local(slot)}
                    draw = {(q, slot): quantity for q in TICKET_QUOTAS[ticket]}
                else:
                    _, slot, a_first = spec
                    a_slot, b_slot = SLOTS if a_first else SLOTS[::-1]
                    attributes = {
                        "id": COMBINED,
                        "time": h.local(slot),
                        "sub_ticket_times": {
                            str(SUB_A): h.local(a_slot),
                            str(SUB_B): h.local(b_slot),
                        },
                    }
                    draw = {(83, slot): quantity, (81, a_slot): quantity, (82, b_slot): quantity}
                items.append({"type": "Ticket", "attributes": {**attributes, "quantity": quantity}})
                draws.append(draw)
            wanted: dict[SlotKey, int] = {}
            for draw in draws:
                for key, places in draw.items():
                    wanted[key] = wanted.get(key, 0) + places
            expected_ok = all(places <= self.free(key) for key, places in wanted.items())
            body = {"items": items, "total": 100 * sum(q for _, q in specs)}
            r = h.client.post("/api/v4/orders", json=body, headers=h.auth(caller))
            assert r.status_code == (200 if expected_ok else 422), r.text
            if not expected_ok:
                return
            order = r.json()["order"]
            binding = CALLERS[caller] == "direct"
            self.orders[order["id"]] = ModelOrder(
                id=order["id"],
                token=order["token"],
                caller=caller,
                status="finalized" if binding else "created",
                expires_at=None if binding else self.now + HOLD,
                items=[
                    ModelItem(id=i["id"], quantity=q, draws=d, barcodes=q if binding else 0)
                    for i, (_, q), d in zip(order["items"], specs, draws, strict=True)
                ],
            )

        @rule(
            data=st.data(),
            mode=st.sampled_from(["completed", "pay_by_link", "update", "both"]),
            by_token=st.booleans(),
        )
        def finalize(self, data: st.DataObject, mode: str, by_token: bool) -> None:
            o = self.pick(data)
            if o is None:
                return
            body: dict[str, Any] = {"customer": CUSTOMER, "suppress_mail": True}
            if mode in ("completed", "both"):
                body["completed"] = True
            if mode in ("pay_by_link", "both"):
                body["pay_by_link"] = True
            ref = o.token if by_token else o.id
            r = h.client.post(
                f"/api/v4/orders/{ref}/finalize", json={"order": body}, headers=h.auth(o.caller)
            )
            expected_ok = self.status(o) == "created" and mode != "both"
            assert r.status_code == (200 if expected_ok else 422), r.text
            if not expected_ok:
                return
            if mode == "completed":
                o.status, o.expires_at = "finalized", None
                for i in o.items:
                    i.barcodes = 0 if i.cancelled else i.quantity
            elif mode == "pay_by_link" and not o.pay_by_link:  # a second link keeps the deadline
                o.pay_by_link, o.expires_at = True, self.now + PAY_BY_LINK

        @rule(data=st.data())
        def cancel_order(self, data: st.DataObject) -> None:
            o = self.pick(data)
            if o is None:
                return
            r = h.client.post(f"/api/v4/orders/{o.id}/cancellations", headers=h.auth(o.caller))
            expected_ok = self.status(o) != "cancelled"
            assert r.status_code == (200 if expected_ok else 422), r.text
            if expected_ok:
                o.status, o.expires_at = "cancelled", None
                for i in o.items:
                    i.cancelled = True

        @rule(data=st.data(), with_foreign=st.booleans())
        def cancel_items(self, data: st.DataObject, with_foreign: bool) -> None:
            o = self.pick(data)
            if o is None:
                return
            chosen = data.draw(
                st.lists(st.sampled_from(o.items), min_size=1, max_size=len(o.items), unique_by=id)
            )
            ids = [i.id for i in chosen]
            others = [i.id for p in self.orders.values() if p is not o for i in p.items]
            foreign = with_foreign and bool(others)
            if foreign:
                ids.append(data.draw(st.sampled_from(others)))
            r = h.client.post(
                f"/api/v4/orders/{o.id}/cancellations",
                json={"order_item_ids": ids},
                headers=h.auth(o.caller),
            )
            expected_ok = (
                self.status(o) != "cancelled"
                and not foreign
                and not any(i.cancelled for i in chosen)
            )
            assert r.status_code == (200 if expected_ok else 422), r.text
            if expected_ok:
                for i in chosen:
                    i.cancelled = True

        @rule(minutes=st.sampled_from([1, 10, 29, 30, 31, 61]))
        def advance(self, minutes: int) -> None:
            self.now += timedelta(minutes=minutes)
            h.clock.set(self.now)

        @rule()
        def housekeeping(self) -> None:
            h.tidy()

        # -- the invariants ----------------------------------------------------------------------
        @invariant()
        def capacity_matches_the_model(self) -> None:
            # every quota slot at once (capacity minus sold minus active holds) ...
            query = "&".join(f"ticket_ids[]={t}" for t in (800, 802, COMBINED))
            r = h.client.get(f"/api/v4/tickets/capacities?{query}&date={h.day}")
            assert r.status_code == 200, r.text
            quotas = {q: view["capacities"] for q, view in r.json()["data"].items()}
            expected = {
                str(q): {h.local(slot): self.free((q, slot)) for slot in SLOTS} for q in CAPACITY
            }
            assert quotas == expected, self.orders
            # ... and one ticket's capacity, the minimum over its two quotas
            r = h.client.get(f"/api/v4/tickets/801/capacity?date={h.day}")
            assert r.status_code == 200, r.text
            left = {h.local(s): min(self.free((81, s)), self.free((82, s))) for s in SLOTS}
            assert all(places >= 0 for places in left.values()), "the model itself oversold"
            assert r.json()["data"] == {k: v for k, v in left.items() if v > 0}

        @invariant()
        def orders_match_the_model(self) -> None:
            r = h.client.get("/api/v4/orders?per_page=100", headers=h.auth("user"))
            assert r.status_code == 200, r.text
            shown = {o["id"]: o for o in r.json()["orders"]}
            assert set(shown) == set(self.orders)
            for o in self.orders.values():
                got = shown[o.id]
                status = self.status(o)
                assert got["status"] == status, (got, o)
                assert got["is_valid"] is (status != "cancelled"), (got, o)
                expires = h.render(o.expires_at) if status == "created" and o.expires_at else None
                assert got["expires_at"] == expires, (got, o)
                assert [i["cancelled"] for i in got["items"]] == [
                    i.cancelled or status == "cancelled" for i in o.items
                ], (got, o)
                codes = [len(i["attributes"]["barcodes"]) for i in got["items"]]
                assert codes == [i.barcodes for i in o.items], (got, o)

    return LifecycleMachine


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_order_lifecycle_state_machine(database_url: str, tmp_path: Path) -> None:
    clock = FrozenClock(datetime.now().astimezone().replace(microsecond=0))
    app = create_app(
        Settings(
            database_url=database_url,
            instances={},
            mail_url=f"file://{tmp_path}",
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
                max_examples=max(5, settings.default.max_examples // 10),
                stateful_step_count=30,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
