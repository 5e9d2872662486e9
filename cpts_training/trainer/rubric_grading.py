"""Grading written answers against their rubric, over nbgrader's gradebook.

A written answer cell of an assessment (an nbgrader cell both ``solution`` and
``grade``) carries its rubric in its metadata, ``cpts_training.rubric``: a list of
``{"criterion": str, "points": number}`` (``"description"`` optional), whose points
sum to the cell's nbgrader points.

- :func:`answers_to_grade` lists the answers of the autograded copies that have a
  manual part, with the trainee's text, the rubric and the grade as it stands;
- :func:`grade_answer` turns the criteria met into a score and a French comment,
  writes them in the gradebook as formgrader does (so formgrader, feedback and
  exports see them) and appends the grade to the grading journal
  (:data:`~cpts_training.trainer.journal.GRADING_JOURNAL`). A grade changed by
  someone else since the answer was read is never overwritten silently: the save
  fails with :class:`GradingConflict`;
- :func:`restore_journal_grades` (called after each autograded copy) keeps a manual
  grade final when nbgrader's autograde flagged it again although the answer's text
  is the one that was graded.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.api import Grade, Gradebook, MissingEntry
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import OperationalError

from cpts_training.errors import CPTSError
from cpts_training.formatting import format_decimal_fr
from cpts_training.trainer.journal import GRADING_JOURNAL, append_record, now_iso, read_records
from cpts_training.trainer.workspace import COURSE_ID, require_workspace

GRADING_NOTEBOOK = "correction_grille.ipynb"
"""Name of the grading notebook written at the root of a workspace."""

TEMPLATE = Path(__file__).parent / "templates" / "correction" / GRADING_NOTEBOOK
"""The grading notebook as shipped with the package."""


class Criterion(BaseModel):
    """One criterion of a rubric: its name (shown to the trainer and the trainee), its points."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    criterion: str = Field(min_length=1)
    points: float = Field(ge=0)
    description: str = ""


class Rubric(BaseModel):
    """The criteria of one written answer, in the order the trainer reads them."""

    model_config = ConfigDict(frozen=True)

    criteria: tuple[Criterion, ...]

    @property
    def total(self) -> float:
        """Points of all the criteria together."""
        return round(sum(c.points for c in self.criteria), 6)

    @property
    def names(self) -> list[str]:
        """The criteria's names, in order."""
        return [c.criterion for c in self.criteria]

    def points_of(self, met: Iterable[str]) -> float:
        """Points of the criteria ``met`` (names); an unknown name raises a French CPTSError."""
        chosen = set(met)
        unknown = sorted(chosen - set(self.names))
        if unknown:
            raise CPTSError(
                f"Critère inconnu : {', '.join(f'« {u} »' for u in unknown)}. Les critères de "
                f"cette grille sont : {', '.join(f'« {n} »' for n in self.names)}."
            )
        return round(sum(c.points for c in self.criteria if c.criterion in chosen), 6)


def rubric_of(metadata: Mapping[str, Any], where: str = "cette cellule") -> Rubric | None:
    """The rubric in a cell's ``metadata`` (``cpts_training.rubric``), or None if it has none.

    Raises a French :class:`CPTSError` naming ``where`` if the rubric is malformed
    (not a list, a criterion without name or points, a name used twice).
    """
    raw = (metadata.get("cpts_training") or {}).get("rubric")
    if raw is None:
        return None
    fix = (
        "Corrigez les métadonnées de la cellule dans le carnet source : "
        '"cpts_training": {"rubric": [{"criterion": "…", "points": 1}, …]}.'
    )
    if not isinstance(raw, list) or not raw:
        raise CPTSError(f"La grille de {where} doit être une liste de critères non vide. {fix}")
    try:
        rubric = Rubric(criteria=tuple(Criterion.model_validate(item) for item in raw))
    except ValidationError as error:
        raise CPTSError(
            f"La grille de {where} a un critère mal écrit (il faut un nom et un nombre de "
            f"points positif ou nul ; {error.error_count()} erreur(s)). {fix}"
        ) from error
    names = rubric.names
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise CPTSError(
            f"La grille de {where} a deux critères du même nom ({', '.join(twice)}) : "
            "donnez à chacun un nom distinct."
        )
    return rubric


