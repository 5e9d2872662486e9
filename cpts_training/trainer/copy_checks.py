"""A deposited copy, before and after nbgrader grades it: repaired if safe, tampering named.

Before grading, :func:`prepare_copy` looks at ``submitted/<stagiaire>/<évaluation>/``
against the notebooks the trainee received (``release/<évaluation>/*.ipynb``). A copy
nbgrader cannot grade is either repaired in place, when the repair cannot change what
the trainee wrote (a renamed notebook, a text saved in Windows-1252, an old notebook
format, a leading byte-order mark, a graded cell deleted, nbgrader's cell marks edited),
or reported with what is wrong and how to fix it (an empty file, a file that is not
JSON or not a notebook, a cell pasted twice). Before a repair, the copy's folder is
saved as it was deposited under ``archives/originaux/<stagiaire>/<évaluation>/``, with
``reparations.json`` (the deposit's ``timestamp.txt`` and the notes); nbgrader's
``timestamp.txt`` stays untouched, so the deposit keeps its date.

A deleted cell is put back here, from the released notebook, at its place, rather than
by nbgrader's ``OverwriteCells.add_missing_cells``: in nbgrader 0.9.6 that option fails
(``KeyError``) when the cell before the deleted one is a locked cell that is not graded
(in evaluation_01, deleting ``q2_charges`` fails on ``q2_budget``), so the copy would not
be graded at all. A test cell put back holds the released text; nbgrader replaces it
with the full test, hidden part included, as for any locked cell.

After grading, :func:`altered_cells` names the cells the trainee was not supposed to
change (test cells, locked cells, points) and did. nbgrader grades such a copy with the
original tests all the same (``OverwriteCells``); this tells the trainer who tried. It
compares the copy with the released notebook, not with the gradebook's checksums: those
are taken before the hidden tests are removed (nbgrader issue #1961), so every test cell
with hidden tests would look edited.
"""

from __future__ import annotations

import codecs
import copy as copying
import json
import os
import shutil
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbformat.corpus.words import generate_corpus_id
from nbformat.reader import NotJSONError, parse_json
from nbgrader import utils as nbgrader_utils

from cpts_training.errors import CPTSError
from cpts_training.formatting import format_decimal_fr
from cpts_training.trainer.grade_summary import deposit_time
from cpts_training.trainer.submissions import (
    duplicate_message,
    duplicated_cells,
    require_identifier,
)
from cpts_training.trainer.workspace import require_workspace

RECORD_NAME = "reparations.json"
"""In a copy's archived originals: the deposit's timestamp and what was repaired."""

RESTORED_KEY = "cpts_training"
"""Cell metadata key marking a cell put back from the released notebook."""

_MARKS = ("grade", "solution", "locked", "task", "points", "grade_id")
"""The nbgrader cell marks compared with the released notebook (not its checksum)."""


@dataclass(frozen=True)
class CopyProblem:
    """Why a copy cannot be graded: a short French reason, and the detail with the fix."""

    reason: str  # for the copy's progress line: « carnet vide (0 octet) »
    detail: str  # what is wrong and the trainer's next command


@dataclass(frozen=True)
class Alteration:
    """A cell the trainee was not supposed to change, and what changed."""

    notebook: str  # notebook name without .ipynb
    cell: str  # nbgrader grade_id
    what: str  # « test modifié », « points modifiés (2 → 10) »…


def describe_alterations(alterations: list[Alteration]) -> str:
    """The alterations in one French line, for a report or an export cell.

    « q1_variable : test modifié ; q1_produit : points modifiés (2 → 10) »; each cell
    is prefixed with its notebook (« evaluation_01/q1_variable ») when they come from
    several notebooks; « » when there is none.
    """
    several = len({a.notebook for a in alterations}) > 1
    return " ; ".join(
        f"{f'{a.notebook}/' if several else ''}{a.cell} : {a.what}" for a in alterations
    )


