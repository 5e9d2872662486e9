"""French number formatting checked against Babel (CLDR's French rules) as an oracle.

Babel rounds with the current :mod:`decimal` context, half-to-even by default
(``2,665`` -> ``2,66``, ``2,5`` -> ``2``); a trainee rounds half away from zero, so
the oracle runs under a ``ROUND_HALF_UP`` context. Babel's French group separator
is the narrow no-break space U+202F, as ours: no normalisation is needed, and
:func:`test_babel_groups_french_thousands_like_us` fails if a Babel update changes it.

The one deliberate difference: Babel keeps the sign of a number that rounds to zero
(``-0,001`` to two decimals gives ``-0,00``), we write ``0,00``.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import ROUND_HALF_UP, Decimal

import pytest
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cpts_training.dates import fr_date
from cpts_training.formatting import (
    DECIMAL_MARK,
    THOUSANDS_SEPARATOR,
    format_decimal_fr,
    format_number_fr,
)
from cpts_training.trainer.feedback import nombre_fr, note_fr

LOCALE = "fr_FR"

# Amounts a course handles: up to a thousand billion, with up to six decimals.
_DECIMALS = st.decimals(
    min_value=Decimal("-1e12"),
    max_value=Decimal("1e12"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)
_FLOATS = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
_PRECISIONS = st.integers(min_value=0, max_value=6)


def _babel(x: float | Decimal, decimals: int, *, trailing_zeros: bool = True) -> str:
    """Babel's French writing of ``x`` to ``decimals`` digits, rounded half-up."""
    fraction = ("0" if trailing_zeros else "#") * decimals
    pattern = "#,##0" + (f".{fraction}" if decimals else "")
    with decimal.localcontext() as context:
        context.rounding = ROUND_HALF_UP
        text = format_decimal(x, format=pattern, locale=LOCALE, decimal_quantization=True)
    if text.startswith("-") and not any(ch in "123456789" for ch in text):
        text = text[1:]  # Babel's "-0,00": we drop the sign of a zero
    return text


def test_babel_groups_french_thousands_like_us() -> None:
    assert get_group_symbol(LOCALE) == THOUSANDS_SEPARATOR == "\u202f"
    assert get_decimal_symbol(LOCALE) == DECIMAL_MARK


@settings(max_examples=400, deadline=None)
@given(x=_DECIMALS, decimals=_PRECISIONS)
@example(x=Decimal("2.675"), decimals=2)
@example(x=Decimal("2.665"), decimals=2)
@example(x=Decimal("-2.5"), decimals=0)
@example(x=Decimal("1234.5"), decimals=1)
@example(x=Decimal("-0.001"), decimals=2)
@example(x=Decimal("999999.9995"), decimals=3)
def test_decimals_are_written_as_babel_writes_them(x: Decimal, decimals: int) -> None:
    assert format_number_fr(x, decimals) == _babel(x, decimals)


@settings(max_examples=400, deadline=None)
@given(x=_FLOATS, decimals=_PRECISIONS)
@example(x=2.675, decimals=2)
@example(x=0.5, decimals=0)
@example(x=1234567.891, decimals=2)
@example(x=-0.0, decimals=1)
def test_floats_are_written_as_babel_writes_them(x: float, decimals: int) -> None:
    # Both read a float through its shortest representation: 2.675 stays 2.675.
    assert format_number_fr(x, decimals) == _babel(x, decimals)


@settings(max_examples=300, deadline=None)
@given(x=_DECIMALS, decimals=_PRECISIONS)
@example(x=Decimal("1234.50005"), decimals=4)
@example(x=Decimal("85"), decimals=4)
def test_decimals_without_trailing_zeros_are_written_as_babel_writes_them(
    x: Decimal, decimals: int
) -> None:
    expected = _babel(x, decimals, trailing_zeros=False)
    assert format_decimal_fr(x, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.675, "2,68"),  # round() gave 2,67 (2.675 is 2.67499... as a float)
        (0.125, "0,13"),  # half-up, not half-even
        (1234.5, "1\u202f234,5"),
        (5.0, "5"),
        (2.5, "2,5"),
        (None, "0"),
    ],
)
def test_points_on_the_feedback_page_use_the_shared_formatter(value, expected) -> None:
    assert nombre_fr(value) == expected


def test_a_score_is_written_with_a_decimal_comma() -> None:
    assert note_fr(2.5, 3.0) == "2,5 / 3 points"
    assert note_fr(1234.5, 2000) == "1\u202f234,5 / 2\u202f000 points"


def test_dates_are_written_day_first() -> None:
    assert fr_date(dt.date(2025, 4, 1)) == "01/04/2025"
    assert fr_date(dt.datetime(2025, 12, 31, 23, 59)) == "31/12/2025"
