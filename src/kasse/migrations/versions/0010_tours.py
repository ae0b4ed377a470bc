"""tours: tours, guides, equipment; tour bookings, guide and equipment claims, group requests;
tour barcodes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 02:59:20.804914
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kasse.models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "guides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("language_ids", sa.JSON(), nullable=False),
        sa.Column("museum_ids", sa.JSON(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guides")),
    )
    op.create_table(
        "equipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("museum_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["museum_id"],
            ["museums.id"],
            name=op.f("fk_equipment_museum_id_museums"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equipment")),
    )
    op.create_table(
        "tours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("museum_id", sa.Integer(), nullable=False),
        sa.Column("exhibition_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("sub_title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("registerable", sa.Boolean(), nullable=False),
        sa.Column("bookable_public", sa.Boolean(), nullable=False),
        sa.Column("bookable_reseller", sa.Boolean(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("picture", sa.JSON(), nullable=True),
        sa.Column("location", sa.JSON(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("language_ids", sa.JSON(), nullable=False),
        sa.Column("language_bound", sa.Boolean(), nullable=False),
        sa.Column("duration", sa.Integer(), nullable=False),
        sa.Column("min_participants", sa.Integer(), nullable=False),
        sa.Column("max_participants", sa.Integer(), nullable=False),
        sa.Column("start_rule", sa.JSON(), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("prices", sa.JSON(), nullable=False),
        sa.Column("scale_prices", sa.JSON(), nullable=False),
        sa.Column("surcharges", sa.JSON(), nullable=False),
        sa.Column("equipment_ids", sa.JSON(), nullable=False),
        sa.Column("vat_pct", sa.Double(), nullable=False),
        sa.Column("discount", sa.Integer(), nullable=False),
        sa.Column("tax_included", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibition_id"],
            ["exhibitions.id"],
            name=op.f("fk_tours_exhibition_id_exhibitions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["museum_id"],
            ["museums.id"],
            name=op.f("fk_tours_museum_id_museums"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tours")),
    )
    op.create_table(
        "tour_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("api_token_id", sa.Integer(), nullable=True),
        sa.Column("tour_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("age_group_id", sa.Integer(), nullable=True),
        sa.Column("language_id", sa.Integer(), nullable=True),
        sa.Column("wished", sa.JSON(), nullable=False),
        sa.Column("contact", sa.JSON(), nullable=False),
        sa.Column("message", sa.String(length=4000), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("created_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_token_id"],
            ["api_tokens.id"],
            name=op.f("fk_tour_requests_api_token_id_api_tokens"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_tour_requests_order_id_orders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tour_id"],
            ["tours.id"],
            name=op.f("fk_tour_requests_tour_id_tours"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tour_requests")),
        sa.UniqueConstraint("number", name=op.f("uq_tour_requests_number")),
    )
    op.create_table(
        "equipment_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("equipment_id", sa.Integer(), nullable=False),
        sa.Column("start_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.Column("end_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("order_item_id", sa.Integer(), nullable=False),
        sa.Column("valid_until", kasse.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["equipment_id"],
            ["equipment.id"],
            name=op.f("fk_equipment_claims_equipment_id_equipment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name=op.f("fk_equipment_claims_order_item_id_order_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equipment_claims")),
    )
    with op.batch_alter_table("equipment_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_equipment_claims_order_item_id"), ["order_item_id"], unique=False
        )
        batch_op.create_index(
            "ix_equipment_claims_time", ["equipment_id", "start_at"], unique=False
        )

    op.create_table(
        "guide_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("tour_id", sa.Integer(), nullable=False),
        sa.Column("start_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.Column("end_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.Column("language_id", sa.Integer(), nullable=True),
        sa.Column("order_item_id", sa.Integer(), nullable=False),
        sa.Column("valid_until", kasse.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["guide_id"],
            ["guides.id"],
            name=op.f("fk_guide_claims_guide_id_guides"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name=op.f("fk_guide_claims_order_item_id_order_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tour_id"],
            ["tours.id"],
            name=op.f("fk_guide_claims_tour_id_tours"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_claims")),
    )
    with op.batch_alter_table("guide_claims", schema=None) as batch_op:
        batch_op.create_index("ix_guide_claims_guide_time", ["guide_id", "start_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_guide_claims_order_item_id"), ["order_item_id"], unique=False
        )

    op.create_table(
        "tour_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_item_id", sa.Integer(), nullable=False),
        sa.Column("tour_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("start_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.Column("end_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("language_id", sa.Integer(), nullable=True),
        sa.Column("age_group_id", sa.Integer(), nullable=True),
        sa.Column("guide_id", sa.Integer(), nullable=True),
        sa.Column("prices", sa.JSON(), nullable=False),
        sa.Column("equipment", sa.JSON(), nullable=False),
        sa.Column("feedback", sa.JSON(), nullable=True),
        sa.Column("updated_at", kasse.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["guide_id"],
            ["guides.id"],
            name=op.f("fk_tour_bookings_guide_id_guides"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name=op.f("fk_tour_bookings_order_item_id_order_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tour_id"],
            ["tours.id"],
            name=op.f("fk_tour_bookings_tour_id_tours"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tour_bookings")),
        sa.UniqueConstraint("order_item_id", name=op.f("uq_tour_bookings_order_item_id")),
    )
    with op.batch_alter_table("tour_bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tour_bookings_start_at"), ["start_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tour_bookings_tour_id"), ["tour_id"], unique=False)

    with op.batch_alter_table("barcodes", schema=None) as batch_op:
        batch_op.drop_constraint("one_holder", type_="check")
        batch_op.add_column(sa.Column("tour_booking_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_barcodes_tour_booking_id"), ["tour_booking_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_barcodes_tour_booking_id_tour_bookings"),
            "tour_bookings",
            ["tour_booking_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            "one_holder",
            "(CASE WHEN ticket_sale_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN event_booking_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN tour_booking_id IS NULL THEN 0 ELSE 1 END) = 1",
        )


def downgrade() -> None:
    with op.batch_alter_table("barcodes", schema=None) as batch_op:
        batch_op.drop_constraint("one_holder", type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_barcodes_tour_booking_id_tour_bookings"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_barcodes_tour_booking_id"))
        batch_op.drop_column("tour_booking_id")
        batch_op.create_check_constraint(
            "one_holder", "(ticket_sale_id IS NULL) <> (event_booking_id IS NULL)"
        )

    with op.batch_alter_table("tour_bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tour_bookings_tour_id"))
        batch_op.drop_index(batch_op.f("ix_tour_bookings_start_at"))

    op.drop_table("tour_bookings")
    with op.batch_alter_table("guide_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_claims_order_item_id"))
        batch_op.drop_index("ix_guide_claims_guide_time")

    op.drop_table("guide_claims")
    with op.batch_alter_table("equipment_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_equipment_claims_time")
        batch_op.drop_index(batch_op.f("ix_equipment_claims_order_item_id"))

    op.drop_table("equipment_claims")
    op.drop_table("tour_requests")
    op.drop_table("tours")
    op.drop_table("equipment")
    op.drop_table("guides")
