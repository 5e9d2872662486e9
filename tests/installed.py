"""A wheel of the course installed in a fresh venv, outside the repository (tests only).

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

import os
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]

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


def build_wheel(dist: Path) -> Path:
    """Build the wheel of the repository into ``dist``, offline; return its path."""
    _run(
        sys.executable,
        *("-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--quiet"),
        *("--wheel-dir", str(dist), str(REPOSITORY)),
    )
    (built,) = dist.glob("cpts_training-*.whl")
    return built


def install_wheel(wheel: Path, root: Path) -> Installed:
    """Install ``wheel`` in a fresh venv under ``root``, with a folder outside the repository."""
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
