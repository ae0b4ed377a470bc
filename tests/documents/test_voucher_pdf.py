"""The voucher PDF renderer: one page per code, read back like a printer and a desk scanner would."""

from __future__ import annotations

import pytest

from kasse.documents import Location, VoucherPage, render_voucher_pdf
from kasse.documents.formatting import group_code, short_code
from tests.documents.scan import Decoded, decode_pages, page_texts

CODES = ("K7QM2XHD9P", "23456789AB")


def page(**changes: object) -> VoucherPage:
    values: dict[str, object] = {
        "museum_name": "Museum für Kunst und Geschichte",
        "location": Location(street="Bodestraße", zip="10178", city="Berlin"),
        "coupon_title": "Gutschein 50 € zum Sonderpreis",
        "description": "50 € Guthaben für 45 €.",
        "value_text": "50,00 €",
        "code": CODES[0],
        "order_reference": "4711",
    }
    values.update(changes)
    return VoucherPage(**values)  # type: ignore[arg-type]


def test_codes_are_grouped_for_reading_and_shortened_for_naming() -> None:
    assert group_code("K7QM2XHD9P") == "K7QM 2XHD 9P"
    assert group_code("K7QM2XHD") == "K7QM 2XHD"
    assert short_code("K7QM2XHD9P") == "K7QM…"
    assert short_code("K7Q") == "K7Q"


def test_a_page_per_code_with_title_value_and_the_code_printed_and_as_qr() -> None:
    pdf = render_voucher_pdf([page(code=code) for code in CODES])
    texts = page_texts(pdf)
    assert len(texts) == 2
    for text, code in zip(texts, CODES, strict=True):
        for expected in (
            "Museum für Kunst und Geschichte",
            "Bodestraße",
            "10178 Berlin",
            "Gutschein 50 € zum Sonderpreis",
            "50 € Guthaben für 45 €.",
            "Wert: 50,00 €",
            "Gutscheincode",
            group_code(code),
            "So lösen Sie den Gutschein ein",
            "Bestellung: 4711",
        ):
            assert expected in text, expected
    # the QR code carries the code as stored: what an order's coupons take
    assert decode_pages(pdf) == [[Decoded(code, "QRCode")] for code in CODES]


def test_an_english_voucher() -> None:
    pdf = render_voucher_pdf(
        [page(locale="en", coupon_title="Gift voucher 25 €", value_text="€25.00", description=None)]
    )
    [text] = page_texts(pdf)
    for expected in ("Gift voucher 25 €", "Value: €25.00", "Voucher code", "How to redeem it"):
        assert expected in text, expected
    assert "Gutschein" not in text
    assert decode_pages(pdf) == [[Decoded(CODES[0], "QRCode")]]


def test_a_long_description_keeps_the_voucher_on_one_page_and_scannable() -> None:
    pdf = render_voucher_pdf([page(description="Einlösbar für alle Tickets. " * 60)])
    [text] = page_texts(pdf)
    assert "…" in text and group_code(CODES[0]) in text
    assert decode_pages(pdf) == [[Decoded(CODES[0], "QRCode")]]


def test_a_voucher_pdf_needs_a_page_and_a_code() -> None:
    with pytest.raises(ValueError):
        render_voucher_pdf([])
    with pytest.raises(ValueError):
        render_voucher_pdf([page(code="")])
