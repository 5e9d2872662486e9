"""Tests of the embedded case-study territory and of its loaders.

Expected values are computed from the CSV file with the standard ``csv`` module, not
with the pandas code under test.
"""

from __future__ import annotations

import csv
import math
import shutil
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cpts_training.datasets import (
    AGE_BAND_COLUMNS,
    COMMUNE_COLUMNS,
    DEFAULT_TERRITORY_DIR,
    SUMMARY_COLUMNS,
    Territory,
    load_communes,
    load_metadata,
    load_territory,
)
from cpts_training.errors import DataError
from cpts_training.formatting import format_euros, format_number_fr

NNBSP = "\u202f"  # narrow no-break space: thousands separator
NBSP = "\u00a0"  # no-break space: before the euro sign

COMMUNES_CSV = DEFAULT_TERRITORY_DIR / "communes.csv"
TERRITOIRE_YAML = DEFAULT_TERRITORY_DIR / "territoire.yaml"


# --------------------------------------------------------------------------- helpers


def read_rows() -> list[dict[str, str]]:
    """Rows of the shipped communes.csv, read with the csv module."""
    with COMMUNES_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]], fieldnames: list[str] | None = None) -> Path:
    """Write ``rows`` as a comma-separated UTF-8 file and return its path."""
    fieldnames = fieldnames or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def territory() -> Territory:
    return load_territory()


@pytest.fixture
def rows() -> list[dict[str, str]]:
    return read_rows()


@pytest.fixture
def bad_csv(tmp_path: Path) -> Path:
    return tmp_path / "communes.csv"


def load_error(path: Path) -> str:
    """Load ``path`` expecting a DataError; return its message."""
    with pytest.raises(DataError) as info:
        load_communes(path)
    return str(info.value)


# ------------------------------------------------------------------ the real territory


def test_total_population_matches_csv(territory: Territory) -> None:
    expected = sum(int(row["population"]) for row in read_rows())
    assert territory.population == expected
    assert isinstance(territory.population, int)


def test_number_of_communes_matches_csv(territory: Territory) -> None:
    assert len(territory.communes) == len(read_rows())


def test_share_75_plus_matches_csv(territory: Territory) -> None:
    rows = read_rows()
    expected = sum(int(r["pop_75_plus"]) for r in rows) / sum(int(r["population"]) for r in rows)
    assert territory.share_75_plus == pytest.approx(expected, rel=1e-12)


def test_bourg_centre_name_matches_csv(territory: Territory) -> None:
    names = [r["commune"] for r in read_rows() if r["statut"] == "bourg-centre"]
    assert names == [territory.bourg_centre]
    assert territory.bourg_centre == "Castelnau-d'Aubrenne"


def test_age_bands_match_csv(territory: Territory) -> None:
    rows = read_rows()
    bands = territory.age_bands
    assert list(bands.index) == [
        "0 à 14 ans",
        "15 à 29 ans",
        "30 à 44 ans",
        "45 à 59 ans",
        "60 à 74 ans",
        "75 ans et plus",
    ]
    for label, column in zip(bands.index, AGE_BAND_COLUMNS, strict=True):
        assert bands[label] == sum(int(r[column]) for r in rows)
    assert int(bands.sum()) == territory.population


def test_communes_have_expected_columns_and_types(territory: Territory) -> None:
    communes = territory.communes
    assert list(communes.columns) == list(COMMUNE_COLUMNS)
    for column in ("population", *AGE_BAND_COLUMNS):
        assert communes[column].dtype == np.int64
    for column in ("superficie_km2", "latitude", "longitude", "distance_bourg_min"):
        assert communes[column].dtype == np.float64


