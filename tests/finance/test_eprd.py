"""EPRD and ERRD of a partner ESSMS: CRPP by groupe fonctionnel, CAF, TFP, PGFP and
EPRD/ERRD variances, on a small example computed by hand and on the SSIAD case files."""

import copy
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpts_training.errors import DataError, InputError
from cpts_training.finance import (
    crpp_by_group,
    eprd_caf,
    eprd_errd_variances,
    functional_groups_table,
    load_eprd,
    load_errd,
    load_functional_groups,
    pgfp,
    tableau_de_financement_previsionnel,
)
from cpts_training.finance.eprd import (
    GROUPS,
    GROUPS_FILE,
    eprd_alerts,
    eprd_file,
    eprd_from_dict,
    eprd_with_measures,
    errd_from_dict,
    forecast_balance,
    measure_account,
    resultat,
)
from tests.finance.helpers import plain

# Small EPRD 2025, by hand:
#   charges : I 601 = 100 ; II 641 = 500 ; III 6811 = 50 + 661 = 10 → 60 ; total 660
#   produits : I 731 = 650 ; II 741 = 40 ; III 747 = 20 ; total 710
#   résultat = 710 − 660 = 50
#   CAF = 50 + 50 (6811) − 0 (78) + 0 (657) − 0 (757) − 20 (747) = 80
#   TFP : emplois = 0 (IAF) + 20 (remboursement) + 200 (investissement) = 220
#         ressources = 80 (CAF) + 60 (emprunt) + 30 (subvention) + 0 (cession) = 170
#         apport = 170 − 220 = −50 (prélèvement sur fonds de roulement)
#   FRNG 31/12 = 300 − 50 = 250 ; BFR = 100 × 1,10 = 110 ; trésorerie = 250 − 110 = 140
SMALL_EPRD = {
    "etat": "EPRD",
    "etablissement": "SSIAD test",
    "exercice": 2025,
    "crpp": {
        "charges": [
            {"groupe": "I", "compte": "601", "libelle": "Achats", "montant_eur": 100},
            {"groupe": "II", "compte": "641", "libelle": "Salaires", "montant_eur": 500},
            {"groupe": "III", "compte": "6811", "libelle": "Dotations", "montant_eur": 50},
            {"groupe": "III", "compte": "661", "libelle": "Intérêts", "montant_eur": 10},
        ],
        "produits": [
            {"groupe": "I", "compte": "731", "libelle": "Dotation de soins", "montant_eur": 650},
            {"groupe": "II", "compte": "741", "libelle": "Subvention", "montant_eur": 40},
            {"groupe": "III", "compte": "747", "libelle": "Quote-part", "montant_eur": 20},
        ],
    },
    "investissements": [
        {"annee": 2025, "libelle": "Véhicule", "montant_eur": 200, "subvention_eur": 30}
    ],
    "emprunts": {
        "encours_ouverture_eur": 100,
        "par_annee": [
            {"annee": 2025, "nouveaux_eur": 60, "remboursement_capital_eur": 20},
            {"annee": 2026, "remboursement_capital_eur": 20},
        ],
    },
    "bilan_ouverture": {"frng_eur": 300, "bfr_eur": 100, "tresorerie_eur": 200},
    "hypotheses_pgfp": {
        "taux_evolution_charges": {"I": 0.10, "II": 0.0, "III": 0.0},
        "taux_evolution_produits": {"I": 0.0, "II": 0.0, "III": 0.0},
        "taux_evolution_bfr": 0.10,
    },
}

