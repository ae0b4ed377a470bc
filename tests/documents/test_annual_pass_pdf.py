"""An annual pass prints its validity, and each personalized card its holder's name and photo."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pypdf
from PIL import Image

from kasse.annual.validity import add_months
from tests.annual.support import (
    annual_order,
    bind,
    card_ids,
    created_customer,
    image_bytes,
    passes_with_token,
    upload,
)
from tests.conftest import Kasse
from tests.documents.conftest import WalletApp
from tests.documents.scan import Decoded, decode_pages, page_texts
from tests.documents.test_routes import pass_url, unzip

FORMATS = {"ean": "EAN13", "code39": "Code39", "qr": "QRCode"}


def page_images(pdf: bytes) -> list[list[Image.Image]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [[image.image for image in page.images] for page in reader.pages]


async def test_the_holders_name_and_photo_are_on_their_card_and_the_barcodes_still_scan(
    kasse: Kasse, day: date
) -> None:
    order, token = await passes_with_token(kasse, day, 2)
    [item] = order["items"]
    sale = item["attributes"]
    first, _second = card_ids(await annual_order(kasse, token))
    peter = await created_customer(kasse, token)
    assert (await bind(kasse, token, first, peter)).status_code == 200
    assert (await upload(kasse, token, first, image_bytes((600, 800)))).status_code == 200

    r = await kasse.client.get(
        f"/api/v4/orders/{order['id']}/tickets/{sale['id']}.pdf?token={order['token']}"
    )
    assert r.status_code == 200, r.text
    first_page, second_page = page_texts(r.content)
    last = add_months(day, 12) - timedelta(days=1)
    validity = f"Gültig vom {day:%d.%m.%Y} bis {last:%d.%m.%Y}"
    assert validity in first_page and validity in second_page
    assert "Name: Peter Pan" in first_page
    assert "Name:" not in second_page
    [photo], no_photos = page_images(r.content)
    assert no_photos == []
    assert photo.size == (600, 800)
    assert decode_pages(r.content) == [
        [Decoded(code["barcode"], FORMATS[code["method"]])] for code in sale["barcodes"]
    ]


async def test_the_wallet_pass_names_the_holder(kasse: Kasse, wallet: WalletApp, day: date) -> None:
    order, token = await passes_with_token(kasse, day, 2)
    sale = order["items"][0]["attributes"]
    _first, second = card_ids(await annual_order(kasse, token))
    peter = await created_customer(kasse, token)
    assert (await bind(kasse, token, second, peter)).status_code == 200
    holders = []
    for code in sale["barcodes"]:
        r = await wallet.client.get(pass_url(order, sale, code["barcode"]))
        assert r.status_code == 200, r.text
        content = json.loads(unzip(r.content)["pass.json"])
        fields = {f["key"]: f["value"] for group in content["eventTicket"].values() for f in group}
        holders.append(fields.get("holder"))
    assert holders == [None, "Peter Pan"]
