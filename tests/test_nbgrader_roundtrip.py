"""A real nbgrader round trip: release → submissions → autograde → feedback → export."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from cpts_training.errors import CPTSError
from cpts_training.syllabus import graded_cells
from cpts_training.trainer.grade_summary import grade_summary
from cpts_training.trainer.grading_state import set_manual_grade
from cpts_training.trainer.pipeline import autograde, export, feedback, release, scores
from cpts_training.trainer.spreadsheet import read_spreadsheet_csv
from cpts_training.trainer.submissions import submit, withdraw
from cpts_training.trainer.workspace import init_workspace, update_workspace
from tests.helpers import leaked_lines, secret_lines, visible_text

ASSESSMENT = "evaluation_00"

# Answers typed by a trainee who gets everything right, and by one who gets it all wrong,
# with the autograded points each should get. Expected values are computed by hand.
SUBMISSIONS: dict[str, dict[str, tuple[dict[str, str], float]]] = {
    "evaluation_00": {
        # 52 886 inhabitants, 6 319 aged 75+ → 11.9 %; 40 000 ≤ 52 886 < 80 000 → size 2.
        "alice": (
            {
                # pandas sums are numpy numbers: the visible tests must accept them.
                "q1_reponse": 'population_totale = territoire.communes["population"].sum()\n'
                'part_75_plus = round(100 * territoire.communes["pop_75_plus"].sum()'
                " / population_totale, 1)",
                "q2_reponse": "taille_aci = 2",
                "q3_presentation": "La CPTS réunit les professionnels de santé du territoire.",
            },
            3,
        ),
        "bruno": (
            {
                "q1_reponse": "population_totale = 50000\npart_75_plus = 12.5",
                "q2_reponse": "taille_aci = 3",
                "q3_presentation": "Bonjour.",
            },
            0,
        ),
        # Denis types his numbers the French way: graded like Alice's (the trainee kernel
        # is activated by the first cell, which nbgrader runs too).
        "denis": (
            {
                "q1_reponse": "population_totale = 52 886\npart_75_plus = 11,9 %",
                "q2_reponse": "taille_aci = 2",
                "q3_presentation": "La CPTS réunit les professionnels du territoire.",
            },
            3,
        ),
    },
    "evaluation_02": {
        # Nurses 92 × 10 000 / 52 886 = 17.40; physiotherapists in AUB01 16 × 10 000 / 14 384
        # = 11.12; population 26 623 + 4 507 + 6 988 + 4 530 = 42 648 → size 2 (40 000 to
        # 80 000); 2SFCA: R_A = 3 / 7 000, R_B = 1 / 6 000 → B (3/7 000 + 1/6 000) × 100 000
        # = 59.5, C 3/7 000 × 100 000 = 42.9; AUB01 in five years (15 − 6) × 10 000 / 14 384
        # = 6.3.
        "alice": (
            {
                "q1_reponse": "densite_infirmiers = 17.4\ndensite_kines_castelnau = 11.1",
                "q2_reponse": "population_totale = 42648\ntaille_aci = 2",
                "q3_reponse": "accessibilite_b = 59.5\naccessibilite_c = 42.9",
                "q4_reponse": "densite_castelnau_dans_5_ans = 6.3",
                "q5_synthese": "Priorité : l'accès aux soins dans les communes éloignées.",
            },
            7,
        ),
        "bruno": (
            {
                "q1_reponse": "densite_infirmiers = 92\ndensite_kines_castelnau = 16",
                "q2_reponse": "population_totale = 26623\ntaille_aci = 1",
                "q3_reponse": "accessibilite_b = 16.7\naccessibilite_c = 0",
                "q4_reponse": "densite_castelnau_dans_5_ans = 10.4",
                "q5_synthese": "RAS.",
            },
            0,
        ),
        "denis": (
            {
                "q1_reponse": "densite_infirmiers = 92 * 10 000 / 52 886\n"
                "densite_kines_castelnau = 11,1",
                "q2_reponse": "population_totale = 26 623 + 4 507 + 6 988 + 4 530\ntaille_aci = 2",
                "q3_reponse": "accessibilite_b = 59,5\naccessibilite_c = 42,9",
                "q4_reponse": "densite_castelnau_dans_5_ans = 6,3",
                "q5_synthese": "Constats : peu de médecins.",
            },
            7,
        ),
    },
    "evaluation_01": {
        # Year 2 at the observed rates: variable 29 500×0.6 + 26 250×0.5 + 15 000×0.7
        # + 30 000×0.5 = 17 700 + 13 125 + 10 500 + 15 000 = 56 325; total 148 750 + 56 325
        # = 205 075. Year 3 (planned): 60 000 + 17 500 + 23 600 + 26 250 + 18 375 + 15 000
        # + 12 000 + 30 000 + 15 000 = 217 725. Civil 2026: 205 075 × 3/12 + 217 725 × 9/12
        # = 51 268.75 + 163 293.75 = 214 562.50.
        # Hire: 15 600 × 0.42 (2025 rate before reductions) = 6 552;
        # FIR 8 000 + 15 600 + 6 552 = 30 152.
        # The year-2 variable part (56 325) leaves 2026 when paid on 01/01/2027;
        # facility: (18 000 + 24 000 + 12 000) × 0.07 / 12 = 315.
        # Mid-year: the FIR cut by 15 % (8 000 × 0.15 = 1 200) absorbed by 625 (4 800, 2 700
        # spent) − 600 and 6185 (1 500, 900 spent) − 600: 600 + 600 = 1 200.
        "alice": (
            {
                "q1_reponse": "part_variable_annee_2 = 56325\nproduit_aci_2026 = 214562.5",
                "q2_reponse": "charges_patronales_chargee = 6552\nfir_2025 = 30152",
                "q3_reponse": "baisse_tresorerie_fin_2026 = 56325\ncout_facilite = 315",
                "q4_reponse": "reduction_communication = 0\nreduction_deplacements = 600\n"
                "reduction_logiciels = 0\nreduction_telephone = 0\n"
                "reduction_formation = 600",
                "q4_justification": "Déplacements peu consommés au 30 juin.",
                "q5_note": "Les indemnités financent les missions.",
            },
            10,
        ),
        "bruno": (
            {
                "q1_reponse": "part_variable_annee_2 = 66350\nproduit_aci_2026 = 217068.75",
                "q2_reponse": "charges_patronales_chargee = 15600\nfir_2025 = 23600",
                "q3_reponse": "baisse_tresorerie_fin_2026 = 66350\ncout_facilite = 3780",
                "q4_reponse": "reduction_communication = 1000\nreduction_deplacements = 1000\n"
                "reduction_logiciels = 1000\nreduction_telephone = 1000\n"
                "reduction_formation = 1000",
                "q4_justification": "RAS.",
                "q5_note": "RAS.",
            },
            0,
        ),
        "denis": (
            {
                "q1_reponse": "part_variable_annee_2 = 56 325 €\nproduit_aci_2026 = 214 562,50 €",
                "q2_reponse": "charges_patronales_chargee = 6 552\nfir_2025 = 30 152 €",
                "q3_reponse": "baisse_tresorerie_fin_2026 = 56 325 €\ncout_facilite = 315 €",
                "q4_reponse": "reduction_communication = 0 €\nreduction_deplacements = 600 €\n"
                "reduction_logiciels = 0\nreduction_telephone = 0\n"
                "reduction_formation = 600,00 €",
                "q4_justification": "La formation est reportée.",
                "q5_note": "Les indemnités sont en retrait.",
            },
            10,
        ),
    },
    "evaluation_03": {
        # CPTS des Coteaux 2025: résultat 159 000 − 162 300 = −3 300; CAF = −3 300 + 2 800
        # + 3 000 − 1 500 + 800 − 300 − 1 000 = 500; FRNG = 20 000 + 8 000 − 3 300 + 6 000
        # − 2 000 + 3 000 + 12 000 + 4 500 + 1 000 − 13 000 = 36 200; BFR = 25 000 + 600
        # − 2 500 − 4 200 − 18 000 = 900; trésorerie 36 200 − 900 = 35 300 (= 38 300 − 3 000).
        # SSIAD: groupe I 31 500 − 28 000 = 3 500; CAF ERRD = −16 000 + 16 000 − 2 000
        # = −2 000. Post: 0,6 × 36 000 × 1,42 × 1,02² = 31 911,15.
        "alice": (
            {
                "q1_reponse": "caf_coteaux = 500\nfrng_coteaux = 36200\nbfr_coteaux = 900\n"
                "tresorerie_coteaux = 35300",
                "q1_diagnostic": "Déficit de 3 300 € mais CAF positive.",
                "q2_reponse": "ecart_groupe_i = 3500\ncaf_errd = -2000",
                "q2_texte": "L'intérim explique l'écart.",
                "q3_reponse": "cout_poste_2028 = 0.6 * 36000 * 1.42 * 1.02**2",
                "q3_texte": "La part variable est versée l'année suivante.",
                "q4_tableau_de_bord": "Trésorerie en jours, cible 60 jours, mensuelle.",
                "q5_rapport": "Le déficit est imputé sur le report à nouveau.",
            },
            8,
        ),
        # Bruno makes the usual mistakes: the résultat for the CAF, the stable resources
        # without deducting the fixed assets, the BFR's sign, the bank alone for the
        # trésorerie, planned − actual, the ERRD's résultat, the gross salary alone.
        "bruno": (
            {
                "q1_reponse": "caf_coteaux = -3300\nfrng_coteaux = 49200\nbfr_coteaux = -900\n"
                "tresorerie_coteaux = 38300",
                "q1_diagnostic": "RAS.",
                "q2_reponse": "ecart_groupe_i = -3500\ncaf_errd = -16000",
                "q2_texte": "RAS.",
                "q3_reponse": "cout_poste_2028 = 0.6 * 36000",
                "q3_texte": "RAS.",
                "q4_tableau_de_bord": "RAS.",
                "q5_rapport": "RAS.",
            },
            0,
        ),
        "denis": (
            {
                "q1_reponse": "caf_coteaux = -3 300 + 2 800 + 3 000 - 1 500 + 800 - 300 - 1 000\n"
                "frng_coteaux = 36 200 €\nbfr_coteaux = 900 €\n"
                "tresorerie_coteaux = 36 200 - 900",
                "q1_diagnostic": "La CAF reste positive.",
                "q2_reponse": "ecart_groupe_i = 3 500 €\ncaf_errd = -2 000 €",
                "q2_texte": "Postes vacants remplacés par de l'intérim.",
                "q3_reponse": "cout_poste_2028 = 31 911,15 €",
                "q3_texte": "Affecter les excédents aux missions.",
                "q4_tableau_de_bord": "Résultat cumulé, trimestriel.",
                "q5_rapport": "Rapport financier 2025.",
            },
            8,
        ),
    },
}


def answered(released: Path, answers: dict[str, str], destination: Path) -> Path:
    """The released notebook with the given answers typed in, as a trainee would."""
    notebook = nbformat.read(released, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(notebook, destination)
    return destination


def run_validate(notebook: Path, *flags: str) -> str:
    """What ``nbgrader validate [--invert] NOTEBOOK`` prints, run in this process with
    nbgrader's own validator (no second Python to start)."""
    from nbgrader.validator import Validator

    validator = Validator(invert="--invert" in flags)
    validator.stream = io.StringIO()  # nbgrader writes its verdict there (sys.stdout)
    validator.validate_and_print(str(notebook))
    return validator.stream.getvalue()


