"""The trainee's JupyterLab: a personal copy of the course, in French, without instructor tools.

``prepare_trainee_space`` copies the course notebooks into the trainee's folder
(never overwriting a notebook the trainee already has) and writes the
JupyterLab settings; ``lab_command`` and ``trainee_environment`` give the
command and environment that start JupyterLab on the home notebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from cpts_training.jupyter_env import (
    jupyterlab_command,
    lab_environment,
    write_lab_settings,
)
from cpts_training.paths import modules_dir

HOME_NOTEBOOK = "Accueil.ipynb"
"""Name of the course's home notebook in the trainee's folder."""

_SETTINGS_DIR = ".jupyter-formation"

KERNEL_EXTENSIONS = ("cpts_training.french_kernel",)
"""IPython extensions every trainee kernel loads at start: numbers typed the French way
and errors explained in French, even in a cell run first after a kernel restart."""

_KERNEL_CONFIG = (
    "# Écrit par cpts-training : chaque noyau du stagiaire lit les nombres à la française\n"
    "# et explique les erreurs en français dès son démarrage.\n"
    "c.InteractiveShellApp.extensions = {extensions!r}\n"
)

# nbgrader's JupyterLab plugins are instructor tools (assignment creation,
# formgrader, course list) or need an nbgrader exchange the trainee does not have; the
# extension manager would offer to install extensions from the internet.
DISABLED_LAB_EXTENSIONS = ("@jupyter/nbgrader", "@jupyterlab/extensionmanager-extension")
DISABLED_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.assignment_list",
)


@dataclass
class TraineeSpace:
    """What ``prepare_trainee_space`` did in the trainee's folder."""

    root: Path
    copied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def home(self) -> Path:
        """Path of the home notebook."""
        return self.root / HOME_NOTEBOOK

    def report(self) -> str:
        """French summary for the terminal."""
        lines = [f"Espace stagiaire : {self.root}"]
        if self.copied:
            lines.append(f"  copiés : {', '.join(self.copied)}")
        if self.kept:
            lines.append(
                f"  conservés (déjà présents, votre travail n'est pas écrasé) : "
                f"{', '.join(self.kept)}"
            )
        return "\n".join(lines)


def course_notebooks(source: Path | None = None) -> list[Path]:
    """Module notebooks of the course, home notebook first, then in file-name order."""
    source = source or modules_dir()
    notebooks = sorted(source.glob("*.ipynb"))
    return sorted(notebooks, key=lambda p: (p.name != "accueil.ipynb", p.name))


def _target_name(notebook: Path) -> str:
    return HOME_NOTEBOOK if notebook.name == "accueil.ipynb" else notebook.name


def _copy_for_this_kernel(notebook: Path, destination: Path) -> None:
    """Copy ``notebook`` with the ``language_info`` its kernel will report.

    JupyterLab writes the kernel's ``language_info`` (Python version included) into a
    notebook when its kernel starts; a notebook stored without it would show as
    modified (and ask to be saved) when merely opened.
    """
    from ipykernel.ipkernel import IPythonKernel

    content = nbformat.read(notebook, as_version=4)
    content.metadata["language_info"] = dict(IPythonKernel.language_info)
    nbformat.write(content, destination)


def prepare_trainee_space(target: Path, source: Path | None = None) -> TraineeSpace:
    """Copy the course notebooks into ``target`` and write the JupyterLab settings.

    A notebook that already exists in ``target`` is kept as it is: the
    trainee's work is never overwritten.
    """
    target = Path(target).resolve()
    target.mkdir(parents=True, exist_ok=True)
    space = TraineeSpace(root=target)
    for notebook in course_notebooks(source):
        destination = target / _target_name(notebook)
        if destination.exists():
            space.kept.append(destination.name)
        else:
            _copy_for_this_kernel(notebook, destination)
            space.copied.append(destination.name)
    write_lab_settings(target / _SETTINGS_DIR, DISABLED_LAB_EXTENSIONS, DISABLED_SERVER_EXTENSIONS)
    profile = target / _SETTINGS_DIR / "ipython" / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "ipython_kernel_config.py").write_text(
        _KERNEL_CONFIG.format(extensions=list(KERNEL_EXTENSIONS)), encoding="utf-8"
    )
    return space


def trainee_environment(target: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment variables that point JupyterLab (and its kernels, through
    ``IPYTHONDIR``) to the trainee's settings."""
    settings = Path(target).resolve() / _SETTINGS_DIR
    env = lab_environment(settings, base)
    env["IPYTHONDIR"] = str(settings / "ipython")
    return env


def lab_command(
    target: Path,
    port: int | None = None,
    open_browser: bool = True,
    token: str | None = None,
) -> list[str]:
    """Command line that starts JupyterLab on the trainee's home notebook.

    Terminals are disabled: a trainee works in notebooks only.
    """
    return jupyterlab_command(
        target,
        f"/lab/tree/{HOME_NOTEBOOK}",
        port=port,
        open_browser=open_browser,
        token=token,
        options=["--ServerApp.terminals_enabled=False"],
    )
