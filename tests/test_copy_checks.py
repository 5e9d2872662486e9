"""Bad copies are repaired before grading when it is safe, or named with the fix; a copy
whose locked cells were edited is named with the cells.

One workspace for the module, evaluation_01 released once (nbgrader, no autograde):
each test deposits its own copy under its own trainee id, built from the released
notebook the way a trainee or a mail client would spoil it.
"""

from __future__ import annotations

import copy as copying
import json
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode

from cpts_training.errors import CPTSError
from cpts_training.trainer.copy_checks import (
    RECORD_NAME,
    Alteration,
    Preparation,
    altered_cells,
    describe_alterations,
    prepare_copy,
)
from cpts_training.trainer.pipeline import release
from cpts_training.trainer.submissions import duplicate_message
from cpts_training.trainer.workspace import init_workspace

ASSESSMENT = "evaluation_01"
NOTEBOOK = f"{ASSESSMENT}.ipynb"
STAMP = "2026-11-30 09:00:00.000000 UTC"


@dataclass
class Space:
    workspace: Path
    released: Path

    def notebook(self) -> NotebookNode:
        """A fresh copy of the released notebook, as the trainee received it."""
        return nbformat.read(self.released, as_version=4)

    def deposit(self, student: str, data: bytes, name: str = NOTEBOOK) -> Path:
        """Put ``data`` as the copy's file, as ``submit`` would, without its checks."""
        folder = self.workspace / "submitted" / student / ASSESSMENT
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        (folder / "timestamp.txt").write_text(STAMP, encoding="utf-8")
        return folder

    def originals(self, student: str) -> Path:
        return self.workspace / "archives" / "originaux" / student / ASSESSMENT


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Space:
    workspace = init_workspace(tmp_path_factory.mktemp("checks") / "espace")
    return Space(workspace, release(workspace, ASSESSMENT) / NOTEBOOK)


def cell(notebook: NotebookNode, grade_id: str) -> NotebookNode:
    return next(
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def grade_ids(notebook: NotebookNode) -> list[str | None]:
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells]


def fix(space: Space, student: str) -> str:
    return (
        "Demandez au stagiaire de renvoyer son carnet tel quel, puis déposez-le avec "
        f"« cpts-training assessment submit {ASSESSMENT} {student} CARNET --replace "
        f"-w {space.workspace} »."
    )


def assert_untouched(space: Space, student: str, folder: Path, data: bytes) -> None:
    """A copy with a problem (or none) is left as deposited, with no archive."""
    assert (folder / NOTEBOOK).read_bytes() == data
    assert (folder / "timestamp.txt").read_text(encoding="utf-8") == STAMP
    assert not space.originals(student).exists()


def assert_archived(space: Space, student: str, name: str, data: bytes) -> None:
    """The copy as deposited is kept, with its timestamp; the deposit keeps its date."""
    originals = space.originals(student)
    assert (originals / name).read_bytes() == data
    assert (originals / "timestamp.txt").read_text(encoding="utf-8") == STAMP
    folder = space.workspace / "submitted" / student / ASSESSMENT
    assert (folder / "timestamp.txt").read_text(encoding="utf-8") == STAMP


# --- nothing wrong ------------------------------------------------------------------------


def test_an_untouched_copy_is_left_as_it_is(space: Space) -> None:
    data = space.released.read_bytes()
    folder = space.deposit("alice", data)
    assert prepare_copy(space.workspace, ASSESSMENT, "alice") == Preparation()
    assert_untouched(space, "alice", folder, data)
    assert altered_cells(space.workspace, ASSESSMENT, "alice") == []


def test_an_answered_copy_saved_with_windows_line_endings_is_not_tampering(
    space: Space,
) -> None:
    notebook = space.notebook()
    cell(notebook, "q2_reponse").source = "charges_patronales_chargee = 15000"
    for test in ("q2_charges", "q2_equilibre"):  # CRLF and trailing spaces only
        cell(notebook, test).source = cell(notebook, test).source.replace("\n", "  \r\n") + "\n"
    data = nbformat.writes(notebook).encode("utf-8")
    folder = space.deposit("bruno", data)
    assert prepare_copy(space.workspace, ASSESSMENT, "bruno") == Preparation()
    assert_untouched(space, "bruno", folder, data)
    assert altered_cells(space.workspace, ASSESSMENT, "bruno") == []


# --- copies that cannot be graded ---------------------------------------------------------


