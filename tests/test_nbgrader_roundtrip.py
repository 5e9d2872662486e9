"""A real nbgrader round trip: release → submissions → autograde → feedback → export."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cpts_training.errors import CPTSError
from cpts_training.syllabus import graded_cells
from cpts_training.trainer.nbgrader_runner import nbgrader_environment
from cpts_training.trainer.pipeline import autograde, export, feedback, release, scores
from cpts_training.trainer.submissions import submit
from cpts_training.trainer.workspace import init_workspace
from tests.helpers import secret_lines

ASSESSMENT = "evaluation_00"

CORRECT_ANSWERS = {
    # Hand-computed from communes.csv: 52 886 inhabitants, 6 319 aged 75+ → 11.9 %.
    "q1_reponse": "population_totale = 52886\npart_75_plus = round(100 * 6319 / 52886, 1)",
    "q2_reponse": "taille_aci = 2",
    "q3_presentation": "La CPTS réunit les professionnels de santé du territoire.",
}
WRONG_ANSWERS = {
    "q1_reponse": "population_totale = 50000\npart_75_plus = 12.5",
    "q2_reponse": "taille_aci = 3",
    "q3_presentation": "Bonjour.",
}


def answered(released: Path, answers: dict[str, str], destination: Path) -> Path:
    """The released notebook with the given answers typed in, as a trainee would."""
    notebook = nbformat.read(released, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(notebook, destination)
    return destination


def run_validate(notebook: Path, *flags: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", "validate", *flags, str(notebook)],
        capture_output=True,
        text=True,
        env=nbgrader_environment(),
        check=False,
    )
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def graded_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("roundtrip")
    workspace = init_workspace(tmp / "espace")
    release_dir = release(workspace, ASSESSMENT)
    released = release_dir / f"{ASSESSMENT}.ipynb"
    submit(workspace, ASSESSMENT, "alice", answered(released, CORRECT_ANSWERS, tmp / "a.ipynb"))
    submit(workspace, ASSESSMENT, "bruno", answered(released, WRONG_ANSWERS, tmp / "b.ipynb"))
    autograde(workspace, ASSESSMENT)
    feedback(workspace, ASSESSMENT)
    return workspace


def test_source_passes_all_its_tests_and_release_passes_none(released_workspace: Path) -> None:
    source = released_workspace / "source" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    released = released_workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    assert "Success! Your notebook passes all the tests." in run_validate(source)
    assert "Success! The notebook does not pass any tests." in run_validate(released, "--invert")


def test_correct_submission_gets_every_autograded_point(graded_workspace: Path) -> None:
    table = scores(graded_workspace, ASSESSMENT)
    auto = table[table["type"] == "automatique"]
    alice = auto[auto["stagiaire"] == "alice"]
    assert len(alice) == 3
    assert alice["points"].sum() == alice["points_max"].sum() == 3


def test_wrong_submission_loses_the_autograded_points(graded_workspace: Path) -> None:
    table = scores(graded_workspace, ASSESSMENT)
    bruno = table[(table["stagiaire"] == "bruno") & (table["type"] == "automatique")]
    assert bruno["points"].sum() == 0


def test_written_answer_waits_for_manual_grading(graded_workspace: Path) -> None:
    table = scores(graded_workspace, ASSESSMENT)
    manual = table[table["type"] == "manuelle"]
    assert set(manual["stagiaire"]) == {"alice", "bruno"}
    assert manual["a_corriger"].all()
    assert (manual["points_max"] == 3).all()


def test_feedback_is_html_without_hidden_tests_or_tracebacks(
    graded_workspace: Path, assessment_sources: list[Path]
) -> None:
    hidden = secret_lines(graded_workspace / "source" / ASSESSMENT / f"{ASSESSMENT}.ipynb")
    for student in ("alice", "bruno"):
        page = graded_workspace / "feedback" / student / ASSESSMENT / f"{ASSESSMENT}.html"
        text = page.read_text(encoding="utf-8")
        assert text.lstrip().lower().startswith("<!doctype html")
        assert "Vérifications complémentaires du formateur" in text
        for line in hidden["hidden"]:
            assert line not in text and line.replace("'", "&#39;") not in text
        assert "Traceback (most recent call last)" not in text
    bruno = graded_workspace / "feedback" / "bruno" / ASSESSMENT / f"{ASSESSMENT}.html"
    assert "La population totale n'est pas la bonne." in bruno.read_text(encoding="utf-8")


def test_export_writes_one_csv_row_per_trainee(graded_workspace: Path, tmp_path: Path) -> None:
    destination = export(graded_workspace, tmp_path / "notes.csv")
    with destination.open(encoding="utf-8") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"alice", "bruno"}
    assert float(rows["alice"]["score"]) == 3.0
    assert float(rows["bruno"]["score"]) == 0.0
    assert float(rows["alice"]["max_score"]) == 6.0
    with pytest.raises(CPTSError, match="existe déjà"):
        export(graded_workspace, destination)


def test_a_submission_is_never_overwritten_silently(graded_workspace: Path, tmp_path: Path) -> None:
    released = graded_workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    again = answered(released, WRONG_ANSWERS, tmp_path / "again.ipynb")
    submitted = graded_workspace / "submitted" / "alice" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    before = submitted.read_bytes()
    with pytest.raises(CPTSError, match="existe déjà"):
        submit(graded_workspace, ASSESSMENT, "alice", again)
    assert submitted.read_bytes() == before
    submit(graded_workspace, ASSESSMENT, "alice", again, replace=True)
    archived = list((graded_workspace / "archives" / "alice").glob(f"{ASSESSMENT}-*/*.ipynb"))
    assert len(archived) == 1 and archived[0].read_bytes() == before


def test_graded_cells_keep_their_competencies_in_the_release(released_workspace: Path) -> None:
    released = released_workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    source = released_workspace / "source" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    assert graded_cells(released) == graded_cells(source)
    assert all(cell["competencies"] for cell in graded_cells(released))


def test_workspace_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(CPTSError, match="n'est pas vide"):
        init_workspace(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "à garder"


def test_workspace_refuses_the_repository(tmp_path: Path) -> None:
    from cpts_training.paths import repository_root

    with pytest.raises(CPTSError, match="hors du dépôt"):
        init_workspace(repository_root() / "espace-formateur")


def test_submit_refuses_an_unreleased_assessment_and_a_bad_id(tmp_path: Path) -> None:
    workspace = init_workspace(tmp_path / "espace")
    notebook = tmp_path / "copie.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with pytest.raises(CPTSError, match="pas encore été publiée"):
        submit(workspace, ASSESSMENT, "alice", notebook)
    with pytest.raises(CPTSError, match="invalide"):
        submit(workspace, ASSESSMENT, "Élodie Martin", notebook)