GRADED_HERE = {name: copies for name, copies in SUBMISSIONS.items() if name != "evaluation_01"}
"""The assessments graded in this module; evaluation_01 is graded, with the same answers,
in the session's cohort (``tests/test_cohort.py``), not twice."""


@pytest.fixture(scope="module")
def graded_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("roundtrip")
    workspace = init_workspace(tmp / "espace")
    for assessment, trainees in GRADED_HERE.items():
        release_dir = release(workspace, assessment)
        released = release_dir / f"{assessment}.ipynb"
        for student, (answers, _) in trainees.items():
            copy = answered(released, answers, tmp / f"{assessment}-{student}.ipynb")
            submit(workspace, assessment, student, copy)
        autograde(workspace, assessment)
        feedback(workspace, assessment)
    return workspace


def test_every_assessment_has_simulated_submissions(assessment_sources: list[Path]) -> None:
    assert {p.parent.name for p in assessment_sources} == set(SUBMISSIONS)


@pytest.mark.parametrize("assessment", sorted(GRADED_HERE))
def test_autograded_points_match_the_hand_computed_answers(
    graded_workspace: Path, assessment: str
) -> None:
    table = scores(graded_workspace, assessment)
    auto = table[table["type"] == "automatique"]
    for student, (_, expected_points) in SUBMISSIONS[assessment].items():
        mine = auto[auto["stagiaire"] == student]
        assert mine["points"].sum() == expected_points, (student, mine)
    best = max(points for _, points in SUBMISSIONS[assessment].values())
    assert best == auto.groupby("stagiaire")["points_max"].sum().max()