def test_an_invalid_folder_name_is_a_problem(space: Space) -> None:
    folder = space.deposit("Dupont Marie", space.released.read_bytes())
    preparation = prepare_copy(space.workspace, ASSESSMENT, "Dupont Marie")
    assert preparation.problem is not None
    assert preparation.problem.reason == "nom de dossier invalide"
    assert "Identifiant de stagiaire « Dupont Marie » invalide" in preparation.problem.detail
    assert "(par exemple « dupont-marie »)" in preparation.problem.detail
    assert "Déplacez ce dossier de submitted/" in preparation.problem.detail
    assert preparation.notes == () and preparation.missing_cells == ()
    assert_untouched(space, "Dupont Marie", folder, space.released.read_bytes())
    assert altered_cells(space.workspace, ASSESSMENT, "Dupont Marie") == []


def test_an_absent_notebook_is_a_problem_naming_what_the_folder_holds(space: Space) -> None:
    folder = space.deposit("camille", b"")
    (folder / NOTEBOOK).unlink()
    problem = prepare_copy(space.workspace, ASSESSMENT, "camille").problem
    assert problem is not None and problem.reason == f"carnet {NOTEBOOK} absent"
    assert problem.detail == f"Le carnet {NOTEBOOK} manque dans {folder}. {fix(space, 'camille')}"
    # Two other notebooks: which one is the copy cannot be told.
    for name in ("brouillon.ipynb", "copie.ipynb"):
        (folder / name).write_bytes(space.released.read_bytes())
    problem = prepare_copy(space.workspace, ASSESSMENT, "camille").problem
    assert problem is not None and problem.reason == f"carnet {NOTEBOOK} absent"
    assert "(le dossier contient : brouillon.ipynb, copie.ipynb)" in problem.detail
    assert not space.originals("camille").exists()


def other_assessment() -> bytes:
    """A notebook with an answer cell of another assessment, none of evaluation_01's."""
    other = nbformat.v4.new_notebook()
    other.cells = [nbformat.v4.new_code_cell("x = 1")]
    other.cells[0].metadata["nbgrader"] = {
        "grade": False,
        "grade_id": "autre_reponse",
        "locked": False,
        "schema_version": 3,
        "solution": True,
    }
    return nbformat.writes(other).encode("utf-8")


def test_a_single_notebook_of_another_assessment_is_not_taken_for_the_copy(
    space: Space,
) -> None:
    folder = space.deposit("denis", other_assessment(), name="autre.ipynb")
    problem = prepare_copy(space.workspace, ASSESSMENT, "denis").problem
    assert problem is not None and problem.reason == f"carnet {NOTEBOOK} absent"
    assert "(le dossier contient : autre.ipynb)" in problem.detail
    assert (folder / "autre.ipynb").is_file() and not (folder / NOTEBOOK).exists()


def test_another_assessment_under_the_released_name_is_a_problem(space: Space) -> None:
    data = other_assessment()
    folder = space.deposit("diane", data)
    problem = prepare_copy(space.workspace, ASSESSMENT, "diane").problem
    assert problem is not None and problem.reason == f"pas une copie de « {ASSESSMENT} »"
    assert problem.detail.startswith(f"{NOTEBOOK} n'a aucune des cellules de « {NOTEBOOK} » publié")
    assert_untouched(space, "diane", folder, data)


@pytest.mark.parametrize(
    ("student", "data", "reason", "said"),
    [
        ("emma", b"", "carnet vide (0 octet)", "est vide (0 octet(s))"),
        ("emile", b" \n\n", "carnet vide (espaces seulement)", "(3 octet(s), que des espaces)"),
    ],
)
def test_an_empty_file_is_a_problem(
    space: Space, student: str, data: bytes, reason: str, said: str
) -> None:
    folder = space.deposit(student, data)
    preparation = prepare_copy(space.workspace, ASSESSMENT, student)
    assert preparation.problem is not None and preparation.problem.reason == reason
    assert said in preparation.problem.detail
    assert preparation.problem.detail.endswith(fix(space, student))
    assert_untouched(space, student, folder, data)


