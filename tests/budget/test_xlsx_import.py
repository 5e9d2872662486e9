"""The budget built from its hypotheses, exported to XLSX and read back (« Ma CPTS »)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cpts_training.budget.builder import build_budget
from cpts_training.budget.case_study import load_budget_brief, load_case_study
from cpts_training.budget.export import (
    SHEET_BUDGET,
    SHEET_HYPOTHESES,
    export_budget_xlsx,
    export_built_budget_xlsx,
)
from cpts_training.budget.xlsx_import import read_budget_xlsx
from cpts_training.errors import InputError


@pytest.fixture(scope="module")
def brief():
    return load_budget_brief()


@pytest.fixture
def workbook(brief, tmp_path: Path) -> Path:
    return export_built_budget_xlsx(brief, tmp_path / "budget_2026.xlsx")


def find(sheet, text: str) -> tuple[int, int]:
    """(row, column) of the first cell holding ``text``."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(text)


def test_workbook_has_the_budget_and_the_hypotheses(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook, data_only=True)
    assert book.sheetnames == [SHEET_BUDGET, SHEET_HYPOTHESES]
    budget = book[SHEET_BUDGET]
    row, col = find(budget, "Total des charges")
    # 91 719,68 (staff) + 66 600 (indemnities) + 46 850 (other charges) = 205 169,68
    assert budget.cell(row, col + 1).value == pytest.approx(205169.68)
    row, col = find(budget, "Résultat (produits − charges)")
    # 230 568,75 − 205 169,68 = 25 399,07
    assert budget.cell(row, col + 1).value == pytest.approx(25399.07)
    hyp = book[SHEET_HYPOTHESES]
    row, col = find(hyp, "Coordinatrice")
    # 41 600 + 41 600 × 0,357 = 41 600 + 14 851,20 = 56 451,20
    header_row, amount_col = find(hyp, "Montant (€)")
    assert hyp.cell(row, amount_col).value == pytest.approx(56451.20)
    assert hyp.cell(row, 1).value == "Personnel"
    assert hyp.cell(row, 2).value == "64111 / 64511"
    assert hyp.cell(row, 4).value == "Fonctionnement de la CPTS"
    assert hyp.cell(row, 5).value == 1  # ETP
    assert hyp.cell(row, 6).value == 41600  # brut temps plein
    assert hyp.cell(row, 7).value is None  # taux: computed with the RGDU
    row, _ = find(hyp, "Loyer et charges du bureau")
    assert (hyp.cell(row, 11).value, hyp.cell(row, 12).value) == (700, 12)  # 700 € × 12 mois
    assert hyp.cell(row, amount_col).value == pytest.approx(8400)
    notice = hyp.cell(2, 1).value
    assert "fictives" in notice


def test_amounts_are_formulas(workbook: Path) -> None:
    hyp = openpyxl.load_workbook(workbook)[SHEET_HYPOTHESES]
    row, _ = find(hyp, "Accès aux soins")
    _, amount_col = find(hyp, "Montant (€)")
    # professionals × hours × hourly rate (H × I × J)
    assert hyp.cell(row, amount_col).value == f"=H{row}*I{row}*J{row}"
    row, _ = find(hyp, "Total des charges")
    assert str(hyp.cell(row, amount_col).value).startswith("=SUMIF(")


def test_round_trip_gives_the_same_totals(brief, workbook: Path) -> None:
    again = read_budget_xlsx(workbook)
    assert again.year == 2026
    assert again.cpts == "CPTS de la Vallée de l'Aubrenne"
    summary = build_budget(again).summary
    assert summary.total_charges_eur == 205169.68
    assert summary.total_produits_eur == 230568.75
    assert summary.resultat_eur == 25399.07
    original = build_budget(brief).budget[["compte", "libelle", "montant_eur", "mission"]]
    rebuilt = build_budget(again).budget[["compte", "libelle", "montant_eur", "mission"]]
    pd.testing.assert_frame_equal(original, rebuilt)
    assert again.charges[1].monthly_eur == 700
    assert again.charges[1].months == 12


