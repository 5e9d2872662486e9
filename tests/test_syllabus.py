"""The syllabus, the home notebook and the assessments agree with the référentiel."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from cpts_training.errors import DataError
from cpts_training.paths import course_dir, modules_dir
from cpts_training.reading import ReadingTime, reading_time
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
    assert "45 min, niveau : découvrir" in str(card)
    assert "Prérequis :</em> aucun" in html and "Durée mesurée : 1 500 mots" in html
    assert "Prérequis : M00 « Prise en main" in str(module_card("M01"))
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


def _minutes(duration: str) -> int:
    """« 2 h 30 » → 150, « 1 h » → 60, « 45 min » → 45."""
    match = re.fullmatch(r"(?:(\d+) h)?\s*(?:(\d+)(?: min)?)?", duration.strip())
    assert match, f"durée illisible : {duration}"
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


@pytest.mark.parametrize("module", load_syllabus().modules, ids=lambda m: m.id)
def test_duration_is_measured_from_the_notebook(module) -> None:
    # The stated measure names the words read; they must still match the notebook (±10 %),
    # and the duration must at least cover reading them at 150 words a minute.
    reading = reading_time(modules_dir() / module.notebook)
    stated = re.search(r"([\d\u202f\xa0 ]+) mots", module.duration_measure)
    assert stated, f"{module.id} : la mesure de durée ne dit pas combien de mots sont lus"
    words = int(re.sub(r"\D", "", stated.group(1)))
    assert abs(words - reading.words) <= 0.1 * reading.words, (module.id, words, reading.words)
    assert "chronom" in module.duration_measure  # activities timed, not guessed
    assert _minutes(module.duration) >= reading.minutes


def test_reading_time_counts_markdown_words_only(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(
            "# Titre\n\nUn **budget** à l'équilibre, voir [ici](https://x.fr)."
        ),
        nbformat.v4.new_code_cell("x = 1  # pas lu"),
    ]
    path = tmp_path / "n.ipynb"
    nbformat.write(notebook, path)
    # Titre, Un, budget, à, l'équilibre, voir, ici = 7 words; 7 / 150 → 1 minute.
    assert reading_time(path) == ReadingTime(7, 1)
