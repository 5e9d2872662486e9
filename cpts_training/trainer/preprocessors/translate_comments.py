"""nbgrader's automatic comments in French, in the feedback."""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

#: nbgrader's automatic comments (``SaveAutoGrades``), in French.
AUTO_COMMENTS = {"No response.": "Pas de réponse."}


class TranslateComments(Preprocessor):
    """nbconvert preprocessor: translate nbgrader's automatic comments into French."""

    enabled = Bool(True, help="Whether the preprocessor runs.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):  # noqa: D102 - nbconvert API
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("comment") in AUTO_COMMENTS:
            grading["comment"] = AUTO_COMMENTS[grading["comment"]]
            grading["comment_auto"] = True
        return cell, resources
