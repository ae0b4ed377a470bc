"""An order's documents from the database and the catalog: ticket and voucher pages, and what the
event booking pages (``event_pages.py``), the invoice (``invoices.py``) and the Wallet passes
(``passes.py``) are made of.

Documents open with the order's own token instead of an API token. An unknown order, a wrong or
missing token and an order that is not binding all get the same 404, so a guess learns nothing.
Texts are in the order's language (de or en), times in the instance's zone.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.annual.sales import is_annual
from kasse.annual.validity import last_valid_day
from kasse.catalog.snapshot import Catalog, MuseumData, TicketData
from kasse.core.db import Instance
from kasse.core.errors import NotFound, TokenNotFound
from kasse.core.i18n import translate
from kasse.documents.data import (
    BarcodeMethod,
    Locale,
    Location,
    PaidByCoupon,
    TicketPage,
    VoucherPage,
)
from kasse.documents.events import EventEntry, load_event_entries
from kasse.documents.formatting import format_date, format_money
from kasse.documents.vouchers import CouponEntry, load_coupon_entries, load_coupon_payments
from kasse.items.refs import order_ref_condition
from kasse.items.state import is_binding
from kasse.models import (
    Barcode,
    CouponSale,
    Customer,
    EventBooking,
    Order,
    OrderItem,
    Personalization,
    Portrait,
    TicketSale,
)
from kasse.settings import Settings

API_PREFIX = "/api/v4"
NO_DOCUMENT = "document not found"

LOCALES: dict[str, Locale] = {"de": "de", "en": "en"}
METHODS: dict[str, BarcodeMethod] = {"ean": "ean", "code39": "code39", "qr": "qr"}

WEEKDAYS: dict[Locale, tuple[str, ...]] = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS: dict[Locale, tuple[str, ...]] = {
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
           "August", "September", "Oktober", "November", "Dezember"),
    "en": ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December"),
}  # fmt: skip
VALIDITY: dict[Locale, dict[str, str]] = {
    "de": {
        "both": "Gültig vom {start} bis {end}",
        "start": "Gültig ab {start}",
        "end": "Gültig bis {end}",
        "open": "Ohne festes Datum",
    },
    "en": {
        "both": "Valid from {start} to {end}",
        "start": "Valid from {start}",
        "end": "Valid until {end}",
        "open": "No fixed date",
    },
}


# -- texts ----------------------------------------------------------------------------------------


def document_locale(order_locale: str, default_locale: str) -> Locale:
    return LOCALES.get(order_locale) or LOCALES.get(default_locale) or "de"


def long_date(day: date, locale: Locale) -> str:
    """ "Mittwoch, 2. Dezember 2026" or "Wednesday, 2 December 2026"."""
    weekday, month = WEEKDAYS[locale][day.weekday()], MONTHS[locale][day.month - 1]
    if locale == "de":
        return f"{weekday}, {day.day}. {month} {day.year}"
    return f"{weekday}, {day.day} {month} {day.year}"


def clock_time(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def person_name(person: Any) -> str | None:
    """An attendee ({"name": "Peter", "surname": "Pan"}) as one line; go~mus puts the given name
    in ``name``."""
    if isinstance(person, dict):
        text = " ".join(str(person[k]).strip() for k in ("name", "surname") if person.get(k))
    else:
        text = str(person or "").strip()
    return text or None


def safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


# -- the order ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaleEntry:
    """A ticket item that is not cancelled, its sale and its barcodes (in issue order)."""

    item: OrderItem
    sale: TicketSale
    barcodes: tuple[Barcode, ...]

    @property
    def unit_price_cents(self) -> int:
        return round(self.item.price_cents / max(self.sale.quantity, 1))


# an item of the order that is not cancelled: tickets, event bookings or coupons
Entry = SaleEntry | EventEntry | CouponEntry


@dataclass(frozen=True)
class Holder:
    """Whose annual pass a card is: printed with name and photo."""

    name: str | None
    portrait: bytes | None


@dataclass(frozen=True)
class OrderDocuments:
    """Everything the documents and mails of one order are made of."""

    order: Order
    sales: tuple[SaleEntry, ...]
    customer: Customer | None
    catalog: Catalog
    tz: ZoneInfo
    settings: Settings
    # (ticket sale id, position) -> the holder of that annual pass card, where one is bound
    holders: dict[tuple[int, int], Holder] = field(default_factory=dict)
    coupons: tuple[CouponEntry, ...] = ()
    # the coupons that pay the order, in the order given, with what each pays
    coupon_payments: tuple[PaidByCoupon, ...] = ()
    events: tuple[EventEntry, ...] = ()

    @property
    def locale(self) -> Locale:
        return document_locale(self.order.locale, self.settings.default_locale)

    @property
    def items(self) -> tuple[Entry, ...]:
        """Every item not cancelled, in the order's own order."""
        entries: tuple[Entry, ...] = (*self.sales, *self.events, *self.coupons)
        return tuple(sorted(entries, key=lambda e: e.item.position))

    @property
    def total_cents(self) -> int:
        """The price of the items not cancelled; coupons that paid do not lower it."""
        return sum(entry.item.price_cents for entry in self.items)

    @property
    def coupon_cents(self) -> int:
        return sum(payment.amount_cents for payment in self.coupon_payments)

    @property
    def amount_due_cents(self) -> int:
        return self.total_cents - self.coupon_cents

    def text(self, texts: dict[str, Any] | None) -> str | None:
        return translate(texts, self.locale, self.settings.default_locale)

    def sale(self, sale_id: int) -> SaleEntry:
        for entry in self.sales:
            if entry.sale.id == sale_id:
                return entry
        raise NotFound(f"ticket sale {sale_id} not found in order {self.order.id}")

    def coupon(self, sale_id: int) -> CouponEntry:
        for entry in self.coupons:
            if entry.sale.id == sale_id:
                return entry
        raise NotFound(f"coupon sale {sale_id} not found in order {self.order.id}")

    def event(self, booking_id: int) -> EventEntry:
        for entry in self.events:
            if entry.booking.id == booking_id:
                return entry
        raise NotFound(f"event booking {booking_id} not found in order {self.order.id}")

    def ticket(self, entry: SaleEntry) -> TicketData | None:
        return self.catalog.ticket(entry.sale.ticket_id)

    def museum(self, entry: Entry) -> MuseumData | None:
        """The first museum of the item's ticket, event or coupon."""
        if isinstance(entry, CouponEntry):
            coupon = self.catalog.coupons.get(entry.sale.coupon_id)
            museum_ids = tuple(coupon.museum_ids) if coupon else ()
        elif isinstance(entry, EventEntry):
            museum_ids = entry.museum_ids(self.catalog)
        else:
            ticket = self.ticket(entry)
            museum_ids = ticket.museum_ids if ticket else ()
        return self.catalog.museums.get(int(museum_ids[0])) if museum_ids else None

    def museum_name(self, entry: Entry) -> str:
        museum = self.museum(entry)
        return (self.text(museum.row.title) if museum else None) or ""


