"""Barcode values and the CODE 39 symbol geometry (pure: no drawing, no I/O).

CODE 39 is laid out here rather than with a library so that the printed geometry (narrow bar width,
3:1 ratio, quiet zones) is explicit and testable: the Staatliche Museen zu Berlin scanners demand it.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from kasse.documents.data import BarcodeMethod

CODE39_CHARS = string.digits + string.ascii_uppercase + "-. $/+%"
_RANDOM_CODE39_CHARS = string.digits + string.ascii_uppercase

# Nine elements per character, bar first, alternating bar/space; "1" marks a wide element.
_CODE39_PATTERNS = {
    "0": "000110100", "1": "100100001", "2": "001100001", "3": "101100000",
    "4": "000110001", "5": "100110000", "6": "001110000", "7": "000100101",
    "8": "100100100", "9": "001100100", "A": "100001001", "B": "001001001",
    "C": "101001000", "D": "000011001", "E": "100011000", "F": "001011000",
    "G": "000001101", "H": "100001100", "I": "001001100", "J": "000011100",
    "K": "100000011", "L": "001000011", "M": "101000010", "N": "000010011",
    "O": "100010010", "P": "001010010", "Q": "000000111", "R": "100000110",
    "S": "001000110", "T": "000010110", "U": "110000001", "V": "011000001",
    "W": "111000000", "X": "010010001", "Y": "110010000", "Z": "011010000",
    "-": "010000101", ".": "110000100", " ": "011000100", "*": "010010100",
    "$": "010101000", "/": "010100010", "+": "010001010", "%": "000101010",
}  # fmt: skip

CODE39_NARROW_MM = 0.33
CODE39_MIN_NARROW_MM = 0.25  # ISO/IEC 16388 and the SMB print guide
CODE39_RATIO = 3
CODE39_QUIET_NARROW = 15  # the standard asks for at least 10 narrow widths per side


def ean13_check_digit(digits12: str) -> str:
    """The EAN-13 check digit of 12 decimal digits."""
    if len(digits12) != 12 or not digits12.isdecimal() or not digits12.isascii():
        raise ValueError(f"EAN-13 needs 12 digits before its check digit, got {digits12!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits12))
    return str((10 - total % 10) % 10)


def is_valid_ean13(code: str) -> bool:
    return (
        len(code) == 13
        and code.isdecimal()
        and code.isascii()
        and ean13_check_digit(code[:12]) == code[12]
    )


def is_code39_encodable(text: str) -> bool:
    return bool(text) and all(char in CODE39_CHARS for char in text)


def new_barcode(method: BarcodeMethod) -> str:
    """A fresh, unguessable barcode value for the symbology (uniqueness is the caller's check)."""
    if method == "ean":
        body = "".join(secrets.choice(string.digits) for _ in range(12))
        return body + ean13_check_digit(body)
    if method == "code39":
        # 36^12 ≈ 2^62: unguessable by trial at a turnstile, short enough to print at 0.33 mm
        return "".join(secrets.choice(_RANDOM_CODE39_CHARS) for _ in range(12))
    if method == "qr":
        return secrets.token_urlsafe(16)
    raise ValueError(f"unknown barcode method {method!r}")


def check_barcode(barcode: str, method: BarcodeMethod) -> None:
    """Raise ValueError when the value cannot be printed faithfully in its symbology."""
    if method == "ean" and not is_valid_ean13(barcode):
        raise ValueError(f"not an EAN-13 with a valid check digit: {barcode!r}")
    if method == "code39" and not is_code39_encodable(barcode):
        raise ValueError(f"not encodable in CODE 39 (0-9, A-Z, -. $/+%): {barcode!r}")
    if method == "qr" and not barcode:
        raise ValueError("a QR code needs a non-empty value")
    if method not in ("ean", "code39", "qr"):
        raise ValueError(f"unknown barcode method {method!r}")


@dataclass(frozen=True, slots=True)
class Code39Symbol:
    """A CODE 39 symbol laid out in millimetres; x runs from the outer edge of the left quiet zone."""

    text: str  # the data, without start/stop characters and without a check character
    narrow_mm: float
    wide_mm: float
    quiet_mm: float
    bars: tuple[tuple[float, float], ...]  # (x, width) of every dark bar
    width_mm: float  # quiet zones included

    @property
    def height_mm(self) -> float:
        # at least 6.35 mm or 15 % of the length, whichever is more; taller scans more forgivingly
        return max(18.0, 0.15 * self.width_mm)


def _code39_modules(text: str) -> list[tuple[bool, int]]:
    """(is_bar, width in narrow units) for *text* between start and stop characters."""
    elements: list[tuple[bool, int]] = []
    for index, char in enumerate(f"*{text}*"):
        if index:
            elements.append((False, 1))  # inter-character gap, one narrow width
        for position, flag in enumerate(_CODE39_PATTERNS[char]):
            elements.append((position % 2 == 0, CODE39_RATIO if flag == "1" else 1))
    return elements


def code39_symbol(text: str, max_width_mm: float = 170.0) -> Code39Symbol:
    """Lay out *text* at 0.33 mm per narrow bar, narrower (not below 0.25 mm) only if it must fit."""
    if not is_code39_encodable(text):
        raise ValueError(f"not encodable in CODE 39 (0-9, A-Z, -. $/+%): {text!r}")
    elements = _code39_modules(text)
    units = sum(width for _, width in elements) + 2 * CODE39_QUIET_NARROW
    narrow = min(CODE39_NARROW_MM, max_width_mm / units)
    if narrow < CODE39_MIN_NARROW_MM:
        raise ValueError(f"{text!r} is too long for a CODE 39 symbol of {max_width_mm} mm")
    bars: list[tuple[float, float]] = []
    cursor = CODE39_QUIET_NARROW
    for is_bar, width in elements:
        if is_bar:
            bars.append((cursor * narrow, width * narrow))
        cursor += width
    return Code39Symbol(
        text=text,
        narrow_mm=narrow,
        wide_mm=narrow * CODE39_RATIO,
        quiet_mm=CODE39_QUIET_NARROW * narrow,
        bars=tuple(bars),
        width_mm=units * narrow,
    )


EAN13_MODULE_MM = 0.33  # magnification 1.0
EAN13_QUIET_LEFT = 11  # modules, per GS1
EAN13_QUIET_RIGHT = 7

_EAN_L = ("0001101", "0011001", "0010011", "0111101", "0100011",
          "0110001", "0101111", "0111011", "0110111", "0001011")  # fmt: skip
_EAN_R = tuple("".join("1" if bit == "0" else "0" for bit in code) for code in _EAN_L)
_EAN_G = tuple(code[::-1] for code in _EAN_R)
_EAN_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
               "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")  # fmt: skip
