"""A cohort is graded copy by copy: a bad or interrupted copy never blocks the others.

One workspace for the module (nbgrader costs seconds per copy): evaluation_00
released once, copies deposited by fictitious trainees. The tests run in order
and each says what state it leaves.
"""

from __future__ import annotations

import copy as copying
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from cpts_training.cli import app
from cpts_training.errors import CPTSError
from cpts_training.jupyter_env import with_interpreter_bin
from cpts_training.trainer.autograde import (
    FAILED,
    GRADED,
    KEPT,
    AutogradeFailed,
    AutogradeInterrupted,
    CopyOutcome,
    is_complete,
)
from cpts_training.trainer.competency_model import build_profile
from cpts_training.trainer.grade_summary import grade_summary
from cpts_training.trainer.grading_state import set_manual_grade
from cpts_training.trainer.nbgrader_runner import run_in_own_group
from cpts_training.trainer.pipeline import autograde, feedback, release, scores
from cpts_training.trainer.submissions import submit, withdraw
from cpts_training.trainer.workspace import init_workspace
from tests.helpers import visible_text

ASSESSMENT = "evaluation_00"
# 52 886 inhabitants, 11.9 % aged 75+, ACI size 2: the 3 autograded points (1 + 1 + 1).
RIGHT = {
    "q1_reponse": 'population_totale = territoire.communes["population"].sum()\n'
    'part_75_plus = round(100 * territoire.communes["pop_75_plus"].sum()'
    " / population_totale, 1)",
    "q2_reponse": "taille_aci = 2",
    "q3_presentation": "La CPTS réunit les professionnels de santé du territoire.",
}

runner = CliRunner()
SLOW = "CPTS_TEST_COPIE_LENTE"  # while set, chloe's copy takes 60 s to run


@dataclass
class Cohort:
    workspace: Path
    folder: Path  # where the trainees' files are
    released: Path

    def copy(self, name: str, answers: dict[str, str], duplicate: str | None = None) -> Path:
        notebook = nbformat.read(self.released, as_version=4)
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = answers[grade_id]
        if duplicate:  # the trainee copied and pasted an answer cell
            index = next(
                i
                for i, cell in enumerate(notebook.cells)
                if cell.metadata.get("nbgrader", {}).get("grade_id") == duplicate
            )
            twin = copying.deepcopy(notebook.cells[index])
            twin["id"] = "copie-collee"
            notebook.cells.insert(index + 1, twin)
        path = self.folder / f"{name}.ipynb"
        nbformat.write(notebook, path)
        return path

    def auto_points(self, student: str) -> float:
        table = scores(self.workspace, ASSESSMENT)
        mine = table[(table["stagiaire"] == student) & (table["type"] == "automatique")]
        return float(mine["points"].sum())


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Cohort:
    tmp = tmp_path_factory.mktemp("promo")
    workspace = init_workspace(tmp / "espace")
    released = release(workspace, ASSESSMENT) / f"{ASSESSMENT}.ipynb"
    return Cohort(workspace, tmp, released)


def deposit_by_hand(cohort: Cohort, student: str, notebook: Path) -> None:
    """Put a copy in submitted/ without the checks of ``submit`` (an older deposit)."""
    folder = cohort.workspace / "submitted" / student / ASSESSMENT
    folder.mkdir(parents=True)
    shutil.copy(notebook, folder / f"{ASSESSMENT}.ipynb")
    (folder / "timestamp.txt").write_text("2026-11-30 09:00:00.000000 UTC", encoding="utf-8")


def press_ctrl_c() -> None:
    """What Ctrl+C does in a terminal: SIGINT to the command's (main) thread."""
    signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)


# --- 1. A duplicated answer cell --------------------------------------------------------


