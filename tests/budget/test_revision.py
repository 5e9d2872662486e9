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

from cpts_training.budget.case_study import load_budget_file
from cpts_training.budget.forecast import (
    BUDGET_COLUMNS,
    SOCLE_MISSIONS,
    make_budget,
    mission_label,
    revise_budget,
    valid_missions,
)
from cpts_training.errors import InputError


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
