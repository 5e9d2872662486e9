"""The kernel launcher's limits and isolation, on plain Python commands (no kernel).

Each test starts ``python -m cpts_training.trainer.kernel_launcher`` as the kernel
manager does, with a small command in place of the kernel, and checks what the
command may and may not do.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cpts_training.trainer.sandbox import (
    MEBIBYTE,
    Sandbox,
    SandboxLimits,
    bubblewrap,
    describe_limits,
    sandbox_status,
)


def run(sandbox: Sandbox, code: str, cwd: Path, sockets: Path) -> subprocess.CompletedProcess[str]:
    launcher = [sys.executable, "-m", "cpts_training.trainer.kernel_launcher"]
    arguments = [sandbox.to_environment(), str(cwd), str(sockets), "--"]
    return subprocess.run(
        [*launcher, *arguments, sys.executable, "-c", code],
        cwd=cwd,  # as the kernel manager starts a kernel in the copy's folder
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    workspace = tmp_path / "espace"
    copy = workspace / "autograded" / "alice" / "evaluation_00"
    copy.mkdir(parents=True)
    (workspace / "gradebook.db").write_text("secret", encoding="utf-8")
    sockets = tmp_path / "noyau"
    sockets.mkdir()
    return workspace, copy, sockets


def test_a_file_over_the_size_limit_is_refused(folders: tuple[Path, Path, Path]) -> None:
    _, copy, sockets = folders
    limits = SandboxLimits(file_bytes=1 * MEBIBYTE)
    code = (
        "try:\n    open('gros.bin', 'wb').write(b'x' * 2 * 1024 * 1024)\n"
        "except OSError as error:\n    print('refusé', error.errno)\n"
    )
    result = run(Sandbox(limits, isolate=False), code, copy, sockets)
    assert "refusé 27" in result.stdout  # EFBIG: the file stops at 1 MiB
    assert (copy / "gros.bin").stat().st_size == 1 * MEBIBYTE


def test_memory_over_the_limit_raises_memory_error(folders: tuple[Path, Path, Path]) -> None:
    _, copy, sockets = folders
    code = "try:\n    b = bytearray(2 * 1024 ** 3)\nexcept MemoryError:\n    print('mémoire')\n"
    limits = SandboxLimits(memory_bytes=512 * MEBIBYTE)
    assert "mémoire" in run(Sandbox(limits, isolate=False), code, copy, sockets).stdout
    # Without the limit, the same 2 GiB are granted (the test can fail).
    unlimited = SandboxLimits(memory_bytes=0)
    assert "mémoire" not in run(Sandbox(unlimited, isolate=False), code, copy, sockets).stdout


def test_cpu_time_over_the_limit_stops_the_process(folders: tuple[Path, Path, Path]) -> None:
    _, copy, sockets = folders
    result = run(
        Sandbox(SandboxLimits(cpu_seconds=1), isolate=False), "while True: pass", copy, sockets
    )
    assert result.returncode < 0  # stopped by a signal (SIGXCPU, then SIGKILL)


def test_the_number_of_processes_is_capped(folders: tuple[Path, Path, Path]) -> None:
    _, copy, sockets = folders
    code = "import resource; print(resource.getrlimit(resource.RLIMIT_NPROC)[0])"
    result = run(Sandbox(SandboxLimits(processes=10), isolate=False), code, copy, sockets)
    running = sum(
        1 for p in Path("/proc").iterdir() if p.name.isdigit() and p.stat().st_uid == os.getuid()
    )
    # The user's processes now, plus 10 (allow for the ones started or ended meanwhile).
    assert abs(int(result.stdout) - (running + 10)) <= 10


def test_isolated_a_copy_sees_only_its_folder_and_no_network(
    folders: tuple[Path, Path, Path],
) -> None:
    if bubblewrap() is None:
        if os.environ.get("CPTS_REQUIRE_SANDBOX"):
            pytest.fail("bubblewrap doit fonctionner ici (CPTS_REQUIRE_SANDBOX=1).")
        pytest.skip("bubblewrap absent ou refusé sur cette machine")
    workspace, copy, sockets = folders
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    code = (
        "import os, socket\n"
        "print('ici', sorted(os.listdir('.')))\n"
        f"print('espace', sorted(os.listdir({str(workspace)!r})))\n"
        "for action in (\n"
        f"    lambda: open({str(workspace / 'gradebook.db')!r}).read(),\n"
        f"    lambda: open({str(workspace / 'pirate.txt')!r}, 'w').write('x'),\n"
        f"    lambda: socket.create_connection(('127.0.0.1', {port}), timeout=2),\n"
        "):\n"
        "    try:\n        action()\n        print('permis')\n"
        "    except OSError as error:\n        print('refusé', type(error).__name__)\n"
        "open('reponse.txt', 'w').write('ok')\n"
    )
    sandbox = Sandbox(SandboxLimits(), hidden=(str(workspace),), isolate=True)
    try:
        result = run(sandbox, code, copy, sockets)
    finally:
        server.close()
    assert "permis" not in result.stdout, result.stdout + result.stderr
    assert result.stdout.count("refusé") == 3
    assert "espace ['autograded']" in result.stdout  # only the path to its own folder
    assert (copy / "reponse.txt").read_text(encoding="utf-8") == "ok"  # its folder: writable
    assert not (workspace / "pirate.txt").exists()
    assert "isolées avec bubblewrap" in sandbox_status(sandbox)


def test_limits_and_protection_are_described_in_french() -> None:
    limits = SandboxLimits(cpu_seconds=600, memory_bytes=4096 * MEBIBYTE, processes=64)
    assert describe_limits(limits) == (
        "mémoire 4\u202f096 Mo, temps de calcul 600 s, fichiers 100 Mo, 64 processus"
    )
    status = sandbox_status(Sandbox(limits, isolate=False), requested=True)
    assert status.startswith("NON isolées : bubblewrap est absent ou refusé")
    assert "sudo apt-get install bubblewrap" in status
    assert sandbox_status(Sandbox(limits, isolate=False), requested=False).startswith(
        "sans isolement (--no-isolation)"
    )


def test_an_interpreter_under_tmp_is_put_back_in_the_private_tmp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A course installed under /tmp (a clone made with mktemp): the sandbox's private
    # /tmp would hide its Python, and no kernel could start.
    from cpts_training.trainer import kernel_launcher

    monkeypatch.setattr(kernel_launcher, "_interpreter_folders", lambda: ["/tmp/cours/.venv"])
    command = kernel_launcher.bubblewrap_command(["python"], "/w", "/s", ())
    tmpfs = command.index("/tmp", command.index("--tmpfs"))
    rebind = command.index("/tmp/cours/.venv")
    assert command[rebind - 1] == "--ro-bind" and rebind > tmpfs
