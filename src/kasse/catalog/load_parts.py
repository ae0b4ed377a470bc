"""What every section of the catalog loader writes with: upserts by id, pictures, content blocks."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.file_parts import Content, PictureIn
from kasse.core.i18n import as_translations
from kasse.models.base import Base

M = TypeVar("M", bound=Base)


async def upsert(
    session: AsyncSession, model: type[M], entry_id: int | str, values: dict[str, Any]
) -> M:
    row = await session.get(model, entry_id)
    if row is None:
        row = model(id=entry_id, **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    return row


PICTURE_FORMATS = ("teaser", "preview", "article", "detail")


def picture_values(picture: PictureIn | None, locale: str) -> dict[str, Any] | None:
    """Stored with its texts translated and a URL for every format (``url`` fills the gaps)."""
    if picture is None:
        return None
    texts = {
        name: as_translations(getattr(picture, name), locale)
        for name in ("title", "description", "copyright_info")
    }
    urls = {name: getattr(picture, name) or picture.url for name in PICTURE_FORMATS}
    return texts | urls


def content_values(content: Content, locale: str) -> dict[str, Any]:
    return {
        key: as_translations(value, locale) if isinstance(value, str | dict) else value
        for key, value in content.items()
    }
