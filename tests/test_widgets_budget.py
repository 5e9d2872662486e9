"""The budget forms driven as a trainee drives them, on the fictional case study.

Expected figures are computed by hand from the case files (``data/cas/*.yaml``):

- budget 2025: 16 charge lines and 5 product lines, 217 230 € on each side;
- ACI contract (taille 2, signed 01/04/2024): fonctionnement 60 000 €; accès aux soins
  17 500 + 29 500 € and crises sanitaires graves 30 000 + 30 000 € from 01/10/2024;
  parcours 26 250 + 26 250 € and prévention 15 000 + 15 000 € from 01/04/2025 (fixed +
  variable envelopes per full year); planned rates year 1: accès 80 %, crises 50 %;
  year 2: accès 80 %, parcours 60 %, prévention 80 %, crises 50 %;
- cash 2025: 80 000 € on 1 January, 10 140 € spent each month plus 2 400 € (laptop) in
  January, 45 975 € in February and August and 2 800 € (auditor) in December; ACI
  132 500 € on 01/04/2025 and the year-1 variable parts 19 300 € on 01/10/2025; other
  receipts 1 380 (31/01), 8 000 (16/06), 4 000 (30/09), 6 000 (14/11).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest

from cpts_training.budget.case_study import load_case_study
from cpts_training.errors import InputError
from cpts_training.widgets.budget import AciSimulator, BudgetEditor, CashWhatIf

AMOUNT = "Montant (€)"
LABEL = "Libellé"


def plain(text: str) -> str:
    """French typography (narrow and no-break spaces) written with plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def table_cells(markup: str) -> list[list[str]]:
    """Rows of the HTML table shown by a widget, header first, as plain texts."""
    table = ET.fromstring(f"<div>{markup}</div>").find(".//table")
    rows = [[plain("".join(cell.itertext())) for cell in row] for row in table.iter("tr")]
    assert len({len(row) for row in rows}) == 1, "rows of unequal length"
    return rows


@pytest.fixture(scope="module")
def case():
    return load_case_study()


# --------------------------------------------------------------------------------------
# BudgetEditor
# --------------------------------------------------------------------------------------


@pytest.fixture
def editor(case) -> BudgetEditor:
    return BudgetEditor(case.budget, title="Budget prévisionnel 2025", notice=case.warning)


def line_of(editor: BudgetEditor, account: str) -> int:
    """Grid key (line number from 1, as the grid's row header) of an account."""
    accounts = list(editor.budget["compte"])
    return accounts.index(account) + 1


def amount_of(editor: BudgetEditor, account: str) -> float:
    budget = editor.budget
    return float(budget.loc[budget["compte"] == account, "montant_eur"].iloc[0])


def charges_of(editor: BudgetEditor) -> float:
    budget = editor.budget
    return float(budget.loc[budget["sens"] == "charge", "montant_eur"].sum())


def test_editor_shows_the_budget_with_french_headers_and_balance(editor) -> None:
    frame = editor.grid.get_visible_data()
    assert list(frame.columns) == ["Compte", LABEL, "Sens", AMOUNT]
    assert len(frame) == 21
    assert editor.grid.editable
    widths = editor.grid.column_widths
    assert all(widths[c] >= 80 for c in ["Compte", "Sens", AMOUNT])
    assert widths[LABEL] >= 400  # the longest label has 67 characters
    # Amounts written the French way: 40 800 € for the coordinator's gross salary.
    assert plain(editor.grid.get_cell_value(AMOUNT, line_of(editor, "64111"))[0]) == "40 800,00"
    summary = plain(editor.summary.value)
    # 16 charges: 40 800 + 17 136 + 13 200 + 5 544 + 91 950 + 16 800 + 3 600 + 2 800
    #           + 8 400 + 1 100 + 800 + 3 000 + 4 500 + 4 800 + 1 300 + 1 500 = 217 230
    # 5 products: 197 850 + 8 000 + 4 000 + 6 000 + 1 380 = 217 230
    assert table_cells(editor.summary.value) == [
        ["Poste", "Montant"],
        ["Total des charges", "217 230,00 €"],
        ["Total des produits", "217 230,00 €"],
        ["Résultat (produits − charges) : équilibre", "0,00 €"],
    ]
    assert "Le budget est équilibré" in summary
    assert "#2e7d32" in editor.summary.value  # green
    assert editor.status.value == ""


