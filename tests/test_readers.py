"""The strict readers: YAML without duplicate keys, French pydantic errors, French CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from cpts_training.budget.case_study import load_budget_file
from cpts_training.datasets import load_metadata
from cpts_training.errors import DataError
from cpts_training.readers import (
    ErrorPlaces,
    explain_validation_error,
    read_csv_table,
    read_yaml,
)
from cpts_training.syllabus import load_syllabus


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def error_of(function, *args) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError) as info:
        function(*args)
    return str(info.value)


# ------------------------------------------------------------------------------- YAML

PARAMETER_WITH_TWO_DATES = """\
description: Plafond annuel de la sécurité sociale
values:
  2024-01-01:
    value: 46368
  2025-01-01:
    value: 47100
  2024-01-01:
    value: 99999
"""


def test_yaml_reads_a_valid_file(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "values:\n  2024-01-01: {value: 46368}\n")
    assert read_yaml(path) == {"values": {dt.date(2024, 1, 1): {"value": 46368}}}


def test_yaml_duplicate_date_key_is_refused_with_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "plafond.yaml", PARAMETER_WITH_TWO_DATES)
    message = error_of(read_yaml, path)
    assert message.startswith("plafond.yaml, ligne 7, colonne 3 (« 2024-01-01: »)")
    assert "clé « 2024-01-01 » en double dans le même élément (déjà écrite ligne 3)" in message
    assert "Correction : gardez une seule fois cette clé" in message


def test_yaml_same_key_in_two_elements_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "l.yaml", "- id: a\n  label: x\n- id: b\n  label: y\n")
    assert read_yaml(path) == [{"id": "a", "label": "x"}, {"id": "b", "label": "y"}]


def test_yaml_with_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "b.yaml", "name: Aubrenne\n", encoding="utf-8-sig")
    assert read_yaml(path) == {"name": "Aubrenne"}


def test_yaml_syntax_error_names_line_and_fix(tmp_path: Path) -> None:
    path = write(tmp_path, "t.yaml", "name: Test\nwarning: a: b\n")
    message = error_of(read_yaml, path)
    assert message.startswith("t.yaml, ligne 2 : le fichier YAML est mal formé")
    assert "« : » inattendu. Correction : mettez entre guillemets" in message


def test_yaml_missing_file_and_encoding(tmp_path: Path) -> None:
    assert "absent.yaml : fichier introuvable" in error_of(read_yaml, tmp_path / "absent.yaml")
    path = write(tmp_path, "latin.yaml", "name: Sévérac\n", encoding="cp1252")
    assert "latin.yaml : le fichier n'est pas encodé en UTF-8. Correction" in error_of(
        read_yaml, path
    )


@pytest.mark.parametrize(
    ("loader", "name", "text"),
    [
        (load_metadata, "territoire.yaml", "name: A\nfictional: true\nname: B\n"),
        (load_syllabus, "syllabus.yaml", "title: A\nhome: x\ntitle: B\n"),
        (load_budget_file, "budget.yaml", "fictional: true\nwarning: x\nfictional: false\n"),
    ],
)
def test_every_yaml_loader_refuses_duplicate_keys(
    tmp_path: Path,
    loader,  # type: ignore[no-untyped-def]
    name: str,
    text: str,
) -> None:
    path = write(tmp_path, name, text)
    message = error_of(loader, path)
    assert f"{name}, ligne 3, colonne 1" in message
    assert "en double" in message


def test_parameter_loader_refuses_duplicate_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cpts_training.reference as reference

    write(tmp_path, "plafond.yaml", PARAMETER_WITH_TWO_DATES)
    monkeypatch.setattr(reference, "PARAMETERS_DIR", tmp_path)
    reference._load_parameter_cached.cache_clear()
    try:
        message = error_of(reference.load_parameter, "plafond")
    finally:
        reference._load_parameter_cached.cache_clear()
    assert "Fichier de paramètre plafond.yaml (plafond), ligne 7" in message
    assert "clé « 2024-01-01 » en double" in message


# ---------------------------------------------------------------- pydantic errors


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    amount_eur: float
    count: int


class _Budget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    lines: list[_Line]


_PLACES = ErrorPlaces(
    model=_Budget,
    item_nouns={"lines": "ligne"},
    field_hints={"count": "le nombre de postes, un entier"},
)


def test_every_pydantic_error_is_translated_in_french() -> None:
    raw = {
        "lines": [
            {"id": "L1", "amount_eur": "douze", "count": 2},
            {"id": "L2", "amount_eur": 10.0, "cout": 1},
        ],
    }
    with pytest.raises(ValidationError) as info:
        _Budget.model_validate(raw)
    message = explain_validation_error(info.value, raw, "budget.yaml", _PLACES)
    assert message.splitlines() == [
        "budget.yaml invalide (4 erreurs) :",
        "- ensemble du fichier : champ « title » manquant. Correction : ajoutez « title: … » "
        "(voir les éléments voisins du fichier).",
        "- ligne n°1 (L1), champ « amount_eur » : la valeur « douze » n'est pas un nombre "
        "attendu ici. Correction : écrivez un nombre sans espace ni unité, avec un point "
        "décimal (par exemple 1500.5).",
        "- ligne n°2 (L2) : champ « count » manquant. Correction : ajoutez « count: … » "
        "(le nombre de postes, un entier).",
        "- ligne n°2 (L2) : champ « cout » inconnu. Correction : corrigez son nom (vouliez-vous "
        "dire « count » ?) ou supprimez-le. Champs attendus : id, amount_eur, count.",
    ]


def test_more_than_ten_errors_are_counted() -> None:
    raw = {
        "title": "B",
        "lines": [{"id": str(n), "amount_eur": 1, "count": "x"} for n in range(12)],
    }
    with pytest.raises(ValidationError) as info:
        _Budget.model_validate(raw)
    message = explain_validation_error(info.value, raw, "b.yaml", _PLACES).splitlines()
    assert message[0] == "b.yaml invalide (12 erreurs) :"
    assert len(message) == 1 + 10 + 1
    assert message[-1] == "- … et 2 autre(s) erreur(s)."


def test_syllabus_reports_every_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "syllabus.yaml",
        "title: Cours\nhome: x\nmodules:\n  - id: M00\n    title: A\nassessments: []\n",
    )
    message = error_of(load_syllabus, path)
    assert message.startswith("syllabus.yaml invalide (7 erreurs) :")
    fields = ("notebook", "duration", "duration_measure", "level", "prerequisites", "summary")
    for field in (*fields, "competencies"):
        assert f"module M00 : champ « {field} » manquant. Correction" in message


# -------------------------------------------------------------------------------- CSV

ENGLISH_CSV = "code,commune,surface_km2,population\nA1,Saint-Aubin,12.5,1200\nA2,Lavaur,-0.25,80\n"
FRENCH_CSV = "code;commune;surface_km2;population\nA1;Saint-Aubin;12,5;1200\nA2;Lavaur;-0,25;80\n"
EXPECTED = pd.DataFrame(
    {
        "code": ["A1", "A2"],
        "commune": ["Saint-Aubin", "Lavaur"],
        "surface_km2": ["12.5", "-0.25"],
        "population": ["1200", "80"],
    }
)


def test_english_csv_is_read(tmp_path: Path) -> None:
    table = read_csv_table(write(tmp_path, "c.csv", ENGLISH_CSV))
    assert (table.separator, table.decimal) == (",", ".")
    pd.testing.assert_frame_equal(table.frame, EXPECTED)


def test_french_csv_with_bom_reads_equal_to_english_csv(tmp_path: Path) -> None:
    table = read_csv_table(write(tmp_path, "c.csv", FRENCH_CSV, encoding="utf-8-sig"))
    assert (table.separator, table.decimal) == (";", ",")
    pd.testing.assert_frame_equal(table.frame, EXPECTED)
    assert pd.to_numeric(table.frame["surface_km2"]).tolist() == [12.5, -0.25]


def test_comma_csv_with_quoted_decimal_commas_is_read(tmp_path: Path) -> None:
    text = 'code,commune,surface_km2,population\nA1,Saint-Aubin,"12,5",1200\nA2,Lavaur,"-0,25",80\n'
    table = read_csv_table(write(tmp_path, "c.csv", text))
    assert (table.separator, table.decimal) == (",", ",")
    pd.testing.assert_frame_equal(table.frame, EXPECTED)


def test_project_export_is_read_back(tmp_path: Path) -> None:
    from cpts_training.trainer.spreadsheet import write_spreadsheet_csv

    source = pd.DataFrame({"stagiaire": ["a", "b"], "taux": [0.5, 0.75]})
    table = read_csv_table(write_spreadsheet_csv(source, tmp_path / "export.csv"))
    assert (table.separator, table.decimal) == (";", ",")
    assert table.frame["taux"].tolist() == ["0.5", "0.75"]


def test_mixed_decimal_marks_are_refused(tmp_path: Path) -> None:
    text = "code;surface_km2;densite\nA1;12,5;40\nA2;3.25;12\n"
    message = error_of(read_csv_table, write(tmp_path, "m.csv", text))
    assert message == (
        "m.csv : séparateur décimal ambigu, la ligne 3 (colonne « surface_km2 ») écrit « 3.25 » "
        "avec un point et la ligne 2 (colonne « surface_km2 ») écrit « 12,5 » avec une virgule. "
        "Correction : écrivez tous les nombres avec une virgule décimale (export d'un tableur en "
        "français, séparateur « ; »), puis enregistrez à nouveau le fichier."
    )


def test_ambiguous_separator_is_refused(tmp_path: Path) -> None:
    # Every line splits into 2 cells at « , » and into 2 cells at « ; ».
    text = "code,nom;surface\nA1,Aubin;12\nA2,Lavaur;3\n"
    message = error_of(read_csv_table, write(tmp_path, "s.csv", text))
    assert message.startswith("s.csv, ligne 1 : séparateur ambigu")
    assert "Correction : enregistrez le fichier au format « CSV » avec « ; »" in message


def test_csv_errors_in_french(tmp_path: Path) -> None:
    assert "vide.csv : le fichier est vide" in error_of(
        read_csv_table, write(tmp_path, "vide.csv", "")
    )
    latin = write(tmp_path, "latin.csv", "commune;x\nSévérac;1\n", encoding="cp1252")
    assert "latin.csv : le fichier n'est pas encodé en UTF-8" in error_of(read_csv_table, latin)
    ragged = write(tmp_path, "r.csv", "a;b\n1;2\n3;4;5\n")
    assert "Vérifiez que chaque ligne a autant de points-virgules que la ligne 1" in error_of(
        read_csv_table, ragged
    )
