"""The competency model: scale file, history rules, trend, bloc roll-up, overrides, and the
profile of a real nbgrader workspace (evidence, hand-in and grading dates, attempts)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from joserfc import jws
from joserfc.jwk import OKPKey
from nbgrader.api import Gradebook

from cpts_training.cli import app
from cpts_training.errors import CPTSError, DataError
from cpts_training.paths import assessments_dir
from cpts_training.referentiel import load_referentiel
from cpts_training.trainer.badges import write_badges
from cpts_training.trainer.competency_model import (
    ATTEMPT_FILE,
    BLOC_ACQUIRED,
    BLOC_IN_PROGRESS,
    BLOC_NOT_ASSESSED,
    DECLINING,
    PROGRESSING,
    SCALE_FILE,
    STEADY,
    bloc_level,
    bloc_levels,
    build_profile,
    combine_history,
    competency_levels,
    load_scale,
    override_competency,
    read_overrides,
    snapshot_attempt,
    trend,
)
from cpts_training.trainer.competency_profile import (
    AUTOGRADER,
    BLOC_COLUMNS,
    EVIDENCE_COLUMNS,
    FORMGRADER,
    LEVEL_COLUMNS,
    NOT_ASSESSED,
    OVERRIDE_COLUMNS,
    TRAINEE_COLUMNS,
    WAITING,
)
from cpts_training.trainer.grading_state import set_manual_grade
from cpts_training.trainer.journal import GRADING_JOURNAL, OVERRIDE_JOURNAL, append_record
from cpts_training.trainer.nbgrader_runner import run_nbgrader
from cpts_training.trainer.pipeline import release
from cpts_training.trainer.submissions import submit
from cpts_training.trainer.workspace import COURSE_ID, init_workspace
from tests.test_nbgrader_roundtrip import SUBMISSIONS, answered

REFERENTIEL = load_referentiel()
SCALE = load_scale()
ASSESSMENT = "evaluation_01"


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def proof(
    assessment: str,
    cell: str,
    points: float,
    points_max: float,
    handed_in: str,
    graded: str | None = None,
    *,
    student: str = "alice",
    competency: str = "B5.C02",
    pending: bool = False,
    attempt: int = 1,
) -> dict[str, object]:
    """One evidence row, as build_profile writes it."""
    return {
        "stagiaire": student,
        "evaluation": assessment,
        "tentative": attempt,
        "carnet": assessment,
        "cellule": cell,
        "competence": competency,
        "points": 0.0 if pending else points,
        "points_max": points_max,
        "en_attente": pending,
        "rendu_le": utc(handed_in),
        "date_limite": pd.NaT,
        "retard_secondes": 0.0,
        "corrige_le": pd.NaT if pending or graded is None else utc(graded),
        "corrige_par": "" if pending else AUTOGRADER,
        "commentaire": "",
    }


def evidence(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=EVIDENCE_COLUMNS)


def row(levels: pd.DataFrame, competency: str, student: str = "alice") -> pd.Series:
    mine = levels[(levels["stagiaire"] == student) & (levels["competence"] == competency)]
    assert len(mine) == 1
    return mine.iloc[0]


# B5.C02 evidenced by q1 (2/2) and q5 (1/4) in evaluation_01, handed in on 2 March but
# graded on 20 April, and by q3 (3/4) in evaluation_03, handed in on 10 April, graded on
# 11 April. Rates per assessment: evaluation_01 (2 + 1) / (2 + 4) = 3/6 = 0.5;
# evaluation_03 3/4 = 0.75. In hand-in order: [0.5, 0.75] (by grading date it would be
# [0.75, 0.5]).
HISTORY = evidence(
    proof("evaluation_01", "q1", 2, 2, "2026-03-02 09:00", "2026-04-20 10:00"),
    proof("evaluation_01", "q5", 1, 4, "2026-03-02 09:00", "2026-04-20 10:00"),
    proof("evaluation_03", "q3", 3, 4, "2026-04-10 09:00", "2026-04-11 10:00"),
)


@pytest.mark.parametrize(
    ("rule", "rate", "level"),
    [
        ("derniere", 0.75, "acquise"),  # the latest by hand-in: evaluation_03, 0.75 ≥ 0.75
        ("meilleure", 0.75, "acquise"),  # max(0.5, 0.75)
        ("moyenne", 0.625, "partiellement acquise"),  # (0.5 + 0.75) / 2 = 0.625
        # 0.65 × 0.75 + 0.35 × 0.5 = 0.4875 + 0.175 = 0.6625
        ("moyenne_ponderee", 0.6625, "partiellement acquise"),
    ],
)
def test_history_rules_combine_the_rates_in_hand_in_order(
    rule: str, rate: float, level: str
) -> None:
    scale = replace(SCALE, history_rule=rule)
    levels = competency_levels(HISTORY, ["alice"], REFERENTIEL, scale)
    mine = row(levels, "B5.C02")
    assert mine["taux"] == pytest.approx(rate)
    assert mine["niveau_calcule"] == mine["niveau"] == level
    assert bool(mine["acquise"]) is (level == "acquise")
    # 0.75 − 0.5 = +0.25 ≥ 0.10
    assert mine["tendance"] == PROGRESSING
    assert mine["taux_par_evaluation"] == "evaluation_01 : 50\u00a0% ; evaluation_03 : 75\u00a0%"
    assert mine["preuves"] == 3
    assert mine["en_attente"] == 0


def test_weighted_mean_of_three_results_weighs_the_mean_of_the_earlier_ones() -> None:
    # 0.65 × 0.2 + 0.35 × (0.9 + 0.5) / 2 = 0.13 + 0.35 × 0.7 = 0.13 + 0.245 = 0.375
    assert combine_history([0.9, 0.5, 0.2], SCALE) == pytest.approx(0.375)
    # One result: itself, whatever the rule.
    assert combine_history([0.4], SCALE) == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("rates", "expected"),
    [
        ([0.5, 0.6], PROGRESSING),  # +0.10: the threshold itself counts
        ([0.5, 0.59], STEADY),  # +0.09
        ([0.8, 0.6, 0.55], DECLINING),  # 0.55 − (0.8 + 0.6) / 2 = 0.55 − 0.7 = −0.15
        ([0.7], ""),  # one result: no trend
    ],
)
def test_trend_compares_the_latest_result_with_the_mean_of_the_earlier_ones(
    rates: list[float], expected: str
) -> None:
    assert trend(rates, SCALE) == expected


def test_missing_evidence_is_not_assessed_and_pending_alone_is_waiting() -> None:
    proofs = evidence(
        # B5.C01: q1 2/2 graded, q5 pending → rate 2/2 = 1 (the pending 4 points are not
        # counted as zero), one answer to grade.
        proof("evaluation_01", "q1", 2, 2, "2026-03-02", "2026-03-02", competency="B5.C01"),
        proof("evaluation_01", "q5", 0, 4, "2026-03-02", competency="B5.C01", pending=True),
        # B5.C03: only a pending answer.
        proof("evaluation_01", "q5", 0, 4, "2026-03-02", competency="B5.C03", pending=True),
        # B5.C04: graded, zero points: assessed, « à retravailler ».
        proof("evaluation_01", "q4", 0, 2, "2026-03-02", "2026-03-02", competency="B5.C04"),
    )
    levels = competency_levels(proofs, ["alice"], REFERENTIEL, SCALE)
    assert len(levels) == len(list(REFERENTIEL.competencies()))
    assert list(levels.columns) == LEVEL_COLUMNS
    assert row(levels, "B5.C01")["taux"] == pytest.approx(1.0)
    assert row(levels, "B5.C01")["en_attente"] == 1
    assert row(levels, "B5.C03")["niveau"] == WAITING
    assert pd.isna(row(levels, "B5.C03")["taux"])
    assert row(levels, "B5.C04")["niveau"] == "à retravailler"
    assert row(levels, "B5.C04")["taux"] == 0
    untouched = row(levels, "B1.C01")
    assert untouched["niveau"] == NOT_ASSESSED
    assert pd.isna(untouched["taux"])
    assert untouched["preuves"] == 0
    assert untouched["tendance"] == "" and untouched["taux_par_evaluation"] == ""


def test_a_replaced_copy_stays_evidence_as_an_earlier_attempt() -> None:
    proofs = evidence(
        # Attempt 1 (3 March): 1/4, its written answer never graded; attempt 2 (5 March): 4/4.
        proof("evaluation_01", "q1", 1, 4, "2026-03-03", "2026-03-03", attempt=1),
        proof("evaluation_01", "q5", 0, 4, "2026-03-03", pending=True, attempt=1),
        proof("evaluation_01", "q1", 4, 4, "2026-03-05", "2026-03-05", attempt=2),
    )
    levels = competency_levels(proofs, ["alice"], REFERENTIEL, SCALE)
    mine = row(levels, "B5.C02")
    # 0.65 × 1 + 0.35 × 0.25 = 0.65 + 0.0875 = 0.7375 < 0.75
    assert mine["taux"] == pytest.approx(0.7375)
    assert mine["niveau"] == "partiellement acquise"
    assert mine["tendance"] == PROGRESSING
    assert mine["taux_par_evaluation"] == (
        "evaluation_01 : 25\u00a0% ; evaluation_01 (tentative 2) : 100\u00a0%"
    )
    # The pending answer of the replaced copy will never be graded: not « à corriger ».
    assert mine["en_attente"] == 0


def test_bloc_rules() -> None:
    acquired, partial, low = "acquise", "partiellement acquise", "à retravailler"
    toutes = replace(SCALE, bloc_rule="toutes")
    assert bloc_level([acquired, acquired], toutes) == BLOC_ACQUIRED
    assert bloc_level([acquired, NOT_ASSESSED], toutes) == BLOC_IN_PROGRESS
    assert bloc_level([NOT_ASSESSED, WAITING], toutes) == BLOC_NOT_ASSESSED
    # proportion 0.75: 3 of 4 acquired (3 ≥ 0.75 × 4 = 3), the 4th partial → acquis
    assert bloc_level([acquired, acquired, acquired, partial], SCALE) == BLOC_ACQUIRED
    # 3 of 4 acquired but the 4th « à retravailler » → not acquis
    assert bloc_level([acquired, acquired, acquired, low], SCALE) == BLOC_IN_PROGRESS
    # 2 of 3 acquired: 2 < 0.75 × 3 = 2.25
    assert bloc_level([acquired, acquired, NOT_ASSESSED], SCALE) == BLOC_IN_PROGRESS


def test_bloc_scope_is_the_competencies_the_assessments_assess() -> None:
    # evaluation_01 assesses B5.C01 and B5.C02 only (in this test); both acquired.
    proofs = evidence(
        proof("evaluation_01", "q1", 2, 2, "2026-03-02", "2026-03-02", competency="B5.C01"),
        proof("evaluation_01", "q2", 3, 4, "2026-03-02", "2026-03-02", competency="B5.C02"),
    )
    assessed = {"B5.C01", "B5.C02"}
    levels = competency_levels(proofs, ["alice"], REFERENTIEL, SCALE)
    blocs = bloc_levels(levels, REFERENTIEL, SCALE, assessed)
    assert list(blocs.columns) == BLOC_COLUMNS
    b5 = blocs[blocs["bloc"] == "B5"].iloc[0]
    # 2 of the 2 assessed competencies acquired (2 ≥ 0.75 × 2 = 1.5); 18 in the référentiel
    assert (b5["competences"], b5["perimetre"], b5["evaluees"], b5["acquises"]) == (18, 2, 2, 2)
    assert b5["niveau"] == BLOC_ACQUIRED
    assert blocs[blocs["bloc"] == "B1"].iloc[0]["niveau"] == BLOC_NOT_ASSESSED
    # Over the whole référentiel, 2 of 18 is far from 75 %.
    whole = bloc_levels(levels, REFERENTIEL, replace(SCALE, bloc_scope="referentiel"), assessed)
    assert whole[whole["bloc"] == "B5"].iloc[0]["niveau"] == BLOC_IN_PROGRESS


def test_default_scale_is_stated_in_french() -> None:
    assert [(lv.name, lv.from_rate, lv.proficient) for lv in SCALE.levels] == [
        ("à retravailler", 0.0, False),
        ("partiellement acquise", 0.5, False),
        ("acquise", 0.75, True),
    ]
    text = " ".join(SCALE.statement)
    assert "« acquise » à partir de 75\u00a0%" in text
    assert "moyenne pondérée" in text and "65\u00a0%" in text
    assert "au moins 75\u00a0% des compétences du bloc évaluées" in text
    assert "non évaluée" in text


# --------------------------------------------------------------------------------------
# The scale file of a workspace
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "niveaux:\n  - nom: bas\n    a_partir_de: 0\n  - nom: haut\n    a_partir_de: 1.5\n"
            "    acquise: true\n",
            ["niveau n°2", "a_partir_de", "1.5"],
        ),
        (
            "niveaux:\n  - nom: bas\n    a_partir_de: 0\n  - nom: haut\n    a_partir_de: 0.6\n",
            ["acquise: true"],
        ),
        (
            "niveaux:\n  - nom: bas\n    a_partir_de: 0\n  - nom: moyen\n    a_partir_de: 0.7\n"
            "  - nom: haut\n    a_partir_de: 0.6\n    acquise: true\n",
            ["croître strictement"],
        ),
        ("historique:\n  regle: dernière\n", ["regle", "derniere", "Correction"]),
        ("blocs:\n  regle: toutes\n  proportio: 0.5\n", ["proportio", "proportion"]),
    ],
)
def test_a_bad_scale_file_is_refused_in_french(
    tmp_path: Path, content: str, expected: list[str]
) -> None:
    (tmp_path / SCALE_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_scale(tmp_path)
    message = str(error.value)
    assert SCALE_FILE in message
    for word in expected:
        assert word in message, message


def test_a_workspace_scale_overrides_the_default_section_by_section(tmp_path: Path) -> None:
    (tmp_path / SCALE_FILE).write_text(
        "historique:\n  regle: derniere\nblocs:\n  regle: toutes\n", encoding="utf-8"
    )
    scale = load_scale(tmp_path)
    assert scale.levels == SCALE.levels  # not given: the default levels
    assert (scale.history_rule, scale.bloc_rule) == ("derniere", "toutes")
    assert "le résultat le plus récent" in scale.statement[1]
    assert "la totalité des compétences du bloc évaluées" in scale.statement[2]


# --------------------------------------------------------------------------------------
# A real nbgrader workspace: evaluation_01, two copies
# --------------------------------------------------------------------------------------

ALICE_HANDED_IN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
BRUNO_HANDED_IN = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 3, 12, 0)  # naive UTC, as nbgrader stores it


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Alice answers everything right; Bruno answers everything wrong, a day late."""
    tmp = tmp_path_factory.mktemp("modele")
    source = tmp / "evaluations"
    shutil.copytree(assessments_dir() / ASSESSMENT, source / ASSESSMENT)
    workspace = init_workspace(tmp / "espace", source=source)
    released = release(workspace, ASSESSMENT) / f"{ASSESSMENT}.ipynb"
    alice = answered(released, SUBMISSIONS[ASSESSMENT]["alice"][0], tmp / "alice.ipynb")
    submit(workspace, ASSESSMENT, "alice", alice, now=ALICE_HANDED_IN)
    bruno = answered(released, SUBMISSIONS[ASSESSMENT]["bruno"][0], tmp / "bruno.ipynb")
    submit(workspace, ASSESSMENT, "bruno", bruno, now=BRUNO_HANDED_IN)
    # Both copies in one nbgrader run (what the pipeline does copy by copy).
    run_nbgrader(workspace, "autograde", ASSESSMENT)
    with Gradebook(f"sqlite:///{workspace / 'gradebook.db'}", COURSE_ID) as gradebook:
        gradebook.update_or_create_assignment(ASSESSMENT, duedate=DUE)
        comment = gradebook.find_comment("q5_note", ASSESSMENT, ASSESSMENT, "alice")
        comment.manual_comment = "Note claire et chiffrée."
        gradebook.db.commit()
    # q5_note graded with the rubric (recorded in the grading journal), q4_justification
    # in formgrader (no record).
    set_manual_grade(workspace, ASSESSMENT, "alice", "q5_note", 3)
    append_record(
        workspace / GRADING_JOURNAL,
        {
            "date": "2026-03-06T10:00:00+00:00",
            "correcteur": "Claire Martin",
            "evaluation": ASSESSMENT,
            "carnet": f"{ASSESSMENT}.ipynb",
            "stagiaire": "alice",
            "cellule": "q5_note",
            "points": 3,
            "points_max": 4,
            "criteres": [],
            "commentaire": "",
            "empreinte_reponse": "",
            "remplace": None,
        },
    )
    set_manual_grade(workspace, ASSESSMENT, "alice", "q4_justification", 1)
    return workspace


