"""Run nbgrader's own command line inside a trainer's workspace.

nbgrader is driven through its command line (the same one trainers can use by
hand), with the virtual environment's ``bin/`` on ``PATH``: nbgrader starts the
``alembic`` executable to create its gradebook.
"""

from __future__ import annotations

import subprocess
import sys
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
