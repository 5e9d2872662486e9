"""Feedback that explains a grade in French without revealing the hidden tests.

nbgrader's feedback shows every test cell as autograded, hidden tests included,
and Python tracebacks quote the failing line of a test (with its expected
value). :class:`SanitizeFeedback` runs in ``nbgrader generate_feedback``, after
nbgrader's ``GetGrades``: it replaces the hidden-test region of each test cell
with a French note, replaces every error output by a French explanation, and
marks the answers still waiting for a manual grade.

:class:`FeedbackExporter` writes the page with our French template
(``templates/feedback_fr``): ``lang="fr"``, French labels and numbers, and no
script or style sheet loaded from the internet, so that trainees can read it
offline.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool
from traitlets.config import Config

from cpts_training.formatting import format_decimal_fr
from cpts_training.french_kernel import EXPLANATION_STARTS

HIDDEN_TESTS_NOTE = "# Vérifications complémentaires du formateur (non affichées)."
BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"

#: Folder of our nbconvert templates, and the name of the feedback one.
FEEDBACK_TEMPLATES = Path(__file__).parent / "templates"
FEEDBACK_TEMPLATE = "feedback_fr"

#: nbgrader's automatic comments (``SaveAutoGrades``), in French.
AUTO_COMMENTS = {"No response.": "Pas de réponse."}

_UNANSWERED = (
    "Réponse non complétée : remplacez les lignes « VOTRE RÉPONSE ICI » par votre calcul, "
    "puis exécutez la cellule."
)
_GENERIC_ERRORS = {
    "NotImplementedError": _UNANSWERED,
    "TypeError": (
        "Opération impossible avec ce type de valeur (par exemple un texte à la place d'un "
        "nombre, ou une fonction appelée avec de mauvais arguments) : vérifiez ce que "
        "contiennent vos variables."
    ),
    "ValueError": (
        "Valeur inattendue (par exemple un texte qui ne peut pas être converti en nombre) : "
        "vérifiez les valeurs utilisées dans votre calcul."
    ),
    "SyntaxError": (
        "Le code de cette cellule est mal écrit (parenthèse, crochet ou guillemet non fermé, "
        "virgule ou deux-points manquant…) : relisez-le ligne par ligne."
    ),
    "IndentationError": (
        "Le décalage en début de ligne (indentation) n'est pas correct : les lignes d'un même "
        "bloc doivent commencer au même niveau."
    ),
    "ZeroDivisionError": (
        "Division par zéro : le nombre par lequel vous divisez vaut 0. Vérifiez les valeurs "
        "utilisées dans votre calcul."
    ),
    "IndexError": (
        "Position hors limites : vous demandez un élément qui n'existe pas dans la liste ou "
        "le tableau."
    ),
    "ModuleNotFoundError": "Module introuvable : vérifiez le nom du module importé.",
    "ImportError": "Import impossible : vérifiez le nom de ce que vous importez.",
    "FileNotFoundError": "Fichier introuvable : vérifiez son nom et son emplacement.",
    "CellTimeoutError": (
        "Cette cellule a dépassé le temps maximal d'exécution et a été arrêtée : vérifiez "
        "qu'elle ne contient pas de boucle sans fin ou de calcul très long."
    ),
    "DeadKernelError": (
        "Python s'est arrêté pendant l'exécution de cette cellule (mémoire épuisée ?) : "
        "les cellules suivantes n'ont pas pu être vérifiées."
    ),
}
_CHECK_FAILED = "Vérification non réussie"
#: How our explanations begin: an error whose message already is one is kept as it is.
_EXPLANATION_STARTS = (
    _CHECK_FAILED,
    "La variable ",
    "Un nom utilisé ici ",
    "La clé ou la colonne ",
    "L'élément ",
    "Erreur Python (",
    *(message.split(" : ")[0].split(" (")[0] for message in _GENERIC_ERRORS.values()),
    *EXPLANATION_STARTS,  # the trainee kernel's own explanations (short form, no code)
)


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


def explain_error(ename: str, evalue: str) -> str:
    """A French explanation of a Python error, for a trainee who is not a programmer.

    Our checks' own messages (``AssertionError``) are kept as they are; other
    errors get a French explanation instead of Python's English message. A message
    that already is such an explanation is not explained twice (the function is
    idempotent).
    """
    evalue = _ANSI.sub("", str(evalue or "")).strip()
    if ename == "AssertionError":  # our checks' own message, which may begin in any way
        if evalue.startswith(_CHECK_FAILED):
            return evalue
        return f"{_CHECK_FAILED} : {evalue}" if evalue else f"{_CHECK_FAILED}."
    if evalue.startswith(_EXPLANATION_STARTS):
        return evalue
    if ename in ("NameError", "UnboundLocalError"):
        match = re.search(r"(?:name|variable) '([^']+)'", evalue)
        if match:
            return (
                f"La variable {match.group(1)} n'est pas définie : exécutez la cellule où vous "
                "la calculez, ou vérifiez son nom."
            )
        return (
            "Un nom utilisé ici n'est pas défini : exécutez les cellules précédentes, ou "
            "vérifiez l'orthographe des noms."
        )
    if ename == "KeyError":
        return (
            f"La clé ou la colonne {evalue} n'existe pas : vérifiez son orthographe "
            "(majuscules, accents, espaces)."
        )
    if ename == "AttributeError":
        match = re.search(r"has no attribute '([^']+)'", evalue)
        name = match.group(1) if match else "utilisé"
        return f"L'élément {name} n'existe pas pour cet objet : vérifiez son orthographe."
    if ename in _GENERIC_ERRORS:
        message = _GENERIC_ERRORS[ename]
        line = re.search(r"line (\d+)", evalue)
        if ename in ("SyntaxError", "IndentationError") and line:
            return f"{message} (ligne {line.group(1)} de la cellule)"
        return message
    return (
        f"Erreur Python ({ename}) : la cellule ne s'est pas exécutée jusqu'au bout. Relisez "
        "votre code ; en cas de doute, demandez conseil à votre formateur."
    )


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def shorten_error(output: NotebookNode) -> NotebookNode:
    """Replace an error output's traceback by a French explanation of the error.

    The explanation is built from ``ename`` and ``evalue`` only: a traceback, in
    English from Python or already in French from a kernel extension, can quote the
    failing line of a hidden test, so it is never shown.
    """
    if output.get("output_type") == "error":
        message = explain_error(str(output.get("ename") or ""), output.get("evalue"))
        output["evalue"] = message
        output["traceback"] = [message]
    return output


def mark_pending_grades(nb: NotebookNode, resources: dict[str, Any]) -> None:
    """Mark the graded cells whose manual grade is still due, from the gradebook.

    "Due" is :func:`~cpts_training.trainer.grading_state.is_pending`, the definition
    shared with ``notes.csv`` and the competency report. Sets
    ``metadata.nbgrader.needs_manual_grade`` on every graded cell, the number and
    points of pending answers in ``resources["nbgrader"]``, and the total score
    without the pending cells (a former manual grade, given to a copy since
    replaced, is not counted). Without nbgrader's resources (outside
    ``generate_feedback``) nothing is marked.
    """
    info = resources.get("nbgrader") or {}
    if not {"db_url", "notebook", "assignment", "student"} <= set(info):
        return
    from nbgrader.api import Gradebook, MissingEntry

    from cpts_training.trainer.grading_state import counted_points, is_pending

    pending = 0
    pending_points = 0.0
    with Gradebook(info["db_url"]) as gradebook:
        for cell in nb.cells:
            grading = cell.metadata.get("nbgrader", {})
            if not (grading.get("grade") or grading.get("task")):
                continue
            try:
                grade = gradebook.find_grade(
                    grading["grade_id"], info["notebook"], info["assignment"], info["student"]
                )
            except MissingEntry:
                continue
            due = is_pending(grade)
            grading["needs_manual_grade"] = due
            if due:
                pending += 1
                pending_points += grade.max_score or 0
        try:
            graded = gradebook.find_submission_notebook(
                info["notebook"], info["assignment"], info["student"]
            )
        except MissingEntry:
            graded = None
        if graded is not None:
            info["score"] = sum(counted_points(grade) for grade in graded.grades)
    info["pending_count"] = pending
    info["pending_points"] = pending_points


class SanitizeFeedback(Preprocessor):
    """nbconvert preprocessor: hidden tests, tracebacks and pending grades in feedback."""

    enabled = Bool(True, help="Whether the preprocessor runs.").tag(config=True)

    def preprocess(self, nb, resources):  # noqa: D102 - nbconvert API
        nb, resources = super().preprocess(nb, resources)
        mark_pending_grades(nb, resources)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):  # noqa: D102 - nbconvert API
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("comment") in AUTO_COMMENTS:
            grading["comment"] = AUTO_COMMENTS[grading["comment"]]
            grading["comment_auto"] = True
        if cell.cell_type == "code":
            if grading.get("grade") and not grading.get("solution"):
                cell.source = remove_hidden_tests(cell.source)
            cell.outputs = [shorten_error(output) for output in cell.get("outputs", [])]
        return cell, resources


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
