"""Self-checks of the module « Budget prévisionnel, financement ACI et trésorerie ».

Each exercise of the module has its check here: the expected answer is
computed by the domain modules from the case study, so that a change of the
case-study data changes the expectation with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cpts_training.answers import WHOLE, answer_problem
from cpts_training.budget._common import cents
from cpts_training.budget.aci import annual_funding, calendar_year_funding, payment_schedule
from cpts_training.budget.builder import ACI_ACCOUNT, BudgetHypotheses, build_budget
from cpts_training.budget.case_study import (
    CaseStudy,
    load_budget_brief,
    load_case_study,
    load_mid_year_file,
)
from cpts_training.budget.cash import cash_summary, what_if_delay
from cpts_training.budget.cash_builder import financing_need
from cpts_training.budget.forecast import SENS_PRODUIT, balance_of, budget_summary, salary_cost
from cpts_training.budget.monitoring import compare
from cpts_training.budget.payroll import effective_employer_rate
from cpts_training.budget.revision import BudgetRectificatif
from cpts_training.checks.core import (
    CheckResult,
    as_number,
    check_choice,
    check_number,
    missing_answer,
)
from cpts_training.dates import MONTHS_FR
from cpts_training.errors import CPTSError
from cpts_training.formatting import format_decimal_fr, format_euros

PREVENTION = "prevention"
ASSISTANT_SALARY_ACCOUNT = "64112"
ASSISTANT_CHARGES_ACCOUNT = "64512"
ASSISTANT_FTE_BEFORE = 0.5
ASSISTANT_FTE_AFTER = 0.8
ANNIVERSARY_PAYMENT = "2025-04-01"


def prevention_drop_eur(case: CaseStudy, new_rate: float = 0.5, year: int = 2) -> float:
    """Loss of ACI funding in contract ``year`` if prévention reaches ``new_rate`` only."""
    planned = dict(case.planned_achievement[year])
    lowered = {**planned, PREVENTION: new_rate}
    before = annual_funding(case.contract, year, planned)["total_eur"].sum()
    after = annual_funding(case.contract, year, lowered)["total_eur"].sum()
    return float(before - after)


def check_prevention_drop(answer: object, case: CaseStudy) -> CheckResult:
    """Exercise: loss of funding when prévention reaches 50 % instead of 80 % in year 2."""
    return check_number(
        answer,
        prevention_drop_eur(case),
        "la baisse du financement ACI",
        tolerance=1.0,
        unit="€",
        hint="seule la part variable de la mission prévention change : multipliez son "
        "enveloppe variable annuelle par l'écart de taux (80 % − 50 %).",
    )


def _amount(case: CaseStudy, account: str) -> float:
    budget = case.budget
    return float(budget.loc[budget["compte"] == account, "montant_eur"].sum())


def assistant_extra_cost_eur(case: CaseStudy) -> float:
    """Extra employer cost of raising the assistant from 0.5 to 0.8 ETP.

    The gross salary grows in proportion to the working time; the employer rate is
    the one of the budget (charges line ÷ salary line).
    """
    gross = _amount(case, ASSISTANT_SALARY_ACCOUNT)
    rate = _amount(case, ASSISTANT_CHARGES_ACCOUNT) / gross
    raised = gross * ASSISTANT_FTE_AFTER / ASSISTANT_FTE_BEFORE
    return float(salary_cost(raised, rate) - salary_cost(gross, rate))


def check_assistant_extra_cost(answer: object, case: CaseStudy) -> CheckResult:
    """Exercise: products to find to keep the budget balanced after the raise."""
    return check_number(
        answer,
        assistant_extra_cost_eur(case),
        "le montant à trouver pour rester à l'équilibre",
        tolerance=1.0,
        unit="€",
        decimals=2,
        hint="le surcoût comprend le salaire brut supplémentaire et les charges patronales "
        "qui s'y ajoutent : comparez le total des charges avant et après vos modifications.",
    )


def largest_charge_overrun(case: CaseStudy) -> str:
    """Account of the charge with the largest overrun in % (actual above planned)."""
    comparison = compare(case.budget, case.actuals)
    charges = comparison[comparison["sens"] == "charge"]
    return str(charges.at[charges["ecart_relatif"].idxmax(), "compte"])


def check_largest_overrun(answer: object, case: CaseStudy) -> CheckResult:
    """Exercise: which charge account overran its budget the most, in %?"""
    given = None if answer is None or answer is Ellipsis else str(answer).strip()
    return check_choice(
        given,
        largest_charge_overrun(case),
        "le compte de charge qui dépasse le plus son budget (en %)",
        hint="regardez la colonne de l'écart en % et, parmi les charges, le plus grand écart "
        "positif (réalisé au-dessus du prévu).",
        how_to_answer="remplacez les trois points « ... » par le numéro du compte entre "
        'guillemets, par exemple "606", puis exécutez la cellule.',
    )


def delayed_low_point(case: CaseStudy, months: int = 2) -> tuple[float, int]:
    """Lowest month-end cash and its month (1–12) if the anniversary payment is late."""
    plan = what_if_delay(
        case.cash.year,
        case.cash.opening_balance_eur,
        list(case.cash.monthly_spending_eur),
        payment_schedule(case.contract, case.planned_achievement),
        case.cash.other_receipts,
        payment=ANNIVERSARY_PAYMENT,
        months=months,
    )
    summary = cash_summary(plan)
    return float(summary.minimum_eur), int(summary.minimum_month)


def check_cash_low_point(amount: object, month: object, case: CaseStudy) -> CheckResult:
    """Exercise: low point of cash and its month when the April payment is 2 months late."""
    expected_amount, expected_month = delayed_low_point(case)
    verdict = check_number(
        amount,
        expected_amount,
        "le point bas de trésorerie",
        tolerance=1.0,
        unit="€",
        hint="réglez le retard à 2 mois dans le simulateur et lisez le solde de fin de mois le "
        "plus bas (il est négatif).",
    )
    if not verdict:
        return verdict
    problem = answer_problem(month, "le mois", WHOLE, 1, 12)
    if problem is not None:
        return CheckResult(False, f"le montant est juste ; pour le mois, {problem}", None)
    if float(month) != expected_month:  # type: ignore[arg-type]  # checked: a number
        return CheckResult(
            False,
            f"le montant ({format_euros(expected_amount)}) est juste, mais pas le mois.",
            "donnez le numéro du mois (1 pour janvier … 12 pour décembre).",
        )
    return CheckResult(
        True,
        f"point bas de {format_euros(expected_amount)} en fin de mois n° {expected_month}.",
    )


# --------------------------------------------------------------------------------------
# Module 01, 2026 edition: the trainee builds the 2026 budget
# --------------------------------------------------------------------------------------

BUDGET_YEAR = 2026
COORDINATOR_GROSS_EUR = 41600.0
"""Gross annual salary of the coordinator in the 2026 brief (1 ETP, invented)."""
SENSITIVITY_MISSION = PREVENTION
SENSITIVITY_POINTS = 0.20


def aci_product_eur(case: CaseStudy, year: int = BUDGET_YEAR) -> float:
    """ACI product of civil ``year`` (accrual: the months of each contract year in it)."""
    return float(
        calendar_year_funding(case.contract, year, case.planned_achievement)["total_eur"].sum()
    )


def check_aci_product(answer: object, case: CaseStudy, year: int = BUDGET_YEAR) -> CheckResult:
    """Exercise: the ACI product of the civil year, from the two contract years it spans."""
    return check_number(
        answer,
        aci_product_eur(case, year),
        f"le produit ACI de l'année {year}",
        tolerance=1.0,
        unit="€",
        decimals=2,
        hint="l'année civile prend 3 mois de l'année de contrat qui se termine le 31 mars et 9 "
        "mois de celle qui commence le 1er avril : 3/12 × total de l'une + 9/12 × total de "
        "l'autre.",
    )


def coordinator_cost_eur(year: int = BUDGET_YEAR) -> float:
    """Employer cost of the coordinator of the brief: gross × (1 + effective rate)."""
    rate = effective_employer_rate(COORDINATOR_GROSS_EUR, on=f"{year}-01-01", working_time=1)
    return float(salary_cost(COORDINATOR_GROSS_EUR, rate))


def check_coordinator_cost(answer: object, year: int = BUDGET_YEAR) -> CheckResult:
    """Exercise: gross salary + employer charges of the coordinator, computed by hand."""
    return check_number(
        answer,
        coordinator_cost_eur(year),
        "le coût employeur annuel de la coordinatrice",
        tolerance=1.0,
        unit="€",
        decimals=2,
        hint="coût employeur = salaire brut + charges patronales, et charges patronales = "
        "salaire brut × taux effectif (35,7 % s'écrit 0,357 dans un calcul).",
    )


def prevention_sensitivity_eur(case: CaseStudy, year: int = BUDGET_YEAR) -> float:
    """Fall of the civil-year ACI product if prévention's rate drops by 20 points."""
    lowered = {
        k: {**rates, SENSITIVITY_MISSION: max(0.0, rates[SENSITIVITY_MISSION] - SENSITIVITY_POINTS)}
        if SENSITIVITY_MISSION in rates
        else dict(rates)
        for k, rates in case.planned_achievement.items()
    }
    before = aci_product_eur(case, year)
    after = float(calendar_year_funding(case.contract, year, lowered)["total_eur"].sum())
    return before - after


