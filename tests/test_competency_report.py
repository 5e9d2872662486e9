"""Competency reports rendered from a hand-built cohort profile (no nbgrader run).

The cohort (:func:`sample_profile`), evaluation_00 and evaluation_01, deadline of
evaluation_01 the 01/12/2026 at 17:00 UTC (18 h 00 in Paris):

- Alice Martin: everything right, on time; her note to the CA (q4_note) graded 4 / 4
  by Marie Curie with a comment;
- Bruno Lefèvre: everything wrong, evaluation_01 handed in at 19:10 UTC (2 h 10 min
  late), his note still waits for a manual grade; B5.C07 (trésorerie, computed « à
  retravailler ») set to « acquise » by an override of Marie Curie;
- Chloé Dubois: evaluation_01 twice (attempt 1: q1_total 0 / 2; attempt 2: q1_total
  1 / 2, q3_mois 1 / 1, q4_note 1 / 4 graded by Paul Martin with a comment), no
  evaluation_00;
- David Nguyen: no copy at all (every competency « non évaluée »).

Cells and competencies: evaluation_00 q2_statut (1 pt) → B1.C03 (taught by M00);
evaluation_01 q1_total (2 pts) → B5.C01, B5.C02; q3_mois (1 pt) → B5.C07;
q4_note (4 pts, graded by hand) → B5.C03 (all taught by M01).
"""

from __future__ import annotations

import math
import sys
import types
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cpts_training.errors import CPTSError
from cpts_training.referentiel import load_referentiel
from cpts_training.trainer import attestation
from cpts_training.trainer.competency_profile import (
    AUTOGRADER,
    BLOC_COLUMNS,
    EVIDENCE_COLUMNS,
    LEVEL_COLUMNS,
    NOT_ASSESSED,
    OVERRIDE_COLUMNS,
    TRAINEE_COLUMNS,
    WAITING,
    CompetencyProfile,
    ProficiencyScale,
    ScaleLevel,
)
from cpts_training.trainer.competency_report import (
    ReportOutcome,
    format_delay,
    item_analysis,
    late_copies,
    render_cohort_report,
    render_trainee_report,
    write_profile_reports,
)
from cpts_training.trainer.spreadsheet import read_spreadsheet_csv

UTC = "UTC"
DEADLINE = pd.Timestamp("2026-12-01 17:00", tz=UTC)
SCALE = ProficiencyScale(
    levels=(
        ScaleLevel("à retravailler", 0.0, False),
        ScaleLevel("partiellement acquise", 0.5, False),
        ScaleLevel("acquise", 0.75, True),
    ),
    history_rule="derniere",
    history_weight=0.65,
    bloc_rule="toutes",
    bloc_proportion=1.0,
    statement=(
        "Une compétence est « acquise » à partir de 75 % des points des cellules qui "
        "l'évaluent, « partiellement acquise » à partir de 50 %, « à retravailler » en dessous.",
        "Le niveau retenu est celui de la dernière évaluation.",
    ),
)
ORGANISATION = {"nom": "Institut régional de formation des coordinateurs", "lieu": "Toulouse"}
OVERRIDE_REASON = "Plan de trésorerie réalisé en stage et vérifié"
ALICE_COMMENT = "Note claire et chiffrée ; la conclusion pourrait proposer un calendrier."
CHLOE_COMMENT = "Les recettes ACI manquent dans la note & le tableau n'est pas commenté."


def _proof(
    student: str,
    assessment: str,
    cell: str,
    competency: str,
    points: float,
    maximum: float,
    handed_in: str,
    *,
    attempt: int = 1,
    waiting: bool = False,
    grader: str = AUTOGRADER,
    comment: str = "",
) -> dict[str, object]:
    handed = pd.Timestamp(handed_in, tz=UTC)
    deadline = DEADLINE if assessment == "evaluation_01" else pd.NaT
    late = max((handed - DEADLINE).total_seconds(), 0.0) if deadline is DEADLINE else 0.0
    return {
        "stagiaire": student,
        "evaluation": assessment,
        "tentative": attempt,
        "carnet": assessment,
        "cellule": cell,
        "competence": competency,
        "points": 0.0 if waiting else points,
        "points_max": maximum,
        "en_attente": waiting,
        "rendu_le": handed,
        "date_limite": deadline,
        "retard_secondes": late,
        "corrige_le": pd.NaT if waiting else handed + pd.Timedelta(hours=20),
        "corrige_par": "" if waiting else grader,
        "commentaire": comment,
    }


