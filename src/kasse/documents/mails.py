"""The mails of an order: the confirmation with its tickets attached, and the payment link.

Finalize queues them (``orders/lifecycle.py``); they are composed when sent, from the order as it
is then, in the order's language. A mail whose occasion passed in between is not sent: the
confirmation of an order cancelled before it went out, the payment link of an order that is no
longer waiting for its payment. The composer raises :class:`MailObsolete` then, a permanent
failure: the outbox records the reason and never retries it.

The confirmation attaches one ticket PDF per ticket item, one booking confirmation per event item
and one voucher PDF per coupon item (the same files their links serve) and the invoice PDF when the
order has one; it lists the codes of
the coupons sold and the coupons that paid. An order with annual passes also gets the link to
their personalization (``KASSE_PERSONALIZATION_URL`` with the order's personalization token).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.snapshot import load_catalog
from kasse.core.db import Instance
from kasse.documents import (
    format_money,
    render_event_pdf,
    render_invoice_pdf,
    render_ticket_pdf,
    render_voucher_pdf,
)
from kasse.documents.data import Locale
from kasse.documents.event_pages import (
    event_filename,
    event_pages,
    event_place_text,
    event_times,
    seat_texts,
)
from kasse.documents.events import EventEntry
from kasse.documents.formatting import group_code, short_code
from kasse.documents.invoices import invoice_data, invoice_filename
from kasse.documents.service import (
    DocumentLinks,
    Entry,
    OrderDocuments,
    SaleEntry,
    SaleLinks,
    attendee_names,
    clock_time,
    document_links,
    load_documents,
    location_text,
    long_date,
    person_name,
    sub_ticket_lines,
    ticket_filename,
    ticket_pages,
    visit_texts,
    voucher_filename,
    voucher_pages,
)
from kasse.documents.vouchers import CouponEntry
from kasse.mail.backends import PermanentMailError
from kasse.mail.outbox import composer
from kasse.models import Order, OutboxMessage

INDENT = "   "

TEXTS: dict[Locale, dict[str, str]] = {
    "de": {
        "confirmation_subject": "Ihre Tickets – Bestellung {order}",
        "coupons_subject": "Ihre Gutscheine – Bestellung {order}",
        "mixed_subject": "Ihre Tickets und Gutscheine – Bestellung {order}",
        "payment_subject": "Bitte bezahlen Sie Ihre Bestellung {order}",
        "hello": "Guten Tag{name},",
        "thanks": "vielen Dank für Ihre Bestellung {order}.",
        "tickets_attached": (
            "Ihre Tickets hängen dieser E-Mail als PDF an, eine Datei je Ticketposition."
        ),
        "coupons_attached": (
            "Die Gutscheine liegen als PDF bei, eine Datei je Gutscheinposition: zum Ausdrucken "
            "oder Verschenken."
        ),
        "events_attached": (
            "Ihre Buchungsbestätigungen hängen als PDF an, eine Datei je Veranstaltungsbuchung."
        ),
        "names": "Namen",
        "seats": "Plätze",
        "booking": "Buchungsbestätigung (PDF)",
        "tickets": "Tickets (PDF)",
        "wallet": "Apple Wallet",
        "info": "Hinweise",
        "code": "Gutscheincode {code} – Wert {value}",
        "coupons": "Gutscheine (PDF)",
        "total": "Gesamtbetrag",
        "paid_coupon": "Bezahlt mit Gutschein {code}: {amount}",
        "due": "Zahlbetrag",
        "invoice": "Rechnung {number} (PDF)",
        "personalize": (
            "Personalisieren Sie Ihre Jahreskarten: Geben Sie hier an, auf wen jede Karte "
            "ausgestellt wird und wohin wir sie senden, und laden Sie ein Foto hoch:"
        ),
        "bring": "Bitte bringen Sie Ihre Tickets ausgedruckt oder auf dem Smartphone mit.",
        "redeem": (
            "Einlösen: Geben Sie beim Kauf von Tickets den Gutscheincode an oder zeigen Sie an "
            "der Kasse den QR-Code vor. Was Sie nicht ausgeben, bleibt auf dem Gutschein."
        ),
        "pay": "bitte bezahlen Sie Ihre Bestellung {order} über diesen Link:",
        "amount": "Betrag",
        "deadline": "Zahlbar bis",
        "clock": "{time} Uhr",
        "hold": (
            "Bis dahin halten wir die Plätze für Sie frei. Ohne Zahlung verfällt die Bestellung "
            "danach, und die Plätze werden wieder freigegeben."
        ),
        "lapse": "Ohne Zahlung verfällt die Bestellung danach.",
        "your_order": "Ihre Bestellung:",
        "goodbye": "Mit freundlichen Grüßen\n{museum}",
    },
    "en": {
        "confirmation_subject": "Your tickets – order {order}",
        "coupons_subject": "Your gift vouchers – order {order}",
        "mixed_subject": "Your tickets and gift vouchers – order {order}",
        "payment_subject": "Please pay for your order {order}",
        "hello": "Hello{name},",
        "thanks": "thank you for your order {order}.",
        "tickets_attached": (
            "Your tickets are attached to this email as PDF files, one per ticket item."
        ),
        "coupons_attached": (
            "Your gift vouchers are attached as PDF files, one per voucher item: print them out "
            "or give them away."
        ),
        "events_attached": (
            "Your booking confirmations are attached as PDF files, one per event booking."
        ),
        "names": "Names",
        "seats": "Seats",
        "booking": "Booking confirmation (PDF)",
        "tickets": "Tickets (PDF)",
        "wallet": "Apple Wallet",
        "info": "Information",
        "code": "Voucher code {code} – value {value}",
        "coupons": "Gift vouchers (PDF)",
        "total": "Total",
        "paid_coupon": "Paid with voucher {code}: {amount}",
        "due": "Amount due",
        "invoice": "Invoice {number} (PDF)",
        "personalize": (
            "Personalize your annual passes: tell us here whose name each card carries and "
            "where we send it, and upload a photo:"
        ),
        "bring": "Please bring your tickets, printed or on your phone.",
        "redeem": (
            "To redeem: give the voucher code when you buy tickets, or show the QR code at the "
            "desk. Whatever you do not spend stays on the voucher."
        ),
        "pay": "please pay for your order {order} with this link:",
        "amount": "Amount",
        "deadline": "Payable by",
        "clock": "{time}",
        "hold": (
            "We hold your places until then. Without payment the order lapses afterwards and "
            "the places are released."
        ),
        "lapse": "Without payment the order lapses afterwards.",
        "your_order": "Your order:",
        "goodbye": "Kind regards\n{museum}",
    },
}


class MailObsolete(PermanentMailError):
    """The mail's occasion has passed (the order was cancelled, or paid): it is not sent."""


