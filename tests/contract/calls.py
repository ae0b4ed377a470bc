"""How the contract test asks kasse for each endpoint of the reference, and where an example applies.

Every endpoint kasse serves has a call here: a request on the demo catalog (which has data for
every field the reference shows) after whatever the request needs (an order, a reservation, an
annual-pass order with its personalization token). ``PLACEMENTS`` says, for the examples that are
not simply "the answer of their endpoint", what they show and where.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from kasse.catalog.event_file import TAG_KINDS
from tests.annual.support import (
    GERMANY,
    PASS,
    PASS_PRICE,
    POST,
    bind,
    created_customer,
    personalization_token,
)
from tests.conftest import Kasse
from tests.contract.reference_doc import Example

V4 = "/api/v4"
DAY_TICKET = 1  # "Tageskarte regulär"
SLOT_TICKET = 3  # "Zeitfenster regulär": a time-slot ticket
EXHIBITION_TICKET = 5  # a time-slot ticket of an exhibition, with content and location
COMBINED, SUB_TICKET = 6, 61
ANNUAL_PASS = PASS
PRICES = {1: 1200, 3: 1400, 5: 1800, 6: 1900, ANNUAL_PASS: PASS_PRICE}
LECTURE_DATE = 101  # the demo lecture's first date (one price, 8 EUR)
DESK_DATE = 102  # its second, whose bookings the cash desk lists: one of a customer's institution
EVENT_PRICES = {LECTURE_DATE: 800, DESK_DATE: 800}


@dataclass(frozen=True)
class Placement:
    """Which answers an example shows, and where in them (``$``: the whole answer)."""

    endpoints: tuple[str, ...]
    at: str = "$"
    why: str = ""


ORDER_DETAIL = "GET /api/v4/orders/:id"
ORDER_BY_BARCODE = "GET /api/v4/orders/barcode/:barcode"
RESERVATION_POST = "POST /api/v4/tickets/reservations"
RESERVATION_PUT = "PUT /api/v4/tickets/reservations/:token"
BARCODE_STATUS = "GET /api/v3/barcodes/:barcode"
BARCODE_ADMIT = "PUT /api/v3/barcodes/:barcode"
BARCODE_EXIT = "PUT /api/v3/barcodes/:barcode/exit"
SCAN_GET = "GET /api/v4/entry/scans/:scan"
SCAN_PUT = "PUT /api/v4/entry/scans/:scan"
SMB = "reseller_api.html.md › Combined Tickets › Example Pergamon + Panorama SMB"
STATUS_API = "entry_api.html.md › Barcodes › Status API"
NOT_YET_TOURS = "a part of tours: tours are not sold yet (issue 11)"
REQUEST = "a request body, not an answer"

PLACEMENTS: dict[str, Placement] = {
    # "returns JSON structured just like the details of a single order"
    "reseller_api.html.md › Orders › Details of a single order": Placement(
        (ORDER_DETAIL, ORDER_BY_BARCODE)
    ),
    # "The response will contain the reservation object" (said of creating and of updating)
    "_reservations.md › Ticket Reservations › Creating a reservation #2": Placement(
        (RESERVATION_POST, RESERVATION_PUT)
    ),
    "reseller_api.html.md › Order Items › Ticket Item": Placement(
        (ORDER_DETAIL, ORDER_BY_BARCODE), "$.order.items[type=Ticket]"
    ),
    "reseller_api.html.md › Order Items › Event Item": Placement(
        (ORDER_DETAIL, ORDER_BY_BARCODE), "$.order.items[type=Event]"
    ),
    "reseller_api.html.md › Order Items › Tour Item": Placement((), why=NOT_YET_TOURS),
    "reseller_api.html.md › Order Items › Tour Item › Equipments": Placement((), why=NOT_YET_TOURS),
    "reseller_api.html.md › Creating an Order › Items › Ticket": Placement((), why=REQUEST),
    "reseller_api.html.md › Creating an Order › Items › Event": Placement((), why=REQUEST),
    "reseller_api.html.md › Creating an Order › Items › Event #2": Placement((), why=REQUEST),
    "reseller_api.html.md › Creating an Order › Items › Event #3": Placement((), why=REQUEST),
    "reseller_api.html.md › Creating an Order › Items › Tour": Placement((), why=REQUEST),
    "reseller_api.html.md › Creating an Order › Items › Tour #2": Placement((), why=REQUEST),
    "_tours.md › Tours › Details of single tour › Limitations": Placement((), why=NOT_YET_TOURS),
    # "content, contains key/value pairs of custom defined attributes, e.g. the following"
    "_museums.md › Museums › Details of a single museum › Response": Placement(
        ("GET /api/v4/museums/:id",), "$.museum"
    ),
    "_exhibitions.md › Exhibitions › Details of a single exhibition › Response": Placement(
        ("GET /api/v4/exhibitions/:id",), "$.exhibition"
    ),
    f"{SMB} › 1. Query ticket list as usual": Placement(("GET /api/v4/tickets",), "$.tickets[]"),
    f"{SMB} › 2. Reading details of main ticket": Placement(
        ("GET /api/v4/tickets/:id",), "$.ticket"
    ),
    f"{SMB} › 3. Reading details of sub tickets": Placement(
        ("GET /api/v4/tickets/:id",), "$.ticket"
    ),
    f"{SMB} › 5. Creating the order": Placement((), why=REQUEST),
    f"{SMB} › 6. Handling of barcodes in the order result": Placement(
        (ORDER_DETAIL, ORDER_BY_BARCODE), "$.order.items[type=Ticket].attributes"
    ),
    # Voiding and exits: "This will return the same responses as the Status API above."
    STATUS_API: Placement((BARCODE_STATUS, BARCODE_ADMIT, BARCODE_EXIT)),
    f"{STATUS_API} #2": Placement((BARCODE_STATUS, BARCODE_ADMIT, BARCODE_EXIT)),
    # Shown under the update; "The JSON response contains a serialized scan event" for both.
    "entry_api.html.md › Barcodes › Entry API - Scans › Updating the scan event": Placement(
        (SCAN_GET, SCAN_PUT)
    ),
}


def placement_of(example: Example) -> Placement:
    if example.name in PLACEMENTS:
        return PLACEMENTS[example.name]
    if example.kind == "request":
        return Placement((), why=REQUEST)
    assert example.kind == "response" and example.endpoint is not None, (
        f"{example.name}: a fragment without a placement in tests/contract/calls.py"
    )
    return Placement((example.endpoint,))


@dataclass
class World:
    """The demo instance as a client finds it, and what the calls made in it (built on demand)."""

    kasse: Kasse
    day: date
    documents: httpx.AsyncClient  # an app that can sign Wallet passes, on the same database
    made: dict[str, Any] = field(default_factory=dict)

    def auth(self, who: str | None) -> dict[str, str]:
        return {} if who is None else self.kasse.auth(who)

    async def get(self, path: str, who: str | None = None, **params: Any) -> httpx.Response:
        return await self.kasse.client.get(f"{V4}{path}", params=params, headers=self.auth(who))

    async def document(self, path: str, token: str) -> httpx.Response:
        return await self.documents.get(f"{V4}{path}", params={"token": token})

    def at(self, clock_time: str) -> str:
        return self.kasse.local(self.day, clock_time)

    async def finalized(
        self, *items: dict[str, Any], customer: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A two-phase order of ``items``, finalized with customer and payment."""
        total = sum(
            (EVENT_PRICES if i["type"] == "Event" else PRICES)[i["attributes"]["id"]]
            * i["attributes"]["quantity"]
            for i in items
        )
        body = {
            "comment": "Bitte schnell",
            "reference": "R-1",
            "items": list(items),
            "total": total,
        }
        created = await self.kasse.client.post(
            f"{V4}/orders", json=body, headers=self.kasse.auth("two-phase")
        )
        assert created.status_code == 200, created.text
        order_id = created.json()["order"]["id"]
        finalize = {
            "order": {"customer": customer or CUSTOMER, "payment": PAYMENT, "completed": True}
        }
        finalized = await self.kasse.client.post(
            f"{V4}/orders/{order_id}/finalize", json=finalize, headers=self.kasse.auth("two-phase")
        )
        assert finalized.status_code == 200, finalized.text
        order: dict[str, Any] = finalized.json()["order"]
        return order

    async def order(self) -> dict[str, Any]:
        """A time-slot ticket for two with attendees, a combined ticket, two places of a lecture."""
        if "order" not in self.made:
            self.made["order"] = await self.finalized(
                _item(SLOT_TICKET, 2, self.at("10:00"), attendees=[PAN, HOOK]),
                _item(
                    COMBINED,
                    1,
                    self.at("10:00"),
                    sub_ticket_times={"61": self.at("10:00"), "62": self.at("11:30")},
                ),
                {"type": "Event", "attributes": {"id": LECTURE_DATE, "quantity": 2}},
            )
        order: dict[str, Any] = self.made["order"]
        return order

    async def desk_order(self) -> dict[str, Any]:
        """The lecture's second date for two, booked for a customer of an institution."""
        if "desk_order" not in self.made:
            lecture = {"type": "Event", "attributes": {"id": DESK_DATE, "quantity": 2}}
            self.made["desk_order"] = await self.finalized(lecture, customer=DESK_CUSTOMER)
        order: dict[str, Any] = self.made["desk_order"]
        return order

    async def barcode(self) -> str:
        order = await self.order()
        code: str = order["items"][0]["attributes"]["barcodes"][0]["barcode"]
        return code

    async def reservation(self) -> str:
        if "reservation" not in self.made:
            r = await self.kasse.client.post(
                f"{V4}/tickets/reservations",
                json={
                    "reservation": {
                        "ticket_id": SLOT_TICKET,
                        "quantity": 2,
                        "start_at": self.at("11:00"),
                    }
                },
                headers=self.kasse.auth("reseller"),
            )
            assert r.status_code == 200, r.text
            self.made["reservation"] = r.json()["reservation"]["token"]
        token: str = self.made["reservation"]
        return token

    async def annual(self) -> tuple[dict[str, Any], str]:
        """An order of one annual pass whose card is bound to a customer created in the flow,
        and the order's personalization token."""
        if "annual" not in self.made:
            order = await self.finalized(_item(ANNUAL_PASS, 1, self.at("10:00")))
            token = await personalization_token(self.kasse, order["id"])
            customer = await created_customer(self.kasse, token, ANNUAL_CUSTOMER)
            card = order["items"][0]["attributes"]["personalizations"][0]["id"]
            r = await bind(self.kasse, token, card, customer, dispatch_mode_id=POST)
            assert r.status_code == 200, r.text
            self.made["annual"] = (order, token, customer)
        order, token, _ = self.made["annual"]
        return order, token

    async def annual_customer(self) -> dict[str, Any]:
        """The customer created in the annual order's flow (as POST /annual/customers showed it)."""
        await self.annual()
        customer: dict[str, Any] = self.made["annual"][2]
        return customer


