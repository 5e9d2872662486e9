"""The verdict of a self-check and the generic numeric and multiple-choice checks.

A check never raises on a trainee's answer: an empty, placeholder (``...``) or
non-numeric answer gets a French explanation instead of a traceback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

from cpts_training.answers import NUMBER, PERCENT, answer_problem
from cpts_training.formatting import (
    NumberFormatError,
    format_decimal_fr,
    format_euros,
    read_typed_number,
)
from cpts_training.html_blocks import message_box


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a self-check, displayed as a coloured French message."""

    correct: bool
    message: str
    hint: str | None = None

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        prefix = "✔ Bonne réponse" if self.correct else "✘ Pas encore"
        text = f"{prefix} : {self.message}"
        return f"{text}\nIndice : {self.hint}" if self.hint and not self.correct else text

    def _repr_html_(self) -> str:
        title = "✔ Bonne réponse" if self.correct else "✘ Pas encore"
        hint = self.hint if self.hint and not self.correct else None
        return message_box(self.message, "ok" if self.correct else "warning", title, hint)


def as_number(answer: object) -> float | None:
    """The answer as a float, or None if it is missing or not a number.

    A text is read the French way (``"4 500,50 €"`` gives 4500.5, see
    :func:`~cpts_training.formatting.read_typed_number`); a text that is not wholly a
    number gives None, never a reinterpreted value.
    """
    if answer is None or answer is Ellipsis or isinstance(answer, bool):
        return None
    if isinstance(answer, Real):
        value = float(answer)
        return None if math.isnan(value) else value
    if isinstance(answer, str):
        try:
            return read_typed_number(answer).value
        except NumberFormatError:
            return None
    return None


def missing_answer(what: str) -> CheckResult:
    """Verdict for an answer that was not given yet."""
    return CheckResult(
        False,
        f"aucune réponse numérique pour « {what} ».",
        "remplacez les trois points « ... » par un nombre, puis exécutez la cellule "
        "(Maj + Entrée).",
    )


def check_number(
    answer: object,
    expected: float,
    what: str,
    tolerance: float = 0.0,
    unit: str = "",
    hint: str | None = None,
    decimals: int = 0,
) -> CheckResult:
    """Compare a numeric answer with the expected value, within ``tolerance``.

    Before comparing, says what is wrong with an answer that is missing, typed between
    quotes, split by ``, `` into two numbers, or (with ``unit="%"``) a fraction where a
    percentage is expected: see :func:`~cpts_training.answers.answer_problem`.
    ``decimals`` is the precision of the confirmed value in the message.
    """
    if answer is None or answer is Ellipsis:
        return missing_answer(what)
    kind = PERCENT if unit == "%" and abs(expected) >= 1 else NUMBER
    problem = answer_problem(answer, "votre réponse", kind)
    if problem is not None:
        return CheckResult(False, f"pour {what}, {problem}", None)
    value = float(answer)  # type: ignore[arg-type]  # answer_problem checked it is Real
    suffix = f" {unit}" if unit else ""
    if abs(value - expected) <= tolerance:
        if unit == "€":  # an amount keeps its cents: 56 451,20 €, not 56 451,2 €
            shown = format_euros(value, 2 if round(value, 2) % 1 else 0)
            return CheckResult(True, f"{what} = {shown}.")
        return CheckResult(True, f"{what} = {format_decimal_fr(value, max(decimals, 4))}{suffix}.")
    direction = "trop élevée" if value > expected else "trop faible"
    return CheckResult(
        False,
        f"votre réponse pour {what} ({format_decimal_fr(value, 4)}{suffix}) est {direction}.",
        hint,
    )


def check_choice(
    answer: object,
    expected: object,
    what: str,
    hint: str | None = None,
    how_to_answer: str = "choisissez une réponse.",
) -> CheckResult:
    """Compare an answer picked from a list (a size, a category) with the expected one.

    ``how_to_answer`` is the hint given while no answer has been given.
    """
    if answer is None or answer is Ellipsis or answer == "":
        return CheckResult(False, f"aucun choix pour « {what} ».", how_to_answer)
    if answer == expected:
        return CheckResult(True, f"{what} : {answer}.")
    return CheckResult(False, f"« {answer} » n'est pas la bonne réponse pour {what}.", hint)
