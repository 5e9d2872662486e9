"""Coverage of the référentiel: which module teaches, which graded cell assesses each competency.

Derived from the référentiel, the syllabus and the assessments' cell metadata,
so that a gap (a competency neither taught nor assessed yet) is visible.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cpts_training.referentiel import Referentiel, load_referentiel
from cpts_training.syllabus import Syllabus, assessment_notebooks, graded_cells, load_syllabus

COVERAGE_COLUMNS = ["bloc", "competence", "libelle", "enseignee_par", "evaluee_par"]


def coverage(
    referentiel: Referentiel | None = None, syllabus: Syllabus | None = None
) -> pd.DataFrame:
    """One row per competency: ``bloc``, ``competence``, ``libelle``, ``enseignee_par``
    (module ids) and ``evaluee_par`` (``assessment:grade_id`` of the graded cells)."""
    referentiel = referentiel or load_referentiel()
    syllabus = syllabus or load_syllabus(referentiel=referentiel)
    taught: dict[str, list[str]] = {}
    for module in syllabus.modules:
        for competency_id in module.competencies:
            taught.setdefault(competency_id, []).append(module.id)
    assessed: dict[str, list[str]] = {}
    for assessment in syllabus.assessments:
        for notebook in assessment_notebooks(assessment.id):
            for cell in graded_cells(notebook):
                for competency_id in cell["competencies"]:
                    assessed.setdefault(competency_id, []).append(
                        f"{assessment.id}:{cell['grade_id']}"
                    )
    rows = [
        {
            "bloc": referentiel.bloc_of(c.id).id,
            "competence": c.id,
            "libelle": c.label,
            "enseignee_par": taught.get(c.id, []),
            "evaluee_par": assessed.get(c.id, []),
        }
        for c in referentiel.competencies()
    ]
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def coverage_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per bloc: number of competencies, how many are taught, how many are assessed."""
    grouped = table.groupby("bloc", sort=True)
    return pd.DataFrame(
        {
            "competences": grouped.size(),
            "enseignees": grouped["enseignee_par"].apply(lambda s: int(s.map(bool).sum())),
            "evaluees": grouped["evaluee_par"].apply(lambda s: int(s.map(bool).sum())),
        }
    ).reset_index()


def _cell(items: list[str]) -> str:
    return ", ".join(f"`{item}`" for item in items) if items else "—"


def render_coverage_markdown(table: pd.DataFrame) -> str:
    """French MyST page: the summary per bloc, then every competency with its coverage."""
    summary = coverage_summary(table)
    lines = [
        "# Couverture du référentiel",
        "",
        "Pour chaque compétence du référentiel : les modules qui la travaillent et les "
        "cellules notées des évaluations qui l'évaluent. Le tableau est recalculé à chaque "
        "construction du livre, à partir du plan du cours et des évaluations.",
        "",
        "| Bloc | Compétences | Travaillées dans un module | Évaluées |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r.bloc} | {r.competences} | {r.enseignees} | {r.evaluees} |"
        for r in summary.itertuples()
    ]
    lines += [
        "",
        "| Compétence | Libellé | Modules | Cellules notées |",
        "|---|---|---|---|",
    ]
    row: Any  # a row of the table: its fields are not known statically
    for row in table.itertuples():
        label = str(row.libelle).replace("|", "\\|")
        lines.append(
            f"| {row.competence} | {label} | {_cell(row.enseignee_par)} | "
            f"{_cell(row.evaluee_par)} |"
        )
    return "\n".join(lines) + "\n"
