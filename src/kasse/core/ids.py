"""Unguessable tokens and their storage form."""

from __future__ import annotations

import hashlib
import secrets


def new_token(nbytes: int = 16) -> str:
    """A URL-safe random token; 16 bytes = 128 bits give a 22-character string."""
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    # API tokens are 256-bit random strings, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()
