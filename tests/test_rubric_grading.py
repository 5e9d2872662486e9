"""Grading written answers with their rubric: the model, the form, and nbgrader for real.

The nbgrader part uses the session's graded cohort (:mod:`tests.cohort`): read-only tests
take ``cohort_workspace``, the others a copy of it (``cohort``)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from cpts_training.errors import CPTSError
from cpts_training.paths import assessments_dir
from cpts_training.trainer.grading_state import set_manual_grade
from cpts_training.trainer.journal import GRADING_JOURNAL, read_records
from cpts_training.trainer.pipeline import autograde, export, feedback, scores
from cpts_training.trainer.rubric_grading import (
    GRADING_NOTEBOOK,
    AnswerToGrade,
    GradingConflict,
    answers_to_grade,
    grade_answer,
    prepare_rubric_grading,
    require_rubric,
    require_rubrics,
    rubric_comment,
    rubric_of,
)
from cpts_training.trainer.spreadsheet import read_spreadsheet_csv
from cpts_training.trainer.submissions import submit
from cpts_training.trainer.widgets.grading_form import GradingForm, markdown_html
from cpts_training.trainer.workspace import COURSE_ID
from tests.cohort import ALICE, ASSESSMENT, LUC, Cohort
from tests.helpers import visible_text
from tests.test_nbgrader_roundtrip import answered

PENDING = (
    "bernard-luc",
    "dupont-marie",
    "garcia-ines",
    "lefevre-helene",
    "martin-paul-1",
    "moreau-claire",
)
"""The trainees whose written answers wait for the trainer, in the gradebook's order (by id):
petit-sarah's untouched answers got 0 from nbgrader, roux-julien and martin-paul-2 handed
nothing in."""

Q4_CRITERIA = (
    "Rattache chaque réduction au réalisé au 30 juin (ligne peu consommée, engagement déjà pris)",
    "Dit ce que la réduction retarde ou supprime, et ce qui est recherché pour compenser",
)
"""q4_justification's rubric: 0,5 point each."""

# --- the rubrics of the course's assessments (no nbgrader run) -------------------------


def test_every_manually_graded_cell_of_every_assessment_has_a_rubric_summing_to_its_points():
    found = {}
    for notebook in sorted(assessments_dir().glob("*/*.ipynb")):
        for grade_id, rubric in require_rubrics(notebook).items():
            found[(notebook.stem, grade_id)] = rubric.total
    # evaluation_00 q3 (3 pts), evaluation_01 q4 justification (0.5 + 0.5) and q5 (4 × 1).
    assert found[("evaluation_00", "q3_presentation")] == 3
    assert found[("evaluation_01", "q4_justification")] == 1
    assert found[("evaluation_01", "q5_note")] == 4
    assert {name for name, _ in found} == {p.parent.name for p in assessments_dir().glob("*/*")}


def _metadata(points: float, *criteria: tuple[str, float]) -> dict:
    return {
        "nbgrader": {"grade": True, "solution": True, "grade_id": "q", "points": points},
        "cpts_training": {"rubric": [{"criterion": c, "points": p} for c, p in criteria]},
    }


def test_a_rubric_that_does_not_sum_to_the_points_is_refused_in_french():
    # 1 + 1 = 2 points of criteria for a question on 3.
    with pytest.raises(CPTSError, match=r"totalisent 2 point\(s\), mais la question est notée"):
        require_rubric(_metadata(3, ("Clarté", 1), ("Risques", 1)), "la cellule « q »")
    assert require_rubric(_metadata(1.5, ("A", 1), ("B", 0.5))).total == 1.5


def test_missing_or_malformed_rubrics_are_refused_in_french():
    with pytest.raises(CPTSError, match="n'a pas de grille de correction"):
        require_rubric({"nbgrader": {"points": 1}}, "la cellule « q »")
    with pytest.raises(CPTSError, match="critère mal écrit"):
        rubric_of({"cpts_training": {"rubric": [{"criterion": "A", "points": -1}]}})
    with pytest.raises(CPTSError, match="deux critères du même nom"):
        rubric_of(_metadata(2, ("A", 1), ("A", 1)))