async def _order_by_ref(session: AsyncSession, order_ref: str) -> Order | None:
    condition = order_ref_condition(order_ref)
    if condition is None:
        return None
    order: Order | None = await session.scalar(select(Order).where(condition))
    return order


def _token_matches(order: Order, token: str | None) -> bool:
    return token is not None and secrets.compare_digest(order.token.encode(), token.encode())


async def open_order(
    session: AsyncSession, order_ref: str, token: str | None, now: datetime
) -> Order:
    """The binding order whose documents ``token`` opens; one 404 for every reason it does not."""
    order = await _order_by_ref(session, order_ref)
    if order is None or not _token_matches(order, token) or not is_binding(order, now):
        raise TokenNotFound(NO_DOCUMENT)
    return order


async def load_documents(
    session: AsyncSession, catalog: Catalog, instance: Instance, order: Order, now: datetime
) -> OrderDocuments:
    """The order's items that are not cancelled (ticket sales and event bookings with barcodes,
    coupon sales with codes), the coupons that pay it, and its customer."""
    active = await _active_items(session, order.id)
    tickets = active.tickets
    codes: dict[int, list[Barcode]] = {sale.id: [] for _, sale in tickets}
    if codes:
        for code in await session.scalars(
            select(Barcode).where(Barcode.ticket_sale_id.in_(codes)).order_by(Barcode.id)
        ):
            assert code.ticket_sale_id is not None  # selected by its ticket sale
            codes[code.ticket_sale_id].append(code)
    customer = await session.get(Customer, order.customer_id) if order.customer_id else None
    return OrderDocuments(
        order=order,
        sales=tuple(SaleEntry(item, sale, tuple(codes[sale.id])) for item, sale in tickets),
        customer=customer,
        catalog=catalog,
        tz=instance.tz,
        settings=instance.settings,
        holders=await _load_holders(session, _annual_sale_ids(catalog, [s for _, s in tickets])),
        coupons=await load_coupon_entries(session, active.coupons),
        coupon_payments=await load_coupon_payments(session, order.id, now),
        events=await load_event_entries(session, active.events),
    )