def test_never_overwrites_without_the_flag(brief, workbook: Path) -> None:
    with pytest.raises(InputError, match="existe déjà"):
        export_built_budget_xlsx(brief, workbook)
    assert export_built_budget_xlsx(brief, workbook, overwrite=True) == workbook


def test_export_budget_xlsx_accepts_hypotheses(brief, tmp_path: Path) -> None:
    path = export_budget_xlsx(tmp_path / "b.xlsx", build_budget(brief).budget, hypotheses=brief)
    assert openpyxl.load_workbook(path).sheetnames == [SHEET_BUDGET, SHEET_HYPOTHESES]
    plain = export_budget_xlsx(tmp_path / "c.xlsx", load_case_study().budget)
    assert openpyxl.load_workbook(plain).sheetnames == [SHEET_BUDGET]


def edit(path: Path, label: str, column: int, value) -> str:
    """Write ``value`` in ``column`` of the row of ``label``; return the cell name."""
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET_HYPOTHESES]
    row, _ = find(sheet, label)
    cell = sheet.cell(row, column)
    cell.value = value
    book.save(path)
    return cell.coordinate


def test_french_typed_numbers_in_text_cells_are_read(workbook: Path) -> None:
    edit(workbook, "Assistante", 6, "28 000,00 €")  # brut temps plein typed as text
    edit(workbook, "Coordinatrice", 7, "42 %")  # a given rate, as a percentage
    again = read_budget_xlsx(workbook)
    assert again.staff[1].gross_full_time_eur == 28000
    assert again.staff[0].employer_rate == pytest.approx(0.42)
    # 41 600 × 0,42 = 17 472
    assert again.staff[0].charges_eur(2026) == 17472.00


@pytest.mark.parametrize(
    ("label", "column", "value", "expected"),
    [
        ("Assistante", 5, "un demi", r"feuille Hypothèses, cellule E\d+ .*lettres"),
        ("Assurances", 13, "1.150", r"cellule M\d+ .*ambigu"),
        ("Parcours", 4, "Parcours patients", r"cellule D\d+ .*mission connue"),
        ("Assurances", 3, None, r"cellule C\d+ : le libellé est vide"),
        ("Formation", 2, "6226", r"cellule B\d+ : le compte 6226 est déjà utilisé en B\d+"),
        ("Coordinatrice", 7, 42, r"ligne \d+ .*0,42 pour 42 %"),
        ("Assurances", 1, "Charge", r"cellule A\d+ : type « Charge » inconnu"),
    ],
)
def test_a_bad_cell_is_named_with_its_fix(workbook, label, column, value, expected) -> None:
    cell = edit(workbook, label, column, value)
    with pytest.raises(InputError, match=expected) as error:
        read_budget_xlsx(workbook)
    if "cellule" in expected:
        assert f"cellule {cell}" in str(error.value)


def test_missing_sheet_and_missing_column(workbook: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = book[SHEET_HYPOTHESES]
    row, col = find(sheet, "Taux horaire (€)")
    sheet.cell(row, col).value = "Tarif"
    book.save(workbook)
    with pytest.raises(InputError, match="colonne\\(s\\) manquante\\(s\\) « Taux horaire"):
        read_budget_xlsx(workbook)
    del book[SHEET_HYPOTHESES]
    other = tmp_path / "sans_hypotheses.xlsx"
    book.save(other)
    with pytest.raises(InputError, match="pas de feuille « Hypothèses »"):
        read_budget_xlsx(other)


def test_not_a_workbook(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="introuvable"):
        read_budget_xlsx(tmp_path / "absent.xlsx")
    fake = tmp_path / "faux.xlsx"
    fake.write_text("pas un classeur", encoding="utf-8")
    with pytest.raises(InputError, match="ne peut pas être lu"):
        read_budget_xlsx(fake)
