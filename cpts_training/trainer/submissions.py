"""Put a trainee's notebook into the workspace's ``submitted/`` folder, safely.

A submission is never overwritten silently: replacing one needs
``replace=True`` and moves the previous copy to ``archives/`` first.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat

from cpts_training.errors import CPTSError
from cpts_training.trainer.backup import backup_gradebook
from cpts_training.trainer.grade_summary import deposit_time
from cpts_training.trainer.workspace import require_workspace
from cpts_training.trainer.workspace_lock import locked

# Matched with ``fullmatch``: « $ » would accept an id ending in a newline.
_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]*")


def suggested_identifier(value: str) -> str:
    """``value`` as a valid identifier: lower case, no accent, « - » for spaces."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9_.-]+", "-", plain.lower()).strip("-._")
    return words or "dupont-marie"


def require_identifier(value: str, what: str) -> None:
    """Fail in French unless ``value`` is, as a whole, a valid identifier."""
    if not _ID_PATTERN.fullmatch(value):
        shown = value if value.isprintable() else value.encode("unicode_escape").decode()
        raise CPTSError(
            f"{what} « {shown} » invalide : utilisez des minuscules sans accent, des "
            "chiffres, « - », « _ » ou « . », en commençant par une lettre ou un chiffre "
            f"(par exemple « {suggested_identifier(value)} »)"
            + (", sans espace ni retour à la ligne autour" if value != value.strip() else "")
            + "."
        )


def identity_key(student_id: str) -> str:
    """What two ids of the same person have in common: no case, accent or separator."""
    plain = unicodedata.normalize("NFKD", student_id).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", plain.lower())


def known_trainees(workspace: Path) -> set[str]:
    """Trainee ids of the workspace: deposited copies (current or archived) and gradebook."""
    ids = {p.name for p in (workspace / "submitted").glob("*") if p.is_dir()}
    ids |= {p.name for p in (workspace / "archives").glob("*") if p.is_dir()}
    ids -= {"publications", "sources", "originaux", "carnet_de_notes"}
    database = workspace / "gradebook.db"
    if database.is_file():
        from nbgrader.api import Gradebook

        from cpts_training.trainer.workspace import COURSE_ID

        with Gradebook(f"sqlite:///{database}", COURSE_ID) as gradebook:
            ids |= {student.id for student in gradebook.students}
    return ids


def similar_trainees(student_id: str, known: set[str]) -> list[str]:
    """Known ids that look like ``student_id`` but differ from it.

    Same letters and digits once case, accents and separators are removed
    (``dupont_marie`` / ``dupont-marie``), or the same with a number added at the
    end (``dupont-marie2``): probably the same person under two ids.
    """
    key = identity_key(student_id)
    stem = key.rstrip("0123456789")
    similar = []
    for other in sorted(known - {student_id}):
        other_key = identity_key(other)
        if other_key == key or (stem and other_key.rstrip("0123456789") == stem):
            similar.append(other)
    return similar


def _grade_ids(notebook: nbformat.NotebookNode) -> list[str]:
    """The nbgrader ids of a notebook's answer and graded cells, in order."""
    ids = []
    for cell in notebook.cells:
        marks = cell.metadata.get("nbgrader", {})
        if (marks.get("grade") or marks.get("solution")) and "grade_id" in marks:
            ids.append(marks["grade_id"])
    return ids


def duplicated_cells(notebook: nbformat.NotebookNode) -> dict[str, int]:
    """Answer or graded cells present more than once (cell id → number of copies).

    A trainee who duplicates a cell (copy and paste in JupyterLab) duplicates its
    nbgrader id, which nbgrader cannot grade (nbgrader issue #1083).
    """
    counts: dict[str, int] = {}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None:
            counts[grade_id] = counts.get(grade_id, 0) + 1
    return {grade_id: n for grade_id, n in counts.items() if n > 1}


