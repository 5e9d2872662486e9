"""Put a trainee's notebook into the workspace's ``submitted/`` folder, safely.

A submission is never overwritten silently: replacing one needs
``replace=True`` and moves the previous copy to ``archives/`` first.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from cpts_training.errors import CPTSError
from cpts_training.trainer.workspace import require_workspace

_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _check_identifier(value: str, what: str) -> None:
    if not _ID_PATTERN.match(value):
        raise CPTSError(
            f"{what} « {value} » invalide : utilisez seulement des lettres sans accent, "
            "des chiffres, « - », « _ » ou « . » (par exemple « dupont-marie »)."
        )


def submit(
    workspace: Path,
    assessment: str,
    student_id: str,
    notebook: Path,
    replace: bool = False,
    now: datetime | None = None,
) -> Path:
    """Copy ``notebook`` as ``student_id``'s submission of ``assessment``.

    The notebook keeps the released notebook's file name, so that nbgrader
    matches it. Returns the submission folder.
    """
    workspace = require_workspace(workspace)
    _check_identifier(assessment, "Nom d'évaluation")
    _check_identifier(student_id, "Identifiant de stagiaire")
    notebook = Path(notebook).expanduser().resolve()
    expected = sorted((workspace / "release" / assessment).glob("*.ipynb"))
    if not expected:
        raise CPTSError(
            f"L'évaluation « {assessment} » n'a pas encore été publiée dans {workspace}. "
            f"Lancez d'abord « cpts-training assessment release {assessment} »."
        )
    if not notebook.is_file():
        raise CPTSError(f"Le fichier {notebook} est introuvable : vérifiez le chemin.")
    try:
        nbformat.read(notebook, as_version=4)
    except Exception as error:  # nbformat raises several unrelated types
        raise CPTSError(
            f"Le fichier {notebook} n'est pas un carnet Jupyter lisible ({error}). "
            "Demandez au stagiaire de renvoyer le fichier .ipynb tel quel."
        ) from error
    name = notebook.name if len(expected) > 1 else expected[0].name
    if name not in {p.name for p in expected}:
        raise CPTSError(
            f"Le carnet {notebook.name} ne fait pas partie de l'évaluation « {assessment} » "
            f"(carnets attendus : {', '.join(p.name for p in expected)})."
        )
    now = now or datetime.now(UTC)
    folder = workspace / "submitted" / student_id / assessment
    if folder.exists():
        if not replace:
            raise CPTSError(
                f"Une copie de « {student_id} » pour « {assessment} » existe déjà ({folder}). "
                "Elle n'est pas remplacée. Pour la remplacer, relancez avec --replace : "
                "l'ancienne copie sera archivée, et une note manuelle déjà saisie devra être "
                "revue après la nouvelle correction automatique."
            )
        archive = workspace / "archives" / student_id / f"{assessment}-{now:%Y%m%dT%H%M%S}"
        archive.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(folder), str(archive))
    folder.mkdir(parents=True)
    shutil.copy2(notebook, folder / name)
    (folder / "timestamp.txt").write_text(f"{now:%Y-%m-%d %H:%M:%S.%f %Z}", encoding="utf-8")
    return folder
