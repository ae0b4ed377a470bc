"""exhibitions: slider description, content block and a location of their own

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-10 15:00:00.000000

The reference shows these on every exhibition; existing exhibitions get none (an empty text, an
empty content block) and stay where their museum is (no location of their own).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exhibitions") as batch_op:
        batch_op.add_column(
            sa.Column("slider_description", sa.JSON(), server_default="{}", nullable=False)
        )
        batch_op.add_column(sa.Column("content", sa.JSON(), server_default="{}", nullable=False))
        batch_op.add_column(sa.Column("location", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exhibitions") as batch_op:
        batch_op.drop_column("location")
        batch_op.drop_column("content")
        batch_op.drop_column("slider_description")
