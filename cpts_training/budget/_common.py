"""Small helpers shared by the budget modules: dates, months, money and checks.

The date helpers :func:`to_date`, :func:`fr_date` and :data:`MONTHS_FR` live in
:mod:`cpts_training.dates` and are re-exported here for the budget modules.

All checks raise :class:`~cpts_training.errors.InputError` with a French message.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import numbers
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, SupportsInt, cast

from cpts_training.dates import MONTHS_FR, fr_date, to_date
from cpts_training.errors import InputError
from cpts_training.formatting import (
    NumberFormatError,
    format_decimal_fr,
    format_euros,
    format_percent,
    parse_number_fr,
)

__all__ = [
    "MONTHS_FR",
    "add_months",
    "cents",
    "fr_date",
    "month_label",
    "months_between",
    "require_amount",
    "require_rate",
    "require_whole",
    "to_date",
]


def month_label(year: int, month: int) -> str:
    """« avril 2025 »."""
    return f"{MONTHS_FR[month - 1]} {year}"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; the day is clamped to the month's end
    (31/01 + 1 month = 28/02 or 29/02)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> float:
    """Number of months from ``start`` to ``end`` (0 when ``end`` <= ``start``).

    Whole calendar months are counted first (01/10 → 01/04 = 6 months); a remaining
    part of a month counts as the fraction of that month's days
    (01/10 → 16/10 = 15/31 month).
    """
    if end <= start:
        return 0.0
    whole = (end.year - start.year) * 12 + (end.month - start.month)
    while whole > 0 and add_months(start, whole) > end:
        whole -= 1
    base = add_months(start, whole)
    rest = (end - base).days
    if rest == 0:
        return float(whole)
    month_days = (add_months(start, whole + 1) - base).days
    return round(whole + rest / month_days, 6)


def cents(x: float) -> float:
    """Round an amount to the cent, half away from zero (as by hand)."""
    return float(Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def require_amount(value: Any, what: str) -> float:
    """Return ``value`` as a float; fail if it is not a finite, non-negative number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(
            f"{what} vaut « {value} », ce n'est pas un nombre. "
            "Saisissez un montant en euros, par exemple 4 500 ou 1 500,50 €."
        )
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise InputError(f"{what} n'est pas renseigné. Saisissez un montant en euros.")
    if number < 0:
        raise InputError(
            f"{what} vaut {format_euros(number, 2)} : un montant ne peut pas être négatif. "
            "Saisissez un montant positif ou nul."
        )
    return number


def require_rate(value: Any, what: str) -> float:
    """Return ``value`` as a float in [0, 1]; fail otherwise (rates are fractions)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(
            f"{what} vaut « {value} », ce n'est pas un nombre. "
            "Saisissez une fraction entre 0 et 1 (0,85 pour 85 %)."
        )
    rate = float(value)
    if math.isnan(rate):
        raise InputError(f"{what} n'est pas renseigné. Saisissez une fraction entre 0 et 1.")
    if rate > 1:
        raise InputError(
            f"{what} vaut {format_decimal_fr(rate)} ({format_percent(rate)}) : "
            "il dépasse 100 %. Saisissez une fraction entre 0 et 1 (0,85 pour 85 %)."
        )
    if rate < 0:
        raise InputError(
            f"{what} vaut {format_decimal_fr(rate)} ({format_percent(rate)}) : "
            "un taux ne peut pas être négatif. Saisissez une fraction entre 0 et 1."
        )
    return rate


def require_whole(value: Any, what: str, minimum: int = 0, maximum: int | None = None) -> int:
    """Return ``value`` as an int between ``minimum`` and ``maximum``; fail otherwise."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or (isinstance(value, float) and not value.is_integer())
    ):
        raise InputError(f"{what} vaut « {value} » : saisissez un nombre entier.")
    number = int(cast(SupportsInt, value))  # a real number: typeshed's Real lacks __int__
    if number < minimum or (maximum is not None and number > maximum):
        bounds = f"entre {minimum} et {maximum}" if maximum is not None else f"≥ {minimum}"
        raise InputError(f"{what} vaut {number} : saisissez un nombre entier {bounds}.")
    return number


def require_signed_amount(value: Any, what: str) -> float:
    """Return ``value`` as euros, negative allowed (a deficit, an overdraft, reserves
    drawn below zero); a text is read the French way (« −3 000 », « 1 250,50 € »).

    Raises:
        InputError: French message naming ``what`` for a value that is not a number, NaN
            or infinite, or a text that is not a French amount.
    """
    if isinstance(value, str):
        try:
            return parse_number_fr(value, "€")
        except NumberFormatError as error:
            raise InputError(f"{what} : {error}") from None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(
            f"{what} vaut « {value} », ce n'est pas un nombre. Saisissez un montant en "
            "euros, par exemple 3 000 ou 1 250,50."
        )
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise InputError(f"{what} n'est pas renseigné. Saisissez un montant en euros.")
    return number
