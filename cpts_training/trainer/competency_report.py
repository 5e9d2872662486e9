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


def _page(title: str, body: list[str]) -> str:
    """A complete French HTML page."""
    head = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{PAGE_STYLE}</style></head><body>",
    ]
    return "\n".join([*head, *body, "</body></html>"])


def _thresholds(referentiel: Referentiel) -> str:
    """The sentence that states the levels and their thresholds."""
    return (
        f"<p>Référentiel : {html.escape(referentiel.title)}. Niveaux : « {ACQUIRED} » à partir "
        f"de {format_percent(ACQUIRED_FROM)} des points, « {PARTIAL} » à partir de "
        f"{format_percent(PARTIAL_FROM)}, « {TO_WORK_ON} » en dessous ; les réponses pas "
        "encore corrigées à la main sont comptées à part (« en attente de correction »).</p>"
    )


def _level_cell(level_name: str) -> str:
    return f'<td class="niveau {LEVEL_CLASSES[level_name]}">{html.escape(level_name)}</td>'


def _sources(proofs: pd.DataFrame, student: str, competency_id: str) -> str:
    """The graded cells that evidence a competency for a trainee: « evaluation_01 : q1_total »."""
    rows = proofs[(proofs["stagiaire"] == student) & (proofs["competence"] == competency_id)]
    by_assessment = rows.groupby("evaluation")["cellule"].apply(lambda cells: ", ".join(cells))
    return "<br>".join(
        f"{html.escape(name)} : {html.escape(cells)}" for name, cells in by_assessment.items()
    )


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
    parts = [
        f"<h1>Rapport de compétences — {html.escape(student)}</h1>",
        _thresholds(referentiel),
    ]
    if mine.empty:
        parts.append("<p>Aucune compétence évaluée pour le moment.</p>")
    for bloc in referentiel.blocs:
        rows = mine[mine["bloc"] == bloc.id]
        if rows.empty:
            continue
        parts.append(f"<h2>{html.escape(bloc.id)} — {html.escape(bloc.label)}</h2>")
        source_header = "<th>Évaluée par</th>" if proofs is not None else ""
        parts.append(
            "<table><tr><th>Compétence</th><th>Points</th><th>Taux</th>"
            f"<th>En attente</th><th>Niveau</th>{source_header}</tr>"
        )
        for row in rows.itertuples(index=False):
            rate = "—" if row.taux is None or pd.isna(row.taux) else format_percent(row.taux)
            source = (
                f"<td><small>{_sources(proofs, student, row.competence)}</small></td>"
                if proofs is not None
                else ""
            )
            parts.append(
                f"<tr><td><code>{row.competence}</code> {html.escape(row.libelle)}</td>"
                f"<td>{format_decimal_fr(row.points, 2)} / "
                f"{format_decimal_fr(row.points_max, 2)}</td><td>{rate}</td>"
                f"<td>{row.en_attente}</td>{_level_cell(row.niveau)}{source}</tr>"
            )
        parts.append("</table>")
    return _page(f"Compétences — {student}", parts)


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
    parts = [
        "<h1>Synthèse de la promotion</h1>",
        f"<p>{len(students)} stagiaire(s), {assessed['competence'].nunique()} compétence(s) "
        f"évaluée(s) sur {levels['competence'].nunique()} dans le référentiel.</p>",
        _thresholds(referentiel),
        "<h2>Par stagiaire</h2>",
        "<p>Pour chaque bloc : compétences acquises / compétences évaluées.</p>",
        "<table><tr><th>Stagiaire</th>"
        + "".join(f"<th>{html.escape(bloc.id)}</th>" for bloc in blocs)
        + "<th>Réponses à corriger à la main</th></tr>",
    ]
    for student in students:
        mine = assessed[assessed["stagiaire"] == student]
        cells = []
        for bloc in blocs:
            in_bloc = mine[mine["bloc"] == bloc.id]
            acquired = int((in_bloc["niveau"] == ACQUIRED).sum())
            cells.append(f"<td>{acquired} / {len(in_bloc)}</td>")
        link = f'<a href="{html.escape(trainee_page_name(student))}">{html.escape(student)}</a>'
        parts.append(
            f"<tr><td>{link}</td>{''.join(cells)}<td>{pending_answers(proofs, student)}</td></tr>"
        )
    parts.append("</table>")
    parts.append("<h2>Par compétence</h2>")
    for bloc in blocs:
        rows = assessed[assessed["bloc"] == bloc.id]
        parts.append(f"<h3>{html.escape(bloc.id)} — {html.escape(bloc.label)}</h3>")
        parts.append(
            "<table><tr><th>Compétence</th>"
            + "".join(f"<th>{html.escape(student)}</th>" for student in students)
            + "<th>Acquise par</th></tr>"
        )
        for competency_id, group in rows.groupby("competence", sort=False):
            by_student = group.set_index("stagiaire")["niveau"]
            label = group["libelle"].iloc[0]
            cells = "".join(
                _level_cell(by_student.get(student, NOT_ASSESSED)) for student in students
            )
            acquired = int((group["niveau"] == ACQUIRED).sum())
            parts.append(
                f"<tr><td><code>{competency_id}</code> {html.escape(label)}</td>{cells}"
                f"<td>{acquired} / {len(students)}</td></tr>"
            )
        parts.append("</table>")
    return _page("Synthèse de la promotion", parts)


def levels_for_spreadsheet(levels: pd.DataFrame) -> pd.DataFrame:
    """The levels as written to ``competences.csv``: the rate as a percentage."""
    table = levels.copy()
    table.insert(
        table.columns.get_loc("taux"),
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
