"""Competency report: each trainee's grades turned into levels on the référentiel.

Evidence: every graded cell of every assessment names its competencies (cell
metadata ``cpts_training.competencies``); every grade of the gradebook becomes one
row of evidence per competency of its cell. A competency's rate is the points
obtained over the points available in its graded cells; cells still waiting for a
manual grade are counted apart. The levels and their thresholds are stated in the
report itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader

from cpts_training.errors import CPTSError
from cpts_training.formatting import format_decimal_fr, format_percent
from cpts_training.referentiel import Referentiel, load_referentiel
from cpts_training.syllabus import graded_cells
from cpts_training.trainer.pipeline import scores
from cpts_training.trainer.spreadsheet import write_spreadsheet_csv
from cpts_training.trainer.workspace import require_workspace

ACQUIRED_FROM = 0.75
"""Rate from which a competency is « acquise »."""
PARTIAL_FROM = 0.5
"""Rate from which a competency is « partiellement acquise » (below: « à retravailler »)."""

NOT_ASSESSED = "non évaluée"
WAITING = "en attente de correction"
ACQUIRED = "acquise"
PARTIAL = "partiellement acquise"
TO_WORK_ON = "à retravailler"

EVIDENCE_COLUMNS = [
    "stagiaire",
    "evaluation",
    "cellule",
    "competence",
    "points",
    "points_max",
    "a_corriger",
]
LEVEL_CLASSES = {
    ACQUIRED: "acquise",
    PARTIAL: "partielle",
    TO_WORK_ON: "retravailler",
    WAITING: "attente",
    NOT_ASSESSED: "non-evaluee",
}
"""CSS class of each level in the HTML pages."""

PAGE_STYLE = (
    "body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;width:100%;margin-bottom:1.5em}"
    "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
    "th{background:#dce6f1}.acquise{background:#d9f2d9}.partielle{background:#fff1cc}"
    ".retravailler{background:#f8d7da}.attente{background:#eee;color:#555}"
    "td.niveau{white-space:nowrap}small{color:#555}"
)

LEVEL_COLUMNS = [
    "stagiaire",
    "bloc",
    "competence",
    "libelle",
    "points",
    "points_max",
    "taux",
    "en_attente",
    "niveau",
]


def evidence(workspace: Path) -> pd.DataFrame:
    """One row per trainee, graded cell and competency of that cell (:data:`EVIDENCE_COLUMNS`)."""
    workspace = require_workspace(workspace)
    rows: list[dict[str, object]] = []
    for folder in sorted(p for p in (workspace / "source").iterdir() if p.is_dir()):
        competencies = {
            cell["grade_id"]: cell["competencies"]
            for notebook in sorted(folder.glob("*.ipynb"))
            for cell in graded_cells(notebook)
        }
        try:
            table = scores(workspace, folder.name)
        except CPTSError:  # never autograded yet: no evidence
            continue
        grades: Iterable[Any] = table.itertuples(index=False)
        for grade in grades:
            for competency_id in competencies.get(grade.cellule, []):
                rows.append(
                    {
                        "stagiaire": grade.stagiaire,
                        "evaluation": folder.name,
                        "cellule": grade.cellule,
                        "competence": competency_id,
                        "points": float(grade.points),
                        "points_max": float(grade.points_max),
                        "a_corriger": bool(grade.a_corriger),
                    }
                )
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)


def level(rate: float | None, waiting: int) -> str:
    """Level of a competency from its rate (None: no graded cell) and its pending cells."""
    if rate is None:
        return WAITING if waiting else NOT_ASSESSED
    if rate >= ACQUIRED_FROM:
        return ACQUIRED
    if rate >= PARTIAL_FROM:
        return PARTIAL
    return TO_WORK_ON


def competency_levels(proofs: pd.DataFrame, referentiel: Referentiel | None = None) -> pd.DataFrame:
    """Every trainee × every competency of the référentiel, with points, rate and level.

    Cells waiting for a manual grade are left out of the rate and counted in
    ``en_attente``. Columns: :data:`LEVEL_COLUMNS`.
    """
    referentiel = referentiel or load_referentiel()
    rows: list[dict[str, object]] = []
    for student in sorted(proofs["stagiaire"].unique()):
        mine = proofs[proofs["stagiaire"] == student]
        for competency in referentiel.competencies():
            cells = mine[mine["competence"] == competency.id]
            graded = cells[~cells["a_corriger"]]
            available = float(graded["points_max"].sum())
            obtained = float(graded["points"].sum())
            rate = obtained / available if available else None
            waiting = int(cells["a_corriger"].sum())
            rows.append(
                {
                    "stagiaire": student,
                    "bloc": referentiel.bloc_of(competency.id).id,
                    "competence": competency.id,
                    "libelle": competency.label,
                    "points": obtained,
                    "points_max": available,
                    "taux": rate,
                    "en_attente": waiting,
                    "niveau": level(rate, waiting),
                }
            )
    return pd.DataFrame(rows, columns=LEVEL_COLUMNS)


_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates" / "rapport"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
"""The report pages' Jinja2 templates; every text is escaped by autoescape."""