@dataclass
class ActiveItems:
    """The items not cancelled, in order, each with the row of its kind that documents read."""

    tickets: list[tuple[OrderItem, TicketSale]] = field(default_factory=list)
    events: list[tuple[OrderItem, EventBooking]] = field(default_factory=list)
    coupons: list[tuple[OrderItem, CouponSale]] = field(default_factory=list)


async def _active_items(session: AsyncSession, order_id: int) -> ActiveItems:
    """One query for every kind with documents: a kind is one more join here (and its rows in
    ``ActiveItems``)."""
    active = ActiveItems()
    for item, ticket_sale, booking, coupon_sale in await session.execute(
        select(OrderItem, TicketSale, EventBooking, CouponSale)
        .outerjoin(TicketSale, TicketSale.order_item_id == OrderItem.id)
        .outerjoin(EventBooking, EventBooking.order_item_id == OrderItem.id)
        .outerjoin(CouponSale, CouponSale.order_item_id == OrderItem.id)
        .where(OrderItem.order_id == order_id, OrderItem.cancelled_at.is_(None))
        .order_by(OrderItem.position)
    ):
        if ticket_sale is not None:
            active.tickets.append((item, ticket_sale))
        elif booking is not None:
            active.events.append((item, booking))
        elif coupon_sale is not None:
            active.coupons.append((item, coupon_sale))
    return active


def _annual_sale_ids(catalog: Catalog, sales: list[TicketSale]) -> list[int]:
    """Only annual passes have holders: no query for the cards of an order without one."""
    return [s.id for s in sales if (t := catalog.ticket(s.ticket_id)) and is_annual(t)]


async def _load_holders(
    session: AsyncSession, sale_ids: list[int]
) -> dict[tuple[int, int], Holder]:
    """The bound cards of the annual passes among the sales, with their portraits."""
    if not sale_ids:
        return {}
    rows = await session.execute(
        select(
            Personalization.ticket_sale_id,
            Personalization.position,
            Customer.name,
            Customer.surname,
            Portrait.data,
        )
        .join(Customer, Customer.id == Personalization.customer_id)
        .outerjoin(Portrait, Portrait.personalization_id == Personalization.id)
        .where(Personalization.ticket_sale_id.in_(sale_ids))
    )
    return {
        (sale_id, position): Holder(person_name({"name": name, "surname": surname}), portrait)
        for sale_id, position, name, surname, portrait in rows
    }


async def open_documents(
    session: AsyncSession,
    catalog: Catalog,
    instance: Instance,
    order_ref: str,
    token: str | None,
    now: datetime,
) -> OrderDocuments:
    order = await open_order(session, order_ref, token, now)
    return await load_documents(session, catalog, instance, order, now)


# -- when and where -------------------------------------------------------------------------------


