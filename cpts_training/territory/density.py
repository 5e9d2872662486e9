"""Densities of health professionals per commune and for the territory, against references.

A density is a head count per ``per`` inhabitants (10 000 by default): it ignores the
neighbouring communes and the professionals' activity, which is what the accessibility
(:mod:`.accessibility`) adds. The reference densities are parameters
(``territoire/densite_reference_france``, ``territoire/densite_reference_occitanie``),
stored per 10 000 inhabitants with their source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from cpts_training.errors import InputError
from cpts_training.reference import load_parameter
from cpts_training.validation import require_frame

COMMUNE = "code_commune"
POPULATION = "population"
AGE = "age"
TERRITORY_LABEL = "Territoire"
"""Label of the last row of :func:`density`: the whole territory."""

REFERENCES: dict[str, str] = {
    "france": "territoire/densite_reference_france",
    "occitanie": "territoire/densite_reference_occitanie",
}
"""Reference areas and their parameter (densities per 10 000 inhabitants)."""

REFERENCE_PER = 10_000
"""Population base of the reference parameters."""


def _require_unique(table: pd.DataFrame, name: str) -> None:
    duplicated = table[COMMUNE][table[COMMUNE].duplicated()]
    if len(duplicated):
        raise InputError(
            f"{name} : la commune « {duplicated.iloc[0]} » apparaît plusieurs fois. "
            "Gardez une seule ligne par commune."
        )


def _require_non_negative(table: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    for column in columns:
        values = pd.to_numeric(table[column], errors="coerce")
        bad = values.isna() | ~np.isfinite(values) | (values < 0)
        if bad.any():
            position = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                f"{name} : la valeur « {table[column].iloc[position]} » de la colonne "
                f"« {column} » (commune « {table[COMMUNE].iloc[position]} ») n'est pas un "
                "nombre positif ou nul. Corrigez-la."
            )


def density(counts: pd.DataFrame, population: pd.DataFrame, per: float = 10_000) -> pd.DataFrame:
    """Professionals per ``per`` inhabitants, per profession, per commune and in total.

    ``counts``: ``code_commune`` and one column per profession (head counts; a commune of
    ``population`` without a row counts zero). ``population``: ``code_commune`` and
    ``population``. Returns one row per commune of ``population`` (index ``code_commune``)
    then a last row :data:`TERRITORY_LABEL` (total professionals / total population × per),
    one column per profession. A commune without inhabitants has a density of NaN (it
    cannot be computed), not 0.

    Raises :class:`InputError` (French) on a missing column, a duplicate or unknown
    commune, a negative count or population, or a territory without inhabitants.
    """
    if not (isinstance(per, int | float) and per > 0):
        raise InputError(f"« per » vaut {per} ; donnez un nombre d'habitants positif (10 000).")
    pop_table = require_frame(population, "Tableau de la population", (COMMUNE, POPULATION))
    count_table = require_frame(counts, "Tableau des effectifs", (COMMUNE,))
    professions = [c for c in count_table.columns if c != COMMUNE]
    if not professions:
        raise InputError(
            "Tableau des effectifs : aucune colonne de profession. Ajoutez une colonne par "
            "profession (par exemple medecins_generalistes) avec l'effectif de chaque commune."
        )
    _require_unique(pop_table, "Tableau de la population")
    _require_unique(count_table, "Tableau des effectifs")
    _require_non_negative(pop_table, (POPULATION,), "Tableau de la population")
    _require_non_negative(count_table, professions, "Tableau des effectifs")
    unknown = pd.Index(count_table[COMMUNE]).difference(pd.Index(pop_table[COMMUNE]))
    if len(unknown):
        raise InputError(
            f"Tableau des effectifs : la commune « {unknown[0]} » n'est pas dans le tableau de "
            "la population. Corrigez son code ou ajoutez sa population."
        )
    inhabitants = pd.Series(
        pd.to_numeric(pop_table[POPULATION]).to_numpy(dtype=float),
        index=pd.Index(pop_table[COMMUNE], name=COMMUNE),
    )
    total_population = float(inhabitants.sum())
    if total_population <= 0:
        raise InputError(
            "Tableau de la population : le territoire n'a aucun habitant ; une densité ne "
            "peut pas être calculée."
        )
    heads = (
        count_table.set_index(COMMUNE)[professions]
        .apply(pd.to_numeric)
        .astype(float)
        .reindex(inhabitants.index)
        .fillna(0.0)
    )
    per_commune = heads.div(inhabitants.where(inhabitants > 0), axis=0) * per
    total = heads.sum() / total_population * per
    result = pd.concat([per_commune, total.to_frame(TERRITORY_LABEL).T])
    result.index.name = COMMUNE
    return result


def reference_densities(
    area: str = "france", at: dt.date | str | None = None, per: float = 10_000
) -> pd.DataFrame:
    """Reference densities of ``area`` (``"france"`` or ``"occitanie"``) per ``per``
    inhabitants, on ``at`` (default: latest values): columns ``profession``,
    ``densite_reference``, ``date``, ``verifie``, ``source``."""
    if area not in REFERENCES:
        raise InputError(
            f"Référence « {area} » inconnue ; choisissez parmi : {', '.join(REFERENCES)}."
        )
    parameter = load_parameter(REFERENCES[area])
    entry = parameter.values[-1] if at is None else parameter.entry_at(at)
    verified = parameter.metadata.verified if entry.verified is None else entry.verified
    return pd.DataFrame(
        {
            "profession": list(entry.value),
            "densite_reference": [float(v) * per / REFERENCE_PER for v in entry.value.values()],
            "date": entry.start,
            "verifie": verified,
            "source": parameter.source_label(),
        }
    )


def compare_to_reference(
    counts: pd.DataFrame,
    population: pd.DataFrame,
    area: str = "france",
    at: dt.date | str | None = None,
    per: float = 10_000,
) -> pd.DataFrame:
    """The territory's density per profession next to the reference of ``area``.

    Only the professions that have a reference are compared. Columns ``profession``,
    ``densite_territoire``, ``densite_reference``, ``ecart`` (territory − reference),
    ``rapport`` (territory / reference), ``date``, ``verifie``, ``source``.
    """
    territory = density(counts, population, per).loc[TERRITORY_LABEL]
    reference = reference_densities(area, at, per)
    reference = reference[reference["profession"].isin(territory.index)].reset_index(drop=True)
    if reference.empty:
        raise InputError(
            f"Aucune profession du tableau des effectifs n'a de densité de référence pour "
            f"« {area} ». Professions de référence : "
            f"{', '.join(reference_densities(area, at)['profession'])}."
        )
    local = pd.Series(territory.reindex(reference["profession"]).to_numpy(dtype=float))
    reference.insert(1, "densite_territoire", local)
    reference.insert(3, "ecart", local - reference["densite_reference"])
    reference.insert(4, "rapport", local / reference["densite_reference"])
    return reference


def share_aged_60_plus(gps: pd.DataFrame) -> float:
    """Share (a fraction between 0 and 1) of the professionals aged 60 or more.

    ``gps``: one row per professional with an ``age`` column (whole years). Raises
    :class:`InputError` (French) on a missing column, an empty table or an age that is not
    a number between 0 and 120.
    """
    table = require_frame(gps, "Tableau des médecins", (AGE,))
    if table.empty:
        raise InputError("Tableau des médecins : il est vide ; ajoutez une ligne par médecin.")
    ages = pd.to_numeric(table[AGE], errors="coerce")
    bad = ages.isna() | (ages < 0) | (ages > 120)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"Tableau des médecins : l'âge « {table[AGE].iloc[position]} » (ligne "
            f"{position + 1}) n'est pas un nombre d'années entre 0 et 120. Corrigez-le."
        )
    return float((ages >= 60).sum() / len(ages))
