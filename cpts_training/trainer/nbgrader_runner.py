"""Run nbgrader's own command line inside a trainer's workspace.

nbgrader is driven through its command line (the same one trainers can use by
hand), with the virtual environment's ``bin/`` on ``PATH``: nbgrader starts the
``alembic`` executable to create its gradebook.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from cpts_training.errors import CPTSError
from cpts_training.jupyter_env import with_interpreter_bin


def nbgrader_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment with the running interpreter's ``bin/`` first on ``PATH``."""
    return with_interpreter_bin(base)


DEFAULT_HINT = (
    "Vérifiez que le dossier est bien un espace formateur créé par "
    "« cpts-training workspace init » et que les noms d'évaluation et de stagiaire "
    "sont corrects."
)


def run_nbgrader(
    workspace: Path, *arguments: str, hint: str = DEFAULT_HINT
) -> subprocess.CompletedProcess[str]:
    """Run ``nbgrader ARGUMENTS`` in ``workspace``; raise a French error if it fails.

    The error gives the end of nbgrader's log (in English: it is nbgrader's) and
    ``hint``, the step's own advice. Returns the completed process (nbgrader writes
    its log on standard error).
    """
    command = [sys.executable, "-m", "nbgrader", *arguments]
    result = subprocess.run(
        command,
        cwd=workspace,
        env=nbgrader_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        log_tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise CPTSError(
            f"La commande « nbgrader {' '.join(arguments)} » a échoué "
            f"(code {result.returncode}) dans {workspace}.\n"
            f"Fin du journal de nbgrader (en anglais) :\n{log_tail}\n{hint}"
        )
    return result


@dataclass(frozen=True)
class Finished:
    """How a command run by :func:`run_in_own_group` ended."""

    returncode: int | None  # None: stopped after ``timeout`` seconds
    log: str
    seconds: float

    @property
    def timed_out(self) -> bool:
        """Whether the command was stopped because it ran out of time."""
        return self.returncode is None


def run_in_own_group(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float | None = None
) -> Finished:
    """Run ``command`` in a process group of its own; stop the whole group if we stop.

    On a timeout the group is stopped and the result says so. On Ctrl+C (or any
    other interruption of the caller) the group is stopped before the interruption
    goes on: no child is left behind to write files or grades later. On Linux the
    child is also stopped if the caller is killed outright (``kill -9``). (Kernels
    that nbgrader starts run in a session of their own and exit with their parent.)
    """
    start = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_group(process)
        output, _ = process.communicate()
        return Finished(None, output or "", time.monotonic() - start)
    except BaseException:
        stop_group(process)
        raise
    return Finished(process.returncode, output or "", time.monotonic() - start)


def die_with_parent() -> None:
    """In the child, before it starts: receive SIGTERM when the parent dies (Linux)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_group(process: subprocess.Popen[str], grace: float = 3.0) -> None:
    """Stop ``process`` and its process group: SIGTERM, then SIGKILL after ``grace`` s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; make sure no member of its group survives it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        break


def nbgrader_command(*arguments: str) -> list[str]:
    """The command line that runs ``nbgrader ARGUMENTS`` with this interpreter."""
    return [sys.executable, "-m", "nbgrader", *arguments]
