"""Competency report: each trainee's grades turned into levels on the référentiel.

Evidence: every graded cell of every assessment names its competencies (cell
metadata ``cpts_training.competencies``); every grade of the gradebook becomes one
row of evidence per competency of its cell. A competency's rate is the points
obtained over the points available in its graded cells; cells still waiting for a
manual grade are counted apart. The levels and their thresholds are stated in the
report itself.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from cpts_training.errors import CPTSError
from cpts_training.formatting import format_percent
from cpts_training.referentiel import Referentiel, load_referentiel
from cpts_training.syllabus import graded_cells
from cpts_training.trainer.pipeline import scores
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
        for grade in table.itertuples(index=False):
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


def render_trainee_report(student: str, levels: pd.DataFrame, referentiel: Referentiel) -> str:
    """A French HTML page: the trainee's level on each assessed competency, bloc by bloc."""
    mine = levels[(levels["stagiaire"] == student) & (levels["niveau"] != NOT_ASSESSED)]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>Compétences — {html.escape(student)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;"
        "padding:.3em .6em;text-align:left}th{background:#dce6f1}</style></head><body>",
        f"<h1>Rapport de compétences — {html.escape(student)}</h1>",
        f"<p>Référentiel : {html.escape(referentiel.title)}. Niveaux : « {ACQUIRED} » à partir "
        f"de {format_percent(ACQUIRED_FROM)} des points, « {PARTIAL} » à partir de "
        f"{format_percent(PARTIAL_FROM)}, « {TO_WORK_ON} » en dessous ; les réponses pas "
        "encore corrigées à la main sont comptées à part.</p>",
    ]
    if mine.empty:
        parts.append("<p>Aucune compétence évaluée pour le moment.</p>")
    for bloc in referentiel.blocs:
        rows = mine[mine["bloc"] == bloc.id]
        if rows.empty:
            continue
        parts.append(f"<h2>{html.escape(bloc.id)} — {html.escape(bloc.label)}</h2>")
        parts.append(
            "<table><tr><th>Compétence</th><th>Points</th><th>Taux</th>"
            "<th>En attente</th><th>Niveau</th></tr>"
        )
        for row in rows.itertuples(index=False):
            rate = "—" if row.taux is None or pd.isna(row.taux) else format_percent(row.taux)
            parts.append(
                f"<tr><td><code>{row.competence}</code> {html.escape(row.libelle)}</td>"
                f"<td>{row.points:g} / {row.points_max:g}</td><td>{rate}</td>"
                f"<td>{row.en_attente}</td><td>{html.escape(row.niveau)}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_reports(workspace: Path, destination: Path, replace: bool = False) -> list[Path]:
    """Write ``competences.csv`` (every trainee × competency) and one HTML page per trainee.

    An existing destination folder that is not empty is refused unless ``replace``.
    """
    destination = Path(destination).expanduser().resolve()
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
    written = [destination / "competences.csv"]
    levels.to_csv(written[0], index=False, encoding="utf-8")
    for student in sorted(levels["stagiaire"].unique()):
        page = destination / f"rapport_{student}.html"
        page.write_text(render_trainee_report(student, levels, referentiel), encoding="utf-8")
        written.append(page)
    return written
