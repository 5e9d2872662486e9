"""Where the course's files live.

The library ships in a package, but the course itself (modules, assessments,
book sources, nbgrader configuration) lives in the repository beside it.
"""

from __future__ import annotations

from pathlib import Path

from cpts_training.errors import CPTSError

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def repository_root() -> Path:
    """Return the root of the course repository (the folder holding ``modules/``).

    Raises :class:`CPTSError` when the package was installed without the course
    repository (for instance from a wheel).
    """
    root = PACKAGE_DIR.parent
    if (root / "modules").is_dir() and (root / "course").is_dir():
        return root
    raise CPTSError(
        "Les fichiers du cours (dossiers modules/ et course/) sont introuvables à côté "
        f"du paquet installé dans {PACKAGE_DIR}. Clonez le dépôt du cours et installez-le "
        "depuis ce clone (commande « make lab » du README)."
    )


def modules_dir() -> Path:
    """Folder of the module notebooks."""
    return repository_root() / "modules"


def assessments_dir() -> Path:
    """Folder of the nbgrader source assessments (one sub-folder per assessment)."""
    return repository_root() / "assessments"


def course_dir() -> Path:
    """Folder of the course configuration (référentiel, syllabus, Jupyter settings)."""
    return repository_root() / "course"


def book_dir() -> Path:
    """Folder of the Jupyter Book sources."""
    return repository_root() / "book"