def _evidence() -> pd.DataFrame:
    alice, bruno = "2026-11-30 10:00", "2026-12-01 19:10"  # Bruno: 2 h 10 min after 17:00
    rows = [
        _proof("alice", "evaluation_00", "q2_statut", "B1.C03", 1, 1, "2026-11-20 09:00"),
        _proof("alice", "evaluation_01", "q1_total", "B5.C01", 2, 2, alice),
        _proof("alice", "evaluation_01", "q1_total", "B5.C02", 2, 2, alice),
        _proof("alice", "evaluation_01", "q3_mois", "B5.C07", 1, 1, alice),
        _proof(
            "alice",
            "evaluation_01",
            "q4_note",
            "B5.C03",
            4,
            4,
            alice,
            grader="Marie Curie",
            comment=ALICE_COMMENT,
        ),
        _proof("bruno", "evaluation_00", "q2_statut", "B1.C03", 0, 1, "2026-11-21 09:00"),
        _proof("bruno", "evaluation_01", "q1_total", "B5.C01", 0, 2, bruno),
        _proof("bruno", "evaluation_01", "q1_total", "B5.C02", 0, 2, bruno),
        _proof("bruno", "evaluation_01", "q3_mois", "B5.C07", 0, 1, bruno),
        _proof("bruno", "evaluation_01", "q4_note", "B5.C03", 0, 4, bruno, waiting=True),
        _proof("chloe", "evaluation_01", "q1_total", "B5.C01", 0, 2, "2026-11-25 08:00"),
        _proof("chloe", "evaluation_01", "q1_total", "B5.C02", 0, 2, "2026-11-25 08:00"),
        _proof("chloe", "evaluation_01", "q3_mois", "B5.C07", 0, 1, "2026-11-25 08:00"),
        _proof("chloe", "evaluation_01", "q4_note", "B5.C03", 0, 4, "2026-11-25 08:00"),
    ]
    second = "2026-12-01 08:00"
    rows += [
        _proof("chloe", "evaluation_01", "q1_total", "B5.C01", 1, 2, second, attempt=2),
        _proof("chloe", "evaluation_01", "q1_total", "B5.C02", 1, 2, second, attempt=2),
        _proof("chloe", "evaluation_01", "q3_mois", "B5.C07", 1, 1, second, attempt=2),
        _proof(
            "chloe", "evaluation_01", "q4_note", "B5.C03", 1, 4, second, attempt=2,
            grader="Paul Martin", comment=CHLOE_COMMENT,
        ),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)


def _level(
    rate: float,
    level: str,
    *,
    by_assessment: str = "",
    trend: str = "",
    waiting: int = 0,
    proofs: int = 1,
) -> dict[str, object]:
    return {
        "taux": rate,
        "taux_par_evaluation": by_assessment,
        "tendance": trend,
        "en_attente": waiting,
        "niveau_calcule": level,
        "niveau": level,
        "acquise": level == "acquise",
        "preuves": proofs,
    }


