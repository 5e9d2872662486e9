"""The competency model: proficiency scale, evidence, history, overrides and bloc roll-up.

:func:`load_scale` reads the scale and its rules (the package's
``data/referentiel/echelle_competences.yaml``, overridden section by section by a
workspace's ``competences.yaml``); :func:`build_profile` gathers a workspace's
evidence (nbgrader's gradebook, the graded cells' competencies, the grading and
override journals, the archived attempts) into a
:class:`~cpts_training.trainer.competency_profile.CompetencyProfile` that every
report, export and badge reads; :func:`override_competency` records a trainer's
decision on a competency; :func:`snapshot_attempt` keeps the grades of a copy about
to be replaced, so that earlier attempts stay evidence.

Rates are fractions 0–1. A competency without any graded cell is « non évaluée »
(:data:`~.competency_profile.NOT_ASSESSED`), never a zero; one whose cells all wait
for a manual grade is « en attente de correction »
(:data:`~.competency_profile.WAITING`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from nbgrader.api import Gradebook, MissingEntry, SubmittedAssignment
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cpts_training.errors import CPTSError, DataError
from cpts_training.formatting import format_decimal_fr, format_percent
from cpts_training.readers import ErrorPlaces, explain_validation_error, fail, read_yaml, yaml_kind
from cpts_training.referentiel import Referentiel, load_referentiel
from cpts_training.syllabus import graded_cells
from cpts_training.trainer.competency_profile import (
    AUTOGRADER,
    BLOC_COLUMNS,
    EVIDENCE_COLUMNS,
    FORMGRADER,
    LEVEL_COLUMNS,
    NOT_ASSESSED,
    OVERRIDE_COLUMNS,
    TRAINEE_COLUMNS,
    WAITING,
    CompetencyProfile,
    ProficiencyScale,
    ScaleLevel,
)
from cpts_training.trainer.grade_summary import deposit_time
from cpts_training.trainer.grading_state import counted_points, is_pending
from cpts_training.trainer.journal import (
    GRADING_JOURNAL,
    OVERRIDE_JOURNAL,
    append_record,
    now_iso,
    read_records,
)
from cpts_training.trainer.workspace import COURSE_ID, DEFAULT_SCALE, SCALE_NAME, require_workspace

if TYPE_CHECKING:
    from pandas._libs.tslibs.nattype import NaTType

    Moment = pd.Timestamp | NaTType
    """A UTC time, or NaT when unknown."""

SCALE_FILE = SCALE_NAME
"""A workspace's own scale and rules, at its root (same schema as the default)."""
DEFAULT_SCALE_PATH = DEFAULT_SCALE
"""The package's default scale and rules."""
ATTEMPT_FILE = "notes_tentative.json"
"""Grades of a replaced copy, saved in its archive folder by :func:`snapshot_attempt`."""

BLOC_ACQUIRED = "acquis"
BLOC_IN_PROGRESS = "en cours d'acquisition"
BLOC_NOT_ASSESSED = "non évalué"

PROGRESSING = "en progrès"
STEADY = "stable"
DECLINING = "en baisse"

HISTORY_RULES = ("derniere", "meilleure", "moyenne", "moyenne_ponderee")
BLOC_RULES = ("toutes", "proportion")
BLOC_SCOPES = ("evaluees", "referentiel")

_EPSILON = 1e-9
"""Tolerance of rate comparisons (0.75 computed as 3/4 or 0.1 + 0.65 must reach 0.75)."""


# --------------------------------------------------------------------------------------
# The scale file (pydantic; French messages)
# --------------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelSetting(_Model):
    """One level of the scale file: ``nom``, ``a_partir_de`` (0–1), ``acquise``."""

    nom: str = Field(min_length=1)
    a_partir_de: float = Field(ge=0, le=1)
    acquise: bool = False


class HistorySetting(_Model):
    """Section ``historique``: the history rule, its weight and the trend threshold."""

    regle: Literal["derniere", "meilleure", "moyenne", "moyenne_ponderee"]
    poids_derniere: float = Field(default=0.65, ge=0, le=1)
    seuil_tendance: float = Field(default=0.1, gt=0, le=1)


class BlocSetting(_Model):
    """Section ``blocs``: the roll-up rule, its proportion and its scope."""

    regle: Literal["toutes", "proportion"]
    proportion: float = Field(default=0.75, gt=0, le=1)
    perimetre: Literal["evaluees", "referentiel"] = "evaluees"


class OrganisationSetting(_Model):
    """Section ``organisme``: the training organisation that issues attestations and badges."""

    nom: str = Field(min_length=1)
    url: str | None = None
    email: str | None = None
    lieu: str | None = None
    url_referentiel: str | None = None
    cle_privee: str | None = None


