"""The documents of event bookings: the booking PDF (one page per participant or seat, read back
like a printer and a scanner would), who may open it, and the invoice's lines per price."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from kasse.catalog.snapshot import load_catalog
from kasse.documents import InvoiceData, InvoiceLine
from kasse.documents.invoices import invoice_data
from kasse.documents.service import open_documents
from kasse.models import Barcode
from tests.conftest import Kasse
from tests.documents.scan import Decoded, decode_pages, page_texts
from tests.documents.test_routes import (
    FORMATS,
    ORDERS,
    assert_not_found,
    english_day,
    fetch,
    finalize,
    german_day,
    item,
    pdf_of,
)
from tests.events.booking import (
    A1,
    A2,
    B1,
    CIRCLE,
    CONCERT_DATE,
    GROUP,
    LECTURE_DATE,
    REDUCED,
    REGULAR,
    STALLS,
    WORKSHOP_DATE,
    book,
    event_items,
    load_events,
    order,
    quantities,
    quantity,
    seats,
)

HOUSE = "Veranstaltungshaus"
ADDRESS = {"name": "Großer Saal", "street": "Am Markt 1", "zip": "10117", "city": "Berlin"}
PLACE = "Ort: Großer Saal, Am Markt 1, 10117 Berlin"


@pytest.fixture
async def events(kasse: Kasse) -> date:
    """The events museum with an address; the day of its dates."""
    return await load_events(kasse, location=ADDRESS)


def event_url(order: dict[str, Any], booking: dict[str, Any], token: str | None = "") -> str:
    url = f"{ORDERS}/{order['id']}/events/{booking['id']}.pdf"
    token = order["token"] if token == "" else token
    return url if token is None else f"{url}?token={token}"


def codes(booking: dict[str, Any]) -> list[list[Decoded]]:
    """What a scanner reads on each page, in order: the booking's barcodes, one a page."""
    return [[Decoded(b["barcode"], FORMATS[b["method"]])] for b in booking["barcodes"]]


async def finalized(kasse: Kasse, items: list[dict[str, Any]], total: int) -> dict[str, Any]:
    """A two-phase order, finalized with the customer and a payment."""
    created = await order(kasse, items, total, who="two-phase")
    assert created.status_code == 200, created.text
    r = await finalize(kasse, created.json()["order"])
    assert r.status_code == 200, r.text
    done: dict[str, Any] = r.json()["order"]
    return done


async def invoice_of(kasse: Kasse, done: dict[str, Any]) -> InvoiceData:
    """The invoice of an order as its PDF is made of."""
    async with kasse.instance.read_sessions() as session:
        catalog = await load_catalog(session, kasse.instance)
        docs = await open_documents(
            session, catalog, kasse.instance, str(done["id"]), done["token"], kasse.clock.now()
        )
        return invoice_data(docs)


async def seat_of_barcode(kasse: Kasse) -> dict[str, int | None]:
    async with kasse.instance.read_sessions() as session:
        rows = await session.execute(select(Barcode.barcode, Barcode.seat_id))
        return {barcode: seat_id for barcode, seat_id in rows}


# --- the booking PDF -----------------------------------------------------------------------------


async def test_a_booking_has_a_page_per_participant_with_date_place_and_price(
    kasse: Kasse, events: date
) -> None:
    done = await book(kasse, [quantity(LECTURE_DATE, 3)], 2400)
    [booking] = event_items(done)
    pdf = await pdf_of(kasse, event_url(done, booking))

    assert decode_pages(pdf) == codes(booking)
    assert [c.format for c in codes(booking)[0]] == ["EAN13"]  # the museum's method
    texts = page_texts(pdf)
    assert len(texts) == 3
    for number, text in enumerate(texts, 1):
        for expected in (
            HOUSE,
            "Am Markt 1",
            "10117 Berlin",
            "Buchungsbestätigung",
            "Vortrag",
            german_day(events),
            "Uhrzeit: 18:00–19:00 (60 Minuten)",
            PLACE,
            f"Person {number} von 3",
            "Preis: 8,00 €",
            f"Bestellung: {done['id']}",
        ):
            assert expected in text, expected
        assert "Platz" not in text


async def test_a_seat_has_its_page_with_row_category_and_price(kasse: Kasse, events: date) -> None:
    done = await book(kasse, [seats(CONCERT_DATE, (A1, STALLS), (B1, CIRCLE))], 5000)
    [booking] = event_items(done)
    pdf = await pdf_of(kasse, event_url(done, booking))

    assert decode_pages(pdf) == codes(booking)
    seat_of = await seat_of_barcode(kasse)
    expected = {
        A1: ("Platz: A1 (Reihe 1), Parkett", "Preis: 30,00 € (Parkett)"),
        B1: ("Platz: B1 (Reihe 2), Rang", "Preis: 20,00 € (Rang)"),
    }
    texts = page_texts(pdf)
    assert len(texts) == 2
    for code, text in zip(booking["barcodes"], texts, strict=True):
        for line in (*expected[seat_of[code["barcode"]]], "Konzert", "Uhrzeit: 19:00–20:00", PLACE):
            assert line in text, line
        assert "Person" not in text
    assert {seat_of[c["barcode"]] for c in booking["barcodes"]} == {A1, B1}


