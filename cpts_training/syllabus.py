"""The course plan (``course/syllabus.yaml``): modules, assessments, competencies.

The syllabus says which module teaches which competencies of the référentiel;
the assessments' graded cells say which competencies they assess (in their
``cpts_training.competencies`` metadata). Both are checked against the
référentiel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypedDict

from pydantic import BaseModel, ConfigDict, ValidationError

from cpts_training.errors import DataError
from cpts_training.html_blocks import module_card_html
from cpts_training.paths import assessments_dir, course_dir, modules_dir
from cpts_training.readers import ErrorPlaces, explain_validation_error, read_yaml
from cpts_training.referentiel import Referentiel, load_referentiel

METADATA_KEY = "cpts_training"


class Module(BaseModel):
    """A module notebook of the course."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    notebook: str
    duration: str
    duration_measure: str
    """How the duration was measured (words read at 150 a minute, activities timed)."""
    level: Literal["découvrir", "appliquer", "maîtriser"]
    """The module's level on the référentiel's progression."""
    prerequisites: list[str]
    """Ids of the modules to take first (empty for the first module)."""
    summary: str
    competencies: list[str]


class Assessment(BaseModel):
    """An nbgrader assessment (a folder of ``assessments/``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    modules: list[str]


class Syllabus(BaseModel):
    """The whole course plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    home: str
    modules: list[Module]
    assessments: list[Assessment]

    def module(self, module_id: str) -> Module:
        """The module with id ``module_id``."""
        for module in self.modules:
            if module.id == module_id:
                return module
        raise DataError(
            f"Module « {module_id} » inconnu. Modules : {', '.join(m.id for m in self.modules)}."
        )


_PLACES = ErrorPlaces(
    model=Syllabus,
    item_nouns={"modules": "module", "assessments": "évaluation"},
    named_by_id=frozenset({"modules", "assessments"}),
    field_hints={
        "id": "l'identifiant du module, par exemple M01, ou le dossier de l'évaluation",
        "title": "le titre en français",
        "notebook": "le nom du carnet dans modules/, par exemple 01_budget.ipynb",
        "duration": "la durée mesurée, par exemple « 1 h 30 »",
        "duration_measure": "comment la durée a été mesurée (mots lus, activités chronométrées)",
        "level": "le niveau : « découvrir », « appliquer » ou « maîtriser »",
        "prerequisites": "la liste des modules à suivre avant, par exemple [M00] (ou [])",
        "summary": "le résumé du module en une ou deux phrases",
        "competencies": "la liste des identifiants de compétences, par exemple B5.C03",
        "modules": "la liste des modules",
        "assessments": "la liste des évaluations",
    },
)


def load_syllabus(path: Path | None = None, referentiel: Referentiel | None = None) -> Syllabus:
    """Load and check ``course/syllabus.yaml``.

    Every competency id must exist in the référentiel, every module notebook
    and assessment folder must exist, and every assessment must name known
    modules.
    """
    path = path or course_dir() / "syllabus.yaml"
    if not path.is_file():
        raise DataError(
            f"Le plan du cours {path} est introuvable : il doit se trouver dans course/."
        )
    raw = read_yaml(path)
    try:
        syllabus = Syllabus.model_validate(raw)
    except ValidationError as error:
        raise DataError(explain_validation_error(error, raw, path.name, _PLACES)) from None
    referentiel = referentiel or load_referentiel()
    module_ids = {m.id for m in syllabus.modules}
    if len(module_ids) != len(syllabus.modules):
        raise DataError(f"{path.name} : deux modules portent le même identifiant.")
    for position, module in enumerate(syllabus.modules):
        for competency_id in module.competencies:
            referentiel.competency(competency_id)
        earlier = {m.id for m in syllabus.modules[:position]}
        later = [m for m in module.prerequisites if m not in earlier]
        if later:
            raise DataError(
                f"{path.name} : le module {module.id} a pour prérequis {', '.join(later)}, qui "
                "n'est pas un module placé avant lui dans le plan : corrigez « prerequisites »."
            )
        if not (modules_dir() / module.notebook).is_file():
            raise DataError(
                f"{path.name} : le carnet « {module.notebook} » du module {module.id} "
                "est introuvable dans modules/."
            )
    for assessment in syllabus.assessments:
        unknown = [m for m in assessment.modules if m not in module_ids]
        if unknown:
            raise DataError(
                f"{path.name} : l'évaluation {assessment.id} cite des modules inconnus : "
                f"{', '.join(unknown)}."
            )
    return syllabus


class GradedCell(TypedDict):
    """A graded cell of a source notebook, as :func:`graded_cells` lists it."""

    grade_id: str
    points: float
    kind: str
    competencies: list[str]


def graded_cells(notebook_path: Path) -> list[GradedCell]:
    """The graded cells of an nbgrader source notebook with their competencies.

    Each item: ``grade_id``, ``points``, ``kind`` (« automatique » for a test
    cell, « manuelle » for an answer graded by hand), ``competencies``.
    """
    # Imported here: nbformat loads jsonschema's format checkers (about 3 s), which a
    # trainee's kernel would pay at its first cell for nothing.
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    cells: list[GradedCell] = []
    for cell in notebook.cells:
        grading = cell.metadata.get("nbgrader", {})
        if not grading.get("grade"):
            continue
        cells.append(
            {
                "grade_id": grading["grade_id"],
                "points": grading.get("points", 0),
                "kind": "manuelle" if grading.get("solution") else "automatique",
                "competencies": list(cell.metadata.get(METADATA_KEY, {}).get("competencies", [])),
            }
        )
    return cells


def assessment_notebooks(assessment_id: str, root: Path | None = None) -> list[Path]:
    """The source notebooks of an assessment."""
    return sorted(((root or assessments_dir()) / assessment_id).glob("*.ipynb"))


@dataclass(frozen=True)
class ModuleCard:
    """The heading card of a module: duration, summary and competencies (French HTML)."""

    module: Module
    competency_labels: dict[str, str]
    prerequisite_titles: list[str]

    def _repr_html_(self) -> str:
        return module_card_html(
            self.module.title,
            self.module.duration,
            self.module.summary,
            list(self.competency_labels.items()),
            level=self.module.level,
            prerequisites=self.prerequisite_titles,
            duration_measure=self.module.duration_measure,
        )

    def __str__(self) -> str:
        lines = [
            f"{self.module.title} ({self.module.duration}, niveau : {self.module.level})",
            self.module.summary,
            "Prérequis : " + (", ".join(self.prerequisite_titles) or "aucun"),
        ]
        lines += [f"- {cid} {label}" for cid, label in self.competency_labels.items()]
        return "\n".join(lines)


def module_card(module_id: str) -> ModuleCard:
    """The card shown at the top of module ``module_id``."""
    referentiel = load_referentiel()
    module = load_syllabus(referentiel=referentiel).module(module_id)
    labels = {cid: referentiel.competency(cid).label for cid in module.competencies}
    syllabus = load_syllabus(referentiel=referentiel)
    titles = [f"{m} « {syllabus.module(m).title} »" for m in module.prerequisites]
    return ModuleCard(module, labels, titles)