@pytest.fixture
def graded_copy(graded: Path, tmp_path: Path) -> Path:
    """A copy of the graded workspace that a test may change."""
    return Path(shutil.copytree(graded, tmp_path / "espace"))


def cells(profile_evidence: pd.DataFrame, student: str, cell: str) -> pd.DataFrame:
    return profile_evidence[
        (profile_evidence["stagiaire"] == student) & (profile_evidence["cellule"] == cell)
    ]


def test_profile_of_a_graded_workspace(graded: Path) -> None:
    profile = build_profile(graded)
    assert list(profile.trainees.columns) == TRAINEE_COLUMNS
    assert list(profile.trainees["stagiaire"]) == ["alice", "bruno"]
    proofs = profile.evidence
    assert list(proofs.columns) == EVIDENCE_COLUMNS
    # q5_note assesses B5.C03, B5.C11 and B5.C15: one row each.
    q5 = cells(proofs, "alice", "q5_note")
    assert sorted(q5["competence"]) == ["B5.C03", "B5.C11", "B5.C15"]
    first = q5.iloc[0]
    assert (first["points"], first["points_max"], first["en_attente"]) == (3.0, 4.0, False)
    assert first["rendu_le"] == pd.Timestamp(ALICE_HANDED_IN)  # timestamp.txt of submit
    assert first["date_limite"] == utc("2026-03-03 12:00")
    assert first["retard_secondes"] == 0
    assert (first["corrige_par"], first["corrige_le"]) == (
        "Claire Martin",
        utc("2026-03-06 10:00"),
    )
    assert first["commentaire"] == "Note claire et chiffrée."
    assert first["tentative"] == 1 and first["carnet"] == ASSESSMENT
    # Graded in formgrader: no journal record, so neither who nor when is known.
    justification = cells(proofs, "alice", "q4_justification").iloc[0]
    assert (justification["corrige_par"], pd.isna(justification["corrige_le"])) == (
        FORMGRADER,
        True,
    )
    # Autograded: by the autograder, at the time of the autograded copy.
    graded_file = graded / "autograded" / "alice" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    automatic = cells(proofs, "alice", "q1_produit").iloc[0]
    assert automatic["corrige_par"] == AUTOGRADER
    written = pd.Timestamp(graded_file.stat().st_mtime, unit="s", tz="UTC")
    assert abs(automatic["corrige_le"] - written) < pd.Timedelta("1ms")
    # Bruno: handed in on 4 March 18:00, due 3 March 12:00 → 30 h = 108 000 s late; his
    # written answers wait for the trainer.
    bruno_q5 = cells(proofs, "bruno", "q5_note").iloc[0]
    assert bruno_q5["retard_secondes"] == 30 * 3600
    assert (bruno_q5["en_attente"], bruno_q5["corrige_par"]) == (True, "")
    assert pd.isna(bruno_q5["corrige_le"])

    levels = profile.levels
    # Alice B5.C03 = q5_note 3/4 = 0.75 → acquise; B5.C15 = q4_justification 1/1 + q5_note
    # 3/4 = 4/5 = 0.8 → acquise.
    assert row(levels, "B5.C03")["taux"] == pytest.approx(0.75)
    assert row(levels, "B5.C15")["taux"] == pytest.approx(0.8)
    assert row(levels, "B5.C15")["niveau"] == "acquise"
    assert row(levels, "B1.C01")["niveau"] == NOT_ASSESSED
    # Bruno: 0 points on the autograded cells is assessed (« à retravailler »), his only
    # evidence of B5.C03 waits for a manual grade.
    assert row(levels, "B5.C01", "bruno")["niveau"] == "à retravailler"
    assert row(levels, "B5.C03", "bruno")["niveau"] == WAITING
    assert row(levels, "B5.C03", "bruno")["en_attente"] == 1

    blocs = profile.blocs.set_index(["stagiaire", "bloc"])
    # evaluation_01 assesses 8 competencies of B5 (C01 C02 C03 C04 C07 C11 C15 C18):
    # Alice has all 8 → acquis; none of B1 → non évalué.
    assert blocs.loc[("alice", "B5"), "perimetre"] == 8
    assert blocs.loc[("alice", "B5"), "acquises"] == 8
    assert blocs.loc[("alice", "B5"), "niveau"] == BLOC_ACQUIRED
    assert blocs.loc[("bruno", "B5"), "niveau"] == BLOC_IN_PROGRESS
    assert blocs.loc[("alice", "B1"), "niveau"] == BLOC_NOT_ASSESSED


