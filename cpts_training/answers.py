"""What is wrong with a trainee's answer, said in French, before it is compared.

One diagnosis (:func:`answer_problem`) serves three places: the self-checks of the
modules (which never raise), the visible checks of the graded assessments
(:func:`require_answer`, which raises :class:`AnswerError`, an ``AssertionError`` so
that nbgrader counts the check as failed), and the echo under an answer cell
(:func:`~cpts_training.display.show_answer`).

It names the confusions a French trainee makes: an answer not written yet (``...``),
a number typed between quotes (``"2"``), a decimal comma followed by a space
(``12, 5`` is two numbers for Python), a fraction where a percentage is asked
(``0,119`` for 11,9 %), a decimal where a whole number is asked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

from cpts_training.formatting import (
    NumberFormatError,
    format_decimal_fr,
    read_typed_number,
)


class AnswerError(AssertionError):
    """An answer that is missing or not of the expected form; the message is French."""

    def _render_traceback_(self) -> list[str]:
        return [f"✘ Vérification non réussie : {self}"]


NUMBER = "nombre"
PERCENT = "pourcentage"
WHOLE = "entier"
_KINDS = (NUMBER, PERCENT, WHOLE)


def _shown(value: float) -> str:
    return format_decimal_fr(value, 4)


def _example(name: str, text: str) -> str:
    """« name = text » for a variable, « text » when ``name`` is not one."""
    return f"« {name} = {text} »" if name.isidentifier() else f"« {text} »"


def answer_problem(
    value: object,
    name: str,
    kind: str = NUMBER,
    minimum: float | None = None,
    maximum: float | None = None,
) -> str | None:
    """French description of what is wrong with ``value`` as an answer, or ``None``.

    Args:
        value: the trainee's answer (the value of the variable they wrote).
        name: the variable's name as the question gives it (``"part_75_plus"``).
        kind: ``"nombre"`` (any number), ``"pourcentage"`` (a number of percent, such as
            11.9 for 11,9 %: a value strictly between −1 and 1 other than 0 is taken for a
            fraction typed by mistake) or ``"entier"`` (a whole number).
        minimum, maximum: the plausible range, inclusive (``None``: no bound).

    Raises:
        ValueError: if ``kind`` is not one of the three kinds (a programming error).
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}, got {kind!r}")
    if value is Ellipsis or value is None:
        return (
            f"pas encore de réponse pour {name} : remplacez les trois points (ou le mot "
            f"None) par votre réponse, par exemple {_example(name, '12,5')}, puis "
            "exécutez la cellule."
        )
    if isinstance(value, str):
        try:
            typed = read_typed_number(value)
        except NumberFormatError:
            return (
                f"{name} est un texte (« {value} ») : la question attend un nombre, écrit "
                f"sans guillemets, par exemple {_example(name, '12,5')}."
            )
        return (
            f"{name} est un texte (« {value} ») et non un nombre : retirez les guillemets "
            f"et écrivez {_example(name, _shown(typed.value))}."
        )
    if (
        isinstance(value, tuple)
        and value
        and all(isinstance(v, Real) and not isinstance(v, bool) for v in value)
    ):
        if len(value) == 1:
            return (
                f"{name} se termine par une virgule : retirez la virgule finale et écrivez "
                f"{_example(name, _shown(value[0]))}."
            )
        parts = ", ".join(str(v) for v in value)
        joined = ",".join(str(v) for v in value)
        return (
            f"{name} contient {len(value)} nombres ({parts}) : une virgule suivie d'un espace "
            f"sépare deux nombres. Pour un nombre décimal, écrivez la virgule sans espace : "
            f"{_example(name, joined)}."
        )
    if isinstance(value, bool) or not isinstance(value, Real):
        return (
            f"{name} doit être un nombre (vous avez donné une valeur de type "
            f"« {type(value).__name__} ») : écrivez par exemple {_example(name, '12,5')}."
        )
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        return f"{name} n'est pas un nombre fini : vérifiez votre calcul (division par zéro ?)."
    if kind == PERCENT and number != 0 and -1 < number < 1:
        return (
            f"{name} vaut {_shown(number)} : c'est une fraction, or la question demande un "
            f"pourcentage. Multipliez par 100 : écrivez {_example(name, _shown(number * 100))} "
            f"pour {_shown(number * 100)} %."
        )
    if kind == WHOLE and not number.is_integer():
        return (
            f"{name} vaut {_shown(number)} : la question demande un nombre entier, sans décimales."
        )
    if minimum is not None and number < minimum or maximum is not None and number > maximum:
        low = "" if minimum is None else format_decimal_fr(minimum)
        high = "" if maximum is None else format_decimal_fr(maximum)
        if minimum is not None and maximum is not None:
            expected = f"entre {low} et {high}"
        elif minimum is not None:
            expected = f"au moins {low}"
        else:
            expected = f"au plus {high}"
        return (
            f"{name} vaut {_shown(number)} : la réponse attendue est {expected}. "
            "Relisez la question (unité, signe)."
        )
    return None


@dataclass(frozen=True)
class AcceptedAnswer:
    """An answer that passed its visible check: shown as « ✔ nom = valeur : … » under the
    check cell, so that a trainee sees the check passed (not a bare ``52886.0``)."""

    name: str
    value: float

    def __float__(self) -> float:
        return self.value

    def __repr__(self) -> str:
        return (
            f"✔ {self.name} = {format_decimal_fr(self.value, 4)} : réponse lisible, de la forme "
            "attendue (sa justesse sera vérifiée à la correction)."
        )


def require_answer(
    value: object,
    name: str,
    kind: str = NUMBER,
    minimum: float | None = None,
    maximum: float | None = None,
) -> AcceptedAnswer:
    """The answer, checked as :func:`answer_problem` says.

    Used by the visible checks of the graded assessments: the returned
    :class:`AcceptedAnswer` (``float()`` of it is the value) shows the trainee that the
    check passed.

    Raises:
        AnswerError: (an ``AssertionError``) with the French description of the problem.
    """
    problem = answer_problem(value, name, kind, minimum, maximum)
    if problem is not None:
        raise AnswerError(problem)
    return AcceptedAnswer(name, float(value))  # type: ignore[arg-type]  # checked: Real