def require_rubric(metadata: Mapping[str, Any], where: str = "cette cellule") -> Rubric:
    """The rubric of a manually graded cell, checked against its nbgrader points.

    Raises a French :class:`CPTSError` if the cell has no rubric, if it is malformed,
    or if its criteria's points do not sum to the cell's points
    (``metadata["nbgrader"]["points"]``).
    """
    rubric = rubric_of(metadata, where)
    if rubric is None:
        raise CPTSError(
            f"{where.capitalize()} n'a pas de grille de correction : ajoutez dans ses "
            'métadonnées "cpts_training": {"rubric": [{"criterion": "…", "points": 1}, …]}, '
            "des critères dont les points font le total de la question."
        )
    points = float((metadata.get("nbgrader") or {}).get("points") or 0)
    if abs(rubric.total - points) > 1e-6:
        raise CPTSError(
            f"Les critères de la grille de {where} totalisent "
            f"{format_decimal_fr(rubric.total, 2)} point(s), mais la question est notée sur "
            f"{format_decimal_fr(points, 2)} : corrigez les points des critères ou de la "
            "cellule pour qu'ils soient égaux."
        )
    return rubric


def is_manually_graded(cell: Mapping[str, Any]) -> bool:
    """Whether an nbgrader cell is graded by hand (an answer cell that is also graded)."""
    nbgrader = (cell.get("metadata") or {}).get("nbgrader") or {}
    return bool(nbgrader.get("grade")) and bool(nbgrader.get("solution"))


def require_rubrics(notebook_path: Path) -> dict[str, Rubric]:
    """The checked rubric of every manually graded cell of a notebook, by grade_id.

    Raises a French :class:`CPTSError` for the first cell whose rubric is missing,
    malformed or does not sum to its points.
    """
    notebook = nbformat.read(notebook_path, as_version=4)
    rubrics = {}
    for cell in notebook.cells:
        if is_manually_graded(cell):
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            where = f"la cellule « {grade_id} » de {Path(notebook_path).name}"
            rubrics[grade_id] = require_rubric(cell.metadata, where)
    return rubrics


def answer_fingerprint(text: str) -> str:
    """SHA-256 (hexadecimal) of an answer's text, as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class GradingConflict(CPTSError):
    """The grade changed since the answer was read (another trainer, or formgrader)."""


@dataclass(frozen=True)
class AnswerToGrade:
    """One answer with a manual part, as read from the gradebook and the autograded copy.

    ``score`` is nbgrader's manual score (None if never graded), ``pending`` its
    ``needs_manual_grade``; ``graded_by`` / ``graded_at`` come from the latest grading
    journal record of the cell ("" if none); ``version`` identifies the grade's state
    as read, for :func:`grade_answer` to detect a later change.
    """

    assessment: str
    notebook: str
    student: str
    student_name: str
    grade_id: str
    answer: str
    question: str
    rubric: Rubric | None
    max_points: float
    score: float | None
    comment: str
    pending: bool
    graded_by: str
    graded_at: str
    version: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """(assessment, notebook, student, grade_id): the answer's identity."""
        return (self.assessment, self.notebook, self.student, self.grade_id)

    @property
    def label(self) -> str:
        """« evaluation_01 — alice (Alice Martin) — q5_note », for messages."""
        who = f"{self.student} ({self.student_name})" if self.student_name else self.student
        return f"{self.assessment} — {who} — {self.grade_id}"


@dataclass(frozen=True)
class GradeRecord:
    """A grade given with the rubric, as appended to the grading journal (French keys)."""

    date: str
    grader: str
    assessment: str
    notebook: str
    student: str
    grade_id: str
    points: float
    max_points: float
    criteria: tuple[str, ...]
    comment: str
    answer_sha256: str
    replaces: dict[str, Any] | None

    def record(self) -> dict[str, Any]:
        """The journal record (keys of :data:`~cpts_training.trainer.journal.GRADING_JOURNAL`)."""
        return {
            "date": self.date,
            "correcteur": self.grader,
            "evaluation": self.assessment,
            "carnet": self.notebook,
            "stagiaire": self.student,
            "cellule": self.grade_id,
            "points": self.points,
            "points_max": self.max_points,
            "criteres": list(self.criteria),
            "commentaire": self.comment,
            "empreinte_reponse": self.answer_sha256,
            "remplace": self.replaces,
        }


def _gradebook(workspace: Path) -> Gradebook:
    return Gradebook(f"sqlite:///{workspace / 'gradebook.db'}", COURSE_ID)


def _version(grade: Grade, comment: str | None) -> str:
    state = [grade.manual_score, bool(grade.needs_manual_grade), comment or ""]
    return hashlib.sha256(json.dumps(state).encode("utf-8")).hexdigest()[:16]