def _validity_text(ticket: TicketData | None, locale: Locale) -> str:
    """A flex ticket has no date, only the span it may be used in."""
    texts = VALIDITY[locale]
    start = ticket.row.valid_from if ticket else None
    end = ticket.row.valid_to if ticket else None
    values = {
        "start": format_date(start, locale) if start else "",
        "end": format_date(end, locale) if end else "",
    }
    key = "both" if start and end else "start" if start else "end" if end else "open"
    return texts[key].format(**values)


def _pass_validity_text(docs: OrderDocuments, start: datetime, valid_until: datetime) -> str:
    """An annual pass: "Gültig vom 01.06.2026 bis 31.05.2027"."""
    first = format_date(start.astimezone(docs.tz).date(), docs.locale)
    last = format_date(last_valid_day(valid_until, docs.tz), docs.locale)
    return VALIDITY[docs.locale]["both"].format(start=first, end=last)


def visit_texts(docs: OrderDocuments, entry: SaleEntry) -> tuple[str, str | None]:
    """(date, slot) of a sale: "Mittwoch, 2. Dezember 2026" and "10:00–10:30" for a time slot."""
    ticket = docs.ticket(entry)
    start = entry.sale.start_at
    if start is None:
        return _validity_text(ticket, docs.locale), None
    if entry.sale.valid_until is not None:
        return _pass_validity_text(docs, start, entry.sale.valid_until), None
    day = long_date(start.astimezone(docs.tz).date(), docs.locale)
    if ticket is None or ticket.row.ticket_type != "time_slot" or not ticket.row.entry_duration:
        return day, None
    end = start + timedelta(minutes=ticket.row.entry_duration)
    return day, f"{clock_time(start, docs.tz)}–{clock_time(end, docs.tz)}"


def sub_ticket_lines(docs: OrderDocuments, entry: SaleEntry) -> list[str]:
    """ "Subticket Museum: 10:00" per sub ticket of a combined ticket, earliest first."""
    times = sorted(
        (datetime.fromisoformat(str(start)), sub_id)
        for sub_id, start in entry.sale.sub_ticket_times.items()
    )
    lines = []
    for start, sub_id in times:
        sub = docs.catalog.ticket(int(sub_id))
        title = (docs.text(sub.row.title) if sub else None) or f"Ticket {sub_id}"
        lines.append(f"{title}: {clock_time(start, docs.tz)}")
    return lines


def museum_location(docs: OrderDocuments, entry: Entry) -> Location:
    museum = docs.museum(entry)
    if museum is None:
        return Location(street="", zip="", city="")
    row = museum.row
    return Location(street=row.street or "", zip=row.zip or "", city=row.city or "")


def location_text(docs: OrderDocuments, entry: Entry) -> str:
    parts = [docs.museum_name(entry), *museum_location(docs, entry).lines()]
    return ", ".join(part for part in parts if part)


def attendee(entry: SaleEntry, index: int) -> str | None:
    attendees = entry.sale.attendees or []
    return person_name(attendees[index]) if index < len(attendees) else None


def attendee_names(entry: SaleEntry) -> list[str]:
    return [name for name in map(person_name, entry.sale.attendees or []) if name]


def holder_of(docs: OrderDocuments, entry: SaleEntry, index: int) -> Holder | None:
    """The holder of card ``index`` of an annual pass (card n goes with the n-th barcode)."""
    return docs.holders.get((entry.sale.id, index))


def name_on_card(docs: OrderDocuments, entry: SaleEntry, index: int) -> str | None:
    """The annual pass holder's name, else the attendee's."""
    holder = holder_of(docs, entry, index)
    return (holder.name if holder else None) or attendee(entry, index)


# -- tickets --------------------------------------------------------------------------------------