# Small ERRD 2025, by hand: charges II 641 = 520 (instead of 500), produits I 731 = 640
# (instead of 650), investment 180 (instead of 200), BFR at 31/12 = 130.
#   charges 100 + 520 + 60 = 680 ; produits 640 + 40 + 20 = 700 ; résultat = 20
#   CAF = 20 + 50 − 20 = 50 ; emplois = 20 + 180 = 200 ; ressources = 50 + 60 + 30 = 140
#   apport = −60 ; FRNG = 300 − 60 = 240 ; trésorerie = 240 − 130 = 110
SMALL_ERRD = copy.deepcopy(SMALL_EPRD)
SMALL_ERRD["etat"] = "ERRD"
del SMALL_ERRD["hypotheses_pgfp"]
SMALL_ERRD["crpp"]["charges"][1]["montant_eur"] = 520
SMALL_ERRD["crpp"]["produits"][0]["montant_eur"] = 640
SMALL_ERRD["investissements"][0]["montant_eur"] = 180
SMALL_ERRD["emprunts"]["par_annee"] = SMALL_ERRD["emprunts"]["par_annee"][:1]
SMALL_ERRD["bfr_cloture_eur"] = 130


def small_eprd(**changes):
    raw = copy.deepcopy(SMALL_EPRD)
    raw.update(changes)
    return raw


def refused(raw, error=DataError) -> str:
    with pytest.raises(error) as info:
        eprd_from_dict(raw)
    return plain(info.value)


# ------------------------------------------------------------------ hand-computed example


def test_crpp_by_group_matches_the_hand_computation():
    table = crpp_by_group(eprd_from_dict(SMALL_EPRD)).set_index("groupe")
    assert table["charges_eur"].to_dict() == {"I": 100, "II": 500, "III": 60, "Total": 660}
    assert table["produits_eur"].to_dict() == {"I": 650, "II": 40, "III": 20, "Total": 710}
    assert table.loc["Total", "solde_eur"] == 50
    assert table.loc["I", "charges"] == "Charges afférentes à l'exploitation courante"
    assert table.loc["I", "produits"] == "Produits de la tarification"


def test_caf_matches_the_hand_computation():
    result = eprd_caf(eprd_from_dict(SMALL_EPRD))
    assert result.resultat_eur == 50
    assert result.dotations_eur == 50
    assert result.quote_part_subventions_eur == 20
    assert result.caf_eur == 80
    assert result.taux_caf == pytest.approx(80 / 710)


def test_tfp_matches_the_hand_computation():
    table = tableau_de_financement_previsionnel(eprd_from_dict(SMALL_EPRD))
    assert table.emplois["montant_eur"].tolist() == [0, 20, 200]
    assert table.ressources["montant_eur"].tolist() == [80, 60, 30, 0]
    assert table.total_emplois_eur == 220 and table.total_ressources_eur == 170
    assert table.variation_fonds_roulement_eur == -50


def test_pgfp_matches_the_hand_computation():
    # 2026: charges I 100 × 1,10 = 110, II 500, III 60 → 670 ; produits 710 ; résultat 40 ;
    # CAF = 40 + 50 − 20 = 70 ; emplois 20 (remboursement) ; ressources 70 ; apport 50 ;
    # FRNG 250 + 50 = 300 ; BFR 110 × 1,10 = 121 ; trésorerie 179 ; dette 140 − 20 = 120.
    plan = pgfp(eprd_from_dict(SMALL_EPRD), years=2).set_index("annee")
    assert plan.loc[2025, ["resultat_eur", "caf_eur", "apport_fonds_roulement_eur"]].tolist() == [
        50,
        80,
        -50,
    ]
    assert plan.loc[2025, ["frng_eur", "bfr_eur", "tresorerie_eur"]].tolist() == pytest.approx(
        [250, 110, 140]
    )
    assert plan.loc[2025, "encours_dette_eur"] == 140
    row = plan.loc[2026]
    assert row["total_charges_eur"] == pytest.approx(670)
    assert row["resultat_eur"] == pytest.approx(40)
    assert row["caf_eur"] == pytest.approx(70)
    assert row["apport_fonds_roulement_eur"] == pytest.approx(50)
    assert [row["frng_eur"], row["bfr_eur"], row["tresorerie_eur"]] == pytest.approx(
        [300, 121, 179]
    )
    assert row["encours_dette_eur"] == 120


