"""The trainer's grading notebook as a trainer uses it, in a real (headless) Chromium.

``cpts-training assessment rubric`` starts JupyterLab on the workspace's grading
notebook; the trainer runs it, types their name, ticks criteria and saves: the grade
must be in nbgrader's gradebook. Skipped without Chromium and playwright, unless
``CPTS_REQUIRE_BROWSER=1`` (see tests/test_browser.py).
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from cpts_training.trainer.journal import GRADING_JOURNAL, read_records
from cpts_training.trainer.pipeline import release, scores
from cpts_training.trainer.submissions import submit
from cpts_training.trainer.workspace import COURSE_ID, init_workspace
from tests.helpers import course_server
from tests.test_browser import browser, diagnosed, run_all_cells  # noqa: F401
from tests.test_nbgrader_roundtrip import SUBMISSIONS, answered

ASSESSMENT = "evaluation_01"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace where alice's copy of evaluation_01 looks autograded.

    What is tested here is the page, not nbgrader's autograde (tested with a real run
    in tests/test_rubric_grading.py): the copy is deposited for real, then entered in
    the gradebook as autograde leaves it (checks scored, written answers pending),
    through nbgrader's own API, without running its kernel.
    """
    tmp = tmp_path_factory.mktemp("grille-navigateur")
    space = init_workspace(tmp / "espace")
    released = release(space, ASSESSMENT) / f"{ASSESSMENT}.ipynb"
    answers, _ = SUBMISSIONS[ASSESSMENT]["alice"]
    deposit = submit(space, ASSESSMENT, "alice", answered(released, answers, tmp / "a.ipynb"))
    shutil.copytree(deposit.folder, space / "autograded" / "alice" / ASSESSMENT)
    with Gradebook(f"sqlite:///{space / 'gradebook.db'}", COURSE_ID) as gradebook:
        gradebook.update_or_create_student("alice", first_name="Alice", last_name="Martin")
        with warnings.catch_warnings():  # nbgrader's own SQLAlchemy warnings, harmless
            warnings.simplefilter("ignore")
            submission = gradebook.add_submission(ASSESSMENT, "alice")
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.cell.cell_type == "code":
                    grade.auto_score = grade.max_score
                    grade.needs_manual_grade = False
        gradebook.db.commit()
    return space


def test_trainer_grades_a_written_answer_in_the_grading_notebook(
    browser,  # noqa: F811
    workspace: Path,
    tmp_path: Path,
) -> None:
    log_path = tmp_path / "serveur.log"
    with course_server(["assessment", "rubric", "-w", str(workspace)], log_path) as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        with diagnosed(page, log_path, tmp_path / "page.png"):
            page.goto(f"{base}/")  # the command's default page: the grading notebook
            page.wait_for_selector(".jp-NotebookPanel", timeout=120_000)
            assert "correction_grille.ipynb" in page.url
            run_all_cells(page)
            name = page.locator(".widget-text:has-text('Correcteur') input")
            name.wait_for(timeout=120_000)
            counter = page.locator(".widget-html-content:has-text('réponse(s) à corriger')")
            # alice's two written answers, q4_justification and q5_note, both pending.
            assert "2 réponse(s) à corriger sur 2" in counter.inner_text()
            assert page.locator("text=Déplacements peu consommés au 30 juin.").count() == 1
            name.fill("Claire")
            criterion = page.locator(
                ".widget-hbox:has-text('Rattache chaque réduction au réalisé')"
            )
            criterion.locator(".widget-checkbox input").click()
            page.locator(".widget-html-content:has-text('0,5 / 1 point')").wait_for(timeout=60_000)
            page.locator("button:has-text('Enregistrer et suivante')").click()
            page.locator(".widget-html-content:has-text('Note enregistrée')").wait_for(
                timeout=60_000
            )
            page.locator(
                ".widget-html-content:has-text('1 réponse(s) à corriger sur 2')"
            ).wait_for()
            assert "Traceback" not in page.locator("body").inner_text()
        page.close()
    table = scores(workspace, ASSESSMENT)
    (row,) = table[table["cellule"] == "q4_justification"].to_dict("records")
    assert (row["points"], row["a_corriger"]) == (0.5, False)
    (record,) = read_records(workspace / GRADING_JOURNAL)
    assert (record["correcteur"], record["cellule"], record["points"]) == (
        "Claire",
        "q4_justification",
        0.5,
    )