@pytest.mark.parametrize("assessment", sorted(SUBMISSIONS))
def test_source_passes_all_its_tests_and_release_passes_none(
    released_workspace: Path, assessment: str
) -> None:
    source = released_workspace / "source" / assessment / f"{assessment}.ipynb"
    released = released_workspace / "release" / assessment / f"{assessment}.ipynb"
    assert "Success! Your notebook passes all the tests." in run_validate(source)
    assert "Success! The notebook does not pass any tests." in run_validate(released, "--invert")


def test_written_answer_waits_for_manual_grading(graded_workspace: Path) -> None:
    table = scores(graded_workspace, "evaluation_00")
    manual = table[table["type"] == "manuelle"]
    assert set(manual["stagiaire"]) == set(SUBMISSIONS["evaluation_00"])
    assert manual["a_corriger"].all()
    assert (manual["points_max"] == 3).all()
    assert manual["points"].sum() == 0


@pytest.mark.parametrize("assessment", sorted(GRADED_HERE))
def test_feedback_is_html_without_hidden_tests_or_tracebacks(
    graded_workspace: Path, assessment: str
) -> None:
    hidden = secret_lines(graded_workspace / "source" / assessment / f"{assessment}.ipynb")
    assert hidden["hidden"]
    for student in SUBMISSIONS[assessment]:
        page = graded_workspace / "feedback" / student / assessment / f"{assessment}.html"
        raw = page.read_text(encoding="utf-8")
        assert raw.lstrip().lower().startswith("<!doctype html")
        text = visible_text(raw)
        assert "Vérifications complémentaires du formateur" in text
        assert [line for line in hidden["hidden"] if line in text] == []
        assert "Traceback (most recent call last)" not in text