def test_submit_refuses_a_duplicated_answer_cell(cohort: Cohort) -> None:
    twin = cohort.copy("bob", RIGHT, duplicate="q2_reponse")
    with pytest.raises(CPTSError) as error:
        submit(cohort.workspace, ASSESSMENT, "bob", twin)
    message = str(error.value)
    assert "dupliquée dans la copie : « q2_reponse » (2 fois)" in message
    assert "supprimer le double" in message and "n'est pas déposée" in message
    assert not (cohort.workspace / "submitted" / "bob").exists()


def test_one_bad_copy_does_not_stop_the_cohort(cohort: Cohort) -> None:
    # Leaves: alice and zoe graded (3 points each); bob's duplicated copy deposited.
    submit(cohort.workspace, ASSESSMENT, "alice", cohort.copy("alice", RIGHT))
    deposit_by_hand(cohort, "bob", cohort.copy("bob", RIGHT, duplicate="q2_reponse"))
    submit(cohort.workspace, ASSESSMENT, "zoe", cohort.copy("zoe", RIGHT))
    seen: list[tuple[int, int, str, str | None]] = []

    def progress(rank: int, total: int, student: str, outcome: CopyOutcome | None) -> None:
        seen.append((rank, total, student, outcome and outcome.status))

    with pytest.raises(AutogradeFailed) as error:
        autograde(cohort.workspace, ASSESSMENT, progress=progress)
    # One call per copy as it ends: bob, refused before running, ends first; alice
    # and zoe are graded at the same time, in any order.
    assert seen[0] == (1, 3, "bob", FAILED)
    assert sorted(seen[1:]) == [(2, 3, "alice", GRADED), (3, 3, "zoe", GRADED)] or sorted(
        seen[1:]
    ) == [(2, 3, "zoe", GRADED), (3, 3, "alice", GRADED)]
    # zoe comes after bob alphabetically: she is graded all the same.
    assert cohort.auto_points("alice") == 3 and cohort.auto_points("zoe") == 3
    message = str(error.value)
    assert "2 copie(s) corrigée(s) ; 1 NON corrigée(s) (bob)" in message
    assert "Copie de « bob » non corrigée : cellule dupliquée « q2_reponse »" in message
    assert "--student bob" in message and "withdraw evaluation_00 bob" in message
    assert "Les autres copies sont corrigées" not in message
    assert "old version of the metadata format" not in message


def test_cli_names_the_failed_copy_and_grades_nothing_twice(cohort: Cohort) -> None:
    # alice and zoe are up to date: kept without running nbgrader; bob still fails.
    result = runner.invoke(
        app, ["assessment", "autograde", ASSESSMENT, "-w", str(cohort.workspace)]
    )
    assert result.exit_code == 1
    assert "[1/3] alice : déjà corrigée, gardée\n" in result.output
    assert "[2/3] bob : NON CORRIGÉE (0 s) : cellule dupliquée « q2_reponse »" in result.output
    assert "[3/3] zoe : déjà corrigée, gardée\n" in result.output
    assert "alice : 3 / 6 points (1 réponse(s) à corriger à la main)" in result.output
    assert "0 copie(s) corrigée(s) ; 2 déjà corrigée(s)" in result.output
    assert "Traceback" not in result.output


def test_progress_line_of_a_graded_copy() -> None:
    assert CopyOutcome("dupont-marie", GRADED, 4.06).line() == "corrigée (4,1 s)"


@pytest.mark.parametrize(
    ("log", "reason"),
    [
        (
            "[AutogradeApp | ERROR] nbclient.exceptions.DeadKernelError: Kernel died",
            "le noyau Python s'est arrêté",
        ),
        (
            "nbclient.exceptions.CellTimeoutError: A cell timed out while it was being "
            "executed, after 120 seconds.",
            "une cellule a dépassé le délai de 120 s",
        ),
        ("sqlite3.OperationalError: database is locked", "gradebook.db) est occupé"),
        ("[AutogradeApp | ERROR] Something else", "nbgrader n'a pas pu corriger cette copie"),
    ],
)
def test_failure_reasons_are_french(log: str, reason: str) -> None:
    from cpts_training.trainer.autograde import _failure_reason

    assert reason in _failure_reason(log)


