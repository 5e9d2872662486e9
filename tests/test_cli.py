"""The command line speaks French, errors included, and shows no traceback."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cpts_training.cli import app
from cpts_training.cli_messages import MESSAGES, PLURALS

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


ENGLISH_WORDS = ("Usage", "Show this message", "Missing", "required", "Error", "Try ", "Options:")


@pytest.mark.parametrize(
    "arguments",
    [
        ["--help"],
        ["workspace", "--help"],
        ["workspace", "init", "--help"],
        ["assessment", "--help"],
        ["assessment", "submit", "--help"],
        ["assessment", "withdraw", "--help"],
        ["assessment", "autograde", "--help"],
        ["assessment", "feedback", "--help"],
        ["lab", "--help"],
        ["report", "--help"],
    ],
)
def test_help_pages_have_no_english(arguments: list[str]) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0
    assert result.output.startswith("Utilisation : cpts-training")
    assert "Options :" in result.output
    for word in ENGLISH_WORDS:
        assert word not in result.output, (word, result.output)


def test_commands_are_listed_in_the_order_a_trainer_uses_them() -> None:
    output = runner.invoke(app, ["assessment", "--help"]).output
    order = ["release", "submit", "withdraw", "autograde", "grade", "feedback", "export"]
    positions = [output.index(f"  {name} ") for name in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["assessment", "release"], "Erreur : Argument manquant 'ÉVALUATION'."),
        (["assesment"], "Commande inconnue : 'assesment'. Vouliez-vous dire 'assessment' ?"),
        (["lab", "--port", "abc"], "Valeur invalide pour '--port' : 'abc' n'est pas un entier"),
        (["report", "-o", "x"], "Erreur : Option manquante '--workspace' / '-w'."),
        (["book", "--bogus"], "Erreur : Option inconnue : '--bogus'."),
        (
            ["assessment", "submit", "evaluation_00", "dupont", "absent.ipynb", "-w", "."],
            "Valeur invalide pour 'CARNET' : Fichier 'absent.ipynb' introuvable.",
        ),
    ],
)
def test_usage_errors_are_french(arguments: list[str], expected: str) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    assert expected in result.output
    assert "Aide : « cpts-training" in result.output
    assert "Traceback" not in result.output


def test_the_installed_command_speaks_french() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "cpts_training", "assessment", "export"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert "Utilisation : cpts-training assessment export" in completed.stderr
    assert "Erreur : Argument manquant 'FICHIER_CSV'." in completed.stderr


def _click_messages() -> tuple[set[str], set[tuple[str, str]]]:
    """The literal messages click's modules pass to ``_`` and ``ngettext``."""
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id == "_" and texts and isinstance(texts[0], str):
                singles.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) >= 2:
                plurals.add((texts[0], texts[1]))
    return singles, plurals


def test_every_click_message_has_a_french_translation() -> None:
    singles, plurals = _click_messages()
    assert len(singles) > 40 and len(plurals) >= 5  # the scan found click's messages
    single_letter_keys = {"d"}  # « d » in a progress bar's time format, not a sentence
    assert singles - single_letter_keys - MESSAGES.keys() == set()
    assert plurals - PLURALS.keys() == set()


def test_workspace_init_on_a_file_or_with_a_missing_source(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("à garder", encoding="utf-8")
    on_file = runner.invoke(app, ["workspace", "init", str(a_file)])
    assert on_file.exit_code == 1 and "est un fichier" in on_file.output
    assert a_file.read_text(encoding="utf-8") == "à garder"
    no_source = runner.invoke(
        app, ["workspace", "init", str(tmp_path / "espace"), "--source", str(tmp_path / "x")]
    )
    assert no_source.exit_code == 1 and "Dossier d'évaluations introuvable" in no_source.output
    assert not (tmp_path / "espace").exists()


def test_a_file_system_error_is_shown_in_french(monkeypatch, tmp_path: Path) -> None:
    import cpts_training.trainer.workspace as workspace_module

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(tmp_path / "espace"))

    monkeypatch.setattr(workspace_module, "init_workspace", refuse)
    result = runner.invoke(app, ["workspace", "init", str(tmp_path / "espace")])
    assert result.exit_code == 1
    assert f"Opération impossible sur {tmp_path / 'espace'} : accès refusé" in result.output
    assert "Permission denied" not in result.output and "Traceback" not in result.output


def test_withdraw_without_a_deposit_says_so_and_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "espace"
    runner.invoke(app, ["workspace", "init", str(target)])
    result = runner.invoke(
        app, ["assessment", "withdraw", "evaluation_00", "dupont-marie", "-w", str(target)]
    )
    assert result.exit_code == 1
    assert "Aucune copie de « dupont-marie » déposée pour « evaluation_00 »" in result.output
    assert not (target / "archives").exists()


def test_submit_prints_the_look_alike_warning(monkeypatch, tmp_path: Path) -> None:
    import cpts_training.trainer.submissions as submissions

    warning = "L'identifiant « dupont_marie » est nouveau mais ressemble à « dupont-marie »"

    def fake_submit(*args: object, **kwargs: object) -> submissions.Deposit:
        return submissions.Deposit(tmp_path / "copie", None, (warning,))

    monkeypatch.setattr(submissions, "submit", fake_submit)
    notebook = tmp_path / "carnet.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    arguments = ["assessment", "submit", "evaluation_00", "dupont_marie", str(notebook)]
    result = runner.invoke(app, [*arguments, "-w", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"Attention : {warning}" in result.output