def _levels() -> pd.DataFrame:
    """Every trainee × every competency; the rates follow the evidence (latest attempt)."""
    referentiel = load_referentiel()
    known: dict[tuple[str, str], dict[str, object]] = {
        ("alice", "B1.C03"): _level(1.0, "acquise", by_assessment="evaluation_00 : 100 %"),
        ("alice", "B5.C01"): _level(1.0, "acquise", by_assessment="evaluation_01 : 100 %"),
        ("alice", "B5.C02"): _level(1.0, "acquise", by_assessment="evaluation_01 : 100 %"),
        ("alice", "B5.C03"): _level(1.0, "acquise", by_assessment="evaluation_01 : 100 %"),
        ("alice", "B5.C07"): _level(1.0, "acquise", by_assessment="evaluation_01 : 100 %"),
        ("bruno", "B1.C03"): _level(0.0, "à retravailler", by_assessment="evaluation_00 : 0 %"),
        ("bruno", "B5.C01"): _level(0.0, "à retravailler", by_assessment="evaluation_01 : 0 %"),
        ("bruno", "B5.C02"): _level(0.0, "à retravailler", by_assessment="evaluation_01 : 0 %"),
        ("bruno", "B5.C03"): _level(math.nan, WAITING, waiting=1),
        ("bruno", "B5.C07"): {
            **_level(0.0, "à retravailler", by_assessment="evaluation_01 : 0 %"),
            "niveau": "acquise",
            "acquise": True,
            "derogation_motif": OVERRIDE_REASON,
            "derogation_par": "Marie Curie",
            "derogation_le": pd.Timestamp("2026-12-03 09:00", tz=UTC),
        },
        # Chloé's latest attempt counts; her first one is the history behind the trend.
        ("chloe", "B5.C01"): _level(
            0.5, "partiellement acquise", trend="en progrès", proofs=2,
            by_assessment="evaluation_01 : 0 % ; evaluation_01 : 50 %",
        ),
        ("chloe", "B5.C02"): _level(
            0.5, "partiellement acquise", trend="en progrès", proofs=2,
            by_assessment="evaluation_01 : 0 % ; evaluation_01 : 50 %",
        ),
        ("chloe", "B5.C03"): _level(
            0.25, "à retravailler", trend="en progrès", proofs=2,
            by_assessment="evaluation_01 : 0 % ; evaluation_01 : 25 %",
        ),
        ("chloe", "B5.C07"): _level(
            1.0, "acquise", trend="en progrès", proofs=2,
            by_assessment="evaluation_01 : 0 % ; evaluation_01 : 100 %",
        ),
    }  # fmt: skip
    rows = []
    for student in ("alice", "bruno", "chloe", "david"):
        for competency in referentiel.competencies():
            row = {
                "stagiaire": student,
                "bloc": referentiel.bloc_of(competency.id).id,
                "competence": competency.id,
                "libelle": competency.label,
                **_level(math.nan, NOT_ASSESSED, proofs=0),
                "derogation_motif": "",
                "derogation_par": "",
                "derogation_le": pd.NaT,
            }
            row.update(known.get((student, competency.id), {}))
            rows.append(row)
    return pd.DataFrame(rows, columns=LEVEL_COLUMNS)


def _blocs(levels: pd.DataFrame) -> pd.DataFrame:
    """Per trainee × bloc, rule « toutes »: no bloc has all its competencies acquired."""
    referentiel = load_referentiel()
    rows = []
    for (student, bloc_id), group in levels.groupby(["stagiaire", "bloc"]):
        assessed = int((~group["niveau"].isin([NOT_ASSESSED, WAITING])).sum())
        rows.append(
            {
                "stagiaire": student,
                "bloc": bloc_id,
                "libelle": next(b.label for b in referentiel.blocs if b.id == bloc_id),
                "competences": len(group),
                "evaluees": assessed,
                "acquises": int(group["acquise"].sum()),
                "niveau": "en cours d'acquisition" if assessed else "non évalué",
            }
        )
    return pd.DataFrame(rows, columns=BLOC_COLUMNS)