def test_withdraw_archives_the_copy_and_unblocks_the_cohort(cohort: Cohort) -> None:
    # Leaves: bob's copy withdrawn (archived); alice and zoe graded.
    submitted = cohort.workspace / "submitted" / "bob" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    content = submitted.read_bytes()
    archive = withdraw(cohort.workspace, ASSESSMENT, "bob")
    assert archive.parent == cohort.workspace / "archives" / "bob"
    assert (archive / "submitted" / f"{ASSESSMENT}.ipynb").read_bytes() == content
    assert not submitted.parent.exists()
    report = autograde(cohort.workspace, ASSESSMENT)
    assert [(o.student, o.status) for o in report.outcomes] == [("alice", KEPT), ("zoe", KEPT)]
    with pytest.raises(CPTSError, match="Aucune copie de « bob » déposée"):
        withdraw(cohort.workspace, ASSESSMENT, "bob")


# --- 2. An interrupted correction -------------------------------------------------------


def test_ctrl_c_stops_the_whole_process_group(tmp_path: Path) -> None:
    # A child that starts a grandchild which would write a file 2 s later, as nbgrader
    # would write grades after the trainer pressed Ctrl+C.
    late = tmp_path / "ecrit-trop-tard"
    grandchild = f"import time; time.sleep(2); open({str(late)!r}, 'w').write('x')"
    script = (
        "import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', {grandchild!r}])\n"
        "time.sleep(60)\n"
    )
    timer = threading.Timer(0.5, press_ctrl_c)
    timer.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_in_own_group([sys.executable, "-c", script], cwd=tmp_path)
    assert time.monotonic() - start < 10
    time.sleep(2.5)
    assert not late.exists()
    # Without the interruption, the grandchild does write the file: the test can fail.
    finished = run_in_own_group(
        [sys.executable, "-c", script.replace("time.sleep(60)", "time.sleep(3)")], cwd=tmp_path
    )
    assert finished.returncode == 0 and late.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_killing_the_command_outright_stops_its_child(tmp_path: Path) -> None:
    # The trainer's command killed with kill -9 (no chance to clean up): the command it
    # started must not go on grading alone.
    pid_file = tmp_path / "enfant.pid"
    child = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    command = (
        "import sys\n"
        "from pathlib import Path\n"
        "from cpts_training.trainer.nbgrader_runner import run_in_own_group\n"
        f"run_in_own_group([sys.executable, '-c', {child!r}], cwd=Path({str(tmp_path)!r}))\n"
    )
    trainer = subprocess.Popen([sys.executable, "-c", command], env=with_interpreter_bin())
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline and trainer.poll() is None
        time.sleep(0.2)
    grandchild = int(pid_file.read_text())
    os.kill(trainer.pid, signal.SIGKILL)
    trainer.wait()
    deadline = time.monotonic() + 10
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not reaped, does not count)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"


