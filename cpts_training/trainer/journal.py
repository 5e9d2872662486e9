"""Append-only journals of the trainer's workspace (JSON Lines, one record per line).

Two journals live at the root of a workspace, beside ``gradebook.db``:

- :data:`GRADING_JOURNAL` (``journal_corrections.jsonl``): every manual grade given
  with the rubric, who gave it and when;
- :data:`OVERRIDE_JOURNAL` (``derogations_competences.jsonl``): every level a
  trainer set by hand on a competency, with the reason.

A record is never rewritten or deleted: a new grade or a new decision is a new
line, and readers take the latest line that applies. Appends are serialised with
an exclusive lock on the file, so that two trainers saving at the same moment
never interleave their lines.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cpts_training.errors import CPTSError

GRADING_JOURNAL = "journal_corrections.jsonl"
"""Manual grades given with the rubric. Keys of a record: ``date`` (ISO 8601, UTC),
``correcteur``, ``evaluation``, ``carnet``, ``stagiaire``, ``cellule``, ``points``,
``points_max``, ``criteres`` (names of the criteria met), ``commentaire``,
``empreinte_reponse`` (SHA-256 of the answer's text) and ``remplace`` (the grade it
replaces: ``{"points", "correcteur", "date"}``, or ``null``)."""

OVERRIDE_JOURNAL = "derogations_competences.jsonl"
"""Levels set by a trainer. Keys of a record: ``date`` (ISO 8601, UTC), ``stagiaire``,
``competence``, ``niveau``, ``motif``, ``par``."""


def now_iso() -> str:
    """The current time, UTC, as ISO 8601 to the second (``2026-12-01T09:30:00+00:00``)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def append_record(path: Path, record: Mapping[str, Any]) -> None:
    """Append ``record`` as one line of the journal ``path`` (created if missing)."""
    line = json.dumps(dict(record), ensure_ascii=False, sort_keys=True) + "\n"
    with Path(path).open("a", encoding="utf-8") as journal:
        fcntl.flock(journal, fcntl.LOCK_EX)
        try:
            journal.write(line)
            journal.flush()
        finally:
            fcntl.flock(journal, fcntl.LOCK_UN)


def read_records(path: Path) -> list[dict[str, Any]]:
    """Every record of the journal ``path``, oldest first (none if the file is missing).

    Raises :class:`~cpts_training.errors.CPTSError` in French, naming the line, if a
    line is not a JSON object (a journal edited by hand and broken).
    """
    path = Path(path)
    if not path.is_file():
        return []
    records = []
    with path.open(encoding="utf-8") as journal:
        fcntl.flock(journal, fcntl.LOCK_SH)
        try:
            lines = journal.read().splitlines()
        finally:
            fcntl.flock(journal, fcntl.LOCK_UN)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CPTSError(
                f"La ligne {number} du journal {path.name} est illisible ({error.msg}). "
                "Ce fichier ne doit pas être modifié à la main : restaurez-le depuis une "
                "sauvegarde de l'espace, ou supprimez seulement cette ligne."
            ) from error
        if not isinstance(record, dict):
            raise CPTSError(
                f"La ligne {number} du journal {path.name} n'est pas un enregistrement. "
                "Ce fichier ne doit pas être modifié à la main : restaurez-le depuis une "
                "sauvegarde de l'espace, ou supprimez seulement cette ligne."
            )
        records.append(record)
    return records
