"""events: tags, seatings, events and dates; bookings, seat claims; event barcodes and reservations

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 02:06:14

A barcode and a reservation now belong to a ticket or to an event (booking, date): the ticket
columns become nullable and a check keeps exactly one of the two set. Existing rows all have their
ticket set, so the check holds for them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kasse.models.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_tags",
        sa.Column("product", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("product", "kind", "id", name=op.f("pk_product_tags")),
    )
    op.create_table(
        "seatings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seatings")),
    )
    op.create_table(
        "events",
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
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibition_id"],
            ["exhibitions.id"],
            name=op.f("fk_events_exhibition_id_exhibitions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["museum_id"],
            ["museums.id"],
            name=op.f("fk_events_museum_id_museums"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_table(
        "event_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("start_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.Column("duration", sa.Integer(), nullable=False),
        sa.Column("language_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.JSON(), nullable=True),
        sa.Column("sub_title", sa.JSON(), nullable=True),
        sa.Column("description", sa.JSON(), nullable=True),
        sa.Column("min_seats", sa.Integer(), nullable=False),
        sa.Column("max_seats", sa.Integer(), nullable=False),
        sa.Column("max_per_registration", sa.Integer(), nullable=True),
        sa.Column("seating_id", sa.Integer(), nullable=True),
        sa.Column("blocked_seat_ids", sa.JSON(), nullable=False),
        sa.Column("prices", sa.JSON(), nullable=False),
        sa.Column("scale_prices", sa.JSON(), nullable=False),
        sa.Column("vat_pct", sa.Double(), nullable=False),
        sa.Column("discount", sa.Integer(), nullable=False),
        sa.Column("tax_included", sa.Boolean(), nullable=False),
        sa.Column("bookable_public", sa.Boolean(), nullable=False),
        sa.Column("bookable_reseller", sa.Boolean(), nullable=False),
        sa.Column("registerable", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_dates_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["seating_id"],
            ["seatings.id"],
            name=op.f("fk_event_dates_seating_id_seatings"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_dates")),
    )
    with op.batch_alter_table("event_dates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_dates_event_id"), ["event_id"], unique=False)
        batch_op.create_index("ix_event_dates_start_at", ["start_at"], unique=False)

    op.create_table(
        "event_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_item_id", sa.Integer(), nullable=False),
        sa.Column("date_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("start_at", kasse.models.base.UTCDateTime(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("prices", sa.JSON(), nullable=False),
        sa.Column("seats", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["date_id"],
            ["event_dates.id"],
            name=op.f("fk_event_bookings_date_id_event_dates"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_bookings_event_id_events"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name=op.f("fk_event_bookings_order_item_id_order_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_bookings")),
        sa.UniqueConstraint("order_item_id", name=op.f("uq_event_bookings_order_item_id")),
    )
    with op.batch_alter_table("event_bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_bookings_date_id"), ["date_id"], unique=False)

    op.create_table(
        "seat_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date_id", sa.Integer(), nullable=False),
        sa.Column("seat_id", sa.Integer(), nullable=False),
        sa.Column("order_item_id", sa.Integer(), nullable=True),
        sa.Column("reservation_id", sa.Integer(), nullable=True),
        sa.Column("valid_until", kasse.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["date_id"],
            ["event_dates.id"],
            name=op.f("fk_seat_claims_date_id_event_dates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name=op.f("fk_seat_claims_order_item_id_order_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reservation_id"],
            ["reservations.id"],
            name=op.f("fk_seat_claims_reservation_id_reservations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seat_claims")),
        sa.UniqueConstraint("date_id", "seat_id", name=op.f("uq_seat_claims_date_id_seat_id")),
    )
    with op.batch_alter_table("seat_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seat_claims_order_item_id"), ["order_item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_seat_claims_reservation_id"), ["reservation_id"], unique=False
        )

    with op.batch_alter_table("barcodes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_booking_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("seat_id", sa.Integer(), nullable=True))
        batch_op.alter_column("ticket_sale_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_barcodes_event_booking_id"), ["event_booking_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_barcodes_event_booking_id_event_bookings"),
            "event_bookings",
            ["event_booking_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            "one_holder", "(ticket_sale_id IS NULL) <> (event_booking_id IS NULL)"
        )

    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_date_id", sa.Integer(), nullable=True))
        batch_op.alter_column("ticket_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_reservations_event_date_id_event_dates"),
            "event_dates",
            ["event_date_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            "one_product", "(ticket_id IS NULL) <> (event_date_id IS NULL)"
        )


def downgrade() -> None:
    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.drop_constraint("one_product", type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_reservations_event_date_id_event_dates"), type_="foreignkey"
        )
        batch_op.alter_column("ticket_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("event_date_id")

    with op.batch_alter_table("barcodes", schema=None) as batch_op:
        batch_op.drop_constraint("one_holder", type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_barcodes_event_booking_id_event_bookings"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_barcodes_event_booking_id"))
        batch_op.alter_column("ticket_sale_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("seat_id")
        batch_op.drop_column("event_booking_id")

    with op.batch_alter_table("seat_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seat_claims_reservation_id"))
        batch_op.drop_index(batch_op.f("ix_seat_claims_order_item_id"))

    op.drop_table("seat_claims")
    with op.batch_alter_table("event_bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_bookings_date_id"))

    op.drop_table("event_bookings")
    with op.batch_alter_table("event_dates", schema=None) as batch_op:
        batch_op.drop_index("ix_event_dates_start_at")
        batch_op.drop_index(batch_op.f("ix_event_dates_event_id"))

    op.drop_table("event_dates")
    op.drop_table("events")
    op.drop_table("seatings")
    op.drop_table("product_tags")
