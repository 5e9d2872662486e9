"""One strict reader for every YAML and CSV file the package ships or a trainee loads.

- :func:`read_yaml` parses YAML with a safe loader that refuses a key written twice in
  the same mapping (``yaml.safe_load`` silently keeps the last one: of two ``2024-01-01:``
  entries only the second would survive).
- :func:`explain_validation_error` translates every pydantic error of a validated file
  into French, one line per error, each naming the place in the file and the fix.
- :func:`read_csv_table` reads a CSV as a French spreadsheet writes it (« ; » between
  columns, decimal comma) or as an English one does (« , », decimal point), UTF-8 with
  or without a byte-order mark; it refuses a file whose separator or decimal mark is
  ambiguous rather than misread it.

Every problem raises :class:`~cpts_training.errors.DataError` with a French message
naming the file, the line and the fix.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import typing
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from cpts_training.errors import DataError

__all__ = [
    "CUSTOM_ERROR_TYPE",
    "CsvTable",
    "ErrorPlaces",
    "explain_validation_error",
    "fail",
    "read_csv_table",
    "read_yaml",
    "yaml_kind",
]

MAX_REPORTED_ERRORS = 10
"""At most this many pydantic errors are spelled out; the others are counted."""

CUSTOM_ERROR_TYPE = "cpts_training"
"""Type of the pydantic errors raised by :func:`fail`: their message is already French."""


# --------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------


class _DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: object, mark: yaml.Mark, first: yaml.Mark) -> None:
        super().__init__(key)
        self.key = key
        self.mark = mark
        self.first = first


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key repeated in the same mapping."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[object, yaml.Mark] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, Hashable):
            if key in seen:
                raise _DuplicateKeyError(key, key_node.start_mark, seen[key])
            seen[key] = key_node.start_mark
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
_YAML_DEFAULT_PROBLEM = (
    "erreur de syntaxe YAML. Correction : vérifiez l'indentation (des espaces, pas de "
    "tabulations), le « : » après chaque clé et les guillemets autour des textes qui "
    "contiennent « : », « # » ou commencent par un caractère spécial"
)


def read_yaml(path: Path | str, label: str | None = None, missing_fix: str | None = None) -> Any:
    """Parse the YAML file ``path`` strictly and return its content (``None`` when empty).

    Args:
        path: the file.
        label: how messages name the file (default: its name), e.g. « Référentiel « … » ».
        missing_fix: the fix given when the file does not exist.

    Raises:
        DataError: missing, unreadable or non-UTF-8 file, YAML syntax error, or a key
            written twice in the same mapping; the French message names the file, the
            line and the fix.
    """
    path = Path(path)
    label = label or path.name
    text = _read_text(path, label, missing_fix, utf8_fix="enregistrez-le en UTF-8")
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKeyError as exc:
        raise DataError(
            f"{label}, {_yaml_position(exc.mark, text)} : clé « {exc.key} » en double dans le "
            f"même élément (déjà écrite ligne {exc.first.line + 1}). Correction : gardez une "
            "seule fois cette clé, avec la bonne valeur."
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(_format_yaml_error(exc, label, text)) from None


def _read_text(path: Path, label: str, missing_fix: str | None, utf8_fix: str) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        fix = missing_fix or "vérifiez le nom et l'emplacement du fichier"
        shown = "" if str(path) in label else f" ({path})"
        raise DataError(f"{label} : fichier introuvable{shown}. Correction : {fix}.") from None
    except UnicodeDecodeError:
        raise DataError(
            f"{label} : le fichier n'est pas encodé en UTF-8. Correction : {utf8_fix}."
        ) from None
    except OSError as exc:
        raise DataError(
            f"{label} : lecture impossible ({type(exc).__name__}). Correction : vérifiez que le "
            "chemin désigne un fichier lisible."
        ) from None


def _yaml_position(mark: yaml.Mark | None, text: str) -> str:
    if mark is None:
        return "position inconnue"
    lines = text.splitlines()
    where = f"ligne {mark.line + 1}, colonne {mark.column + 1}"
    if 0 <= mark.line < len(lines):
        where += f" (« {lines[mark.line].strip()[:80]} »)"
    return where


def _format_yaml_error(exc: yaml.YAMLError, label: str, text: str) -> str:
    problem = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    explanation = next(
        (french for english, french in _YAML_PROBLEMS if english in problem or english in context),
        _YAML_DEFAULT_PROBLEM,
    )
    if mark is None:
        return (
            f"{label} : le fichier YAML est mal formé, ce n'est pas un YAML valide : {explanation}."
        )
    lines = text.splitlines()
    quoted = f" (« {lines[mark.line].strip()[:80]} »)" if 0 <= mark.line < len(lines) else ""
    return (
        f"{label}, ligne {mark.line + 1} : le fichier YAML est mal formé, ce n'est pas un YAML "
        f"valide à la colonne {mark.column + 1}{quoted} : {explanation}."
    )


def yaml_kind(value: Any) -> str:
    """French name of the kind of a YAML value (« liste », « texte »…)."""
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
# Pydantic errors in French
# --------------------------------------------------------------------------------------


def fail(message: str) -> typing.NoReturn:
    """Raise, inside a pydantic validator, an error whose French ``message`` is kept as is."""
    raise PydanticCustomError(CUSTOM_ERROR_TYPE, "{message}", {"message": message})


@dataclass(frozen=True)
class ErrorPlaces:
    """How a validated file names its places and fields, for French error messages.

    Attributes:
        model: the root pydantic model (to list the expected fields of an element).
        item_nouns: list key -> French noun of one item (``{"blocs": "bloc"}``).
        named_by_id: list keys whose items are named by their ``id`` (« bloc B3 »)
            rather than their rank (« compétence n°2 (B3.C02) »).
        section_names: mapping key -> suffix of « section « key » » (e.g. `` (profil)``).
        field_hints: field -> what to write in it, quoted in the fix of a missing field.
    """

    model: type[BaseModel]
    item_nouns: Mapping[str, str] = field(default_factory=dict)
    named_by_id: frozenset[str] = frozenset()
    section_names: Mapping[str, str] = field(default_factory=dict)
    field_hints: Mapping[str, str] = field(default_factory=dict)


def explain_validation_error(
    exc: ValidationError, raw: Any, label: str, places: ErrorPlaces
) -> str:
    """Every error of ``exc`` as a French line « place : problem. Correction : fix ».

    ``raw`` is the parsed file (to name items by their id) and ``label`` names the file.
    The first :data:`MAX_REPORTED_ERRORS` errors are spelled out, the others counted.
    """
    errors = exc.errors(include_url=False)
    lines = [_translate_error(error, raw, places) for error in errors[:MAX_REPORTED_ERRORS]]
    if len(errors) > MAX_REPORTED_ERRORS:
        lines.append(f"… et {len(errors) - MAX_REPORTED_ERRORS} autre(s) erreur(s).")
    header = f"{label} invalide ({len(errors)} erreur{'s' if len(errors) > 1 else ''}) :"
    return "\n".join([header, *(f"- {line}" for line in lines)])


def _translate_error(error: ErrorDetails, raw: Any, places: ErrorPlaces) -> str:
    loc = tuple(error["loc"])
    kind = error["type"]
    name = loc[-1] if loc and isinstance(loc[-1], str) else None
    if kind in {"missing", "extra_forbidden"}:
        place = _describe_place(loc[:-1], raw, places)
    else:
        place = _describe_place(loc, raw, places)
    return f"{place} : {_describe_problem(error, loc, name, places)}"


def _describe_place(loc: tuple[int | str, ...], raw: Any, places: ErrorPlaces) -> str:
    """French description of a location in the file, e.g. "bloc B3, compétence n°2"."""
    parts: list[str] = []
    node: Any = raw
    position = 0
    while position < len(loc):
        key = loc[position]
        following = loc[position + 1] if position + 1 < len(loc) else None
        if isinstance(key, str) and key in places.item_nouns and isinstance(following, int):
            items = node.get(key) if isinstance(node, dict) else None
            item = items[following] if isinstance(items, list) and following < len(items) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            noun = places.item_nouns[key]
            if key in places.named_by_id and isinstance(item_id, str) and item_id.strip():
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
            if not is_last and key in places.section_names:
                parts.append(f"section « {key} »{places.section_names[key]}")
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


def _model_at(loc: tuple[int | str, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    """The model class that validates the mapping found at ``loc``."""
    model = root
    for key in loc:
        if isinstance(key, int):
            continue
        found_field = model.model_fields.get(key)
        found = _inner_model(found_field.annotation) if found_field is not None else None
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


_NUMBER_KINDS = {"int_type", "int_parsing", "float_type", "float_parsing", "int_from_float"}
_BOUNDS = {
    "greater_than": ("gt", "strictement supérieure à"),
    "greater_than_equal": ("ge", "supérieure ou égale à"),
    "less_than": ("lt", "strictement inférieure à"),
    "less_than_equal": ("le", "inférieure ou égale à"),
}


def _describe_problem(
    error: ErrorDetails, loc: tuple[int | str, ...], name: str | None, places: ErrorPlaces
) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == CUSTOM_ERROR_TYPE:
        return str(ctx.get("message", "valeur invalide."))
    if kind == "value_error" and ctx.get("error") is not None:
        return f"{ctx['error']}"
    if kind == "missing" and name is not None:
        hint = places.field_hints.get(name, "voir les éléments voisins du fichier")
        return f"champ « {name} » manquant. Correction : ajoutez « {name}: … » ({hint})."
    if kind == "extra_forbidden" and name is not None:
        model = _model_at(loc[:-1], places.model)
        expected = list(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(name, expected, n=1)
        guess = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
        listed = f" Champs attendus : {', '.join(expected)}." if expected else ""
        return (
            f"champ « {name} » inconnu. Correction : corrigez son nom{guess} ou supprimez-le."
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
    if kind in _NUMBER_KINDS:
        return (
            f"la valeur {_show(value)} n'est pas un nombre attendu ici. Correction : écrivez un "
            "nombre sans espace ni unité, avec un point décimal (par exemple 1500.5)."
        )
    if kind in {"bool_type", "bool_parsing"}:
        return (
            f"la valeur {_show(value)} n'est pas true ou false. Correction : écrivez true ou false."
        )
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return (
            f"la valeur {_show(value)} doit être {words} {ctx.get(key)}. Correction : corrigez "
            "ce nombre."
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
# CSV
# --------------------------------------------------------------------------------------

SEPARATORS = (",", ";")
_POINT_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")
_SEPARATOR_NAMES = {",": "virgules", ";": "points-virgules"}


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read as text cells, with the conventions found in it.

    Attributes:
        frame: one row per data line in file order (the first row is line 2 of the file),
            every cell a stripped text; numbers are written with a decimal point whatever
            the file used, so that ``pd.to_numeric`` reads them.
        separator: « , » or « ; ».
        decimal: « . » or « , » (« . » when the file holds no decimal number).
    """

    frame: pd.DataFrame
    separator: str
    decimal: str


