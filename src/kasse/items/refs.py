"""An order's reference in a path: its numeric id or its token."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from kasse.core.redaction import SecretParameter
from kasse.core.wire import DB_INT_MAX
from kasse.models import Order

# Order tokens are 22 characters: anything shorter made of digits is an id.
MIN_TOKEN_LENGTH = 18

# Where an order id or token may stand: the id is no secret (the access log keeps it), the token is.
ORDER_REF_SECRET = SecretParameter(public=rf"[0-9]{{1,{MIN_TOKEN_LENGTH - 1}}}")


def order_ref_condition(order_ref: str) -> ColumnElement[bool] | None:
    """The condition that finds the order ``order_ref`` names; None when no order can match
    (an id beyond the database's integer would overflow the comparison)."""
    if order_ref.isascii() and order_ref.isdigit() and len(order_ref) < MIN_TOKEN_LENGTH:
        if int(order_ref) > DB_INT_MAX:
            return None
        return Order.id == int(order_ref)
    return Order.token == order_ref