def test_variances_match_the_hand_computation():
    table = eprd_errd_variances(eprd_from_dict(SMALL_EPRD), errd_from_dict(SMALL_ERRD))
    rows = table.set_index("poste")
    assert rows.loc["Charges – groupe II (Charges afférentes au personnel)", "ecart_eur"] == 20
    assert rows.loc["Charges – groupe II (Charges afférentes au personnel)", "ecart_pct"] == (
        pytest.approx(0.04)
    )
    assert rows.loc["Produits – groupe I (Produits de la tarification)", "ecart_eur"] == -10
    assert rows.loc["Total des charges", "ecart_eur"] == 20
    assert rows.loc["Résultat", ["prevu_eur", "realise_eur", "ecart_eur"]].tolist() == [50, 20, -30]
    assert rows.loc["Résultat", "ecart_pct"] == pytest.approx(-0.6)
    assert rows.loc["Capacité d'autofinancement (CAF)", "ecart_eur"] == -30
    assert rows.loc["Fonds de roulement net global au 31/12/2025", "realise_eur"] == 240
    assert rows.loc["Fonds de roulement net global au 31/12/2025", "ecart_pct"] == (
        pytest.approx(-0.04)
    )
    assert rows.loc["Trésorerie au 31/12/2025", ["prevu_eur", "realise_eur"]].tolist() == [
        140,
        110,
    ]
    assert rows.loc["Charges – groupe I (Charges afférentes à l'exploitation courante)",
                    "ecart_pct"] == 0  # fmt: skip


# ------------------------------------------------------------------ identities


@pytest.mark.parametrize("doc", ["small", "case"])
def test_identities(doc):
    eprd = eprd_from_dict(SMALL_EPRD) if doc == "small" else load_eprd(2025)
    errd = errd_from_dict(SMALL_ERRD) if doc == "small" else load_errd(2025)
    for budget in (eprd, errd):
        table = crpp_by_group(budget).set_index("groupe")
        produits = sum(table.loc[g, "produits_eur"] for g in GROUPS)
        charges = sum(table.loc[g, "charges_eur"] for g in GROUPS)
        assert resultat(budget) == pytest.approx(produits - charges)
        assert table.loc["Total", "solde_eur"] == pytest.approx(produits - charges)
        tfp = tableau_de_financement_previsionnel(budget)
        # An EPRD has no closing bilan: its ΔFRNG is the TFP's apport by definition, so
        # the apport is checked against hand-computed values (small example, case files).
        assert tfp.variation_fonds_roulement_eur == pytest.approx(
            tfp.total_ressources_eur - tfp.total_emplois_eur
        )
    plan = pgfp(eprd, years=2)
    previous = eprd.frng_ouverture_eur
    for _, row in plan.iterrows():
        assert row["frng_eur"] - previous == pytest.approx(row["apport_fonds_roulement_eur"])
        assert row["tresorerie_eur"] == pytest.approx(row["frng_eur"] - row["bfr_eur"])
        previous = row["frng_eur"]
    variances = eprd_errd_variances(eprd, errd)
    assert (variances["ecart_eur"] == variances["realise_eur"] - variances["prevu_eur"]).all()


def test_zero_forecast_gives_no_percentage():
    raw = copy.deepcopy(SMALL_EPRD)
    raw["crpp"]["produits"][1]["montant_eur"] = 0
    rows = eprd_errd_variances(eprd_from_dict(raw), errd_from_dict(SMALL_ERRD)).set_index("poste")
    assert math.isnan(rows.loc["Produits – groupe II (Autres produits relatifs à l'exploitation)",
                               "ecart_pct"])  # fmt: skip


