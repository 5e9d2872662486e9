"""« Ma CPTS », driven as a trainee drives it: upload a balance, read the tables, export.

The upload is set as ipywidgets 8 sets it: a tuple of dicts with ``name``, ``type``,
``size``, ``content`` (a memoryview) and ``last_modified``. The case's 2025 balance
(``data/cas/balance_generale_2025.yaml``) is written as a French export (« ; », decimal
comma): résultat 14 689, CAF 15 989, FRNG 57 089, BFR −18 200, trésorerie 75 289 (each
computed by hand in tests/finance/test_report.py).

The example export (``data/finance/exemple_balance_generale.csv``), by hand:
charges 604 9 800 + 6132 6 000 + 6156 1 249,60 + 6226 2 400 + 6228 38 000 + 641 36 000
+ 645 15 120 + 661 120 + 6811 1 200 = 109 889,60; produits 741 115 000 + 756 1 200
= 116 200; résultat 6 310,40; CAF = 6 310,40 + 1 200 = 7 510,40;
FRNG = (102 8 000 + 164 4 000 + 28183 2 400) − 2183 6 000 + (106 12 000 + 110 2 500
+ 6 310,40) = 8 400 + 20 810,40 = 29 210,40; BFR = (4418 15 000 + 486 600) − (401
2 150,40 + 431 3 800) = 9 649,60; trésorerie = 29 210,40 − 9 649,60 = 19 560,80 = 512.
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

import docx
import openpyxl
import pytest

from cpts_training.finance.case_study import load_trial_balance
from cpts_training.finance.widgets.my_accounts import EXAMPLE_YEAR, MyAccounts
from tests.finance.helpers import plain, text_of


def cells(markup: str) -> list[list[str]]:
    root = ET.fromstring(f"<div>{markup}</div>")
    return [[plain("".join(c.itertext())) for c in row] for row in root.iter("tr")]


def french(amount: float) -> str:
    whole, cents = divmod(round(amount * 100), 100)
    return f"{whole:,}".replace(",", " ") + (f",{cents:02d}" if cents else "")


def case_csv(year: int = 2025, change=None, encoding: str = "utf-8-sig") -> bytes:
    """The case's balance as a French software export (« ; », decimal comma)."""
    lines = ["N° compte;Intitulé;Débit;Crédit"]
    for compte, libelle, debit, credit in load_trial_balance(year).itertuples(index=False):
        row = [compte, libelle.replace(";", ","), french(debit) if debit else "",
               french(credit) if credit else ""]  # fmt: skip
        if change:
            row = change(row)
        lines.append(";".join(row))
    return ("\n".join(lines) + "\n").encode(encoding)


def upload(form: MyAccounts, name: str, content: bytes) -> None:
    """What the browser does when the trainee picks a file (ipywidgets 8)."""
    form.upload.value = (
        {
            "name": name,
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2026, 1, 15, tzinfo=dt.UTC),
        },
    )


@pytest.fixture
def form(tmp_path) -> MyAccounts:
    widget = MyAccounts(folder=tmp_path)
    widget.year.value = 2025
    return widget


