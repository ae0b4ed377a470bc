"""The parts every section of the catalog file shares: texts, content blocks, places, pictures."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Texts = str | dict[str, str]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A content block: key/value pairs a museum defines (shop_title, shop_description, ...); texts are
# translated like titles, other values pass through as they are.
Content = dict[str, Texts | int | float | bool]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LocationIn(Strict):
    name: str | None = None
    street: str | None = None
    zip: str | None = None
    city: str | None = None
    country: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class PictureIn(Strict):
    """A picture in the formats go~mus serves (URLs); ``url`` stands for every format not given."""

    title: Texts | None = None
    description: Texts | None = None
    copyright_info: Texts | None = None
    url: str | None = None
    teaser: str | None = None
    preview: str | None = None
    article: str | None = None
    detail: str | None = None
