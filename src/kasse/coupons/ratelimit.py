"""How often one client may try coupon codes: lookups and codes sent with an order alike.

Codes are short enough to type, so what keeps them unguessable is, besides their 49 bits, that
nobody can try many: every code a client sends (one lookup, or each code of an order) is one
attempt (``core/ratelimit.py``), up to ``KASSE_COUPON_LOOKUP_LIMIT``.
"""

from __future__ import annotations

from limits.aio.storage import Storage

from kasse.core.ratelimit import AttemptLimiter
from kasse.settings import Settings

NAMESPACE = "kasse:coupon-codes"


def code_attempt_limiter(
    settings: Settings, storage: Storage, namespace: str = NAMESPACE
) -> AttemptLimiter:
    """``namespace`` keeps apart apps that share a storage but must not share their counts."""
    return AttemptLimiter(storage, settings.coupon_lookup_limit, namespace, "coupon code attempts")