class ScaleFile(_Model):
    """A scale file; in a workspace's ``competences.yaml`` every section is optional."""

    niveaux: list[LevelSetting] | None = Field(default=None, min_length=1)
    historique: HistorySetting | None = None
    blocs: BlocSetting | None = None
    organisme: OrganisationSetting | None = None

    @model_validator(mode="after")
    def _check_levels(self) -> ScaleFile:
        if self.niveaux is None:
            return self
        names = [level.nom.strip() for level in self.niveaux]
        if len(set(names)) != len(names):
            fail(
                "niveaux : deux niveaux portent le même nom. Correction : donnez à chaque "
                "niveau un nom différent."
            )
        for reserved in (NOT_ASSESSED, WAITING):
            if reserved in names:
                fail(
                    f"niveaux : « {reserved} » est réservé aux compétences sans note. "
                    "Correction : choisissez un autre nom de niveau."
                )
        if self.niveaux[0].a_partir_de != 0:
            fail(
                f"niveaux : le premier niveau (« {names[0]} ») doit commencer à 0. "
                "Correction : écrivez « a_partir_de: 0 » pour le niveau le plus bas."
            )
        thresholds = [level.a_partir_de for level in self.niveaux]
        if any(
            later <= earlier for earlier, later in zip(thresholds, thresholds[1:], strict=False)
        ):
            fail(
                "niveaux : les seuils « a_partir_de » doivent croître strictement, du niveau "
                "le plus bas au plus haut. Correction : rangez les niveaux dans cet ordre, "
                "chacun avec un seuil plus grand que le précédent."
            )
        proficient = [level.acquise for level in self.niveaux]
        if not any(proficient):
            fail(
                "niveaux : aucun niveau ne porte « acquise: true ». Correction : ajoutez "
                "« acquise: true » au niveau (le plus haut) qui vaut compétence acquise."
            )
        first = proficient.index(True)
        if not all(proficient[first:]):
            fail(
                "niveaux : un niveau au-dessus d'un niveau « acquise: true » doit l'être "
                "aussi. Correction : ajoutez « acquise: true » aux niveaux les plus hauts."
            )
        return self


_PLACES = ErrorPlaces(
    model=ScaleFile,
    item_nouns={"niveaux": "niveau"},
    section_names={
        "niveaux": " (niveaux de l'échelle)",
        "historique": " (règle d'historique)",
        "blocs": " (règle des blocs)",
        "organisme": " (organisme de formation)",
    },
    field_hints={
        "nom": "le nom, en français",
        "a_partir_de": "le taux, entre 0 et 1, à partir duquel le niveau s'applique",
        "regle": "la règle, voir les commentaires du fichier par défaut",
    },
)


def _read_scale_file(path: Path, label: str) -> ScaleFile:
    raw = read_yaml(path, label)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise DataError(
            f"{label} : le contenu du fichier est de type « {yaml_kind(raw)} ». Correction : "
            "le fichier doit être un dictionnaire YAML avec les sections niveaux, historique, "
            "blocs et organisme (toutes facultatives dans l'espace)."
        )
    try:
        return ScaleFile.model_validate(raw)
    except ValidationError as error:
        raise DataError(explain_validation_error(error, raw, label, _PLACES)) from None


def _settings(workspace: Path | None) -> tuple[ScaleFile, ScaleFile | None]:
    """The default scale file and the workspace's (None when it has none)."""
    default = _read_scale_file(DEFAULT_SCALE_PATH, "Échelle par défaut")
    if workspace is None:
        return default, None
    path = Path(workspace) / SCALE_FILE
    if not path.is_file():
        return default, None
    return default, _read_scale_file(path, f"Fichier « {path} »")


def load_scale(workspace: Path | None = None) -> ProficiencyScale:
    """The proficiency scale and rules of ``workspace`` (the default when it has no
    ``competences.yaml``, section by section), with the French sentences that state them.

    Raises:
        DataError: a ``competences.yaml`` that is not valid YAML or breaks the schema;
            the French message names the field and the fix.
    """
    default, own = _settings(workspace)
    levels = (own.niveaux if own and own.niveaux else default.niveaux) or []
    history = (own.historique if own and own.historique else default.historique) or (
        HistorySetting(regle="derniere")
    )
    blocs = (own.blocs if own and own.blocs else default.blocs) or BlocSetting(regle="toutes")
    scale = ProficiencyScale(
        levels=tuple(ScaleLevel(lv.nom.strip(), lv.a_partir_de, lv.acquise) for lv in levels),
        history_rule=history.regle,
        history_weight=history.poids_derniere,
        bloc_rule=blocs.regle,
        bloc_proportion=blocs.proportion,
        trend_threshold=history.seuil_tendance,
        bloc_scope=blocs.perimetre,
    )
    return _with_statement(scale)


def load_organisation(workspace: Path) -> dict[str, str]:
    """The ``organisme`` section of the workspace's ``competences.yaml`` (keys ``nom``,
    ``url``, ``email``, ``lieu``, ``cle_privee`` when given), or ``{}``."""
    _, own = _settings(workspace)
    if own is None or own.organisme is None:
        return {}
    return {key: value for key, value in own.organisme.model_dump().items() if value is not None}


