"""FastAPI dependencies of the catalog: the snapshot and the asked locale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from pydantic import Field

from kasse.catalog.snapshot import Catalog, load_catalog
from kasse.core.deps import READ_METHODS, CurrentInstance, Session
from kasse.core.errors import Unprocessable
from kasse.core.i18n import Text, translate


async def get_catalog(request: Request, session: Session, instance: CurrentInstance) -> Catalog:
    return await load_catalog(session, instance, for_write=request.method not in READ_METHODS)


CurrentCatalog = Annotated[Catalog, Depends(get_catalog)]


@dataclass(frozen=True)
class Locale:
    """The locale texts are rendered in; ``several``: every one asked for with ``locale[]``."""

    code: str
    fallback: str
    several: tuple[str, ...] = ()

    def text(self, texts: dict[str, Any] | None) -> Text | None:
        """A translated attribute: its text in the locale (falling back to the default locale),
        or with several locales each one's own text, null where it has none."""
        if self.several:
            return {code: _own_text(texts, code) for code in self.several}
        return translate(texts, self.code, self.fallback)

    def title(self, texts: dict[str, Any] | None) -> Text:
        """A translated attribute that is never null (titles, names)."""
        text = self.text(texts)
        return "" if text is None else text

    def content(self, content: dict[str, Any]) -> dict[str, Any]:
        """A content block: its texts translated, any other value as it is."""
        return {
            key: self.text(value) if isinstance(value, dict) else value
            for key, value in content.items()
        }


def _own_text(texts: dict[str, Any] | None, code: str) -> str | None:
    value = (texts or {}).get(code)
    return str(value) if value else None


LocaleCode = Annotated[str, Field(max_length=20)]


async def get_locale(
    instance: CurrentInstance,
    locale: Annotated[
        str | None, Query(max_length=50, description="de, en (first known one wins)")
    ] = None,
    several: Annotated[
        list[LocaleCode] | None,
        Query(
            alias="locale[]",
            max_length=10,
            description="several locales: every translated attribute becomes "
            '{"de": "...", "en": "..."}; each must be one of GET /locales',
        ),
    ] = None,
) -> Locale:
    known = instance.settings.locales
    fallback = instance.settings.default_locale
    if several:
        codes = tuple(dict.fromkeys(code.strip().lower() for code in several))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise Unprocessable(
                f"locale[]: {', '.join(repr(c) for c in unknown)} is not an available locale "
                f"(available: {', '.join(known)})"
            )
        return Locale(code=codes[0], fallback=fallback, several=codes)
    for code in (locale or "").replace(";", ",").split(","):
        if code.strip().lower() in known:
            return Locale(code=code.strip().lower(), fallback=fallback)
    return Locale(code=fallback, fallback=fallback)


CurrentLocale = Annotated[Locale, Depends(get_locale)]