def test_an_iaf_goes_to_the_emplois():
    raw = copy.deepcopy(SMALL_EPRD)
    raw["crpp"]["charges"][1]["montant_eur"] = 700  # résultat −150, CAF −150 + 50 − 20 = −120
    tfp = tableau_de_financement_previsionnel(eprd_from_dict(raw))
    assert tfp.emplois["montant_eur"].tolist() == [120, 20, 200]
    assert tfp.ressources["montant_eur"].tolist()[0] == 0
    assert tfp.variation_fonds_roulement_eur == 90 - 340


# ------------------------------------------------------------------ bad input


def test_unknown_group_is_refused_in_french():
    raw = copy.deepcopy(SMALL_EPRD)
    raw["crpp"]["charges"][0]["groupe"] = "IV"
    message = refused(raw)
    assert "groupe « IV » inconnu" in message and "I, II et III" in message
    assert "crpp.charges n°1 (compte 601)" in message


def test_an_account_in_two_groups_is_refused():
    raw = copy.deepcopy(SMALL_EPRD)
    raw["crpp"]["charges"].append(
        {"groupe": "I", "compte": "641", "libelle": "Salaires bis", "montant_eur": 1}
    )
    message = refused(raw)
    assert "le compte 641 est classé dans deux groupes (II et I)" in message


def test_an_account_in_the_wrong_group_is_refused():
    raw = copy.deepcopy(SMALL_EPRD)
    raw["crpp"]["charges"][1]["groupe"] = "I"
    message = refused(raw)
    assert "déclaré en groupe I mais relève du groupe II" in message


def test_a_produit_account_among_charges_is_refused():
    raw = copy.deepcopy(SMALL_EPRD)
    raw["crpp"]["charges"][0]["compte"] = "706"
    assert "n'est pas un compte de charges (classe 6)" in refused(raw)


def test_a_negative_amount_is_refused():
    raw = copy.deepcopy(SMALL_EPRD)
    raw["crpp"]["produits"][0]["montant_eur"] = -650
    message = refused(raw)
    assert "ligne de produits n°1" in message and "montant_eur" in message
    assert "doit être supérieure ou égale à 0" in message


def test_a_missing_year_of_the_loans_is_refused():
    raw = copy.deepcopy(SMALL_EPRD)
    raw["emprunts"]["par_annee"] = [{"annee": 2026}]
    assert "l'année 2025 manque" in refused(raw)
    # The PGFP needs every year of the plan.
    with pytest.raises(InputError) as info:
        pgfp(eprd_from_dict(SMALL_EPRD), years=4)
    assert "pas de ligne pour 2027, 2028" in plain(info.value)


def test_a_missing_exercice_is_refused():
    raw = small_eprd()
    del raw["exercice"]
    assert "exercice" in refused(raw)


def test_an_opening_bilan_that_does_not_add_up_is_refused():
    raw = small_eprd(bilan_ouverture={"frng_eur": 300, "bfr_eur": 100, "tresorerie_eur": 150})
    assert "doit valoir FRNG − BFR" in refused(raw)


def test_rates_of_unknown_or_missing_groups_are_refused():
    raw = copy.deepcopy(SMALL_EPRD)
    raw["hypotheses_pgfp"]["taux_evolution_charges"] = {"I": 0.0, "II": 0.0, "IV": 0.0}
    assert "groupe « IV » inconnu" in refused(raw)
    raw["hypotheses_pgfp"]["taux_evolution_charges"] = {"I": 0.0, "II": 0.0}
    assert "il manque le taux du groupe III" in refused(raw)
    with pytest.raises(InputError):
        pgfp(eprd_from_dict(SMALL_EPRD), taux_charges={"I": -1.0, "II": 0.0, "III": 0.0})


