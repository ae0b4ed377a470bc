"""The coupons among an order's documents over HTTP: voucher PDFs behind the order's token, and the
invoice with the coupons sold as lines and the coupons that paid as deductions."""

from __future__ import annotations

import re
from typing import Any

from kasse.documents.formatting import group_code, short_code
from tests.conftest import Kasse
from tests.coupons.helpers import (
    FLEX_PRICE,
    ORDERS,
    bought,
    cancel,
    codes_of,
    coupon_item,
    finalize,
    flex_item,
    ordered,
    price_of,
)
from tests.documents.scan import Decoded, decode_pages, page_texts
from tests.documents.test_routes import assert_not_found, fetch, pdf_of, ticket_url

MUSEUM = "Museum für Kunst und Geschichte"
PAYMENT = {"payment_id": "PAY-1", "provider_id": "creditcard"}


def coupon_sales(order: dict[str, Any]) -> list[dict[str, Any]]:
    return [i["attributes"] for i in order["items"] if i["type"] == "Coupon"]


def voucher_url(order: dict[str, Any], sale: dict[str, Any], token: str | None = "") -> str:
    url = f"{ORDERS}/{order['id']}/coupons/{sale['id']}.pdf"
    token = order["token"] if token == "" else token
    return url if token is None else f"{url}?token={token}"


def invoice_url(order: dict[str, Any]) -> str:
    return f"{ORDERS}/{order['id']}/invoice.pdf?token={order['token']}"


def qr_codes(sale: dict[str, Any]) -> list[list[Decoded]]:
    return [[Decoded(b["barcode"], "QRCode")] for b in sale["barcodes"]]


def rows_of(pdf: bytes) -> str:
    """The invoice's text as laid out, runs of blanks squashed: one table row per line."""
    return "\n".join(re.sub(r"[ \t]+", " ", text) for text in page_texts(pdf, layout=True))


async def english_order(kasse: Kasse, *items: dict[str, Any]) -> dict[str, Any]:
    body = {"items": list(items), "total": price_of(list(items))}
    r = await kasse.client.post(f"{ORDERS}?locale=en", json=body, headers=kasse.auth())
    assert r.status_code == 200, r.text
    order: dict[str, Any] = r.json()["order"]
    return order


async def finalized(kasse: Kasse, order: dict[str, Any]) -> dict[str, Any]:
    r = await finalize(kasse, order["id"], completed=True, payment=PAYMENT)
    assert r.status_code == 200, r.text
    done: dict[str, Any] = r.json()["order"]
    return done


# --- voucher PDFs --------------------------------------------------------------------------------


async def test_a_voucher_page_per_code_of_each_coupon_sale(kasse: Kasse) -> None:
    order = await ordered(kasse, coupon_item(1, 2), coupon_item(2, 1))
    small, big = coupon_sales(order)
    assert len(small["barcodes"]) == 2 and len(big["barcodes"]) == 1
    for sale, title, value in (
        (small, "Gutschein 25 €", "Wert: 25,00 €"),
        (big, "Gutschein 50 € zum Sonderpreis", "Wert: 50,00 €"),  # its value, not its price
    ):
        pdf = await pdf_of(kasse, voucher_url(order, sale))
        texts = page_texts(pdf)
        assert len(texts) == len(sale["barcodes"])
        for text, code in zip(texts, sale["barcodes"], strict=True):
            for expected in (MUSEUM, "Bodestraße", title, value, group_code(code["barcode"])):
                assert expected in text, expected
            assert f"Bestellung: {order['id']}" in text
        assert decode_pages(pdf) == qr_codes(sale)
    r = await fetch(kasse, voucher_url(order, small))
    assert f"coupons-{order['id']}-{small['id']}.pdf" in r.headers["content-disposition"]


