"""Query parameter types shared by the domains."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: Any) -> Any:
    # Pydantic would read a bare number as a Unix timestamp; the API speaks YYYY-MM-DD only.
    if isinstance(value, str) and not _ISO_DAY.match(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    if not isinstance(value, str | date):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_day),
    WithJsonSchema({"type": "string", "format": "date"}),
]