def _with_statement(scale: ProficiencyScale) -> ProficiencyScale:
    levels = scale.levels
    steps = []
    for rank, level in enumerate(levels):
        upper = levels[rank + 1].from_rate if rank + 1 < len(levels) else None
        if upper is None:
            steps.append(f"« {level.name} » à partir de {format_percent(level.from_rate)}")
        else:
            steps.append(
                f"« {level.name} » de {format_percent(level.from_rate)} à moins de "
                f"{format_percent(upper)}"
            )
    proficient = [f"« {level.name} »" for level in levels if level.proficient]
    sentences = [
        "Le taux de réussite d'une compétence est la part des points obtenus dans les "
        "cellules notées qui l'évaluent ; niveaux : " + " ; ".join(steps) + ". "
        f"Une compétence est acquise au niveau {' ou '.join(proficient)}. Une compétence "
        f"sans réponse notée est « {NOT_ASSESSED} » (jamais notée 0) ; une réponse qui "
        f"attend la correction du formateur est « {WAITING} » et ne compte pas encore.",
        _history_sentence(scale),
        _bloc_sentence(scale),
        "Un formateur peut fixer le niveau d'une compétence par dérogation motivée : le "
        "niveau calculé reste affiché à côté, et chaque dérogation est conservée.",
    ]
    return replace(scale, statement=tuple(sentences))


def _history_sentence(scale: ProficiencyScale) -> str:
    rule = {
        "derniere": "le niveau retient le résultat le plus récent",
        "meilleure": "le niveau retient le meilleur résultat",
        "moyenne": "le niveau retient la moyenne des résultats",
        "moyenne_ponderee": (
            f"le niveau retient une moyenne pondérée : le résultat le plus récent compte "
            f"pour {format_percent(scale.history_weight)}, la moyenne des précédents pour "
            f"{format_percent(1 - scale.history_weight)}"
        ),
    }[scale.history_rule]
    return (
        "Quand une compétence est évaluée plusieurs fois (plusieurs évaluations, ou une "
        f"copie rendue de nouveau), {rule}, dans l'ordre des dates de rendu des copies. "
        f"Tendance : « {PROGRESSING} » si le dernier résultat dépasse la moyenne des "
        f"précédents d'au moins {format_decimal_fr(100 * scale.trend_threshold, 1)} points de "
        "pourcentage, "
        f"« {DECLINING} » s'il lui est inférieur d'autant, « {STEADY} » sinon."
    )


def _bloc_sentence(scale: ProficiencyScale) -> str:
    scope = (
        "des compétences du bloc évaluées par les évaluations de la formation (et de celles "
        "qu'un formateur a fixées par dérogation)"
        if scale.bloc_scope == "evaluees"
        else "de toutes les compétences du bloc dans le référentiel"
    )
    lowest = scale.levels[0].name
    if scale.bloc_rule == "toutes":
        rule = f"lorsque la totalité {scope} est acquise"
    else:
        rule = (
            f"lorsqu'au moins {format_percent(scale.bloc_proportion)} {scope} sont acquises "
            f"et qu'aucune n'est « {lowest} »"
        )
    return (
        f"Un bloc est « {BLOC_ACQUIRED} » {rule} ; « {BLOC_NOT_ASSESSED} » si aucune de ses "
        f"compétences n'a de niveau ; « {BLOC_IN_PROGRESS} » sinon."
    )


# --------------------------------------------------------------------------------------
# Pure rules (no workspace): rates → levels, history, trend, bloc roll-up
# --------------------------------------------------------------------------------------


def level_of(rate: float, scale: ProficiencyScale) -> ScaleLevel:
    """The level of the scale that a rate (0–1) reaches."""
    reached = scale.levels[0]
    for level in scale.levels:
        if rate + _EPSILON >= level.from_rate:
            reached = level
    return reached


def combine_history(rates: Sequence[float], scale: ProficiencyScale) -> float:
    """One rate from the results of a competency in hand-in order (oldest first).

    ``derniere``: the last; ``meilleure``: the highest; ``moyenne``: the mean;
    ``moyenne_ponderee``: w × last + (1 − w) × mean of the earlier ones (the last
    alone when there is only one). Raises ValueError on an empty sequence.
    """
    if not rates:
        raise ValueError("no result to combine")
    if scale.history_rule == "derniere":
        return rates[-1]
    if scale.history_rule == "meilleure":
        return max(rates)
    if scale.history_rule == "moyenne":
        return sum(rates) / len(rates)
    if len(rates) == 1:
        return rates[0]
    earlier = sum(rates[:-1]) / (len(rates) - 1)
    return scale.history_weight * rates[-1] + (1 - scale.history_weight) * earlier


def trend(rates: Sequence[float], scale: ProficiencyScale) -> str:
    """« en progrès », « stable » or « en baisse »: the last result against the mean of
    the earlier ones, with the scale's threshold; "" with fewer than two results."""
    if len(rates) < 2:
        return ""
    gap = rates[-1] - sum(rates[:-1]) / (len(rates) - 1)
    if gap >= scale.trend_threshold - _EPSILON:
        return PROGRESSING
    if gap <= -scale.trend_threshold + _EPSILON:
        return DECLINING
    return STEADY


