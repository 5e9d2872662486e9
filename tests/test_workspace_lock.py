"""One command at a time per workspace, and gradebook backups before destructive steps.

The lock is held for real by another process (a small Python script) and released by
the kernel when that process is killed; the backups copy SQLite databases being
written by another connection. No nbgrader run here: the workspaces are minimal (a
``nbgrader_config.py``), except for the roster import, which creates a real gradebook.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import pickle
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from cpts_training.cli import app
from cpts_training.errors import CPTSError
from cpts_training.trainer.backup import (
    KEEP_BACKUPS,
    backup_folder,
    backup_gradebook,
    list_backups,
    prune_backups,
    restore_gradebook,
)
from cpts_training.trainer.workspace_lock import (
    LockHolder,
    WorkspaceBusy,
    lock_holder,
    lock_policy,
    locked,
    waiting_message,
    workspace_lock,
)

ROOT = Path(__file__).resolve().parents[1]
HOLDER_ACTION = "correction automatique de evaluation_01"
UTC = dt.UTC


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A minimal workspace: what ``require_workspace`` recognises."""
    folder = tmp_path / "promo"
    folder.mkdir()
    (folder / "nbgrader_config.py").write_text("c = get_config()  # noqa: F821\n")
    return folder


def _holder_process(workspace: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that takes the workspace's lock, says « pris », holds it
    ``seconds``, then ends."""
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from cpts_training.trainer.workspace_lock import workspace_lock\n"
        f"with workspace_lock(Path(sys.argv[1]), {HOLDER_ACTION!r}):\n"
        "    print('pris', flush=True)\n"
        f"    time.sleep({seconds})\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(workspace)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "pris"
    return process


@pytest.fixture
def held(workspace: Path) -> Iterator[subprocess.Popen[str]]:
    """The workspace's lock held by another process for 30 s (killed at the end)."""
    process = _holder_process(workspace, 30)
    yield process
    process.kill()
    process.wait()


def test_a_busy_workspace_says_at_once_who_holds_it(
    workspace: Path, held: subprocess.Popen[str]
) -> None:
    holder = lock_holder(workspace)
    assert isinstance(holder, LockHolder)
    assert (holder.action, holder.pid, holder.user) == (HOLDER_ACTION, held.pid, getpass.getuser())
    assert holder.since.tzinfo is not None
    assert abs((dt.datetime.now(UTC) - holder.since).total_seconds()) < 60
    started = time.monotonic()
    with pytest.raises(WorkspaceBusy) as busy, workspace_lock(workspace, "publication", wait=0):
        pytest.fail("the lock of another process was taken")
    assert time.monotonic() - started < 0.2
    message = str(busy.value)
    assert message.startswith("L'espace ")
    assert f"{workspace.name} est occupé : {HOLDER_ACTION} (commande " in message
    assert f"lancée par {getpass.getuser()}, pid {held.pid}, sur " in message
    assert "Attendez la fin de cette commande, ou, si elle a été arrêtée, relancez" in message
    assert busy.value.holder == holder
    # It crosses process boundaries whole (a worker process may raise it).
    assert str(pickle.loads(pickle.dumps(busy.value))) == message


def test_a_limited_wait_tries_for_that_long_then_says_who(
    workspace: Path, held: subprocess.Popen[str]
) -> None:
    started = time.monotonic()
    with pytest.raises(WorkspaceBusy) as busy, workspace_lock(workspace, "publication", wait=0.5):
        pytest.fail("the lock of another process was taken")
    waited = time.monotonic() - started
    assert 0.5 <= waited < 1.0
    assert f"est occupé (après 0,5 s d'attente) : {HOLDER_ACTION}" in str(busy.value)
    assert f"pid {held.pid}" in str(busy.value)


def test_a_killed_holder_frees_the_lock_at_once(
    workspace: Path, held: subprocess.Popen[str]
) -> None:
    record = workspace / ".cpts-training" / "verrou.json"
    held.send_signal(signal.SIGKILL)
    held.wait()
    # Its record is left behind, but its lock went with it.
    assert json.loads(record.read_text(encoding="utf-8"))["pid"] == held.pid
    assert lock_holder(workspace) is None
    started = time.monotonic()
    with workspace_lock(workspace, "publication de evaluation_01", wait=0):
        assert time.monotonic() - started < 0.2
        now_held = lock_holder(workspace)
        assert now_held is not None
        assert (now_held.action, now_held.pid) == ("publication de evaluation_01", os.getpid())
    assert not record.exists()
    assert lock_holder(workspace) is None


def test_by_default_a_command_waits_its_turn(workspace: Path) -> None:
    process = _holder_process(workspace, 1.0)
    seen: list[LockHolder | None] = []
    started = time.monotonic()
    try:
        with workspace_lock(workspace, "publication", on_wait=seen.append):
            waited = time.monotonic() - started
    finally:
        process.wait()
    # Taken once the other process ended: after up to 1 s of its sleep.
    assert 0.3 < waited < 5
    assert len(seen) == 1
    assert seen[0] is not None
    assert (seen[0].action, seen[0].pid) == (HOLDER_ACTION, process.pid)
    assert waiting_message(seen[0]).startswith(
        f"Espace occupé par {HOLDER_ACTION} (commande lancée par {getpass.getuser()}, "
        f"pid {process.pid}, sur "
    )
    assert waiting_message(seen[0]).endswith(
        " : attente de la fin de cette commande (Ctrl+C pour abandonner)…"
    )


def test_the_lock_is_reentrant_in_a_process(workspace: Path) -> None:
    @locked("dépôt de la copie de {student} pour {assessment}")
    def deposit(workspace: Path, assessment: str, student: str) -> LockHolder | None:
        return lock_holder(workspace)

    @locked("collecte des copies de {assessment}")
    def collect(workspace: Path, assessment: str) -> list[LockHolder | None]:
        return [deposit(workspace, assessment, name) for name in ("dupont", "martin")]

    holders = collect(workspace, "evaluation_01")
    # The nested calls run at once, and the outer action is the one shown.
    outer = "collecte des copies de evaluation_01"
    assert [h.action if h else None for h in holders] == [outer, outer]
    with workspace_lock(workspace, "a", wait=0), workspace_lock(workspace, "b", wait=0):
        assert lock_holder(workspace) is not None
    assert lock_holder(workspace) is None


def test_another_thread_of_the_process_waits_too(workspace: Path) -> None:
    inside = threading.Event()
    leave = threading.Event()

    def hold() -> None:
        with workspace_lock(workspace, "correction automatique de evaluation_02"):
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert inside.wait(10)
        with (
            pytest.raises(WorkspaceBusy, match="correction automatique de evaluation_02"),
            workspace_lock(workspace, "publication", wait=0.3),
        ):
            pytest.fail("two threads held the lock")
    finally:
        leave.set()
        thread.join()
    with workspace_lock(workspace, "publication", wait=0):
        pass


def test_no_lock_is_created_outside_a_workspace(tmp_path: Path) -> None:
    with (
        pytest.raises(CPTSError, match="n'est pas un espace formateur"),
        workspace_lock(tmp_path, "publication", wait=0),
    ):
        pytest.fail("locked a folder that is not a workspace")
    assert list(tmp_path.iterdir()) == []


def _trainer_steps() -> dict[str, Callable[[Path], object]]:
    from cpts_training.trainer.collect import collect_copies
    from cpts_training.trainer.pipeline import feedback, publish
    from cpts_training.trainer.roster import import_roster
    from cpts_training.trainer.submissions import submit, withdraw
    from cpts_training.trainer.workspace import update_workspace

    return {
        "publish": lambda w: publish(w, "evaluation_01"),
        "feedback": lambda w: feedback(w, "evaluation_01"),
        "submit": lambda w: submit(w, "evaluation_01", "dupont", w / "copie.ipynb"),
        "withdraw": lambda w: withdraw(w, "evaluation_01", "dupont"),
        "collect": lambda w: collect_copies(w, "evaluation_01", w / "travaux.zip"),
        "roster": lambda w: import_roster(w, w / "liste.csv"),
        "update": lambda w: update_workspace(w),
    }


@pytest.mark.parametrize("step", sorted(_trainer_steps()))
def test_every_step_that_writes_takes_the_lock(
    workspace: Path, held: subprocess.Popen[str], step: str
) -> None:
    before = sorted(workspace.rglob("*"))
    with lock_policy(wait=0), pytest.raises(WorkspaceBusy, match=f"pid {held.pid}"):
        _trainer_steps()[step](workspace)
    assert sorted(workspace.rglob("*")) == before


# Backups ------------------------------------------------------------------------------

MOMENT = dt.datetime(2026, 1, 15, 9, 12, tzinfo=UTC)


def _gradebook(workspace: Path, students: list[str]) -> Path:
    """A small SQLite database with the tables that make it a gradebook."""
    path = workspace / "gradebook.db"
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE IF NOT EXISTS assignment (id TEXT)")
        connection.execute("CREATE TABLE IF NOT EXISTS grade (id TEXT)")
        connection.execute("CREATE TABLE IF NOT EXISTS student (id TEXT)")
        connection.executemany("INSERT INTO student VALUES (?)", [(s,) for s in students])
    return path


def _students(database: Path) -> list[str]:
    with closing(sqlite3.connect(database)) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM student ORDER BY id")]


def _count(database: Path, table: str = "student") -> int:
    with closing(sqlite3.connect(database)) as connection:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _integrity(database: Path) -> str:
    with closing(sqlite3.connect(database)) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def test_no_gradebook_no_backup(workspace: Path) -> None:
    assert backup_gradebook(workspace, "retrait") is None
    assert not (workspace / "archives").exists()


def test_the_backup_is_named_by_time_and_reason(workspace: Path) -> None:
    _gradebook(workspace, ["dupont", "martin"])
    first = backup_gradebook(workspace, "Publication de évaluation_01", now=MOMENT)
    again = backup_gradebook(workspace, "Publication de évaluation_01", now=MOMENT)
    folder = workspace / "archives" / "carnet_de_notes"
    assert first == folder / "gradebook-20260115T091200-publication-de-evaluation-01.db"
    assert again == folder / "gradebook-20260115T091200-publication-de-evaluation-01-2.db"
    assert list_backups(workspace) == [first, again]
    assert _students(first) == ["dupont", "martin"]
    assert _integrity(first) == "ok"


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_a_backup_taken_while_another_connection_writes_is_consistent(
    workspace: Path, journal: str
) -> None:
    database = _gradebook(workspace, [])
    with closing(sqlite3.connect(database, isolation_level=None)) as writer:
        # nbgrader keeps SQLite's default journal; in WAL mode the committed rows are in
        # gradebook.db-wal until a checkpoint, and a copy of gradebook.db alone misses them.
        writer.execute(f"PRAGMA journal_mode = {journal}")
        for batch in range(10):
            writer.execute("BEGIN")
            writer.executemany(
                "INSERT INTO student VALUES (?)", [(f"s{batch}-{i}",) for i in range(100)]
            )
            writer.execute("COMMIT")
        # A transaction under way when the backup is taken: 500 rows not committed.
        writer.execute("BEGIN IMMEDIATE")
        writer.executemany("INSERT INTO student VALUES (?)", [(f"t{i}",) for i in range(500)])
        backup = backup_gradebook(workspace, "correction", now=MOMENT)
        writer.execute("COMMIT")
    assert backup is not None
    assert _integrity(backup) == "ok"
    assert _count(backup) == 1000  # 10 committed batches × 100 rows; not the 500 pending
    assert _count(database) == 1500


def test_backups_under_a_busy_writer_hold_whole_transactions(workspace: Path) -> None:
    database = _gradebook(workspace, [])
    stop = threading.Event()
    committed: list[int] = []

    def write() -> None:
        with closing(sqlite3.connect(database, isolation_level=None, timeout=30)) as writer:
            batch = 0
            while not stop.is_set():
                writer.execute("BEGIN IMMEDIATE")
                writer.executemany(
                    "INSERT INTO student VALUES (?)", [(f"{batch}-{i}",) for i in range(50)]
                )
                writer.execute("COMMIT")
                batch += 1
                committed.append(batch)
                time.sleep(0.002)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        backups = []
        for number in range(3):
            seen = len(committed)
            deadline = time.monotonic() + 10
            while len(committed) < seen + 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            backups.append(backup_gradebook(workspace, f"essai {number}"))
    finally:
        stop.set()
        thread.join()
    counts = [_count(b) for b in backups if b is not None]
    assert len(counts) == 3
    assert all(_integrity(b) == "ok" for b in backups if b is not None)
    # Whole transactions of 50 rows only, growing, never more than was committed.
    assert all(count % 50 == 0 for count in counts)
    assert 0 < counts[0] <= counts[1] <= counts[2]
    assert counts[-1] <= 50 * len(committed)


def _fake_backup(workspace: Path, moment: dt.datetime) -> Path:
    folder = backup_folder(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"gradebook-{moment:%Y%m%dT%H%M%S}-essai.db"
    path.write_bytes(b"")
    return path


def test_retention_keeps_the_30_latest_and_every_one_of_the_last_7_days(workspace: Path) -> None:
    assert KEEP_BACKUPS == 30
    now = MOMENT
    old = [_fake_backup(workspace, now - dt.timedelta(days=d)) for d in range(40, 7, -1)]
    recent = [_fake_backup(workspace, now - dt.timedelta(days=d)) for d in range(5, 0, -1)]
    (backup_folder(workspace) / "notes_du_formateur.txt").write_text("à garder")
    # 33 old (40 to 8 days ago) + 5 recent = 38: the 8 oldest go (40 to 33 days ago).
    deleted = prune_backups(workspace, now)
    assert deleted == old[:8]
    assert list_backups(workspace) == old[8:] + recent
    assert (backup_folder(workspace) / "notes_du_formateur.txt").is_file()


def test_retention_never_deletes_a_backup_of_the_last_7_days(workspace: Path) -> None:
    # 35 backups, one every 4 hours: the oldest is 34 × 4 = 136 h old, under 7 × 24 = 168 h.
    made = [_fake_backup(workspace, MOMENT - dt.timedelta(hours=4 * h)) for h in range(34, -1, -1)]
    assert prune_backups(workspace, MOMENT) == []
    assert list_backups(workspace) == made
    # Applied by every backup: 8 days later, all 35 are older than 7 days; the 30 latest
    # stay: the new one and the 29 latest of the 35 (the 6 oldest go).
    _gradebook(workspace, ["dupont"])
    later = MOMENT + dt.timedelta(days=8)
    new = backup_gradebook(workspace, "retrait", now=later)
    assert list_backups(workspace) == made[6:] + [new]


def test_restore_keeps_the_current_gradebook_as_a_backup(workspace: Path) -> None:
    database = _gradebook(workspace, ["dupont", "martin"])
    saved = backup_gradebook(workspace, "retrait", now=MOMENT)
    assert saved is not None
    _gradebook(workspace, ["petit"])
    previous = restore_gradebook(workspace, saved.name)
    assert _students(database) == ["dupont", "martin"]
    assert previous is not None
    assert previous.name.endswith("-avant-restauration.db")
    assert _students(previous) == ["dupont", "martin", "petit"]
    assert list_backups(workspace) == [saved, previous]


def test_restore_refuses_what_is_not_an_intact_gradebook(workspace: Path) -> None:
    database = _gradebook(workspace, ["dupont"])
    with pytest.raises(CPTSError, match="Sauvegarde « gradebook-inconnu.db » introuvable"):
        restore_gradebook(workspace, "gradebook-inconnu.db")
    other = workspace / "autre.db"
    with closing(sqlite3.connect(other)) as connection, connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(CPTSError, match="pas un carnet de notes nbgrader"):
        restore_gradebook(workspace, other)
    broken = workspace / "abime.db"
    broken.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    with pytest.raises(CPTSError, match="n'est pas une sauvegarde intacte"):
        restore_gradebook(workspace, broken)
    assert _students(database) == ["dupont"]
    assert list_backups(workspace) == []


def test_an_unreadable_gradebook_stops_the_step(workspace: Path) -> None:
    (workspace / "gradebook.db").write_bytes(b"ceci n'est pas une base SQLite" * 100)
    with pytest.raises(CPTSError, match="est illisible .*workspace restore"):
        backup_gradebook(workspace, "retrait")
    assert list(backup_folder(workspace).iterdir()) == []


def test_withdrawing_a_copy_backs_up_the_gradebook_first(workspace: Path) -> None:
    from cpts_training.trainer.submissions import withdraw

    _gradebook(workspace, ["dupont"])
    (workspace / "submitted" / "dupont" / "evaluation_01").mkdir(parents=True)
    withdraw(workspace, "evaluation_01", "dupont")
    [backup] = list_backups(workspace)
    assert backup.name.endswith("-retrait-dupont-evaluation-01.db")
    assert _students(backup) == ["dupont"]


def test_importing_a_roster_backs_up_the_gradebook_first(workspace: Path) -> None:
    from cpts_training.trainer.roster import import_roster

    # A database with a table already: nbgrader adds its own tables without starting
    # the (slow) alembic command that stamps a new gradebook.
    with closing(sqlite3.connect(workspace / "gradebook.db")) as connection, connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    roster = workspace.parent / "liste.csv"
    roster.write_text("nom;prenom\nDupont;Marie\n", encoding="utf-8")
    import_roster(workspace, roster)
    assert len(list_backups(workspace)) == 1
    import_roster(workspace, roster)  # the same roster: nothing written, no backup
    assert len(list_backups(workspace)) == 1
    roster.write_text("nom;prenom\nDupont;Marie\nMartin;Paul\n", encoding="utf-8")
    import_roster(workspace, roster)
    backups = list_backups(workspace)
    assert len(backups) == 2
    # (« -2 » when both are taken within the same second)
    named = re.compile(r"gradebook-\d{8}T\d{6}-inscription-des-stagiaires(-2)?\.db")
    assert all(named.fullmatch(b.name) for b in backups)
    assert _count(backups[-1]) == 1  # the gradebook as it was: Marie Dupont alone
    assert _count(workspace / "gradebook.db") == 2


def test_cli_lists_then_restores_a_backup(workspace: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["workspace", "restore", "-w", str(workspace)])
    assert listed.exit_code == 0, listed.output
    assert "Aucune sauvegarde du carnet de notes" in listed.output
    _gradebook(workspace, ["dupont"])
    saved = backup_gradebook(workspace, "retrait", now=MOMENT)
    assert saved is not None
    _gradebook(workspace, ["martin"])
    listed = runner.invoke(app, ["workspace", "restore", "-w", str(workspace)])
    assert listed.exit_code == 0, listed.output
    # 09:12 UTC is 10:12 in Paris in January (UTC+1).
    assert f"  {saved.name}  (15/01/2026 à 10:12, " in listed.output
    restored = runner.invoke(app, ["workspace", "restore", saved.name, "-w", str(workspace)])
    assert restored.exit_code == 0, restored.output
    assert f"Carnet de notes restauré depuis {saved.name}" in restored.output
    assert "L'ancien carnet de notes est gardé dans gradebook-" in restored.output
    assert _students(workspace / "gradebook.db") == ["dupont"]
    refused = runner.invoke(app, ["workspace", "restore", "inconnue.db", "-w", str(workspace)])
    assert refused.exit_code == 1
    assert "Sauvegarde « inconnue.db » introuvable" in refused.output
    assert "Traceback" not in refused.output
