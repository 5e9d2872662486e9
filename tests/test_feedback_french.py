"""The feedback page a trainee receives is in French, readable offline, and reveals no test.

One real nbgrader run (release → submissions → autograde → feedback) on
``evaluation_00``: alice answers everything (her written answer waits for the
trainer's grade), claire hands back the released notebook untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from cpts_training.trainer.feedback import (
    explain_error,
    nombre_fr,
    note_fr,
    points_fr,
    shorten_error,
)
from cpts_training.trainer.grading_state import set_manual_grade
from cpts_training.trainer.pipeline import autograde, feedback, release
from cpts_training.trainer.submissions import submit
from cpts_training.trainer.workspace import init_workspace
from tests.helpers import secret_lines, visible_text

ASSESSMENT = "evaluation_00"
ANSWERS: dict[str, dict[str, str]] = {
    # 52 886 inhabitants, 11.9 % aged 75+: both autograded checks of question 1 pass;
    # size 3 instead of 2 fails question 2. The written answer is not graded yet.
    "alice": {
        "q1_reponse": 'population_totale = territoire.communes["population"].sum()\n'
        'part_75_plus = round(100 * territoire.communes["pop_75_plus"].sum()'
        " / population_totale, 1)",
        "q2_reponse": "taille_aci = 3",
        "q3_presentation": "La CPTS réunit les professionnels de santé du territoire.",
    },
    # Nothing answered: the stubs raise, the checks cannot find the variables.
    "claire": {},
}

# What nbgrader's own feedback template and Python's messages would show.
ENGLISH = [
    "Score:",
    "Student's answer",
    "Test cell",
    "Grade cell",
    "Written response",
    "Comments:",
    "No response",
    "(Top)",
    "is not defined",
    "NameError :",
    "NotImplementedError :",
    "Traceback (most recent call last)",
]
EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I
)


@dataclass
class Graded:
    workspace: Path
    pages: dict[str, str]  # raw HTML per trainee, as first generated

    def page(self, student: str) -> Path:
        return self.workspace / "feedback" / student / ASSESSMENT / f"{ASSESSMENT}.html"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    tmp = tmp_path_factory.mktemp("retours")
    workspace = init_workspace(tmp / "espace")
    released = release(workspace, ASSESSMENT) / f"{ASSESSMENT}.ipynb"
    for student, answers in ANSWERS.items():
        notebook = nbformat.read(released, as_version=4)
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = answers[grade_id]
        copy = tmp / f"{student}.ipynb"
        nbformat.write(notebook, copy)
        submit(workspace, ASSESSMENT, student, copy)
    autograde(workspace, ASSESSMENT)
    feedback(workspace, ASSESSMENT)
    result = Graded(workspace, {})
    result.pages = {s: result.page(s).read_text(encoding="utf-8") for s in ANSWERS}
    return result


@pytest.mark.parametrize("student", sorted(ANSWERS))
def test_feedback_page_is_french_and_offline(graded: Graded, student: str) -> None:
    raw = graded.pages[student]
    assert raw.lstrip().lower().startswith("<!doctype html")
    assert re.search(r"<html[^>]*\blang=\"fr\"", raw)
    assert f"<title>Retour de correction — {ASSESSMENT}</title>" in raw
    text = visible_text(raw)
    assert f"Retour de correction — {ASSESSMENT}" in text
    assert f"Stagiaire : {student}" in text
    assert "Détail des points" in text and "Votre réponse" in text
    assert "Vérification : population totale : " in text
    assert "q1_population" not in text  # no nbgrader id shown to a trainee
    assert [word for word in ENGLISH if word in text] == []
    assert EXTERNAL.findall(raw) == []
    assert "mathjax" not in raw.lower() and "url(http" not in raw


@pytest.mark.parametrize("student", sorted(ANSWERS))
def test_feedback_page_still_hides_the_hidden_tests(graded: Graded, student: str) -> None:
    hidden = secret_lines(graded.workspace / "source" / ASSESSMENT / f"{ASSESSMENT}.ipynb")
    assert hidden["hidden"]
    text = visible_text(graded.pages[student])
    assert "Vérifications complémentaires du formateur" in text
    assert [line for line in hidden["hidden"] if line in text] == []


def test_ungraded_written_answer_is_pending_not_zero(graded: Graded) -> None:
    text = visible_text(graded.pages["alice"])
    # 2 autograded points out of 3; the 3 points of the written answer are still due.
    assert "Note obtenue : 2 / 6 points" in text
    assert "Note provisoire : 1 réponse (3 points) en attente de correction" in text
    assert "Réponse rédigée : en attente de correction (sur 3 points)" in text
    assert "Vérification : population totale : 1 / 1 point" in text
    assert "Vérification : taille ACI : 0 / 1 point" in text
    assert "0 / 3 points" not in text
    # Our French check messages stay as they are.
    assert "Vérification non réussie : Ce n'est pas la bonne taille ACI." in text


def test_unanswered_copy_gets_french_explanations(graded: Graded) -> None:
    raw = graded.pages["claire"]
    errors = [visible_text(e) for e in re.findall(r"output_error\">\s*<pre>(.*?)</pre>", raw, re.S)]
    assert len(errors) == 5  # 2 unanswered cells, 3 checks that cannot run
    assert [e for e in errors if "Error" in e or " is " in e] == []
    text = visible_text(raw)
    # The trainee kernel's own explanations, the same as in the lab, without the quoted
    # line of the cell (it could be a hidden test's).
    assert (
        "« population_totale » n'a pas encore de valeur dans cette session (ligne 2 de la "
        "cellule)." in text
    )
    assert "Cette question n'a pas encore de réponse." in text
    assert [e for e in errors if "require_answer" in e or "assert " in e] == []
    # An untouched written answer is a real zero, not a pending one.
    assert "Réponse rédigée : 0 / 3 points" in text
    assert "Commentaire : Pas de réponse." in text
    assert "en attente de correction" not in text
    assert "Note obtenue : 0 / 6 points" in text


def test_manual_grade_with_decimals_is_written_the_french_way(graded: Graded) -> None:
    # Runs last: it changes the gradebook (the other tests read the first pages).
    set_manual_grade(graded.workspace, ASSESSMENT, "alice", "q3_presentation", 2.5)
    feedback(graded.workspace, ASSESSMENT)
    text = visible_text(graded.page("alice").read_text(encoding="utf-8"))
    assert "Note obtenue : 4,5 / 6 points" in text
    assert "Réponse rédigée : 2,5 / 3 points" in text
    assert "en attente de correction" not in text


@pytest.mark.parametrize(
    ("ename", "evalue", "expected"),
    [
        (
            "NameError",
            "name 'population_totale' is not defined",
            "La variable population_totale n'est pas définie : exécutez la cellule où vous "
            "la calculez, ou vérifiez son nom.",
        ),
        ("TypeError", "unsupported operand type(s) for +: 'int' and 'str'", "Opération"),
        ("ValueError", "could not convert string to float: 'abc'", "Valeur inattendue"),
        ("SyntaxError", "invalid syntax (3120348421.py, line 2)", "(ligne 2 de la cellule)"),
        ("ZeroDivisionError", "division by zero", "Division par zéro"),
        ("NotImplementedError", "Réponse à compléter", "Réponse non complétée"),
        ("KeyError", "'populaton'", "La clé ou la colonne 'populaton' n'existe pas"),
        ("RecursionError", "maximum recursion depth exceeded", "Erreur Python (RecursionError)"),
        (
            "AssertionError",
            "La population totale n'est pas la bonne.",
            "Vérification non réussie : La population totale n'est pas la bonne.",
        ),
    ],
)
def test_python_errors_are_explained_in_french(ename: str, evalue: str, expected: str) -> None:
    message = explain_error(ename, evalue)
    assert expected in message
    english = {"is not defined", "unsupported", "could not", "invalid syntax", "division by"}
    assert [word for word in english if word in message] == []


def test_points_are_written_the_french_way() -> None:
    assert nombre_fr(5.0) == "5" and nombre_fr(2.5) == "2,5" and nombre_fr(0.25) == "0,25"
    assert nombre_fr(None) == "0" and nombre_fr(-0.0) == "0"
    assert points_fr(1) == "1 point" and points_fr(0.5) == "0,5 point"
    assert points_fr(3) == "3 points"
    assert note_fr(5, 6.0) == "5 / 6 points" and note_fr(0, 1) == "0 / 1 point"


def test_a_score_stored_without_formgrader_stays_pending() -> None:
    # The gradebook holds a manual score but the cell is still flagged for the trainer
    # (nbgrader does so when a copy is autograded again): pending, and not counted.
    from types import SimpleNamespace

    from cpts_training.trainer.grading_state import counted_points, is_pending

    flagged = SimpleNamespace(needs_manual_grade=True, manual_score=2.5, score=2.5)
    saved = SimpleNamespace(needs_manual_grade=False, manual_score=2.5, score=2.5)
    assert is_pending(flagged) and counted_points(flagged) == 0
    assert not is_pending(saved) and counted_points(saved) == 2.5


# What a kernel extension that explains errors in French may leave in a copy: the
# traceback already French, ``ename`` unchanged, ``evalue`` Python's or French.
FRENCH_TRACEBACKS = [
    (
        "AssertionError",
        "La population totale n'est pas la bonne.",
        ["Vérification non réussie : La population totale n'est pas la bonne."],
        "Vérification non réussie : La population totale n'est pas la bonne.",
    ),
    (
        "AssertionError",
        "Vérification non réussie : La population totale n'est pas la bonne.",
        ["\x1b[0;31mVérification non réussie\x1b[0m : assert total == 52886"],
        "Vérification non réussie : La population totale n'est pas la bonne.",
    ),
    (
        "NameError",
        "name 'population_totale' is not defined",
        ["La variable « population_totale » n'existe pas encore : exécutez la cellule."],
        "La variable population_totale n'est pas définie : exécutez la cellule où vous la "
        "calculez, ou vérifiez son nom.",
    ),
    (
        "NameError",
        "La variable population_totale n'est pas définie : exécutez la cellule où vous la "
        "calculez, ou vérifiez son nom.",
        None,
        "La variable population_totale n'est pas définie : exécutez la cellule où vous la "
        "calculez, ou vérifiez son nom.",
    ),
    (
        "KeyError",
        "La clé ou la colonne 'populaton' n'existe pas : vérifiez son orthographe "
        "(majuscules, accents, espaces).",
        ["Colonne inconnue : « populaton »"],
        "La clé ou la colonne 'populaton' n'existe pas : vérifiez son orthographe "
        "(majuscules, accents, espaces).",
    ),
    (
        "CellTimeoutError",
        "",
        ["\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"],
        "Cette cellule a dépassé le temps maximal d'exécution",
    ),
]


@pytest.mark.parametrize(("ename", "evalue", "traceback", "expected"), FRENCH_TRACEBACKS)
def test_an_error_already_explained_in_french_is_not_explained_twice(
    ename: str, evalue: str, traceback: list[str] | None, expected: str
) -> None:
    output = nbformat.from_dict(
        {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": traceback}
    )
    once = shorten_error(output)
    assert once["evalue"].startswith(expected)
    assert once["traceback"] == [once["evalue"]]  # the kernel's traceback is never shown
    assert once["evalue"].count("Vérification non réussie") <= 1
    assert once["evalue"].count("La variable") <= 1 and once["evalue"].count("La clé") <= 1
    again = shorten_error(nbformat.from_dict(dict(once)))
    assert again["evalue"] == once["evalue"]


def test_each_feedback_job_is_one_preprocessor_in_a_module_named_after_it() -> None:
    from cpts_training.trainer.preprocessors import FEEDBACK_PREPROCESSORS

    assert len(FEEDBACK_PREPROCESSORS) == 4
    for job in FEEDBACK_PREPROCESSORS:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", job.__name__).lower()
        assert job.__module__ == f"cpts_training.trainer.preprocessors.{snake}"


def test_feedback_refuses_a_test_cell_without_its_end_marker(tmp_path: Path) -> None:
    # Before, the rest of the cell after BEGIN HIDDEN TESTS was silently dropped.
    from cpts_training.trainer.feedback import SanitizeFeedback
    from cpts_training.trainer.preprocessors import MissingEndMarker

    workspace = init_workspace(tmp_path / "espace")
    path = workspace / "source" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    (cell,) = [c for c in notebook.cells if c.metadata["nbgrader"]["grade_id"] == "q2_taille"]
    cell.source = cell.source.replace("### END HIDDEN TESTS", "")
    resources = {"nbgrader": {"assignment": ASSESSMENT, "notebook": ASSESSMENT}}
    with pytest.raises(MissingEndMarker) as error:
        SanitizeFeedback().preprocess(notebook, resources)
    message = str(error.value)
    assert f"Évaluation « {ASSESSMENT} », carnet {ASSESSMENT}.ipynb" in message
    assert "cellule « q2_taille »" in message
    assert "ajoutez la ligne « ### END HIDDEN TESTS »" in message
