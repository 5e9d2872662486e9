"""Plan pluriannuel de financement: a hand-computed example, identities, bad input and
the case-study plan starting from the 2025 bilan financier."""

import math

import pytest

from cpts_training.errors import InputError
from cpts_training.finance import (
    PLAN_COLUMNS,
    Investment,
    PlanHypotheses,
    financial_balance,
    load_trial_balance,
    plan_signals,
    plan_trajectory,
)
from tests.finance.helpers import plain


def tiny(**changes) -> PlanHypotheses:
    """Two-year plan computed by hand in :func:`test_tiny_plan_by_hand`."""
    arguments = {
        "first_year": 2026,
        "years": 2,
        "opening_reserves_eur": 10000,
        "opening_frng_eur": 8000,
        "opening_tresorerie_eur": 5000,  # opening BFR = 8 000 − 5 000 = 3 000
        "opening_aci_receivable_eur": 2000,  # BFR hors ACI = 3 000 − 2 000 = 1 000
        "aci_fixed_eur": 100000,
        "aci_variable_max_eur": 20000,
        "aci_achievement": {2026: 0.5, 2027: 1.0},
        "other_income_eur": 5000,
        "etp": 1,
        "cost_per_etp_eur": 50000,
        "salary_growth_rate": 0.1,
        "indemnities_eur": 30000,
        "other_charges_eur": 20000,
        "investments": (Investment(2026, 3000, 3, "Ordinateurs"),),
        "variable_received_share": 0.25,
        "allocation": {2026: {"reserves": 0.5, "fonds_dedies": 0.5}, 2027: "report_a_nouveau"},
    }
    arguments.update(changes)
    return PlanHypotheses(**arguments)


def test_tiny_plan_by_hand():
    # 2026: part variable = 20 000 × 0,5 = 10 000 ; produits = 100 000 + 10 000 + 5 000
    #   = 115 000 ; personnel = 1 × 50 000 = 50 000 ; dotation = 3 000 / 3 = 1 000 ;
    #   charges = 50 000 + 30 000 + 20 000 + 1 000 = 101 000 ; résultat = 14 000 ;
    #   CAF = 14 000 + 1 000 = 15 000 ; ΔFRNG = 15 000 − 3 000 = 12 000 ; FRNG = 20 000 ;
    #   créance = 10 000 × (1 − 0,25) = 7 500 ; BFR = 1 000 + 7 500 = 8 500 ;
    #   trésorerie = 20 000 − 8 500 = 11 500 (= 5 000 + 15 000 − 3 000 − (8 500 − 3 000)) ;
    #   fonds dédiés = 14 000 × 0,5 = 7 000 ; réserves = 10 000 + 7 000 = 17 000 ;
    #   mois = 17 000 / ((101 000 − 1 000) / 12) = 2,04.
    # 2027: part variable = 20 000 ; produits = 125 000 ; personnel = 50 000 × 1,1 = 55 000 ;
    #   charges = 55 000 + 30 000 + 20 000 + 1 000 = 106 000 ; résultat = 19 000 ;
    #   CAF = 20 000 ; ΔFRNG = 20 000 ; FRNG = 40 000 ; créance = 15 000 ; BFR = 16 000 ;
    #   trésorerie = 24 000 (= 11 500 + 20 000 − (16 000 − 8 500)) ;
    #   réserves = 17 000 + 19 000 = 36 000 ; fonds dédiés 7 000 ;
    #   mois = 36 000 / (105 000 / 12) = 4,114…
    t = plan_trajectory(tiny())
    assert list(t.columns) == list(PLAN_COLUMNS)
    expected = {
        "annee": [2026, 2027],
        "aci_part_variable_eur": [10000, 20000],
        "produits_eur": [115000, 125000],
        "personnel_eur": [50000, 55000],
        "dotations_eur": [1000, 1000],
        "charges_eur": [101000, 106000],
        "resultat_eur": [14000, 19000],
        "caf_eur": [15000, 20000],
        "investissements_eur": [3000, 0],
        "variation_frng_eur": [12000, 20000],
        "frng_eur": [20000, 40000],
        "creance_aci_eur": [7500, 15000],
        "bfr_eur": [8500, 16000],
        "tresorerie_eur": [11500, 24000],
        "reserves_eur": [17000, 36000],
        "fonds_dedies_eur": [7000, 7000],
        "affecte_fonds_dedies_eur": [7000, 0],
    }
    for column, values in expected.items():
        assert t[column].tolist() == pytest.approx(values), column
    assert t["reserves_mois"].tolist() == pytest.approx([17000 / (100000 / 12), 36000 / 8750])


