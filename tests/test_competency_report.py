"""Competency levels from grades: hand-built evidence, then a real graded workspace."""

from __future__ import annotations

import pandas as pd
import pytest

from cpts_training.referentiel import load_referentiel
from cpts_training.trainer.competency_report import (
    ACQUIRED,
    EVIDENCE_COLUMNS,
    NOT_ASSESSED,
    PARTIAL,
    TO_WORK_ON,
    WAITING,
    competency_levels,
    level,
    pending_answers,
    render_cohort_report,
    render_trainee_report,
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


def _lea_evidence() -> pd.DataFrame:
    return pd.DataFrame(
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


def test_rates_add_points_over_cells_and_leave_pending_cells_apart() -> None:
    proofs = _lea_evidence()
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


def _cohort_evidence() -> pd.DataFrame:
    """Léa as above; Marc with B5.C01 at 1 / 3 and B5.C07 at 2 / 2, nothing pending."""
    marc = pd.DataFrame(
        [
            ("marc", "evaluation_01", "q1_total", "B5.C01", 0.0, 2.0, False),
            ("marc", "evaluation_01", "q1_variable", "B5.C01", 1.0, 1.0, False),
            ("marc", "evaluation_01", "q3_point_bas", "B5.C07", 1.0, 1.0, False),
            ("marc", "evaluation_01", "q3_mois", "B5.C07", 1.0, 1.0, False),
        ],
        columns=EVIDENCE_COLUMNS,
    )
    return pd.concat([_lea_evidence(), marc], ignore_index=True)


def _row(page: str, start: str) -> str:
    """The HTML table row that starts with ``start``."""
    begin = page.index(f"<tr><td>{start}")
    return page[begin : page.index("</tr>", begin)]


def test_pending_answers_count_each_cell_once() -> None:
    proofs = _cohort_evidence()
    # q4_note names two competencies but is one answer to grade.
    assert pending_answers(proofs, "lea") == 1
    assert pending_answers(proofs, "marc") == 0


def test_cohort_synthesis_counts_levels_per_bloc_and_per_competency() -> None:
    proofs = _cohort_evidence()
    referentiel = load_referentiel()
    page = render_cohort_report(competency_levels(proofs, referentiel), referentiel, proofs)
    assert '<html lang="fr">' in page and "Synthèse de la promotion" in page
    assert "2 stagiaire(s), 3 compétence(s) évaluée(s) sur 59" in page
    # Per trainee, bloc B5: Léa has B5.C01 acquired out of C01, C03 (waiting), C07;
    # Marc has B5.C07 acquired (2 / 2) out of C01 (1 / 3 = 33 %) and C07.
    assert _row(page, '<a href="rapport_lea.html">lea</a>').endswith("<td>1 / 3</td><td>1</td>")
    assert _row(page, '<a href="rapport_marc.html">marc</a>').endswith("<td>1 / 2</td><td>0</td>")
    # Per competency: B5.C01 acquired by Léa only; B5.C07 by Marc only.
    c01 = _row(page, "<code>B5.C01</code>")
    assert 'class="niveau acquise">acquise' in c01 and "à retravailler" in c01
    assert c01.endswith("<td>1 / 2</td>")
    c03 = _row(page, "<code>B5.C03</code>")
    assert "en attente de correction" in c03 and "non évaluée" in c03
    assert c03.endswith("<td>0 / 2</td>")
    assert "B3 —" not in page  # blocs without evidence are left out


def test_trainee_page_names_the_cells_behind_each_competency() -> None:
    proofs = _cohort_evidence()
    referentiel = load_referentiel()
    levels = competency_levels(proofs, referentiel)
    page = render_trainee_report("lea", levels, referentiel, proofs)
    c01 = _row(page, "<code>B5.C01</code>")
    assert "evaluation_01 : q1_total, q1_variable, q4_note" in c01
    assert "3 / 3" in c01 and "100" in c01
    assert "marc" not in page
