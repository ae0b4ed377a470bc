"""The request context: what a service needs to know about the request it serves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.dependencies import CurrentCatalog, CurrentLocale, Locale
from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.core.db import Instance
from kasse.core.deps import CurrentClock, CurrentInstance, CurrentPrincipal, Session
from kasse.settings import Settings


@dataclass(frozen=True)
class RequestContext:
    """The request's transaction, instance, catalog, caller, moment and locale."""

    session: AsyncSession
    instance: Instance
    catalog: Catalog
    principal: Principal
    now: datetime
    locale: Locale

    @property
    def settings(self) -> Settings:
        return self.instance.settings

    @property
    def tz(self) -> ZoneInfo:
        return self.instance.tz


async def get_context(
    session: Session,
    instance: CurrentInstance,
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    clock: CurrentClock,
    locale: CurrentLocale,
) -> RequestContext:
    return RequestContext(
        session=session,
        instance=instance,
        catalog=catalog,
        principal=principal,
        now=clock.now(),
        locale=locale,
    )


Context = Annotated[RequestContext, Depends(get_context)]
