"""GET /health for load balancers: 200 while the database answers, 503 while it does not."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Kasse
from tests.helpers import UNAVAILABLE, app_client, app_settings, dead_database_url


async def test_health_is_ok_while_the_database_answers(kasse: Kasse) -> None:
    r = await kasse.client.get("/health")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})


async def test_health_is_503_while_the_database_does_not_answer(tmp_path: Path) -> None:
    async with app_client(app_settings(dead_database_url(), tmp_path)) as client:
        r = await client.get("/health")
    assert (r.status_code, r.json()) == (503, UNAVAILABLE)
    assert r.headers["Retry-After"] == "5"
