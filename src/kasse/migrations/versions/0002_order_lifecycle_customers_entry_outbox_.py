"""order lifecycle, customers, entry, outbox, idempotency

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:19:05.915304
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kasse.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invoice_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_counters")),
    )
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("created_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.Column("sent_at", kasse.models.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("foreign_id", sa.String(length=100), nullable=True),
        sa.Column("api_token_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("surname", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("language", sa.String(length=40), nullable=True),
        sa.Column("salutation_id", sa.Integer(), nullable=True),
        sa.Column("addr_institution", sa.String(length=300), nullable=True),
        sa.Column("addr_street", sa.String(length=300), nullable=True),
        sa.Column("addr_zip", sa.String(length=20), nullable=True),
        sa.Column("addr_city", sa.String(length=200), nullable=True),
        sa.Column("addr_country", sa.String(length=100), nullable=True),
        sa.Column("created_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_token_id"],
            ["api_tokens.id"],
            name=op.f("fk_customers_api_token_id_api_tokens"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("foreign_id", name=op.f("uq_customers_foreign_id")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_token_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.String(), nullable=True),
        sa.Column("created_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_token_id"],
            ["api_tokens.id"],
            name=op.f("fk_idempotency_keys_api_token_id_api_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint(
            "api_token_id", "key", name=op.f("uq_idempotency_keys_api_token_id_key")
        ),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.String(length=200), nullable=True),
        sa.Column("provider_id", sa.String(length=200), nullable=True),
        sa.Column("provider_name", sa.String(length=200), nullable=True),
        sa.Column("message", sa.String(), nullable=True),
        sa.Column("amount_cents", sa.Integer(), nullable=True),
        sa.Column("created_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_payments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_order_id"), ["order_id"], unique=False)

    op.create_table(
        "entry_admissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("barcode_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("location", sa.String(length=100), nullable=True),
        sa.Column("admitted_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.Column("exited_at", kasse.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["barcode_id"],
            ["barcodes.id"],
            name=op.f("fk_entry_admissions_barcode_id_barcodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_admissions")),
        sa.UniqueConstraint(
            "barcode_id", "scope", name=op.f("uq_entry_admissions_barcode_id_scope")
        ),
    )
    op.create_table(
        "entry_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("barcode", sa.String(length=100), nullable=False),
        sa.Column("barcode_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("location", sa.String(length=100), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("api_token_id", sa.Integer(), nullable=True),
        sa.Column("scanned_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_token_id"],
            ["api_tokens.id"],
            name=op.f("fk_entry_scans_api_token_id_api_tokens"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["barcode_id"],
            ["barcodes.id"],
            name=op.f("fk_entry_scans_barcode_id_barcodes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_scans")),
    )
    with op.batch_alter_table("entry_scans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entry_scans_barcode"), ["barcode"], unique=False)

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("flow", sa.String(length=20), server_default="direct", nullable=False)
        )

    with op.batch_alter_table("museums", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("barcode_method", sa.String(length=10), server_default="ean", nullable=False)
        )
        batch_op.add_column(sa.Column("vat_id", sa.String(length=40), nullable=True))

    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cancelled_at", kasse.models.base.UTCDateTime(), nullable=True)
        )

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), server_default="finalized", nullable=False)
        )
        batch_op.add_column(sa.Column("expires_at", kasse.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("pay_by_link", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("paid_at", kasse.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("finalized_at", kasse.models.base.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("cancelled_at", kasse.models.base.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("invoice_number", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("suppress_mail", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_orders_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index("ix_orders_status_expires", ["status", "expires_at"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_orders_invoice_number"), ["invoice_number"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_orders_customer_id_customers"),
            "customers",
            ["customer_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("reservation_holds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order_item_id", sa.Integer(), nullable=True))
        batch_op.alter_column("reservation_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_reservation_holds_order_item_id"), ["order_item_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_reservation_holds_order_item_id_order_items"),
            "order_items",
            ["order_item_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("barcode_method", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("barcode_method")

    with op.batch_alter_table("reservation_holds", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_reservation_holds_order_item_id_order_items"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_reservation_holds_order_item_id"))
        batch_op.alter_column("reservation_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("order_item_id")

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_orders_customer_id_customers"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_orders_invoice_number"), type_="unique")
        batch_op.drop_index("ix_orders_status_expires")
        batch_op.drop_index(batch_op.f("ix_orders_customer_id"))
        batch_op.drop_column("suppress_mail")
        batch_op.drop_column("invoice_number")
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("finalized_at")
        batch_op.drop_column("paid_at")
        batch_op.drop_column("pay_by_link")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("status")
        batch_op.drop_column("customer_id")

    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")

    with op.batch_alter_table("museums", schema=None) as batch_op:
        batch_op.drop_column("vat_id")
        batch_op.drop_column("barcode_method")

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("flow")

    with op.batch_alter_table("entry_scans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_scans_barcode"))

    op.drop_table("entry_scans")
    op.drop_table("entry_admissions")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_order_id"))

    op.drop_table("payments")
    op.drop_table("idempotency_keys")
    op.drop_table("customers")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox_messages")
    op.drop_table("invoice_counters")