def test_invalid_json_is_a_problem_with_its_line_and_column(space: Space) -> None:
    lines = nbformat.writes(space.notebook()).split("\n")
    # Line 4 is ‘   "cell_type": "markdown",’: without its comma, the next key (line 5,
    # after 3 spaces of indentation, so column 4) comes where « , » was expected.
    assert lines[3] == '   "cell_type": "markdown",'
    lines[3] = lines[3].rstrip(",")
    data = "\n".join(lines).encode("utf-8")
    folder = space.deposit("fanny", data)
    problem = prepare_copy(space.workspace, ASSESSMENT, "fanny").problem
    assert problem is not None and problem.reason == "JSON invalide (ligne 5, colonne 4)"
    assert problem.detail.startswith(
        f"{NOTEBOOK} n'est pas un fichier JSON valide : une virgule est attendue, ligne 5, "
        "colonne 4. Le fichier a sans doute été modifié dans un éditeur de texte"
    )
    assert_untouched(space, "fanny", folder, data)


def test_a_truncated_file_is_said_to_be_cut_short(space: Space) -> None:
    text = nbformat.writes(space.notebook())
    data = text[: len(text) // 2].encode("utf-8")
    folder = space.deposit("gaston", data)
    problem = prepare_copy(space.workspace, ASSESSMENT, "gaston").problem
    assert problem is not None and problem.reason.startswith("JSON invalide (ligne ")
    assert "Le fichier s'arrête avant la fin du carnet" in problem.detail
    assert_untouched(space, "gaston", folder, data)


@pytest.mark.parametrize(("student", "data"), [("hugo", b'{"nom": "Dupont"}'), ("hana", b"[1, 2]")])
def test_json_that_is_not_a_notebook_is_a_problem(space: Space, student: str, data: bytes) -> None:
    folder = space.deposit(student, data)
    problem = prepare_copy(space.workspace, ASSESSMENT, student).problem
    assert problem is not None and problem.reason == "pas un carnet Jupyter"
    assert "n'a pas de cellules" in problem.detail
    assert_untouched(space, student, folder, data)


def test_text_neither_utf8_nor_windows_1252_is_a_problem(space: Space) -> None:
    # 0x81 starts no UTF-8 character and is not a Windows-1252 character either.
    data = b"\x81" + space.released.read_bytes()
    folder = space.deposit("ines", data)
    problem = prepare_copy(space.workspace, ASSESSMENT, "ines").problem
    assert problem is not None and problem.reason == "texte illisible (pas en UTF-8)"
    assert "(octet 0x81 à la ligne 1)" in problem.detail
    assert_untouched(space, "ines", folder, data)


def test_a_duplicated_answer_cell_is_a_problem(space: Space) -> None:
    notebook = space.notebook()
    index = grade_ids(notebook).index("q2_reponse")
    twin = copying.deepcopy(notebook.cells[index])
    twin["id"] = "copie-collee"
    notebook.cells.insert(index + 1, twin)
    data = nbformat.writes(notebook).encode("utf-8")
    folder = space.deposit("jules", data)
    problem = prepare_copy(space.workspace, ASSESSMENT, "jules").problem
    assert problem is not None and problem.reason == "cellule dupliquée « q2_reponse »"
    assert problem.detail == duplicate_message({"q2_reponse": 2})
    assert_untouched(space, "jules", folder, data)


# --- copies repaired in place -------------------------------------------------------------


def test_a_renamed_notebook_is_graded_under_its_released_name(space: Space) -> None:
    notebook = space.notebook()
    cell(notebook, "q1_reponse").source = "part_variable_annee_2 = 29500"
    data = nbformat.writes(notebook).encode("utf-8")
    folder = space.deposit("karim", data, name="evaluation_01 (1).ipynb")
    preparation = prepare_copy(space.workspace, ASSESSMENT, "karim")
    assert preparation == Preparation(
        notes=(
            "carnet rendu sous le nom « evaluation_01 (1).ipynb », corrigé comme "
            "« evaluation_01.ipynb »",
        )
    )
    assert sorted(p.name for p in folder.iterdir()) == [NOTEBOOK, "timestamp.txt"]
    assert nbformat.read(folder / NOTEBOOK, as_version=4) == notebook
    assert_archived(space, "karim", "evaluation_01 (1).ipynb", data)
    # Graded again later: nothing more to repair, the same note for the copy's line.
    assert prepare_copy(space.workspace, ASSESSMENT, "karim") == preparation
    assert sorted(p.name for p in space.originals("karim").parent.iterdir()) == [ASSESSMENT]
    assert altered_cells(space.workspace, ASSESSMENT, "karim") == []


def test_windows_1252_text_is_re_encoded_in_utf8(space: Space) -> None:
    notebook = space.notebook()
    cell(notebook, "q2_reponse").source = "# réponse à la question 2\ncharges = 15000"
    text = nbformat.writes(notebook)
    # The released text has a few characters Windows-1252 lacks (« → », « ⚠ »): a
    # notebook saved by a Windows editor would have lost them too.
    data = text.encode("cp1252", errors="replace")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    folder = space.deposit("lea", data)
    preparation = prepare_copy(space.workspace, ASSESSMENT, "lea")
    assert preparation == Preparation(
        notes=("texte enregistré en Windows-1252, réencodé en UTF-8",)
    )
    repaired = (folder / NOTEBOOK).read_bytes().decode("utf-8")
    assert nbformat.reads(repaired, as_version=4) == nbformat.reads(
        data.decode("cp1252"), as_version=4
    )
    assert "# réponse à la question 2" in repaired
    assert_archived(space, "lea", NOTEBOOK, data)


def test_a_byte_order_mark_is_removed(space: Space) -> None:
    data = b"\xef\xbb\xbf" + space.released.read_bytes()
    folder = space.deposit("lucas", data)
    preparation = prepare_copy(space.workspace, ASSESSMENT, "lucas")
    assert preparation.notes == ("marque d'ordre des octets (BOM) retirée du début du fichier",)
    assert preparation.problem is None
    assert nbformat.read(folder / NOTEBOOK, as_version=4) == space.notebook()
    assert_archived(space, "lucas", NOTEBOOK, data)


def test_an_old_format_notebook_is_converted_keeping_nbgrader_marks(space: Space) -> None:
    data = nbformat.writes(nbformat.convert(space.notebook(), 3)).encode("utf-8")
    assert json.loads(data)["nbformat"] == 3
    folder = space.deposit("manon", data)
    preparation = prepare_copy(space.workspace, ASSESSMENT, "manon")
    assert preparation == Preparation(notes=("format de carnet ancien (v3) converti",))
    repaired = nbformat.read(folder / NOTEBOOK, as_version=nbformat.NO_CONVERT)
    assert repaired.nbformat == 4
    released = space.notebook()
    assert [c.metadata["nbgrader"] for c in repaired.cells] == [
        c.metadata["nbgrader"] for c in released.cells
    ]
    assert [c.source for c in repaired.cells] == [c.source for c in released.cells]
    assert_archived(space, "manon", NOTEBOOK, data)
    assert altered_cells(space.workspace, ASSESSMENT, "manon") == []


def test_deleted_graded_cells_are_put_back_from_the_released_notebook(space: Space) -> None:
    notebook = space.notebook()
    gone = {"q3_cout", "q5_note"}
    notebook.cells = [c for c in notebook.cells if c.metadata["nbgrader"]["grade_id"] not in gone]
    data = nbformat.writes(notebook).encode("utf-8")
    folder = space.deposit("nadia", data)
    preparation = prepare_copy(space.workspace, ASSESSMENT, "nadia")
    assert preparation == Preparation(
        notes=(
            "cellule notée supprimée : q3_cout (remise d'après le sujet)",
            "cellule notée supprimée : q5_note (remise vide d'après le sujet, 0 point)",
        ),
        missing_cells=("q3_cout", "q5_note"),
    )
    repaired = nbformat.read(folder / NOTEBOOK, as_version=4)
    released = space.notebook()
    # Back in their released places: the cells in the released order.
    assert grade_ids(repaired) == grade_ids(released)
    for grade_id in ("q3_cout", "q5_note"):
        assert cell(repaired, grade_id).source == cell(released, grade_id).source
        assert (
            cell(repaired, grade_id).metadata["nbgrader"]
            == (cell(released, grade_id).metadata["nbgrader"])
        )
    assert len({c.id for c in repaired.cells}) == len(repaired.cells)
    nbformat.validate(repaired)
    assert_archived(space, "nadia", NOTEBOOK, data)
    expected = [
        Alteration(ASSESSMENT, "q3_cout", "cellule notée supprimée"),
        Alteration(ASSESSMENT, "q5_note", "cellule notée supprimée"),
    ]
    assert altered_cells(space.workspace, ASSESSMENT, "nadia") == expected
    assert prepare_copy(space.workspace, ASSESSMENT, "nadia") == preparation

    # Deposited again (a later hand-in) with the same deletion: repaired again, and the
    # first deposit's originals are moved aside under their own date, not lost.
    (folder / NOTEBOOK).write_bytes(data)
    (folder / "timestamp.txt").write_text("2026-12-01 08:30:00.000000 UTC", encoding="utf-8")
    assert prepare_copy(space.workspace, ASSESSMENT, "nadia") == preparation
    earlier = space.originals("nadia").with_name(f"{ASSESSMENT}-20261130T090000")
    assert (earlier / NOTEBOOK).read_bytes() == data
    assert (earlier / "timestamp.txt").read_text(encoding="utf-8") == STAMP
    record = json.loads((space.originals("nadia") / RECORD_NAME).read_text(encoding="utf-8"))
    assert record["timestamp"] == "2026-12-01 08:30:00.000000 UTC"
    assert altered_cells(space.workspace, ASSESSMENT, "nadia") == expected


# --- tampering ----------------------------------------------------------------------------


def test_edited_tests_points_and_locked_cells_are_named(space: Space) -> None:
    notebook = space.notebook()
    cell(notebook, "consignes").source += "\n\nJ'ai tout compris."
    cell(notebook, "q1_variable").source = "assert True"
    cell(notebook, "q1_produit").metadata["nbgrader"]["points"] = 10
    cell(notebook, "q2_charges").metadata["nbgrader"]["points"] = 0.5
    del cell(notebook, "q2_fir").metadata["nbgrader"]
    cell(notebook, "q2_equilibre").metadata["nbgrader"]["grade"] = False
    del cell(notebook, "q3_cout").metadata["nbgrader"]["points"]
    cell(notebook, "q4_equilibre").metadata["nbgrader"]["points"] = "dix"
    notebook.cells.remove(cell(notebook, "q3_retard"))
    data = nbformat.writes(notebook).encode("utf-8")
    folder = space.deposit("olivier", data)
    expected = [
        Alteration(ASSESSMENT, "consignes", "cellule verrouillée modifiée"),
        Alteration(ASSESSMENT, "q1_variable", "test modifié"),
        Alteration(ASSESSMENT, "q1_produit", "points modifiés (2 → 10)"),
        Alteration(ASSESSMENT, "q2_charges", "points modifiés (1 → 0,5)"),
        Alteration(ASSESSMENT, "q2_fir", "marques nbgrader retirées"),
        # Made ungraded (« grade » false), its points left as they were.
        Alteration(ASSESSMENT, "q2_equilibre", "marques nbgrader modifiées"),
        Alteration(ASSESSMENT, "q3_retard", "cellule notée supprimée"),
        Alteration(ASSESSMENT, "q3_cout", "points modifiés (1 → aucun)"),
        Alteration(ASSESSMENT, "q4_equilibre", "points modifiés (2 → « dix »)"),
    ]
    assert altered_cells(space.workspace, ASSESSMENT, "olivier") == expected

    # Before grading, the marks go back to the released ones and the deleted cells come
    # back; the edited texts are left for nbgrader to replace with the originals.
    preparation = prepare_copy(space.workspace, ASSESSMENT, "olivier")
    assert preparation == Preparation(
        notes=(
            "marques nbgrader de la cellule q1_produit remises d'après le sujet",
            "marques nbgrader de la cellule q2_charges remises d'après le sujet",
            "marques nbgrader de la cellule q2_equilibre remises d'après le sujet",
            "marques nbgrader de la cellule q3_cout remises d'après le sujet",
            "marques nbgrader de la cellule q4_equilibre remises d'après le sujet",
            "cellule notée supprimée : q2_fir (remise d'après le sujet)",
            "cellule notée supprimée : q3_retard (remise d'après le sujet)",
        ),
        missing_cells=("q2_fir", "q3_retard"),
    )
    repaired = nbformat.read(folder / NOTEBOOK, as_version=4)
    released = space.notebook()
    for grade_id in ("q1_produit", "q2_charges", "q2_equilibre", "q2_fir", "q3_retard", "q3_cout"):
        assert (
            cell(repaired, grade_id).metadata["nbgrader"]
            == (cell(released, grade_id).metadata["nbgrader"])
        )
    assert cell(repaired, "q1_variable").source == "assert True"
    assert_archived(space, "olivier", NOTEBOOK, data)
    # The trainer is still told what the trainee handed in.
    assert altered_cells(space.workspace, ASSESSMENT, "olivier") == expected
    assert describe_alterations(expected[:3]) == (
        "consignes : cellule verrouillée modifiée ; q1_variable : test modifié ; "
        "q1_produit : points modifiés (2 → 10)"
    )


def test_alterations_in_several_notebooks_are_named_with_their_notebook() -> None:
    alterations = [
        Alteration("partie_1", "q1_test", "test modifié"),
        Alteration("partie_2", "q4_test", "cellule notée supprimée"),
    ]
    assert describe_alterations(alterations) == (
        "partie_1/q1_test : test modifié ; partie_2/q4_test : cellule notée supprimée"
    )
    assert describe_alterations([]) == ""


# --- what is not a copy's fault -----------------------------------------------------------


def test_an_unreleased_assessment_or_a_missing_workspace_raises(
    space: Space, tmp_path: Path
) -> None:
    with pytest.raises(CPTSError, match="« evaluation_02 » n'est pas publiée"):
        prepare_copy(space.workspace, "evaluation_02", "alice")
    with pytest.raises(CPTSError, match="n'est pas un espace formateur"):
        altered_cells(tmp_path, ASSESSMENT, "alice")
    problem = prepare_copy(space.workspace, ASSESSMENT, "personne").problem
    assert problem is not None and problem.reason == "aucune copie déposée"


def test_a_format_4_4_copy_without_cell_ids_is_fine_and_repaired_as_4_4(space: Space) -> None:
    notebook = space.notebook()
    notebook.nbformat_minor = 4
    for each in notebook.cells:
        del each["id"]
    data = nbformat.writes(notebook).encode("utf-8")
    folder = space.deposit("paul", data)
    assert prepare_copy(space.workspace, ASSESSMENT, "paul") == Preparation()
    assert_untouched(space, "paul", folder, data)

    notebook.cells.remove(cell(notebook, "q1_variable"))
    data = nbformat.writes(notebook).encode("utf-8")
    folder = space.deposit("pauline", data)
    preparation = prepare_copy(space.workspace, ASSESSMENT, "pauline")
    assert preparation.missing_cells == ("q1_variable",)
    repaired = nbformat.read(folder / NOTEBOOK, as_version=nbformat.NO_CONVERT)
    assert (repaired.nbformat, repaired.nbformat_minor) == (4, 4)
    assert not any("id" in each for each in repaired.cells)
    assert grade_ids(repaired) == grade_ids(space.notebook())
    nbformat.validate(repaired)
    assert_archived(space, "pauline", NOTEBOOK, data)


@pytest.mark.parametrize(
    ("student", "data", "reason", "said"),
    [
        (
            "quentin",
            # A format-3 code cell without its « outputs »: nbformat cannot convert it.
            b'{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, '
            b'"worksheets": [{"cells": [{"cell_type": "code", "metadata": {}}]}]}',
            "format de carnet ancien (v3) non convertible",
            "(ancien format v3, non convertible) ; détail technique, en anglais : « ",
        ),
        (
            "quitterie",
            b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, '
            b'"cells": [{"cell_type": "code", "id": "a", "metadata": {}}]}',
            "carnet non conforme",
            "« 'source' is a required property »",
        ),
        (
            "rose",
            b'{"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}',
            "format de carnet inconnu (v5)",
            "est au format de carnet « 5 » (champ « nbformat »)",
        ),
        (
            "romain",
            b'{"metadata": {}, "cells": []}',
            "format de carnet inconnu",
            "n'indique pas son format (champ « nbformat »)",
        ),
    ],
)
def test_a_notebook_nbformat_cannot_read_as_format_4_is_a_problem(
    space: Space, student: str, data: bytes, reason: str, said: str
) -> None:
    folder = space.deposit(student, data)
    problem = prepare_copy(space.workspace, ASSESSMENT, student).problem
    assert problem is not None and problem.reason == reason
    assert said in problem.detail and problem.detail.endswith(fix(space, student))
    assert_untouched(space, student, folder, data)


def test_a_copy_malformed_in_an_unforeseen_way_is_a_problem_not_a_crash(space: Space) -> None:
    notebook = space.notebook()
    cell(notebook, "q2_fir").metadata["nbgrader"] = "abîmé"  # nbgrader fails on it
    data = nbformat.writes(notebook).encode("utf-8")
    folder = space.deposit("sacha", data)
    problem = prepare_copy(space.workspace, ASSESSMENT, "sacha").problem
    assert problem is not None and problem.reason == "copie illisible"
    assert problem.detail.endswith(fix(space, "sacha"))
    assert_untouched(space, "sacha", folder, data)
    assert altered_cells(space.workspace, ASSESSMENT, "sacha") == [
        Alteration(ASSESSMENT, "q2_fir", "cellule notée supprimée")
    ]
