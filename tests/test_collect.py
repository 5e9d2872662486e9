"""Copies collected from a Moodle download or a folder, matched to the roster, deposited."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cpts_training.cli import app
from cpts_training.errors import CPTSError
from cpts_training.trainer.collect import DEPOSITED, REFUSED, collect_copies, name_key
from cpts_training.trainer.deadlines import set_deadline
from cpts_training.trainer.grade_summary import deposit_time
from cpts_training.trainer.pipeline import release
from cpts_training.trainer.roster import import_roster
from cpts_training.trainer.submissions import submit
from cpts_training.trainer.workspace import init_workspace
from tests.test_nbgrader_roundtrip import SUBMISSIONS, answered

ASSESSMENT = "evaluation_00"
NOW = dt.datetime(2027, 2, 1, tzinfo=dt.UTC)
ROSTER = """id;nom;prenom
lefevre-helene;LEFEVRE;Helene
martin-paul-1;Martin;Paul
martin-paul-2;Martin;Paul
dupont-marie;DUPONT;Marie
roux-anne;Roux;Anne
bernard-luc;Bernard;Luc
petit-eloise;Petit;Éloïse
"""
FOLDER = "_assignsubmission_file_"
ONLINE_TEXT = "Luc Bernard_1007_assignsubmission_onlinetext_/onlinetext.html"
MORNING = (2027, 1, 15, 9, 0, 0)


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, bytes]:
    """evaluation_00 released, the roster imported, due 15/01/2027 18:00 (Paris); a right
    and a wrong copy (as bytes) to put in the downloads."""
    tmp = tmp_path_factory.mktemp("collect")
    workspace = init_workspace(tmp / "espace")
    released = release(workspace, ASSESSMENT) / f"{ASSESSMENT}.ipynb"
    (tmp / "liste.csv").write_text(ROSTER, encoding="utf-8")
    import_roster(workspace, tmp / "liste.csv")
    set_deadline(workspace, ASSESSMENT, "15/01/2027 18:00")
    right = answered(released, SUBMISSIONS[ASSESSMENT]["alice"][0], tmp / "a.ipynb")
    wrong = answered(released, SUBMISSIONS[ASSESSMENT]["bruno"][0], tmp / "b.ipynb")
    return workspace, right.read_bytes(), wrong.read_bytes()


def moodle_zip(path: Path, entries: list[tuple[str, bytes, tuple[int, ...]]]) -> Path:
    """A zip as Moodle writes it: each entry with its time (local time of the server)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, when in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=when), data)  # type: ignore[arg-type]
    return path


def listing(workspace: Path) -> list[tuple[str, int]]:
    """Every file of the workspace with its size."""
    return sorted(
        (p.relative_to(workspace).as_posix(), p.stat().st_size)
        for p in workspace.rglob("*")
        if p.is_file()
    )


def cohort_zip(path: Path, right: bytes, wrong: bytes) -> Path:
    return moodle_zip(
        path,
        [
            # Accents folded: « Hélène Lefèvre » is LEFEVRE Helene of the roster; on time.
            (f"Hélène Lefèvre_1001{FOLDER}/{ASSESSMENT}.ipynb", right, (2027, 1, 15, 17, 30, 0)),
            # Two « Martin Paul » in the roster: ambiguous.
            (f"Paul Martin_1002{FOLDER}/{ASSESSMENT}.ipynb", right, (2027, 1, 15, 9, 0, 0)),
            (f"Inconnu Personne_1003{FOLDER}/{ASSESSMENT}.ipynb", right, (2027, 1, 15, 9, 0, 0)),
            (
                f"Anne ROUX_1004{FOLDER}/{ASSESSMENT}.ipynb",
                b"{pas un carnet",
                (2027, 1, 15, 9, 0, 0),
            ),
            # Flat shape (no folders), NOM Prénom, late: 16/01/2027 20:10 in Paris.
            (f"DUPONT Marie_1005{FOLDER}{ASSESSMENT}.ipynb", wrong, (2027, 1, 16, 20, 10, 0)),
            (f"Participant_1006{FOLDER}/{ASSESSMENT}.ipynb", right, (2027, 1, 15, 9, 0, 0)),
            (
                "Luc Bernard_1007_assignsubmission_onlinetext_/onlinetext.html",
                b"<p>",
                (2027, 1, 15, 9, 0, 0),
            ),
        ],
    )


