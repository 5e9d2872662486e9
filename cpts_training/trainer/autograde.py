"""Automatic correction of a cohort: several copies at once, each in a sandbox, none lost.

``nbgrader autograde ASSIGNMENT`` grades one copy after another in the trainer's own
environment (nbgrader issue #174), stops at the first copy it cannot process, and,
interrupted, leaves a half-written ``autograded/`` copy that its later runs skip.
Here nbgrader stays the engine, but:

- copies are graded ``workers`` at a time by long-lived grading processes
  (:mod:`.grading_worker`), each running nbgrader's own ``NbGraderAPI.autograde`` copy
  after copy: nbgrader is started once per process, not once per copy. A copy whose
  process ends (crash) or runs over ``copy_timeout`` seconds is failed and the
  process replaced; a copy that met a busy gradebook is tried once more;
- every kernel runs in the sandbox (:mod:`.sandbox`): resource limits, and with
  bubblewrap no network and no access to the workspace; a cell over its time, a
  memory bomb or a kernel that stops costs only the tests after it;
- before nbgrader runs, each copy is checked and, where it is safe, repaired
  (:func:`~.copy_checks.prepare_copy`): a copy nbgrader cannot grade is reported, not
  run; after, the cells the trainee tampered with are named
  (:func:`~.copy_checks.altered_cells`) — nbgrader has graded them with the originals;
- the gradebook is backed up before the first copy (:mod:`.backup`), and the whole
  correction runs under the workspace's lock (:mod:`.workspace_lock`, taken by
  :func:`~.pipeline.autograde`);
- a mark ``.cpts-training/autograde/<évaluation>/<stagiaire>.en-cours`` is written
  before a copy is sent and removed after its success: a copy whose mark is left (the
  run failed, was interrupted or killed) or whose autograded notebook is missing is
  graded again by the next run; each copy's outcome is kept beside it
  (:func:`last_outcome`) for the export and the feedback;
- a copy re-graded with its text unchanged keeps its manual grades final (nbgrader
  would flag them for review, as it rightly does after a new deposit);
- after a new deposit, a written answer graded with the rubric keeps its grade if
  its text is the one graded (same SHA-256 as in the grading journal,
  :func:`~cpts_training.trainer.rubric_grading.restore_journal_grades`); an answer
  whose text changed waits for a new grade, and the copy's line says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook, MissingEntry

from cpts_training.errors import CPTSError
from cpts_training.formatting import format_decimal_fr
from cpts_training.trainer.backup import backup_gradebook
from cpts_training.trainer.copy_checks import altered_cells, describe_alterations, prepare_copy
from cpts_training.trainer.grade_summary import deposit_time
from cpts_training.trainer.nbgrader_runner import (
    die_with_parent,
    nbgrader_environment,
    stop_group,
)
from cpts_training.trainer.rubric_grading import restore_journal_grades
from cpts_training.trainer.sandbox import (
    ENVIRONMENT,
    Sandbox,
    SandboxLimits,
    bubblewrap,
    execution_incidents,
    sandbox_status,
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
    notes: tuple[str, ...] = ()  # repairs, incidents, written answers to grade again
    alterations: tuple[str, ...] = ()  # « q2_test : test modifié »: cells tampered with
    deposit: str = ""  # the graded deposit's time (ISO, UTC), « » if unknown

    def line(self) -> str:
        """The end of the copy's progress line: « corrigée (4,1 s) », followed by what
        the trainer should know: repairs, incidents, cells the trainee altered (graded
        with the original tests), written answers to grade again (« ; q5_note :
        réponse modifiée depuis la note de Claire : à recorriger »)."""
        altered = (
            [f"ALTÉRÉE, corrigée avec les tests d'origine ({', '.join(self.alterations)})"]
            if self.alterations
            else []
        )
        if self.status == KEPT:
            return " ; ".join([KEPT, *altered])
        duration = f"{format_decimal_fr(round(self.seconds, 1), 1)} s"
        if self.status == GRADED:
            return " ; ".join([f"{GRADED} ({duration})", *altered, *self.notes])
        return " ; ".join([f"{FAILED} ({duration}) : {self.reason}", *self.notes])


@dataclass
class AutogradeReport:
    """The outcome of every copy an automatic correction looked at."""

    assessment: str
    outcomes: list[CopyOutcome] = field(default_factory=list)
    sandbox: str = ""  # in French, the protection the copies' kernels had
    workers: int = 0  # grading processes used
    workspace: str = ""  # for the commands the report suggests

    @property
    def altered(self) -> list[CopyOutcome]:
        """The graded copies whose tests, points or locked cells the trainee changed."""
        return [o for o in self.outcomes if o.alterations]

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
        if self.altered:
            names = ", ".join(o.student for o in self.altered)
            parts.append(
                f"{len(self.altered)} copie(s) ALTÉRÉE(S), corrigée(s) avec les tests "
                f"d'origine ({names})"
            )
        return f"Correction automatique de « {self.assessment} » : {' ; '.join(parts)}."

    def failure_details(self) -> str:
        """For each copy not graded: why, what to do, and the end of its own log."""
        blocks = []
        option = f" -w {self.workspace}" if self.workspace else ""
        for outcome in self.failed:
            block = [
                f"Copie de « {outcome.student} » non corrigée : {outcome.reason}",
                *([outcome.detail] if outcome.detail else []),
                "Pour la reprendre : "
                + (
                    ""
                    if outcome.detail
                    else "déposez une copie réparée avec « cpts-training assessment submit "
                    f"{self.assessment} {outcome.student} CARNET --replace{option} », "
                )
                + "puis relancez « cpts-training assessment autograde "
                f"{self.assessment} --student {outcome.student}{option} » (ou retirez-la avec "
                f"« cpts-training assessment withdraw {self.assessment} {outcome.student}"
                f"{option} »).",
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
    """The correction was interrupted (Ctrl+C) while copies were being graded."""

    def __init__(self, report: AutogradeReport, students: list[str]) -> None:
        self.report = report
        done = report.students(GRADED)
        before = f" Copies corrigées avant l'interruption : {', '.join(done)}." if done else ""
        names = ", ".join(f"« {name} »" for name in students) or "aucune"
        super().__init__(
            f"Correction automatique de « {report.assessment} » interrompue ; copie(s) en "
            f"cours, non corrigée(s) : {names}.{before} Relancez « cpts-training assessment "
            f"autograde {report.assessment} » (sans --force) : elle reprendra les copies non "
            "corrigées, sans refaire celles déjà corrigées."
        )


Progress = Callable[[int, int, str, CopyOutcome | None], None]
"""Called with (copies done, number of copies, trainee, outcome) as each copy ends."""


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
    workers: int | None = None,
    cell_timeout: int | None = None,
    isolate: bool = True,
    limits: SandboxLimits | None = None,
) -> AutogradeReport:
    """Grade every deposited copy of ``assessment`` (or ``student``'s), ``workers`` at once.

    A copy already graded and unchanged since is kept, unless ``force``. A copy
    that cannot be graded is reported in the result and the others are graded all
    the same. Ctrl+C stops every grading process and raises :class:`AutogradeInterrupted`.

    ``workers``: grading processes (default: the machine's cores, at most one per
    copy); ``cell_timeout``: seconds a cell may run (default: the workspace's
    ``c.Execute.timeout``); ``copy_timeout``: seconds a whole copy may take (none by
    default); ``isolate``: run the kernels in bubblewrap where it works; ``limits``:
    resource limits of each kernel (:class:`~.sandbox.SandboxLimits`). The report's
    ``sandbox`` says, in French, the protection the copies actually had.
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
    sandbox = Sandbox(
        limits=limits or SandboxLimits(),
        hidden=_hidden_folders(workspace),
        isolate=isolate and bubblewrap() is not None,
    )
    report = AutogradeReport(
        assessment, sandbox=sandbox_status(sandbox, requested=isolate), workspace=str(workspace)
    )
    total = len(students)
    pending: list[_Job] = []
    for name in students:
        outcome = _before_grading(workspace, assessment, name, force)
        if isinstance(outcome, CopyOutcome):
            _record(workspace, report, outcome, total, progress)
        else:
            pending.append(outcome)
    if pending:
        backup_gradebook(workspace, f"avant correction {assessment}")
        pool = _Pool(
            workspace,
            assessment,
            sandbox,
            size=max(1, min(workers or os.cpu_count() or 1, len(pending))),
            copy_timeout=copy_timeout,
            cell_timeout=cell_timeout,
        )
        report.workers = pool.size
        try:
            for job, answer in pool.run(pending):
                outcome = _after_grading(workspace, job, answer)
                _record(workspace, report, outcome, total, progress)
        except KeyboardInterrupt:
            raise AutogradeInterrupted(report, pool.running()) from None
        finally:
            pool.close()
    report.outcomes.sort(key=lambda o: students.index(o.student))
    return report


def _record(
    workspace: Path,
    report: AutogradeReport,
    outcome: CopyOutcome,
    total: int,
    progress: Progress | None,
) -> None:
    if outcome.status != KEPT:
        folder = workspace / "submitted" / outcome.student / report.assessment
        deposited = deposit_time(folder)
        outcome = replace(outcome, deposit=deposited.isoformat() if deposited else "")
        save_outcome(workspace, report.assessment, outcome)
    report.outcomes.append(outcome)
    if progress:
        progress(len(report.outcomes), total, outcome.student, outcome)


def _outcome_file(workspace: Path, assessment: str, student: str) -> Path:
    return workspace / ".cpts-training" / "autograde" / assessment / f"{student}.json"


def save_outcome(workspace: Path, assessment: str, outcome: CopyOutcome) -> None:
    """Keep the copy's last outcome (status, reason, notes, alterations) for the
    exports, the reports and the feedback (:func:`last_outcome`)."""
    path = _outcome_file(workspace, assessment, outcome.student)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {**asdict(outcome), "date": datetime.now(UTC).isoformat(timespec="seconds")}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)


