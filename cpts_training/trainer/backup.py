"""Backups of the workspace's gradebook, taken before each step that may lose grades.

A backup is a consistent copy of ``gradebook.db`` made with SQLite's online backup
API (never a file copy: another command or formgrader may be writing), checked with
``PRAGMA integrity_check``, in
``archives/carnet_de_notes/gradebook-AAAAMMJJTHHMMSS-<raison>.db`` (UTC time, reason
in plain ASCII). :func:`restore_gradebook` puts one back, after backing up the
current gradebook.

Retention rule, applied after each backup: the :data:`KEEP_BACKUPS` most recent
backups are kept, and so is every backup less than :data:`KEEP_DAYS` days old; older
ones beyond these are deleted. Other files of the folder are never touched.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from cpts_training.errors import CPTSError
from cpts_training.trainer.workspace import require_workspace
from cpts_training.trainer.workspace_lock import workspace_lock

GRADEBOOK = "gradebook.db"
BACKUP_FOLDER = Path("archives") / "carnet_de_notes"
"""Where the backups are, relative to the workspace."""
KEEP_BACKUPS = 30
"""At least this many most recent backups are kept."""
KEEP_DAYS = 7
"""Every backup younger than this many days is kept, however many there are."""

_NAME = re.compile(r"gradebook-(?P<stamp>\d{8}T\d{6})-(?P<reason>[a-z0-9-]+)\.db")
_STAMP = "%Y%m%dT%H%M%S"


def _slug(reason: str) -> str:
    """« Publication de évaluation_01 » → « publication-de-evaluation-01 » (≤ 40 characters)."""
    plain = unicodedata.normalize("NFKD", reason).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:40].strip("-")
    return slug or "sauvegarde"


def backup_folder(workspace: Path) -> Path:
    """The folder of ``workspace``'s gradebook backups (it may not exist yet)."""
    return Path(workspace) / BACKUP_FOLDER


def backup_time(backup: Path) -> dt.datetime | None:
    """When ``backup`` was taken (aware UTC), read from its name; ``None`` if the name is
    not a backup's."""
    match = _NAME.fullmatch(Path(backup).name)
    if not match:
        return None
    return dt.datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=dt.UTC)


def list_backups(workspace: Path) -> list[Path]:
    """The gradebook backups of ``workspace``, oldest first (empty list if none).

    Raises:
        CPTSError: ``workspace`` is not a workspace.
    """
    folder = backup_folder(require_workspace(workspace))
    found = [p for p in folder.glob("gradebook-*.db") if backup_time(p) is not None]
    return sorted(found, key=_order)


def _order(backup: Path) -> tuple[dt.datetime, int, str]:
    """By the time in the name, then (several in the same second) by when written."""
    moment = backup_time(backup) or dt.datetime.min.replace(tzinfo=dt.UTC)
    return moment, backup.stat().st_mtime_ns, backup.name


def _integrity(database: Path) -> str:
    """« ok », or what SQLite's ``PRAGMA integrity_check`` found wrong in ``database``."""
    try:
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        return str(error)
    return "; ".join(str(row[0]) for row in rows)


def _copy(source: Path, destination: Path) -> None:
    """Copy the SQLite database ``source`` onto ``destination`` with the online backup API
    (one step: a consistent snapshot, retried by Python while a writer holds the file)."""
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)) as origin,
        closing(sqlite3.connect(destination, timeout=60)) as target,
    ):
        origin.backup(target)


def backup_gradebook(
    workspace: Path, reason: str, now: dt.datetime | None = None, prune: bool = True
) -> Path | None:
    """Back up ``workspace``'s gradebook before a step that may lose grades.

    ``reason`` (French, e.g. « retrait de dupont-marie evaluation_01 ») is slugged
    into the file name. ``now`` (default: the current time) names the backup. Returns
    the backup, or ``None`` when the workspace has no gradebook yet. Then applies the
    retention rule (see the module), unless not ``prune``.

    Raises:
        CPTSError: not a workspace, or the gradebook cannot be read or its copy is not
            intact (nothing is kept then; the step that asked for the backup must not go
            on).
    """
    root = require_workspace(workspace)
    database = root / GRADEBOOK
    if not database.is_file():
        return None
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    folder = backup_folder(root)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"gradebook-{now:{_STAMP}}-{_slug(reason)}"
    backup = folder / f"{stem}.db"
    number = 1
    while backup.exists():
        number += 1
        backup = folder / f"{stem}-{number}.db"
    scratch = folder / f".{backup.name}.en-cours"
    scratch.unlink(missing_ok=True)
    try:
        _copy(database, scratch)
    except sqlite3.DatabaseError as error:
        scratch.unlink(missing_ok=True)
        raise CPTSError(
            f"Le carnet de notes {database} est illisible ({error}) : il n'a pas pu être "
            "sauvegardé, et l'opération demandée n'a pas été faite. Restaurez une sauvegarde "
            f"avec « cpts-training workspace restore SAUVEGARDE -w {root} » (sans SAUVEGARDE, "
            "la commande liste les sauvegardes)."
        ) from error
    problem = _integrity(scratch)
    if problem != "ok":
        scratch.unlink(missing_ok=True)
        raise CPTSError(
            f"La sauvegarde du carnet de notes {database} n'est pas intacte ({problem}) : "
            "l'opération demandée n'a pas été faite. Le carnet de notes lui-même est "
            "peut-être abîmé : restaurez une sauvegarde avec « cpts-training workspace "
            f"restore SAUVEGARDE -w {root} » (sans SAUVEGARDE, la commande liste les "
            "sauvegardes)."
        )
    scratch.rename(backup)
    if prune:
        prune_backups(root, now)
    return backup