def test_names_are_folded_and_unordered() -> None:
    assert name_key("DUPONT Marie") == name_key("Marie Dupont") == name_key("dupont_marie")
    assert name_key("Hélène Lefèvre") == name_key("LEFEVRE Helene")
    assert name_key("Jean-Pierre") != name_key("Jean")


def test_a_moodle_download_collected_twice_then_replaced(
    space: tuple[Path, bytes, bytes], tmp_path: Path
) -> None:
    workspace, right, wrong = space
    source = cohort_zip(tmp_path / "travaux.zip", right, wrong)
    report = collect_copies(workspace, ASSESSMENT, source, now=NOW)

    assert sorted(c.student for c in report.deposited) == ["dupont-marie", "lefevre-helene"]
    assert [(c.name, c.candidates) for c in report.ambiguous] == [
        ("Paul Martin", ("martin-paul-1", "martin-paul-2"))
    ]
    unmatched = {c.name: c.reason for c in report.unmatched}
    assert set(unmatched) == {"Inconnu Personne", "Participant"}
    assert "anonyme" in unmatched["Participant"]
    (refused,) = report.refused
    assert refused.student == "roux-anne" and "pas un carnet Jupyter lisible" in refused.reason
    assert report.ignored == [ONLINE_TEXT]
    # The hand-in time is the zip entry's, Paris time: 16/01/2027 20:10 = 19:10 UTC,
    # 1 day 2 h 10 min after 15/01/2027 17:00 UTC = 86 400 + 7 800 = 94 200 s.
    deposited = workspace / "submitted" / "dupont-marie" / ASSESSMENT
    assert (deposited / f"{ASSESSMENT}.ipynb").read_bytes() == wrong
    assert deposit_time(deposited) == dt.datetime(2027, 1, 16, 19, 10, tzinfo=dt.UTC)
    (late,) = report.late
    assert (late.student, late.seconds_late) == ("dupont-marie", 94_200)
    lines = "\n".join(report.lines())
    assert "2 déposée(s), 0 déjà déposée(s), 1 refusée(s), 2 non reconnue(s), 1 ambiguë(s)" in lines
    assert (
        "En retard : dupont-marie, rendue le 16/01/2027 à 20:10, 1 j 2 h après la date limite."
        in lines
    )
    assert not (workspace / "submitted" / "martin-paul-1").exists()

    # Again: nothing new is deposited, and the workspace does not change.
    before = listing(workspace)
    again = collect_copies(workspace, ASSESSMENT, source, now=NOW)
    assert again.deposited == [] and {c.student for c in again.already} == {
        "dupont-marie",
        "lefevre-helene",
    }
    assert [c.status for c in again.refused] == [REFUSED]
    assert listing(workspace) == before
    assert "  Déjà déposée(s), rien de nouveau : dupont-marie, lefevre-helene" in again.lines()

    # A different copy for Hélène: refused without --replace, deposited with it.
    changed = moodle_zip(
        tmp_path / "nouveau.zip",
        [(f"Hélène Lefèvre_1001{FOLDER}/{ASSESSMENT}.ipynb", wrong, (2027, 1, 15, 17, 45, 0))],
    )
    kept = collect_copies(workspace, ASSESSMENT, changed, now=NOW)
    assert [(c.student, c.status) for c in kept.copies] == [("lefevre-helene", REFUSED)]
    assert "--replace" in kept.copies[0].reason
    replaced = collect_copies(workspace, ASSESSMENT, changed, now=NOW, replace=True)
    assert [(c.student, c.status) for c in replaced.copies] == [("lefevre-helene", DEPOSITED)]
    assert (
        workspace / "submitted" / "lefevre-helene" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    ).read_bytes() == wrong
    assert len(list((workspace / "archives" / "lefevre-helene").iterdir())) == 1


