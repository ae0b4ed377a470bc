from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasse.documents import (
    InvoiceData,
    InvoiceLine,
    PaidByCoupon,
    Seller,
    format_money,
    format_vat_pct,
    invoice_totals,
    render_invoice_pdf,
)
from kasse.documents.data import round_half_up
from tests.documents.scan import page_texts

SELLER = Seller(
    name="Staatliche Museen zu Berlin",
    street="Genthiner Straße 38",
    zip="10785",
    city="Berlin",
    country="Deutschland",
    vat_id="DE136630206",
)

LINES = [
    InvoiceLine("Gemäldegalerie regulär", 2, 1400, 2800, 0.0, True),
    InvoiceLine("Audioguide", 1, 400, 400, 19.0, True),
    InvoiceLine("Katalog „El Siglo de Oro“", 1, 2500, 2500, 7.0, False),
    InvoiceLine("Führung für Gruppen", 1, 10000, 10000, 19.0, False),
]


def invoice(**changes: object) -> InvoiceData:
    values: dict[str, object] = {
        "number": "2026-000042",
        "issued_on": date(2026, 12, 1),
        "seller": SELLER,
        "buyer_lines": ["Jürgen Weiß", "Müllerstraße 1", "13353 Berlin"],
        "lines": LINES,
        "delivery_date": date(2026, 12, 2),
        "order_reference": "4711",
    }
    values.update(changes)
    return InvoiceData(**values)  # type: ignore[arg-type]


def test_totals_per_rate_of_a_mixed_invoice() -> None:
    totals = invoice_totals(LINES)
    by_rate = {r.vat_pct: (r.net_cents, r.vat_cents, r.gross_cents) for r in totals.rates}
    assert by_rate == {
        0.0: (2800, 0, 2800),
        7.0: (2500, 175, 2675),
        # 400 gross incl. 19 % → 336 net + 64 VAT; 10000 net plus 19 % → 1900 VAT
        19.0: (10336, 1964, 12300),
    }
    assert (totals.net_cents, totals.vat_cents, totals.gross_cents) == (15636, 2139, 17775)


def test_vat_is_computed_on_the_sum_not_per_line() -> None:
    # per line 3 ct x 19 % = 0.57 ct would round to 1 ct three times (3 ct); on the sum it is 2 ct
    lines = [InvoiceLine("Postkarte", 1, 3, 3, 19.0, False)] * 3
    [rate] = invoice_totals(lines).rates
    assert (rate.net_cents, rate.vat_cents) == (9, 2)


def test_rounding_is_commercial_half_up() -> None:
    assert round_half_up(Fraction(5, 2)) == 3  # Python's round() would give 2
    assert round_half_up(Fraction(-5, 2)) == -3
    # 50 ct net plus 7 % = 3.5 ct VAT → 4 ct
    [rate] = invoice_totals([InvoiceLine("Tüte", 1, 50, 50, 7.0, False)]).rates
    assert rate.vat_cents == 4


lines_strategy = st.lists(
    st.builds(
        InvoiceLine,
        title=st.just("Ticket"),
        quantity=st.integers(1, 50),
        unit_price_cents=st.integers(0, 100_000),
        total_cents=st.integers(-100_000, 5_000_000),
        vat_pct=st.sampled_from([0.0, 5.5, 7.0, 7.7, 16.0, 19.0, 20.0, 21.0]),
        tax_included=st.booleans(),
    ),
    max_size=30,
)


@given(lines_strategy)
def test_gross_is_net_plus_vat_for_every_rate_and_totals_are_sums(
    lines: list[InvoiceLine],
) -> None:
    totals = invoice_totals(lines)
    for rate in totals.rates:
        assert rate.gross_cents == rate.net_cents + rate.vat_cents
    assert totals.net_cents == sum(r.net_cents for r in totals.rates)
    assert totals.vat_cents == sum(r.vat_cents for r in totals.rates)
    assert totals.gross_cents == sum(r.gross_cents for r in totals.rates)
    assert totals.gross_cents == totals.net_cents + totals.vat_cents
    assert [r.vat_pct for r in totals.rates] == sorted({line.vat_pct for line in lines})


@given(lines_strategy)
def test_included_gross_is_kept_and_added_net_is_kept(lines: list[InvoiceLine]) -> None:
    totals = invoice_totals(lines)
    for rate in totals.rates:
        included = sum(x.total_cents for x in lines if x.vat_pct == rate.vat_pct and x.tax_included)
        added = sum(
            x.total_cents for x in lines if x.vat_pct == rate.vat_pct and not x.tax_included
        )
        pct = Fraction(str(rate.vat_pct))
        assert rate.net_cents - added == round_half_up(Fraction(included * 100) / (100 + pct))
        assert rate.gross_cents - included == added + round_half_up(added * pct / 100)
        # the VAT is never more than half a cent per part away from the exact value
        exact_vat = included * pct / (100 + pct) + added * pct / 100
        assert abs(rate.vat_cents - exact_vat) <= 1


