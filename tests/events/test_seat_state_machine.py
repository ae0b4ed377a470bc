"""A hypothesis state machine over event reservations, orders (direct and two-phase), finalize,
cancellation and the passing of time, through HTTP.

After every step the places and seats kasse counts as taken must equal what a plain model of
sold seats and active holds says: a seat is never taken twice, booked + held never exceeds a
date's places, and an expired hold frees what it held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from starlette.testclient import TestClient

from kasse.app import create_app
from kasse.availability.capacity import usage_of
from kasse.availability.seats import taken_seats
from kasse.catalog.date_quotas import date_slot
from kasse.catalog.loader import load_catalog_data
from kasse.core.auth import create_api_token
from kasse.core.clock import FrozenClock
from kasse.core.db import Instance
from kasse.models import Base
from kasse.settings import Settings
from tests.helpers import CONTROLLED_APP, IS_POSTGRES, truncate_all

SEATED, PLACES = 810, 820
SEATS = (8001, 8002, 8003, 8004, 8005)
PLACES_CAPACITY = 4
PRICE = 100
CALLERS = ("a", "b", "a2")  # "a2" books in two phases (created orders hold until finalize)
ALL_WEEK = {d: "09:00-22:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def machine_catalog(start: datetime) -> dict[str, Any]:
    return {
        "museums": [{"id": 80, "title": "Model hall", "opening_hours": ALL_WEEK}],
        "seatings": [
            {
                "id": 80,
                "title": "Saal",
                "categories": [{"id": 1, "title": "Parkett"}],
                "rows": [{"id": 1, "title": "1"}],
                "seats": [
                    {"id": s, "row_id": 1, "category_id": 1, "title": str(s), "x": i, "y": 0}
                    for i, s in enumerate(SEATS)
                ],
            }
        ],
        "events": [
            {
                "id": 81,
                "museum_id": 80,
                "title": "Konzert",
                "seating_id": 80,
                "scale_prices": [
                    {"id": 89, "seat_category_id": 1, "title": "Parkett", "price_cents": PRICE}
                ],
                "dates": [{"id": SEATED, "start": start.isoformat()}],
            },
            {
                "id": 82,
                "museum_id": 80,
                "title": "Vortrag",
                "max_seats": PLACES_CAPACITY,
                "prices": [{"price_cents": PRICE}],
                "dates": [{"id": PLACES, "start": start.isoformat()}],
            },
        ],
    }


@dataclass
class Hold:
    """What a reservation or an order item holds or has sold: seats, or places of PLACES."""

    caller: str
    date: int
    seats: frozenset[int] = frozenset()
    places: int = 0
    valid_until: datetime | None = None  # None: sold

    @property
    def count(self) -> int:
        return len(self.seats) if self.date == SEATED else self.places


@dataclass
class ModelOrder:
    hold: Hold
    status: str  # created, finalized, cancelled


@dataclass
class Harness:
    client: TestClient
    instance: Instance
    clock: FrozenClock
    start: datetime = field(init=False)
    tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.start = self.clock.now()

    async def setup(self) -> None:
        async with self.instance.write_sessions() as session, session.begin():
            event_start = self.start + timedelta(days=7)
            await load_catalog_data(session, machine_catalog(event_start), locale="de")
            for caller in CALLERS:
                self.tokens[caller] = await create_api_token(
                    session,
                    access="reseller",
                    museum_ids=[],
                    name=caller,
                    now=self.clock.now(),
                    flow="two-phase" if caller == "a2" else "direct",
                )

    async def clear_live_data(self) -> None:
        master = {"museums", "opening_hours", "museum_closures", "quotas", "seatings", "events"}
        master |= {"event_dates", "api_tokens", "catalog_state", "product_tags"}
        async with self.instance.write_sessions() as session, session.begin():
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in master:
                    await session.execute(table.delete())

    async def observed(self) -> tuple[int, int, set[int]]:
        """Places taken on each date and the seats taken, as every sale counts them."""
        now = self.clock.now()
        async with self.instance.read_sessions() as session:
            usage = await usage_of(session, [date_slot(SEATED), date_slot(PLACES)], now)
            taken = await taken_seats(session, {SEATED: SEATS}, now)
        return (
            usage[date_slot(SEATED)].used,
            usage[date_slot(PLACES)].used,
            taken.get(SEATED, set()),
        )

    def reset(self) -> None:
        self.client.portal.call(self.clear_live_data)  # type: ignore[union-attr]
        self.clock.set(self.start)

    def auth(self, caller: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[caller]}"}


def make_machine(h: Harness) -> type[RuleBasedStateMachine]:
    hold_minutes = h.instance.settings.order_hold_minutes

    class SeatMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            h.reset()
            self.now = h.start
            self.reservations: dict[str, Hold] = {}
            self.orders: dict[int, ModelOrder] = {}
            self.item_ids: dict[int, int] = {}

        # -- the model ---------------------------------------------------------------------------
        def holds(self, *, but: Hold | None = None) -> list[Hold]:
            active = [
                r for r in self.reservations.values() if r.valid_until and r.valid_until > self.now
            ]
            for order in self.orders.values():
                hold = order.hold
                if order.status == "finalized" or (
                    order.status == "created" and hold.valid_until and hold.valid_until > self.now
                ):
                    active.append(hold)
            return [hold for hold in active if hold is not but]

        def taken_seats(self, but: Hold | None = None) -> set[int]:
            return {seat for hold in self.holds(but=but) for seat in hold.seats}

        def used(self, date: int, but: Hold | None = None) -> int:
            return sum(hold.count for hold in self.holds(but=but) if hold.date == date)

        def fits(self, wanted: Hold, but: Hold | None = None) -> bool:
            if wanted.date == SEATED:
                return not (wanted.seats & self.taken_seats(but))
            return self.used(PLACES, but) + wanted.places <= PLACES_CAPACITY

        # -- requests ----------------------------------------------------------------------------
        def item(self, wanted: Hold, token: str | None = None) -> dict[str, Any]:
            attributes: dict[str, Any] = {"id": wanted.date}
            if wanted.date == SEATED:
                attributes["seats"] = [
                    {"seat_id": s, "scale_price_id": 89} for s in sorted(wanted.seats)
                ]
            else:
                attributes["quantity"] = wanted.places
            if token:
                attributes["reservations"] = [token]
            return {"type": "Event", "attributes": attributes}

        def wanted(self, caller: str, data: st.DataObject) -> Hold:
            if data.draw(st.booleans(), label="seated"):
                seats = data.draw(
                    st.sets(st.sampled_from(SEATS), min_size=1, max_size=3), label="seats"
                )
                return Hold(caller, SEATED, seats=frozenset(seats))
            return Hold(caller, PLACES, places=data.draw(st.integers(1, 3), label="places"))

        # -- rules -------------------------------------------------------------------------------
        @rule(caller=st.sampled_from(("a", "b")), data=st.data())
        def reserve(self, caller: str, data: st.DataObject) -> None:
            wanted = self.wanted(caller, data)
            body: dict[str, Any] = {"date_id": wanted.date}
            if wanted.date == SEATED:
                body["seats"] = sorted(wanted.seats)
            else:
                body["quantity"] = wanted.places
            response = h.client.post(
                "/api/v4/events/reservations", json={"reservation": body}, headers=h.auth(caller)
            )
            expected_ok = self.fits(wanted)
            assert response.status_code == (200 if expected_ok else 422), response.text
            if expected_ok:
                wanted.valid_until = self.now + timedelta(minutes=5)
                self.reservations[response.json()["reservation"]["token"]] = wanted

        @rule(data=st.data())
        def give_up_a_reservation(self, data: st.DataObject) -> None:
            if not self.reservations:
                return
            token = data.draw(st.sampled_from(sorted(self.reservations)))
            hold = self.reservations.pop(token)
            response = h.client.delete(
                f"/api/v4/events/reservations/{token}", headers=h.auth(hold.caller)
            )
            assert response.status_code == 204, response.text

        @rule(caller=st.sampled_from(CALLERS), data=st.data())
        def order(self, caller: str, data: st.DataObject) -> None:
            wanted = self.wanted(caller, data)
            self._order(wanted, None)

        @rule(data=st.data())
        def order_what_was_reserved(self, data: st.DataObject) -> None:
            if not self.reservations:
                return
            token = data.draw(st.sampled_from(sorted(self.reservations)))
            reserved = self.reservations[token]
            self._order(
                Hold(reserved.caller, reserved.date, reserved.seats, reserved.places), token
            )

        def _order(self, wanted: Hold, token: str | None) -> None:
            body = {"items": [self.item(wanted, token)], "total": PRICE * wanted.count}
            response = h.client.post("/api/v4/orders", json=body, headers=h.auth(wanted.caller))
            redeemed = self.reservations.get(token) if token else None
            if redeemed is not None and not (
                redeemed.valid_until and redeemed.valid_until > self.now
            ):
                expected_ok = False
            else:
                expected_ok = self.fits(wanted, but=redeemed)
            assert response.status_code == (200 if expected_ok else 422), response.text
            if not expected_ok:
                return
            if token:
                del self.reservations[token]
            two_phase = wanted.caller == "a2"
            wanted.valid_until = self.now + timedelta(minutes=hold_minutes) if two_phase else None
            order = response.json()["order"]
            self.orders[order["id"]] = ModelOrder(wanted, "created" if two_phase else "finalized")
            self.item_ids[order["id"]] = order["items"][0]["id"]

        @rule(data=st.data())
        def finalize(self, data: st.DataObject) -> None:
            created = sorted(i for i, o in self.orders.items() if o.status == "created")
            if not created:
                return
            order_id = data.draw(st.sampled_from(created))
            order = self.orders[order_id]
            response = h.client.post(
                f"/api/v4/orders/{order_id}/finalize",
                json={"order": {"completed": True}},
                headers=h.auth("a2"),
            )
            held = order.hold.valid_until is not None and order.hold.valid_until > self.now
            assert response.status_code == (200 if held else 422), response.text
            if held:
                order.status = "finalized"
                order.hold.valid_until = None
            else:
                order.status = "cancelled"

        @rule(data=st.data())
        def cancel(self, data: st.DataObject) -> None:
            open_orders = sorted(
                i
                for i, o in self.orders.items()
                if o.status == "finalized"
                or (o.status == "created" and o.hold.valid_until and o.hold.valid_until > self.now)
            )
            if not open_orders:
                return
            order_id = data.draw(st.sampled_from(open_orders))
            order = self.orders[order_id]
            response = h.client.post(
                f"/api/v4/orders/{order_id}/cancellations", headers=h.auth(order.hold.caller)
            )
            assert response.status_code == 200, response.text
            order.status = "cancelled"

        @rule(data=st.data())
        def cancel_one_seat(self, data: st.DataObject) -> None:
            open_orders = sorted(
                i
                for i, o in self.orders.items()
                if len(o.hold.seats) > 1
                and (
                    o.status == "finalized"
                    or (
                        o.status == "created"
                        and o.hold.valid_until
                        and o.hold.valid_until > self.now
                    )
                )
            )
            if not open_orders:
                return
            order_id = data.draw(st.sampled_from(open_orders))
            order = self.orders[order_id]
            seat = data.draw(st.sampled_from(sorted(order.hold.seats)))
            item_id = self.item_ids[order_id]
            response = h.client.post(
                f"/api/v4/orders/{order_id}/cancellations",
                json={"seats": [{"order_item_id": item_id, "seat_id": seat}]},
                headers=h.auth(order.hold.caller),
            )
            assert response.status_code == 200, response.text
            order.hold.seats = order.hold.seats - {seat}

        @rule(minutes=st.sampled_from([1, 4, 6, 31]))
        def advance(self, minutes: int) -> None:
            self.now += timedelta(minutes=minutes)
            h.clock.set(self.now)

        # -- the invariant -----------------------------------------------------------------------
        @invariant()
        def taken_matches_the_model(self) -> None:
            seated, places, seats = h.client.portal.call(h.observed)  # type: ignore[union-attr]
            assert seats == self.taken_seats()
            assert seated == self.used(SEATED) == len(seats) <= len(SEATS)
            assert places == self.used(PLACES) <= PLACES_CAPACITY

    return SeatMachine


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_seat_state_machine(database_url: str) -> None:
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    app = create_app(
        Settings(database_url=database_url, instances={}, **CONTROLLED_APP), clock=clock
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
