"""Authoring check: every ``BEGIN`` marker of an assessment cell has its ``END``.

nbgrader removes what lies between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
(and between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``). A missing
``END`` marker would hide the rest of the cell, or stop nbgrader with an English
message: it is an authoring error, refused with a French message that names the
assessment, the cell and the fix, before anything is published.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

from cpts_training.errors import CPTSError

#: The marker pairs nbgrader looks for (as a substring of a line, like nbgrader).
SOLUTION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN_TESTS_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MARKERS = (SOLUTION_MARKERS, HIDDEN_TESTS_MARKERS)


class MissingEndMarker(CPTSError):
    """An assessment cell opens a solution or hidden-test region it does not close."""


def unclosed_marker(source: str, begin: str, end: str) -> int | None:
    """The line number (from 1) of the first ``begin`` line not closed by ``end``, if any.

    A ``begin`` met while a region is still open is unclosed too: its ``end`` is
    missing before the next ``begin``.
    """
    opened: int | None = None
    for number, line in enumerate(source.split("\n"), start=1):
        if begin in line:
            if opened is not None:
                return opened
            opened = number
        elif end in line:
            opened = None
    return opened


def cell_name(cell: NotebookNode, index: int) -> str:
    """How the trainer finds a cell: « q1_population », or its position without grade id."""
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"« {grade_id} »" if grade_id else f"n° {index + 1} (sans identifiant nbgrader)"


def missing_end_message(
    assessment: str | None, notebook: str | None, cell: str, begin: str, end: str, line: int
) -> str:
    """The French message for a ``begin`` marker without its ``end`` in one cell."""
    where = f"Évaluation « {assessment} »" if assessment else "Évaluation"
    if notebook:
        where += f", carnet {notebook}"
    return (
        f"{where}, cellule {cell} : la ligne « ### {begin} » (ligne {line} de la cellule) "
        f"n'est suivie d'aucune ligne « ### {end} ». Erreur de rédaction du sujet : dans le "
        f"carnet source de l'évaluation, ajoutez la ligne « ### {end} » dans cette cellule, "
        "à la fin de la partie à masquer, puis relancez la commande."
    )


def require_end_markers(
    notebook: NotebookNode, assessment: str | None = None, notebook_name: str | None = None
) -> None:
    """Raise :class:`MissingEndMarker` at the first cell with a ``BEGIN`` but no ``END``."""
    for index, cell in enumerate(notebook.cells):
        require_cell_end_markers(cell, index, assessment, notebook_name)


def require_cell_end_markers(
    cell: NotebookNode,
    index: int,
    assessment: str | None = None,
    notebook_name: str | None = None,
    markers: Iterable[tuple[str, str]] = MARKERS,
) -> None:
    """Raise :class:`MissingEndMarker` if ``cell`` opens a region it does not close."""
    source = cell.get("source") or ""
    if isinstance(source, list):
        source = "".join(source)
    for begin, end in markers:
        line = unclosed_marker(source, begin, end)
        if line is not None:
            raise MissingEndMarker(
                missing_end_message(
                    assessment, notebook_name, cell_name(cell, index), begin, end, line
                )
            )


def require_assessment_end_markers(folder: Path, assessment: str | None = None) -> None:
    """Check every notebook of an assessment's source ``folder`` (:func:`require_end_markers`)."""
    assessment = assessment or folder.name
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        notebook = nbformat.read(path, as_version=4)
        require_end_markers(notebook, assessment, path.relative_to(folder).as_posix())


class RequireEndMarkers(Preprocessor):
    """nbconvert preprocessor: refuse a notebook with a ``BEGIN`` marker left open."""

    enabled = Bool(True, help="Whether the preprocessor runs.").tag(config=True)

    def preprocess(self, nb, resources):  # noqa: D102 - nbconvert API
        info = resources.get("nbgrader") or {}
        require_end_markers(nb, info.get("assignment"), _notebook_file(info.get("notebook")))
        return nb, resources


def _notebook_file(name: str | None) -> str | None:
    return f"{name}.ipynb" if name else None
