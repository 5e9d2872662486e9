"""The ACI size of a territory's CPTS: population thresholds on a date."""

from __future__ import annotations

import datetime as dt

from cpts_training.reference import load_parameter
from cpts_training.territory.case_study import Territory


def population_date(territory: Territory) -> dt.date:
    """1 January of the year of the territory's population figures."""
    return dt.date(int(territory.metadata["population_year"]), 1, 1)


def size_thresholds(at: dt.date) -> list[int]:
    """Lower bounds of ACI sizes 2, 3 and 4 on date ``at`` (parameter, in inhabitants)."""
    thresholds = load_parameter("aci/seuils_population").value_at(at)
    return sorted(int(value) for value in thresholds.values())
