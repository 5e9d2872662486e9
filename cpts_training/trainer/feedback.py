"""Feedback that explains a grade in French without revealing the hidden tests.

nbgrader's feedback shows every test cell as autograded, hidden tests included,
and Python tracebacks quote the failing line of a test (with its expected
value). :class:`SanitizeFeedback` runs in ``nbgrader generate_feedback``, after
nbgrader's ``GetGrades``: it runs, in order, the one-job preprocessors of
:mod:`cpts_training.trainer.preprocessors` (nbgrader's comments in French, each
hidden-test region replaced by a French note, every error output replaced by a
French explanation, the answers still waiting for a manual grade marked), then
adds when a late copy was handed in and its delay (:func:`late_notice`).

:class:`FeedbackExporter` writes the page with our French template
(``templates/feedback_fr``): ``lang="fr"``, French labels and numbers, and no
script or style sheet loaded from the internet, so that trainees can read it
offline.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool
from traitlets.config import Config

from cpts_training.formatting import format_decimal_fr
from cpts_training.trainer.preprocessors import FEEDBACK_PREPROCESSORS
from cpts_training.trainer.preprocessors.explain_errors import explain_error, shorten_error
from cpts_training.trainer.preprocessors.mark_pending_grades import mark_pending_grades
from cpts_training.trainer.preprocessors.remove_hidden_tests import (
    BEGIN_HIDDEN,
    END_HIDDEN,
    HIDDEN_TESTS_NOTE,
    remove_hidden_tests,
)
from cpts_training.trainer.preprocessors.translate_comments import AUTO_COMMENTS

# Former home of the feedback jobs: their names stay importable from here.
__all__ = [
    "AUTO_COMMENTS",
    "BEGIN_HIDDEN",
    "END_HIDDEN",
    "HIDDEN_TESTS_NOTE",
    "FeedbackExporter",
    "SanitizeFeedback",
    "explain_error",
    "mark_pending_grades",
    "nombre_fr",
    "note_fr",
    "points_fr",
    "remove_hidden_tests",
    "shorten_error",
]

#: Folder of our nbconvert templates, and the name of the feedback one.
FEEDBACK_TEMPLATES = Path(__file__).parent / "templates"
FEEDBACK_TEMPLATE = "feedback_fr"


class SanitizeFeedback(Preprocessor):
    """nbconvert preprocessor: the feedback jobs of :data:`FEEDBACK_PREPROCESSORS`, in order.

    The name that workspaces' ``nbgrader_config.py`` lists after ``GetGrades``;
    each job is its own preprocessor in :mod:`cpts_training.trainer.preprocessors`.
    """

    enabled = Bool(True, help="Whether the preprocessor runs.").tag(config=True)

    def preprocess(self, nb, resources):  # noqa: D102 - nbconvert API
        for job in FEEDBACK_PREPROCESSORS:
            nb, resources = job(parent=self).preprocess(nb, resources)
        grading = resources.get("nbgrader", {})
        if "db_url" in grading:
            grading["retard"] = late_notice(
                grading["db_url"], grading["assignment"], grading["student"]
            )
            _deduct_late_penalty(grading)
        return nb, resources


def _deduct_late_penalty(info: dict[str, Any]) -> None:
    """The page's total: the points counted (pending answers apart) minus nbgrader's late
    penalty of this notebook, as the page says (« déjà déduite ») and ``notes.csv`` counts.

    Computed again from the gradebook, whatever an earlier job left in ``score``.
    """
    from nbgrader.api import Gradebook, MissingEntry

    from cpts_training.trainer.grading_state import counted_points

    with Gradebook(info["db_url"]) as gradebook:
        try:
            graded = gradebook.find_submission_notebook(
                info["notebook"], info["assignment"], info["student"]
            )
        except MissingEntry:
            return
        penalty = float(graded.late_submission_penalty or 0.0)
        counted = sum(counted_points(grade) for grade in graded.grades)
    info["late_penalty"] = penalty
    info["score"] = max(0.0, counted - penalty)


def late_notice(db_url: str, assessment: str, student: str) -> dict[str, str] | None:
    """When the copy was handed in and how late, as the feedback page says it.

    Read from nbgrader's gradebook (``SubmittedAssignment.timestamp``, ``duedate``
    with the trainee's extension, ``total_seconds_late``): ``None`` when the copy is
    on time or either date is unknown, else ``rendu_le``, ``date_limite`` (« 15/01/2027
    à 18:00 », Paris time) and ``retard`` (« 2 h 10 min »).
    """
    from nbgrader.api import Gradebook, MissingEntry

    from cpts_training.trainer.deadlines import format_delay, french_moment

    with Gradebook(db_url) as gradebook:
        try:
            submission = gradebook.find_submission(assessment, student)
        except MissingEntry:
            return None
        late = submission.total_seconds_late
        if not late or late <= 0:
            return None
        return {
            "rendu_le": french_moment(submission.timestamp),
            "date_limite": french_moment(submission.duedate),
            "retard": format_delay(late),
        }


def nombre_fr(value: float | int | None) -> str:
    """A number of points written the French way: ``5``, ``2,5``, ``0,25``, ``1 234,5``.

    :func:`~cpts_training.formatting.format_decimal_fr` to two decimals (half-up
    rounding, narrow no-break space between thousands); a missing score (``None``)
    counts as no points, ``0``.
    """
    return format_decimal_fr(0 if value is None else value, max_decimals=2)


def points_fr(value: float | int | None) -> str:
    """``1 point``, ``3 points``, ``0,5 point`` (plural from 2 on, as in French)."""
    return f"{nombre_fr(value)} {'points' if abs(float(value or 0)) >= 2 else 'point'}"


def note_fr(score: float | int | None, max_score: float | int | None) -> str:
    """A score out of its maximum: ``5 / 6 points``, ``2,5 / 3 points``, ``0 / 1 point``."""
    return f"{nombre_fr(score)} / {points_fr(max_score)}"


class FeedbackExporter(HTMLExporter):
    """HTML exporter of the trainees' feedback, with our French template.

    ``nbgrader generate_feedback`` configures ``HTMLExporter`` with its own
    (English) template; this exporter's own configuration section takes
    precedence, and defaults to our template when it is not set.
    """

    def __init__(self, config: Config | None = None, **kwargs: Any) -> None:
        if config is None and kwargs.get("parent") is not None:
            config = kwargs["parent"].config
        config = copy.deepcopy(config) if config is not None else Config()
        own = config[type(self).__name__]
        defaults = {
            "template_name": FEEDBACK_TEMPLATE,
            "extra_template_basedirs": [str(FEEDBACK_TEMPLATES)],
            "language_code": "fr",
        }
        for key, value in defaults.items():
            if key not in own:
                own[key] = value
        super().__init__(config=config, **kwargs)

    def default_filters(self):  # noqa: D102 - nbconvert API
        yield from super().default_filters()
        yield ("nombre_fr", nombre_fr)
        yield ("points_fr", points_fr)
        yield ("note_fr", note_fr)

    def from_notebook_node(self, nb, resources=None, **kwargs):  # noqa: D102 - nbconvert API
        html, resources = super().from_notebook_node(nb, resources, **kwargs)
        # nbconvert gives every image without a description an English one.
        english = 'alt="No description has been provided for this image"'
        return html.replace(english, 'alt="Image sans description"'), resources


def write_failure_pages(workspace: Path, assessment: str, student: str | None = None) -> list[Path]:
    """A French page for each deposited copy the automatic correction could not grade.

    For every trainee (or ``student``) whose last correction of the copy deposited now
    failed (:func:`~.autograde.last_outcome`), writes
    ``feedback/<id>/<assessment>/<assessment>.html``: the copy is not graded, why
    (the short reason, never the trainer's technical detail), and what to do. Returns
    the pages written.
    """
    import jinja2

    from cpts_training.dates import fr_date
    from cpts_training.trainer.autograde import FAILED, is_complete, last_outcome
    from cpts_training.trainer.grade_summary import deposit_time

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "copie_non_corrigee"),
        autoescape=True,
    )
    template = environment.get_template("page.html.j2")
    pages = []
    for folder in sorted((workspace / "submitted").glob(f"{student or '*'}/{assessment}")):
        name = folder.parent.name
        outcome = last_outcome(workspace, assessment, name)
        deposited = deposit_time(folder)
        if (
            outcome is None
            or outcome.status != FAILED
            or outcome.deposit != (deposited.isoformat() if deposited else "")
            or is_complete(workspace, assessment, name)
        ):
            continue
        page = workspace / "feedback" / name / assessment / f"{assessment}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        when = f"le {fr_date(deposited)}" if deposited else "pour cette évaluation"
        page.write_text(
            template.render(assessment=assessment, deposited=when, reason=outcome.reason),
            encoding="utf-8",
        )
        pages.append(page)
    return pages