def test_upload_shows_the_statements_caf_and_bilan_financier(form):
    upload(form, "balance 2025.csv", case_csv())
    assert "Balance balance 2025.csv lue : 31 comptes, exercice 2025, équilibrée." in text_of(
        form.status.value
    )
    assert "Résultat 14 689 € (excédent)" in text_of(form.status.value)
    assert form.results.layout.display == ""
    assert cells(form.key_view.value)[1:3] == [
        ["Résultat de l'exercice", "14 689 €"],
        ["Capacité d'autofinancement (CAF)", "15 989 €"],
    ]
    income = cells(form.income_view.value)
    assert ["Total", "", "", "195 186 €", "209 875 €"] in income
    assert ["Résultat de l'exercice (excédent)", "14 689 €"] in income
    caf = cells(form.caf_view.value)
    assert caf[1] == ["Résultat de l'exercice", "classes 7 − 6", "+", "14 689 €"]
    assert caf[2][3] == "1 300 €" and caf[-1] == ["Capacité d'autofinancement (CAF)", "", "=",
                                                  "15 989 €"]  # fmt: skip
    balance = {row[0]: row[1] for row in cells(form.balance_view.value)[1:]}
    assert balance["Fonds de roulement net global (FRNG)"] == "57 089 €"
    assert balance["BFR négatif (excédent de financement d'exploitation, EFE)"] == "−18 200 €"
    assert balance["Trésorerie"] == "75 289 €"
    assert "disponibilités 75 289 € − concours bancaires 0 € = 75 289 € : égalité vérifiée" in (
        text_of(form.balance_view.value)
    )
    sheet = cells(form.sheet_view.value)
    assert ["Total de l'actif", "", "108 889 €"] in sheet
    ratios = text_of(form.ratios_view.value)
    assert "Trésorerie en jours de charges141,7 jours" in ratios  # 75 289 × 365 / 193 886
    assert form.diagnosis_box.layout.display == ""


def test_changing_the_year_reads_the_file_again_with_that_year_rules(form):
    # The case's 2025 balance read as 2024: still valid (no 79, no 657/757/747 in it).
    upload(form, "balance.csv", case_csv())
    form.year.value = 2024
    assert form.report is not None and form.report.year == 2024
    assert "exercice 2024" in text_of(form.status.value)


def test_account_79_in_a_2025_balance_names_the_line_and_the_fix(form):
    def transfer(row):
        # 741 196 375 split: 741 196 000 and a 79 « transfert de charges » of 375
        if row[0] == "741":
            return ["741", row[1], "", "196 000"]
        return row

    content = case_csv(change=transfer)[:-1] + b"\n791;Transfert de charges;;375\n"
    upload(form, "balance.csv", content)
    message = text_of(form.status.value)
    assert message.startswith(
        "Balance refusée (exercice choisi : 2025). Fichier balance.csv, ligne 33 (compte 791)"
    )
    assert "le compte 79 (transferts de charges) n'existe plus" in message
    assert form.report is None and form.results.layout.display == "none"
    form.year.value = 2024  # the same file is valid for 2024
    assert form.report is not None


def test_unbalanced_file_gives_both_totals(form):
    def typo(row):
        return ["512", row[1], "75 298", ""] if row[0] == "512" else row

    upload(form, "balance.csv", case_csv(change=typo))
    message = text_of(form.status.value)
    # debit 305 375 + 9 = 305 384, credit 305 375
    assert "la balance n'est pas équilibrée. Total débit 305 384,00 €" in message
    assert "écart 9,00 € en trop au débit" in message


def test_missing_column_and_unreadable_number(form):
    upload(form, "balance.csv", "Compte;Libellé;Débit\n512;Banque;10\n".encode())
    assert "colonne(s) introuvable(s) : credit" in text_of(form.status.value)

    def garbled(row):
        return ["604", row[1], "12 5OO", ""] if row[0] == "604" else row

    upload(form, "balance2.csv", case_csv(change=garbled))
    message = text_of(form.status.value)
    assert "ligne 13 (compte 604), colonne « Débit » : « 12 5OO » n'est pas un montant" in message


def test_unknown_account_and_class_8_are_named(form):
    def wrong(row):
        return ["8011", row[1], row[2], row[3]] if row[0] == "616" else row

    upload(form, "balance.csv", case_csv(change=wrong))
    message = text_of(form.status.value)
    # 616 is the 15th account: line 16
    assert "Fichier balance.csv, ligne 16 (compte 8011) : la classe 8 n'existe pas" in message
    assert "retirez-la" in message


