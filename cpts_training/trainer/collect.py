"""Collect a cohort's copies from an LMS download and deposit them, one by one.

Two sources are read:

- Moodle's « Télécharger tous les travaux remis » zip (``mod/assign``,
  ``download_submissions``): one folder per participant,
  ``Prénom Nom_123456_assignsubmission_file_/evaluation_01.ipynb``, or, when the
  teacher unticked « Télécharger les travaux remis dans des dossiers », flat files
  ``Prénom Nom_123456_assignsubmission_file_evaluation_01.ipynb``; under blind
  marking the name is ``Participant_123456``. Other plugins' folders
  (``_assignsubmission_onlinetext_``) and files that are not notebooks are ignored.
- A folder of notebooks named after the trainee: ``NOM_Prenom.ipynb``,
  ``Nom Prénom.ipynb``, ``prenom-nom.ipynb`` (or a Moodle download already unzipped).

nbgrader's zip-collect pieces do the generic work: the zip is extracted by
``nbgrader.plugins.zipcollect.ExtractorPlugin`` (into a temporary folder, outside
the workspace), and each Moodle file name is parsed by
``nbgrader.plugins.zipcollect.FileNameCollectorPlugin`` with the named regular
expression :data:`MOODLE_REGEXP`. What nbgrader's ``zip_collect`` cannot do is done
here: names are matched to the roster of the gradebook (accents, case and word
order ignored), and each copy goes through :func:`~.submissions.submit` with all
its checks, its hand-in time being the file's time in the zip (Paris time) or the
file's modification time in a folder.

The whole source is read and checked before anything is deposited: a zip that does
not look like a Moodle download is refused and the workspace is left unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.plugins.zipcollect import ExtractorPlugin, FileNameCollectorPlugin

from cpts_training.errors import CPTSError
from cpts_training.trainer.deadlines import (
    PARIS,
    deadline,
    format_delay,
    french_moment,
    require_assessment,
)
from cpts_training.trainer.submissions import submit
from cpts_training.trainer.workspace import COURSE_ID, require_workspace
from cpts_training.trainer.workspace_lock import locked

MOODLE_REGEXP = (
    r"^(?P<student_id>[^/]+?)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_"
    r"/?(?P<file_id>[^/]+)$"
)
"""Named regular expression of a file of Moodle's download (folder or flat shape):
``student_id`` is the participant's full name (or « Participant »), ``participant`` the
Moodle number, ``plugin`` the submission plugin (``file`` for uploaded files)."""

MOODLE_SHAPE = (
    "« Prénom Nom_123456_assignsubmission_file_/evaluation_01.ipynb » (un dossier par "
    "participant) ou « Prénom Nom_123456_assignsubmission_file_evaluation_01.ipynb »"
)

DEPOSITED = "déposée"
ALREADY = "déjà déposée"
REFUSED = "refusée"
UNMATCHED = "non reconnue"
AMBIGUOUS = "ambiguë"


def fold(text: str) -> str:
    """``text`` in lower case without accents (« Hélène » → « helene »)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower()


def name_key(name: str) -> tuple[str, ...]:
    """The words of a person's name, folded and sorted: the order of the words, the case,
    accents and separators do not matter (« DUPONT Marie » = « marie_dupont »)."""
    return tuple(sorted(w for w in re.split(r"[^a-z0-9]+", fold(name)) if w))


@dataclass(frozen=True)
class CollectedCopy:
    """One copy found in the source and what became of it.

    ``name``: the trainee's name as the LMS wrote it; ``source``: the file in the zip or
    folder; ``student``: the matched trainee id (``None`` when not matched);
    ``submitted_at``: hand-in time (aware UTC); ``status``: « déposée », « déjà
    déposée », « refusée », « non reconnue » or « ambiguë »; ``reason``: why (French);
    ``candidates``: the trainees an ambiguous name matches; ``seconds_late``: delay
    after the due date (0 when on time or without due date).
    """

    name: str
    source: str
    student: str | None
    submitted_at: dt.datetime | None
    status: str
    reason: str = ""
    candidates: tuple[str, ...] = ()
    seconds_late: float = 0.0