def last_outcome(workspace: Path, assessment: str, student: str) -> CopyOutcome | None:
    """The outcome of the copy's last automatic correction, or None (never graded)."""
    path = _outcome_file(workspace, assessment, student)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    record.pop("date", None)
    for key in ("notes", "alterations"):
        record[key] = tuple(record.get(key) or ())
    try:
        return CopyOutcome(**record)
    except TypeError:
        return None


def _hidden_folders(workspace: Path) -> tuple[str, ...]:
    """What a copy's kernel must not read: the workspace (source, gradebook, other
    copies) and the trainer's home (unless it is the root of the file system)."""
    folders = [workspace.resolve(), Path.home().resolve()]
    return tuple(dict.fromkeys(str(f) for f in folders if f != Path(f.anchor)))


@dataclass
class _Job:
    """A copy sent to a grading process, with what must be put back after it."""

    student: str
    assessment: str
    final_grades: dict[tuple, float]
    mark: Path  # written when the copy is sent, removed when its correction is complete
    notes: tuple[str, ...] = ()
    tries: int = 0


def _before_grading(
    workspace: Path, assessment: str, student: str, force: bool
) -> CopyOutcome | _Job:
    """The copy's outcome if it need not or cannot be graded, else its job."""
    if (
        not force
        and is_up_to_date(workspace, assessment, student)
        and in_gradebook(workspace, assessment, student)
    ):
        previous = last_outcome(workspace, assessment, student)
        deposited = deposit_time(workspace / "submitted" / student / assessment)
        if previous and previous.deposit == (deposited.isoformat() if deposited else ""):
            return CopyOutcome(student, KEPT, alterations=previous.alterations)
        return CopyOutcome(student, KEPT)
    preparation = prepare_copy(workspace, assessment, student)
    if preparation.problem:
        problem = preparation.problem
        return CopyOutcome(
            student, FAILED, reason=problem.reason, detail=problem.detail, notes=preparation.notes
        )
    same_text = is_up_to_date(workspace, assessment, student)
    final_grades = _final_manual_grades(workspace, assessment, student) if same_text else {}
    return _Job(
        student,
        assessment,
        final_grades,
        _mark(workspace, assessment, student),
        notes=preparation.notes,
    )


