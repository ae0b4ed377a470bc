"""The invoice of an order, from its documents: the museum of the first item sells, one line per
ticket or coupon item and one per price line of an event booking (VAT is summed per rate by
``data.invoice_totals``), the day of service, and the coupons that paid below the total."""

from __future__ import annotations

from datetime import date

from kasse.core.errors import NotFound
from kasse.documents.data import InvoiceData, InvoiceLine, PaidByCoupon, Seller
from kasse.documents.events import EventEntry
from kasse.documents.formatting import format_date, short_code
from kasse.documents.service import (
    Entry,
    OrderDocuments,
    SaleEntry,
    clock_time,
    person_name,
    safe_filename,
)
from kasse.documents.vouchers import CouponEntry
from kasse.models import Customer


def _seller(docs: OrderDocuments, entry: Entry) -> Seller:
    museum = docs.museum(entry)
    row = museum.row if museum else None
    return Seller(
        name=docs.museum_name(entry),
        street=(row.street if row else None) or "",
        zip=(row.zip if row else None) or "",
        city=(row.city if row else None) or "",
        country=(row.country if row else None) or "",
        vat_id=row.vat_id if row else None,
    )


def buyer_lines(customer: Customer | None) -> list[str]:
    if customer is None:
        return []
    name = person_name({"name": customer.name, "surname": customer.surname})
    town = " ".join(part for part in (customer.addr_zip, customer.addr_city) if part)
    lines = (customer.addr_institution, name, customer.addr_street, town, customer.addr_country)
    return [line for line in lines if line]


def _line_title(docs: OrderDocuments, entry: SaleEntry | CouponEntry) -> str:
    """The ticket with its visit, so that each line carries its date of service; a coupon has
    none (it is sold on the invoice date)."""
    if isinstance(entry, CouponEntry):
        return entry.sale.title
    start = entry.sale.start_at
    if start is None:
        return entry.sale.title
    when = format_date(start.astimezone(docs.tz).date(), docs.locale)
    ticket = docs.ticket(entry)
    if ticket is not None and ticket.row.ticket_type == "time_slot":
        when = f"{when}, {clock_time(start, docs.tz)}"
    return f"{entry.sale.title} – {when}"


def _event_lines(docs: OrderDocuments, entry: EventEntry) -> list[InvoiceLine]:
    """One line per price line of the booking, each naming the date; a booking that costs
    nothing is one line of its participants at 0."""
    booking = entry.booking
    start = entry.start_at(docs.catalog)
    day = format_date(start.astimezone(docs.tz).date(), docs.locale)
    when = f"{day}, {clock_time(start, docs.tz)}"
    free = {"scale_price_id": None, "quantity": booking.quantity, "price_cents": 0}
    lines = []
    for line in booking.prices or [free | {"vat_pct": entry.item.vat_pct}]:
        scale = [line["title"]] if line["scale_price_id"] is not None else []
        lines.append(
            InvoiceLine(
                title=" – ".join([booking.title, *scale, when]),
                quantity=line["quantity"],
                unit_price_cents=line["price_cents"],
                total_cents=line["price_cents"] * line["quantity"],
                vat_pct=line["vat_pct"],
                tax_included=entry.item.tax_included,
            )
        )
    return lines


def _invoice_lines(docs: OrderDocuments, entry: Entry) -> list[InvoiceLine]:
    if isinstance(entry, EventEntry):
        return _event_lines(docs, entry)
    return [
        InvoiceLine(
            title=_line_title(docs, entry),
            quantity=entry.sale.quantity,
            unit_price_cents=entry.unit_price_cents,
            total_cents=entry.item.price_cents,
            vat_pct=entry.item.vat_pct,
            tax_included=entry.item.tax_included,
        )
    ]


def _delivery_date(docs: OrderDocuments) -> date | None:
    """The one day of service of all lines (visits and event dates); none when a coupon, sold on
    the invoice date, is one."""
    starts = [e.sale.start_at for e in docs.sales]
    starts += [e.start_at(docs.catalog) for e in docs.events]
    days = {start.astimezone(docs.tz).date() for start in starts if start}
    single = len(days) == 1 and all(starts) and not docs.coupons
    return days.pop() if single else None


def invoice_data(docs: OrderDocuments) -> InvoiceData:
    """The invoice of the items not cancelled; the seller is the museum of the first of them.
    The coupons that paid are deducted below the total (shortened: they may still hold value)."""
    order = docs.order
    if order.invoice_number is None:
        raise NotFound(f"order {order.id} has no invoice")
    items = docs.items
    if not items:
        raise NotFound(f"order {order.id} has no items left to invoice")
    issued = order.finalized_at or order.created_at
    return InvoiceData(
        number=order.invoice_number,
        issued_on=issued.astimezone(docs.tz).date(),
        seller=_seller(docs, items[0]),
        buyer_lines=buyer_lines(docs.customer),
        lines=[line for entry in items for line in _invoice_lines(docs, entry)],
        locale=docs.locale,
        delivery_date=_delivery_date(docs),
        order_reference=str(order.id),
        coupon_payments=[
            PaidByCoupon(short_code(paid.code), paid.amount_cents) for paid in docs.coupon_payments
        ],
    )


def invoice_filename(docs: OrderDocuments) -> str:
    return safe_filename(f"invoice-{docs.order.invoice_number}.pdf")
