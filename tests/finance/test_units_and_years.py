"""Bad input the acceptance names: mixed units in a trial balance, a missing year."""

from __future__ import annotations

import pytest

from cpts_training.errors import CPTSError, DataError, InputError
from cpts_training.finance import evolution_table, load_trial_balance, read_trial_balance
from cpts_training.finance.widgets import RatioDashboard

HEADER = "Compte;Libellé;Débit;Crédit\n"


def write(tmp_path, text: str):
    path = tmp_path / "balance.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("cell", ["12 k€", "12 K€", "1,2 M€"])
def test_an_amount_in_thousands_among_euros_is_named(tmp_path, cell) -> None:
    path = write(tmp_path, f"{HEADER}512;Banque;{cell};0\n756;Cotisations;0;12 000\n")
    with pytest.raises(InputError) as info:
        read_trial_balance(path, 2025)
    message = str(info.value)
    assert f"ligne 2 (compte 512), colonne « Débit » : « {cell} »" in message
    assert "ne mélange pas les unités" in message and "12 000" in message


def test_a_column_in_thousands_is_refused_naming_it(tmp_path) -> None:
    path = write(tmp_path, "Compte;Libellé;Débit (k€);Crédit (€)\n512;Banque;12;0\n")
    with pytest.raises(DataError, match="la colonne « Débit \\(k€\\) » est en milliers"):
        read_trial_balance(path, 2025)


def test_euro_signs_and_french_decimals_are_the_same_unit(tmp_path) -> None:
    path = write(tmp_path, f"{HEADER}512;Banque;12 000 €;0\n756;Cotisations;0;12 000,00 €\n")
    tb = read_trial_balance(path, 2025)
    assert tb["debit"].sum() == tb["credit"].sum() == 12000


def test_a_missing_year_between_two_balances_is_named() -> None:
    balances = {2023: load_trial_balance(2023), 2025: load_trial_balance(2025)}
    with pytest.raises(InputError, match="Il manque l'exercice 2024 entre 2023 et 2025"):
        evolution_table(balances)
    with pytest.raises(CPTSError, match="exercice 2024"):
        RatioDashboard.from_trial_balances(balances)


def test_a_case_year_that_does_not_exist_is_named() -> None:
    with pytest.raises(InputError, match="Pas de balance générale 2026.*2023, 2024, 2025"):
        load_trial_balance(2026)
