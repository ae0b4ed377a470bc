"""Backends from URLs, the file backend's .eml files, SMTP login, and composers."""

from __future__ import annotations

import email
import logging
import re
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.clock import FrozenClock
from kasse.core.db import Instance
from kasse.mail import (
    FileBackend,
    SmtpBackend,
    backend_from_url,
    composer,
    deliver_due,
    enqueue,
)
from kasse.models import OutboxMessage
from tests.mail.helpers import PDF, enqueue_plain, mail_settings, only_message
from tests.mail.smtp_server import SmtpServer


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example", SmtpBackend("mail.example", 25)),
        ("smtp+starttls://u@mail.example", SmtpBackend("mail.example", 587, "u", tls="starttls")),
        (
            "smtps://museum%40x.example:p%40ss:w@mail.example:2465",
            SmtpBackend("mail.example", 2465, "museum@x.example", "p@ss:w", tls="tls"),
        ),
        ("file:///srv/kasse/mail", FileBackend(Path("/srv/kasse/mail"))),
        ("file://./var/mail", FileBackend(Path("var/mail"))),
    ],
)
def test_backend_from_url(url: str, expected: object) -> None:
    assert backend_from_url(url) == expected


def test_password_stays_out_of_repr_and_errors() -> None:
    backend = backend_from_url("smtp://user:hunter2@mail.example:25")
    assert "hunter2" not in repr(backend)
    with pytest.raises(ValueError) as bad_scheme:
        backend_from_url("imap://user:hunter2@mail.example")
    assert "hunter2" not in str(bad_scheme.value)
    with pytest.raises(ValueError) as no_host:
        backend_from_url("smtp://user:hunter2@:25")
    assert "hunter2" not in str(no_host.value)


async def test_file_backend_writes_one_parseable_eml_per_mail(
    instance: Instance, clock: FrozenClock, tmp_path: Path
) -> None:
    folder = tmp_path / "not" / "yet" / "there"
    settings = mail_settings(f"file://{folder}")
    await enqueue_plain(instance, clock, "first", attachments=[("t.pdf", "application/pdf", PDF)])
    await enqueue_plain(instance, clock, "second")

    assert await deliver_due(instance, settings, clock) == 2

    files = sorted(folder.iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]  # and no temporary file left behind
    assert all(re.fullmatch(r"\d{8}T\d{12}Z-kasse\.[\w.-]+\.eml", f.name) for f in files)
    mails = [email.message_from_bytes(f.read_bytes(), policy=default) for f in files]
    assert sorted(str(m["Subject"]) for m in mails) == ["first", "second"]
    [first] = [m for m in mails if m["Subject"] == "first"]
    assert isinstance(first, EmailMessage)
    assert first["To"] == "visitor@example.org"
    [attachment] = first.iter_attachments()
    assert attachment.get_content() == PDF


async def test_smtp_login_and_no_password_in_the_log(
    instance: Instance, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    server = SmtpServer(logins={"museum": "s3cret-pw"})
    server.start()
    try:
        wrong = mail_settings(f"smtp://museum:wrong-pw@127.0.0.1:{server.port}")
        right = mail_settings(f"smtp://museum:s3cret-pw@127.0.0.1:{server.port}")
        await enqueue_plain(instance, clock)
        with caplog.at_level(logging.DEBUG):
            assert await deliver_due(instance, wrong, clock) == 0
            clock.advance(timedelta(hours=1))
            assert await deliver_due(instance, right, clock) == 1
    finally:
        server.stop()

    [received] = server.received
    assert received.login == "museum"
    assert "SMTPAuthenticationError" in ((await only_message(instance)).last_error or "")
    assert "wrong-pw" not in caplog.text
    assert "s3cret-pw" not in caplog.text


@composer("test-order-summary")
async def compose_summary(
    session: AsyncSession, message: OutboxMessage, instance: Instance, _now: datetime
) -> EmailMessage:
    """A composer that reads the database when the mail is sent, as an order mail would."""
    pending = await session.scalar(
        select(OutboxMessage.recipient).where(OutboxMessage.id == message.id)
    )
    mail = EmailMessage()
    mail["Subject"] = f"Order {message.payload['order_id']} ({instance.name})"
    mail.set_content(f"read at send time for {pending}")
    return mail


async def test_registered_composer_builds_the_mail_at_send_time(
    instance: Instance, clock: FrozenClock, running_smtp: SmtpServer
) -> None:
    settings = mail_settings(running_smtp.url)
    async with instance.write_sessions() as session, session.begin():
        await enqueue(
            session,
            kind="test-order-summary",
            recipient="buyer@example.org",
            payload={"order_id": 77},
            now=clock.now(),
        )

    assert await deliver_due(instance, settings, clock) == 1

    [mail] = running_smtp.messages()
    assert mail["Subject"] == "Order 77 (default)"
    body = mail.get_body(("plain",))
    assert body is not None
    assert body.get_content().strip() == "read at send time for buyer@example.org"


async def test_unknown_kind_is_retried_not_lost(
    instance: Instance, clock: FrozenClock, running_smtp: SmtpServer
) -> None:
    settings = mail_settings(running_smtp.url)
    async with instance.write_sessions() as session, session.begin():
        await enqueue(
            session, kind="no-such-kind", recipient="x@example.org", payload={}, now=clock.now()
        )

    assert await deliver_due(instance, settings, clock) == 0

    message = await only_message(instance)
    assert (message.status, message.attempts) == ("pending", 1)
    assert "UnknownMailKind" in (message.last_error or "")
    assert running_smtp.received == []
