"""Put a trainee's notebook into the workspace's ``submitted/`` folder, safely.

A submission is never overwritten silently: replacing one needs
``replace=True`` and moves the previous copy to ``archives/`` first.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from cpts_training.errors import CPTSError
from cpts_training.trainer.workspace import require_workspace

_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def suggested_identifier(value: str) -> str:
    """``value`` as a valid identifier: lower case, no accent, « - » for spaces."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9_.-]+", "-", plain.lower()).strip("-._")
    return words or "dupont-marie"


def _check_identifier(value: str, what: str) -> None:
    if not _ID_PATTERN.match(value):
        raise CPTSError(
            f"{what} « {value} » invalide : utilisez des minuscules sans accent, des "
            "chiffres, « - », « _ » ou « . », en commençant par une lettre ou un chiffre "
            f"(par exemple « {suggested_identifier(value)} »)."
        )


def _grade_ids(notebook: nbformat.NotebookNode) -> list[str]:
    """The nbgrader ids of a notebook's answer and graded cells, in order."""
    ids = []
    for cell in notebook.cells:
        marks = cell.metadata.get("nbgrader", {})
        if (marks.get("grade") or marks.get("solution")) and "grade_id" in marks:
            ids.append(marks["grade_id"])
    return ids


def _check_graded_cells(copy: nbformat.NotebookNode, released: Path, assessment: str) -> None:
    """Fail in French if the copy lacks answer or graded cells of the released notebook."""
    expected = _grade_ids(nbformat.read(released, as_version=4))
    present = _grade_ids(copy)
    missing = [grade_id for grade_id in expected if grade_id not in present]
    foreign = [grade_id for grade_id in present if grade_id not in expected]
    if foreign or (expected and len(missing) == len(expected)):
        detail = f" (cellules inconnues : {', '.join(foreign)})" if foreign else ""
        raise CPTSError(
            f"Ce carnet n'est pas une copie de « {assessment} »{detail}. Vérifiez le nom de "
            "l'évaluation et le fichier rendu par le stagiaire."
        )
    if not missing:
        return
    raise CPTSError(
        "Cellules de réponse ou de vérification absentes de la copie : "
        f"{', '.join(missing)}. Le stagiaire les a sans doute supprimées ; la copie n'est "
        "pas déposée, car ces questions seraient comptées à zéro sans explication. "
        f"Demandez-lui de repartir du carnet publié ({released.name}) et d'y recopier ses réponses."
    )


@dataclass(frozen=True)
class Deposit:
    """A deposited copy: its folder, and where the copy it replaced was archived."""

    folder: Path
    archive: Path | None = None


def submit(
    workspace: Path,
    assessment: str,
    student_id: str,
    notebook: Path,
    replace: bool = False,
    now: datetime | None = None,
) -> Deposit:
    """Copy ``notebook`` as ``student_id``'s submission of ``assessment``.

    The notebook keeps the released notebook's file name, so that nbgrader
    matches it, and must hold every graded cell of the released notebook.
    """
    workspace = require_workspace(workspace)
    _check_identifier(assessment, "Nom d'évaluation")
    _check_identifier(student_id, "Identifiant de stagiaire")
    notebook = Path(notebook).expanduser().resolve()
    if not (workspace / "source" / assessment).is_dir():
        available = sorted(p.name for p in (workspace / "source").iterdir() if p.is_dir())
        raise CPTSError(
            f"Évaluation « {assessment} » inconnue dans {workspace}. "
            f"Évaluations disponibles : {', '.join(available) or 'aucune'}."
        )
    expected = sorted((workspace / "release" / assessment).glob("*.ipynb"))
    if not expected:
        raise CPTSError(
            f"L'évaluation « {assessment} » n'a pas encore été publiée dans {workspace}. "
            f"Lancez d'abord « cpts-training assessment release {assessment} »."
        )
    if not notebook.is_file():
        raise CPTSError(f"Le fichier {notebook} est introuvable : vérifiez le chemin.")
    try:
        copy = nbformat.read(notebook, as_version=4)
    except Exception as error:  # nbformat raises several unrelated types
        raise CPTSError(
            f"Le fichier {notebook} n'est pas un carnet Jupyter lisible (fichier abîmé, "
            "incomplet ou d'un autre type). Demandez au stagiaire de renvoyer le fichier "
            ".ipynb tel quel, sans l'ouvrir ni le convertir."
        ) from error
    name = notebook.name if len(expected) > 1 else expected[0].name
    if name not in {p.name for p in expected}:
        raise CPTSError(
            f"Le carnet {notebook.name} ne fait pas partie de l'évaluation « {assessment} » "
            f"(carnets attendus : {', '.join(p.name for p in expected)})."
        )
    _check_graded_cells(copy, workspace / "release" / assessment / name, assessment)
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
    else:
        archive = None
    folder.mkdir(parents=True)
    shutil.copy2(notebook, folder / name)
    (folder / "timestamp.txt").write_text(f"{now:%Y-%m-%d %H:%M:%S.%f %Z}", encoding="utf-8")
    return Deposit(folder, archive)