def _comment_text(gradebook: Gradebook, grade: Grade, names: tuple[str, str, str, str]) -> str:
    assessment, notebook, student, grade_id = names
    try:
        return gradebook.find_comment(grade_id, notebook, assessment, student).manual_comment or ""
    except MissingEntry:
        return ""


def _journal_key(record: Mapping[str, Any]) -> tuple[Any, Any, Any, Any]:
    return (
        record.get("evaluation"),
        record.get("carnet"),
        record.get("stagiaire"),
        record.get("cellule"),
    )


def latest_journal_records(workspace: Path) -> dict[tuple[Any, Any, Any, Any], dict[str, Any]]:
    """The latest grading journal record of each cell, by (assessment, notebook, student,
    grade_id)."""
    latest = {}
    for record in read_records(Path(workspace) / GRADING_JOURNAL):
        latest[_journal_key(record)] = record
    return latest


def shown_date(iso: str) -> str:
    """« 01/12/2026 à 10:30 » (local time) for an ISO 8601 date; the text itself if unreadable."""
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso or "")
    return moment.astimezone().strftime("%d/%m/%Y à %H:%M")


def _cells_by_id(path: Path) -> list[Any]:
    if not path.is_file():
        return []
    return list(nbformat.read(path, as_version=4).cells)


def _question_before(cells: Sequence[Any], index: int) -> str:
    """The nearest markdown cell before ``index`` that is not itself an answer."""
    for cell in reversed(cells[:index]):
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and not nbgrader.get("solution"):
            return str(cell.source)
    return ""


def answers_to_grade(
    workspace: Path,
    assessment: str | None = None,
    student: str | None = None,
    pending_only: bool = True,
) -> list[AnswerToGrade]:
    """Answers with a manual part of every autograded copy, in assessment, trainee and
    notebook order.

    An answer has a manual part if nbgrader has no automatic score for it, flags it
    ``needs_manual_grade``, or it has a manual score. With ``pending_only``, only
    those still waiting for a grade. The answer's text is read from the autograded
    notebook, the rubric from the source notebook. Raises a French
    :class:`CPTSError` for an ``assessment`` or ``student`` the gradebook does not know.
    """
    from cpts_training.trainer.autograde import is_complete

    workspace = require_workspace(workspace)
    if not (workspace / "gradebook.db").is_file():
        return []
    journal = latest_journal_records(workspace)
    answers: list[AnswerToGrade] = []
    with _gradebook(workspace) as gradebook:
        names = sorted(a.name for a in gradebook.assignments)
        if assessment is not None and assessment not in names:
            raise CPTSError(
                f"Évaluation « {assessment} » inconnue du carnet de notes. Évaluations "
                f"publiées : {', '.join(names) or 'aucune'}."
            )
        if student is not None:
            try:
                gradebook.find_student(student)
            except MissingEntry:
                raise CPTSError(
                    f"Stagiaire « {student} » inconnu du carnet de notes : vérifiez "
                    "l'identifiant (celui du dépôt de sa copie)."
                ) from None
        for name in names if assessment is None else [assessment]:
            submissions = sorted(
                gradebook.find_assignment(name).submissions, key=lambda s: s.student.id
            )
            for submission in submissions:
                if student is not None and submission.student.id != student:
                    continue
                if not is_complete(workspace, name, submission.student.id):
                    continue
                answers += _submission_answers(
                    workspace, gradebook, submission, journal, pending_only
                )
    return answers


def _submission_answers(
    workspace: Path,
    gradebook: Gradebook,
    submission: Any,
    journal: Mapping[tuple[Any, Any, Any, Any], Mapping[str, Any]],
    pending_only: bool,
) -> list[AnswerToGrade]:
    assessment, student = submission.assignment.name, submission.student.id
    person = submission.student
    student_name = " ".join(p for p in (person.first_name, person.last_name) if p)
    answers = []
    for notebook in sorted(submission.notebooks, key=lambda n: n.name):
        cells = _cells_by_id(
            workspace / "autograded" / student / assessment / f"{notebook.name}.ipynb"
        )
        sources = _cells_by_id(workspace / "source" / assessment / f"{notebook.name}.ipynb")
        source_meta = {c.metadata.get("nbgrader", {}).get("grade_id"): c.metadata for c in sources}
        position = {c.metadata.get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(cells)}
        grades = sorted(notebook.grades, key=lambda g: position.get(g.name, len(cells)))
        for grade in grades:
            manual = (
                grade.needs_manual_grade or grade.manual_score is not None
            ) or grade.auto_score is None
            if not manual or (pending_only and not grade.needs_manual_grade):
                continue
            index = position.get(grade.name)
            text = str(cells[index].source) if index is not None else ""
            key = (assessment, notebook.name, student, grade.name)
            comment = _comment_text(gradebook, grade, key)
            where = f"la cellule « {grade.name} » de {assessment}"
            record = journal.get(key, {})
            answers.append(
                AnswerToGrade(
                    assessment=assessment,
                    notebook=notebook.name,
                    student=student,
                    student_name=student_name,
                    grade_id=grade.name,
                    answer=text,
                    question=_question_before(cells, index) if index is not None else "",
                    rubric=rubric_of(source_meta.get(grade.name, {}), where),
                    max_points=float(grade.max_score or 0),
                    score=grade.manual_score,
                    comment=comment,
                    pending=bool(grade.needs_manual_grade),
                    graded_by=str(record.get("correcteur", "")),
                    graded_at=str(record.get("date", "")),
                    version=_version(grade, comment),
                )
            )
    return answers


