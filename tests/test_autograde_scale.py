"""A cohort graded in parallel, in the sandbox, with every kind of bad copy at once.

One workspace for the module: evaluation_00 released once; sixteen copies deposited,
good and bad; ONE parallel autograde (2 processes) grades them all, and each test reads
what it did to one copy. The scores of the good copies are compared with nbgrader's
own sequential ``nbgrader autograde`` on a copy of the same workspace.

evaluation_00 has three automatic points: q1_population (1), q1_part_75 (1), q2_taille
(1); and q3_presentation (3 points), graded by hand.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from cpts_training.jupyter_env import with_interpreter_bin
from cpts_training.trainer.autograde import FAILED, GRADED, AutogradeFailed, AutogradeReport
from cpts_training.trainer.backup import list_backups
from cpts_training.trainer.grade_summary import grade_summary
from cpts_training.trainer.pipeline import autograde, feedback, release
from cpts_training.trainer.sandbox import MEBIBYTE, SandboxLimits, bubblewrap
from cpts_training.trainer.submissions import submit
from cpts_training.trainer.workspace import COURSE_ID, init_workspace
from cpts_training.trainer.workspace_lock import lock_holder
from tests.helpers import visible_text

ASSESSMENT = "evaluation_00"
Q1 = (
    'population_totale = territoire.communes["population"].sum()\n'
    'part_75_plus = round(100 * territoire.communes["pop_75_plus"].sum()'
    " / population_totale, 1)"
)
RIGHT = {"q1_reponse": Q1, "q2_reponse": "taille_aci = 2"}
CELL_TIMEOUT = 10  # seconds a cell may run here (a loaded machine needs 5 to load the data)
MEMORY = 1024  # MiB for each kernel here


def requires_bubblewrap() -> None:
    """The sandbox's isolation is tested wherever bubblewrap works (CI installs it)."""
    if bubblewrap() is None:
        if os.environ.get("CPTS_REQUIRE_SANDBOX"):
            pytest.fail("bubblewrap doit fonctionner ici (CPTS_REQUIRE_SANDBOX=1).")
        pytest.skip("bubblewrap absent ou refusé sur cette machine")


