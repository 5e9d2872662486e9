"""Every module notebook executes top to bottom, as a trainee opens it."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cpts_training.lab import course_notebooks
from cpts_training.paths import modules_dir


def execute(notebook_path: Path, workdir: Path) -> nbformat.NotebookNode:
    copy = workdir / notebook_path.name
    shutil.copy(notebook_path, copy)
    notebook = nbformat.read(copy, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    ).execute()
    return notebook


def outputs_text(notebook: nbformat.NotebookNode) -> str:
    parts: list[str] = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                parts.append(f"ERREUR {output['ename']}: {output['evalue']}")
            parts.append(str(output.get("text", "")))
            parts.extend(str(v) for v in output.get("data", {}).values())
    return "\n".join(parts)


@pytest.mark.parametrize("notebook_path", course_notebooks(modules_dir()), ids=lambda p: p.name)
def test_module_executes_without_error(notebook_path: Path, tmp_path: Path) -> None:
    notebook = execute(notebook_path, tmp_path)
    text = outputs_text(notebook)
    assert "ERREUR" not in text
    assert "Traceback" not in text


def test_module_00_shows_data_widgets_and_french_self_check(tmp_path: Path) -> None:
    notebook = execute(modules_dir() / "00_prise_en_main.ipynb", tmp_path)
    text = outputs_text(notebook)
    assert "Castelnau-d'Aubrenne" in text
    assert "application/vnd.jupyter.widget-view+json" in str(
        [o for c in notebook.cells for o in c.get("outputs", [])]
    )
    # The unanswered exercise answers in French with a hint, not with an error.
    assert "Pas encore" in text and "remplacez les trois points" in text


def test_module_00_self_check_accepts_the_right_answer(tmp_path: Path) -> None:
    path = modules_dir() / "00_prise_en_main.ipynb"
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if "part_75_plus = ..." in cell.source:
            # Hand-computed: 6 319 people aged 75+ out of 52 886 → 11.9 %.
            cell.source = cell.source.replace("part_75_plus = ...", "part_75_plus = 11.9")
    edited = tmp_path / "edite" / path.name
    edited.parent.mkdir()
    nbformat.write(notebook, edited)
    text = outputs_text(execute(edited, tmp_path))
    assert "Bonne réponse" in text
