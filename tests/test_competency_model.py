"""The competency model: scale file, history rules, trend, bloc roll-up, overrides, and the
profile of a real nbgrader workspace (evidence, hand-in and grading dates, attempts)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from joserfc import jws
from joserfc.jwk import OKPKey

from cpts_training.cli import app
from cpts_training.errors import CPTSError, DataError
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
from cpts_training.trainer.journal import OVERRIDE_JOURNAL
from cpts_training.trainer.pipeline import autograde
from cpts_training.trainer.rubric_grading import AnswerToGrade, answers_to_grade, grade_answer
from cpts_training.trainer.submissions import submit
from cpts_training.trainer.workspace import init_workspace
from tests.cohort import ALICE, ROSTER, Cohort
from tests.test_nbgrader_roundtrip import answered

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
# A real nbgrader workspace: the session's graded cohort (tests/cohort.py)
# --------------------------------------------------------------------------------------

TRAINER = "Claire Fabre"
NOTE_MET = ("Clarté", "Lien avec le projet de santé", "Risques")  # 3 of q5_note's 4 × 1 pt
NOTE_COMMENT = (
    "Critères atteints : Clarté (1 pt), Lien avec le projet de santé (1 pt), Risques (1 pt) ; "
    "à retravailler : Demande au CA (1 pt).\nNote claire et chiffrée."
)
MARIE_HANDED_IN = "2026-11-14 20:05"  # 21:05 Paris (UTC+1 in November), from Moodle's zip
DUE_UTC = "2026-11-15 17:00"  # 18:00 Paris


def answer_of(workspace: Path, student: str, cell: str) -> AnswerToGrade:
    (answer,) = [a for a in answers_to_grade(workspace, ASSESSMENT, student) if a.grade_id == cell]
    return answer


def grade_marie(workspace: Path) -> str:
    """Marie's written answers: q5_note graded with the rubric (3 criteria of 4 → 3/4, in
    the grading journal), q4_justification in formgrader (1/1, no journal record).
    Returns the journal's date of the rubric grade."""
    record = grade_answer(
        workspace,
        answer_of(workspace, "dupont-marie", "q5_note"),
        NOTE_MET,
        grader=TRAINER,
        comment="Note claire et chiffrée.",
    )
    set_manual_grade(workspace, ASSESSMENT, "dupont-marie", "q4_justification", 1)
    return record.date


def cells(profile_evidence: pd.DataFrame, student: str, cell: str) -> pd.DataFrame:
    return profile_evidence[
        (profile_evidence["stagiaire"] == student) & (profile_evidence["cellule"] == cell)
    ]


