"""CashPlanBuilder driven as a trainee drives it (values computed by hand).

Simple budget: salaries 6411 12 000 € (1 000 a month), indemnities 6228 6 000 €,
depreciation 6811 500 € (non-cash, left out); ACI 10 000 € on 15/05/2026; opening 2 000 €.
With the indemnities paid in March the closing balances are 1 000, 0, −7 000, −8 000,
1 000, 0, −1 000, −2 000, −3 000, −4 000, −5 000, −6 000.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from cpts_training.budget.cash_builder import PaymentTiming, suggested_timing
from cpts_training.budget.forecast import make_budget
from cpts_training.budget.widgets.cash_plan_builder import TO_CHOOSE, CashPlanBuilder

BUDGET = make_budget(
    [
        ("6411", "Salaires", 12000),
        ("6228", "Indemnités", 6000),
        ("6811", "Dotations aux amortissements", 500),
        ("741", "ACI", 18500),
    ]
)
ACI = pd.DataFrame(
    {
        "date": [dt.date(2026, 5, 15), dt.date(2026, 4, 1)],
        "nature": ["avance 75 %", "part variable"],
        "montant_eur": [10000.0, 0.0],
    }
)
CLOSINGS = [1000, 0, -7000, -8000, 1000, 0, -1000, -2000, -3000, -4000, -5000, -6000]


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def table_cells(markup: str) -> list[list[str]]:
    table = ET.fromstring(f"<div>{markup}</div>").find(".//table")
    return [[plain("".join(cell.itertext())) for cell in row] for row in table.iter("tr")]


def row_of(form: CashPlanBuilder, account: str):
    return next(r for r in form.rows if r.account == account)


@pytest.fixture
def form() -> CashPlanBuilder:
    return CashPlanBuilder(BUDGET, 2026, 2000, ACI, None)


def choose(form: CashPlanBuilder) -> None:
    """The trainee's choices: salaries monthly, indemnities once, in March."""
    row_of(form, "6411").kind.value = "mensuel"
    indemnities = row_of(form, "6228")
    indemnities.kind.value = "annuel"
    indemnities.first_month.value = 3


def test_rows_start_unchosen_and_the_plan_is_not_drawn(form):
    assert [r.account for r in form.rows] == ["6411", "6228"]  # 6811 non-cash, 741 product
    assert all(r.kind.value is None for r in form.rows)
    assert form.rows[0].kind.options[0][0] == TO_CHOOSE
    assert form.plan is None and form.timings == {}
    text = plain(form.message.value)
    assert "6411 « Salaires » (rythme à choisir)" in text
    assert "6228 « Indemnités » (rythme à choisir)" in text
    assert form.table.value == "" and form.chart.value == b""


def test_a_rhythm_without_its_month_is_listed(form):
    row_of(form, "6411").kind.value = "mensuel"
    row_of(form, "6228").kind.value = "annuel"
    assert form.plan is None
    text = plain(form.message.value)
    assert "6228 « Indemnités » (mois à choisir)" in text and "6411" not in text
    # month selectors shown only when needed
    assert row_of(form, "6228").first_month.layout.display is None
    assert row_of(form, "6228").second_month.layout.display == "none"
    assert row_of(form, "6411").first_month.layout.display == "none"


def test_choices_give_the_plan_table_and_curve(form):
    choose(form)
    assert form.timings == {
        "6411": PaymentTiming("mensuel"),
        "6228": PaymentTiming("annuel", (3,)),
    }
    assert list(form.plan["solde_cloture_eur"]) == CLOSINGS
    cells = table_cells(form.table.value)
    assert cells[0][0] == "Mois" and cells[0][-1] == "Solde en fin de mois (€)"
    assert "Indemnités des professionnels (€)" in cells[0]
    march = cells[3]
    # March: 1 000 of salaries + 6 000 of indemnities = 7 000; closing −7 000
    assert march[0] == "mars 2026" and march[-2] == "7 000 €" and march[-1] == "-7 000 €"
    assert form.chart.value[:4] == b"\x89PNG"
    assert "6811" in form.note.value and "exclue" in form.note.value


def test_no_summary_sentence_states_the_answer(form):
    choose(form)
    shown = plain(form.message.value + form.coverage.value)
    for answer in ("8 000", "avril", "mars", "minimum", "plus bas", "besoin"):
        assert answer not in shown.lower()


