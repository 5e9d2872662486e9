"""Loaders of the case-study files: valid files load, broken copies fail in French."""

import shutil

import pytest
import yaml

from cpts_training.budget import case_study
from cpts_training.budget.case_study import (
    ACTUALS_FILE,
    BUDGET_FILE,
    CASE_DIR,
    CASH_FILE,
    CONTRACT_FILE,
    PROFESSIONALS_FILE,
    load_achievement,
    load_case_study,
    load_contract,
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
    # 12 × 10 140 + 2 400 (laptop) + 2 × 45 975 + 2 800 (auditor) = 121 680 + 2 400
    # + 91 950 + 2 800 = 218 830 = the budget's charges 217 230 − depreciation 800
    # + investment 2 400
    assert sum(study.cash.monthly_spending_eur) == 218830
    assert study.observed_achievement == {
        1: {"acces_aux_soins": 0.6, "crises_sanitaires_graves": 0.5}
    }


def test_contract_file_is_read_and_validated_once(monkeypatch):
    reads: list[str] = []
    contracts: list[object] = []
    read, build = case_study._read, case_study.AciContract

    def counting_read(file):
        reads.append(file.name)
        return read(file)

    def counting_contract(*args, **kwargs):
        contracts.append(kwargs)
        return build(*args, **kwargs)

    monkeypatch.setattr(case_study, "_read", counting_read)
    monkeypatch.setattr(case_study, "AciContract", counting_contract)
    study = load_case_study()
    assert reads.count(CONTRACT_FILE) == 1
    assert len(contracts) == 1
    assert study.planned_achievement[2]["prevention"] == 0.8


def test_public_loaders_give_the_same_contract_and_rates():
    study = load_case_study()
    assert load_contract() == study.contract
    assert load_achievement() == study.planned_achievement
    assert load_achievement(key="taux_atteinte_constates") == study.observed_achievement


def test_missing_achievement_table_is_named(tmp_path):
    folder = broken_copy(tmp_path, CONTRACT_FILE, "taux_atteinte_constates:", "constates:")
    with pytest.raises(DataError, match="taux_atteinte_constates"):
        load_achievement(folder / CONTRACT_FILE, "taux_atteinte_constates")
    with pytest.raises(DataError, match="taux_atteinte_constates"):
        load_case_study(folder)


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
        # Subsidies 197 850 + 8 000 + 4 000 + 6 000 = 215 850 > 153 000: an auditor is due.
        (
            ACTUALS_FILE,
            'libelle: "Commissaire aux comptes',
            'libelle: "Audit',
            ["commissaire aux comptes", "208 375,00 €", "153 000"],
        ),
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
