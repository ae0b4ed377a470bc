"""What a document shows: frozen values, already localized by the caller, plus the invoice arithmetic.

The renderers format nothing but money on invoices and the few labels they print themselves: dates,
slots and ticket prices arrive as finished text, so the caller decides on time zone and wording.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Literal

BarcodeMethod = Literal["ean", "code39", "qr"]
Locale = Literal["de", "en"]


@dataclass(frozen=True, slots=True)
class Location:
    """A museum's postal address; most museums have no house number, so street is free text."""

    street: str
    zip: str
    city: str

    def lines(self) -> list[str]:
        town = f"{self.zip} {self.city}".strip()
        return [line for line in (self.street.strip(), town) if line]


@dataclass(frozen=True, slots=True)
class TicketPage:
    """One printed ticket: one barcode, one A4 page."""

    museum_name: str
    location: Location
    ticket_title: str
    date_text: str  # "Mittwoch, 2. Dezember 2026"
    price_text: str  # "14,00 €"
    barcode: str
    barcode_method: BarcodeMethod
    order_reference: str
    locale: Locale = "de"
    ticket_sub_title: str | None = None
    slot_text: str | None = None  # "10:00–10:30"
    sub_ticket_lines: Sequence[str] = ()  # "Subticket Museum: 10:00", for combined tickets
    attendee_name: str | None = None
    after_sale_information: str | None = None
    holder_portrait: bytes | None = None  # JPEG or PNG


@dataclass(frozen=True, slots=True)
class EventPage:
    """One place of an event booking (a participant, or a seat): one barcode, one A4 page."""

    museum_name: str
    location: Location  # the museum's address
    event_title: str
    date_text: str  # "Donnerstag, 12. März 2026"
    time_text: str  # "18:30–19:30"
    price_text: str  # "15,00 € (Ermäßigt)"
    barcode: str
    barcode_method: BarcodeMethod
    order_reference: str
    place_number: int  # this page's place, from 1
    place_count: int  # the booking's places
    locale: Locale = "de"
    event_sub_title: str | None = None
    duration_text: str | None = None  # "60 Minuten"
    place_text: str | None = None  # where the event meets: "Lichthof, Bodestraße 1, 10178 Berlin"
    seat_text: str | None = None  # "A1 (Reihe A), Parkett" on a seating plan
    customer_reference: str | None = None  # the orderer's own reference, if given


@dataclass(frozen=True, slots=True)
class VoucherPage:
    """One printed coupon: one code, one A4 page."""

    museum_name: str
    location: Location
    coupon_title: str
    value_text: str  # "25,00 €"
    code: str  # as stored ("K7QM2XHD9P"): the QR code carries it, the page prints it grouped
    order_reference: str
    locale: Locale = "de"
    description: str | None = None


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """total_cents is gross when tax_included, else net: the go~mus order item semantics."""

    title: str
    quantity: int
    unit_price_cents: int
    total_cents: int
    vat_pct: float
    tax_included: bool


@dataclass(frozen=True, slots=True)
class Seller:
    name: str
    street: str
    zip: str
    city: str
    country: str
    vat_id: str | None = None


@dataclass(frozen=True, slots=True)
class PaidByCoupon:
    """A coupon that paid part of an order; ``code`` as printed (the caller may shorten it)."""

    code: str
    amount_cents: int


@dataclass(frozen=True, slots=True)
class InvoiceData:
    number: str  # "2026-000042"
    issued_on: date
    seller: Seller
    buyer_lines: Sequence[str]
    lines: Sequence[InvoiceLine]
    currency: Literal["EUR"] = "EUR"
    locale: Locale = "de"
    delivery_date: date | None = None  # date of the visit ("Leistungsdatum"), when one applies
    order_reference: str | None = None
    tax_note: str | None = None  # e.g. the legal ground for a 0 % rate
    # means of payment, deducted below the total; they change no line and no VAT
    coupon_payments: Sequence[PaidByCoupon] = ()


@dataclass(frozen=True, slots=True)
class VatRateTotal:
    vat_pct: float
    net_cents: int
    vat_cents: int
    gross_cents: int


@dataclass(frozen=True, slots=True)
class InvoiceTotals:
    rates: tuple[VatRateTotal, ...]  # ascending by rate
    net_cents: int
    vat_cents: int
    gross_cents: int


@dataclass(frozen=True, slots=True)
class PassColors:
    foreground: tuple[int, int, int] = (255, 255, 255)
    background: tuple[int, int, int] = (34, 34, 34)
    label: tuple[int, int, int] = (200, 200, 200)


@dataclass(frozen=True, slots=True)
class PassData:
    """One Wallet pass for one barcode; serial is the barcode, unique per pass type."""

    serial: str
    barcode: str
    barcode_method: BarcodeMethod
    organization_name: str
    description: str
    ticket_title: str
    date_text: str
    location_text: str
    pass_type_identifier: str
    team_identifier: str
    slot_text: str | None = None
    holder_name: str | None = None
    relevant_date: datetime | None = None  # must be time-zone aware
    colors: PassColors = field(default_factory=PassColors)
    locale: Locale = "de"


def round_half_up(value: Fraction) -> int:
    """Commercial rounding (half away from zero), not Python's banker's rounding."""
    magnitude = math.floor(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


def _rate(vat_pct: float) -> Fraction:
    if not math.isfinite(vat_pct) or vat_pct < 0:
        raise ValueError(f"vat_pct must be a finite, non-negative number, not {vat_pct!r}")
    # str() gives the shortest decimal repr, so 7.7 becomes exactly 77/10 and not the binary float
    return Fraction(str(vat_pct))


def _rate_total(rate: Fraction, included_gross: int, added_net: int) -> VatRateTotal:
    included_net = round_half_up(Fraction(included_gross * 100) / (100 + rate))
    added_vat = round_half_up(added_net * rate / 100)
    net = included_net + added_net
    vat = (included_gross - included_net) + added_vat
    return VatRateTotal(vat_pct=float(rate), net_cents=net, vat_cents=vat, gross_cents=net + vat)


def invoice_totals(lines: Iterable[InvoiceLine]) -> InvoiceTotals:
    """Net, VAT and gross per rate and in total, in integer cents.

    VAT is computed once per rate on the summed line amounts (not per line), which is what German
    invoices must show and avoids rounding drift. Tax-included and tax-added lines of one rate are
    summed separately, then combined.
    """
    included: dict[Fraction, int] = {}
    added: dict[Fraction, int] = {}
    for line in lines:
        bucket = included if line.tax_included else added
        key = _rate(line.vat_pct)
        bucket[key] = bucket.get(key, 0) + line.total_cents
    rates = tuple(
        _rate_total(key, included.get(key, 0), added.get(key, 0))
        for key in sorted(included.keys() | added.keys())
    )
    return InvoiceTotals(
        rates=rates,
        net_cents=sum(r.net_cents for r in rates),
        vat_cents=sum(r.vat_cents for r in rates),
        gross_cents=sum(r.gross_cents for r in rates),
    )