def test_the_leak_detector_finds_hidden_tests_in_unsanitised_html(
    graded_workspace: Path,
) -> None:
    # The autograded notebook holds the hidden tests: exported to HTML without the
    # feedback's sanitising step, the same check must find them.
    from nbconvert import HTMLExporter

    notebook = graded_workspace / "autograded" / "bruno" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    page, _ = HTMLExporter().from_filename(str(notebook))
    hidden = secret_lines(graded_workspace / "source" / ASSESSMENT / f"{ASSESSMENT}.ipynb")
    assert [line for line in hidden["hidden"] if line in visible_text(page)] == hidden["hidden"]


def test_bruno_feedback_explains_the_failed_checks_in_french(graded_workspace: Path) -> None:
    page = graded_workspace / "feedback" / "bruno" / ASSESSMENT / f"{ASSESSMENT}.html"
    text = visible_text(page.read_text(encoding="utf-8"))
    assert "La population totale n'est pas la bonne." in text
    assert "Ce n'est pas la bonne taille ACI." in text


def test_feedback_shows_a_manual_grade_entered_after_the_first_run(
    graded_workspace: Path,
) -> None:
    set_manual_grade(graded_workspace, ASSESSMENT, "alice", "q3_presentation", 2)
    feedback(graded_workspace, ASSESSMENT)
    page = graded_workspace / "feedback" / "alice" / ASSESSMENT / f"{ASSESSMENT}.html"
    text = visible_text(page.read_text(encoding="utf-8"))
    # 3 autograded points + 2 manual points out of 6.
    assert f"Retour de correction — {ASSESSMENT}" in text
    assert "Note obtenue : 5 / 6 points" in text
    assert "Réponse rédigée : 2 / 3 points" in text
    assert "en attente de correction" not in text