def check_prevention_sensitivity(answer: object, case: CaseStudy) -> CheckResult:
    """Exercise: how much the 2026 result falls if prévention reaches 20 points less.

    A fall written as a negative number (« −3 000 ») is read as its size."""
    value = as_number(answer)
    if value is not None and value < 0 and not isinstance(answer, str):
        answer = -value
    return check_number(
        answer,
        prevention_sensitivity_eur(case),
        "la baisse du résultat 2026",
        tolerance=1.0,
        unit="€",
        hint="seule la part variable de la prévention change : son enveloppe variable annuelle "
        "× 20 points (0,20), sur les 3 mois de l'année 2 et les 9 mois de l'année 3 compris "
        "dans 2026.",
    )


# --------------------------------------------------------------------------------------
# Cash plan: the facilité de caisse the trainee decides (B5.C07)
# --------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------
# Élaborer le budget 2026 (B5.C02): the brief's needs entered, then balanced
# --------------------------------------------------------------------------------------

BALANCE_MARGIN_EUR = 500.0
"""Exercise 3 accepts a result between −500 € and +500 € (a budget presented balanced)."""


def _brief_gaps(hypotheses: BudgetHypotheses, case: CaseStudy) -> list[str]:
    """What of the 2026 brief is missing from ``hypotheses`` (French, one item each)."""
    brief = load_budget_brief()
    gaps: list[str] = []
    for post in brief.staff:
        if not any(
            abs(p.fte - post.fte) < 1e-6
            and abs(p.gross_full_time_eur - post.gross_full_time_eur) < 1
            for p in hypotheses.staff
        ):
            gaps.append(
                f"le poste « {post.role} » ({format_decimal_fr(post.fte, 2)} ETP, "
                f"{format_euros(post.gross_full_time_eur)} brut annuel temps plein)"
            )
    for group in brief.indemnities:
        if not any(
            g.mission == group.mission
            and g.professionals >= group.professionals
            and g.hours_each >= group.hours_each - 1e-6
            and abs(g.hourly_rate_eur - group.hourly_rate_eur) < 0.01
            for g in hypotheses.indemnities
        ):
            gaps.append(
                f"le groupe « {group.label} » ({group.professionals} professionnels × "
                f"{format_decimal_fr(group.hours_each, 1)} h × "
                f"{format_euros(group.hourly_rate_eur)} de l'heure, ou davantage)"
            )
    charges = {c.account: c.total_eur for c in hypotheses.charges}
    for charge in brief.charges:
        if charges.get(charge.account, -1.0) < charge.total_eur - 1:
            gaps.append(f"la charge « {charge.label} » (compte {charge.account}) du besoin initial")
    aci = sum(r.amount_eur for r in hypotheses.resources if r.account == ACI_ACCOUNT)
    if abs(aci - aci_product_eur(case, hypotheses.year)) > 1:
        gaps.append("le financement ACI de l'année civile (case à cocher sous « Ressources »)")
    return gaps