async def test_an_english_order_gets_english_vouchers(kasse: Kasse) -> None:
    order = await english_order(kasse, coupon_item(2, 1))
    [sale] = coupon_sales(order)
    pdf = await pdf_of(kasse, voucher_url(order, sale))
    [text] = page_texts(pdf)
    for expected in ("Museum of Art and History", "Gift voucher 50 € on offer", "Value: €50.00"):
        assert expected in text, expected
    assert "A value of 50 € for the price of 45 €." in text  # the coupon's own description
    assert decode_pages(pdf) == qr_codes(sale)


async def test_the_printed_and_the_scanned_code_pay_an_order(kasse: Kasse) -> None:
    order = await ordered(kasse, coupon_item(1, 1))
    [sale] = coupon_sales(order)
    pdf = await pdf_of(kasse, voucher_url(order, sale))
    [[scanned]] = decode_pages(pdf)
    [printed] = re.findall(r"\b(?:[2-9A-Z]{4} ){2}[2-9A-Z]{2}\b", page_texts(pdf)[0])
    # as the scanner reads it, and as a customer types it: 15 € of 25 €, then the 10 € left
    for typed, pays in ((scanned.text, FLEX_PRICE), (printed, 2500 - FLEX_PRICE)):
        paid = await ordered(kasse, flex_item(), coupons=[typed])
        assert paid["coupons"] == [{"barcode": scanned.text, "value_cents": pays}]


async def test_only_the_orders_token_opens_its_vouchers(kasse: Kasse) -> None:
    order = await ordered(kasse, coupon_item(1, 1))
    other = await ordered(kasse, coupon_item(1, 1))
    [sale], [other_sale] = coupon_sales(order), coupon_sales(other)
    await pdf_of(kasse, voucher_url(order, sale))

    unknown = await assert_not_found(kasse, f"{ORDERS}/2000000/coupons/{sale['id']}.pdf?token=x")
    for url in (
        voucher_url(order, sale, token=None),
        voucher_url(order, sale, token="wrong"),
        voucher_url(order, sale, token=other["token"]),
        voucher_url(order, sale, token=kasse.tokens["reseller"]),
        f"{ORDERS}/{other['token']}/coupons/{sale['id']}.pdf?token={order['token']}",
    ):
        assert await assert_not_found(kasse, url) == unknown, url  # the same answer: no hints
    await assert_not_found(kasse, voucher_url(order, other_sale))  # a sale of another order
    await assert_not_found(kasse, ticket_url(order, sale))  # a coupon sale has no tickets
    r = await kasse.client.get(voucher_url(order, sale, token=None), headers=kasse.auth("user"))
    assert r.status_code == 404  # an API token does not replace the order's token


async def test_a_cancelled_coupon_item_has_no_vouchers(kasse: Kasse) -> None:
    order = await ordered(kasse, coupon_item(1, 1), coupon_item(1, 1))
    gone, kept = coupon_sales(order)
    r = await cancel(kasse, order["id"], [order["items"][0]["id"]])
    assert r.status_code == 200, r.text
    await assert_not_found(kasse, voucher_url(order, gone))
    assert decode_pages(await pdf_of(kasse, voucher_url(order, kept))) == qr_codes(kept)


async def test_a_two_phase_order_has_vouchers_once_finalized(kasse: Kasse) -> None:
    order = await ordered(kasse, coupon_item(1, 2), who="two-phase")
    [sale] = coupon_sales(order)
    assert sale["barcodes"] == []
    await assert_not_found(kasse, voucher_url(order, sale))
    [sale] = coupon_sales(await finalized(kasse, order))
    assert decode_pages(await pdf_of(kasse, voucher_url(order, sale))) == qr_codes(sale)


