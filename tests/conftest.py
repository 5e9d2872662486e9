"""Shared fixtures: the course's real files, a trainer workspace, the built book."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from cpts_training.paths import assessments_dir, repository_root

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
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public book, built once for the session; returns its HTML folder."""
    from cpts_training.book import build_book

    return build_book(tmp_path_factory.mktemp("livre"))
