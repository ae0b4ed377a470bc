"""Outbox to SMTP: after commit only, once, retried with backoff, given up, claimed safely."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest

from kasse.core.clock import FrozenClock
from kasse.core.db import Instance
from kasse.mail import deliver_due, enqueue, plain_payload
from kasse.mail.sender import SENDING_LEASE, retry_delay
from tests.mail.helpers import PDF, enqueue_plain, mail_settings, only_message, outbox
from tests.mail.smtp_server import WAIT_SECONDS, SmtpServer


class Boom(Exception):
    pass


async def test_committed_mail_is_delivered_once(
    instance: Instance, clock: FrozenClock, running_smtp: SmtpServer
) -> None:
    settings = mail_settings(running_smtp.url)
    await enqueue_plain(
        instance,
        clock,
        "Your tickets for Sunday",
        attachments=[("tickets.pdf", "application/pdf", PDF)],
    )

    assert await deliver_due(instance, settings, clock) == 1
    assert await deliver_due(instance, settings, clock) == 0

    [received] = running_smtp.received
    assert received.rcpt_tos == ["visitor@example.org"]
    assert received.mail_from == "tickets@museum.example"
    mail = received.message
    assert mail["Subject"] == "Your tickets for Sunday"
    assert mail["To"] == "visitor@example.org"
    assert mail["From"] == "Museum <tickets@museum.example>"
    assert mail["Message-ID"].endswith("@museum.example>")
    body = mail.get_body(("plain",))
    assert body is not None
    assert body.get_content() == "Hello,\n\nYour tickets for Sunday.\n"
    [attachment] = mail.iter_attachments()
    assert attachment.get_filename() == "tickets.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF

    message = await only_message(instance)
    assert (message.status, message.attempts, message.sent_at) == ("sent", 1, clock.now())


async def test_a_mail_is_marked_sent_before_the_smtp_session_ends(
    instance: Instance, clock: FrozenClock, smtp: SmtpServer
) -> None:
    # A worker killed after the server took the mail sends it again later: the window ends
    # with the mail's own commit right after "250 OK", not after the QUIT round trip.
    smtp.quit_gate = threading.Event()
    smtp.start()
    await enqueue_plain(instance, clock)
    delivery = asyncio.create_task(deliver_due(instance, mail_settings(smtp.url), clock))
    try:
        await smtp.wait_for(1)
        deadline = asyncio.get_running_loop().time() + 4 * WAIT_SECONDS
        while (await only_message(instance)).status != "sent":
            assert asyncio.get_running_loop().time() < deadline, "not marked sent before QUIT"
            await asyncio.sleep(0.02)
        assert not delivery.done()  # QUIT still unanswered
    finally:
        smtp.quit_gate.set()
    assert await delivery == 1
    message = await only_message(instance)
    assert (message.status, message.attempts) == ("sent", 1)


async def test_rolled_back_mail_is_never_sent(
    instance: Instance, clock: FrozenClock, running_smtp: SmtpServer
) -> None:
    settings = mail_settings(running_smtp.url)
    with pytest.raises(Boom):
        async with instance.write_sessions() as session, session.begin():
            payload = plain_payload("Order 1", "never")
            await enqueue(
                session, kind="plain", recipient="a@example.org", payload=payload, now=clock.now()
            )
            raise Boom

    for _ in range(3):
        assert await deliver_due(instance, settings, clock) == 0
        clock.advance(timedelta(days=1))
    assert running_smtp.received == []
    assert await outbox(instance) == []


async def test_server_down_then_up_delivers_exactly_once(
    instance: Instance, clock: FrozenClock, smtp: SmtpServer
) -> None:
    settings = mail_settings(smtp.url, mail_retry_seconds=30)
    await enqueue_plain(instance, clock)

    assert await deliver_due(instance, settings, clock) == 0
    message = await only_message(instance)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at == clock.now() + timedelta(seconds=30)
    assert message.last_error and "SMTPConnectError" in message.last_error

    clock.advance(timedelta(seconds=29))
    assert await deliver_due(instance, settings, clock) == 0
    assert (await only_message(instance)).attempts == 1  # not due yet: no attempt

    clock.advance(timedelta(seconds=1))
    assert await deliver_due(instance, settings, clock) == 0
    message = await only_message(instance)
    assert (message.status, message.attempts) == ("pending", 2)
    assert message.next_attempt_at == clock.now() + timedelta(seconds=60)  # doubled

    smtp.start()
    assert await deliver_due(instance, settings, clock) == 0  # still waiting out the backoff
    clock.advance(timedelta(seconds=60))
    assert await deliver_due(instance, settings, clock) == 1
    clock.advance(timedelta(hours=2))
    assert await deliver_due(instance, settings, clock) == 0

    assert len(smtp.received) == 1
    message = await only_message(instance)
    assert (message.status, message.attempts) == ("sent", 3)


async def test_gives_up_after_max_attempts(
    instance: Instance, clock: FrozenClock, smtp: SmtpServer
) -> None:
    settings = mail_settings(smtp.url, mail_max_attempts=3, mail_retry_seconds=1)
    await enqueue_plain(instance, clock)

    for attempt in (1, 2, 3):
        assert await deliver_due(instance, settings, clock) == 0
        message = await only_message(instance)
        assert message.attempts == attempt
        clock.advance(timedelta(hours=1))
    assert message.status == "failed"

    smtp.start()
    clock.advance(timedelta(days=1))
    assert await deliver_due(instance, settings, clock) == 0
    assert smtp.received == []


async def test_refused_recipient_fails_at_once(
    instance: Instance, clock: FrozenClock, smtp: SmtpServer
) -> None:
    smtp.refused = frozenset({"gone@example.org"})
    smtp.start()
    settings = mail_settings(smtp.url)
    await enqueue_plain(instance, clock, "bounces", recipient="gone@example.org")
    await enqueue_plain(instance, clock, "arrives")

    assert await deliver_due(instance, settings, clock) == 1

    bounced, sent = await outbox(instance)
    assert (bounced.status, bounced.attempts) == ("failed", 1)
    assert "PermanentMailError" in (bounced.last_error or "")
    assert sent.status == "sent"
    assert [m["Subject"] for m in smtp.messages()] == ["arrives"]


def test_retry_delay_doubles_up_to_an_hour() -> None:
    settings = mail_settings("file:///unused", mail_retry_seconds=30)
    delays = [retry_delay(n, settings).total_seconds() for n in range(1, 10)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert retry_delay(10_000, settings) == timedelta(hours=1)


async def test_concurrent_deliveries_never_send_a_mail_twice(
    instance: Instance, clock: FrozenClock, running_smtp: SmtpServer
) -> None:
    running_smtp.delay_seconds = 0.005  # keep the workers' claims and sends interleaved
    settings = mail_settings(running_smtp.url)
    for n in range(30):
        await enqueue_plain(instance, clock, f"mail {n}")

    counts = await asyncio.gather(*(deliver_due(instance, settings, clock) for _ in range(4)))

    assert sum(counts) == 30
    subjects = sorted(str(m["Subject"]) for m in running_smtp.messages())
    assert subjects == sorted(f"mail {n}" for n in range(30))
    assert {m.status for m in await outbox(instance)} == {"sent"}
    assert {m.attempts for m in await outbox(instance)} == {1}


class BlockingBackend:
    """A send that hangs until released, then fails: a stuck or killed worker."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, message: object, accepted: object) -> None:
        self.entered.set()
        await self.release.wait()
        raise ConnectionError("the connection broke long ago")


