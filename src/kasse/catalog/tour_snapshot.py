"""The tours part of the in-memory catalog: tours, guides, equipment, tags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.event_snapshot import product_tags
from kasse.core.auth import Principal
from kasse.models import Equipment, Guide, ProductTag, Tour


@dataclass(frozen=True)
class TourData:
    row: Tour
    # surcharge id -> the surcharge (id, title, group, optional, price_cents, vat_pct, weekdays,
    # language_ids); scale price id -> the scale price
    surcharges: dict[int, dict[str, Any]]
    scale_prices: dict[int, dict[str, Any]]

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def museum_id(self) -> int:
        return self.row.museum_id

    def bookable_for(self, principal: Principal) -> bool:
        """Bookable in principle by this caller (the tour's flags and the caller's museums)."""
        if not principal.may_see_museums([self.row.museum_id]):
            return False
        return principal.may_buy(self.row.bookable_public, self.row.bookable_reseller)


@dataclass(frozen=True)
class GuideData:
    row: Guide
    # weekday (0 = Monday) -> (begin minute, end minute); empty: the museum's opening hours
    hours: dict[int, tuple[int, int]]

    @property
    def id(self) -> int:
        return self.row.id

    def works_at(self, museum_id: int) -> bool:
        return not self.row.museum_ids or museum_id in self.row.museum_ids

    def speaks(self, language_id: int) -> bool:
        return language_id in self.row.language_ids


@dataclass(frozen=True)
class TourCatalog:
    tours: dict[int, TourData] = field(default_factory=dict)
    guides: dict[int, GuideData] = field(default_factory=dict)
    equipment: dict[int, Equipment] = field(default_factory=dict)
    # tag kind -> entries in the file's order
    tags: dict[str, tuple[ProductTag, ...]] = field(default_factory=dict)

    def tag_names(self, kind: str) -> dict[int, dict[str, Any]]:
        return {tag.id: tag.name for tag in self.tags.get(kind, ())}


async def build_tour_catalog(session: AsyncSession) -> TourCatalog:
    tours = {
        row.id: TourData(
            row=row,
            surcharges={s["id"]: s for s in row.surcharges},
            scale_prices={p["id"]: p for p in row.scale_prices},
        )
        for row in await session.scalars(select(Tour).order_by(Tour.position, Tour.id))
    }
    guides = {
        row.id: GuideData(
            row=row, hours={int(day): (span[0], span[1]) for day, span in row.hours.items()}
        )
        for row in await session.scalars(select(Guide).order_by(Guide.id))
    }
    return TourCatalog(
        tours=tours,
        guides=guides,
        equipment={
            e.id: e for e in await session.scalars(select(Equipment).order_by(Equipment.id))
        },
        tags=await product_tags(session, "tours"),
    )
