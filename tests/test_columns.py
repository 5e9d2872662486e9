"""Columns declared once: one label per column, read by tables, widgets and exports."""

from __future__ import annotations

import openpyxl
import pytest

import cpts_training.budget  # noqa: F401  (declares the budget columns)
import cpts_training.territory  # noqa: F401  (declares the territory columns)
from cpts_training.budget import load_case_study
from cpts_training.budget.cash import cash_plan
from cpts_training.budget.export import export_budget_xlsx
from cpts_training.budget.monitoring import compare
from cpts_training.budget.widgets import CashWhatIf
from cpts_training.columns import Column, column_label, declare_columns, declared_columns
from cpts_training.display import french_table


def test_a_column_declared_twice_with_another_label_is_refused() -> None:
    declare_columns(Column("essai_eur", "Essai (€)", "€"))
    declare_columns(Column("essai_eur", "Essai (€)", "€"))  # the same declaration: fine
    with pytest.raises(ValueError, match="declared twice"):
        declare_columns(Column("essai_eur", "Autre essai (€)", "€"))


def test_the_domains_declare_their_columns() -> None:
    declared = declared_columns()
    assert declared["solde_cloture_eur"].label == "Solde en fin de mois (€)"
    assert declared["taux_atteinte"].unit == "%"
    assert declared["habitants"].unit == "habitants"
    assert column_label("compte") == "Compte"


def test_table_widget_and_workbook_use_the_declared_labels(tmp_path) -> None:
    case = load_case_study()
    columns = ["libelle_mois", "solde_ouverture_eur", "decaissements_eur", "solde_cloture_eur"]
    labels = [column_label(c) for c in columns]
    plan = cash_plan(
        case.cash.year,
        case.cash.opening_balance_eur,
        list(case.cash.monthly_spending_eur),
        None,
        case.cash.other_receipts,
    )
    # The French table.
    assert all(label in french_table(plan, columns).to_html() for label in labels)
    # The cash form's table.
    form = CashWhatIf.from_case_study(case)
    assert all(label in form.table.value for label in labels)
    # The workbook's three sheets.
    path = export_budget_xlsx(
        tmp_path / "budget.xlsx", case.budget, compare(case.budget, case.actuals), plan
    )
    cells = {
        str(cell.value)
        for sheet in openpyxl.load_workbook(path).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert set(labels) | {column_label("ecart_relatif"), column_label("montant_eur")} <= cells