def test_case_study_has_the_intended_shape() -> None:
    """The fictional territory keeps the shape the course relies on (ACI size 2)."""
    rows = read_rows()
    total = sum(int(r["population"]) for r in rows)
    assert 50_000 <= total <= 56_000  # ACI size 2 is 40 000 to 80 000 inhabitants
    by_statut: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_statut.setdefault(r["statut"], []).append(r)
    assert len(by_statut["bourg-centre"]) == 1
    assert 13_000 <= int(by_statut["bourg-centre"][0]["population"]) <= 15_000
    assert 2 <= len(by_statut["pôle de proximité"]) <= 3
    assert all(3_000 <= int(r["population"]) <= 6_000 for r in by_statut["pôle de proximité"])
    assert 10 <= len(by_statut["village"]) <= 14
    for r in rows:
        share = int(r["pop_75_plus"]) / int(r["population"])
        if r["statut"] == "village":
            assert 0.115 <= share <= 0.145, r["commune"]
        assert 43.6 <= float(r["latitude"]) <= 43.9
        assert 2.9 <= float(r["longitude"]) <= 3.3
    bourg_share = int(by_statut["bourg-centre"][0]["pop_75_plus"]) / int(
        by_statut["bourg-centre"][0]["population"]
    )
    village_75 = sum(int(r["pop_75_plus"]) for r in by_statut["village"])
    village_pop = sum(int(r["population"]) for r in by_statut["village"])
    assert bourg_share < village_75 / village_pop
    assert [r["code_commune"] for r in rows] == [f"AUB{i:02d}" for i in range(1, len(rows) + 1)]


def test_metadata_marks_the_territory_fictional(territory: Territory) -> None:
    assert territory.fictional is True
    assert territory.metadata["fictional"] is True
    assert territory.metadata["warning"] == (
        "Territoire fictif créé pour la formation : toutes les communes et tous les "
        "chiffres sont inventés."
    )
    assert territory.metadata["region"] == "Occitanie"
    assert territory.metadata["population_year"] == 2024
    assert "fictive" in territory.name
    assert territory.metadata["sources"]


def test_summary_shape_columns_and_values(territory: Territory) -> None:
    rows = read_rows()
    table = territory.summary()
    assert isinstance(table, pd.DataFrame)
    assert table.shape == (len(rows), 5)
    assert list(table.columns) == list(SUMMARY_COLUMNS)
    assert list(table.columns) == [
        "Commune",
        "Statut",
        "Population",
        "Part des 75 ans et plus (%)",
        "Densité (hab/km²)",
    ]
    assert list(table["Commune"]) == [r["commune"] for r in rows]
    first = rows[0]
    assert table.loc[0, "Population"] == int(first["population"])
    assert table.loc[0, "Part des 75 ans et plus (%)"] == pytest.approx(
        round(100 * int(first["pop_75_plus"]) / int(first["population"]), 1)
    )
    assert table.loc[0, "Densité (hab/km²)"] == pytest.approx(
        round(int(first["population"]) / float(first["superficie_km2"]), 1)
    )


def test_territory_repr_is_short(territory: Territory) -> None:
    assert repr(territory) == (
        f"Territory(name={territory.name!r}, communes={len(territory.communes)}, "
        f"population={territory.population})"
    )


def test_load_territory_from_a_directory(tmp_path: Path) -> None:
    shutil.copy(COMMUNES_CSV, tmp_path / "communes.csv")
    shutil.copy(TERRITOIRE_YAML, tmp_path / "territoire.yaml")
    copy = load_territory(tmp_path)
    assert copy.population == load_territory().population


# ------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, f"1{NNBSP}000"),
        (12345, 0, f"12{NNBSP}345"),
        (1234567.891, 2, f"1{NNBSP}234{NNBSP}567,89"),
        (12345.678, 1, f"12{NNBSP}345,7"),
        (2.5, 0, "3"),  # half away from zero, not to even
        (0.125, 2, "0,13"),
        (2.675, 2, "2,68"),
        (-1234.5, 1, f"-1{NNBSP}234,5"),
        (-2.5, 0, "-3"),
        (-0.4, 0, "0"),  # no "-0"
        (999.96, 1, f"1{NNBSP}000,0"),
        (12, 2, "12,00"),
        (np.int64(52886), 0, f"52{NNBSP}886"),
        (np.float64(0.1195), 3, "0,120"),
        (Decimal("1000000"), 0, f"1{NNBSP}000{NNBSP}000"),
    ],
)
def test_format_number_fr(value: float, decimals: int, expected: str) -> None:
    assert format_number_fr(value, decimals) == expected


