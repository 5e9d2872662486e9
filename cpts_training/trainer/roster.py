"""The cohort's roster: trainees read from a spreadsheet CSV into nbgrader's gradebook.

A training organisation keeps its list of trainees in a spreadsheet; saved as CSV by
Excel or LibreOffice it is UTF-8 (with or without a byte-order mark) or Windows-1252,
separated by « ; » or « , ». :func:`read_roster` reads and checks the whole file first;
:func:`import_roster` then creates or updates each trainee in nbgrader's gradebook
(``Gradebook.update_or_create_student``), so a refused file leaves the gradebook as it
was, and importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cpts_training.errors import CPTSError
from cpts_training.jupyter_env import with_interpreter_bin
from cpts_training.trainer.backup import backup_once
from cpts_training.trainer.submissions import require_identifier, suggested_identifier
from cpts_training.trainer.workspace import COURSE_ID, require_workspace
from cpts_training.trainer.workspace_lock import locked

ROSTER_COLUMNS = ("id", "nom", "prenom", "email")
"""The roster's columns: ``id`` (optional: derived from nom and prénom when empty or
absent), ``nom``, ``prenom`` and ``email`` (optional)."""

_ALIASES = {
    "id": "id",
    "identifiant": "id",
    "nom": "nom",
    "nom de famille": "nom",
    "prenom": "prenom",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "courriel": "email",
    "adresse email": "email",
    "adresse electronique": "email",
    "adresse de courriel": "email",
}


@dataclass(frozen=True)
class Trainee:
    """One trainee of the roster (``line``: their line in the file)."""

    id: str
    nom: str
    prenom: str
    email: str
    line: int


@dataclass(frozen=True)
class RosterReport:
    """What :func:`import_roster` did: trainee ids added, updated and unchanged, and
    French warnings (a new id that looks like the id, or has the name, of a trainee
    already known: probably the same person twice)."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def _plain(header: str) -> str:
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("_", " ").split())