def duplicate_message(duplicates: dict[str, int]) -> str:
    """French explanation of :func:`duplicated_cells`, with the fix."""
    cells = ", ".join(f"« {grade_id} » ({n} fois)" for grade_id, n in sorted(duplicates.items()))
    return (
        f"Cellule de réponse ou de vérification dupliquée dans la copie : {cells}. Le stagiaire "
        "a copié-collé une cellule de l'évaluation ; nbgrader ne peut pas corriger une copie "
        "où une cellule apparaît deux fois. La copie n'est pas réparée automatiquement, pour "
        "ne pas noter la mauvaise des deux réponses : demandez au stagiaire de supprimer le double "
        "(en gardant la cellule qui contient sa réponse) et de vous renvoyer le carnet, "
        "ou faites-le vous-même dans une copie du fichier, puis déposez-le."
    )


def require_gradable_copy(copy: nbformat.NotebookNode, released: Path, assessment: str) -> None:
    """Fail in French unless ``copy`` can be graded as a copy of ``released``.

    Every answer and graded cell of the released notebook must be there, once.
    """
    duplicates = duplicated_cells(copy)
    expected = _grade_ids(nbformat.read(released, as_version=4))
    present = _grade_ids(copy)
    missing = [grade_id for grade_id in expected if grade_id not in present]
    foreign = [grade_id for grade_id in present if grade_id not in expected]
    if foreign or (expected and len(missing) == len(expected)):
        detail = f" (cellules inconnues : {', '.join(foreign)})" if foreign else ""
        raise CPTSError(
            f"Ce carnet n'est pas une copie de « {assessment} »{detail}. Vérifiez le nom de "
            "l'évaluation et le fichier rendu par le stagiaire."
        )
    if duplicates:
        raise CPTSError(f"{duplicate_message(duplicates)} Cette copie n'est pas déposée.")
    if not missing:
        return
    raise CPTSError(
        "Cellules de réponse ou de vérification absentes de la copie : "
        f"{', '.join(missing)}. Le stagiaire les a sans doute supprimées ; la copie n'est "
        "pas déposée, car ces questions seraient comptées à zéro sans explication. "
        f"Demandez-lui de repartir du carnet publié ({released.name}) et d'y recopier ses réponses."
    )


@dataclass(frozen=True)
class Deposit:
    """A deposited copy: its folder, where the copy it replaced was archived, warnings."""

    folder: Path
    archive: Path | None = None
    warnings: tuple[str, ...] = ()


