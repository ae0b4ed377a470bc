"""The order mails, from the HTTP request that queues them to a real SMTP server.

Orders are made and finalized over HTTP; the test then delivers like one round of the sender
(``deliver_due``), so that "no mail" is as certain as "one mail". One test runs the app's own
background sender instead, woken by the commit.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from typing import Any

import httpx
import pypdf
import pytest

from kasse.app import create_app
from kasse.catalog.demo import demo_catalog
from kasse.catalog.loader import load_catalog_data
from kasse.core.auth import create_api_token
from kasse.core.clock import FrozenClock
from kasse.core.db import Instance, open_instances
from kasse.mail import deliver_due
from kasse.settings import Settings
from tests.documents.scan import Decoded, decode_pages, page_texts
from tests.helpers import IS_POSTGRES, truncate_all
from tests.mail.helpers import outbox
from tests.mail.smtp_server import SmtpServer

ORDERS = "/api/v4/orders"
PUBLIC = "https://tickets.museum.example"
PAY = "https://pay.museum.example/checkout/{token}"
PRICES = {1: 1200, 3: 1400, 6: 1900, 9: 2400}
FORMATS = {"ean": "EAN13", "code39": "Code39", "qr": "QRCode"}
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
             "September", "Oktober", "November", "Dezember")  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip
WEEKDAYS_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
EMAIL = "lukas@example.org"
CUSTOMER = {"name": "Lukas", "surname": "Schmidt", "email": EMAIL}
PAYMENT = {"payment_id": "PAY-1", "provider_id": "creditcard"}


@dataclass
class Shop:
    client: httpx.AsyncClient
    instance: Instance
    settings: Settings
    clock: FrozenClock
    smtp: SmtpServer
    tokens: dict[str, str]

    def auth(self, name: str = "two-phase") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def local(self, day: date, clock_time: str) -> str:
        hour, minute = (int(part) for part in clock_time.split(":"))
        return datetime(
            day.year, day.month, day.day, hour, minute, tzinfo=self.instance.tz
        ).isoformat()

    async def deliver(self) -> int:
        """One round of the mail sender."""
        return await deliver_due(self.instance, self.settings, self.clock)


async def _prepare(instance: Instance, clock: FrozenClock) -> dict[str, str]:
    """The demo museum and two reseller tokens (direct and two-phase) on an empty database."""
    if IS_POSTGRES:  # the worker's mail database outlives a test
        await truncate_all(instance)
    async with instance.write_sessions() as session, session.begin():
        await load_catalog_data(session, demo_catalog(clock.now().date()), locale="de")
        return {
            name: await create_api_token(
                session, access="reseller", museum_ids=[], name=name, now=clock.now(), flow=flow
            )
            for name, flow in (("reseller", "direct"), ("two-phase", "two-phase"))
        }


@asynccontextmanager
async def open_shop(
    database_url: str, smtp: SmtpServer, clock: FrozenClock, wallet: str, *, senders: bool
) -> AsyncIterator[Shop]:
    settings = Settings(
        database_url=database_url,
        instances={},
        mail_url=smtp.url,
        mail_from="Museum <tickets@museum.example>",
        public_url=PUBLIC + "/",
        payment_link_url=PAY,
        wallet_dev_folder=wallet,
    )
    app = create_app(settings, clock=clock)
    async with _running(app, settings, senders=senders):
        instance: Instance = app.state.instances[""]
        tokens = await _prepare(instance, clock)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Shop(client, instance, settings, clock, smtp, tokens)


@asynccontextmanager
async def _running(app: Any, settings: Settings, *, senders: bool) -> AsyncIterator[None]:
    """With the lifespan (mail sender and housekeeping loops), or only the instances."""
    if senders:
        async with app.router.lifespan_context(app):
            yield
        return
    app.state.instances = open_instances(settings)
    try:
        yield
    finally:
        for instance in app.state.instances.values():
            await instance.dispose()


@pytest.fixture
async def shop(
    mail_database_url: str, running_smtp: SmtpServer, clock: FrozenClock, tmp_path: Any
) -> AsyncIterator[Shop]:
    wallet = str(tmp_path / "wallet")
    async with open_shop(mail_database_url, running_smtp, clock, wallet, senders=False) as opened:
        yield opened


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


async def finalize(shop: Shop, order: dict[str, Any], **body: Any) -> httpx.Response:
    payload = {"customer": CUSTOMER, "payment": PAYMENT, "completed": True, **body}
    return await shop.client.post(
        f"{ORDERS}/{order['id']}/finalize", json={"order": payload}, headers=shop.auth()
    )


async def finalized(shop: Shop, order: dict[str, Any], **body: Any) -> dict[str, Any]:
    r = await finalize(shop, order, **body)
    assert r.status_code == 200, r.text
    done: dict[str, Any] = r.json()["order"]
    return done


async def only_mail(shop: Shop) -> EmailMessage:
    """Exactly one mail went out in this round, to the customer."""
    assert await shop.deliver() == 1
    assert await shop.deliver() == 0
    [received] = shop.smtp.received
    assert received.rcpt_tos == [EMAIL]
    return received.message


async def assert_no_mail(shop: Shop) -> None:
    assert await shop.deliver() == 0
    assert shop.smtp.received == []


def text_of(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    content: str = body.get_content()
    return content


def pdf_attachments(mail: EmailMessage) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for part in mail.iter_attachments():
        assert part.get_content_type() == "application/pdf"
        files[str(part.get_filename())] = part.get_content()
    return files


def german_day(day: date) -> str:
    return f"{WEEKDAYS_DE[day.weekday()]}, {day.day}. {MONTHS_DE[day.month - 1]} {day.year}"


def english_day(day: date) -> str:
    return f"{day.strftime('%A')}, {day.day} {MONTHS_EN[day.month - 1]} {day.year}"


async def invoice_number(shop: Shop, order: dict[str, Any]) -> str:
    r = await shop.client.get(f"{ORDERS}/{order['id']}/invoices", headers=shop.auth())
    [invoice] = r.json()["invoices"]
    number: str = invoice["number"]
    return number


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