def _render(template: str, **context: object) -> str:
    page = _TEMPLATES.get_template(template).render(
        style=PAGE_STYLE, level_classes=LEVEL_CLASSES, **context
    )
    return page.replace("&#39;", "'")  # no text goes into a single-quoted attribute


def _typed_rows(table: pd.DataFrame) -> Iterable[Any]:
    """The rows of a levels table as named tuples (cells typed ``Any``)."""
    return table.itertuples(index=False)


def _thresholds(referentiel: Referentiel) -> dict[str, str]:
    """What the sentence stating the levels and their thresholds needs."""
    return {
        "referentiel": referentiel.title,
        "acquired": ACQUIRED,
        "acquired_from": format_percent(ACQUIRED_FROM),
        "partial": PARTIAL,
        "partial_from": format_percent(PARTIAL_FROM),
        "to_work_on": TO_WORK_ON,
    }


def _sources(proofs: pd.DataFrame, student: str, competency_id: str) -> list[tuple[str, str]]:
    """The graded cells that evidence a competency for a trainee, by assessment:
    ``[("evaluation_01", "q1_total, q1_variable")]``."""
    rows = proofs[(proofs["stagiaire"] == student) & (proofs["competence"] == competency_id)]
    by_assessment = rows.groupby("evaluation")["cellule"].apply(lambda cells: ", ".join(cells))
    return [(str(name), str(cells)) for name, cells in by_assessment.items()]


def render_trainee_report(
    student: str,
    levels: pd.DataFrame,
    referentiel: Referentiel,
    proofs: pd.DataFrame | None = None,
) -> str:
    """A French HTML page: the trainee's level on each assessed competency, bloc by bloc.

    With ``proofs`` (:func:`evidence`), each competency also names the graded
    cells it comes from.
    """
    mine = levels[(levels["stagiaire"] == student) & (levels["niveau"] != NOT_ASSESSED)]
    blocs = []
    for bloc in referentiel.blocs:
        rows = mine[mine["bloc"] == bloc.id]
        if rows.empty:
            continue
        blocs.append(
            {
                "id": bloc.id,
                "label": bloc.label,
                "rows": [
                    {
                        "id": row.competence,
                        "label": row.libelle,
                        "points": f"{format_decimal_fr(row.points, 2)} / "
                        f"{format_decimal_fr(row.points_max, 2)}",
                        "rate": "—"
                        if row.taux is None or pd.isna(row.taux)
                        else format_percent(row.taux),
                        "waiting": row.en_attente,
                        "level": row.niveau,
                        "sources": _sources(proofs, student, row.competence)
                        if proofs is not None
                        else [],
                    }
                    for row in _typed_rows(rows)
                ],
            }
        )
    return _render(
        "stagiaire.html.j2",
        title=f"Compétences — {student}",
        student=student,
        levels_text=_thresholds(referentiel),
        blocs=blocs,
        with_sources=proofs is not None,
    )


def trainee_page_name(student: str) -> str:
    """File name of a trainee's report page."""
    return f"rapport_{student}.html"


def pending_answers(proofs: pd.DataFrame, student: str) -> int:
    """How many of a trainee's answers wait for a manual grade (each cell counted once)."""
    mine = proofs[(proofs["stagiaire"] == student) & proofs["a_corriger"]]
    return len(mine[["evaluation", "cellule"]].drop_duplicates())


