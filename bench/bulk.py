"""One million sold places in seconds: ``INSERT ... SELECT generate_series`` straight into the tables.

The rows are what checkout would have written for binding (direct) orders of one ticket item each:
an order, its item, the ticket sale, the capacity draw, one barcode per place, and ``sold`` added to
the quota-slot row, so that ``sold`` = the sum of the draws and the capacity invariant holds (checked
at the end). Orders fall on random slots of the time-slot tickets: most of them in the past year,
the rest over the days the spread scenario sells. Abandoned reservations (expired holds, never swept)
are history too and come along. The server is stopped while this runs; explicit ids follow the
tables' current maximum and the sequences are moved past them.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.catalog import SLOT_PRICE_CENTS, slot_ticket_ids
from bench.db import PgServer

AVERAGE_PLACES = 4  # quantities cycle 1..7
PAST_DAYS = 365
PAST_SHARE = 0.6
FUTURE_DAYS = 60
ID_TABLES = ("orders", "order_items", "ticket_sales", "reservations")

# Quota slots of the time-slot tickets whose sold count is not the sum of the binding orders'
# draws, or lies outside 0..capacity (the hot quotas' capacity moves between runs: not checked).
_INVARIANT = f"""
WITH drawn AS (
  SELECT d.quota_id, d.start_at, sum(d.quantity) AS places
  FROM capacity_draws d
  JOIN order_items i ON i.id = d.order_item_id AND i.cancelled_at IS NULL
  JOIN orders o ON o.id = i.order_id AND o.status = 'finalized'
  GROUP BY d.quota_id, d.start_at
)
SELECT count(*) FROM quota_slots qs
JOIN quotas q ON q.id = qs.quota_id
LEFT JOIN drawn ON drawn.quota_id = qs.quota_id AND drawn.start_at = qs.start_at
WHERE qs.quota_id BETWEEN {min(slot_ticket_ids())} AND {max(slot_ticket_ids())}
  AND (qs.sold < 0 OR qs.sold > q.capacity OR qs.sold <> coalesce(drawn.places, 0))
"""


@dataclass(frozen=True)
class BulkReport:
    orders: int
    places: int
    barcodes: int
    quota_slots: int
    expired_holds: int
    seconds: float


def _sql(offsets: dict[str, int], orders: int, reservations: int, token_id: int, tz: str) -> str:
    tickets = ", ".join(f"({i}, {t}, {t})" for i, t in enumerate(slot_ticket_ids()))
    o, i, s, r = (offsets[t] for t in ID_TABLES)
    local_start = (
        f"(((now() AT TIME ZONE '{tz}')::date + day_offset) "
        "+ (time '08:00' + slot * interval '30 minutes'))"
    )
    return f"""
SELECT setseed(0.42);

