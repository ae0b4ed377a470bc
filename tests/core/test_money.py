"""The price of an order item: the catalog price less the discount, per place, half up."""

from __future__ import annotations

import pytest

from kasse.core.money import discounted_cents, item_cents


@pytest.mark.parametrize(
    ("price", "discount", "expected"),
    [
        (1400, 0, 1400),
        (1400, 50, 700),
        (1400, 100, 0),
        (999, 15, 849),  # 849.15
        (1, 50, 1),  # 0.5 rounds up
        (3, 50, 2),  # 1.5 rounds up
        (1005, 10, 905),  # 904.5 rounds up
        (1999, 33, 1339),  # 1339.33
        (0, 20, 0),
    ],
)
def test_a_place_costs_the_price_less_the_discount_rounded_half_up(
    price: int, discount: int, expected: int
) -> None:
    assert discounted_cents(price, discount) == expected


def test_each_place_is_rounded_before_the_places_are_added() -> None:
    assert item_cents(1005, 10, 3) == 3 * 905  # not round(3 * 904.5) = 2714