@dataclass(frozen=True)
class Preparation:
    """What :func:`prepare_copy` found and repaired.

    ``notes``: French, one per repair (shown on the copy's line); ``problem``: None when
    nbgrader can grade the copy; ``missing_cells``: the grade_ids the trainee deleted and
    that were put back from the released notebook, in the notebook's order.
    """

    notes: tuple[str, ...] = ()
    problem: CopyProblem | None = None
    missing_cells: tuple[str, ...] = ()


@dataclass
class _Read:
    """One notebook file read leniently: the notebook, or the problem; repairs to write."""

    notebook: NotebookNode | None = None
    problem: CopyProblem | None = None
    notes: list[str] = field(default_factory=list)
    rewrite: bool = False


# --- reading a file -----------------------------------------------------------------------

_JSON_MESSAGES = {
    "Expecting value": "une valeur est attendue",
    "Expecting ',' delimiter": "une virgule est attendue",
    "Expecting ':' delimiter": "un deux-points est attendu",
    "Expecting property name enclosed in double quotes": (
        "un nom de champ entre guillemets est attendu"
    ),
    "Unterminated string starting at": "un texte entre guillemets n'est jamais refermé",
    "Invalid control character at": "caractère de contrôle interdit dans un texte",
    "Extra data": "du contenu suit la fin du carnet",
    "Invalid \\escape": "barre oblique inverse « \\ » invalide dans un texte",
}


def _json_problem(error: json.JSONDecodeError, name: str, fix: str) -> CopyProblem:
    """The French problem of a file that is not JSON, with the error's line and column."""
    what = _JSON_MESSAGES.get(error.msg, f"erreur de syntaxe ({error.msg})")
    # A text never closed runs to the end of the file, as does an error found there.
    truncated = error.msg.startswith("Unterminated") or error.pos >= len(error.doc.rstrip())
    cause = (
        "Le fichier s'arrête avant la fin du carnet : l'envoi a sans doute été interrompu "
        "ou le fichier tronqué."
        if truncated
        else "Le fichier a sans doute été modifié dans un éditeur de texte, ou abîmé."
    )
    return CopyProblem(
        f"JSON invalide (ligne {error.lineno}, colonne {error.colno})",
        f"{name} n'est pas un fichier JSON valide : {what}, ligne {error.lineno}, colonne "
        f"{error.colno}. {cause} {fix}",
    )