def test_tiny_plan_signals_are_facts():
    signals = plan_signals(plan_trajectory(tiny()))
    assert signals["signal"].tolist() == ["affectation en fonds dédiés"]
    assert "art. 142-9" in plain(signals.loc[0, "constat"])
    deficit = plan_trajectory(tiny(other_charges_eur={2026: 20000, 2027: 60000}))
    # 2027: charges = 55 000 + 30 000 + 60 000 + 1 000 = 146 000 ; résultat = −21 000 ;
    # CAF = −20 000 ; FRNG = 0 ; BFR = 16 000 ; trésorerie = −16 000.
    assert deficit["tresorerie_eur"].iloc[1] == pytest.approx(-16000)
    facts = plan_signals(deficit)
    assert set(facts.loc[facts["annee"] == 2027, "signal"]) == {
        "trésorerie négative",
        "résultat négatif",
    }
    text = " ".join(facts["constat"]).lower()
    for advice in ("il faut", "devez", "recommand", "conseill"):
        assert advice not in text


def test_reserves_above_threshold_quote_the_senate():
    rich = plan_trajectory(tiny(opening_reserves_eur=200000))
    facts = plan_signals(rich)
    high = facts[facts["signal"] == "réserves élevées"]
    assert high["annee"].tolist() == [2026, 2027]
    assert "thésaurisation" in high["constat"].iloc[0]


@pytest.mark.parametrize("hypotheses", [tiny(), PlanHypotheses.case_study()])
def test_treasury_is_frng_minus_bfr_every_year(hypotheses):
    t = plan_trajectory(hypotheses)
    for row in t.itertuples():
        assert row.tresorerie_eur == pytest.approx(row.frng_eur - row.bfr_eur)
        assert row.caf_eur == pytest.approx(row.resultat_eur + row.dotations_eur)
        assert row.variation_frng_eur == pytest.approx(row.caf_eur - row.investissements_eur)


def test_timing_of_the_variable_part_moves_treasury_not_result():
    late = plan_trajectory(tiny(variable_received_share=0.0))
    early = plan_trajectory(tiny(variable_received_share=1.0))
    assert late["resultat_eur"].tolist() == pytest.approx(early["resultat_eur"].tolist())
    assert late["frng_eur"].tolist() == pytest.approx(early["frng_eur"].tolist())
    # Received in the year: no créance, the trésorerie is higher by the whole variable part.
    gap = (early["tresorerie_eur"] - late["tresorerie_eur"]).tolist()
    assert gap == pytest.approx([10000, 20000])


def test_an_investment_changes_caf_only_through_depreciation():
    without = plan_trajectory(tiny(investments=()))
    with_it = plan_trajectory(tiny())
    assert (without["resultat_eur"] - with_it["resultat_eur"]).tolist() == pytest.approx(
        [1000, 1000]
    )
    assert with_it["caf_eur"].tolist() == pytest.approx(without["caf_eur"].tolist())
    assert (without["frng_eur"] - with_it["frng_eur"]).tolist() == pytest.approx([3000, 3000])


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"etp": {2026: 1, 2027: -0.5}}, ["ETP", "2027", "négatif"]),
        ({"aci_achievement": 1.2}, ["taux d'atteinte", "dépasse 100 %"]),
        ({"variable_received_share": {2026: 0.5, 2027: 1.5}}, ["reçue", "dépasse 100 %"]),
        (
            {"investments": (Investment(2029, 1000, 3, "Véhicule"),)},
            ["Véhicule", "2029", "hors du plan"],
        ),
        ({"other_income_eur": {2026: 5000}}, ["autres produits", "2027 manque"]),
        ({"indemnities_eur": {2026: 1, 2027: 1, 2028: 1}}, ["2028", "hors du plan"]),
        ({"allocation": {"reserves": 0.5}}, ["parts font 0,5"]),
        ({"allocation": "banque"}, ["destination inconnue", "banque"]),
        ({"cost_per_etp_eur": -1}, ["coût employeur", "négatif"]),
        ({"years": 0}, ["nombre d'années"]),
    ],
)
def test_bad_hypotheses_are_refused_in_french(changes, words):
    with pytest.raises(InputError) as info:
        tiny(**changes)
    message = plain(info.value)
    for word in words:
        assert word in message


def test_bad_investment_and_table_are_refused():
    with pytest.raises(InputError, match="durée d'amortissement"):
        Investment(2026, 1000, 0, "Logiciel")
    with pytest.raises(InputError, match="plan_trajectory"):
        plan_signals(plan_trajectory(tiny()).drop(columns="bfr_eur"))
    with pytest.raises(InputError, match="PlanHypotheses"):
        plan_trajectory({"first_year": 2026})