def test_the_comment_lists_the_criteria_met_and_those_to_work_on():
    rubric = require_rubric(_metadata(1.5, ("Clarté", 1), ("Risques", 0.5)))
    assert rubric_comment(rubric, ["Risques"], "  Bien vu.  ") == (
        "Critères atteints : Risques (0,5 pt) ; à retravailler : Clarté (1 pt).\nBien vu."
    )
    assert rubric_comment(rubric, ["Clarté", "Risques"]) == (
        "Critères atteints : Clarté (1 pt), Risques (0,5 pt)."
    )
    with pytest.raises(CPTSError, match="Critère inconnu : « Style »"):
        rubric.points_of(["Style"])


def test_the_trainee_text_is_shown_as_markdown_with_its_html_escaped():
    shown = markdown_html("**Important** <script>alert(1)</script>")
    assert "<strong>Important</strong>" in shown
    assert "<script>" not in shown and "&lt;script&gt;" in shown


# --- the session's graded cohort (evaluation_01) ---------------------------------------


def _answer(space: Path, student: str, grade_id: str) -> AnswerToGrade:
    (found,) = [
        a
        for a in answers_to_grade(space, ASSESSMENT, student, pending_only=False)
        if a.grade_id == grade_id
    ]
    return found


def _manual_row(space: Path, student: str, grade_id: str) -> dict:
    table = scores(space, ASSESSMENT)
    (row,) = table[(table["stagiaire"] == student) & (table["cellule"] == grade_id)].to_dict(
        "records"
    )
    return row


def _journal(space: Path, student: str, grade_id: str) -> list[dict]:
    return [
        r
        for r in read_records(space / GRADING_JOURNAL)
        if (r["stagiaire"], r["cellule"]) == (student, grade_id)
    ]


def _grade_marie(space: Path) -> None:
    """Claire grades dupont-marie's two written answers (Alice's): q4_justification on its
    second criterion (0.5 / 1), q5_note on Clarté and Risques (1 + 1 = 2 / 4)."""
    q4 = _answer(space, "dupont-marie", "q4_justification")
    grade_answer(space, q4, [Q4_CRITERIA[1]], "Claire")
    grade_answer(space, _answer(space, "dupont-marie", "q5_note"), ["Clarté", "Risques"], "Claire")


def test_lists_each_written_answer_with_its_text_question_and_rubric(cohort_workspace: Cohort):
    space = cohort_workspace.workspace
    answers = answers_to_grade(space, ASSESSMENT)
    # Six copies × two written answers (q4_justification, q5_note), all pending.
    assert [(a.student, a.grade_id) for a in answers] == [
        (s, g) for s in PENDING for g in ("q4_justification", "q5_note")
    ]
    luc_q4, luc_q5, marie_q4, marie_q5 = answers[:4]
    assert marie_q5.answer == "Les indemnités financent les missions." == ALICE["q5_note"]
    assert (luc_q4.answer, luc_q5.answer) == (LUC["q4_justification"], LUC["q5_note"])
    assert marie_q5.question.startswith("## Question 5 — Présenter le budget 2026")
    assert marie_q5.rubric is not None
    names = ["Clarté", "Lien avec le projet de santé", "Risques", "Demande au CA"]
    assert marie_q5.rubric.names == names
    assert (marie_q5.max_points, marie_q5.score, marie_q5.pending) == (4, None, True)
    assert marie_q4.question.startswith("## Question 4")
    assert marie_q4.rubric is not None and marie_q4.rubric.names == list(Q4_CRITERIA)
    # petit-sarah's untouched answers got 0 from nbgrader itself: nothing for a trainer.
    assert answers_to_grade(space, ASSESSMENT, "petit-sarah", pending_only=False) == []
    with pytest.raises(CPTSError, match="Évaluation « evaluation_09 » inconnue"):
        answers_to_grade(space, "evaluation_09")
    with pytest.raises(CPTSError, match="Stagiaire « zoe » inconnu"):
        answers_to_grade(space, student="zoe")