def test_a_replaced_copy_keeps_its_grades_as_attempt_one(graded_copy: Path) -> None:
    archive = graded_copy / "archives" / "alice" / f"{ASSESSMENT}-20260305T080000"
    saved = snapshot_attempt(graded_copy, ASSESSMENT, "alice", archive)
    assert saved == archive / ATTEMPT_FILE
    assert json.loads(saved.read_text(encoding="utf-8"))["tentative"] == 1
    # Until the new copy (handed in on 5 March 08:00) is autograded, the gradebook holds the
    # replaced copy's grades: they count once, as attempt 1.
    stamp = graded_copy / "submitted" / "alice" / ASSESSMENT / "timestamp.txt"
    stamp.write_text("2026-03-05 08:00:00.000000 UTC", encoding="utf-8")
    waiting = build_profile(graded_copy).evidence
    assert set(waiting[waiting["stagiaire"] == "alice"]["tentative"]) == {1}
    assert row(build_profile(graded_copy).levels, "B5.C03")["taux"] == pytest.approx(0.75)
    # Autograded again (as nbgrader records it), the new copy gets 1/4 on q5_note.
    with Gradebook(f"sqlite:///{graded_copy / 'gradebook.db'}", COURSE_ID) as gradebook:
        gradebook.find_submission(ASSESSMENT, "alice").timestamp = datetime(2026, 3, 5, 8, 0)
        gradebook.db.commit()
    set_manual_grade(graded_copy, ASSESSMENT, "alice", "q5_note", 1)
    profile = build_profile(graded_copy)
    q5 = cells(profile.evidence, "alice", "q5_note")
    q5 = q5[q5["competence"] == "B5.C03"].sort_values("tentative")
    assert list(q5["tentative"]) == [1, 2]
    assert list(q5["points"]) == [3.0, 1.0]
    assert list(q5["corrige_par"]) == ["Claire Martin", FORMGRADER]
    # 5 March 08:00 − 3 March 12:00 = 44 h late
    assert q5.iloc[1]["retard_secondes"] == 44 * 3600
    mine = row(profile.levels, "B5.C03")
    # 0.65 × 1/4 + 0.35 × 3/4 = 0.1625 + 0.2625 = 0.425 → « à retravailler », 0.25 − 0.75 < 0
    assert mine["taux"] == pytest.approx(0.425)
    assert (mine["niveau"], mine["tendance"]) == ("à retravailler", DECLINING)


