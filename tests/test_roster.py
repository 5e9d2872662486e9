"""The cohort's roster read from a spreadsheet CSV into nbgrader's gradebook."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from nbgrader.api import Gradebook

from cpts_training.cli import app
from cpts_training.errors import CPTSError
from cpts_training.trainer import import_roster, read_roster
from cpts_training.trainer.workspace import COURSE_ID, init_workspace


def students(workspace: Path) -> dict[str, tuple[str, str, str | None]]:
    with Gradebook(f"sqlite:///{workspace / 'gradebook.db'}", COURSE_ID) as gradebook:
        return {s.id: (s.last_name, s.first_name, s.email) for s in gradebook.students}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One workspace for the module (its gradebook is created once); each test uses its
    own trainees."""
    return init_workspace(tmp_path_factory.mktemp("roster") / "promo")


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_an_excel_roster_in_windows_1252_with_semicolons(workspace: Path, tmp_path: Path) -> None:
    # Excel « CSV (séparateur : point-virgule) » in French: Windows-1252, « ; ».
    roster = write(
        tmp_path / "liste.csv",
        "Nom;Prénom;Courriel\nDupont;Marie;marie@example.fr\nMartin;Élodie;\n",
        "cp1252",
    )
    report = import_roster(workspace, roster)
    # Ids derived from « nom-prénom », lower case, no accent.
    assert report.added == ("dupont-marie", "martin-elodie")
    known = students(workspace)
    assert known["dupont-marie"] == ("Dupont", "Marie", "marie@example.fr")
    assert known["martin-elodie"] == ("Martin", "Élodie", None)
    again = import_roster(workspace, roster)  # the same file twice changes nothing
    assert again.added == () and again.updated == () and len(again.unchanged) == 2


def test_a_utf8_roster_with_ids_commas_and_an_update(workspace: Path, tmp_path: Path) -> None:
    first = write(tmp_path / "a.csv", "\ufeffid,nom,prenom,email\nmd01,Durand,Marc,m@x.fr\n\n")
    assert import_roster(workspace, first).added == ("md01",)
    changed = write(tmp_path / "b.csv", "id,nom,prenom,email\nmd01,Durand,Marc,marc@x.fr\n")
    assert import_roster(workspace, changed).updated == ("md01",)
    assert students(workspace)["md01"] == ("Durand", "Marc", "marc@x.fr")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nom;prenom\nDupont;Marie\nDupont;Marie\n", "ligne 3 : l'identifiant « dupont-marie »"),
        ("id;nom;prenom\nx;Dupont;Marie\nx;Durand;Marc\n", "déjà celui de la ligne 2"),
        ("nom;email\nDupont;d@x.fr\n", "« prénom » introuvable"),
        ("nom;prenom\nDupont;\n", "ligne 2 : le nom ou le prénom est vide"),
        ("id;nom;prenom\nMarie Dupont;Dupont;Marie\n", "ligne 2 : l'identifiant « Marie Dupont »"),
        ("nom;prenom\n", "aucun stagiaire"),
    ],
)
def test_a_refused_roster_names_the_line_and_leaves_the_gradebook_unchanged(
    workspace: Path, tmp_path: Path, content: str, message: str
) -> None:
    import_roster(workspace, write(tmp_path / "ok.csv", "nom;prenom\nRoux;Anne\n"))
    before = students(workspace)
    with pytest.raises(CPTSError, match=message):
        import_roster(workspace, write(tmp_path / "bad.csv", content))
    assert students(workspace) == before  # not even the valid lines above the bad one


def test_utf16_and_a_missing_file_are_explained(tmp_path: Path) -> None:
    with pytest.raises(CPTSError, match="UTF-16"):
        read_roster(write(tmp_path / "u16.csv", "nom;prenom\nDupont;Marie\n", "utf-16"))
    with pytest.raises(CPTSError, match="introuvable"):
        read_roster(tmp_path / "absent.csv")


def test_the_trainer_command_in_french(workspace: Path, tmp_path: Path) -> None:
    roster = write(tmp_path / "liste.csv", "nom;prenom\nLeroy;Paul\n")
    runner = CliRunner()
    result = runner.invoke(app, ["workspace", "roster", str(roster), "-w", str(workspace)])
    assert result.exit_code == 0
    assert "Stagiaires ajoutés : 1 (leroy-paul)" in result.output
    bad = write(tmp_path / "bad.csv", "nom\nDupont\n")
    refused = runner.invoke(app, ["workspace", "roster", str(bad), "-w", str(workspace)])
    assert refused.exit_code != 0 and "introuvable" in refused.output
    assert "Traceback" not in refused.output


def test_a_new_id_for_a_trainee_already_known_is_added_with_a_warning(
    workspace: Path, tmp_path: Path
) -> None:
    first = write(tmp_path / "a.csv", "id;nom;prénom\nlefevre-helene;LEFÈVRE;Hélène\n")
    assert import_roster(workspace, first).warnings == ()
    # The same person under a second id (« _ » for « - »), and under a new id with her name.
    second = write(
        tmp_path / "b.csv", "id;nom;prénom\nlefevre_helene;Lefèvre;Hélène\nhl02;Lefevre;Helene\n"
    )
    report = import_roster(workspace, second)
    assert report.added == ("lefevre_helene", "hl02")
    assert len(report.warnings) == 2
    assert (
        "« lefevre_helene » (Hélène Lefèvre) est ajouté, mais ressemble à « lefevre-helene »"
        in (report.warnings[0])
    )
    assert (
        "« lefevre-helene »" in report.warnings[1]
        and "« lefevre_helene »" not in (report.warnings[1])
    )
    result = CliRunner().invoke(app, ["workspace", "roster", str(second), "-w", str(workspace)])
    assert result.exit_code == 0 and "Attention" not in result.output  # already there now
