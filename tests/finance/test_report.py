"""The financial diagnosis document: tables, the trainee's text, Word and HTML files.

Figures of the case's 2025 balance (``data/cas/balance_generale_2025.yaml``), by hand:

- charges 604 12 500 + 6132 8 400 + 6156 3 000 + 616 1 180 + 6185 1 500 + 6226 3 600
  + 62262 2 800 + 6228 74 800 + 623 6 100 + 625 5 200 + 626 1 250 + 64111 40 800
  + 64112 11 000 + 64511 17 136 + 64512 4 620 + 6811 1 300 = 195 186;
  produits 741 196 375 + 742 8 000 + 743 4 000 + 756 1 500 = 209 875;
  résultat = 209 875 − 195 186 = 14 689;
- CAF = 14 689 + dotation 6811 1 300 = 15 989; taux 15 989 / 209 875 = 7,62 % → 7,6 %;
- FRI = 28183 1 300 − 2183 3 900 = −2 600; FRE = 1068 30 000 + 110 15 000 + 14 689
  = 59 689; FRNG = −2 600 + 59 689 = 57 089;
- BFR = (4418 30 000 + 486 1 000) − (401 3 600 + 431 5 000 + 4421 600 + 4671 40 000)
  = 31 000 − 49 200 = −18 200; trésorerie = 57 089 + 18 200 = 75 289 = banque 512.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import docx
import pandas as pd
import pytest

from cpts_training.errors import InputError
from cpts_training.finance.case_study import CASE_YEARS, load_trial_balance
from cpts_training.finance.report import (
    accounts_report,
    euros,
    evolution_section,
    evolution_table,
    financial_diagnosis_docx,
    financial_diagnosis_html,
    format_variation,
    save_financial_diagnosis_html,
    variation_column,
)
from tests.finance.helpers import plain

TEXT = "La CAF couvre l'investissement.\nLe BFR est négatif : les dettes financent l'activité."


@pytest.fixture(scope="module")
def tb2025() -> pd.DataFrame:
    return load_trial_balance(2025)


def docx_text(path) -> tuple[list[str], list[list[list[str]]]]:
    document = docx.Document(str(path))
    paragraphs = [plain(p.text) for p in document.paragraphs]
    tables = [[[plain(c.text) for c in row.cells] for row in t.rows] for t in document.tables]
    return paragraphs, tables


def test_report_of_the_case_2025_gives_the_hand_computed_figures(tb2025):
    report = accounts_report(tb2025, 2025, cpts_name="  CPTS de l'Aubrenne ")
    assert report.title == "Diagnostic financier 2025 — CPTS de l'Aubrenne"
    assert report.income.resultat_eur == pytest.approx(14_689)
    assert report.caf.caf_eur == pytest.approx(15_989)
    assert report.balance.frng_eur == pytest.approx(57_089)
    assert report.balance.bfr_eur == pytest.approx(-18_200)
    assert report.balance.tresorerie_eur == pytest.approx(75_289)
    assert report.cash_by_accounts_eur == pytest.approx(75_289)
    assert report.identity_holds
    assert plain(report.identity_text()) == (
        # No parentheses: 57 089 − (−18 200) is written 57 089 + 18 200 = 75 289.
        "Contrôle : trésorerie = FRNG − BFR = 57 089 € + 18 200 € = 75 289 € ; "
        "disponibilités 75 289 € − concours bancaires 0 € = 75 289 € : égalité vérifiée."
    )


def test_sections_are_french_tables_with_french_euros(tb2025):
    report = accounts_report(tb2025, 2025)
    caf = report.caf_section()
    assert caf.rows[0][0] == "Résultat de l'exercice" and plain(caf.rows[0][3]) == "14 689 €"
    assert plain(caf.rows[1][3]) == "1 300 €"  # dotation 6811
    assert caf.total is not None and plain(caf.total[3]) == "15 989 €"
    assert plain(caf.note).endswith("15 989 € / 209 875 € = 7,6 %.")
    income = report.income_section()
    assert income.total is not None
    assert [plain(x) for x in income.total[3:]] == ["195 186 €", "209 875 €"]
    # 62: 6226 3 600 + 62262 2 800 + 6228 74 800 + 623 6 100 + 625 5 200 + 626 1 250 = 93 750
    row62 = next(r for r in income.rows if r[1] == "62")
    assert plain(row62[3]) == "93 750 €"
    result = report.result_section()
    assert result.total == ("Résultat de l'exercice (excédent)", "14\u202f689\xa0€")
    assets, liabilities = report.assets_section(), report.liabilities_section()
    # actif 3 900 − 1 300 + 30 000 + 1 000 + 75 289 = 108 889 = passif
    # 30 000 + 15 000 + 3 600 + 5 600 + 40 000 + 14 689 = 108 889
    assert assets.total is not None and plain(assets.total[2]) == "108 889 €"
    assert liabilities.total is not None and plain(liabilities.total[2]) == "108 889 €"
    assert ("Amortissements (à déduire)", "28183", "−1\u202f300\xa0€") in assets.rows
    balance = report.balance_section()
    amounts = {row[0]: plain(row[1]) for row in balance.rows}
    assert amounts["Fonds de roulement d'investissement (FRI)"] == "−2 600 €"
    assert amounts["Fonds de roulement d'exploitation (FRE)"] == "59 689 €"
    assert amounts["Fonds de roulement net global (FRNG)"] == "57 089 €"
    assert amounts["Trésorerie"] == "75 289 €"
    ratios = {row[0]: plain(row[1]) for row in report.ratios_section().rows}
    # 75 289 × 365 / (195 186 − 1 300) = 27 480 485 / 193 886 = 141,74 jours
    assert ratios["Trésorerie en jours de charges"] == "141,7 jours"
    diagnosis = report.diagnosis_section()
    assert diagnosis.headers == ("Signal", "Indicateur", "Valeur", "Seuil", "Lecture")
    assert len(diagnosis.rows) == 7


def test_docx_holds_the_trainee_text_the_caf_and_every_table(tb2025, tmp_path):
    path = financial_diagnosis_docx(
        tb2025, 2025, TEXT, tmp_path / "diag.docx", cpts_name="CPTS de l'Aubrenne"
    )
    paragraphs, tables = docx_text(path)
    assert paragraphs[0] == "Diagnostic financier 2025 — CPTS de l'Aubrenne"
    assert "La CAF couvre l'investissement." in paragraphs
    assert "Le BFR est négatif : les dettes financent l'activité." in paragraphs
    caf_table = next(t for t in tables if t[0] == ["Terme", "Comptes", "Signe", "Montant"])
    assert caf_table[-1] == ["Capacité d'autofinancement (CAF)", "", "=", "15 989 €"]
    # chiffres clés, résultat, par section, actif, passif, CAF, bilan financier, ratios,
    # lecture
    assert len(tables) == 9
    assert tables[0][1:4] == [
        ["Résultat de l'exercice", "14 689 €"],
        ["Capacité d'autofinancement (CAF)", "15 989 €"],
        ["Taux de CAF (CAF / produits)", "7,6 %"],
    ]
    assert tables[0][4:] == [
        ["Fonds de roulement net global (FRNG)", "57 089 €"],
        ["Besoin en fonds de roulement (BFR)", "−18 200 €"],
        ["Trésorerie (FRNG − BFR)", "75 289 €"],
        ["Trésorerie en jours de charges courantes", "141,7 jours"],
    ]
    flat = [cell for t in tables for row in t for cell in row]
    assert "57 089 €" in flat and "−18 200 €" in flat and "75 289 €" in flat


def test_empty_text_refused_and_no_file_written(tb2025, tmp_path):
    target = tmp_path / "diag.docx"
    for text in ("", "   \n  "):
        with pytest.raises(InputError, match="Votre diagnostic est vide"):
            financial_diagnosis_docx(tb2025, 2025, text, target)
        with pytest.raises(InputError, match="Votre diagnostic est vide"):
            financial_diagnosis_html(tb2025, 2025, text)
    assert not target.exists()


def test_existing_file_not_replaced_without_overwrite(tb2025, tmp_path):
    target = tmp_path / "diag.docx"
    target.write_bytes(b"ancien")
    with pytest.raises(InputError, match="existe déjà"):
        financial_diagnosis_docx(tb2025, 2025, TEXT, target)
    assert target.read_bytes() == b"ancien"
    financial_diagnosis_docx(tb2025, 2025, TEXT, target, overwrite=True)
    assert "La CAF couvre l'investissement." in docx_text(target)[0]
    page = tmp_path / "diag.html"
    page.write_text("ancien", encoding="utf-8")
    with pytest.raises(InputError, match="existe déjà"):
        save_financial_diagnosis_html(tb2025, 2025, TEXT, page)
    assert page.read_text(encoding="utf-8") == "ancien"


def test_html_escapes_the_trainee_text_and_holds_the_tables(tb2025):
    page = financial_diagnosis_html(
        tb2025, 2025, "Trésorerie <b>élevée</b> & stable", cpts_name="A & B"
    )
    assert "<b>élevée</b>" not in page
    assert "Trésorerie &lt;b&gt;élevée&lt;/b&gt; &amp; stable" in page
    root = ET.fromstring(page.replace("<!DOCTYPE html>", ""))
    assert plain(root.find("./head/title").text) == "Diagnostic financier 2025 — A & B"
    cells = [plain("".join(td.itertext())) for td in root.iter("td")]
    assert "15 989 €" in cells and "75 289 €" in cells


def test_evolution_table_of_the_case():
    # 2024 by hand: charges 4 200 + 1 500 + 880 + 2 400 + 12 000 + 1 800 + 1 900 + 1 240
    # + 24 000 + 10 080 = 60 000; produits 70 000 + 30 000 + 4 000 + 1 000 = 105 000;
    # résultat = CAF = 45 000 (no dotation); FRNG = 45 000 (résultat only);
    # BFR = −(401 2 400 + 431 4 000 + 4671 12 000 + 487 16 600) = −35 000;
    # trésorerie = 45 000 + 35 000 = 80 000 (banque 512).
    table = evolution_table({y: load_trial_balance(y) for y in CASE_YEARS}).set_index("code")
    assert [c for c in table.columns if isinstance(c, int)] == sorted(CASE_YEARS)
    expected = {
        "resultat": (45_000, 14_689),
        "caf": (45_000, 15_989),
        "frng": (45_000, 57_089),
        "bfr": (-35_000, -18_200),
        "tresorerie": (80_000, 75_289),
    }
    change = variation_column(2024, 2025)
    for code, (before, after) in expected.items():
        assert table.loc[code, 2024] == pytest.approx(before)
        assert table.loc[code, 2025] == pytest.approx(after)
        assert table.loc[code, change] == pytest.approx(after - before)
    # taux de CAF: 45 000 / 105 000 = 0,4286 → 15 989 / 209 875 = 0,0762: −35,2 points
    assert table.loc["taux_caf", change] == pytest.approx(15_989 / 209_875 - 45_000 / 105_000)
    section = evolution_section(table.reset_index())
    assert section.headers[-1] == "Variation 2024 → 2025" or len(CASE_YEARS) > 2
    rows = {r[0]: [plain(c) for c in r] for r in section.rows}
    column = list(section.headers).index("Variation 2024 → 2025")
    assert rows["Trésorerie"][column] == "−4 711 €"  # 75 289 − 80 000
    assert rows["Fonds de roulement net global (FRNG)"][column] == "+12 089 €"
    assert rows["Taux de CAF"][column] == "−35,2 pt"


def test_evolution_table_refuses_nothing_and_names_the_year():
    with pytest.raises(InputError, match="Aucune balance"):
        evolution_table({})
    bad = load_trial_balance(2025).assign(debit=lambda d: d["debit"].where(d["compte"] != "512", 1))
    with pytest.raises(InputError, match="^Exercice 2025 : .*pas équilibrée"):
        evolution_table({2025: bad})


def test_format_variation_signs():
    assert plain(format_variation(1200, "euros")) == "+1 200 €"
    assert plain(format_variation(-0.5, "euros")) == "−0,50 €"
    assert format_variation(0.012, "taux") == "+1,2 pt"
    assert format_variation(-3.25, "jours") == "−3,3 jours"  # ROUND_HALF_UP of 3,25
    assert format_variation(float("nan"), "jours") == "non calculable"


def test_euros_have_two_decimals_when_there_are_cents():
    assert plain(euros(52142.4)) == "52 142,40 €"
    assert plain(euros(45000)) == "45 000 €"
    assert plain(euros(0)) == "0 €"
    assert plain(euros(-3300.5)) == "−3 300,50 €"