def backup_once(workspace: Path, reason: str) -> Callable[[], Path | None]:
    """A function that backs up the gradebook (:func:`backup_gradebook`) the first time
    it is called and does nothing after: call it just before each write of a step
    that may write nothing at all (importing the same roster again leaves the
    workspace as it was, without a backup)."""
    done: list[Path | None] = []

    def backup() -> Path | None:
        if not done:
            done.append(backup_gradebook(workspace, reason))
        return done[0]

    return backup


def prune_backups(workspace: Path, now: dt.datetime | None = None) -> list[Path]:
    """Delete the backups that the retention rule no longer keeps: beyond the
    :data:`KEEP_BACKUPS` most recent, those at least :data:`KEEP_DAYS` days old at
    ``now`` (default: the current time). Returns the deleted files."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    backups = list_backups(workspace)
    older = backups[: max(len(backups) - KEEP_BACKUPS, 0)]
    deleted = []
    for backup in older:
        moment = backup_time(backup)
        if moment is not None and now - moment >= dt.timedelta(days=KEEP_DAYS):
            backup.unlink(missing_ok=True)
            deleted.append(backup)
    return deleted


def require_backup(workspace: Path, backup: Path | str) -> Path:
    """The backup named ``backup`` (a name from :func:`list_backups`, or a path to a
    gradebook file), checked: readable, intact, an nbgrader gradebook.

    Raises:
        CPTSError: no such file, or not an intact gradebook (French, with the backups
            available).
    """
    root = require_workspace(workspace)
    candidate = Path(backup).expanduser()
    if not candidate.is_file() and (backup_folder(root) / candidate.name).is_file():
        candidate = backup_folder(root) / candidate.name
    names = ", ".join(p.name for p in list_backups(root)[-5:]) or "aucune"
    if not candidate.is_file():
        raise CPTSError(
            f"Sauvegarde « {backup} » introuvable. Sauvegardes de cet espace (les plus "
            f"récentes) : {names}. Listez-les toutes avec « cpts-training workspace restore "
            f"-w {root} »."
        )
    candidate = candidate.resolve()
    if candidate == root / GRADEBOOK:
        raise CPTSError(
            f"{candidate} est le carnet de notes actuel, pas une sauvegarde : choisissez une "
            f"sauvegarde ({names})."
        )
    problem = _integrity(candidate)
    if problem == "ok" and not _has_gradebook_tables(candidate):
        problem = "ce n'est pas un carnet de notes nbgrader"
    if problem != "ok":
        raise CPTSError(
            f"{candidate} n'est pas une sauvegarde intacte du carnet de notes ({problem}) : "
            f"rien n'a été restauré. Choisissez une autre sauvegarde ({names})."
        )
    return candidate


def _has_gradebook_tables(database: Path) -> bool:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    return {"assignment", "student", "grade"} <= tables


def restore_gradebook(workspace: Path, backup: Path | str) -> Path | None:
    """Put the backup ``backup`` (see :func:`require_backup`) back as ``workspace``'s
    gradebook, under the workspace's lock.

    The current gradebook is backed up first (reason « avant restauration »), then
    overwritten in place with SQLite's backup API (a program that has it open sees
    the restored content). Returns the backup of the replaced gradebook, ``None`` when
    the workspace had none.

    Raises:
        CPTSError: not a workspace, or ``backup`` missing or not intact (nothing is
            changed then).
        WorkspaceBusy: see :func:`~.workspace_lock.workspace_lock` (waits by default).
    """
    root = require_workspace(workspace)
    source = require_backup(root, backup)
    with workspace_lock(root, f"restauration du carnet de notes {source.name}"):
        previous = backup_gradebook(root, "avant restauration", prune=False)
        _copy(source, root / GRADEBOOK)
        problem = _integrity(root / GRADEBOOK)
        if problem != "ok":
            kept = f" ; l'ancien est gardé dans {previous}" if previous else ""
            raise CPTSError(
                f"Le carnet de notes restauré depuis {source.name} n'est pas intact "
                f"({problem}){kept}. Restaurez une autre sauvegarde."
            )
        prune_backups(root)  # after the copy: the rule may drop the backup restored
    return previous
