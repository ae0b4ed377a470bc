"""Fixtures of the document tests: a second app that keeps its Wallet chain in the test's folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kasse.app import create_app
from kasse.core.db import open_instances
from kasse.settings import Settings
from tests.conftest import Kasse
from tests.helpers import NO_CACHES


@dataclass
class WalletApp:
    client: httpx.AsyncClient
    folder: Path


@pytest.fixture
async def wallet(kasse: Kasse, tmp_path: Path) -> AsyncIterator[WalletApp]:
    """A second app on the test's database that keeps its development Wallet chain in tmp_path."""
    settings = Settings(
        database_url=kasse.instance.database_url,
        instances={},
        mail_url=f"file://{tmp_path / 'mail'}",
        wallet_dev_folder=str(tmp_path / "wallet"),
        **NO_CACHES,
    )
    app = create_app(settings, clock=kasse.clock)
    app.state.instances = open_instances(settings)  # no lifespan: no mail or housekeeping loops
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield WalletApp(client, tmp_path / "wallet")
    finally:
        for instance in app.state.instances.values():
            await instance.dispose()
