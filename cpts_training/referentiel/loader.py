"""Reading the référentiel from its YAML file, with every error in French."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import (
    ValidationError,
)

from cpts_training.errors import DataError
from cpts_training.readers import ErrorPlaces, explain_validation_error, read_yaml, yaml_kind

if TYPE_CHECKING:
    pass


from cpts_training.referentiel.model import Referentiel

# --------------------------------------------------------------------------------------


def default_referentiel_path() -> Path:
    """The référentiel file used when no path is given.

    ``cpts_training/data/referentiel.yaml`` when it exists (installed wheel), else the
    repository's ``course/referentiel.yaml``.
    """
    package = Path(__file__).resolve().parents[1]  # cpts_training/
    packaged = package / "data" / "referentiel.yaml"
    if packaged.exists():
        return packaged
    return package.parent / "course" / "referentiel.yaml"


def load_referentiel(path: Path | None = None) -> Referentiel:
    """Read and validate the référentiel YAML file.

    Args:
        path: the YAML file; defaults to :func:`default_referentiel_path`.

    Raises:
        DataError: unreadable file, YAML syntax error or invalid content; the French
            message names the file, the place (e.g. "bloc B3, compétence n°2") and the fix.
    """
    path = Path(path) if path is not None else default_referentiel_path()
    label = f"Référentiel « {path} »"
    raw = read_yaml(
        path,
        label,
        missing_fix="vérifiez le chemin du fichier (par défaut course/referentiel.yaml dans le "
        "dépôt)",
    )
    if not isinstance(raw, dict):
        found = "vide" if raw is None else f"de type « {yaml_kind(raw)} »"
        raise DataError(
            f"Référentiel « {path} » : le contenu du fichier est {found}. Correction : le "
            "fichier doit être un dictionnaire YAML avec les clés id, title, version, source, "
            "profile, required_competencies, target_competencies, functions, phases et blocs."
        )
    try:
        referentiel = Referentiel.model_validate(raw)
    except ValidationError as exc:
        raise DataError(explain_validation_error(exc, raw, label, _PLACES)) from None
    referentiel._path = path
    return referentiel


# --------------------------------------------------------------------------------------
# Translation of pydantic errors into French
# --------------------------------------------------------------------------------------

# Lists of the file, by key: French noun of one item.
_ITEM_NOUNS = {
    "blocs": "bloc",
    "competencies": "compétence",
    "phases": "phase",
    "steps": "étape",
    "functions": "fonction",
    "required_competencies": "compétence requise",
    "target_competencies": "compétence visée",
    "savoirs": "savoir",
    "savoir_faire": "savoir-faire",
    "savoir_etre": "savoir-être",
}
# Lists whose items are named by their id ("bloc B3") rather than their rank.
_NAMED_BY_ID = frozenset({"blocs", "phases"})

_SECTION_NAMES = {"source": "", "profile": " (profil)"}

_FIELD_HINTS = {
    "id": "l'identifiant stable de l'élément, par exemple B3.C02 pour une compétence",
    "label": "l'intitulé en français, tel qu'il figure dans le cahier des charges",
    "origin": (
        "« source » si la compétence figure telle quelle dans la liste du bloc du cahier des "
        "charges, « completed » sinon"
    ),
    "completed_from": "le passage du cahier des charges qui justifie la compétence",
    "description": "le texte de la fonction, en français",
    "competencies": "la liste des compétences du bloc",
    "steps": "la liste des étapes de la phase",
}


_PLACES = ErrorPlaces(
    model=Referentiel,
    item_nouns=_ITEM_NOUNS,
    named_by_id=_NAMED_BY_ID,
    section_names=_SECTION_NAMES,
    field_hints=_FIELD_HINTS,
)


# --------------------------------------------------------------------------------------
# Markdown page
