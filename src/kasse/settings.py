"""All configuration in one object, read from ``KASSE_*`` environment variables."""

from __future__ import annotations

import ipaddress
from functools import cached_property

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kasse.shop.payment_modes import PAYMENT_MODES


def normalize_database_url(url: str) -> str:
    """Accept the plain ``sqlite://`` / ``postgresql://`` forms and pick the async drivers."""
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.removeprefix("sqlite://")
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+asyncpg://" + url.removeprefix(plain)
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KASSE_", env_file=None, extra="ignore")

    database_url: str = "sqlite+aiosqlite:///kasse.db"
    # Extra instances: host name -> database URL. The default instance answers every other host.
    instances: dict[str, str] = Field(default_factory=dict)
    time_zone: str = "Europe/Berlin"
    default_locale: str = "de"
    locales: list[str] = Field(default_factory=lambda: ["de", "en"])
    currency: str = "EUR"
    reservation_minutes: int = 5
    reservation_max_minutes: int = 60
    # A two-phase order holds its places this long before it must be finalized.
    order_hold_minutes: int = 30
    # A pay-by-link order cancels itself when no payment is recorded within this time.
    pay_by_link_minutes: int = 60
    # Where the payment link in the mail points; {token} is the order token.
    payment_link_url: str = "http://127.0.0.1:8000/pay/{token}"
    # Base URL of this server in mails (document links).
    public_url: str = "http://127.0.0.1:8000"
    # PostgreSQL connections per worker process (no overflow beyond it): keep workers x pool size
    # (x hosts) below the server's max_connections.
    db_pool_size: int = 10
    # kasse reaches PostgreSQL through a connection pooler in transaction mode (PgBouncer
    # pool_mode=transaction): no prepared statement is kept beyond its transaction, and reads run
    # in transactions too. Required there, and a little slower.
    db_transaction_pooler: bool = False
    # Per-process caches. The catalog version is read at most this often, so a catalog loaded by
    # `kasse load` reaches every worker on every host within this time. An API token's access
    # level and museums are trusted this long after they were read.
    catalog_check_seconds: float = 1.0
    token_cache_seconds: float = 5.0
    # How often expired orders are marked cancelled in the background (0: never; readers ignore
    # expired holds anyway, so correctness does not depend on it).
    housekeeping_seconds: float = 30.0
    # Apple Wallet passes: the pass type certificate, its key and the chain up to Apple's WWDR
    # (PEM files). Without a certificate a development chain is made in wallet_dev_folder: such
    # passes verify against its devca.pem, but Wallet on a device refuses them.
    wallet_certificate: str | None = None
    wallet_key: str | None = None
    wallet_chain: str | None = None
    wallet_dev_folder: str = "./var/wallet"
    wallet_pass_type_id: str = "pass.org.kasse.ticket"
    wallet_team_id: str = "KASSEDEV"
    # A time-slot ticket enters from this long before its slot until this long after the slot ends.
    entry_grace_before_minutes: int = 15
    entry_grace_after_minutes: int = 30
    # Where every rate limit counts: sqlite:///file is shared by the workers of one host (a file of
    # its own, never the instance database), redis://host:port by every host, memory:// per process.
    rate_limit_storage: str = "sqlite:///./var/rate-limits.sqlite"
    # Attempts one client (API token, else address) may make to look up or redeem coupon codes.
    coupon_lookup_limit: str = "20/minute"
    # Failed API, document and personalization token attempts of one address, all kinds together.
    auth_failure_limit: str = "30/minute"
    # Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For/-Proto are believed, by the
    # rate limits and the access log alike; from anyone else the headers change nothing.
    trusted_proxies: list[str] = Field(default_factory=list)
    # Where the personalization link of an annual-pass order points; {token} is the order's
    # personalization token (the shop's page, which talks to /api/v4/annual server-side).
    personalization_url: str = "http://127.0.0.1:8000/personalize?token={token}"
    # Portrait uploads for annual passes: larger files or images are refused before decoding.
    portrait_max_bytes: int = 8_000_000
    # Every other request body: larger ones are refused (413) before they are read or parsed.
    max_body_bytes: int = 1_000_000
    portrait_max_pixels: int = 24_000_000
    # `kasse serve --workers N`: a worker that does not answer uvicorn's health check this long
    # is killed and replaced. uvicorn's 5 s killed workers that were still starting on a busy host.
    worker_healthcheck_seconds: int = 30
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    # What GET /api/v4/shop offers shop front-ends, the first being the default: invoice,
    # prepayment, on_site (kasse.shop.payment_modes).
    payment_modes: list[str] = Field(default_factory=lambda: ["invoice"], min_length=1)
    log_level: str = "info"
    # smtp://user:pass@host:port (smtp+starttls://, smtps://) or file:///folder (one .eml per mail)
    mail_url: str = "file://./var/mail"
    mail_from: str = "kasse <tickets@localhost>"
    # first retry delay; it doubles per failed attempt, capped at one hour
    mail_retry_seconds: int = 30
    mail_max_attempts: int = 12
    mail_poll_seconds: float = 5.0
    # A row lock (places, seats, coupon codes, an order) that does not come this soon fails the
    # request with 503 instead of queueing forever (PostgreSQL; SQLite waits its busy timeout).
    lock_timeout_seconds: float = 10.0
    # Test-only: switch the capacity lock off to prove the concurrency test can fail, and widen
    # the window between the capacity check and the write so that races show up reliably.
    test_disable_locking: bool = False
    test_lock_delay_ms: int = 0

    @field_validator("database_url")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("payment_modes")
    @classmethod
    def _known_payment_modes(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in PAYMENT_MODES]
        if unknown:
            raise ValueError(
                f"unknown payment modes {', '.join(unknown)}; known: {', '.join(PAYMENT_MODES)}"
            )
        return list(dict.fromkeys(value))

    @field_validator("trusted_proxies")
    @classmethod
    def _parse_networks(cls, value: list[str]) -> list[str]:
        return [str(ipaddress.ip_network(entry.strip(), strict=False)) for entry in value]

    @field_validator("instances")
    @classmethod
    def _normalize_instances(cls, value: dict[str, str]) -> dict[str, str]:
        return {host.lower(): normalize_database_url(url) for host, url in value.items()}

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