def test_profile_of_the_graded_cohort(cohort: Cohort) -> None:
    workspace = cohort.workspace
    graded_on = grade_marie(workspace)
    profile = build_profile(workspace)
    assert list(profile.trainees.columns) == TRAINEE_COLUMNS
    assert sorted(profile.trainees["stagiaire"]) == sorted(
        line.split(";")[0] for line in ROSTER.splitlines()[1:]
    )
    proofs = profile.evidence
    assert list(proofs.columns) == EVIDENCE_COLUMNS
    # q5_note assesses B5.C03, B5.C11 and B5.C15: one row each.
    q5 = cells(proofs, "dupont-marie", "q5_note")
    assert sorted(q5["competence"]) == ["B5.C03", "B5.C11", "B5.C15"]
    first = q5.iloc[0]
    assert (first["points"], first["points_max"], first["en_attente"]) == (3.0, 4.0, False)
    stamp = workspace / "submitted" / "dupont-marie" / ASSESSMENT / "timestamp.txt"
    assert stamp.read_text(encoding="utf-8").startswith(MARIE_HANDED_IN)
    assert first["rendu_le"] == utc(MARIE_HANDED_IN)  # read from timestamp.txt
    assert first["date_limite"] == utc(DUE_UTC)
    assert first["retard_secondes"] == 0
    assert (first["corrige_par"], first["corrige_le"]) == (TRAINER, utc(graded_on))
    assert first["commentaire"] == NOTE_COMMENT
    assert first["tentative"] == 1 and first["carnet"] == ASSESSMENT
    # Graded in formgrader: no journal record, so neither who nor when is known.
    justification = cells(proofs, "dupont-marie", "q4_justification").iloc[0]
    assert (justification["points"], justification["corrige_par"]) == (1.0, FORMGRADER)
    assert pd.isna(justification["corrige_le"])
    # Autograded: by the autograder, at the time of the autograded copy.
    graded_file = workspace / "autograded" / "dupont-marie" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    automatic = cells(proofs, "dupont-marie", "q1_produit").iloc[0]
    assert (automatic["corrige_par"], automatic["points"]) == (AUTOGRADER, 2.0)
    written = pd.Timestamp(graded_file.stat().st_mtime, unit="s", tz="UTC")
    assert abs(automatic["corrige_le"] - written) < pd.Timedelta("1ms")
    # Claire handed in at 20:10 Paris, due 18:00 → 2 h 10 = 7 800 s late; her written
    # answers wait for the trainer.
    claire_q5 = cells(proofs, "moreau-claire", "q5_note").iloc[0]
    assert claire_q5["rendu_le"] == utc("2026-11-15 19:10")
    assert claire_q5["retard_secondes"] == 2 * 3600 + 10 * 60
    assert (claire_q5["en_attente"], claire_q5["corrige_par"]) == (True, "")
    assert pd.isna(claire_q5["corrige_le"])
    # Roux handed nothing in: no evidence at all.
    assert proofs[proofs["stagiaire"] == "roux-julien"].empty

    levels = profile.levels
    # Marie B5.C03 = q5_note 3/4 = 0.75 → acquise; B5.C15 = q4_justification 1/1 + q5_note
    # 3/4 = 4/5 = 0.8 → acquise.
    assert row(levels, "B5.C03", "dupont-marie")["taux"] == pytest.approx(0.75)
    assert row(levels, "B5.C03", "dupont-marie")["niveau"] == "acquise"
    assert row(levels, "B5.C15", "dupont-marie")["taux"] == pytest.approx(0.8)
    assert row(levels, "B5.C15", "dupont-marie")["niveau"] == "acquise"
    assert row(levels, "B1.C01", "dupont-marie")["niveau"] == NOT_ASSESSED
    # Inès (every answer wrong): B5.C01 = q1_variable 0/1 + q1_produit 0/2 = 0/3, assessed
    # (« à retravailler »), never « non évaluée »; her only evidence of B5.C03 (q5_note)
    # waits for a manual grade.
    assert row(levels, "B5.C01", "garcia-ines")["taux"] == 0
    assert row(levels, "B5.C01", "garcia-ines")["niveau"] == "à retravailler"
    assert row(levels, "B5.C03", "garcia-ines")["niveau"] == WAITING
    assert row(levels, "B5.C03", "garcia-ines")["en_attente"] == 1
    # Julien handed nothing in: « non évaluée », not zero.
    julien = row(levels, "B5.C01", "roux-julien")
    assert julien["niveau"] == NOT_ASSESSED and pd.isna(julien["taux"])

    blocs = profile.blocs.set_index(["stagiaire", "bloc"])
    # evaluation_01 assesses 8 competencies of B5 (C01 C02 C03 C04 C07 C11 C15 C18). Marie
    # has all 8: C01 3/3, C02 (q1_produit 2 + q2 3) 5/5, C18 2/2, C07 2/2, C04 (2 + 1) 3/3,
    # C11 (q3_retard 1 + q5_note 3) 4/5 = 0.8, C15 0.8, C03 0.75 → 8 acquises → acquis;
    # none of B1 → non évalué.
    assert blocs.loc[("dupont-marie", "B5"), "perimetre"] == 8
    assert blocs.loc[("dupont-marie", "B5"), "acquises"] == 8
    assert blocs.loc[("dupont-marie", "B5"), "niveau"] == BLOC_ACQUIRED
    assert blocs.loc[("dupont-marie", "B1"), "niveau"] == BLOC_NOT_ASSESSED
    # Inès: 0 acquises of 8 → en cours; Julien: nothing evaluated → non évalué.
    assert blocs.loc[("garcia-ines", "B5"), "acquises"] == 0
    assert blocs.loc[("garcia-ines", "B5"), "niveau"] == BLOC_IN_PROGRESS
    assert blocs.loc[("roux-julien", "B5"), "niveau"] == BLOC_NOT_ASSESSED