def render_cohort_report(
    levels: pd.DataFrame, referentiel: Referentiel, proofs: pd.DataFrame
) -> str:
    """A French HTML page for the trainer: the whole cohort on the assessed competencies.

    First, per trainee and bloc, how many assessed competencies are acquired and how
    many answers wait for a manual grade; then, competency by competency, each
    trainee's level and how many trainees have acquired it.
    """
    students = sorted(levels["stagiaire"].unique())
    assessed = levels[levels["niveau"] != NOT_ASSESSED]
    blocs = [bloc for bloc in referentiel.blocs if bloc.id in set(assessed["bloc"])]
    by_student = []
    for student in students:
        mine = assessed[assessed["stagiaire"] == student]
        cells = []
        for bloc in blocs:
            in_bloc = mine[mine["bloc"] == bloc.id]
            cells.append(f"{int((in_bloc['niveau'] == ACQUIRED).sum())} / {len(in_bloc)}")
        by_student.append(
            {
                "student": student,
                "page": trainee_page_name(student),
                "cells": cells,
                "pending": pending_answers(proofs, student),
            }
        )
    bloc_rows = []
    for bloc in blocs:
        rows = assessed[assessed["bloc"] == bloc.id]
        competencies = []
        for competency_id, group in rows.groupby("competence", sort=False):
            by_trainee = group.set_index("stagiaire")["niveau"]
            competencies.append(
                {
                    "id": competency_id,
                    "label": group["libelle"].iloc[0],
                    "levels": [by_trainee.get(student, NOT_ASSESSED) for student in students],
                    "acquired": int((group["niveau"] == ACQUIRED).sum()),
                }
            )
        bloc_rows.append({"id": bloc.id, "label": bloc.label, "rows": competencies})
    return _render(
        "synthese.html.j2",
        title="Synthèse de la promotion",
        students=students,
        assessed_count=assessed["competence"].nunique(),
        total_count=levels["competence"].nunique(),
        levels_text=_thresholds(referentiel),
        by_student=by_student,
        blocs=bloc_rows,
    )


def levels_for_spreadsheet(levels: pd.DataFrame) -> pd.DataFrame:
    """The levels as written to ``competences.csv``: the rate as a percentage."""
    table = levels.copy()
    table.insert(
        list(table.columns).index("taux"),
        "taux_pourcent",
        [None if pd.isna(rate) else round(100 * rate, 1) for rate in table["taux"]],
    )
    return table.drop(columns="taux")


def write_reports(workspace: Path, destination: Path, replace: bool = False) -> list[Path]:
    """Write ``competences.csv`` (every trainee × competency), ``synthese.html`` (the cohort)
    and one HTML page per trainee.

    An existing destination folder that is not empty is refused unless ``replace``;
    with ``replace``, the reports of an earlier run are removed first (so that a
    trainee who left the workspace leaves no stale page), other files are kept.
    """
    destination = Path(destination).expanduser().resolve()
    if destination.exists() and not destination.is_dir():
        raise CPTSError(
            f"{destination} est un fichier : indiquez un dossier pour les rapports "
            "(il sera créé s'il n'existe pas)."
        )
    if destination.exists() and any(destination.iterdir()) and not replace:
        raise CPTSError(
            f"Le dossier {destination} n'est pas vide : les rapports n'y sont pas écrits. "
            "Choisissez un autre dossier ou relancez avec --replace."
        )
    referentiel = load_referentiel()
    proofs = evidence(workspace)
    if proofs.empty:
        raise CPTSError(
            "Aucune note dans cet espace : corrigez d'abord les copies "
            "(« cpts-training assessment autograde »)."
        )
    levels = competency_levels(proofs, referentiel)
    destination.mkdir(parents=True, exist_ok=True)
    for old_report in [
        *destination.glob(trainee_page_name("*")),
        destination / "synthese.html",
        destination / "competences.csv",
    ]:
        old_report.unlink(missing_ok=True)
    written = [
        write_spreadsheet_csv(levels_for_spreadsheet(levels), destination / "competences.csv")
    ]
    synthesis = destination / "synthese.html"
    synthesis.write_text(render_cohort_report(levels, referentiel, proofs), encoding="utf-8")
    written.append(synthesis)
    for student in sorted(levels["stagiaire"].unique()):
        page = destination / trainee_page_name(student)
        page.write_text(
            render_trainee_report(student, levels, referentiel, proofs), encoding="utf-8"
        )
        written.append(page)
    return written
