"""The mails of an order: the confirmation with its tickets attached, and the payment link.

Finalize queues them (``orders/lifecycle.py``); they are composed when sent, from the order as it
is then, in the order's language. A mail whose occasion passed in between is not sent: the
confirmation of an order cancelled before it went out, the payment link of an order that is no
longer waiting for its payment. The composer raises :class:`MailObsolete` then, a permanent
failure: the outbox records the reason and never retries it.

The confirmation attaches one ticket PDF per ticket item (the same file its link serves) and the
invoice PDF when the order has one.
"""

from __future__ import annotations

import asyncio
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.snapshot import load_catalog
from kasse.core.db import Instance
from kasse.documents import format_money, render_invoice_pdf, render_ticket_pdf
from kasse.documents.data import Locale
from kasse.documents.service import (
    DocumentLinks,
    OrderDocuments,
    SaleEntry,
    SaleLinks,
    attendee_names,
    clock_time,
    document_links,
    invoice_data,
    invoice_filename,
    load_documents,
    location_text,
    long_date,
    person_name,
    sub_ticket_lines,
    ticket_filename,
    ticket_pages,
    visit_texts,
)
from kasse.mail.backends import PermanentMailError
from kasse.mail.outbox import composer
from kasse.models import Order, OutboxMessage

INDENT = "   "

TEXTS: dict[Locale, dict[str, str]] = {
    "de": {
        "confirmation_subject": "Ihre Tickets – Bestellung {order}",
        "payment_subject": "Bitte bezahlen Sie Ihre Bestellung {order}",
        "hello": "Guten Tag{name},",
        "thanks": (
            "vielen Dank für Ihre Bestellung {order}. Ihre Tickets hängen dieser E-Mail als PDF "
            "an, eine Datei je Ticketposition."
        ),
        "names": "Namen",
        "tickets": "Tickets (PDF)",
        "wallet": "Apple Wallet",
        "info": "Hinweise",
        "total": "Gesamtbetrag",
        "invoice": "Rechnung {number} (PDF)",
        "bring": "Bitte bringen Sie Ihre Tickets ausgedruckt oder auf dem Smartphone mit.",
        "pay": "bitte bezahlen Sie Ihre Bestellung {order} über diesen Link:",
        "amount": "Betrag",
        "deadline": "Zahlbar bis",
        "clock": "{time} Uhr",
        "hold": (
            "Bis dahin halten wir die Plätze für Sie frei. Ohne Zahlung verfällt die Bestellung "
            "danach, und die Plätze werden wieder freigegeben."
        ),
        "your_order": "Ihre Bestellung:",
        "goodbye": "Mit freundlichen Grüßen\n{museum}",
    },
    "en": {
        "confirmation_subject": "Your tickets – order {order}",
        "payment_subject": "Please pay for your order {order}",
        "hello": "Hello{name},",
        "thanks": (
            "thank you for your order {order}. Your tickets are attached to this email as PDF "
            "files, one per ticket item."
        ),
        "names": "Names",
        "tickets": "Tickets (PDF)",
        "wallet": "Apple Wallet",
        "info": "Information",
        "total": "Total",
        "invoice": "Invoice {number} (PDF)",
        "bring": "Please bring your tickets, printed or on your phone.",
        "pay": "please pay for your order {order} with this link:",
        "amount": "Amount",
        "deadline": "Payable by",
        "clock": "{time}",
        "hold": (
            "We hold your places until then. Without payment the order lapses afterwards and "
            "the places are released."
        ),
        "your_order": "Your order:",
        "goodbye": "Kind regards\n{museum}",
    },
}


class MailObsolete(PermanentMailError):
    """The mail's occasion has passed (the order was cancelled, or paid): it is not sent."""


async def _documents(
    session: AsyncSession, message: OutboxMessage, instance: Instance
) -> OrderDocuments:
    order_id = int(message.payload["order_id"])
    order = await session.get(Order, order_id)
    if order is None:
        raise MailObsolete(f"order {order_id} no longer exists")
    catalog = await load_catalog(session, instance)
    return await load_documents(session, catalog, instance, order)


