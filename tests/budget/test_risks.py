"""Financial risks (B5.C11): ACI dependency, reserves in months, result sensitivity."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cpts_training.budget.case_study import load_case_study
from cpts_training.budget.charts import plot_tornado
from cpts_training.budget.forecast import make_budget
from cpts_training.budget.risks import (
    SENSITIVITY_COLUMNS,
    aci_dependency,
    reserves_in_months,
    result_sensitivity,
)
from cpts_training.errors import InputError


@pytest.fixture(scope="module")
def case():
    return load_case_study()


def _row(table, start):
    rows = table[table["scenario"].str.startswith(start)]
    assert len(rows) == 1, list(table["scenario"])
    return rows.iloc[0]


def test_aci_dependency_of_the_case(case):
    # ACI 197 850 / products (197 850 + 8 000 + 4 000 + 6 000 + 1 380 = 217 230) = 0.910786
    assert aci_dependency(case.budget) == pytest.approx(197_850 / 217_230)
    assert aci_dependency(case.budget) == pytest.approx(0.910786, abs=1e-6)


def test_aci_dependency_other_accounts_and_no_product():
    budget = make_budget([("731", "ACI (concours public)", 900), ("743", "Commune", 100)])
    # Booked in 731: with the default ("741",) no ACI is found; with "73": 900 / 1 000 = 0.9
    assert aci_dependency(budget) == 0
    assert aci_dependency(budget, aci_accounts=("741", "73")) == pytest.approx(0.9)
    assert math.isnan(aci_dependency(make_budget([("6132", "Loyer", 100)])))
    with pytest.raises(InputError, match="Comptes de l'ACI invalides"):
        aci_dependency(budget, aci_accounts=("ACI",))


def test_reserves_in_months(case):
    # 50 000 / (217 230 / 12 = 18 102.50) = 2.762 months
    assert reserves_in_months(50_000, case.budget) == pytest.approx(2.76205, abs=1e-5)
    # a deficit carried forward gives negative months: -18 102.50 / 18 102.50 = -1
    assert reserves_in_months(-18_102.5, case.budget) == pytest.approx(-1)
    with pytest.raises(InputError, match="réserves : « beaucoup » .* contient des lettres"):
        reserves_in_months("beaucoup", case.budget)
    # Typed the French way, the reserves are read: 18 102,50 € is one month of charges.
    assert reserves_in_months("18 102,50 €", case.budget) == pytest.approx(1)
    with pytest.raises(InputError, match="ce n'est pas un nombre"):
        reserves_in_months([50_000], case.budget)
    with pytest.raises(InputError, match="aucune charge"):
        reserves_in_months(1000, make_budget([("741", "ACI", 100)]))


def test_sensitivity_columns_and_rows(case):
    table = result_sensitivity(case.budget, case.contract, 2025, case.planned_achievement)
    assert tuple(table.columns) == SENSITIVITY_COLUMNS
    # 4 missions + all together, for −10 and −20 points (10 rows), then FIR, commune, AAP
    assert len(table) == 13
    assert table["scenario"].str.contains("−10 points").sum() == 5
    assert table["scenario"].str.contains("−20 points").sum() == 5
    # the 2025 budget is balanced: result = 0, so résultat = variation
    assert (table["resultat_eur"] == table["variation_resultat_eur"]).all()


def test_prevention_minus_20_points_2026(case):
    table = result_sensitivity(case.budget, case.contract, 2026, case.planned_achievement)
    # Prevention: variable 15 000 €/contract year (started 01/04/2025 = start of year 2,
    # so year 2 and year 3 are full). Planned 0.8 both years, −20 points → 0.6.
    # 2026 = 3/12 of year 2 (Jan–Mar) + 9/12 of year 3 (Apr–Dec):
    # −0.2 × 15 000 × (3/12 + 9/12) = −3 000 €
    row = _row(table, "Actions coordonnées de prévention : taux d'atteinte −20")
    assert row["variation_resultat_eur"] == pytest.approx(-3_000)
    assert row["resultat_eur"] == pytest.approx(0 - 3_000)


def test_parcours_minus_10_points_2025(case):
    table = result_sensitivity(case.budget, case.contract, 2025, case.planned_achievement)
    # Parcours: variable 26 250 €, started 01/04/2025 = start of contract year 2.
    # 2025 holds 9/12 of year 2 (Apr–Dec); year 1 has no parcours.
    # −0.1 × 26 250 × 9/12 = −1 968.75 €
    row = _row(table, "Parcours pluriprofessionnels autour du patient : taux d'atteinte −10")
    assert row["variation_resultat_eur"] == pytest.approx(-1_968.75)


def test_all_missions_minus_10_points_2025(case):
    table = result_sensitivity(case.budget, case.contract, 2025, case.planned_achievement)
    # Year 1 (01/04/2024–31/03/2025): accès and crises started 01/10/2024, 6 months:
    #   variable max 29 500 × 6/12 = 14 750 and 30 000 × 6/12 = 15 000;
    #   2025 holds Jan–Mar = 3 of their 6 months: 0.1 × (14 750 + 15 000) × 3/6 = 1 487.50
    # Year 2 (full for the four missions), 2025 holds 9/12:
    #   0.1 × (29 500 + 26 250 + 15 000 + 30 000) × 9/12 = 0.1 × 100 750 × 0.75 = 7 556.25
    # Total −(1 487.50 + 7 556.25) = −9 043.75 €
    row = _row(table, "Toutes les missions : taux d'atteinte −10")
    assert row["variation_resultat_eur"] == pytest.approx(-9_043.75)


def test_rates_are_floored_at_zero(case):
    # Crises: planned 0.5; a fall of 0.8 floors at 0, so the whole variable part is lost.
    # 2026: variable 30 000 × 0.5 = 15 000 per year, × (3/12 + 9/12) = −15 000 €
    table = result_sensitivity(
        case.budget, case.contract, 2026, case.planned_achievement, scenarios=(0.8,)
    )
    row = _row(table, "Réponse aux crises sanitaires graves : taux d'atteinte −80")
    assert row["variation_resultat_eur"] == pytest.approx(-15_000)


def test_loss_of_other_funders(case):
    table = result_sensitivity(case.budget, case.contract, 2025, case.planned_achievement)
    fir = _row(table, "Perte du financement « Fonds d'intervention régional")
    assert fir["variation_resultat_eur"] == -8_000
    commune = _row(table, "Perte du financement « Subvention — communauté")
    assert commune["variation_resultat_eur"] == -4_000
    aap = _row(table, "Perte du financement « Appel à projets")
    assert aap["variation_resultat_eur"] == -6_000
    # the members' fees (756) and the ACI (741) are not tested as a lost funder
    assert not table["scenario"].str.contains("Cotisations|Financement ACI").any()


def test_result_of_an_unbalanced_budget(case):
    budget = make_budget([("741", "ACI", 1_000), ("742", "FIR", 500), ("6132", "Loyer", 1_200)])
    table = result_sensitivity(budget, case.contract, 2025, case.planned_achievement)
    # result 1 500 − 1 200 = 300; losing the FIR: 300 − 500 = −200
    assert _row(table, "Perte du financement « FIR")["resultat_eur"] == -200


def test_sensitivity_bad_input(case):
    with pytest.raises(InputError, match="hors du contrat"):
        result_sensitivity(case.budget, case.contract, 2031, case.planned_achievement)
    with pytest.raises(InputError, match="dépasse 100 %"):
        result_sensitivity(case.budget, case.contract, 2025, case.planned_achievement, (10,))
    with pytest.raises(InputError, match="0 point"):
        result_sensitivity(case.budget, case.contract, 2025, case.planned_achievement, (0,))
    with pytest.raises(InputError, match="Mission inconnue"):
        result_sensitivity(case.budget, case.contract, 2025, {2: {"inconnue": 0.5}})


def test_tornado(case):
    table = result_sensitivity(case.budget, case.contract, 2026, case.planned_achievement)
    fig = plot_tornado(table)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title().startswith("Sensibilité du résultat")
    assert ax.get_xlabel() == "Variation du résultat (€)"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # sorted by absolute impact, largest at the top (last tick): all −20 points = −20 150
    assert labels[-1].replace("\n", " ").startswith("Toutes les missions : taux d'atteinte −20")
    assert all(t.get_fontsize() >= 9 for t in ax.get_yticklabels())
    assert all(t.get_fontsize() >= 9 for t in ax.texts)
    # the title does not overlap the axes nor the tick labels
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    title_box = ax.title.get_window_extent(renderer)
    assert title_box.y0 >= ax.get_window_extent(renderer).y1 - 1
    assert title_box.x0 >= 0 and title_box.x1 <= fig.bbox.x1 + 1
    assert ax.texts, "each bar carries its amount"
    tick_boxes = [t.get_window_extent(renderer) for t in ax.get_yticklabels()]
    assert all(not title_box.overlaps(box) for box in tick_boxes)
    assert all(box.x0 >= 0 for box in tick_boxes), "tick labels fit in the figure"


def test_tornado_bad_input():
    import pandas as pd

    with pytest.raises(InputError, match="Colonne"):
        plot_tornado(pd.DataFrame({"scenario": ["a"]}))
    with pytest.raises(InputError, match="vide"):
        plot_tornado(pd.DataFrame({"scenario": [], "variation_resultat_eur": []}))


@settings(max_examples=25, deadline=None)
@given(
    drop=st.floats(min_value=0.01, max_value=1.0),
    year=st.sampled_from([2024, 2025, 2026, 2027]),
)
def test_sensitivity_invariants(case, drop, year):
    """A fall never raises the result; all missions together = the sum of each one."""
    table = result_sensitivity(
        case.budget, case.contract, year, case.planned_achievement, scenarios=(drop,)
    )
    assert (table["variation_resultat_eur"] <= 0).all()
    missions = table[table["scenario"].str.contains("taux d'atteinte")]
    together = missions["scenario"].str.startswith("Toutes les missions")
    # each mission's amount is rounded to the cent: allow one cent per mission
    assert missions.loc[together, "variation_resultat_eur"].sum() == pytest.approx(
        missions.loc[~together, "variation_resultat_eur"].sum(), abs=0.01 * len(missions)
    )