def test_format_number_fr_missing_values() -> None:
    assert format_number_fr(None) == "n.d."
    assert format_number_fr(math.nan) == "n.d."
    assert format_number_fr(np.nan, 2) == "n.d."


@pytest.mark.parametrize("value", ["12", True, [1]])
def test_format_number_fr_rejects_non_numbers(value: object) -> None:
    with pytest.raises(TypeError):
        format_number_fr(value)  # type: ignore[arg-type]


def test_format_number_fr_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        format_number_fr(1.0, decimals=-1)
    with pytest.raises(ValueError):
        format_number_fr(math.inf)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (12345, 0, f"12{NNBSP}345{NBSP}€"),
        (1234.5, 2, f"1{NNBSP}234,50{NBSP}€"),
        (60000, 0, f"60{NNBSP}000{NBSP}€"),
        (-250, 0, f"-250{NBSP}€"),
        (None, 0, "n.d."),
    ],
)
def test_format_euros(value: float | None, decimals: int, expected: str) -> None:
    assert format_euros(value, decimals) == expected


# -------------------------------------------------------------------------- bad data


def test_missing_column(rows: list[dict[str, str]], bad_csv: Path) -> None:
    fields = [f for f in rows[0] if f != "pop_75_plus"]
    message = load_error(write_rows(bad_csv, rows, fields))
    assert message.startswith("communes.csv, ligne 1")
    assert "pop_75_plus" in message
    assert "Ajoutez" in message


def test_non_numeric_population(rows: list[dict[str, str]], bad_csv: Path) -> None:
    rows[3]["population"] = "trois mille"
    message = load_error(write_rows(bad_csv, rows))
    assert "communes.csv, ligne 5, colonne « population »" in message
    assert "« trois mille » n'est pas un nombre" in message


def test_number_with_a_space_is_not_a_number(rows: list[dict[str, str]], bad_csv: Path) -> None:
    rows[0]["population"] = "14 384"
    message = load_error(write_rows(bad_csv, rows))
    assert "communes.csv, ligne 2, colonne « population »" in message
    assert "sans espace" in message


def test_negative_value(rows: list[dict[str, str]], bad_csv: Path) -> None:
    rows[2]["pop_0_14"] = "-5"
    message = load_error(write_rows(bad_csv, rows))
    assert "communes.csv, ligne 4, colonne « pop_0_14 »" in message
    assert "négative" in message


def test_duplicate_code(rows: list[dict[str, str]], bad_csv: Path) -> None:
    rows[6]["code_commune"] = "AUB02"
    message = load_error(write_rows(bad_csv, rows))
    assert "communes.csv, ligne 8, colonne « code_commune »" in message
    assert "« AUB02 » apparaît plusieurs fois" in message


def test_age_bands_not_summing(rows: list[dict[str, str]], bad_csv: Path) -> None:
    row = rows[3]
    bands = sum(int(row[c]) for c in AGE_BAND_COLUMNS)
    row["population"] = str(bands + 30)
    message = load_error(write_rows(bad_csv, rows))
    assert message.startswith("communes.csv, ligne 5, colonnes « pop_0_14 » à « pop_75_plus »")
    assert (
        f"la somme des tranches d'âge ({format_number_fr(bands)}) ne correspond pas à la "
        f"population ({format_number_fr(bands + 30)})"
    ) in message
    assert NNBSP in message  # 3 712 and 3 742, with a thousands separator
    assert message.endswith("Corrigez une tranche d'âge ou la population.")