def bloc_level(
    levels: Sequence[str], scale: ProficiencyScale, scope_size: int | None = None
) -> str:
    """The roll-up of a bloc from the levels of the competencies in its scope.

    ``levels``: one per competency of the scope (a level name of the scale,
    NOT_ASSESSED or WAITING); ``scope_size`` defaults to ``len(levels)``.
    Returns « acquis », « en cours d'acquisition » or « non évalué ».
    """
    size = len(levels) if scope_size is None else scope_size
    proficient = {level.name for level in scale.levels if level.proficient}
    assessed = [name for name in levels if name not in (NOT_ASSESSED, WAITING)]
    if not assessed:
        return BLOC_NOT_ASSESSED
    acquired = sum(name in proficient for name in assessed)
    if scale.bloc_rule == "toutes":
        done = acquired >= size
    else:
        lowest = scale.levels[0].name
        done = acquired + _EPSILON >= scale.bloc_proportion * size and lowest not in assessed
    return BLOC_ACQUIRED if done else BLOC_IN_PROGRESS


# --------------------------------------------------------------------------------------
# Evidence from the gradebook, the journals and the archived attempts
# --------------------------------------------------------------------------------------


def _utc(moment: Any) -> Moment:
    """A pandas UTC Timestamp (NaT for None/unparsable); naive values are UTC (nbgrader)."""
    if moment is None or moment == "":
        return pd.NaT
    try:
        stamp = pd.Timestamp(moment)
    except (ValueError, TypeError):
        return pd.NaT
    if pd.isna(stamp):
        return pd.NaT
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _iso(moment: Moment) -> str | None:
    return None if pd.isna(moment) else moment.isoformat()


def _notebook_name(name: str) -> str:
    return name[: -len(".ipynb")] if name.endswith(".ipynb") else name


def _competencies_of(workspace: Path, assessment: str) -> dict[tuple[str, str], list[str]]:
    """(notebook name without .ipynb, grade_id) → competency ids, from the source notebooks."""
    folder = workspace / "source" / assessment
    return {
        (notebook.stem, cell["grade_id"]): list(cell["competencies"])
        for notebook in sorted(folder.glob("*.ipynb"))
        for cell in graded_cells(notebook)
    }


def _latest_grading_records(workspace: Path) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """(evaluation, carnet, stagiaire, cellule) → latest record of the grading journal."""
    latest: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for record in read_records(workspace / GRADING_JOURNAL):
        key = (
            str(record.get("evaluation", "")),
            _notebook_name(str(record.get("carnet", ""))),
            str(record.get("stagiaire", "")),
            str(record.get("cellule", "")),
        )
        latest[key] = record  # oldest first: the last one wins
    return latest


def _grading_source(
    grade: Any,
    key: tuple[str, str, str, str],
    records: Mapping[tuple[str, str, str, str], dict[str, Any]],
    autograded_at: Moment,
    handed_in: Moment,
) -> tuple[str, Moment]:
    """Who graded a cell and when: ("", NaT) while pending; AUTOGRADER and the autograded
    copy's time for an automatic score; the grading journal's latest record for a
    manual one (if it gave this very score after the hand-in, else FORMGRADER and NaT)."""
    if is_pending(grade):
        return "", pd.NaT
    if grade.manual_score is None and grade.auto_score is not None:
        return AUTOGRADER, autograded_at
    record = records.get(key)
    if record is not None:
        points = record.get("points")
        when = _utc(record.get("date"))
        same_score = isinstance(points, int | float) and math.isclose(
            float(points), float(grade.score or 0), abs_tol=1e-9
        )
        after = pd.isna(handed_in) or pd.isna(when) or when >= handed_in
        if same_score and after:
            return str(record.get("correcteur", "")), when
    return FORMGRADER, pd.NaT


def _autograded_at(workspace: Path, student: str, assessment: str, notebook: str) -> Moment:
    """When nbgrader wrote the autograded copy (its notebook file's time), or NaT."""
    path = workspace / "autograded" / student / assessment / f"{notebook}.ipynb"
    if not path.is_file():
        return pd.NaT
    return pd.Timestamp(datetime.fromtimestamp(path.stat().st_mtime, UTC))


def _submission_cells(
    workspace: Path,
    assessment: str,
    submission: SubmittedAssignment,
    records: Mapping[tuple[str, str, str, str], dict[str, Any]],
) -> dict[str, Any]:
    """A submission of the gradebook as a JSON-ready attempt (see :data:`ATTEMPT_FILE`)."""
    student = submission.student.id
    handed_in = _utc(submission.timestamp)
    due = _utc(submission.duedate)
    cells = []
    for notebook in submission.notebooks:
        comments = {comment.name: comment.manual_comment or "" for comment in notebook.comments}
        autograded_at = _autograded_at(workspace, student, assessment, notebook.name)
        for grade in notebook.grades:
            key = (assessment, notebook.name, student, grade.name)
            by, when = _grading_source(grade, key, records, autograded_at, handed_in)
            cells.append(
                {
                    "carnet": notebook.name,
                    "cellule": grade.name,
                    "points": counted_points(grade),
                    "points_max": float(grade.max_score or 0),
                    "en_attente": is_pending(grade),
                    "corrige_par": by,
                    "corrige_le": _iso(when),
                    "commentaire": comments.get(grade.name, ""),
                }
            )
    return {
        "evaluation": assessment,
        "stagiaire": student,
        "rendu_le": _iso(handed_in),
        "date_limite": _iso(due),
        "retard_secondes": float(submission.total_seconds_late or 0),
        "cellules": cells,
    }


