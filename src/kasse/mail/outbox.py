"""Writing mail into the outbox, and the composers that turn an outbox row into a mail.

A mail is only a row until its transaction commits, so a rolled-back request never sends one.
The mail itself is built when it is sent: a composer reads the data (an order, say) at that time.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.db import Instance
from kasse.models import OutboxMessage

# (session, message, instance, now): ``now`` is the sender's clock, so composers see the time
# the rest of the instance sees (a test clock in tests).
Composer = Callable[[AsyncSession, OutboxMessage, Instance, datetime], Awaitable[EmailMessage]]

_composers: dict[str, Composer] = {}


class UnknownMailKind(LookupError):
    pass


async def enqueue(
    session: AsyncSession, *, kind: str, recipient: str, payload: dict[str, Any], now: datetime
) -> None:
    """Add a mail to the caller's transaction; it is sent once that transaction commits."""
    session.add(
        OutboxMessage(
            kind=kind,
            recipient=recipient,
            payload=payload,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    await session.flush()


def register_composer(kind: str, fn: Composer) -> Composer:
    """Make ``fn`` build the mails of ``kind``; registering another function for it is a bug."""
    known = _composers.get(kind)
    if known is not None and known is not fn:
        raise ValueError(f"mail kind {kind!r} already has a composer")
    _composers[kind] = fn
    return fn


def composer(kind: str) -> Callable[[Composer], Composer]:
    """Decorator form of :func:`register_composer`."""
    return lambda fn: register_composer(kind, fn)


def composer_for(kind: str) -> Composer:
    try:
        return _composers[kind]
    except KeyError:
        raise UnknownMailKind(f"no composer for mail kind {kind!r}") from None


def plain_payload(
    subject: str, body: str, attachments: Sequence[tuple[str, str, bytes]] = ()
) -> dict[str, Any]:
    """The payload of a ``plain`` mail; attachments are ``(filename, mime type, bytes)``."""
    return {
        "subject": subject,
        "body": body,
        "attachments": [
            {
                "filename": filename,
                "mime_type": mime_type,
                "data": base64.b64encode(data).decode("ascii"),
            }
            for filename, mime_type, data in attachments
        ],
    }


@composer("plain")
async def compose_plain(
    _session: AsyncSession, message: OutboxMessage, _instance: Instance, _now: datetime
) -> EmailMessage:
    """Subject, text body and attachments, all taken from the payload as it was enqueued."""
    payload = message.payload
    mail = EmailMessage()
    mail["Subject"] = str(payload["subject"])
    mail.set_content(str(payload["body"]))
    for item in payload.get("attachments", []):
        maintype, _, subtype = str(item["mime_type"]).partition("/")
        mail.add_attachment(
            base64.b64decode(item["data"]),
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=str(item["filename"]),
        )
    return mail
