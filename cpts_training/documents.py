"""Documents a trainee keeps: where they are written, never over an existing file.

Domain-free: the budget summary for the CA and the territorial diagnostic both write an
HTML page and a DOCX document side by side through :func:`save_pair`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cpts_training.errors import InputError


def require_target(path: Path | str, suffix: str, overwrite: bool) -> Path:
    """``path`` as a file to write with extension ``suffix`` (``.html``, ``.docx`` or
    ``.xlsx``).

    Raises:
        InputError: French message for a wrong extension, an existing file when
            ``overwrite`` is false, or a folder that does not exist.
    """
    target = Path(path)
    if target.suffix.lower() != suffix:
        kind = {".docx": "document Word", ".xlsx": "classeur Excel"}.get(suffix, "page web")
        raise InputError(f"Le fichier « {target.name} » doit avoir l'extension {suffix} ({kind}).")
    if target.exists() and not overwrite:
        raise InputError(
            f"Le fichier « {target} » existe déjà et n'a pas été remplacé : choisissez un "
            "autre nom, ou cochez la case « Remplacer le fichier s'il existe »."
        )
    if not target.parent.is_dir():
        raise InputError(
            f"Le dossier « {target.parent} » n'existe pas : créez-le ou choisissez un autre "
            "emplacement."
        )
    return target


def save_docx(document: Any, target: Path) -> Path:
    """Save a python-docx ``document`` at ``target`` (checked by :func:`require_target`).

    Raises:
        InputError: French message when the file cannot be written (open in a word
            processor, no right to write in the folder).
    """
    try:
        document.save(str(target))
    except OSError as error:
        raise InputError(
            f"Impossible d'écrire « {target} » ({error}). Fermez le document s'il est "
            "ouvert dans un traitement de texte, vérifiez les droits du dossier, puis "
            "réessayez."
        ) from None
    return target


def save_pair(
    folder: Path | str,
    stem: str,
    html: Callable[[], str],
    write_docx: Callable[[Path], object],
    overwrite: bool = False,
    example: str = "mon_document",
) -> tuple[Path, Path]:
    """Write ``stem.html`` (the text ``html()`` returns) and ``stem.docx``
    (``write_docx(path)``) in ``folder``; return both paths.

    ``folder`` is created when its parent exists (the trainee's ``mes_documents``). Both
    files are checked before either is written: nothing is written when one exists and
    ``overwrite`` is false.

    Raises:
        InputError: French message for a stem with a folder or empty, a file that exists,
            a folder that cannot be made, or a page that cannot be written.
    """
    if not isinstance(stem, str) or not stem.strip() or "/" in stem or "\\" in stem:
        raise InputError(
            f"Nom de fichier « {stem} » invalide : donnez un nom sans dossier ni extension, "
            f"par exemple « {example} »."
        )
    base = Path(folder)
    if not base.exists() and base.parent.is_dir():
        base.mkdir()
    html_path = require_target(base / f"{stem.strip()}.html", ".html", overwrite)
    docx_path = require_target(base / f"{stem.strip()}.docx", ".docx", overwrite)
    try:
        html_path.write_text(html(), encoding="utf-8")
    except OSError as error:
        raise InputError(
            f"Impossible d'écrire « {html_path} » ({error}). Vérifiez les droits du dossier, "
            "puis réessayez."
        ) from None
    write_docx(docx_path)
    return html_path, docx_path


def a4_docx(title: str, margin_cm: float, font_pt: float, title_pt: float) -> Any:
    """An empty python-docx ``Document`` laid out for a French A4 page: ``margin_cm`` on
    every side, Calibri ``font_pt`` as the normal text, the Title style at ``title_pt``,
    and the document's title and language (fr-FR) in its properties."""
    import docx
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margin_cm))
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(font_pt)
    document.styles["Title"].font.size = Pt(title_pt)
    document.core_properties.title = title
    document.core_properties.language = "fr-FR"
    return document
