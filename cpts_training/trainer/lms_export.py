"""The référentiel and the grades exported for a learning management system (LMS).

:func:`write_moodle_framework_csv` writes the référentiel as a Moodle competency
framework CSV, in the format of Moodle's « Import competency framework » tool
(``admin/tool/lpimportcsv``: the header of ``framework_importer::list_required_headers``,
one row for the framework, then one row per bloc and per competency with its parent's ID
number), so that a training organisation imports it as it is
(Administration du site › Compétences › Importer un référentiel de compétences).

:func:`write_moodle_grades_csv` writes the cohort's grades for Moodle's gradebook CSV
import (Notes › Importer › Fichier CSV): one row per trainee identified by email and ID
number, one column of points per assessment; a copy not corrected yet has an empty cell,
which Moodle's import leaves ungraded.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cpts_training.errors import CPTSError
from cpts_training.referentiel import Referentiel, load_referentiel
from cpts_training.trainer.competency_profile import ProficiencyScale
from cpts_training.trainer.spreadsheet import require_csv_destination

MOODLE_FRAMEWORK_HEADER = (
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
)
"""Moodle's header, in English whatever the site's language (the tool's lang strings)."""

FORMAT_PLAIN = 2
"""Moodle's ``FORMAT_PLAIN`` description format."""


def moodle_scale_values(scale: ProficiencyScale) -> str:
    """The framework's scale for Moodle: the levels of ``scale``, lowest first, comma-separated."""
    return ",".join(level.name for level in scale.levels)


def moodle_scale_configuration(scale: ProficiencyScale) -> str:
    """Moodle's scale configuration (JSON): the lowest level is the default value and every
    proficient level of ``scale`` (« acquise » by default) is proficient (item ids are the
    1-based positions of the levels; the importer sets ``scaleid`` to the scale it finds
    or creates)."""
    items = [
        {"id": position, "scaledefault": int(position == 1), "proficient": int(level.proficient)}
        for position, level in enumerate(scale.levels, start=1)
    ]
    return json.dumps([{"scaleid": "0"}, *items])


def moodle_framework_rows(referentiel: Referentiel, scale: ProficiencyScale) -> list[list[str]]:
    """The rows of the framework CSV, header first: the framework (ID number = the
    référentiel's id and version, with the levels of ``scale``), then each bloc (parent:
    none, taxonomy « domain ») and each competency (parent: its bloc; taxonomy
    « competency »)."""
    framework_id = f"{referentiel.id}-{referentiel.version}"
    rows = [list(MOODLE_FRAMEWORK_HEADER)]
    rows.append(
        [
            "",
            framework_id,
            referentiel.title[:100],
            f"{referentiel.title}. Source : {referentiel.source.label}.",
            str(FORMAT_PLAIN),
            moodle_scale_values(scale),
            moodle_scale_configuration(scale),
            "",
            "",
            "",
            "",
            "",
            "1",
            "domain,competency",
        ]
    )
    for bloc in referentiel.blocs:
        rows.append(_row("", bloc.id, bloc.label))
        for competency in bloc.competencies:
            rows.append(_row(bloc.id, competency.id, competency.label))
    return rows


def _row(parent: str, idnumber: str, label: str) -> list[str]:
    short = label if len(label) <= 100 else label[:99] + "…"
    return [parent, idnumber, short, label, str(FORMAT_PLAIN), "", "", "", "0", "null"] + [
        "",
        "",
        "",
        "",
    ]


def write_moodle_framework_csv(
    destination: Path | str,
    *,
    replace: bool = False,
    referentiel: Referentiel | None = None,
    workspace: Path | None = None,
) -> Path:
    """Write the référentiel (the course's by default) as a Moodle competency framework
    CSV at ``destination`` (comma-separated, UTF-8, as Moodle exports it). Returns the
    path written. The scale is the workspace's (its ``competences.yaml``), or the default
    one without ``workspace`` (:func:`~cpts_training.trainer.competency_model.load_scale`).

    Raises:
        CPTSError: French message when ``destination`` is a folder, does not end with
            ``.csv``, is in a folder that does not exist, or exists without ``replace``.
    """
    from cpts_training.trainer.competency_model import load_scale

    scale = load_scale(workspace)
    target = require_csv_destination(Path(destination), replace)
    rows = moodle_framework_rows(referentiel or load_referentiel(), scale)
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return target


MOODLE_GRADES_ID_COLUMNS = ("Adresse de courriel", "Numéro d'identification")
"""The columns Moodle's import maps to its users (« Identifier l'utilisateur par »:
email address or ID number)."""


def write_moodle_grades_csv(
    workspace: Path | str, destination: Path | str, *, replace: bool = False
) -> Path:
    """Write the grades of the workspace for Moodle's gradebook CSV import.

    Columns: :data:`MOODLE_GRADES_ID_COLUMNS` (the trainee's email from the roster, and
    their id, to use as Moodle's ID number), then one column per assessment headed
    « <assessment> (/<points max>) ». A cell holds the points (decimal point, as Moodle's
    import reads them) when the copy is « corrigée » (:mod:`.grade_summary`), and is empty
    otherwise (not handed in, not corrected, or a written answer still to grade): Moodle
    then leaves the grade unchanged. Comma-separated, UTF-8.

    Raises:
        CPTSError: not a workspace, no grade yet, or a destination refused as for every
            CSV (folder, extension, existing file without ``replace``).
    """
    from nbgrader.api import Gradebook

    from cpts_training.trainer.grade_summary import GRADED, grade_summary
    from cpts_training.trainer.workspace import COURSE_ID, require_workspace

    root = require_workspace(Path(workspace))
    target = require_csv_destination(Path(destination), replace)
    table = grade_summary(root)
    if table.empty:
        raise CPTSError(
            "Aucune note ni copie dans cet espace : publiez une évaluation et corrigez les "
            "copies avant d'exporter les notes pour Moodle."
        )
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gradebook:
        emails = {student.id: student.email or "" for student in gradebook.students}
    assessments = sorted(table["evaluation"].unique())
    maxima = {
        a: table.loc[table["evaluation"] == a, "points_max"].dropna().max() for a in assessments
    }
    header = [*MOODLE_GRADES_ID_COLUMNS]
    for assessment in assessments:
        maximum = maxima[assessment]
        header.append(
            f"{assessment} (/{maximum:g})" if maximum == maximum else assessment  # NaN-safe
        )
    rows = [header]
    for student in sorted(table["stagiaire"].unique()):
        mine = table[table["stagiaire"] == student].set_index("evaluation")
        row = [emails.get(student, ""), student]
        for assessment in assessments:
            graded = assessment in mine.index and mine.at[assessment, "statut"] == GRADED
            row.append(f"{float(mine.at[assessment, 'points']):g}" if graded else "")
        rows.append(row)
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return target
