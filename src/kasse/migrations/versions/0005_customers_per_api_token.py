"""customers: foreign_id unique per API token

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 18:30:00.000000

Until now a ``foreign_id`` was unique in the instance, so a second token naming it reached (and
overwrote) the first token's customer. Existing customers keep their id and details; their owner
is the token that created them, or, for those without one (created by ``kasse token create
--customer``), the lowest token whose orders name them. A customer whose orders come from other
tokens too is copied once per such token (with its addresses), and those tokens' orders and
annual-pass cards move to their copy: afterwards each token's orders name only its own customers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ids(name: str, *columns: str) -> sa.TableClause:
    """A table as far as this migration reads it: integer columns only."""
    return sa.table(name, *(sa.column(c, sa.Integer) for c in columns))


customers = sa.table(
    "customers",
    sa.column("id", sa.Integer),
    sa.column("foreign_id", sa.String),
    sa.column("api_token_id", sa.Integer),
)
addresses = _ids("customer_addresses", "id", "customer_id")
orders = _ids("orders", "id", "api_token_id", "customer_id")
order_items = _ids("order_items", "id", "order_id")
ticket_sales = _ids("ticket_sales", "id", "order_item_id")
personalizations = _ids("personalizations", "ticket_sale_id", "customer_id", "address_id")


def _tokens_naming_foreign_customers(conn: sa.Connection) -> dict[int, set[int]]:
    """Customer id -> the tokens whose orders name it although they do not own it."""
    rows = conn.execute(
        sa.select(customers.c.id, orders.c.api_token_id)
        .distinct()
        .join(orders, orders.c.customer_id == customers.c.id)
        .where(
            customers.c.foreign_id.is_not(None),
            orders.c.api_token_id.is_not(None),
            sa.or_(
                customers.c.api_token_id.is_(None),
                customers.c.api_token_id != orders.c.api_token_id,
            ),
        )
    )
    tokens: dict[int, set[int]] = {}
    for customer_id, token_id in rows:
        tokens.setdefault(customer_id, set()).add(token_id)
    return tokens


def _copy_row(conn: sa.Connection, name: str, row_id: int, **changes: int) -> int:
    """A copy of one row with ``changes``; every other column as stored (INSERT .. SELECT, the
    columns as this database has them)."""
    table = sa.Table(name, sa.MetaData(), autoload_with=conn)
    columns = [c for c in table.c if c.name != "id"]
    source = [
        sa.literal(changes[c.name], sa.Integer).label(c.name) if c.name in changes else c
        for c in columns
    ]
    copy = (
        sa.insert(table)
        .from_select([c.name for c in columns], sa.select(*source).where(table.c.id == row_id))
        .returning(table.c.id)
    )
    return int(conn.execute(copy).scalar_one())


def _sales_of_token(token_id: int) -> sa.Select[tuple[int]]:
    return (
        sa.select(ticket_sales.c.id)
        .join(order_items, order_items.c.id == ticket_sales.c.order_item_id)
        .join(orders, orders.c.id == order_items.c.order_id)
        .where(orders.c.api_token_id == token_id)
    )


def _move_to_copy(conn: sa.Connection, customer_id: int, token_id: int) -> None:
    """Copy the customer (and its addresses) for ``token_id`` and move its orders and cards."""
    copy_id = _copy_row(conn, "customers", customer_id, api_token_id=token_id)
    conn.execute(
        sa.update(orders)
        .where(orders.c.customer_id == customer_id, orders.c.api_token_id == token_id)
        .values(customer_id=copy_id)
    )
    cards = personalizations.c.ticket_sale_id.in_(_sales_of_token(token_id))
    address_ids = conn.scalars(
        sa.select(addresses.c.id).where(addresses.c.customer_id == customer_id)
    ).all()
    for address_id in address_ids:
        new_address = _copy_row(conn, "customer_addresses", address_id, customer_id=copy_id)
        conn.execute(
            sa.update(personalizations)
            .where(cards, personalizations.c.address_id == address_id)
            .values(address_id=new_address)
        )
    conn.execute(
        sa.update(personalizations)
        .where(cards, personalizations.c.customer_id == customer_id)
        .values(customer_id=copy_id)
    )


def _split_shared_customers(conn: sa.Connection) -> None:
    for customer_id, token_ids in sorted(_tokens_naming_foreign_customers(conn).items()):
        owner = conn.scalar(
            sa.select(customers.c.api_token_id).where(customers.c.id == customer_id)
        )
        if owner is None:
            owner = min(token_ids)
            conn.execute(
                sa.update(customers).where(customers.c.id == customer_id).values(api_token_id=owner)
            )
        for token_id in sorted(token_ids - {owner}):
            _move_to_copy(conn, customer_id, token_id)


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_customers_foreign_id"), type_="unique")
    _split_shared_customers(op.get_bind())
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_customers_api_token_id_foreign_id"), ["api_token_id", "foreign_id"]
        )


def downgrade() -> None:
    # Customers of several tokens with one foreign_id cannot share it again without merging
    # people who may differ; the downgrade refuses rather than guessing.
    shared = op.get_bind().execute(
        sa.select(customers.c.foreign_id)
        .where(customers.c.foreign_id.is_not(None))
        .group_by(customers.c.foreign_id)
        .having(sa.func.count() > 1)
        .limit(1)
    )
    if shared.first() is not None:
        raise RuntimeError("cannot downgrade: several tokens have customers with one foreign_id")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_customers_api_token_id_foreign_id"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_customers_foreign_id"), ["foreign_id"])
