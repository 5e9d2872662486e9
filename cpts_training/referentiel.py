"""The référentiel de compétences of the CPTS coordinator, as validated data.

The référentiel is the spine of the course: modules, exercises and graded cells point
to its competencies by their stable ids (``B5.C03``). It lives in
``course/referentiel.yaml`` (shipped in the wheel as ``cpts_training/data/referentiel.yaml``)
and follows the ARS Occitanie / Guichet CPTS cahier des charges of August 2023:

- ``profile``: savoirs, savoir-faire and savoir-être of a coordinator;
- ``required_competencies`` and ``target_competencies`` (compétences requises / visées);
- ``functions``: the five functions of a coordinator (fonctions visées);
- ``phases``: the two phases of a CPTS and their steps;
- ``blocs``: the five blocs de compétences, each a list of competencies whose ``origin``
  is ``source`` (listed verbatim in the cahier des charges) or ``completed`` (added where the
  document cuts its list short with "...", with ``completed_from`` quoting the sentence of
  the document that justifies it).

:func:`load_referentiel` reads and validates the file; every problem (YAML syntax, missing
or unknown field, malformed or duplicated id, wrong bloc prefix) raises
:class:`~cpts_training.errors.DataError` with a French message naming the file, the place
and the fix. :func:`render_markdown` turns the référentiel into the syllabus page of the book.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from cpts_training.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Bloc",
    "Competency",
    "Function",
    "Phase",
    "Profile",
    "ProfileItem",
    "Referentiel",
    "Source",
    "Step",
    "default_referentiel_path",
    "load_referentiel",
    "render_markdown",
]

BLOC_COUNT = 5
BLOC_ID_PATTERN = re.compile(r"^B[1-5]$")
COMPETENCY_ID_PATTERN = re.compile(r"^B[1-5]\.C\d{2}$")
ORIGIN_LABELS = {"source": "cahier des charges", "completed": "complétée"}
"""Label of each ``origin`` on the syllabus page: ``source`` (listed verbatim in the
ARS Occitanie 2023 cahier des charges) and ``completed`` (added to complete a list that
the document cuts short)."""

_ERROR_TYPE = "referentiel"
_MAX_REPORTED_ERRORS = 10


# --------------------------------------------------------------------------------------
# Field-level checks (messages in French: they reach trainers editing the YAML file)
# --------------------------------------------------------------------------------------


def _fail(message: str) -> typing.NoReturn:
    """Raise a pydantic error whose message is our French text, unchanged."""
    raise PydanticCustomError(_ERROR_TYPE, "{message}", {"message": message})


def _non_empty(value: str) -> str:
    if not value.strip():
        _fail("texte vide. Correction : écrivez le texte attendu, en français, entre guillemets.")
    return value


Text = Annotated[str, AfterValidator(_non_empty)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """The document the référentiel is taken from."""

    label: Text
    publisher: Text | None = None
    date: Text | None = None
    url: Text | None = None
    note: Text | None = None
    excerpt: Text | None = Field(
        default=None, description="Repository path of a verbatim excerpt of the source."
    )


class ProfileItem(_Model):
    """One item of a list quoted from the source (savoir, compétence requise...)."""

    id: Text
    label: Text


class Profile(_Model):
    """The "Profil d'un coordinateur": savoirs, savoir-faire, savoir-être."""

    savoirs: list[ProfileItem] = Field(min_length=1)
    savoir_faire: list[ProfileItem] = Field(min_length=1)
    savoir_etre: list[ProfileItem] = Field(min_length=1)


class Function(_Model):
    """One of the "fonctions visées" of a coordinator."""

    id: Text
    label: Text
    description: Text


class Step(_Model):
    """One step of a CPTS phase."""

    id: Text
    label: Text


class Phase(_Model):
    """One of the two phases of a CPTS (élaboration du projet de santé, déploiement)."""

    id: Text
    label: Text
    steps: list[Step] = Field(min_length=1)


class Competency(_Model):
    """A competency of a bloc, with a stable id such as ``B5.C03``.

    ``origin`` is ``"source"`` when the competency is listed verbatim in the source
    document (the ARS Occitanie 2023 cahier des charges) and
    ``"completed"`` when it completes a list the source cuts short; ``completed_from``
    then quotes the passage of the source that justifies it.
    """

    id: str
    label: Text
    origin: Literal["source", "completed"]
    completed_from: Text | None = None

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not COMPETENCY_ID_PATTERN.fullmatch(value):
            _fail(
                f"identifiant « {value} » invalide. Correction : écrivez-le sous la forme "
                "B<numéro du bloc, de 1 à 5>.C<deux chiffres>, par exemple B3.C02."
            )
        return value

    @model_validator(mode="after")
    def _check_origin(self) -> Competency:
        if self.origin == "completed" and self.completed_from is None:
            _fail(
                "compétence « completed » sans champ « completed_from ». Correction : ajoutez "
                "« completed_from: » en citant le passage du cahier des charges qui justifie "
                "cette compétence, ou mettez « origin: source » si elle figure telle quelle dans "
                "la liste du bloc."
            )
        if self.origin == "source" and self.completed_from is not None:
            _fail(
                "compétence « source » avec un champ « completed_from ». Correction : supprimez "
                "« completed_from » (une compétence « source » est citée telle quelle) ou mettez "
                "« origin: completed »."
            )
        return self


class Bloc(_Model):
    """A bloc de compétences (``B1`` to ``B5``) and its competencies, in order."""

    id: str
    label: Text
    competencies: list[Competency] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not BLOC_ID_PATTERN.fullmatch(value):
            _fail(
                f"identifiant de bloc « {value} » invalide. Correction : écrivez B1, B2, B3, "
                "B4 ou B5."
            )
        return value

    @model_validator(mode="after")
    def _check_prefixes(self) -> Bloc:
        used = {competency.id for competency in self.competencies}
        for position, competency in enumerate(self.competencies, start=1):
            prefix, suffix = competency.id.split(".")
            if prefix != self.id:
                renamed = f"{self.id}.{suffix}"
                if renamed in used:
                    numbers = [int(c.split(".C")[1]) for c in used if c.startswith(self.id + ".")]
                    renamed = f"{self.id}.C{max(numbers, default=0) + 1:02d}"
                _fail(
                    f"la compétence n°{position} (« {competency.id} ») porte le préfixe "
                    f"« {prefix} » alors qu'elle appartient au bloc {self.id}. Correction : "
                    f"renommez-la « {renamed} » ou déplacez-la dans le bloc {prefix}."
                )
        return self


class Referentiel(_Model):
    """The whole référentiel: source, profile, functions, phases and the five blocs."""

    id: Text
    title: Text
    version: Text
    source: Source
    profile: Profile
    required_competencies: list[ProfileItem] = Field(min_length=1)
    target_competencies: list[ProfileItem] = Field(min_length=1)
    functions: list[Function] = Field(min_length=1)
    phases: list[Phase] = Field(min_length=1)
    blocs: list[Bloc]

    _path: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_blocs(self) -> Referentiel:
        if len(self.blocs) != BLOC_COUNT:
            _fail(
                f"le référentiel doit contenir exactement {BLOC_COUNT} blocs (B1 à B5) ; il en "
                f"contient {len(self.blocs)}. Correction : gardez les cinq blocs du cahier des "
                "charges, dans l'ordre, sous la clé « blocs »."
            )
        for position, bloc in enumerate(self.blocs, start=1):
            if bloc.id != f"B{position}":
                _fail(
                    f"le bloc n°{position} porte l'identifiant « {bloc.id} » ; attendu "
                    f"« B{position} ». Correction : rangez les blocs dans l'ordre du cahier des "
                    "charges (B1 à B5), chacun une seule fois."
                )
        return self

    @model_validator(mode="after")
    def _check_unique_ids(self) -> Referentiel:
        seen: dict[str, str] = {}
        for item_id, place in self._ids_with_places():
            if item_id in seen:
                _fail(
                    f"identifiant « {item_id} » utilisé deux fois : {seen[item_id]} et {place}. "
                    f"Correction : changez l'identifiant de l'élément « {place} »"
                    f"{self._free_id_hint(item_id)} ; ne renumérotez pas les éléments existants, "
                    "leurs identifiants sont cités ailleurs."
                )
            seen[item_id] = place
        return self

    def _ids_with_places(self) -> Iterator[tuple[str, str]]:
        lists: list[tuple[str, list[ProfileItem] | list[Function]]] = [
            ("savoir", self.profile.savoirs),
            ("savoir-faire", self.profile.savoir_faire),
            ("savoir-être", self.profile.savoir_etre),
            ("compétence requise", self.required_competencies),
            ("compétence visée", self.target_competencies),
            ("fonction", self.functions),
        ]
        for noun, items in lists:
            for position, item in enumerate(items, start=1):
                yield item.id, f"{noun} n°{position}"
        for phase_position, phase in enumerate(self.phases, start=1):
            yield phase.id, f"phase n°{phase_position}"
            for position, step in enumerate(phase.steps, start=1):
                yield step.id, f"phase {phase.id}, étape n°{position}"
        for bloc_position, bloc in enumerate(self.blocs, start=1):
            yield bloc.id, f"bloc n°{bloc_position}"
            for position, competency in enumerate(bloc.competencies, start=1):
                yield competency.id, f"bloc {bloc.id}, compétence n°{position}"

    def _free_id_hint(self, item_id: str) -> str:
        if not COMPETENCY_ID_PATTERN.fullmatch(item_id):
            return ""
        bloc_id = item_id.split(".")[0]
        numbers = [
            int(c.id.split(".C")[1])
            for b in self.blocs
            for c in b.competencies
            if b.id == bloc_id and COMPETENCY_ID_PATTERN.fullmatch(c.id)
        ]
        return f" (par exemple « {bloc_id}.C{max(numbers, default=0) + 1:02d} »)"

    # ---------------------------------------------------------------- public helpers

    @property
    def path(self) -> Path | None:
        """The file this référentiel was loaded from, if any."""
        return self._path

    def competencies(self) -> list[Competency]:
        """All competencies, bloc by bloc, in the order of the file."""
        return [competency for bloc in self.blocs for competency in bloc.competencies]

    def competency(self, competency_id: str) -> Competency:
        """The competency with id ``competency_id`` (e.g. ``"B5.C03"``).

        Raises:
            DataError: unknown id; the French message suggests the closest ids.
        """
        return self._find(competency_id)[1]

    def bloc(self, bloc_id: str) -> Bloc:
        """The bloc with id ``bloc_id`` (``"B1"`` to ``"B5"``).

        Raises:
            DataError: unknown bloc id, with a French message.
        """
        for bloc in self.blocs:
            if bloc.id == bloc_id:
                return bloc
        raise DataError(
            f"Bloc « {bloc_id} » inconnu{self._where()}. Correction : utilisez l'un des "
            f"identifiants {', '.join(b.id for b in self.blocs)}."
        )

    def bloc_of(self, competency_id: str) -> Bloc:
        """The bloc that holds the competency ``competency_id``.

        Raises:
            DataError: unknown competency id; the French message suggests the closest ids.
        """
        return self._find(competency_id)[0]

    def to_dataframe(self) -> pd.DataFrame:
        """One row per competency, in order.

        Columns: ``bloc_id``, ``bloc_label``, ``competency_id``, ``label``, ``origin``
        (``"source"`` or ``"completed"``).
        """
        import pandas as pd

        rows = [
            {
                "bloc_id": bloc.id,
                "bloc_label": bloc.label,
                "competency_id": competency.id,
                "label": competency.label,
                "origin": competency.origin,
            }
            for bloc in self.blocs
            for competency in bloc.competencies
        ]
        columns = ["bloc_id", "bloc_label", "competency_id", "label", "origin"]
        return pd.DataFrame(rows, columns=columns)

    def _find(self, competency_id: str) -> tuple[Bloc, Competency]:
        for bloc in self.blocs:
            for competency in bloc.competencies:
                if competency.id == competency_id:
                    return bloc, competency
        known = [c.id for c in self.competencies()]
        wanted = str(competency_id).strip().upper()
        close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.6)
        suggestion = (
            f"Vouliez-vous dire {', '.join(f'« {c} »' for c in close)} ? "
            if close
            else "Aucun identifiant proche. "
        )
        raise DataError(
            f"Compétence « {competency_id} » inconnue dans le référentiel{self._where()}. "
            f"{suggestion}Correction : utilisez un identifiant de la forme B<bloc>.C<deux "
            "chiffres> qui figure dans le référentiel (par exemple B5.C03)."
        )

    def _where(self) -> str:
        return f" « {self._path} »" if self._path is not None else ""


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


def default_referentiel_path() -> Path:
    """The référentiel file used when no path is given.

    ``cpts_training/data/referentiel.yaml`` when it exists (installed wheel), else the
    repository's ``course/referentiel.yaml``.
    """
    packaged = Path(__file__).parent / "data" / "referentiel.yaml"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[1] / "course" / "referentiel.yaml"


def load_referentiel(path: Path | None = None) -> Referentiel:
    """Read and validate the référentiel YAML file.

    Args:
        path: the YAML file; defaults to :func:`default_referentiel_path`.

    Raises:
        DataError: unreadable file, YAML syntax error or invalid content; the French
            message names the file, the place (e.g. "bloc B3, compétence n°2") and the fix.
    """
    path = Path(path) if path is not None else default_referentiel_path()
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        found = "vide" if raw is None else f"de type « {_yaml_kind(raw)} »"
        raise DataError(
            f"Référentiel « {path} » : le contenu du fichier est {found}. Correction : le "
            "fichier doit être un dictionnaire YAML avec les clés id, title, version, source, "
            "profile, required_competencies, target_competencies, functions, phases et blocs."
        )
    try:
        referentiel = Referentiel.model_validate(raw)
    except ValidationError as exc:
        raise DataError(_format_validation_error(exc, raw, path)) from None
    referentiel._path = path
    return referentiel


class _DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: object, mark: yaml.Mark) -> None:
        super().__init__(key)
        self.key = key
        self.mark = mark


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key repeated in the same mapping."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, str | int | float | bool):
            if key in seen:
                raise _DuplicateKeyError(key, key_node.start_mark)
            seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# PyYAML problems (English) -> French explanation and fix.
_YAML_PROBLEMS: list[tuple[str, str]] = [
    (
        "mapping values are not allowed",
        "un « : » inattendu. Correction : mettez entre guillemets un texte qui contient "
        "« : », et vérifiez l'indentation de la ligne",
    ),
    (
        "cannot start any token",
        "caractère interdit à cet endroit (tabulation, « @ » ou « ` » en début de valeur). "
        "Correction : indentez avec des espaces et mettez le texte entre guillemets",
    ),
    (
        "could not find expected ':'",
        "« : » manquant après une clé. Correction : écrivez « clé: valeur »",
    ),
    (
        "found unexpected end of stream",
        "guillemet non fermé. Correction : fermez le guillemet ouvert",
    ),
    (
        "expected <block end>",
        "indentation incohérente. Correction : alignez cette ligne sur les autres champs du "
        "même élément (mêmes espaces en début de ligne)",
    ),
    (
        "did not find expected key",
        "indentation incohérente ou « - » mal placé. Correction : alignez cette ligne sur les "
        "autres champs du même élément",
    ),
    (
        "did not find expected '-' indicator",
        "élément de liste mal aligné. Correction : alignez les « - » des éléments de la liste",
    ),
    (
        "found undefined alias",
        "alias « * » non défini. Correction : mettez ce texte entre guillemets",
    ),
]


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(
            f"Référentiel introuvable : « {path} ». Correction : vérifiez le chemin du fichier "
            "(par défaut course/referentiel.yaml dans le dépôt)."
        ) from None
    except UnicodeDecodeError:
        raise DataError(
            f"Référentiel « {path} » : le fichier n'est pas encodé en UTF-8. Correction : "
            "enregistrez-le en UTF-8."
        ) from None
    except OSError as exc:
        raise DataError(
            f"Référentiel « {path} » : lecture impossible ({type(exc).__name__}). Correction : "
            "vérifiez que le chemin désigne un fichier lisible."
        ) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKeyError as exc:
        raise DataError(
            f"Référentiel « {path} », {_yaml_position(exc.mark, text)} : clé « {exc.key} » en "
            "double dans le même élément. Correction : gardez une seule fois cette clé."
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(_format_yaml_error(exc, path, text)) from None


def _yaml_position(mark: yaml.Mark | None, text: str) -> str:
    if mark is None:
        return "position inconnue"
    lines = text.splitlines()
    where = f"ligne {mark.line + 1}, colonne {mark.column + 1}"
    if 0 <= mark.line < len(lines):
        where += f" (« {lines[mark.line].strip()[:80]} »)"
    return where


def _format_yaml_error(exc: yaml.YAMLError, path: Path, text: str) -> str:
    problem = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    explanation = next(
        (french for english, french in _YAML_PROBLEMS if english in problem or english in context),
        "erreur de syntaxe YAML. Correction : vérifiez l'indentation (des espaces, pas de "
        "tabulations), le « : » après chaque clé et les guillemets autour des textes qui "
        "contiennent « : », « # » ou commencent par un caractère spécial",
    )
    return (
        f"Référentiel « {path} » : le fichier n'est pas un YAML valide, "
        f"{_yaml_position(mark, text)} : {explanation}."
    )


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "liste"
    if isinstance(value, bool):
        return "booléen"
    if isinstance(value, int | float):
        return "nombre"
    if isinstance(value, str):
        return "texte"
    return type(value).__name__


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
_NAMED_BY_ID = {"blocs", "phases"}

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


def _format_validation_error(exc: ValidationError, raw: dict[str, Any], path: Path) -> str:
    errors = exc.errors(include_url=False)
    lines = [_translate_error(error, raw) for error in errors[:_MAX_REPORTED_ERRORS]]
    if len(errors) > _MAX_REPORTED_ERRORS:
        lines.append(f"… et {len(errors) - _MAX_REPORTED_ERRORS} autre(s) erreur(s).")
    header = (
        f"Référentiel « {path} » invalide ({len(errors)} erreur{'s' if len(errors) > 1 else ''}) :"
    )
    return "\n".join([header, *(f"- {line}" for line in lines)])


def _translate_error(error: ErrorDetails, raw: dict[str, Any]) -> str:
    """One pydantic error as a French sentence: place, problem, fix."""
    loc = tuple(error["loc"])
    kind = error["type"]
    field = loc[-1] if loc and isinstance(loc[-1], str) else None
    if kind in {"missing", "extra_forbidden"}:
        place = _describe_place(loc[:-1], raw)
    else:
        place = _describe_place(loc, raw)
    return f"{place} : {_describe_problem(error, loc, field)}"


def _describe_place(loc: tuple[int | str, ...], raw: Any) -> str:
    """French description of a location in the file, e.g. "bloc B3, compétence n°2"."""
    parts: list[str] = []
    node: Any = raw
    position = 0
    while position < len(loc):
        key = loc[position]
        following = loc[position + 1] if position + 1 < len(loc) else None
        if isinstance(key, str) and key in _ITEM_NOUNS and isinstance(following, int):
            items = node.get(key) if isinstance(node, dict) else None
            item = items[following] if isinstance(items, list) and following < len(items) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            noun = _ITEM_NOUNS[key]
            if key in _NAMED_BY_ID and isinstance(item_id, str) and item_id.strip():
                parts.append(f"{noun} {item_id}")
            elif isinstance(item_id, str) and item_id.strip():
                parts.append(f"{noun} n°{following + 1} ({item_id})")
            else:
                parts.append(f"{noun} n°{following + 1}")
            node = item
            position += 2
            continue
        if isinstance(key, str):
            is_last = position == len(loc) - 1
            if not is_last and key in _SECTION_NAMES:
                parts.append(f"section « {key} »{_SECTION_NAMES[key]}")
            else:
                parts.append(f"champ « {key} »")
            node = node.get(key) if isinstance(node, dict) else None
        else:
            parts.append(f"élément n°{key + 1}")
            node = node[key] if isinstance(node, list) and key < len(node) else None
        position += 1
    return ", ".join(parts) if parts else "ensemble du fichier"


def _show(value: Any) -> str:
    if value is None:
        return "vide"
    if isinstance(value, dict):
        return "un dictionnaire"
    if isinstance(value, list):
        return "une liste"
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "…"
    return f"« {text} »"


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping found at ``loc``."""
    model: type[BaseModel] = Referentiel
    for key in loc:
        if isinstance(key, int):
            continue
        field = model.model_fields.get(key)
        found = _inner_model(field.annotation) if field is not None else None
        if found is None:
            return None
        model = found
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None


