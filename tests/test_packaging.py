"""The built wheel works on its own, outside the repository.

The wheel is built once, offline (``pip wheel --no-build-isolation --no-index``, with
the hatchling of the dev extra), then installed with ``pip install --no-deps
--no-index`` into a fresh venv under a temporary folder. The dependencies are not
downloaded again: a ``.pth`` file makes the test environment's site-packages visible
to the new venv, after its own (so the wheel's ``cpts_training`` is the one imported,
and the repository's editable install is not), and the two console scripts the
commands start (``jupyter-book``, ``alembic``) are written into its ``bin/`` as pip
would have written them. The commands then run from a folder outside the repository,
with neither the repository nor the test environment on PATH or PYTHONPATH.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import cpts_training

REPOSITORY = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.packaging

_SCRIPTS = ("jupyter-book", "alembic")

_WRITE_SCRIPTS = """
import importlib.metadata, sys
from pathlib import Path
bin_dir = Path(sys.executable).parent
for name in sys.argv[1:]:
    (entry,) = importlib.metadata.entry_points(group="console_scripts", name=name)
    script = bin_dir / name
    script.write_text(
        f"#!{sys.executable}\\nimport sys\\nfrom {entry.module} import {entry.attr}\\n"
        f"sys.exit({entry.attr}())\\n"
    )
    script.chmod(0o755)
"""


@dataclass
class Installed:
    """A wheel installed in a fresh venv, and a folder outside the repository."""

    wheel: Path
    venv: Path
    outside: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL"))}
        env["PATH"] = os.pathsep.join([str(self.bin), "/usr/bin", "/bin"])
        return env

    def start(self, *command: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            list(command),
            cwd=self.outside,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def run(self, *command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            list(command),
            cwd=self.outside,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        return result


def _run(*command: str) -> str:
    result = subprocess.run(list(command), capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip("hatchling absent : installez les outils de test (pip install -e '.[dev]')")
    dist = tmp_path_factory.mktemp("dist")
    _run(
        sys.executable,
        *("-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--quiet"),
        *("--wheel-dir", str(dist), str(REPOSITORY)),
    )
    (built,) = dist.glob("cpts_training-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel-install")
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    python = str(venv / "bin" / "python")
    site_packages = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip()
    )
    shared = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site_packages / "zz_test_environment.pth").write_text("\n".join(shared) + "\n")
    _run(python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel))
    _run(python, "-c", _WRITE_SCRIPTS, *_SCRIPTS)
    outside = root / "ailleurs"
    outside.mkdir()
    return Installed(wheel=wheel, venv=venv, outside=outside)


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
    # The book is the longest command (it executes the modules): it runs meanwhile.
    book = installed.start(cli, "book", "--output", "livre")
    try:
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

        output, _ = book.communicate(timeout=300)
    finally:
        if book.poll() is None:
            book.kill()
            book.wait()
    assert book.returncode == 0, output
    assert "Livre construit" in output
    assert (installed.outside / "livre" / "html" / "index.html").is_file()