@dataclass
class CollectReport:
    """What :func:`collect_copies` did with each copy of the source."""

    assessment: str
    copies: list[CollectedCopy] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def having(self, status: str) -> list[CollectedCopy]:
        """The copies that ended with ``status``."""
        return [c for c in self.copies if c.status == status]

    @property
    def deposited(self) -> list[CollectedCopy]:
        """Copies deposited by this run."""
        return self.having(DEPOSITED)

    @property
    def already(self) -> list[CollectedCopy]:
        """Copies identical to the one already deposited: nothing done."""
        return self.having(ALREADY)

    @property
    def refused(self) -> list[CollectedCopy]:
        """Copies matched to a trainee but not deposited (``reason`` says why)."""
        return self.having(REFUSED)

    @property
    def unmatched(self) -> list[CollectedCopy]:
        """Copies whose name matches no trainee of the roster."""
        return self.having(UNMATCHED)

    @property
    def ambiguous(self) -> list[CollectedCopy]:
        """Copies whose name matches several trainees (homonyms): not deposited."""
        return self.having(AMBIGUOUS)

    @property
    def late(self) -> list[CollectedCopy]:
        """Copies deposited or already there, handed in after the due date."""
        return [c for c in self.deposited + self.already if c.seconds_late > 0]

    def lines(self) -> list[str]:
        """The report in French lines, for the trainer."""
        lines = [
            f"Collecte des copies de « {self.assessment} » : {len(self.deposited)} déposée(s), "
            f"{len(self.already)} déjà déposée(s), {len(self.refused)} refusée(s), "
            f"{len(self.unmatched)} non reconnue(s), {len(self.ambiguous)} ambiguë(s)."
        ]
        for copy in self.deposited:
            lines.append(
                f"  Déposée : {copy.student} ← {copy.name} "
                f"(rendue le {french_moment(copy.submitted_at)})"
            )
        if self.already:
            names = ", ".join(c.student or c.name for c in self.already)
            lines.append(f"  Déjà déposée(s), rien de nouveau : {names}")
        for copy in self.refused:
            lines.append(f"  Refusée : {copy.name} ({copy.student}) : {copy.reason}")
        for copy in self.unmatched:
            lines.append(f"  Non reconnue : {copy.name} ({copy.source}) : {copy.reason}")
        for copy in self.ambiguous:
            lines.append(
                f"  Ambiguë : {copy.name} correspond à {', '.join(copy.candidates)} : "
                "copie non déposée. Déposez-la avec « cpts-training assessment submit "
                f"{self.assessment} IDENTIFIANT CARNET » sous le bon identifiant."
            )
        for copy in self.late:
            lines.append(
                f"  En retard : {copy.student}, rendue le {french_moment(copy.submitted_at)}, "
                f"{format_delay(copy.seconds_late)} après la date limite."
            )
        if self.ignored:
            shown = ", ".join(self.ignored[:5]) + (" …" if len(self.ignored) > 5 else "")
            lines.append(f"  Fichiers ignorés (pas des copies à déposer) : {shown}")
        return lines


@dataclass(frozen=True)
class _Entry:
    """A notebook found in the source: where it is, the name it gives, its time."""

    source: str
    name: str
    participant: str | None
    submitted_at: dt.datetime
    file_id: str


