"""FastAPI dependencies of the catalog: the snapshot and the asked locale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from kasse.catalog.snapshot import Catalog, load_catalog
from kasse.core.deps import READ_METHODS, CurrentInstance, Session


async def get_catalog(request: Request, session: Session, instance: CurrentInstance) -> Catalog:
    return await load_catalog(session, instance, for_write=request.method not in READ_METHODS)


CurrentCatalog = Annotated[Catalog, Depends(get_catalog)]


@dataclass(frozen=True)
class Locale:
    code: str
    fallback: str


async def get_locale(
    instance: CurrentInstance,
    locale: Annotated[
        str | None, Query(max_length=50, description="de, en (first known one wins)")
    ] = None,
) -> Locale:
    known = instance.settings.locales
    fallback = instance.settings.default_locale
    for code in (locale or "").replace(";", ",").split(","):
        if code.strip().lower() in known:
            return Locale(code=code.strip().lower(), fallback=fallback)
    return Locale(code=fallback, fallback=fallback)


CurrentLocale = Annotated[Locale, Depends(get_locale)]