class Listener:
    """A TCP server on the host's loopback that counts the connections it gets."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.server.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.server.close()


@dataclass
class Graded:
    workspace: Path
    reference: Path  # the same copies, graded by nbgrader's own sequential autograde
    report: AutogradeReport
    listener: Listener
    seconds: float

    def outcome(self, student: str):  # noqa: ANN201 - CopyOutcome
        (found,) = [o for o in self.report.outcomes if o.student == student]
        return found

    def points(self, student: str, workspace: Path | None = None) -> dict[str, float]:
        """The automatic points of each test cell."""
        with Gradebook(f"sqlite:///{workspace or self.workspace}/gradebook.db", COURSE_ID) as gb:
            submission = gb.find_submission(ASSESSMENT, student)
            return {
                grade.name: grade.auto_score
                for notebook in submission.notebooks
                for grade in notebook.grades
                if grade.name in TESTS
            }

    def graded_notebook(self, student: str) -> nbformat.NotebookNode:
        path = self.workspace / "autograded" / student / ASSESSMENT / f"{ASSESSMENT}.ipynb"
        return nbformat.read(path, as_version=4)

    def outputs(self, student: str, grade_id: str) -> str:
        for cell in self.graded_notebook(student).cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return json.dumps(cell.get("outputs", []), ensure_ascii=False)
        raise AssertionError(grade_id)


def answered(released: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    notebook = nbformat.read(released, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return notebook


def deposit(workspace: Path, student: str, files: dict[str, bytes]) -> None:
    """Put files in submitted/ as an LMS or nbgrader's exchange would: no check."""
    folder = workspace / "submitted" / student / ASSESSMENT
    folder.mkdir(parents=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    (folder / "timestamp.txt").write_text("2026-11-30 09:00:00.000000 UTC", encoding="utf-8")


GOOD = ("juste", "faux", "partiel")
TESTS = ("q1_population", "q1_part_75", "q2_taille")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    tmp = tmp_path_factory.mktemp("cohorte")
    workspace = init_workspace(tmp / "espace")
    released = release(workspace, ASSESSMENT) / f"{ASSESSMENT}.ipynb"
    listener = Listener()

    def notebook(answers: dict[str, str]) -> bytes:
        return nbformat.writes(answered(released, answers)).encode()

    # Good copies, deposited with the trainer's own command.
    copies = {
        "juste": RIGHT,
        "faux": {"q1_reponse": Q1.replace(", 1)", ", 0)"), "q2_reponse": "taille_aci = 3"},
        "partiel": {"q1_reponse": Q1, "q2_reponse": "taille_aci = 4"},
    }
    for student, answers in copies.items():
        path = tmp / f"{student}.ipynb"
        path.write_bytes(notebook(answers))
        submit(workspace, ASSESSMENT, student, path)
    # nbgrader's own sequential autograde of the same good copies, for comparison.
    reference = tmp / "reference"
    shutil.copytree(workspace, reference)
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", ASSESSMENT],
        cwd=reference,
        env=with_interpreter_bin(),
        check=True,
        capture_output=True,
    )

    secret = workspace / "gradebook.db"
    outside = workspace / "ecrit-hors-de-sa-copie.txt"
    spy = (
        "import socket\nvus = []\n"
        f"for chemin in [{str(secret)!r}, {str(workspace / 'source' / ASSESSMENT)!r} + "
        f"'/{ASSESSMENT}.ipynb', {str(workspace / 'submitted' / 'juste')!r}]:\n"
        "    try:\n        open(chemin, 'rb').read(10)\n        vus.append(chemin)\n"
        "    except OSError as erreur:\n        print('lecture refusée', type(erreur).__name__)\n"
        "try:\n"
        f"    open({str(outside)!r}, 'w').write('x')\n"
        "except OSError as erreur:\n    print('écriture refusée', type(erreur).__name__)\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {listener.port}), timeout=2)\n"
        "except OSError as erreur:\n    print('réseau refusé', type(erreur).__name__)\n"
        "print('vus :', vus)\n"
    )
    bad = {
        "boucle": dict(RIGHT, q1_reponse=Q1 + "\nwhile True:\n    pass"),
        "memoire": dict(RIGHT, q1_reponse=Q1 + "\nbloc = bytearray(2 * 1024 ** 3)"),
        "arret": dict(RIGHT, q2_reponse="import os\nos._exit(1)"),
        "bavard": dict(RIGHT, q1_reponse=Q1 + "\nprint('x' * 50_000_000)"),
        "curieux": dict(RIGHT, q1_reponse=Q1 + "\n" + spy),
    }
    for student, answers in bad.items():
        deposit(workspace, student, {f"{ASSESSMENT}.ipynb": notebook(answers)})
    deposit(workspace, "vide", {f"{ASSESSMENT}.ipynb": b""})
    deposit(workspace, "abime", {f"{ASSESSMENT}.ipynb": notebook(RIGHT)[:-200]})
    tampered = answered(released, RIGHT)
    for cell in tampered.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q2_taille":
            cell.source = "assert True"
            cell.metadata.nbgrader["points"] = 10
    deposit(workspace, "triche", {f"{ASSESSMENT}.ipynb": nbformat.writes(tampered).encode()})
    # Repairable copies: renamed, saved in Windows-1252, an old format, a test deleted.
    deposit(workspace, "renomme", {f"{ASSESSMENT} (1).ipynb": notebook(RIGHT)})
    accented = dict(RIGHT, q2_reponse="taille_aci = 2  # réponse vérifiée")
    # Saved by a Windows editor: the answer's accents in Windows-1252 (the rest of the
    # notebook, written as JSON escapes, is plain ASCII).
    escaped = json.dumps(answered(released, accented), ensure_ascii=True)
    windows = escaped.replace("r\\u00e9ponse v\\u00e9rifi\\u00e9e", "réponse vérifiée")
    assert windows != escaped
    deposit(workspace, "windows", {f"{ASSESSMENT}.ipynb": windows.encode("cp1252")})
    old = nbformat.writes(nbformat.convert(answered(released, RIGHT), 3), version=3)
    deposit(workspace, "ancien", {f"{ASSESSMENT}.ipynb": old.encode()})
    deleted = answered(released, RIGHT)
    deleted.cells = [
        c for c in deleted.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "q2_taille"
    ]
    deposit(workspace, "supprime", {f"{ASSESSMENT}.ipynb": nbformat.writes(deleted).encode()})
    # Two deposits by one trainee: a wrong one, then a right one with --replace.
    for version, answers in enumerate([copies["faux"], RIGHT], start=1):
        path = tmp / f"double-{version}.ipynb"
        path.write_bytes(notebook(answers))
        submit(workspace, ASSESSMENT, "double", path, replace=version > 1)

    start = time.monotonic()
    try:
        report = autograde(
            workspace,
            ASSESSMENT,
            workers=2,
            cell_timeout=CELL_TIMEOUT,
            limits=SandboxLimits(memory_bytes=MEMORY * MEBIBYTE),
        )
    except AutogradeFailed as error:
        report = error.report
    seconds = time.monotonic() - start
    listener.close()
    return Graded(workspace, reference, report, listener, seconds)


