"""Automatic correction, one copy at a time, so that one bad copy never stops the others.

``nbgrader autograde ASSIGNMENT`` stops at the first copy it cannot process and
grades no later copy; interrupted, it leaves a half-written ``autograded/`` copy
that its later runs skip. Here each copy is graded by its own
``nbgrader autograde ASSIGNMENT --student ID`` run:

- before nbgrader runs, the copy is checked (a readable notebook, no duplicated
  answer cell): a copy nbgrader cannot grade is reported, not run;
- a mark ``.cpts-training/autograde/<évaluation>/<stagiaire>.en-cours`` is written
  before the run and removed after its success: a copy whose mark is left (the run
  failed, was interrupted or killed) or whose autograded notebook is missing is
  graded again (``--force``) by the next run;
- nbgrader runs in a process group of its own, stopped as a whole on Ctrl+C or
  after ``copy_timeout`` seconds;
- a copy re-graded with its text unchanged keeps its manual grades final (nbgrader
  would flag them for review, as it rightly does after a new deposit);
- after a new deposit, a written answer graded with the rubric keeps its grade if
  its text is the one graded (same SHA-256 as in the grading journal,
  :func:`~cpts_training.trainer.rubric_grading.restore_journal_grades`); an answer
  whose text changed waits for a new grade, and the copy's line says so.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from cpts_training.errors import CPTSError
from cpts_training.formatting import format_decimal_fr
from cpts_training.trainer.grade_summary import deposit_time
from cpts_training.trainer.nbgrader_runner import (
    nbgrader_command,
    nbgrader_environment,
    run_in_own_group,
)
from cpts_training.trainer.rubric_grading import restore_journal_grades
from cpts_training.trainer.submissions import (
    duplicate_message,
    duplicated_cells,
    require_identifier,
)
from cpts_training.trainer.workspace import COURSE_ID, require_workspace

GRADED = "corrigée"
KEPT = "déjà corrigée, gardée"
FAILED = "NON CORRIGÉE"

LOG_LINES = 12
"""How many lines of nbgrader's log a failure quotes."""


@dataclass(frozen=True)
class CopyOutcome:
    """What happened to one copy: its trainee, status, duration, and why it failed."""

    student: str
    status: str
    seconds: float = 0.0
    reason: str = ""  # short, for the progress line
    detail: str = ""  # what is wrong and how to fix it, when the reason is not enough
    log: str = ""  # the end of nbgrader's log for this copy
    notes: tuple[str, ...] = ()  # written answers to grade again, and why

    def line(self) -> str:
        """The end of the copy's progress line: « corrigée (4,1 s) », followed by the
        written answers to grade again (« ; q5_note : réponse modifiée depuis la note
        de Claire : à recorriger »)."""
        if self.status == KEPT:
            return KEPT
        duration = f"{format_decimal_fr(round(self.seconds, 1), 1)} s"
        if self.status == GRADED:
            return " ; ".join([f"{GRADED} ({duration})", *self.notes])
        return f"{FAILED} ({duration}) : {self.reason}"