def _roster(workspace: Path) -> dict[tuple[str, ...], list[str]]:
    """Name keys of the gradebook's trainees → their ids (first name + last name, and
    the id itself, so that a file named after the id matches too)."""
    keys: dict[tuple[str, ...], set[str]] = defaultdict(set)
    database = workspace / "gradebook.db"
    if database.is_file():
        with Gradebook(f"sqlite:///{database}", COURSE_ID) as gradebook:
            for student in gradebook.students:
                full = f"{student.first_name or ''} {student.last_name or ''}"
                if name_key(full):
                    keys[name_key(full)].add(student.id)
                keys[name_key(student.id)].add(student.id)
    return {key: sorted(ids) for key, ids in keys.items()}


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The entry's name, repaired when a zip tool stored UTF-8 without saying so."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _skipped(path: str) -> bool:
    parts = path.split("/")
    return "__MACOSX" in parts or parts[-1].startswith(".")


def _moodle_parser() -> FileNameCollectorPlugin:
    return FileNameCollectorPlugin(named_regexp=MOODLE_REGEXP, valid_ext=[".ipynb"])


def _moodle_entries(
    paths: list[tuple[str, dt.datetime]],
) -> tuple[list[_Entry], list[str], list[str]]:
    """Entries of Moodle-shaped paths: (notebooks, ignored files, unexpected notebooks)."""
    parser = _moodle_parser()
    entries: list[_Entry] = []
    ignored: list[str] = []
    unexpected: list[str] = []
    for path, moment in paths:
        if _skipped(path) or path.endswith("/"):
            continue
        found = parser.collect(path)
        if found is None:
            if path.lower().endswith(".ipynb"):
                unexpected.append(path)
            elif re.match(MOODLE_REGEXP, path):
                ignored.append(path)
            else:
                unexpected.append(path)
            continue
        if found["plugin"] != "file":
            ignored.append(path)
            continue
        entries.append(
            _Entry(path, found["student_id"], found["participant"], moment, found["file_id"])
        )
    return entries, ignored, unexpected


def _require_moodle_shape(
    source: Path, entries: list[_Entry], unexpected: list[str], assessment: str
) -> None:
    if entries and not unexpected:
        return
    shown = unexpected[:5] or ["(aucun carnet .ipynb)"]
    raise CPTSError(
        f"{source.name} ne ressemble pas à un téléchargement de devoir Moodle : "
        f"{len(unexpected)} fichier(s) au nom inattendu, par exemple "
        f"{', '.join(f'« {name} »' for name in shown)}. Fichiers attendus : "
        f"{MOODLE_SHAPE}, tels que Moodle les nomme (Devoir › Consulter tous les travaux "
        "remis › Télécharger tous les travaux remis), sans les renommer. Rien n'a été "
        f"déposé pour « {assessment} ». Pour un dossier de carnets « NOM_Prenom.ipynb », "
        "indiquez le dossier plutôt qu'un zip."
    )


def _read_zip(source: Path) -> tuple[list[tuple[str, str, dt.datetime]], str]:
    """Each file of the zip: (stored name, repaired name, time in Paris) and an error."""
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        return [], (
            f"{source} n'est pas une archive zip lisible (fichier d'un autre type, ou "
            "téléchargement incomplet) : téléchargez de nouveau les travaux depuis Moodle."
        )
    except OSError as error:
        return [], f"{source} ne peut pas être lu ({error.strerror or error})."
    files = []
    for info in infos:
        if info.is_dir():
            continue
        moment = dt.datetime(*info.date_time, tzinfo=PARIS).astimezone(dt.UTC)
        files.append((info.filename, _zip_name(info), moment))
    return files, ""


def _folder_entries(source: Path) -> tuple[list[_Entry], list[str]]:
    """Notebooks of a folder: Moodle-shaped paths, else ``NOM_Prenom.ipynb`` on top."""
    files = sorted(p for p in source.rglob("*") if p.is_file())
    paths = [
        (
            p.relative_to(source).as_posix(),
            dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC),
        )
        for p in files
    ]
    moodle, ignored, _ = _moodle_entries(paths)
    taken = {e.source for e in moodle} | set(ignored)
    plain = [
        _Entry(path, Path(path).stem, None, moment, path)
        for path, moment in paths
        if path not in taken
        and "/" not in path
        and path.lower().endswith(".ipynb")
        and not _skipped(path)
    ]
    taken |= {e.source for e in plain}
    ignored += [path for path, _ in paths if path not in taken and not _skipped(path)]
    return moodle + plain, ignored