_EAN_GUARD_MODULES = frozenset((0, 2, 46, 48, 92, 94))


@dataclass(frozen=True, slots=True)
class Ean13Symbol:
    """An EAN-13 symbol laid out in millimetres; x runs from the outer edge of the left quiet zone.

    Guard bars reach below the data bars, into the line of human-readable digits.
    """

    digits: str
    module_mm: float
    quiet_left_mm: float
    quiet_right_mm: float
    bars: tuple[tuple[float, float], ...]  # (x, width) of the data bars
    guard_bars: tuple[tuple[float, float], ...]
    width_mm: float

    def left_digits_centre_mm(self) -> float:
        return self.quiet_left_mm + 24 * self.module_mm  # 3 guard modules + half of 42

    def right_digits_centre_mm(self) -> float:
        return self.quiet_left_mm + 71 * self.module_mm  # 50 modules + half of 42


def _ean13_modules(digits: str) -> str:
    parity = _EAN_PARITY[int(digits[0])]
    left = "".join(
        (_EAN_L if kind == "L" else _EAN_G)[int(d)]
        for kind, d in zip(parity, digits[1:7], strict=True)
    )
    right = "".join(_EAN_R[int(d)] for d in digits[7:])
    return f"101{left}01010{right}101"


def ean13_symbol(code: str, module_mm: float = EAN13_MODULE_MM) -> Ean13Symbol:
    if not is_valid_ean13(code):
        raise ValueError(f"not an EAN-13 with a valid check digit: {code!r}")
    modules = _ean13_modules(code)
    bars: list[tuple[float, float]] = []
    guards: list[tuple[float, float]] = []
    for index, bit in enumerate(modules):
        if bit == "1":
            target = guards if index in _EAN_GUARD_MODULES else bars
            x = (EAN13_QUIET_LEFT + index) * module_mm
            if target and abs(target[-1][0] + target[-1][1] - x) < 1e-9:
                target[-1] = (target[-1][0], target[-1][1] + module_mm)  # merge adjacent modules
            else:
                target.append((x, module_mm))
    return Ean13Symbol(
        digits=code,
        module_mm=module_mm,
        quiet_left_mm=EAN13_QUIET_LEFT * module_mm,
        quiet_right_mm=EAN13_QUIET_RIGHT * module_mm,
        bars=tuple(bars),
        guard_bars=tuple(guards),
        width_mm=(EAN13_QUIET_LEFT + len(modules) + EAN13_QUIET_RIGHT) * module_mm,
    )