def test_wrong_document_kind_and_mismatched_variances_are_refused():
    with pytest.raises(DataError, match="ERRD est attendu"):
        errd_from_dict(SMALL_EPRD)
    raw = copy.deepcopy(SMALL_ERRD)
    del raw["bfr_cloture_eur"]
    with pytest.raises(DataError, match="bfr_cloture_eur"):
        errd_from_dict(raw)
    other = copy.deepcopy(SMALL_ERRD)
    other["exercice"] = 2026
    other["emprunts"]["par_annee"] = [{"annee": 2026}]
    other["investissements"] = []
    with pytest.raises(InputError, match="même exercice"):
        eprd_errd_variances(eprd_from_dict(SMALL_EPRD), errd_from_dict(other))


def test_groups_data_refuses_a_prefix_in_two_groups(tmp_path):
    text = GROUPS_FILE.read_text(encoding="utf-8")
    text = text.replace(
        '  - {prefixe: "69",',
        '  - {prefixe: "64", nature: charge, groupe: III, libelle: "Doublon", verified: false}\n'
        '  - {prefixe: "69",',
    )
    path = tmp_path / "groupes.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_functional_groups(path)
    assert "le préfixe 64 est classé deux fois (groupes II et III)" in plain(info.value)


# ------------------------------------------------------------------ data and case files


def test_group_mapping_is_complete_and_flagged_unverified():
    groups = load_functional_groups()
    assert groups.verified is False
    assert not groups.comptes["verified"].any()
    assert groups.group_of("6411", "charge") == "II"
    assert groups.group_of("6215", "charge") == "II"
    assert groups.group_of("6251", "charge") == "I"
    assert groups.group_of("6132", "charge") == "III"
    assert groups.group_of("731", "produit") == "I"
    assert groups.group_of("741", "produit") == "II"
    assert groups.group_of("747", "produit") == "III"
    assert groups.group_of("512", "charge") is None
    table = functional_groups_table()
    assert set(table["groupe"]) == set(GROUPS)


def test_case_files_load_and_are_marked_fictional():
    eprd, errd = load_eprd(2025), load_errd(2025)
    assert eprd.etablissement == errd.etablissement == "SSIAD du Causse"
    assert eprd.warning and eprd.warning.startswith("Données fictives")
    assert errd.warning and errd.warning.startswith("Données fictives")
    # Figures checked by hand in the comments of the case files.
    assert resultat(eprd) == 1500 and eprd_caf(eprd).caf_eur == 14000
    assert tableau_de_financement_previsionnel(eprd).variation_fonds_roulement_eur == -1000
    assert resultat(errd) == -16000 and eprd_caf(errd).caf_eur == -2000
    assert tableau_de_financement_previsionnel(errd).variation_fonds_roulement_eur == -18000
    plan = pgfp(eprd)
    assert plan["annee"].tolist() == list(range(2025, 2031))
    assert plan.loc[0, "tresorerie_eur"] == pytest.approx(43100)
    rows = eprd_errd_variances(eprd, errd).set_index("poste")
    assert rows.loc["Trésorerie au 31/12/2025", "realise_eur"] == pytest.approx(20000)


def test_loading_the_wrong_year_is_refused():
    with pytest.raises(DataError, match="introuvable|n'existe pas|2024"):
        load_eprd(2024)
    with pytest.raises(DataError, match="exercice demandé est 2026"):
        load_eprd(2026, path=eprd_file(2025))


# ------------------------------------------------------------------ mesures nouvelles
#
# The case's EPRD 2025 (hand values in the comments of ssiad_eprd_2025.yaml): résultat
# 1 500, CAF 14 000, apport −1 000, FRNG 89 000, BFR 45 900, trésorerie 43 100.


def _investment(**changes):
    row = {
        "annee": 2025,
        "libelle": "Troisième véhicule",
        "montant_eur": 30000.0,
        "subvention_eur": 10000.0,
        "duree_amortissement_ans": 5,
    }
    row.update(changes)
    return pd.DataFrame([row])