def _read_notebook(data: bytes, name: str, fix: str) -> _Read:
    """Read a deposited notebook's bytes as nbformat 4, or say why it cannot be graded.

    In order: empty file, byte-order mark, text encoding (UTF-8, else Windows-1252),
    JSON syntax, notebook structure, format version (converted to 4), nbformat schema.
    """
    read = _Read()
    if not data.strip():
        size = "0 octet" if not data else "espaces seulement"
        return _Read(
            problem=CopyProblem(
                f"carnet vide ({size})",
                f"{name} est vide ({len(data)} octet(s){', que des espaces' if data else ''}) "
                ": l'envoi a échoué ou le carnet n'a jamais été enregistré. " + fix,
            )
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        read.notes.append("marque d'ordre des octets (BOM) retirée du début du fichier")
        read.rewrite = True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as not_utf8:
        line = data[: not_utf8.start].count(b"\n") + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = ""
        if not text or _parse(text, name, fix).problem is not None:
            return _Read(
                problem=CopyProblem(
                    "texte illisible (pas en UTF-8)",
                    f"{name} n'est pas enregistré en UTF-8 (octet {data[not_utf8.start]:#04x} "
                    f"à la ligne {line}) et ne se lit pas non plus comme un carnet en "
                    "Windows-1252 : le fichier a été modifié par un autre logiciel ou abîmé. "
                    + fix,
                )
            )
        read.notes.append("texte enregistré en Windows-1252, réencodé en UTF-8")
        read.rewrite = True
    parsed = _parse(text, name, fix)
    parsed.notes[:0] = read.notes
    parsed.rewrite = parsed.rewrite or read.rewrite
    return parsed


def read_leniently(
    data: bytes, name: str, fix: str
) -> tuple[NotebookNode | None, CopyProblem | None, tuple[str, ...]]:
    """A notebook file's bytes read as the automatic correction reads them: the notebook
    (format 4), or the problem that stops its correction; and the repairs it needs
    (« texte enregistré en Windows-1252, réencodé en UTF-8 »). ``fix`` ends a problem's
    detail: what the trainer should do."""
    read = _read_notebook(data, name, fix)
    return read.notebook, read.problem, tuple(read.notes)


def _parse(text: str, name: str, fix: str) -> _Read:
    """The notebook in ``text``, converted to format 4, or the problem (see _read_notebook)."""
    try:
        raw = parse_json(text)
    except NotJSONError as error:
        cause = error.__cause__
        if isinstance(cause, json.JSONDecodeError):
            return _Read(problem=_json_problem(cause, name, fix))
        return _Read(problem=CopyProblem("JSON invalide", f"{name} : {error}. {fix}"))
    if not isinstance(raw, dict) or not ("cells" in raw or "worksheets" in raw):
        return _Read(
            problem=CopyProblem(
                "pas un carnet Jupyter",
                f"{name} est un fichier JSON, mais pas un carnet Jupyter (il n'a pas de "
                "cellules) : le stagiaire a rendu un autre fichier sous ce nom. " + fix,
            )
        )
    major = raw.get("nbformat")
    if major not in (1, 2, 3, 4):
        said = f"est au format de carnet « {major} »" if major else "n'indique pas son format"
        return _Read(
            problem=CopyProblem(
                "format de carnet inconnu" + (f" (v{major})" if major else ""),
                f"{name} {said} (champ « nbformat »), que cette version de Jupyter ne sait "
                "pas lire. " + fix,
            )
        )
    read = _Read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4)
            nbformat.validate(notebook)
    except Exception as error:  # nbformat raises several unrelated types
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        reason = (
            "carnet non conforme"
            if major == 4
            else f"format de carnet ancien (v{major}) non convertible"
        )
        return _Read(
            problem=CopyProblem(
                reason,
                f"{name} ne respecte pas le format des carnets Jupyter"
                + ("" if major == 4 else f" (ancien format v{major}, non convertible)")
                + f" ; détail technique, en anglais : « {first} ». "
                + fix,
            )
        )
    if major != 4:
        if _marked_cells(raw) != sum(1 for c in notebook.cells if "nbgrader" in c.metadata):
            return _Read(
                problem=CopyProblem(
                    f"format de carnet ancien (v{major}) non convertible",
                    f"{name} est à l'ancien format de carnet v{major} ; sa conversion perd "
                    "les marques de nbgrader de certaines cellules. " + fix,
                )
            )
        read.notes.append(f"format de carnet ancien (v{major}) converti")
        read.rewrite = True
    read.notebook = notebook
    return read


def _marked_cells(raw: dict[str, Any]) -> int:
    """Cells with nbgrader marks in a notebook's JSON, any format version."""
    cells = list(raw.get("cells", []))
    for sheet in raw.get("worksheets", []):
        cells.extend(sheet.get("cells", []))
    return sum(1 for c in cells if "nbgrader" in (c.get("metadata") or {}))


# --- cells --------------------------------------------------------------------------------


def _marks(cell: NotebookNode) -> dict[str, Any]:
    marks = cell.metadata.get("nbgrader", {})
    return marks if isinstance(marks, dict) else {}


def _grade_id(cell: NotebookNode) -> str | None:
    grade_id = _marks(cell).get("grade_id")
    return grade_id if isinstance(grade_id, str) else None


