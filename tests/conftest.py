"""Shared fixtures: the course's real files, a trainer workspace, the installed wheel and the
book it builds."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from cpts_training.paths import assessments_dir, repository_root
from tests.cohort import Cohort, build_cohort
from tests.installed import Installed, build_wheel, install_wheel

REPO = repository_root()

# nbgrader starts the `alembic` executable: the interpreter's bin/ must be on PATH.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])


@pytest.fixture(scope="session")
def assessment_sources() -> list[Path]:
    """Every source notebook of every assessment."""
    notebooks = sorted(assessments_dir().glob("*/*.ipynb"))
    assert notebooks, "no assessment notebook found"
    return notebooks


@pytest.fixture(scope="session")
def released_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trainer workspace in which every assessment has been released by nbgrader."""
    from cpts_training.trainer.pipeline import release
    from cpts_training.trainer.workspace import init_workspace

    workspace = init_workspace(tmp_path_factory.mktemp("released") / "espace")
    for folder in sorted(p for p in (workspace / "source").iterdir() if p.is_dir()):
        release(workspace, folder.name)
    return workspace


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course's wheel, built offline once per test worker."""
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip("hatchling absent : installez les outils de test (pip install -e '.[dev]')")
    return build_wheel(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """That wheel installed in a fresh venv, with a working folder outside the repository."""
    return install_wheel(wheel, tmp_path_factory.mktemp("wheel-install"))


@pytest.fixture(scope="session")
def built_book(installed: Installed) -> Path:
    """The public book, built once by the installed package's « cpts-training book », from a
    folder outside the repository; returns its HTML folder."""
    cli = str(installed.bin / "cpts-training")
    result = installed.run(cli, "book", "--output", "livre", timeout=900)
    assert "Livre construit" in result.stdout + result.stderr
    html = installed.outside / "livre" / "html"
    assert (html / "index.html").is_file()
    return html


HEAVIEST_FIRST = (
    "test_autograde_scale.py",
    "test_cohort.py",
    "test_nbgrader_roundtrip.py",
    "test_browser.py",
    "test_trainee_sweep.py",
    "test_trainer_autograde.py",
    "test_book.py",
    "test_feedback_french.py",
    "test_notebooks.py",
    "test_packaging.py",
    "test_authoring.py",
    "test_lab.py",
)
"""Test files that take the longest (a minute or more each, measured with
``--durations``), longest first. ``make test`` hands whole files to two workers
(``--dist loadfile``) in collection order: starting with the longest ones keeps one worker
from being left with a long file at the end while the other is idle."""


COHORT_FILES = ("test_cohort.py", "test_competency_model.py", "test_rubric_grading.py")
"""Test files that share the session's graded cohort (``cohort_workspace``): they run on
one worker, so that the cohort is built once."""


BOOK_FILES = (
    "test_book.py",
    "test_book_site.py",
    "test_book_browser.py",
    "test_book_pages.py",
    "test_book_exercises.py",
    "test_book_pdf.py",
    "test_book_build.py",
    "test_packaging.py",
)
"""Test files that read the built book (``built_book``): they run on one worker, so that
the wheel is installed and the book built once."""


@pytest.fixture(scope="session")
def cohort_workspace(tmp_path_factory: pytest.TempPathFactory) -> Cohort:
    """The synthetic cohort of :mod:`tests.cohort`, collected from Moodle and autograded
    (written answers not graded yet). Built once per session: do not change it, use
    ``cohort``."""
    return build_cohort(tmp_path_factory.mktemp("cohorte"))


@pytest.fixture
def cohort(cohort_workspace: Cohort, tmp_path: Path) -> Cohort:
    """A copy of the graded cohort, for a test that changes it."""
    return cohort_workspace.copied(tmp_path)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile``, with the files of :data:`COHORT_FILES`, and those of
    :data:`BOOK_FILES`, each as one unit of work."""
    from xdist.scheduler import LoadFileScheduling

    class CohortScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if Path(nodeid.split("::", 1)[0]).name in COHORT_FILES:
                return "cohorte"
            if Path(nodeid.split("::", 1)[0]).name in BOOK_FILES:
                return "livre"
            return str(super()._split_scope(nodeid))

    return CohortScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: position for position, name in enumerate(HEAVIEST_FIRST)}
    # sorted() is stable: the tests of a file keep their order.
    items[:] = sorted(items, key=lambda item: rank.get(item.path.name, len(rank)))