def _describe_problem(error: ErrorDetails, loc: tuple[int | str, ...], field: str | None) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == _ERROR_TYPE:
        return str(ctx.get("message", "valeur invalide."))
    if kind == "missing" and field is not None:
        hint = _FIELD_HINTS.get(field, "voir les éléments voisins du fichier")
        return f"champ « {field} » manquant. Correction : ajoutez « {field}: … » ({hint})."
    if kind == "extra_forbidden" and field is not None:
        model = _model_at(loc[:-1])
        expected = list(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(field, expected, n=1)
        guess = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
        listed = f" Champs attendus : {', '.join(expected)}." if expected else ""
        return (
            f"champ « {field} » inconnu. Correction : corrigez son nom{guess} ou supprimez-le."
            f"{listed}"
        )
    if value is None and kind.endswith("_type"):
        return "valeur vide. Correction : renseignez ce champ."
    if kind == "string_type":
        return (
            f"la valeur {_show(value)} n'est pas un texte. Correction : écrivez un texte, entre "
            'guillemets (par exemple "2023-08").'
        )
    if kind == "list_type":
        return (
            f"une liste est attendue, la valeur est {_show(value)}. Correction : écrivez une "
            "liste YAML, un élément par ligne commençant par « - »."
        )
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return (
            f"un dictionnaire de champs est attendu, la valeur est {_show(value)}. Correction : "
            "écrivez les champs sur des lignes « clé: valeur » indentées sous cet élément."
        )
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        close = difflib.get_close_matches(str(value), allowed, n=1)
        guess = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
        return (
            f"valeur {_show(value)} non autorisée{guess}. Correction : choisissez parmi "
            f"{', '.join(f'« {a} »' for a in allowed)}."
        )
    if kind == "too_short":
        minimum = ctx.get("min_length", 1)
        return (
            f"la liste doit contenir au moins {minimum} élément(s). Correction : ajoutez les "
            "éléments manquants."
        )
    if kind == "string_too_short":
        return "texte vide. Correction : écrivez le texte attendu, en français."
    return (
        f"valeur {_show(value)} invalide (code d'erreur « {kind} »). Correction : comparez cet "
        "élément aux éléments voisins du fichier et corrigez sa forme."
    )


# --------------------------------------------------------------------------------------
# Markdown page
# --------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """Text for a Markdown table cell: no line breaks, ``|`` escaped."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _origin_cell(competency: Competency) -> str:
    if competency.origin == "completed":
        return f"complétée (d'après : {_escape(competency.completed_from or '')})"
    return ORIGIN_LABELS["source"]


def render_markdown(ref: Referentiel) -> str:
    """The référentiel as a French MyST Markdown page for the book.

    The page gives the source, the two phases of a CPTS with their steps, the profile of
    a coordinator, the compétences requises / visées, the fonctions visées and, for each
    bloc, a table ``Identifiant | Compétence | Origine`` (each bloc carries the MyST target
    ``referentiel-b<n>``).
    """
    out: list[str] = [
        "(referentiel)=",
        "# Référentiel de compétences",
        "",
        f"**{ref.title}** (version {ref.version}).",
        "",
        f"Source : {ref.source.label}.",
        "",
        "Les intitulés sont repris mot pour mot du cahier des charges. Lorsque le document "
        "abrège la liste d'un bloc par des points de suspension, elle est complétée à partir "
        "des compétences requises, des compétences visées et des fonctions visées du même "
        "document : ces compétences sont marquées « complétée » et citent le passage qui les "
        "justifie. Chaque compétence porte un identifiant stable (par exemple `B5.C03`) auquel "
        "renvoient les modules et les évaluations.",
        "",
        "## Les deux phases d'une CPTS",
        "",
    ]
    for position, phase in enumerate(ref.phases, start=1):
        out += [f"### Phase {position} : {phase.label}", ""]
        out += [f"1. {step.label} (`{step.id}`)" for step in phase.steps]
        out.append("")

    out += ["## Profil du coordinateur", ""]
    for title, items in (
        ("Savoirs", ref.profile.savoirs),
        ("Savoir-faire", ref.profile.savoir_faire),
        ("Savoir-être", ref.profile.savoir_etre),
    ):
        out += [f"### {title}", ""]
        out += [f"- {item.label}" for item in items]
        out.append("")

    for title, items in (
        ("Compétences requises", ref.required_competencies),
        ("Compétences visées", ref.target_competencies),
    ):
        out += [f"## {title}", ""]
        out += [f"- {item.label}" for item in items]
        out.append("")

    out += ["## Fonctions visées", ""]
    for function in ref.functions:
        out += [f"### {function.label}", "", function.description, ""]

    out += [
        "## Blocs de compétences",
        "",
        "| Bloc | Intitulé | Compétences (dont complétées) |",
        "| --- | --- | --- |",
    ]
    for bloc in ref.blocs:
        completed = sum(c.origin == "completed" for c in bloc.competencies)
        out.append(
            f"| {bloc.id} | {_escape(bloc.label)} | {len(bloc.competencies)} ({completed}) |"
        )
    out.append("")

    for bloc in ref.blocs:
        out += [
            f"(referentiel-{bloc.id.lower()})=",
            f"### {bloc.id} : {bloc.label}",
            "",
            "| Identifiant | Compétence | Origine |",
            "| --- | --- | --- |",
        ]
        out += [f"| {c.id} | {_escape(c.label)} | {_origin_cell(c)} |" for c in bloc.competencies]
        out.append("")
    return "\n".join(out)