def test_a_rubric_grade_lands_in_the_gradebook_with_its_comment_and_journal(cohort: Cohort):
    space = cohort.workspace
    answer = _answer(space, "dupont-marie", "q5_note")
    record = grade_answer(space, answer, ["Clarté", "Risques"], " Claire ", "Bon début.")
    # Clarté 1 + Risques 1 = 2 points out of 4.
    assert record.points == 2
    assert _manual_row(space, "dupont-marie", "q5_note") == {
        "stagiaire": "dupont-marie",
        "cellule": "q5_note",
        "type": "manuelle",
        "points": 2.0,
        "points_max": 4.0,
        "a_corriger": False,
    }
    with Gradebook(f"sqlite:///{space / 'gradebook.db'}", COURSE_ID) as gradebook:
        comment = gradebook.find_comment("q5_note", ASSESSMENT, ASSESSMENT, "dupont-marie")
        assert comment.manual_comment == (
            "Critères atteints : Clarté (1 pt), Risques (1 pt) ; à retravailler : Lien avec "
            "le projet de santé (1 pt), Demande au CA (1 pt).\nBon début."
        )
    (line,) = _journal(space, "dupont-marie", "q5_note")
    assert {k: line[k] for k in ("correcteur", "evaluation", "carnet", "points", "points_max")} == {
        "correcteur": "Claire",
        "evaluation": ASSESSMENT,
        "carnet": ASSESSMENT,
        "points": 2,
        "points_max": 4,
    }
    assert line["criteres"] == ["Clarté", "Risques"] and line["remplace"] is None
    sha = hashlib.sha256(b"Les indemnit\xc3\xa9s financent les missions.").hexdigest()
    assert line["empreinte_reponse"] == sha
    assert ("dupont-marie", "q5_note") not in {
        (a.student, a.grade_id) for a in answers_to_grade(space, ASSESSMENT)
    }
    again = _answer(space, "dupont-marie", "q5_note")
    assert (again.score, again.pending, again.graded_by) == (2, False, "Claire")
    # martin-paul-1 handed in the same answers: still pending, a grade is per trainee.
    assert _manual_row(space, "martin-paul-1", "q5_note")["a_corriger"]


def test_no_name_or_an_unknown_criterion_saves_nothing(cohort: Cohort):
    space = cohort.workspace
    answer = _answer(space, "garcia-ines", "q4_justification")
    with pytest.raises(CPTSError, match="Indiquez votre nom de correcteur"):
        grade_answer(space, answer, [], "  ")
    with pytest.raises(CPTSError, match="Critère inconnu"):
        grade_answer(space, answer, ["Clarté"], "Claire")  # a q5_note criterion
    assert _manual_row(space, "garcia-ines", "q4_justification")["a_corriger"]
    assert _journal(space, "garcia-ines", "q4_justification") == []
    assert not (space / GRADING_JOURNAL).exists()


def test_two_trainers_on_the_same_answer_the_second_save_is_refused(cohort: Cohort):
    space = cohort.workspace
    first = _answer(space, "bernard-luc", "q5_note")
    second = _answer(space, "bernard-luc", "q5_note")  # read before either saves
    grade_answer(space, first, ["Clarté"], "Claire")
    with pytest.raises(GradingConflict) as refused:
        grade_answer(space, second, ["Clarté", "Risques", "Demande au CA"], "Marc")
    message = str(refused.value)
    # Clarté alone: 1 point out of 4.
    assert "Claire l'a notée 1 / 4 le " in message
    assert "Rechargez la réponse pour voir sa note avant de la remplacer" in message
    assert _manual_row(space, "bernard-luc", "q5_note")["points"] == 1
    assert [r["correcteur"] for r in _journal(space, "bernard-luc", "q5_note")] == ["Claire"]
    # Reloaded, Marc sees Claire's grade and may replace it: the journal keeps both.
    reloaded = _answer(space, "bernard-luc", "q5_note")
    record = grade_answer(space, reloaded, ["Risques"], "Marc")
    assert record.replaces is not None
    assert (record.replaces["points"], record.replaces["correcteur"]) == (1, "Claire")
    assert [r["correcteur"] for r in _journal(space, "bernard-luc", "q5_note")] == [
        "Claire",
        "Marc",
    ]


