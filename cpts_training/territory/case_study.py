"""Case-study data shipped with the package, loaded and validated.

The embedded territory is the fictional « CPTS de la Vallée de l'Aubrenne », in
Occitanie: a bourg-centre, three pôles de proximité and fourteen villages. All the
communes and figures are invented (see ``data/territoire/territoire.yaml``).

A territory directory holds two files:

``territoire.yaml``
    metadata: ``name``, ``fictional`` (true/false), ``warning`` (required when
    fictional), ``region``, ``departement``, ``population_year``, ``description``,
    ``sources``.
``communes.csv``
    UTF-8 (with or without a byte-order mark), « , »-separated with decimal points or
    « ; »-separated with decimal commas (as a French spreadsheet writes it; see
    :func:`~cpts_training.readers.read_csv_table`), one row per commune, with the columns of
    :data:`COMMUNE_COLUMNS`:

    - ``code_commune`` (str, unique), ``commune`` (str), ``statut`` (one of
      :data:`STATUTS`, exactly one ``bourg-centre``);
    - ``population`` (int, inhabitants) and the six age bands ``pop_0_14`` …
      ``pop_75_plus`` (int, inhabitants), which add up to ``population`` on each row;
    - ``superficie_km2`` (float, km², > 0);
    - ``latitude``, ``longitude`` (float, decimal degrees, WGS 84), inside a box around
      Occitanie (:data:`OCCITANIE_LATITUDE`, :data:`OCCITANIE_LONGITUDE`);
    - ``distance_bourg_min`` (car minutes to the bourg-centre, 0 for the bourg-centre).

Every loader raises :class:`~cpts_training.errors.DataError` with a French message
naming the file, the line (header = line 1), the column and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cpts_training.errors import DataError
from cpts_training.formatting import format_number_fr
from cpts_training.paths import DATA_DIR
from cpts_training.readers import read_csv_table, read_yaml
from cpts_training.validation import (
    require_allowed_values,
    require_between,
    require_columns,
    require_exactly_one,
    require_integers,
    require_non_empty,
    require_non_negative,
    require_numeric,
    require_positive,
    require_row_sum,
    require_unique,
)

DEFAULT_TERRITORY_DIR: Path = DATA_DIR / "territoire"
"""Directory of the embedded fictional territory."""

METADATA_FILENAME = "territoire.yaml"
COMMUNES_FILENAME = "communes.csv"

AGE_BANDS: dict[str, str] = {
    "pop_0_14": "0 à 14 ans",
    "pop_15_29": "15 à 29 ans",
    "pop_30_44": "30 à 44 ans",
    "pop_45_59": "45 à 59 ans",
    "pop_60_74": "60 à 74 ans",
    "pop_75_plus": "75 ans et plus",
}
"""Age-band columns of ``communes.csv``, youngest first, with their French labels."""

AGE_BAND_COLUMNS: tuple[str, ...] = tuple(AGE_BANDS)

STATUTS: tuple[str, ...] = ("bourg-centre", "pôle de proximité", "village")
"""Allowed values of the ``statut`` column."""

BOURG_CENTRE = "bourg-centre"

TEXT_COLUMNS: tuple[str, ...] = ("code_commune", "commune", "statut")
INTEGER_COLUMNS: tuple[str, ...] = ("population", *AGE_BAND_COLUMNS)
FLOAT_COLUMNS: tuple[str, ...] = (
    "superficie_km2",
    "latitude",
    "longitude",
    "distance_bourg_min",
)
COMMUNE_COLUMNS: tuple[str, ...] = TEXT_COLUMNS + INTEGER_COLUMNS + FLOAT_COLUMNS
"""Required columns of ``communes.csv``, in file order."""

OCCITANIE_LATITUDE: tuple[float, float] = (42.3, 45.1)
"""Latitude range (degrees north) of a box around the Occitanie region."""

OCCITANIE_LONGITUDE: tuple[float, float] = (-0.4, 4.9)
"""Longitude range (degrees east) of a box around the Occitanie region."""

SUMMARY_COLUMNS: tuple[str, ...] = (
    "Commune",
    "Statut",
    "Population",
    "Part des 75 ans et plus (%)",
    "Densité (hab/km²)",
)
"""Columns of :meth:`Territory.summary`."""


@dataclass(frozen=True, eq=False, repr=False)
class Territory:
    """A CPTS territory: its metadata and its communes.

    Attributes:
        name: the territory's name, as shown to trainees.
        metadata: the content of ``territoire.yaml`` (``fictional``, ``warning``,
            ``region``, ``description``, ``sources``...).
        communes: one row per commune, with the columns of :data:`COMMUNE_COLUMNS`
            (validated, integer populations).

    Instances compare by identity (a DataFrame has no single truth value).
    """

    name: str
    metadata: dict[str, Any]
    communes: pd.DataFrame

    def __repr__(self) -> str:
        return (
            f"Territory(name={self.name!r}, communes={len(self.communes)}, "
            f"population={self.population})"
        )

    @property
    def fictional(self) -> bool:
        """True when the territory is invented (then ``metadata['warning']`` says so)."""
        return bool(self.metadata.get("fictional"))

    @property
    def population(self) -> int:
        """Total population: the sum of the communes' ``population``."""
        return int(self.communes["population"].sum())

    @property
    def age_bands(self) -> pd.Series:
        """Inhabitants per age band over the whole territory.

        A Series of ``int`` named ``population``, indexed by the French labels of
        :data:`AGE_BANDS` ("0 à 14 ans" … "75 ans et plus", youngest first; index name
        ``tranche_age``). It adds up to :attr:`population`.
        """
        totals = self.communes[list(AGE_BAND_COLUMNS)].sum().astype("int64")
        totals.index = pd.Index([AGE_BANDS[c] for c in AGE_BAND_COLUMNS], name="tranche_age")
        totals.name = "population"
        return totals

    @property
    def share_75_plus(self) -> float:
        """Share of inhabitants aged 75 or more, as a fraction (0.119 for 11.9 %).

        Formula: sum of ``pop_75_plus`` / sum of ``population`` over the communes.
        """
        return float(self.communes["pop_75_plus"].sum() / self.communes["population"].sum())

    @property
    def bourg_centre(self) -> str:
        """Name of the commune whose ``statut`` is ``bourg-centre``."""
        is_bourg = self.communes["statut"] == BOURG_CENTRE
        return str(self.communes.loc[is_bourg, "commune"].iloc[0])

    def summary(self) -> pd.DataFrame:
        """One row per commune, in file order, for display, with French column labels.

        Columns (:data:`SUMMARY_COLUMNS`): ``Commune``, ``Statut``, ``Population``
        (int), ``Part des 75 ans et plus (%)`` (100 × pop_75_plus / population, one
        decimal) and ``Densité (hab/km²)`` (population / superficie_km2, one decimal).
        """
        c = self.communes
        table = pd.DataFrame(
            {
                SUMMARY_COLUMNS[0]: c["commune"],
                SUMMARY_COLUMNS[1]: c["statut"],
                SUMMARY_COLUMNS[2]: c["population"].astype("int64"),
                SUMMARY_COLUMNS[3]: (100 * c["pop_75_plus"] / c["population"]).round(1),
                SUMMARY_COLUMNS[4]: (c["population"] / c["superficie_km2"]).round(1),
            }
        )
        return table.reset_index(drop=True)