@dataclass
class AutogradeReport:
    """The outcome of every copy an automatic correction looked at."""

    assessment: str
    outcomes: list[CopyOutcome] = field(default_factory=list)

    def students(self, status: str) -> list[str]:
        """The trainees whose copy ended with ``status``."""
        return [o.student for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> list[CopyOutcome]:
        """The copies that could not be graded."""
        return [o for o in self.outcomes if o.status == FAILED]

    def summary(self) -> str:
        """One French sentence: how many copies were graded, kept, not graded."""
        graded, kept = self.students(GRADED), self.students(KEPT)
        parts = [f"{len(graded)} copie(s) corrigée(s)"]
        if kept:
            parts.append(f"{len(kept)} déjà corrigée(s) et inchangée(s), gardée(s)")
        if self.failed:
            names = ", ".join(o.student for o in self.failed)
            parts.append(f"{len(self.failed)} NON corrigée(s) ({names})")
        return f"Correction automatique de « {self.assessment} » : {' ; '.join(parts)}."

    def failure_details(self) -> str:
        """For each copy not graded: why, what to do, and the end of its own log."""
        blocks = []
        for outcome in self.failed:
            block = [
                f"Copie de « {outcome.student} » non corrigée : {outcome.reason}",
                *([outcome.detail] if outcome.detail else []),
                "Pour la reprendre : déposez une copie réparée avec « cpts-training assessment "
                f"submit {self.assessment} {outcome.student} CARNET --replace » (ou retirez-la "
                f"avec « cpts-training assessment withdraw {self.assessment} {outcome.student} »"
                f"), puis relancez « cpts-training assessment autograde {self.assessment} "
                f"--student {outcome.student} ».",
            ]
            if outcome.log:
                block.append(
                    "Détail technique (fin du journal de nbgrader pour cette copie, en anglais) :"
                )
                block.append(outcome.log)
            blocks.append("\n".join(block))
        return "\n\n".join(blocks)


class AutogradeFailed(CPTSError):
    """Some copies could not be graded; the others were (see :attr:`report`)."""

    def __init__(self, report: AutogradeReport) -> None:
        self.report = report
        super().__init__(f"{report.summary()}\n\n{report.failure_details()}")


class AutogradeInterrupted(CPTSError):
    """The correction was interrupted (Ctrl+C) while a copy was being graded."""

    def __init__(self, report: AutogradeReport, student: str) -> None:
        self.report = report
        done = report.students(GRADED)
        before = f" Copies corrigées avant l'interruption : {', '.join(done)}." if done else ""
        super().__init__(
            f"Correction automatique de « {report.assessment} » interrompue pendant la copie "
            f"de « {student} », qui n'est pas corrigée.{before} Relancez la même commande : "
            f"elle reprendra la copie de « {student} » et les suivantes, sans refaire celles "
            "déjà corrigées."
        )


Progress = Callable[[int, int, str, CopyOutcome | None], None]
"""Called with (rank, number of copies, trainee, None) before a copy, and with its outcome."""


def _mark(workspace: Path, assessment: str, student: str) -> Path:
    return workspace / ".cpts-training" / "autograde" / assessment / f"{student}.en-cours"


def _released_notebooks(workspace: Path, assessment: str) -> list[str]:
    return sorted(p.name for p in (workspace / "release" / assessment).glob("*.ipynb"))


def is_complete(workspace: Path, assessment: str, student: str) -> bool:
    """Whether the copy's automatic correction finished (no mark left, notebooks written)."""
    graded = workspace / "autograded" / student / assessment
    if _mark(workspace, assessment, student).exists() or not graded.is_dir():
        return False
    return all((graded / name).is_file() for name in _released_notebooks(workspace, assessment))


def is_up_to_date(workspace: Path, assessment: str, student: str) -> bool:
    """Whether the deposited copy has a complete correction of this very deposit."""
    submitted = workspace / "submitted" / student / assessment
    graded = workspace / "autograded" / student / assessment
    return is_complete(workspace, assessment, student) and (
        deposit_time(graded) == deposit_time(submitted)
    )


def deposited_students(workspace: Path, assessment: str) -> list[str]:
    """Trainees with a deposited copy of ``assessment``, in alphabetical order."""
    return sorted(
        p.parent.name for p in (workspace / "submitted").glob(f"*/{assessment}") if p.is_dir()
    )


def autograde_copies(
    workspace: Path,
    assessment: str,
    student: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    copy_timeout: float | None = None,
) -> AutogradeReport:
    """Grade every deposited copy of ``assessment`` (or ``student``'s), one by one.

    A copy already graded and unchanged since is kept, unless ``force``. A copy
    that cannot be graded is reported in the result and the others are graded all
    the same. Ctrl+C stops nbgrader and raises :class:`AutogradeInterrupted`.
    """
    workspace = require_workspace(workspace)
    students = deposited_students(workspace, assessment)
    if student is not None:
        if student not in students:
            raise CPTSError(
                f"Aucune copie de « {student} » déposée pour « {assessment} ». Copies "
                f"déposées : {', '.join(students) or 'aucune'}."
            )
        students = [student]
    report = AutogradeReport(assessment)
    for rank, name in enumerate(students, start=1):
        if progress:
            progress(rank, len(students), name, None)
        try:
            outcome = _grade_one(workspace, assessment, name, force, copy_timeout)
        except KeyboardInterrupt:
            raise AutogradeInterrupted(report, name) from None
        report.outcomes.append(outcome)
        if progress:
            progress(rank, len(students), name, outcome)
    return report


def _grade_one(
    workspace: Path, assessment: str, student: str, force: bool, copy_timeout: float | None
) -> CopyOutcome:
    if not force and is_up_to_date(workspace, assessment, student):
        return CopyOutcome(student, KEPT)
    problem = _copy_problem(workspace, assessment, student)
    if problem:
        return CopyOutcome(student, FAILED, reason=problem[0], detail=problem[1])
    graded = workspace / "autograded" / student / assessment
    same_text = is_up_to_date(workspace, assessment, student)
    final_grades = _final_manual_grades(workspace, assessment, student) if same_text else {}
    mark = _mark(workspace, assessment, student)
    mark.parent.mkdir(parents=True, exist_ok=True)
    mark.write_text("correction en cours ou interrompue\n", encoding="utf-8")
    arguments = ["autograde", assessment, "--student", student]
    if graded.exists():  # half-written, out of date, or asked for: nbgrader replaces it
        arguments.append("--force")
    finished = run_in_own_group(
        nbgrader_command(*arguments),
        cwd=workspace,
        env=nbgrader_environment(),
        timeout=copy_timeout,
    )
    log = _log_tail(finished.log)
    if finished.timed_out:
        reason = (
            "délai dépassé : la correction a été arrêtée après "
            f"{format_decimal_fr(copy_timeout, 2)} s "
            "(une cellule qui ne se termine pas, une boucle sans fin ?)."
        )
        return CopyOutcome(student, FAILED, finished.seconds, reason, log=log)
    missing = [
        name for name in _released_notebooks(workspace, assessment) if not (graded / name).is_file()
    ]
    if finished.returncode != 0 or missing:
        reason = _failure_reason(finished.log)
        return CopyOutcome(student, FAILED, finished.seconds, reason, log=log)
    _restore_final_grades(workspace, assessment, student, final_grades)
    try:
        notes = restore_journal_grades(workspace, assessment, student)
    except CPTSError as error:  # a broken journal must not stop the cohort
        notes = [f"notes données avec la grille non vérifiées : {error}"]
    mark.unlink()
    return CopyOutcome(student, GRADED, finished.seconds, notes=tuple(notes))


def _copy_problem(workspace: Path, assessment: str, student: str) -> tuple[str, str] | None:
    """Why the deposited copy cannot be graded, found before running nbgrader.

    Returns a short reason and the detail with the fix, or None if nothing is wrong.
    """
    try:
        require_identifier(student, "Identifiant de stagiaire")
    except CPTSError as error:
        return "nom de dossier invalide", (
            f"{error} Déplacez ce dossier de submitted/ hors de l'espace et déposez la copie "
            "sous un identifiant valide."
        )
    folder = workspace / "submitted" / student / assessment
    for name in _released_notebooks(workspace, assessment):
        path = folder / name
        if not path.is_file():
            return f"carnet {name} absent", (
                f"Le carnet {name} manque dans {folder} : déposez la copie avec "
                "« cpts-training assessment submit … --replace »."
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                notebook = nbformat.read(path, as_version=4)
        except Exception:  # nbformat raises several unrelated types
            return "carnet illisible", (
                f"{path} n'est pas un carnet Jupyter lisible (fichier abîmé ou incomplet) : "
                "demandez au stagiaire de renvoyer son fichier .ipynb tel quel."
            )
        duplicates = duplicated_cells(notebook)
        if duplicates:
            cells = ", ".join(f"« {grade_id} »" for grade_id in sorted(duplicates))
            return f"cellule dupliquée {cells}", duplicate_message(duplicates)
    return None


FAILURES = [
    (
        re.compile(r"DeadKernelError|Kernel died|kernel died", re.I),
        "le noyau Python s'est arrêté pendant l'exécution de la copie (mémoire épuisée, "
        "ou code qui fait planter Python).",
    ),
    (
        re.compile(r"UnresponsiveKernelError|Kernel didn't respond|Kernel not responding", re.I),
        "le noyau Python ne répond pas (machine surchargée ?) : relancez plus tard.",
    ),
    (
        re.compile(r"database is locked|sqlite3\.OperationalError", re.I),
        "le carnet de notes (gradebook.db) est occupé ou abîmé : fermez formgrader et relancez.",
    ),
]


def _failure_reason(log: str) -> str:
    """A French reason for a failed nbgrader run, from its log."""
    timeout = re.search(r"timed out.*?after (\d+) seconds", log)
    if timeout:
        return f"une cellule a dépassé le délai de {timeout.group(1)} s (une boucle sans fin ?)."
    for pattern, reason in FAILURES:
        if pattern.search(log):
            return reason
    return "nbgrader n'a pas pu corriger cette copie (voir le détail technique ci-dessous)."


_LOG_WORTH = re.compile(r"Error\b|ERROR|WARNING|Exception\b|Traceback")


def _log_tail(log: str) -> str:
    """The lines of nbgrader's log that say what went wrong (errors, warnings), indented.

    Python's stack frames are left out; without any such line, the last lines are kept.
    """
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    worth = [line for line in lines if _LOG_WORTH.search(line) and not line.startswith("File ")]
    kept = (worth or lines)[-LOG_LINES:]
    return "\n".join(f"    {line[:300]}" for line in kept)


def _final_manual_grades(workspace: Path, assessment: str, student: str) -> dict[tuple, float]:
    """Manual grades of ``student``'s copy that are final (not pending), by cell."""
    database = workspace / "gradebook.db"
    if not database.is_file():
        return {}
    with Gradebook(f"sqlite:///{database}", COURSE_ID) as gradebook:
        try:
            submission = gradebook.find_submission(assessment, student)
        except MissingEntry:
            return {}
        return {
            (notebook.name, grade.name): grade.manual_score
            for notebook in submission.notebooks
            for grade in notebook.grades
            if grade.manual_score is not None and not grade.needs_manual_grade
        }


def _restore_final_grades(
    workspace: Path, assessment: str, student: str, final: dict[tuple, float]
) -> None:
    """After re-grading an unchanged copy, keep its final manual grades final."""
    if not final:
        return
    with Gradebook(f"sqlite:///{workspace / 'gradebook.db'}", COURSE_ID) as gradebook:
        for (notebook, grade_id), score in final.items():
            try:
                grade = gradebook.find_grade(grade_id, notebook, assessment, student)
            except MissingEntry:
                continue
            if grade.manual_score == score:
                grade.needs_manual_grade = False
        gradebook.db.commit()
