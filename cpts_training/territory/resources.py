"""The territory's resources: professionals, partner structures, travel times, outlines.

Four files sit next to ``communes.csv`` in a territory directory (the embedded fictional
one is ``data/territoire/``, described in ``ressources.yaml``; every value is invented):

``professionnels.csv``
    one row per commune (:data:`PROFESSIONAL_COLUMNS`): ``code_commune`` (unique, a
    commune of ``communes.csv``; every commune has its row, with zeros where nobody
    practises), the general practitioners by age band (:data:`GP_AGE_BANDS`) and the
    numbers of nurses, physiotherapists, midwives, dentists and pharmacies
    (:data:`PROFESSIONS`), whole numbers ≥ 0.
``structures.csv``
    one row per partner structure (:data:`STRUCTURE_COLUMNS`): ``identifiant``
    (unique), ``nom``, ``type`` (one of :data:`STRUCTURE_TYPES`), ``code_commune`` (a
    commune of ``communes.csv``) and a short French ``description``.
``temps_trajet.csv``
    a square matrix of car travel times in minutes: a ``code_commune`` column, then
    one column per commune code; the same codes as ``communes.csv``, zero on the
    diagonal, no negative time, symmetric within :data:`SYMMETRY_TOLERANCE_MIN`.
``communes.geojson``
    a GeoJSON ``FeatureCollection`` with one ``Polygon`` feature per commune, its
    ``properties.code_commune`` a commune of ``communes.csv``.

Each loader takes the territory directory (default: the embedded one), reads its
``communes.csv`` for the list of codes, and raises
:class:`~cpts_training.errors.DataError` with a French message naming the file, the
line (header = line 1) or feature, the column and the fix.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cpts_training.columns import Column, declare_columns
from cpts_training.errors import DataError
from cpts_training.formatting import format_decimal_fr
from cpts_training.readers import read_csv_table
from cpts_training.territory.case_study import (
    COMMUNES_FILENAME,
    DEFAULT_TERRITORY_DIR,
    OCCITANIE_LATITUDE,
    OCCITANIE_LONGITUDE,
    Territory,
    load_communes,
)
from cpts_training.validation import (
    require_allowed_values,
    require_columns,
    require_integers,
    require_non_empty,
    require_non_negative,
    require_numeric,
    require_unique,
)

PROFESSIONALS_FILENAME = "professionnels.csv"
STRUCTURES_FILENAME = "structures.csv"
TRAVEL_TIMES_FILENAME = "temps_trajet.csv"
POLYGONS_FILENAME = "communes.geojson"

GP_AGE_BANDS: dict[str, str] = {
    "mg_moins_40": "moins de 40 ans",
    "mg_40_49": "40 à 49 ans",
    "mg_50_59": "50 à 59 ans",
    "mg_60_plus": "60 ans et plus",
}
"""Columns of general practitioners by age band, youngest first, with French labels."""

PROFESSIONS: dict[str, str] = {
    "infirmiers": "Infirmiers",
    "masseurs_kinesitherapeutes": "Masseurs-kinésithérapeutes",
    "sages_femmes": "Sages-femmes",
    "chirurgiens_dentistes": "Chirurgiens-dentistes",
    "pharmacies": "Pharmacies (officines)",
}
"""Count columns of the other professions (and pharmacies), with French labels."""

COUNT_COLUMNS: tuple[str, ...] = (*GP_AGE_BANDS, *PROFESSIONS)
PROFESSIONAL_COLUMNS: tuple[str, ...] = ("code_commune", *COUNT_COLUMNS)
"""Required columns of ``professionnels.csv``, in file order."""

GP_TOTAL_COLUMN = "medecins_generalistes"
"""Column added by :func:`load_professionals`: the sum of the GP age bands."""

STRUCTURE_TYPES: tuple[str, ...] = (
    "centre hospitalier",
    "hôpital de proximité",
    "clinique",
    "EHPAD",
    "HAD",
    "SSIAD",
    "SAAD",
    "MSP",
    "centre de santé",
    "DAC",
    "CLS",
    "CMP",
    "PMI",
    "CCAS",
    "CLIC",
    "autre",
)
"""Allowed values of the ``type`` column of ``structures.csv``."""

STRUCTURE_COLUMNS: tuple[str, ...] = ("identifiant", "nom", "type", "code_commune", "description")
"""Required columns of ``structures.csv``, in file order."""

SYMMETRY_TOLERANCE_MIN = 2.0
"""Largest accepted gap, in minutes, between the time from A to B and from B to A."""


def _directory(directory: Path | None) -> Path:
    folder = DEFAULT_TERRITORY_DIR if directory is None else Path(directory)
    if not folder.is_dir():
        raise DataError(
            f"{folder} : dossier introuvable. Indiquez le dossier qui contient "
            f"{COMMUNES_FILENAME} et les fichiers du territoire."
        )
    return folder


def _commune_codes(folder: Path) -> list[str]:
    return [str(code) for code in load_communes(folder / COMMUNES_FILENAME)["code_commune"]]


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(
            f"{path.name} : fichier introuvable ({path}). "
            "Vérifiez le nom et l'emplacement du fichier."
        )
    return read_csv_table(path).frame


def _require_known_communes(
    df: pd.DataFrame, codes: list[str], source: str, column: str = "code_commune"
) -> None:
    known = set(codes)
    for position, code in enumerate(df[column]):
        if code not in known:
            raise DataError(
                f"{source}, ligne {position + 2}, colonne « {column} » : la commune "
                f"« {code} » n'est pas dans {COMMUNES_FILENAME}. Corrigez le code (codes "
                f"connus : {', '.join(codes)}) ou ajoutez la commune à {COMMUNES_FILENAME}."
            )


def validate_professionals(
    df: pd.DataFrame, codes: list[str], source: str = PROFESSIONALS_FILENAME
) -> pd.DataFrame:
    """Check a table of professionals by commune against the commune ``codes``.

    Returns it indexed by ``code_commune`` in the order of ``codes``, the counts as
    ``int64``, plus the column :data:`GP_TOTAL_COLUMN` (sum of the GP age bands).

    Raises:
        DataError: missing column, empty or non-numeric cell, negative or fractional
            count, duplicated or unknown commune, or a commune without its row.
    """
    require_columns(df, PROFESSIONAL_COLUMNS, f"{source}, ligne 1")
    require_non_empty(df, PROFESSIONAL_COLUMNS, source)
    out = require_numeric(df, COUNT_COLUMNS, source)
    require_non_negative(out, COUNT_COLUMNS, source)
    out = require_integers(out, COUNT_COLUMNS, source)
    require_unique(out, "code_commune", source)
    _require_known_communes(out, codes, source)
    missing = [code for code in codes if code not in set(out["code_commune"])]
    if missing:
        raise DataError(
            f"{source} : aucune ligne pour la ou les commune(s) {', '.join(missing)}. "
            "Ajoutez une ligne par commune, avec des 0 là où aucun professionnel n'exerce."
        )
    out = out.set_index("code_commune").loc[codes]
    out[GP_TOTAL_COLUMN] = out[list(GP_AGE_BANDS)].sum(axis=1).astype("int64")
    return out


def load_professionals(directory: Path | None = None) -> pd.DataFrame:
    """Load ``professionnels.csv`` of a territory directory (default: the embedded one).

    Returns one row per commune, indexed by ``code_commune`` in the order of
    ``communes.csv``, with the ``int64`` columns of :data:`GP_AGE_BANDS` and
    :data:`PROFESSIONS` and :data:`GP_TOTAL_COLUMN`.

    Raises:
        DataError: if a file is missing or fails a check (see
            :func:`validate_professionals`).
    """
    folder = _directory(directory)
    codes = _commune_codes(folder)
    path = folder / PROFESSIONALS_FILENAME
    return validate_professionals(_read(path), codes, path.name)


def validate_structures(
    df: pd.DataFrame, codes: list[str], source: str = STRUCTURES_FILENAME
) -> pd.DataFrame:
    """Check a table of partner structures against the commune ``codes``.

    Returns it in file order with a default ``RangeIndex``.

    Raises:
        DataError: missing column, empty cell, duplicated ``identifiant``, unknown
            ``type`` or unknown commune.
    """
    require_columns(df, STRUCTURE_COLUMNS, f"{source}, ligne 1")
    require_non_empty(df, STRUCTURE_COLUMNS, source)
    require_unique(df, "identifiant", source)
    require_allowed_values(df, "type", STRUCTURE_TYPES, source)
    _require_known_communes(df, codes, source)
    return df.reset_index(drop=True)


def load_structures(directory: Path | None = None) -> pd.DataFrame:
    """Load ``structures.csv`` of a territory directory (default: the embedded one).

    Returns one row per structure in file order, with the text columns of
    :data:`STRUCTURE_COLUMNS`.

    Raises:
        DataError: if a file is missing or fails a check (see :func:`validate_structures`).
    """
    folder = _directory(directory)
    codes = _commune_codes(folder)
    path = folder / STRUCTURES_FILENAME
    return validate_structures(_read(path), codes, path.name)


def validate_travel_times(
    df: pd.DataFrame,
    codes: list[str],
    source: str = TRAVEL_TIMES_FILENAME,
    tolerance: float = SYMMETRY_TOLERANCE_MIN,
) -> pd.DataFrame:
    """Check a travel-time matrix (minutes) against the commune ``codes``.

    ``df`` has a ``code_commune`` column then one column per commune code. Returns a
    square ``float64`` DataFrame indexed and with columns by ``code_commune``, both in
    the order of ``codes``.

    Raises:
        DataError: missing ``code_commune`` column, a row or column code absent from
            or missing in ``communes.csv``, a duplicate, an empty or non-numeric cell, a
            negative time, a non-zero diagonal, or A→B and B→A differing by more than
            ``tolerance`` minutes.
    """
    require_columns(df, ("code_commune",), f"{source}, ligne 1")
    require_non_empty(df, ("code_commune",), source)
    require_unique(df, "code_commune", source)
    _require_known_communes(df, codes, source)
    columns = [str(c) for c in df.columns if c != "code_commune"]
    known = set(codes)
    for column in columns:
        if column not in known:
            raise DataError(
                f"{source}, ligne 1 : la colonne « {column} » n'est pas un code de "
                f"{COMMUNES_FILENAME}. Corrigez son nom (codes connus : {', '.join(codes)}) "
                "ou supprimez-la."
            )
    rows = set(df["code_commune"])
    missing_rows = [code for code in codes if code not in rows]
    missing_columns = [code for code in codes if code not in set(columns)]
    if missing_rows or missing_columns:
        what = []
        if missing_rows:
            what.append(f"ligne(s) manquante(s) : {', '.join(missing_rows)}")
        if missing_columns:
            what.append(f"colonne(s) manquante(s) : {', '.join(missing_columns)}")
        raise DataError(
            f"{source} : la matrice doit être carrée, avec une ligne et une colonne par "
            f"commune de {COMMUNES_FILENAME} ({'; '.join(what)}). Ajoutez-les."
        )
    require_non_empty(df, columns, source)
    out = require_numeric(df, columns, source)
    require_non_negative(out, columns, source)
    positions = {code: position for position, code in enumerate(out["code_commune"])}
    matrix = out.set_index("code_commune").loc[codes, codes].astype("float64")
    matrix.index.name = "code_commune"
    matrix.columns.name = "code_commune"
    values = matrix.to_numpy()
    for i, code in enumerate(codes):
        if values[i, i] != 0:
            raise DataError(
                f"{source}, ligne {positions[code] + 2}, colonne « {code} » : le temps de "
                f"trajet d'une commune à elle-même vaut {format_decimal_fr(values[i, i])} "
                "minute(s). Saisissez 0 sur la diagonale."
            )
    gaps = np.abs(values - values.T)
    if (gaps > tolerance).any():
        i, j = (int(k) for k in np.argwhere(gaps > tolerance)[0])
        a, b = codes[i], codes[j]
        raise DataError(
            f"{source}, ligne {positions[a] + 2}, colonne « {b} » : {a} → {b} prend "
            f"{format_decimal_fr(values[i, j])} minute(s) mais {b} → {a} (ligne "
            f"{positions[b] + 2}, colonne « {a} ») en prend {format_decimal_fr(values[j, i])}. "
            f"L'écart dépasse {format_decimal_fr(tolerance)} minute(s) : corrigez l'une des "
            "deux cases."
        )
    return matrix


def load_travel_times(directory: Path | None = None) -> pd.DataFrame:
    """Load ``temps_trajet.csv`` of a territory directory (default: the embedded one).

    Returns the square matrix of car travel times in minutes (``float64``), indexed and
    with columns by ``code_commune`` in the order of ``communes.csv``.

    Raises:
        DataError: if a file is missing or fails a check (see
            :func:`validate_travel_times`).
    """
    folder = _directory(directory)
    codes = _commune_codes(folder)
    path = folder / TRAVEL_TIMES_FILENAME
    return validate_travel_times(_read(path), codes, path.name)


def _feature_error(source: str, number: int, problem: str, fix: str) -> DataError:
    return DataError(f"{source}, commune n° {number} (« features ») : {problem}. {fix}")


def _ring(feature: Any, source: str, number: int) -> list[tuple[float, float]]:
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        raise _feature_error(
            source,
            number,
            "la géométrie n'est pas un « Polygon »",
            "Enregistrez chaque commune comme un polygone simple (pas de MultiPolygon).",
        )
    rings = geometry.get("coordinates")
    if not isinstance(rings, list) or not rings or not isinstance(rings[0], list):
        raise _feature_error(
            source, number, "le polygone n'a pas de coordonnées", "Exportez à nouveau le fichier."
        )
    points: list[tuple[float, float]] = []
    for point in rings[0]:
        if (
            not isinstance(point, list)
            or len(point) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point[:2])
        ):
            raise _feature_error(
                source,
                number,
                f"le point {point!r} n'est pas une paire [longitude, latitude]",
                "Exportez à nouveau le fichier en GeoJSON (WGS 84, degrés décimaux).",
            )
        lon, lat = float(point[0]), float(point[1])
        if not (
            OCCITANIE_LONGITUDE[0] <= lon <= OCCITANIE_LONGITUDE[1]
            and OCCITANIE_LATITUDE[0] <= lat <= OCCITANIE_LATITUDE[1]
        ):
            raise _feature_error(
                source,
                number,
                f"le point [{lon}, {lat}] est hors d'Occitanie",
                "Exportez le fichier en WGS 84 (EPSG:4326), longitude d'abord, en degrés "
                "décimaux (pas en Lambert 93).",
            )
        points.append((lon, lat))
    if len(points) < 4 or points[0] != points[-1]:
        raise _feature_error(
            source,
            number,
            "le contour n'est pas fermé (au moins 4 points, le dernier égal au premier)",
            "Exportez à nouveau le fichier en GeoJSON.",
        )
    return points


def validate_polygons(
    data: Any, codes: list[str], source: str = POLYGONS_FILENAME
) -> dict[str, list[tuple[float, float]]]:
    """Check parsed GeoJSON against the commune ``codes``; return code → outer ring.

    Each ring is a list of ``(longitude, latitude)`` pairs, closed (last = first). The
    dict follows the order of ``codes``.

    Raises:
        DataError: not a ``FeatureCollection``, a feature without a known
            ``properties.code_commune`` or a duplicate, a geometry that is not a closed
            ``Polygon`` in Occitanie, or a commune without its polygon.
    """
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise DataError(
            f"{source} : le fichier n'est pas une collection GeoJSON (« type »: "
            "« FeatureCollection »). Exportez les contours au format GeoJSON."
        )
    features = data.get("features")
    if not isinstance(features, list):
        raise DataError(
            f"{source} : la liste « features » manque. Exportez les contours au format GeoJSON."
        )
    known = set(codes)
    rings: dict[str, list[tuple[float, float]]] = {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get("code_commune") if isinstance(properties, dict) else None
        if code not in known:
            raise _feature_error(
                source,
                number,
                f"la propriété « code_commune » vaut « {code} », absent de {COMMUNES_FILENAME}",
                f"Donnez à chaque polygone le code de sa commune ({', '.join(codes)}).",
            )
        if code in rings:
            raise _feature_error(
                source,
                number,
                f"la commune « {code} » a déjà un polygone",
                "Supprimez le doublon ou corrigez son code.",
            )
        rings[str(code)] = _ring(feature, source, number)
    missing = [code for code in codes if code not in rings]
    if missing:
        raise DataError(
            f"{source} : aucun polygone pour la ou les commune(s) {', '.join(missing)}. "
            "Ajoutez un polygone par commune."
        )
    return {code: rings[code] for code in codes}


def load_polygons(directory: Path | None = None) -> dict[str, list[tuple[float, float]]]:
    """Load ``communes.geojson`` of a territory directory (default: the embedded one).

    Returns a dict ``code_commune`` → outer ring as ``(longitude, latitude)`` pairs, in
    the order of ``communes.csv`` (read with :mod:`json`, no GIS library).

    Raises:
        DataError: if a file is missing, is not JSON or fails a check (see
            :func:`validate_polygons`).
    """
    folder = _directory(directory)
    codes = _commune_codes(folder)
    path = folder / POLYGONS_FILENAME
    if not path.is_file():
        raise DataError(
            f"{path.name} : fichier introuvable ({path}). "
            "Vérifiez le nom et l'emplacement du fichier."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path.name} : le fichier n'est pas en UTF-8. Exportez-le à nouveau en GeoJSON "
            "(UTF-8)."
        ) from exc
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path.name}, ligne {exc.lineno} : le fichier n'est pas du JSON valide "
            f"({exc.msg}). Exportez-le à nouveau en GeoJSON."
        ) from exc
    return validate_polygons(data, codes, path.name)


TOTAL_ROW = "Total du territoire"
"""Label of the total row of :func:`professionals_table`."""

PROFESSIONAL_LABELS = declare_columns(
    *(Column(name, f"Médecins généralistes, {label}") for name, label in GP_AGE_BANDS.items()),
    Column("medecins_generalistes", "Médecins généralistes (tous âges)"),
    *(Column(name, label) for name, label in PROFESSIONS.items()),
)
"""French headers of the professionals' counts."""


def professionals_table(territory: Territory, directory: Path | None = None) -> pd.DataFrame:
    """The professionals of each commune as a trainee reads them: ``code_commune``,
    ``commune`` (name), the counts of :func:`load_professionals` (GPs in all first, so
    that it shows without scrolling, then by age band, the other professions,
    pharmacies), then a last row :data:`TOTAL_ROW` with the territory's totals (whole
    numbers)."""
    counts = load_professionals(directory)
    counts = counts[[GP_TOTAL_COLUMN, *(c for c in counts.columns if c != GP_TOTAL_COLUMN)]]
    names = territory.communes.set_index("code_commune")["commune"]
    table = counts.reset_index()
    table.insert(1, "commune", [names[code] for code in table["code_commune"]])
    total: dict[str, object] = {"code_commune": "", "commune": TOTAL_ROW}
    total.update({c: int(counts[c].sum()) for c in counts.columns})
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)