async def _documents(
    session: AsyncSession, message: OutboxMessage, instance: Instance, now: datetime
) -> OrderDocuments:
    order_id = int(message.payload["order_id"])
    order = await session.get(Order, order_id)
    if order is None:
        raise MailObsolete(f"order {order_id} no longer exists")
    catalog = await load_catalog(session, instance)
    # The time decides whether the coupons that pay an order not yet binding still count.
    return await load_documents(session, catalog, instance, order, now)


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
    museum = docs.museum_name(docs.items[0]) if docs.items else ""
    return TEXTS[docs.locale]["goodbye"].format(museum=museum).strip()


def _money(docs: OrderDocuments, cents: int) -> str:
    return format_money(cents, locale=docs.locale)


def _item_lines(docs: OrderDocuments, position: int, entry: SaleEntry) -> list[str]:
    """What was bought and when: "1. 2 × Zeitfenster regulär – 28,00 €" and the visit below."""
    money = _money(docs, entry.item.price_cents)
    date_text, slot_text = visit_texts(docs, entry)
    when = f"{date_text}, {slot_text}" if slot_text else date_text
    lines = [f"{position}. {entry.sale.quantity} × {entry.sale.title} – {money}", when]
    lines += sub_ticket_lines(docs, entry)
    lines.append(location_text(docs, entry))
    names = attendee_names(entry)
    if names:
        lines.append(f"{TEXTS[docs.locale]['names']}: {', '.join(names)}")
    return [lines[0], *(INDENT + line for line in lines[1:] if line)]