def test_a_grade_changed_in_formgrader_meanwhile_is_not_overwritten(cohort: Cohort):
    space = cohort.workspace
    answer = _answer(space, "bernard-luc", "q4_justification")
    set_manual_grade(space, ASSESSMENT, "bernard-luc", "q4_justification", 0.5)
    with pytest.raises(GradingConflict, match="hors de la grille"):
        grade_answer(space, answer, [], "Claire")
    assert _manual_row(space, "bernard-luc", "q4_justification")["points"] == 0.5


def test_the_form_grades_through_its_controls(cohort: Cohort):
    space = cohort.workspace
    grade_answer(space, _answer(space, "dupont-marie", "q5_note"), ["Clarté"], "Marc")
    form = GradingForm(space)
    form.student.value = "dupont-marie"
    # dupont-marie: q5_note graded just above, q4_justification still to grade.
    assert "1 réponse(s) à corriger sur 2" in form.counter.value
    assert form.current is not None and form.current.grade_id == "q4_justification"
    assert "Déplacements peu consommés au 30 juin." in form.answer.value
    assert [box.description for box in form.criteria] == ["0,5 pt", "0,5 pt"]
    assert "Dit ce que la réduction retarde" in form.criteria_box.children[1].children[1].value
    form.criteria[1].value = True
    assert "0,5 / 1 point<" in form.total.value
    form.save.click()  # no grader name yet
    assert "Indiquez votre nom de correcteur" in form.message.value
    assert _manual_row(space, "dupont-marie", "q4_justification")["a_corriger"]
    form.grader.value = "Claire"
    form.save.click()
    assert "Note enregistrée" in form.message.value and "Traceback" not in form.message.value
    assert _manual_row(space, "dupont-marie", "q4_justification")["points"] == 0.5
    assert "0 réponse(s) à corriger sur 2" in form.counter.value
    form.pending_only.value = False
    assert len(form.answers) == 2
    assert "note actuelle : 0,5 / 1, par Claire" in form.heading.value


def test_the_form_explains_a_conflict(cohort: Cohort):
    space = cohort.workspace
    form = GradingForm(space, grader="Marc")
    form.student.value = "bernard-luc"
    form.pending_only.value = False
    form.next.click()
    assert form.current is not None and form.current.grade_id == "q5_note"
    grade_answer(space, _answer(space, "bernard-luc", "q5_note"), ["Clarté"], "Claire")
    form.save.click()
    assert "Conflit" in form.message.value and "Rechargez la réponse" in form.message.value
    form.reload.click()
    # Clarté alone: 1 point out of 4.
    assert "note actuelle : 1 / 4, par Claire" in form.heading.value


def test_after_a_conflict_reload_stays_on_the_answer_graded_meanwhile(cohort: Cohort):
    # « seulement les réponses à corriger » ticked (the default): the answer the other
    # trainer graded is no longer pending, yet « Recharger » keeps it on screen.
    space = cohort.workspace
    form = GradingForm(space, grader="Marc")
    form.student.value = "bernard-luc"
    form.next.click()
    assert form.pending_only.value and form.current is not None
    assert form.current.grade_id == "q5_note"
    grade_answer(space, _answer(space, "bernard-luc", "q5_note"), ["Clarté", "Risques"], "Claire")
    form.save.click()
    assert "Conflit" in form.message.value
    form.reload.click()
    assert form.current is not None and form.current.grade_id == "q5_note"
    # Clarté + Risques: 2 points out of 4, by Claire.
    assert "note actuelle : 2 / 4, par Claire" in form.heading.value