def test_export_writes_a_french_spreadsheet_with_a_status_per_copy(
    graded_workspace: Path, tmp_path: Path
) -> None:
    # Chloé hands in evaluation 00 but it is not corrected yet, and never hands in 02.
    released = graded_workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    copy = answered(released, SUBMISSIONS[ASSESSMENT]["alice"][0], tmp_path / "chloe.ipynb")
    submit(graded_workspace, ASSESSMENT, "chloe", copy)

    destination = export(graded_workspace, tmp_path / "notes.csv")
    raw = destination.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 announced to the spreadsheet
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header == (
        "stagiaire;evaluation;statut;points;points_max;reponses_a_corriger;deposee_le;"
        "date_limite;en_retard;retard;penalite_retard;cellules_modifiees;signalements"
    )
    rows = {
        (r["evaluation"], r["stagiaire"]): r
        for r in csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";")
    }
    assert set(rows) == {(a, s) for a in GRADED_HERE for s in ("alice", "bruno", "chloe", "denis")}
    # Alice, evaluation 00: 3 autograded points + 2 given by hand earlier in this module
    # (as formgrader saves a grade): 5 / 6, graded, as her feedback page says.
    alice = rows[(ASSESSMENT, "alice")]
    assert (alice["statut"], alice["points"], alice["points_max"]) == ("corrigée", "5,0", "6,0")
    assert alice["reponses_a_corriger"] == "0"
    # Bruno's written answer still waits: his 0 automatic points, 1 answer to grade.
    bruno = rows[(ASSESSMENT, "bruno")]
    assert (bruno["statut"], bruno["points"], bruno["reponses_a_corriger"]) == (
        "en attente de correction",
        "0,0",
        "1",
    )
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", alice["deposee_le"])
    # Evaluation 02: autograded points only (7 automatic + 4 for the written synthesis, not
    # graded yet, in the maximum).
    assert rows[("evaluation_02", "alice")]["points"] == "7,0"
    assert rows[("evaluation_02", "bruno")]["points"] == "0,0"
    assert rows[("evaluation_02", "bruno")]["points_max"] == "11,0"
    # Not corrected is not zero, and not handed in is not zero either.
    chloe_00, chloe_02 = rows[(ASSESSMENT, "chloe")], rows[("evaluation_02", "chloe")]
    assert (chloe_00["statut"], chloe_00["points"]) == ("déposée, non corrigée", "")
    assert (chloe_02["statut"], chloe_02["points"], chloe_02["deposee_le"]) == (
        "non rendue",
        "",
        "",
    )
    with pytest.raises(CPTSError, match="existe déjà"):
        export(graded_workspace, destination)
    assert export(graded_workspace, destination, replace=True) == destination


def test_feedback_warns_of_copies_without_feedback_and_answers_to_grade(
    graded_workspace: Path,
) -> None:
    # After the export test: Chloé's copy is deposited but not corrected; Bruno's written
    # answer still waits for the trainer (Alice's was graded earlier in this module).
    from cpts_training.trainer.pipeline import feedback_warnings

    not_graded, waiting = feedback_warnings(graded_workspace, ASSESSMENT)
    assert "pas encore corrigées, donc sans retour : chloe" in not_graded
    assert "pas encore notées pour : bruno, denis." in waiting


def test_feedback_before_any_correction_says_what_to_run(released_workspace: Path) -> None:
    with pytest.raises(CPTSError, match="lancez d'abord « cpts-training assessment autograde"):
        feedback(released_workspace, "evaluation_01")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("notes.ipynb", "doit avoir l'extension .csv"),
        ("absent/notes.csv", "n'existe pas"),
        (".", "est un dossier"),
    ],
)
def test_export_refuses_a_bad_destination(graded_workspace: Path, tmp_path, name, message) -> None:
    with pytest.raises(CPTSError, match=message):
        export(graded_workspace, tmp_path / name)


def test_a_submission_is_never_overwritten_silently(graded_workspace: Path, tmp_path: Path) -> None:
    released = graded_workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    again = answered(released, SUBMISSIONS[ASSESSMENT]["bruno"][0], tmp_path / "again.ipynb")
    submitted = graded_workspace / "submitted" / "alice" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    before = submitted.read_bytes()
    with pytest.raises(CPTSError, match="existe déjà"):
        submit(graded_workspace, ASSESSMENT, "alice", again)
    assert submitted.read_bytes() == before
    submit(graded_workspace, ASSESSMENT, "alice", again, replace=True)
    summary = grade_summary(graded_workspace).set_index(["evaluation", "stagiaire"])
    assert summary.loc[(ASSESSMENT, "alice"), "statut"] == "déposée, non corrigée"
    archived = list((graded_workspace / "archives" / "alice").glob(f"{ASSESSMENT}-*/*.ipynb"))
    assert len(archived) == 1 and archived[0].read_bytes() == before
    # The new copy (all answers wrong) is graded again; the old one stays archived.
    autograde(graded_workspace, ASSESSMENT)
    table = scores(graded_workspace, ASSESSMENT)
    alice = table[(table["stagiaire"] == "alice") & (table["type"] == "automatique")]
    assert alice["points"].sum() == 0


