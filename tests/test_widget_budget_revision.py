"""The budget rectificatif form and its self-check, driven as a trainee drives them.

Expected figures are computed by hand from the case files (``data/cas/*.yaml``):

- budget 2025: 16 charge lines (4 salary lines, 6228 indemnities and 604 actions shared
  between the socle missions: 6 protected lines; 10 lines the trainee may change) and 5
  product lines, 217 230 € on each side;
- news at 30 June: FIR 8 000 → 6 800 € (−1 200), appel à projets 6 000 → 0 € (−6 000):
  products 217 230 − 7 200 = 210 030 €.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import openpyxl
import pytest

from cpts_training.budget.checks import check_rectificatif
from cpts_training.budget.revision import BudgetRectificatif
from cpts_training.budget.widgets.budget_revision import FIELD_LABEL, LOCK, BudgetRevisionForm


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def text_of(markup: str) -> str:
    return plain("".join(ET.fromstring(f"<div>{markup}</div>").itertext()))


def tables(markup: str) -> list[list[list[str]]]:
    root = ET.fromstring(f"<div>{markup}</div>")
    return [
        [[plain("".join(cell.itertext())) for cell in row] for row in table.iter("tr")]
        for table in root.iter("table")
    ]


@pytest.fixture
def form() -> BudgetRevisionForm:
    return BudgetRevisionForm.from_case_study()


# The 7 200 € found on the lines the trainee may change (each one at or above what is
# already booked at 30 June; the signed commitments and the socle indemnities are locked):
# 604 16 800 → 12 500 (−4 300, 4 100 booked); 625 4 800 → 2 800 (−2 000);
# 6185 1 500 → 900 (−600); 626 1 300 → 1 000 (−300); total 7 200.
BALANCED = {
    "604": "12 500",
    "625": "2 800",
    "6185": "900",
    "626": "1 000",
}


def type_amounts(form: BudgetRevisionForm, amounts: dict[str, str]) -> None:
    for account, text in amounts.items():
        form.fields[account].value = text


def test_banner_review_and_fields(form):
    header = text_of(form.children[0].value)
    assert "Nouvelles de mi-année" in header
    assert "8 000 × 0,85 = 6 800 €" in header
    assert "n'est pas retenu" in header
    # 1 200 + 6 000 = 7 200
    assert "Produits perdus : 7 200 €" in header
    assert "missions socles" in header
    assert "fictives" in header
    review = tables(form.review.value)[0]
    assert review[0][:3] == ["Compte", "Libellé", "Mission"]
    indemnities = next(r for r in review if r[0] == "6228")
    # 91 950 × 0,5 = 45 975 planned, 34 200 paid: −11 775; landing 34 200 + 45 975 = 80 175
    assert indemnities[5:] == ["45 975 €", "34 200 €", "-11 775 €", "80 175 €"]
    assert len(form.fields) == 16
    disabled = {a for a, f in form.fields.items() if f.disabled}
    # Salaries, the socle indemnities and the commitments signed (rent, insurance,
    # accountant, auditor, depreciation), from realise_30_juin_2025.yaml.
    assert disabled == {
        "64111",
        "64511",
        "64112",
        "64512",
        "6228",
        "62262",
        "6132",
        "616",
        "6226",
        "6811",
    }
    assert form.fields["623"].description == FIELD_LABEL
    assert plain(form.fields["623"].value) == "4 500 €"


def test_protected_lines_show_a_lock_and_their_reason(form):
    locks = {}
    for child in form.children:
        if hasattr(child, "children") and len(child.children) == 3:
            text, field, lock = child.children
            if field in form.fields.values():
                locks[text.value.split("</b>")[0].removeprefix("<b>")] = lock.value
    assert locks["6228"].startswith(LOCK)
    assert "missions socles" in locks["6228"]
    assert "obligatoire" in locks["62262"]
    assert "salaires" in locks["64111"]
    # The fall-prevention action lost its funding: its line stays adjustable.
    assert locks["604"] == "" and locks["623"] == ""


def test_initial_state_shows_the_deficit(form):
    assert form.new_amounts == {}
    result = form.result
    assert isinstance(result, BudgetRectificatif)
    # Charges 217 230, products 210 030: 210 030 − 217 230 = −7 200
    assert result.summary.resultat_eur == -7200
    text = text_of(form.consequences.value)
    assert "-7 200,00 €" in text
    assert "déficit" in text


def test_typed_amounts_french_way_change_the_consequences(form):
    form.fields["623"].value = "4 300"
    form.fields["625"].value = "1 250,50"
    # 623 4 500 → 4 300 (−200); 625 4 800 → 1 250,50 (−3 549,50) but 2 700 is booked
    assert form.new_amounts == {"623": 4300.0, "625": 1250.5}
    result = form.result
    # Charges 217 230 − 200 − 3 549,50 = 213 480,50; result 210 030 − 213 480,50 = −3 450,50
    assert result.summary.total_charges_eur == 213480.5
    assert result.summary.resultat_eur == -3450.5
    text = text_of(form.consequences.value)
    assert "-3 450,50 €" in text
    assert "réalisé à date (2 700,00 €)" in text
    rectificatif = tables(form.consequences.value)[-1]
    row = next(r for r in rectificatif if r[0] == "625")
    assert row[:3] == ["625", "Déplacements, missions et réceptions", "Fonctionnement de la CPTS"]
    assert row[3:] == ["4 800 €", "-3 549,50 €", "1 250,50 €"]


def test_balanced_rectificatif_passes_the_check(form):
    type_amounts(form, BALANCED)
    result = form.result
    assert result.violations == ()
    # 217 230 − 7 200 = 210 030 on each side
    assert result.summary.total_charges_eur == 210030
    assert result.balance.balanced
    assert "Aucune règle du CA n'est enfreinte" in text_of(form.consequences.value)
    verdict = check_rectificatif(result)
    assert verdict.correct, verdict.message
    assert "à l'équilibre" in plain(verdict.message)


def test_bad_text_is_explained_in_french_and_ignored(form):
    form.fields["623"].value = "trois mille"
    assert "623" not in form.new_amounts
    assert "623" in form.input_errors
    text = text_of(form.consequences.value)
    assert "Compte 623 : montant non lu" in text
    assert "n'est pas un nombre lisible" in text
    assert "Traceback" not in text


def test_negative_amount_is_a_violation(form):
    form.fields["6185"].value = "-300"
    text = text_of(form.consequences.value)
    assert "-300,00 € est négatif" in text
    assert form.result.budget.set_index("compte").at["6185", "montant_eur"] == 1500


def test_check_refuses_without_naming_lines_to_cut(form):
    verdict = check_rectificatif(form.result)
    assert not verdict.correct
    message = plain(verdict.message + (verdict.hint or ""))
    # 210 030 − 217 230 = −7 200
    assert "7 200,00 € de charges en trop" in message
    for account in ("623", "625", "6156", "6185", "6226", "626", "6811", "62262"):
        assert account not in message


def test_check_never_raises(form):
    assert not check_rectificatif(None)
    assert not check_rectificatif(...)
    assert "pas int" in check_rectificatif(3).message
    broken = BudgetRectificatif(None, None, None, (), ())  # type: ignore[arg-type]
    assert not check_rectificatif(broken)


def test_check_spots_a_product_raised_and_violations(form):
    from cpts_training.budget.case_study import load_budget_file, load_mid_year_file
    from cpts_training.budget.revision import revise_budget_under_constraint

    budget, situation = load_budget_file(), load_mid_year_file()
    raised = revise_budget_under_constraint(
        budget, {"756": 8580}, situation.resource_changes, actuals_h1=situation.actuals
    )
    # 756: 1 380 + 7 200 = 8 580 balances the budget, but no funder decided it
    assert raised.balance.balanced
    verdict = check_rectificatif(raised)
    assert not verdict.correct
    assert "sans nouvelle du financeur" in verdict.message
    cut = revise_budget_under_constraint(
        budget, {"604": 9600}, situation.resource_changes, actuals_h1=situation.actuals
    )
    # 16 800 − 9 600 = 7 200: balanced, but a protected line is reduced
    assert cut.balance.balanced
    verdict = check_rectificatif(cut)
    assert not verdict.correct
    assert "1 règle(s)" in verdict.message
    wrong_news = revise_budget_under_constraint(budget, {}, {"742": 8000, "744": 0})
    verdict = check_rectificatif(wrong_news)
    assert "6 800,00 €" in plain(verdict.message)


def test_export_writes_the_rectificatif_and_refuses_to_overwrite(form, tmp_path):
    type_amounts(form, BALANCED)
    target = tmp_path / "rectificatif.xlsx"
    form.export_name.value = str(target)
    form.export_button.click()
    assert target.exists()
    assert "Classeur enregistré" in text_of(form.export_status.value)
    sheet = openpyxl.load_workbook(target).worksheets[0]
    values = {str(r[0]): r[2] for r in sheet.iter_rows(values_only=True) if r and r[0] is not None}
    assert values["625"] == 2800
    assert values["744"] == 0
    form.export_button.click()
    assert "Export refusé" in text_of(form.export_status.value)
    form.export_overwrite.value = True
    form.export_button.click()
    assert "Classeur enregistré" in text_of(form.export_status.value)
