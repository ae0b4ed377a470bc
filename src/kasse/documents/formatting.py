"""Money, rates, dates and text as the documents print them, in German or English."""

from __future__ import annotations

import unicodedata
from datetime import date

from reportlab.lib.utils import simpleSplit

from kasse.documents.data import Locale

_CURRENCY_SIGNS = {"EUR": "€"}
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July",
              "August", "September", "October", "November", "December")  # fmt: skip


def format_money(cents: int, currency: str = "EUR", locale: Locale = "de") -> str:
    """1234567 → "12.345,67 €" (de) or "€12,345.67" (en)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    symbol = _CURRENCY_SIGNS.get(currency, currency)
    if locale == "de":
        grouped = f"{units:,}".replace(",", ".")
        return f"{sign}{grouped},{rest:02d} {symbol}"
    return f"{sign}{symbol}{units:,}.{rest:02d}"


def format_vat_pct(vat_pct: float, locale: Locale = "de") -> str:
    """19.0 → "19 %" (de) or "19%" (en); 7.5 → "7,5 %" / "7.5%"."""
    number = f"{vat_pct:.2f}".rstrip("0").rstrip(".")
    if locale == "de":
        return f"{number.replace('.', ',')} %"
    return f"{number}%"


def format_date(day: date, locale: Locale = "de") -> str:
    if locale == "de":
        return day.strftime("%d.%m.%Y")
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def group_code(code: str, size: int = 4) -> str:
    """ "K7QM2XHD9P" → "K7QM 2XHD 9P": easier to read out and type from a printout."""
    return " ".join(code[start : start + size] for start in range(0, len(code), size))


def short_code(code: str, shown: int = 4) -> str:
    """ "K7QM2XHD9P" → "K7QM…": names a coupon that paid without printing what pays with it."""
    return f"{code[:shown]}…" if len(code) > shown else code


def pdf_text(text: str) -> str:
    """Text the built-in PDF fonts can show (Windows-1252: umlauts, ß, €, dashes).

    Other letters lose their accents where that yields a printable one (ő → o); what still cannot be
    shown is left for reportlab to draw as a box. Full Unicode needs an embedded TrueType font.
    """
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return "".join(_fold_char(char) for char in text)
    return text


def _fold_char(char: str) -> str:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        try:
            base.encode("cp1252")
        except UnicodeEncodeError:
            return char
        return base or char
    return char


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of *text* (folded by pdf_text) no wider than *width* points; newlines are kept."""
    return list(simpleSplit(pdf_text(text), font, size, width))