def rubric_comment(rubric: Rubric, met: Iterable[str], free_comment: str = "") -> str:
    """The French comment of a grade: criteria met with their points, criteria to work on,
    then the trainer's own comment.

    « Critères atteints : Clarté (1 pt), Risques (1 pt) ; à retravailler : Demande au CA
    (1 pt). » followed by ``free_comment`` on a line of its own.
    """
    chosen = set(met)

    def listed(criteria: list[Criterion]) -> str:
        return ", ".join(f"{c.criterion} ({format_decimal_fr(c.points, 2)} pt)" for c in criteria)

    reached = [c for c in rubric.criteria if c.criterion in chosen]
    missing = [c for c in rubric.criteria if c.criterion not in chosen]
    parts = [f"Critères atteints : {listed(reached) or 'aucun'}"]
    if missing:
        parts.append(f"à retravailler : {listed(missing)}")
    text = " ; ".join(parts) + "."
    if free_comment.strip():
        text += "\n" + free_comment.strip()
    return text


def _conflict(
    answer: AnswerToGrade, grade: Grade, record: Mapping[str, Any] | None
) -> GradingConflict:
    if grade.manual_score is None or (
        grade.needs_manual_grade and answer.score == grade.manual_score
    ):
        what = (
            "la copie a été corrigée automatiquement de nouveau depuis que vous l'avez "
            "ouverte, et la réponse attend une nouvelle note"
        )
    else:
        score = (
            f"{format_decimal_fr(grade.manual_score, 2)} / "
            f"{format_decimal_fr(answer.max_points, 2)}"
        )
        if record is not None and record.get("points") == grade.manual_score:
            who = f"{record.get('correcteur')} l'a notée {score} le {shown_date(record['date'])}"
        else:
            who = f"elle a été notée {score} hors de la grille (formgrader, date inconnue)"
        what = f"{who}, après que vous l'avez ouverte"
    return GradingConflict(
        f"Note non enregistrée pour {answer.label} : {what}. Rechargez la réponse pour voir "
        "sa note avant de la remplacer."
    )


