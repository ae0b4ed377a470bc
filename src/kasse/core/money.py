"""Money is integer cents; the one rule that turns a catalog price into what an item costs."""

from __future__ import annotations


def discounted_cents(price_cents: int, discount_pct: int) -> int:
    """One place of an item: ``price_cents`` less ``discount_pct`` percent (0-100), rounded half
    up to whole cents, as go~mus applies a ticket's ``discount`` when it is ordered."""
    return (price_cents * (100 - discount_pct) + 50) // 100


def item_cents(price_cents: int, discount_pct: int, quantity: int) -> int:
    """What ``quantity`` places cost: each place is rounded, so every place costs the same."""
    return discounted_cents(price_cents, discount_pct) * quantity