def _is_restored(cell: NotebookNode) -> bool:
    mark = cell.metadata.get(RESTORED_KEY)
    return isinstance(mark, dict) and bool(mark.get("restored"))


def _is(test: Callable[[NotebookNode], Any], cell: NotebookNode) -> bool:
    """nbgrader's own ``utils.is_grade`` (``is_solution``, ``is_locked``, ``is_task``),
    False for marks that are not a mapping (nbgrader itself would fail on them)."""
    return isinstance(cell.metadata.get("nbgrader", {}), dict) and bool(test(cell))


def _is_grade(cell: NotebookNode) -> bool:
    return _is(nbgrader_utils.is_grade, cell)


def _is_solution(cell: NotebookNode) -> bool:
    return _is(nbgrader_utils.is_solution, cell)


def _is_locked(cell: NotebookNode) -> bool:
    """Graded and not an answer, or marked ``locked`` (nbgrader's rule)."""
    return _is(nbgrader_utils.is_locked, cell)


def _tracked(cell: NotebookNode) -> bool:
    """Whether nbgrader records the cell (answer, graded, locked or task cell)."""
    return _grade_id(cell) is not None and bool(
        _is_grade(cell)
        or _is_solution(cell)
        or _is_locked(cell)
        or _is(nbgrader_utils.is_task, cell)
    )


def _tracked_ids(notebook: NotebookNode) -> list[str]:
    return [_grade_id(c) or "" for c in notebook.cells if _tracked(c)]


