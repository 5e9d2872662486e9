"""One row per trainee and assessment: where the copy stands and its points.

The statuses say what nbgrader's own export leaves implicit: a trainee who handed
nothing in is « non rendue » (not a zero), a copy deposited after the last
automatic correction is « déposée, non corrigée », and a copy whose written
answers still wait for the trainer is « en attente de correction ».
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import parse_utc

from cpts_training.dates import fr_date
from cpts_training.trainer.grading_state import counted_points, is_pending
from cpts_training.trainer.workspace import COURSE_ID, require_workspace

NOT_HANDED_IN = "non rendue"
NOT_GRADED = "déposée, non corrigée"
WAITING = "en attente de correction"
GRADED = "corrigée"

SUMMARY_COLUMNS = [
    "stagiaire",
    "evaluation",
    "statut",
    "points",
    "points_max",
    "reponses_a_corriger",
    "deposee_le",
]
"""Columns of :func:`grade_summary` (and of the trainer's ``notes.csv``)."""


def deposit_time(folder: Path) -> dt.datetime | None:
    """When the copy in ``folder`` was deposited (its ``timestamp.txt``, UTC), if known."""
    stamp = folder / "timestamp.txt"
    if not stamp.is_file():
        return None
    try:
        moment = parse_utc(stamp.read_text(encoding="utf-8").strip())
    except (ValueError, OverflowError):
        return None
    return moment.replace(tzinfo=dt.UTC)


def _local(moment: dt.datetime | None) -> str:
    return "" if moment is None else f"{fr_date(moment.astimezone())} {moment.astimezone():%H:%M}"


def grade_summary(workspace: Path) -> pd.DataFrame:
    """Every known trainee × every released or submitted assessment (:data:`SUMMARY_COLUMNS`).

    Known trainees are those of the gradebook and those with a deposited copy.
    Points are left empty while a copy is not handed in or not corrected yet; answers
    still waiting for a manual grade (:func:`~.grading_state.is_pending`) count for none.
    """
    workspace = require_workspace(workspace)
    submitted = workspace / "submitted"
    deposits = {
        (folder.parent.name, folder.name): folder
        for folder in submitted.glob("*/*")
        if folder.is_dir()
    }
    rows: list[dict[str, object]] = []
    with Gradebook(f"sqlite:///{workspace / 'gradebook.db'}", COURSE_ID) as gradebook:
        students = {s.id for s in gradebook.students} | {s for s, _ in deposits}
        assessments = {a.name for a in gradebook.assignments} | {a for _, a in deposits}
        for assessment in sorted(assessments):
            for student in sorted(students):
                rows.append(_summary_row(workspace, gradebook, student, assessment, deposits))
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    table["reponses_a_corriger"] = table["reponses_a_corriger"].astype("Int64")
    return table


def _summary_row(
    workspace: Path,
    gradebook: Gradebook,
    student: str,
    assessment: str,
    deposits: dict[tuple[str, str], Path],
) -> dict[str, object]:
    row: dict[str, object] = {
        "stagiaire": student,
        "evaluation": assessment,
        "statut": NOT_HANDED_IN,
        "points": None,
        "points_max": None,
        "reponses_a_corriger": None,
        "deposee_le": "",
    }
    folder = deposits.get((student, assessment))
    if folder is None:
        return row
    deposited = deposit_time(folder)
    row["deposee_le"] = _local(deposited)
    row["statut"] = NOT_GRADED
    try:
        submission = gradebook.find_submission(assessment, student)
    except MissingEntry:
        return row
    from cpts_training.trainer.autograde import is_up_to_date

    # Deposited again since the correction, or a correction interrupted or failed.
    if not is_up_to_date(workspace, assessment, student):
        return row
    grades = [grade for notebook in submission.notebooks for grade in notebook.grades]
    pending = sum(1 for grade in grades if is_pending(grade))
    row.update(
        statut=WAITING if pending else GRADED,
        points=sum(counted_points(grade) for grade in grades),
        points_max=float(submission.max_score),
        reponses_a_corriger=pending,
    )
    return row
