"""Age structure of a territory against the country's: the data of an age pyramid.

A coordinator reads the age structure to qualify the needs of the territory (B4.C03):
a share of people aged 75 or more well above the national one calls for a parcours for
frail elderly people, many children for prevention and perinatal care. :func:`age_structure`
puts the territory's shares next to France's (parameter ``territoire/structure_age_france``,
INSEE estimates, ``verified: false``) and the gap in percentage points; the comparative
pyramid is drawn by :func:`cpts_training.territory.presentation.plot_age_pyramid`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from cpts_training.errors import InputError
from cpts_training.reference import load_parameter
from cpts_training.territory.case_study import AGE_BAND_COLUMNS, AGE_BANDS, Territory

FRANCE_AGE_PARAMETER = "territoire/structure_age_france"

AGE_STRUCTURE_COLUMNS: tuple[str, ...] = (
    "tranche_age",
    "habitants",
    "part",
    "part_france",
    "ecart_points",
)
"""Columns of :func:`age_structure`."""


def france_age_shares(at: dt.date | str | None = None) -> pd.Series:
    """Share of each age band in the population of France (fractions 0–1, adding up to 1).

    Indexed by the age-band columns (``pop_0_14`` … ``pop_75_plus``), from the parameter
    ``territoire/structure_age_france`` on ``at`` (default: its latest version).
    """
    parameter = load_parameter(FRANCE_AGE_PARAMETER)
    value = parameter.values[-1].value if at is None else parameter.value_at(at)
    return pd.Series({band: float(value[band]) for band in AGE_BAND_COLUMNS}, name="part_france")


def _selected_rows(territory: Territory, communes: Iterable[str] | None) -> pd.DataFrame:
    table = territory.communes
    if communes is None:
        return table
    wanted = [str(code) for code in communes]
    if not wanted:
        raise InputError(
            "Structure par âge : aucune commune choisie. Donnez au moins un code de commune "
            "ou laissez le choix vide pour tout le territoire."
        )
    known = dict(zip(table["code_commune"].astype(str), table["commune"], strict=True))
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise InputError(
            f"Structure par âge : la commune « {unknown[0]} » n'est pas dans le territoire. "
            f"Codes possibles : {', '.join(known)}."
        )
    duplicates = sorted({code for code in wanted if wanted.count(code) > 1})
    if duplicates:
        raise InputError(
            f"Structure par âge : la commune « {duplicates[0]} » ({known[duplicates[0]]}) est "
            "donnée deux fois. Retirez le doublon."
        )
    return table[table["code_commune"].astype(str).isin(wanted)]


def age_structure(
    territory: Territory,
    communes: Iterable[str] | None = None,
    *,
    at: dt.date | str | None = None,
) -> pd.DataFrame:
    """The population by age band of the territory (or of some of its communes) against France.

    Args:
        territory: the territory (:func:`~cpts_training.territory.load_territory`).
        communes: codes of the communes to add up (``code_commune``); ``None`` for all.
        at: date of the national structure (default: the latest version of the parameter).

    Returns:
        6 rows, youngest band first, columns :data:`AGE_STRUCTURE_COLUMNS`:
        ``tranche_age`` (French label), ``habitants`` (int), ``part`` (fraction 0–1 of the
        selected population), ``part_france`` (fraction 0–1, INSEE estimates for France,
        parameter ``territoire/structure_age_france``, ``verified: false``) and
        ``ecart_points`` (``(part − part_france) × 100``, in percentage points: + means the
        band weighs more here than in France).

    Raises:
        InputError: an unknown or duplicated commune code, an empty choice, or a selection
            with no inhabitant.
    """
    rows = _selected_rows(territory, communes)
    inhabitants = rows[list(AGE_BAND_COLUMNS)].sum().astype("int64")
    total = int(inhabitants.sum())
    if total <= 0:
        raise InputError(
            "Structure par âge : les communes choisies n'ont aucun habitant ; la part de "
            "chaque tranche n'a pas de sens. Choisissez d'autres communes."
        )
    france = france_age_shares(at)
    share = inhabitants / total
    return pd.DataFrame(
        {
            "tranche_age": [AGE_BANDS[band] for band in AGE_BAND_COLUMNS],
            "habitants": inhabitants.to_numpy(),
            "part": share.to_numpy(dtype=float),
            "part_france": france.to_numpy(dtype=float),
            "ecart_points": ((share - france) * 100).to_numpy(dtype=float),
        }
    )
