"""The BudgetBuilder form driven as a trainee drives it (values computed by hand).

Case (``besoins_2026.yaml``, fictional): 3 posts, 5 indemnity groups at 60 €/h,
11 other charges (46 850 €), resources FIR 8 000, communauté de communes 4 000,
cotisations 1 500, plus the ACI 2026 from the contract (217 068,75 €). Charges
205 169,68 €, products 230 568,75 €, result +25 399,07 €.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from cpts_training.budget.case_study import load_budget_brief, load_case_study
from cpts_training.budget.export import SHEET_HYPOTHESES
from cpts_training.budget.widgets.budget_builder import BudgetBuilder


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture(scope="module")
def case():
    return load_case_study()


@pytest.fixture
def builder(case) -> BudgetBuilder:
    return BudgetBuilder(load_budget_brief(), case.contract, case.planned_achievement)


@pytest.fixture
def empty(tmp_path, monkeypatch) -> BudgetBuilder:
    monkeypatch.chdir(tmp_path)
    return BudgetBuilder()


def amount(widget: BudgetBuilder, account: str) -> float:
    table = widget.budget
    assert table is not None
    return float(table.loc[table["compte"] == account, "montant_eur"].iloc[0])


def test_starts_from_the_case_with_the_aci_from_the_contract(builder) -> None:
    assert builder.aci_checkbox.value is True
    # The brief's ACI line is replaced by the checkbox: 3 rows FIR, collectivité, cotisations.
    assert len(builder.resources.rows) == 3
    summary = builder.built.summary
    assert summary.total_charges_eur == 205169.68
    assert summary.total_produits_eur == 230568.75  # 217 068,75 + 8 000 + 4 000 + 1 500
    assert summary.resultat_eur == 25399.07  # 230 568,75 − 205 169,68
    shown = plain(builder.result.value)
    assert "25 399,07 €" in shown
    assert "excédent" in shown
    assert "1 ETP × 41 600 € × 35,70 %" in shown
    assert "Personnel" in builder.staff.box.children[0].value


def test_unchecking_the_aci_removes_it(builder) -> None:
    builder.aci_checkbox.value = False
    # 8 000 + 4 000 + 1 500 = 13 500
    assert builder.built.summary.total_produits_eur == 13500.00


def test_entering_the_coordinatrice_gives_lines_64111_and_64511(empty) -> None:
    row = empty.staff.add()
    row.role.value = "Coordinatrice"
    row.fte.value = "1"
    row.gross.value = "41 600"
    assert amount(empty, "64111") == 41600.00
    # 41 600 × 0,357 (rate after the RGDU 2026) = 14 851,20
    assert amount(empty, "64511") == 14851.20
    assert empty.status.value == ""
    assert empty.hypotheses.staff[0].role == "Coordinatrice"


def test_a_comma_typed_number_is_read(empty) -> None:
    row = empty.staff.add()
    row.role.value = "Assistante"
    row.fte.value = "0,5"
    row.gross.value = "26 400 €"
    assert amount(empty, "64111") == 13200.00  # 0,5 × 26 400
    assert amount(empty, "64511") == 2312.64  # 13 200 × 0,1752
    charge = empty.charges.add()
    charge.account.value = "6132"
    charge.label.value = "Loyer"
    charge.monthly.value = "712,50"
    charge.months.value = "12"
    assert amount(empty, "6132") == 8550.00  # 712,50 × 12


def test_a_bad_value_is_refused_in_french_and_the_budget_is_kept(builder) -> None:
    before = builder.built.summary.total_charges_eur
    builder.staff.rows[0].fte.value = "un"
    assert "Personnel, ligne 1, l'ETP" in builder.status.value
    assert "lettres" in builder.status.value
    assert "Traceback" not in builder.status.value
    assert builder.built.summary.total_charges_eur == before
    builder.staff.rows[0].fte.value = "1,5"
    assert "entre 0 et 1" in builder.status.value
    builder.staff.rows[0].fte.value = "1"
    assert builder.status.value == ""


def test_a_rate_typed_as_a_percentage(empty) -> None:
    row = empty.staff.add()
    row.role.value = "Coordinatrice"
    row.fte.value = "1"
    row.gross.value = "40 000"
    row.rate.value = "42 %"
    assert amount(empty, "64511") == 16800.00  # 40 000 × 42 %
    row.rate.value = "0,42"  # a fraction where a percentage is asked: named, not guessed
    assert "voulez-vous dire 0,42 % ou 42 %" in plain(empty.status.value)
    assert amount(empty, "64511") == 16800.00


def test_indemnity_group_and_removal(empty) -> None:
    row = empty.indemnities.add()
    row.label.value = "Accès aux soins"
    row.count.value = "10"
    row.hours.value = "40"
    row.rate.value = "60"
    row.mission.value = "acces_aux_soins"
    assert amount(empty, "62281") == 24000.00  # 10 × 40 h × 60 €
    row.remove.click()
    assert empty.indemnities.rows == []
    assert empty.budget is not None and empty.budget.empty


def test_add_buttons_add_rows_that_are_ignored_while_empty(empty) -> None:
    empty.resources.add_button.click()
    empty.charges.add_button.click()
    assert len(empty.resources.rows) == 1
    assert "Aucune ressource" in empty.result.value
    assert empty.status.value == ""


def test_export_then_load_back(builder, tmp_path: Path) -> None:
    target = tmp_path / "budget_2026.xlsx"
    builder.export_name.value = str(target)
    builder.export_button.click()
    assert "Classeur enregistré" in builder.export_status.value
    assert SHEET_HYPOTHESES in openpyxl.load_workbook(target).sheetnames
    builder.export_button.click()
    assert "existe déjà" in builder.export_status.value
    builder.export_overwrite.value = True
    builder.export_button.click()
    assert "Classeur enregistré" in builder.export_status.value

    other = BudgetBuilder()
    other.import_path.value = str(target)
    other.import_button.click()
    assert "chargé" in other.import_status.value
    assert other.built.summary.resultat_eur == 25399.07
    assert len(other.resources.rows) == 4  # the ACI line comes with the workbook
    assert other.aci_checkbox.value is False


def test_a_bad_workbook_leaves_the_form_unchanged(builder, tmp_path: Path) -> None:
    target = tmp_path / "b.xlsx"
    builder.export_name.value = str(target)
    builder.export_button.click()
    book = openpyxl.load_workbook(target)
    sheet = book[SHEET_HYPOTHESES]
    for row in sheet.iter_rows():
        if row[2].value == "Assistante":
            row[4].value = "un demi"
            cell = row[4].coordinate
    book.save(target)
    before = builder.hypotheses
    builder.import_path.value = str(target)
    builder.import_button.click()
    assert f"feuille Hypothèses, cellule {cell}" in builder.import_status.value
    assert "le formulaire n'a pas changé" in builder.import_status.value
    assert builder.hypotheses is before
    builder.import_path.value = str(tmp_path / "absent.xlsx")
    builder.import_button.click()
    assert "introuvable" in builder.import_status.value


def test_a_working_time_typed_as_a_percentage_is_read_as_a_share() -> None:
    from cpts_training.budget.widgets import BudgetBuilder

    form = BudgetBuilder()
    row = form.staff.add()
    row.role.value = "Assistante"
    row.gross.value = "26 400"
    row.fte.value = "50 %"
    # 50 % of a full time: 0,5 × 26 400 = 13 200 € of gross salary.
    salary = form.budget.loc[form.budget["compte"] == "64111", "montant_eur"].iloc[0]
    assert salary == 13200
    assert form.staff.status.value == ""
