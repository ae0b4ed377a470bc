from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasse.documents.barcodes import (
    _CODE39_PATTERNS,
    CODE39_CHARS,
    check_barcode,
    code39_symbol,
    ean13_check_digit,
    ean13_symbol,
    is_valid_ean13,
    new_barcode,
)

twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)


@pytest.mark.parametrize(
    "code", ["4006381333931", "9780201379624", "5901234123457", "0000000000000"]
)
def test_known_ean13_check_digits(code: str) -> None:
    assert ean13_check_digit(code[:12]) == code[12]
    assert is_valid_ean13(code)


@given(twelve_digits)
def test_the_check_digit_catches_every_single_digit_error(body: str) -> None:
    code = body + ean13_check_digit(body)
    assert is_valid_ean13(code)
    for position in range(13):
        for digit in "0123456789":
            if digit != code[position]:
                assert not is_valid_ean13(code[:position] + digit + code[position + 1 :])


@pytest.mark.parametrize(
    "bad", ["", "12345678901", "1234567890123", "12345678901a", "١٢٣٤٥٦٧٨٩٠١٢"]
)
def test_check_digit_needs_twelve_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        ean13_check_digit(bad)


@pytest.mark.parametrize(
    ("method", "pattern"),
    [("ean", r"\d{13}"), ("code39", r"[0-9A-Z]{12}"), ("qr", r"[A-Za-z0-9_-]{22}")],
)
def test_new_barcodes_are_well_formed_and_random(method: str, pattern: str) -> None:
    values = {new_barcode(method) for _ in range(2000)}  # type: ignore[arg-type]
    assert len(values) == 2000
    for value in values:
        assert re.fullmatch(pattern, value)
        check_barcode(value, method)  # type: ignore[arg-type]


def test_new_ean13_barcodes_carry_their_check_digit() -> None:
    assert all(is_valid_ean13(new_barcode("ean")) for _ in range(500))


@pytest.mark.parametrize(
    ("value", "method"),
    [
        ("4006381333932", "ean"),  # wrong check digit
        ("4034210297633-5", "ean"),  # go~mus style, not an EAN-13
        ("abc123", "code39"),  # lower case is not CODE 39
        ("A*B", "code39"),  # * is the start/stop character
        ("", "qr"),
        ("123", "pdf417"),
    ],
)
def test_check_barcode_rejects_what_cannot_be_printed(value: str, method: str) -> None:
    with pytest.raises(ValueError):
        check_barcode(value, method)  # type: ignore[arg-type]


def test_code39_table_has_three_wide_of_nine_elements() -> None:
    assert set(_CODE39_PATTERNS) == set(CODE39_CHARS) | {"*"}
    assert len(set(_CODE39_PATTERNS.values())) == len(_CODE39_PATTERNS)
    for pattern in _CODE39_PATTERNS.values():
        assert len(pattern) == 9 and pattern.count("1") == 3


def _gaps(bars: tuple[tuple[float, float], ...]) -> list[float]:
    return [b[0] - (a[0] + a[1]) for a, b in itertools.pairwise(bars)]


@given(st.text(alphabet=CODE39_CHARS, min_size=1, max_size=20))
def test_code39_geometry(text: str) -> None:
    symbol = code39_symbol(text)
    mm = 1.0
    assert symbol.narrow_mm >= 0.25 * mm
    assert symbol.wide_mm == pytest.approx(3 * symbol.narrow_mm)
    widths = {round(width / symbol.narrow_mm, 9) for _, width in symbol.bars}
    assert widths <= {1.0, 3.0}
    spaces = {round(gap / symbol.narrow_mm, 9) for gap in _gaps(symbol.bars)}
    assert spaces <= {1.0, 3.0}
    # start/stop * on each side, five bars per character, no check character
    assert len(symbol.bars) == 5 * (len(text) + 2)
    first_x = symbol.bars[0][0]
    last_end = symbol.bars[-1][0] + symbol.bars[-1][1]
    assert first_x >= 10 * symbol.narrow_mm
    assert symbol.width_mm - last_end >= 10 * symbol.narrow_mm
    assert first_x == pytest.approx(symbol.width_mm - last_end)
    # each character is 6 narrow + 3 wide = 15 narrow widths, plus a narrow gap between characters
    data_width = last_end - first_x
    assert data_width == pytest.approx((16 * (len(text) + 2) - 1) * symbol.narrow_mm)


def test_code39_prints_at_033_mm_and_shrinks_no_further_than_025() -> None:
    assert code39_symbol("ABCDEFGHJKLM").narrow_mm == pytest.approx(0.33)
    long = code39_symbol("A" * 35, max_width_mm=170)
    assert 0.25 <= long.narrow_mm < 0.33
    assert long.width_mm <= 170 + 1e-9
    with pytest.raises(ValueError):
        code39_symbol("A" * 60, max_width_mm=170)


def test_ean13_layout_has_95_modules_and_gs1_quiet_zones() -> None:
    symbol = ean13_symbol("4006381333931")
    module = symbol.module_mm
    assert module == pytest.approx(0.33)
    assert symbol.quiet_left_mm == pytest.approx(11 * module)
    assert symbol.quiet_right_mm == pytest.approx(7 * module)
    assert symbol.width_mm == pytest.approx((11 + 95 + 7) * module)
    dark = sum(width for _, width in symbol.bars + symbol.guard_bars) / module
    # every EAN digit has two bars; the guards have six single-module bars
    assert len(symbol.guard_bars) == 6
    assert len(symbol.bars) == 24
    assert 30 < round(dark) < 65