def test_negative_or_not_finite_rates_are_refused() -> None:
    for bad in (-7.0, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            invoice_totals([InvoiceLine("x", 1, 100, 100, bad, True)])


def test_money_and_rates_print_per_locale() -> None:
    assert format_money(1234567) == "12.345,67 €"
    assert format_money(-5, locale="en") == "-€0.05"
    assert format_money(100, locale="en") == "€1.00"
    assert format_vat_pct(19.0) == "19 %" and format_vat_pct(7.7) == "7,7 %"
    assert format_vat_pct(5.5, "en") == "5.5%"


def _squash(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text)


def test_the_invoice_pdf_shows_seller_buyer_lines_and_vat_per_rate() -> None:
    [text] = page_texts(render_invoice_pdf(invoice()))
    for expected in (
        "Rechnung",
        "2026-000042",
        "01.12.2026",
        "02.12.2026",
        "Staatliche Museen zu Berlin",
        "Genthiner Straße 38",
        "USt.-IdNr. DE136630206",
        "Jürgen Weiß",
        "Müllerstraße 1",
        "Gemäldegalerie regulär",
        "Katalog „El Siglo de Oro“",
        "inkl. 19 %",
        "zzgl. 7 %",
    ):
        assert expected in text, expected
    rows = _squash(page_texts(render_invoice_pdf(invoice()), layout=True)[0])
    assert "USt.-Satz Netto USt. Brutto" in rows
    assert "0 % 28,00 € 0,00 € 28,00 €" in rows
    assert "7 % 25,00 € 1,75 € 26,75 €" in rows
    assert "19 % 103,36 € 19,64 € 123,00 €" in rows
    assert "Summe 156,36 € 21,39 € 177,75 €" in rows
    assert "Gesamtbetrag 177,75 €" in rows


def test_an_english_invoice_with_a_tax_note() -> None:
    note = "Admission tickets are exempt from VAT under § 4 No. 20 a UStG."
    [text] = page_texts(render_invoice_pdf(invoice(locale="en", tax_note=note)))
    rows = _squash(page_texts(render_invoice_pdf(invoice(locale="en")), layout=True)[0])
    assert "Invoice" in text and "2 December 2026" in text and note in text
    assert "incl. 19%" in text and "plus 7%" in text
    assert "19% €103.36 €19.64 €123.00" in rows
    assert "Amount due €177.75" in rows


def test_a_long_invoice_continues_on_more_pages() -> None:
    lines = [InvoiceLine(f"Ticket Nr. {n}", 1, 1190, 1190, 19.0, True) for n in range(1, 121)]
    texts = page_texts(render_invoice_pdf(invoice(lines=lines)))
    assert len(texts) > 2
    assert all("2026-000042" in text for text in texts)
    assert "Ticket Nr. 120" in texts[-1]
    # 120 x 11.90 € = 1428.00 € gross; net 1200.00 €, VAT 228.00 €
    assert "1.428,00 €" in texts[-1] and "228,00 €" in texts[-1]
    assert sum(text.count("Ticket Nr. ") for text in texts) == 120


def test_an_invoice_needs_lines() -> None:
    with pytest.raises(ValueError):
        render_invoice_pdf(invoice(lines=[]))


def test_coupons_that_paid_are_deducted_below_the_total() -> None:
    paid = [PaidByCoupon("K7QM…", 5000), PaidByCoupon("23AB…", 2775)]
    pdf = render_invoice_pdf(invoice(coupon_payments=paid))
    rows = _squash(page_texts(pdf, layout=True)[0])
    # the lines and the VAT stay as they were: a coupon is a means of payment, not a discount
    assert "Summe 156,36 € 21,39 € 177,75 €" in rows
    assert "Gesamtbetrag 177,75 €" in rows
    assert "Bezahlt mit Gutschein K7QM… -50,00 €" in rows
    assert "Bezahlt mit Gutschein 23AB… -27,75 €" in rows
    assert "Zahlbetrag 100,00 €" in rows

    rows = _squash(
        page_texts(render_invoice_pdf(invoice(locale="en", coupon_payments=paid)), layout=True)[0]
    )
    assert "Total amount €177.75" in rows
    assert "Paid with voucher K7QM… -€50.00" in rows
    assert "Amount due €100.00" in rows


def test_an_invoice_without_coupon_payments_has_no_deductions() -> None:
    [text] = page_texts(render_invoice_pdf(invoice()))
    assert "Gutschein" not in text and "Zahlbetrag" not in text
