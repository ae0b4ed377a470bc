"""the billing address of an order

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 10:00:00

``orders.billing_address_id``: the customer's address that finalize recorded for the order (the
reference's ``billing_address_id``). Orders finalized before keep null: which of the customer's
addresses was current then is not recorded anywhere, and a guess would change what they mean.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("billing_address_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_orders_billing_address_id"), ["billing_address_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_orders_billing_address_id_customer_addresses"),
            "customer_addresses",
            ["billing_address_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_orders_billing_address_id_customer_addresses"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_orders_billing_address_id"))
        batch_op.drop_column("billing_address_id")