def test_a_replaced_copy_keeps_its_grades_as_attempt_one(cohort: Cohort) -> None:
    workspace = cohort.workspace
    grade_marie(workspace)
    released = workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    second = answered(
        released,
        {**ALICE, "q5_note": "Les indemnités financent les missions et le projet de santé."},
        cohort.work / "marie-2.ipynb",
    )
    # Handed in again on 16 November, 10:00 Paris (09:00 UTC).
    deposit = submit(
        workspace,
        ASSESSMENT,
        "dupont-marie",
        second,
        replace=True,
        now=datetime(2026, 11, 16, 9, 30, tzinfo=UTC),
        submitted_at=datetime(2026, 11, 16, 10, 0),
    )
    assert deposit.archive is not None
    saved = deposit.archive / ATTEMPT_FILE
    assert json.loads(saved.read_text(encoding="utf-8"))["tentative"] == 1
    # Until the new copy is autograded, the gradebook holds the replaced copy's grades:
    # they count once, as attempt 1.
    waiting = build_profile(workspace)
    mine = waiting.evidence[waiting.evidence["stagiaire"] == "dupont-marie"]
    assert set(mine["tentative"]) == {1}
    assert row(waiting.levels, "B5.C03", "dupont-marie")["taux"] == pytest.approx(0.75)
    # Autograded (the new q5_note is a new answer: it waits again), then graded 1/4.
    autograde(workspace, ASSESSMENT, student="dupont-marie")
    note = answer_of(workspace, "dupont-marie", "q5_note")
    grade_answer(workspace, note, ("Clarté",), grader="Paul Durand")
    profile = build_profile(workspace)
    q5 = cells(profile.evidence, "dupont-marie", "q5_note")
    q5 = q5[q5["competence"] == "B5.C03"].sort_values("tentative")
    assert list(q5["tentative"]) == [1, 2]
    assert list(q5["points"]) == [3.0, 1.0]
    assert list(q5["corrige_par"]) == [TRAINER, "Paul Durand"]
    # 16 November 10:00 Paris − 15 November 18:00 Paris = 16 h = 57 600 s late; attempt 1
    # (14 November) was on time.
    assert list(q5["retard_secondes"]) == [0, 16 * 3600]
    assert q5.iloc[1]["rendu_le"] == utc("2026-11-16 09:00")
    mine = row(profile.levels, "B5.C03", "dupont-marie")
    # 0.65 × 1/4 + 0.35 × 3/4 = 0.1625 + 0.2625 = 0.425 → « à retravailler », 0.25 − 0.75 < 0
    assert mine["taux"] == pytest.approx(0.425)
    assert (mine["niveau"], mine["tendance"]) == ("à retravailler", DECLINING)