def _normalised(source: str) -> str:
    """A cell's source with line endings and trailing spaces ignored."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).rstrip()


def _points(marks: dict[str, Any]) -> float | None:
    try:
        return float(marks["points"])
    except (KeyError, TypeError, ValueError):
        return None


def _shown_points(marks: dict[str, Any]) -> str:
    value = _points(marks)
    if value is not None:
        return format_decimal_fr(value)
    return f"« {marks['points']} »" if "points" in marks else "aucun"


def _comparable_marks(cell: NotebookNode) -> dict[str, Any]:
    marks = _marks(cell)
    compared = {key: marks.get(key) for key in _MARKS}
    compared["grade"] = bool(compared["grade"])
    compared["solution"] = bool(compared["solution"])
    compared["locked"] = bool(compared["locked"])
    compared["task"] = bool(compared["task"])
    compared["points"] = _points(marks) if compared["grade"] else None
    return compared


def _restoration_note(cell: NotebookNode) -> str:
    grade_id = _grade_id(cell)
    if _is_grade(cell) and _is_solution(cell):
        return f"cellule notée supprimée : {grade_id} (remise vide d'après le sujet, 0 point)"
    if _is_grade(cell):
        return f"cellule notée supprimée : {grade_id} (remise d'après le sujet)"
    if _is_solution(cell):
        return f"cellule de réponse supprimée : {grade_id} (remise vide d'après le sujet)"
    return f"cellule verrouillée supprimée : {grade_id} (remise d'après le sujet)"


def _restore_cells(copy: NotebookNode, released: NotebookNode) -> tuple[list[str], list[str]]:
    """Put back in ``copy`` the released cells nbgrader tracks that it lacks.

    Each goes right after the copy's cell matching the nearest released cell before it
    (or before the nearest one after it). A restored test cell holds the released text;
    nbgrader then replaces it with the full test, hidden part included (it is locked).
    Returns the grade_ids put back and one note per cell.
    """
    restored: list[str] = []
    notes: list[str] = []
    present = set(_tracked_ids(copy))
    used_ids = {c.get("id") for c in copy.cells}
    order = [_grade_id(c) for c in released.cells]
    for index, cell in enumerate(released.cells):
        grade_id = _grade_id(cell)
        if not _tracked(cell) or grade_id in present:
            continue
        put_back = copying.deepcopy(cell)
        put_back.metadata[RESTORED_KEY] = {"restored": True}
        if copy.nbformat_minor >= 5:
            while put_back.get("id") in used_ids or not put_back.get("id"):
                put_back["id"] = generate_corpus_id()
            used_ids.add(put_back["id"])
        else:
            put_back.pop("id", None)
        position = _position(copy, order, index)
        copy.cells.insert(position, put_back)
        present.add(grade_id or "")
        restored.append(grade_id or "")
        notes.append(_restoration_note(cell))
    return restored, notes


def _position(copy: NotebookNode, order: list[str | None], index: int) -> int:
    """Where the released cell ``index`` goes in ``copy``."""
    where = {_grade_id(c): i for i, c in enumerate(copy.cells) if _grade_id(c)}
    for before in reversed(order[:index]):
        if before in where:
            return where[before] + 1
    for after in order[index + 1 :]:
        if after in where:
            return where[after]
    return 0


def _restore_marks(copy: NotebookNode, released: NotebookNode) -> list[str]:
    """Give back their released nbgrader marks to the copy's cells whose marks were edited.

    nbgrader resets the points and the locked flag itself, but grades a cell whose
    « grade » flag was removed as an ungraded one, and fails on points that are not
    a number. Returns one note per cell.
    """
    by_id = {_grade_id(c): c for c in released.cells if _tracked(c)}
    notes = []
    for cell in copy.cells:
        source = by_id.get(_grade_id(cell))
        if source is None or _comparable_marks(cell) == _comparable_marks(source):
            continue
        cell.metadata["nbgrader"] = copying.deepcopy(source.metadata["nbgrader"])
        notes.append(f"marques nbgrader de la cellule {_grade_id(cell)} remises d'après le sujet")
    return notes


# --- the copy's folder --------------------------------------------------------------------


def _released(workspace: Path, assessment: str) -> list[Path]:
    workspace = require_workspace(workspace)
    require_identifier(assessment, "Nom d'évaluation")
    notebooks = sorted((workspace / "release" / assessment).glob("*.ipynb"))
    if not notebooks:
        raise CPTSError(
            f"L'évaluation « {assessment} » n'est pas publiée dans {workspace} : lancez "
            f"d'abord « cpts-training assessment release {assessment} »."
        )
    return notebooks


def _read_release(path: Path) -> NotebookNode:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return nbformat.read(path, as_version=4)


def _unexpected_notebooks(folder: Path, expected: list[Path]) -> list[Path]:
    names = {p.name for p in expected}
    return sorted(
        p
        for p in folder.glob("*.ipynb")
        if p.is_file() and p.name not in names and not p.name.startswith(".")
    )


def _originals(workspace: Path, assessment: str, student: str) -> Path:
    return workspace / "archives" / "originaux" / student / assessment


def _record(workspace: Path, assessment: str, student: str) -> dict[str, Any] | None:
    """The repair record of the copy deposited now, if it was repaired."""
    path = _originals(workspace, assessment, student) / RECORD_NAME
    stamp = workspace / "submitted" / student / assessment / "timestamp.txt"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        current = stamp.read_text(encoding="utf-8") if stamp.is_file() else None
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("timestamp") != current:
        return None
    return record


def _fix(workspace: Path, assessment: str, student: str) -> str:
    return (
        "Demandez au stagiaire de renvoyer son carnet tel quel, puis déposez-le avec "
        f"« cpts-training assessment submit {assessment} {student} CARNET --replace "
        f"-w {workspace} »."
    )


def _folder_problem(workspace: Path, assessment: str, student: str) -> CopyProblem | None:
    try:
        require_identifier(student, "Identifiant de stagiaire")
    except CPTSError as error:
        return CopyProblem(
            "nom de dossier invalide",
            f"{error} Déplacez ce dossier de submitted/ hors de l'espace et déposez la copie "
            "sous un identifiant valide.",
        )
    folder = workspace / "submitted" / student / assessment
    if not folder.is_dir():
        return CopyProblem(
            "aucune copie déposée",
            f"Le dossier {folder} n'existe pas : déposez la copie avec « cpts-training "
            f"assessment submit {assessment} {student} CARNET ».",
        )
    return None


@dataclass
class _Plan:
    """What a copy's folder needs: files to write, a file to remove, notes."""

    writes: dict[str, NotebookNode] = field(default_factory=dict)
    removes: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _locate(
    folder: Path, released: Path, expected: list[Path], fix: str
) -> tuple[Path | None, _Read | None, CopyProblem | None]:
    """The file holding the copy of ``released``: its own name, or the one other notebook
    of the folder if its graded cells are those of ``released`` (a renamed notebook)."""
    path = folder / released.name
    if path.is_file():
        return path, None, None
    candidates = _unexpected_notebooks(folder, expected)
    absent = CopyProblem(
        f"carnet {released.name} absent",
        f"Le carnet {released.name} manque dans {folder}"
        + (
            f" (le dossier contient : {', '.join(p.name for p in candidates)})"
            if candidates
            else ""
        )
        + f". {fix}",
    )
    if len(candidates) != 1:
        return None, None, absent
    candidate = candidates[0]
    read = _read_notebook(candidate.read_bytes(), candidate.name, fix)
    if read.notebook is None:
        return candidate, read, None
    ids = set(_tracked_ids(read.notebook))
    if ids and ids <= set(_tracked_ids(_read_release(released))):
        return candidate, read, None
    return None, None, absent