def _coupon_lines(docs: OrderDocuments, position: int, entry: CouponEntry) -> list[str]:
    """ "2. 2 × Gutschein 25 € – 50,00 €" and each code with its value (none before binding)."""
    texts = TEXTS[docs.locale]
    money = _money(docs, entry.item.price_cents)
    codes = [
        texts["code"].format(code=group_code(c.code), value=_money(docs, c.value_cents))
        for c in entry.codes
    ]
    title = f"{position}. {entry.sale.quantity} × {entry.sale.title} – {money}"
    return [title, *(INDENT + line for line in codes)]


def _event_lines(docs: OrderDocuments, position: int, entry: EventEntry) -> list[str]:
    """ "3. 2 × Barockmusik im Lichthof – 70,00 €", the date, the place and the seats."""
    booking = entry.booking
    money = _money(docs, entry.item.price_cents)
    day, time, _ = event_times(docs, entry)
    lines = [f"{day}, {time}", event_place_text(docs, entry) or ""]
    seats = seat_texts(docs, entry)
    if seats:
        lines.append(f"{TEXTS[docs.locale]['seats']}: {'; '.join(seats.values())}")
    title = f"{position}. {booking.quantity} × {booking.title} – {money}"
    return [title, *(INDENT + line for line in lines if line)]


def _entry_lines(docs: OrderDocuments, position: int, entry: Entry) -> list[str]:
    if isinstance(entry, CouponEntry):
        return _coupon_lines(docs, position, entry)
    if isinstance(entry, EventEntry):
        return _event_lines(docs, position, entry)
    return _item_lines(docs, position, entry)


def _document_lines(docs: OrderDocuments, entry: SaleEntry, links: SaleLinks) -> list[str]:
    texts = TEXTS[docs.locale]
    lines = [f"{texts['tickets']}: {links.tickets_pdf}", f"{texts['wallet']}:"]
    lines += [INDENT + link for link in links.passbooks]
    ticket = docs.ticket(entry)
    info = docs.text(ticket.row.after_sale_information) if ticket else None
    if info:
        lines.append(f"{texts['info']}: {info}")
    return [INDENT + line for line in lines]


def _links_of(docs: OrderDocuments, links: DocumentLinks, entry: Entry) -> list[str]:
    """The links under an item of the confirmation: its PDF (and Wallet passes)."""
    if isinstance(entry, CouponEntry):
        link = links.coupons_pdf[docs.coupons.index(entry)]
        return [f"{INDENT}{TEXTS[docs.locale]['coupons']}: {link}"]
    if isinstance(entry, EventEntry):
        link = links.events_pdf[docs.events.index(entry)]
        return [f"{INDENT}{TEXTS[docs.locale]['booking']}: {link}"]
    return _document_lines(docs, entry, links.sales[docs.sales.index(entry)])


def _paid_lines(docs: OrderDocuments) -> list[str]:
    """Each coupon that pays: "Bezahlt mit Gutschein K7QM…: -10,00 €" (shortened: a code may
    still hold value, and mail is no safe place for it)."""
    text = TEXTS[docs.locale]["paid_coupon"]
    return [
        text.format(code=short_code(paid.code), amount=_money(docs, -paid.amount_cents))
        for paid in docs.coupon_payments
    ]


def _total_lines(docs: OrderDocuments) -> list[str]:
    """The price of the items; with coupons that pay, them and what is left to pay."""
    texts = TEXTS[docs.locale]
    lines = [f"{texts['total']}: {_money(docs, docs.total_cents)}"]
    if docs.coupon_payments:
        lines += [*_paid_lines(docs), f"{texts['due']}: {_money(docs, docs.amount_due_cents)}"]
    return lines


def personalization_link(docs: OrderDocuments) -> str | None:
    """The link to the personalization of the order's annual passes, when it has any left."""
    token = docs.order.personalization_token
    has_passes = any(entry.sale.valid_until is not None for entry in docs.sales)
    if token is None or not has_passes:
        return None
    return docs.settings.personalization_url.format(token=quote(token, safe=""))


def _subject_key(docs: OrderDocuments) -> str:
    if not docs.coupons:
        return "confirmation_subject"
    return "mixed_subject" if docs.sales or docs.events else "coupons_subject"


def _thanks(docs: OrderDocuments) -> str:
    texts = TEXTS[docs.locale]
    sentences = [texts["thanks"].format(order=docs.order.id)]
    if docs.sales:
        sentences.append(texts["tickets_attached"])
    if docs.events:
        sentences.append(texts["events_attached"])
    if docs.coupons:
        sentences.append(texts["coupons_attached"])
    return " ".join(sentences)


