"""Mail: written to an outbox in the request's transaction, delivered after commit with retries."""

from kasse.mail.backends import (
    FileBackend,
    MailBackend,
    PermanentMailError,
    SmtpBackend,
    backend_from_url,
)
from kasse.mail.outbox import (
    Composer,
    composer,
    enqueue,
    plain_payload,
    register_composer,
)
from kasse.mail.sender import (
    MailSender,
    deliver_due,
    notify_mail_enqueued,
    run_mail_senders,
)

__all__ = [
    "Composer",
    "FileBackend",
    "MailBackend",
    "MailSender",
    "PermanentMailError",
    "SmtpBackend",
    "backend_from_url",
    "composer",
    "deliver_due",
    "enqueue",
    "notify_mail_enqueued",
    "plain_payload",
    "register_composer",
    "run_mail_senders",
]
