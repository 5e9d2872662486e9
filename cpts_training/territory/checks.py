"""Self-checks of module 00 on the territory: answer in French, never raise."""

from __future__ import annotations

from cpts_training.budget.aci import aci_size
from cpts_training.checks.core import CheckResult, check_choice, check_number
from cpts_training.formatting import format_number_fr
from cpts_training.territory.case_study import Territory
from cpts_training.territory.size import population_date, size_thresholds


def check_share_75_plus(answer: object, territory: Territory) -> CheckResult:
    """Self-check of the share (in %, one decimal) of people aged 75 and over."""
    expected = round(100 * territory.share_75_plus, 1)
    return check_number(
        answer,
        expected,
        "la part des 75 ans et plus",
        tolerance=0.05,
        unit="%",
        decimals=1,
        hint="divisez le nombre de personnes de 75 ans et plus par la population totale, "
        "multipliez par 100, puis arrondissez à une décimale.",
    )


def check_aci_size(answer: object, territory: Territory) -> CheckResult:
    """Self-check of the ACI size of the territory's CPTS."""
    population = territory.population
    at = population_date(territory)
    bounds = ", ".join(format_number_fr(b) for b in size_thresholds(at))
    return check_choice(
        answer,
        aci_size(population, at),
        "la taille ACI de la CPTS",
        hint=f"la population couverte est de {format_number_fr(population)} habitants : "
        f"comparez-la aux seuils ({bounds} habitants).",
    )
