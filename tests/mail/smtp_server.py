"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, collecting what it is sent."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

WAIT_SECONDS = 5.0
# Longest a gated QUIT waits for the test (which sets the gate far sooner).
QUIT_HOLD_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    login: str | None


@dataclass
class SmtpServer:
    """Starts and stops on one port, so a test can have the server down first and up later."""

    port: int = field(default_factory=free_port)
    logins: dict[str, str] | None = None
    delay_seconds: float = 0.0
    refused: frozenset[str] = frozenset()
    # Set: QUIT is answered only once the test sets it (the session stays open until then).
    quit_gate: threading.Event | None = None
    received: list[Received] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)
    _controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.logins is not None:
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[EmailMessage]:
        with self._arrived:
            return [r.message for r in self.received]

    async def wait_for(self, count: int) -> None:
        """Until ``count`` mails have arrived (the server runs in a thread of its own)."""

        def wait() -> bool:
            with self._arrived:
                return self._arrived.wait_for(lambda: len(self.received) >= count, WAIT_SECONDS)

        assert await asyncio.to_thread(wait), f"{len(self.received)} of {count} mails arrived"

    async def handle_RCPT(
        self, _server: Any, _session: Any, envelope: Any, address: str, _options: Any
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, session: Any, envelope: Any) -> str:
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        # SMTP carries CRLF lines; parse them as a mail client that saved the file would.
        content = envelope.content.replace(b"\r\n", b"\n")
        message = email.message_from_bytes(content, policy=default)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.decode() if session.auth_data else None
        with self._arrived:
            self.received.append(Received(envelope.mail_from, envelope.rcpt_tos, message, login))
            self._arrived.notify_all()
        return "250 OK"

    async def handle_QUIT(self, _server: Any, _session: Any, _envelope: Any) -> str:
        if self.quit_gate is not None:
            await asyncio.to_thread(self.quit_gate.wait, QUIT_HOLD_SECONDS)
        return "221 Bye"

    def _authenticate(
        self, _server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any
    ) -> AuthResult:
        assert self.logins is not None
        ok = (
            isinstance(data, LoginPassword)
            and self.logins.get(data.login.decode()) == data.password.decode()
        )
        return AuthResult(success=ok, handled=False, auth_data=data.login if ok else None)
