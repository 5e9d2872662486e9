"""The trainees' version of an assessment notebook, made by nbgrader's own preprocessors.

Used wherever a released notebook is needed outside a trainer's workspace (the
public book): solutions become a French stub, hidden tests and marking schemes
are removed, outputs are cleared. A ``BEGIN`` marker without its ``END`` is
refused first, in French (:mod:`.preprocessors.end_markers`).
"""

from __future__ import annotations

import copy

from nbformat import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearOutput, ClearSolutions

from cpts_training.trainer.preprocessors.end_markers import require_end_markers

CODE_STUB = (
    "# VOTRE RÉPONSE ICI : remplacez ces deux lignes par votre calcul\n"
    'raise NotImplementedError("Réponse à compléter")'
)
TEXT_STUB = "VOTRE RÉPONSE ICI (double-cliquez pour écrire)"


def student_version(
    notebook: NotebookNode, assessment: str | None = None, notebook_name: str | None = None
) -> NotebookNode:
    """Return a copy of an nbgrader source ``notebook`` as trainees receive it.

    Raises :class:`~.preprocessors.end_markers.MissingEndMarker` (naming
    ``assessment``, ``notebook_name`` and the cell) if a cell opens a solution or
    hidden-test region that it does not close.
    """
    require_end_markers(notebook, assessment, notebook_name)
    result = copy.deepcopy(notebook)
    resources: dict[str, object] = {}
    for preprocessor in (
        ClearSolutions(code_stub={"python": CODE_STUB}, text_stub=TEXT_STUB),
        ClearHiddenTests(),
        ClearMarkScheme(),
        ClearOutput(),
    ):
        result, resources = preprocessor.preprocess(result, resources)
    return result