def _plan(workspace: Path, assessment: str, student: str) -> tuple[_Plan, CopyProblem | None]:
    """Everything wrong with the copy, found without writing anything."""
    plan = _Plan()
    expected = _released(workspace, assessment)
    problem = _folder_problem(workspace, assessment, student)
    if problem is not None:
        return plan, problem
    folder = workspace / "submitted" / student / assessment
    fix = _fix(workspace, assessment, student)
    several = len(expected) > 1
    for released_path in expected:
        path, read, problem = _locate(folder, released_path, expected, fix)
        if problem is not None or path is None:
            return plan, problem
        if read is None:
            read = _read_notebook(path.read_bytes(), path.name, fix)
        if read.problem is not None or read.notebook is None:
            return plan, read.problem
        copy, released = read.notebook, _read_release(released_path)
        if path.name != released_path.name:
            plan.notes.append(
                f"carnet rendu sous le nom « {path.name} », corrigé comme « {released_path.name} »"
            )
            plan.removes.append(path.name)
            plan.renamed[released_path.name] = path.name
        duplicates = duplicated_cells(copy)
        if duplicates:
            cells = ", ".join(f"« {grade_id} »" for grade_id in sorted(duplicates))
            return plan, CopyProblem(f"cellule dupliquée {cells}", duplicate_message(duplicates))
        expected_ids = _tracked_ids(released)
        if expected_ids and not set(expected_ids) & set(_tracked_ids(copy)):
            return plan, CopyProblem(
                f"pas une copie de « {assessment} »",
                f"{path.name} n'a aucune des cellules de « {released_path.name} » publié : "
                "ce n'est pas une copie de cette évaluation (autre évaluation, ou carnet "
                f"recréé à la main). Vérifiez le fichier rendu par le stagiaire. {fix}",
            )
        marks = _restore_marks(copy, released)
        restored, restored_notes = _restore_cells(copy, released)
        notes = read.notes + marks + restored_notes
        plan.missing += restored
        if read.rewrite or marks or restored or path.name != released_path.name:
            plan.writes[released_path.name] = copy
        prefix = f"{released_path.stem} : " if several else ""
        plan.notes += [prefix + note for note in notes]
    return plan, None


