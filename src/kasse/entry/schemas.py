"""Wire shapes of the entry API: an accepted scan answers with a message, a refused one with an error."""

from __future__ import annotations

from pydantic import BaseModel, Field


class EntryMessage(BaseModel):
    message: str = Field(
        description="What the scanner shows, e.g. `valid: Zeitfenster regulär, 2026-12-02 10:00`"
    )