def check_budget_2026(form: object, case: CaseStudy | None = None) -> CheckResult:
    """Exercise: the brief's needs are all in the trainee's budget, which is balanced
    within ±500 €. ``form`` is the :class:`~cpts_training.budget.widgets.BudgetBuilder`
    (or anything with a ``hypotheses`` attribute, or :class:`BudgetHypotheses`). Never
    raises; never says which line to change — the use of the surplus is the trainee's
    choice."""
    hypotheses = getattr(form, "hypotheses", form)
    if not isinstance(hypotheses, BudgetHypotheses):
        return CheckResult(
            False,
            "je ne trouve pas de budget à vérifier.",
            "exécutez d'abord la cellule du formulaire (constructeur = …), puis celle-ci.",
        )
    try:
        case = case or load_case_study()
        gaps = _brief_gaps(hypotheses, case)
        result = build_budget(hypotheses).summary.resultat_eur
    except CPTSError as error:  # a self-check answers, it never raises
        return CheckResult(False, f"le budget saisi n'est pas lisible : {error}", None)
    if gaps:
        return CheckResult(
            False,
            "il manque encore " + " ; ".join(gaps[:4]) + ("…" if len(gaps) > 4 else "."),
            "reprenez le tableau des besoins du projet de santé : chaque poste et chaque "
            "groupe y figure avec ses chiffres.",
        )
    if abs(result) > BALANCE_MARGIN_EUR:
        kind = "excédent" if result > 0 else "déficit"
        return CheckResult(
            False,
            f"les besoins sont bien saisis, mais le budget présente un {kind} de "
            f"{format_euros(abs(result))}.",
            "décidez comment employer la marge au service des missions (heures indemnisées, "
            "actions, temps de travail…) jusqu'à un résultat entre − 500 € et + 500 €.",
        )
    return CheckResult(
        True,
        f"les besoins du projet de santé sont couverts et le résultat prévu "
        f"({format_euros(result)}) reste dans la marge de ± 500 € que le CA accepte pour un "
        "budget présenté à l'équilibre. Justifiez maintenant votre choix ci-dessous.",
    )


# --------------------------------------------------------------------------------------
# Budget rectificatif at mid-year (B5.C04)
# --------------------------------------------------------------------------------------

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
