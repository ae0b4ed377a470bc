"""All configuration in one object, read from ``KASSE_*`` environment variables."""

from __future__ import annotations

from functools import cached_property

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    log_level: str = "info"
    # Test-only: switch the capacity lock off to prove the concurrency test can fail, and widen
    # the window between the capacity check and the write so that races show up reliably.
    test_disable_locking: bool = False
    test_lock_delay_ms: int = 0

    @field_validator("database_url")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("instances")
    @classmethod
    def _normalize_instances(cls, value: dict[str, str]) -> dict[str, str]:
        return {host.lower(): normalize_database_url(url) for host, url in value.items()}

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
