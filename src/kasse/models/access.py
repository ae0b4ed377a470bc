"""API tokens: random, shown once, stored as a hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kasse.models.base import Base


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    access: Mapped[str] = mapped_column(String(20))
    museum_ids: Mapped[list[Any]] = mapped_column(default=list)
    # "direct": an order is binding at creation; "two-phase": only after POST /orders/:id/finalize
    flow: Mapped[str] = mapped_column(String(20), default="direct", server_default="direct")
    # A customer token speaks for this customer: it sees (and may rate) the customer's orders.
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE", use_alter=True)
    )
    created_at: Mapped[datetime]
