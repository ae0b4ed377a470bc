"""FastAPI dependencies of the catalog: the snapshot, the asked locale, the ticket filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from pydantic import Field

from kasse.catalog.schemas import TicketType
from kasse.catalog.service import DEFAULT_TICKET_TYPES, TicketFilter
from kasse.catalog.snapshot import Catalog, load_catalog
from kasse.core.deps import READ_METHODS, CurrentInstance, Session
from kasse.core.errors import Unprocessable
from kasse.core.i18n import Text, translate
from kasse.core.wire import ParamId


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


IdList = list[ParamId] | None


def ids_of(values: IdList) -> frozenset[int] | None:
    return None if values is None else frozenset(values)


async def get_ticket_filter(
    q: Annotated[
        str | None, Query(max_length=200, description="part of the title, in any locale, any case")
    ] = None,
    by_ticket_ids: Annotated[IdList, Query(alias="by_ticket_ids[]")] = None,
    by_museum_ids: Annotated[IdList, Query(alias="by_museum_ids[]")] = None,
    by_exhibition_ids: Annotated[IdList, Query(alias="by_exhibition_ids[]")] = None,
    by_bookable: bool | None = None,
    by_ticket_type: TicketType | None = None,
    by_ticket_types: Annotated[list[TicketType] | None, Query(alias="by_ticket_types[]")] = None,
    by_free_timing: bool | None = None,
) -> TicketFilter:
    """The ``/tickets`` filters, shared by every endpoint that narrows tickets the same way.

    ``valid_at`` is left to the endpoint: the list and a day's quotas take it as a parameter,
    the calendar judges every day of its range.
    """
    types = set(by_ticket_types or []) | ({by_ticket_type} if by_ticket_type else set())
    return TicketFilter(
        q=q or None,
        ticket_ids=ids_of(by_ticket_ids),
        museum_ids=ids_of(by_museum_ids),
        exhibition_ids=ids_of(by_exhibition_ids),
        bookable=by_bookable,
        ticket_types=frozenset(types) if types else DEFAULT_TICKET_TYPES,
        free_timing=by_free_timing,
    )


TicketFilters = Annotated[TicketFilter, Depends(get_ticket_filter)]
