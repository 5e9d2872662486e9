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
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

THOUSANDS_SEPARATOR = "\u202f"
"""Narrow no-break space, between groups of three digits."""

DECIMAL_MARK = ","
"""French decimal mark."""

EURO_SUFFIX = "\u00a0€"
"""No-break space then the euro sign, written after an amount."""

MISSING = "n.d."
"""Text written for a missing value (non disponible)."""


def format_number_fr(x: float | numbers.Real | Decimal | None, decimals: int = 0) -> str:
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
    groups: list[str] = []
    while len(integer_part) > 3:
        groups.insert(0, integer_part[-3:])
        integer_part = integer_part[:-3]
    groups.insert(0, integer_part)
    text = THOUSANDS_SEPARATOR.join(groups)
    if fraction:
        text += DECIMAL_MARK + fraction
    return sign + text


def format_euros(x: float | numbers.Real | Decimal | None, decimals: int = 0) -> str:
    """Write an amount in euros the French way: ``format_euros(12345)`` -> ``"12 345 €"``.

    Same rules as :func:`format_number_fr`, followed by a no-break space and ``€``.
    A missing amount gives ``"n.d."`` without the euro sign.
    """
    text = format_number_fr(x, decimals)
    return text if text == MISSING else text + EURO_SUFFIX


PERCENT_SUFFIX = "\u00a0%"
"""No-break space then the percent sign, written after a percentage."""


def format_percent(rate: float | numbers.Real | Decimal | None, decimals: int = 0) -> str:
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


# --------------------------------------------------------------------------------------
# Reading a number typed by a trainee
# --------------------------------------------------------------------------------------

_SPACES = " \u00a0\u202f\u2009\t"
"""Spaces a trainee (or a copy from a spreadsheet) puts between groups of digits."""

_MINUS_SIGNS = "-\u2212\u2013"
"""Hyphen-minus, the minus sign (U+2212) and the en dash that word processors produce."""

_UNIT_WORDS = {
    "€": "€",
    "eur": "€",
    "euro": "€",
    "euros": "€",
    "%": "%",
    "pourcent": "%",
    "pourcents": "%",
    "h": "h",
    "heure": "h",
    "heures": "h",
}

_NUMBER_PATTERN = re.compile(
    r"""
    (?P<sign>[-\u2212\u2013+])?
    (?P<integer>\d+(?:[ \u00a0\u202f\u2009]\d{3})*|\d{1,3}(?:\.\d{3})+(?=,))
    (?:[,.](?P<fraction>\d+))?
    """,
    re.VERBOSE,
)

ACCEPTED_FORMS = "12,5 · 4 500 · 4 500 € · 1 500,50 · 11,9 %"
"""Examples of the forms :func:`parse_number_fr` reads, quoted in its error messages."""


