"""GET /api/v4/coupons and /coupons/:id, and coupons in the catalog file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from kasse.core.errors import Unprocessable
from kasse.models import Coupon
from tests.coupons.helpers import COUPONS

FIELDS = {
    "id",
    "title",
    "description",
    "price_cents",
    "value_cents",
    "vat_pct",
    "tax_included",
    "museum_ids",
    "min_quantity",
    "max_quantity",
    "bookable",
}


def coupon(id: int = 50, **fields: Any) -> dict[str, Any]:
    return {
        "id": id,
        "title": f"Coupon {id}",
        "price_cents": 1000,
        "value_cents": 1000,
        "museum_ids": [1],
        **fields,
    }


async def listed(kasse: Any, query: str = "", who: str | None = None) -> dict[str, Any]:
    r = await kasse.client.get(f"{COUPONS}{query}", headers=kasse.auth(who) if who else {})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def ids(kasse: Any, query: str = "", who: str | None = None) -> list[int]:
    return [c["id"] for c in (await listed(kasse, query, who))["coupons"]]


async def load_errors(kasse: Any, data: Any) -> list[str]:
    with pytest.raises(Unprocessable) as caught:
        await kasse.load(data)
    return [str(e) for e in caught.value.errors or []]


# --- the endpoints ----------------------------------------------------------------------------


async def test_the_index_lists_the_demo_coupons_in_id_order(kasse):
    body = await listed(kasse)
    assert set(body) == {"coupons", "meta"}
    assert body["meta"] == {"total_count": 3, "page": 1, "per_page": 25}
    assert all(set(c) == FIELDS for c in body["coupons"])
    assert body["coupons"][1] == {
        "id": 2,
        "title": "Gutschein 50 € zum Sonderpreis",
        "description": "50 € Guthaben für 45 €.",
        "price_cents": 4500,
        "value_cents": 5000,
        "vat_pct": 0.0,
        "tax_included": True,
        "museum_ids": [1, 2],
        "min_quantity": 1,
        "max_quantity": 5,
        "bookable": True,
    }


async def test_the_detail_and_its_locale(kasse):
    r = await kasse.client.get(f"{COUPONS}/1?locale=en")
    assert r.status_code == 200, r.text
    shown = r.json()["coupon"]
    assert set(shown) == FIELDS
    assert (shown["title"], shown["value_cents"]) == ("Gift voucher 25 €", 2500)
    for missing in ("999", "0", str(2**40)):
        r = await kasse.client.get(f"{COUPONS}/{missing}")
        assert r.status_code in (404, 422), r.text
        assert "error" in r.json()


async def test_several_locales(kasse):
    r = await kasse.client.get(f"{COUPONS}/1?locale[]=en&locale[]=de")
    shown = r.json()["coupon"]
    assert shown["title"] == {"en": "Gift voucher 25 €", "de": "Gutschein 25 €"}
    assert shown["description"]["de"] == "Einlösbar für alle Tickets beider Häuser."
    r = await kasse.client.get(f"{COUPONS}?locale[]=fr")
    assert r.status_code == 422
    assert r.json() == {"error": "locale[]: 'fr' is not an available locale (available: de, en)"}


async def test_pages(kasse):
    body = await listed(kasse, "?per_page=2&page=2")
    assert [c["id"] for c in body["coupons"]] == [3]
    assert body["meta"] == {"total_count": 3, "page": 2, "per_page": 2}


@pytest.mark.parametrize(
    ("who", "bookable"),
    [
        (None, [1, 2, 3]),
        ("reseller", [1, 2]),  # coupon 3 is sold at the desk only
        ("cashpoint", [1, 2, 3]),
        ("user", [1, 2, 3]),
    ],
)
async def test_bookable_depends_on_the_caller(kasse, who, bookable):
    coupons = (await listed(kasse, who=who))["coupons"]
    assert [c["id"] for c in coupons if c["bookable"]] == bookable
    assert await ids(kasse, "?by_bookable=false", who) == sorted({1, 2, 3} - set(bookable))


async def test_filter_by_museum(kasse):
    assert await ids(kasse, "?by_museum_ids[]=2") == [1, 2, 3]
    assert await ids(kasse, "?by_museum_ids%5B%5D=1") == [1, 2]
    assert await ids(kasse, "?by_museum_ids[]=99") == []


async def test_a_token_limited_to_museums_sees_their_coupons_only(kasse):
    token = await kasse.new_token("reseller", museum_ids=[1])
    headers = {"Authorization": f"Bearer {token}"}
    r = await kasse.client.get(COUPONS, headers=headers)
    assert [c["id"] for c in r.json()["coupons"]] == [1, 2]
    r = await kasse.client.get(f"{COUPONS}/3", headers=headers)
    assert r.status_code == 404, r.text


async def test_coupons_off_sale_are_not_listed(kasse):
    today = kasse.clock.now().date()
    await kasse.load(
        {
            "coupons": [
                coupon(50, valid_to=(today - timedelta(days=2)).isoformat()),
                coupon(51, valid_from=(today + timedelta(days=10)).isoformat()),
            ]
        }
    )
    assert await ids(kasse) == [1, 2, 3]
    ahead = (today + timedelta(days=10)).isoformat()
    assert await ids(kasse, f"?valid_at={ahead}") == [1, 2, 3, 51]
    r = await kasse.client.get(f"{COUPONS}/50")
    assert r.status_code == 200 and r.json()["coupon"]["bookable"] is False


# --- the catalog file ---------------------------------------------------------------------------


async def count(kasse: Any) -> int:
    async with kasse.instance.read_sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Coupon)) or 0)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"value_cents": -100}, "coupons[0] (id 50).value_cents: Input should be greater than 0"),
        ({"value_cents": 0}, "coupons[0] (id 50).value_cents: Input should be greater than 0"),
        (
            {"price_cents": -1},
            "coupons[0] (id 50).price_cents: Input should be greater than or equal to 0",
        ),
        ({"museum_ids": []}, "coupons[0] (id 50): museum_ids: a coupon belongs to at least one"),
        ({"min_quantity": 5, "max_quantity": 2}, "min_quantity is greater than max_quantity"),
        ({"valid_from": "2030-01-02", "valid_to": "2030-01-01"}, "valid_from is after valid_to"),
        ({"colour": "gold"}, "coupons[0] (id 50).colour: Extra inputs are not permitted"),
    ],
)
async def test_a_bad_coupon_is_named_and_nothing_is_loaded(kasse, fields, expected):
    before = await count(kasse)
    errors = await load_errors(kasse, {"coupons": [coupon(50, **fields)]})
    assert any(expected in e for e in errors), errors
    assert await count(kasse) == before


async def test_unknown_museums_and_twice_the_same_id(kasse):
    errors = await load_errors(kasse, {"coupons": [coupon(50, museum_ids=[1, 77])]})
    assert errors == ["coupons[0] (id 50).museum_ids: unknown museum 77"]
    errors = await load_errors(kasse, {"coupons": [coupon(50), coupon(50)]})
    assert any("coupon id 50 appears twice" in e for e in errors), errors


async def test_price_and_value_may_differ_and_a_reload_updates(kasse):
    await kasse.load({"coupons": [coupon(50, price_cents=0, value_cents=1000)]})
    r = await kasse.client.get(f"{COUPONS}/50")
    assert (r.json()["coupon"]["price_cents"], r.json()["coupon"]["value_cents"]) == (0, 1000)
    await kasse.load({"coupons": [coupon(50, value_cents=3000, title={"de": "Neu", "en": "New"})]})
    r = await kasse.client.get(f"{COUPONS}/50?locale=en")
    assert (r.json()["coupon"]["title"], r.json()["coupon"]["value_cents"]) == ("New", 3000)