def sample_profile(organisation: dict[str, str] | None = None) -> CompetencyProfile:
    """The small cohort of this module's docstring, as the competency model shapes it."""
    levels = _levels()
    trainees = pd.DataFrame(
        [
            ("alice", "Martin", "Alice", "alice@example.org"),
            ("bruno", "Lefèvre", "Bruno", "bruno@example.org"),
            ("chloe", "Dubois", "Chloé", "chloe@example.org"),
            ("david", "Nguyen", "David", ""),
        ],
        columns=TRAINEE_COLUMNS,
    )
    overrides = pd.DataFrame(
        [
            (
                pd.Timestamp("2026-12-03 09:00", tz=UTC),
                "bruno",
                "B5.C07",
                "acquise",
                OVERRIDE_REASON,
                "Marie Curie",
            )
        ],
        columns=OVERRIDE_COLUMNS,
    )
    return CompetencyProfile(
        referentiel=load_referentiel(),
        scale=SCALE,
        trainees=trainees,
        evidence=_evidence(),
        levels=levels,
        blocs=_blocs(levels),
        overrides=overrides,
        organisation=dict(ORGANISATION if organisation is None else organisation),
    )


# --- Reading the HTML back -------------------------------------------------------------


class _Page(HTMLParser):
    """The text of every table row (by its ``id`` when it has one) and every table, and
    of elements by class; spaces (no-break spaces included) collapsed to one space."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []  # (row id, cell texts)
        self.tables: list[list[tuple[str, list[str]]]] = []
        self.by_class: dict[str, list[str]] = {}
        self.svgs = 0
        self._row: tuple[str, list[str]] | None = None
        self._cell: list[str] | None = None
        self._open: list[tuple[str, str, list[str]]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "svg":
            self.svgs += 1
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = (values.get("id") or "", [])
        elif tag in ("td", "th"):
            self._cell = []
        for name in (values.get("class") or "").split():
            self._open.append((tag, name, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row[1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self.tables[-1].append(self._row)
            self._row = None
        while self._open and self._open[-1][0] == tag:
            _, name, text = self._open.pop()
            self.by_class.setdefault(name, []).append(" ".join("".join(text).split()))
            if not self._open or self._open[-1][0] != tag:
                break

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        for _, _, text in self._open:
            text.append(data)

    def row(self, row_id: str) -> list[str]:
        (cells,) = [cells for name, cells in self.rows if name == row_id]
        return cells


@pytest.fixture(scope="module")
def profile() -> CompetencyProfile:
    return sample_profile()


@pytest.fixture(scope="module")
def pages(profile: CompetencyProfile) -> dict[str, str]:
    """Each trainee's page, rendered once (a radar takes a fraction of a second)."""
    return {
        student: render_trainee_report(profile, student)
        for student in profile.trainees["stagiaire"]
    }


def _only(profile: CompetencyProfile, student: str) -> CompetencyProfile:
    """The profile of a one-trainee cohort."""
    return replace(
        profile,
        **{
            name: getattr(profile, name)[getattr(profile, name)["stagiaire"] == student]
            for name in ("trainees", "evidence", "levels", "blocs")
        },
    )


# --- The trainee's page --------------------------------------------------------------------


def test_an_override_shows_beside_the_computed_level_and_a_late_copy_its_delay(
    pages: dict[str, str],
) -> None:
    page = pages["bruno"]
    assert '<html lang="fr">' in page
    parsed = _Page(page)
    competency, level, rate, trend, proofs, comments = parsed.row("B5.C07")
    assert competency == "B5.C07 Planifier et gérer la trésorerie"
    assert level == (
        f"acquise (dérogation : {OVERRIDE_REASON}, par Marie Curie le 03/12/2026) "
        "niveau calculé : à retravailler"
    )
    assert rate.startswith("0 %") and trend == "—" and comments == "—"
    # Handed in at 19:10 UTC = 20 h 10 in Paris (UTC+1 in December), 2 h 10 min after 17:00;
    # graded 20 hours later, at 15:10 UTC = 16 h 10 in Paris, by the autograder.
    assert proofs == (
        "evaluation_01, rendu le 01/12/2026 à 20 h 10 [en retard de 2 h 10 min] "
        "q3_mois : 0 / 1, corrigé automatiquement le 02/12/2026 à 16 h 10"
    )
    waiting = parsed.row("B5.C03")
    assert waiting[1] == WAITING and waiting[2].startswith("—")
    assert "q4_note : en attente de correction (sur 4 points)" in waiting[4]
    assert "Bruno Lefèvre (identifiant : bruno)" in page
    assert ORGANISATION["nom"] in page
    # Evaluation 00 on 21/11, evaluation 01 on 01/12 (Paris time).
    assert "du 21/11/2026 au 01/12/2026" in page
    assert SCALE.statement[0] in page.replace("&#39;", "'")


