"""X-Forwarded-For is believed from KASSE_TRUSTED_PROXIES only (default: nobody), by the rate
limits and by the access log alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kasse.settings import Settings
from tests.concurrency.server import free_port, wait_until_ready
from tests.conftest import Kasse
from tests.core.test_token_failures import LIMIT, WHOAMI, assert_refused, bearer
from tests.helpers import app_on, client_of

PROXY = "10.1.2.3"
VISITOR = "203.0.113.9"


def forwarded(address: str) -> dict[str, str]:
    return {**bearer("wrong"), "X-Forwarded-For": address}


async def test_without_trusted_proxies_forwarded_headers_change_nothing(
    kasse: Kasse, tmp_path: Path
):
    async with (
        app_on(kasse.instance, kasse.clock, tmp_path, auth_failure_limit=f"{LIMIT}/minute") as app,
        client_of(app, PROXY) as client,
    ):
        for i in range(LIMIT):
            r = await client.get(WHOAMI, headers=forwarded(f"203.0.113.{i}"))
            assert r.status_code == 401
        # a new forwarded address every time, and still the sender's own count
        assert_refused(await client.get(WHOAMI, headers=forwarded("203.0.113.99")))


async def test_a_trusted_proxy_forwards_the_address_that_counts(kasse: Kasse, tmp_path: Path):
    async with (
        app_on(
            kasse.instance,
            kasse.clock,
            tmp_path,
            auth_failure_limit=f"{LIMIT}/minute",
            trusted_proxies=["10.1.0.0/16"],
        ) as app,
        client_of(app, PROXY) as proxy,
        client_of(app, "198.51.100.7") as stranger,
    ):
        for _ in range(LIMIT):
            assert (await proxy.get(WHOAMI, headers=forwarded(VISITOR))).status_code == 401
        assert_refused(await proxy.get(WHOAMI, headers=forwarded(VISITOR)))
        # the proxy's other visitors are other clients
        assert (await proxy.get(WHOAMI, headers=forwarded("203.0.113.10"))).status_code == 401
        # from anyone else the header is ignored: the visitor's count is not theirs to spend
        for _ in range(LIMIT):
            assert (await stranger.get(WHOAMI, headers=forwarded(VISITOR))).status_code == 401


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    assert Settings(trusted_proxies=["10.0.0.1", " 10.1.0.0/16"]).trusted_proxies == [
        "10.0.0.1/32",
        "10.1.0.0/16",
    ]
    with pytest.raises(ValueError):
        Settings(trusted_proxies=["proxy.example.org"])


def serve_and_log(database_url: str, trusted: str | None, tmp_path: Path) -> str:
    """``kasse serve`` answers one request with X-Forwarded-For; its log output."""
    port = free_port()
    env = {**os.environ, "KASSE_DATABASE_URL": database_url, "KASSE_LOG_LEVEL": "info"}
    env["KASSE_MAIL_URL"] = f"file://{tmp_path}/mail"
    env.pop("KASSE_TRUSTED_PROXIES", None)
    if trusted is not None:
        env["KASSE_TRUSTED_PROXIES"] = trusted
    kasse = Path(sys.executable).parent / "kasse"
    process = subprocess.Popen(
        [str(kasse), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_ready(base_url, process, 1)
        r = httpx.get(f"{base_url}/api/v4/museums", headers={"X-Forwarded-For": VISITOR})
        assert r.status_code == 200, r.text
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    return output.decode()


def access_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "/api/v4/museums" in line]


@pytest.mark.slow
def test_the_access_log_shows_the_forwarded_address_only_from_a_trusted_proxy(
    database_url: str, tmp_path: Path
) -> None:
    untrusted = serve_and_log(database_url, None, tmp_path)
    [line] = access_lines(untrusted)
    assert "127.0.0.1:" in line and VISITOR not in line
    assert "rate limits counted in" in untrusted  # kasse's own start-up line reaches the log
    [line] = access_lines(serve_and_log(database_url, '["127.0.0.1"]', tmp_path))
    assert VISITOR in line
