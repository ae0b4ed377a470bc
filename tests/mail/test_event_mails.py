"""The confirmation of an order with event bookings: each booking in the text (title, date, place,
seats) with its link, and its booking PDF attached. From the HTTP request to a real SMTP server, as
in ``test_order_mails.py``; the demo museum's lecture (one price) and concert (a seating plan)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from tests.documents.scan import Decoded, decode_pages, page_texts
from tests.mail.shop import (
    ORDERS,
    PUBLIC,
    Shop,
    finalize,
    finalized,
    invoice_number,
    only_mail,
    pdf_attachments,
    text_of,
)
from tests.mail.test_order_mails import FORMATS, english_day, german_day, item

# the demo's first lecture date (8,00 €, 60 minutes) and first concert date (seat A1: 35,00 €)
LECTURE_DATE, CONCERT_DATE, SEAT_A1, STALLS = 101, 301, 1001, 21


def lecture(places: int) -> dict[str, Any]:
    return {"type": "Event", "attributes": {"id": LECTURE_DATE, "quantity": places}}


def concert_seat() -> dict[str, Any]:
    seat = {"seat_id": SEAT_A1, "scale_price_id": STALLS}
    return {"type": "Event", "attributes": {"id": CONCERT_DATE, "seats": [seat]}}


async def created(shop: Shop, items: list[dict[str, Any]], total: int, locale: str) -> Any:
    r = await shop.client.post(
        f"{ORDERS}?locale={locale}", json={"items": items, "total": total}, headers=shop.auth()
    )
    assert r.status_code == 200, r.text
    return r.json()["order"]


def day_of(booking: dict[str, Any]) -> date:
    return datetime.fromisoformat(booking["start_time"]).date()


TEXTS = {
    "de": (
        "Ihre Buchungsbestätigungen hängen als PDF an, eine Datei je Veranstaltungsbuchung.",
        "2. 2 × Das Gold der Inka – 16,00 €",
        "3. 1 × Barockmusik der Anden – 35,00 €",
        "Museum für Kunst und Geschichte, Bodestraße, 10178 Berlin",
        "Plätze: A1 (Reihe A), Parkett",
        "Buchungsbestätigung (PDF): ",
        "Bitte bringen Sie Ihre Tickets ausgedruckt oder auf dem Smartphone mit.",
        "Gesamtbetrag: 65,00 €",
    ),
    "en": (
        "Your booking confirmations are attached as PDF files, one per event booking.",
        "2. 2 × The Gold of the Incas – €16.00",
        "3. 1 × Baroque music of the Andes – €35.00",
        "Museum für Kunst und Geschichte, Bodestraße, 10178 Berlin",
        "Seats: A1 (row A), Parkett",  # the seating plan names its categories once
        "Booking confirmation (PDF): ",
        "Please bring your tickets, printed or on your phone.",
        "Total: €65.00",
    ),
}


@pytest.mark.parametrize("locale", ["de", "en"])
async def test_the_confirmation_lists_the_bookings_and_attaches_their_pdfs(
    shop: Shop, day: date, locale: str
) -> None:
    items = [item(3, 1, shop.local(day, "10:00")), lecture(2), concert_seat()]
    order = await created(shop, items, 1400 + 1600 + 3500, locale)
    done = await finalized(shop, order)
    number = await invoice_number(shop, order)
    mail = await only_mail(shop)

    body = text_of(mail)
    show_day = german_day if locale == "de" else english_day
    _, talk, concert = (i["attributes"] for i in done["items"])
    for text in (
        *TEXTS[locale],
        f"{show_day(day_of(talk))}, 18:30–19:30",
        f"{show_day(day_of(concert))}, 17:00–18:30",
    ):
        assert text in body, text

    base = f"{PUBLIC}/api/v4/orders/{order['id']}"
    attachments = pdf_attachments(mail)
    for booking in (talk, concert):
        link = f"{base}/events/{booking['id']}.pdf?token={order['token']}"
        assert link in body
        pdf = attachments.pop(f"event-{order['id']}-{booking['id']}.pdf")
        scanned = [[Decoded(c["barcode"], FORMATS[c["method"]])] for c in booking["barcodes"]]
        assert decode_pages(pdf) == scanned
        r = await shop.client.get(link.removeprefix(PUBLIC))
        assert r.status_code == 200, r.text
        assert decode_pages(r.content) == scanned
    invoice = "\n".join(page_texts(attachments.pop(f"invoice-{number}.pdf")))
    assert ("Parkett" if locale == "de" else "Stalls") in invoice
    assert set(attachments) == {f"tickets-{order['id']}-{done['items'][0]['attributes']['id']}.pdf"}


async def test_the_payment_link_of_event_bookings_says_their_places_are_held(
    shop: Shop, day: date
) -> None:
    order = await created(shop, [concert_seat()], 3500, "de")
    r = await finalize(shop, order, pay_by_link=True, completed=False, payment=None)
    assert r.status_code == 200, r.text
    mail = await only_mail(shop)
    assert list(mail.iter_attachments()) == []
    body = text_of(mail)
    for text in (
        "Bis dahin halten wir die Plätze für Sie frei.",
        "1. 1 × Barockmusik der Anden – 35,00 €",
        "Plätze: A1 (Reihe A), Parkett",
        "Betrag: 35,00 €",
    ):
        assert text in body, text
    assert "Buchungsbestätigung (PDF)" not in body  # no documents before it is paid