def test_typed_fields_french_way(form):
    choose(form)
    form.opening.value = "60 000"
    # 60 000 − 1 000 = 59 000 in January
    assert form.plan["solde_cloture_eur"].iloc[0] == 59000
    form.opening.value = "12 000,50"
    # 12 000,50 − 1 000 = 11 000,50
    assert form.plan["solde_cloture_eur"].iloc[0] == 11000.5
    form.opening.value = "douze mille"
    assert form.plan is None
    assert "Trésorerie au 1er janvier" in form.message.value
    assert "pas un nombre lisible" in plain(form.message.value)


def test_facility_coverage(form):
    choose(form)
    assert form.facility_eur is None and form.coverage.value == ""
    form.facility.value = "7 000"
    assert form.facility_eur == 7000
    # April closes at −8 000, below −7 000
    assert "pas couvert en avril" in form.coverage.value
    form.facility.value = "5 500"
    # −7 000 (March), −8 000 (April), −6 000 (December) are below −5 500
    assert "pas couvert en mars, avril, décembre" in form.coverage.value
    form.facility.value = "8 000"
    assert "couvert" in form.coverage.value and "pas couvert" not in form.coverage.value
    form.facility.value = "8 000 %"
    assert form.plan is None and "Facilité de caisse accordée" in form.message.value
    form.facility.value = ""
    assert form.facility_eur is None and form.plan is not None


def test_variable_part_delay_field(form):
    choose(form)
    form.delay.value = "1,5"
    assert form.plan is None and "nombre entier" in form.message.value
    form.delay.value = "6"
    assert list(form.plan["solde_cloture_eur"]) == CLOSINGS


def test_delay_moves_the_variable_part_of_a_schedule():
    aci = pd.DataFrame(
        {
            "date": [dt.date(2026, 1, 1)],
            "nature": ["part variable"],
            "montant_eur": [10000.0],
        }
    )
    form = CashPlanBuilder(
        BUDGET, 2026, 0, aci, None, {"6411": "mensuel", "6228": PaymentTiming("annuel", (12,))},
        variable_delay_months=9,
    )  # fmt: skip
    # January: 0 + 10 000 − 1 000 = 9 000
    assert form.plan["solde_cloture_eur"].iloc[0] == 9000
    form.delay.value = "11"  # two more months: paid 01/03/2026
    # January −1 000, February −2 000, March −3 000 + 10 000 = 7 000
    assert list(form.plan["solde_cloture_eur"])[:3] == [-1000, -2000, 7000]


def test_given_timings_and_a_same_month_semester_refused():
    form = CashPlanBuilder(BUDGET, 2026, 2000, ACI, None, {"6411": "mensuel"})
    assert row_of(form, "6411").kind.value == "mensuel" and form.plan is None
    row = row_of(form, "6228")
    row.kind.value = "semestriel"
    row.first_month.value = 6
    row.second_month.value = 6
    assert form.plan is None and "répété" in form.message.value
    row.second_month.value = 12
    # 3 000 in June and December: June closes 1 000 + 10 000 … → no error
    assert form.plan is not None


def test_from_case_study_2026():
    budget = make_budget(
        [
            ("6411", "Salaires bruts", 70400),
            ("6451", "Charges sociales patronales", 21319.68),
            ("6228", "Indemnités des professionnels", 66600),
            ("6132", "Loyer", 8400),
            ("6811", "Dotations aux amortissements", 800),
        ]
    )
    form = CashPlanBuilder.from_case_study_2026(budget)
    assert plain(form.opening.value) == "20 000 €" and form.delay.value == "9"
    assert form.plan is None
    for row in form.rows:
        row.set_timing(suggested_timing(row.account))
    plan = form.plan
    # January: 20 000 + ACI 19 300 (year-1 variable part, 9 months late) + cotisations
    # 1 500 − (salaries 5 866,67 + December's charges 1 776,64 + rent 700; indemnities
    # quarterly in arrears: none in January) = 32 456,69
    assert plan["solde_cloture_eur"].iloc[0] == 32456.69
    assert "fictives" in form.children[0].value


def test_ponctuel_months_are_chosen_in_a_list(form):
    row_of(form, "6411").kind.value = "mensuel"
    row = row_of(form, "6228")
    row.kind.value = "ponctuel"
    assert row.months.layout.display is None and row.first_month.layout.display == "none"
    assert form.plan is None and "(mois à choisir)" in form.message.value
    row.months.value = (2, 8)
    assert form.timings["6228"] == PaymentTiming("ponctuel", (2, 8))
    # 6 000 / 2 = 3 000 in February: 2 000 − 1 000 − 1 000 − 3 000 = −3 000
    assert form.plan["solde_cloture_eur"].iloc[1] == -3000
