"""Points per trainee for one assessment, as the trainer reads them after a correction."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from cpts_training.trainer.autograde import FAILED, AutogradeReport
from cpts_training.trainer.feedback import note_fr
from cpts_training.trainer.pipeline import scores

TOTAL_COLUMNS = ["stagiaire", "points", "points_max", "reponses_a_corriger"]
"""Columns of :func:`copy_totals`."""


def copy_totals(
    workspace: Path, assessment: str, students: Iterable[str] | None = None
) -> pd.DataFrame:
    """Points of each trainee's copy of ``assessment`` (all trainees, or ``students``).

    ``points`` leaves out the answers still to grade by hand (see
    :func:`~.grading_state.is_pending`), counted in ``reponses_a_corriger``.
    """
    table = scores(workspace, assessment)
    if students is not None:
        table = table[table["stagiaire"].isin(set(students))]
    totals = table.groupby("stagiaire", as_index=False, sort=True).agg(
        points=("points", "sum"),
        points_max=("points_max", "sum"),
        reponses_a_corriger=("a_corriger", "sum"),
    )
    totals["reponses_a_corriger"] = totals["reponses_a_corriger"].astype(int)
    return totals.reindex(columns=TOTAL_COLUMNS)


def report_totals(workspace: Path, report: AutogradeReport) -> list[str]:
    """One French line per copy graded or kept by ``report``: its points, pending answers apart.

    « dupont-marie : 5 / 6 points (1 réponse(s) à corriger à la main) ». No line when
    no copy was graded or kept.
    """
    students = {o.student for o in report.outcomes if o.status != FAILED}
    if not students:
        return []
    # Rows of the table: their fields are not known statically.
    rows: Iterable[Any] = copy_totals(workspace, report.assessment, students).itertuples()
    return [
        f"  {row.stagiaire} : {note_fr(row.points, row.points_max)}"
        f" ({row.reponses_a_corriger} réponse(s) à corriger à la main)"
        for row in rows
    ]
