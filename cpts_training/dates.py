"""Dates read from trainee input or data files, and dates written the French way.

One set of helpers for the whole package:

- :func:`to_date` turns a date, a datetime, a pandas ``Timestamp``, a NumPy
  ``datetime64`` or an ISO text (``AAAA-MM-JJ``) into a :class:`datetime.date`, and
  fails with a French :class:`~cpts_training.errors.InputError` otherwise (a loader
  that reads a file re-raises it as a :class:`~cpts_training.errors.DataError` naming
  the file);
- :func:`fr_date` writes a date as « 01/04/2025 »;
- :data:`MONTHS_FR` holds the French month names, January first.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from cpts_training.errors import InputError

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
"""French month names, January first."""

_FORMAT_HINT = "Écrivez-la au format AAAA-MM-JJ, par exemple 2025-04-01."
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def to_date(value: Any, what: str) -> dt.date:
    """Convert ``value`` to a :class:`datetime.date`.

    Accepted: a date, a datetime or pandas ``Timestamp`` (its day is kept), a NumPy
    ``datetime64`` and a text written exactly ``AAAA-MM-JJ`` (surrounding spaces
    ignored; « 20250401 » or « 01/04/2025 » are refused, as the message asks for
    ``AAAA-MM-JJ``).
    ``what`` names the value in the message, for instance « La date de signature du
    contrat ACI ».

    Raises :class:`InputError` (French) for a missing value (``None``, NaN, ``NaT``,
    empty text) and for anything that is not a date.
    """
    if _is_missing(value):
        raise InputError(
            f"{what} est vide : saisissez une date au format AAAA-MM-JJ, par exemple 2025-04-01."
        )
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    if type(value).__name__ == "datetime64":
        return pd.Timestamp(value).date()
    text = value.strip() if isinstance(value, str) else ""
    if _ISO_DAY.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:  # 2025-02-30, 2025-13-01
            pass
    raise InputError(f"{what} vaut « {value} », ce n'est pas une date. {_FORMAT_HINT}")


def fr_date(day: dt.date) -> str:
    """Date written the French way, day first: ``fr_date(date(2025, 4, 1))`` gives
    ``"01/04/2025"``."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _is_missing(value: Any) -> bool:
    """True for ``None``, NaN, ``NaT``, ``pd.NA`` and a blank text."""
    if isinstance(value, str):
        return not value.strip()
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return missing is True or (hasattr(missing, "ndim") and missing.ndim == 0 and bool(missing))
