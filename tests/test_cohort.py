"""A training organisation's cohort, end to end, with nbgrader for real.

Roster (Excel CSV) → release → due date → collect Moodle's download → a copy deposited by
hand → autograde → written answers graded with the rubric (the grading notebook's API) →
feedback → competency reports and attestations → exports to a spreadsheet and to Moodle →
Open Badges. The cohort is :mod:`tests.cohort` (nine trainees, ``evaluation_01`` only);
it is graded once per test session (``cohort_workspace`` in ``conftest.py``), each test
that changes it works on a copy (``cohort``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cpts_training.cli import app
from cpts_training.trainer.collect import collect_copies
from cpts_training.trainer.competency_model import build_profile
from cpts_training.trainer.pipeline import autograde, export, feedback
from cpts_training.trainer.roster import import_roster
from cpts_training.trainer.rubric_grading import answers_to_grade, grade_answer
from cpts_training.trainer.spreadsheet import read_spreadsheet_csv
from tests.cohort import ASSESSMENT, Cohort
from tests.helpers import visible_text

TRAINER = "Claire Fabre"

# The criteria each trainee's written answers meet (evaluation_01's rubrics):
# q4_justification (1 pt = 0,5 + 0,5) and q5_note (4 × 1 pt).
JUSTIFICATION = (
    "Rattache chaque réduction au réalisé au 30 juin (ligne peu consommée, engagement déjà pris)",
    "Dit ce que la réduction retarde ou supprime, et ce qui est recherché pour compenser",
)
NOTE = ("Clarté", "Lien avec le projet de santé", "Risques", "Demande au CA")
MET = {
    "dupont-marie": {"q4_justification": JUSTIFICATION, "q5_note": NOTE},
    "bernard-luc": {"q4_justification": JUSTIFICATION[:1], "q5_note": NOTE[:2]},
    "moreau-claire": {"q4_justification": JUSTIFICATION, "q5_note": NOTE[:3]},
    "martin-paul-1": {"q4_justification": JUSTIFICATION, "q5_note": NOTE},
    "lefevre-helene": {"q4_justification": JUSTIFICATION, "q5_note": NOTE},
    "garcia-ines": {"q4_justification": (), "q5_note": NOTE[:1]},
}


def listing(workspace: Path) -> dict[str, str]:
    """Every file of the workspace with the SHA-256 of its content."""
    return {
        str(path.relative_to(workspace)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(workspace.rglob("*"))
        if path.is_file()
    }


def test_moodle_download_is_matched_to_the_roster(cohort_workspace: Cohort) -> None:
    report = cohort_workspace.collected
    assert sorted(c.student for c in report.deposited) == [
        "bernard-luc",
        "dupont-marie",
        "garcia-ines",
        "lefevre-helene",  # « Helene Lefevre » in Moodle, « LEFÈVRE Hélène » in the roster
        "moreau-claire",
        "petit-sarah",
    ]
    (homonym,) = report.ambiguous
    assert homonym.name == "Paul Martin"
    assert set(homonym.candidates) == {"martin-paul-1", "martin-paul-2"}
    (stranger,) = report.unmatched
    assert stranger.name == "Jean Inconnu"
    # Claire handed in at 20:10 Paris time, the deadline was 18:00: 2 h 10 = 7 800 s.
    (late,) = report.late
    assert late.student == "moreau-claire" and late.seconds_late == 7800
    text = "\n".join(report.lines())
    assert "6 déposée(s)" in text and "1 non reconnue(s)" in text and "1 ambiguë(s)" in text
    assert "moreau-claire" in text and "2 h 10" in text


def test_collecting_again_and_importing_the_roster_again_change_nothing(cohort: Cohort) -> None:
    before = listing(cohort.workspace)
    again = collect_copies(cohort.workspace, ASSESSMENT, cohort.moodle_zip)
    assert again.deposited == [] and len(again.already) == 6
    roster = import_roster(cohort.workspace, cohort.roster)
    assert roster.added == () and roster.updated == () and len(roster.unchanged) == 9
    assert listing(cohort.workspace) == before


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("roster_duplicate", "dupont-marie"),
        ("roster_encoding", "UTF-8"),
        ("zip_unexpected", "Moodle"),
        ("unknown_assessment", "evaluation_99"),
    ],
)
def test_bad_input_is_refused_in_french_and_the_workspace_is_unchanged(
    cohort: Cohort, tmp_path: Path, case: str, message: str
) -> None:
    before = listing(cohort.workspace)
    if case == "roster_duplicate":
        bad = tmp_path / "doublon.csv"
        bad.write_text(
            "id;nom;prénom\ndupont-marie;DUPONT;Marie\ndupont-marie;DURAND;Marc\n",
            encoding="utf-8",
        )
        call = ["workspace", "roster", str(bad)]
    elif case == "roster_encoding":
        bad = tmp_path / "liste.csv"
        bad.write_bytes("nom;prénom\nLEFÈVRE;Hélène\n".encode("utf-16"))
        call = ["workspace", "roster", str(bad)]
    elif case == "zip_unexpected":
        import zipfile

        bad = tmp_path / "devoirs.zip"
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("copie de marie.ipynb", "{}")
            archive.writestr("notes/luc.txt", "rien")
        call = ["assessment", "collect", ASSESSMENT, str(bad)]
    else:
        call = ["assessment", "collect", "evaluation_99", str(cohort.moodle_zip)]
    result = CliRunner().invoke(app, [*call, "-w", str(cohort.workspace)])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert listing(cohort.workspace) == before


def grade_every_written_answer(workspace: Path) -> None:
    """The trainer grades, through the grading notebook's API, every answer waiting."""
    for answer in answers_to_grade(workspace, ASSESSMENT):
        grade_answer(
            workspace,
            answer,
            MET[answer.student][answer.grade_id],
            grader=TRAINER,
            comment="Relisez la consigne." if answer.student == "garcia-ines" else "",
        )


