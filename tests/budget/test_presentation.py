"""The budget summary for the board (B5.C03): ratios, charges by mission, HTML and DOCX."""

import re
import shutil
import subprocess

import docx
import pandas as pd
import pytest

from cpts_training.budget.case_study import load_case_study
from cpts_training.budget.forecast import make_budget
from cpts_training.budget.presentation import (
    MISSION_COLUMNS,
    NO_MISSION_NOTE,
    budget_presentation,
    budget_ratios,
    by_mission,
)
from cpts_training.errors import InputError

RISK = "Part variable de l'ACI : −10 points sur toutes les missions = −9 044 € de résultat."
ASK = "Valider le budget prévisionnel 2025."


@pytest.fixture(scope="module")
def case():
    return load_case_study()


@pytest.fixture(scope="module")
def with_missions(case):
    """The case budget with the builder's optional columns."""
    budget = case.budget.copy()
    missions = {"6228": "plusieurs_missions", "604": "prevention", "6132": "fonctionnement"}
    budget["mission"] = [
        missions.get(account, "") if sens == "charge" else ""
        for account, sens in zip(budget["compte"], budget["sens"], strict=True)
    ]
    budget["base_de_calcul"] = [
        "3 400 € brut × 12 mois" if account == "64111" else "" for account in budget["compte"]
    ]
    return budget


