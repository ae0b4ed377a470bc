"""The background sender the app's lifespan runs: woken after commit, polling, never dying."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from fastapi import FastAPI

from kasse.app import create_app
from kasse.core.clock import FrozenClock
from kasse.core.db import Instance
from kasse.mail import enqueue, notify_mail_enqueued, plain_payload
from kasse.mail import sender as sender_module
from kasse.settings import Settings
from tests.mail.helpers import enqueue_plain, outbox
from tests.mail.smtp_server import SmtpServer


@asynccontextmanager
async def running_app(
    database_url: str, smtp: SmtpServer, clock: FrozenClock, poll_seconds: float
) -> AsyncIterator[Instance]:
    settings = Settings(
        database_url=database_url,
        instances={},
        mail_url=smtp.url,
        mail_poll_seconds=poll_seconds,
    )
    app: FastAPI = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        yield app.state.instances[""]


async def request_like_transaction(instance: Instance, clock: FrozenClock, subject: str) -> None:
    """What a route does: enqueue in its transaction and ask for a wake-up after the commit."""
    async with instance.write_sessions() as session, session.begin():
        payload = plain_payload(subject, "body")
        await enqueue(
            session, kind="plain", recipient="v@example.org", payload=payload, now=clock.now()
        )
        notify_mail_enqueued(instance, session)


async def test_kick_after_commit_delivers_without_waiting_for_the_poll(
    mail_database_url: str, clock: FrozenClock, running_smtp: SmtpServer
) -> None:
    async with running_app(mail_database_url, running_smtp, clock, poll_seconds=60) as instance:
        await asyncio.sleep(0.05)  # the loop's first round is over; it now sleeps for a minute
        await request_like_transaction(instance, clock, "kicked")
        await running_smtp.wait_for(1)
        started = time.monotonic()
    assert time.monotonic() - started < 1.0  # shutdown does not wait out the poll interval

    assert [m["Subject"] for m in running_smtp.messages()] == ["kicked"]
    assert [m.status for m in await outbox(instance)] == ["sent"]


async def test_rolled_back_request_neither_kicks_nor_sends(
    mail_database_url: str, clock: FrozenClock, running_smtp: SmtpServer
) -> None:
    async with running_app(mail_database_url, running_smtp, clock, poll_seconds=0.02) as instance:
        with pytest.raises(RuntimeError):
            async with instance.write_sessions() as session, session.begin():
                payload = plain_payload("never", "body")
                await enqueue(
                    session,
                    kind="plain",
                    recipient="v@example.org",
                    payload=payload,
                    now=clock.now(),
                )
                notify_mail_enqueued(instance, session)
                raise RuntimeError("the order failed")
        await asyncio.sleep(0.2)  # ten polls
    assert running_smtp.received == []


async def test_poll_delivers_mail_enqueued_without_a_kick(
    mail_database_url: str, clock: FrozenClock, running_smtp: SmtpServer
) -> None:
    async with running_app(mail_database_url, running_smtp, clock, poll_seconds=0.02) as instance:
        await enqueue_plain(instance, clock, "polled")
        await running_smtp.wait_for(1)
        await asyncio.sleep(0.1)  # several more rounds: still delivered only once
    assert [m["Subject"] for m in running_smtp.messages()] == ["polled"]


async def test_loop_survives_a_failing_round(
    mail_database_url: str,
    clock: FrozenClock,
    running_smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real_deliver_due = sender_module.deliver_due
    rounds = 0

    async def flaky(*args: Any) -> int:
        nonlocal rounds
        rounds += 1
        if rounds <= 2:
            raise ConnectionError("database went away")
        return await real_deliver_due(*args)

    monkeypatch.setattr(sender_module, "deliver_due", flaky)
    with caplog.at_level(logging.WARNING, logger="kasse.mail"):
        async with running_app(mail_database_url, running_smtp, clock, 0.02) as instance:
            await enqueue_plain(instance, clock, "after the storm")
            await running_smtp.wait_for(1)

    assert rounds > 2
    assert "database went away" in caplog.text


async def test_notify_without_a_running_sender_is_harmless(
    instance: Instance, clock: FrozenClock
) -> None:
    await request_like_transaction(instance, clock, "waits for a sender")
    notify_mail_enqueued(instance)
    assert [m.status for m in await outbox(instance)] == ["pending"]
