"""Competency reports of a cohort, rendered from its :class:`CompetencyProfile`.

:func:`write_reports` builds the profile of a workspace
(:func:`cpts_training.trainer.competency_model.build_profile`) and writes, in one
folder:

- ``rapport_<stagiaire>.html``: per trainee, a radar chart per bloc, the scale's
  statement, and per bloc a table of the competencies with their level (an override
  shown beside the computed level), rate, trend, evidence (cells, hand-in date and
  delay, grading date and grader) and the trainer's comments; competencies without
  evidence are listed as « non évaluée », never as zeros;
- ``attestation_<stagiaire>.pdf``: the « attestation de compétences » a training
  organisation signs (:mod:`cpts_training.trainer.attestation`);
- ``synthese.html``: the cohort's heatmap trainees × competencies, the acquired
  competencies per bloc, the late copies and the item analysis (graded cells that
  fail most, with the module that teaches their competencies);
- ``competences.csv``, ``preuves.csv``, ``blocs.csv`` (French spreadsheet CSV) and
  ``competences.xlsx`` (one sheet per table, French headers), with stable ids.

Every page is French, readable offline (CSS inline, charts as inline SVG), and every
text is escaped by Jinja2's autoescape. Times are shown in Paris time.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape

from cpts_training.dates import fr_date
from cpts_training.errors import CPTSError, system_error
from cpts_training.formatting import format_decimal_fr, format_percent
from cpts_training.trainer.competency_profile import (
    AUTOGRADER,
    NOT_ASSESSED,
    WAITING,
    CompetencyProfile,
    ProficiencyScale,
)
from cpts_training.trainer.deadlines import format_delay
from cpts_training.trainer.spreadsheet import write_spreadsheet_csv

if TYPE_CHECKING:
    from cpts_training.syllabus import Syllabus

TIMEZONE = "Europe/Paris"
"""Times of hand-in and grading are stored in UTC and shown in this time zone."""

SYNTHESIS = "synthese.html"
LEVELS_CSV = "competences.csv"
LEVELS_XLSX = "competences.xlsx"
EVIDENCE_CSV = "preuves.csv"
BLOCS_CSV = "blocs.csv"
COHORT_FILES = (LEVELS_CSV, SYNTHESIS, LEVELS_XLSX, EVIDENCE_CSV, BLOCS_CSV)
"""Files of the cohort written by :func:`write_reports`, in the order they are listed."""

NOT_ASSESSED_COLOR = "#e4e4e4"
WAITING_COLOR = "#dbe7f5"
_LOW_COLOR = "#f4c7c3"  # the lowest level of the scale
_MIDDLE_COLOR = "#fce8b2"  # the highest level that is not proficient
_PROFICIENT_COLORS = ("#cfe8c4", "#a8d5a0")  # proficient levels, lowest to highest

ITEM_COLUMNS = [
    "evaluation",
    "carnet",
    "cellule",
    "copies_corrigees",  # int, trainees whose latest attempt at this cell is graded
    "taux_moyen",  # float 0–1, mean of points / points_max over those; NaN if none
    "sous_seuil",  # int, graded trainees whose rate is below the partial threshold
    "part_sous_seuil",  # float 0–1, sous_seuil / copies_corrigees; NaN if none
    "en_attente",  # int, trainees whose latest attempt at this cell waits for a grade
    "competences",  # str, "B5.C01, B5.C18"
    "modules",  # str, modules teaching those competencies: "M01"
]
"""One row per graded cell (assessment × notebook × cell), worst first (:func:`item_analysis`)."""

LATE_COLUMNS = [
    "stagiaire",
    "evaluation",
    "tentative",
    "rendu_le",
    "date_limite",
    "retard_secondes",
]
"""One row per late copy (trainee × assessment × attempt), as :func:`late_copies` lists them."""


@dataclass
class ReportOutcome:
    """What :func:`write_reports` did: the files written (cohort files first, then the
    trainees' pages and attestations) and French warnings (a report that is written but
    incomplete: attestations without the organisation's name, or not produced)."""

    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------
# French text of times, delays, names and the scale
# --------------------------------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    """True for None, NaN and NaT."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    """A cell of text: ``""`` for None or NaN, the text stripped otherwise."""
    return "" if value is None or _is_missing(value) else str(value).strip()


def _local(moment: object) -> pd.Timestamp | None:
    """``moment`` (a UTC Timestamp, or naive meaning UTC) in :data:`TIMEZONE`; None if missing."""
    if moment is None or _is_missing(moment):
        return None
    stamp = pd.Timestamp(moment)  # type: ignore[arg-type]
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert(TIMEZONE)


def format_moment(moment: object) -> str:
    """A time written the French way, in Paris time: ``"01/12/2026 à 15 h 05"``; ``""``
    when missing (None or NaT)."""
    stamp = _local(moment)
    if stamp is None:
        return ""
    return f"{fr_date(stamp.date())} à {stamp.hour} h {stamp.minute:02d}"


def format_day(moment: object) -> str:
    """The day of a time, in Paris time: ``"01/12/2026"``; ``""`` when missing."""
    stamp = _local(moment)
    return "" if stamp is None else fr_date(stamp.date())


def trainee_name(profile: CompetencyProfile, student: str) -> str:
    """A trainee's « Prénom Nom » from the profile's trainees, or the id when both are empty;
    « Prénom Nom (id) » when another trainee has the same name.

    Raises :class:`~cpts_training.errors.CPTSError` for a trainee the profile does not know.
    """
    rows = profile.trainees[profile.trainees["stagiaire"] == student]
    if rows.empty:
        known = ", ".join(sorted(profile.trainees["stagiaire"].astype(str))) or "aucun"
        raise CPTSError(
            f"Le stagiaire « {student} » n'est pas dans le carnet de notes de cet espace "
            f"(stagiaires connus : {known}). Vérifiez l'identifiant."
        )
    name = _full_name(rows.iloc[0]) or student
    homonyms = [
        other
        for other in profile.trainees.to_dict("records")
        if other["stagiaire"] != student and _full_name(other).casefold() == name.casefold()
    ]
    return f"{name} ({student})" if homonyms else name


def _full_name(row: Any) -> str:
    """« Prénom Nom » of a trainees row (a Series or a mapping), « » when both are empty."""
    parts = [str(row[key]).strip() for key in ("prenom", "nom") if not _is_missing(row[key])]
    return " ".join(part for part in parts if part)


def evidence_period(profile: CompetencyProfile, student: str) -> str:
    """The period a trainee's evidence covers, from the first to the last hand-in (or
    grading, when no hand-in time is known): ``"du 01/12/2026 au 15/12/2026"``,
    ``"le 01/12/2026"``, or ``"aucune copie corrigée"``."""
    mine = profile.evidence[profile.evidence["stagiaire"] == student]
    moments = pd.concat([mine["rendu_le"], mine["corrige_le"][mine["rendu_le"].isna()]]).dropna()
    if moments.empty:
        return "aucune copie corrigée"
    first, last = format_day(moments.min()), format_day(moments.max())
    return f"le {first}" if first == last else f"du {first} au {last}"


def scale_sentences(scale: ProficiencyScale) -> list[str]:
    """The French sentences stating the scale and its rules: the scale's own
    ``statement``, or, when it has none, one sentence naming each level's threshold."""
    if scale.statement:
        return list(scale.statement)
    levels = ", ".join(
        f"« {level.name} » à partir de {format_percent(level.from_rate)}"
        + (" (compétence acquise)" if level.proficient else "")
        for level in reversed(scale.levels)
    )
    return [
        f"Niveaux : {levels} des points des cellules notées.",
        f"Une compétence sans cellule notée est « {NOT_ASSESSED} » ; une compétence dont les "
        f"réponses attendent la correction du formateur est « {WAITING} ».",
    ]


def partial_threshold(scale: ProficiencyScale) -> float:
    """The rate under which a result is at the scale's lowest level: the threshold of the
    second level (0,5 on the default scale, « partiellement acquise »)."""
    return _second_level(scale)[1]


def _second_level(scale: ProficiencyScale) -> tuple[str, float]:
    """Name and threshold of the lowest level above 0 % (1.0 if the scale has none)."""
    above = sorted((lvl.from_rate, lvl.name) for lvl in scale.levels if lvl.from_rate > 0)
    return (above[0][1], above[0][0]) if above else ("", 1.0)


def _blend(start: str, end: str, share: float) -> str:
    """The color ``share`` (0–1) of the way from ``start`` to ``end`` (``#rrggbb``)."""
    a = [int(start[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(end[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def level_colors(scale: ProficiencyScale) -> dict[str, str]:
    """Background color of each level (``#rrggbb``): the levels below « acquise » from
    red to yellow, the proficient ones green, « non évaluée » grey, « en attente » blue."""
    below = [level.name for level in scale.levels if not level.proficient]
    proficient = [level.name for level in scale.levels if level.proficient]
    colors = {NOT_ASSESSED: NOT_ASSESSED_COLOR, WAITING: WAITING_COLOR}
    for index, name in enumerate(below):
        colors[name] = _blend(_LOW_COLOR, _MIDDLE_COLOR, index / max(len(below) - 1, 1))
    for index, name in enumerate(proficient):
        colors[name] = _blend(*_PROFICIENT_COLORS, index / max(len(proficient) - 1, 1))
    return colors


def _percent(rate: object) -> str:
    return "—" if rate is None or _is_missing(rate) else format_percent(float(rate))  # type: ignore[arg-type]


def _rows(table: pd.DataFrame) -> Iterable[Any]:
    """The rows of a table as named tuples (cells typed ``Any``)."""
    return table.itertuples(index=False)


def keyed_rows(table: pd.DataFrame, *key: str) -> dict[Any, Any]:
    """The rows of ``table`` as named tuples, by the value of the ``key`` column (one
    column) or by the tuple of their values (several)."""
    return {
        getattr(row, key[0]) if len(key) == 1 else tuple(getattr(row, k) for k in key): row
        for row in _rows(table)
    }


def _points(value: float) -> str:
    return format_decimal_fr(float(value), 2)


# --------------------------------------------------------------------------------------
# Radar chart of a bloc (matplotlib, inline SVG)
# --------------------------------------------------------------------------------------


def _edge(color: str) -> str:
    return _blend(color, "#000000", 0.45)


def radar_svg(profile: CompetencyProfile, student: str, bloc_id: str) -> str:
    """An inline SVG radar of a trainee's rates on every competency of a bloc.

    One axis per competency of the bloc (``C01``…); a competency with a rate has a
    point colored by its level on a solid axis, the points joined into a shape when there
    are three or more; the scale's thresholds and 100 % are dashed circles. A competency
    « non évaluée » is drawn as a light dotted axis labelled
    « n. é. », never as a point at zero; one waiting for a manual grade is labelled
    « att. ». The text of the chart stays text (searchable, sized by the page).
    """
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    bloc = next(b for b in profile.referentiel.blocs if b.id == bloc_id)
    levels = keyed_rows(
        profile.levels[
            (profile.levels["stagiaire"] == student) & (profile.levels["bloc"] == bloc_id)
        ],
        "competence",
    )
    colors = level_colors(profile.scale)
    ids = [competency.id for competency in bloc.competencies]
    count = len(ids)
    angles = [2 * math.pi * index / count for index in range(count)]

    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": f"{student}-{bloc_id}", "font.size": 9}
    ):
        figure = Figure(figsize=(4.6, 4.6))
        FigureCanvasSVG(figure)
        axes: Any = figure.add_subplot(projection="polar")
        axes.set_theta_offset(math.pi / 2)
        axes.set_theta_direction(-1)
        axes.set_ylim(0, 1.1)  # room for a point at 100 %
        axes.spines["polar"].set_visible(False)
        rings = sorted({lvl.from_rate for lvl in profile.scale.levels if 0 < lvl.from_rate < 1})
        axes.set_yticks([*rings, 1.0])
        axes.set_yticklabels([format_percent(rate) for rate in [*rings, 1.0]], fontsize=7)
        axes.set_rlabel_position(0)
        axes.yaxis.grid(True, linestyle="--", color="#888888", linewidth=0.6)
        axes.xaxis.grid(False)
        axes.set_xticks(angles)
        labels, points, spoken = [], [], []
        for angle, competency_id in zip(angles, ids, strict=True):
            short = competency_id.split(".")[1]
            row = levels.get(competency_id)
            level = NOT_ASSESSED if row is None else str(row.niveau)
            rate = None if row is None or _is_missing(row.taux) else float(row.taux)
            if level != NOT_ASSESSED:
                spoken.append(
                    f"{short} : {level}" + ("" if rate is None else f", {_percent(rate)}")
                )
            if rate is not None:
                axes.plot([angle, angle], [0, 1], color="#7a7a7a", linewidth=0.8)
                points.append((angle, rate, colors.get(level, NOT_ASSESSED_COLOR)))
                labels.append(short)
            elif level == NOT_ASSESSED:
                axes.plot([angle, angle], [0, 1], linestyle=":", color="#b0b0b0", linewidth=0.8)
                labels.append(f"{short}\nn. é.")
            elif level == WAITING:
                labels.append(f"{short}\natt.")
            else:  # a level set by override, without a rate
                labels.append(f"{short}\ndérog.")
        axes.set_xticklabels(labels)
        for tick, competency_id in zip(axes.get_xticklabels(), ids, strict=True):
            row = levels.get(competency_id)
            if row is None or _is_missing(row.taux):
                tick.set_color("#6b6b6b")
                tick.set_fontstyle("italic")
        if len(points) >= 3:  # a shape only when three rates or more make one
            closed = [*points, points[0]]
            axes.plot(
                [p[0] for p in closed], [p[1] for p in closed], color="#3b5b8c", linewidth=1.4
            )
            axes.fill([p[0] for p in points], [p[1] for p in points], "#3b5b8c", alpha=0.12)
        for angle, rate, color in points:
            axes.plot(
                [angle], [rate], marker="o", markersize=7, color=color,
                markeredgecolor=_edge(color), linestyle="none", clip_on=False, zorder=3,
            )  # fmt: skip
        axes.tick_params(axis="x", pad=6)
        figure.subplots_adjust(left=0.12, right=0.88, bottom=0.1, top=0.9)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    described = escape(
        f"Radar du bloc {bloc_id} : {' ; '.join(spoken) or 'aucun taux'} ; "
        f"{count - len(spoken)} compétence(s) {NOT_ASSESSED}(s)."
    )
    return re.sub(
        r"<svg ", f'<svg role="img" aria-label="{described}" focusable="false" ', svg, count=1
    )


# --------------------------------------------------------------------------------------
# The trainee's page
# --------------------------------------------------------------------------------------

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates" / "rapport"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
"""The report pages' Jinja2 templates; every text is escaped by autoescape."""


def _render(template: str, **context: object) -> str:
    return _TEMPLATES.get_template(template).render(**context)


def _level_text(row: Any) -> dict[str, Any]:
    """What the level cell of a competency shows: the level, its override and the
    computed level kept visible."""
    override = ""
    reason, author = _text(row.derogation_motif), _text(row.derogation_par)
    if reason or row.niveau != row.niveau_calcule:
        when = format_day(row.derogation_le)
        override = f"dérogation : {reason or 'sans motif'}"
        if author:
            override += f", par {author}"
        if when:
            override += f" le {when}"
    return {
        "level": row.niveau,
        "override": override,
        "computed": row.niveau_calcule if override else "",
    }


def _evidence_blocks(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """A competency's evidence, one block per assessment and attempt (hand-in order)."""
    if rows.empty:
        return []
    ordered = rows.sort_values(
        ["rendu_le", "evaluation", "tentative", "cellule"], na_position="last"
    )
    attempts = ordered.groupby(["evaluation", "tentative"], sort=False)
    many = {name for name, group in rows.groupby("evaluation") if group["tentative"].nunique() > 1}
    blocks = []
    for _, group in attempts:
        first = group.iloc[0]
        assessment, attempt = str(first["evaluation"]), int(first["tentative"])
        late = 0.0 if _is_missing(first["retard_secondes"]) else float(first["retard_secondes"])
        cells = []
        for cell in _rows(group.drop_duplicates(["carnet", "cellule"])):
            if cell.en_attente:
                text = f"{WAITING} (sur {_points(cell.points_max)} points)"
            else:
                text = f"{_points(cell.points)} / {_points(cell.points_max)}"
                graded = format_moment(cell.corrige_le)
                grader = _text(cell.corrige_par)
                automatic = grader == AUTOGRADER
                text += ", corrigé automatiquement" if automatic else ", corrigé"
                if graded:
                    text += f" le {graded}"
                if grader and not automatic:
                    text += f" par {grader}"
            cells.append({"cell": cell.cellule, "text": text})
        blocks.append(
            {
                "assessment": assessment,
                "attempt": attempt if assessment in many or attempt > 1 else None,
                "handed_in": format_moment(first["rendu_le"]),
                "late": format_delay(late) if late > 0 else "",
                "cells": cells,
            }
        )
    return blocks


def _comments(rows: pd.DataFrame) -> list[dict[str, str]]:
    """The trainer's comments on a competency's cells, each cell once."""
    if rows.empty:
        return []
    commented = rows[[bool(_text(comment)) for comment in rows["commentaire"]]]
    commented = commented.drop_duplicates(["evaluation", "tentative", "carnet", "cellule"])
    return [
        {
            "where": f"{row.evaluation}, {row.cellule}",
            "text": _text(row.commentaire),
            "by": "" if _text(row.corrige_par) == AUTOGRADER else _text(row.corrige_par),
        }
        for row in _rows(commented)
    ]


def _trainee_blocs(profile: CompetencyProfile, student: str) -> list[dict[str, Any]]:
    levels = profile.levels[profile.levels["stagiaire"] == student]
    evidence = profile.evidence[profile.evidence["stagiaire"] == student]
    blocs = keyed_rows(profile.blocs[profile.blocs["stagiaire"] == student], "bloc")
    colors = level_colors(profile.scale)
    result = []
    for bloc in profile.referentiel.blocs:
        mine = levels[levels["bloc"] == bloc.id]
        shown = mine[(mine["niveau"] != NOT_ASSESSED) | (mine["preuves"] > 0)]
        missing = mine[(mine["niveau"] == NOT_ASSESSED) & (mine["preuves"] == 0)]
        rows = []
        for row in _rows(shown):
            proofs = evidence[evidence["competence"] == row.competence]
            rows.append(
                {
                    "id": row.competence,
                    "label": row.libelle,
                    **_level_text(row),
                    "color": colors.get(row.niveau, NOT_ASSESSED_COLOR),
                    "rate": _percent(row.taux),
                    "by_assessment": _text(row.taux_par_evaluation),
                    "trend": _text(row.tendance) or "—",
                    "waiting": int(row.en_attente),
                    "evidence": _evidence_blocks(proofs),
                    "comments": _comments(proofs),
                }
            )
        summary = blocs.get(bloc.id)
        counts = mine["niveau"].value_counts()
        result.append(
            {
                "id": bloc.id,
                "label": bloc.label,
                "counts": [
                    {"level": name, "count": int(counts[name]), "color": colors[name]}
                    for name in [lvl.name for lvl in reversed(profile.scale.levels)]
                    + [WAITING, NOT_ASSESSED]
                    if name in counts.index
                ],
                "level": "" if summary is None else summary.niveau,
                "acquired": 0 if summary is None else int(summary.acquises),
                "assessed": 0 if summary is None else int(summary.evaluees),
                "count": len(bloc.competencies),
                "radar": Markup(radar_svg(profile, student, bloc.id)) if rows else None,
                "rows": rows,
                "missing": [{"id": r.competence, "label": r.libelle} for r in _rows(missing)],
            }
        )
    return result


def _organisation(profile: CompetencyProfile) -> str:
    return (profile.organisation.get("nom") or "").strip()


def render_trainee_report(profile: CompetencyProfile, student: str) -> str:
    """A trainee's French HTML page (see the module's docstring).

    Raises :class:`~cpts_training.errors.CPTSError` for a trainee the profile does not know.
    """
    name = trainee_name(profile, student)
    return _render(
        "stagiaire.html.j2",
        title=f"Rapport de compétences — {name}",
        name=name,
        student=student,
        organisation=_organisation(profile),
        period=evidence_period(profile, student),
        referentiel=profile.referentiel,
        sentences=scale_sentences(profile.scale),
        blocs=_trainee_blocs(profile, student),
        attestation=attestation_file_name(student) if is_attested(profile, student) else None,
        not_assessed=NOT_ASSESSED,
        timezone=TIMEZONE,
    )


def has_assessed(profile: CompetencyProfile, student: str) -> bool:
    """Whether ``student`` has at least one competency with a level (not « non évaluée »
    nor « en attente de correction »): only they get an attestation."""
    mine = profile.levels[profile.levels["stagiaire"] == student]
    return bool((~mine["niveau"].isin([NOT_ASSESSED, WAITING])).any())


def has_pending(profile: CompetencyProfile, student: str) -> bool:
    """Whether some of ``student``'s answers still wait for a manual grade."""
    mine = profile.levels[profile.levels["stagiaire"] == student]
    return bool((mine["en_attente"] > 0).any())


def is_attested(profile: CompetencyProfile, student: str) -> bool:
    """Whether ``student`` gets an attestation: some competency evaluated, none pending."""
    return has_assessed(profile, student) and not has_pending(profile, student)


def trainee_page_name(student: str) -> str:
    """File name of a trainee's report page: ``rapport_<stagiaire>.html``."""
    return f"rapport_{student}.html"


def attestation_file_name(student: str) -> str:
    """File name of a trainee's attestation: ``attestation_<stagiaire>.pdf``."""
    return f"attestation_{student}.pdf"


# --------------------------------------------------------------------------------------
# The cohort: late copies, item analysis, heatmap
# --------------------------------------------------------------------------------------


def late_copies(profile: CompetencyProfile) -> pd.DataFrame:
    """Every copy handed in after its deadline, one row per trainee × assessment ×
    attempt (:data:`LATE_COLUMNS`), the longest delay first."""
    late = profile.evidence[profile.evidence["retard_secondes"].fillna(0) > 0]
    table = late.drop_duplicates(["stagiaire", "evaluation", "tentative"])[LATE_COLUMNS]
    return table.sort_values(
        ["retard_secondes", "stagiaire", "evaluation"], ascending=[False, True, True]
    ).reset_index(drop=True)


def taught_by(syllabus: Syllabus) -> dict[str, list[str]]:
    """Each competency id and the ids of the modules that teach it, in the syllabus' order."""
    modules: dict[str, list[str]] = {}
    for module in syllabus.modules:
        for competency_id in module.competencies:
            modules.setdefault(competency_id, []).append(module.id)
    return modules


def item_analysis(profile: CompetencyProfile, syllabus: Syllabus | None = None) -> pd.DataFrame:
    """Which graded cells fail most (:data:`ITEM_COLUMNS`), worst first.

    Each trainee counts once per cell, by their latest attempt at the assessment; a
    cell's rate is its points over its maximum. Rows are sorted by mean rate (lowest
    first; cells with no graded copy last), then by the share below the partial
    threshold (:func:`partial_threshold`), then by ids. ``modules`` names the modules
    of the syllabus (default: :func:`cpts_training.syllabus.load_syllabus`) that teach
    the cell's competencies.
    """
    if syllabus is None:
        from cpts_training.syllabus import load_syllabus

        syllabus = load_syllabus(referentiel=profile.referentiel)
    teaching = taught_by(syllabus)
    module_order = [module.id for module in syllabus.modules]
    threshold = partial_threshold(profile.scale)
    evidence = profile.evidence
    if evidence.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    latest = evidence.groupby(["stagiaire", "evaluation"])["tentative"].transform("max")
    current = evidence[evidence["tentative"] == latest]
    key = ["evaluation", "carnet", "cellule"]
    rows = []
    for (assessment, notebook, cell), group in current.groupby(key, sort=True):
        answers = group.drop_duplicates(["stagiaire"])
        graded = answers[~answers["en_attente"].astype(bool) & (answers["points_max"] > 0)]
        rates = graded["points"] / graded["points_max"]
        below = int((rates < threshold).sum())
        competencies = sorted(group["competence"].unique())
        modules = {m for c in competencies for m in teaching.get(c, [])}
        rows.append(
            {
                "evaluation": assessment,
                "carnet": notebook,
                "cellule": cell,
                "copies_corrigees": len(graded),
                "taux_moyen": float(rates.mean()) if len(graded) else math.nan,
                "sous_seuil": below,
                "part_sous_seuil": below / len(graded) if len(graded) else math.nan,
                "en_attente": int(answers["en_attente"].astype(bool).sum()),
                "competences": ", ".join(competencies),
                "modules": ", ".join(m for m in module_order if m in modules),
            }
        )
    table = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    table["_no_rate"] = table["taux_moyen"].isna()
    table = table.sort_values(
        ["_no_rate", "taux_moyen", "part_sous_seuil", "evaluation", "carnet", "cellule"],
        ascending=[True, True, False, True, True, True],
        na_position="last",
    )
    return table.drop(columns="_no_rate").reset_index(drop=True)


def _assessed_ids(profile: CompetencyProfile) -> set[str]:
    """Competencies with a level, evidence or an override for at least one trainee."""
    levels = profile.levels
    return set(
        levels.loc[(levels["niveau"] != NOT_ASSESSED) | (levels["preuves"] > 0), "competence"]
    )


def _heatmap(profile: CompetencyProfile, students: Sequence[str]) -> dict[str, Any]:
    """The heatmap's columns (competencies grouped by bloc) and rows (trainees)."""
    colors = level_colors(profile.scale)
    assessed = _assessed_ids(profile)
    groups, columns, untouched = [], [], []
    for bloc in profile.referentiel.blocs:
        shown = [c for c in bloc.competencies if c.id in assessed]
        if shown:
            groups.append({"id": bloc.id, "label": bloc.label, "span": len(shown)})
            columns += [{"id": c.id, "label": c.label} for c in shown]
        rest = [c.id for c in bloc.competencies if c.id not in assessed]
        if rest:
            untouched.append({"id": bloc.id, "ids": rest})
    by_key = keyed_rows(profile.levels, "stagiaire", "competence")
    lines = []
    for student in students:
        name = trainee_name(profile, student)
        cells = []
        for column in columns:
            row = by_key.get((student, column["id"]))
            level = NOT_ASSESSED if row is None else str(row.niveau)
            cells.append(
                {
                    "level": level,
                    "color": colors.get(level, NOT_ASSESSED_COLOR),
                    "rate": "" if row is None or _is_missing(row.taux) else _percent(row.taux),
                    "override": row is not None and level != str(row.niveau_calcule),
                    "title": f"{name} — {column['id']} {column['label']}",
                }
            )
        lines.append({"student": student, "name": name, "cells": cells})
    return {"groups": groups, "columns": columns, "lines": lines, "untouched": untouched}


def _bloc_counts(profile: CompetencyProfile, students: Sequence[str]) -> dict[str, Any]:
    """Per trainee and bloc: acquired / competencies of the bloc, assessed, bloc level;
    per bloc: how many trainees have it « acquis »."""
    blocs = keyed_rows(profile.blocs, "stagiaire", "bloc")
    ids = [bloc.id for bloc in profile.referentiel.blocs]
    lines = []
    for student in students:
        cells: list[dict[str, object]] = []
        for bloc_id in ids:
            row = blocs.get((student, bloc_id))
            if row is None:
                cells.append({"text": "—", "level": ""})
                continue
            cells.append(
                {
                    "text": f"{int(row.acquises)} / {int(row.competences)}",
                    "assessed": int(row.evaluees),
                    "level": str(row.niveau),
                }
            )
        lines.append({"student": student, "name": trainee_name(profile, student), "cells": cells})
    totals = [
        int((profile.blocs[profile.blocs["bloc"] == bloc_id]["niveau"] == "acquis").sum())
        for bloc_id in ids
    ]
    return {"ids": ids, "lines": lines, "totals": totals}


def render_cohort_report(profile: CompetencyProfile, syllabus: Syllabus | None = None) -> str:
    """The cohort's French HTML page for the trainer (see the module's docstring)."""
    if syllabus is None:
        from cpts_training.syllabus import load_syllabus

        syllabus = load_syllabus(referentiel=profile.referentiel)
    titles = {module.id: module.title for module in syllabus.modules}
    students = sorted(profile.trainees["stagiaire"].astype(str))
    late = [
        {
            "student": row.stagiaire,
            "name": trainee_name(profile, row.stagiaire),
            "assessment": row.evaluation,
            "attempt": int(row.tentative),
            "handed_in": format_moment(row.rendu_le),
            "deadline": format_moment(row.date_limite),
            "delay": format_delay(float(row.retard_secondes)),
        }
        for row in _rows(late_copies(profile))
    ]
    items = [
        {
            "assessment": row.evaluation,
            "notebook": row.carnet,
            "cell": row.cellule,
            "graded": row.copies_corrigees,
            "mean": _percent(row.taux_moyen),
            "below": "—"
            if _is_missing(row.part_sous_seuil)
            else f"{row.sous_seuil} / {row.copies_corrigees} ({_percent(row.part_sous_seuil)})",
            "waiting": row.en_attente,
            "competencies": row.competences,
            "modules": [f"{m} — {titles[m]}" for m in row.modules.split(", ") if m in titles],
        }
        for row in _rows(item_analysis(profile, syllabus))
    ]
    colors = level_colors(profile.scale)
    legend = [
        {"level": level.name, "color": colors[level.name]} for level in profile.scale.levels
    ] + [
        {"level": WAITING, "color": WAITING_COLOR},
        {"level": NOT_ASSESSED, "color": NOT_ASSESSED_COLOR},
    ]
    return _render(
        "synthese.html.j2",
        title="Synthèse de la promotion",
        organisation=_organisation(profile),
        referentiel=profile.referentiel,
        students=students,
        sentences=scale_sentences(profile.scale),
        heatmap=_heatmap(profile, students),
        blocs=_bloc_counts(profile, students),
        late=late,
        items=items,
        threshold=format_percent(partial_threshold(profile.scale)),
        threshold_level=_second_level(profile.scale)[0],
        legend=legend,
        page_name=trainee_page_name,
        timezone=TIMEZONE,
    )


# --------------------------------------------------------------------------------------
# Spreadsheets (CSV for a French spreadsheet, XLSX with French headers)
# --------------------------------------------------------------------------------------

FRENCH_HEADERS = {
    "stagiaire": "Stagiaire (identifiant)",
    "nom": "Nom",
    "prenom": "Prénom",
    "email": "Courriel",
    "bloc": "Bloc",
    "competence": "Compétence",
    "libelle": "Libellé",
    "niveau": "Niveau",
    "niveau_calcule": "Niveau calculé",
    "acquise": "Acquise",
    "taux_pourcent": "Taux (%)",
    "taux_par_evaluation": "Taux par évaluation",
    "tendance": "Tendance",
    "en_attente": "En attente de correction",
    "preuves": "Preuves",
    "derogation_motif": "Dérogation : motif",
    "derogation_par": "Dérogation : par",
    "derogation_le": "Dérogation : le",
    "evaluation": "Évaluation",
    "tentative": "Tentative",
    "carnet": "Carnet",
    "cellule": "Cellule",
    "points": "Points",
    "points_max": "Points max",
    "rendu_le": "Rendu le",
    "date_limite": "Date limite",
    "retard_secondes": "Retard (secondes)",
    "retard": "Retard",
    "corrige_le": "Corrigé le",
    "corrige_par": "Corrigé par",
    "commentaire": "Commentaire",
    "competences": "Compétences",
    "evaluees": "Évaluées",
    "acquises": "Acquises",
    "copies_corrigees": "Copies corrigées",
    "taux_moyen_pourcent": "Taux moyen (%)",
    "sous_seuil": "Sous le seuil",
    "part_sous_seuil_pourcent": "Part sous le seuil (%)",
    "modules": "Modules",
    "date": "Date",
    "motif": "Motif",
    "par": "Par",
}
"""French header of each column in ``competences.xlsx`` (the CSVs keep the ids)."""

_DATE_COLUMNS = ("rendu_le", "date_limite", "corrige_le", "derogation_le", "date")


def _with_names(profile: CompetencyProfile, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the trainee's ``nom`` and ``prenom`` after ``stagiaire``."""
    names = profile.trainees[["stagiaire", "nom", "prenom"]]
    merged = table.merge(names, on="stagiaire", how="left")
    columns = list(table.columns)
    at = columns.index("stagiaire") + 1
    return merged[columns[:at] + ["nom", "prenom"] + columns[at:]]


def _percent_column(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """``column`` (a rate 0–1) replaced by ``<column>_pourcent`` (0–100, one decimal,
    empty when missing: never a zero for « non évaluée »)."""
    table = table.copy()
    position = list(table.columns).index(column)
    values = [None if _is_missing(v) else round(100 * float(v), 1) for v in table[column]]
    table.insert(
        position, f"{column}_pourcent", pd.Series(values, index=table.index, dtype="Float64")
    )
    return table.drop(columns=column)


def _iso(moment: object) -> str:
    """``moment`` as ISO 8601 text in UTC (``2026-12-01T14:05:00+00:00``), ``""`` if missing."""
    stamp = _local(moment)
    return "" if stamp is None else stamp.tz_convert("UTC").isoformat()


def _iso_dates(table: pd.DataFrame) -> pd.DataFrame:
    """The date columns of ``table`` as ISO 8601 text in UTC, empty when missing."""
    table = table.copy()
    for column in _DATE_COLUMNS:
        if column in table.columns:
            table[column] = [_iso(value) for value in table[column]]
    return table


LEVELS_EXPORT_COLUMNS = [
    "stagiaire",
    "nom",
    "prenom",
    "bloc",
    "competence",
    "libelle",
    "niveau",
    "acquise",
    "taux_pourcent",
    "niveau_calcule",
    "taux_par_evaluation",
    "tendance",
    "en_attente",
    "preuves",
    "derogation_motif",
    "derogation_par",
    "derogation_le",
]
"""Columns of ``competences.csv`` and of the « Compétences » sheet, in this order."""


def levels_table(profile: CompetencyProfile) -> pd.DataFrame:
    """``competences.csv``: every trainee × competency (:data:`LEVELS_EXPORT_COLUMNS`):
    names, level, rate in % (empty when not assessed, never 0), computed level, trend,
    override; dates stay Timestamps."""
    table = _percent_column(_with_names(profile, profile.levels), "taux")
    table = table[LEVELS_EXPORT_COLUMNS]
    return table.sort_values(["stagiaire", "competence"]).reset_index(drop=True)


def evidence_table(profile: CompetencyProfile) -> pd.DataFrame:
    """``preuves.csv``: the evidence rows with the trainee's names and the delay in words."""
    table = _with_names(profile, profile.evidence)
    table["retard"] = [
        format_delay(float(s)) if not _is_missing(s) and float(s) > 0 else ""
        for s in table["retard_secondes"]
    ]
    return table.sort_values(
        ["stagiaire", "evaluation", "tentative", "carnet", "cellule", "competence"]
    ).reset_index(drop=True)


def blocs_table(profile: CompetencyProfile) -> pd.DataFrame:
    """``blocs.csv``: every trainee × bloc with names, counts and the bloc's level."""
    return (
        _with_names(profile, profile.blocs)
        .sort_values(["stagiaire", "bloc"])
        .reset_index(drop=True)
    )


def _excel_dates(table: pd.DataFrame) -> pd.DataFrame:
    """Dates as naive Paris time (Excel has no time zone)."""
    table = table.copy()
    for column in _DATE_COLUMNS:
        if column in table.columns:
            local = [_local(value) for value in table[column]]
            table[column] = pd.Series(
                [None if stamp is None else stamp.tz_localize(None) for stamp in local],
                index=table.index,
                dtype="datetime64[ns]",
            )
    return table


def write_workbook(sheets: dict[str, pd.DataFrame], destination: Path) -> Path:
    """Write one sheet per table with the French headers of :data:`FRENCH_HEADERS`,
    the first row frozen, dates in Paris time, columns sized to their content."""
    with pd.ExcelWriter(
        destination, engine="xlsxwriter", datetime_format="dd/mm/yyyy hh:mm"
    ) as writer:
        for name, table in sheets.items():
            shown = _excel_dates(table).rename(columns=FRENCH_HEADERS)
            shown = shown.rename(
                columns={c: f"{c} (heure de Paris)" for c in shown.columns if c in _french_dates()}
            )
            shown.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes(1, 0)
            for index, column in enumerate(shown.columns):
                longest = max([len(str(column))] + [len(str(v)) for v in shown[column].head(200)])
                sheet.set_column(index, index, min(max(longest + 2, 10), 60))
    return destination


def _french_dates() -> set[str]:
    return {FRENCH_HEADERS[c] for c in _DATE_COLUMNS}


# --------------------------------------------------------------------------------------
# Writing everything
# --------------------------------------------------------------------------------------


def _require_destination(destination: Path, replace: bool) -> Path:
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
    return destination


def _old_reports(destination: Path) -> list[Path]:
    """The files an earlier run wrote in ``destination`` (other files are not touched)."""
    return [
        *destination.glob(trainee_page_name("*")),
        *destination.glob(attestation_file_name("*")),
        *(destination / name for name in COHORT_FILES),
    ]


def write_profile_reports(
    profile: CompetencyProfile,
    destination: Path,
    replace: bool = False,
    syllabus: Syllabus | None = None,
) -> ReportOutcome:
    """Write every report of ``profile`` into the folder ``destination`` (created if
    missing); see the module's docstring for the files.

    Everything is rendered before anything is written. A folder that is not empty is
    refused unless ``replace``; with ``replace``, the reports of an earlier run are
    removed first (a trainee who left leaves no stale page), other files are kept.
    When the PDF library cannot run, the attestations are left out and a warning
    says why; every other file is written.

    Raises :class:`~cpts_training.errors.CPTSError` in French: destination is a file or
    a non-empty folder without ``replace``, no graded evidence, a file not writable.
    """
    from cpts_training.trainer.attestation import (
        AttestationUnavailable,
        attestation_pdf,
        attestation_warnings,
    )

    destination = _require_destination(destination, replace)
    if profile.evidence.empty:
        raise CPTSError(
            "Aucune note dans cet espace : corrigez d'abord les copies "
            "(« cpts-training assessment autograde »)."
        )
    students = sorted(profile.trainees["stagiaire"].astype(str))
    pages: dict[str, str] = {SYNTHESIS: render_cohort_report(profile, syllabus)}
    for student in students:
        pages[trainee_page_name(student)] = render_trainee_report(profile, student)
    warnings: list[str] = []
    documents: dict[str, bytes] = {}
    unassessed = [s for s in students if not has_assessed(profile, s)]
    pending = [s for s in students if s not in unassessed and has_pending(profile, s)]
    attested = [s for s in students if s not in unassessed and s not in pending]
    if unassessed:
        warnings.append(
            f"Pas d'attestation pour {', '.join(unassessed)} : aucune compétence évaluée "
            "(copie non rendue, pas encore corrigée ou réponses en attente de correction)."
        )
    if pending:
        warnings.append(
            f"Pas d'attestation pour {', '.join(pending)} : des réponses rédigées attendent "
            "encore leur note, les niveaux sont provisoires. Notez-les (« cpts-training "
            "assessment rubric »), puis relancez la commande avec --replace."
        )
    try:
        for student in attested:
            documents[attestation_file_name(student)] = attestation_pdf(profile, student)
        warnings += attestation_warnings(profile)
    except AttestationUnavailable as error:
        documents.clear()
        warnings.append(str(error))
    tables = {
        LEVELS_CSV: levels_table(profile),
        EVIDENCE_CSV: evidence_table(profile),
        BLOCS_CSV: blocs_table(profile),
    }
    sheets = {
        "Compétences": tables[LEVELS_CSV],
        "Blocs": tables[BLOCS_CSV],
        "Preuves": tables[EVIDENCE_CSV],
        "Analyse des items": _percent_column(
            _percent_column(item_analysis(profile, syllabus), "taux_moyen"), "part_sous_seuil"
        ),
        "Dérogations": profile.overrides,
    }
    written: list[Path] = []
    try:
        destination.mkdir(parents=True, exist_ok=True)
        for old in _old_reports(destination):
            old.unlink(missing_ok=True)
        for name in (LEVELS_CSV, SYNTHESIS, LEVELS_XLSX, EVIDENCE_CSV, BLOCS_CSV):
            path = destination / name
            if name == SYNTHESIS:
                path.write_text(pages[name], encoding="utf-8")
            elif name == LEVELS_XLSX:
                write_workbook(sheets, path)
            else:
                write_spreadsheet_csv(_iso_dates(tables[name]), path)
            written.append(path)
        for student in students:
            page = destination / trainee_page_name(student)
            page.write_text(pages[page.name], encoding="utf-8")
            written.append(page)
        for name, document in documents.items():
            (destination / name).write_bytes(document)
            written.append(destination / name)
    except OSError as error:
        raise system_error(error) from None
    return ReportOutcome(written=written, warnings=warnings)


def write_reports(workspace: Path, destination: Path, replace: bool = False) -> ReportOutcome:
    """Build the cohort's competency profile from ``workspace`` and write every report
    into ``destination`` (:func:`write_profile_reports`).

    Returns a :class:`ReportOutcome`: the paths written and French warnings.
    Raises :class:`~cpts_training.errors.CPTSError` in French (not a workspace, no grade,
    destination refused); on refusal nothing is written.
    """
    from cpts_training.trainer.workspace import require_workspace

    workspace = require_workspace(workspace)
    _require_destination(destination, replace)
    from cpts_training.trainer.competency_model import (
        build_profile,
    )

    return write_profile_reports(build_profile(workspace), destination, replace=replace)
