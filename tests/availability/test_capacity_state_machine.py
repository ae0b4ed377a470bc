"""A hypothesis state machine over reserve / refresh / delete / expire / order, through HTTP.

After every step the capacity the API reports for every ticket and slot must equal what a
plain model of quotas, sold places and active holds says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete
from starlette.testclient import TestClient

from kasse.app import create_app
from kasse.catalog.loader import load_catalog_data
from kasse.core.auth import create_api_token
from kasse.core.clock import FrozenClock
from kasse.core.db import Instance
from kasse.models import (
    Barcode,
    CapacityDraw,
    Order,
    OrderItem,
    QuotaSlot,
    Reservation,
    ReservationHold,
    TicketSale,
)
from kasse.settings import Settings
from tests.helpers import CONTROLLED_APP, IS_POSTGRES, truncate_all

ALL_WEEK = {d: "09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
CAPACITY = {71: 4, 72: 3}
TICKET_QUOTAS = {700: (71,), 701: (71, 72), 702: (72,)}
SLOTS = ("10:00", "11:00")
CALLERS = ("a", "b")


def machine_catalog() -> dict[str, Any]:
    slot = {
        "ticket_type": "time_slot",
        "entry_duration": 60,
        "first_entry": SLOTS[0],
        "last_entry": SLOTS[-1],
        "museum_ids": [70],
        "price_cents": 100,
    }
    return {
        "museums": [{"id": 70, "title": "Model museum", "opening_hours": ALL_WEEK}],
        "quotas": [{"id": q, "title": f"q{q}", "capacity": c} for q, c in CAPACITY.items()],
        "tickets": [
            {"id": t, "title": f"t{t}", "quota_ids": list(q), **slot}
            for t, q in TICKET_QUOTAS.items()
        ],
    }


@dataclass
class ModelReservation:
    caller: str
    ticket: int
    slot: str
    quantity: int
    created: datetime
    valid_until: datetime


class Harness:
    """The app under a blocking TestClient, with helpers to reset it between examples."""

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

    async def setup(self) -> None:
        async with self.instance.write_sessions() as session, session.begin():
            await load_catalog_data(session, machine_catalog(), locale="de")
            for caller in CALLERS:
                self.tokens[caller] = await create_api_token(
                    session, access="reseller", museum_ids=[], name=caller, now=self.clock.now()
                )

    async def clear_live_data(self) -> None:
        async with self.instance.write_sessions() as session, session.begin():
            for model in (
                Barcode,
                CapacityDraw,
                TicketSale,
                OrderItem,
                Order,
                ReservationHold,
                Reservation,
                QuotaSlot,
            ):
                await session.execute(delete(model))

    def reset(self) -> None:
        self.client.portal.call(self.clear_live_data)  # type: ignore[union-attr]
        self.clock.set(self.start)

    def auth(self, caller: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[caller]}"}


def make_machine(h: Harness) -> type[RuleBasedStateMachine]:
    class CapacityMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            h.reset()
            self.now = h.start
            self.sold: dict[tuple[int, str], int] = {}
            self.reservations: dict[str, ModelReservation] = {}
            self.gone: list[str] = []

        # -- the model ---------------------------------------------------------------------------
        def active(self, r: ModelReservation) -> bool:
            return r.valid_until > self.now

        def free(self, ticket: int, slot: str, exclude: tuple[str, ...] = ()) -> int:
            left = []
            for quota in TICKET_QUOTAS[ticket]:
                held = sum(
                    r.quantity
                    for token, r in self.reservations.items()
                    if token not in exclude
                    and self.active(r)
                    and r.slot == slot
                    and quota in TICKET_QUOTAS[r.ticket]
                )
                left.append(CAPACITY[quota] - self.sold.get((quota, slot), 0) - held)
            return min(left)

        # -- rules -------------------------------------------------------------------------------
        @rule(
            caller=st.sampled_from(CALLERS),
            ticket=st.sampled_from(sorted(TICKET_QUOTAS)),
            slot=st.sampled_from(SLOTS),
            quantity=st.integers(1, 5),
        )
        def reserve(self, caller: str, ticket: int, slot: str, quantity: int) -> None:
            body = {
                "reservation": {
                    "ticket_id": ticket,
                    "quantity": quantity,
                    "start_at": h.local(slot),
                }
            }
            response = h.client.post(
                "/api/v4/tickets/reservations", json=body, headers=h.auth(caller)
            )
            expected_ok = self.free(ticket, slot) >= quantity
            assert response.status_code == (200 if expected_ok else 422), response.text
            if expected_ok:
                token = response.json()["reservation"]["token"]
                self.reservations[token] = ModelReservation(
                    caller, ticket, slot, quantity, self.now, self.now + timedelta(minutes=5)
                )

        @rule(data=st.data(), quantity=st.integers(1, 5), as_owner=st.booleans())
        def refresh(self, data: st.DataObject, quantity: int, as_owner: bool) -> None:
            tokens = sorted(self.reservations) + self.gone
            if not tokens:
                return
            token = data.draw(st.sampled_from(tokens))
            r = self.reservations.get(token)
            caller = (r.caller if as_owner else "b" if r.caller == "a" else "a") if r else "a"
            response = h.client.put(
                f"/api/v4/tickets/reservations/{token}",
                json={"reservation": {"quantity": quantity}},
                headers=h.auth(caller),
            )
            if r is None or caller != r.caller:
                assert response.status_code == 404, response.text
                return
            if not self.active(r):
                assert response.status_code == 422, response.text
                return
            expected_ok = self.free(r.ticket, r.slot, exclude=(token,)) >= quantity
            assert response.status_code == (200 if expected_ok else 422), response.text
            if expected_ok:
                r.quantity = quantity
                r.valid_until = min(
                    self.now + timedelta(minutes=5), r.created + timedelta(minutes=60)
                )
                assert (
                    response.json()["reservation"]["valid_until"]
                    == r.valid_until.astimezone(h.instance.tz).isoformat()
                )

        @rule(data=st.data())
        def delete(self, data: st.DataObject) -> None:
            tokens = sorted(self.reservations) + self.gone
            if not tokens:
                return
            token = data.draw(st.sampled_from(tokens))
            r = self.reservations.get(token)
            caller = r.caller if r else "a"
            response = h.client.delete(
                f"/api/v4/tickets/reservations/{token}", headers=h.auth(caller)
            )
            assert response.status_code == (204 if r else 404), response.text
            if r:
                del self.reservations[token]
                self.gone.append(token)

        @rule(minutes=st.sampled_from([1, 2, 4, 6, 30]))
        def advance(self, minutes: int) -> None:
            self.now += timedelta(minutes=minutes)
            h.clock.set(self.now)

        @rule(
            caller=st.sampled_from(CALLERS),
            ticket=st.sampled_from(sorted(TICKET_QUOTAS)),
            slot=st.sampled_from(SLOTS),
            quantity=st.integers(1, 5),
        )
        def order_without_reservation(
            self, caller: str, ticket: int, slot: str, quantity: int
        ) -> None:
            self._order(caller, ticket, slot, quantity, None)

        @rule(data=st.data(), extra=st.integers(-1, 1), as_owner=st.booleans())
        def order_with_reservation(self, data: st.DataObject, extra: int, as_owner: bool) -> None:
            if not self.reservations:
                return
            token = data.draw(st.sampled_from(sorted(self.reservations)))
            r = self.reservations[token]
            caller = r.caller if as_owner else ("b" if r.caller == "a" else "a")
            self._order(caller, r.ticket, r.slot, max(1, r.quantity + extra), token)

        def _order(
            self, caller: str, ticket: int, slot: str, quantity: int, token: str | None
        ) -> None:
            attributes: dict[str, Any] = {"id": ticket, "quantity": quantity, "time": h.local(slot)}
            if token:
                attributes["reservations"] = [token]
            body = {
                "items": [{"type": "Ticket", "attributes": attributes}],
                "total": 100 * quantity,
            }
            response = h.client.post("/api/v4/orders", json=body, headers=h.auth(caller))
            r = self.reservations.get(token) if token else None
            if r is not None and (
                r.caller != caller or not self.active(r) or r.quantity < quantity
            ):
                expected_ok = False
            else:
                exclude = (token,) if token else ()
                expected_ok = self.free(ticket, slot, exclude=exclude) >= quantity
            assert response.status_code == (200 if expected_ok else 422), response.text
            if expected_ok:
                for quota in TICKET_QUOTAS[ticket]:
                    self.sold[(quota, slot)] = self.sold.get((quota, slot), 0) + quantity
                if token:
                    del self.reservations[token]
                    self.gone.append(token)

        # -- the invariant -------------------------------------------------------------------------
        @invariant()
        def capacity_matches_the_model(self) -> None:
            for ticket in TICKET_QUOTAS:
                response = h.client.get(f"/api/v4/tickets/{ticket}/capacity?date={h.day}")
                assert response.status_code == 200, response.text
                expected = {}
                for slot in SLOTS:
                    left = self.free(ticket, slot)
                    assert left >= 0, "the model itself oversold"
                    if left > 0:
                        expected[h.local(slot)] = left
                assert response.json()["data"] == expected

    return CapacityMachine


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_capacity_state_machine(database_url: str) -> None:
    clock = FrozenClock(datetime.now().astimezone().replace(microsecond=0))
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