PAN, HOOK = {"name": "Peter", "surname": "Pan"}, {"name": "Capt'n", "surname": "Hook"}
CUSTOMER = {
    "name": "Lukas",
    "surname": "Schmidt",
    "email": "lukas@example.org",
    "salutation_id": 1,
    "addr_street": "Beispielallee 12",
    "addr_zip": "10115",
    "addr_city": "Berlin",
    "addr_country": "DE",
}
PAYMENT = {"payment_id": "PAY-9988", "provider_id": "creditcard", "provider_name": "VISA"}
DESK_CUSTOMER = CUSTOMER | {"addr_institution": "Wayne Industries"}
ANNUAL_CUSTOMER = {
    "name": "Adrian",
    "surname": "Fuhrmann",
    "email": "adrian@example.org",
    "customer_salutation_id": 1,
    "addr_city": "Berlin",
    "addr_country_id": GERMANY,
    "addr_street": "Brunnenstraße 7D",
    "addr_zip": "10119",
}


def _item(ticket_id: int, quantity: int, time: str, **attributes: Any) -> dict[str, Any]:
    return {
        "type": "Ticket",
        "attributes": {"id": ticket_id, "quantity": quantity, "time": time, **attributes},
    }


Call = Callable[[World, Example | None], Awaitable[httpx.Response]]
CALLS: dict[str, Call] = {}


