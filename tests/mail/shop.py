"""The shop of the order mail tests: the app on the mail test database with a real SMTP server,
the demo museum, a direct and a two-phase reseller token, and helpers to finalize and read mail.

Orders are made and finalized over HTTP; a test then delivers like one round of the sender
(``deliver_due``), so that "no mail" is as certain as "one mail".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from typing import Any

import httpx

from kasse.app import create_app
from kasse.catalog.demo import demo_catalog
from kasse.catalog.loader import load_catalog_data
from kasse.core.auth import create_api_token
from kasse.core.clock import FrozenClock
from kasse.core.db import Instance, open_instances
from kasse.mail import deliver_due
from kasse.settings import Settings
from tests.helpers import IS_POSTGRES, NO_CACHES, truncate_all
from tests.mail.smtp_server import SmtpServer

ORDERS = "/api/v4/orders"
PUBLIC = "https://tickets.museum.example"
PAY = "https://pay.museum.example/checkout/{token}"
PERSONALIZE = "https://shop.museum.example/jahreskarte?token={token}"
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
        personalization_url=PERSONALIZE,
        wallet_dev_folder=wallet,
        **NO_CACHES,
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


async def invoice_number(shop: Shop, order: dict[str, Any]) -> str:
    r = await shop.client.get(f"{ORDERS}/{order['id']}/invoices", headers=shop.auth())
    [invoice] = r.json()["invoices"]
    number: str = invoice["number"]
    return number
