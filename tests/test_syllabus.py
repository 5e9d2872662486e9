"""The syllabus, the home notebook and the assessments agree with the référentiel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml

from cpts_training.errors import DataError
from cpts_training.paths import course_dir, modules_dir
from cpts_training.referentiel import load_referentiel
from cpts_training.syllabus import graded_cells, load_syllabus, module_card


def test_every_module_notebook_is_in_the_syllabus() -> None:
    syllabus = load_syllabus()
    listed = {m.notebook for m in syllabus.modules}
    on_disk = {p.name for p in modules_dir().glob("*.ipynb")} - {syllabus.home}
    assert listed == on_disk


def test_home_notebook_links_every_module_with_its_title() -> None:
    syllabus = load_syllabus()
    home = nbformat.read(modules_dir() / syllabus.home, as_version=4)
    text = "\n".join(cell.source for cell in home.cells)
    for module in syllabus.modules:
        assert f"({module.notebook})" in text
        assert module.title in text


def test_every_graded_cell_names_known_competencies(assessment_sources: list[Path]) -> None:
    referentiel = load_referentiel()
    for source in assessment_sources:
        cells = graded_cells(source)
        assert any(c["kind"] == "automatique" for c in cells)
        assert any(c["kind"] == "manuelle" for c in cells)
        for cell in cells:
            assert cell["competencies"], f"{source.name}:{cell['grade_id']}"
            for competency_id in cell["competencies"]:
                referentiel.competency(competency_id)


def test_every_assessment_folder_is_in_the_syllabus(assessment_sources: list[Path]) -> None:
    listed = {a.id for a in load_syllabus().assessments}
    assert {p.parent.name for p in assessment_sources} == listed


def test_unknown_competency_is_refused(tmp_path: Path) -> None:
    raw = yaml.safe_load((course_dir() / "syllabus.yaml").read_text(encoding="utf-8"))
    raw["modules"][0]["competencies"] = ["B9.C99"]
    path = tmp_path / "syllabus.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError):
        load_syllabus(path)


def test_missing_field_is_reported_in_french(tmp_path: Path) -> None:
    raw = yaml.safe_load((course_dir() / "syllabus.yaml").read_text(encoding="utf-8"))
    del raw["modules"][0]["title"]
    path = tmp_path / "syllabus.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="module M00 : champ « title » manquant. Correction"):
        load_syllabus(path)


def test_module_card_names_its_competencies() -> None:
    card = module_card("M00")
    html = card._repr_html_()
    assert "B2.C02" in html and "Cartographier" in html
    assert "1 h 30" in str(card)
    with pytest.raises(DataError, match="Module « M99 » inconnu"):
        load_syllabus().module("M99")


def test_every_assessed_competency_is_taught_by_the_assessments_modules(
    assessment_sources: list[Path],
) -> None:
    syllabus = load_syllabus()
    for assessment in syllabus.assessments:
        taught = {c for m in assessment.modules for c in syllabus.module(m).competencies}
        for source in (p for p in assessment_sources if p.parent.name == assessment.id):
            for cell in graded_cells(source):
                untaught = set(cell["competencies"]) - taught
                assert not untaught, f"{source.name}:{cell['grade_id']} assesses {untaught}"


def test_missing_syllabus_is_a_french_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="introuvable"):
        load_syllabus(tmp_path / "absent.yaml")


def test_course_notebooks_are_stored_without_outputs(assessment_sources: list[Path]) -> None:
    for path in [*modules_dir().glob("*.ipynb"), *assessment_sources]:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name
