"""Self-checks of the finance exercises on the case study's accounts: French, never raise.

Each compares the trainee's figure, computed by hand from the trial balance of the
fictional CPTS (:func:`~cpts_training.finance.case_study.load_trial_balance`), with what
:mod:`cpts_training.finance.analysis` computes, to the euro; the hint names the accounts
to read, never the value.
"""

from __future__ import annotations

from cpts_training.checks.core import CheckResult, as_number, check_number, missing_answer
from cpts_training.finance.analysis import caf, financial_balance
from cpts_training.finance.case_study import load_trial_balance
from cpts_training.formatting import format_euros

TOLERANCE_EUR = 1.0
"""Rounding allowed on an amount computed by hand (euros)."""


def check_caf(answer: object, year: int = 2025) -> CheckResult:
    """Exercise: the CAF of ``year`` by the additive method, in euros."""
    return check_number(
        answer,
        caf(load_trial_balance(year), year).caf_eur,
        f"la capacité d'autofinancement {year}",
        tolerance=TOLERANCE_EUR,
        unit="€",
        hint="CAF = résultat + dotations (68) − reprises (78) + valeur comptable des actifs "
        "cédés (657) − produits de cession (757) − quote-part des subventions "
        "d'investissement (747).",
    )


def check_frng(answer: object, year: int = 2025) -> CheckResult:
    """Exercise: the fonds de roulement net global at the end of ``year``, in euros."""
    return check_number(
        answer,
        financial_balance(load_trial_balance(year), year).frng_eur,
        f"le fonds de roulement net global fin {year}",
        tolerance=TOLERANCE_EUR,
        unit="€",
        hint="FRNG = ressources stables (fonds propres, résultat, subventions "
        "d'investissement, provisions, emprunts, amortissements) − immobilisations brutes.",
    )


def check_bfr(answer: object, year: int = 2025) -> CheckResult:
    """Exercise: the besoin en fonds de roulement at the end of ``year``, in euros
    (negative for an excédent de financement d'exploitation)."""
    return check_number(
        answer,
        financial_balance(load_trial_balance(year), year).bfr_eur,
        f"le besoin en fonds de roulement fin {year}",
        tolerance=TOLERANCE_EUR,
        unit="€",
        hint="BFR = créances (4…) + charges constatées d'avance (486) − dettes "
        "d'exploitation (40…, 42…, 43…, 44…) − produits constatés d'avance (487) ; il est "
        "négatif quand les dettes dépassent les créances.",
    )


def check_tresorerie(frng: object, bfr: object, year: int = 2025) -> CheckResult:
    """Exercise: trésorerie = FRNG − BFR from the trainee's own two figures, checked
    against the bank accounts (51…) of the balance."""
    for value, what in ((frng, "le FRNG"), (bfr, "le BFR")):
        if value is None or value is Ellipsis:
            return missing_answer(what)
        if as_number(value) is None:
            return CheckResult(False, f"{what} doit être un nombre d'euros.", None)
    computed = float(as_number(frng) or 0.0) - float(as_number(bfr) or 0.0)
    bank = financial_balance(load_trial_balance(year), year).tresorerie_eur
    if abs(computed - bank) <= TOLERANCE_EUR:
        return CheckResult(
            True,
            f"FRNG − BFR = {format_euros(computed)}, le solde des comptes de banque : "
            "l'identité du bilan financier est vérifiée.",
        )
    return CheckResult(
        False,
        f"FRNG − BFR = {format_euros(computed)}, mais les comptes de banque (51…) de la "
        f"balance font {format_euros(bank)} : l'un de vos deux montants est à revoir.",
        "vérifiez d'abord le FRNG et le BFR avec leurs propres vérifications.",
    )