def test_a_group_ii_charge_lowers_resultat_caf_and_cash_by_the_same_amount():
    eprd = load_eprd(2025)
    changed = eprd_with_measures(eprd, charges_by_group={"II": 10000})
    # résultat 1 500 − 10 000 = −8 500 ; CAF 14 000 − 10 000 = 4 000
    assert resultat(changed) == -8500
    assert eprd_caf(changed).caf_eur == 4000
    # apport −1 000 − 10 000 = −11 000 ; FRNG 90 000 − 11 000 = 79 000 ;
    # trésorerie 79 000 − 45 900 = 33 100
    balance = forecast_balance(changed)
    assert balance.apport_eur == -11000
    assert balance.frng_eur == 79000
    assert balance.tresorerie_eur == pytest.approx(33100)
    table = crpp_by_group(changed).set_index("groupe")
    assert table.loc["II", "charges_eur"] == 526000 + 10000
    line = changed.lignes.iloc[-1]
    assert (line["compte"], line["libelle"], line["montant_eur"]) == (
        "64",
        "Mesures nouvelles groupe II",
        10000,
    )
    # The filed EPRD is left as it was.
    assert resultat(eprd) == 1500 and forecast_balance(eprd).tresorerie_eur == pytest.approx(43100)


def test_a_produit_measure_and_a_saving_move_the_caf_by_their_amount():
    eprd = load_eprd(2025)
    changed = eprd_with_measures(
        eprd, produits_by_group={"I": 5000, "III": 1000}, charges_by_group={"I": -3000}
    )
    # résultat 1 500 + 5 000 + 1 000 + 3 000 = 10 500 ; CAF 14 000 + 9 000 = 23 000
    assert resultat(changed) == 10500
    assert eprd_caf(changed).caf_eur == 23000
    added = changed.lignes.iloc[len(eprd.lignes) :]
    assert list(zip(added["nature"], added["compte"], added["montant_eur"], strict=True)) == [
        ("charge", "60", -3000),
        ("produit", "73", 5000),
        ("produit", "76", 1000),
    ]


def test_measure_accounts_are_cash_accounts_of_their_group():
    expected = {
        ("charge", "I"): "60",
        ("charge", "II"): "64",
        ("charge", "III"): "61",
        ("produit", "I"): "73",
        ("produit", "II"): "70",
        ("produit", "III"): "76",
    }
    groups = load_functional_groups()
    for (nature, group), account in expected.items():
        assert measure_account(nature, group) == account
        assert groups.group_of(account, nature) == group


def test_an_investment_with_a_subsidy_and_a_loan():
    eprd = load_eprd(2025)
    changed = eprd_with_measures(
        eprd, investissements=_investment(), nouveaux_emprunts={2025: 20000}
    )
    # dotation = 30 000 / 5 = 6 000 (groupe III, 6811) ; résultat 1 500 − 6 000 = −4 500
    assert resultat(changed) == -4500
    assert crpp_by_group(changed).set_index("groupe").loc["III", "charges_eur"] == 54500 + 6000
    # CAF = −4 500 + (16 000 + 6 000) + 1 500 − 3 000 − 2 000 = 14 000: unchanged
    caf = eprd_caf(changed)
    assert caf.dotations_eur == 22000 and caf.caf_eur == 14000
    # emplois 12 000 + 36 000 + 30 000 = 78 000 ;
    # ressources 14 000 + (20 000 + 20 000) + (10 000 + 10 000) + 3 000 = 77 000 ;
    # apport −1 000 ; trésorerie 43 100 as filed
    tfp = tableau_de_financement_previsionnel(changed)
    assert tfp.total_emplois_eur == 78000 and tfp.total_ressources_eur == 77000
    assert tfp.variation_fonds_roulement_eur == -1000
    assert forecast_balance(changed).tresorerie_eur == pytest.approx(43100)
    # PGFP: the dotation (not grown by the 1 % of groupe III) lowers the résultat by
    # 6 000 from 2025 to 2029 (5 years), not in 2030; the CAF does not move; the new loan
    # is repaid 20 000 / 5 = 4 000 a year from 2026: the debt is 20 000 higher at the end
    # of 2025, then 16 000, 12 000, 8 000, 4 000 and 0 higher; each repayment is an emploi,
    # so the trésorerie is 4 000, 8 000, … 20 000 lower from 2026 (the loan only spreads
    # the investment's cost).
    before, after = pgfp(eprd).set_index("annee"), pgfp(changed).set_index("annee")
    gap = after - before
    assert gap.loc[2025:2029, "resultat_eur"].tolist() == pytest.approx([-6000] * 5)
    assert gap.loc[2030, "resultat_eur"] == pytest.approx(0)
    assert gap["caf_eur"].tolist() == pytest.approx([0] * 6, abs=1e-6)
    assert gap["encours_dette_eur"].tolist() == [20000, 16000, 12000, 8000, 4000, 0]
    assert gap["tresorerie_eur"].tolist() == pytest.approx(
        [0, -4000, -8000, -12000, -16000, -20000], abs=1e-6
    )


