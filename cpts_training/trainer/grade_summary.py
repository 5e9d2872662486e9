"""One row per trainee and assessment: where the copy stands and its points.

The statuses say what nbgrader's own export leaves implicit: a trainee who handed
nothing in is « non rendue » (not a zero), a copy deposited after the last
automatic correction is « déposée, non corrigée », and a copy whose written
answers still wait for the trainer is « en attente de correction ». A copy handed
in after the assessment's due date (:mod:`.deadlines`) is « en retard », with the
delay.
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
    "date_limite",
    "en_retard",
    "retard",
    "penalite_retard",
    "cellules_modifiees",
    "signalements",
]
"""Columns of :func:`grade_summary` (and of the trainer's ``notes.csv``).

``cellules_modifiees``: the tests, locked cells or points the trainee changed (the copy
is graded with the original ones); ``signalements``: why the copy could not be
graded, or what its automatic correction repaired or met (a kernel that stopped, a
cell over its time), from the last correction of this very deposit."""

LATE = "oui"
ON_TIME = "non"


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
    if moment is None:
        return ""
    from cpts_training.trainer.deadlines import PARIS

    local = moment.astimezone(PARIS)
    return f"{fr_date(local.date())} {local:%H:%M}"


def grade_summary(workspace: Path) -> pd.DataFrame:
    """Every known trainee × every released or submitted assessment (:data:`SUMMARY_COLUMNS`).

    Known trainees are those of the gradebook and those with a deposited copy.
    Points are left empty while a copy is not handed in or not corrected yet; answers
    still waiting for a manual grade (:func:`~.grading_state.is_pending`) count for none.

    ``deposee_le`` and ``date_limite`` are Paris times (« 15/01/2027 18:00 », « » when
    unknown or without due date); ``en_retard`` is « oui » or « non » for a deposited
    copy (« » otherwise) and ``retard`` the delay in French (« 2 h 10 min »), from the
    copy's ``timestamp.txt`` and nbgrader's due date (plus the trainee's extension);
    ``penalite_retard`` is nbgrader's late penalty (points, already taken off
    ``points``; 0 unless a penalty is configured, see :class:`~.deadlines.LatePenalty`).
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
        # An assessment is listed once released (or with a copy): a due date set ahead
        # of the release does not put « non rendue » rows in the exports.
        released = {p.name for p in (workspace / "release").glob("*") if p.is_dir()}
        assessments = {a.name for a in gradebook.assignments} & released | {a for _, a in deposits}
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
        "date_limite": "",
        "en_retard": "",
        "retard": "",
        "penalite_retard": None,
        "cellules_modifiees": "",
        "signalements": "",
    }
    try:
        due = gradebook.find_assignment(assessment).duedate
    except MissingEntry:
        due = None
    row["date_limite"] = _local(None if due is None else due.replace(tzinfo=dt.UTC))
    folder = deposits.get((student, assessment))
    if folder is None:
        return row
    deposited = deposit_time(folder)
    row["deposee_le"] = _local(deposited)
    row["statut"] = NOT_GRADED
    try:
        submission = gradebook.find_submission(assessment, student)
    except MissingEntry:
        submission = None
    _late_fields(row, deposited, due, None if submission is None else submission.extension)
    _outcome_fields(row, workspace, assessment, student, deposited)
    if submission is None:
        return row
    from cpts_training.trainer.autograde import is_up_to_date

    # Deposited again since the correction, or a correction interrupted or failed.
    if not is_up_to_date(workspace, assessment, student):
        return row
    grades = [grade for notebook in submission.notebooks for grade in notebook.grades]
    pending = sum(1 for grade in grades if is_pending(grade))
    penalty = float(submission.late_submission_penalty or 0.0)
    row.update(
        statut=WAITING if pending else GRADED,
        points=max(0.0, sum(counted_points(grade) for grade in grades) - penalty),
        points_max=float(submission.max_score),
        reponses_a_corriger=pending,
        penalite_retard=penalty,
    )
    return row


def _outcome_fields(
    row: dict[str, object],
    workspace: Path,
    assessment: str,
    student: str,
    deposited: dt.datetime | None,
) -> None:
    """Fill ``cellules_modifiees`` and ``signalements`` from the copy's last correction."""
    from cpts_training.trainer.autograde import FAILED, last_outcome

    outcome = last_outcome(workspace, assessment, student)
    if outcome is None or outcome.deposit != (deposited.isoformat() if deposited else ""):
        return
    row["cellules_modifiees"] = " ; ".join(outcome.alterations)
    reasons = [f"non corrigée : {outcome.reason}"] if outcome.status == FAILED else []
    row["signalements"] = " ; ".join([*reasons, *outcome.notes])


def _late_fields(
    row: dict[str, object],
    deposited: dt.datetime | None,
    due: dt.datetime | None,
    extension: dt.timedelta | None,
) -> None:
    """Fill ``en_retard`` and ``retard`` of a deposited copy's row."""
    from cpts_training.trainer.deadlines import format_delay

    row["en_retard"] = ON_TIME
    if deposited is None or due is None:
        return
    limit = due.replace(tzinfo=dt.UTC) + (extension or dt.timedelta())
    late = (deposited - limit).total_seconds()
    if late > 0:
        row.update(en_retard=LATE, retard=format_delay(late))