def test_parallel_scores_are_nbgrader_s_own(graded: Graded) -> None:
    for student in GOOD:
        assert graded.outcome(student).status == GRADED
        assert graded.points(student) == graded.points(student, graded.reference)
    # By hand: juste gets 1 + 1 + 1; faux 1 + 0 + 0 (part rounded to a whole number
    # is 12, outside 11.9 ± 0.05; size 3); partiel 1 + 1 + 0 (size 4).
    assert sum(graded.points("juste").values()) == 3
    assert graded.points("faux") == {"q1_population": 1, "q1_part_75": 0, "q2_taille": 0}
    assert sum(graded.points("partiel").values()) == 2
    assert graded.report.workers == 2


def test_an_endless_cell_is_stopped_and_the_rest_is_graded(graded: Graded) -> None:
    outcome = graded.outcome("boucle")
    assert outcome.status == GRADED
    assert "« q1_reponse » arrêtée : délai par cellule dépassé" in outcome.line()
    # q1's tests find their variables (set before the loop); q2 is right.
    assert graded.points("boucle") == {"q1_population": 1, "q1_part_75": 1, "q2_taille": 1}


def test_a_memory_bomb_meets_the_limit(graded: Graded) -> None:
    outcome = graded.outcome("memoire")
    assert outcome.status == GRADED
    assert "« q1_reponse » : mémoire épuisée" in outcome.line()
    assert "MemoryError" in graded.outputs("memoire", "q1_reponse")


def test_a_kernel_that_dies_costs_only_the_later_tests(graded: Graded) -> None:
    outcome = graded.outcome("arret")
    assert outcome.status == GRADED
    assert "le noyau Python s'est arrêté pendant « q2_reponse »" in outcome.line()
    # q1 graded before the stop (1 + 1), q2_taille after it: 0.
    assert graded.points("arret") == {"q1_population": 1, "q1_part_75": 1, "q2_taille": 0}
    assert "Non exécutée" in graded.outputs("arret", "q2_taille")


def test_50_mb_of_output_are_cut(graded: Graded) -> None:
    assert graded.outcome("bavard").status == GRADED
    assert sum(graded.points("bavard").values()) == 3
    path = graded.workspace / "autograded" / "bavard" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    assert path.stat().st_size < 1_000_000
    assert "sortie tronquée (50\u202f000\u202f001 caractères au total)" in graded.outputs(
        "bavard", "q1_reponse"
    )


def test_a_copy_cannot_read_the_workspace_write_outside_or_reach_the_network(
    graded: Graded,
) -> None:
    requires_bubblewrap()
    assert graded.outcome("curieux").status == GRADED
    assert sum(graded.points("curieux").values()) == 3
    printed = graded.outputs("curieux", "q1_reponse")
    assert printed.count("lecture refusée") == 3, printed
    assert "écriture refusée" in printed and "réseau refusé" in printed
    assert "vus : []" in printed
    assert graded.listener.connections == 0
    assert not (graded.workspace / "ecrit-hors-de-sa-copie.txt").exists()
    assert "isolées avec bubblewrap" in graded.report.sandbox


def test_unreadable_copies_are_named_and_the_others_graded(graded: Graded) -> None:
    for student in ("vide", "abime"):
        outcome = graded.outcome(student)
        assert outcome.status == FAILED
        assert not (graded.workspace / "autograded" / student).exists()
    assert {o.student for o in graded.report.failed} == {"vide", "abime"}
    assert graded.outcome("vide").reason == "carnet vide (0 octet)"
    assert graded.outcome("abime").reason.startswith("JSON invalide (ligne")
    # The trainee gets a French page saying so; the export says why.
    (page,) = feedback(graded.workspace, ASSESSMENT, student="vide")
    text = visible_text(page.read_text(encoding="utf-8"))
    assert "votre copie n'a pas pu être corrigée" in text
    assert "Raison : carnet vide (0 octet)" in text
    summary = grade_summary(graded.workspace).set_index("stagiaire")
    assert summary.loc["vide", "statut"] == "déposée, non corrigée"
    assert summary.loc["vide", "signalements"] == "non corrigée : carnet vide (0 octet)"


def test_a_tampered_test_is_graded_with_the_original_and_reported(graded: Graded) -> None:
    outcome = graded.outcome("triche")
    assert outcome.status == GRADED
    # nbgrader puts the original test back: the right answer gets its 1 point, not 10.
    assert graded.points("triche")["q2_taille"] == 1
    assert "ALTÉRÉE" in outcome.line()
    assert "q2_taille : test modifié" in outcome.line()
    assert "q2_taille : points modifiés (1 → 10)" in outcome.line()
    # The copy whose test cell was deleted is named too.
    assert "2 copie(s) ALTÉRÉE(S), corrigée(s) avec les tests d'origine (supprime, triche)" in (
        graded.report.summary()
    )
    summary = grade_summary(graded.workspace).set_index("stagiaire")
    assert "q2_taille : test modifié" in summary.loc["triche", "cellules_modifiees"]
    assert summary.loc["juste", "cellules_modifiees"] == ""
    assert "le noyau Python s'est arrêté" in summary.loc["arret", "signalements"]


