"""Start JupyterLab for the course: French settings, chosen extensions, interpreter on PATH.

Shared by the trainee's JupyterLab (:mod:`cpts_training.lab`), the trainer's
formgrader (:mod:`cpts_training.trainer.formgrader`) and the nbgrader runner.
Settings live in a folder of their own, pointed to by environment variables,
so that the user's other Jupyter installations are left untouched.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

USER_SETTINGS: dict[str, dict[str, object]] = {
    "@jupyterlab/translation-extension/plugin": {"locale": "fr_FR"},
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
"""JupyterLab settings of the course: French interface, no news pop-up."""


FAST_START_DIR = Path(__file__).parent / "_fast_start"
"""Modules that stand in for slow optional imports in the processes the course starts."""


def with_interpreter_bin(base: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of the environment with the running interpreter's ``bin/`` first on PATH,
    and :data:`FAST_START_DIR` first on ``PYTHONPATH`` (:mod:`cpts_training._fast_start`:
    each nbgrader step and server starts about 3 s sooner).

    nbgrader starts the ``alembic`` executable, which lives there.
    """
    env = dict(os.environ if base is None else base)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    paths = [str(FAST_START_DIR), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def _write_json(path: Path, content: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_lab_settings(
    settings_root: Path,
    disabled_lab_extensions: Iterable[str] = (),
    disabled_server_extensions: Iterable[str] = (),
) -> None:
    """Write the Jupyter configuration and the JupyterLab user settings in ``settings_root``.

    The disabled JupyterLab extensions are also locked (``lockedExtensions``, the
    mapping JupyterLab's plugin manager reads): otherwise a user could enable them
    again from the interface. User settings already there are kept (the user's own
    choices).
    """
    config = settings_root / "config"
    disabled = {name: True for name in disabled_lab_extensions}
    _write_json(
        config / "labconfig" / "page_config.json",
        {"disabledExtensions": disabled, "lockedExtensions": dict(disabled)},
    )
    _write_json(
        config / "jupyter_server_config.json",
        {
            "ServerApp": {
                "jpserver_extensions": {name: False for name in disabled_server_extensions}
            }
        },
    )
    for plugin, values in USER_SETTINGS.items():
        path = settings_root / "user-settings" / f"{plugin}.jupyterlab-settings"
        if not path.exists():
            _write_json(path, values)


def lab_environment(settings_root: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment variables that point JupyterLab to the settings of ``settings_root``."""
    env = with_interpreter_bin(base)
    env["JUPYTER_CONFIG_DIR"] = str(settings_root / "config")
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings_root / "user-settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(settings_root / "workspaces")
    return env


def jupyterlab_command(
    root_dir: Path,
    default_url: str,
    port: int | None = None,
    open_browser: bool = True,
    token: str | None = None,
    options: Iterable[str] = (),
) -> list[str]:
    """Command line that starts JupyterLab on ``root_dir`` and opens ``default_url``."""
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={Path(root_dir).resolve()}",
        f"--LabApp.default_url={default_url}",
        *options,
    ]
    if port is not None:
        command.append(f"--ServerApp.port={port}")
    if not open_browser:
        command.append("--no-browser")
    if token is not None:
        command.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command