def test_two_bourg_centres(rows: list[dict[str, str]], bad_csv: Path) -> None:
    rows[1]["statut"] = "bourg-centre"
    message = load_error(write_rows(bad_csv, rows))
    assert "communes.csv, ligne 3" in message
    assert "colonne « statut »" in message
    assert "déjà ligne 2 (Castelnau-d'Aubrenne)" in message
    assert "exactement un bourg-centre" in message


def test_no_bourg_centre(rows: list[dict[str, str]], bad_csv: Path) -> None:
    rows[0]["statut"] = "pôle de proximité"
    message = load_error(write_rows(bad_csv, rows))
    assert "communes.csv, colonne « statut »" in message
    assert "aucune ligne" in message


def test_bad_statut(rows: list[dict[str, str]], bad_csv: Path) -> None:
    rows[9]["statut"] = "hameau"
    message = load_error(write_rows(bad_csv, rows))
    assert "communes.csv, ligne 11, colonne « statut »" in message
    assert "« hameau » n'est pas permise" in message
    assert "« pôle de proximité »" in message


def test_bad_statut_suggests_the_spelling(rows: list[dict[str, str]], bad_csv: Path) -> None:
    rows[1]["statut"] = "Pole de proximite"
    message = load_error(write_rows(bad_csv, rows))
    assert "communes.csv, ligne 3" in message
    assert "Vouliez-vous écrire « pôle de proximité » ?" in message


@pytest.mark.parametrize(
    ("column", "value", "line_index"),
    [
        ("latitude", "48.8566", 4),  # Paris
        ("longitude", "43.74", 7),  # latitude typed as longitude
        ("longitude", "-1.55", 0),  # Nantes-ish, west of Occitanie
    ],
)
def test_coordinates_outside_occitanie(
    rows: list[dict[str, str]], bad_csv: Path, column: str, value: str, line_index: int
) -> None:
    rows[line_index][column] = value
    message = load_error(write_rows(bad_csv, rows))
    assert f"communes.csv, ligne {line_index + 2}, colonne « {column} »" in message
    assert "d'Occitanie" in message
    assert "degrés décimaux" in message


def test_numbers_in_messages_are_french_decimals(rows: list[dict[str, str]], bad_csv: Path) -> None:
    """Values and bounds are written with a decimal comma and no trailing zero
    (``format_decimal_fr``): 48.8566 -> « 48,8566 », the bound -0.4 -> « -0,4 »."""
    rows[4]["latitude"] = "48.8566"
    message = load_error(write_rows(bad_csv, rows))
    assert "la valeur 48,8566 est hors de l'intervalle attendu (42,3 à 45,1)" in message
    rows[4]["latitude"] = read_rows()[4]["latitude"]
    rows[0]["longitude"] = "-1.50"
    message = load_error(write_rows(bad_csv, rows))
    assert "la valeur -1,5 est hors de l'intervalle attendu (-0,4 à 4,9)" in message


def test_empty_cell(rows: list[dict[str, str]], bad_csv: Path) -> None:
    rows[4]["commune"] = ""
    message = load_error(write_rows(bad_csv, rows))
    assert "communes.csv, ligne 6, colonne « commune » : la cellule est vide" in message


def test_decimal_population(rows: list[dict[str, str]], bad_csv: Path) -> None:
    rows[5]["population"] = "2977.5"
    message = load_error(write_rows(bad_csv, rows))
    assert "communes.csv, ligne 7, colonne « population »" in message
    assert "2977,5" in message.replace(NNBSP, "")
    assert "entier" in message


def test_zero_area(rows: list[dict[str, str]], bad_csv: Path) -> None:
    rows[8]["superficie_km2"] = "0"
    message = load_error(write_rows(bad_csv, rows))
    assert "communes.csv, ligne 10, colonne « superficie_km2 »" in message
    assert "strictement positive" in message