def test_cli_shows_and_overrides_levels(graded_copy: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["competency", "show", "alice", "-w", str(graded_copy)])
    assert shown.exit_code == 0, shown.output
    assert "B5 — Prendre en charge la gestion financière" in shown.output
    assert ": acquis (8 acquise(s) sur 8" in shown.output
    assert "B5.C03 acquise [evaluation_01 : 75\u00a0%]" in shown.output
    done = runner.invoke(
        app,
        [
            "competency",
            "override",
            "bruno",
            "B5.C01",
            "acquise",
            "--motif",
            "Entretien oral du 12/03",
            "--par",
            "Claire Martin",
            "-w",
            str(graded_copy),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "Dérogation enregistrée" in done.output
    shown = runner.invoke(app, ["competency", "show", "bruno", "-w", str(graded_copy)])
    assert "B5.C01 acquise" in shown.output
    assert "dérogation de Claire Martin (niveau calculé : à retravailler)" in shown.output
    refused = runner.invoke(
        app,
        ["competency", "override", "bruno", "B5.C01", "top", "--motif", "x", "--par", "y"]
        + ["-w", str(graded_copy)],
    )
    assert refused.exit_code == 1
    assert "Niveau « top » inconnu" in refused.output
    assert "Traceback" not in refused.output


def test_an_override_is_recorded_and_never_overwrites(graded_copy: Path) -> None:
    first = override_competency(
        graded_copy, "alice", "B1.C01", "acquise", "Entretien oral du 12/03", "C. Martin"
    )
    assert {k: first[k] for k in ("stagiaire", "competence", "niveau", "motif", "par")} == {
        "stagiaire": "alice",
        "competence": "B1.C01",
        "niveau": "acquise",
        "motif": "Entretien oral du 12/03",
        "par": "C. Martin",
    }
    profile = build_profile(graded_copy)
    mine = row(profile.levels, "B1.C01")
    assert (mine["niveau"], mine["niveau_calcule"]) == ("acquise", NOT_ASSESSED)
    assert bool(mine["acquise"]) and mine["derogation_par"] == "C. Martin"
    assert mine["derogation_le"] == utc(first["date"])
    # The overridden competency enters B1's scope: 1 of 1 acquired → acquis.
    b1 = profile.blocs[(profile.blocs["stagiaire"] == "alice") & (profile.blocs["bloc"] == "B1")]
    assert (b1.iloc[0]["perimetre"], b1.iloc[0]["niveau"]) == (1, BLOC_ACQUIRED)
    # Back to the computed level: allowed, recorded, and the latest one wins.
    override_competency(graded_copy, "alice", "B1.C01", "à retravailler", "Erreur", "C. M.")
    profile = build_profile(graded_copy)
    assert row(profile.levels, "B1.C01")["niveau"] == "à retravailler"
    assert list(profile.overrides.columns) == OVERRIDE_COLUMNS
    assert list(profile.overrides["niveau"]) == ["acquise", "à retravailler"]
    assert len(read_overrides(graded_copy)) == 2


@pytest.mark.parametrize(
    ("student", "competency", "level", "reason", "by", "expected"),
    [
        ("zoe", "B1.C01", "acquise", "motif", "C. M.", "Stagiaire « zoe » inconnu"),
        ("alice", "B9.C01", "acquise", "motif", "C. M.", "Compétence « B9.C01 » inconnue"),
        ("alice", "B1.C01", "excellente", "motif", "C. M.", "Niveau « excellente » inconnu"),
        ("alice", "B1.C01", "acquise", "  ", "C. M.", "Motif manquant"),
        ("alice", "B1.C01", "acquise", "motif", "", "Auteur manquant"),
    ],
)
def test_a_bad_override_is_refused_and_the_journal_unchanged(
    graded_copy: Path,
    student: str,
    competency: str,
    level: str,
    reason: str,
    by: str,
    expected: str,
) -> None:
    override_competency(graded_copy, "bruno", "B1.C02", "acquise", "Jury", "C. M.")
    before = (graded_copy / OVERRIDE_JOURNAL).read_bytes()
    with pytest.raises(CPTSError, match=expected):
        override_competency(graded_copy, student, competency, level, reason, by)
    assert (graded_copy / OVERRIDE_JOURNAL).read_bytes() == before


def test_badges_of_a_graded_workspace(graded_copy: Path, tmp_path: Path) -> None:
    key = OKPKey.generate_key("Ed25519")
    (graded_copy / "cle_badges.pem").write_bytes(key.as_pem(private=True))
    (graded_copy / SCALE_FILE).write_text(
        "organisme:\n  nom: Organisme exemple\n  url: https://formation.example.org\n"
        "  email: contact@formation.example.org\n  cle_privee: cle_badges.pem\n",
        encoding="utf-8",
    )
    assert build_profile(graded_copy).organisation == {
        "nom": "Organisme exemple",
        "url": "https://formation.example.org",
        "email": "contact@formation.example.org",
    }
    badges = tmp_path / "badges"
    runner = CliRunner()
    done = runner.invoke(app, ["competency", "badges", "-o", str(badges), "-w", str(graded_copy)])
    assert done.exit_code == 0, done.output
    # Alice's B5 is acquired (8 of 8); Bruno has no acquired bloc.
    assert sorted(p.name for p in badges.iterdir()) == ["badge_alice_B5.json", "badge_alice_B5.jwt"]
    credential = json.loads((badges / "badge_alice_B5.json").read_text(encoding="utf-8"))
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["name"] == "Organisme exemple"
    token = (badges / "badge_alice_B5.jwt").read_text(encoding="utf-8").strip()
    public = OKPKey.import_key(key.as_pem(private=False))
    verified = jws.deserialize_compact(token, public, algorithms=["Ed25519"])
    assert json.loads(verified.payload) == credential
    before = (badges / "badge_alice_B5.json").read_bytes()
    with pytest.raises(CPTSError, match="--replace"):
        write_badges(graded_copy, badges)
    write_badges(graded_copy, badges, replace=True)
    assert (badges / "badge_alice_B5.json").read_bytes() == before  # same evidence, same badge


def test_a_workspace_without_grades_has_an_empty_profile_and_stays_unchanged(
    tmp_path: Path,
) -> None:
    workspace = init_workspace(tmp_path / "espace")
    before = sorted(p.relative_to(workspace) for p in workspace.rglob("*"))
    profile = build_profile(workspace)
    assert profile.trainees.empty and profile.evidence.empty and profile.levels.empty
    assert list(profile.evidence.columns) == EVIDENCE_COLUMNS
    with pytest.raises(CPTSError, match="Stagiaire « alice » inconnu"):
        override_competency(workspace, "alice", "B1.C01", "acquise", "Jury", "C. M.")
    assert sorted(p.relative_to(workspace) for p in workspace.rglob("*")) == before