@pytest.mark.parametrize(
    ("student", "note"),
    [
        ("renomme", "carnet rendu sous le nom « evaluation_00 (1).ipynb »"),
        ("windows", "texte enregistré en Windows-1252, réencodé en UTF-8"),
        ("ancien", "format de carnet ancien (v3) converti"),
        ("supprime", "cellule notée supprimée : q2_taille (remise d'après le sujet)"),
    ],
)
def test_a_repairable_copy_is_repaired_graded_and_its_original_kept(
    graded: Graded, student: str, note: str
) -> None:
    outcome = graded.outcome(student)
    assert outcome.status == GRADED
    assert note in outcome.line()
    # The put-back test runs against the right answer: all 3 points.
    assert sum(graded.points(student).values()) == 3
    originals = graded.workspace / "archives" / "originaux" / student / ASSESSMENT
    assert any(originals.glob("*.ipynb"))


def test_the_latest_of_two_deposits_is_graded_and_the_first_kept(graded: Graded) -> None:
    assert graded.outcome("double").status == GRADED
    assert sum(graded.points("double").values()) == 3  # the second, right copy
    (archived,) = (graded.workspace / "archives" / "double").glob(
        f"{ASSESSMENT}-*/{ASSESSMENT}.ipynb"
    )
    first = nbformat.read(archived, as_version=4)
    assert "taille_aci = 3" in json.dumps(first)


def test_the_gradebook_is_consistent_and_was_backed_up_first(graded: Graded) -> None:
    with sqlite3.connect(graded.workspace / "gradebook.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    backups = list_backups(graded.workspace)
    assert any("avant-correction-evaluation-00" in b.name for b in backups), backups


# --- Interrupted by kill -9, then resumed (runs after the cohort above) -----------------


def _processes_of(workspace: Path) -> list[str]:
    """Command lines of the live processes started for ``workspace``'s correction."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and str(workspace) in command and "pytest" not in command:
            found.append(command)
    return found


def test_kill_9_leaves_a_consistent_gradebook_and_the_next_run_resumes(graded: Graded) -> None:
    workspace = graded.workspace
    released = workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    slow = dict(RIGHT, q2_reponse="import time\ntime.sleep(4)\ntaille_aci = 2")
    students = [f"lent-{n}" for n in range(1, 4)]
    for student in students:
        path = workspace.parent / f"{student}.ipynb"
        nbformat.write(answered(released, slow), path)
        submit(workspace, ASSESSMENT, student, path)
    command = [sys.executable, "-m", "cpts_training", "assessment", "autograde", ASSESSMENT]
    trainer = subprocess.Popen(
        [*command, "-w", str(workspace), "--workers", "2"],
        env=with_interpreter_bin(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    outcomes = workspace / ".cpts-training" / "autograde" / ASSESSMENT
    deadline = time.monotonic() + 180
    while not any((outcomes / f"{s}.json").exists() for s in students):
        assert time.monotonic() < deadline and trainer.poll() is None
        time.sleep(0.2)
    os.kill(trainer.pid, 9)  # the trainer's command killed outright, mid-cohort
    trainer.wait()
    done = [s for s in students if (outcomes / f"{s}.json").exists()]
    assert 1 <= len(done) < len(students)
    # Its grading processes and their kernels stop with it.
    deadline = time.monotonic() + 15
    while _processes_of(workspace) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _processes_of(workspace) == []
    with sqlite3.connect(workspace / "gradebook.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # The next run keeps what was graded and grades the rest.
    with pytest.raises(AutogradeFailed) as error:  # « vide » and « abime » still fail
        autograde(workspace, ASSESSMENT, workers=2)
    report = error.value.report
    statuses = {o.student: o.status for o in report.outcomes if o.student in students}
    assert {s for s, status in statuses.items() if status == GRADED} == set(students) - set(done)
    for student in students:
        assert sum(graded.points(student).values()) == 3


def test_two_commands_on_one_workspace_take_turns(graded: Graded) -> None:
    workspace = graded.workspace
    command = [sys.executable, "-m", "cpts_training", "assessment", "autograde", ASSESSMENT]
    command += ["-w", str(workspace), "--student", "juste"]

    def start(*extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*command, *extra],
            env=with_interpreter_bin(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    first = start("--force")
    deadline = time.monotonic() + 60
    while lock_holder(workspace) is None:
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.1)
    second = start()  # the copy is up to date: kept, once the first has finished
    first_output, _ = first.communicate(timeout=300)
    second_output, _ = second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, first_output + second_output
    assert "[1/1] juste : corrigée" in first_output and "occupé" not in first_output
    assert "Espace occupé par correction automatique de evaluation_00" in second_output
    assert "[1/1] juste : déjà corrigée, gardée" in second_output
    assert lock_holder(workspace) is None