@locked("collecte des copies de {assessment}")
def collect_copies(
    workspace: Path,
    assessment: str,
    source: Path,
    now: dt.datetime | None = None,
    replace: bool = False,
) -> CollectReport:
    """Deposit every copy of ``source`` (a Moodle zip or a folder) for ``assessment``.

    Each notebook's name is matched to the roster (:func:`name_key`: accents, case,
    separators and word order ignored; the trainee's id matches too). A name matching
    nobody is « non reconnue », one matching several trainees « ambiguë »: neither is
    deposited. Each matched copy goes through :func:`~.submissions.submit` with its
    hand-in time (the zip entry's time, Paris time, or the file's modification time):
    a copy that fails its checks is « refusée » with the French reason and the others
    go on. A copy identical to the one already deposited is « déjà déposée » (running
    the collection twice deposits nothing new); a different one for a trainee already
    deposited is refused unless ``replace`` (the old copy is archived, as ``submit``
    does). Returns the :class:`CollectReport`.

    Raises:
        CPTSError: not a workspace, unknown or unreleased assessment, no trainee in the
            roster, missing source, or a zip that does not look like a Moodle download
            (unexpected names, no notebook); nothing is deposited then.
    """
    workspace = require_workspace(workspace)
    require_assessment(workspace, assessment)
    released = sorted((workspace / "release" / assessment).glob("*.ipynb"))
    if not released:
        raise CPTSError(
            f"L'évaluation « {assessment} » n'a pas encore été publiée dans {workspace}. "
            f"Lancez d'abord « cpts-training assessment release {assessment} »."
        )
    source = Path(source).expanduser().resolve()
    if not source.exists():
        raise CPTSError(
            f"{source} est introuvable : indiquez le zip téléchargé depuis Moodle ou un "
            "dossier de carnets « NOM_Prenom.ipynb »."
        )
    roster = _roster(workspace)
    if not roster:
        raise CPTSError(
            "Aucun stagiaire inscrit dans cet espace : les copies ne peuvent pas être "
            "rapprochées des stagiaires. Importez d'abord la liste avec « cpts-training "
            "workspace roster LISTE.csv »."
        )
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    with tempfile.TemporaryDirectory(prefix="cpts-collecte-") as scratch:
        if source.is_dir():
            entries, ignored = _folder_entries(source)
            folder = source
            if not entries:
                raise CPTSError(
                    f"Aucun carnet .ipynb dans {source}. Fichiers attendus : "
                    f"« NOM_Prenom.ipynb », « Nom Prénom.ipynb » ou {MOODLE_SHAPE}."
                )
        else:
            files, problem = _read_zip(source)
            if problem:
                raise CPTSError(
                    f"{problem} Indiquez le zip de Moodle tel quel (Télécharger tous les "
                    "travaux remis) ou un dossier de carnets. Rien n'a été déposé."
                )
            stored = {repaired: name for name, repaired, _ in files}
            entries, ignored, unexpected = _moodle_entries(
                [(repaired, moment) for _, repaired, moment in files]
            )
            _require_moodle_shape(source, entries, unexpected, assessment)
            folder = _extract(source, Path(scratch))
            entries = [
                _Entry(stored[e.source], e.name, e.participant, e.submitted_at, e.file_id)
                for e in entries
            ]
        report = CollectReport(assessment, ignored=sorted(ignored))
        due = deadline(workspace, assessment)
        for student, group in _match(entries, roster, report).items():
            report.copies.append(
                _deposit(workspace, assessment, student, group, folder, released, now, replace, due)
            )
    report.copies.sort(key=lambda c: (c.status, c.student or "", c.name))
    return report