def ticket_pages(docs: OrderDocuments, sale_id: int) -> list[TicketPage]:
    """One page per barcode of the sale; page i names attendee i when names were given."""
    entry = docs.sale(sale_id)
    if not entry.barcodes:
        raise NotFound(f"ticket sale {sale_id} has no barcodes")
    ticket = docs.ticket(entry)
    date_text, slot_text = visit_texts(docs, entry)
    common: dict[str, Any] = {
        "museum_name": docs.museum_name(entry),
        "location": museum_location(docs, entry),
        "ticket_title": entry.sale.title,
        "ticket_sub_title": docs.text(ticket.row.sub_title) if ticket else None,
        "date_text": date_text,
        "slot_text": slot_text,
        "sub_ticket_lines": sub_ticket_lines(docs, entry),
        "price_text": format_money(entry.unit_price_cents, locale=docs.locale),
        "after_sale_information": docs.text(ticket.row.after_sale_information) if ticket else None,
        "order_reference": str(docs.order.id),
        "locale": docs.locale,
    }
    pages = []
    for index, code in enumerate(entry.barcodes):
        holder = holder_of(docs, entry, index)
        pages.append(
            TicketPage(
                barcode=code.barcode,
                barcode_method=METHODS.get(code.method, "qr"),
                attendee_name=name_on_card(docs, entry, index),
                holder_portrait=holder.portrait if holder else None,
                **common,
            )
        )
    return pages


def ticket_filename(docs: OrderDocuments, sale_id: int) -> str:
    return safe_filename(f"tickets-{docs.order.id}-{sale_id}.pdf")


# -- coupons --------------------------------------------------------------------------------------


def voucher_pages(docs: OrderDocuments, sale_id: int) -> list[VoucherPage]:
    """One page per code of the coupon sale, each showing the value of its code."""
    entry = docs.coupon(sale_id)
    if not entry.codes:
        raise NotFound(f"coupon sale {sale_id} has no codes")
    coupon = docs.catalog.coupons.get(entry.sale.coupon_id)
    common: dict[str, Any] = {
        "museum_name": docs.museum_name(entry),
        "location": museum_location(docs, entry),
        "coupon_title": entry.sale.title,
        "description": docs.text(coupon.description) if coupon else None,
        "order_reference": str(docs.order.id),
        "locale": docs.locale,
    }
    return [
        VoucherPage(
            code=code.code, value_text=format_money(code.value_cents, locale=docs.locale), **common
        )
        for code in entry.codes
    ]


def voucher_filename(docs: OrderDocuments, sale_id: int) -> str:
    return safe_filename(f"coupons-{docs.order.id}-{sale_id}.pdf")


# -- links ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaleLinks:
    tickets_pdf: str
    passbooks: tuple[str, ...]


@dataclass(frozen=True)
class DocumentLinks:
    sales: tuple[SaleLinks, ...]  # in the order of OrderDocuments.sales
    invoice_pdf: str | None
    coupons_pdf: tuple[str, ...] = ()  # in the order of OrderDocuments.coupons
    events_pdf: tuple[str, ...] = ()  # in the order of OrderDocuments.events


def document_links(docs: OrderDocuments) -> DocumentLinks:
    """Absolute links to every document of the order, each carrying the order's token."""
    base = f"{docs.settings.public_url.rstrip('/')}{API_PREFIX}/orders/{docs.order.id}"
    query = "?" + urlencode({"token": docs.order.token})
    sales = tuple(
        SaleLinks(
            tickets_pdf=f"{base}/tickets/{entry.sale.id}.pdf{query}",
            passbooks=tuple(
                f"{base}/tickets/{entry.sale.id}/passbooks/{quote(c.barcode, safe='')}.pkpass"
                f"{query}"
                for c in entry.barcodes
            ),
        )
        for entry in docs.sales
    )
    invoice = f"{base}/invoice.pdf{query}" if docs.order.invoice_number else None
    coupons = tuple(f"{base}/coupons/{entry.sale.id}.pdf{query}" for entry in docs.coupons)
    events = tuple(f"{base}/events/{entry.booking.id}.pdf{query}" for entry in docs.events)
    return DocumentLinks(sales=sales, invoice_pdf=invoice, coupons_pdf=coupons, events_pdf=events)