def _new_mail(docs: OrderDocuments, subject_key: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = TEXTS[docs.locale][subject_key].format(order=docs.order.id)
    mail.set_content(body)
    # after set_content, which clears Content-* headers; attachments move it to the text part
    mail["Content-Language"] = docs.locale
    return mail


def _greeting(docs: OrderDocuments) -> str:
    customer = docs.customer
    name = person_name({"name": customer.name, "surname": customer.surname}) if customer else None
    return TEXTS[docs.locale]["hello"].format(name=f" {name}" if name else "")


def _goodbye(docs: OrderDocuments) -> str:
    museum = docs.museum_name(docs.sales[0]) if docs.sales else ""
    return TEXTS[docs.locale]["goodbye"].format(museum=museum).strip()


def _item_lines(docs: OrderDocuments, position: int, entry: SaleEntry) -> list[str]:
    """What was bought and when: "1. 2 × Zeitfenster regulär – 28,00 €" and the visit below."""
    money = format_money(entry.item.price_cents, locale=docs.locale)
    date_text, slot_text = visit_texts(docs, entry)
    when = f"{date_text}, {slot_text}" if slot_text else date_text
    lines = [f"{position}. {entry.sale.quantity} × {entry.sale.title} – {money}", when]
    lines += sub_ticket_lines(docs, entry)
    lines.append(location_text(docs, entry))
    names = attendee_names(entry)
    if names:
        lines.append(f"{TEXTS[docs.locale]['names']}: {', '.join(names)}")
    return [lines[0], *(INDENT + line for line in lines[1:] if line)]


def _document_lines(docs: OrderDocuments, entry: SaleEntry, links: SaleLinks) -> list[str]:
    texts = TEXTS[docs.locale]
    lines = [f"{texts['tickets']}: {links.tickets_pdf}", f"{texts['wallet']}:"]
    lines += [INDENT + link for link in links.passbooks]
    ticket = docs.ticket(entry)
    info = docs.text(ticket.row.after_sale_information) if ticket else None
    if info:
        lines.append(f"{texts['info']}: {info}")
    return [INDENT + line for line in lines]


def confirmation_body(docs: OrderDocuments, links: DocumentLinks) -> str:
    texts = TEXTS[docs.locale]
    blocks = [_greeting(docs), texts["thanks"].format(order=docs.order.id)]
    for position, (entry, sale_links) in enumerate(zip(docs.sales, links.sales, strict=True), 1):
        lines = _item_lines(docs, position, entry) + _document_lines(docs, entry, sale_links)
        blocks.append("\n".join(lines))
    blocks.append(f"{texts['total']}: {format_money(docs.total_cents, locale=docs.locale)}")
    if links.invoice_pdf:
        number = docs.order.invoice_number
        blocks.append(f"{texts['invoice'].format(number=number)}:\n{links.invoice_pdf}")
    blocks += [texts["bring"], _goodbye(docs)]
    return "\n\n".join(blocks) + "\n"


async def _attachments(docs: OrderDocuments) -> list[tuple[str, bytes]]:
    files = []
    for entry in docs.sales:
        pdf = await asyncio.to_thread(render_ticket_pdf, ticket_pages(docs, entry.sale.id))
        files.append((ticket_filename(docs, entry.sale.id), pdf))
    if docs.order.invoice_number:
        pdf = await asyncio.to_thread(render_invoice_pdf, invoice_data(docs))
        files.append((invoice_filename(docs), pdf))
    return files


@composer("order_confirmation")
async def compose_order_confirmation(
    session: AsyncSession, message: OutboxMessage, instance: Instance
) -> EmailMessage:
    docs = await _documents(session, message, instance)
    order = docs.order
    if order.status != "finalized" or not order.is_valid:
        raise MailObsolete(f"order {order.id} was cancelled before its confirmation was sent")
    if not docs.sales:
        raise MailObsolete(f"every item of order {order.id} was cancelled before the mail")
    mail = _new_mail(docs, "confirmation_subject", confirmation_body(docs, document_links(docs)))
    for filename, pdf in await _attachments(docs):
        mail.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return mail


def _deadline(docs: OrderDocuments) -> str:
    expires = docs.order.expires_at
    if expires is None:
        return ""
    local = expires.astimezone(docs.tz)
    time = TEXTS[docs.locale]["clock"].format(time=clock_time(local, docs.tz))
    return f"{long_date(local.date(), docs.locale)}, {time}"


def payment_body(docs: OrderDocuments) -> str:
    texts = TEXTS[docs.locale]
    link = docs.settings.payment_link_url.format(token=docs.order.token)
    facts = [f"{texts['amount']}: {format_money(docs.total_cents, locale=docs.locale)}"]
    if docs.order.expires_at is not None:
        facts.append(f"{texts['deadline']}: {_deadline(docs)}")
    items = [
        "\n".join(_item_lines(docs, position, entry))
        for position, entry in enumerate(docs.sales, 1)
    ]
    blocks = [
        _greeting(docs),
        f"{texts['pay'].format(order=docs.order.id)}\n{link}",
        "\n".join(facts),
        texts["hold"],
        "\n\n".join([texts["your_order"], *items]),
        _goodbye(docs),
    ]
    return "\n\n".join(blocks) + "\n"


@composer("payment_link")
async def compose_payment_link(
    session: AsyncSession, message: OutboxMessage, instance: Instance
) -> EmailMessage:
    docs = await _documents(session, message, instance)
    order = docs.order
    if order.status != "created" or not order.pay_by_link:
        raise MailObsolete(f"order {order.id} no longer waits for its payment ({order.status})")
    if not docs.sales:
        raise MailObsolete(f"every item of order {order.id} was cancelled before the mail")
    return _new_mail(docs, "payment_subject", payment_body(docs))
