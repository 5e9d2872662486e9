"""Self-checks of the finance exercises (module 03): French, never raise.

Each compares the trainee's figure, computed by hand from the trial balance of the
fictional CPTS (:func:`~cpts_training.finance.case_study.load_trial_balance`), with what
:mod:`cpts_training.finance.analysis` computes, to the euro; the hint names the accounts
to read, never the value.
"""

from __future__ import annotations

from cpts_training.checks.core import CheckResult, as_number, check_number, missing_answer
from cpts_training.finance.analysis import caf, financial_balance, financing_table
from cpts_training.finance.case_study import load_trial_balance
from cpts_training.finance.eprd import Eprd, Errd, crpp_by_group, load_eprd, load_errd
from cpts_training.finance.plan import PlanHypotheses
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


def check_apport_frng(answer: object, year: int = 2025) -> CheckResult:
    """Exercise: the apport au fonds de roulement of ``year`` read in the tableau de
    financement (ressources − emplois), in euros; it equals FRNG(year) − FRNG(year − 1)."""
    table = financing_table(load_trial_balance(year - 1), load_trial_balance(year), year)
    return check_number(
        answer,
        table.variation_fonds_roulement_eur,
        f"l'apport au fonds de roulement {year}",
        tolerance=TOLERANCE_EUR,
        unit="€",
        hint="apport = ressources (CAF, emprunts, subventions d'investissement, cessions) "
        "− emplois (acquisitions d'immobilisations, remboursements d'emprunts) ; il doit "
        f"égaler le FRNG fin {year} moins le FRNG fin {year - 1}.",
    )


def check_variance_groupe_ii(answer: object, year: int = 2025) -> CheckResult:
    """Exercise: the variance on the charges of groupe II (personnel) of the partner SSIAD,
    ERRD − EPRD of ``year``, in euros (positive when more was spent than planned)."""
    expected = _group_charges(load_errd(year), "II") - _group_charges(load_eprd(year), "II")
    return check_number(
        answer,
        expected,
        f"l'écart sur les charges du groupe II en {year}",
        tolerance=TOLERANCE_EUR,
        unit="€",
        hint="écart = charges du groupe II réalisées (ERRD) − charges du groupe II prévues "
        "(EPRD) ; il est positif quand le SSIAD a dépensé plus que prévu.",
    )


def _group_charges(doc: Eprd | Errd, group: str) -> float:
    table = crpp_by_group(doc)
    return float(table.loc[table["groupe"] == group, "charges_eur"].sum())


def check_cout_poste(answer: object) -> CheckResult:
    """Exercise (module 03, plan pluriannuel): the employer cost in 2027 of the 0.8 ETP
    chargé(e) de mission the CA considers, at the plan's cost per ETP of 2026
    (``PlanHypotheses.case_study``: 51 120 € per ETP) raised by the plan's 2 % salary
    increase: 0.8 × 51 120 × 1.02, in euros."""
    hypotheses = PlanHypotheses.case_study()
    expected = 0.8 * hypotheses.cost_per_etp_eur * (1 + hypotheses.salary_growth_rate)
    return check_number(
        answer,
        expected,
        "le coût employeur du poste en 2027",
        tolerance=TOLERANCE_EUR,
        unit="€",
        hint="coût = nombre d'ETP × coût employeur d'un ETP en 2026 × (1 + hausse annuelle "
        "des salaires) pour passer de 2026 à 2027.",
    )
