"""Timestamps on the wire: the instance's offset, whole seconds (as go~mus writes them)."""

from __future__ import annotations

from datetime import UTC, datetime


async def test_timestamps_carry_the_offset_and_whole_seconds(kasse, day):
    kasse.clock.set(datetime.now(UTC).replace(microsecond=123456))
    body = {
        "items": [
            {
                "type": "Ticket",
                "attributes": {"id": 3, "quantity": 1, "time": kasse.local(day, "10:00")},
            }
        ],
        "total": 1400,
    }
    r = await kasse.client.post("/api/v4/orders", json=body, headers=kasse.auth())
    assert r.status_code == 200, r.text
    created_at = r.json()["order"]["created_at"]
    parsed = datetime.fromisoformat(created_at)
    assert parsed.microsecond == 0 and "." not in created_at
    assert parsed.utcoffset() == kasse.clock.now().astimezone(kasse.instance.tz).utcoffset()
    assert parsed == kasse.clock.now().replace(microsecond=0)