def read_csv_table(path: Path | str, label: str | None = None) -> CsvTable:
    """Read a CSV written by a French or an English spreadsheet.

    The separator (« , » or « ; ») is the one that splits every line into as many cells
    as the header line; the decimal mark is the one its decimal numbers use; UTF-8 with or
    without a byte-order mark. Blank lines at the end are dropped, cells are stripped.

    Raises:
        DataError: missing, empty or non-UTF-8 file, lines of unequal length, or an
            ambiguous separator or decimal mark; the French message names the file, the
            line and the fix.
    """
    path = Path(path)
    label = label or path.name
    text = _read_text(
        path,
        label,
        None,
        utf8_fix="enregistrez-le au format « CSV UTF-8 » (LibreOffice : jeu de caractères "
        "« Unicode (UTF-8) »)",
    )
    if not text.strip():
        raise DataError(
            f"{label} : le fichier est vide. La ligne 1 doit contenir les noms de colonnes."
        )
    separator = _detect_separator(text, label)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except pd.errors.ParserError as exc:
        name = _SEPARATOR_NAMES[separator]
        raise DataError(
            f"{label} : le fichier n'a pas pu être lu comme un tableau CSV ({exc}). "
            f"Vérifiez que chaque ligne a autant de {name} que la ligne 1 et que les textes "
            f"contenant un « {separator} » sont entre guillemets."
        ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda column: column.str.strip())
    blank = frame.eq("").all(axis=1).to_numpy()
    end = len(frame)
    while end > 0 and blank[end - 1]:
        end -= 1
    frame = frame.iloc[:end].reset_index(drop=True)
    decimal = _detect_decimal(frame, label, separator)
    if decimal == ",":
        frame = frame.apply(
            lambda column: column.map(
                lambda cell: cell.replace(",", ".") if _COMMA_DECIMAL.match(cell) else cell
            )
        )
    return CsvTable(frame=frame, separator=separator, decimal=decimal)


