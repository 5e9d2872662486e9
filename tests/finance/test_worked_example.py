"""A worked example on a small hand-made trial balance: every figure computed by hand.

Trial balance 2025 (tests/finance/helpers.py, EXAMPLE_2025), debit / credit in euros:

    102 fonds associatifs          0 / 10 000    401 fournisseurs          0 /  2 000
    164 emprunt                    0 /  6 000    431 URSSAF                0 /  1 000
    2183 matériel             12 000 /      0    512 banque           13 000 /      0
    28183 amortissements           0 /  3 000    606 achats            6 500 /      0
    4418 subvention à recevoir 4 000 /      0    641 salaires         30 000 /      0
    6811 dotation              3 000 /      0    741 subvention            0 / 46 500
    totals                    68 500 / 68 500

Compte de résultat: charges 6 500 + 30 000 + 3 000 = 39 500; produits 46 500;
résultat = 46 500 − 39 500 = 7 000.
CAF = 7 000 + 3 000 (6811) = 10 000; taux de CAF = 10 000 / 46 500.
FRI = (10 000 + 6 000 + 3 000) − 12 000 = 7 000; FRE = résultat 7 000;
FRNG = 14 000; BFR = 4 000 − (2 000 + 1 000) = 1 000; trésorerie = 14 000 − 1 000
= 13 000 = banque 512.
Bilan: actif 12 000 − 3 000 + 4 000 + 13 000 = 26 000; passif 10 000 + 6 000 + 2 000
+ 1 000 + 7 000 = 26 000.
Ratios: indépendance financière 6 000 / (10 000 + 6 000) = 37,5 %; durée apparente de
la dette 6 000 / 10 000 = 0,6 an; vétusté 3 000 / 12 000 = 25 %; charges courantes
décaissables 6 500 + 30 000 = 36 500, so FRNG 14 000 × 365 / 36 500 = 140 days,
BFR 1 000 × 365 / 36 500 = 10 days, trésorerie 13 000 × 365 / 36 500 = 130 days.
"""

import pytest

from cpts_training.errors import DataError
from cpts_training.finance import (
    balance_sheet,
    caf,
    current_cash_charges,
    diagnosis_table,
    financial_balance,
    financing_table,
    income_statement,
    ratios,
)
from tests.finance.helpers import EXAMPLE_2024, EXAMPLE_2025, make_tb, plain

TB = make_tb(EXAMPLE_2025)


def test_income_statement_by_nature():
    statement = income_statement(TB, 2025)
    assert statement.total_charges_eur == 39500
    assert statement.total_produits_eur == 46500
    assert statement.resultat_eur == 7000
    assert statement.is_surplus
    rows = statement.table.set_index("prefixe")
    assert rows.loc["60", "charges_eur"] == 6500
    assert rows.loc["64", "charges_eur"] == 30000
    assert rows.loc["68", "charges_eur"] == 3000
    assert rows.loc["74", "produits_eur"] == 46500
    assert statement.resultat_par_section == {"exploitation": 7000}


def test_balance_sheet_totals_and_result_in_passif():
    bilan = balance_sheet(TB, 2025)
    assert bilan.total_actif_eur == bilan.total_passif_eur == 26000
    actif = bilan.actif.set_index("poste")["montant_eur"]
    assert actif["Immobilisations corporelles"] == 12000
    assert actif["Amortissements (à déduire)"] == -3000
    assert actif["Disponibilités"] == 13000
    passif = bilan.passif.set_index("poste")["montant_eur"]
    assert passif["Résultat de l'exercice"] == 7000
    assert passif["Emprunts et dettes financières"] == 6000
    assert passif["Dettes fiscales et sociales"] == 1000


def test_caf_terms():
    result = caf(TB, 2025)
    assert result.resultat_eur == 7000
    assert result.dotations_eur == 3000
    assert result.caf_eur == 10000
    assert result.iaf_eur == 0
    assert result.taux_caf == pytest.approx(10000 / 46500)
    frame = result.to_frame()
    assert frame["montant_eur"].iloc[-1] == 10000
    assert frame["comptes"].tolist()[3:6] == ["657", "757", "747"]


