"""Self-checks of module 00: the case-study territory."""

from __future__ import annotations

import datetime as dt

from cpts_training.budget.aci import aci_size
from cpts_training.checks.core import CheckResult, check_choice, check_number
from cpts_training.datasets import Territory
from cpts_training.formatting import format_number_fr
from cpts_training.reference import load_parameter


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


def population_date(territory: Territory) -> dt.date:
    """1 January of the year of the territory's population figures."""
    return dt.date(int(territory.metadata["population_year"]), 1, 1)


def size_thresholds(at: dt.date) -> list[int]:
    """Lower bounds of ACI sizes 2, 3 and 4 on date ``at`` (parameter, in inhabitants)."""
    thresholds = load_parameter("aci/seuils_population").value_at(at)
    return sorted(int(value) for value in thresholds.values())


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