def prepare_copy(workspace: Path, assessment: str, student: str) -> Preparation:
    """Check ``student``'s deposited copy of ``assessment`` and repair it where safe.

    The copy is ``workspace/submitted/<student>/<assessment>/``; it is compared with
    ``workspace/release/<assessment>/*.ipynb``. Checks, in order: the folder's name (a
    valid trainee id); each released notebook is there, or is the one other ``.ipynb``
    of the folder with the same graded cells (renamed back); the file is not empty;
    a leading byte-order mark (removed); UTF-8 text (Windows-1252 re-encoded); JSON
    (error line and column); a notebook (``cells``); format version (3 converted to 4
    by nbformat, nbgrader marks kept); nbformat's schema; no answer or graded cell
    pasted twice; some of the released cells present; nbgrader marks as released
    (restored); every cell nbgrader tracks present (deleted ones put back from the
    released notebook, listed in ``missing_cells``).

    A copy with a repair is first saved as deposited (the whole folder) under
    ``archives/originaux/<student>/<assessment>/`` with ``reparations.json``; a previous
    save there for another deposit is moved to ``<assessment>-<date of that deposit>``.
    Then the notebooks are rewritten (UTF-8, format 4); ``timestamp.txt`` is untouched.
    Called again on the repaired copy of the same deposit, it repairs nothing and
    returns the same notes and missing cells. A copy with a problem is left untouched
    (``notes`` and ``missing_cells`` empty), and so is a copy with nothing wrong.

    Raises:
        CPTSError: ``workspace`` is not a workspace, or ``assessment`` is invalid or not
            released. Never for a bad copy: its problem is returned.
    """
    workspace = require_workspace(workspace)
    try:
        plan, problem = _plan(workspace, assessment, student)
    except CPTSError:
        raise  # the workspace or the assessment, not the copy
    except Exception as error:  # a copy malformed in a way not foreseen above
        return Preparation(
            problem=CopyProblem(
                "copie illisible",
                f"La copie de « {student} » ne peut pas être lue (détail technique, en "
                f"anglais : « {type(error).__name__}: {error} »). "
                + _fix(workspace, assessment, student),
            )
        )
    if problem is not None:
        return Preparation(problem=problem)
    if not plan.writes:
        record = _record(workspace, assessment, student)
        if record is None:
            return Preparation()
        return Preparation(
            notes=tuple(record.get("notes", ())),
            missing_cells=tuple(record.get("missing_cells", ())),
        )
    folder = workspace / "submitted" / student / assessment
    _archive(workspace, assessment, student, plan)
    for name, notebook in plan.writes.items():
        partial = folder / f".{name}.reparation"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.write(notebook, partial)
        os.replace(partial, folder / name)
    for name in plan.removes:
        (folder / name).unlink(missing_ok=True)
    return Preparation(notes=tuple(plan.notes), missing_cells=tuple(plan.missing))