def test_financial_balance_five_masses():
    fb = financial_balance(TB, 2025)
    assert fb.financements_investissement_eur == 19000
    assert fb.immobilisations_brutes_eur == 12000
    assert fb.fri_eur == 7000
    assert fb.fre_eur == 7000
    assert fb.frng_eur == 14000
    assert fb.bfr_eur == 1000
    assert fb.efe_eur == 0
    assert fb.tresorerie_eur == 13000
    assert fb.disponibilites_eur == 13000
    assert fb.concours_bancaires_eur == 0


def test_ratios_by_hand():
    assert current_cash_charges(TB, 2025) == 36500
    table = ratios(TB, 2025).set_index("code")
    values = table["valeur"]
    assert values["independance_financiere"] == pytest.approx(0.375)
    assert values["duree_apparente_dette"] == pytest.approx(0.6)
    assert values["taux_vetuste"] == pytest.approx(0.25)
    assert values["taux_caf"] == pytest.approx(10000 / 46500)
    assert values["frng_jours"] == pytest.approx(140)
    assert values["bfr_jours"] == pytest.approx(10)
    assert values["tresorerie_jours"] == pytest.approx(130)
    assert set(table["unite"]) == {"taux", "années", "jours"}
    assert table["source"].str.len().min() > 10
    assert table["formule"].str.len().min() > 10


def test_financing_table_by_hand():
    # 2024: FRNG = (10 000 + 8 000) − 9 000 = 9 000 (résultat 0). 2025: FRNG 14 000.
    # Emplois: remboursement 8 000 − 6 000 = 2 000; acquisitions 12 000 − 9 000 = 3 000.
    # Ressources: CAF 10 000. Apport au fonds de roulement 10 000 − 5 000 = 5 000 = ΔFRNG.
    table = financing_table(make_tb(EXAMPLE_2024), TB, 2025)
    emplois = table.emplois.set_index("poste")["montant_eur"]
    ressources = table.ressources.set_index("poste")["montant_eur"]
    assert emplois["Remboursements d'emprunts"] == 2000
    assert emplois["Acquisitions d'immobilisations"] == 3000
    assert ressources["Capacité d'autofinancement (CAF)"] == 10000
    assert table.total_emplois_eur == 5000
    assert table.total_ressources_eur == 10000
    assert table.variation_fonds_roulement_eur == table.delta_frng_eur == 5000


def test_financing_table_with_a_new_loan_given():
    # A new loan of 1 000: repayments 1 000 − (6 000 − 8 000) = 3 000; the variation stays.
    table = financing_table(make_tb(EXAMPLE_2024), TB, 2025, nouveaux_emprunts_eur=1000)
    assert table.emplois.set_index("poste")["montant_eur"]["Remboursements d'emprunts"] == 3000
    assert table.variation_fonds_roulement_eur == 5000


def test_financing_table_refuses_an_unallocated_previous_result():
    # 2024 with a résultat of 1 000 that the 2025 balance never books in 106/11/12.
    previous = dict(EXAMPLE_2024, **{"741": (0, 21000), "512": (11500, 0)})
    with pytest.raises(DataError) as info:
        financing_table(make_tb(previous), TB, 2025)
    message = plain(info.value)
    assert "5 000,00 €" in message and "4 000,00 €" in message
    assert "écart 1 000,00 €" in message and "affecté" in message


def test_diagnosis_reads_against_thresholds():
    table = diagnosis_table(ratios(TB, 2025))
    assert list(table.columns) == ["signal", "indicateur", "valeur", "seuil", "lecture"]
    rows = table.set_index("indicateur")
    assert rows.loc["Indépendance financière", "signal"] == "✅"
    assert plain(rows.loc["Indépendance financière", "valeur"]) == "37,5 %"
    assert "50 %" in plain(rows.loc["Indépendance financière", "seuil"])
    assert "à vérifier" in rows.loc["Durée apparente de la dette", "seuil"]
    assert rows.loc["Trésorerie en jours de charges", "signal"] == "✅"
    assert rows.loc["Besoin en fonds de roulement en jours de charges", "signal"] == "ℹ️"


