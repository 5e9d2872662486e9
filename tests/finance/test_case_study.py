"""The case study's trial balances 2023, 2024 and 2025: they load, balance and tell one story."""

import shutil

import pytest
import yaml

from cpts_training.budget.case_study import load_budget_file
from cpts_training.errors import DataError, InputError
from cpts_training.finance import (
    CASE_YEARS,
    balance_sheet,
    caf,
    case_warning,
    diagnosis_table,
    financial_balance,
    financing_table,
    income_statement,
    load_annex,
    load_trial_balance,
    ratios,
    trial_balance_file,
)
from cpts_training.finance.case_study import CASE_DIR


@pytest.fixture(scope="module")
def balances():
    return {year: load_trial_balance(year) for year in CASE_YEARS}


def test_files_are_marked_fictional():
    for year in CASE_YEARS:
        raw = yaml.safe_load(trial_balance_file(year).read_text(encoding="utf-8"))
        assert raw["fictional"] is True
        assert "fictives" in raw["warning"] and "fictives" in case_warning(year)
        assert raw["cpts"] == "CPTS de la Vallée de l'Aubrenne"


def test_both_years_balance(balances):
    for year, tb in balances.items():
        assert tb["debit"].sum() == tb["credit"].sum()
        bilan = balance_sheet(tb, year)
        assert bilan.total_actif_eur == bilan.total_passif_eur


def test_2025_result_is_14_689_and_matches_the_actuals(balances):
    statement = income_statement(balances[2025], 2025)
    assert statement.total_charges_eur == 195186
    assert statement.total_produits_eur == 209875
    assert statement.resultat_eur == 14689
    actuals = load_budget_file(CASE_DIR / "realise_2025.yaml")
    expected = {
        str(c): a for c, a in zip(actuals["compte"], actuals["montant_eur"], strict=True) if a
    }
    tb = balances[2025].set_index("compte")
    flows = tb[tb.index.str[0].isin(["6", "7"])]
    assert {c: abs(d - k) for c, (d, k) in flows[["debit", "credit"]].iterrows()} == expected


def test_2023_prefiguration_under_the_former_chart(balances):
    tb = balances[2023]
    statement = income_statement(tb, 2023)
    # Charges 7 000 + 1 800 + 1 100 + 600 + 300 + 100 = 10 900;
    # produits FIR 9 000 + cotisations 600 + transfert de charges (791) 1 300 = 10 900.
    assert statement.total_charges_eur == 10900
    assert statement.total_produits_eur == 10900
    assert statement.resultat_eur == 0
    assert "791" in set(tb["compte"])  # allowed before the ANC 2022-06 chart (2025)
    fb = financial_balance(tb, 2023)
    # No fonds propres, no asset: FRNG 0; the consultant's 2 000 unpaid: BFR −2 000;
    # trésorerie = 0 − (−2 000) = 2 000 = bank.
    assert fb.frng_eur == 0 and fb.bfr_eur == -2000 and fb.tresorerie_eur == 2000
    assert caf(tb, 2023).caf_eur == 0
    # 2024: CAF 45 000, no investment: apport 45 000 = FRNG 45 000 − 0.
    table = financing_table(tb, balances[2024], 2024)
    assert table.variation_fonds_roulement_eur == table.delta_frng_eur == 45000


def test_2024_first_year_with_the_aci(balances):
    statement = income_statement(balances[2024], 2024)
    # Produits 70 000 + 30 000 + 4 000 + 1 000 = 105 000; charges 60 000.
    assert statement.resultat_eur == 45000
    fb = financial_balance(balances[2024], 2024)
    # Bank 80 000 = the opening balance of the 2025 cash plan.
    assert fb.tresorerie_eur == 80000
    assert fb.frng_eur == 45000 and fb.bfr_eur == -35000


def test_2025_bilan_financier_caf_and_financing_table(balances):
    fb = financial_balance(balances[2025], 2025)
    # FRI = 1 300 − 3 900; FRE = 30 000 + 15 000 + 14 689; BFR = 31 000 − 49 200.
    assert fb.fri_eur == -2600
    assert fb.fre_eur == 59689
    assert fb.frng_eur == 57089
    assert fb.bfr_eur == -18200 and fb.efe_eur == 18200
    assert fb.tresorerie_eur == 75289
    assert caf(balances[2025], 2025).caf_eur == 14689 + 1300
    table = financing_table(balances[2024], balances[2025], 2025)
    # Ressources: CAF 15 989; emplois: the laptop 3 900; apport 12 089 = 57 089 − 45 000.
    assert table.variation_fonds_roulement_eur == table.delta_frng_eur == 12089
    values = ratios(balances[2025], 2025).set_index("code")["valeur"]
    assert values["taux_vetuste"] == pytest.approx(1300 / 3900)
    assert values["independance_financiere"] == 0
    reading = diagnosis_table(ratios(balances[2025], 2025))
    assert set(reading["signal"]) <= {"✅", "⚠️", "❌", "ℹ️"}