def test_a_loan_over_three_years_and_a_bad_duration():
    eprd = load_eprd(2025)
    changed = eprd_with_measures(eprd, nouveaux_emprunts={2027: 9000}, duree_emprunts_ans=3)
    # 9 000 / 3 = 3 000 repaid in 2028, 2029 and 2030 (filed: 8 000, 9 000, 9 000).
    loans = changed.emprunts.set_index("annee")
    assert loans.loc[2027, "nouveaux_eur"] == 9000
    assert loans.loc[2028:2030, "remboursement_capital_eur"].tolist() == [11000, 12000, 12000]
    with pytest.raises(InputError, match="nombre entier d'années, de 1 à 30"):
        eprd_with_measures(eprd, nouveaux_emprunts={2025: 1000}, duree_emprunts_ans=2.5)


def test_a_later_investment_stays_out_of_the_eprd_and_enters_the_pgfp():
    eprd = load_eprd(2025)
    changed = eprd_with_measures(
        eprd, investissements=_investment(annee=2027, subvention_eur=0.0, duree_amortissement_ans=3)
    )
    # 2025 unchanged ; 2027: investment 8 000 (filed) + 30 000 = 38 000 ; dotation
    # 30 000 / 3 = 10 000 in 2027, 2028, 2029 ; apport of 2027 lower by 30 000
    assert resultat(changed) == 1500
    before, after = pgfp(eprd).set_index("annee"), pgfp(changed).set_index("annee")
    assert after.loc[2027, "investissements_eur"] == 38000
    gap = after - before
    assert gap["resultat_eur"].tolist() == pytest.approx([0, 0, -10000, -10000, -10000, 0])
    assert gap.loc[2027, "apport_fonds_roulement_eur"] == pytest.approx(-30000)
    assert gap.loc[2030, "tresorerie_eur"] == pytest.approx(-30000)


def test_cash_in_days_and_alerts():
    # Charges décaissables of the case (60 to 65 but 657): I 28 000 + II 526 000 +
    # III (6132 24 000 + 6155 6 000 + 616 5 000) = 589 000 ;
    # 43 100 × 365 / 589 000 = 26,71 jours
    balance = forecast_balance(load_eprd(2025))
    assert balance.charges_decaissables_eur == 589000
    assert balance.tresorerie_jours == pytest.approx(43100 * 365 / 589000)
    # Small EPRD with +200 of charges II: résultat 50 − 200 = −150, CAF 80 − 200 = −120,
    # apport −50 − 200 = −250, FRNG 300 − 250 = 50, trésorerie 50 − 110 = −60.
    changed = eprd_with_measures(eprd_from_dict(SMALL_EPRD), charges_by_group={"II": 200})
    alerts = [plain(a) for a in eprd_alerts(pgfp(changed, years=1))]
    assert alerts == [
        "Résultat déficitaire en 2025 : -150 €.",
        "Capacité d'autofinancement négative (insuffisance d'autofinancement) en 2025 : -120 €.",
        "Trésorerie négative au 31/12/2025 : -60 €.",
    ]
    assert eprd_alerts(pgfp(eprd_from_dict(SMALL_EPRD), years=1)) == []


