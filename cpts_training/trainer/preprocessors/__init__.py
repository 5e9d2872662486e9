"""Our nbconvert preprocessors, one job per module named after it (as in nbgrader).

:data:`FEEDBACK_PREPROCESSORS` is the list, in order, that turns an autograded
notebook into the trainee's feedback (run after nbgrader's ``GetGrades``);
:mod:`.end_markers` is the authoring check that a release runs first.
"""

from __future__ import annotations

from cpts_training.trainer.preprocessors.end_markers import MissingEndMarker, RequireEndMarkers
from cpts_training.trainer.preprocessors.explain_errors import ExplainErrors
from cpts_training.trainer.preprocessors.mark_pending_grades import MarkPendingGrades
from cpts_training.trainer.preprocessors.remove_hidden_tests import RemoveHiddenTests
from cpts_training.trainer.preprocessors.translate_comments import TranslateComments

#: The feedback jobs, in order: comments in French, hidden tests removed (a missing
#: END marker stops the run), errors explained in French, pending grades marked.
FEEDBACK_PREPROCESSORS = [TranslateComments, RemoveHiddenTests, ExplainErrors, MarkPendingGrades]

__all__ = [
    "FEEDBACK_PREPROCESSORS",
    "ExplainErrors",
    "MarkPendingGrades",
    "MissingEndMarker",
    "RemoveHiddenTests",
    "RequireEndMarkers",
    "TranslateComments",
]