def test_the_cohort_from_rubric_grades_to_reports_badges_and_moodle(cohort: Cohort) -> None:
    workspace = cohort.workspace
    waiting = answers_to_grade(workspace, ASSESSMENT)
    # Six copies, two written answers each. Sarah handed the released notebook in
    # untouched: nbgrader gives her unchanged answers 0 without waiting for the trainer.
    assert len(waiting) == 12 and {a.student for a in waiting} == set(MET)
    grade_every_written_answer(workspace)
    assert answers_to_grade(workspace, ASSESSMENT) == []

    # Autograding again changes nothing and erases no manual grade (a forced re-grade of
    # one copy is tested in test_rubric_grading.py).
    autograde(workspace, ASSESSMENT)
    assert answers_to_grade(workspace, ASSESSMENT) == []

    # notes.csv: Luc has q1 (1 + 2) and q3 (1 + 1) right, q2 and q4_equilibre wrong:
    # 5 automatic points, plus 0,5 (q4_justification) + 2 (q5_note) = 7,5 / 15.
    notes = read_spreadsheet_csv(export(workspace, cohort.work / "notes.csv"))
    notes = notes.set_index("stagiaire")
    assert notes.loc["bernard-luc", ["statut", "points", "points_max"]].tolist() == [
        "corrigée",
        7.5,
        15,
    ]
    # Marie: 10 + 1 + 4 = 15. Roux hands nothing in: « non rendue », never a zero.
    assert notes.loc["dupont-marie", "points"] == 15
    assert notes.loc["petit-sarah", ["statut", "points"]].tolist() == ["corrigée", 0]
    # Inès: nothing right automatically, « Clarté » met in the note: 0 + 0 + 1 = 1.
    # Claire, late: 10 + 1 + 3 = 14 (no late penalty unless the workspace sets one).
    assert notes.loc["garcia-ines", "points"] == 1
    assert notes.loc["moreau-claire", ["points", "penalite_retard"]].tolist() == [14, 0]
    assert notes.loc["roux-julien", "statut"] == "non rendue"
    assert pd.isna(notes.loc["roux-julien", "points"])
    assert notes.loc["moreau-claire", "en_retard"] == "oui"
    assert notes.loc["moreau-claire", "retard"] == "2 h 10 min"
    assert notes.loc["dupont-marie", "en_retard"] == "non"

    # Feedback: Claire's page says she was late, and by how much.
    feedback(workspace, ASSESSMENT)
    page = next((workspace / "feedback" / "moreau-claire" / ASSESSMENT).glob("*.html"))
    text = visible_text(page.read_text(encoding="utf-8"))
    assert "2 h 10 min" in text and "date limite" in text
    from tests.helpers import secret_lines

    hidden = secret_lines(workspace / "source" / ASSESSMENT / f"{ASSESSMENT}.ipynb")["hidden"]
    ines = visible_text(
        (workspace / "feedback" / "garcia-ines" / ASSESSMENT / f"{ASSESSMENT}.html").read_text(
            encoding="utf-8"
        )
    )
    assert hidden and [line for line in hidden if line in ines] == []
    assert "Vérifications complémentaires du formateur" in ines
    assert "Traceback (most recent call last)" not in ines
    luc_page = next((workspace / "feedback" / "bernard-luc" / ASSESSMENT).glob("*.html"))
    assert "Critères atteints : Clarté (1 pt), Lien avec le projet de santé (1 pt)" in (
        visible_text(luc_page.read_text(encoding="utf-8"))
    )

    # Competency levels, Luc by hand (one assessment: rate = points / points available):
    # B5.C01 q1_variable 1/1 + q1_produit 2/2 = 3/3 = 100 % → acquise;
    # B5.C02 q1_produit 2 + q2_charges 0 + q2_fir 0 + q2_equilibre 0 = 2/5 = 40 % → à retravailler;
    # B5.C18 q1_variable 1 + q2_fir 0 = 1/2 = 50 % → partiellement acquise;
    # B5.C07 q3_retard 1 + q3_cout 1 = 2/2 → acquise;
    # B5.C11 q3_retard 1 + q5_note 2 = 3/5 = 60 % → partiellement acquise;
    # B5.C04 q4_equilibre 0 + q4_justification 0,5 = 0,5/3 = 16,7 % → à retravailler;
    # B5.C15 q4_justification 0,5 + q5_note 2 = 2,5/5 = 50 % → partiellement acquise;
    # B5.C03 q5_note 2/4 = 50 % → partiellement acquise.
    profile = build_profile(workspace)
    luc = profile.levels[profile.levels["stagiaire"] == "bernard-luc"].set_index("competence")
    expected = {
        "B5.C01": (1.0, "acquise"),
        "B5.C02": (0.4, "à retravailler"),
        "B5.C18": (0.5, "partiellement acquise"),
        "B5.C07": (1.0, "acquise"),
        "B5.C11": (0.6, "partiellement acquise"),
        "B5.C04": (0.5 / 3, "à retravailler"),
        "B5.C15": (0.5, "partiellement acquise"),
        "B5.C03": (0.5, "partiellement acquise"),
    }
    for competency, (rate, level) in expected.items():
        assert luc.loc[competency, "taux"] == pytest.approx(rate), competency
        assert luc.loc[competency, "niveau"] == level, competency
    # Every other competency has no evidence: « non évaluée », never a zero.
    others = luc.drop(index=list(expected))
    assert (others["niveau"] == "non évaluée").all() and others["taux"].isna().all()
    # Evidence says who graded what and when it was handed in.
    proofs = profile.evidence
    note = proofs[(proofs["stagiaire"] == "bernard-luc") & (proofs["cellule"] == "q5_note")]
    assert set(note["corrige_par"]) == {TRAINER}
    auto = proofs[(proofs["stagiaire"] == "bernard-luc") & (proofs["cellule"] == "q1_produit")]
    assert set(auto["corrige_par"]) == {"correction automatique"}
    late = proofs[proofs["stagiaire"] == "moreau-claire"]
    assert (late["retard_secondes"] == 7800).all()
    # Bloc B5 (scope: evaluation_01's 8 competencies, 75 % acquired, none « à retravailler »):
    # Marie 8/8 → acquis; Luc 2/8 → en cours d'acquisition; Julien: non évalué.
    blocs = profile.blocs[profile.blocs["bloc"] == "B5"].set_index("stagiaire")
    assert blocs.loc["dupont-marie", "niveau"] == "acquis"
    assert blocs.loc["bernard-luc", "niveau"] == "en cours d'acquisition"
    assert blocs.loc["roux-julien", "niveau"] == "non évalué"

    # A trainer's override is evidence with its reason; the computed level stays.
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "competency",
            "override",
            "bernard-luc",
            "B5.C04",
            "partiellement acquise",
            "--motif",
            "Entretien oral du 20/11/2026",
            "--par",
            TRAINER,
            "-w",
            str(workspace),
        ],
    )
    assert result.exit_code == 0, result.output

    # Reports: pages, attestations (PDF read back), heatmap, item analysis, spreadsheets.
    reports = cohort.work / "rapports"
    result = runner.invoke(app, ["report", "-w", str(workspace), "-o", str(reports)])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    levels = read_spreadsheet_csv(reports / "competences.csv")
    levels = levels.set_index(["stagiaire", "competence"])
    assert levels.loc[("bernard-luc", "B5.C04"), "niveau"] == "partiellement acquise"
    assert levels.loc[("bernard-luc", "B5.C04"), "niveau_calcule"] == "à retravailler"
    assert levels.loc[("bernard-luc", "B5.C02"), "taux_pourcent"] == 40
    luc_report = visible_text((reports / "rapport_bernard-luc.html").read_text("utf-8"))
    assert "Entretien oral du 20/11/2026" in luc_report and TRAINER in luc_report
    claire_report = visible_text((reports / "rapport_moreau-claire.html").read_text("utf-8"))
    assert "2 h 10 min" in claire_report
    synthesis = visible_text((reports / "synthese.html").read_text("utf-8"))
    # Item analysis, worst first: q2_charges, q2_fir and q2_equilibre are failed by Luc,
    # Sarah and Inès (3 of 7 copies), q4_equilibre also.
    assert "q2_equilibre" in synthesis and "Analyse" in synthesis
    from pypdf import PdfReader

    # Julien handed nothing in, Paul MARTIN's homonym neither: no attestation, said so.
    assert not (reports / "attestation_roux-julien.pdf").exists()
    assert "Pas d'attestation pour martin-paul-2, roux-julien" in result.output
    # The homonyms are told apart by their id wherever names are shown.
    assert "Paul MARTIN (martin-paul-1)" in synthesis
    assert "Paul MARTIN (martin-paul-2)" in synthesis
    pdf = PdfReader(reports / "attestation_dupont-marie.pdf")
    pdf_text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Attestation" in pdf_text and "DUPONT" in pdf_text.upper()
    assert "B5.C03" in pdf_text and "signature" in pdf_text.lower()
    first_csv = (reports / "competences.csv").read_bytes()
    again = runner.invoke(app, ["report", "-w", str(workspace), "-o", str(reports), "--replace"])
    assert again.exit_code == 0
    assert (reports / "competences.csv").read_bytes() == first_csv  # same evidence, same file

    # Moodle: the grades CSV (one row per trainee, email as identifier) and the framework.
    moodle = cohort.work / "notes_moodle.csv"
    result = runner.invoke(
        app, ["assessment", "export", str(moodle), "--moodle", "-w", str(workspace)]
    )
    assert result.exit_code == 0, result.output
    lines = moodle.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Adresse de courriel,Numéro d'identification,evaluation_01 (/15)"
    assert "luc.bernard@example.fr,bernard-luc,7.5" in lines
    assert "julien.roux@example.fr,roux-julien," in lines  # nothing handed in: left empty

    # Open Badges: the organisation is configured; only acquired blocs get a badge.
    (workspace / "competences.yaml").write_text(
        "organisme:\n  nom: Organisme exemple\n  url: https://formation.example.org\n"
        "  email: contact@formation.example.org\n  lieu: Toulouse\n",
        encoding="utf-8",
    )
    badges = cohort.work / "badges"
    result = runner.invoke(app, ["competency", "badges", "-o", str(badges), "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in badges.glob("*.json"))
    assert "badge_dupont-marie_B5.json" in names
    assert not any("bernard-luc" in name for name in names)
    credential = json.loads((badges / "badge_dupont-marie_B5.json").read_text("utf-8"))
    assert "OpenBadgeCredential" in credential["type"]
    assert credential["issuer"]["name"] == "Organisme exemple"


def test_a_typo_in_an_id_or_a_date_is_caught_before_it_skews_the_history(
    cohort: Cohort,
) -> None:
    workspace = cohort.workspace
    released = workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    runner = CliRunner()
    # « dupont-mari » is not in the roster: deposited, with a warning naming the fix.
    result = runner.invoke(
        app,
        ["assessment", "submit", ASSESSMENT, "dupont-mari", str(released), "-w", str(workspace)],
    )
    assert result.exit_code == 0, result.output
    assert "« dupont-mari » n'est pas dans la liste des stagiaires" in result.output
    assert "withdraw" in result.output
    # Marie's copy was handed in on 14/11/2026 at 21:05; a replacement dated earlier would
    # become her « earlier » attempt: refused, nothing changes.
    before = listing(workspace)
    result = runner.invoke(
        app,
        ["assessment", "submit", ASSESSMENT, "dupont-marie", str(released), "--replace",
         "--date", "14/11/2026 20:00", "-w", str(workspace)],
    )  # fmt: skip
    assert result.exit_code != 0 and "avant celle qu'elle remplacerait" in result.output
    assert listing(workspace) == before
    # A due date already past is accepted (late copies are real) but the trainer is warned.
    result = runner.invoke(
        app, ["assessment", "deadline", ASSESSMENT, "15/11/2020 18:00", "-w", str(workspace)]
    )
    assert result.exit_code == 0 and "déjà passée" in result.output


def test_autograded_points_of_evaluation_01_match_the_hand_computed_answers(
    cohort_workspace: Cohort,
) -> None:
    # The answers of tests/test_nbgrader_roundtrip.py's SUBMISSIONS, with their points
    # computed by hand there: Alice's (Marie) 10, Bruno's (Inès) 0, Denis's typed the
    # French way (Claire, Hélène) 10; Luc has q1 (1 + 2) and q3 (1 + 1) right: 5.
    from cpts_training.trainer.pipeline import scores
    from tests.test_nbgrader_roundtrip import SUBMISSIONS

    table = scores(cohort_workspace.workspace, ASSESSMENT)
    auto = table[table["type"] == "automatique"].groupby("stagiaire")["points"].sum()
    expected = {
        "dupont-marie": SUBMISSIONS[ASSESSMENT]["alice"][1],
        "garcia-ines": SUBMISSIONS[ASSESSMENT]["bruno"][1],
        "moreau-claire": SUBMISSIONS[ASSESSMENT]["denis"][1],
        "lefevre-helene": SUBMISSIONS[ASSESSMENT]["denis"][1],
        "bernard-luc": 5,
        "petit-sarah": 0,
    }
    assert {student: auto[student] for student in expected} == expected
    assert expected["dupont-marie"] == 10 and expected["moreau-claire"] == 10