async def test_the_voucher_pdf_is_described_as_a_binary_answer(kasse: Kasse) -> None:
    paths = (await kasse.client.get("/openapi.json")).json()["paths"]
    operation = paths["/api/v4/orders/{order_id}/coupons/{sale_id}.pdf"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["application/pdf"]
    assert "application/json" in operation["responses"]["404"]["content"]
    assert "security" not in operation


# --- the invoice ---------------------------------------------------------------------------------


async def test_the_invoice_lists_coupons_sold_and_deducts_coupons_that_paid(kasse: Kasse) -> None:
    [code] = await bought(kasse, 1)  # worth 25 €
    # 15 € flex ticket (7 %) + a 50 € coupon sold for 45 € (0 %) = 60 €; the coupon pays 25 €
    order = await ordered(kasse, flex_item(), coupon_item(2, 1), who="two-phase", coupons=[code])
    await finalized(kasse, order)
    rows = rows_of((await fetch(kasse, invoice_url(order))).content)
    for expected in (
        "Flexticket",
        "Gutschein 50 € zum Sonderpreis 1 45,00 € inkl. 0 % 45,00 €",
        "0 % 45,00 € 0,00 € 45,00 €",
        # 15 € incl. 7 %: 14,02 € net + 0,98 € VAT; the coupon that paid changes none of it
        "7 % 14,02 € 0,98 € 15,00 €",
        "Gesamtbetrag 60,00 €",
        f"Bezahlt mit Gutschein {short_code(code)} -25,00 €",
        "Zahlbetrag 35,00 €",
    ):
        assert expected in rows, expected
    assert code not in rows  # shortened: it may still pay elsewhere


async def test_a_cancelled_item_leaves_the_invoice_and_the_coupons_keep_what_is_left(
    kasse: Kasse,
) -> None:
    [code] = await bought(kasse, 1)
    order = await ordered(kasse, flex_item(), coupon_item(2, 1), who="two-phase", coupons=[code])
    done = await finalized(kasse, order)
    r = await cancel(kasse, order["id"], [done["items"][1]["id"]], who="two-phase")
    assert r.status_code == 200, r.text
    rows = rows_of((await fetch(kasse, invoice_url(order))).content)
    assert "Gutschein 50" not in rows
    # what the coupon paid beyond the 15 € left went back to it
    for expected in ("Gesamtbetrag 15,00 €", "-15,00 €", "Zahlbetrag 0,00 €"):
        assert expected in rows, expected


async def test_an_english_invoice_of_coupons(kasse: Kasse) -> None:
    [code] = await bought(kasse, 2)  # worth 50 €
    body = {"items": [coupon_item(1, 1)], "total": 2500, "coupons": [code]}
    r = await kasse.client.post(f"{ORDERS}?locale=en", json=body, headers=kasse.auth("two-phase"))
    assert r.status_code == 200, r.text
    order = r.json()["order"]
    await finalized(kasse, order)
    rows = rows_of((await fetch(kasse, invoice_url(order))).content)
    for expected in (
        "Gift voucher 25 €",
        "Total amount €25.00",
        f"Paid with voucher {short_code(code)} -€25.00",
        "Amount due €0.00",
    ):
        assert expected in rows, expected


async def test_the_coupons_list_of_an_order_names_the_sale_the_pdf_serves(kasse: Kasse) -> None:
    order = await ordered(kasse, coupon_item(1, 2))
    r = await kasse.client.get(f"{ORDERS}/{order['id']}/coupons", headers=kasse.auth())
    assert r.status_code == 200, r.text
    [listed] = r.json()["coupons"]
    codes = [b["barcode"] for b in listed["barcodes"]]
    assert codes == codes_of(order)
    pdf = await pdf_of(kasse, voucher_url(order, listed))
    assert decode_pages(pdf) == [[Decoded(code, "QRCode")] for code in codes]


async def test_an_invoice_without_coupons_has_no_coupon_lines(kasse: Kasse) -> None:
    order = await ordered(kasse, flex_item(), who="two-phase")
    await finalized(kasse, order)
    rows = rows_of((await fetch(kasse, invoice_url(order))).content)
    assert "Gesamtbetrag 15,00 €" in rows
    assert "Bezahlt mit" not in rows and "Zahlbetrag" not in rows