async def test_mail_stuck_in_sending_is_sent_after_the_lease(
    instance: Instance, clock: FrozenClock, running_smtp: SmtpServer
) -> None:
    settings = mail_settings(running_smtp.url)
    await enqueue_plain(instance, clock)
    stuck = BlockingBackend()
    worker = asyncio.create_task(deliver_due(instance, settings, clock, stuck))
    await asyncio.wait_for(stuck.entered.wait(), 5)
    worker.cancel()  # killed mid-send
    with pytest.raises(asyncio.CancelledError):
        await worker
    assert (await only_message(instance)).status == "sending"

    clock.advance(SENDING_LEASE - timedelta(seconds=1))
    assert await deliver_due(instance, settings, clock) == 0
    clock.advance(timedelta(seconds=1))
    assert await deliver_due(instance, settings, clock) == 1

    assert len(running_smtp.received) == 1
    message = await only_message(instance)
    assert (message.status, message.attempts) == ("sent", 2)


async def test_late_outcome_of_an_expired_claim_changes_nothing(
    instance: Instance, clock: FrozenClock, running_smtp: SmtpServer
) -> None:
    settings = mail_settings(running_smtp.url)
    await enqueue_plain(instance, clock)
    slow = BlockingBackend()
    worker = asyncio.create_task(deliver_due(instance, settings, clock, slow))
    await asyncio.wait_for(slow.entered.wait(), 5)

    clock.advance(SENDING_LEASE)
    assert await deliver_due(instance, settings, clock) == 1
    slow.release.set()  # the first worker wakes up and reports its failure
    assert await worker == 0

    message = await only_message(instance)
    assert (message.status, message.attempts) == ("sent", 2)


async def test_interrupted_last_attempt_fails_the_mail(
    instance: Instance, clock: FrozenClock, running_smtp: SmtpServer
) -> None:
    settings = mail_settings(running_smtp.url, mail_max_attempts=1)
    await enqueue_plain(instance, clock)
    stuck = BlockingBackend()
    worker = asyncio.create_task(deliver_due(instance, settings, clock, stuck))
    await asyncio.wait_for(stuck.entered.wait(), 5)
    worker.cancel()
    with pytest.raises(asyncio.CancelledError):
        await worker

    clock.advance(SENDING_LEASE)
    assert await deliver_due(instance, settings, clock) == 0
    assert running_smtp.received == []
    message = await only_message(instance)
    assert (message.status, message.attempts) == ("failed", 1)
