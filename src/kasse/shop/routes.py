"""HTTP route of the shop resource: GET /api/v4/shop."""

from __future__ import annotations

from fastapi import APIRouter

from kasse.catalog.dependencies import CurrentCatalog, CurrentLocale
from kasse.core.deps import CurrentInstance
from kasse.core.i18n import translate
from kasse.shop import service
from kasse.shop.schemas import PaymentModeOut, ShopConfig, ShopEnvelope, ShopOut, ShopSettings

router = APIRouter(tags=["shop"])


@router.get("/shop", summary="Texts, configuration and payment modes for shop front-ends")
async def get_shop(
    catalog: CurrentCatalog, instance: CurrentInstance, locale: CurrentLocale
) -> ShopEnvelope:
    """Everything a shop front-end needs before it draws a page, its texts in `locale`."""
    settings = instance.settings
    view = service.shop_view(catalog, settings, locale.code, locale.fallback)
    modes = {
        str(mode.id): PaymentModeOut(
            id=mode.id, name=translate(mode.names, locale.code, locale.fallback) or "", icons=[]
        )
        for mode in view.payment_modes
    }
    return ShopEnvelope(
        shop=ShopOut(
            name=view.name,
            translations=view.translations,
            config=ShopConfig(
                currency=settings.currency,
                locale=locale.code,
                locales=list(settings.locales),
                time_zone=settings.time_zone,
            ),
            settings=ShopSettings(
                default_payment_mode_id=view.payment_modes[0].id,
                reservation_minutes=settings.reservation_minutes,
            ),
            content=view.content,
            payment_modes=modes,
        )
    )