def _same_deposit(copy_time: datetime | None, graded_time: datetime | None) -> bool:
    """Whether the gradebook's submission time is the copy's (unknown times: assume so)."""
    copy, graded = _utc(copy_time), _utc(graded_time)
    if isinstance(copy, pd.Timestamp) and isinstance(graded, pd.Timestamp):
        return abs(copy - graded) < pd.Timedelta(seconds=1)
    return True


def _graded_copy_is_deposited(
    workspace: Path, assessment: str, submission: SubmittedAssignment
) -> bool:
    """Whether the gradebook's grades are those of the copy deposited now: not of a copy
    withdrawn since (no deposit left) or replaced and not autograded again (their
    grades are then kept by :func:`snapshot_attempt`)."""
    folder = workspace / "submitted" / submission.student.id / assessment
    if not folder.is_dir():
        return False
    return _same_deposit(deposit_time(folder), submission.timestamp)


def _gradebook(workspace: Path) -> Gradebook:
    return Gradebook(f"sqlite:///{workspace / 'gradebook.db'}", COURSE_ID)


@contextmanager
def _existing_gradebook(workspace: Path) -> Iterator[Gradebook | None]:
    """The workspace's gradebook, or None when nbgrader has not created it yet (reading
    never creates it: a refused or read-only command leaves the workspace unchanged)."""
    if not (workspace / "gradebook.db").is_file():
        yield None
        return
    with _gradebook(workspace) as gradebook:
        yield gradebook


def _archived_attempts(workspace: Path) -> list[dict[str, Any]]:
    """Every snapshot of ``archives/*/*/notes_tentative.json``, as saved."""
    attempts = []
    for path in sorted((workspace / "archives").glob(f"*/*/{ATTEMPT_FILE}")):
        try:
            attempt = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise CPTSError(
                f"Le fichier {path} est illisible : il garde les notes d'une tentative "
                "archivée et ne doit pas être modifié à la main. Restaurez-le depuis une "
                "sauvegarde de l'espace."
            ) from error
        if isinstance(attempt, dict):
            attempts.append(attempt)
    return attempts


def _attempt_count(workspace: Path, assessment: str, student: str) -> int:
    return sum(
        1
        for attempt in _archived_attempts(workspace)
        if attempt.get("evaluation") == assessment and attempt.get("stagiaire") == student
    )


