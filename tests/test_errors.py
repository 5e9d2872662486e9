"""A library error reaches a trainee as its French message, without a traceback."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from cpts_training.errors import DataError


def test_render_traceback_is_the_french_message() -> None:
    assert DataError("Le compte 999 est inconnu.")._render_traceback_() == [
        "Erreur : Le compte 999 est inconnu."
    ]


def test_notebook_shows_the_message_without_traceback() -> None:
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "from cpts_training.budget import load_case_study, revise_budget\n"
                'revise_budget(load_case_study().budget, amounts={"742": -5})'
            )
        ]
    )
    NotebookClient(notebook, timeout=60, kernel_name="python3", allow_errors=True).execute()
    (output,) = notebook.cells[0].outputs
    assert output["output_type"] == "error"
    assert output["ename"] == "InputError"
    assert len(output["traceback"]) == 1
    assert output["traceback"][0].startswith("Erreur : ")
    assert "négati" in output["traceback"][0]
    assert "Traceback" not in output["traceback"][0]