CREATE FUNCTION pg_temp.ean13(body text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT body || ((10 - (SELECT sum(substr(body, k, 1)::int * CASE WHEN k % 2 = 0 THEN 3 ELSE 1 END)
                        FROM generate_series(1, 12) k) % 10) % 10)::text
$$;

CREATE TEMP TABLE bench_tickets (idx int, ticket_id int, quota_id int) ON COMMIT DROP;
INSERT INTO bench_tickets VALUES {tickets};

CREATE TEMP TABLE bench_bulk ON COMMIT DROP AS
SELECT r.n, t.ticket_id, t.quota_id, r.quantity,
       ({local_start} AT TIME ZONE '{tz}') AT TIME ZONE 'UTC' AS start_at
FROM (
  SELECT g AS n,
         1 + (g % 7) AS quantity,
         floor(random() * {len(slot_ticket_ids())})::int AS idx,
         CASE WHEN random() < {PAST_SHARE} THEN -1 - floor(random() * {PAST_DAYS})::int
              ELSE 1 + floor(random() * {FUTURE_DAYS})::int END AS day_offset,
         floor(random() * 24)::int AS slot
  FROM generate_series(1, {orders}) g
) r JOIN bench_tickets t ON t.idx = r.idx;

INSERT INTO orders (id, token, api_token_id, status, finalized_at, is_valid, total_price_cents,
                    invoice, source, locale, created_at, pay_by_link, suppress_mail)
SELECT {o} + n, 'bulk' || n || '-' || substr(md5(n::text), 1, 20), {token_id}, 'finalized',
       least(start_at - interval '7 days', now() AT TIME ZONE 'UTC' - interval '1 hour'), true,
       {SLOT_PRICE_CENTS} * quantity, false, 'resellershop', 'de',
       least(start_at - interval '7 days', now() AT TIME ZONE 'UTC' - interval '1 hour'),
       false, false
FROM bench_bulk;

INSERT INTO order_items (id, order_id, type, position, price_cents, vat_pct, tax_included)
SELECT {i} + n, {o} + n, 'Ticket', 0, {SLOT_PRICE_CENTS} * quantity, 7.0, true FROM bench_bulk;

INSERT INTO ticket_sales (id, order_item_id, ticket_id, title, quantity, start_at, attendees,
                          sub_ticket_times)
SELECT {s} + n, {i} + n, ticket_id, 'Zeitfenster-Ticket ' || ticket_id, quantity, start_at,
       '[]', '{{}}'
FROM bench_bulk;

INSERT INTO capacity_draws (order_item_id, quota_id, start_at, quantity)
SELECT {i} + n, quota_id, start_at, quantity FROM bench_bulk;

INSERT INTO barcodes (ticket_sale_id, barcode, method)
SELECT {s} + n, pg_temp.ean13('2' || lpad((({s} + n) * 10 + k)::text, 11, '0')), 'ean'
FROM bench_bulk, generate_series(1, quantity) k;

INSERT INTO quota_slots (quota_id, start_at, sold)
SELECT quota_id, start_at, sum(quantity) FROM bench_bulk GROUP BY quota_id, start_at
ON CONFLICT (quota_id, start_at) DO UPDATE SET sold = quota_slots.sold + excluded.sold;

-- abandoned reservations: their holds expired an hour ago and stay (nothing sweeps them)
INSERT INTO reservations (id, token, api_token_id, ticket_id, quantity, start_at, created_at,
                          valid_until)
SELECT {r} + n, 'bulkres' || n, {token_id}, ticket_id, 1 + n % 3, start_at,
       now() AT TIME ZONE 'UTC' - interval '2 hours', now() AT TIME ZONE 'UTC' - interval '1 hour'
FROM bench_bulk WHERE n <= {reservations};

INSERT INTO reservation_holds (reservation_id, quota_id, start_at, quantity, valid_until)
SELECT id, ticket_id, start_at, quantity, valid_until FROM reservations WHERE id > {r};

SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders));
SELECT setval(pg_get_serial_sequence('order_items', 'id'), (SELECT max(id) FROM order_items));
SELECT setval(pg_get_serial_sequence('ticket_sales', 'id'), (SELECT max(id) FROM ticket_sales));
SELECT setval(pg_get_serial_sequence('reservations', 'id'), (SELECT max(id) FROM reservations));
"""


def load_sold_places(
    pg: PgServer, database: str, places: int, token_id: int, tz: str
) -> BulkReport:
    """Add about ``places`` sold places (binding orders of 1..7 places) and check the invariant."""
    started = time.monotonic()
    orders = max(1, places // AVERAGE_PLACES)
    offsets = {
        table: int(pg.query(database, f"SELECT coalesce(max(id), 0) FROM {table}")[0][0])
        for table in ID_TABLES
    }
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as sql_file:
        sql_file.write(_sql(offsets, orders, orders // 10, token_id, tz))
    try:
        pg.run_file(database, Path(sql_file.name))
    finally:
        Path(sql_file.name).unlink()
    # What a long-lived database has: statistics and a visibility map (autovacuum's work).
    pg.query(database, "VACUUM ANALYZE")
    broken = int(pg.query(database, _INVARIANT)[0][0])
    if broken:
        raise RuntimeError(f"bulk load broke the capacity invariant on {broken} quota slots")

    def count(sql: str) -> int:
        return int(pg.query(database, sql)[0][0])

    return BulkReport(
        orders=orders,
        places=count(
            "SELECT coalesce(sum(quantity), 0) FROM ticket_sales "
            f"WHERE id > {offsets['ticket_sales']}"
        ),
        barcodes=count("SELECT count(*) FROM barcodes"),
        quota_slots=count("SELECT count(*) FROM quota_slots"),
        expired_holds=count("SELECT count(*) FROM reservation_holds"),
        seconds=round(time.monotonic() - started, 1),
    )