def _refused_measure(**kwargs) -> str:
    with pytest.raises(InputError) as info:
        eprd_with_measures(load_eprd(2025), **kwargs)
    return plain(info.value)


def test_bad_measures_are_refused_in_french():
    message = _refused_measure(charges_by_group={"IV": 1000})
    assert "groupe « IV » inconnu" in message and "I, II et III" in message
    # Groupe I of the charges is 28 000: −30 000 would leave −2 000.
    message = _refused_measure(charges_by_group={"I": -30000})
    assert "groupe I" in message and "rendrait le groupe négatif" in message
    assert "-2 000 €" in message
    message = _refused_measure(produits_by_group={"II": -6000})
    assert "produits, groupe II" in message
    message = _refused_measure(nouveaux_emprunts={2024: 1000})
    assert "2024 précède l'exercice" in message and "2025 à 2030" in message
    message = _refused_measure(nouveaux_emprunts={2031: 1000})
    assert "2031 dépasse les 6 années du PGFP" in message
    assert "est négatif" in _refused_measure(nouveaux_emprunts={2026: -1000})
    message = _refused_measure(investissements=_investment(annee=2031))
    assert "Investissement nouveau n°1" in message and "2031" in message
    message = _refused_measure(investissements=_investment(montant_eur=-30000))
    assert "2025 : le montant (-30 000 €) est négatif" in message
    assert "subvention" in _refused_measure(investissements=_investment(subvention_eur=40000))
    assert "durée d'amortissement" in _refused_measure(
        investissements=_investment(duree_amortissement_ans=2.5)
    )
    assert "n'est pas un nombre fini" in _refused_measure(charges_by_group={"I": math.inf})


_CASE = load_eprd(2025)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    group=st.sampled_from(GROUPS),
    amount=st.integers(min_value=-28000, max_value=100000),
    nature=st.sampled_from(["charges_by_group", "produits_by_group"]),
)
def test_a_cash_measure_moves_resultat_caf_and_cash_by_its_amount(group, amount, nature):
    # Smallest groups of the case: charges I 28 000, produits II and III 5 000.
    if nature == "produits_by_group" and group != "I":
        amount = max(amount, -5000)
    changed = eprd_with_measures(_CASE, **{nature: {group: float(amount)}})
    sign = -1 if nature == "charges_by_group" else 1
    assert resultat(changed) == pytest.approx(1500 + sign * amount)
    assert eprd_caf(changed).caf_eur == pytest.approx(14000 + sign * amount)
    assert forecast_balance(changed).tresorerie_eur == pytest.approx(43100 + sign * amount)


def test_the_personnel_group_lines_planned_and_actual():
    from cpts_training.finance import group_lines

    planned, actual = group_lines(load_eprd(2025), "II"), group_lines(load_errd(2025), "II")
    # Intérim 6215: 8 000 planned, 26 000 actual; groupe II 526 000 → 538 000.
    assert planned.set_index("compte").at["6215", "montant_eur"] == 8000
    assert actual.set_index("compte").at["6215", "montant_eur"] == 26000
    charges = [t.loc[t["nature"] == "charge", "montant_eur"].sum() for t in (planned, actual)]
    assert charges == [526000, 538000]
    # Groupe II also holds produits: 741 4 000 + 758 1 000 planned.
    assert planned.loc[planned["nature"] == "produit", "montant_eur"].sum() == 5000
    assert set(planned["groupe"]) == {"II"}
    with pytest.raises(InputError, match="« IV » inconnu"):
        group_lines(load_eprd(2025), "IV")
