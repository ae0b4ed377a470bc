"""What the tours tests share: the demo's tours, small tours of their own, taken start times.

The demo (``kasse/catalog/demo_tours.py``): the public tour 1 (60 minutes, 11:00-16:00 every hour,
German or English, 25 participants, audio guides) and the school tour 2 (90 minutes, 10:00-15:30
every half hour, 5-30 participants, 2 days ahead, a Sunday and an English surcharge); guides 1
(Anna: de+en, Tue-Sat 10-18), 2 (Jonas: de, Wed-Sun 10-18), 3 (Claire: en, Sat+Sun 10-16); 20
audio guides (equipment 1). The demo museum 1 opens Tuesday to Sunday, 10:00-18:00.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from kasse.catalog.date_quotas import tour_quota_id
from kasse.models import (
    EquipmentClaim,
    GuideClaim,
    Order,
    OrderItem,
    QuotaSlot,
    ReservationHold,
)
from tests.conftest import Kasse

V4 = "/api/v4"
PUBLIC_TOUR, SCHOOL_TOUR = 1, 2
ANNA, JONAS, CLAIRE = 1, 2, 3
GERMAN, ENGLISH = 1, 2
AUDIO_GUIDE = 1


async def take(
    kasse: Kasse,
    tour_id: int,
    start: str,
    *,
    participants: int = 0,
    guide_id: int | None = None,
    language_id: int | None = GERMAN,
    duration: int = 60,
    equipment: dict[int, int] | None = None,
    held_until: datetime | None = None,
) -> int:
    """A start time of a tour taken by one order item, written with a session: ``participants``
    of the tour's slot, its guide, equipment, sold (``held_until`` None) or held until then.

    Nothing writes tour bookings over HTTP yet: once tours are booked (the Tour item kind), this
    becomes a POST /orders (and a two-phase order for ``held_until``)."""
    start_at = datetime.fromisoformat(start)
    end_at = start_at + timedelta(minutes=duration)
    now = kasse.clock.now()
    async with kasse.instance.write_sessions() as session, session.begin():
        order = Order(
            token=secrets.token_hex(16),
            total_price_cents=0,
            source="test",
            locale="de",
            created_at=now,
            status="finalized" if held_until is None else "created",
            expires_at=held_until,
        )
        session.add(order)
        await session.flush()
        item = OrderItem(
            order_id=order.id,
            type="Tour",
            position=0,
            price_cents=0,
            vat_pct=0.0,
            tax_included=True,
        )
        session.add(item)
        await session.flush()
        rows: list[Any] = []
        if participants and held_until is None:
            slot = await session.scalar(
                QuotaSlot.__table__.select().where(  # type: ignore[attr-defined]
                    QuotaSlot.quota_id == tour_quota_id(tour_id), QuotaSlot.start_at == start_at
                )
            )
            assert slot is None, "take sells a start once"
            rows.append(
                QuotaSlot(quota_id=tour_quota_id(tour_id), start_at=start_at, sold=participants)
            )
        elif participants:
            rows.append(
                ReservationHold(
                    order_item_id=item.id,
                    quota_id=tour_quota_id(tour_id),
                    start_at=start_at,
                    quantity=participants,
                    valid_until=held_until,
                )
            )
        if guide_id is not None:
            rows.append(
                GuideClaim(
                    guide_id=guide_id,
                    tour_id=tour_id,
                    start_at=start_at,
                    end_at=end_at,
                    language_id=language_id,
                    order_item_id=item.id,
                    valid_until=held_until,
                )
            )
        rows += [
            EquipmentClaim(
                equipment_id=equipment_id,
                start_at=start_at,
                end_at=end_at,
                quantity=quantity,
                order_item_id=item.id,
                valid_until=held_until,
            )
            for equipment_id, quantity in (equipment or {}).items()
        ]
        session.add_all(rows)
        return item.id


def tour(id: int, **fields: Any) -> dict[str, Any]:
    """A tour of the demo museum in German and English: 60 minutes, 10 participants, starts
    11:00-15:00 every hour, one price per person."""
    return {
        "id": id,
        "museum_id": 1,
        "title": {"de": f"Führung {id}", "en": f"Tour {id}"},
        "language_ids": [GERMAN, ENGLISH],
        "duration": 60,
        "max_participants": 10,
        "start_times": {"first": "11:00", "last": "15:00", "every": 60},
        "prices": [{"title": "Teilnahme", "group": False, "price_cents": 500}],
        **fields,
    }


def guide(id: int, *languages: int, **fields: Any) -> dict[str, Any]:
    return {"id": id, "name": f"Guide {id}", "language_ids": list(languages), **fields}