@pytest.mark.parametrize("assessment", sorted(SUBMISSIONS))
def test_graded_cells_keep_their_competencies_in_the_release(
    released_workspace: Path, assessment: str
) -> None:
    released = released_workspace / "release" / assessment / f"{assessment}.ipynb"
    source = released_workspace / "source" / assessment / f"{assessment}.ipynb"
    assert graded_cells(released) == graded_cells(source)
    assert all(cell["competencies"] for cell in graded_cells(released))


def test_workspace_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(CPTSError, match="n'est pas vide"):
        init_workspace(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "à garder"


def test_workspace_refuses_the_repository(tmp_path: Path) -> None:
    from cpts_training.paths import repository_root

    with pytest.raises(CPTSError, match="hors du dépôt"):
        init_workspace(repository_root() / "espace-formateur")


def test_submit_refuses_an_unreleased_assessment_and_a_bad_id(tmp_path: Path) -> None:
    workspace = init_workspace(tmp_path / "espace")
    notebook = tmp_path / "copie.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with pytest.raises(CPTSError, match="pas encore été publiée"):
        submit(workspace, ASSESSMENT, "alice", notebook)
    with pytest.raises(CPTSError, match="invalide"):
        submit(workspace, ASSESSMENT, "Élodie Martin", notebook)


@pytest.mark.parametrize(
    ("student", "suggestion"),
    [("Élodie Martin", "elodie-martin"), ("Dupont-Marie", "dupont-marie"), (".", "dupont-marie")],
)
def test_trainee_ids_are_lower_case_and_the_error_suggests_one(
    released_workspace: Path, student: str, suggestion: str
) -> None:
    released = released_workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    with pytest.raises(CPTSError, match=f"par exemple « {suggestion} »"):
        submit(released_workspace, ASSESSMENT, student, released)


def test_submit_names_the_assessments_that_exist(released_workspace: Path) -> None:
    released = released_workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    with pytest.raises(CPTSError, match="« evaluation_99 » inconnue.*evaluation_00, evaluation_01"):
        submit(released_workspace, "evaluation_99", "alice", released)


def test_submit_refuses_a_copy_of_another_assessment(released_workspace: Path) -> None:
    other = released_workspace / "release" / "evaluation_01" / "evaluation_01.ipynb"
    with pytest.raises(CPTSError, match="n'est pas une copie de « evaluation_00 »"):
        submit(released_workspace, ASSESSMENT, "alice", other, replace=True)
    assert not (released_workspace / "submitted" / "alice").exists()


def test_submit_refuses_a_copy_whose_answer_cell_was_deleted(
    released_workspace: Path, tmp_path: Path
) -> None:
    released = released_workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    notebook = nbformat.read(released, as_version=4)
    notebook.cells = [
        cell
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade_id") != "q2_reponse"
    ]
    copy = tmp_path / f"{ASSESSMENT}.ipynb"
    nbformat.write(notebook, copy)
    with pytest.raises(CPTSError, match="absentes de la copie : q2_reponse"):
        submit(released_workspace, ASSESSMENT, "alice", copy)


def test_submit_refuses_a_file_that_is_not_a_notebook(
    released_workspace: Path, tmp_path: Path
) -> None:
    copy = tmp_path / f"{ASSESSMENT}.ipynb"
    copy.write_text("[1, 2, 3]", encoding="utf-8")
    with pytest.raises(CPTSError, match="n'est pas un carnet Jupyter lisible") as error:
        submit(released_workspace, ASSESSMENT, "alice", copy)
    assert "pas un carnet Jupyter (il n'a pas de cellules)" in str(error.value)
    assert "attribute" not in str(error.value)


def test_submit_takes_a_copy_saved_in_windows_1252_as_autograde_does(
    released_workspace: Path, tmp_path: Path
) -> None:
    released = released_workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    notebook = nbformat.read(released, as_version=4)
    notebook.cells[-1].source = "Réponse enregistrée par un éditeur Windows"
    # Plain ASCII (JSON escapes) but for this one cell, written in Windows-1252.
    text = json.dumps(notebook, ensure_ascii=True).replace(
        "R\\u00e9ponse enregistr\\u00e9e", "Réponse enregistrée"
    )
    copy = tmp_path / f"{ASSESSMENT}.ipynb"
    copy.write_bytes(text.encode("cp1252"))
    with pytest.raises(UnicodeDecodeError):  # not UTF-8: nbformat alone refuses it
        copy.read_bytes().decode("utf-8")
    deposit = submit(released_workspace, ASSESSMENT, "windows-1252", copy)
    try:
        deposited = released_workspace / "submitted" / "windows-1252" / ASSESSMENT
        # Deposited as handed in: the automatic correction repairs it, keeping the original.
        assert (deposited / f"{ASSESSMENT}.ipynb").read_bytes() == copy.read_bytes()
        assert deposit.warnings == ()
    finally:
        withdraw(released_workspace, ASSESSMENT, "windows-1252")


def test_update_adds_new_assessments_and_never_replaces_one(tmp_path: Path) -> None:
    from cpts_training.paths import assessments_dir

    bank = tmp_path / "banque"
    shutil.copytree(assessments_dir() / ASSESSMENT, bank / ASSESSMENT)
    workspace = init_workspace(tmp_path / "espace", source=bank)
    assert update_workspace(workspace, source=bank) == {
        "ajoutées": [],
        "identiques": [ASSESSMENT],
        "modifiées": [],
        "remplacées": [],
    }
    shutil.copytree(assessments_dir() / "evaluation_01", bank / "evaluation_01")
    notebook = bank / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8") + " ", encoding="utf-8")
    kept = (workspace / "source" / ASSESSMENT / f"{ASSESSMENT}.ipynb").read_bytes()
    outcome = update_workspace(workspace, source=bank)
    assert outcome == {
        "ajoutées": ["evaluation_01"],
        "identiques": [],
        "modifiées": [ASSESSMENT],
        "remplacées": [],
    }
    assert (workspace / "source" / ASSESSMENT / f"{ASSESSMENT}.ipynb").read_bytes() == kept
    assert (workspace / "source" / "evaluation_01" / "evaluation_01.ipynb").is_file()
    # Asked for: the new version replaces the workspace's, which is archived.
    outcome = update_workspace(workspace, source=bank, replace=True)
    assert outcome["remplacées"] == [ASSESSMENT] and outcome["identiques"] == ["evaluation_01"]
    assert (workspace / "source" / ASSESSMENT / f"{ASSESSMENT}.ipynb").read_bytes() == (
        notebook.read_bytes()
    )
    (archived,) = (workspace / "archives" / "sources").glob(f"{ASSESSMENT}-*/{ASSESSMENT}.ipynb")
    assert archived.read_bytes() == kept


def test_competency_report_from_the_graded_workspace(graded_workspace: Path, tmp_path) -> None:
    from cpts_training.trainer.competency_report import write_reports

    outcome = write_reports(graded_workspace, tmp_path / "rapports")
    assert outcome.written[0].name == "competences.csv"
    levels = read_spreadsheet_csv(outcome.written[0]).set_index(["stagiaire", "competence"])
    # B5.C08 is assessed by evaluation_03 only: all right for alice, q1_bfr 1 + q1_caf 2 +
    # q1_frng 1 + q1_tresorerie 1 + q2_caf 1 = 6/6 → 100 %; all wrong for bruno: 0/6.
    assert levels.loc[("alice", "B5.C08"), ["niveau", "taux_pourcent"]].tolist() == [
        "acquise",
        100,
    ]
    assert levels.loc[("bruno", "B5.C08"), ["taux_pourcent", "niveau"]].tolist() == [
        0,
        "à retravailler",
    ]
    # B5.C06 rests on the written q2_texte only, not graded by hand yet: it waits.
    assert levels.loc[("bruno", "B5.C06"), "niveau"] == "en attente de correction"
    page = (tmp_path / "rapports" / "rapport_bruno.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and "B5.C08" in page and "à retravailler" in page
    assert "q1_bfr" in page and "q2_caf" in page  # cells behind B5.C08
    assert outcome.written[1].name == "synthese.html"
    synthesis = outcome.written[1].read_text(encoding="utf-8")
    assert 'href="rapport_alice.html"' in synthesis and 'href="rapport_bruno.html"' in synthesis
    with pytest.raises(CPTSError, match="n'est pas vide"):
        write_reports(graded_workspace, tmp_path / "rapports")


def test_a_moved_workspace_works_in_its_new_place(tmp_path: Path) -> None:
    first = init_workspace(tmp_path / "premier")
    moved = tmp_path / "sauvegarde" / "promo"
    moved.parent.mkdir()
    shutil.move(str(first), str(moved))
    released = release(moved, ASSESSMENT)
    assert released == moved / "release" / ASSESSMENT
    assert (released / f"{ASSESSMENT}.ipynb").is_file()
    assert (moved / "gradebook.db").is_file()
    assert not first.exists()


def test_a_changed_source_is_published_again_but_never_under_deposited_copies(
    tmp_path: Path,
) -> None:
    from cpts_training.trainer.pipeline import PUBLISHED, UNCHANGED, UPDATED, publish

    workspace = init_workspace(tmp_path / "espace")
    source = workspace / "source" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    released = workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    assert publish(workspace, ASSESSMENT)[1] == PUBLISHED
    assert publish(workspace, ASSESSMENT)[1] == UNCHANGED

    def edit_title(text: str) -> None:
        notebook = nbformat.read(source, as_version=4)
        notebook.cells[0].source = f"# {text}\n" + notebook.cells[0].source
        nbformat.write(notebook, source)

    # Changed before any copy was deposited: published again, the former one archived.
    edit_title("Version 2")
    assert publish(workspace, ASSESSMENT)[1] == UPDATED
    assert "Version 2" in released.read_text(encoding="utf-8")
    assert len(list((workspace / "archives" / "publications").iterdir())) == 1

    # Changed after a copy was deposited: refused, the release stays as the trainee saw it.
    submit(workspace, ASSESSMENT, "alice", released)
    edit_title("Version 3")
    with pytest.raises(CPTSError, match=r"1 copie\(s\) ont déjà été déposées \(alice\)"):
        publish(workspace, ASSESSMENT)
    assert "Version 3" not in released.read_text(encoding="utf-8")
    assert publish(workspace, ASSESSMENT, replace=True)[1] == UPDATED
    assert "Version 3" in released.read_text(encoding="utf-8")
    assert len(list((workspace / "archives" / "publications").iterdir())) == 2


def test_released_notebooks_hold_no_solution_and_no_hidden_test(
    assessment_sources: list[Path], released_workspace: Path
) -> None:
    for source in assessment_sources:
        released = released_workspace / "release" / source.parent.name / source.name
        text = released.read_text(encoding="utf-8")
        secrets = secret_lines(source)
        assert leaked_lines(text, secrets["solution"]) == []
        assert leaked_lines(text, secrets["hidden"]) == []
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS"):
            assert marker not in text


def test_grades_for_moodle_match_the_grade_summary(graded_workspace: Path, tmp_path: Path) -> None:
    from cpts_training.trainer import write_moodle_grades_csv

    path = write_moodle_grades_csv(graded_workspace, tmp_path / "moodle.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header[:2] == ["Adresse de courriel", "Numéro d'identification"]
    # One column per assessment with its maximum: evaluation 03 is out of 24 points.
    assert "evaluation_03 (/24)" in header
    summary = grade_summary(graded_workspace).set_index(["stagiaire", "evaluation"])
    assert sorted(r[1] for r in rows) == sorted(summary.index.get_level_values(0).unique())
    for row in rows:
        for column, cell in zip(header[2:], row[2:], strict=True):
            line = summary.loc[(row[1], column.split(" ")[0])]
            # Points only for a corrected copy; empty while a written answer waits.
            expected = f"{float(line['points']):g}" if line["statut"] == "corrigée" else ""
            assert cell == expected, (row[1], column)
    with pytest.raises(CPTSError, match="existe déjà"):
        write_moodle_grades_csv(graded_workspace, path)