def test_latin1_export_and_xlsx_are_read(form):
    upload(form, "balance_ebp.csv", case_csv(encoding="cp1252"))
    assert form.report is not None and form.report.caf.caf_eur == pytest.approx(15_989)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Compte", "Libellé", "Solde débiteur", "Solde créditeur"])
    for compte, libelle, debit, credit in load_trial_balance(2025).itertuples(index=False):
        sheet.append([int(compte), libelle, debit or None, credit or None])
    buffer = io.BytesIO()
    book.save(buffer)
    upload(form, "balance.xlsx", buffer.getvalue())
    assert form.report is not None
    assert form.report.balance.tresorerie_eur == pytest.approx(75_289)


def test_example_button_loads_the_example(tmp_path):
    form = MyAccounts(folder=tmp_path)
    form.example_button.click()
    assert form.year.value == EXAMPLE_YEAR
    assert "22 comptes" in text_of(form.status.value)
    assert "Résultat 6 310,40 € (excédent)" in text_of(form.status.value)
    balance = {row[0]: row[1] for row in cells(form.balance_view.value)[1:]}
    assert balance["Fonds de roulement net global (FRNG)"] == "29 210,40 €"
    assert balance["Besoin en fonds de roulement (BFR)"] == "9 649,60 €"
    assert balance["Trésorerie"] == "19 560,80 €"
    assert cells(form.caf_view.value)[-1][-1] == "7 510,40 €"
    # The check is written without parentheses (they read as a negative amount):
    # 29 210,40 − 9 649,60 = 19 560,80.
    check = text_of(form.balance_view.value)
    assert "FRNG − BFR = 29 210,40 € − 9 649,60 € = 19 560,80 €" in check
    assert "(" not in check.split("Contrôle")[1].split(":")[0]
    # Every table scrolls inside its own box, right around it.
    for view in (form.key_view, form.caf_view, form.balance_view, form.ratios_view):
        root = ET.fromstring(f"<div>{view.value}</div>")
        boxes = [d for d in root.iter("div") if "min-width:100%" in (d.get("style") or "")]
        assert len(boxes) == len(list(root.iter("table")))
        assert all(len(list(d.iter("table"))) == 1 for d in boxes)


def test_export_word_needs_text_then_never_overwrites_without_the_checkbox(form, tmp_path):
    upload(form, "balance.csv", case_csv())
    form.cpts_name.value = "CPTS de l'Aubrenne"
    form.export_button.click()
    assert "Votre diagnostic est vide" in text_of(form.export_status.value)
    assert not list(tmp_path.iterdir())

    form.diagnosis_text.value = "Notre CAF finance l'ordinateur.\nLa trésorerie est confortable."
    form.export_button.click()
    target = tmp_path / "diagnostic_financier.docx"
    assert "Document Word enregistré" in text_of(form.export_status.value)
    document = docx.Document(str(target))
    paragraphs = [plain(p.text) for p in document.paragraphs]
    assert paragraphs[0] == "Diagnostic financier 2025 — CPTS de l'Aubrenne"
    assert "Notre CAF finance l'ordinateur." in paragraphs
    flat = [plain(c.text) for t in document.tables for row in t.rows for c in row.cells]
    assert "Capacité d'autofinancement (CAF)" in flat and "15 989 €" in flat

    before = target.read_bytes()
    form.diagnosis_text.value = "Autre texte."
    form.export_button.click()
    assert "existe déjà et n'a pas été remplacé" in text_of(form.export_status.value)
    assert target.read_bytes() == before
    form.overwrite.value = True
    form.export_button.click()
    assert "Autre texte." in [p.text for p in docx.Document(str(target)).paragraphs]


def test_export_html_and_export_before_any_file(tmp_path):
    form = MyAccounts(folder=tmp_path)
    form.diagnosis_text.value = "Texte."
    form.html_button.click()
    assert "Aucune balance analysée" in text_of(form.export_status.value)
    form.example_button.click()
    form.file_name.value = "mon_diag"
    form.html_button.click()
    assert "Page web enregistrée" in text_of(form.export_status.value)
    page = (tmp_path / "mon_diag.html").read_text(encoding="utf-8")
    assert "<p>Texte.</p>" in page and "7\u202f510,40\xa0€" in page