def _plain(text: str) -> str:
    """Narrow and ordinary no-break spaces written as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _docx_text(path) -> str:
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.append(" | ".join(cell.text for cell in row.cells))
    return _plain("\n".join(texts))


def test_ratios_of_the_case(case):
    ratios = budget_ratios(case.budget, reserves_eur=50_000)
    # ACI 197 850 / products 217 230 = 0.910786 (91,1 %)
    assert ratios.aci_share == pytest.approx(197_850 / 217_230)
    # payroll 641 + 645: 40 800 + 13 200 + 17 136 + 5 544 = 76 680; / 217 230 = 0.35299
    assert ratios.payroll_share == pytest.approx(76_680 / 217_230)
    # indemnities 6228: 91 950 / 217 230 = 0.42328
    assert ratios.indemnity_share == pytest.approx(91_950 / 217_230)
    assert ratios.result_eur == 0  # 217 230 − 217 230
    # 50 000 / (217 230 / 12 = 18 102.50) = 2.762 months
    assert ratios.reserves_months == pytest.approx(2.76205, abs=1e-5)
    text = _plain(str(ratios))
    assert "Part de l'ACI dans les produits : 91,1 %" in text
    assert "35,3 %" in text and "42,3 %" in text
    assert "Réserves en mois de charges : 2,8 mois" in text


def test_ratios_without_reserves_and_empty_sides():
    ratios = budget_ratios(make_budget([("741", "ACI", 1_000)]))
    assert ratios.reserves_months is None
    assert "Réserves" not in str(ratios)
    assert ratios.aci_share == 1  # 1 000 / 1 000
    assert ratios.result_eur == 1_000
    assert "n.d." in str(ratios)  # no charge: shares of charges are not defined
    with pytest.raises(InputError, match="aucune charge"):
        budget_ratios(make_budget([("741", "ACI", 1_000)]), reserves_eur=10_000)


def test_by_mission_without_the_column(case):
    table = by_mission(case.budget.drop(columns="mission"))
    assert tuple(table.columns) == MISSION_COLUMNS
    # every charge is unassigned: 217 230 €, 100 %
    assert table.to_dict("records") == [
        {"mission": "non_affecte", "libelle": "Non affecté", "montant_eur": 217_230, "part": 1.0}
    ]


def test_by_mission_with_the_column(case, with_missions):
    table = by_mission(with_missions, case.contract).set_index("mission")
    # fonctionnement 6132 = 8 400; prevention 604 = 16 800; several 6228 = 91 950;
    # unassigned = 217 230 − 8 400 − 16 800 − 91 950 = 100 080
    assert list(table.index) == [
        "fonctionnement",
        "prevention",
        "plusieurs_missions",
        "non_affecte",
    ]
    assert table.loc["fonctionnement", "montant_eur"] == 8_400
    assert table.loc["prevention", "montant_eur"] == 16_800
    assert table.loc["plusieurs_missions", "montant_eur"] == 91_950
    assert table.loc["non_affecte", "montant_eur"] == 100_080
    assert table.loc["prevention", "libelle"] == "Actions coordonnées de prévention"
    assert table.loc["plusieurs_missions", "part"] == pytest.approx(91_950 / 217_230)
    assert table["part"].sum() == pytest.approx(1)


def test_by_mission_unknown_mission(case):
    budget = case.budget.assign(mission="telemedecine")
    with pytest.raises(InputError, match="Mission « telemedecine » inconnue"):
        by_mission(budget)


def test_docx_read_back(case, tmp_path):
    summary = budget_presentation(
        case.budget,
        cpts=case.name,
        year=2025,
        risks=[RISK],
        asks=[ASK],
        reserves_eur=50_000,
        notice=case.warning,
    )
    path = summary.to_docx(tmp_path / "synthese.docx")
    assert path == tmp_path / "synthese.docx"
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == "Budget prévisionnel 2025"
    assert document.paragraphs[0].style.name == "Title"
    text = _docx_text(path)
    assert "CPTS de la Vallée de l'Aubrenne" in text
    assert "Total des charges | 217 230 € | 100 %" in text
    assert "Total des produits | 217 230 € | 100 %" in text
    # 197 850 / 217 230 = 91,08 % written with one decimal
    assert "Part de l'ACI dans les produits | 91,1 %" in text
    assert RISK in text and ASK in text
    # The case budget gives each charge its mission: 108 480 € of fonctionnement
    # (217 230 − 91 950 − 16 800 = 108 480) and 91 950 + 16 800 = 108 750 € shared.
    assert NO_MISSION_NOTE not in text
    assert "Plusieurs missions | 108 750 €" in text
    assert "Données fictives" in text


def test_docx_overwrite_refused(case, tmp_path):
    summary = budget_presentation(case.budget, cpts=case.name, year=2025)
    target = tmp_path / "synthese.docx"
    target.write_text("ancien")
    with pytest.raises(InputError, match="existe déjà"):
        summary.to_docx(target)
    assert target.read_text() == "ancien"
    summary.to_docx(target, overwrite=True)
    assert docx.Document(str(target)).paragraphs[0].text == "Budget prévisionnel 2025"
    with pytest.raises(InputError, match=r"extension \.docx"):
        summary.to_docx(tmp_path / "synthese.doc")
    with pytest.raises(InputError, match="n'existe pas"):
        summary.to_docx(tmp_path / "absent" / "synthese.docx")


def test_html_content(case, with_missions):
    hypotheses = pd.DataFrame(
        {"hypothese": ["Taux d'atteinte prévention"], "taux": [0.8], "montant_eur": [12_000]}
    )
    summary = budget_presentation(
        with_missions,
        cpts=case.name,
        year=2025,
        hypotheses=hypotheses,
        risks=RISK,  # a single sentence may be given as a string
        asks=[ASK, ""],
        contract=case.contract,
    )
    page = _plain(summary.to_html())
    assert page.startswith("<!DOCTYPE html>")
    assert "@page" in page and "A4" in page
    assert "<h1>Budget prévisionnel 2025</h1>" in page
    assert "Charges par mission" in page and NO_MISSION_NOTE not in page
    assert "Actions coordonnées de prévention" in page
    assert ">91,1 %<" in page
    assert ">80,0 %<" in page and ">12 000 €<" in page  # hypotheses formatted
    assert "Ce que nous demandons au CA" in page
    assert page.count("<li>") == 2  # one risk, one ask (the empty ask is dropped)
    fragment = summary._repr_html_()
    assert "<html" not in fragment and "Budget prévisionnel 2025" in fragment


def test_html_hypotheses_from_the_basis_column(case, with_missions):
    page = _plain(budget_presentation(with_missions, cpts=case.name, year=2025).to_html())
    assert "Hypothèses" in page and "3 400 € brut × 12 mois" in page


def test_html_escapes_labels(case):
    budget = make_budget(
        [("6132", "<script>alert('loyer')</script>", 1_000), ("741", "ACI", 1_000)]
    ).assign(base_de_calcul=["<script>alert('base')</script>", ""])
    summary = budget_presentation(
        budget,
        cpts="<script>alert('cpts')</script>",
        year=2025,
        risks=["<b>risque</b>"],
        title="Budget <script>",
    )
    for page in (summary.to_html(), summary._repr_html_()):
        assert "<script>" not in page
        assert "&lt;script&gt;alert('loyer')&lt;/script&gt;" in page
        assert "&lt;script&gt;alert('cpts')" in page
        assert "&lt;b&gt;risque&lt;/b&gt;" in page


def test_save_writes_both_files(case, tmp_path):
    summary = budget_presentation(case.budget, cpts=case.name, year=2025, asks=[ASK])
    html_path, docx_path = summary.save(tmp_path, "synthese_2025")
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert ASK in _docx_text(docx_path)
    docx_path.unlink()
    # the HTML exists: nothing is written, not even the missing DOCX
    with pytest.raises(InputError, match="existe déjà"):
        summary.save(tmp_path, "synthese_2025")
    assert not docx_path.exists()
    summary.save(tmp_path, "synthese_2025", overwrite=True)
    assert docx_path.exists()
    with pytest.raises(InputError, match="Nom de fichier"):
        summary.save(tmp_path, "sous/dossier")


def test_bad_input(case):
    with pytest.raises(InputError, match="Nommez la CPTS"):
        budget_presentation(case.budget, cpts=" ", year=2025)
    with pytest.raises(InputError, match="entier"):
        budget_presentation(case.budget, cpts="CPTS", year="2025")
    with pytest.raises(InputError, match="tableau"):
        budget_presentation(case.budget, cpts="CPTS", year=2025, hypotheses=["a"])
    with pytest.raises(InputError, match="risque n° 1"):
        budget_presentation(case.budget, cpts="CPTS", year=2025, risks=[12])


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_html_prints_on_one_a4_page(case, with_missions, tmp_path):
    summary = budget_presentation(
        with_missions,
        cpts=case.name,
        year=2025,
        risks=[RISK, "Perte du FIR : −8 000 €.", "Dépendance à l'ACI : 91,1 % des produits."],
        asks=[ASK, "Autoriser le recrutement de l'assistante.", "Affecter l'excédent 2024."],
        reserves_eur=50_000,
        contract=case.contract,
        notice=case.warning,
    )
    page, pdf = tmp_path / "synthese.html", tmp_path / "synthese.pdf"
    page.write_text(summary.to_html(), encoding="utf-8")
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())
    assert len(pages) == 1