async def test_each_place_shows_its_scale_price_and_a_group_price_is_the_groups(
    kasse: Kasse, events: date
) -> None:
    done = await book(kasse, [quantities(WORKSHOP_DATE, {REGULAR: 2, REDUCED: 1})], 6500)
    [booking] = event_items(done)
    pdf = await pdf_of(kasse, event_url(done, booking))
    prices = [
        next(line for line in text.splitlines() if line.startswith("Preis:"))
        for text in page_texts(pdf)
    ]
    assert prices == [
        "Preis: 25,00 € (Regulär)",
        "Preis: 25,00 € (Regulär)",
        "Preis: 15,00 € (Ermäßigt)",
    ]
    assert decode_pages(pdf) == codes(booking)

    group = await book(kasse, [quantities(WORKSHOP_DATE, {GROUP: 3})], 12000)
    [booking] = event_items(group)
    texts = page_texts(await pdf_of(kasse, event_url(group, booking)))
    assert len(texts) == 3
    assert all("Preis: 120,00 € (Gruppe, für die ganze Gruppe)" in text for text in texts)


async def test_an_english_order_gets_an_english_booking_confirmation(
    kasse: Kasse, events: date
) -> None:
    r = await kasse.client.post(
        f"{ORDERS}?locale=en",
        json={"items": [quantities(WORKSHOP_DATE, {REDUCED: 1})], "total": 1500},
        headers=kasse.auth("reseller"),
    )
    assert r.status_code == 200, r.text
    done = r.json()["order"]
    [booking] = event_items(done)
    [text] = page_texts(await pdf_of(kasse, event_url(done, booking)))
    for expected in (
        "Booking confirmation",
        english_day(events),
        "Time: 11:00–12:00 (60 minutes)",
        "Place: Großer Saal, Am Markt 1, 10117 Berlin",
        "Person 1 of 1",
        "Price: €15.00 (Ermäßigt)",
        f"Order: {done['id']}",
    ):
        assert expected in text, expected


async def test_the_orders_reference_and_the_museums_barcode_method_are_printed(
    kasse: Kasse,
) -> None:
    await load_events(kasse, barcode_method="code39")
    r = await order(kasse, [quantity(LECTURE_DATE, 2)], 1600, reference="Klasse 7b")
    assert r.status_code == 200, r.text
    done = r.json()["order"]
    [booking] = event_items(done)
    assert {b["method"] for b in booking["barcodes"]} == {"code39"}
    pdf = await pdf_of(kasse, event_url(done, booking))
    assert decode_pages(pdf) == codes(booking)
    assert all("Ihre Referenz: Klasse 7b" in text for text in page_texts(pdf))
    assert all("Ort:" not in text for text in page_texts(pdf))  # no address: no place line


# --- who may open it -----------------------------------------------------------------------------


async def test_only_the_orders_own_token_opens_its_bookings(kasse: Kasse, events: date) -> None:
    done = await book(kasse, [quantity(LECTURE_DATE, 1)], 800)
    other = await book(kasse, [quantity(LECTURE_DATE, 1)], 800)
    [booking], [other_booking] = event_items(done), event_items(other)
    unknown = await assert_not_found(kasse, f"{ORDERS}/2000000/events/{booking['id']}.pdf?token=x")
    for url in (
        event_url(done, booking, token=None),
        event_url(done, booking, token="wrong"),
        event_url(done, booking, token=done["token"][:-1]),
        event_url(done, booking, token=other["token"]),
        event_url(done, booking, token=kasse.tokens["reseller"]),
        f"{ORDERS}/{other['token']}/events/{booking['id']}.pdf?token={done['token']}",
    ):
        assert await assert_not_found(kasse, url) == unknown, url
    await assert_not_found(kasse, event_url(done, other_booking))  # a booking of another order
    ticket = await book(kasse, [item(3, 1, kasse.local(events, "10:00"))], 1400)
    sale = ticket["items"][0]["attributes"]
    await assert_not_found(kasse, event_url(ticket, sale))  # a ticket sale is no booking
    r = await kasse.client.get(event_url(done, booking, token=None), headers=kasse.auth("user"))
    assert r.status_code == 404  # an API token does not replace the order's token


async def test_a_booking_has_its_pdf_once_the_order_is_binding(kasse: Kasse, events: date) -> None:
    created = await order(kasse, [quantity(LECTURE_DATE, 2)], 1600, who="two-phase")
    assert created.status_code == 200, created.text
    draft = created.json()["order"]
    [booking] = event_items(draft)
    assert booking["barcodes"] == []
    await assert_not_found(kasse, event_url(draft, booking))

    r = await finalize(kasse, draft)
    assert r.status_code == 200, r.text
    [booking] = event_items(r.json()["order"])
    assert len(booking["barcodes"]) == 2
    assert decode_pages(await pdf_of(kasse, event_url(draft, booking))) == codes(booking)