class NumberFormatError(ValueError):
    """A typed text is not a number written in a form :func:`parse_number_fr` reads.

    The message is French, quotes the text and shows the accepted forms.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"Erreur : {self}"]


@dataclass(frozen=True)
class TypedNumber:
    """A number read from a trainee's text: its value and the unit typed after it.

    ``unit`` is ``"€"``, ``"%"`` or ``""`` (none typed). ``value`` is the number as
    typed: ``11,9 %`` gives ``TypedNumber(11.9, "%")``, not 0.119.
    """

    value: float
    unit: str = ""


def _refuse(text: str, why: str) -> NumberFormatError:
    return NumberFormatError(
        f"« {text.strip()} » n'est pas un nombre lisible : {why}. "
        f"Écrivez-le comme en français, par exemple {ACCEPTED_FORMS}."
    )


def read_typed_number(text: str) -> TypedNumber:
    """Read a number typed the French way, with the unit typed after it.

    Accepted: a decimal comma (``12,5``), thousands grouped by spaces, no-break or
    narrow no-break spaces (``4 500``, ``1 500,50``), a leading ``+``, ``-`` or ``−``
    (U+2212), then optionally ``€``/``euros`` or ``%``. A decimal point is read as
    such (``11.9``) except where it could be a thousands separator: ``4.500`` is
    refused (4,5 or 4 500?), while ``1.500,50`` is read as 1 500,50.

    Never reinterprets silently: a text that is not wholly one of these forms raises.

    Raises:
        NumberFormatError: with a French message quoting the text and the accepted forms
            (empty text, letters, two numbers, a badly grouped ``4 50``…).
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    stripped = text.strip(_SPACES)
    if not stripped:
        raise NumberFormatError(
            f"Aucun nombre n'a été saisi. Écrivez par exemple {ACCEPTED_FORMS}."
        )
    # A sign typed apart from its number (« - 3 000 », « − 19 235 ») belongs to it.
    stripped = re.sub(f"^([-+\u2212])[{_SPACES}]+", r"\1", stripped)
    unit = ""
    lowered = stripped.lower()
    for word in sorted(_UNIT_WORDS, key=len, reverse=True):
        if lowered.endswith(word):
            unit = _UNIT_WORDS[word]
            stripped = stripped[: len(stripped) - len(word)].rstrip(_SPACES)
            break
    match = _NUMBER_PATTERN.fullmatch(stripped)
    if match is None:
        if ";" in stripped:
            raise _refuse(
                text,
                "le point-virgule n'est pas un séparateur décimal (en Python, il sépare deux "
                f"instructions) ; écrivez {stripped.replace(';', ',')} avec une virgule",
            )
        if re.search(r"[A-Za-zÀ-ÿ]", stripped):
            raise _refuse(text, "il contient des lettres")
        if re.search(r"[,.]{2}", stripped) or stripped.count(",") > 1:
            raise _refuse(
                text,
                "il y a deux séparateurs décimaux ; une seule virgule sépare les décimales "
                "(par exemple 83,3)",
            )
        if re.search(f"[{_SPACES}][,.]|[,.][{_SPACES}]", stripped):
            raise _refuse(
                text,
                "un espace touche la virgule ; écrivez la virgule collée aux chiffres "
                "(par exemple 4,7)",
            )
        if stripped[-1] in ",.":
            raise _refuse(text, f"il se termine par « {stripped[-1]} » ; retirez-le")
        if re.fullmatch(r"[-\u2212\u2013+]?[\d ,.\u00a0\u202f\u2009]+", stripped):
            raise _refuse(
                text,
                "les chiffres sont mal groupés (les milliers se séparent par un espace, "
                "par groupes de trois chiffres ; les décimales suivent une virgule)",
            )
        raise _refuse(text, "ce n'est pas un nombre seul")
    integer = match["integer"]
    fraction = match["fraction"]
    separator = stripped[match.end("integer")] if fraction is not None else ""
    if "." in integer:  # 1.500,50: points group the thousands, the comma is decimal
        integer = integer.replace(".", "")
    elif separator == "." and len(fraction) == 3 and re.fullmatch(r"\d{1,3}", integer):
        raise _refuse(
            text,
            f"le point est ambigu (voulez-vous dire {integer},{fraction} ou "
            f"{integer} {fraction} ?). En français, la virgule marque les décimales",
        )
    digits = "".join(ch for ch in integer if ch.isdigit())
    number = Decimal(digits + ("." + fraction if fraction else ""))
    if match["sign"] and match["sign"] != "+":
        number = -number
    return TypedNumber(float(number), unit)


def parse_number_fr(text: str, unit: str | None = None) -> float:
    """The number a trainee typed (see :func:`read_typed_number`), checked against ``unit``.

    ``unit="€"`` refuses a ``%`` typed after the number and ``unit="%"`` refuses ``€``;
    ``None`` accepts either. A percentage stays in percent: ``"11,9 %"`` gives 11.9.

    Raises:
        NumberFormatError: French message, when the text is not a number or carries
            the wrong unit.
    """
    typed = read_typed_number(text)
    if unit and typed.unit and typed.unit != unit:
        expected = "un montant en euros" if unit == "€" else "un pourcentage"
        raise NumberFormatError(
            f"« {text.strip()} » : on attend ici {expected}, pas une valeur en {typed.unit}. "
            f"Écrivez par exemple {'4 500 €' if unit == '€' else '11,9 %'}."
        )
    return typed.value