def test_feedback_and_export_count_the_rubric_grade(cohort: Cohort):
    space = cohort.workspace
    _grade_marie(space)
    (page,) = feedback(space, ASSESSMENT, student="dupont-marie")
    text = visible_text(page.read_text(encoding="utf-8"))
    assert "Critères atteints : Clarté (1 pt), Risques (1 pt)" in text
    # 10 autograded points + q4_justification 0.5 + q5_note 2 = 12.5 out of 10 + 1 + 4 = 15.
    assert "Note obtenue : 12,5 / 15 points" in text
    rows = read_spreadsheet_csv(export(space, cohort.work / "notes.csv"))
    (marie,) = [r for r in rows.to_dict("records") if r["stagiaire"] == "dupont-marie"]
    assert marie["points"] == 12.5


def test_reautograde_keeps_the_grade_of_an_unchanged_answer_and_reflags_a_changed_one(
    cohort: Cohort,
):
    space = cohort.workspace
    _grade_marie(space)
    # A new deposit (--replace), before the due date (15/11 18:00 Paris = 17:00 UTC):
    # q4_justification's text as graded, q5_note rewritten. nbgrader's autograde flags
    # both graded answers as needing a grade again.
    released = space / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    new_deposit = answered(
        released, {**ALICE, "q5_note": "Nouvelle note au CA."}, cohort.work / "marie.ipynb"
    )
    moment = datetime(2026, 11, 15, 16, 0, tzinfo=UTC)
    submit(space, ASSESSMENT, "dupont-marie", new_deposit, replace=True, now=moment)
    (outcome,) = autograde(space, ASSESSMENT, student="dupont-marie").outcomes
    unchanged = _manual_row(space, "dupont-marie", "q4_justification")
    assert (unchanged["points"], unchanged["a_corriger"]) == (0.5, False)
    changed = _manual_row(space, "dupont-marie", "q5_note")
    assert (changed["points"], changed["a_corriger"]) == (0, True)
    assert outcome.notes == ("q5_note : réponse modifiée depuis la note de Claire : à recorriger",)
    assert outcome.line().endswith(
        " ; q5_note : réponse modifiée depuis la note de Claire : à recorriger"
    )
    # The other copies were not looked at: bernard-luc's answers still wait.
    assert _manual_row(space, "bernard-luc", "q5_note")["a_corriger"]


def test_the_grading_notebook_is_written_once(cohort: Cohort):
    space = cohort.workspace
    path = prepare_rubric_grading(space)
    assert path == space / GRADING_NOTEBOOK
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert "GradingForm(" in "".join(cells[1]["source"])
    path.write_text(path.read_text(encoding="utf-8").replace("Correction", "Ma correction"))
    prepare_rubric_grading(space)
    assert "Ma correction" in path.read_text(encoding="utf-8")


def test_the_rubric_command_is_in_french_and_opens_the_grading_notebook(
    cohort_workspace: Cohort, tmp_path: Path
):
    from click.testing import CliRunner

    from cpts_training.cli import app
    from cpts_training.trainer.formgrader import rubric_grading_command

    runner = CliRunner()
    help_page = runner.invoke(app, ["assessment", "rubric", "--help"]).output
    assert help_page.startswith("Utilisation : cpts-training assessment rubric")
    assert "Corriger les réponses rédigées avec leur grille" in help_page
    refused = runner.invoke(app, ["assessment", "rubric", "-w", str(tmp_path)])
    assert refused.exit_code == 1
    assert "n'est pas un espace formateur" in refused.output
    assert "Traceback" not in refused.output
    command = rubric_grading_command(cohort_workspace.workspace, port=8890, open_browser=False)
    assert "--LabApp.default_url=/lab/tree/correction_grille.ipynb" in command
