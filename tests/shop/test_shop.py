"""GET /api/v4/shop: texts, configuration, content and payment modes for shop front-ends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from kasse.core.errors import Unprocessable
from kasse.settings import Settings
from kasse.shop.service import own_texts
from tests.conftest import Kasse
from tests.helpers import running_app

# The keys shop front-ends written for go~mus look up (beside the repository, as CI lays it out).
SHOP_KEYS = Path(__file__).resolve().parents[3] / "shared" / "spec" / "shop-keys.txt"


def spec_keys() -> list[str]:
    lines = SHOP_KEYS.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


async def shop(kasse: Kasse, query: str = "") -> dict[str, Any]:
    r = await kasse.client.get(f"/api/v4/shop{query}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["shop"]
    return dict(body["shop"])


def test_kasse_has_its_own_german_and_english_text_for_every_key() -> None:
    keys = spec_keys()
    assert len(keys) == 88
    assert set(own_texts()) == set(keys)
    for key, texts in own_texts().items():
        assert set(texts) == {"de", "en"}, key
        assert all(isinstance(t, str) and t.strip() for t in texts.values()), key
        assert texts["de"] != texts["en"] or key in {"product.detail.table.title"}, key


async def test_the_shop_in_german_by_default_and_in_english_when_asked(kasse: Kasse) -> None:
    german = await shop(kasse)
    assert list(german) == [
        "name",
        "translations",
        "config",
        "settings",
        "content",
        "payment_modes",
    ]
    assert german["name"] == "Museum für Kunst und Geschichte"  # the first museum
    assert german["translations"] == {k: v["de"] for k, v in own_texts().items()}
    assert german["translations"]["cart.coupon.form.submit"] == "Einlösen"
    assert german["config"] == {
        "currency": "EUR",
        "locale": "de",
        "locales": ["de", "en"],
        "timeZone": "Europe/Berlin",
    }
    assert german["settings"] == {"defaultPaymentModeId": 1, "reservationMinutes": 5}
    assert german["content"] == {}
    assert german["payment_modes"] == {"1": {"id": 1, "name": "Rechnung", "icons": []}}
    english = await shop(kasse, "?locale=en")
    assert english["translations"] == {k: v["en"] for k, v in own_texts().items()}
    assert english["config"]["locale"] == "en"
    assert english["payment_modes"] == {"1": {"id": 1, "name": "Invoice", "icons": []}}
    # An unknown locale falls back to the default, as everywhere.
    assert (await shop(kasse, "?locale=xx"))["translations"] == german["translations"]


async def test_the_catalog_file_overrides_texts_name_and_content(kasse: Kasse) -> None:
    await kasse.load(
        {
            "shop": {
                "name": {"de": "Tickets am Fluss", "en": "Tickets by the river"},
                "translations": {
                    "de": {"cart.coupon.form.submit": "Gutschein anwenden", "own.key": "Eigen"},
                    "en": {"tickets.empty": "Sold out, sorry."},
                },
                "content": {"imprint_url": "https://museum.example/imprint"},
            }
        }
    )
    german = await shop(kasse)
    assert german["name"] == "Tickets am Fluss"
    assert german["translations"]["cart.coupon.form.submit"] == "Gutschein anwenden"
    assert german["translations"]["own.key"] == "Eigen"
    assert german["translations"]["tickets.empty"] == own_texts()["tickets.empty"]["de"]
    assert german["content"] == {"imprint_url": "https://museum.example/imprint"}
    english = await shop(kasse, "?locale=en")
    assert english["name"] == "Tickets by the river"
    assert english["translations"]["tickets.empty"] == "Sold out, sorry."
    assert english["translations"]["cart.coupon.form.submit"] == "Redeem"
    # A key only given in German answers in German rather than not at all.
    assert english["translations"]["own.key"] == "Eigen"


@pytest.mark.parametrize(
    ("shop_section", "message"),
    [
        ({"translations": {"deutsch": {"a.b": "x"}}}, "is not a locale"),
        ({"translations": {"de": {"a b": "x"}}}, "is not a dotted key"),
        ({"colour": "red"}, "Extra inputs are not permitted"),
    ],
)
async def test_a_bad_shop_section_is_refused_and_changes_nothing(
    kasse: Kasse, shop_section: dict[str, Any], message: str
) -> None:
    before = await shop(kasse)
    with pytest.raises(Unprocessable) as refused:
        await kasse.load({"shop": shop_section})
    assert any(message in problem for problem in refused.value.errors or [])
    assert await shop(kasse) == before


async def test_payment_modes_come_from_the_configuration(settings: Settings) -> None:
    configured = settings.model_copy(update={"payment_modes": ["prepayment", "invoice"]})
    async with running_app(configured) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            body = (await client.get("/api/v4/shop?locale=en")).json()["shop"]
    assert body["settings"]["defaultPaymentModeId"] == 2
    assert body["payment_modes"] == {
        "2": {"id": 2, "name": "Bank transfer in advance", "icons": []},
        "1": {"id": 1, "name": "Invoice", "icons": []},
    }


def test_unknown_payment_modes_are_refused_at_start() -> None:
    with pytest.raises(ValueError, match="unknown payment modes cheque"):
        Settings(payment_modes=["invoice", "cheque"])
    with pytest.raises(ValueError):
        Settings(payment_modes=[])