def _archive(workspace: Path, assessment: str, student: str, plan: _Plan) -> None:
    """Save the copy's folder as deposited, with the repair record, before any repair."""
    folder = workspace / "submitted" / student / assessment
    target = _originals(workspace, assessment, student)
    if target.exists():
        moment = deposit_time(target)
        stamp = f"{moment:%Y%m%dT%H%M%S}" if moment else "sans-date"
        aside = target.with_name(f"{assessment}-{stamp}")
        rank = 2
        while aside.exists():
            aside = target.with_name(f"{assessment}-{stamp}-{rank}")
            rank += 1
        target.rename(aside)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{assessment}.en-cours")
    if partial.exists():
        shutil.rmtree(partial)
    shutil.copytree(folder, partial)
    stamp_file = folder / "timestamp.txt"
    record = {
        "timestamp": stamp_file.read_text(encoding="utf-8") if stamp_file.is_file() else None,
        "notes": plan.notes,
        "missing_cells": plan.missing,
        "renamed": plan.renamed,
    }
    (partial / RECORD_NAME).write_text(
        json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    partial.rename(target)


# --- tampering ----------------------------------------------------------------------------


def altered_cells(workspace: Path, assessment: str, student: str) -> list[Alteration]:
    """The cells of ``student``'s copy that the trainee was not supposed to change.

    Compared with the released notebook, cell by cell (nbgrader ``grade_id``), for each
    released cell that is locked or a test cell (nbgrader's ``is_locked``: graded and
    not an answer, or ``locked``), and the points of every graded cell:

    - « test modifié » (a test cell's text) / « cellule verrouillée modifiée » (another
      locked cell's text or type); line endings and trailing spaces do not count;
    - « points modifiés (2 → 10) » (French decimals; « aucun » if removed);
    - « marques nbgrader modifiées » (the cell's graded/answer/locked flags);
    - « marques nbgrader retirées » (a cell with the released text but no nbgrader marks);
    - « cellule notée supprimée » / « cellule verrouillée supprimée ».

    The copy read is the one the trainee handed in: its original, saved by
    :func:`prepare_copy`, when the deposit was repaired. Listed by notebook (release
    order), then cell order. A notebook that cannot be read gives nothing here
    (:func:`prepare_copy` reports it).

    Raises:
        CPTSError: ``workspace`` is not a workspace, or ``assessment`` is invalid or not
            released.
    """
    workspace = require_workspace(workspace)
    expected = _released(workspace, assessment)
    if _folder_problem(workspace, assessment, student) is not None:
        return []
    record = _record(workspace, assessment, student)
    folder = (
        _originals(workspace, assessment, student)
        if record is not None
        else workspace / "submitted" / student / assessment
    )
    renamed = record.get("renamed", {}) if record is not None else {}
    fix = _fix(workspace, assessment, student)
    alterations: list[Alteration] = []
    for released_path in expected:
        if released_path.name in renamed:
            path: Path | None = folder / renamed[released_path.name]
            read = None
        else:
            path, read, _ = _locate(folder, released_path, expected, fix)
        if path is None or not path.is_file():
            continue
        if read is None:
            read = _read_notebook(path.read_bytes(), path.name, fix)
        if read.notebook is None:
            continue
        alterations += _compare(released_path.stem, read.notebook, _read_release(released_path))
    return alterations


def _compare(name: str, copy: NotebookNode, released: NotebookNode) -> list[Alteration]:
    by_id: dict[str, NotebookNode] = {}
    for cell in copy.cells:
        grade_id = _grade_id(cell)
        if grade_id is not None and not _is_restored(cell):
            by_id.setdefault(grade_id, cell)
    unmarked = {
        (c.cell_type, _normalised(c.source))
        for c in copy.cells
        if "nbgrader" not in c.metadata and not _is_restored(c)
    }
    found = []
    for cell in released.cells:
        grade_id = _grade_id(cell)
        locked, graded = _is_locked(cell), _is_grade(cell)
        if grade_id is None or not (locked or graded):
            continue
        mine = by_id.get(grade_id)
        if mine is None:
            if (cell.cell_type, _normalised(cell.source)) in unmarked:
                found.append(Alteration(name, grade_id, "marques nbgrader retirées"))
            else:
                kind = "notée" if graded else "verrouillée"
                found.append(Alteration(name, grade_id, f"cellule {kind} supprimée"))
            continue
        if (
            _is_locked(mine) != locked
            or _is_grade(mine) != graded
            or _is_solution(mine) != _is_solution(cell)
        ):
            found.append(Alteration(name, grade_id, "marques nbgrader modifiées"))
        if locked and (
            mine.cell_type != cell.cell_type or _normalised(mine.source) != _normalised(cell.source)
        ):
            what = "test modifié" if graded else "cellule verrouillée modifiée"
            found.append(Alteration(name, grade_id, what))
        if graded and _points(_marks(mine)) != _points(_marks(cell)):
            before, after = _shown_points(_marks(cell)), _shown_points(_marks(mine))
            found.append(Alteration(name, grade_id, f"points modifiés ({before} → {after})"))
    return found