def test_valid_amount_edit_updates_budget_and_balance(editor) -> None:
    key = line_of(editor, "6226")
    assert editor.grid.set_cell_value(AMOUNT, key, 4000)
    # Accountant's fees 3 600 → 4 000: charges 217 230 + 400 = 217 630, deficit of 400.
    assert amount_of(editor, "6226") == 4000
    assert charges_of(editor) == 217630
    summary = plain(editor.summary.value)
    assert "217 630,00 €" in summary
    assert "dépassent les produits (217 230,00 €) de 400,00 €" in summary
    assert "#e65100" in editor.summary.value  # orange
    assert "Ligne 7 enregistrée" in plain(editor.status.value)
    assert plain(editor.grid.get_cell_value(AMOUNT, key)[0]) == "4 000,00"


def test_amounts_typed_the_french_way_are_read(editor) -> None:
    # Exercise 2 of the module: the assistant goes from 0.5 to 0.8 ETP.
    editor.grid.set_cell_value(AMOUNT, line_of(editor, "64112"), "21 120")
    editor.grid.set_cell_value(AMOUNT, line_of(editor, "64512"), "8 870,40")  # 21 120 × 42 %
    assert amount_of(editor, "64112") == 21120
    assert amount_of(editor, "64512") == 8870.40
    # Extra cost: (21 120 − 13 200) + (8 870,40 − 5 544) = 7 920 + 3 326,40 = 11 246,40
    # charges: 217 230 + 11 246,40 = 228 476,40
    assert charges_of(editor) == pytest.approx(228476.40)
    assert "de 11 246,40 €" in plain(editor.summary.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-250, "un montant ne peut pas être négatif"),
        ("beaucoup", "« beaucoup », ce n'est pas un nombre"),
    ],
)
def test_invalid_amount_is_refused_in_french_and_undone(editor, value, expected) -> None:
    key = line_of(editor, "6226")
    before = editor.budget
    editor.grid.set_cell_value(AMOUNT, key, value)
    status = plain(editor.status.value)
    assert "Modification refusée" in status
    assert expected in status
    assert "Ligne 7 du budget" in status
    assert "Traceback" not in status
    assert editor.budget.equals(before)  # the last valid budget is kept
    assert amount_of(editor, "6226") == 3600
    assert plain(editor.grid.get_cell_value(AMOUNT, key)[0]) == "3 600,00"  # cell restored
    assert "Le budget est équilibré" in editor.summary.value


def test_empty_label_is_refused_and_label_edit_is_kept(editor) -> None:
    key = line_of(editor, "623")
    editor.grid.set_cell_value(LABEL, key, "   ")
    assert "n'a pas de libellé" in editor.status.value
    assert editor.grid.get_cell_value(LABEL, key)[0].startswith("Communication")
    editor.grid.set_cell_value(LABEL, key, "  Communication et site internet ")
    budget = editor.budget
    assert budget.loc[budget["compte"] == "623", "libelle"].iloc[0] == (
        "Communication et site internet"
    )
    assert charges_of(editor) == 217230


@pytest.mark.parametrize(("column", "value"), [("Sens", "produit"), ("Compte", "6227")])
def test_other_columns_are_not_editable(editor, column, value) -> None:
    key = line_of(editor, "6226")
    before = editor.budget
    editor.grid.set_cell_value(column, key, value)
    assert f"La colonne « {column} » ne se modifie pas" in editor.status.value
    assert editor.budget.equals(before)
    assert editor.grid.get_cell_value(column, key)[0] == ("charge" if column == "Sens" else "6226")