def _extract(source: Path, scratch: Path) -> Path:
    """Extract the zip with nbgrader's ``ExtractorPlugin``; returns the folder of its files."""
    archive = scratch / "archive"
    extracted = scratch / "extracted"
    archive.mkdir()
    extracted.mkdir()
    shutil.copy(source, archive / "moodle.zip")
    ExtractorPlugin(zip_ext=[".zip"]).extract(str(archive), str(extracted))
    return extracted / "moodle"


def _match(
    entries: list[_Entry], roster: dict[tuple[str, ...], list[str]], report: CollectReport
) -> dict[str, list[_Entry]]:
    """Matched entries grouped by trainee; the others go to the report."""
    matched: dict[str, list[_Entry]] = defaultdict(list)
    for entry in entries:
        ids = roster.get(name_key(entry.name), [])
        if len(ids) == 1:
            matched[ids[0]].append(entry)
            continue
        if len(ids) > 1:
            report.copies.append(
                CollectedCopy(
                    entry.name,
                    entry.source,
                    None,
                    entry.submitted_at,
                    AMBIGUOUS,
                    "homonymes dans la liste des stagiaires",
                    tuple(ids),
                )
            )
            continue
        if fold(entry.name) == "participant" and entry.participant:
            reason = (
                "copie anonyme (évaluation à l'aveugle dans Moodle) : révélez l'identité des "
                "participants dans le devoir (Réglages › Révéler l'identité des étudiants), "
                "puis téléchargez de nouveau les travaux remis"
            )
        else:
            reason = (
                "aucun stagiaire de ce nom dans la liste : vérifiez l'orthographe, ou "
                "ajoutez-le avec « cpts-training workspace roster »"
            )
        report.copies.append(
            CollectedCopy(entry.name, entry.source, None, entry.submitted_at, UNMATCHED, reason)
        )
    return matched


def _deposit(
    workspace: Path,
    assessment: str,
    student: str,
    group: list[_Entry],
    folder: Path,
    released: list[Path],
    now: dt.datetime,
    replace: bool,
    due: dt.datetime | None,
) -> CollectedCopy:
    """Deposit one trainee's copy with :func:`~.submissions.submit`; never raises."""
    names = {p.name for p in released}
    chosen = group if len(group) == 1 else [e for e in group if e.file_id in names]
    first = group[0]
    if len(chosen) != 1:
        files = ", ".join(e.source for e in group)
        return CollectedCopy(
            first.name,
            files,
            student,
            first.submitted_at,
            REFUSED,
            f"plusieurs carnets pour ce stagiaire ({files}) : gardez le bon et déposez-le "
            f"avec « cpts-training assessment submit {assessment} {student} CARNET »",
        )
    entry = chosen[0]
    late = 0.0 if due is None else max(0.0, (entry.submitted_at - due).total_seconds())
    notebook = folder / entry.source
    deposited = workspace / "submitted" / student / assessment
    existing = [deposited / p.name for p in released if (deposited / p.name).is_file()]

    def outcome(status: str, reason: str = "") -> CollectedCopy:
        return CollectedCopy(
            entry.name,
            entry.source,
            student,
            entry.submitted_at,
            status,
            reason,
            seconds_late=late if status in (DEPOSITED, ALREADY) else 0.0,
        )

    if existing and notebook.is_file():
        if any(p.read_bytes() == notebook.read_bytes() for p in existing):
            return outcome(ALREADY)
        if not replace:
            return outcome(
                REFUSED,
                "une autre copie de ce stagiaire est déjà déposée ; relancez avec --replace "
                "pour la remplacer (l'ancienne sera archivée)",
            )
    try:
        submit(
            workspace,
            assessment,
            student,
            notebook,
            replace=replace,
            now=now,
            submitted_at=entry.submitted_at,
        )
    except CPTSError as error:
        # The copy is named as in the source, not by its temporary extraction path.
        return outcome(REFUSED, str(error).replace(str(notebook.resolve()), entry.source))
    return outcome(DEPOSITED)
