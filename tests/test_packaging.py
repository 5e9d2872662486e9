"""The built wheel works on its own, outside the repository (see :mod:`tests.installed`).

The wheel and its install are shared fixtures (``wheel``, ``installed`` in ``conftest.py``);
the public book of ``test_book.py`` is built by that installed package.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import cpts_training
from tests.installed import REPOSITORY, Installed

pytestmark = pytest.mark.packaging


def test_version_has_one_source() -> None:
    from click.testing import CliRunner

    from cpts_training.cli import app

    result = CliRunner().invoke(app, ["--version"], prog_name="cpts-training")
    assert result.exit_code == 0
    assert result.output == f"cpts-training, version {cpts_training.__version__}\n"
    pyproject = (REPOSITORY / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert 'path = "cpts_training/__init__.py"' in pyproject


def test_wheel_ships_the_course_and_the_conventions(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    course = "cpts_training/_course"
    expected = {
        f"{course}/course/syllabus.yaml",
        f"{course}/book/_config.yml",
        "cpts_training/data/referentiel.yaml",
        "cpts_training/py.typed",
    }
    expected |= {f"{course}/modules/{p.name}" for p in (REPOSITORY / "modules").glob("*.ipynb")}
    expected |= {
        f"{course}/{p.relative_to(REPOSITORY)}"
        for p in (REPOSITORY / "assessments").glob("*/*.ipynb")
    }
    assert expected <= names
    assert not [n for n in names if "_build/" in n or ".ipynb_checkpoints" in n]
    info = f"cpts_training-{cpts_training.__version__}.dist-info"
    assert f"{info}/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode("utf-8")
    assert f"Version: {cpts_training.__version__}\n" in metadata
    assert "License-Expression: MIT\n" in metadata
    assert "MIT License" in (REPOSITORY / "LICENSE").read_text(encoding="utf-8")


def test_installed_wheel_works_outside_the_repository(installed: Installed) -> None:
    cli = str(installed.bin / "cpts-training")
    where = installed.run(
        str(installed.bin / "python"),
        "-c",
        "import cpts_training; print(cpts_training.__file__)",
    )
    assert Path(where.stdout.strip()).is_relative_to(installed.venv)

    version = installed.run(cli, "--version")
    assert version.stdout.strip() == f"cpts-training, version {cpts_training.__version__}"

    # What « cpts-training lab » does before it starts the server: copy the notebooks.
    installed.run(
        str(installed.bin / "python"),
        "-c",
        "from pathlib import Path; from cpts_training.lab import prepare_trainee_space; "
        "prepare_trainee_space(Path('stagiaire'))",
    )
    assert (installed.outside / "stagiaire" / "Accueil.ipynb").is_file()

    installed.run(cli, "workspace", "init", "promo")
    assert (installed.outside / "promo" / "source" / "evaluation_00").is_dir()
    installed.run(cli, "assessment", "release", "evaluation_00", "--workspace", "promo")
    release = installed.outside / "promo" / "release" / "evaluation_00"
    assert (release / "evaluation_00.ipynb").is_file()
    # « cpts-training book » of the installed package: the ``built_book`` fixture, whose
    # pages test_book.py reads (one book build for the whole run).
