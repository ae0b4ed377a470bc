"""Barcodes are drawn at random: one that already exists is drawn again, never issued twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.conftest import Kasse

from kasse.models import Barcode
from kasse.tickets import barcodes

ORDERS = "/api/v4/orders"


def _order(kasse: Kasse, day: date, quantity: int) -> dict[str, Any]:
    return {
        "items": [
            {
                "type": "Ticket",
                "attributes": {"id": 3, "quantity": quantity, "time": kasse.local(day, "10:00")},
            }
        ],
        "total": 1400 * quantity,
    }


def _codes(order: dict[str, Any]) -> list[str]:
    return [b["barcode"] for i in order["items"] for b in i["attributes"]["barcodes"]]


def _drawing_first(taken: list[str], draw: Callable[[str], str]) -> Callable[[str], str]:
    """``new_barcode`` that first hands out ``taken`` (codes already issued), then draws."""
    first: Iterator[str] = iter(taken)
    return lambda method: next(first, None) or draw(method)


async def test_a_drawn_barcode_that_exists_is_drawn_again(
    kasse: Kasse, day: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = await kasse.client.post(ORDERS, json=_order(kasse, day, 2), headers=kasse.auth())
    assert r.status_code == 200, r.text
    earlier = _codes(r.json()["order"])
    # The next order's first draws hit both earlier codes, and one of them twice in one batch.
    taken = [earlier[0], earlier[1], earlier[0]]
    monkeypatch.setattr(barcodes, "new_barcode", _drawing_first(taken, barcodes.new_barcode))
    r = await kasse.client.post(ORDERS, json=_order(kasse, day, 3), headers=kasse.auth())
    assert r.status_code == 200, r.text
    later = _codes(r.json()["order"])
    assert len(later) == len(set(later)) == 3
    assert not set(later) & set(earlier)
    async with kasse.instance.read_sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Barcode)) == 5
