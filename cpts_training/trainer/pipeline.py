"""One function per step of the trainer's grading workflow, over nbgrader.

``release`` → (trainees work) → ``submit`` (see :mod:`.submissions`) →
``autograde`` → manual grading in formgrader → ``feedback`` → ``export``.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from nbgrader.api import Gradebook, MissingEntry

from cpts_training.errors import CPTSError
from cpts_training.trainer.autograde import (
    AutogradeFailed,
    AutogradeReport,
    Progress,
    autograde_copies,
    in_gradebook,
    is_up_to_date,
)
from cpts_training.trainer.backup import backup_gradebook
from cpts_training.trainer.deadlines import with_lateness
from cpts_training.trainer.feedback import write_failure_pages
from cpts_training.trainer.grade_summary import NOT_GRADED, WAITING, grade_summary
from cpts_training.trainer.grading_state import counted_points, is_pending
from cpts_training.trainer.nbgrader_runner import run_nbgrader
from cpts_training.trainer.preprocessors.end_markers import (
    MissingEndMarker,
    require_assessment_end_markers,
)
from cpts_training.trainer.sandbox import SandboxLimits
from cpts_training.trainer.spreadsheet import require_csv_destination, write_spreadsheet_csv
from cpts_training.trainer.workspace import COURSE_ID, require_workspace
from cpts_training.trainer.workspace_lock import locked


def _require_assessment(workspace: Path, assessment: str) -> None:
    if not (workspace / "source" / assessment).is_dir():
        available = sorted(p.name for p in (workspace / "source").iterdir() if p.is_dir())
        raise CPTSError(
            f"Évaluation « {assessment} » inconnue dans {workspace}. "
            f"Évaluations disponibles : {', '.join(available) or 'aucune'}."
        )


PUBLISHED = "publiée"
UNCHANGED = "inchangée"
UPDATED = "mise à jour"


def _fingerprint(folder: Path) -> str:
    """SHA-256 of every file of an assessment's source folder (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if ".ipynb_checkpoints" in path.parts:
            continue
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _fingerprint_file(workspace: Path, assessment: str) -> Path:
    return workspace / ".cpts-training" / "publications" / f"{assessment}.sha256"


def _submitted_students(workspace: Path, assessment: str) -> list[str]:
    return sorted(
        p.parent.name for p in (workspace / "submitted").glob(f"*/{assessment}") if p.is_dir()
    )


@locked("publication de {assessment}")
def publish(workspace: Path, assessment: str, replace: bool = False) -> tuple[Path, str]:
    """Generate the trainees' version of ``assessment`` (no solution, no hidden test).

    Returns the release folder and what happened: « publiée » (first time),
    « inchangée » (the source has not changed since) or « mise à jour » (the source
    changed: the release is generated again). Once copies have been deposited, a
    changed source is refused unless ``replace``: the trainees worked on the former
    version, which is then archived in ``archives/publications/``.

    A cell of the source that opens a solution or hidden-test region without
    closing it is an authoring error: :class:`MissingEndMarker`, before anything
    is published.
    """
    workspace = require_workspace(workspace)
    _require_assessment(workspace, assessment)
    try:
        require_assessment_end_markers(workspace / "source" / assessment, assessment)
    except MissingEndMarker as error:
        raise MissingEndMarker(f"{error} Rien n'a été publié.") from None
    folder = workspace / "release" / assessment
    stamp = _fingerprint_file(workspace, assessment)
    current = _fingerprint(workspace / "source" / assessment)
    if not folder.exists():
        run_nbgrader(workspace, "generate_assignment", assessment, "--create")
        outcome = PUBLISHED
    elif stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == current:
        return folder, UNCHANGED
    else:
        students = _submitted_students(workspace, assessment)
        if students and not replace:
            raise CPTSError(
                f"Le sujet de « {assessment} » a changé depuis sa publication, mais "
                f"{len(students)} copie(s) ont déjà été déposées ({', '.join(students)}) : "
                "les stagiaires ont travaillé sur l'ancienne version. La version publiée "
                "n'est pas modifiée. Pour publier quand même la nouvelle version, relancez "
                "avec --replace (l'ancienne sera archivée) ; pensez alors à recorriger."
            )
        backup_gradebook(workspace, f"publication {assessment}")
        archive = workspace / "archives" / "publications" / f"{assessment}-{_now():%Y%m%dT%H%M%S}"
        archive.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(folder, archive)
        run_nbgrader(workspace, "generate_assignment", assessment, "--create", "--force")
        outcome = UPDATED
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current, encoding="utf-8")
    return folder, outcome


