"""The sandbox every copy's kernel runs in during automatic correction.

A trainee's notebook is code the trainer did not write: during autograding it runs
with the trainer's rights, next to the hidden tests, the gradebook and the other
trainees' copies (nbgrader runs it in the trainer's own environment, nbgrader issue
#1429). Here each kernel is started through this module's launcher
(``python -m cpts_training.trainer.kernel_launcher``), which

- sets resource limits (:class:`SandboxLimits`: CPU time, memory, file size, number of
  processes, with ``setrlimit``): a memory bomb gets ``MemoryError``, a file over the
  size limit ``OSError``, and a kernel over its CPU time is stopped;
- makes the kernel die with the grading process (``PR_SET_PDEATHSIG``);
- when bubblewrap (``bwrap``, Debian's ``bubblewrap``) works on the machine, runs the
  kernel in its own mount, PID and network namespaces: the whole file system read-only,
  the trainer's home and the workspace replaced by empty folders, except the copy's own
  folder (``autograded/<id>/<assessment>/``, writable) and the folder of the kernel's
  sockets; no network; no capability.

Without bubblewrap (not installed, or user namespaces forbidden), only the limits
apply; :func:`sandbox_status` says which protection is in place, in French.

The kernel talks to nbgrader over IPC sockets (files) rather than TCP: a kernel with
no network namespace of its own could not reach a TCP port on the host.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Unicode

from cpts_training.formatting import format_decimal_fr
from cpts_training.trainer.kernel_launcher import (
    ENVIRONMENT,
    MEBIBYTE,
    Sandbox,
    SandboxLimits,
    bubblewrap,
)

__all__ = [
    "ENVIRONMENT",
    "Sandbox",
    "SandboxLimits",
    "SandboxKernelManager",
    "SandboxedExecute",
    "bubblewrap",
    "describe_limits",
    "sandbox_status",
]


def describe_limits(limits: SandboxLimits) -> str:
    """In French: « mémoire 4 096 Mo, temps de calcul 600 s, fichiers 100 Mo »."""
    parts = []
    if limits.memory_bytes:
        parts.append(f"mémoire {format_decimal_fr(limits.memory_bytes // MEBIBYTE, 0)} Mo")
    if limits.cpu_seconds:
        parts.append(f"temps de calcul {format_decimal_fr(limits.cpu_seconds, 0)} s")
    if limits.file_bytes:
        parts.append(f"fichiers {format_decimal_fr(limits.file_bytes // MEBIBYTE, 0)} Mo")
    if limits.processes:
        parts.append(f"{limits.processes} processus")
    return ", ".join(parts) or "aucune limite"


def sandbox_status(sandbox: Sandbox, requested: bool = True) -> str:
    """In French, the protection the copies' kernels get: ``sandbox.isolate`` is what
    runs, ``requested`` what the trainer asked for."""
    limits = f"limites : {describe_limits(sandbox.limits)}"
    if sandbox.isolate:
        return (
            "isolées avec bubblewrap (sans réseau, sans accès à l'espace formateur ni aux "
            f"autres copies), {limits}"
        )
    if not requested:
        return f"sans isolement (--no-isolation), {limits}"
    return (
        "NON isolées : bubblewrap est absent ou refusé sur cette machine (Debian ou Ubuntu : "
        "« sudo apt-get install bubblewrap »), les copies peuvent lire l'espace formateur "
        f"et le réseau ; {limits}"
    )


class SandboxKernelManager(AsyncKernelManager):
    """Starts each kernel through the sandbox launcher, talking over IPC sockets.

    The sandbox comes from the ``CPTS_BAC_A_SABLE`` environment variable
    (:meth:`Sandbox.to_environment`), set by the grading process.
    """

    transport = Unicode("ipc")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sockets = tempfile.mkdtemp(prefix="cpts-noyau-")
        self.ip = os.path.join(self._sockets, "k")
        self.connection_file = os.path.join(self._sockets, "connexion.json")

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        sandbox = Sandbox.from_environment(
            os.environ.get(ENVIRONMENT) or Sandbox().to_environment()
        )
        working_dir = str(Path(kw.get("cwd") or os.getcwd()).resolve())
        launcher = [
            sys.executable,
            "-m",
            "cpts_training.trainer.kernel_launcher",
            sandbox.to_environment(),
            working_dir,
            self._sockets,
            "--",
            *kernel_cmd,
        ]
        await super()._async_launch_kernel(launcher, **kw)

    _launch_kernel = _async_launch_kernel

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._sockets, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


class SandboxedExecute(Execute):
    """nbgrader's Execute preprocessor, with each kernel in the sandbox, and a kernel
    that dies no longer losing the whole copy.

    When the kernel stops (``os._exit``, memory, CPU time), the cell it was running and
    every later code cell get an error output « NoyauArrete » instead of being run:
    nbgrader then scores the tests before the stop normally and every later test 0.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(*args, **kwargs)
        self._dead_at: str | None = None

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
        self._dead_at = None
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        if self._dead_at is not None:
            if cell.cell_type == "code":
                cell.outputs = [_stopped_output(DEAD_KERNEL, _not_run(self._dead_at))]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._dead_at = cell_name(cell, index)
            cell.outputs = [_stopped_output(DEAD_KERNEL, DEAD_KERNEL_TEXT)]
        except CellTimeoutError:  # the kernel did not come back after its interruption
            self._dead_at = cell_name(cell, index)
            cell.outputs = [_stopped_output("CellTimeoutError", UNRESPONSIVE_TEXT)]
        return cell, resources


DEAD_KERNEL = "NoyauArrete"
"""The ``ename`` of the error output put in the cells a dead kernel could not run."""


def cell_name(cell: Any, index: int) -> str:
    """The cell's nbgrader id, or « cellule N » (1-based)."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cellule {index + 1}"


def _not_run(where: str) -> str:
    return f"Non exécutée : le noyau Python s'était arrêté ou bloqué pendant « {where} »."


DEAD_KERNEL_TEXT = (
    "Le noyau Python s'est arrêté pendant cette cellule (mémoire ou temps de calcul "
    "épuisés, ou code qui arrête Python, comme os._exit)."
)
UNRESPONSIVE_TEXT = "Cellule arrêtée : elle a dépassé le délai et le noyau Python n'a plus répondu."


def _stopped_output(name: str, text: str) -> Any:
    from nbformat.v4 import new_output

    return new_output("error", ename=name, evalue=text, traceback=[f"{name}: {text}"])


def execution_incidents(graded: Path) -> list[str]:
    """In French, what went wrong while the copy's cells ran: a kernel that stopped, a
    cell over its time, memory exhausted. ``graded`` is the copy's autograded folder."""
    incidents = []
    for path in sorted(graded.glob("*.ipynb")):
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for index, cell in enumerate(notebook.get("cells", [])):
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            names = {output.get("ename") for output in errors}
            where = cell_name(cell, index)
            if any(
                o.get("ename") == DEAD_KERNEL and not o.get("evalue", "").startswith("Non exécutée")
                for o in errors
            ):
                incidents.append(
                    f"le noyau Python s'est arrêté pendant « {where} » : les tests suivants "
                    "comptent 0"
                )
            if "CellTimeoutError" in names:
                incidents.append(f"« {where} » arrêtée : délai par cellule dépassé")
            if "MemoryError" in names:
                incidents.append(f"« {where} » : mémoire épuisée (limite de la correction)")
    return incidents