def test_unknown_year_and_broken_copies(tmp_path):
    with pytest.raises(InputError, match="exercices disponibles 2023, 2024, 2025"):
        load_trial_balance(2022)
    copy = tmp_path / "balance.yaml"
    shutil.copy(trial_balance_file(2025), copy)
    with pytest.raises(DataError, match="« exercice » vaut 2025"):
        load_trial_balance(2024, copy)
    raw = yaml.safe_load(copy.read_text(encoding="utf-8"))
    raw["totaux"]["debit"] = 1
    copy.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="total déclaré"):
        load_trial_balance(2025, copy)
    raw["totaux"]["debit"] = 305375
    raw["comptes"][0]["credit"] += 10
    raw["totaux"]["credit"] += 10
    copy.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="pas équilibrée"):
        load_trial_balance(2025, copy)
    del raw["fictional"]
    copy.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="fictional"):
        load_trial_balance(2025, copy)


def test_the_coteaux_balance_of_evaluation_03_by_hand():
    tb = load_trial_balance(2025, cpts="coteaux")
    # Résultat 159 000 − 162 300 = −3 300 (déficit).
    assert income_statement(tb, 2025).resultat_eur == -3300
    # CAF = −3 300 + dotations (2 800 + 3 000) − reprise 1 500 + VNC cédée 800
    #       − produit de cession 300 − quote-part de subvention 1 000 = 500.
    assert caf(tb, 2025).caf_eur == 500
    fb = financial_balance(tb, 2025)
    # FRI = 131 6 000 − 139 2 000 + 164 12 000 + amortissements 4 500 + 1 000
    #       − immobilisations 13 000 = 8 500; FRE = 20 000 + 8 000 + 151 3 000 − 3 300 = 27 700.
    assert fb.fri_eur == 8500 and fb.fre_eur == 27700 and fb.frng_eur == 36200
    # BFR = (25 000 + 600) − (2 500 + 4 200 + 18 000) = 900.
    assert fb.bfr_eur == 900
    # Trésorerie = 36 200 − 900 = 35 300 = bank 38 300 − concours bancaires 3 000.
    assert fb.tresorerie_eur == 35300
    assert fb.disponibilites_eur == 38300 and fb.concours_bancaires_eur == 3000


def test_an_unknown_other_cpts_or_year_is_named_in_french():
    with pytest.raises(InputError, match="« coteaux » \\(2025\\)"):
        load_trial_balance(2024, cpts="coteaux")
    with pytest.raises(InputError, match="CPTS « plateau »"):
        load_trial_balance(2025, cpts="plateau")


def test_the_annexe_tells_what_the_balance_cannot():
    annex = {year: load_annex(year).set_index("rubrique") for year in CASE_YEARS}
    # 2025 public money: ACI 196 375 + FIR 8 000 + collectivité 4 000 = 208 375 €, above the
    # 153 000 € threshold: the 2025 accounts carry a commissaire aux comptes (62262).
    public_2025 = annex[2025].loc["Subventions et concours publics reçus", "valeur"]
    tb = load_trial_balance(2025).set_index("compte")
    assert public_2025 == tb.loc[["741", "742", "743"], "credit"].sum() == 208375
    assert public_2025 > 153000 and "62262" in tb.index
    # 2024: 70 000 + 30 000 + 4 000 = 104 000 €, under the threshold, and no 62262.
    assert annex[2024].loc["Subventions et concours publics reçus", "valeur"] == 104000
    assert "62262" not in set(load_trial_balance(2024)["compte"])
    # The ACI receivable of the annexe is the balance's 4418; the members pay the 756.
    assert annex[2025].loc["Part variable ACI à recevoir", "valeur"] == tb.loc["4418", "debit"]
    assert annex[2025].loc["Adhérents au 31 décembre", "valeur"] * 30 == tb.loc["756", "credit"]
    assert annex[2023].loc["Adhérents au 31 décembre", "valeur"] * 30 == 600
    with pytest.raises(InputError, match="Pas d'annexe 2022"):
        load_annex(2022)


def test_a_zero_caf_and_a_zero_frng_do_not_pass_a_strict_threshold():
    # 2023: CAF 0 € and FRNG 0 € against « > 0 »: to watch, never ✅.
    reading = diagnosis_table(ratios(load_trial_balance(2023), 2023)).set_index("indicateur")
    assert reading.loc["Taux de CAF", "signal"] == "⚠️"
    assert "La CAF est nulle" in reading.loc["Taux de CAF", "lecture"]
    frng = reading.loc["Fonds de roulement net global en jours de charges"]
    assert frng["signal"] == "⚠️" and "Le FRNG est nul" in frng["lecture"]


def test_the_income_statement_ends_with_its_totals_and_result(balances):
    table = income_statement(balances[2025], 2025).with_totals().set_index("rubrique")
    # Charges 195 186, produits 209 875, excédent 209 875 − 195 186 = 14 689.
    assert table.loc["Total", "charges_eur"] == 195186
    assert table.loc["Total", "produits_eur"] == 209875
    result = table.loc["Résultat de l'exercice : excédent (produits − charges)"]
    assert result["produits_eur"] == 14689
    deficit = income_statement(load_trial_balance(2025, cpts="coteaux"), 2025).with_totals()
    assert deficit["rubrique"].iloc[-1].startswith("Résultat de l'exercice : déficit")
    assert deficit["produits_eur"].iloc[-1] == -3300