# A disposal. Year N−1: 102 C 10 000, 2183 D 9 000, 28183 C 2 000, 512 D 3 000,
# 641 D 20 000, 741 C 20 000 (résultat 0; FRNG = 10 000 + 2 000 − 9 000 = 3 000).
# Year N: a computer of gross value 4 000, amortised 1 000, is sold 2 500 (valeur
# comptable 3 000); another is bought 7 000: 2183 = 9 000 − 4 000 + 7 000 = 12 000 and
# 28183 = 2 000 − 1 000 + 3 000 (dotation) = 4 000.
# Résultat = 40 000 + 2 500 − 30 000 − 3 000 − 3 000 = 6 500;
# CAF = 6 500 + 3 000 (dotation) + 3 000 (valeur comptable) − 2 500 (prix) = 10 000.
# Bank: credits 10 000 + 4 000 + 2 500 + 40 000 = 56 500 − debits 48 000 = 8 500.
# FRNG = 10 000 + 4 000 − 12 000 + 6 500 = 8 500; ΔFRNG = 5 500.
# Ressources 10 000 + 2 500 = 12 500; emplois 3 000 + 4 000 = 7 000; 12 500 − 7 000 = 5 500.
PREVIOUS_WITH_ASSETS = {
    "102": (0, 10000),
    "2183": (9000, 0),
    "28183": (0, 2000),
    "512": (3000, 0),
    "641": (20000, 0),
    "741": (0, 20000),
}


@pytest.mark.parametrize(("year", "vnc", "proceeds"), [(2025, "657", "757"), (2024, "675", "775")])
def test_disposal_in_the_caf_and_the_financing_table(year, vnc, proceeds):
    current = make_tb(
        {"102": (0, 10000), "2183": (12000, 0), "28183": (0, 4000), "512": (8500, 0),
         vnc: (3000, 0), proceeds: (0, 2500), "6811": (3000, 0), "641": (30000, 0),
         "741": (0, 40000)}
    )  # fmt: skip
    result = caf(current, year)
    assert result.resultat_eur == 6500
    assert result.valeur_comptable_cessions_eur == 3000
    assert result.produits_cessions_eur == 2500
    assert result.caf_eur == 10000
    assert current_cash_charges(current, year) == 30000
    previous = make_tb(PREVIOUS_WITH_ASSETS)
    table = financing_table(previous, current, year, cessions_valeur_brute_eur=4000)
    emplois = table.emplois.set_index("poste")["montant_eur"]
    ressources = table.ressources.set_index("poste")["montant_eur"]
    assert emplois["Acquisitions d'immobilisations"] == 7000
    assert ressources["Produits des cessions d'immobilisations"] == 2500
    assert table.variation_fonds_roulement_eur == table.delta_frng_eur == 5500
    with pytest.raises(DataError) as info:
        financing_table(previous, current, year)
    assert "écart 4 000,00 €" in plain(info.value)
    assert "cessions_valeur_brute_eur" in plain(info.value)


def test_investment_grant_is_a_resource_net_of_its_transfer():
    # Year N−1: 131 subvention d'investissement C 6 000 for a 2183 of 6 000 (bank 0).
    # Year N: quote-part 7471 C 2 000 virée au résultat (1391 D 2 000, net 13 = 4 000),
    # dotation 6811 2 000. Résultat = 2 000 − 2 000 = 0; CAF = 0 + 2 000 − 2 000 = 0.
    # Subventions reçues = Δ13 (4 000 − 6 000) + 2 000 = 0. ΔFRNG: N−1 = 6 000 − 6 000 = 0;
    # N = 4 000 + 2 000 (28) − 6 000 = 0.
    previous = make_tb({"131": (0, 6000), "2183": (6000, 0)})
    current = make_tb(
        {"131": (0, 6000), "1391": (2000, 0), "2183": (6000, 0), "28183": (0, 2000),
         "6811": (2000, 0), "7471": (0, 2000)}
    )  # fmt: skip
    assert caf(current, 2025).quote_part_subventions_eur == 2000
    assert caf(current, 2025).caf_eur == 0
    table = financing_table(previous, current, 2025)
    assert table.ressources.set_index("poste")["montant_eur"].sum() == 0
    assert table.variation_fonds_roulement_eur == table.delta_frng_eur == 0