def snapshot_attempt(workspace: Path, assessment: str, student: str, archive_folder: Path) -> Path:
    """Save the gradebook's grades of ``student``'s current copy of ``assessment`` in
    ``archive_folder/notes_tentative.json``, before the copy is replaced.

    Call it when a deposit is replaced (``submit --replace``): the grades of the
    replaced copy stay evidence of the competencies, as attempt 1, 2, … (numbered in
    the order the copies were replaced). A copy never autograded is saved without
    grades, so that the numbering stays right. Returns the file written.
    """
    workspace = require_workspace(workspace)
    archive_folder = Path(archive_folder)
    records = _latest_grading_records(workspace)
    # The copy being archived: its timestamp.txt, in the archive or still in submitted/.
    copy_time = deposit_time(archive_folder) or deposit_time(
        workspace / "submitted" / student / assessment
    )
    attempt: dict[str, Any] | None = None
    with _existing_gradebook(workspace) as gradebook:
        try:
            submission = gradebook.find_submission(assessment, student) if gradebook else None
        except MissingEntry:
            submission = None
        if submission is not None and _same_deposit(copy_time, submission.timestamp):
            attempt = _submission_cells(workspace, assessment, submission, records)
    if attempt is None:  # never autograded: no grades, but it keeps its number
        attempt = {
            "evaluation": assessment,
            "stagiaire": student,
            "rendu_le": _iso(_utc(copy_time)),
            "date_limite": None,
            "retard_secondes": 0.0,
            "cellules": [],
        }
    attempt["tentative"] = _attempt_count(workspace, assessment, student) + 1
    attempt["archivee_le"] = now_iso()
    attempt["competences"] = {
        f"{notebook}/{cell}": ids
        for (notebook, cell), ids in _competencies_of(workspace, assessment).items()
    }
    archive_folder.mkdir(parents=True, exist_ok=True)
    target = archive_folder / ATTEMPT_FILE
    target.write_text(json.dumps(attempt, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def _evidence_rows(
    attempt: Mapping[str, Any],
    number: int,
    competencies: Mapping[tuple[str, str], list[str]],
) -> Iterable[dict[str, Any]]:
    for cell in attempt.get("cellules", []):
        ids = competencies.get((cell["carnet"], cell["cellule"]), [])
        for competency in ids:
            yield {
                "stagiaire": attempt["stagiaire"],
                "evaluation": attempt["evaluation"],
                "tentative": number,
                "carnet": cell["carnet"],
                "cellule": cell["cellule"],
                "competence": competency,
                "points": float(cell["points"]),
                "points_max": float(cell["points_max"]),
                "en_attente": bool(cell["en_attente"]),
                "rendu_le": _utc(attempt.get("rendu_le")),
                "date_limite": _utc(attempt.get("date_limite")),
                "retard_secondes": float(attempt.get("retard_secondes") or 0),
                "corrige_le": _utc(cell.get("corrige_le")),
                "corrige_par": str(cell.get("corrige_par") or ""),
                "commentaire": str(cell.get("commentaire") or ""),
            }


def gather_evidence(workspace: Path) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    """The workspace's evidence (:data:`EVIDENCE_COLUMNS`), its trainees
    (:data:`TRAINEE_COLUMNS`) and the competencies its assessments assess."""
    workspace = require_workspace(workspace)
    records = _latest_grading_records(workspace)
    assessments = sorted(p.name for p in (workspace / "source").iterdir() if p.is_dir())
    competencies = {name: _competencies_of(workspace, name) for name in assessments}
    assessed = {cid for cells in competencies.values() for ids in cells.values() for cid in ids}
    archived: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for attempt in _archived_attempts(workspace):
        archived.setdefault((attempt["evaluation"], attempt["stagiaire"]), []).append(attempt)
    rows: list[dict[str, Any]] = []
    trainees: dict[str, dict[str, str]] = {}
    with _existing_gradebook(workspace) as gradebook:
        for student in gradebook.students if gradebook else []:
            trainees[student.id] = {
                "stagiaire": student.id,
                "nom": student.last_name or "",
                "prenom": student.first_name or "",
                "email": student.email or "",
            }
        for assessment in assessments:
            try:
                submissions = gradebook.assignment_submissions(assessment) if gradebook else []
            except MissingEntry:  # never released or autograded: no evidence yet
                submissions = []
            current = {
                sub.student.id: _submission_cells(workspace, assessment, sub, records)
                for sub in submissions
                if _graded_copy_is_deposited(workspace, assessment, sub)
            }
            students = sorted(set(current) | {s for (a, s) in archived if a == assessment})
            for student in students:
                earlier = sorted(
                    archived.get((assessment, student), []),
                    key=lambda attempt: int(attempt.get("tentative", 0)),
                )
                for number, attempt in enumerate(earlier, start=1):
                    stored = {
                        tuple(key.split("/", 1)): ids
                        for key, ids in attempt.get("competences", {}).items()
                    }
                    rows.extend(_evidence_rows(attempt, number, stored or competencies[assessment]))
                if student in current:
                    rows.extend(
                        _evidence_rows(current[student], len(earlier) + 1, competencies[assessment])
                    )
    for row in rows:
        trainees.setdefault(
            row["stagiaire"], {"stagiaire": row["stagiaire"], "nom": "", "prenom": "", "email": ""}
        )
    evidence = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    evidence = evidence.astype(
        {
            "tentative": int,
            "points": float,
            "points_max": float,
            "en_attente": bool,
            "retard_secondes": float,
        }
    )
    for column in ("rendu_le", "date_limite", "corrige_le"):
        evidence[column] = pd.to_datetime(evidence[column], utc=True)
    table = pd.DataFrame([trainees[key] for key in sorted(trainees)], columns=TRAINEE_COLUMNS)
    return evidence, table, assessed


# --------------------------------------------------------------------------------------
# Levels, overrides, blocs
# --------------------------------------------------------------------------------------


def _results(proofs: Sequence[Mapping[str, Any]]) -> list[tuple[str, int, Moment, float]]:
    """Graded results of one trainee × competency (its evidence rows): (evaluation,
    attempt, hand-in, rate) per assessment and attempt, in hand-in order (unknown dates
    first, then by assessment and attempt). Pending cells are left out."""
    sums: dict[tuple[str, int], list[Any]] = {}
    for proof in proofs:
        if proof["en_attente"]:
            continue
        key = (str(proof["evaluation"]), int(proof["tentative"]))
        total = sums.setdefault(key, [0.0, 0.0, proof["rendu_le"]])
        total[0] += float(proof["points"])
        total[1] += float(proof["points_max"])
    results = [
        (assessment, attempt, handed_in, points / available)
        for (assessment, attempt), (points, available, handed_in) in sums.items()
        if available > 0
    ]
    oldest = pd.Timestamp.min.tz_localize("UTC")
    return sorted(results, key=lambda r: (oldest if pd.isna(r[2]) else r[2], r[0], r[1]))


def _results_text(results: Sequence[tuple[str, int, Moment, float]]) -> str:
    return " ; ".join(
        f"{assessment}{f' (tentative {attempt})' if attempt > 1 else ''} : {format_percent(rate)}"
        for assessment, attempt, _, rate in results
    )


def read_overrides(workspace: Path) -> pd.DataFrame:
    """Every override of the journal, oldest first (:data:`OVERRIDE_COLUMNS`; ``date`` UTC)."""
    records = read_records(Path(workspace) / OVERRIDE_JOURNAL)
    table = pd.DataFrame(
        [{column: record.get(column, "") for column in OVERRIDE_COLUMNS} for record in records],
        columns=OVERRIDE_COLUMNS,
    )
    table["date"] = pd.to_datetime(table["date"], utc=True)
    return table


def competency_levels(
    evidence: pd.DataFrame,
    trainees: Sequence[str],
    referentiel: Referentiel,
    scale: ProficiencyScale,
    overrides: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every trainee × every competency of the référentiel (:data:`LEVEL_COLUMNS`).

    Per (assessment, attempt), the rate is the points over the points available of
    its graded cells (pending cells left out, counted in ``en_attente`` for the
    current attempt only); the history rule combines those rates in hand-in order.
    """
    overrides = overrides if overrides is not None else pd.DataFrame(columns=OVERRIDE_COLUMNS)
    latest_override = {
        (row["stagiaire"], row["competence"]): row for _, row in overrides.iterrows()
    }
    proficient = {level.name for level in scale.levels if level.proficient}
    records = evidence.to_dict("records")
    current_attempt: dict[tuple[str, str], int] = {}
    by_pair: dict[tuple[str, str], list[dict[Any, Any]]] = {}
    for proof in records:
        key = (str(proof["stagiaire"]), str(proof["evaluation"]))
        current_attempt[key] = max(current_attempt.get(key, 0), int(proof["tentative"]))
        by_pair.setdefault((str(proof["stagiaire"]), str(proof["competence"])), []).append(proof)
    rows = []
    for student in trainees:
        for competency in referentiel.competencies():
            mine = by_pair.get((student, competency.id), [])
            results = _results(mine)
            waiting = sum(
                bool(proof["en_attente"])
                for proof in mine
                if current_attempt[(student, str(proof["evaluation"]))] == int(proof["tentative"])
            )
            rates = [rate for *_, rate in results]
            if rates:
                rate = combine_history(rates, scale)
                computed = level_of(rate, scale).name
            else:
                rate = math.nan
                computed = WAITING if waiting else NOT_ASSESSED
            override = latest_override.get((student, competency.id))
            final = str(override["niveau"]) if override is not None else computed
            rows.append(
                {
                    "stagiaire": student,
                    "bloc": referentiel.bloc_of(competency.id).id,
                    "competence": competency.id,
                    "libelle": competency.label,
                    "taux": rate,
                    "taux_par_evaluation": _results_text(results),
                    "tendance": trend(rates, scale),
                    "en_attente": waiting,
                    "niveau_calcule": computed,
                    "niveau": final,
                    "acquise": final in proficient,
                    "derogation_motif": "" if override is None else str(override["motif"]),
                    "derogation_par": "" if override is None else str(override["par"]),
                    "derogation_le": pd.NaT if override is None else override["date"],
                    "preuves": len(mine),
                }
            )
    table = pd.DataFrame(rows, columns=LEVEL_COLUMNS)
    table["taux"] = table["taux"].astype(float)
    table["derogation_le"] = pd.to_datetime(table["derogation_le"], utc=True)
    return table


def bloc_levels(
    levels: pd.DataFrame,
    referentiel: Referentiel,
    scale: ProficiencyScale,
    assessed: set[str],
) -> pd.DataFrame:
    """Every trainee × bloc (:data:`BLOC_COLUMNS`), by the scale's bloc rule.

    ``assessed``: the competencies the workspace's assessments assess (the scope of
    the rule when the scale's ``bloc_scope`` is « evaluees »; competencies with a
    level set by override are added to it).
    """
    rows = []
    for student in levels["stagiaire"].unique():
        mine = levels[levels["stagiaire"] == student]
        for bloc in referentiel.blocs:
            in_bloc = mine[mine["bloc"] == bloc.id]
            if scale.bloc_scope == "referentiel":
                scope = in_bloc
            else:
                scope = in_bloc[
                    in_bloc["competence"].isin(assessed) | (in_bloc["derogation_par"] != "")
                ]
            named = list(scope["niveau"])
            evaluated = int((~in_bloc["niveau"].isin([NOT_ASSESSED, WAITING])).sum())
            rows.append(
                {
                    "stagiaire": student,
                    "bloc": bloc.id,
                    "libelle": bloc.label,
                    "competences": len(in_bloc),
                    "evaluees": evaluated,
                    "acquises": int(in_bloc["acquise"].sum()),
                    "niveau": bloc_level(named, scale) if named else BLOC_NOT_ASSESSED,
                    "perimetre": len(scope),
                }
            )
    return pd.DataFrame(rows, columns=BLOC_COLUMNS)


def build_profile(workspace: Path) -> CompetencyProfile:
    """The cohort's competency profile: trainees, evidence, levels, blocs, overrides.

    Reads nbgrader's gradebook (current deposits), the archived attempts
    (``archives/*/*/notes_tentative.json``), the grading and override journals, the
    source notebooks' competencies and the scale (:func:`load_scale`). Every trainee
    of the gradebook gets a row per competency of the référentiel, assessed or not.

    Raises:
        CPTSError: not a workspace, a broken journal or scale file (French message).
    """
    workspace = require_workspace(workspace)
    scale = load_scale(workspace)
    referentiel = load_referentiel()
    evidence, trainees, assessed = gather_evidence(workspace)
    overrides = read_overrides(workspace)
    levels = competency_levels(evidence, list(trainees["stagiaire"]), referentiel, scale, overrides)
    organisation = {k: v for k, v in load_organisation(workspace).items() if k != "cle_privee"}
    return CompetencyProfile(
        referentiel=referentiel,
        scale=scale,
        trainees=trainees,
        evidence=evidence,
        levels=levels,
        blocs=bloc_levels(levels, referentiel, scale, assessed),
        overrides=overrides,
        organisation=organisation,
    )


def override_competency(
    workspace: Path, student: str, competency: str, level: str, reason: str, by: str
) -> dict[str, Any]:
    """Record a trainer's level for a trainee's competency (a new line of the override
    journal; the computed level stays beside it). Returns the record written.

    Raises:
        CPTSError: unknown trainee, competency or level, empty reason or author; the
            journal is then unchanged.
    """
    workspace = require_workspace(workspace)
    scale = load_scale(workspace)
    referentiel = load_referentiel()
    reason, by, level = reason.strip(), by.strip(), level.strip()
    with _existing_gradebook(workspace) as gradebook:
        known = {s.id for s in gradebook.students} if gradebook else set()
    if student not in known:
        raise CPTSError(
            f"Stagiaire « {student} » inconnu dans cet espace. Stagiaires connus : "
            f"{', '.join(sorted(known)) or 'aucun'}. Vérifiez l'identifiant (celui de la "
            "liste des stagiaires ou du dépôt des copies)."
        )
    ids = [c.id for c in referentiel.competencies()]
    if competency not in ids:
        raise CPTSError(
            f"Compétence « {competency} » inconnue du référentiel. Écrivez son identifiant "
            "sous la forme B<bloc>.C<numéro>, par exemple B5.C03 (voir la page du référentiel)."
        )
    names = [lv.name for lv in scale.levels]
    if level not in names:
        raise CPTSError(
            f"Niveau « {level} » inconnu. Niveaux de l'échelle : "
            f"{', '.join(f'« {n} »' for n in names)}."
        )
    if not reason:
        raise CPTSError(
            "Motif manquant : une dérogation doit être justifiée. Indiquez-le avec "
            '--motif "…" (par exemple : « entretien oral du 12/03 »).'
        )
    if not by:
        raise CPTSError(
            'Auteur manquant : indiquez qui décide la dérogation avec --par "Prénom Nom".'
        )
    record = {
        "date": now_iso(),
        "stagiaire": student,
        "competence": competency,
        "niveau": level,
        "motif": reason,
        "par": by,
    }
    append_record(workspace / OVERRIDE_JOURNAL, record)
    return record


def require_trainee(profile: CompetencyProfile, student: str) -> None:
    """Raise a French CPTSError if ``student`` is not a trainee of the profile."""
    known = list(profile.trainees["stagiaire"])
    if student not in known:
        raise CPTSError(
            f"Stagiaire « {student} » inconnu dans cet espace. Stagiaires connus : "
            f"{', '.join(known) or 'aucun'}."
        )


def trainee_summary(profile: CompetencyProfile, student: str) -> list[str]:
    """French lines: the trainee's blocs and levels, bloc by bloc (assessed ones listed)."""
    require_trainee(profile, student)
    lines = [f"Compétences de {student}", *profile.scale.statement, ""]
    levels = profile.levels[profile.levels["stagiaire"] == student]
    blocs = profile.blocs[profile.blocs["stagiaire"] == student]
    bloc_rows: Iterable[Any] = blocs.itertuples(index=False)
    for bloc in bloc_rows:
        lines.append(
            f"{bloc.bloc} — {bloc.libelle} : {bloc.niveau} "
            f"({bloc.acquises} acquise(s) sur {bloc.perimetre} évaluée(s) par la formation, "
            f"{bloc.competences} au référentiel)"
        )
        rows: Iterable[Any] = levels[levels["bloc"] == bloc.bloc].itertuples(index=False)
        for row in rows:
            if row.niveau == NOT_ASSESSED and not row.derogation_par:
                continue
            detail = f" [{row.taux_par_evaluation}]" if row.taux_par_evaluation else ""
            trend_text = f", {row.tendance}" if row.tendance else ""
            waiting = f", {row.en_attente} réponse(s) à corriger" if row.en_attente else ""
            line = f"  {row.competence} {row.niveau}{trend_text}{waiting}{detail}"
            if row.derogation_par:
                line += (
                    f" — dérogation de {row.derogation_par} (niveau calculé : "
                    f"{row.niveau_calcule}) : {row.derogation_motif}"
                )
            lines.append(line)
    return lines
