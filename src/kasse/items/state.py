"""An order's state as callers see it: a created order past its expiry is as good as cancelled."""

from __future__ import annotations

from datetime import datetime

from kasse.models import Order


def is_expired(order: Order, now: datetime) -> bool:
    """A created order whose hold ran out: its places are free already (readers skip the holds)."""
    return order.status == "created" and order.expires_at is not None and order.expires_at <= now


def effective_status(order: Order, now: datetime) -> str:
    return "cancelled" if is_expired(order, now) else order.status


def effective_validity(order: Order, now: datetime) -> bool:
    return order.is_valid and not is_expired(order, now)


def is_binding(order: Order, now: datetime) -> bool:
    """Finalized and valid: its barcodes and codes count, its documents may be opened."""
    return effective_status(order, now) == "finalized" and effective_validity(order, now)