def test_competencies_without_evidence_are_listed_apart_never_as_zero(
    pages: dict[str, str],
) -> None:
    page = pages["bruno"]
    parsed = _Page(page)
    # B5 has 18 competencies; Bruno has evidence on C01, C02, C03, C07: 14 listed apart.
    # B1 has 13; only C03 is assessed: 12 listed apart. B2, B3, B4: 8 + 9 + 11 = 28.
    listed = parsed.by_class["non-evaluees"]
    assert len(listed) == 5
    assert [text.count("B5.C") for text in listed if "B5.C" in text] == [14]
    assert [text.count("B1.C") for text in listed if "B1.C" in text] == [12]
    table_ids = [name for name, _ in parsed.rows if name]
    assert table_ids == ["B1.C03", "B5.C01", "B5.C02", "B5.C03", "B5.C07"]
    # One radar per bloc with evidence (B1, B5); « non évaluée » axes are labelled, not
    # plotted: 12 in B1 + 14 in B5 = 26 labels « n. é. ».
    assert parsed.svgs == 2
    assert page.count("n. é.") == 26 + 2  # the 26 axes and the two captions that explain them
    # Each radar is described for screen readers, the same way.
    assert (
        'aria-label="Radar du bloc B5 : C01 : à retravailler, 0\u00a0% ; C02 : à retravailler, '
        "0\u00a0% ; C03 : en attente de correction ; C07 : acquise, 0\u00a0% ; 14 compétence(s) "
        'non évaluée(s)."' in page
    )

    david = pages["david"]
    parsed_david = _Page(david)
    assert parsed_david.svgs == 0 and not [name for name, _ in parsed_david.rows if name]
    assert david.count("Aucune compétence de ce bloc n'est évaluée") == 5
    assert "%" not in "".join(parsed_david.by_class["non-evaluees"])
    assert "aucune copie corrigée" in david


def test_the_trainee_page_shows_attempts_trend_and_the_trainers_comments(
    pages: dict[str, str],
) -> None:
    parsed = _Page(pages["chloe"])
    competency, level, rate, trend, proofs, comments = parsed.row("B5.C03")
    assert level == "à retravailler" and trend == "en progrès"
    assert rate.startswith("25 %") and "evaluation_01 : 0 % ; evaluation_01 : 25 %" in rate
    assert "evaluation_01 (tentative 1), rendu le 25/11/2026 à 9 h 00" in proofs
    assert "evaluation_01 (tentative 2), rendu le 01/12/2026 à 9 h 00" in proofs
    assert "q4_note : 1 / 4, corrigé le 02/12/2026 à 5 h 00 par Paul Martin" in proofs
    assert "retard" not in proofs  # handed in before the deadline
    assert comments == f"evaluation_01, q4_note : « {CHLOE_COMMENT} » — Paul Martin"
    alice = _Page(pages["alice"])
    assert ALICE_COMMENT in alice.row("B5.C03")[5]


def test_half_points_are_written_with_a_comma(profile: CompetencyProfile) -> None:
    evidence = profile.evidence.copy()
    evidence.loc[
        (evidence["stagiaire"] == "alice") & (evidence["cellule"] == "q4_note"), "points"
    ] = 2.5
    page = render_trainee_report(replace(profile, evidence=evidence), "alice")
    proofs = _Page(page).row("B5.C03")[4]
    assert "q4_note : 2,5 / 4, corrigé le" in proofs and "2.5" not in proofs