def test_a_folder_of_named_notebooks(space: tuple[Path, bytes, bytes], tmp_path: Path) -> None:
    workspace, right, _ = space
    folder = tmp_path / "copies"
    folder.mkdir()
    (folder / "BERNARD_Luc.ipynb").write_bytes(right)
    (folder / "eloise-petit.ipynb").write_bytes(right)
    (folder / "consignes.txt").write_text("à lire", encoding="utf-8")
    # 14/01/2027 10:00 UTC: the file's modification time is the hand-in time.
    when = dt.datetime(2027, 1, 14, 10, 0, tzinfo=dt.UTC).timestamp()
    os.utime(folder / "BERNARD_Luc.ipynb", (when, when))
    report = collect_copies(workspace, ASSESSMENT, folder, now=NOW)
    assert sorted((c.student, c.status) for c in report.copies) == [
        ("bernard-luc", DEPOSITED),
        ("petit-eloise", DEPOSITED),
    ]
    assert report.ignored == ["consignes.txt"]
    assert deposit_time(workspace / "submitted" / "bernard-luc" / ASSESSMENT) == dt.datetime(
        2027, 1, 14, 10, 0, tzinfo=dt.UTC
    )


@pytest.mark.parametrize(
    "entries",
    [
        [("copie1.ipynb", b"{}"), ("notes.txt", b"")],
        [("Luc Bernard_1007_assignsubmission_onlinetext_/onlinetext.html", b"<p>")],
        [(f"Anne Roux_1004{FOLDER}/{ASSESSMENT}.ipynb", b"{}"), ("Anne Roux.ipynb", b"{}")],
    ],
)
def test_a_zip_that_is_not_a_moodle_download_changes_nothing(
    space: tuple[Path, bytes, bytes], tmp_path: Path, entries: list[tuple[str, bytes]]
) -> None:
    workspace, _, _ = space
    source = moodle_zip(
        tmp_path / "autre.zip", [(name, data, (2027, 1, 10, 9, 0, 0)) for name, data in entries]
    )
    before = listing(workspace)
    with pytest.raises(CPTSError, match="ne ressemble pas à un téléchargement de devoir Moodle"):
        collect_copies(workspace, ASSESSMENT, source, now=NOW)
    assert listing(workspace) == before


def test_collect_refuses_an_unknown_assessment(
    space: tuple[Path, bytes, bytes], tmp_path: Path
) -> None:
    workspace, right, wrong = space
    source = cohort_zip(tmp_path / "travaux.zip", right, wrong)
    with pytest.raises(CPTSError, match="evaluation_99.*inconnue"):
        collect_copies(workspace, "evaluation_99", source, now=NOW)


def test_the_collect_command_in_french(space: tuple[Path, bytes, bytes], tmp_path: Path) -> None:
    workspace, right, wrong = space
    runner = CliRunner()
    source = cohort_zip(tmp_path / "travaux.zip", right, wrong)
    result = runner.invoke(
        app, ["assessment", "collect", ASSESSMENT, str(source), "-w", str(workspace)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Collecte des copies de « evaluation_00 » :")
    assert "Ambiguë : Paul Martin correspond à martin-paul-1, martin-paul-2" in result.output
    assert "Non reconnue : Inconnu Personne" in result.output
    assert (
        f"Refusée : Anne ROUX (roux-anne) : Le fichier Anne ROUX_1004{FOLDER}/{ASSESSMENT}.ipynb "
        "n'est pas un carnet Jupyter lisible" in result.output
    )
    bad = moodle_zip(tmp_path / "autre.zip", [("copie1.ipynb", b"{}", (2027, 1, 10, 9, 0, 0))])
    refused = runner.invoke(
        app, ["assessment", "collect", ASSESSMENT, str(bad), "-w", str(workspace)]
    )
    assert refused.exit_code == 1
    assert "Erreur : autre.zip ne ressemble pas" in refused.output
    assert "« copie1.ipynb »" in refused.output and "Traceback" not in refused.output


def test_a_copy_replaced_under_the_same_hand_in_time_is_seen_as_new(
    space: tuple[Path, bytes, bytes], tmp_path: Path
) -> None:
    """The automatic correction tells a new deposit by its timestamp: replacing a copy with
    the same hand-in time moves it by a microsecond, so that it is corrected again."""
    workspace, right, wrong = space
    when = dt.datetime(2027, 1, 15, 17, 0, tzinfo=dt.UTC)
    first, second = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    first.write_bytes(right)
    second.write_bytes(wrong)
    folder = submit(workspace, ASSESSMENT, "zoe", first, submitted_at=when, now=NOW).folder
    assert deposit_time(folder) == when
    submit(workspace, ASSESSMENT, "zoe", second, replace=True, submitted_at=when, now=NOW)
    assert deposit_time(folder) == when + dt.timedelta(microseconds=1)
