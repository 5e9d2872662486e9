"""The trainer's JupyterLab on a workspace, opened on nbgrader's formgrader or on the
grading notebook.

Written answers are graded either in formgrader (English, no rubric) or in the
French grading notebook ``correction_grille.ipynb``
(:mod:`cpts_training.trainer.rubric_grading`); both write the same gradebook. This
starts JupyterLab in French on the workspace, with every nbgrader tool enabled,
opened on one or the other.
"""

from __future__ import annotations

from pathlib import Path

from cpts_training.jupyter_env import jupyterlab_command, lab_environment, write_lab_settings
from cpts_training.trainer.workspace import require_workspace

SETTINGS_DIR = ".jupyter-formateur"
FORMGRADER_URL = "/formgrader"
RUBRIC_GRADING_URL = "/lab/tree/correction_grille.ipynb"


def prepare_formgrader(workspace: Path) -> Path:
    """Check ``workspace`` and write its JupyterLab settings; return it resolved."""
    workspace = require_workspace(workspace)
    write_lab_settings(workspace / SETTINGS_DIR)
    return workspace


def formgrader_environment(workspace: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the trainer's JupyterLab of ``workspace``."""
    return lab_environment(Path(workspace).resolve() / SETTINGS_DIR, base)


def formgrader_command(
    workspace: Path,
    port: int | None = None,
    open_browser: bool = True,
    token: str | None = None,
) -> list[str]:
    """Command line that starts JupyterLab on ``workspace``, opened on formgrader."""
    return jupyterlab_command(
        workspace, FORMGRADER_URL, port=port, open_browser=open_browser, token=token
    )


def rubric_grading_command(
    workspace: Path,
    port: int | None = None,
    open_browser: bool = True,
    token: str | None = None,
) -> list[str]:
    """Command line that starts JupyterLab on ``workspace``, opened on the grading notebook
    (written beforehand by :func:`~cpts_training.trainer.rubric_grading.prepare_rubric_grading`).
    """
    return jupyterlab_command(
        workspace, RUBRIC_GRADING_URL, port=port, open_browser=open_browser, token=token
    )