def test_an_unknown_trainee_is_refused_in_french(profile: CompetencyProfile) -> None:
    with pytest.raises(CPTSError, match="« zoe » n'est pas dans le carnet de notes"):
        render_trainee_report(profile, "zoe")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(7800, "2 h 10 min"), (90000, "1 j 1 h"), (30, "30 s"), (3 * 86400, "3 j")],
)
def test_delays_are_written_in_french(seconds: float, text: str) -> None:
    # The reports write delays as notes.csv does (deadlines.format_delay).
    # 7 800 s = 2 × 3 600 + 10 × 60; 90 000 s = 86 400 + 3 600.
    assert format_delay(seconds) == text


# --- The cohort ----------------------------------------------------------------------------


def test_item_analysis_puts_the_cells_that_fail_most_first(profile: CompetencyProfile) -> None:
    items = item_analysis(profile)
    # Latest attempt of each trainee, rate = points / max; « below » = rate under 50 %:
    # evaluation_00 q2_statut: alice 1, bruno 0          → mean 0,5, 1 / 2 below
    # evaluation_01 q1_total: alice 1, bruno 0, chloé 0,5 → mean 0,5, 1 / 3 below
    # evaluation_01 q4_note: alice 1, chloé 0,25, bruno waiting → mean 0,625, 1 / 2 below
    # evaluation_01 q3_mois: alice 1, bruno 0, chloé 1   → mean 2 / 3, 1 / 3 below
    assert items["cellule"].tolist() == ["q2_statut", "q1_total", "q4_note", "q3_mois"]
    assert items["taux_moyen"].tolist() == pytest.approx([0.5, 0.5, 0.625, 2 / 3])
    assert items["part_sous_seuil"].tolist() == pytest.approx([0.5, 1 / 3, 0.5, 1 / 3])
    assert items["copies_corrigees"].tolist() == [2, 3, 2, 3]
    assert items["en_attente"].tolist() == [0, 0, 1, 0]
    assert items["competences"].tolist() == ["B1.C03", "B5.C01, B5.C02", "B5.C03", "B5.C07"]
    assert items["modules"].tolist() == ["M00", "M01", "M01", "M01"]


def test_the_cohort_page_has_the_heatmap_the_late_copies_and_the_items(
    profile: CompetencyProfile,
) -> None:
    page = render_cohort_report(profile)
    heatmap, blocs, late, items = _Page(page).tables
    header, columns, *lines = heatmap
    assert header[1] == ["Stagiaire", "B1", "B5"]
    # Competencies with evidence, grouped by bloc: B1.C03, then B5.C01, C02, C03, C07.
    assert columns[1] == ["B1.C03", "B5.C01", "B5.C02", "B5.C03", "B5.C07"]
    by_name = {cells[0]: cells[1:] for _, cells in lines}
    assert by_name["Bruno Lefèvre"] == [
        "à retravailler 0 %",
        "à retravailler 0 %",
        "à retravailler 0 %",
        WAITING,
        "acquise* 0 %",  # the override, marked; the computed rate kept
    ]
    assert by_name["David Nguyen"] == [NOT_ASSESSED] * 5
    assert by_name["Chloé Dubois"][0] == NOT_ASSESSED
    assert 'title="Bruno Lefèvre — B5.C07 Planifier et gérer la trésorerie"' in page
    # Blocs: Alice has B1.C03 of 13 and 4 of 18 in B5; nobody has a whole bloc.
    alice_blocs = {cells[0]: cells[1:] for _, cells in blocs}["Alice Martin"]
    assert alice_blocs[0] == "1 / 13 en cours d'acquisition"
    assert alice_blocs[4] == "4 / 18 en cours d'acquisition"
    assert blocs[-1][1] == ["Bloc acquis par", "0 / 4", "0 / 4", "0 / 4", "0 / 4", "0 / 4"]
    (late_copy,) = late[1:]
    assert late_copy[1] == [
        "Bruno Lefèvre",
        "evaluation_01",
        "01/12/2026 à 20 h 10",
        "01/12/2026 à 18 h 00",
        "en retard de 2 h 10 min",
    ]
    assert [cells[1] for _, cells in items[1:]] == ["q2_statut", "q1_total", "q4_note", "q3_mois"]
    first = items[1][1]
    assert first[3:6] == ["50 %", "1 / 2 (50 %)", "0"]
    assert first[7].startswith("M00 — Prise en main")
    assert items[3][1][5] == "1"  # q4_note: Bruno's note waits for its grade


