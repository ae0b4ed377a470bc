"""Shared by the mail tests: settings, enqueueing a plain mail, reading the outbox back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from kasse.core.clock import Clock
from kasse.core.db import Instance
from kasse.mail import enqueue, plain_payload
from kasse.models import OutboxMessage
from kasse.settings import Settings

PDF = b"%PDF-1.4\n\x00\x01\x02 binary \xff\xfe ticket\n%%EOF\n"


def mail_settings(url: str, **overrides: Any) -> Settings:
    return Settings(
        database_url="sqlite+aiosqlite:///unused.db",
        instances={},
        mail_url=url,
        mail_from="Museum <tickets@museum.example>",
        **overrides,
    )


async def enqueue_plain(
    instance: Instance,
    clock: Clock,
    subject: str = "Your tickets",
    *,
    recipient: str = "visitor@example.org",
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> None:
    """Enqueue one mail in a transaction of its own, which commits."""
    async with instance.write_sessions() as session, session.begin():
        payload = plain_payload(subject, f"Hello,\n\n{subject}.\n", attachments)
        await enqueue(session, kind="plain", recipient=recipient, payload=payload, now=clock.now())


async def outbox(instance: Instance) -> list[OutboxMessage]:
    async with instance.read_sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def only_message(instance: Instance) -> OutboxMessage:
    [message] = await outbox(instance)
    return message
