"""Scan events: every scan as the entry reference shows it, and the people a scan let through."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.auth import Principal
from kasse.core.errors import NotFound
from kasse.entry.service import ENTRY_ACCESS
from kasse.models import EntryScan


def _may_see(principal: Principal, scan: EntryScan) -> bool:
    """A scanner sees its own scans; a user token of every museum sees all of them."""
    if principal.access == "user" and principal.museum_ids is None:
        return True
    return scan.api_token_id is not None and scan.api_token_id == principal.token_id


async def get_scan(
    session: AsyncSession, principal: Principal, scan_id: int, *, for_update: bool = False
) -> EntryScan:
    principal.require(ENTRY_ACCESS)
    query = select(EntryScan).where(EntryScan.id == scan_id)
    if for_update:
        query = query.with_for_update()
    scan = await session.scalar(query)
    if scan is None or not _may_see(principal, scan):
        raise NotFound(f"scan {scan_id} not found")
    return scan


async def count_people(
    session: AsyncSession, principal: Principal, scan_id: int, people_count: int, now: datetime
) -> EntryScan:
    """Correct how many people went through on a scan (a group ticket, say)."""
    scan = await get_scan(session, principal, scan_id, for_update=True)
    scan.people_count = people_count
    scan.updated_at = now
    await session.flush()
    return scan
