"""The order mails, from the HTTP request that queues them to a real SMTP server.

Orders are made and finalized over HTTP; the test then delivers like one round of the sender
(``deliver_due``), so that "no mail" is as certain as "one mail". One test runs the app's own
background sender instead, woken by the commit.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pypdf
import pytest

from kasse.catalog.loader import load_catalog_data
from kasse.core.clock import FrozenClock
from tests.documents.scan import Decoded, decode_pages, page_texts
from tests.mail.helpers import outbox
from tests.mail.shop import (
    EMAIL,
    ORDERS,
    PAY,
    PERSONALIZE,
    PUBLIC,
    Shop,
    assert_no_mail,
    finalize,
    finalized,
    invoice_number,
    only_mail,
    open_shop,
    pdf_attachments,
    text_of,
)
from tests.mail.smtp_server import SmtpServer

PRICES = {1: 1200, 3: 1400, 6: 1900, 8: 4500, 9: 2400}
FORMATS = {"ean": "EAN13", "code39": "Code39", "qr": "QRCode"}
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
             "September", "Oktober", "November", "Dezember")  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip
WEEKDAYS_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def item(ticket_id: int, quantity: int, time: str, **attrs: Any) -> dict[str, Any]:
    return {
        "type": "Ticket",
        "attributes": {"id": ticket_id, "quantity": quantity, "time": time, **attrs},
    }


def combined(shop: Shop, day: date) -> dict[str, Any]:
    subs = {"61": shop.local(day, "10:00"), "62": shop.local(day, "11:30")}
    return item(6, 1, shop.local(day, "10:00"), sub_ticket_times=subs)


async def created(shop: Shop, *items: dict[str, Any], locale: str = "de") -> dict[str, Any]:
    total = sum(PRICES[i["attributes"]["id"]] * i["attributes"]["quantity"] for i in items)
    r = await shop.client.post(
        f"{ORDERS}?locale={locale}",
        json={"items": list(items), "total": total},
        headers=shop.auth(),
    )
    assert r.status_code == 200, r.text
    order: dict[str, Any] = r.json()["order"]
    assert order["status"] == "created"
    return order


def german_day(day: date) -> str:
    return f"{WEEKDAYS_DE[day.weekday()]}, {day.day}. {MONTHS_DE[day.month - 1]} {day.year}"


def english_day(day: date) -> str:
    return f"{day.strftime('%A')}, {day.day} {MONTHS_EN[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Expected:
    subject: str
    texts: tuple[str, ...]
    day: Callable[[date], str]
    title: str


CONFIRMATION = {
    "de": Expected(
        subject="Ihre Tickets – Bestellung {id}",
        texts=("Guten Tag Lukas Schmidt,", "Gesamtbetrag: 47,00 €", "Subticket Museum: 10:00",
               "2 × Zeitfenster regulär – 28,00 €", "Rechnung", "Apple Wallet"),
        day=german_day,
        title="Zeitfenster regulär",
    ),
    "en": Expected(
        subject="Your tickets – order {id}",
        texts=("Hello Lukas Schmidt,", "Total: €47.00", "Sub ticket museum: 10:00",
               "2 × Time slot regular – €28.00", "Invoice", "Apple Wallet"),
        day=english_day,
        title="Time slot regular",
    ),
}  # fmt: skip


@pytest.mark.parametrize("locale", ["de", "en"])
async def test_the_confirmation_carries_links_and_the_tickets(
    shop: Shop, day: date, locale: str
) -> None:
    order = await created(
        shop, item(3, 2, shop.local(day, "10:00")), combined(shop, day), locale=locale
    )
    done = await finalized(shop, order)
    number = await invoice_number(shop, order)
    mail = await only_mail(shop)

    expected = CONFIRMATION[locale]
    assert mail["Subject"] == expected.subject.format(id=order["id"])
    assert mail["To"] == EMAIL
    text_part = mail.get_body(("plain",))
    assert text_part is not None and text_part["Content-Language"] == locale
    body = text_of(mail)
    for text in (*expected.texts, expected.day(day), "10:00–10:30", number):
        assert text in body, text

    base = f"{PUBLIC}/api/v4/orders/{order['id']}"
    token = f"?token={order['token']}"
    assert f"{base}/invoice.pdf{token}" in body
    attachments = pdf_attachments(mail)
    for item_shape in done["items"]:
        sale = item_shape["attributes"]
        link = f"{base}/tickets/{sale['id']}.pdf{token}"
        assert link in body
        for code in sale["barcodes"]:
            assert f"{base}/tickets/{sale['id']}/passbooks/{code['barcode']}.pkpass{token}" in body
        # the attachment is the ticket PDF of that sale: its barcodes scan back, in order
        pdf = attachments.pop(f"tickets-{order['id']}-{sale['id']}.pdf")
        assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == len(sale["barcodes"])
        assert decode_pages(pdf) == [
            [Decoded(code["barcode"], FORMATS[code["method"]])] for code in sale["barcodes"]
        ]
        # and the link in the mail serves the same tickets
        r = await shop.client.get(link.removeprefix(PUBLIC))
        assert r.status_code == 200, r.text
        assert decode_pages(r.content) == decode_pages(pdf)
    invoice = attachments.pop(f"invoice-{number}.pdf")
    assert number in "\n".join(page_texts(invoice))
    assert attachments == {}
    assert expected.title in "\n".join(page_texts(invoice))


PERSONALIZE_TEXTS = {
    "de": "Personalisieren Sie Ihre Jahreskarten: Geben Sie hier an, auf wen jede Karte",
    "en": "Personalize your annual passes: tell us here whose name each card carries",
}


@pytest.mark.parametrize("locale", ["de", "en"])
async def test_the_confirmation_of_annual_passes_links_to_their_personalization(
    shop: Shop, day: date, locale: str
) -> None:
    order = await created(
        shop, item(8, 2, shop.local(day, "10:00")), item(3, 1, shop.local(day, "10:00")),
        locale=locale,
    )  # fmt: skip
    await finalized(shop, order)
    body = text_of(await only_mail(shop))
    assert PERSONALIZE_TEXTS[locale] in body
    [token] = re.findall(re.escape(PERSONALIZE.format(token="")) + r"([A-Za-z0-9_-]+)", body)
    assert token != order["token"]
    r = await shop.client.get("/api/v4/annual/order", params={"token": token})
    assert r.status_code == 200, r.text
    shown = r.json()["order"]
    assert shown["id"] == order["id"] and shown["customer"]["email"] == EMAIL
    [sale] = shown["ticket_sales"]
    assert len(sale["personalizations"]) == 2


async def test_a_confirmation_without_annual_passes_has_no_personalization_link(
    shop: Shop, day: date
) -> None:
    order = await created(shop, item(3, 1, shop.local(day, "10:00")))
    await finalized(shop, order)
    body = text_of(await only_mail(shop))
    assert PERSONALIZE.format(token="") not in body
    assert PERSONALIZE_TEXTS["de"] not in body


async def test_suppress_mail_sends_nothing(shop: Shop, day: date) -> None:
    order = await created(shop, item(3, 1, shop.local(day, "10:00")))
    await finalized(shop, order, suppress_mail=True)
    assert await outbox(shop.instance) == []
    await assert_no_mail(shop)


async def test_an_order_without_a_customer_email_sends_nothing(shop: Shop, day: date) -> None:
    order = await created(shop, item(3, 1, shop.local(day, "10:00")))
    await finalized(shop, order, customer={"name": "Ohne", "surname": "Adresse"})
    await assert_no_mail(shop)


async def test_pay_by_link_mails_the_link_with_amount_and_deadline(shop: Shop, day: date) -> None:
    order = await created(shop, item(3, 2, shop.local(day, "10:00")))
    done = await finalized(shop, order, pay_by_link=True, completed=False, payment=None)
    assert done["status"] == "created" and done["pay_by_link"] is True
    mail = await only_mail(shop)

    assert mail["Subject"] == f"Bitte bezahlen Sie Ihre Bestellung {order['id']}"
    assert list(mail.iter_attachments()) == []
    body = text_of(mail)
    deadline = datetime.fromisoformat(done["expires_at"])  # in the instance's zone
    for text in (
        PAY.format(token=order["token"]),
        "Betrag: 28,00 €",
        f"Zahlbar bis: {german_day(deadline.date())}, {deadline:%H:%M} Uhr",
        "2 × Zeitfenster regulär – 28,00 €",
    ):
        assert text in body, text


async def test_pay_by_link_in_english(shop: Shop, day: date) -> None:
    order = await created(shop, item(3, 1, shop.local(day, "10:00")), locale="en")
    done = await finalized(shop, order, pay_by_link=True, completed=False)
    mail = await only_mail(shop)
    assert mail["Subject"] == f"Please pay for your order {order['id']}"
    deadline = datetime.fromisoformat(done["expires_at"])
    body = text_of(mail)
    assert f"Payable by: {english_day(deadline.date())}, {deadline:%H:%M}" in body
    assert "Amount: €14.00" in body and PAY.format(token=order["token"]) in body


async def test_a_finalize_that_fails_sends_no_mail(shop: Shop, day: date) -> None:
    order = await created(shop, item(9, 3, shop.local(day, "11:00"), attendees=[
        {"name": "A", "surname": "B"}, {"name": "C", "surname": "D"}, {"name": "E", "surname": "F"},
    ]))  # fmt: skip
    # The curator's tour shrinks below the places the order holds: finalize is sold out.
    async with shop.instance.write_sessions() as session, session.begin():
        quota = {"id": 6, "title": "Kuratorenführung", "capacity": 2}
        await load_catalog_data(session, {"quotas": [quota]}, locale="de")
    r = await finalize(shop, order)
    assert r.status_code == 422, r.text
    assert await outbox(shop.instance) == []
    await assert_no_mail(shop)
    r = await shop.client.get(f"{ORDERS}/{order['id']}", headers=shop.auth())
    assert r.json()["order"]["customer_id"] is None  # the whole finalize was rolled back


async def test_a_confirmation_of_an_order_cancelled_before_sending_is_dropped(
    shop: Shop, day: date
) -> None:
    order = await created(shop, item(3, 1, shop.local(day, "10:00")))
    await finalized(shop, order)
    r = await shop.client.post(f"{ORDERS}/{order['id']}/cancellations", headers=shop.auth())
    assert r.status_code == 200, r.text
    await assert_no_mail(shop)
    [message] = await outbox(shop.instance)
    assert (message.status, message.attempts) == ("failed", 1)  # permanent: never retried
    assert message.last_error is not None and "cancelled" in message.last_error


async def test_the_apps_own_sender_mails_the_confirmation_after_commit(
    mail_database_url: str, running_smtp: SmtpServer, clock: FrozenClock, day: date, tmp_path: Any
) -> None:
    wallet = str(tmp_path / "wallet")
    async with open_shop(mail_database_url, running_smtp, clock, wallet, senders=True) as shop:
        order = await created(shop, item(1, 1, shop.local(day, "12:00")))
        await finalized(shop, order)
        await running_smtp.wait_for(1)
    [mail] = running_smtp.messages()
    assert mail["Subject"] == f"Ihre Tickets – Bestellung {order['id']}"
    assert "Bitte halten Sie Ihr Ticket am Eingang bereit." in text_of(mail)