def test_bourg_centre_distance_must_be_zero(rows: list[dict[str, str]], bad_csv: Path) -> None:
    rows[0]["distance_bourg_min"] = "5"
    message = load_error(write_rows(bad_csv, rows))
    assert "communes.csv, ligne 2, colonne « distance_bourg_min »" in message
    assert "Saisissez 0" in message


def test_blank_line_inside_is_reported_on_its_line(bad_csv: Path) -> None:
    lines = COMMUNES_CSV.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "")  # becomes line 4
    bad_csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = load_error(bad_csv)
    assert "communes.csv, ligne 4" in message
    assert "vide" in message


def test_trailing_blank_lines_and_spaces_are_accepted(bad_csv: Path) -> None:
    text = COMMUNES_CSV.read_text(encoding="utf-8").replace(",village,", ", village ,")
    bad_csv.write_text(text + "\n\n", encoding="utf-8")
    assert len(load_communes(bad_csv)) == len(read_rows())


def test_french_spreadsheet_file_reads_like_the_shipped_one(
    rows: list[dict[str, str]], bad_csv: Path
) -> None:
    """« ; » between columns, decimal commas, UTF-8 with BOM: as French Excel saves it."""
    french = [{k: v.replace(".", ",") for k, v in row.items()} for row in rows]
    assert french[0]["latitude"] != rows[0]["latitude"]  # the file really uses commas
    with bad_csv.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(french)
    pd.testing.assert_frame_equal(load_communes(bad_csv), load_communes(COMMUNES_CSV))


def test_semicolon_file_mixing_decimal_marks_is_refused(
    rows: list[dict[str, str]], bad_csv: Path
) -> None:
    mixed = [dict(row) for row in rows]
    mixed[3]["latitude"] = mixed[3]["latitude"].replace(".", ",")
    with bad_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(mixed)
    message = load_error(bad_csv)
    assert "communes.csv : séparateur décimal ambigu" in message
    assert "la ligne 5 (colonne « latitude »)" in message
    assert "Correction : écrivez tous les nombres avec une virgule décimale" in message


def test_not_utf8(bad_csv: Path) -> None:
    bad_csv.write_bytes(COMMUNES_CSV.read_text(encoding="utf-8").encode("cp1252"))
    message = load_error(bad_csv)
    assert "communes.csv" in message
    assert "UTF-8" in message


def test_missing_file(tmp_path: Path) -> None:
    message = load_error(tmp_path / "absent.csv")
    assert "absent.csv : fichier introuvable" in message


def test_header_only(rows: list[dict[str, str]], bad_csv: Path) -> None:
    bad_csv.write_text(",".join(rows[0]) + "\n", encoding="utf-8")
    message = load_error(bad_csv)
    assert "communes.csv : aucune commune" in message


# --------------------------------------------------------------------------- metadata


def write_yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "territoire.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_metadata_without_fictional(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "name: Test\nregion: Occitanie\n")
    with pytest.raises(DataError, match=r"territoire\.yaml : la clé « fictional » manque"):
        load_metadata(path)


def test_metadata_fictional_needs_a_warning(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "name: Test\nfictional: true\n")
    with pytest.raises(DataError, match=r"territoire\.yaml : un territoire fictif"):
        load_metadata(path)


def test_metadata_fictional_must_be_true_or_false(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "name: Test\nfictional: oui-ish\n")
    with pytest.raises(DataError, match="fictional: true"):
        load_metadata(path)


def test_metadata_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "name: Test\nfictional: true\n  warning: : x\n")
    with pytest.raises(DataError, match=r"territoire\.yaml, ligne 3 : le fichier YAML"):
        load_metadata(path)


def test_load_territory_checks_metadata(tmp_path: Path) -> None:
    shutil.copy(COMMUNES_CSV, tmp_path / "communes.csv")
    write_yaml(tmp_path, "name: Test\n")
    with pytest.raises(DataError, match="fictional"):
        load_territory(tmp_path)


def test_load_territory_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="dossier introuvable"):
        load_territory(tmp_path / "nowhere")
