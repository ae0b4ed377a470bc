"""``GET /health``: no token, outside ``/api/v4`` (it is no go~mus endpoint)."""

from __future__ import annotations

from fastapi import APIRouter

from kasse.core.deps import Session
from kasse.core.schemas import ERROR_RESPONSES
from kasse.health import service
from kasse.health.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses={503: ERROR_RESPONSES[503]})
async def health(session: Session) -> Health:
    """200 while the instance's database answers, 503 in the error shape while it does not."""
    await service.check_database(session)
    return Health()
