"""The payment modes a shop can offer, by the name the configuration uses.

Until kasse takes payments in its own shop, these are what a museum accepts outside it; their ids
are part of the wire (``defaultPaymentModeId``): never renumber one, append new ones.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PaymentMode:
    id: int
    names: dict[str, str]  # locale -> name


PAYMENT_MODES: dict[str, PaymentMode] = {
    "invoice": PaymentMode(1, {"de": "Rechnung", "en": "Invoice"}),
    "prepayment": PaymentMode(
        2, {"de": "Vorkasse per Überweisung", "en": "Bank transfer in advance"}
    ),
    "on_site": PaymentMode(3, {"de": "Bezahlung vor Ort", "en": "Payment on site"}),
}