def test_late_copies_count_each_copy_once(profile: CompetencyProfile) -> None:
    late = late_copies(profile)
    # Bruno's evaluation_01 has four evidence rows but is one copy.
    assert late[["stagiaire", "evaluation", "tentative", "retard_secondes"]].values.tolist() == [
        ["bruno", "evaluation_01", 1, 7800.0]
    ]


# --- Writing the reports ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def written(
    profile: CompetencyProfile, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, ReportOutcome]:
    destination = tmp_path_factory.mktemp("rapports") / "promo"
    return destination, write_profile_reports(profile, destination)


def test_every_report_is_written_and_listed(written: tuple[Path, ReportOutcome]) -> None:
    destination, outcome = written
    names = [path.name for path in outcome.written]
    assert names == [
        "competences.csv",
        "synthese.html",
        "competences.xlsx",
        "preuves.csv",
        "blocs.csv",
        "rapport_alice.html",
        "rapport_bruno.html",
        "rapport_chloe.html",
        "rapport_david.html",
        "attestation_alice.pdf",
        "attestation_chloe.pdf",
    ]
    assert sorted(p.name for p in destination.iterdir()) == sorted(names)
    # David has no graded copy; Bruno's note waits for its grade (provisional levels):
    # no attestation for either, and the trainer is told why.
    assert outcome.warnings == [
        "Pas d'attestation pour david : aucune compétence évaluée (copie non rendue, pas "
        "encore corrigée ou réponses en attente de correction).",
        "Pas d'attestation pour bruno : des réponses rédigées attendent encore leur note, "
        "les niveaux sont provisoires. Notez-les (« cpts-training assessment rubric »), "
        "puis relancez la commande avec --replace.",
    ]
    assert "aucune pour l'instant" in (destination / "rapport_david.html").read_text(
        encoding="utf-8"
    )
    assert all(path.read_bytes().startswith(b"%PDF") for path in outcome.written[-2:])


def test_the_exports_keep_ids_and_leave_not_assessed_rates_empty(
    written: tuple[Path, ReportOutcome],
) -> None:
    destination, _ = written
    levels = read_spreadsheet_csv(destination / "competences.csv")
    assert len(levels) == 4 * 59  # every trainee × every competency
    levels = levels.set_index(["stagiaire", "competence"])
    assert levels.loc[
        ("bruno", "B5.C07"), ["niveau", "niveau_calcule", "taux_pourcent"]
    ].tolist() == [
        "acquise",
        "à retravailler",
        0.0,
    ]
    assert levels.loc[("bruno", "B5.C07"), "derogation_par"] == "Marie Curie"
    assert levels.loc[("chloe", "B5.C03"), "taux_pourcent"] == 25.0
    assert levels.loc[("david", "B5.C01"), "niveau"] == NOT_ASSESSED
    assert pd.isna(levels.loc[("david", "B5.C01"), "taux_pourcent"])  # empty, not 0
    assert levels.loc[("chloe", "B5.C01"), "prenom"] == "Chloé"
    proofs = read_spreadsheet_csv(destination / "preuves.csv")
    late = proofs[proofs["retard_secondes"] > 0]
    assert set(late["stagiaire"]) == {"bruno"} and set(late["retard"]) == {"2 h 10 min"}
    assert set(late["rendu_le"]) == {"2026-12-01T19:10:00+00:00"}
    blocs = read_spreadsheet_csv(destination / "blocs.csv").set_index(["stagiaire", "bloc"])
    assert blocs.loc[("alice", "B5"), ["acquises", "competences"]].tolist() == [4, 18]
    workbook = load_workbook(destination / "competences.xlsx", read_only=True)
    assert workbook.sheetnames == [
        "Compétences",
        "Blocs",
        "Preuves",
        "Analyse des items",
        "Dérogations",
    ]
    header = next(workbook["Compétences"].iter_rows(max_row=1, values_only=True))
    assert header[:5] == ("Stagiaire (identifiant)", "Nom", "Prénom", "Bloc", "Compétence")
    items = list(workbook["Analyse des items"].iter_rows(values_only=True))
    assert items[0][2] == "Cellule" and [row[2] for row in items[1:]] == [
        "q2_statut",
        "q1_total",
        "q4_note",
        "q3_mois",
    ]
    assert items[1][4] == 50.0  # mean rate in %
    workbook.close()


