from __future__ import annotations

import dataclasses
import io

import pypdf
import pytest
from PIL import Image

from kasse.documents import Location, TicketPage, ean13_check_digit, new_barcode, render_ticket_pdf
from kasse.documents.data import BarcodeMethod
from tests.documents.scan import Decoded, decode_pages, page_texts

FORMATS: dict[BarcodeMethod, str] = {"ean": "EAN13", "code39": "Code39", "qr": "QRCode"}


def ticket(method: BarcodeMethod = "code39", **changes: object) -> TicketPage:
    page = TicketPage(
        museum_name="Gemäldegalerie",
        location=Location(street="Matthäikirchplatz", zip="10785", city="Berlin"),
        ticket_title="El Siglo de Oro mit Gemäldegalerie regulär",
        ticket_sub_title="Kombiticket für Groß und Klein",
        date_text="Mittwoch, 2. Dezember 2026",
        slot_text="10:00–10:30",
        sub_ticket_lines=["Subticket Pergamonmuseum: 11:00", "Subticket Panorama: 12:30"],
        attendee_name="Jürgen Weiß",
        price_text="14,00 €",
        after_sale_information="Bitte bringen Sie einen gültigen Ausweis mit. Garderobe im Foyer.",
        barcode=new_barcode(method),
        barcode_method=method,
        order_reference="4711",
        locale="de",
    )
    return dataclasses.replace(page, **changes)  # type: ignore[arg-type]


def test_a_ticket_page_shows_everything_the_visitor_needs() -> None:
    page = ticket()
    [text] = page_texts(render_ticket_pdf([page]))
    for expected in (
        "Gemäldegalerie",
        "Matthäikirchplatz",
        "10785 Berlin",
        "El Siglo de Oro mit Gemäldegalerie regulär",
        "Kombiticket für Groß und Klein",
        "Mittwoch, 2. Dezember 2026",
        "Zeitfenster: 10:00–10:30",
        "Subticket Pergamonmuseum: 11:00",
        "Subticket Panorama: 12:30",
        "Name: Jürgen Weiß",
        "Preis: 14,00 €",
        "Bitte bringen Sie einen gültigen Ausweis mit.",
        "Bestellung: 4711",
        page.barcode,  # human-readable line under the CODE 39
    ):
        assert expected in text, expected


def test_english_labels_and_optional_fields_left_out() -> None:
    page = ticket(
        locale="en",
        price_text="€14.00",
        slot_text=None,
        ticket_sub_title=None,
        sub_ticket_lines=[],
        attendee_name=None,
        after_sale_information=None,
    )
    [text] = page_texts(render_ticket_pdf([page]))
    assert "Price: €14.00" in text and "Order: 4711" in text
    assert "Time slot" not in text and "Name:" not in text and "Information" not in text


@pytest.mark.parametrize("method", ["ean", "code39", "qr"])
def test_the_barcode_scans_back_exactly(method: BarcodeMethod) -> None:
    page = ticket(method)
    [found] = decode_pages(render_ticket_pdf([page]))
    assert found == [Decoded(page.barcode, FORMATS[method])]


def test_code39_with_punctuation_scans_without_a_check_character() -> None:
    page = ticket("code39", barcode="KASSE-2026.4 711")
    [found] = decode_pages(render_ticket_pdf([page]))
    assert found == [Decoded("KASSE-2026.4 711", "Code39")]


def test_a_long_code39_still_fits_and_scans() -> None:
    value = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[:32]
    [found] = decode_pages(render_ticket_pdf([ticket("code39", barcode=value)]), scale=4)
    assert found == [Decoded(value, "Code39")]


def test_one_page_and_one_barcode_per_ticket_in_order() -> None:
    methods: list[BarcodeMethod] = ["ean", "code39", "qr", "code39", "ean", "qr", "code39"]
    pages = [ticket(method) for method in methods]
    pdf = render_ticket_pdf(pages)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == len(pages)
    assert decode_pages(pdf) == [[Decoded(p.barcode, FORMATS[p.barcode_method])] for p in pages]


def test_long_after_sale_information_keeps_the_ticket_on_one_page() -> None:
    page = ticket("qr", after_sale_information="Hinweis zur Garderobe und zum Ausweis. " * 400)
    pdf = render_ticket_pdf([page])
    [text] = page_texts(pdf)
    assert "…" in text
    assert decode_pages(pdf) == [[Decoded(page.barcode, "QRCode")]]


def _portrait(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (180, 120, 90)).save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_the_holder_portrait_is_drawn(kind: str) -> None:
    page = ticket("ean", holder_portrait=_portrait(kind))
    pdf = render_ticket_pdf([page])
    [pdf_page] = pypdf.PdfReader(io.BytesIO(pdf)).pages
    [image] = pdf_page.images
    assert image.image is not None and image.image.size == (60, 80)
    assert decode_pages(pdf) == [[Decoded(page.barcode, "EAN13")]]


def test_a_broken_portrait_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="portrait"):
        render_ticket_pdf([ticket(holder_portrait=b"not an image")])


@pytest.mark.parametrize(
    ("method", "value"), [("ean", "4006381333932"), ("code39", "lower"), ("qr", "")]
)
def test_unprintable_barcodes_are_refused(method: BarcodeMethod, value: str) -> None:
    with pytest.raises(ValueError):
        render_ticket_pdf([ticket(method, barcode=value)])


def test_no_pages_is_refused() -> None:
    with pytest.raises(ValueError):
        render_ticket_pdf([])


def test_letters_outside_the_builtin_fonts_lose_only_their_accents() -> None:
    [text] = page_texts(render_ticket_pdf([ticket(attendee_name="Antonín Dvořák")]))
    assert "Name: Antonín Dvorák" in text


def test_every_code39_character_scans() -> None:
    values = ["0123456789ABCDEFGHIJK", "LMNOPQRSTUVWXYZ-. $/+%"]
    pdf = render_ticket_pdf([ticket("code39", barcode=value) for value in values])
    assert decode_pages(pdf) == [[Decoded(value, "Code39")] for value in values]


def test_every_ean13_parity_pattern_scans() -> None:
    # the first digit is encoded only in the parity pattern of the left half
    values = [f"{first}00638133393" for first in "0123456789"]
    values = [value + ean13_check_digit(value) for value in values]
    pdf = render_ticket_pdf([ticket("ean", barcode=value) for value in values])
    assert decode_pages(pdf) == [[Decoded(value, "EAN13")] for value in values]


def test_a_long_qr_payload_scans_and_its_caption_stays_on_the_page() -> None:
    value = "https://tickets.example.org/check/" + "x7" * 60
    pdf = render_ticket_pdf([ticket("qr", barcode=value)])
    [text] = page_texts(pdf)
    assert value in text.replace("\n", "")
    assert decode_pages(pdf) == [[Decoded(value, "QRCode")]]
