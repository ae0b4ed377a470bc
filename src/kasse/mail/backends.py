"""Where composed mails go: an SMTP server, or a folder with one ``.eml`` file per mail."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

TlsMode = Literal["none", "starttls", "tls"]
SMTP_SCHEMES: dict[str, tuple[TlsMode, int]] = {
    "smtp": ("none", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("tls", 465),
}
SMTP_TIMEOUT_SECONDS = 30.0


class PermanentMailError(Exception):
    """A failure that no retry will cure, such as every recipient refused with a 5xx reply."""


# Awaited by a backend the moment the mail is taken over, before any goodbye to the server.
Accepted = Callable[[], Awaitable[None]]


class MailBackend(Protocol):
    async def send(self, message: EmailMessage, accepted: Accepted) -> None:
        """Hand the mail on and await ``accepted()`` once it is taken over; or raise before that:
        the caller retries it later (not when it is a PermanentMailError)."""


@dataclass(frozen=True)
class FileBackend:
    """One ``<timestamp>-<id>.eml`` per mail: the embedded default, and handy in development."""

    folder: Path

    async def send(self, message: EmailMessage, accepted: Accepted) -> None:
        await asyncio.to_thread(self._write, message)
        await accepted()

    def _write(self, message: EmailMessage) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{_timestamp()}-{_file_id(message)}.eml"
        # A reader of the folder never sees half a mail: write aside, then rename into place.
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(message.as_bytes(policy=SMTP))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _file_id(message: EmailMessage) -> str:
    local_part = str(message.get("Message-ID", "")).strip("<> ").split("@", 1)[0]
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", local_part)
    return safe or uuid.uuid4().hex


@dataclass(frozen=True)
class SmtpBackend:
    """Plain SMTP, STARTTLS or implicit TLS; the envelope comes from the To/Cc/Bcc headers."""

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: TlsMode = "none"
    timeout: float = SMTP_TIMEOUT_SECONDS

    async def send(self, message: EmailMessage, accepted: Accepted) -> None:
        client = aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.tls == "tls",
            # "none" really means none: no opportunistic upgrade that fails on a relay's own cert
            start_tls=self.tls == "starttls",
            timeout=self.timeout,
        )
        async with client:
            await _send_message(client, message)
            # The mail is the server's now. Recorded before the QUIT round trip, so that a worker
            # killed meanwhile does not send it again (see docs/operations.md on duplicates).
            await accepted()


async def _send_message(client: aiosmtplib.SMTP, message: EmailMessage) -> None:
    try:
        await client.send_message(message)
    except aiosmtplib.SMTPRecipientsRefused as exc:
        if all(refused.code >= 500 for refused in exc.recipients):
            raise PermanentMailError(str(exc)) from exc
        raise


def backend_from_url(url: str) -> MailBackend:
    """``smtp://``, ``smtp+starttls://``, ``smtps://`` (``user:pass@host:port``) or ``file://``."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        # file://./var/mail is relative to the working directory, file:///srv/mail absolute.
        return FileBackend(Path(unquote(parts.netloc + parts.path)))
    if parts.scheme in SMTP_SCHEMES:
        tls, default_port = SMTP_SCHEMES[parts.scheme]
        if not parts.hostname:
            raise ValueError(f"mail URL {redact_url(url)} names no host")
        return SmtpBackend(
            host=parts.hostname,
            port=parts.port or default_port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
        )
    raise ValueError(
        f"mail URL {redact_url(url)}: the scheme must be one of file, {', '.join(SMTP_SCHEMES)}"
    )


def redact_url(url: str) -> str:
    """The URL with its password replaced, fit for logs and error messages."""
    return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)