def test_cli_shows_and_overrides_levels(cohort: Cohort) -> None:
    workspace = cohort.workspace
    grade_marie(workspace)
    runner = CliRunner()
    shown = runner.invoke(app, ["competency", "show", "dupont-marie", "-w", str(workspace)])
    assert shown.exit_code == 0, shown.output
    assert "B5 — Prendre en charge la gestion financière" in shown.output
    assert ": acquis (8 acquise(s) sur 8" in shown.output
    assert "B5.C03 acquise [evaluation_01 : 75\u00a0%]" in shown.output
    done = runner.invoke(
        app,
        [
            "competency",
            "override",
            "garcia-ines",
            "B5.C01",
            "acquise",
            "--motif",
            "Entretien oral du 12/03",
            "--par",
            "Claire Martin",
            "-w",
            str(workspace),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "Dérogation enregistrée" in done.output
    shown = runner.invoke(app, ["competency", "show", "garcia-ines", "-w", str(workspace)])
    assert "B5.C01 acquise" in shown.output
    # Computed: q1_variable 0/1 + q1_produit 0/2 = 0/3 → à retravailler.
    assert "dérogation de Claire Martin (niveau calculé : à retravailler)" in shown.output
    refused = runner.invoke(
        app,
        ["competency", "override", "garcia-ines", "B5.C01", "top", "--motif", "x", "--par", "y"]
        + ["-w", str(workspace)],
    )
    assert refused.exit_code == 1
    assert "Niveau « top » inconnu" in refused.output
    assert "Traceback" not in refused.output


def test_an_override_is_recorded_and_never_overwrites(cohort: Cohort) -> None:
    workspace = cohort.workspace
    first = override_competency(
        workspace, "dupont-marie", "B1.C01", "acquise", "Entretien oral du 12/03", "C. Martin"
    )
    assert {k: first[k] for k in ("stagiaire", "competence", "niveau", "motif", "par")} == {
        "stagiaire": "dupont-marie",
        "competence": "B1.C01",
        "niveau": "acquise",
        "motif": "Entretien oral du 12/03",
        "par": "C. Martin",
    }
    journal = (workspace / OVERRIDE_JOURNAL).read_bytes()
    profile = build_profile(workspace)
    mine = row(profile.levels, "B1.C01", "dupont-marie")
    assert (mine["niveau"], mine["niveau_calcule"]) == ("acquise", NOT_ASSESSED)
    assert bool(mine["acquise"]) and mine["derogation_par"] == "C. Martin"
    assert mine["derogation_le"] == utc(first["date"])
    # The overridden competency enters B1's scope: 1 of 1 acquired → acquis.
    blocs = profile.blocs
    b1 = blocs[(blocs["stagiaire"] == "dupont-marie") & (blocs["bloc"] == "B1")]
    assert (b1.iloc[0]["perimetre"], b1.iloc[0]["niveau"]) == (1, BLOC_ACQUIRED)
    # Back to the computed level: allowed, recorded after the first one, the latest wins.
    override_competency(workspace, "dupont-marie", "B1.C01", "à retravailler", "Erreur", "C. M.")
    assert (workspace / OVERRIDE_JOURNAL).read_bytes().startswith(journal)
    profile = build_profile(workspace)
    assert row(profile.levels, "B1.C01", "dupont-marie")["niveau"] == "à retravailler"
    assert list(profile.overrides.columns) == OVERRIDE_COLUMNS
    assert list(profile.overrides["niveau"]) == ["acquise", "à retravailler"]
    assert len(read_overrides(workspace)) == 2


@pytest.mark.parametrize(
    ("student", "competency", "level", "reason", "by", "expected"),
    [
        ("zoe", "B1.C01", "acquise", "motif", "C. M.", "Stagiaire « zoe » inconnu"),
        ("dupont-marie", "B9.C01", "acquise", "motif", "C. M.", "Compétence « B9.C01 » inconnue"),
        (
            "dupont-marie",
            "B1.C01",
            "excellente",
            "motif",
            "C. M.",
            "Niveau « excellente » inconnu",
        ),
        ("dupont-marie", "B1.C01", "acquise", "  ", "C. M.", "Motif manquant"),
        ("dupont-marie", "B1.C01", "acquise", "motif", "", "Auteur manquant"),
    ],
)
def test_a_bad_override_is_refused_and_the_journal_unchanged(
    cohort: Cohort,
    student: str,
    competency: str,
    level: str,
    reason: str,
    by: str,
    expected: str,
) -> None:
    workspace = cohort.workspace
    override_competency(workspace, "garcia-ines", "B1.C02", "acquise", "Jury", "C. M.")
    before = (workspace / OVERRIDE_JOURNAL).read_bytes()
    with pytest.raises(CPTSError, match=expected):
        override_competency(workspace, student, competency, level, reason, by)
    assert (workspace / OVERRIDE_JOURNAL).read_bytes() == before


def test_badges_of_a_graded_workspace(cohort: Cohort, tmp_path: Path) -> None:
    workspace = cohort.workspace
    grade_marie(workspace)
    key = OKPKey.generate_key("Ed25519")
    (workspace / "cle_badges.pem").write_bytes(key.as_pem(private=True))
    (workspace / SCALE_FILE).write_text(
        "organisme:\n  nom: Organisme exemple\n  url: https://formation.example.org\n"
        "  email: contact@formation.example.org\n  cle_privee: cle_badges.pem\n",
        encoding="utf-8",
    )
    assert build_profile(workspace).organisation == {
        "nom": "Organisme exemple",
        "url": "https://formation.example.org",
        "email": "contact@formation.example.org",
    }
    badges = tmp_path / "badges"
    runner = CliRunner()
    done = runner.invoke(app, ["competency", "badges", "-o", str(badges), "-w", str(workspace)])
    assert done.exit_code == 0, done.output
    # B5 acquired (scope 8 competencies, 75 %: at least 0.75 × 8 = 6 acquired, none « à
    # retravailler »): Marie 8 of 8 (graded above). Claire, Paul (martin-paul-1) and Hélène
    # have the 10 automatic points right and their written answers pending: C01 3/3, C02
    # 5/5, C18 2/2, C07 2/2, C11 (q3_retard) 1/1, C04 (q4_equilibre) 2/2 → 6 acquises, C03
    # and C15 « à corriger » → 6 ≥ 6, acquis too, but on provisional levels: no badge until
    # their answers are graded, and the command says so. Luc (C02 à retravailler), Inès and
    # Sarah (every rate 0) have no badge; Julien and Paul (martin-paul-2) handed nothing in.
    assert "pas de badge pour lefevre-helene (B5), martin-paul-1 (B5), moreau-claire (B5)" in (
        done.output
    )
    holders = ["dupont-marie"]
    expected = sorted(f"badge_{who}_B5.{ext}" for who in holders for ext in ("json", "jwt"))
    assert sorted(p.name for p in badges.iterdir()) == expected
    credential = json.loads((badges / "badge_dupont-marie_B5.json").read_text(encoding="utf-8"))
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["name"] == "Organisme exemple"
    token = (badges / "badge_dupont-marie_B5.jwt").read_text(encoding="utf-8").strip()
    public = OKPKey.import_key(key.as_pem(private=False))
    verified = jws.deserialize_compact(token, public, algorithms=["Ed25519"])
    assert json.loads(verified.payload) == credential
    before = (badges / "badge_dupont-marie_B5.json").read_bytes()
    with pytest.raises(CPTSError, match="--replace"):
        write_badges(workspace, badges)
    write_badges(workspace, badges, replace=True)
    # Same evidence, same badge.
    assert (badges / "badge_dupont-marie_B5.json").read_bytes() == before


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
