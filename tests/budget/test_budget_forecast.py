"""Budget prévisionnel 2025 of the case study (totals by hand), builders and bad inputs."""

import pandas as pd
import pytest

from cpts_training.budget.case_study import load_budget_file, load_contract, load_professionals
from cpts_training.budget.forecast import (
    account_class,
    aci_product_line,
    balance_of,
    budget_summary,
    by_nature,
    call_for_projects_line,
    communication_line,
    fir_line,
    indemnity_cap,
    indemnity_line,
    indemnity_table,
    it_lines,
    local_authority_line,
    make_budget,
    premises_lines,
    professionals_above_cap,
    salary_cost,
    salary_lines,
)
from cpts_training.errors import InputError

PLANNED = {
    1: {"acces_aux_soins": 0.8, "crises_sanitaires_graves": 0.5},
    2: {
        "acces_aux_soins": 0.8,
        "parcours_pluriprofessionnels": 0.6,
        "prevention": 0.8,
        "crises_sanitaires_graves": 0.5,
    },
}


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture(scope="module")
def budget() -> pd.DataFrame:
    return load_budget_file()


def test_case_budget_totals_by_hand(budget):
    summary = budget_summary(budget)
    # Charges: 40 800 + 17 136 + 13 200 + 5 544 (salaries and charges = 76 680)
    #   + 91 950 (indemnities) + 16 800 (actions) + 3 600 (accountant) + 2 800 (auditor)
    #   + 8 400 (rent) + 1 100 + 800 (laptop depreciation 2 400 / 3) + 3 000 + 4 500
    #   + 4 800 + 1 300 + 1 500 = 217 230
    assert summary.total_charges_eur == 217230
    # Products: ACI 197 850 + FIR 8 000 + communauté de communes 4 000
    #   + appel à projets 6 000 + cotisations 1 380 = 217 230
    assert summary.total_produits_eur == 217230
    assert summary.resultat_eur == 0
    assert summary.nature_resultat == "équilibre"
    assert len(budget) == 21
    assert balance_of(budget).balanced


def test_case_budget_lines_come_from_the_builders(budget):
    amounts = dict(zip(budget["compte"], budget["montant_eur"], strict=True))
    # Coordinator: 40 800 × 0.42 = 17 136 ; assistant 13 200 × 0.42 = 5 544
    coordinator = salary_lines("coordinatrice (1 ETP)", 40800, 0.42, "64111", "64511")
    assert [line["montant_eur"] for line in coordinator] == [40800, 17136]
    assert salary_cost(40800, 0.42) == 57936  # 40 800 × 1.42
    assert amounts["64511"] == coordinator[1]["montant_eur"]
    # ACI of civil year 2025 (see test_budget_aci): 197 850
    assert aci_product_line(load_contract(), 2025, PLANNED)["montant_eur"] == amounts["741"]
    assert indemnity_line(load_professionals(), 2025)["montant_eur"] == amounts["6228"]


def test_indemnities_of_the_15_professionals_by_hand():
    table = indemnity_table(load_professionals(), 2025)
    # 200×80 + 140×80 + 100×80 = 16 000 + 11 200 + 8 000 = 35 200 (médecins)
    # 110×70 + 70×70 = 7 700 + 4 900 = 12 600 (pharmaciens)
    # 150×50 + 120×50 + 90×50 = 18 000 (infirmiers)
    # 100×55 + 70×55 = 9 350 (kinés) ; 80×60 = 4 800 ; 60×55 = 3 300 ; 50×50 = 2 500 ;
    # 60×50 = 3 000 ; 40×80 = 3 200
    # total = 35 200 + 12 600 + 18 000 + 9 350 + 4 800 + 3 300 + 2 500 + 3 000 + 3 200
    #       = 91 950
    assert len(table) == 15
    assert table["montant_eur"].sum() == 91950
    assert table["montant_eur"].max() == 16000
    assert (table["plafond_eur"] == 47100).all()  # PASS 2025
    assert professionals_above_cap(load_professionals(), 2025).empty


def test_indemnity_above_the_pass_is_an_error_naming_the_professional():
    professionals = pd.DataFrame(
        {
            "professionnel": ["Dr A", "Dr B"],
            "profession": ["médecin", "médecin"],
            "heures": [700, 100],
            "taux_horaire_eur": [80, 80],
        }
    )
    # Dr A: 700 × 80 = 56 000 > 47 100 (PASS 2025): over by 8 900
    above = professionals_above_cap(professionals, 2025)
    assert list(above["professionnel"]) == ["Dr A"]
    assert above["depassement_eur"].iloc[0] == 8900
    with pytest.raises(InputError) as err:
        indemnity_line(professionals, 2025)
    message = plain(err.value.args[0])
    assert "Dr A" in message
    assert "plafond" in message
    assert "PASS 2025" in message
    assert "8 900 €" in message
    assert "pas écrêté" in message
    assert indemnity_cap(2024) == 46368


def test_builders_produce_valid_lines():
    lines = [
        *salary_lines("coordinateur (1 ETP)", 36000, 0.40),
        *it_lines(1200, 900),
        communication_line(2000),
        *premises_lines(500, 12, insurance_eur=800),
        fir_line(10000),
        local_authority_line(3000, "commune de Castelnau"),
        call_for_projects_line(5000, "prévention"),
    ]
    budget = make_budget(lines)
    amounts = dict(zip(budget["compte"], budget["montant_eur"], strict=True))
    assert amounts["6451"] == 14400  # 36 000 × 0.40
    assert amounts["6132"] == 6000  # 500 × 12
    summary = budget_summary(budget)
    # charges 36 000 + 14 400 + 1 200 + 900 + 2 000 + 6 000 + 800 = 61 300
    assert summary.total_charges_eur == 61300
    assert summary.total_produits_eur == 18000
    assert set(budget["sens"]) == {"charge", "produit"}


