"""When a grade is final, and when it still waits for the trainer: one definition.

nbgrader's ``needs_manual_grade`` flag is the single source of truth, as formgrader
keeps it: autograde sets it on every cell without an automatic score, and again on
every cell that already had a manual grade when the copy is autograded anew (that
grade was given to a former text, for instance before a deposit with ``--replace``);
formgrader clears it when the trainer saves a grade, and so does the rubric grading
notebook (:mod:`~cpts_training.trainer.rubric_grading`), which also clears it again
after autograde when the answer's text is the very text it graded. A pending grade
counts for no points anywhere: not in the feedback page, not in ``notes.csv``, not
in the competency report, even if a former manual score is still stored beside it.
"""

from __future__ import annotations

from pathlib import Path

from nbgrader.api import Grade, Gradebook, MissingEntry

from cpts_training.errors import CPTSError
from cpts_training.formatting import format_decimal_fr
from cpts_training.trainer.workspace import COURSE_ID, require_workspace


def is_pending(grade: Grade) -> bool:
    """Whether ``grade`` still waits for the trainer's manual grade."""
    return bool(grade.needs_manual_grade)


def counted_points(grade: Grade) -> float:
    """Points that ``grade`` brings to a total: none while it is pending."""
    if is_pending(grade):
        return 0.0
    return float(grade.score or 0)


def set_manual_grade(
    workspace: Path,
    assessment: str,
    student: str,
    grade_id: str,
    score: float,
    notebook: str | None = None,
) -> None:
    """Record a manual grade as formgrader does (the score, and the cell no longer pending).

    ``notebook`` defaults to the assessment's name (one notebook per assessment).
    """
    workspace = require_workspace(workspace)
    with Gradebook(f"sqlite:///{workspace / 'gradebook.db'}", COURSE_ID) as gradebook:
        try:
            grade = gradebook.find_grade(grade_id, notebook or assessment, assessment, student)
        except MissingEntry as error:
            raise CPTSError(
                f"Pas de cellule notée « {grade_id} » dans la copie corrigée de « {student} » "
                f"pour « {assessment} » : vérifiez les noms, et que la copie a été corrigée."
            ) from error
        if not 0 <= score <= (grade.max_score or 0):
            raise CPTSError(
                f"Note {format_decimal_fr(score, 2)} impossible pour « {grade_id} » : "
                f"elle doit être entre 0 et {format_decimal_fr(grade.max_score or 0, 2)}."
            )
        grade.manual_score = score
        grade.needs_manual_grade = False
        gradebook.db.commit()
