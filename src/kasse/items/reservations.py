"""Reservations redeemed by order items (``reservations: [token]``), for every kind that has them:
read once per order, and checked the same way for each item."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sqlalchemy import select

from kasse.items.context import RequestContext
from kasse.items.kind import ItemProblems
from kasse.models import Reservation


async def reservations_by_token(
    ctx: RequestContext, tokens: Iterable[str]
) -> dict[str, Reservation]:
    """The reservations of these tokens (any caller's: the check says whose), in one read."""
    wanted = set(tokens)
    if not wanted:
        return {}
    rows = await ctx.session.scalars(select(Reservation).where(Reservation.token.in_(wanted)))
    return {r.token: r for r in rows}


def redeemed(
    ctx: RequestContext,
    tokens: Iterable[str],
    reservations: Mapping[str, Reservation],
    problems: ItemProblems,
    *,
    is_for_item: Callable[[Reservation], bool],
    elsewhere: str,
    wanted: int,
    unit: str,
) -> list[int]:
    """The ids of the reservations an item redeems: the caller's own, unexpired, for what the item
    books (``is_for_item``; else "is for ``elsewhere``"), covering its ``wanted`` ``unit``."""
    ids: list[int] = []
    covered = 0
    for token in tokens:
        reservation = reservations.get(token)
        if reservation is None or reservation.api_token_id != ctx.principal.token_id:
            problems.add(f"reservation {token} not found")
        elif reservation.valid_until <= ctx.now:
            problems.add(f"reservation {token} has expired")
        elif not is_for_item(reservation):
            problems.add(f"reservation {token} is for {elsewhere}")
        else:
            ids.append(reservation.id)
            covered += reservation.quantity
    if covered and covered < wanted:
        problems.add(f"the reservations cover {covered} of {wanted} {unit}")
    return ids