def in_gradebook(workspace: Path, assessment: str, student: str) -> bool:
    """Whether the gradebook has the copy's correction (not so after restoring an older
    gradebook: the copy must then be graded again)."""
    database = workspace / "gradebook.db"
    if not database.is_file():
        return False
    with Gradebook(f"sqlite:///{database}", COURSE_ID) as gradebook:
        try:
            submission = gradebook.find_submission(assessment, student)
        except MissingEntry:
            return False
        return any(
            grade.auto_score is not None or grade.manual_score is not None
            for notebook in submission.notebooks
            for grade in notebook.grades
        )


def _after_grading(workspace: Path, job: _Job, answer: _Answer) -> CopyOutcome:
    """Check what the grading process did with ``job`` and put back the manual grades."""
    assessment, student = job.assessment, job.student
    log = _log_tail(answer.log)
    if answer.timed_out:  # the process's log says nothing of the copy: not quoted
        reason = (
            "délai dépassé : la correction a été arrêtée après "
            f"{format_decimal_fr(answer.seconds, 0)} s "
            "(une cellule qui ne se termine pas, une boucle sans fin ?)."
        )
        return CopyOutcome(student, FAILED, answer.seconds, reason, notes=job.notes)
    graded = workspace / "autograded" / student / assessment
    missing = [
        name for name in _released_notebooks(workspace, assessment) if not (graded / name).is_file()
    ]
    if not answer.success or missing:
        reason = _failure_reason(answer.log)
        return CopyOutcome(student, FAILED, answer.seconds, reason, log=log, notes=job.notes)
    _restore_final_grades(workspace, assessment, student, job.final_grades)
    try:
        notes = restore_journal_grades(workspace, assessment, student)
    except CPTSError as error:  # a broken journal must not stop the cohort
        notes = [f"notes données avec la grille non vérifiées : {error}"]
    altered = altered_cells(workspace, assessment, student)
    alterations = (describe_alterations(altered),) if altered else ()
    incidents = tuple(execution_incidents(graded))
    _mark(workspace, assessment, student).unlink(missing_ok=True)
    return CopyOutcome(
        student,
        GRADED,
        answer.seconds,
        notes=(*job.notes, *incidents, *notes),
        alterations=alterations,
    )


