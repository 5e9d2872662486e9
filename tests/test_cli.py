"""The command line shows French errors without a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cpts_training.cli import app

runner = CliRunner()


def test_help_is_french() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "Ouvrir le cours dans JupyterLab" in result.output
    assert "Construire le livre public" in result.output


def test_workspace_init_then_refusal_of_a_non_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "espace"
    created = runner.invoke(app, ["workspace", "init", str(target)])
    assert created.exit_code == 0, created.output
    assert (target / "nbgrader_config.py").is_file()
    assert (target / "source" / "evaluation_00" / "evaluation_00.ipynb").is_file()
    again = runner.invoke(app, ["workspace", "init", str(target)])
    assert again.exit_code == 1
    assert "n'est pas vide" in again.output
    assert "Traceback" not in again.output


def test_commands_on_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assessment", "autograde", "evaluation_00", "-w", str(tmp_path)])
    assert result.exit_code == 1
    assert "n'est pas un espace formateur" in result.output
    assert "Traceback" not in result.output


def test_unknown_assessment(tmp_path: Path) -> None:
    target = tmp_path / "espace"
    runner.invoke(app, ["workspace", "init", str(target)])
    result = runner.invoke(app, ["assessment", "release", "evaluation_99", "-w", str(target)])
    assert result.exit_code == 1
    assert "Évaluation « evaluation_99 » inconnue" in result.output
    assert "evaluation_00" in result.output


def test_report_on_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "-w", str(tmp_path), "-o", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "n'est pas un espace formateur" in result.output
