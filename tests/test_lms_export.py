"""The référentiel as a Moodle competency framework CSV (Moodle's own import format)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cpts_training.cli import app
from cpts_training.errors import CPTSError
from cpts_training.referentiel import load_referentiel
from cpts_training.trainer import write_moodle_framework_csv

# Moodle admin/tool/lpimportcsv, framework_importer::list_required_headers() with the
# tool's English lang strings: the importer reads the columns in this order.
MOODLE_HEADER = [
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        assert header == MOODLE_HEADER
        rows = [dict(zip(header, row, strict=True)) for row in reader]
    return rows


def test_one_framework_row_then_each_bloc_and_competency_with_its_parent(tmp_path) -> None:
    referentiel = load_referentiel()
    path = write_moodle_framework_csv(tmp_path / "referentiel.csv")
    rows = read_rows(path)
    competencies = [c for bloc in referentiel.blocs for c in bloc.competencies]
    # 1 framework + 5 blocs + every competency (59 in the référentiel's YAML).
    assert len(rows) == 1 + len(referentiel.blocs) + len(competencies)
    assert len(referentiel.blocs) == 5 and len(competencies) == 59
    framework, *items = rows
    assert framework["Is framework"] == "1" and framework["Parent ID number"] == ""
    assert framework["ID number"] == "referentiel-coordinateur-cpts-occitanie-2023-08"
    parents = {row["ID number"]: row["Parent ID number"] for row in items}
    assert [parents[b.id] for b in referentiel.blocs] == [""] * 5
    for bloc in referentiel.blocs:
        for competency in bloc.competencies:
            assert parents[competency.id] == bloc.id
    assert all(row["Is framework"] == "" for row in items)
    assert all(len(row["Short name"]) <= 100 for row in rows)  # Moodle shortens at 100
    b5 = next(row for row in items if row["ID number"] == "B5.C05")
    assert b5["Description"].startswith("Comprendre et maîtriser l'EPRD")


def test_the_scale_has_one_default_and_one_proficient_value(tmp_path) -> None:
    framework = read_rows(write_moodle_framework_csv(tmp_path / "r.csv"))[0]
    values = framework["Scale values"].split(",")
    assert values == ["à retravailler", "partiellement acquise", "acquise"]
    config = json.loads(framework["Scale configuration"])
    items = {item["id"]: item for item in config[1:]}
    assert "scaleid" in config[0] and set(items) == {1, 2, 3}
    assert [i for i, item in items.items() if item["scaledefault"]] == [1]
    assert [i for i, item in items.items() if item["proficient"]] == [3]  # « acquise »


def test_an_existing_file_is_kept_and_a_bad_name_refused(tmp_path) -> None:
    path = write_moodle_framework_csv(tmp_path / "r.csv")
    path.write_text("à garder", encoding="utf-8")
    with pytest.raises(CPTSError, match="existe déjà"):
        write_moodle_framework_csv(path)
    assert path.read_text(encoding="utf-8") == "à garder"
    write_moodle_framework_csv(path, replace=True)
    assert read_rows(path)
    with pytest.raises(CPTSError, match="extension .csv"):
        write_moodle_framework_csv(tmp_path / "r.xlsx")


def test_the_trainer_command_writes_it_in_french(tmp_path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["moodle", str(tmp_path / "moodle.csv")])
    assert result.exit_code == 0 and "Référentiel exporté" in result.output
    again = runner.invoke(app, ["moodle", str(tmp_path / "moodle.csv")])
    assert again.exit_code != 0 and "--replace" in again.output
    assert "Traceback" not in again.output


def test_the_scale_of_a_workspace_goes_to_moodle(tmp_path) -> None:
    from cpts_training.trainer.workspace import init_workspace

    workspace = init_workspace(tmp_path / "espace")
    (workspace / "competences.yaml").write_text(
        "niveaux:\n"
        "  - {nom: non acquise, a_partir_de: 0}\n"
        "  - {nom: en cours, a_partir_de: 0.4}\n"
        "  - {nom: acquise, a_partir_de: 0.7, acquise: true}\n"
        "  - {nom: maîtrisée, a_partir_de: 0.9, acquise: true}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["moodle", str(tmp_path / "m.csv"), "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    framework = read_rows(tmp_path / "m.csv")[0]
    assert framework["Scale values"] == "non acquise,en cours,acquise,maîtrisée"
    items = json.loads(framework["Scale configuration"])[1:]
    assert [item["scaledefault"] for item in items] == [1, 0, 0, 0]
    assert [item["proficient"] for item in items] == [0, 0, 1, 1]
