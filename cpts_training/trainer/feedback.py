"""Feedback that explains a grade without revealing the hidden tests.

nbgrader's feedback shows every test cell as autograded, hidden tests included,
and Python tracebacks quote the failing line of a test (with its expected
value). :class:`SanitizeFeedback` runs in ``nbgrader generate_feedback``: it
replaces the hidden-test region of each test cell with a French note and cuts
every error output down to its message.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

HIDDEN_TESTS_NOTE = "# Vérifications complémentaires du formateur (non affichées)."
BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"


def remove_hidden_tests(source: str, note: str = HIDDEN_TESTS_NOTE) -> str:
    """Replace each ``### BEGIN/END HIDDEN TESTS`` region of ``source`` with ``note``."""
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


def shorten_error(output: NotebookNode) -> NotebookNode:
    """Keep only the exception's name and message in an error output."""
    if output.get("output_type") == "error":
        output["traceback"] = [f"{output.get('ename', 'Erreur')} : {output.get('evalue', '')}"]
    return output


class SanitizeFeedback(Preprocessor):
    """nbconvert preprocessor: hide hidden tests and tracebacks in feedback."""

    enabled = Bool(True, help="Whether the preprocessor runs.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):  # noqa: D102 - nbconvert API
        if cell.cell_type == "code":
            grading = cell.metadata.get("nbgrader", {})
            if grading.get("grade") and not grading.get("solution"):
                cell.source = remove_hidden_tests(cell.source)
            cell.outputs = [shorten_error(output) for output in cell.get("outputs", [])]
        return cell, resources
