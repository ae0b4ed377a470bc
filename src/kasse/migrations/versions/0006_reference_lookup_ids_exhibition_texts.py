"""go~mus's ids for countries and dispatch modes; exhibitions' slider text, content and location

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-10 12:00:00.000000

The reference shows a slider description, a content block and a location on every exhibition:
existing exhibitions get an empty text and content block and stay where their museum is (no
location of their own).

kasse numbered its 37 countries and three dispatch modes itself; it now uses the ids of the go~mus
reference (249 ISO 3166-1 countries, numbered by alpha-3 code: Germany 60; dispatch modes 1 E-Mail,
2 Post, 3 Abholung im Museum). Every stored id is mapped to the new id of the same thing:
country ids of customer addresses, dispatch modes of annual-pass cards. A card sent as a mobile
(Wallet) ticket goes out by e-mail: its mode becomes E-Mail. Salutations keep their ids (the
reference lists none). An id that was never in the old lists stops the upgrade: it would change
its meaning silently.

The downgrade maps back and refuses when a stored id has no old equivalent (a country outside the
old 37, a card to collect at the museum).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (old id, ISO 3166-1 alpha-2, new id): frozen here, checked against the lookups by the tests.
COUNTRIES = (
    (1, "DE", 60), (2, "AT", 16), (3, "CH", 42), (4, "BE", 19), (5, "BG", 24), (6, "HR", 100),
    (7, "CY", 58), (8, "CZ", 59), (9, "DK", 63), (10, "EE", 71), (11, "FI", 73), (12, "FR", 76),
    (13, "GR", 90), (14, "HU", 102), (15, "IE", 107), (16, "IT", 112), (17, "LV", 135),
    (18, "LT", 133), (19, "LU", 134), (20, "MT", 147), (21, "NL", 167), (22, "PL", 180),
    (23, "PT", 183), (24, "RO", 189), (25, "SK", 209), (26, "SI", 210), (27, "ES", 70),
    (28, "SE", 211), (29, "GB", 80), (30, "NO", 168), (31, "IS", 110), (32, "LI", 130),
    (33, "US", 235), (34, "CA", 40), (35, "AU", 15), (36, "JP", 116), (37, "CN", 44),
)  # fmt: skip
# old id -> new id: 1 Print@home (E-Mail) -> E-Mail, 2 Mobiles Ticket (Wallet) -> E-Mail, 3 Post
DISPATCH_MODES = {1: 1, 2: 1, 3: 2}
# new id -> old id for the downgrade: E-Mail was Print@home, Post was 3.
DISPATCH_MODES_BACK = {1: 1, 2: 3}

addresses = sa.table("customer_addresses", sa.column("country_id", sa.Integer))
cards = sa.table("personalizations", sa.column("dispatch_mode_id", sa.Integer))


def _refuse_unknown(table: sa.TableClause, column: str, mapping: dict[int, int], what: str) -> None:
    col = table.c[column]
    unknown = (
        op.get_bind()
        .scalars(sa.select(col).distinct().where(col.is_not(None), col.not_in(list(mapping))))
        .all()
    )
    if unknown:
        raise RuntimeError(
            f"{table.name}.{column} holds {what} ids {sorted(unknown)} that have no "
            "equivalent: change or clear them first"
        )


def _remap(countries: dict[int, int], dispatch_modes: dict[int, int]) -> None:
    """Every stored id to its mapped one, one statement per table, after checking both."""
    _refuse_unknown(addresses, "country_id", countries, "country")
    _refuse_unknown(cards, "dispatch_mode_id", dispatch_modes, "dispatch mode")
    for table, column, mapping in (
        (addresses, "country_id", countries),
        (cards, "dispatch_mode_id", dispatch_modes),
    ):
        col = table.c[column]
        op.execute(
            table.update().where(col.is_not(None)).values({column: sa.case(mapping, value=col)})
        )


def upgrade() -> None:
    _remap({old: new for old, _, new in COUNTRIES}, DISPATCH_MODES)
    with op.batch_alter_table("exhibitions") as batch_op:
        batch_op.add_column(
            sa.Column("slider_description", sa.JSON(), server_default="{}", nullable=False)
        )
        batch_op.add_column(sa.Column("content", sa.JSON(), server_default="{}", nullable=False))
        batch_op.add_column(sa.Column("location", sa.JSON(), nullable=True))


def downgrade() -> None:
    # first, so that a refusal leaves everything as it was
    _remap({new: old for old, _, new in COUNTRIES}, DISPATCH_MODES_BACK)
    with op.batch_alter_table("exhibitions") as batch_op:
        batch_op.drop_column("location")
        batch_op.drop_column("content")
        batch_op.drop_column("slider_description")
