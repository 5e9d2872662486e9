"""Start a copy's kernel in the sandbox: ``python -m cpts_training.trainer.kernel_launcher``.

Standard library only, so that starting a kernel costs no more than starting Python
(importing nbgrader takes seconds). The kernel manager of
:mod:`cpts_training.trainer.sandbox` puts this launcher in front of the kernel's
command; the launcher sets the resource limits, makes the kernel die with the grading
process, wraps the command in bubblewrap when asked, and replaces itself with it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

ENVIRONMENT = "CPTS_BAC_A_SABLE"
"""Variable through which the grading process gives the sandbox to its kernel manager."""

MEBIBYTE = 1024 * 1024


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits of one kernel (``setrlimit``); 0 means no limit.

    ``cpu_seconds``: CPU time in seconds; ``memory_bytes``: address space in bytes;
    ``file_bytes``: size of any file the kernel writes, in bytes; ``processes``: how
    many more processes the kernel's user may start (not enforced for root).
    """

    cpu_seconds: int = 600
    memory_bytes: int = 4096 * MEBIBYTE
    file_bytes: int = 100 * MEBIBYTE
    processes: int = 64


@dataclass(frozen=True)
class Sandbox:
    """What a kernel may see: ``hidden`` folders are emptied when ``isolate`` (run in
    bubblewrap: set it only where :func:`bubblewrap` works); ``limits`` always apply."""

    limits: SandboxLimits = SandboxLimits()
    hidden: tuple[str, ...] = ()
    isolate: bool = True

    def to_environment(self) -> str:
        return json.dumps({**asdict(self), "limits": asdict(self.limits)})

    @classmethod
    def from_environment(cls, text: str) -> Sandbox:
        data = json.loads(text)
        return cls(SandboxLimits(**data["limits"]), tuple(data["hidden"]), data["isolate"])


@cache
def bubblewrap() -> str | None:
    """The path of a working ``bwrap``, or None (not installed, or namespaces refused).

    Tried once per process with the options the sandbox uses.
    """
    executable = shutil.which("bwrap")
    if executable is None:
        return None
    probe = [executable, *_isolation_options(), "--ro-bind", "/", "/", "--", "true"]
    try:
        result = subprocess.run(probe, capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return executable if result.returncode == 0 else None


def _isolation_options() -> list[str]:
    return [
        "--die-with-parent",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--cap-drop",
        "ALL",
    ]


def bubblewrap_command(
    command: list[str], working_dir: str, sockets_dir: str, hidden: tuple[str, ...]
) -> list[str]:
    """``command`` wrapped in bubblewrap: read-only system, ``hidden`` folders emptied
    (then the interpreter's folders put back read-only), ``working_dir`` and
    ``sockets_dir`` writable, a private ``/tmp``, no network."""
    executable = shutil.which("bwrap") or "bwrap"
    options = [executable, *_isolation_options(), "--ro-bind", "/", "/"]
    options += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for folder in hidden:
        if os.path.isdir(folder):
            options += ["--tmpfs", folder]
    # What the kernel needs to start: the interpreter and its packages, read-only, put
    # back where a hidden folder or the private /tmp covers them (a course installed
    # under /tmp, say).
    for needed in _interpreter_folders():
        if any(_inside(needed, folder) for folder in (*hidden, "/tmp")):
            options += ["--ro-bind", needed, needed]
    options += ["--bind", sockets_dir, sockets_dir, "--bind", working_dir, working_dir]
    for folder in hidden:  # the empty folders put in their place are read-only too
        if os.path.isdir(folder):
            options += ["--remount-ro", folder]
    options += ["--chdir", working_dir, "--unsetenv", "JPY_PARENT_PID"]
    options += ["--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib"]
    options += ["--setenv", "IPYTHONDIR", "/tmp/ipython"]
    return [*options, "--", *command]


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _interpreter_folders() -> list[str]:
    """The interpreter's prefixes and the folders its packages are imported from."""
    import cpts_training

    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    folders.add(str(Path(cpts_training.__file__).resolve().parent.parent))
    folders.update(p for p in sys.path if p and os.path.isdir(p))
    return sorted(str(Path(f).resolve()) for f in folders)


def apply_limits(limits: SandboxLimits) -> None:
    """Set ``limits`` on the current process (inherited by what it starts)."""
    import resource

    def cap(which: int, value: int) -> None:
        if value:
            soft, hard = resource.getrlimit(which)
            ceiling = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (ceiling, ceiling))

    cap(resource.RLIMIT_CPU, limits.cpu_seconds)
    cap(resource.RLIMIT_AS, limits.memory_bytes)
    cap(resource.RLIMIT_FSIZE, limits.file_bytes)
    if limits.processes:
        cap(resource.RLIMIT_NPROC, _user_processes() + limits.processes)


def _user_processes() -> int:
    """How many processes the current user runs now (Linux), 0 if unknown."""
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                continue
    return count


def die_with_parent() -> None:
    """Receive SIGKILL when the process that started this one ends (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def main(argv: list[str]) -> None:
    """Launcher: ``SANDBOX_JSON WORKING_DIR SOCKETS_DIR -- KERNEL COMMAND…``."""
    separator = argv.index("--")
    sandbox_json, working_dir, sockets_dir = argv[:separator]
    command = argv[separator + 1 :]
    sandbox = Sandbox.from_environment(sandbox_json)
    die_with_parent()
    apply_limits(sandbox.limits)
    if sandbox.isolate:
        command = bubblewrap_command(command, working_dir, sockets_dir, sandbox.hidden)
        # An interruption (SIGINT to the process group) is for the kernel: bubblewrap,
        # which would die of it and take the kernel with it, ignores it. (ipykernel
        # sets its own handler while it runs a cell.)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.pop("JPY_PARENT_PID", None)
    os.execv(command[0], command)


if __name__ == "__main__":  # pragma: no cover - started by SandboxKernelManager
    main(sys.argv[1:])
