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
    workdir.mkdir(parents=True, exist_ok=True)
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


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, nbformat.NotebookNode]:
    """Every course notebook executed once, as a trainee opens it (shared by the tests)."""
    return {
        path.name: execute(path, tmp_path_factory.mktemp(path.stem))
        for path in course_notebooks(modules_dir())
    }


@pytest.mark.parametrize("name", [p.name for p in course_notebooks(modules_dir())])
def test_module_executes_without_error(name: str, executed) -> None:
    text = outputs_text(executed[name])
    assert "ERREUR" not in text
    assert "Traceback" not in text


def test_module_00_shows_data_widgets_and_french_self_check(executed) -> None:
    notebook = executed["00_prise_en_main.ipynb"]
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


def _png_outputs(notebook: nbformat.NotebookNode) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )


@pytest.mark.parametrize(
    ("name", "charts"), [("00_prise_en_main.ipynb", 1), ("01_budget_aci_tresorerie.ipynb", 2)]
)
def test_charts_are_displayed(name: str, charts: int, executed) -> None:
    assert _png_outputs(executed[name]) == charts


def test_module_01_exercises_answer_in_french_and_accept_right_answers(
    tmp_path: Path, executed
) -> None:
    path = modules_dir() / "01_budget_aci_tresorerie.ipynb"
    unanswered = executed[path.name]
    waiting = [c for c in unanswered.cells if "Pas encore" in str(c.get("outputs", []))]
    assert len(waiting) == 4
    assert all("Indice" in str(c["outputs"]) for c in waiting)
    notebook = nbformat.read(path, as_version=4)
    # Hand-computed: 15 000 × (0.8 − 0.5) = 4 500; (21 120 − 13 200) × 1.42 = 11 246.40;
    # The laptop's depreciation (6811, 800 → 1 300 €) +62.5 % is the largest overrun;
    # 2-month delay → −17 695 € in May.
    answers = {
        "baisse_financement = ...": "baisse_financement = 4500",
        "montant_a_trouver = ...": "montant_a_trouver = 11246.40",
        "compte_en_depassement = ...": 'compte_en_depassement = "6811"',
        "mois_du_point_bas = ...": "mois_du_point_bas = 5",  # before its suffix below
        "\npoint_bas = ...": "\npoint_bas = -17695",
    }
    for cell in notebook.cells:
        for placeholder, answer in answers.items():
            cell.source = cell.source.replace(placeholder, answer)
    edited = tmp_path / "rempli" / path.name
    edited.parent.mkdir()
    nbformat.write(notebook, edited)
    answered = execute(edited, tmp_path / "execution")
    right = [c for c in answered.cells if "Bonne réponse" in str(c.get("outputs", []))]
    assert len(right) == 4
    assert "Pas encore" not in outputs_text(answered)