def _read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV as text cells, keeping spreadsheet line numbers (see :func:`read_csv_table`)."""
    if not path.is_file():
        raise DataError(
            f"{path.name} : fichier introuvable ({path}). "
            "Vérifiez le nom et l'emplacement du fichier."
        )
    return read_csv_table(path).frame


def validate_communes(df: pd.DataFrame, source: str = COMMUNES_FILENAME) -> pd.DataFrame:
    """Check a table of communes and return it with numeric columns converted.

    ``df`` holds one row per commune, in file order (the first row is line 2 of
    ``source``), with the columns of :data:`COMMUNE_COLUMNS` (extra columns are kept).
    Population columns become ``int64``, the others ``float64``.

    Raises:
        DataError: on the first problem found, with a French message naming
            ``source``, the line, the column and the fix.
    """
    require_columns(df, COMMUNE_COLUMNS, f"{source}, ligne 1")
    if df.empty:
        raise DataError(
            f"{source} : aucune commune. Ajoutez une ligne par commune sous la ligne 1 "
            "(noms de colonnes)."
        )
    require_non_empty(df, COMMUNE_COLUMNS, source)
    out = require_numeric(df, INTEGER_COLUMNS + FLOAT_COLUMNS, source)
    require_non_negative(out, (*INTEGER_COLUMNS, "superficie_km2", "distance_bourg_min"), source)
    out = require_integers(out, INTEGER_COLUMNS, source)
    for column in FLOAT_COLUMNS:
        out[column] = out[column].astype("float64")
    require_positive(out, ("population", "superficie_km2"), source)
    require_unique(out, "code_commune", source)
    require_allowed_values(out, "statut", STATUTS, source)
    require_row_sum(
        out,
        AGE_BAND_COLUMNS,
        "population",
        source,
        parts_label="des tranches d'âge",
        total_label="à la population",
        fix="Corrigez une tranche d'âge ou la population.",
    )
    require_between(
        out,
        "latitude",
        *OCCITANIE_LATITUDE,
        source,
        context=" pour une commune d'Occitanie",
        fix=(
            "Saisissez la latitude en degrés décimaux (par exemple 43.74), avec un point "
            "décimal, et vérifiez qu'elle n'a pas été échangée avec la longitude."
        ),
    )
    require_between(
        out,
        "longitude",
        *OCCITANIE_LONGITUDE,
        source,
        context=" pour une commune d'Occitanie",
        fix=(
            "Saisissez la longitude en degrés décimaux (par exemple 3.09), négative à l'ouest "
            "du méridien de Greenwich, et vérifiez qu'elle n'a pas été échangée avec la "
            "latitude."
        ),
    )
    require_exactly_one(
        out,
        "statut",
        BOURG_CENTRE,
        source,
        name_column="commune",
        fix=(
            "Un territoire a exactement un bourg-centre : donnez aux autres communes le statut "
            "« pôle de proximité » ou « village »."
        ),
    )
    bourg = int((out["statut"] == BOURG_CENTRE).to_numpy().nonzero()[0][0])
    distance = out["distance_bourg_min"].iloc[bourg]
    if distance != 0:
        raise DataError(
            f"{source}, ligne {bourg + 2}, colonne « distance_bourg_min » : le bourg-centre "
            f"est à {format_number_fr(distance, 1)} minute(s) de lui-même. "
            "Saisissez 0 pour le bourg-centre."
        )
    return out


def load_communes(path: Path) -> pd.DataFrame:
    """Load and validate a ``communes.csv`` file (see the module docstring for its columns).

    Returns one row per commune in file order, with a default ``RangeIndex``; population
    columns are ``int64``, ``superficie_km2``, ``latitude``, ``longitude`` and
    ``distance_bourg_min`` are ``float64``.

    Raises:
        DataError: if the file is missing, unreadable or fails a check.
    """
    path = Path(path)
    return validate_communes(_read_csv(path), path.name)


def load_metadata(path: Path) -> dict[str, Any]:
    """Load and check a ``territoire.yaml`` file.

    Requires a mapping with ``name`` (non-empty text) and ``fictional`` (true or false),
    plus a non-empty ``warning`` when ``fictional`` is true.

    Raises:
        DataError: if the file is missing, is not valid YAML or lacks a required key.
    """
    path = Path(path)
    source = path.name
    if not path.is_file():
        raise DataError(
            f"{source} : fichier introuvable ({path}). Vérifiez le nom et l'emplacement du fichier."
        )
    metadata = read_yaml(path)
    if not isinstance(metadata, dict):
        raise DataError(
            f"{source} : le fichier doit contenir des paires « clé: valeur », une par ligne "
            "(name, fictional, warning, region...)."
        )
    name = metadata.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DataError(
            f"{source} : la clé « name » manque ou est vide. "
            "Ajoutez une ligne « name: <nom du territoire> »."
        )
    if "fictional" not in metadata:
        raise DataError(
            f"{source} : la clé « fictional » manque. Ajoutez une ligne « fictional: true » "
            "si le territoire est inventé, « fictional: false » s'il est réel."
        )
    if not isinstance(metadata["fictional"], bool):
        raise DataError(
            f"{source} : la clé « fictional » vaut « {metadata['fictional']} ». "
            "Écrivez « fictional: true » ou « fictional: false »."
        )
    warning = metadata.get("warning")
    if metadata["fictional"] and (not isinstance(warning, str) or not warning.strip()):
        raise DataError(
            f"{source} : un territoire fictif doit avoir un avertissement. Ajoutez une ligne "
            "« warning: Territoire fictif créé pour la formation… »."
        )
    return metadata


def load_territory(directory: Path | None = None) -> Territory:
    """Load a territory from ``directory`` (default: the embedded fictional territory).

    ``directory`` holds ``territoire.yaml`` and ``communes.csv`` (see the module
    docstring); both are validated.

    Raises:
        DataError: if a file is missing or fails a check.
    """
    directory = DEFAULT_TERRITORY_DIR if directory is None else Path(directory)
    if not directory.is_dir():
        raise DataError(
            f"{directory} : dossier introuvable. Indiquez le dossier qui contient "
            f"{METADATA_FILENAME} et {COMMUNES_FILENAME}."
        )
    metadata = load_metadata(directory / METADATA_FILENAME)
    communes = load_communes(directory / COMMUNES_FILENAME)
    return Territory(name=metadata["name"].strip(), metadata=metadata, communes=communes)