def call(*endpoints: str) -> Callable[[Call], Call]:
    def register(function: Call) -> Call:
        for endpoint in endpoints:
            assert endpoint not in CALLS, f"two calls for {endpoint}"
            CALLS[endpoint] = function
        return function

    return register


def _named(example: Example | None, *parts: str) -> bool:
    return example is not None and any(part in example.name for part in parts)


# --- public: catalog ---------------------------------------------------------------------------


@call("GET /api/v4/museums")
async def _museums(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/museums")


@call("GET /api/v4/museums/:id")
async def _museum(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/museums/1")


@call("GET /api/v4/museums/:id/opening_hours")
async def _opening_hours(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/museums/1/opening_hours", date=w.day.isoformat())


@call("GET /api/v4/exhibitions")
async def _exhibitions(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/exhibitions")


@call("GET /api/v4/exhibitions/:id")
async def _exhibition(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/exhibitions/1")


@call("GET /api/v4/tickets")
async def _tickets(w: World, e: Example | None) -> httpx.Response:
    # The example shows a time-slot ticket; day tickets have no slot length (null, as the
    # reference's text says), so the list asked for is the time-slot tickets'.
    return await w.get("/tickets", **{"by_ticket_types[]": "time_slot"})


@call("GET /api/v4/tickets/:id")
async def _ticket(w: World, e: Example | None) -> httpx.Response:
    if _named(e, "2. Reading details of main ticket"):
        return await w.get(f"/tickets/{COMBINED}")
    if _named(e, "3. Reading details of sub tickets"):
        return await w.get(f"/tickets/{SUB_TICKET}")
    if _named(e, "Multi-Locale"):  # "for authenticated requests"
        params = {"locale[]": ["de", "en"]}
        return await w.get(f"/tickets/{EXHIBITION_TICKET}", "reseller", **params)
    return await w.get(f"/tickets/{EXHIBITION_TICKET}")


@call("GET /api/v4/tickets/content")
async def _contents(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/tickets/content", **{"ticket_ids[]": [SLOT_TICKET, EXHIBITION_TICKET]})


# --- public: availability ----------------------------------------------------------------------


@call("GET /api/v4/tickets/:id/capacity")
async def _capacity(w: World, e: Example | None) -> httpx.Response:
    return await w.get(f"/tickets/{SLOT_TICKET}/capacity", date=w.day.isoformat())


@call("GET /api/v4/tickets/calendar")
async def _calendar(w: World, e: Example | None) -> httpx.Response:
    params: dict[str, Any] = {
        "start_at": w.day.isoformat(),
        "end_at": (w.day + timedelta(days=4)).isoformat(),
        "by_ticket_ids[]": [SLOT_TICKET],
    }
    if _named(e, "#2"):
        params["depth"] = "all"
    return await w.get("/tickets/calendar", **params)


@call("GET /api/v4/tickets/capacities")
async def _capacities(w: World, e: Example | None) -> httpx.Response:
    params = {"date": w.day.isoformat(), "ticket_ids[]": [SLOT_TICKET, EXHIBITION_TICKET]}
    return await w.get("/tickets/capacities", **params)


# --- public: events ----------------------------------------------------------------------------

LECTURE, CONCERT = 1, 3  # the demo's lecture (one price) and concert (a seating plan)
FIRST_CONCERT_DATE = 301


def _event_tag_list(kind: str) -> None:
    @call(f"GET /api/v4/events/{kind}")
    async def tag_list(w: World, e: Example | None) -> httpx.Response:
        return await w.get(f"/events/{kind}")


for _kind in TAG_KINDS:
    if _kind != "disablements":  # kasse's own list: the reference has none
        _event_tag_list(_kind)


def _weeks_ahead(w: World) -> dict[str, str]:
    """The demo's event dates lie within the next seven weeks."""
    today = w.kasse.clock.now().date()
    return {"start_at": today.isoformat(), "end_at": (today + timedelta(days=60)).isoformat()}


@call("GET /api/v4/events")
async def _events(w: World, e: Example | None) -> httpx.Response:
    # The example shows an event of an exhibition: the demo's lecture and workshop.
    return await w.get("/events", **{"by_exhibition_ids[]": 1})


@call("GET /api/v4/events/:id")
async def _event(w: World, e: Example | None) -> httpx.Response:
    return await w.get(f"/events/{LECTURE}")


@call("GET /api/v4/events/:id/calendar")
async def _event_calendar(w: World, e: Example | None) -> httpx.Response:
    return await w.get(f"/events/{CONCERT}/calendar", **_weeks_ahead(w))


@call("GET /api/v4/events/:id/dates")
async def _event_dates(w: World, e: Example | None) -> httpx.Response:
    dates = await w.get("/dates", **_weeks_ahead(w), **{"by_event_ids[]": LECTURE})
    first = datetime.fromisoformat(dates.json()["dates"][0]["start_time"]).date()
    return await w.get(f"/events/{LECTURE}/dates", date=first.isoformat())


@call("GET /api/v4/events/:event_id/dates/:id")
async def _event_date(w: World, e: Example | None) -> httpx.Response:
    # The example fills the seating plan: the concert's.
    return await w.get(f"/events/{CONCERT}/dates/{FIRST_CONCERT_DATE}")


@call("GET /api/v4/dates")
async def _dates(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/dates", **_weeks_ahead(w))


@call("GET /api/v4/dates/languages")
async def _date_languages(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/dates/languages", **_weeks_ahead(w))


@call("GET /api/v4/calendar")
async def _events_calendar(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/calendar", **_weeks_ahead(w))


# --- public: tours -----------------------------------------------------------------------------

PUBLIC_TOUR, SCHOOL_TOUR, AUDIO_GUIDE = 1, 2, 1  # the demo's tours and its audio guides
TOUR_TAG_KINDS = ("categories", "age_groups", "audiences", "catch_words", "proposal_categories")


def _tour_tag_list(kind: str) -> None:
    @call(f"GET /api/v4/tours/{kind}")
    async def tag_list(w: World, e: Example | None) -> httpx.Response:
        return await w.get(f"/tours/{kind}")


for _kind in (*TOUR_TAG_KINDS, "grades", "languages"):
    _tour_tag_list(_kind)


def _sunday(w: World) -> date:
    """The Sunday after the world's day: the school tour's Sunday surcharge applies."""
    return w.day + timedelta(days=(6 - w.day.weekday()) % 7)


@call("GET /api/v4/tours")
async def _tours(w: World, e: Example | None) -> httpx.Response:
    # The example shows a tour of an exhibition: the demo's public tour.
    return await w.get("/tours", **{"by_exhibition_ids[]": 1})


@call("GET /api/v4/tours/:id")
async def _tour(w: World, e: Example | None) -> httpx.Response:
    return await w.get(f"/tours/{SCHOOL_TOUR}")


@call("GET /api/v4/tours/:id/prices")
async def _tour_prices(w: World, e: Example | None) -> httpx.Response:
    return await w.get(f"/tours/{SCHOOL_TOUR}/prices", date=_sunday(w).isoformat())


@call("GET /api/v4/tours/:id/start_times")
async def _tour_start_times(w: World, e: Example | None) -> httpx.Response:
    day = w.day.isoformat()
    depth = "all" if _named(e, "#2") else "any"
    return await w.get(f"/tours/{PUBLIC_TOUR}/start_times", start_at=day, end_at=day, depth=depth)


@call("GET /api/v4/tours/:id/start_times/:date")
async def _tour_day(w: World, e: Example | None) -> httpx.Response:
    return await w.get(f"/tours/{PUBLIC_TOUR}/start_times/{w.day.isoformat()}")


@call("GET /api/v4/tours/:id/equipments")
async def _tour_equipment(w: World, e: Example | None) -> httpx.Response:
    return await w.get(f"/tours/{PUBLIC_TOUR}/equipments", date=w.day.isoformat())


@call("GET /api/v4/tours/:id/equipments/:id")
async def _tour_equipment_day(w: World, e: Example | None) -> httpx.Response:
    path = f"/tours/{PUBLIC_TOUR}/equipments/{AUDIO_GUIDE}"
    return await w.get(path, date=w.day.isoformat())


@call("GET /api/v4/tours/:id/equipments/:id/:timestamp")
async def _tour_equipment_at(w: World, e: Example | None) -> httpx.Response:
    return await w.get(f"/tours/{PUBLIC_TOUR}/equipments/{AUDIO_GUIDE}/{quote(w.at('11:00'))}")


# --- public: other data ------------------------------------------------------------------------


@call("GET /api/v4/locales")
async def _locales(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/locales")


@call("GET /api/v4/countries")
async def _countries(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/countries")


@call("GET /api/v4/states")
async def _states(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/states")


@call("GET /api/v4/dispatch_modes")
async def _dispatch_modes(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/dispatch_modes")


@call("GET /api/v4/version")
async def _version(w: World, e: Example | None) -> httpx.Response:
    return await w.get("/version")


@call("GET /api/v4/whoami")
async def _whoami(w: World, e: Example | None) -> httpx.Response:
    token = await w.kasse.new_token("reseller", [1])  # the example's reseller is limited to one
    return await w.kasse.client.get(f"{V4}/whoami", headers={"Authorization": f"Bearer {token}"})


# --- reservations ------------------------------------------------------------------------------


@call(RESERVATION_POST)
async def _reserve(w: World, e: Example | None) -> httpx.Response:
    return await w.kasse.client.post(
        f"{V4}/tickets/reservations",
        json={"reservation": {"ticket_id": SLOT_TICKET, "quantity": 5, "start_at": w.at("16:00")}},
        headers=w.kasse.auth("reseller"),
    )


@call(RESERVATION_PUT)
async def _update_reservation(w: World, e: Example | None) -> httpx.Response:
    token = await w.reservation()
    return await w.kasse.client.put(
        f"{V4}/tickets/reservations/{token}",
        json={"reservation": {"quantity": 3}},
        headers=w.kasse.auth("reseller"),
    )


@call("DELETE /api/v4/tickets/reservations/:token")
async def _delete_reservation(w: World, e: Example | None) -> httpx.Response:
    token = await w.reservation()
    return await w.kasse.client.delete(
        f"{V4}/tickets/reservations/{token}", headers=w.kasse.auth("reseller")
    )


# --- orders and their documents ----------------------------------------------------------------


@call("POST /api/v4/orders")
async def _create_order(w: World, e: Example | None) -> httpx.Response:
    items = [_item(SLOT_TICKET, 1, w.at("14:00"))]
    body = {"comment": None, "reference": None, "items": items, "total": PRICES[SLOT_TICKET]}
    return await w.kasse.client.post(f"{V4}/orders", json=body, headers=w.kasse.auth("reseller"))


@call("GET /api/v4/orders")
async def _orders(w: World, e: Example | None) -> httpx.Response:
    await w.order()
    return await w.get("/orders", "two-phase")


@call(ORDER_DETAIL)
async def _order(w: World, e: Example | None) -> httpx.Response:
    order = await w.order()
    return await w.get(f"/orders/{order['id']}", "two-phase")


@call(ORDER_BY_BARCODE)
async def _order_by_barcode(w: World, e: Example | None) -> httpx.Response:
    return await w.get(f"/orders/barcode/{await w.barcode()}", "two-phase")


@call("GET /api/v4/orders/:order_id/tickets/:ticket_id.pdf")
async def _ticket_pdf(w: World, e: Example | None) -> httpx.Response:
    order = await w.order()
    sale = order["items"][0]["attributes"]["id"]
    return await w.document(f"/orders/{order['id']}/tickets/{sale}.pdf", order["token"])


@call("GET /api/v4/orders/:order_id/tickets/:ticket_id/passbooks/:barcode.pkpass")
async def _passbook(w: World, e: Example | None) -> httpx.Response:
    order = await w.order()
    sale = order["items"][0]["attributes"]
    path = f"/orders/{order['id']}/tickets/{sale['id']}/passbooks/{sale['barcodes'][0]['barcode']}"
    return await w.document(f"{path}.pkpass", order["token"])


@call("GET /api/v4/orders/:order_id/events/:event_id.pdf")
async def _event_pdf(w: World, e: Example | None) -> httpx.Response:
    order = await w.order()
    [booking] = [i["attributes"]["id"] for i in order["items"] if i["type"] == "Event"]
    return await w.document(f"/orders/{order['id']}/events/{booking}.pdf", order["token"])


@call("GET /api/v4/orders/:order_id/invoice.pdf")
async def _invoice(w: World, e: Example | None) -> httpx.Response:
    order = await w.order()
    return await w.document(f"/orders/{order['id']}/invoice.pdf", order["token"])


# --- the cash desk -------------------------------------------------------------------------------


@call("GET /api/v4/events/:event_id/dates/:date_id/bookings")
async def _date_bookings(w: World, e: Example | None) -> httpx.Response:
    await w.desk_order()
    return await w.get(f"/events/{LECTURE}/dates/{DESK_DATE}/bookings", "cashpoint")


# --- annual passes -----------------------------------------------------------------------------


@call("GET /api/v4/annual/order")
async def _annual_order(w: World, e: Example | None) -> httpx.Response:
    _, token = await w.annual()
    return await w.get("/annual/order", token=token)


@call("POST /api/v4/annual/customers")
async def _annual_customer(w: World, e: Example | None) -> httpx.Response:
    _, token = await w.annual()
    return await w.kasse.client.post(
        f"{V4}/annual/customers", params={"token": token}, json={"customer": ANNUAL_CUSTOMER}
    )


@call("PUT /api/v4/annual/personalizations/:id")
async def _personalize(w: World, e: Example | None) -> httpx.Response:
    order, token = await w.annual()
    card = order["items"][0]["attributes"]["personalizations"][0]["id"]
    customer = await w.annual_customer()
    return await bind(w.kasse, token, card, customer, dispatch_mode_id=POST)


@call("PUT /api/v4/annual/ticket_sales/:id")
async def _move_pass(w: World, e: Example | None) -> httpx.Response:
    order, token = await w.annual()
    sale = order["items"][0]["attributes"]["id"]
    start = f"{(w.day + timedelta(days=7)).isoformat()} 10:00:00"
    return await w.kasse.client.put(
        f"{V4}/annual/ticket_sales/{sale}",
        params={"token": token},
        json={"ticket_sale": {"start_at": start}},
    )


# --- entry ---------------------------------------------------------------------------------------


async def _scan(w: World, method: str, path: str) -> httpx.Response:
    """A scan on the day of the world's tickets, a few minutes after opening."""
    clock = w.kasse.clock
    now = clock.now()
    clock.set(datetime.fromisoformat(w.at("10:05")))
    try:
        return await w.kasse.client.request(method, path, headers=w.kasse.auth("cashpoint"))
    finally:
        clock.set(now)


async def _fresh_barcode(w: World) -> str:
    """The barcode of a day ticket, not scanned yet."""
    items = [_item(DAY_TICKET, 1, w.at("10:00"))]
    r = await w.kasse.client.post(
        f"{V4}/orders",
        json={"items": items, "total": PRICES[DAY_TICKET]},
        headers=w.kasse.auth("reseller"),
    )
    assert r.status_code == 200, r.text
    code: str = r.json()["order"]["items"][0]["attributes"]["barcodes"][0]["barcode"]
    return code


async def _entered(w: World) -> str:
    """A barcode of today that went through the turnstile."""
    code = await _fresh_barcode(w)
    admitted = await _scan(w, "PUT", f"/api/v3/barcodes/{code}")
    assert admitted.status_code == 200, admitted.text
    return code


def _refusal(e: Example | None) -> bool:
    """The Status API's second example: "The JSON if an error occured" (422)."""
    return _named(e, f"{STATUS_API} #2")


@call(BARCODE_STATUS)
async def _barcode_status(w: World, e: Example | None) -> httpx.Response:
    if _refusal(e):
        return await _scan(w, "GET", f"/api/v3/barcodes/{await _entered(w)}")
    return await _scan(w, "GET", f"/api/v3/barcodes/{await _fresh_barcode(w)}")


@call(BARCODE_ADMIT)
async def _admit(w: World, e: Example | None) -> httpx.Response:
    if _refusal(e):  # a second entry
        return await _scan(w, "PUT", f"/api/v3/barcodes/{await _entered(w)}")
    # A location in the reference's free-text form: here the name of the ticket's museum.
    where = quote("Museum für Kunst und Geschichte")
    return await _scan(w, "PUT", f"/api/v3/barcodes/{await _fresh_barcode(w)}?location={where}")


@call(BARCODE_EXIT)
async def _exit(w: World, e: Example | None) -> httpx.Response:
    if _refusal(e):  # a barcode that never entered
        return await _scan(w, "PUT", f"/api/v3/barcodes/{await _fresh_barcode(w)}/exit")
    return await _scan(w, "PUT", f"/api/v3/barcodes/{await _entered(w)}/exit")


async def _scan_event(w: World) -> str:
    """The scan event of an admission (its id comes with the scan's answer)."""
    code = await _fresh_barcode(w)
    admitted = await _scan(w, "PUT", f"/api/v3/barcodes/{code}")
    assert admitted.status_code == 200, admitted.text
    return admitted.headers["X-Scan-Id"]


@call(SCAN_GET)
async def _scan_shown(w: World, e: Example | None) -> httpx.Response:
    return await w.get(f"/entry/scans/{await _scan_event(w)}", "cashpoint")


@call(SCAN_PUT)
async def _scan_counted(w: World, e: Example | None) -> httpx.Response:
    # As the reference's curl sends it: a form field.
    return await w.kasse.client.put(
        f"{V4}/entry/scans/{await _scan_event(w)}",
        data={"scan[people_count]": "3"},
        headers=w.kasse.auth("cashpoint"),
    )


ENTRY_ZONE = {"id": "RW50cnlab25lLTAyUmhtWP==", "name": "B7D"}  # the reference's


@call("GET /api/v4/entry/config")
async def _scanner_config(w: World, e: Example | None) -> httpx.Response:
    await w.kasse.load({"entry_zones": [ENTRY_ZONE]})
    return await w.get("/entry/config", "cashpoint", entry_zone=ENTRY_ZONE["id"])
