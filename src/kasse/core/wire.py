"""Values as the wire carries them: integers within what the database can store and never a
boolean; e-mail addresses as the document states them.

Every integer column is a PostgreSQL INTEGER, so a larger number could only fail deep inside a
query (taking the connection with it): the bounds are checked, and documented, at the door. In
JSON bodies integers are strict (``true`` is no quantity). Query and path values arrive as text:
there a decimal integer is read as the number it spells and nothing else is ("1.0" or "1_000" is no
id), which is what the OpenAPI document's ``type: integer`` promises.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
)

DB_INT_MAX = 2**31 - 1
_DECIMAL = re.compile(r"^[+-]?[0-9]+$")


def _decimal_text(value: Any) -> Any:
    if isinstance(value, str) and not _DECIMAL.match(value):
        raise ValueError("expected a whole number in decimal digits")
    return value


# For query and path integers. Bounds go into a Field *before* it: placed after it (or in Query()),
# pydantic documents them as "ge"/"le", which no OpenAPI reader knows.
DecimalText = BeforeValidator(_decimal_text)

# An id that names the thing looked up (a ticket in the catalog, say): one beyond the bounds names
# nothing, so it is the 404 of any unknown id; the bounds are documented, and never reach a query.
_LOOKUP_ID = WithJsonSchema({"type": "integer", "minimum": 1, "maximum": DB_INT_MAX})

# -- JSON bodies ----------------------------------------------------------------------------------

Id = Annotated[StrictInt, Field(ge=1, le=DB_INT_MAX)]
Cents = Annotated[StrictInt, Field(ge=0, le=DB_INT_MAX)]
LookupId = Annotated[StrictInt, _LOOKUP_ID]

# -- query and path parameters --------------------------------------------------------------------

ParamId = Annotated[int, Field(ge=1, le=DB_INT_MAX), DecimalText]
ParamLookupId = Annotated[int, DecimalText, _LOOKUP_ID]

# -- text -----------------------------------------------------------------------------------------

# Not stripped before the pattern is checked: what the document refuses (a space around the
# address), the server refuses too.
_EMAIL = r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$"
Email = Annotated[str, StringConstraints(max_length=320, pattern=_EMAIL)]

# -- numbers in answers ---------------------------------------------------------------------------


def _whole_as_integer(value: float) -> int | float:
    return int(value) if value.is_integer() else value


# A percentage such as ``vat_pct``: the reference's text says "float", its examples show ``0``. A
# whole rate goes out as an integer (``7``), any other as a fraction (``7.5``): clients that read
# the field as a float take both, clients written from the example an integer where it is one.
Percentage = Annotated[
    float,
    PlainSerializer(_whole_as_integer, return_type=int | float),
    WithJsonSchema({"type": "number"}),
]