def grade_answer(
    workspace: Path,
    answer: AnswerToGrade,
    met: Sequence[str],
    grader: str,
    comment: str = "",
) -> GradeRecord:
    """Grade ``answer`` with the criteria ``met``: score, French comment, journal record.

    The score is the sum of the points of the criteria met. The gradebook is written
    as formgrader writes it (``Grade.manual_score``, ``needs_manual_grade`` False,
    ``Comment.manual_comment``), inside one transaction that first re-reads the grade:
    if it changed since ``answer`` was read, nothing is written and
    :class:`GradingConflict` is raised. Returns the record appended to the grading
    journal. Raises a French :class:`CPTSError` for an empty ``grader``, an unknown
    criterion, an answer without rubric, or a gradebook busy for too long.
    """
    workspace = require_workspace(workspace)
    grader = grader.strip()
    if not grader:
        raise CPTSError(
            "Indiquez votre nom de correcteur avant d'enregistrer : il est gardé avec la "
            "note, pour savoir qui l'a donnée."
        )
    where = f"la cellule « {answer.grade_id} » de {answer.assessment}"
    if answer.rubric is None:
        raise CPTSError(
            f"{where.capitalize()} n'a pas de grille de correction : notez-la dans formgrader "
            "(« cpts-training assessment grade »), ou ajoutez sa grille au carnet source."
        )
    met_names = tuple(dict.fromkeys(met))
    points = answer.rubric.points_of(met_names)
    text = rubric_comment(answer.rubric, met_names, comment)
    assessment, notebook, student, grade_id = answer.key
    try:
        with _gradebook(workspace) as gradebook:
            session = gradebook.db
            session.commit()
            # Take the write lock before reading: no other save can slip in between.
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            # Read under the lock: a save that just committed has its journal line.
            latest = latest_journal_records(workspace).get(answer.key)
            try:
                grade = gradebook.find_grade(grade_id, notebook, assessment, student)
                stored = gradebook.find_comment(grade_id, notebook, assessment, student)
            except MissingEntry:
                session.rollback()
                raise CPTSError(
                    f"La réponse {answer.label} n'est plus dans le carnet de notes (copie "
                    "retirée ?) : rechargez la liste des réponses."
                ) from None
            if _version(grade, stored.manual_comment) != answer.version:
                conflict = _conflict(answer, grade, latest)
                session.rollback()
                raise conflict
            replaces = None
            if grade.manual_score is not None:
                same = latest is not None and latest.get("points") == grade.manual_score
                replaces = {
                    "points": grade.manual_score,
                    "correcteur": latest.get("correcteur") if same and latest else None,
                    "date": latest.get("date") if same and latest else None,
                }
            result = GradeRecord(
                date=now_iso(),
                grader=grader,
                assessment=assessment,
                notebook=notebook,
                student=student,
                grade_id=grade_id,
                points=points,
                max_points=answer.max_points,
                criteria=met_names,
                comment=text,
                answer_sha256=answer_fingerprint(answer.answer),
                replaces=replaces,
            )
            grade.manual_score = points
            grade.needs_manual_grade = False
            stored.manual_comment = text
            session.flush()
            # Journal first, under the database's lock: lines stay in the order of the saves.
            append_record(workspace / GRADING_JOURNAL, result.record())
            session.commit()
    except OperationalError as error:
        raise CPTSError(
            "Le carnet de notes (gradebook.db) est occupé par une autre correction depuis "
            "trop longtemps : réessayez dans un instant (fermez une correction automatique "
            "en cours si besoin)."
        ) from error
    return result


def restore_journal_grades(workspace: Path, assessment: str, student: str) -> list[str]:
    """After autograding ``student``'s copy, keep final the grades of answers not changed.

    nbgrader's autograde flags every cell with a manual score as needing grading
    again. For each such pending cell whose latest grading journal record has the
    SHA-256 of the answer's current text (``empreinte_reponse``), the journal's score
    is set again and the cell is no longer pending. A cell whose text changed stays
    pending. Returns a French note per cell left pending that had a journal grade:
    « q5_note : réponse modifiée depuis la note de Claire : à recorriger ».
    """
    workspace = require_workspace(workspace)
    journal = latest_journal_records(workspace)
    if not any(k[0] == assessment and k[2] == student for k in journal):
        return []
    notes = []
    with _gradebook(workspace) as gradebook:
        try:
            submission = gradebook.find_submission(assessment, student)
        except MissingEntry:
            return []
        for notebook in submission.notebooks:
            cells = _cells_by_id(
                workspace / "autograded" / student / assessment / f"{notebook.name}.ipynb"
            )
            texts = {c.metadata.get("nbgrader", {}).get("grade_id"): str(c.source) for c in cells}
            for grade in notebook.grades:
                record = journal.get((assessment, notebook.name, student, grade.name))
                if record is None or not grade.needs_manual_grade:
                    continue
                who = record.get("correcteur", "?")
                if answer_fingerprint(texts.get(grade.name, "")) != record.get("empreinte_reponse"):
                    notes.append(
                        f"{grade.name} : réponse modifiée depuis la note de {who} : à recorriger"
                    )
                elif grade.manual_score not in (None, record.get("points")):
                    notes.append(
                        f"{grade.name} : note changée dans formgrader après celle de {who} : "
                        "à vérifier"
                    )
                else:
                    grade.manual_score = record.get("points")
                    grade.needs_manual_grade = False
        gradebook.db.commit()
    return notes


def prepare_rubric_grading(workspace: Path) -> Path:
    """Write the grading notebook at the root of ``workspace`` unless it is there already.

    Returns its path (``<workspace>/correction_grille.ipynb``). An existing notebook
    (perhaps with the trainer's own notes) is left as it is.
    """
    workspace = require_workspace(workspace)
    target = workspace / GRADING_NOTEBOOK
    if not target.exists():
        shutil.copyfile(TEMPLATE, target)
    return target