def _now() -> datetime:
    return datetime.now(UTC)


def release(workspace: Path, assessment: str) -> Path:
    """:func:`publish` without replacing a changed release; returns the release folder."""
    return publish(workspace, assessment)[0]


@locked("correction automatique de {assessment}")
def autograde(
    workspace: Path,
    assessment: str,
    student: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    copy_timeout: float | None = None,
    workers: int | None = None,
    cell_timeout: int | None = None,
    isolate: bool = True,
    limits: SandboxLimits | None = None,
) -> AutogradeReport:
    """Autograde the deposited copies of ``assessment``, several at once (:mod:`.autograde`).

    ``workers`` grading processes (default: one per core), each kernel in the sandbox
    (:mod:`.sandbox`: ``isolate`` with bubblewrap where it works, resource ``limits``);
    ``cell_timeout`` and ``copy_timeout`` in seconds (see
    :func:`~.autograde.autograde_copies`).

    A copy already autograded and unchanged since is kept (its manual grades too),
    unless ``force``; a copy deposited again since, or whose correction was
    interrupted, is graded again. ``student`` limits the run to one copy. If some
    copies cannot be graded, the others are graded all the same, then
    :class:`~.autograde.AutogradeFailed` names the failed ones and says why.

    The report's summary also names the copies handed in after the due date, with
    their delay (:class:`~.deadlines.LateAwareReport`).
    """
    workspace = require_workspace(workspace)
    _require_assessment(workspace, assessment)
    if not any((workspace / "release" / assessment).glob("*.ipynb")):
        raise CPTSError(
            f"L'évaluation « {assessment} » n'a pas encore été publiée : lancez d'abord "
            f"« cpts-training assessment release {assessment} »."
        )
    if not _submitted_students(workspace, assessment):
        raise CPTSError(
            f"Aucune copie déposée pour « {assessment} ». Déposez les copies avec "
            "« cpts-training assessment submit » avant la correction automatique."
        )
    report = with_lateness(
        workspace,
        autograde_copies(
            workspace,
            assessment,
            student,
            force=force,
            progress=progress,
            copy_timeout=copy_timeout,
            workers=workers,
            cell_timeout=cell_timeout,
            isolate=isolate,
            limits=limits,
        ),
    )
    if report.failed:
        raise AutogradeFailed(report)
    return report


@locked("production des retours de {assessment}")
def feedback(workspace: Path, assessment: str, student: str | None = None) -> list[Path]:
    """Write the HTML feedback of every autograded submission (or ``student``'s).

    Feedback is derived from the gradebook and is regenerated every time, so that it
    shows the manual grades entered since the last run. Copies not corrected yet get
    no feedback: see :func:`feedback_warnings`; a copy the automatic correction could
    not grade gets a French page saying why
    (:func:`~.feedback.write_failure_pages`). Returns the feedback files written.
    """
    workspace = require_workspace(workspace)
    _require_assessment(workspace, assessment)
    who = student or "*"
    if not any((workspace / "autograded").glob(f"{who}/{assessment}")):
        failures = write_failure_pages(workspace, assessment, student)
        if failures:
            return failures
        whose = f" de « {student} »" if student else ""
        raise CPTSError(
            f"Aucune copie corrigée{whose} pour « {assessment} » : lancez d'abord "
            f"« cpts-training assessment autograde {assessment} »."
        )
    arguments = ["generate_feedback", assessment, "--force"]
    if student:
        arguments += ["--student", student]
    # A copy whose correction is out of date, interrupted or failed gets no feedback
    # (feedback_warnings names it): nbgrader would stop at it, or show former grades.
    stale = [
        name
        for name in _submitted_students(workspace, assessment)
        if (workspace / "autograded" / name / assessment).exists()
        and not (
            is_up_to_date(workspace, assessment, name) and in_gradebook(workspace, assessment, name)
        )
    ]
    if stale:
        arguments.append(f"--CourseDirectory.student_id_exclude={','.join(stale)}")
    run_nbgrader(workspace, *arguments)
    failures = write_failure_pages(workspace, assessment, student)
    return sorted({*(workspace / "feedback").glob(f"{who}/{assessment}/*.html"), *failures})


