"""The documents of an order over HTTP: opened by the order's token, read back like a customer would."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from kasse.catalog.demo import demo_catalog
from kasse.documents import routes as document_routes
from kasse.documents.wallet import DEV_CA_CERT
from tests.conftest import Kasse
from tests.documents.conftest import WalletApp
from tests.documents.scan import Decoded, decode_pages, page_texts

ORDERS = "/api/v4/orders"
PRICES = {1: 1200, 3: 1400, 6: 1900, 9: 2400, 700: 500, 701: 900}
FORMATS = {"ean": "EAN13", "code39": "Code39", "qr": "QRCode"}
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
             "September", "Oktober", "November", "Dezember")  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip
MUSEUM = "Museum für Kunst und Geschichte"
PETER, HOOK = {"name": "Peter", "surname": "Pan"}, {"name": "Capt'n", "surname": "Hook"}
CUSTOMER = {
    "name": "Lukas",
    "surname": "Schmidt",
    "email": "lukas@example.org",
    "addr_institution": "Schule am See",
    "addr_street": "Beispielallee 12",
    "addr_zip": "10115",
    "addr_city": "Berlin",
}
PAYMENT = {"payment_id": "PAY-9988", "provider_id": "creditcard", "provider_name": "VISA"}

# A museum that prints CODE 39, with one ticket that asks for QR codes instead.
SCANNER_MUSEUM = {
    "museums": [
        {
            "id": 70,
            "title": {"de": "Haus der Scanner", "en": "House of Scanners"},
            "location": {"street": "Lesestraße 3", "zip": "10117", "city": "Berlin"},
            "opening_hours": dict.fromkeys(["tue", "wed", "thu", "fri"], "09:00-17:00"),
            "barcode_method": "code39",
        }
    ],
    "quotas": [{"id": 70, "title": "Scanner", "capacity": 100}],
    "tickets": [
        {"id": 700, "title": "Tageskarte Code 39", "price_cents": 500, "museum_ids": [70],
         "quota_ids": [70], "vat_pct": 7.0},
        {"id": 701, "title": "Tageskarte QR", "price_cents": 900, "museum_ids": [70],
         "quota_ids": [70], "vat_pct": 7.0, "barcode_method": "qr"},
    ],
}  # fmt: skip


def item(ticket_id: int, quantity: int, time: str | None = None, **attrs: Any) -> dict[str, Any]:
    attributes: dict[str, Any] = {"id": ticket_id, "quantity": quantity, **attrs}
    if time is not None:
        attributes["time"] = time
    return {"type": "Ticket", "attributes": attributes}


def combined(kasse: Kasse, day: date, quantity: int = 1) -> dict[str, Any]:
    subs = {"61": kasse.local(day, "10:00"), "62": kasse.local(day, "11:30")}
    return item(6, quantity, kasse.local(day, "10:00"), sub_ticket_times=subs)


async def ordered(
    kasse: Kasse, *items: dict[str, Any], who: str = "reseller", locale: str = "de"
) -> dict[str, Any]:
    total = sum(PRICES[i["attributes"]["id"]] * i["attributes"]["quantity"] for i in items)
    r = await kasse.client.post(
        f"{ORDERS}?locale={locale}",
        json={"items": list(items), "total": total},
        headers=kasse.auth(who),
    )
    assert r.status_code == 200, r.text
    order: dict[str, Any] = r.json()["order"]
    return order


async def finalize(kasse: Kasse, order: dict[str, Any], **body: Any) -> httpx.Response:
    payload = {"customer": CUSTOMER, "payment": PAYMENT, "completed": True, **body}
    return await kasse.client.post(
        f"{ORDERS}/{order['id']}/finalize", json={"order": payload}, headers=kasse.auth("two-phase")
    )


async def finalized(kasse: Kasse, *items: dict[str, Any], locale: str = "de") -> dict[str, Any]:
    order = await ordered(kasse, *items, who="two-phase", locale=locale)
    r = await finalize(kasse, order)
    assert r.status_code == 200, r.text
    done: dict[str, Any] = r.json()["order"]
    return done


def sales(order: dict[str, Any]) -> list[dict[str, Any]]:
    return [i["attributes"] for i in order["items"]]


def barcodes(sale: dict[str, Any]) -> list[Decoded]:
    return [Decoded(b["barcode"], FORMATS[b["method"]]) for b in sale["barcodes"]]


def ticket_url(order: dict[str, Any], sale: dict[str, Any], token: str | None = "") -> str:
    url = f"{ORDERS}/{order['id']}/tickets/{sale['id']}.pdf"
    token = order["token"] if token == "" else token
    return url if token is None else f"{url}?token={token}"


async def fetch(kasse: Kasse, url: str) -> httpx.Response:
    return await kasse.client.get(url)  # no Authorization: the order token opens documents


async def pdf_of(kasse: Kasse, url: str) -> bytes:
    r = await fetch(kasse, url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("inline; filename=")
    assert "no-store" in r.headers["cache-control"]
    return r.content


def german_day(day: date) -> str:
    return f"Mittwoch, {day.day}. {MONTHS_DE[day.month - 1]} {day.year}"


def english_day(day: date) -> str:
    return f"Wednesday, {day.day} {MONTHS_EN[day.month - 1]} {day.year}"


async def assert_not_found(kasse: Kasse, url: str) -> dict[str, Any]:
    r = await fetch(kasse, url)
    assert r.status_code == 404, r.text
    assert r.headers["content-type"] == "application/json"
    body: dict[str, Any] = r.json()
    assert isinstance(body["error"], str)
    return body


# --- ticket PDFs ---------------------------------------------------------------------------------


async def test_a_time_slot_ticket_has_a_page_per_barcode_with_its_visitor(
    kasse: Kasse, day: date
) -> None:
    order = await ordered(kasse, item(3, 2, kasse.local(day, "10:00"), attendees=[PETER, HOOK]))
    [sale] = sales(order)
    pdf = await pdf_of(kasse, ticket_url(order, sale))

    assert decode_pages(pdf) == [[code] for code in barcodes(sale)]
    assert [c.format for c in barcodes(sale)] == ["EAN13", "EAN13"]
    first, second = page_texts(pdf)
    for text in (first, second):
        for expected in (
            MUSEUM,
            "Bodestraße",
            "10178 Berlin",
            "Zeitfenster regulär",
            german_day(day),
            "Zeitfenster: 10:00–10:30",
            "Preis: 14,00 €",
            f"Bestellung: {order['id']}",
        ):
            assert expected in text, expected
    assert "Name: Peter Pan" in first and "Hook" not in first
    assert "Name: Capt'n Hook" in second and "Peter" not in second


async def test_every_sale_of_an_order_has_its_own_pdf(kasse: Kasse, day: date) -> None:
    order = await ordered(
        kasse,
        combined(kasse, day),
        item(9, 2, kasse.local(day, "11:00"), attendees=[HOOK, PETER]),
        item(1, 1, kasse.local(day, "12:00")),
    )
    combo, tour, day_ticket = sales(order)

    pdf = await pdf_of(kasse, ticket_url(order, combo))
    [text] = page_texts(pdf)
    for expected in (
        "Museum + Das Panorama regulär",
        "Zeitfenster: 10:00–10:30",
        "Subticket Museum: 10:00",
        "Subticket Das Panorama: 11:30",
        "Preis: 19,00 €",
    ):
        assert expected in text, expected
    assert decode_pages(pdf) == [barcodes(combo)]

    pdf = await pdf_of(kasse, ticket_url(order, tour))
    texts = page_texts(pdf)
    assert ["Name: Capt'n Hook" in t for t in texts] == [True, False]
    assert ["Name: Peter Pan" in t for t in texts] == [False, True]
    assert all("Zeitfenster: 11:00–12:00" in t and "Preis: 24,00 €" in t for t in texts)
    assert decode_pages(pdf) == [[code] for code in barcodes(tour)]

    pdf = await pdf_of(kasse, ticket_url(order, day_ticket))
    [text] = page_texts(pdf)
    assert "Tageskarte regulär" in text and german_day(day) in text
    assert "Zeitfenster" not in text  # a day ticket has no slot
    assert "Bitte halten Sie Ihr Ticket am Eingang bereit." in text
    assert decode_pages(pdf) == [barcodes(day_ticket)]


async def test_an_english_order_gets_english_tickets(kasse: Kasse, day: date) -> None:
    order = await ordered(kasse, combined(kasse, day, 2), locale="en")
    [sale] = sales(order)
    pdf = await pdf_of(kasse, ticket_url(order, sale))
    texts = page_texts(pdf)
    assert len(texts) == 2
    for text in texts:
        for expected in (
            "Museum of Art and History",
            "Museum + The Panorama regular",
            english_day(day),
            "Time slot: 10:00–10:30",
            "Sub ticket museum: 10:00",
            "Sub ticket The Panorama: 11:30",
            "Price: €19.00",
            f"Order: {order['id']}",
        ):
            assert expected in text, expected
    assert decode_pages(pdf) == [[code] for code in barcodes(sale)]


async def test_code39_and_qr_tickets_scan_back(kasse: Kasse, day: date) -> None:
    await kasse.load(SCANNER_MUSEUM)
    order = await ordered(
        kasse, item(700, 3, kasse.local(day, "09:00")), item(701, 2, kasse.local(day, "09:00"))
    )
    code39, qr = sales(order)
    assert {b["method"] for b in code39["barcodes"]} == {"code39"}
    assert {b["method"] for b in qr["barcodes"]} == {"qr"}
    for sale in (code39, qr):
        pdf = await pdf_of(kasse, ticket_url(order, sale))
        assert decode_pages(pdf) == [[code] for code in barcodes(sale)]
        assert all("Haus der Scanner" in t and "Lesestraße 3" in t for t in page_texts(pdf))


async def test_the_order_token_in_the_path_opens_the_documents_too(kasse: Kasse, day: date) -> None:
    order = await ordered(kasse, item(3, 1, kasse.local(day, "10:00")))
    [sale] = sales(order)
    url = f"{ORDERS}/{order['token']}/tickets/{sale['id']}.pdf?token={order['token']}"
    assert decode_pages(await pdf_of(kasse, url)) == [barcodes(sale)]


# --- who may open them ---------------------------------------------------------------------------


async def test_only_the_orders_own_token_opens_its_tickets(kasse: Kasse, day: date) -> None:
    order = await ordered(kasse, item(3, 1, kasse.local(day, "10:00")))
    other = await ordered(kasse, item(3, 1, kasse.local(day, "10:30")))
    [sale], [other_sale] = sales(order), sales(other)

    unknown = await assert_not_found(kasse, f"{ORDERS}/2000000/tickets/{sale['id']}.pdf?token=x")
    for url in (
        ticket_url(order, sale, token=None),
        ticket_url(order, sale, token="wrong"),
        ticket_url(order, sale, token=order["token"][:-1]),
        ticket_url(order, sale, token=order["token"] + "x" * 500),  # any length: 404, not 422
        ticket_url(order, sale, token="%C3%A4"),
        ticket_url(order, sale, token=other["token"]),
        ticket_url(order, sale, token=kasse.tokens["reseller"]),  # an API token is no order token
        # the other order's token opens the other order only, not a sale of this one
        f"{ORDERS}/{other['token']}/tickets/{sale['id']}.pdf?token={order['token']}",
    ):
        assert await assert_not_found(kasse, url) == unknown, url  # the same answer: no hints
    await assert_not_found(kasse, ticket_url(order, other_sale))  # a sale of another order
    r = await kasse.client.get(ticket_url(order, sale, token=None), headers=kasse.auth("user"))
    assert r.status_code == 404  # an API token does not replace the order's token


async def test_a_cancelled_order_has_no_documents(kasse: Kasse, day: date) -> None:
    order = await ordered(kasse, item(3, 1, kasse.local(day, "10:00")))
    [sale] = sales(order)
    await pdf_of(kasse, ticket_url(order, sale))
    r = await kasse.client.post(
        f"{ORDERS}/{order['id']}/cancellations", headers=kasse.auth("reseller")
    )
    assert r.status_code == 200, r.text
    await assert_not_found(kasse, ticket_url(order, sale))


async def test_a_cancelled_item_has_no_tickets_and_the_others_keep_theirs(
    kasse: Kasse, day: date
) -> None:
    order = await ordered(
        kasse, item(3, 1, kasse.local(day, "10:00")), item(1, 1, kasse.local(day, "10:00"))
    )
    kept, gone = sales(order)
    r = await kasse.client.post(
        f"{ORDERS}/{order['id']}/cancellations",
        json={"order_item_ids": [order["items"][1]["id"]]},
        headers=kasse.auth("reseller"),
    )
    assert r.status_code == 200, r.text
    await assert_not_found(kasse, ticket_url(order, gone))
    assert decode_pages(await pdf_of(kasse, ticket_url(order, kept))) == [barcodes(kept)]


async def test_a_two_phase_order_has_documents_once_finalized(kasse: Kasse, day: date) -> None:
    order = await ordered(kasse, item(3, 2, kasse.local(day, "10:00")), who="two-phase")
    [sale] = sales(order)
    assert order["status"] == "created" and sale["barcodes"] == []
    await assert_not_found(kasse, ticket_url(order, sale))
    await assert_not_found(kasse, f"{ORDERS}/{order['id']}/invoice.pdf?token={order['token']}")

    # customer data only, not completed: still not binding
    r = await finalize(kasse, order, completed=False, payment=None)
    assert r.status_code == 200, r.text
    await assert_not_found(kasse, ticket_url(order, sale))

    r = await finalize(kasse, order)
    assert r.status_code == 200, r.text
    [sale] = sales(r.json()["order"])
    assert len(sale["barcodes"]) == 2
    assert decode_pages(await pdf_of(kasse, ticket_url(order, sale))) == [
        [code] for code in barcodes(sale)
    ]


async def test_an_expired_two_phase_order_has_no_documents(kasse: Kasse, day: date) -> None:
    order = await ordered(kasse, item(3, 1, kasse.local(day, "10:00")), who="two-phase")
    kasse.clock.advance(timedelta(hours=2))
    r = await finalize(kasse, order)
    assert r.status_code == 422, r.text
    await assert_not_found(kasse, ticket_url(order, sales(order)[0]))


async def test_tours_have_no_documents_here(kasse: Kasse, day: date) -> None:
    order = await ordered(kasse, item(3, 1, kasse.local(day, "10:00")))
    body = await assert_not_found(
        kasse, f"{ORDERS}/{order['id']}/tours/1.pdf?token={order['token']}"
    )
    assert "sells no" in body["error"]


# --- invoice -------------------------------------------------------------------------------------


def invoice_url(order: dict[str, Any]) -> str:
    return f"{ORDERS}/{order['id']}/invoice.pdf?token={order['token']}"


async def invoice_number(kasse: Kasse, order: dict[str, Any]) -> str:
    r = await kasse.client.get(f"{ORDERS}/{order['id']}/invoices", headers=kasse.auth("two-phase"))
    assert r.status_code == 200, r.text
    [invoice] = r.json()["invoices"]
    number: str = invoice["number"]
    return number


async def test_a_direct_order_has_no_invoice_and_cannot_be_finalized(
    kasse: Kasse, day: date
) -> None:
    order = await ordered(kasse, item(3, 1, kasse.local(day, "10:00")))
    await assert_not_found(kasse, invoice_url(order))
    r = await kasse.client.post(
        f"{ORDERS}/{order['id']}/finalize",
        json={"order": {"completed": True}},
        headers=kasse.auth("reseller"),
    )
    assert r.status_code == 422, r.text
    await assert_not_found(kasse, invoice_url(order))


async def test_the_invoice_of_a_finalized_order(kasse: Kasse, day: date) -> None:
    museum = demo_catalog(kasse.clock.now().date())["museums"][0] | {"vat_id": "DE136630206"}
    await kasse.load({"museums": [museum]})
    order = await finalized(
        kasse,
        item(3, 2, kasse.local(day, "10:00")),  # 28,00 € incl. 7 %
        item(9, 2, kasse.local(day, "11:00"), attendees=[PETER, HOOK]),  # 48,00 € incl. 19 %
    )
    number = await invoice_number(kasse, order)
    r = await fetch(kasse, invoice_url(order))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert number in r.headers["content-disposition"]
    text = "\n".join(page_texts(r.content))
    for expected in (
        "Rechnung",
        number,
        MUSEUM,
        "Bodestraße",
        "10178 Berlin",
        "DE136630206",
        "Schule am See",
        "Lukas Schmidt",
        "Beispielallee 12",
        "10115 Berlin",
        "Zeitfenster regulär",
        "Kuratorenführung",
        day.strftime("%d.%m.%Y"),
        str(order["id"]),
        # per rate: 2800 gross incl. 7 % = 2617 net + 183 VAT; 4800 incl. 19 % = 4034 + 766
        "26,17 €",
        "1,83 €",
        "40,34 €",
        "7,66 €",
        "76,00 €",
    ):
        assert expected in text, expected


async def test_invoice_numbers_are_consecutive(kasse: Kasse, day: date) -> None:
    first = await finalized(kasse, item(3, 1, kasse.local(day, "10:00")))
    second = await finalized(kasse, item(1, 1, kasse.local(day, "10:00")), locale="en")
    numbers = [await invoice_number(kasse, order) for order in (first, second)]
    year, counter = numbers[0].split("-")
    assert numbers[1] == f"{year}-{int(counter) + 1:06d}"
    for order, number in zip((first, second), numbers, strict=True):
        r = await fetch(kasse, invoice_url(order))
        assert r.status_code == 200, r.text
        assert number in "\n".join(page_texts(r.content))
    assert "Invoice" in page_texts((await fetch(kasse, invoice_url(second))).content)[0]


async def test_a_cancelled_order_has_no_invoice(kasse: Kasse, day: date) -> None:
    order = await finalized(kasse, item(3, 1, kasse.local(day, "10:00")))
    assert (await fetch(kasse, invoice_url(order))).status_code == 200
    r = await kasse.client.post(
        f"{ORDERS}/{order['id']}/cancellations", headers=kasse.auth("two-phase")
    )
    assert r.status_code == 200, r.text
    await assert_not_found(kasse, invoice_url(order))


# --- Wallet passes -------------------------------------------------------------------------------


def unzip(pkpass: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(pkpass)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def openssl_verify(folder: Path, files: dict[str, bytes], ca: Path) -> str:
    (folder / "signature").write_bytes(files["signature"])
    (folder / "manifest.json").write_bytes(files["manifest.json"])
    result = subprocess.run(
        [
            "openssl", "cms", "-verify", "-binary", "-inform", "DER",
            "-in", str(folder / "signature"), "-content", str(folder / "manifest.json"),
            "-CAfile", str(ca), "-purpose", "any", "-out", str(folder / "out"),
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    return "ok" if result.returncode == 0 else result.stderr.decode()


def pass_url(order: dict[str, Any], sale: dict[str, Any], barcode: str, token: str = "") -> str:
    token = token or order["token"]
    return f"{ORDERS}/{order['id']}/tickets/{sale['id']}/passbooks/{barcode}.pkpass?token={token}"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
async def test_a_wallet_pass_per_barcode_signed_by_the_development_chain(
    kasse: Kasse, wallet: WalletApp, day: date, tmp_path: Path
) -> None:
    order = await ordered(kasse, item(3, 2, kasse.local(day, "10:00"), attendees=[PETER, HOOK]))
    [sale] = sales(order)
    for code, holder in zip(sale["barcodes"], ("Peter Pan", "Capt'n Hook"), strict=True):
        r = await wallet.client.get(pass_url(order, sale, code["barcode"]))
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/vnd.apple.pkpass"
        files = unzip(r.content)
        manifest = json.loads(files["manifest.json"])
        assert set(manifest) == set(files) - {"manifest.json", "signature"}
        for name, digest in manifest.items():
            assert hashlib.sha1(files[name]).hexdigest() == digest
        content = json.loads(files["pass.json"])
        assert content["serialNumber"] == code["barcode"]
        assert content["passTypeIdentifier"] == "pass.org.kasse.ticket"
        assert content["teamIdentifier"] == "KASSEDEV"
        assert content["organizationName"] == MUSEUM
        [barcode] = content["barcodes"]
        assert barcode["message"] == code["barcode"]
        assert barcode["format"] == "PKBarcodeFormatCode128"  # Wallet draws no EAN-13
        assert content["relevantDate"] == kasse.local(day, "10:00")
        fields = {f["key"]: f["value"] for group in content["eventTicket"].values() for f in group}
        assert fields["ticket"] == "Zeitfenster regulär"
        assert fields["date"] == german_day(day)
        assert fields["slot"] == "10:00–10:30"
        assert fields["holder"] == holder
        assert openssl_verify(tmp_path, files, wallet.folder / DEV_CA_CERT) == "ok"


async def test_a_wallet_pass_needs_the_token_and_a_barcode_of_the_sale(
    kasse: Kasse, wallet: WalletApp, day: date
) -> None:
    order = await ordered(
        kasse, item(3, 1, kasse.local(day, "10:00")), item(1, 1, kasse.local(day, "12:00"))
    )
    first, second = sales(order)
    code = first["barcodes"][0]["barcode"]
    other_code = second["barcodes"][0]["barcode"]
    assert (await wallet.client.get(pass_url(order, first, code))).status_code == 200
    for url in (
        pass_url(order, first, code, token="wrong"),
        pass_url(order, first, code).split("?")[0],
        pass_url(order, first, other_code),  # a barcode of another sale
        pass_url(order, first, "0000000000000"),
    ):
        r = await wallet.client.get(url)
        assert r.status_code == 404, url
        assert "error" in r.json()


# --- the API description -------------------------------------------------------------------------


async def test_the_documents_are_described_as_binary_answers(kasse: Kasse) -> None:
    paths = (await kasse.client.get("/openapi.json")).json()["paths"]
    expected = {
        "/api/v4/orders/{order_id}/tickets/{sale_id}.pdf": "application/pdf",
        "/api/v4/orders/{order_id}/tickets/{sale_id}/passbooks/{barcode}.pkpass": (
            "application/vnd.apple.pkpass"
        ),
        "/api/v4/orders/{order_id}/invoice.pdf": "application/pdf",
        "/api/v4/orders/{order_id}/events/{event_id}.pdf": "application/pdf",
        "/api/v4/orders/{order_id}/tours/{tour_id}.pdf": "application/pdf",
    }
    for path, media_type in expected.items():
        operation = paths[path]["get"]
        assert list(operation["responses"]["200"]["content"]) == [media_type]
        assert "application/json" in operation["responses"]["404"]["content"]
        assert "security" not in operation  # the order's token, not an API token
        token = next(p for p in operation["parameters"] if p["name"] == "token")
        assert token["in"] == "query" and not token.get("required", False)


async def test_documents_render_after_the_database_connection_is_back_in_the_pool(
    kasse: Kasse, day: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering is CPU work of milliseconds: a pooled connection held meanwhile would make the
    pool size the limit of how many PDFs are made at once."""
    order = await ordered(kasse, item(3, 2, kasse.local(day, "10:00")))
    pool = kasse.instance.read_engine.pool
    held_while_rendering: list[int] = []
    render = document_routes.render_ticket_pdf

    def counting_render(pages: Any) -> bytes:
        held_while_rendering.append(pool.checkedout())
        return render(pages)

    monkeypatch.setattr(document_routes, "render_ticket_pdf", counting_render)
    pdf = await pdf_of(kasse, ticket_url(order, sales(order)[0]))
    assert len(page_texts(pdf)) == 2
    assert held_while_rendering == [0]