def test_case_study_plan_starts_from_the_2025_balance():
    hypotheses = PlanHypotheses.case_study()
    balance = financial_balance(load_trial_balance(2025), 2025)
    assert hypotheses.plan_years == (2026, 2027, 2028, 2029, 2030)
    assert hypotheses.opening_frng_eur == pytest.approx(balance.frng_eur)
    assert hypotheses.opening_tresorerie_eur == pytest.approx(balance.tresorerie_eur)
    assert hypotheses.opening_reserves_eur == pytest.approx(balance.fre_eur)
    assert hypotheses.opening_aci_receivable_eur == pytest.approx(30000)
    t = plan_trajectory(hypotheses)
    assert t["annee"].tolist() == [2026, 2027, 2028, 2029, 2030]
    assert t["frng_eur"].iloc[0] == pytest.approx(balance.frng_eur + t["caf_eur"].iloc[0])
    # ACI 2026 of the contract: fonctionnement 60 000 + fixed parts 17 500 + 26 250
    # + 15 000 + 30 000 = 148 750 €, every mission running all year.
    assert t["aci_part_fixe_eur"].iloc[0] == pytest.approx(148750)
    assert not t.isna().any().any()
    signals = plan_signals(t)
    assert set(signals["signal"]) <= {"réserves élevées", "trésorerie négative", "résultat négatif"}


def test_without_renewal_the_aci_stops_with_the_contract():
    t = plan_trajectory(PlanHypotheses.case_study(assume_renewal=False))
    # The contract ends on 01/04/2029: 2029 keeps three months, 2030 nothing.
    assert t["aci_part_fixe_eur"].iloc[3] == pytest.approx(148750 / 4)
    assert t["aci_part_fixe_eur"].iloc[4] == 0
    facts = plan_signals(t)
    assert "résultat négatif" in set(facts.loc[facts["annee"] == 2030, "signal"])
    assert not math.isnan(t["reserves_mois"].iloc[4])


# -- presentation: French table, hypotheses table, chart, XLSX export ------------------


def test_plan_table_is_french_and_by_year():
    from cpts_training.finance.plan import PLAN_LABELS, plan_table

    table = plan_table(plan_trajectory(tiny()))
    assert list(table.columns) == [2026, 2027]
    assert table.loc["Résultat (€)"].tolist() == [14000, 19000]
    assert table.loc["Trésorerie (€)"].tolist() == [11500, 24000]
    assert len(table) == len(PLAN_COLUMNS) - 1
    assert set(table.index) == {PLAN_LABELS[c] for c in PLAN_COLUMNS[1:]}
    with pytest.raises(InputError, match="colonne « annee »"):
        plan_table(plan_trajectory(tiny()).drop(columns="annee"))


def test_hypotheses_table_gives_the_cost_of_an_etp_each_year():
    from cpts_training.finance.plan import hypotheses_table

    table = hypotheses_table(tiny())
    # 50 000 in 2026, 50 000 × 1,1 = 55 000 in 2027.
    assert table.loc["Coût employeur annuel d'un ETP (€)"].tolist() == pytest.approx([50000, 55000])
    assert table.loc["Taux d'atteinte de la part variable"].tolist() == [0.5, 1.0]
    assert table.loc["Part de l'excédent en fonds dédiés"].tolist() == [0.5, 0.0]


def test_plot_plan_draws_one_point_per_year():
    from cpts_training.finance.plan import plot_plan

    figure = plot_plan(plan_trajectory(tiny()))
    ax = figure.axes[0]
    lines = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}
    assert lines["Trésorerie fin d'année"] == [11500, 24000]
    assert lines["FRNG fin d'année"] == [20000, 40000]
    assert [bar.get_height() for bar in ax.patches] == [14000, 19000]


def test_export_plan_xlsx_is_readable_and_never_replaces_silently(tmp_path):
    import openpyxl

    from cpts_training.finance.plan import export_plan_xlsx

    target = tmp_path / "plan.xlsx"
    export_plan_xlsx(target, tiny(), notice="Cas fictif")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Hypothèses", "Trajectoire", "Constats"]
    sheet = book["Trajectoire"]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(values_only=True) if r[0]}
    assert rows["Poste"][:2] == (2026, 2027)
    assert rows["Résultat (€)"][:2] == (14000, 19000)
    assert rows["Trésorerie (€)"][:2] == (11500, 24000)
    hyp = {r[0]: r[1:] for r in book["Hypothèses"].iter_rows(values_only=True) if r[0]}
    assert hyp["Ordinateurs"][:3] == (2026, 3000, 3)
    assert hyp["FRNG fin 2025 (€)"][0] == 8000
    with pytest.raises(InputError, match="existe déjà"):
        export_plan_xlsx(target, tiny())
    export_plan_xlsx(target, tiny(), overwrite=True)
    with pytest.raises(InputError, match=r"\.xlsx"):
        export_plan_xlsx(tmp_path / "plan.csv", tiny())
