"""HTTP routes of the annual-pass personalization flow under /api/v4/annual.

No API token: the order's personalization token (``?token=``, from the confirmation mail) is the
only key, and an Authorization header, if one is sent, plays no part. Every failure of the token
is the same 404.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from kasse.annual import service
from kasse.annual.portraits import prepare_portrait
from kasse.annual.schemas import (
    AnnualOrderResponse,
    CustomerChange,
    CustomerCreate,
    CustomerResponse,
    PersonalizationChange,
    PersonalizationResponse,
    TicketSaleChange,
    TicketSaleResponse,
)
from kasse.annual.uploads import MULTIPART_BODY, read_portrait_file
from kasse.catalog.dependencies import CurrentCatalog
from kasse.core.deps import CountTokenFailures, CurrentClock, CurrentInstance, Session
from kasse.core.schemas import ErrorBody
from kasse.core.wire import ParamId

# A wrong personalization token counts as a failed token attempt (core/token_failures.py).
router = APIRouter(prefix="/annual", tags=["annual"], dependencies=[CountTokenFailures])

PersonalizationToken = Annotated[
    str | None,
    # No length limit: a token of any other length is just a wrong one (404, not 422).
    Query(description="the order's personalization token; without it (or with a wrong one): 404"),
]
Id = Annotated[ParamId, Path()]


async def get_context(
    session: Session, instance: CurrentInstance, clock: CurrentClock
) -> service.AnnualContext:
    return service.AnnualContext(
        session=session, settings=instance.settings, now=clock.now(), tz=instance.tz
    )


Context = Annotated[service.AnnualContext, Depends(get_context)]


@router.get("/order", response_model=AnnualOrderResponse)
async def get_order(ctx: Context, token: PersonalizationToken = None) -> dict[str, Any]:
    """The order with its buyer and its annual ticket sales, each with its cards."""
    return {"order": await service.read_order(ctx, token)}


@router.post("/customers", response_model=CustomerResponse)
async def create_customer(
    body: CustomerCreate, ctx: Context, token: PersonalizationToken = None
) -> dict[str, Any]:
    """A card holder (e.g. the recipient of a gift) with their address and their own token."""
    return {"customer": await service.create_customer(ctx, token, body.customer)}


@router.put("/customers/{customer_id}", response_model=CustomerResponse)
async def update_customer(
    customer_id: Id, body: CustomerChange, ctx: Context, token: PersonalizationToken = None
) -> dict[str, Any]:
    """Change a customer created under this order; only the fields given change."""
    return {"customer": await service.update_customer(ctx, token, customer_id, body.customer)}


@router.put("/personalizations/{personalization_id}", response_model=PersonalizationResponse)
async def update_personalization(
    personalization_id: Id,
    body: PersonalizationChange,
    ctx: Context,
    token: PersonalizationToken = None,
) -> dict[str, Any]:
    """Personalize a card for a customer and one of their addresses."""
    card = await service.bind_personalization(ctx, token, personalization_id, body.personalization)
    return {"personalization": card}


@router.post(
    "/personalizations/{personalization_id}/upload",
    response_model=PersonalizationResponse,
    openapi_extra=MULTIPART_BODY,
    responses={413: {"model": ErrorBody, "description": "The file is larger than allowed"}},
)
async def upload_portrait(
    personalization_id: Id,
    request: Request,
    ctx: Context,
    instance: CurrentInstance,
    token: PersonalizationToken = None,
) -> dict[str, Any]:
    """The portrait photo of a card: JPEG or PNG, multipart/form-data field `file`."""
    # Out-of-reach cards are refused before the upload is read; the image is read and decoded
    # before the request's write transaction starts, so no lock waits for a slow upload.
    await service.check_portrait_target(instance, token, personalization_id, ctx.now)
    data = await read_portrait_file(request, ctx.settings.portrait_max_bytes)
    portrait = await asyncio.to_thread(prepare_portrait, data, ctx.settings.portrait_max_pixels)
    card = await service.store_portrait(ctx, token, personalization_id, portrait)
    return {"personalization": card}


@router.post("/personalization/finalize", response_model=AnnualOrderResponse)
async def finalize(ctx: Context, token: PersonalizationToken = None) -> dict[str, Any]:
    """Close the personalization: 422 naming the cards that are not ready yet."""
    return {"order": await service.finalize(ctx, token)}


@router.put("/ticket_sales/{sale_id}", response_model=TicketSaleResponse)
async def move_start(
    sale_id: Id,
    body: TicketSaleChange,
    ctx: Context,
    catalog: CurrentCatalog,
    token: PersonalizationToken = None,
) -> dict[str, Any]:
    """Move the start of an unused pass (from today up to a year ahead); its end moves along."""
    sale = await service.move_start(ctx, catalog, token, sale_id, body.ticket_sale)
    return {"ticket_sale": sale}