class EchoingFrontEnd:
    """Plays the grid's browser side as ipydatagrid 1.4 does: an edit arrives as a
    « cell-changed » message, and every cell the kernel writes is sent back as a new
    edit (its data model reports its own updates)."""

    def __init__(self, grid, monkeypatch) -> None:
        self.grid = grid
        self.pending: list[dict] = []
        monkeypatch.setattr(grid.comm, "send", self._receive)

    def _receive(self, data=None, **_kwargs) -> None:
        content = data["content"]
        if content.get("event_type") == "cell-changed":
            self.pending.append(content)

    def _send(self, row: int, column_index: int, value) -> None:
        message = {
            "event_type": "cell-changed",
            "row": row,
            "column_index": column_index,
            "value": value,
        }
        self.grid._handle_custom_msg(message, [])

    def edit(self, row: int, column_index: int, value) -> int:
        """Type ``value`` in a cell; return how many echoes went back and forth."""
        self._send(row, column_index, value)
        rounds = 0
        while self.pending:
            rounds += 1
            assert rounds < 10, "the grid and the kernel keep sending the cell to each other"
            echo = self.pending.pop(0)
            self._send(echo["row"], echo["column_index"], echo["value"])
        return rounds


def test_browser_edits_settle_and_keep_the_message(editor, monkeypatch) -> None:
    browser = EchoingFrontEnd(editor.grid, monkeypatch)
    row = line_of(editor, "6226") - 1  # position in the grid's data
    # Columns after the row header: Compte 0, Libellé 1, Sens 2, Montant 3.
    assert browser.edit(row, 3, "-250") == 1  # the restored value comes back once
    assert "un montant ne peut pas être négatif" in editor.status.value
    assert amount_of(editor, "6226") == 3600
    assert browser.edit(row, 3, "4000") == 1  # normalised to « 4 000,00 », echoed once
    assert "Ligne 7 enregistrée" in editor.status.value
    assert amount_of(editor, "6226") == 4000
    assert browser.edit(row, 2, "produit") == 1
    assert "La colonne « Sens » ne se modifie pas" in editor.status.value
    assert browser.edit(row, 1, "Honoraires de l'expert-comptable") == 0  # unchanged
    assert "La colonne « Sens »" in editor.status.value


def test_add_line_with_unknown_account_is_refused(editor) -> None:
    editor.new_account.value = "999"
    editor.new_label.value = "Dépense mystère"
    editor.new_amount.value = "500"
    editor.add_button.click()
    status = plain(editor.status.value)
    assert "Ligne non ajoutée" in status
    assert "Compte « 999 » inconnu" in status
    assert len(editor.budget) == 21
    assert len(editor.grid.get_visible_data()) == 21
    assert editor.new_account.value == "999"  # kept, so that the trainee can correct it


def test_add_line_with_an_account_already_used_is_refused(editor) -> None:
    editor.new_account.value = "6226"
    editor.new_label.value = "Honoraires du commissaire aux comptes"
    editor.new_amount.value = "1 200"
    editor.add_button.click()
    assert "déjà utilisé" in editor.status.value
    assert len(editor.budget) == 21


def test_add_line(editor) -> None:
    editor.new_account.value = "6181"
    editor.new_label.value = "Documentation"
    editor.new_amount.value = "300"
    editor.add_button.click()
    assert "Ligne 22 ajoutée" in editor.status.value
    assert len(editor.budget) == 22
    assert list(editor.grid.get_visible_data().loc[22]) == [
        "6181",
        "Documentation",
        "charge",
        "300,00",
    ]
    # charges 217 230 + 300 = 217 530: deficit of 300
    assert charges_of(editor) == 217530
    assert "de 300,00 €" in plain(editor.summary.value)
    assert editor.new_account.value == ""
    # The new line is editable like the others.
    editor.grid.set_cell_value(AMOUNT, 22, 250)
    assert charges_of(editor) == 217480


def _total_charges(path: Path) -> float:
    sheet = openpyxl.load_workbook(path, data_only=True)["Budget prévisionnel"]
    for row in sheet.iter_rows(values_only=True):
        if row[1] == "Total des charges":
            return float(row[2])
    raise AssertionError("no « Total des charges » row")


