"""Answers still waiting for the trainer's grade, marked in the feedback."""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool


def mark_pending_grades(nb: NotebookNode, resources: dict[str, Any]) -> None:
    """Mark the graded cells whose manual grade is still due, from the gradebook.

    "Due" is :func:`~cpts_training.trainer.grading_state.is_pending`, the definition
    shared with ``notes.csv`` and the competency report. Sets
    ``metadata.nbgrader.needs_manual_grade`` on every graded cell, the number and
    points of pending answers in ``resources["nbgrader"]``, and the total score
    without the pending cells (a former manual grade, given to a copy since
    replaced, is not counted). Without nbgrader's resources (outside
    ``generate_feedback``) nothing is marked.
    """
    info = resources.get("nbgrader") or {}
    if not {"db_url", "notebook", "assignment", "student"} <= set(info):
        return
    from nbgrader.api import Gradebook, MissingEntry

    from cpts_training.trainer.grading_state import counted_points, is_pending

    pending = 0
    pending_points = 0.0
    with Gradebook(info["db_url"]) as gradebook:
        for cell in nb.cells:
            grading = cell.metadata.get("nbgrader", {})
            if not (grading.get("grade") or grading.get("task")):
                continue
            try:
                grade = gradebook.find_grade(
                    grading["grade_id"], info["notebook"], info["assignment"], info["student"]
                )
            except MissingEntry:
                continue
            due = is_pending(grade)
            grading["needs_manual_grade"] = due
            if due:
                pending += 1
                pending_points += grade.max_score or 0
        try:
            graded = gradebook.find_submission_notebook(
                info["notebook"], info["assignment"], info["student"]
            )
        except MissingEntry:
            graded = None
        if graded is not None:
            info["score"] = sum(counted_points(grade) for grade in graded.grades)
    info["pending_count"] = pending
    info["pending_points"] = pending_points


class MarkPendingGrades(Preprocessor):
    """nbconvert preprocessor: mark the answers whose manual grade is still due."""

    enabled = Bool(True, help="Whether the preprocessor runs.").tag(config=True)

    def preprocess(self, nb, resources):  # noqa: D102 - nbconvert API
        mark_pending_grades(nb, resources)
        return nb, resources
