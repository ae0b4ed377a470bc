"""The order mails of coupons: the codes sold, with their vouchers attached, and the coupons that
paid, with what is left to pay. From the HTTP request to a real SMTP server, as in
``test_order_mails.py``; coupon 1 (25 €) and coupon 2 (50 € for 45 €) of the demo museum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from kasse.documents.formatting import group_code, short_code
from tests.coupons.helpers import COUPON_PRICES, coupon_item
from tests.documents.scan import Decoded, decode_pages, page_texts
from tests.mail.helpers import outbox
from tests.mail.shop import (
    ORDERS,
    PUBLIC,
    Shop,
    assert_no_mail,
    finalized,
    invoice_number,
    only_mail,
    pdf_attachments,
    text_of,
)

TICKET_PRICES = {3: 1400}  # Zeitfenster regulär


def ticket(shop: Shop, day: date, quantity: int) -> dict[str, Any]:
    time = shop.local(day, "10:00")
    return {"type": "Ticket", "attributes": {"id": 3, "quantity": quantity, "time": time}}


def price_of(items: list[dict[str, Any]]) -> int:
    prices = {"Ticket": TICKET_PRICES, "Coupon": COUPON_PRICES}
    return sum(
        prices[i["type"]][i["attributes"]["id"]] * i["attributes"]["quantity"] for i in items
    )


async def ordered(
    shop: Shop,
    *items: dict[str, Any],
    locale: str = "de",
    who: str = "two-phase",
    coupons: list[str] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"items": list(items), "total": price_of(list(items))}
    if coupons:
        body["coupons"] = coupons
    r = await shop.client.post(f"{ORDERS}?locale={locale}", json=body, headers=shop.auth(who))
    assert r.status_code == 200, r.text
    order: dict[str, Any] = r.json()["order"]
    return order


async def bought(shop: Shop, coupon_id: int) -> str:
    """The code of a coupon bought in a direct order (binding at once, and mailed to no one)."""
    order = await ordered(shop, coupon_item(coupon_id), who="reseller")
    [code] = [b["barcode"] for sale in coupon_sales(order) for b in sale["barcodes"]]
    return code


def coupon_sales(order: dict[str, Any]) -> list[dict[str, Any]]:
    return [i["attributes"] for i in order["items"] if i["type"] == "Coupon"]


def qr_pages(sale: dict[str, Any]) -> list[list[Decoded]]:
    return [[Decoded(b["barcode"], "QRCode")] for b in sale["barcodes"]]


@dataclass(frozen=True)
class Texts:
    subject: str
    items: tuple[str, ...]
    code: str  # one code line, {code} and {value} to fill in
    values: tuple[str, ...]  # of coupon 1 and coupon 2
    total: str
    redeem: str
    bring: str
    museum: str  # signs the mail


COUPON_ONLY = {
    "de": Texts(
        subject="Ihre Gutscheine – Bestellung {id}",
        items=("1. 2 × Gutschein 25 € – 50,00 €", "2. 1 × Gutschein 50 € zum Sonderpreis – 45,00 €"),
        code="Gutscheincode {code} – Wert {value}",
        values=("25,00 €", "50,00 €"),
        total="Gesamtbetrag: 95,00 €",
        redeem="Einlösen: Geben Sie beim Kauf von Tickets den Gutscheincode an",
        bring="Bitte bringen Sie Ihre Tickets",
        museum="Museum für Kunst und Geschichte",
    ),
    "en": Texts(
        subject="Your gift vouchers – order {id}",
        items=("1. 2 × Gift voucher 25 € – €50.00", "2. 1 × Gift voucher 50 € on offer – €45.00"),
        code="Voucher code {code} – value {value}",
        values=("€25.00", "€50.00"),
        total="Total: €95.00",
        redeem="To redeem: give the voucher code when you buy tickets",
        bring="Please bring your tickets",
        museum="Museum of Art and History",
    ),
}  # fmt: skip


@pytest.mark.parametrize("locale", ["de", "en"])
async def test_a_coupon_only_order_is_mailed_with_its_codes_and_vouchers(
    shop: Shop, locale: str
) -> None:
    order = await ordered(shop, coupon_item(1, 2), coupon_item(2, 1), locale=locale)
    done = await finalized(shop, order)
    number = await invoice_number(shop, order)
    mail = await only_mail(shop)

    expected = COUPON_ONLY[locale]
    assert mail["Subject"] == expected.subject.format(id=order["id"])
    body = text_of(mail)
    for text in (*expected.items, expected.total, expected.redeem, expected.museum):
        assert text in body, text
    assert expected.bring not in body  # no tickets to bring

    base = f"{PUBLIC}/api/v4/orders/{order['id']}"
    token = f"?token={order['token']}"
    attachments = pdf_attachments(mail)
    sales = coupon_sales(done)
    for sale, value in zip(sales, expected.values, strict=True):
        for code in sale["barcodes"]:
            line = expected.code.format(code=group_code(code["barcode"]), value=value)
            assert line in body, line
        link = f"{base}/coupons/{sale['id']}.pdf{token}"
        assert link in body
        # the attachment is the voucher PDF of the sale: a page per code, its QR code scans back
        pdf = attachments.pop(f"coupons-{order['id']}-{sale['id']}.pdf")
        assert decode_pages(pdf) == qr_pages(sale)
        for text, code in zip(page_texts(pdf), sale["barcodes"], strict=True):
            assert sale["title"] in text and value in text and group_code(code["barcode"]) in text
        # and the link in the mail serves the same vouchers
        r = await shop.client.get(link.removeprefix(PUBLIC))
        assert r.status_code == 200, r.text
        assert decode_pages(r.content) == decode_pages(pdf)
    invoice = "\n".join(page_texts(attachments.pop(f"invoice-{number}.pdf")))
    assert number in invoice and sales[1]["title"] in invoice
    assert attachments == {}


@dataclass(frozen=True)
class Paid:
    subject: str
    lines: tuple[str, ...]  # {code} is the shortened code
    invoice: tuple[str, ...]


PAID_PARTLY = {
    "de": Paid(
        subject="Ihre Tickets – Bestellung {id}",
        lines=("Gesamtbetrag: 28,00 €", "Bezahlt mit Gutschein {code}: -25,00 €",
               "Zahlbetrag: 3,00 €"),
        invoice=("Bezahlt mit Gutschein {code}", "-25,00 €", "Zahlbetrag", "3,00 €"),
    ),
    "en": Paid(
        subject="Your tickets – order {id}",
        lines=("Total: €28.00", "Paid with voucher {code}: -€25.00", "Amount due: €3.00"),
        invoice=("Paid with voucher {code}", "-€25.00", "Amount due", "€3.00"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("locale", ["de", "en"])
async def test_an_order_paid_partly_by_coupon_shows_the_payment_and_what_is_due(
    shop: Shop, day: date, locale: str
) -> None:
    code = await bought(shop, 1)  # worth 25 €
    order = await ordered(shop, ticket(shop, day, 2), locale=locale, coupons=[code])  # 28 €
    await finalized(shop, order)
    number = await invoice_number(shop, order)
    mail = await only_mail(shop)

    expected = PAID_PARTLY[locale]
    assert mail["Subject"] == expected.subject.format(id=order["id"])
    body = text_of(mail)
    lines = "\n".join(expected.lines).format(code=short_code(code))
    assert lines in body  # in this order, one below the other
    assert code not in body  # shortened: it is the coupon's only key, and it may still pay
    invoice = "\n".join(page_texts(pdf_attachments(mail)[f"invoice-{number}.pdf"]))
    for text in expected.invoice:
        assert text.format(code=short_code(code)) in invoice, text


async def test_an_order_of_tickets_and_coupons_lists_both_in_order(shop: Shop, day: date) -> None:
    code = await bought(shop, 2)  # worth 50 €
    order = await ordered(shop, coupon_item(1, 1), ticket(shop, day, 1), coupons=[code])
    done = await finalized(shop, order)
    mail = await only_mail(shop)

    assert mail["Subject"] == f"Ihre Tickets und Gutscheine – Bestellung {order['id']}"
    body = text_of(mail)
    first = body.index("1. 1 × Gutschein 25 € – 25,00 €")
    second = body.index("2. 1 × Zeitfenster regulär – 14,00 €")
    assert first < second
    [sale] = coupon_sales(done)
    [new_code] = [b["barcode"] for b in sale["barcodes"]]
    assert f"Gutscheincode {group_code(new_code)} – Wert 25,00 €" in body
    lines = f"Gesamtbetrag: 39,00 €\nBezahlt mit Gutschein {short_code(code)}: -39,00 €\n"
    assert lines + "Zahlbetrag: 0,00 €" in body
    assert "Bitte bringen Sie Ihre Tickets" in body and "Einlösen:" in body
    attachments = pdf_attachments(mail)
    assert decode_pages(attachments[f"coupons-{order['id']}-{sale['id']}.pdf"]) == qr_pages(sale)
    ticket_sale = done["items"][1]["attributes"]
    assert f"tickets-{order['id']}-{ticket_sale['id']}.pdf" in attachments


async def test_a_coupon_item_cancelled_before_sending_leaves_the_mail(shop: Shop) -> None:
    order = await ordered(shop, coupon_item(1, 1), coupon_item(2, 1))
    done = await finalized(shop, order)
    r = await shop.client.post(
        f"{ORDERS}/{order['id']}/cancellations",
        json={"order_item_ids": [done["items"][1]["id"]]},
        headers=shop.auth(),
    )
    assert r.status_code == 200, r.text
    mail = await only_mail(shop)
    body = text_of(mail)
    assert "1. 1 × Gutschein 25 € – 25,00 €" in body and "Gesamtbetrag: 25,00 €" in body
    assert "Sonderpreis" not in body
    kept, gone = coupon_sales(done)
    files = pdf_attachments(mail)
    assert f"coupons-{order['id']}-{kept['id']}.pdf" in files
    assert f"coupons-{order['id']}-{gone['id']}.pdf" not in files


async def test_a_coupon_only_order_cancelled_before_sending_gets_no_mail(shop: Shop) -> None:
    order = await ordered(shop, coupon_item(1, 1))
    done = await finalized(shop, order)
    r = await shop.client.post(
        f"{ORDERS}/{order['id']}/cancellations",
        json={"order_item_ids": [done["items"][0]["id"]]},
        headers=shop.auth(),
    )
    assert r.status_code == 200, r.text
    await assert_no_mail(shop)
    [message] = await outbox(shop.instance)
    assert message.status == "failed" and "cancelled" in (message.last_error or "")


@pytest.mark.parametrize(
    ("locale", "lines"),
    [
        ("de", "Gesamtbetrag: 28,00 €\nBezahlt mit Gutschein {code}: -25,00 €\nBetrag: 3,00 €"),
        ("en", "Total: €28.00\nPaid with voucher {code}: -€25.00\nAmount: €3.00"),
    ],
)
async def test_pay_by_link_asks_for_what_the_coupons_leave(
    shop: Shop, day: date, locale: str, lines: str
) -> None:
    code = await bought(shop, 1)
    order = await ordered(shop, ticket(shop, day, 2), locale=locale, coupons=[code])
    await finalized(shop, order, pay_by_link=True, completed=False, payment=None)
    body = text_of(await only_mail(shop))
    assert lines.format(code=short_code(code)) in body
    assert code not in body


async def test_pay_by_link_of_coupons_lists_them_without_codes(shop: Shop) -> None:
    order = await ordered(shop, coupon_item(2, 2))
    await finalized(shop, order, pay_by_link=True, completed=False, payment=None)
    mail = await only_mail(shop)
    body = text_of(mail)
    assert "Betrag: 90,00 €" in body
    assert "1. 2 × Gutschein 50 € zum Sonderpreis – 90,00 €" in body
    assert "Gutscheincode" not in body  # codes come once the order is paid
    assert "Ohne Zahlung verfällt die Bestellung danach." in body
    assert "Plätze" not in body  # coupons hold no places
    assert list(mail.iter_attachments()) == []