def test_export_writes_a_workbook_and_refuses_to_overwrite(
    editor, case, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert editor.export_name.value == "budget_previsionnel.xlsx"
    editor.export_button.click()
    target = tmp_path / "budget_previsionnel.xlsx"
    assert target.is_file()
    assert "Classeur enregistré" in editor.export_status.value
    assert str(target) in editor.export_status.value
    sheet = openpyxl.load_workbook(target)["Budget prévisionnel"]
    assert sheet["A1"].value == "Budget prévisionnel 2025 — Budget prévisionnel"
    assert sheet["A2"].value == case.warning
    assert _total_charges(target) == 217230

    # Second export after an edit, without overwrite: refused, file unchanged.
    written = target.read_bytes()
    editor.grid.set_cell_value(AMOUNT, line_of(editor, "6226"), 4000)
    editor.export_button.click()
    status = plain(editor.export_status.value)
    assert "Export refusé" in status
    assert "existe déjà" in status
    assert "n'a pas été remplacé" in status and "Remplacer le fichier s'il existe" in status
    assert target.read_bytes() == written

    # With the box ticked, the file is replaced: 217 230 + 400 = 217 630.
    editor.export_overwrite.value = True
    editor.export_button.click()
    assert "Classeur enregistré" in editor.export_status.value
    assert _total_charges(target) == 217630


def test_export_to_a_missing_folder_is_refused_in_french(editor, tmp_path: Path) -> None:
    editor.export_name.value = str(tmp_path / "absent" / "budget.xlsx")
    editor.export_button.click()
    assert "n'existe pas" in editor.export_status.value
    assert not (tmp_path / "absent").exists()


# --------------------------------------------------------------------------------------
# AciSimulator
# --------------------------------------------------------------------------------------


@pytest.fixture
def simulator(case) -> AciSimulator:
    return AciSimulator(case.contract, case.planned_achievement)


def total_funding(simulator: AciSimulator) -> float:
    return float(simulator.funding()["total_eur"].sum())


def test_simulator_controls(simulator) -> None:
    assert simulator.year.description == "Année de contrat"
    labels = [label for label, _ in simulator.year.options]
    assert labels[0] == "Année 1 : du 01/04/2024 au 31/03/2025"
    assert labels[1] == "Année 2 : du 01/04/2025 au 31/03/2026"
    assert len(labels) == 5
    assert set(simulator.sliders) == {
        "acces_aux_soins",
        "parcours_pluriprofessionnels",
        "prevention",
        "crises_sanitaires_graves",
    }
    slider = simulator.sliders["acces_aux_soins"]
    assert (slider.min, slider.max) == (0, 100)
    assert slider.description == "Accès aux soins (médecin traitant et soins non programmés)"
    assert simulator.size.disabled
    assert "Données fictives" in simulator.note.value


def test_year_1_with_planned_rates(simulator) -> None:
    sliders = simulator.sliders
    # Year 1: accès 80 %, crises 50 %; parcours and prévention start with year 2.
    assert sliders["acces_aux_soins"].value == 80
    assert sliders["crises_sanitaires_graves"].value == 50
    assert sliders["prevention"].value == 0 and sliders["prevention"].disabled
    assert sliders["parcours_pluriprofessionnels"].disabled
    # Missions from 01/10/2024 run 6 months of year 1 (to 01/04/2025):
    # accès 17 500 × 6/12 = 8 750 + 29 500 × 6/12 × 80 % = 11 800 → 20 550
    # crises 30 000 × 6/12 = 15 000 + 30 000 × 6/12 × 50 % = 7 500 → 22 500
    # total 60 000 + 20 550 + 22 500 = 103 050
    assert total_funding(simulator) == 103050
    assert "103 050 €" in plain(simulator.table.value)


def test_year_2_with_planned_rates_and_schedule(simulator) -> None:
    simulator.year.value = 2
    assert [s.value for s in simulator.sliders.values()] == [80, 60, 80, 50]
    # fonctionnement 60 000
    # accès 17 500 + 29 500 × 80 % = 41 100; parcours 26 250 + 26 250 × 60 % = 42 000
    # prévention 15 000 + 15 000 × 80 % = 27 000; crises 30 000 + 30 000 × 50 % = 45 000
    # total 60 000 + 41 100 + 42 000 + 27 000 + 45 000 = 215 100
    assert total_funding(simulator) == 215100
    assert "Financement de l'année 2 (du 01/04/2025 au 31/03/2026)" in simulator.table.value
    rows = table_cells(simulator.table.value)
    assert rows[0] == [
        "Mission",
        "Mois couverts",
        "Part fixe",
        "Part variable maximale",
        "Taux d'atteinte",
        "Part variable",
        "Total",
    ]
    assert rows[1] == ["Fonctionnement de la CPTS", "12", "60 000 €", "0 €", "—", "0 €", "60 000 €"]
    assert rows[2] == [
        "Accès aux soins (médecin traitant et soins non programmés)",
        "12",
        "17 500 €",
        "29 500 €",
        "80 %",
        "23 600 €",  # 29 500 × 80 %
        "41 100 €",
    ]
    # fixed 60 000 + 17 500 + 26 250 + 15 000 + 30 000 = 148 750
    # variable max 29 500 + 26 250 + 15 000 + 30 000 = 100 750
    # variable 23 600 + 15 750 + 12 000 + 15 000 = 66 350; 148 750 + 66 350 = 215 100
    assert rows[-1] == [
        "Total de l'année 2",
        "",
        "148 750 €",
        "100 750 €",
        "",
        "66 350 €",
        "215 100 €",
    ]
    payments = table_cells(simulator.schedule.value)
    assert payments[0] == ["Date", "Versement", "Montant"]
    # fonctionnement advance and balance + 3 payments for each of the 4 missions
    assert len(payments) == 1 + 2 + 4 * 3 + 1
    assert payments[1] == ["01/04/2025", "Fonctionnement — avance 75 % (année 2)", "45 000 €"]
    assert payments[-1] == ["", "Total versé au titre de l'année 2", "215 100 €"]
    schedule = plain(simulator.schedule.value)
    # Advance 75 % of the parcours fixed part on 01/04/2025: 26 250 × 0,75 = 19 687,50;
    # its balance on 01/04/2026: 26 250 − 19 687,50 = 6 562,50.
    assert "01/04/2025" in schedule and "01/04/2026" in schedule
    assert "19 687,50 €" in schedule and "6 562,50 €" in schedule
    # Everything earned in year 2 is paid in the end: 215 100.
    assert schedule.count("215 100 €") == 1


def test_sliders_change_the_funding(simulator) -> None:
    simulator.year.value = 2
    # Exercise 1: prévention at 50 % instead of 80 %: 15 000 × (80 − 50) % = 4 500 less.
    simulator.sliders["prevention"].value = 50
    assert total_funding(simulator) == 210600
    assert "210 600 €" in plain(simulator.table.value)
    # Every slider at 0: fixed parts + fonctionnement only:
    # 60 000 + 17 500 + 26 250 + 15 000 + 30 000 = 148 750
    for slider in simulator.sliders.values():
        slider.value = 0
    assert total_funding(simulator) == 148750
    assert "148 750 €" in plain(simulator.table.value)
    assert "148 750 €" in plain(simulator.schedule.value)


def test_rates_are_kept_per_year(simulator) -> None:
    simulator.year.value = 2
    simulator.sliders["prevention"].value = 50
    simulator.year.value = 1
    assert simulator.sliders["acces_aux_soins"].value == 80
    assert total_funding(simulator) == 103050
    simulator.year.value = 2
    assert simulator.sliders["prevention"].value == 50
    assert total_funding(simulator) == 210600


def test_reference_amounts_carry_the_warning(simulator) -> None:
    simulator.year.value = 2
    simulator.amounts_source.value = "reference"
    assert not simulator.size.disabled
    assert simulator.size.value == 2
    note = simulator.note.value
    assert "Montants de la table de référence, taille 2" in note
    assert "montant indicatif — à vérifier dans votre contrat" in note
    # The case's envelopes are those of the reference table for size 2 (accès: variable
    # 17 500 + 12 000 for soins non programmés = 29 500): same total.
    assert total_funding(simulator) == 215100
    simulator.size.value = 3
    # Size 3: fonctionnement 75 000; accès 25 000 + (25 000 + 15 000) × 80 % = 57 000;
    # parcours 35 000 + 35 000 × 60 % = 56 000; prévention 17 500 + 17 500 × 80 % = 31 500;
    # crises 37 500 + 37 500 × 50 % = 56 250 → 75 000 + 57 000 + 56 000 + 31 500 + 56 250
    assert total_funding(simulator) == 275750
    assert "275 750 €" in plain(simulator.table.value)
    assert "taille 3" in simulator.note.value
    simulator.amounts_source.value = "contrat"
    assert simulator.size.disabled
    assert total_funding(simulator) == 215100
    assert "Montants de la table de référence" not in simulator.note.value


# --------------------------------------------------------------------------------------
# CashWhatIf
# --------------------------------------------------------------------------------------


@pytest.fixture
def what_if(case) -> CashWhatIf:
    return CashWhatIf.from_case_study(case)


def closings(what_if: CashWhatIf) -> list[float]:
    return [float(v) for v in what_if.plan()["solde_cloture_eur"]]


def test_cash_controls_list_the_aci_payments_of_the_year(what_if) -> None:
    # Two ACI dates in 2025. The anniversary 01/04/2025: year 1 balances
    # fonctionnement 15 000 + accès 8 750 − 6 562,50 + crises 15 000 − 11 250 = 20 937,50;
    # year 2 advances: fonctionnement 45 000 + 75 % × (17 500 + 26 250 + 15 000 + 30 000)
    # = 111 562,50 → 132 500. Six months later, 01/10/2025: year 1 variable parts
    # 11 800 + 7 500 = 19 300.
    assert [plain(label) for label, _ in what_if.payment.options] == [
        "01/04/2025 : 132 500 €",
        "01/10/2025 : 19 300 €",
    ]
    assert (what_if.delay.min, what_if.delay.max, what_if.delay.value) == (0, 6, 0)
    assert what_if.delay.description == "Retard (mois)"
    assert what_if.opening.description == "Trésorerie au 1er janvier (€)"
    assert what_if.opening.number == 80000
    assert what_if.opening.value == "80\u202f000 €"


def test_cash_plan_without_delay(what_if) -> None:
    # jan 80 000 + 1 380 − 12 540 = 68 840; feb − 56 115 = 12 725; mar − 10 140 = 2 585;
    # apr + 132 500 − 10 140 = 124 945; ...; oct + 19 300; dec 32 350.
    assert closings(what_if)[:4] == [68840, 12725, 2585, 124945]
    assert closings(what_if)[-1] == 32350
    summary = plain(what_if.summary.value)
    assert "Solde de trésorerie le plus bas : 2 585 € fin mars 2025" in summary
    assert "reste positive" in summary
    assert "#c62828" not in what_if.summary.value
    table = plain(what_if.table.value)
    assert "janvier 2025" in table and "décembre 2025" in table
    assert "132 500 €" in table and "32 350 €" in table


def test_one_month_delay_puts_april_below_zero(what_if) -> None:
    what_if.delay.value = 1
    # April without the ACI payment: 2 585 − 10 140 = −7 555; May: −7 555 + 132 500 − 10 140
    assert closings(what_if)[3:5] == [-7555, 114805]
    summary = plain(what_if.summary.value)
    assert "le versement du 01/04/2025 arrive avec 1 mois de retard" in summary
    assert "-7 555 € fin avril 2025" in summary
    assert "passe sous zéro" in summary and "avril 2025 (-7 555 €)" in summary
    assert "#c62828" in what_if.summary.value  # red
    assert "color:#c62828" in what_if.table.value  # the negative month is red
    rows = table_cells(what_if.table.value)
    assert rows[0] == [  # the labels declared with the cash plan's columns
        "Mois",
        "Solde en début de mois (€)",
        "Encaissements ACI (€)",
        "Autres encaissements (€)",
        "Décaissements (€)",
        "Solde en fin de mois (€)",
    ]
    assert rows[4] == ["avril 2025", "2 585 €", "0 €", "0 €", "10 140 €", "-7 555 €"]
    assert rows[5] == ["mai 2025", "-7 555 €", "132 500 €", "0 €", "10 140 €", "114 805 €"]


def test_two_months_delay_low_point(what_if) -> None:
    what_if.delay.value = 2
    # Exercise 4: April −7 555; May −7 555 − 10 140 = −17 695;
    # June −17 695 + 132 500 + 8 000 − 10 140 = 112 665.
    assert closings(what_if)[3:6] == [-7555, -17695, 112665]
    assert "-17 695 € fin mai 2025" in plain(what_if.summary.value)


def test_opening_balance_moves_the_curve(what_if) -> None:
    what_if.opening.value = "90 000"
    # 10 000 more all year long: March 2 585 + 10 000 = 12 585.
    assert closings(what_if)[2] == 12585
    assert "12 585 € fin mars 2025" in plain(what_if.summary.value)


def test_chart_is_a_png_redrawn_on_change(what_if) -> None:
    first = bytes(what_if.chart.value)
    assert what_if.chart.format == "png"
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(first) > 10_000
    what_if.delay.value = 1
    second = bytes(what_if.chart.value)
    assert second.startswith(b"\x89PNG\r\n\x1a\n")
    assert second != first


def test_domain_error_is_shown_in_french(case) -> None:
    form = CashWhatIf(2025, 80000, [10440.0] * 11, None)
    summary = plain(form.summary.value)
    assert "11 valeur(s) saisie(s) ; il en faut 12" in summary
    assert bytes(form.chart.value) == b""
    assert form.payment.disabled and form.payment.options == ()


# -- numbers typed the French way in the forms' fields ------------------------------------


def test_an_amount_typed_with_a_decimal_comma_is_added_as_typed(editor) -> None:
    # Was 150 050,00 € with a number field: the comma was dropped.
    editor.new_account.value = "6181"
    editor.new_label.value = "Documentation"
    editor.new_amount.value = "1500,50"
    editor.add_button.click()
    assert "Ligne 22 ajoutée" in plain(editor.status.value)
    assert "1 500,50 €" in plain(editor.status.value)
    assert list(editor.grid.get_visible_data().loc[22])[-1] == "1\u202f500,50"
    assert editor.new_amount.value == ""


@pytest.mark.parametrize("typed", ["1 500,50 €", "1\u202f500,50", "+1500,5"])
def test_amounts_typed_in_french_forms_are_read_alike(editor, typed: str) -> None:
    editor.new_account.value = "6181"
    editor.new_label.value = "Documentation"
    editor.new_amount.value = typed
    editor.add_button.click()
    assert amount_of(editor, "6181") == 1500.5


@pytest.mark.parametrize(
    ("typed", "reason"), [("1500,5,0", "deux séparateurs décimaux"), ("mille", "lettres")]
)
def test_an_unreadable_amount_is_refused_with_the_accepted_form(editor, typed, reason) -> None:
    editor.new_account.value = "6181"
    editor.new_label.value = "Documentation"
    editor.new_amount.value = typed
    editor.add_button.click()
    status = plain(editor.status.value)
    assert "Ligne non ajoutée. Montant" in status and reason in status
    assert "1 500,50" in status  # an accepted form is shown
    assert len(editor.budget) == 21


def test_an_opening_balance_typed_with_a_comma_is_read_as_typed(what_if) -> None:
    # Was 8 000 050 € with a number field.
    # January: 80 000,50 + 1 380 − 10 140 − 2 400 (laptop) = 68 840,50.
    what_if.opening.value = "80000,50"
    assert what_if.opening.number == 80000.5
    assert closings(what_if)[0] == 68840.5
    what_if.opening.value = "quatre-vingt mille"
    summary = plain(what_if.summary.value)
    assert "Trésorerie au 1er janvier" in summary and "lettres" in summary
    assert what_if.chart.layout.display == "none"  # no broken image in place of the chart
    what_if.opening.value = "80 000"
    assert what_if.chart.layout.display is None and bytes(what_if.chart.value)


def test_the_aci_simulator_opens_on_the_year_asked(case) -> None:
    rates = {
        "acces_aux_soins": 0.6,
        "parcours_pluriprofessionnels": 0.5,
        "prevention": 0.7,
        "crises_sanitaires_graves": 0.5,
    }
    simulator = AciSimulator(case.contract, {2: rates}, year=2)
    assert simulator.year.value == 2
    assert simulator.sliders["prevention"].value == 70
    with pytest.raises(InputError, match="pas d'année 9"):
        AciSimulator(case.contract, {2: rates}, year=9)