@locked("dépôt de la copie de {student_id} pour {assessment}")
def submit(
    workspace: Path,
    assessment: str,
    student_id: str,
    notebook: Path,
    replace: bool = False,
    now: datetime | None = None,
    submitted_at: datetime | None = None,
) -> Deposit:
    """Copy ``notebook`` as ``student_id``'s submission of ``assessment``.

    The notebook keeps the released notebook's file name, so that nbgrader
    matches it, and must hold every graded cell of the released notebook.

    ``submitted_at`` is when the trainee handed the copy in (a naive datetime is
    Paris time; default: ``now``). It is written in nbgrader's ``timestamp.txt``
    (UTC), which ``nbgrader autograde`` records as the submission's timestamp and
    compares with the assessment's due date (see :mod:`.deadlines`).

    Raises:
        CPTSError: unknown or unreleased assessment, invalid id, unreadable or
            ungradable notebook, a copy already there (without ``replace``), or a
            hand-in time later than ``now``. Nothing is written then.
    """
    workspace = require_workspace(workspace)
    require_identifier(assessment, "Nom d'évaluation")
    require_identifier(student_id, "Identifiant de stagiaire")
    notebook = Path(notebook).expanduser().resolve()
    if not (workspace / "source" / assessment).is_dir():
        available = sorted(p.name for p in (workspace / "source").iterdir() if p.is_dir())
        raise CPTSError(
            f"Évaluation « {assessment} » inconnue dans {workspace}. "
            f"Évaluations disponibles : {', '.join(available) or 'aucune'}."
        )
    expected = sorted((workspace / "release" / assessment).glob("*.ipynb"))
    if not expected:
        raise CPTSError(
            f"L'évaluation « {assessment} » n'a pas encore été publiée dans {workspace}. "
            f"Lancez d'abord « cpts-training assessment release {assessment} »."
        )
    if not notebook.is_file():
        raise CPTSError(f"Le fichier {notebook} est introuvable : vérifiez le chemin.")
    # Read as the automatic correction reads it: a copy it can repair (saved in
    # Windows-1252, an old format) is deposited as handed in, and repaired there.
    from cpts_training.trainer.copy_checks import read_leniently

    copy, problem, _ = read_leniently(
        notebook.read_bytes(),
        notebook.name,
        "Demandez au stagiaire de renvoyer le fichier .ipynb tel quel, sans l'ouvrir ni le "
        "convertir.",
    )
    if copy is None:
        raise CPTSError(
            f"Le fichier {notebook} n'est pas un carnet Jupyter lisible : "
            f"{problem.detail if problem else 'contenu inattendu.'}"
        )
    name = notebook.name if len(expected) > 1 else expected[0].name
    if name not in {p.name for p in expected}:
        raise CPTSError(
            f"Le carnet {notebook.name} ne fait pas partie de l'évaluation « {assessment} » "
            f"(carnets attendus : {', '.join(p.name for p in expected)})."
        )
    require_gradable_copy(copy, workspace / "release" / assessment / name, assessment)
    warnings = _similar_id_warnings(workspace, student_id)
    now = now or datetime.now(UTC)
    handed_in = _hand_in_time(submitted_at, now)
    folder = workspace / "submitted" / student_id / assessment
    if folder.exists():
        if not replace:
            raise CPTSError(
                f"Une copie de « {student_id} » pour « {assessment} » existe déjà ({folder}). "
                "Elle n'est pas remplacée. Pour la remplacer, relancez avec --replace : "
                "l'ancienne copie sera archivée (ses notes restent une tentative du "
                "stagiaire), et une réponse rédigée modifiée depuis sa note devra être "
                "corrigée à nouveau."
            )
        previous = deposit_time(folder)
        if previous is not None and handed_in < previous:
            from cpts_training.trainer.deadlines import french_moment

            raise CPTSError(
                f"La copie à déposer est datée du {french_moment(handed_in)}, avant celle "
                f"qu'elle remplacerait (rendue le {french_moment(previous)}) : elle n'est pas "
                "déposée, car les résultats d'un stagiaire sont classés par date de rendu. "
                "Vérifiez la date (--date) ; la dernière copie rendue est la plus récente."
            )
        if previous is not None and previous == handed_in:
            # The automatic correction tells a new deposit by its timestamp: a copy
            # replaced under the same hand-in time must not look already corrected.
            handed_in += timedelta(microseconds=1)
        archive = workspace / "archives" / student_id / f"{assessment}-{now:%Y%m%dT%H%M%S}"
        archive.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(folder), str(archive))
        # Its grades stay evidence of the competencies, as an earlier attempt.
        from cpts_training.trainer.competency_model import snapshot_attempt

        snapshot_attempt(workspace, assessment, student_id, archive)
    else:
        archive = None
    folder.mkdir(parents=True)
    shutil.copy2(notebook, folder / name)
    write_timestamp(folder, handed_in)
    return Deposit(folder, archive, warnings)


def write_timestamp(folder: Path, moment: datetime) -> None:
    """Write ``moment`` in ``folder/timestamp.txt`` as nbgrader reads it (UTC).

    « 2027-01-14 21:10:00.000000 UTC »: nbgrader's ``parse_utc`` reads the last word
    as the time zone (``CourseDirectory.get_existing_timestamp``).
    """
    moment = moment.astimezone(UTC)
    (folder / "timestamp.txt").write_text(f"{moment:%Y-%m-%d %H:%M:%S.%f %Z}", encoding="utf-8")