async def test_a_cancelled_booking_has_no_pdf_and_the_others_keep_theirs(
    kasse: Kasse, events: date
) -> None:
    done = await book(
        kasse, [quantity(LECTURE_DATE, 1), seats(CONCERT_DATE, (A1, STALLS))], 800 + 3000
    )
    kept, gone = event_items(done)
    r = await kasse.client.post(
        f"{ORDERS}/{done['id']}/cancellations",
        json={"order_item_ids": [done["items"][1]["id"]]},
        headers=kasse.auth("reseller"),
    )
    assert r.status_code == 200, r.text
    await assert_not_found(kasse, event_url(done, gone))
    assert decode_pages(await pdf_of(kasse, event_url(done, kept))) == codes(kept)

    r = await kasse.client.post(
        f"{ORDERS}/{done['id']}/cancellations", headers=kasse.auth("reseller")
    )
    assert r.status_code == 200, r.text
    await assert_not_found(kasse, event_url(done, kept))


async def test_a_cancelled_seat_leaves_the_pdf_and_the_invoice(kasse: Kasse, events: date) -> None:
    done = await finalized(kasse, [seats(CONCERT_DATE, (A1, STALLS), (B1, CIRCLE))], 5000)
    [booking] = event_items(done)
    cancel = {"seats": [{"order_item_id": done["items"][0]["id"], "seat_id": B1}]}
    r = await kasse.client.post(
        f"{ORDERS}/{done['id']}/cancellations", json=cancel, headers=kasse.auth("two-phase")
    )
    assert r.status_code == 200, r.text
    seat_of = await seat_of_barcode(kasse)
    [kept] = [c for c in booking["barcodes"] if seat_of.get(c["barcode"]) == A1]

    pdf = await pdf_of(kasse, event_url(done, booking))
    assert decode_pages(pdf) == [[Decoded(kept["barcode"], FORMATS[kept["method"]])]]
    [text] = page_texts(pdf)
    assert "Platz: A1 (Reihe 1), Parkett" in text and "Rang" not in text
    day = events.strftime("%d.%m.%Y")
    assert (await invoice_of(kasse, done)).lines == [
        InvoiceLine(f"Konzert – Parkett – {day}, 19:00", 1, 3000, 3000, 0.0, True)
    ]


# --- the invoice ---------------------------------------------------------------------------------


async def test_the_invoice_has_a_line_per_price_and_vat_per_rate_across_items(
    kasse: Kasse, events: date
) -> None:
    done = await finalized(
        kasse,
        [
            quantities(WORKSHOP_DATE, {REGULAR: 2, REDUCED: 1}),  # 50,00 € at 19 %, 15,00 € at 7 %
            item(3, 1, kasse.local(events, "10:00")),  # a ticket: 14,00 € at 7 %
            quantity(LECTURE_DATE, 1),  # 8,00 € at 0 %
        ],
        6500 + 1400 + 800,
    )
    day = events.strftime("%d.%m.%Y")
    invoice = await invoice_of(kasse, done)
    assert invoice.lines == [
        InvoiceLine(f"Werkstatt – Regulär – {day}, 11:00", 2, 2500, 5000, 19.0, True),
        InvoiceLine(f"Werkstatt – Ermäßigt – {day}, 11:00", 1, 1500, 1500, 7.0, True),
        InvoiceLine(f"Zeitfenster regulär – {day}, 10:00", 1, 1400, 1400, 7.0, True),
        InvoiceLine(f"Vortrag – {day}, 18:00", 1, 800, 800, 0.0, True),
    ]
    assert invoice.delivery_date == events

    r = await fetch(kasse, f"{ORDERS}/{done['id']}/invoice.pdf?token={done['token']}")
    assert r.status_code == 200, r.text
    text = "\n".join(page_texts(r.content))
    for expected in (
        f"Werkstatt – Regulär – {day}, 11:00",
        f"Werkstatt – Ermäßigt – {day}, 11:00",
        f"Vortrag – {day}, 18:00",
        # per rate: 5000 gross incl. 19 % = 4202 net + 798 VAT; 1500 + 1400 incl. 7 % = 2710
        # net + 190 VAT; 800 at 0 %
        "42,02 €",
        "7,98 €",
        "27,10 €",
        "1,90 €",
        "87,00 €",
    ):
        assert expected in text, expected


async def test_a_group_price_is_one_line_of_one_and_seats_a_line_per_price(
    kasse: Kasse, events: date
) -> None:
    day = events.strftime("%d.%m.%Y")
    group = await finalized(kasse, [quantities(WORKSHOP_DATE, {GROUP: 4})], 12000)
    assert (await invoice_of(kasse, group)).lines == [
        InvoiceLine(f"Werkstatt – Gruppe – {day}, 11:00", 1, 12000, 12000, 19.0, True)
    ]
    concert = await finalized(
        kasse, [seats(CONCERT_DATE, (A1, STALLS), (B1, CIRCLE), (A2, STALLS))], 8000
    )
    assert (await invoice_of(kasse, concert)).lines == [
        InvoiceLine(f"Konzert – Parkett – {day}, 19:00", 2, 3000, 6000, 0.0, True),
        InvoiceLine(f"Konzert – Rang – {day}, 19:00", 1, 2000, 2000, 0.0, True),
    ]