def confirmation_body(docs: OrderDocuments, links: DocumentLinks) -> str:
    texts = TEXTS[docs.locale]
    blocks = [_greeting(docs), _thanks(docs)]
    for position, entry in enumerate(docs.items, 1):
        blocks.append(
            "\n".join(_entry_lines(docs, position, entry) + _links_of(docs, links, entry))
        )
    blocks.append("\n".join(_total_lines(docs)))
    if links.invoice_pdf:
        number = docs.order.invoice_number
        blocks.append(f"{texts['invoice'].format(number=number)}:\n{links.invoice_pdf}")
    personalization = personalization_link(docs)
    if personalization:
        blocks.append(f"{texts['personalize']}\n{personalization}")
    if docs.sales or docs.events:
        blocks.append(texts["bring"])
    if docs.coupons:
        blocks.append(texts["redeem"])
    blocks.append(_goodbye(docs))
    return "\n\n".join(blocks) + "\n"


async def _attachments(docs: OrderDocuments) -> list[tuple[str, bytes]]:
    files = []
    for entry in docs.sales:
        pdf = await asyncio.to_thread(render_ticket_pdf, ticket_pages(docs, entry.sale.id))
        files.append((ticket_filename(docs, entry.sale.id), pdf))
    for event in docs.events:
        pdf = await asyncio.to_thread(render_event_pdf, event_pages(docs, event.booking.id))
        files.append((event_filename(docs, event.booking.id), pdf))
    for coupon in docs.coupons:
        pdf = await asyncio.to_thread(render_voucher_pdf, voucher_pages(docs, coupon.sale.id))
        files.append((voucher_filename(docs, coupon.sale.id), pdf))
    if docs.order.invoice_number:
        pdf = await asyncio.to_thread(render_invoice_pdf, invoice_data(docs))
        files.append((invoice_filename(docs), pdf))
    return files


@composer("order_confirmation")
async def compose_order_confirmation(
    session: AsyncSession, message: OutboxMessage, instance: Instance, now: datetime
) -> EmailMessage:
    docs = await _documents(session, message, instance, now)
    order = docs.order
    if order.status != "finalized" or not order.is_valid:
        raise MailObsolete(f"order {order.id} was cancelled before its confirmation was sent")
    if not docs.items:
        raise MailObsolete(f"every item of order {order.id} was cancelled before the mail")
    body = confirmation_body(docs, document_links(docs))
    mail = _new_mail(docs, _subject_key(docs), body)
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


def _payment_facts(docs: OrderDocuments) -> list[str]:
    """What to pay (after the coupons that pay part of it) and until when."""
    texts = TEXTS[docs.locale]
    facts = []
    if docs.coupon_payments:
        facts += [f"{texts['total']}: {_money(docs, docs.total_cents)}", *_paid_lines(docs)]
    facts.append(f"{texts['amount']}: {_money(docs, docs.amount_due_cents)}")
    if docs.order.expires_at is not None:
        facts.append(f"{texts['deadline']}: {_deadline(docs)}")
    return facts


def payment_body(docs: OrderDocuments) -> str:
    texts = TEXTS[docs.locale]
    link = docs.settings.payment_link_url.format(token=docs.order.token)
    items = [
        "\n".join(_entry_lines(docs, position, entry))
        for position, entry in enumerate(docs.items, 1)
    ]
    blocks = [
        _greeting(docs),
        f"{texts['pay'].format(order=docs.order.id)}\n{link}",
        "\n".join(_payment_facts(docs)),
        texts["hold"] if docs.sales or docs.events else texts["lapse"],  # coupons hold no places
        "\n\n".join([texts["your_order"], *items]),
        _goodbye(docs),
    ]
    return "\n\n".join(blocks) + "\n"


@composer("payment_link")
async def compose_payment_link(
    session: AsyncSession, message: OutboxMessage, instance: Instance, now: datetime
) -> EmailMessage:
    docs = await _documents(session, message, instance, now)
    order = docs.order
    if order.status != "created" or not order.pay_by_link:
        raise MailObsolete(f"order {order.id} no longer waits for its payment ({order.status})")
    if not docs.items:
        raise MailObsolete(f"every item of order {order.id} was cancelled before the mail")
    return _new_mail(docs, "payment_subject", payment_body(docs))