def test_a_folder_with_reports_is_refused_then_replaced_keeping_other_files(
    profile: CompetencyProfile, tmp_path: Path
) -> None:
    destination = tmp_path / "rapports"
    destination.mkdir()
    (destination / "notes_du_formateur.txt").write_text("à garder", encoding="utf-8")
    (destination / "rapport_zoe.html").write_text("stagiaire partie", encoding="utf-8")
    with pytest.raises(CPTSError, match="n'est pas vide"):
        write_profile_reports(profile, destination)
    assert sorted(p.name for p in destination.iterdir()) == [
        "notes_du_formateur.txt",
        "rapport_zoe.html",
    ]
    outcome = write_profile_reports(_only(profile, "alice"), destination, replace=True)
    assert (destination / "notes_du_formateur.txt").read_text(encoding="utf-8") == "à garder"
    assert not (destination / "rapport_zoe.html").exists()  # a stale report is removed
    assert sorted(p.name for p in destination.glob("rapport_*")) == ["rapport_alice.html"]
    assert len(outcome.written) == 5 + 1 + 1


def test_without_the_pdf_library_the_other_reports_are_written_with_a_warning(
    profile: CompetencyProfile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pango(name: str) -> types.ModuleType:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(attestation, "import_module", no_pango)
    no_name = replace(_only(profile, "alice"), organisation={})
    outcome = write_profile_reports(no_name, tmp_path / "r")
    assert not list((tmp_path / "r").glob("*.pdf"))
    assert (tmp_path / "r" / "rapport_alice.html").is_file()
    (warning,) = outcome.warnings
    assert "libpango-1.0-0 libpangoft2-1.0-0" in warning
    assert "Les rapports HTML et les exports sont écrits quand même" in warning


def test_nothing_is_written_for_a_cohort_without_grades(
    profile: CompetencyProfile, tmp_path: Path
) -> None:
    empty = replace(profile, evidence=profile.evidence.iloc[0:0])
    with pytest.raises(CPTSError, match="Aucune note dans cet espace"):
        write_profile_reports(empty, tmp_path / "r")
    assert not (tmp_path / "r").exists()


@pytest.fixture
def fake_model(profile: CompetencyProfile, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``build_profile`` answering the hand-built profile, for any workspace."""
    model = types.ModuleType("cpts_training.trainer.competency_model")
    model.build_profile = lambda workspace: replace(_only(profile, "alice"), organisation={})  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, model.__name__, model)
    monkeypatch.setattr(
        "cpts_training.trainer.workspace.require_workspace", lambda workspace: Path(workspace)
    )
    yield


def test_the_report_command_lists_the_files_and_the_warnings(
    fake_model: None, tmp_path: Path
) -> None:
    from cpts_training.cli import app

    runner = CliRunner()
    arguments = ["report", "-w", str(tmp_path), "-o", str(tmp_path / "rapports")]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Écrit : {tmp_path / 'rapports' / 'competences.csv'}"
    # Five cohort files, Alice's page and her attestation.
    assert sum(line.startswith("Écrit : ") for line in lines) == 7
    (warning,) = [line for line in lines if line.startswith("Attention : ")]
    assert "[organisme de formation]" in warning
    again = runner.invoke(app, arguments)
    assert again.exit_code == 1 and "relancez avec --replace" in again.output
    replaced = runner.invoke(app, [*arguments, "--replace"])
    assert replaced.exit_code == 0 and replaced.output == result.output
