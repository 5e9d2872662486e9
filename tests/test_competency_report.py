"""Competency levels from grades: hand-built evidence, then a real graded workspace."""

from __future__ import annotations

import pandas as pd
import pytest

from cpts_training.trainer.competency_report import (
    ACQUIRED,
    EVIDENCE_COLUMNS,
    NOT_ASSESSED,
    PARTIAL,
    TO_WORK_ON,
    WAITING,
    competency_levels,
    level,
)


@pytest.mark.parametrize(
    ("rate", "waiting", "expected"),
    [
        (None, 0, NOT_ASSESSED),
        (None, 1, WAITING),
        (1.0, 0, ACQUIRED),
        (0.75, 1, ACQUIRED),
        (0.74, 0, PARTIAL),
        (0.5, 0, PARTIAL),
        (0.49, 0, TO_WORK_ON),
        (0.0, 0, TO_WORK_ON),
    ],
)
def test_levels_and_thresholds(rate, waiting, expected) -> None:
    assert level(rate, waiting) == expected


def test_rates_add_points_over_cells_and_leave_pending_cells_apart() -> None:
    proofs = pd.DataFrame(
        [
            # B5.C07: 1 / 1 + 0 / 1 → 1 / 2 = 50 % → partiellement acquise.
            ("lea", "evaluation_01", "q3_point_bas", "B5.C07", 1.0, 1.0, False),
            ("lea", "evaluation_01", "q3_mois", "B5.C07", 0.0, 1.0, False),
            # B5.C03: only a cell waiting for its manual grade.
            ("lea", "evaluation_01", "q4_note", "B5.C03", 0.0, 4.0, True),
            # B5.C01: 2 / 2 + 1 / 1 → 100 % → acquise, plus one pending cell.
            ("lea", "evaluation_01", "q1_total", "B5.C01", 2.0, 2.0, False),
            ("lea", "evaluation_01", "q1_variable", "B5.C01", 1.0, 1.0, False),
            ("lea", "evaluation_01", "q4_note", "B5.C01", 0.0, 4.0, True),
        ],
        columns=EVIDENCE_COLUMNS,
    )
    levels = competency_levels(proofs).set_index("competence")
    assert len(levels) == 59  # every competency of the référentiel
    assert levels.loc["B5.C07", ["points", "points_max", "taux", "niveau"]].tolist() == [
        1.0,
        2.0,
        0.5,
        PARTIAL,
    ]
    assert levels.loc["B5.C03", "niveau"] == WAITING
    assert levels.loc["B5.C01", ["taux", "en_attente", "niveau"]].tolist() == [1.0, 1, ACQUIRED]
    assert levels.loc["B3.C01", "niveau"] == NOT_ASSESSED