def test_sub_accounts_are_accepted_by_their_prefix():
    assert account_class("6411") == ("64", "Charges de personnel", "charge")
    assert account_class(741) == ("74", "Subventions d'exploitation", "produit")
    # ANC 2018-06: account 73 (concours publics) is an association account; the ACI may
    # be booked there instead of 74.
    assert account_class("731") == ("73", "Concours publics", "produit")
    assert make_budget([("731", "Financement ACI (concours public)", 197850)]).loc[0, "sens"] == (
        "produit"
    )


@pytest.mark.parametrize("account", ["69", "79", "512", "abc", "6"])
def test_unknown_account_is_refused_listing_the_valid_ones(account):
    with pytest.raises(InputError) as err:
        make_budget([(account, "Ligne", 100)])
    message = err.value.args[0]
    assert f"Compte « {account} » inconnu" in message
    assert "64 (Charges de personnel)" in message
    assert "74 (Subventions d'exploitation)" in message


def test_negative_amount_and_duplicate_account_are_refused():
    with pytest.raises(InputError) as err:
        make_budget([("623", "Communication", -50)])
    assert "négatif" in plain(err.value.args[0])
    assert "Ligne 1" in err.value.args[0]
    with pytest.raises(InputError, match="déjà utilisé"):
        make_budget([("623", "Communication", 50), ("623", "Site internet", 70)])


def test_check_balance_says_the_gap_and_the_side_to_adjust(budget):
    deficit = pd.concat(
        [budget, make_budget([("6257", "Réceptions supplémentaires", 2500)])], ignore_index=True
    )
    check = balance_of(deficit)
    assert not check
    assert check.gap_eur == -2500
    message = plain(check.message)
    assert "les charges (219 730,00 €) dépassent les produits (217 230,00 €)" in message
    assert "de 2 500,00 € (déficit prévisionnel)" in message
    assert "Réduisez les charges" in message
    surplus = make_budget([("741", "ACI", 1000), ("623", "Communication", 400)])
    message = plain(balance_of(surplus).message)
    assert "les produits (1 000,00 €) dépassent les charges (400,00 €) de 600,00 €" in message
    assert "excédent" in message
    assert balance_of(surplus, tolerance_eur=600).balanced


def test_by_nature_groups_two_digit_accounts(budget):
    grouped = by_nature(budget)
    amounts = dict(zip(grouped["classe"], grouped["montant_eur"], strict=True))
    # 64: 40 800 + 17 136 + 13 200 + 5 544 = 76 680
    # 62: 91 950 + 3 600 + 2 800 + 4 500 + 4 800 + 1 300 = 108 950
    assert amounts["64"] == 76680
    assert amounts["62"] == 108950
    assert amounts["68"] == 800  # 2 400 / 3
    assert amounts["74"] == 215850  # 197 850 + 8 000 + 4 000 + 6 000


def test_revise_budget_changes_an_amount_and_adds_lines() -> None:
    from cpts_training.budget import load_case_study, revise_budget

    case = load_case_study()
    revised = revise_budget(
        case.budget,
        amounts={"742": 30152},
        new_lines=[
            {
                "compte": "64113",
                "libelle": "Salaire brut — chargée de mission",
                "montant_eur": 15600,
            },
            ("64513", "Charges patronales — chargée de mission", 6552),
        ],
    )
    # Charges 217 230 + 15 600 + 6 552 = 239 382; products 217 230 − 8 000 + 30 152 = 239 382.
    summary = budget_summary(revised)
    assert summary.total_charges_eur == 239_382
    assert summary.total_produits_eur == 239_382
    assert len(revised) == len(case.budget) + 2
    assert case.budget.loc[case.budget["compte"] == "742", "montant_eur"].item() == 8000


def test_revise_budget_refuses_unknown_and_duplicate_accounts() -> None:
    from cpts_training.budget import load_case_study, revise_budget

    case = load_case_study()
    with pytest.raises(InputError, match="n'est pas dans le budget"):
        revise_budget(case.budget, amounts={"749": 10})
    with pytest.raises(InputError, match="déjà utilisé"):
        revise_budget(case.budget, new_lines=[("742", "Doublon", 1)])
    with pytest.raises(InputError, match="négatif|négative"):
        revise_budget(case.budget, amounts={"742": -5})


def test_statutory_auditor_threshold(budget):
    from cpts_training.budget.forecast import public_subsidies_eur, statutory_auditor_required

    # Class 74: ACI 197 850 + FIR 8 000 + communauté de communes 4 000 + appel à projets
    # 6 000 = 215 850 > 153 000 (C. com. L612-4, D612-5): an auditor is due.
    assert public_subsidies_eur(budget) == 215850
    assert statutory_auditor_required(budget)
    # The same ACI booked as a concours public (73) is not a subsidy: 18 000 < 153 000.
    as_concours = make_budget(
        [("731", "Financement ACI (concours public)", 197850), ("742", "FIR", 18000)]
    )
    assert public_subsidies_eur(as_concours) == 18000
    assert not statutory_auditor_required(as_concours)
    # Exactly 153 000 does not exceed the threshold.
    assert not statutory_auditor_required(make_budget([("741", "ACI", 153000)]))
