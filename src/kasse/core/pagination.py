"""``page`` / ``per_page`` parameters and the ``meta`` block every list answers with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import Field

from kasse.core.wire import DecimalText

MAX_PER_PAGE = 1000
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def meta(self, total_count: int) -> dict[str, Any]:
        return {"total_count": total_count, "page": self.page, "per_page": self.per_page}


@dataclass(frozen=True)
class PageOf(Generic[T]):
    items: list[T]
    total_count: int


def paginate(items: Sequence[T], page: Page) -> PageOf[T]:
    """One page of a list held in memory, with the length of the whole list."""
    return PageOf(
        items=list(items[page.offset : page.offset + page.per_page]), total_count=len(items)
    )


async def page_params(
    page: Annotated[int, Field(ge=1, le=1_000_000), DecimalText, Query()] = 1,
    per_page: Annotated[int, Field(ge=1, le=MAX_PER_PAGE), DecimalText, Query()] = 25,
) -> Page:
    return Page(page=page, per_page=per_page)


PageParams = Annotated[Page, Depends(page_params)]