def feedback_warnings(workspace: Path, assessment: str) -> list[str]:
    """What the trainer should know before sending the feedback of ``assessment``."""
    table = grade_summary(workspace)
    mine = table[table["evaluation"] == assessment]
    warnings = []
    not_graded_rows = mine[mine["statut"] == NOT_GRADED]
    failed_rows = not_graded_rows["signalements"].str.startswith("non corrigée :")
    failed = sorted(not_graded_rows.loc[failed_rows, "stagiaire"])
    not_graded = sorted(not_graded_rows.loc[~failed_rows, "stagiaire"])
    if failed:
        warnings.append(
            "Copies que la correction automatique n'a pas pu corriger (leur retour le dit, "
            f"avec la raison) : {', '.join(failed)}. Demandez au stagiaire de renvoyer son "
            "carnet, déposez-le avec « assessment submit … --replace », puis relancez "
            f"« assessment autograde {assessment} »."
        )
    if not_graded:
        warnings.append(
            "Copies déposées mais pas encore corrigées, donc sans retour : "
            f"{', '.join(not_graded)} (lancez « assessment autograde {assessment} »)."
        )
    waiting = sorted(mine.loc[mine["statut"] == WAITING, "stagiaire"])
    if waiting:
        warnings.append(
            f"Réponses rédigées pas encore notées pour : {', '.join(waiting)}. Leur retour "
            "les montre « en attente de correction » ; notez-les avec la grille "
            "(« assessment rubric ») ou dans formgrader (« assessment grade »), puis "
            "relancez cette commande."
        )
    return warnings


def export(workspace: Path, destination: Path, replace: bool = False) -> Path:
    """Write the grade summary (:func:`~.grade_summary.grade_summary`) as a French CSV.

    One row per trainee and assessment, with its status (« non rendue »,
    « déposée, non corrigée », « en attente de correction », « corrigée »), the due
    date and whether the copy is late (« en_retard », « retard »), for a
    French spreadsheet (« ; », decimal comma, UTF-8 with BOM). An existing file is
    only replaced with ``replace``.
    """
    workspace = require_workspace(workspace)
    destination = require_csv_destination(destination, replace)
    table = grade_summary(workspace)
    if table.empty:
        raise CPTSError(
            "Aucune note ni copie dans cet espace : publiez une évaluation et déposez les "
            "copies avant d'exporter les notes."
        )
    return write_spreadsheet_csv(table, destination)


def scores(workspace: Path, assessment: str) -> pd.DataFrame:
    """Scores per trainee and graded cell, read from the gradebook.

    Columns: ``stagiaire``, ``cellule``, ``type`` (« automatique » or « manuelle »),
    ``points``, ``points_max``, ``a_corriger`` (a manual grade is still due, see
    :func:`~.grading_state.is_pending`: its points are not counted).
    """
    workspace = require_workspace(workspace)
    rows: list[dict[str, object]] = []
    with Gradebook(f"sqlite:///{workspace / 'gradebook.db'}", COURSE_ID) as gradebook:
        try:
            submissions = gradebook.assignment_submissions(assessment)
        except MissingEntry as error:
            raise CPTSError(
                f"Aucune note pour « {assessment} » : lancez la correction automatique."
            ) from error
        for submission in submissions:
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    rows.append(
                        {
                            "stagiaire": submission.student.id,
                            "cellule": grade.name,
                            "type": ("automatique" if grade.auto_score is not None else "manuelle"),
                            "points": counted_points(grade),
                            "points_max": grade.max_score,
                            "a_corriger": is_pending(grade),
                        }
                    )
    return pd.DataFrame(
        rows, columns=["stagiaire", "cellule", "type", "points", "points_max", "a_corriger"]
    )
