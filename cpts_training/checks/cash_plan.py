"""Self-check of the cash-plan exercise (« Planifier et gérer la trésorerie », B5.C07).

The trainee builds the monthly cash plan, then decides the facilité de caisse to ask the
bank for and from which month. :func:`check_facility` says whether that decision holds on
the trainee's own plan, without giving the expected values (the trainee must read them
on the plan and justify them).
"""

from __future__ import annotations

from typing import Any

from cpts_training.answers import WHOLE, answer_problem
from cpts_training.budget.cash_builder import financing_need
from cpts_training.checks.core import CheckResult, as_number, missing_answer
from cpts_training.dates import MONTHS_FR

FACILITY_MARGIN = 0.25
"""A facility is accepted up to 25 % above the largest need (beyond, it is oversized)."""


def _month_number(month: object) -> object:
    """A French month name (« mars ») as its number; anything else unchanged."""
    if isinstance(month, str):
        name = month.strip().lower()
        if name in MONTHS_FR:
            return MONTHS_FR.index(name) + 1
    return month


def check_facility(amount: object, first_month: object, plan: Any) -> CheckResult:
    """Is the facilité de caisse ``amount`` (euros, a number or a French text such as
    « 16 000 ») enough for every month of ``plan`` and at most 25 % above the largest
    need, and is ``first_month`` (1–12 or a French month name) the first month closing
    below zero? ``plan`` is a table of
    :func:`~cpts_training.budget.cash_builder.build_cash_plan`.

    Never raises; the message never states the expected amount or month.
    """
    try:
        need = financing_need(plan)
    except Exception:  # a self-check answers, it never raises
        return CheckResult(
            False,
            "le plan de trésorerie n'est pas lisible.",
            "construisez d'abord le plan avec build_cash_plan(…) et passez-le tel quel.",
        )
    value = as_number(amount)
    if value is None:
        return missing_answer("le montant de la facilité de caisse")
    if value < 0:
        return CheckResult(
            False,
            "une facilité de caisse est un montant positif (le découvert autorisé).",
            "saisissez le montant sans signe moins, par exemple 12 000.",
        )
    if need.first_month is None:
        if value == 0:
            return CheckResult(
                True, "la trésorerie ne passe jamais sous zéro : aucune facilité n'est utile."
            )
        return CheckResult(
            False,
            "ce plan ne passe jamais sous zéro en fin de mois.",
            "regardez la colonne « Solde en fin de mois » : une facilité serait inutile.",
        )
    if value < need.largest_need_eur - 0.005:
        return CheckResult(
            False,
            "ce montant ne couvre pas tous les mois : au moins un solde de fin de mois "
            "descend plus bas que le découvert autorisé.",
            "repérez le solde de fin de mois le plus bas du plan : la facilité doit le couvrir.",
        )
    if value > need.largest_need_eur * (1 + FACILITY_MARGIN) + 0.005:
        return CheckResult(
            False,
            "ce montant couvre le besoin, mais il est surdimensionné (plus de 25 % au-dessus "
            "du besoin le plus élevé) : la banque le facturera et le refusera peut-être.",
            "partez du solde le plus bas du plan et ajoutez une marge de sécurité modérée.",
        )
    number = _month_number(first_month)
    problem = answer_problem(number, "le mois", WHOLE, 1, 12)
    if problem is not None:
        return CheckResult(
            False,
            f"le montant convient ; pour le mois, {problem}",
            "donnez le numéro du mois (1 pour janvier … 12 pour décembre) ou son nom.",
        )
    if float(number) != need.first_month:  # type: ignore[arg-type]  # checked: a number
        return CheckResult(
            False,
            "le montant convient, mais pas le mois.",
            "la facilité doit être en place dès le premier mois dont le solde de fin de mois "
            "est négatif (et pas seulement au point le plus bas).",
        )
    return CheckResult(
        True,
        "la facilité couvre chaque mois du plan avec une marge raisonnable, et elle est en "
        "place dès le premier mois sous zéro. Justifiez maintenant votre choix (marge, "
        "coût, autres leviers).",
    )
