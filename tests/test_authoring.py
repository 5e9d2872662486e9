"""A BEGIN marker without its END in an assessment is an authoring error, refused in French.

nbgrader hides what lies between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
(or ``HIDDEN TESTS``): without the END marker, the rest of the cell would be
hidden or nbgrader would stop in English. ``release`` refuses such a source
before publishing anything, naming the assessment, the cell and the fix.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from cpts_training.trainer.pipeline import release
from cpts_training.trainer.preprocessors.end_markers import MissingEndMarker, unclosed_marker
from cpts_training.trainer.student_version import student_version
from cpts_training.trainer.workspace import init_workspace

ASSESSMENT = "evaluation_00"
# (cell grade id, END marker removed from it)
BROKEN_CELLS = [
    ("q1_population", "END HIDDEN TESTS"),
    ("q2_reponse", "END SOLUTION"),
]


def source_notebook(workspace: Path) -> Path:
    return workspace / "source" / ASSESSMENT / f"{ASSESSMENT}.ipynb"


def remove_end_marker(path: Path, grade_id: str, end: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    (cell,) = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    ]
    assert f"### {end}" in cell.source
    cell.source = "\n".join(line for line in cell.source.split("\n") if end not in line)
    nbformat.write(notebook, path)


def assert_names_cell_and_fix(message: str, grade_id: str, end: str) -> None:
    assert f"Évaluation « {ASSESSMENT} »" in message
    assert f"carnet {ASSESSMENT}.ipynb" in message
    assert f"cellule « {grade_id} »" in message
    assert f"ajoutez la ligne « ### {end} »" in message


@pytest.mark.parametrize(("grade_id", "end"), BROKEN_CELLS)
def test_release_refuses_a_missing_end_marker_before_publishing(
    tmp_path: Path, grade_id: str, end: str
) -> None:
    workspace = init_workspace(tmp_path / "espace")
    remove_end_marker(source_notebook(workspace), grade_id, end)
    with pytest.raises(MissingEndMarker) as error:
        release(workspace, ASSESSMENT)
    assert_names_cell_and_fix(str(error.value), grade_id, end)
    assert "Rien n'a été publié." in str(error.value)
    assert not (workspace / "release" / ASSESSMENT).exists()
    assert not list((workspace / ".cpts-training").rglob("*.sha256"))


def test_a_broken_change_leaves_the_published_version_as_it_was(tmp_path: Path) -> None:
    workspace = init_workspace(tmp_path / "espace")
    published = release(workspace, ASSESSMENT) / f"{ASSESSMENT}.ipynb"
    before = published.read_bytes()
    remove_end_marker(source_notebook(workspace), "q1_population", "END HIDDEN TESTS")
    with pytest.raises(MissingEndMarker, match="q1_population"):
        release(workspace, ASSESSMENT)
    assert published.read_bytes() == before
    assert not (workspace / "archives" / "publications").exists()


@pytest.mark.parametrize(("grade_id", "end"), BROKEN_CELLS)
def test_the_trainees_version_refuses_a_missing_end_marker(
    tmp_path: Path, grade_id: str, end: str
) -> None:
    workspace = init_workspace(tmp_path / "espace")
    path = source_notebook(workspace)
    remove_end_marker(path, grade_id, end)
    with pytest.raises(MissingEndMarker) as error:
        student_version(nbformat.read(path, as_version=4), ASSESSMENT, path.name)
    assert_names_cell_and_fix(str(error.value), grade_id, end)


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("a = 1\n### BEGIN HIDDEN TESTS\nassert a == 1\n### END HIDDEN TESTS", None),
        ("### BEGIN HIDDEN TESTS\nassert a\n### END HIDDEN TESTS\n### BEGIN HIDDEN TESTS", 4),
        ("a = 1\n### BEGIN HIDDEN TESTS\nassert a == 1", 2),
        # A second BEGIN while the first region is open: the first one lacks its END.
        ("### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS", 1),
        ("a = 1", None),
    ],
)
def test_the_unclosed_marker_is_found_by_its_line(source: str, line: int | None) -> None:
    assert unclosed_marker(source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS") == line
