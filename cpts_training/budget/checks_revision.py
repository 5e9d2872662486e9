"""Self-check of the budget rectificatif exercise (B5.C04, « suivre le budget en cours et
effectuer des ajustements »).

The news of the case study (FIR cut by 15 %, appel à projets refused) is read from
``realise_30_juin_2025.yaml``, so that a change of the case data changes the
expectation with it. The check says what is wrong, never which lines to cut.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cpts_training.budget._common import cents
from cpts_training.budget.case_study import load_mid_year_file
from cpts_training.budget.forecast import SENS_PRODUIT, balance_of, budget_summary
from cpts_training.budget.revision import BudgetRectificatif
from cpts_training.checks.core import CheckResult
from cpts_training.formatting import format_euros

BALANCE_TOLERANCE_EUR = 1.0
"""Gap between products and charges accepted as « à l'équilibre » (±1 €)."""

_HOW_TO_BUILD = (
    "construisez d'abord le budget rectificatif : exécutez la cellule qui appelle "
    "revise_budget_under_constraint(...), ou utilisez form.result si vous travaillez dans "
    "le formulaire, puis relancez cette vérification."
)


def check_rectificatif(
    result: object, resource_changes: Mapping[str, float] | None = None
) -> CheckResult:
    """Is the budget rectificatif acceptable for the CA?

    It is when: the news is applied (each account of ``resource_changes``, by default
    those of the case study: FIR 742 at 6 800 € and appel à projets 744 at 0 €), no
    other product was changed, no rule is broken (``result.violations`` empty: no
    protected line reduced, no salary changed, no negative amount, no amount below
    what is already booked) and the budget is balanced within ±1 €.

    ``result`` is a :class:`~cpts_training.budget.revision.BudgetRectificatif`. Never
    raises: a missing or unexpected answer gets a French explanation.
    """
    try:
        return _check(result, resource_changes)
    except Exception:  # a self-check never raises on a trainee's answer
        return CheckResult(
            False,
            "ce résultat ne peut pas être vérifié : ce n'est pas un budget rectificatif complet.",
            _HOW_TO_BUILD,
        )


def _check(result: object, resource_changes: Mapping[str, float] | None) -> CheckResult:
    if result is None or result is Ellipsis:
        return CheckResult(False, "aucun budget rectificatif à vérifier.", _HOW_TO_BUILD)
    if not isinstance(result, BudgetRectificatif):
        return CheckResult(
            False,
            f"on attend un budget rectificatif, pas {type(result).__name__}.",
            _HOW_TO_BUILD,
        )
    news = (
        load_mid_year_file().resource_changes
        if resource_changes is None
        else {str(k): float(v) for k, v in resource_changes.items()}
    )
    table: Any = result.table.set_index("compte")
    for account, expected in news.items():
        if account not in table.index:
            return CheckResult(
                False,
                f"le compte {account} n'est pas dans votre budget rectificatif.",
                "partez du budget prévisionnel 2025 de l'étude de cas.",
            )
        amount = float(table.at[account, "budget_rectificatif_eur"])
        if cents(amount) != cents(expected):
            return CheckResult(
                False,
                f"{table.at[account, 'libelle']} (compte {account}) vaut "
                f"{format_euros(amount, 2)} dans votre budget rectificatif, alors que le "
                f"financeur a annoncé {format_euros(expected, 2)}.",
                "passez les nouvelles reçues dans resource_changes, telles quelles.",
            )
    products = table[(table["sens"] == SENS_PRODUIT) & ~table.index.isin(list(news))]
    changed = products[products["ajustement_eur"] != 0]
    if len(changed):
        names = ", ".join(f"{lab} (compte {acc})" for acc, lab in changed["libelle"].items())
        return CheckResult(
            False,
            f"vous avez modifié un produit sans nouvelle du financeur : {names}.",
            "un produit n'augmente pas sans décision écrite du financeur : le CA demande "
            "d'absorber la baisse sur les charges.",
        )
    if result.violations:
        return CheckResult(
            False,
            f"votre budget rectificatif enfreint {len(result.violations)} règle(s) : "
            + " ".join(result.violations),
            "relisez la contrainte du CA : missions socles et salaires ne baissent pas, et "
            "une dépense déjà faite au 30 juin ne peut pas disparaître du budget.",
        )
    balance = balance_of(result.budget, BALANCE_TOLERANCE_EUR)
    if not balance.balanced:
        summary = budget_summary(result.budget)
        side = "de charges en trop" if summary.resultat_eur < 0 else "d'excédent"
        return CheckResult(
            False,
            f"le budget rectificatif n'est pas à l'équilibre : il reste "
            f"{format_euros(abs(summary.resultat_eur), 2)} {side} (produits "
            f"{format_euros(summary.total_produits_eur, 2)}, charges "
            f"{format_euros(summary.total_charges_eur, 2)}).",
            "comparez, pour chaque ligne que vous avez le droit de modifier, son budget, son "
            "réalisé au 30 juin et son atterrissage : où reste-t-il une marge ? Justifiez "
            "chaque choix.",
        )
    summary = budget_summary(result.budget)
    return CheckResult(
        True,
        f"budget rectificatif à l'équilibre (produits "
        f"{format_euros(summary.total_produits_eur, 2)}, charges "
        f"{format_euros(summary.total_charges_eur, 2)}), nouvelles appliquées, aucune "
        "ligne protégée réduite, salaires inchangés. Préparez maintenant la justification "
        "de chaque ajustement pour le CA.",
    )