@dataclass(frozen=True)
class _Answer:
    """What a grading process said of a copy (or what happened to it)."""

    success: bool
    log: str
    seconds: float
    timed_out: bool = False


class _Worker:
    """One grading process (:mod:`.grading_worker`) and the copy it is grading."""

    def __init__(self, workspace: Path, number: int, environment: dict[str, str]) -> None:
        read, write = os.pipe()
        self.log_path = workspace / ".cpts-training" / "autograde" / f"processus-{number}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cpts_training.trainer.grading_worker", str(workspace)]
                + [str(write)],
                cwd=workspace,
                env=environment,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                pass_fds=(write,),
                start_new_session=True,
                preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
            )
        os.close(write)
        self.channel = read
        self.buffer = b""
        self.job: _Job | None = None
        self.started: float | None = None  # when the process began the job

    def send(self, job: _Job, cell_timeout: int | None) -> None:
        self.job, self.started = job, None
        job.mark.parent.mkdir(parents=True, exist_ok=True)
        job.mark.write_text("correction en cours ou interrompue\n", encoding="utf-8")
        request = {
            "assessment": job.assessment,
            "student": job.student,
            "cell_timeout": cell_timeout,
        }
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()

    def messages(self) -> list[dict[str, Any]] | None:
        """The complete messages arrived, or None if the process has ended."""
        chunk = os.read(self.channel, 1 << 16)
        if not chunk:
            return None
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-20000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """End the process: at once if it is grading a copy, else once it has read
        the end of its queue."""
        if self.process.stdin:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        if self.job is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
        if self.process.poll() is None:
            stop_group(self.process, grace=1.0)
        os.close(self.channel)


