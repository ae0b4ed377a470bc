"""Delivering due outbox mail: claim, compose, send outside any transaction, record the outcome.

Claiming sets a message to ``sending``, counts the attempt and moves ``next_attempt_at`` one
lease ahead. A worker killed mid-send thus leaves a message that is due again when the lease
runs out: delivery is at least once, and nothing is lost. Each message is marked sent in its own
transaction the moment the server accepted it (before the SMTP QUIT), so a duplicate needs a
worker killed between the server's "250 OK" and that commit. The attempt count is the claim's
fencing token: a worker whose lease ran out cannot overwrite the outcome of the next claim.

PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` lets concurrent workers claim disjoint batches.
SQLite: the write session begins with ``BEGIN IMMEDIATE``, which serialises the claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from kasse.core.clock import Clock
from kasse.core.db import Instance
from kasse.core.outages import log_failure
from kasse.mail.backends import MailBackend, PermanentMailError, backend_from_url
from kasse.mail.outbox import composer_for
from kasse.models import OutboxMessage
from kasse.settings import Settings

log = logging.getLogger("kasse.mail")

SENDING_LEASE = timedelta(minutes=10)
MAX_RETRY_DELAY = timedelta(hours=1)
# Small enough that a batch of timed-out SMTP sends still ends well within the lease.
CLAIM_BATCH = 10
STOP_GRACE_SECONDS = 5.0
MAX_ERROR_CHARS = 2000
DUE_STATUSES = ("pending", "sending")
SENDER_CACHE_KEY = "mail.sender"


def retry_delay(attempts: int, settings: Settings) -> timedelta:
    """Delay after the ``attempts``-th failed attempt: doubling from the first, capped."""
    doublings = min(max(attempts - 1, 0), 30)
    seconds = settings.mail_retry_seconds * 2**doublings
    return min(timedelta(seconds=seconds), MAX_RETRY_DELAY)


async def deliver_due(
    instance: Instance, settings: Settings, clock: Clock, backend: MailBackend | None = None
) -> int:
    """Send every message that is due now; returns how many were delivered."""
    backend = backend or backend_from_url(settings.mail_url)
    delivered = 0
    while True:
        claimed, seen = await _claim_batch(instance, settings, clock.now())
        if not seen:
            return delivered
        for message in claimed:
            delivered += await _deliver(instance, settings, clock, backend, message)


async def _claim_batch(
    instance: Instance, settings: Settings, now: datetime
) -> tuple[list[OutboxMessage], int]:
    """Claim up to a batch of due messages; also returns how many due rows were looked at."""
    async with instance.write_sessions() as session, session.begin():
        due = list(
            await session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.status.in_(DUE_STATUSES),
                    OutboxMessage.next_attempt_at <= now,
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(CLAIM_BATCH)
                .with_for_update(skip_locked=True)
            )
        )
        claimed = []
        for message in due:
            if message.attempts >= settings.mail_max_attempts:
                # Only reachable through an interrupted last attempt (or a lowered maximum).
                message.status = "failed"
                message.last_error = message.last_error or "interrupted while sending"
                continue
            message.status = "sending"
            message.attempts += 1
            message.next_attempt_at = now + SENDING_LEASE
            claimed.append(message)
    return claimed, len(due)


async def _deliver(
    instance: Instance,
    settings: Settings,
    clock: Clock,
    backend: MailBackend,
    message: OutboxMessage,
) -> int:
    handed_over = False

    async def record_sent() -> None:
        nonlocal handed_over
        handed_over = True
        await _record_sent(instance, message, clock.now())

    try:
        mail = await _compose(instance, settings, message, clock.now())
        await backend.send(mail, record_sent)
    except Exception as exc:
        if handed_over:
            raise  # the mail is out: no failed attempt to record (a failed record: see the lease)
        await _record_failure(instance, settings, message, exc, clock.now())
        return 0
    return 1


async def _compose(
    instance: Instance, settings: Settings, message: OutboxMessage, now: datetime
) -> EmailMessage:
    async with instance.read_sessions() as session:
        mail = await composer_for(message.kind)(session, message, instance, now)
    _fill_headers(mail, message, instance, settings)
    return mail


def _fill_headers(
    mail: EmailMessage, message: OutboxMessage, instance: Instance, settings: Settings
) -> None:
    defaults = {
        "From": settings.mail_from,
        "To": message.recipient,
        "Date": format_datetime(message.created_at.astimezone(instance.tz)),
        # The same on every attempt, so a receiver can recognise an at-least-once duplicate.
        "Message-ID": _message_id(message, instance, settings),
    }
    for name, value in defaults.items():
        if name not in mail:
            mail[name] = value


def _message_id(message: OutboxMessage, instance: Instance, settings: Settings) -> str:
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "localhost"
    stamp = message.created_at.strftime("%Y%m%d%H%M%S")
    name = "".join(c if c.isalnum() or c in ".-" else "-" for c in instance.name)
    return f"<kasse.{stamp}.{message.id}.{name}@{domain}>"


async def _record_sent(instance: Instance, message: OutboxMessage, now: datetime) -> None:
    # Not fenced by the claim: the mail went out, whatever a later claim of it has recorded.
    await _update(
        instance,
        message,
        {"status": "sent", "sent_at": now},
        OutboxMessage.status != "sent",
    )


async def _record_failure(
    instance: Instance,
    settings: Settings,
    message: OutboxMessage,
    exc: Exception,
    now: datetime,
) -> None:
    error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
    values: dict[str, Any] = {"status": "failed", "last_error": error}
    if message.attempts < settings.mail_max_attempts and not isinstance(exc, PermanentMailError):
        retry_at = now + retry_delay(message.attempts, settings)
        values.update(status="pending", next_attempt_at=retry_at)
    log.warning(
        "mail %s (%s) of instance %s: attempt %d failed (%s), now %s",
        message.id,
        message.kind,
        instance.name,
        message.attempts,
        error,
        values["status"],
    )
    await _update(
        instance,
        message,
        values,
        OutboxMessage.status == "sending",
        OutboxMessage.attempts == message.attempts,
    )


async def _update(
    instance: Instance, message: OutboxMessage, values: dict[str, Any], *conditions: Any
) -> None:
    async with instance.write_sessions() as session, session.begin():
        updated = await session.scalar(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, *conditions)
            .values(**values)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
    if updated is None:
        log.warning("mail %s of instance %s was claimed again meanwhile", message.id, instance.name)


class MailSender:
    """The background loop of one instance: deliver what is due, then sleep until kicked or polled."""

    def __init__(
        self, instance: Instance, settings: Settings, clock: Clock, backend: MailBackend
    ) -> None:
        self.instance = instance
        self._settings = settings
        self._clock = clock
        self._backend = backend
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        """Deliver now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"kasse-mail-{self.instance.name}")

    async def stop(self) -> None:
        """Let a round in progress finish for a moment, then cancel it (its mail is re-sent later)."""
        self._stopping = True
        self._wake.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self._task, STOP_GRACE_SECONDS)
        except TimeoutError:
            log.warning("mail sender of instance %s cancelled mid-round", self.instance.name)

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            await self._round()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.mail_poll_seconds)

    async def _round(self) -> None:
        try:
            await deliver_due(self.instance, self._settings, self._clock, self._backend)
        except Exception as exc:
            # A database or composer failure must not end the loop: the next round tries again.
            log_failure(log, exc, "mail delivery of instance %s failed", self.instance.name)


@asynccontextmanager
async def run_mail_senders(
    instances: Mapping[str, Instance], settings: Settings, clock: Clock
) -> AsyncIterator[list[MailSender]]:
    """One background sender per instance, running while the context is open."""
    backend = backend_from_url(settings.mail_url)
    senders = [MailSender(instance, settings, clock, backend) for instance in instances.values()]
    for sender in senders:
        sender.instance.cache[SENDER_CACHE_KEY] = sender
        sender.start()
    try:
        yield senders
    finally:
        for sender in senders:
            sender.instance.cache.pop(SENDER_CACHE_KEY, None)
        await asyncio.gather(*(sender.stop() for sender in senders))


def notify_mail_enqueued(instance: Instance, session: AsyncSession | None = None) -> None:
    """Wake the instance's sender: at once, or once ``session``'s transaction has committed."""
    sender = instance.cache.get(SENDER_CACHE_KEY)
    if not isinstance(sender, MailSender):
        return  # no sender runs here (the CLI, a test): the mail waits for one
    if session is None:
        sender.kick()
        return

    def _after_commit(_session: Session) -> None:
        sender.kick()

    event.listen(session.sync_session, "after_commit", _after_commit, once=True)