def _field_counts(text: str, separator: str) -> list[int]:
    rows = csv.reader(text.splitlines(), delimiter=separator)
    return [len(row) for row in rows if any(cell.strip() for cell in row)]


def _detect_separator(text: str, label: str) -> str:
    counts = {sep: _field_counts(text, sep) for sep in SEPARATORS}
    regular = [
        sep
        for sep, fields in counts.items()
        if fields and fields[0] > 1 and all(n == fields[0] for n in fields)
    ]
    if len(regular) > 1:
        raise DataError(
            f"{label}, ligne 1 : séparateur ambigu, chaque ligne se découpe aussi bien aux "
            "virgules qu'aux points-virgules. Correction : enregistrez le fichier au format "
            "« CSV » avec « ; » comme séparateur de colonnes et mettez entre guillemets les "
            "textes qui contiennent une virgule."
        )
    if regular:
        return regular[0]
    # No separator gives lines of equal length: take the one that splits the header,
    # so that the parser names the first irregular line.
    header = {sep: fields[0] if fields else 0 for sep, fields in counts.items()}
    return ";" if header[";"] > header[","] else ","


def _detect_decimal(frame: pd.DataFrame, label: str, separator: str) -> str:
    first: dict[str, tuple[int, str, str]] = {}
    for column in frame.columns:
        for position, cell in enumerate(frame[column]):
            for mark, pattern in ((".", _POINT_DECIMAL), (",", _COMMA_DECIMAL)):
                if mark not in first and pattern.match(cell):
                    first[mark] = (position + 2, str(column), cell)
    if len(first) == 2:
        point_line, point_column, point_cell = first["."]
        comma_line, comma_column, comma_cell = first[","]
        fix = (
            "écrivez tous les nombres avec une virgule décimale (export d'un tableur en "
            "français, séparateur « ; »)"
            if separator == ";"
            else "écrivez tous les nombres avec un point décimal"
        )
        raise DataError(
            f"{label} : séparateur décimal ambigu, la ligne {point_line} (colonne "
            f"« {point_column} ») écrit « {point_cell} » avec un point et la ligne {comma_line} "
            f"(colonne « {comma_column} ») écrit « {comma_cell} » avec une virgule. "
            f"Correction : {fix}, puis enregistrez à nouveau le fichier."
        )
    return "," if "," in first else "."