class _Pool:
    """``size`` grading processes fed from a queue of copies.

    A process that ends (crash) fails its copy and is replaced; a copy running over
    ``copy_timeout`` seconds has its process stopped (its kernel with it), and is
    failed; a copy that met a locked gradebook is tried once more.
    """

    def __init__(
        self,
        workspace: Path,
        assessment: str,
        sandbox: Sandbox,
        size: int,
        copy_timeout: float | None,
        cell_timeout: int | None,
    ) -> None:
        self.workspace, self.assessment, self.size = workspace, assessment, size
        self.copy_timeout, self.cell_timeout = copy_timeout, cell_timeout
        self.environment = nbgrader_environment()
        self.environment[ENVIRONMENT] = sandbox.to_environment()
        self.workers: list[_Worker | None] = [None] * size
        self.selector = selectors.DefaultSelector()

    def running(self) -> list[str]:
        return [w.job.student for w in self.workers if w is not None and w.job is not None]

    def run(self, jobs: list[_Job]) -> Iterator[tuple[_Job, _Answer]]:
        queue = list(jobs)
        while queue or self.running():
            for slot in range(self.size):
                worker = self.workers[slot]
                if queue and (worker is None or worker.job is None):
                    if worker is None:
                        worker = self._start(slot)
                    worker.send(queue.pop(0), self.cell_timeout)
            for key, _ in self.selector.select(timeout=0.5):
                worker = key.data
                messages = worker.messages()
                if messages is None:  # the process ended: its copy fails
                    job = worker.job
                    self._forget(worker)
                    if job is not None:
                        yield job, _Answer(False, worker.log_tail(), self._elapsed(worker))
                    continue
                for message in messages:
                    if "start" in message:
                        worker.started = time.monotonic()
                    elif "student" in message and worker.job is not None:
                        job, worker.job = worker.job, None
                        answer = _Answer(message["success"], message["log"], message["seconds"])
                        if not answer.success and _gradebook_busy(answer.log) and job.tries == 0:
                            job.tries += 1
                            queue.append(job)
                            continue
                        yield job, answer
            for worker in [w for w in self.workers if w is not None]:
                if (
                    worker.job is not None
                    and self.copy_timeout
                    and self._elapsed(worker) > self.copy_timeout
                ):
                    job = worker.job
                    self._forget(worker)
                    yield job, _Answer(False, worker.log_tail(), self._elapsed(worker), True)

    @staticmethod
    def _elapsed(worker: _Worker) -> float:
        return time.monotonic() - worker.started if worker.started else 0.0

    def _start(self, slot: int) -> _Worker:
        worker = _Worker(self.workspace, slot + 1, self.environment)
        self.workers[slot] = worker
        self.selector.register(worker.channel, selectors.EVENT_READ, worker)
        return worker

    def _forget(self, worker: _Worker) -> None:
        self.selector.unregister(worker.channel)
        worker.stop()
        self.workers[self.workers.index(worker)] = None

    def close(self) -> None:
        for worker in [w for w in self.workers if w is not None]:
            self._forget(worker)
        self.selector.close()


def _gradebook_busy(log: str) -> bool:
    return "database is locked" in log


FAILURES = [
    (
        re.compile(r"Kernel died before replying to kernel_info", re.I),
        "le noyau Python n'a pas pu démarrer, avant même la première cellule : la copie n'y "
        "est pour rien. Limite de mémoire trop basse (--memory : 4 096 Mo par défaut) "
        "ou installation abîmée ; relancez avec les réglages par défaut.",
    ),
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
