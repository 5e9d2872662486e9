"""Self-checks of module 00: the case-study territory."""

from __future__ import annotations

import datetime as dt

from cpts_training.budget.aci import aci_size
from cpts_training.checks.core import CheckResult, check_choice, check_number
from cpts_training.datasets import Territory
from cpts_training.formatting import format_number_fr


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
    expected = aci_size(population, dt.date.today())
    return check_choice(
        answer,
        expected,
        "la taille ACI de la CPTS",
        hint=f"la population couverte est de {format_number_fr(population)} habitants : "
        "comparez-la aux seuils 40 000, 80 000 et 175 000.",
    )
