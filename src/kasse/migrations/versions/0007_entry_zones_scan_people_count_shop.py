"""entry zones, the people count of a scan, the shop

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-07 22:49:43.417126

Entry zones (catalog file: ``entry_zones``) give scanners their configuration and a location by
name; a scan records how many people went through (1 for every scan before); ``shops`` holds
the shop texts and content of the catalog file's ``shop`` section. Only additions: nothing
stored changes meaning.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kasse.models.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shops")),
    )
    op.create_table(
        "entry_zones",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("museum_id", sa.Integer(), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["museum_id"],
            ["museums.id"],
            name=op.f("fk_entry_zones_museum_id_museums"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_zones")),
    )
    with op.batch_alter_table("entry_scans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("people_count", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("updated_at", kasse.models.base.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entry_scans", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("people_count")

    op.drop_table("entry_zones")
    op.drop_table("shops")