def _hand_in_time(submitted_at: datetime | None, now: datetime) -> datetime:
    """The hand-in time in UTC (naive = Paris time); refused when after ``now``."""
    if submitted_at is None:
        return now.astimezone(UTC)
    from cpts_training.trainer.deadlines import as_utc, french_moment

    handed_in = as_utc(submitted_at)
    if handed_in > now.astimezone(UTC):
        raise CPTSError(
            f"Date de remise dans le futur ({french_moment(handed_in)}, heure de Paris) : "
            "la copie n'est pas déposée. Indiquez la date à laquelle le stagiaire a rendu "
            'sa copie, par exemple « --date "14/01/2027 22:10" », ou rien pour maintenant.'
        )
    return handed_in


def _roster_ids(workspace: Path) -> set[str]:
    """Ids of the trainees imported from a roster (``workspace roster``): the gradebook's
    students with a name. nbgrader's autograde creates a student without a name for a
    copy whose id it does not know; those are not the roster."""
    database = workspace / "gradebook.db"
    if not database.is_file():
        return set()
    from nbgrader.api import Gradebook

    from cpts_training.trainer.workspace import COURSE_ID

    with Gradebook(f"sqlite:///{database}", COURSE_ID) as gradebook:
        return {s.id for s in gradebook.students if s.last_name or s.first_name}


def _similar_id_warnings(workspace: Path, student_id: str) -> tuple[str, ...]:
    roster = _roster_ids(workspace)
    if roster and student_id not in roster:
        return (
            f"L'identifiant « {student_id} » n'est pas dans la liste des stagiaires de cet "
            f"espace ({len(roster)} inscrits avec « cpts-training workspace roster »). "
            "Vérifiez l'orthographe : s'il s'agit d'une erreur, retirez ce dépôt avec "
            f"« cpts-training assessment withdraw ÉVALUATION {student_id} » et déposez la "
            "copie sous le bon identifiant ; sinon, ajoutez le stagiaire à la liste.",
            *_look_alike_warnings(workspace, student_id),
        )
    return _look_alike_warnings(workspace, student_id)


def _look_alike_warnings(workspace: Path, student_id: str) -> tuple[str, ...]:
    known = known_trainees(workspace)
    if student_id in known:
        return ()
    similar = similar_trainees(student_id, known)
    if not similar:
        return ()
    names = ", ".join(f"« {other} »" for other in similar)
    return (
        f"L'identifiant « {student_id} » est nouveau mais ressemble à {names}, déjà connu "
        "dans cet espace. S'il s'agit de la même personne, retirez ce dépôt avec "
        f"« cpts-training assessment withdraw ÉVALUATION {student_id} » et déposez la copie "
        "sous l'identifiant existant ; sinon, rien à faire.",
    )


@locked("retrait de la copie de {student_id} pour {assessment}")
def withdraw(
    workspace: Path, assessment: str, student_id: str, now: datetime | None = None
) -> Path:
    """Withdraw ``student_id``'s deposit of ``assessment``: archive it, delete nothing.

    The deposited copy, its autograded copy and its feedback move together to
    ``archives/<stagiaire>/<évaluation>-retiree-<date>/`` (``submitted``,
    ``autograded``, ``feedback``). The grades stay in the gradebook; the trainee is
    then « non rendue » for this assessment until a new deposit. Returns the archive.
    """
    workspace = require_workspace(workspace)
    require_identifier(assessment, "Nom d'évaluation")
    require_identifier(student_id, "Identifiant de stagiaire")
    folder = workspace / "submitted" / student_id / assessment
    if not folder.is_dir():
        deposited = sorted(
            p.parent.name for p in (workspace / "submitted").glob(f"*/{assessment}") if p.is_dir()
        )
        raise CPTSError(
            f"Aucune copie de « {student_id} » déposée pour « {assessment} » : rien à retirer. "
            f"Copies déposées pour cette évaluation : {', '.join(deposited) or 'aucune'}."
        )
    backup_gradebook(workspace, f"retrait {student_id} {assessment}")
    now = now or datetime.now(UTC)
    archive = workspace / "archives" / student_id / f"{assessment}-retiree-{now:%Y%m%dT%H%M%S}"
    archive.mkdir(parents=True)
    for step in ("submitted", "autograded", "feedback"):
        source = workspace / step / student_id / assessment
        if source.exists():
            shutil.move(str(source), str(archive / step))
    return archive
