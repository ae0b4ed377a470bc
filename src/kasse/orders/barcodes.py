"""Barcode numbers: one per place, random (never sequential), unique in the instance."""

from __future__ import annotations

import secrets


def ean13_check_digit(digits12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits12))
    return str((10 - total % 10) % 10)


def new_ean13() -> str:
    body = "".join(secrets.choice("0123456789") for _ in range(12))
    return body + ean13_check_digit(body)
