"""Charts (French titles) and the XLSX export read back with openpyxl."""

import matplotlib.pyplot as plt
import openpyxl
import pytest
from matplotlib.figure import Figure

from cpts_training.budget.aci import payment_schedule
from cpts_training.budget.case_study import load_case_study
from cpts_training.budget.cash import cash_plan
from cpts_training.budget.charts import (
    plot_budget_structure,
    plot_cash_curve,
    plot_variance_waterfall,
)
from cpts_training.budget.export import (
    SHEET_BUDGET,
    SHEET_CASH,
    SHEET_COMPARISON,
    export_budget_xlsx,
)
from cpts_training.budget.forecast import budget_summary
from cpts_training.budget.monitoring import compare
from cpts_training.errors import InputError


@pytest.fixture(scope="module")
def case():
    study = load_case_study()
    schedule = payment_schedule(study.contract, study.planned_achievement)
    plan = cash_plan(
        2025,
        study.cash.opening_balance_eur,
        list(study.cash.monthly_spending_eur),
        schedule,
        study.cash.other_receipts,
    )
    return study, compare(study.budget, study.actuals), plan


def texts(fig: Figure) -> str:
    parts = [fig.get_suptitle()]
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    return " | ".join(parts)


def test_charts_have_french_titles_and_labels(case):
    study, comparison, plan = case
    structure = plot_budget_structure(study.budget)
    waterfall = plot_variance_waterfall(comparison)
    curve = plot_cash_curve(plan)
    try:
        assert isinstance(structure, Figure)
        assert "Structure du budget prévisionnel" in texts(structure)
        assert "Charges par nature" in texts(structure)
        assert "Produits par nature" in texts(structure)
        assert "Du résultat prévu au résultat réalisé" in texts(waterfall)
        assert "Plan de trésorerie 2025" in texts(curve)
        assert "Trésorerie en fin de mois" in texts(curve)
        ticks = [t.get_text() for t in curve.axes[0].get_xticklabels()]
        assert ticks[0] == "janv." and ticks[-1] == "déc."
        # The zero line and the minimum (4 085 € in March) are drawn.
        assert any(list(line.get_ydata()) == [0, 0] for line in curve.axes[0].get_lines())
        annotations = [t.get_text() for t in curve.axes[0].texts]
        assert any("Minimum" in a and "mars 2025" in a for a in annotations)
    finally:
        for fig in (structure, waterfall, curve):
            plt.close(fig)


def test_xlsx_totals_are_sum_formulas_with_their_values(case, tmp_path):
    study, comparison, plan = case
    path = export_budget_xlsx(
        tmp_path / "budget.xlsx",
        study.budget,
        comparison,
        plan,
        title=study.name,
        notice=study.warning,
    )
    values = openpyxl.load_workbook(path, data_only=True)
    formulas = openpyxl.load_workbook(path)
    assert values.sheetnames == [SHEET_BUDGET, SHEET_COMPARISON, SHEET_CASH]
    sheet, raw = values[SHEET_BUDGET], formulas[SHEET_BUDGET]
    assert "Données fictives" in sheet["A2"].value
    totals = {}
    for row in range(1, sheet.max_row + 1):
        label = sheet.cell(row, 2).value
        if label in ("Total des charges", "Total des produits", "Résultat (produits − charges)"):
            totals[label] = sheet.cell(row, 3).value
            formula = raw.cell(row, 3).value
            assert formula.startswith("=SUM(") or label.startswith("Résultat")
            assert sheet.cell(row, 3).font.b
            assert "€" in sheet.cell(row, 3).number_format
    summary = budget_summary(study.budget)
    assert totals == {
        "Total des charges": summary.total_charges_eur,
        "Total des produits": summary.total_produits_eur,
        "Résultat (produits − charges)": summary.resultat_eur,
    }
    assert totals["Total des charges"] == 217230
    lines = [
        sheet.cell(row, 3).value
        for row in range(1, sheet.max_row + 1)
        if isinstance(sheet.cell(row, 1).value, str) and sheet.cell(row, 1).value.isdigit()
    ]
    assert len(lines) == 21
    assert isinstance(sheet.cell(6, 3).value, int | float)
    assert "€" in sheet.cell(6, 3).number_format

    # Prévu-réalisé: actual result 14 689 €; Trésorerie: year total of spending 218 830 €
    # (charges 217 230 − depreciation 800 + laptop bought 2 400).
    comparison_sheet = values[SHEET_COMPARISON]
    last = [c.value for c in comparison_sheet[comparison_sheet.max_row]]
    assert last[1] == "Résultat (produits − charges)"
    assert last[3:6] == [0, 14689, 14689]
    cash_sheet, cash_raw = values[SHEET_CASH], formulas[SHEET_CASH]
    total_row = next(
        r for r in range(1, cash_sheet.max_row + 1)
        if cash_sheet.cell(r, 1).value == "Total de l'année"
    )  # fmt: skip
    assert cash_sheet.cell(total_row, 6).value == 218830
    assert cash_raw.cell(total_row, 6).value.startswith("=SUM(")


def test_xlsx_refuses_to_overwrite_an_existing_file(case, tmp_path):
    study, _comparison, _plan = case
    path = tmp_path / "budget.xlsx"
    export_budget_xlsx(path, study.budget)
    with pytest.raises(InputError) as err:
        export_budget_xlsx(path, study.budget)
    assert "existe déjà" in err.value.args[0]
    assert "overwrite=True" not in err.value.args[0]
    assert "Remplacer le fichier s'il existe" in err.value.args[0]
    export_budget_xlsx(path, study.budget, overwrite=True)
    with pytest.raises(InputError, match=".xlsx"):
        export_budget_xlsx(tmp_path / "budget.csv", study.budget)


def test_export_write_failure_is_a_french_error(tmp_path, monkeypatch) -> None:
    import xlsxwriter.exceptions
    import xlsxwriter.workbook

    from cpts_training.budget.case_study import load_case_study

    def refuse(self):
        raise xlsxwriter.exceptions.FileCreateError("[Errno 13] Permission denied")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "close", refuse)
    with pytest.raises(InputError, match="Impossible d'écrire.*Fermez le fichier"):
        export_budget_xlsx(tmp_path / "budget.xlsx", load_case_study().budget)
