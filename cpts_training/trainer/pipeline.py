"""One function per step of the trainer's grading workflow, over nbgrader.

``release`` → (trainees work) → ``submit`` (see :mod:`.submissions`) →
``autograde`` → manual grading in formgrader → ``feedback`` → ``export``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from nbgrader.api import Gradebook, MissingEntry

from cpts_training.errors import CPTSError
from cpts_training.trainer.grade_summary import grade_summary
from cpts_training.trainer.nbgrader_runner import run_nbgrader
from cpts_training.trainer.spreadsheet import check_csv_destination, write_spreadsheet_csv
from cpts_training.trainer.workspace import COURSE_ID, require_workspace


def _require_assessment(workspace: Path, assessment: str) -> None:
    if not (workspace / "source" / assessment).is_dir():
        available = sorted(p.name for p in (workspace / "source").iterdir() if p.is_dir())
        raise CPTSError(
            f"Évaluation « {assessment} » inconnue dans {workspace}. "
            f"Évaluations disponibles : {', '.join(available) or 'aucune'}."
        )


def release(workspace: Path, assessment: str) -> Path:
    """Generate the trainees' version of ``assessment`` (no solution, no hidden test).

    An existing release is kept as it is (nbgrader skips it) unless the source
    changed since. Returns the release folder.
    """
    workspace = require_workspace(workspace)
    _require_assessment(workspace, assessment)
    run_nbgrader(workspace, "generate_assignment", assessment, "--create")
    return workspace / "release" / assessment


def autograde(workspace: Path, assessment: str) -> list[str]:
    """Autograde every submission of ``assessment``; return the graded trainee ids.

    A submission already autograded is skipped (nbgrader's default), so grades
    entered since are kept.
    """
    workspace = require_workspace(workspace)
    _require_assessment(workspace, assessment)
    submitted = sorted(
        p.parent.name for p in (workspace / "submitted").glob(f"*/{assessment}") if p.is_dir()
    )
    if not submitted:
        raise CPTSError(
            f"Aucune copie déposée pour « {assessment} ». Déposez les copies avec "
            "« cpts-training assessment submit » avant la correction automatique."
        )
    run_nbgrader(workspace, "autograde", assessment)
    return submitted


def feedback(workspace: Path, assessment: str) -> list[Path]:
    """Write the HTML feedback of every autograded submission; return the files.

    Feedback is derived from the gradebook and is regenerated every time, so that it
    shows the manual grades entered since the last run.
    """
    workspace = require_workspace(workspace)
    _require_assessment(workspace, assessment)
    run_nbgrader(workspace, "generate_feedback", assessment, "--force")
    return sorted((workspace / "feedback").glob(f"*/{assessment}/*.html"))


def export(workspace: Path, destination: Path, replace: bool = False) -> Path:
    """Write the grade summary (:func:`~.grade_summary.grade_summary`) as a French CSV.

    One row per trainee and assessment, with its status (« non rendue »,
    « déposée, non corrigée », « en attente de correction », « corrigée »), for a
    French spreadsheet (« ; », decimal comma, UTF-8 with BOM). An existing file is
    only replaced with ``replace``.
    """
    workspace = require_workspace(workspace)
    destination = check_csv_destination(destination, replace)
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
    ``points``, ``points_max``, ``a_corriger`` (a manual grade is still due).
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
                            "points": grade.score,
                            "points_max": grade.max_score,
                            "a_corriger": bool(grade.needs_manual_grade),
                        }
                    )
    return pd.DataFrame(
        rows, columns=["stagiaire", "cellule", "type", "points", "points_max", "a_corriger"]
    )
