"""The plan pluriannuel form driven as a trainee drives it.

Case plan 2026–2030 (:meth:`PlanHypotheses.case_study`, figures of its docstring): 1,5 ETP
at 51 120 € in 2026, +2 % a year; 2027 résultat 32 431,40 € (produits 232 775 = 148 750 +
100 750 × 0,7 + 13 500; charges 78 213,60 + 74 800 + 45 530 + 1 800 = 200 343,60).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import openpyxl
import pytest

from cpts_training.finance.widgets.plan_form import PlanForm
from tests.finance.helpers import plain, text_of


def rows_of(markup: str) -> dict[str, list[str]]:
    root = ET.fromstring(f"<div>{markup}</div>")
    table = next(root.iter("table"))
    rows = [[plain("".join(c.itertext())) for c in row] for row in table.iter("tr")]
    return {row[0]: row[1:] for row in rows}


@pytest.fixture(scope="module")
def pristine() -> PlanForm:
    return PlanForm.from_case_study()


@pytest.fixture
def form() -> PlanForm:
    return PlanForm.from_case_study()


def test_the_case_plan_is_shown_in_french(pristine):
    rows = rows_of(pristine.table.value)
    assert rows["Poste"] == ["2026", "2027", "2028", "2029", "2030"]
    assert rows["Résultat (€)"][1] == "32 431 €"
    # réserves 2026 = 59 689 + 34 465 = 94 154 ; charges décaissables 198 310 − 1 300
    # = 197 010 ; 94 154 / (197 010 / 12) = 5,73 mois.
    assert rows["Réserves en mois de charges décaissables"][0] == "5,7"
    assert pristine.chart.value[:4] == b"\x89PNG"
    signals = text_of(pristine.signals.value)
    assert "valeur indicative — à vérifier" in signals
    assert "réserves élevées" in signals
    assert "Réserves fin 2027" in signals  # 7,7 mois > 6
    assert "Réserves fin 2026" not in signals  # 5,7 mois
    assert pristine.year_fields["aci_achievement"][2026].value == "70 %"


def test_two_etp_in_2027_lower_the_result_by_hand_computed_amount(form):
    before = form.trajectory.set_index("annee")
    form.year_fields["etp"][2027].value = "2"
    after = form.trajectory.set_index("annee")
    # 0,5 ETP more × 51 120 × 1,02 = 26 071,20 € of personnel in 2027:
    # résultat 32 431,40 − 26 071,20 = 6 360,20 ; trésorerie 2027 falls by the same amount.
    assert after.at[2027, "resultat_eur"] == pytest.approx(6360.20)
    delta = before.at[2027, "tresorerie_eur"] - after.at[2027, "tresorerie_eur"]
    assert delta == pytest.approx(26071.20)
    assert after.at[2026, "resultat_eur"] == before.at[2026, "resultat_eur"]
    assert rows_of(form.table.value)["Résultat (€)"][1] == "6 360 €"


def test_achievement_typed_in_percent_and_an_investment(form):
    form.year_fields["aci_achievement"][2026].value = "50 %"
    # part variable 2026 = 100 750 × 0,5 = 50 375 (was 70 525): résultat 34 465 − 20 150
    # = 14 315.
    assert form.trajectory.at[0, "resultat_eur"] == pytest.approx(14315)
    form.investment_years[1].value = "2026"
    form.investment_labels[1].value = "Véhicule"
    form.investment_amounts[1].value = "12 000"
    form.investment_durations[1].value = "4"
    # dotation 2026 = 12 000 / 4 = 3 000: résultat 14 315 − 3 000 = 11 315; CAF unchanged
    # by the dotation (14 315 + 1 300 = 15 615), FRNG 57 089 + 15 615 − 12 000 = 60 704.
    t = form.trajectory
    assert t.at[0, "resultat_eur"] == pytest.approx(11315)
    assert t.at[0, "caf_eur"] == pytest.approx(15615)
    assert t.at[0, "frng_eur"] == pytest.approx(60704)


def test_surplus_to_fonds_dedies_is_stated_as_a_fact(form):
    form.year_fields["alloc_report_a_nouveau"][2026].value = "50 %"
    form.year_fields["alloc_fonds_dedies"][2026].value = "50 %"
    # 34 465 × 0,5 = 17 232,50 € in fonds dédiés.
    assert form.trajectory.at[0, "affecte_fonds_dedies_eur"] == pytest.approx(17232.5)
    signals = text_of(form.signals.value)
    assert "affectation en fonds dédiés" in signals
    assert "17 232 €" in signals or "17 233 €" in signals


BAD_INPUTS = [
    ("etp", 2028, "deux", "ETP salariés au total, 2028"),
    ("aci_achievement", 2026, "120 %", "Le taux d'atteinte"),
    ("indemnities_eur", 2029, "-5 000", "indemnités"),
    ("alloc_reserves", 2026, "30 %", "font 130 % au total"),
    ("other_income_eur", 2027, "15 %", "montant en euros"),
]


def test_bad_input_is_refused_in_french_and_nothing_recomputed(form):
    for key, year, text, words in BAD_INPUTS:
        field = form.year_fields[key][year]
        kept = field.value
        field.value = text
        assert form.trajectory is None, text
        message = text_of(form.table.value)
        assert words in message, message
        assert "n'est pas recalculée" in message
        # The last readable trajectory stays on screen, said to be the previous one.
        assert "ceux des dernières hypothèses lisibles" in message
        assert "Trésorerie" in message
        field.value = kept
        assert form.trajectory is not None


def test_investment_with_bad_duration_is_refused(form):
    form.investment_durations[0].value = "2,5"
    assert form.trajectory is None
    assert "durée d'amortissement" in text_of(form.table.value).lower()


def test_export_writes_hypotheses_and_trajectory(form, tmp_path):
    target = tmp_path / "mon_plan.xlsx"
    form.year_fields["etp"][2027].value = "2"
    form.export_name.value = str(target)
    form.export_button.click()
    assert "Classeur enregistré" in text_of(form.export_status.value)
    book = openpyxl.load_workbook(target)
    trajectory = {r[0]: r[1:] for r in book["Trajectoire"].iter_rows(values_only=True) if r[0]}
    assert trajectory["Résultat (€)"][1] == pytest.approx(6360.20)
    hypotheses = {r[0]: r[1:] for r in book["Hypothèses"].iter_rows(values_only=True) if r[0]}
    assert hypotheses["ETP salariés"][:5] == (1.5, 2, 1.5, 1.5, 1.5)
    form.export_button.click()
    assert "existe déjà" in text_of(form.export_status.value)
    form.export_overwrite.value = True
    form.export_button.click()
    assert "Classeur enregistré" in text_of(form.export_status.value)


def test_the_form_recommends_nothing(pristine):
    shown = (pristine.table.value + pristine.signals.value).lower()
    for word in ("recommand", "conseil", "il faut", "vous devez", "devriez"):
        assert word not in shown


def test_the_grid_and_its_labels_fit_a_notebook(pristine):
    # Label column + 5 years of 7,5em = 21 + 37,5 = 58,5em ≈ 760 px at 13 px: fits 1 050 px.
    columns = pristine.grid.layout.grid_template_columns
    assert columns == "21em repeat(5, 7.5em)"
    assert pristine.year_fields["etp"][2030].layout.width == "7em"
    labels = [text_of(c.value) for c in pristine.grid.children if not hasattr(c, "unit")]
    # The ETP row is the total headcount, with today's 1,5 ETP of the case.
    assert "ETP salariés au total (1,5 aujourd'hui)" in labels
    assert "2030" in labels
    for field in (pristine.cost_per_etp, pristine.salary_growth):
        assert field.style.description_width == "initial"
    for control in (
        pristine.investment_years[0],
        pristine.investment_labels[0],
        pristine.investment_amounts[0],
        pristine.investment_durations[0],
    ):
        assert control.style.description_width == "initial"


def test_the_investment_year_is_written_without_a_thousands_space(pristine):
    # The case's investment of 2027 reads « 2027 », not « 2 027 ».
    assert pristine.investment_years[0].value == "2027"
    assert pristine.investment_years[0].number == 2027


def test_the_trajectory_table_scrolls_right_under_itself(pristine):
    root = ET.fromstring(f"<div>{pristine.table.value}</div>")
    box = root[0]
    assert "overflow-x:auto" in box.get("style", "") and "min-width:100%" in box.get("style", "")
    assert len(list(box.iter("table"))) == 1
    assert pristine.table.layout.width == "100%"
