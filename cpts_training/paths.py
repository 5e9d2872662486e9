"""Where the course's files live.

The course's files (module notebooks, assessments, référentiel and syllabus, book
sources) are read in place in a clone of the repository (``make lab``, ``make test``,
an editable install). An installed wheel carries them inside the package, under
``cpts_training/_course/`` (see ``pyproject.toml``), read through
:mod:`importlib.resources`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from cpts_training.errors import CPTSError

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"

PACKAGED_COURSE = "_course"
"""Folder of the package that holds the course's files in a wheel."""


def _is_course_root(folder: Path) -> bool:
    return (folder / "modules").is_dir() and (folder / "course").is_dir()


def repository_root() -> Path:
    """Return the root of the course repository (the folder holding ``modules/``).

    Raises :class:`CPTSError` when the package was installed without the course
    repository (for instance from a wheel).
    """
    root = PACKAGE_DIR.parent
    if _is_course_root(root):
        return root
    raise CPTSError(
        "Les fichiers du cours (dossiers modules/ et course/) sont introuvables à côté "
        f"du paquet installé dans {PACKAGE_DIR}. Clonez le dépôt du cours et installez-le "
        "depuis ce clone (commande « make lab » du README)."
    )


def course_root() -> Path:
    """Folder holding ``modules/``, ``assessments/``, ``course/`` and ``book/``.

    The repository when the package runs from a clone, else the copy shipped in the
    package. Raises :class:`CPTSError` (in French) when neither is there.
    """
    try:
        return repository_root()
    except CPTSError:
        pass
    packaged = resources.files("cpts_training") / PACKAGED_COURSE
    if isinstance(packaged, Path) and _is_course_root(packaged):
        return packaged
    raise CPTSError(
        "Les fichiers du cours (carnets des modules, évaluations, plan du cours) sont "
        f"introuvables : ni dépôt du cours autour de {PACKAGE_DIR}, ni dossier "
        f"{PACKAGED_COURSE}/ dans le paquet installé. Réinstallez le paquet depuis sa roue "
        "(pip install cpts_training-….whl) ou depuis un clone du dépôt (« make lab »)."
    )


def modules_dir() -> Path:
    """Folder of the module notebooks."""
    return course_root() / "modules"


def assessments_dir() -> Path:
    """Folder of the nbgrader source assessments (one sub-folder per assessment)."""
    return course_root() / "assessments"


def course_dir() -> Path:
    """Folder of the course configuration (référentiel, syllabus, Jupyter settings)."""
    return course_root() / "course"


def book_dir() -> Path:
    """Folder of the Jupyter Book sources."""
    return course_root() / "book"