def test_an_interrupted_or_half_written_copy_is_graded_by_the_next_run(
    cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chloe's copy is right, but runs 60 s while SLOW is set.
    slow = dict(RIGHT)
    slow["q1_reponse"] = (
        f"import os, time\nif os.environ.get({SLOW!r}):\n    time.sleep(60)\n" + RIGHT["q1_reponse"]
    )
    submit(cohort.workspace, ASSESSMENT, "chloe", cohort.copy("chloe", slow))
    # The copy runs in the sandbox, which sees no file of the test: the variable, which
    # its kernel inherits, says « slow ».
    monkeypatch.setenv(SLOW, "1")

    # Ctrl+C while nbgrader grades chloe's copy (60 s).
    threading.Timer(10.0, press_ctrl_c).start()
    with pytest.raises(AutogradeInterrupted, match="en cours, non corrigée\\(s\\) : « chloe »"):
        autograde(cohort.workspace, ASSESSMENT, student="chloe")
    assert not is_complete(cohort.workspace, ASSESSMENT, "chloe")

    # A copy that runs longer than the time allowed is stopped and named.
    with pytest.raises(AutogradeFailed) as error:
        autograde(cohort.workspace, ASSESSMENT, student="chloe", copy_timeout=3)
    assert "Copie de « chloe » non corrigée : délai dépassé" in str(error.value)
    assert "après 3 s" in str(error.value)
    assert not is_complete(cohort.workspace, ASSESSMENT, "chloe")
    # Until then, chloe's copy counts as not corrected; her feedback says so, and why.
    summary = grade_summary(cohort.workspace).set_index("stagiaire")
    assert summary.loc["chloe", "statut"] == "déposée, non corrigée"
    assert summary.loc["chloe", "signalements"].startswith("non corrigée : délai dépassé")
    pages = feedback(cohort.workspace, ASSESSMENT)
    assert [page.parts[-3] for page in pages] == ["alice", "chloe", "zoe"]
    text = visible_text(pages[1].read_text(encoding="utf-8"))
    assert "votre copie n'a pas pu être corrigée" in text and "délai dépassé" in text
    assert "Note obtenue" not in text

    # zoe's autograded copy half-written, as an older run killed with kill -9 left it:
    # its folder is there but not its notebook (nbgrader writes it last).
    (cohort.workspace / "autograded" / "zoe" / ASSESSMENT / f"{ASSESSMENT}.ipynb").unlink()

    monkeypatch.delenv(SLOW)
    report = autograde(cohort.workspace, ASSESSMENT)
    assert [(o.student, o.status) for o in report.outcomes] == [
        ("alice", KEPT),
        ("chloe", GRADED),
        ("zoe", GRADED),
    ]
    assert cohort.auto_points("chloe") == 3 and cohort.auto_points("zoe") == 3
    assert is_complete(cohort.workspace, ASSESSMENT, "chloe")


# --- 3. A manual grade after a new deposit ----------------------------------------------


def test_a_replaced_copy_shows_its_former_manual_grade_as_pending_everywhere(
    cohort: Cohort,
) -> None:
    workspace = cohort.workspace
    page = workspace / "feedback" / "alice" / ASSESSMENT / f"{ASSESSMENT}.html"
    set_manual_grade(workspace, ASSESSMENT, "alice", "q3_presentation", 2.5)
    feedback(workspace, ASSESSMENT, student="alice")
    text = visible_text(page.read_text(encoding="utf-8"))
    assert "Note obtenue : 5,5 / 6 points" in text  # 3 automatic + 2,5 by hand
    assert "Réponse rédigée : 2,5 / 3 points" in text and "provisoire" not in text

    # Forced re-grade of the same copy: the manual grade stays final.
    report = autograde(workspace, ASSESSMENT, student="alice", force=True)
    assert [(o.student, o.status) for o in report.outcomes] == [("alice", GRADED)]
    summary = grade_summary(workspace).set_index("stagiaire")
    assert summary.loc["alice", ["statut", "points"]].tolist() == ["corrigée", 5.5]

    # A new text deposited with --replace: the 2,5 was given to the former one.
    new_text = dict(RIGHT, q3_presentation="Une CPTS coordonne les soins de ville.")
    submit(workspace, ASSESSMENT, "alice", cohort.copy("alice-v2", new_text), replace=True)
    autograde(workspace, ASSESSMENT, student="alice")
    feedback(workspace, ASSESSMENT, student="alice")
    text = visible_text(page.read_text(encoding="utf-8"))
    assert "Une CPTS coordonne les soins de ville." in text
    assert "Note obtenue : 3 / 6 points" in text  # the former 2,5 is not counted
    assert "Note provisoire : 1 réponse (3 points) en attente de correction" in text
    assert "Réponse rédigée : en attente de correction (sur 3 points)" in text
    assert "2,5 / 3" not in text
    summary = grade_summary(workspace).set_index("stagiaire")
    assert summary.loc["alice", ["statut", "points", "reponses_a_corriger"]].tolist() == [
        "en attente de correction",
        3.0,
        1,
    ]
    proofs = build_profile(workspace).evidence
    written = proofs[(proofs["stagiaire"] == "alice") & (proofs["cellule"] == "q3_presentation")]
    # The former copy stays evidence as attempt 1 (2,5 by hand); the new one waits.
    former = written[written["tentative"] == 1]
    assert not former["en_attente"].any() and (former["points"] == 2.5).all()
    current = written[written["tentative"] == 2]
    assert len(current) > 0 and current["en_attente"].all() and current["points"].sum() == 0

    # The trainer grades the new text: final everywhere.
    set_manual_grade(workspace, ASSESSMENT, "alice", "q3_presentation", 1)
    feedback(workspace, ASSESSMENT, student="alice")
    text = visible_text(page.read_text(encoding="utf-8"))
    assert "Note obtenue : 4 / 6 points" in text and "provisoire" not in text
    summary = grade_summary(workspace).set_index("stagiaire")
    assert summary.loc["alice", ["statut", "points"]].tolist() == ["corrigée", 4.0]


# --- 4. Trainee ids -----------------------------------------------------------------------


@pytest.mark.parametrize("student", ["dupont-marie\n", "dupont-marie ", "\tdupont-marie"])
def test_an_id_with_a_newline_or_a_space_is_refused(cohort: Cohort, student: str) -> None:
    notebook = cohort.copy("dupont", RIGHT)
    with pytest.raises(CPTSError, match="par exemple « dupont-marie »") as error:
        submit(cohort.workspace, ASSESSMENT, student, notebook)
    assert "\n" not in str(error.value)  # shown escaped, « dupont-marie\\n »
    assert not (cohort.workspace / "submitted" / student).exists()


def test_a_look_alike_id_is_deposited_with_a_warning(cohort: Cohort) -> None:
    notebook = cohort.copy("dupont", RIGHT)
    first = submit(cohort.workspace, "evaluation_00", "dupont-marie", notebook)
    assert first.warnings == ()
    for look_alike in ("dupont_marie", "dupont.marie", "dupontmarie", "dupont-marie2"):
        deposit = submit(cohort.workspace, ASSESSMENT, look_alike, notebook)
        (warning,) = deposit.warnings
        assert f"« {look_alike} » est nouveau mais ressemble à « dupont-marie »" in warning
        withdraw(cohort.workspace, ASSESSMENT, look_alike)
    assert submit(cohort.workspace, ASSESSMENT, "durand-paul", notebook).warnings == ()
    for student in ("dupont-marie", "durand-paul"):
        withdraw(cohort.workspace, ASSESSMENT, student)


def test_a_copy_folder_with_a_bad_name_is_reported_not_run(cohort: Cohort) -> None:
    # A folder made by hand (or by a script) under an id ending in a newline: reported,
    # and the other copies (all up to date here) are not held up.
    folder = cohort.workspace / "submitted" / "dupont-marie\n" / ASSESSMENT
    folder.mkdir(parents=True)
    shutil.copy(cohort.released, folder)
    try:
        with pytest.raises(AutogradeFailed) as error:
            autograde(cohort.workspace, ASSESSMENT)
    finally:
        shutil.move(str(folder.parent), str(cohort.folder / "mis-de-cote"))
    statuses = {o.student: o.status for o in error.value.report.outcomes}
    assert statuses == {"alice": KEPT, "chloe": KEPT, "dupont-marie\n": FAILED, "zoe": KEPT}
    (failed,) = error.value.report.failed
    assert failed.reason == "nom de dossier invalide"
    assert "« dupont-marie\\n » invalide" in str(error.value)
    assert not (cohort.workspace / "autograded" / "dupont-marie\n").exists()
