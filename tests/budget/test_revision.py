"""Missions of the budget lines, the mid-year review and the budget rectificatif.

Expected figures are computed by hand from the case files (``data/cas/*.yaml``):

- budget 2025: 16 charge lines and 5 product lines, 217 230 € on each side; every charge
  has a mission (6228 indemnities and 604 actions: « plusieurs_missions », the others
  « fonctionnement »), the products none;
- actuals at 30 June 2025 (``realise_30_juin_2025.yaml``): charges 91 186 €, products
  103 627,50 €; news: FIR 8 000 → 6 800 € (−15 %), appel à projets 6 000 → 0 €.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cpts_training.budget.case_study import CASE_DIR, load_budget_file, load_mid_year_file
from cpts_training.budget.forecast import (
    BUDGET_COLUMNS,
    SOCLE_MISSIONS,
    make_budget,
    mission_label,
    revise_budget,
    valid_missions,
)
from cpts_training.budget.revision import (
    RECTIFICATIF_COLUMNS,
    REVIEW_COLUMNS,
    BudgetRectificatif,
    mid_year_review,
    protection_reasons,
    revise_budget_under_constraint,
)
from cpts_training.errors import DataError, InputError


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


# --------------------------------------------------------------------------------------
# Task A: a mission for every budget line
# --------------------------------------------------------------------------------------


def test_socle_missions_are_the_four_of_the_aci_catalogue():
    assert {
        "acces_aux_soins",
        "parcours_pluriprofessionnels",
        "prevention",
        "crises_sanitaires_graves",
    } == SOCLE_MISSIONS


def test_valid_missions_and_labels():
    missions = valid_missions()
    assert missions[0] == "fonctionnement"
    assert missions[-1] == "plusieurs_missions"
    assert {"qualite_pertinence", "accompagnement_professionnels"} <= set(missions)
    assert mission_label("prevention") == "Actions coordonnées de prévention"
    assert mission_label("fonctionnement") == "Fonctionnement de la CPTS"
    assert mission_label("plusieurs_missions") == "Plusieurs missions"
    assert mission_label("") == "Non précisée"
    assert mission_label(None) == "Non précisée"
    with pytest.raises(InputError, match="Mission « soins » inconnue"):
        mission_label("soins")


def test_without_mission_the_columns_stay_the_same():
    budget = make_budget([("623", "Communication", 4500), ("741", "ACI", 4500)])
    assert tuple(budget.columns) == BUDGET_COLUMNS


def test_mission_as_fourth_element_dict_key_or_column():
    from_tuples = make_budget([("623", "Communication", 4500, "prevention"), ("741", "ACI", 100)])
    assert list(from_tuples.columns) == [*BUDGET_COLUMNS, "mission"]
    assert list(from_tuples["mission"]) == ["prevention", ""]
    from_dicts = make_budget(
        [
            {
                "compte": "604",
                "libelle": "Actions",
                "montant_eur": 10,
                "mission": " parcours_pluriprofessionnels ",
            }
        ]
    )
    assert from_dicts.at[0, "mission"] == "parcours_pluriprofessionnels"
    frame = pd.DataFrame(
        {
            "compte": ["623", "741"],
            "libelle": ["Communication", "ACI"],
            "montant_eur": [4500, 4500],
            "mission": ["fonctionnement", None],
            "base_de_calcul": ["forfait", "contrat signé"],
        }
    )
    from_frame = make_budget(frame)
    assert list(from_frame.columns) == [*BUDGET_COLUMNS, "mission", "base_de_calcul"]
    assert list(from_frame["mission"]) == ["fonctionnement", ""]
    assert list(from_frame["base_de_calcul"]) == ["forfait", "contrat signé"]


def test_unknown_mission_is_refused_in_french_with_the_valid_values():
    with pytest.raises(InputError) as error:
        make_budget([("623", "Communication", 4500, "communication")])
    message = str(error.value)
    assert "Ligne 1 du budget : Mission « communication » inconnue" in message
    for mission in (
        "fonctionnement",
        "prevention",
        "crises_sanitaires_graves",
        "plusieurs_missions",
    ):
        assert mission in message


def test_revise_budget_keeps_missions_and_extra_columns():
    budget = make_budget(
        pd.DataFrame(
            {
                "compte": ["623", "741"],
                "libelle": ["Communication", "ACI"],
                "montant_eur": [4500, 4500],
                "mission": ["fonctionnement", ""],
                "base_de_calcul": ["forfait", "contrat"],
            }
        )
    )
    revised = revise_budget(budget, {"623": 4000}, [("625", "Déplacements", 500, "prevention")])
    assert list(revised["compte"]) == ["623", "741", "625"]
    assert list(revised["montant_eur"]) == [4000, 4500, 500]
    assert list(revised["mission"]) == ["fonctionnement", "", "prevention"]
    assert revised.at[0, "base_de_calcul"] == "forfait"
    assert isinstance(revised.at[2, "base_de_calcul"], float)
    assert math.isnan(revised.at[2, "base_de_calcul"])


def test_case_budget_has_a_mission_for_every_charge_and_unchanged_amounts():
    budget = load_budget_file()
    charges = budget[budget["sens"] == "charge"]
    assert len(charges) == 16
    assert set(charges.loc[charges["compte"].isin(["6228", "604"]), "mission"]) == {
        "plusieurs_missions"
    }
    others = charges[~charges["compte"].isin(["6228", "604"])]
    assert set(others["mission"]) == {"fonctionnement"}
    assert set(budget.loc[budget["sens"] == "produit", "mission"]) == {""}
    # Amounts unchanged: 217 230 on each side.
    assert charges["montant_eur"].sum() == 217230
    assert budget.loc[budget["sens"] == "produit", "montant_eur"].sum() == 217230


# --------------------------------------------------------------------------------------
# Task B: mid-year review and budget rectificatif
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def budget() -> pd.DataFrame:
    return load_budget_file()


@pytest.fixture(scope="module")
def mid_year():
    return load_mid_year_file()


@pytest.fixture(scope="module")
def review(budget, mid_year) -> pd.DataFrame:
    return mid_year_review(budget, mid_year.actuals, mid_year.seasonality)


def line(table: pd.DataFrame, account: str) -> pd.Series:
    return table.set_index("compte").loc[account]


def test_mid_year_file_totals_news_and_seasonality(mid_year):
    actuals = mid_year.actuals
    # 20 400 + 8 568 + 4 400 + 1 848 + 34 200 + 4 100 + 1 800 + 0 + 4 200 + 1 180 + 650
    # + 1 500 + 4 300 + 2 700 + 620 + 900 = 91 366
    assert actuals.loc[actuals["sens"] == "charge", "montant_eur"].sum() == 91366
    # 98 187,50 + 0 + 0 + 0 + 1 440 = 99 627,50
    assert actuals.loc[actuals["sens"] == "produit", "montant_eur"].sum() == 99627.5
    assert mid_year.resource_changes == {"742": 6800, "744": 0}
    assert str(mid_year.date) == "2025-06-30"
    assert mid_year.seasonality["616"] == 1
    assert mid_year.seasonality["62262"] == 0
    assert "15 %" in mid_year.news[0]
    assert "missions socles" in mid_year.constraint
    assert "fictives" in mid_year.warning


def test_mid_year_file_is_coherent_with_the_year_actuals(mid_year):
    year = load_budget_file(CASE_DIR / "realise_2025.yaml").set_index("compte")["montant_eur"]
    half = mid_year.actuals.set_index("compte")["montant_eur"]
    assert set(half.index) == set(year.index)
    # Nothing booked at 30 June exceeds the year's actual amount.
    assert all(half[a] <= year[a] for a in half.index if a)
    # ACI: 196 375 / 2 = 98 187,50
    assert half["741"] == 196375 / 2


def test_review_columns_and_default_share(review):
    assert tuple(review.columns) == REVIEW_COLUMNS
    # Rent spread evenly: 8 400 × 6/12 = 4 200 planned, 4 200 booked, landing 4 200 + 4 200
    rent = line(review, "6132")
    assert rent["part_prevue_a_date"] == 0.5
    assert rent["prevu_a_date_eur"] == 4200
    assert rent["ecart_a_date_eur"] == 0
    assert rent["atterrissage_eur"] == 8400


def test_review_indemnities_under_spent(review):
    # February instalment planned 91 950 × 0,5 = 45 975, paid 34 200: 34 200 − 45 975 = −11 775
    # landing 34 200 + (91 950 − 45 975) = 80 175, i.e. 80 175 − 91 950 = −11 775
    indemnities = line(review, "6228")
    assert indemnities["mission"] == "plusieurs_missions"
    assert indemnities["prevu_a_date_eur"] == 45975
    assert indemnities["ecart_a_date_eur"] == -11775
    assert indemnities["reste_prevu_eur"] == 45975
    assert indemnities["atterrissage_eur"] == 80175
    assert indemnities["ecart_atterrissage_eur"] == -11775


def test_review_communication_ahead_and_seasonal_lines(review):
    # 4 300 − 4 500 × 0,5 = 4 300 − 2 250 = +2 050; landing 4 300 + 2 250 = 6 550
    communication = line(review, "623")
    assert communication["ecart_a_date_eur"] == 2050
    assert communication["atterrissage_eur"] == 6550
    # Insurance paid in January (share 1): 1 180 − 1 100 = +80, nothing left: landing 1 180
    insurance = line(review, "616")
    assert insurance["prevu_a_date_eur"] == 1100
    assert insurance["reste_prevu_eur"] == 0
    assert insurance["atterrissage_eur"] == 1180
    # Auditor billed after the closing (share 0): 0 planned, 0 booked, landing 2 800
    auditor = line(review, "62262")
    assert auditor["prevu_a_date_eur"] == 0
    assert auditor["atterrissage_eur"] == 2800
    # FIR expected on 16 June (share 1) and not paid: 0 − 8 000 = −8 000
    assert line(review, "742")["ecart_a_date_eur"] == -8000
    # ACI: 98 187,50 − 197 850 × 0,5 = 98 187,50 − 98 925 = −737,50
    assert line(review, "741")["ecart_a_date_eur"] == -737.5


def test_review_refuses_a_bad_share_or_account(budget, mid_year):
    with pytest.raises(InputError, match="100 %"):
        mid_year_review(budget, mid_year.actuals, {"623": 1.5})
    with pytest.raises(InputError, match="compte 999"):
        mid_year_review(budget, mid_year.actuals, {"999": 0.5})


def test_review_without_missions_and_with_an_unplanned_line():
    plan = make_budget([("623", "Communication", 1200), ("741", "ACI", 1200)])
    real = make_budget([("623", "Communication", 700), ("625", "Déplacements", 90)])
    review = mid_year_review(plan, real)
    assert list(review["compte"]) == ["623", "741", "625"]
    assert set(review["mission"]) == {""}
    # Unplanned: 0 planned, 90 booked, landing 90 + 0 = 90
    assert line(review, "625")["atterrissage_eur"] == 90


def test_protection_reasons_of_the_case(budget):
    reasons = protection_reasons(budget)
    # 4 salary lines + 6228 and 604 (shared between the socle missions)
    assert set(reasons) == {"64111", "64511", "64112", "64512", "6228", "604"}
    assert "salaires" in reasons["64111"]
    assert "missions socles" in reasons["604"]
    socle = make_budget([("623", "Communication prévention", 100, "prevention")])
    assert protection_reasons(socle) == {"623": "mission socle (Actions coordonnées de prévention)"}
    assert set(protection_reasons(budget, ["623"])) == {"623", "64111", "64511", "64112", "64512"}
    with pytest.raises(InputError, match="compte 741 n'est pas une charge"):
        protection_reasons(budget, ["741"])


NEWS = {"742": 6800, "744": 0}


def test_rectificatif_with_news_only_shows_the_deficit(budget):
    result = revise_budget_under_constraint(budget, {}, NEWS)
    assert isinstance(result, BudgetRectificatif)
    assert tuple(result.table.columns) == RECTIFICATIF_COLUMNS
    # Products 217 230 − 1 200 − 6 000 = 210 030; charges 217 230; result −7 200
    assert result.summary.total_produits_eur == 210030
    assert result.summary.resultat_eur == -7200
    assert not result.balance.balanced
    assert result.violations == ()
    assert not result.acceptable
    text = plain(" ".join(result.messages))
    assert "8 000,00 € → 6 800,00 € (-1 200,00 €)" in text
    assert "Variation des produits : -7 200,00 €" in text
    # The messages never name a line to cut.
    for account in ("623", "625", "6156", "6185", "6226"):
        assert f"compte {account}" not in text


def test_rectificatif_balanced_without_violation(budget, mid_year):
    # 625: 4 800 → 2 800 (−2 000); 6156: 3 000 → 1 500 (−1 500); 6185: 1 500 → 900 (−600);
    # 6226: 3 600 → 1 800 (−1 800); 626: 1 300 → 700 (−600); 623: 4 500 → 4 300 (−200);
    # 6811: 800 → 650 (−150); 62262: 2 800 → 2 450 (−350);
    # 2 000 + 1 500 + 600 + 1 800 + 600 + 200 + 150 + 350 = 7 200 = the products lost.
    new = {
        "625": "2 800",
        "6156": 1500,
        "6185": "900",
        "6226": 1800,
        "626": "700",
        "623": "4 300",
        "6811": 650,
        "62262": "2 450",
    }
    result = revise_budget_under_constraint(budget, new, NEWS, actuals_h1=mid_year.actuals)
    assert result.violations == ()
    # Charges 217 230 − 7 200 = 210 030 = products
    assert result.summary.total_charges_eur == 210030
    assert result.balance.balanced
    assert result.acceptable
    assert line(result.table, "625")["ajustement_eur"] == -2000
    assert line(result.table, "625")["budget_rectificatif_eur"] == 2800
    # The budget keeps the missions and is a budget table
    assert list(result.budget.columns) == [*BUDGET_COLUMNS, "mission"]
    assert line(result.budget, "744")["montant_eur"] == 0


def test_rectificatif_lists_every_rule_broken(budget, mid_year):
    new = {"604": 10000, "64111": 40000, "6185": -300, "623": "3 000", "6228": 95000}
    result = revise_budget_under_constraint(budget, new, NEWS, actuals_h1=mid_year.actuals)
    text = plain("\n".join(result.violations))
    assert "Compte 604" in text and "ligne protégée" in text
    assert "16 800,00 € à 10 000,00 €" in text
    assert "Compte 64111" in text and "salaires" in text
    assert "-300,00 € est négatif" in text
    # 3 000 < 4 300 already booked for communication
    assert "réalisé à date (4 300,00 €)" in text
    # Raising a protected line is not a violation
    assert "Compte 6228" not in text
    assert len(result.violations) == 4
    # The negative amount is not applied: 6185 keeps 1 500
    assert line(result.budget, "6185")["montant_eur"] == 1500
    assert not result.acceptable


def test_rectificatif_refuses_bad_inputs_in_french(budget):
    with pytest.raises(InputError, match="compte 999 : ce compte n'est pas dans le budget"):
        revise_budget_under_constraint(budget, {"999": 10}, NEWS)
    with pytest.raises(InputError, match="est une charge"):
        revise_budget_under_constraint(budget, {}, {"623": 10})
    with pytest.raises(InputError, match="fixé par les nouvelles"):
        revise_budget_under_constraint(budget, {"742": 8000}, NEWS)
    with pytest.raises(InputError, match="Nouveau montant du compte 623"):
        revise_budget_under_constraint(budget, {"623": "trois mille"}, NEWS)


def test_broken_mid_year_file_is_named(tmp_path):
    source = CASE_DIR / "realise_30_juin_2025.yaml"
    text = source.read_text(encoding="utf-8")
    broken = tmp_path / "realise_30_juin_2025.yaml"
    broken.write_text(text.replace("part_prevue_au_30_juin: 1}", "part_prevue_au_30_juin: 2}", 1))
    with pytest.raises(DataError, match="realise_30_juin_2025.yaml, ligne n° 10"):
        load_mid_year_file(broken)


def test_rectificatif_without_missions_protects_salaries_and_keeps_extra_columns():
    budget = make_budget(
        pd.DataFrame(
            {
                "compte": ["6411", "623", "742"],
                "libelle": ["Salaire brut", "Communication", "FIR"],
                "montant_eur": [1000, 500, 1500],
                "base_de_calcul": ["1 ETP", "forfait", "notification"],
            }
        )
    )
    assert protection_reasons(budget) == {
        "6411": "salaires et charges sociales : le CA ne les modifie pas"
    }
    # FIR 1 500 → 1 275 (−15 %: 1 500 × 0,85 = 1 275); communication 500 → 275 (−225)
    result = revise_budget_under_constraint(
        budget, {"623": "275"}, {"742": 1275}, protected={"623": "choix du bureau"}
    )
    assert result.balance.balanced  # 1 275 − (1 000 + 275) = 0
    assert list(result.table["mission"]) == ["", "", ""]
    assert line(result.table, "623")["protection"] == "choix du bureau"
    assert "ligne protégée (choix du bureau)" in result.violations[0]
    assert list(result.budget["base_de_calcul"]) == ["1 ETP", "forfait", "notification"]