def _decode(raw: bytes, label: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CPTSError(
            f"{label} : le fichier est en UTF-16, que le cours ne lit pas. Enregistrez-le au "
            "format « CSV UTF-8 » (Excel) ou « CSV » avec le jeu de caractères « Unicode "
            "(UTF-8) » (LibreOffice)."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise CPTSError(
            f"{label} : l'encodage du fichier n'est ni UTF-8 ni Windows-1252 (Excel en "
            "français). Enregistrez-le au format « CSV UTF-8 » puis recommencez."
        ) from None


def read_roster(path: Path | str) -> list[Trainee]:
    """The trainees of the roster CSV ``path``, checked as a whole.

    Columns (header on line 1, in any order, accents and case ignored): ``nom``,
    ``prénom``, optionally ``id`` (or « identifiant ») and ``email`` (or « courriel »).
    An empty or absent id is derived from « nom-prénom » (lower case, no accent). Blank
    lines are ignored.

    Raises:
        CPTSError: French message naming the file and the line: missing file, unreadable
            encoding, no separator, a missing ``nom`` or ``prénom`` column, an empty name,
            an invalid id, or two lines with the same id.
    """
    path = Path(path).expanduser()
    label = f"Liste des stagiaires {path.name}"
    if not path.is_file():
        raise CPTSError(f"{label} : fichier introuvable ({path}). Vérifiez le chemin.")
    text = _decode(path.read_bytes(), label)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise CPTSError(
            f"{label} : la ligne 1 doit nommer les colonnes « nom », « prénom » (et, si vous "
            "les avez, « id » et « email »)."
        )
    separator = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header = [_ALIASES.get(_plain(cell), _plain(cell)) for cell in next(reader)]
    missing = [name for name in ("nom", "prenom") if name not in header]
    if missing:
        shown = ", ".join("« prénom »" if m == "prenom" else f"« {m} »" for m in missing)
        raise CPTSError(
            f"{label}, ligne 1 : colonne(s) {shown} introuvable(s). Colonnes lues : "
            f"{', '.join(lines[0].split(separator))}. La ligne 1 doit nommer « nom », "
            "« prénom » et, si vous les avez, « id » et « email »."
        )
    position = {name: header.index(name) for name in ROSTER_COLUMNS if name in header}
    trainees: list[Trainee] = []
    first_line: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = position.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        nom, prenom = cell("nom"), cell("prenom")
        if not nom or not prenom:
            raise CPTSError(
                f"{label}, ligne {number} : le nom ou le prénom est vide. Complétez-le ou "
                "supprimez la ligne."
            )
        student_id = cell("id") or suggested_identifier(f"{nom}-{prenom}")
        try:
            require_identifier(student_id, "l'identifiant")
        except CPTSError as error:
            raise CPTSError(f"{label}, ligne {number} : {error}") from None
        if student_id in first_line:
            raise CPTSError(
                f"{label}, ligne {number} : l'identifiant « {student_id} » est déjà celui de "
                f"la ligne {first_line[student_id]}. Donnez à chacun un identifiant différent "
                "(colonne « id », par exemple en ajoutant un chiffre) ; aucun stagiaire n'a été "
                "ajouté."
            )
        first_line[student_id] = number
        trainees.append(Trainee(student_id, nom, prenom, cell("email"), number))
    if not trainees:
        raise CPTSError(f"{label} : aucun stagiaire sous la ligne des colonnes.")
    return trainees


@contextmanager
def _alembic_on_path() -> Iterator[None]:
    """nbgrader's Gradebook starts the ``alembic`` executable of this interpreter to stamp
    a new database: put its ``bin/`` on PATH for the session, then restore PATH."""
    previous = os.environ.get("PATH")
    os.environ["PATH"] = with_interpreter_bin()["PATH"]
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = previous


@locked("inscription des stagiaires")
def import_roster(workspace: Path | str, path: Path | str) -> RosterReport:
    """Create or update in the workspace's gradebook every trainee of the roster ``path``
    (nbgrader's ``Gradebook.update_or_create_student``: id, first and last name, email).

    The whole file is read and checked first (:func:`read_roster`), so a refused file
    leaves the gradebook unchanged; importing the same file again changes nothing.

    Raises:
        CPTSError: not a workspace, or a refused roster (French, see :func:`read_roster`).
    """
    from nbgrader.api import Gradebook, MissingEntry

    from cpts_training.trainer.collect import name_key

    root = require_workspace(Path(workspace))
    trainees = read_roster(path)
    backup = backup_once(root, "inscription des stagiaires")
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    warnings: list[str] = []
    with (
        _alembic_on_path(),
        Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gradebook,
    ):
        before = {
            student.id: name_key(f"{student.first_name or ''} {student.last_name or ''}")
            for student in gradebook.students
        }
        in_file = {trainee.id for trainee in trainees}
        for trainee in trainees:
            if trainee.id not in before:
                warnings += _look_alike(trainee, before, in_file)
            wanted = {
                "first_name": trainee.prenom,
                "last_name": trainee.nom,
                "email": trainee.email or None,
            }
            try:
                known = gradebook.find_student(trainee.id)
            except MissingEntry:
                added.append(trainee.id)
            else:
                same = all(getattr(known, key) == value for key, value in wanted.items())
                (unchanged if same else updated).append(trainee.id)
                if same:
                    continue
            backup()
            gradebook.update_or_create_student(trainee.id, **wanted)
    return RosterReport(tuple(added), tuple(updated), tuple(unchanged), tuple(warnings))


def _look_alike(
    trainee: Trainee, known: dict[str, tuple[str, ...]], in_file: set[str]
) -> list[str]:
    """Warnings for a new trainee whose id looks like a known one (``lefevre_helene`` /
    ``lefevre-helene``) or whose name is a known trainee's, not listed in this file."""
    from cpts_training.trainer.collect import name_key
    from cpts_training.trainer.submissions import similar_trainees

    similar = set(similar_trainees(trainee.id, set(known)))
    same_name = {
        other
        for other, key in known.items()
        if key and key == name_key(f"{trainee.prenom} {trainee.nom}") and other not in in_file
    }
    others = sorted((similar | same_name) - {trainee.id})
    if not others:
        return []
    names = ", ".join(f"« {other} »" for other in others)
    return [
        f"« {trainee.id} » ({trainee.prenom} {trainee.nom}) est ajouté, mais ressemble à "
        f"{names}, déjà inscrit : s'il s'agit de la même personne, corrigez l'identifiant "
        "dans la liste (colonne id) et importez-la de nouveau ; sinon, rien à faire."
    ]
