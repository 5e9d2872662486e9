"""Hidden tests out of the feedback: each region replaced by a French note."""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from cpts_training.trainer.preprocessors.end_markers import (
    HIDDEN_TESTS_MARKERS,
    require_cell_end_markers,
)

HIDDEN_TESTS_NOTE = "# Vérifications complémentaires du formateur (non affichées)."
BEGIN_HIDDEN, END_HIDDEN = HIDDEN_TESTS_MARKERS


def remove_hidden_tests(source: str, note: str = HIDDEN_TESTS_NOTE) -> str:
    """Replace each ``### BEGIN/END HIDDEN TESTS`` region of ``source`` with ``note``.

    The regions must be closed (see
    :func:`~cpts_training.trainer.preprocessors.end_markers.unclosed_marker`):
    :class:`RemoveHiddenTests` refuses a cell whose ``END`` marker is missing
    before calling this function.
    """
    kept: list[str] = []
    hidden = False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            hidden = True
            kept.append(note)
        elif END_HIDDEN in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


class RemoveHiddenTests(Preprocessor):
    """nbconvert preprocessor: remove the hidden tests of every test cell.

    Like nbgrader's ``ClearHiddenTests``, a ``BEGIN HIDDEN TESTS`` without its
    ``END`` stops the run (:class:`~.end_markers.MissingEndMarker`, in French)
    rather than dropping the rest of the cell.
    """

    enabled = Bool(True, help="Whether the preprocessor runs.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):  # noqa: D102 - nbconvert API
        grading = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and grading.get("grade") and not grading.get("solution"):
            info = resources.get("nbgrader") or {}
            notebook = info.get("notebook")
            require_cell_end_markers(
                cell,
                index,
                info.get("assignment"),
                f"{notebook}.ipynb" if notebook else None,
                markers=(HIDDEN_TESTS_MARKERS,),
            )
            cell.source = remove_hidden_tests(cell.source)
        return cell, resources
