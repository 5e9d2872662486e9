"""Loaders of the case-study files: valid files load, broken copies fail in French."""

import shutil

import pytest
import yaml

from cpts_training.budget.case_study import (
    ACTUALS_FILE,
    BUDGET_FILE,
    CASE_DIR,
    CASH_FILE,
    CONTRACT_FILE,
    PROFESSIONALS_FILE,
    load_case_study,
)
from cpts_training.errors import DataError


def test_every_case_file_is_marked_fictional():
    for name in (CONTRACT_FILE, BUDGET_FILE, ACTUALS_FILE, PROFESSIONALS_FILE, CASH_FILE):
        raw = yaml.safe_load((CASE_DIR / name).read_text(encoding="utf-8"))
        assert raw["fictional"] is True
        assert "fictives" in raw["warning"]
        assert "inventés" in (CASE_DIR / name).read_text(encoding="utf-8")


def test_case_study_loads():
    study = load_case_study()
    assert study.name == "CPTS de la Vallée de l'Aubrenne"
    assert study.contract.size == 2
    assert study.cash.opening_balance_eur == 80000
    # 10 × 10 440 + 2 × 56 415 = 104 400 + 112 830 = 217 230 (= the budget's charges)
    assert sum(study.cash.monthly_spending_eur) == 217230
    assert study.observed_achievement == {
        1: {"acces_aux_soins": 0.6, "crises_sanitaires_graves": 0.5}
    }


def broken_copy(tmp_path, name, old, new):
    folder = tmp_path / "cas"
    shutil.copytree(CASE_DIR, folder)
    text = (folder / name).read_text(encoding="utf-8")
    assert old in text
    (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("name", "old", "new", "words"),
    [
        (BUDGET_FILE, "montant_eur: 4500}", "montant_eur: -4500}", ["négatif"]),
        (BUDGET_FILE, 'compte: "623"', 'compte: "693"', ["Compte « 693 » inconnu"]),
        (BUDGET_FILE, "charges_eur: 217230", "charges_eur: 217000", ["ne correspond pas"]),
        (CONTRACT_FILE, "debut: 2024-10-01", "debut: 2024-01-01", ["avant la signature"]),
        (CONTRACT_FILE, "acces_aux_soins: 0.8", "acces_aux_soins: 1.2", ["dépasse 100"]),
        (CONTRACT_FILE, "taille: 2", "taille: 7", ["1, 2, 3 ou 4"]),
        (PROFESSIONALS_FILE, "heures: 200", "heures: 199", ["ne correspond pas"]),
        (PROFESSIONALS_FILE, "heures: 200", "heures: 700", ["Hélène Castagné", "plafond"]),
        (CASH_FILE, "fictional: true", "fictif: true", ["fictional"]),
    ],
)
def test_broken_files_fail_naming_the_file(tmp_path, name, old, new, words):
    folder = broken_copy(tmp_path, name, old, new)
    with pytest.raises(DataError) as err:
        load_case_study(folder)
    message = err.value.args[0].replace("\u202f", " ").replace("\xa0", " ")
    assert name in message
    for word in words:
        assert word in message
