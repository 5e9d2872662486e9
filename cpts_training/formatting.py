r"""Numbers and amounts written the French way, for messages, tables and reports.

French typography groups thousands with a narrow no-break space (U+202F) and uses a
comma as the decimal mark; the euro sign follows the amount after a no-break space
(U+00A0)::

    >>> format_number_fr(12345.678, decimals=1)
    '12\u202f345,7'
    >>> format_euros(12345)
    '12\u202f345\xa0€'

Rounding is "half away from zero" (2,5 -> 3), as a trainee rounds by hand, not
Python's round-half-to-even. Missing values (``None``, NaN) are written ``n.d.``
(non disponible).
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

THOUSANDS_SEPARATOR = "\u202f"
"""Narrow no-break space, between groups of three digits."""

DECIMAL_MARK = ","
"""French decimal mark."""

EURO_SUFFIX = "\u00a0€"
"""No-break space then the euro sign, written after an amount."""

MISSING = "n.d."
"""Text written for a missing value (non disponible)."""


def format_number_fr(x: float | int | Decimal | None, decimals: int = 0) -> str:
    """Write ``x`` with French separators, rounded to ``decimals`` digits.

    ``format_number_fr(1234567.891, 2)`` gives ``"1 234 567,89"`` (the spaces are
    narrow no-break spaces). Negative numbers start with a hyphen-minus. ``None``
    and NaN give ``"n.d."``.

    Raises:
        TypeError: if ``x`` is not a real number (a string, a boolean...).
        ValueError: if ``decimals`` is negative or ``x`` is infinite.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer, got {decimals!r}")
    if x is None:
        return MISSING
    if isinstance(x, bool) or not isinstance(x, numbers.Real | Decimal):
        raise TypeError(f"expected a real number, got {type(x).__name__}: {x!r}")
    if isinstance(x, Decimal):
        if x.is_nan():
            return MISSING
        if x.is_infinite():
            raise ValueError(f"cannot format an infinite number: {x!r}")
        value = x
    else:
        as_float = float(x)
        if math.isnan(as_float):
            return MISSING
        if math.isinf(as_float):
            raise ValueError(f"cannot format an infinite number: {x!r}")
        # str() of a float is its shortest exact representation: 2.675 stays 2.675.
        value = Decimal(int(x)) if isinstance(x, numbers.Integral) else Decimal(str(as_float))
    try:
        rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # more digits than the decimal context allows
        raise ValueError(f"cannot format {x!r} with {decimals} decimals") from exc
    sign = "-" if rounded < 0 else ""
    digits = f"{abs(rounded):.{decimals}f}"
    integer_part, _, fraction = digits.partition(".")
    groups = []
    while len(integer_part) > 3:
        groups.insert(0, integer_part[-3:])
        integer_part = integer_part[:-3]
    groups.insert(0, integer_part)
    text = THOUSANDS_SEPARATOR.join(groups)
    if fraction:
        text += DECIMAL_MARK + fraction
    return sign + text


def format_euros(x: float | int | Decimal | None, decimals: int = 0) -> str:
    """Write an amount in euros the French way: ``format_euros(12345)`` -> ``"12 345 €"``.

    Same rules as :func:`format_number_fr`, followed by a no-break space and ``€``.
    A missing amount gives ``"n.d."`` without the euro sign.
    """
    text = format_number_fr(x, decimals)
    return text if text == MISSING else text + EURO_SUFFIX


PERCENT_SUFFIX = "\u00a0%"
"""No-break space then the percent sign, written after a percentage."""


def format_percent(rate: float | int | Decimal | None, decimals: int = 0) -> str:
    """Write a rate given as a fraction as a French percentage.

    ``format_percent(0.75)`` gives ``"75 %"`` and ``format_percent(0.356, 1)`` gives
    ``"35,6 %"`` (a no-break space before ``%``). Same rounding and missing-value
    rules as :func:`format_number_fr`.
    """
    if rate is None or isinstance(rate, bool) or not isinstance(rate, numbers.Real | Decimal):
        return format_number_fr(rate, decimals)
    scaled = rate * 100 if isinstance(rate, Decimal) else Decimal(str(float(rate))) * 100
    text = format_number_fr(scaled, decimals)
    return text if text == MISSING else text + PERCENT_SUFFIX


def format_decimal_fr(x: float | int | None, max_decimals: int = 4) -> str:
    """Write a number with a decimal comma and no trailing zeros: ``1.2`` -> ``"1,2"``.

    Useful to echo back a value a trainee typed (``format_decimal_fr(85)`` -> ``"85"``).
    """
    text = format_number_fr(x, max_decimals)
    if DECIMAL_MARK in text:
        text = text.rstrip("0").rstrip(DECIMAL_MARK)
    return "0" if text == "-0" else text
