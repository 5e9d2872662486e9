"""Cash plan 2025 of the case study (computed by hand), delays and properties.

Inputs (fictional): opening cash 80 000 € on 01/01/2025; ACI payment of 151 800 € on
01/04/2025 (see test_budget_aci); other receipts: 1 380 (31/01), 8 000 (16/06),
4 000 (30/09), 6 000 (14/11); spending 10 440 € a month plus 45 975 € of indemnities in
February and August (56 415 € in those months).
"""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_training.budget.aci import NATURE_VARIABLE, payment_schedule
from cpts_training.budget.case_study import load_budget_file, load_case_study
from cpts_training.budget.cash import (
    cash_plan,
    cash_summary,
    delay_payments,
    monthly_spending,
    what_if_delay,
)
from cpts_training.errors import InputError


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture(scope="module")
def case():
    study = load_case_study()
    schedule = payment_schedule(study.contract, study.planned_achievement)
    spending = list(study.cash.monthly_spending_eur)
    return study, schedule, spending


def test_case_cash_plan_2025_by_hand(case):
    study, schedule, spending = case
    plan = cash_plan(2025, 80000, spending, schedule, study.cash.other_receipts)
    # Spending: 10 140 a month, + 2 400 (laptop) in January, + 45 975 (indemnities) in
    # February and August, + 2 800 (auditor) in December. ACI: 132 500 on 01/04, the
    # year-1 variable parts 19 300 on 01/10 (6 months after the anniversary).
    # jan  80 000 + 1 380 − 12 540 = 68 840
    # feb  68 840 − 56 115 = 12 725
    # mar  12 725 − 10 140 = 2 585
    # apr  2 585 + 132 500 − 10 140 = 124 945
    # may  124 945 − 10 140 = 114 805
    # jun  114 805 + 8 000 − 10 140 = 112 665
    # jul  112 665 − 10 140 = 102 525
    # aug  102 525 − 56 115 = 46 410
    # sep  46 410 + 4 000 − 10 140 = 40 270
    # oct  40 270 + 19 300 − 10 140 = 49 430
    # nov  49 430 + 6 000 − 10 140 = 45 290
    # dec  45 290 − 12 940 = 32 350
    assert list(plan["solde_cloture_eur"]) == [
        68840, 12725, 2585, 124945, 114805, 112665,
        102525, 46410, 40270, 49430, 45290, 32350,
    ]  # fmt: skip
    assert plan["encaissements_aci_eur"].sum() == 151800
    summary = cash_summary(plan)
    assert summary.minimum_eur == 2585
    assert summary.minimum_month == 3
    assert summary.minimum_month_label == "mars 2025"
    assert summary.negative_months == ()
    assert "reste positive" in summary.message
    assert "2 585 € fin mars 2025" in plain(summary.message)


def test_aci_payment_one_month_late_puts_april_below_zero(case):
    study, schedule, spending = case
    late = what_if_delay(
        2025, 80000, spending, schedule, study.cash.other_receipts,
        payment="2025-04-01", months=1,
    )  # fmt: skip
    # April without the ACI payment: 2 585 − 10 140 = −7 555
    # May: −7 555 + 132 500 − 10 140 = 114 805 (back on the plan)
    assert late.loc[3, "solde_cloture_eur"] == -7555
    assert late.loc[4, "solde_cloture_eur"] == 114805
    summary = cash_summary(late)
    assert summary.minimum_eur == -7555
    assert summary.minimum_month_label == "avril 2025"
    assert summary.negative_months == ("avril 2025",)
    assert "passe sous zéro" in summary.message
    # Two months late: April −7 555 and May −7 555 − 10 140 = −17 695
    later = what_if_delay(
        2025, 80000, spending, schedule, study.cash.other_receipts,
        payment="2025-04-01", months=2,
    )  # fmt: skip
    assert cash_summary(later).negative_months == ("avril 2025", "mai 2025")
    assert later.loc[4, "solde_cloture_eur"] == -17695


def test_late_balance_alone_keeps_the_cash_positive(case):
    study, _schedule, spending = case
    schedule = payment_schedule(study.contract, study.planned_achievement, balance_delay_months=3)
    plan = cash_plan(2025, 80000, spending, schedule, study.cash.other_receipts)
    # April receives the advances only: 132 500 − balances 20 937.50 = 111 562.50
    # April closing: 2 585 + 111 562.50 − 10 140 = 104 007.50 ; July gets the balances
    # 15 000 + 2 187.50 + 3 750 = 20 937.50 ; the variable parts (19 300) move to 01/01/2026
    assert plan.loc[3, "encaissements_aci_eur"] == 111562.5
    assert plan.loc[3, "solde_cloture_eur"] == 104007.5
    assert plan.loc[6, "encaissements_aci_eur"] == 20937.5
    assert cash_summary(plan).minimum_eur == 2585


def test_budget_charges_spread_evenly_by_default():
    budget = load_budget_file()
    months = monthly_spending(budget)
    # 217 230 / 12 = 18 102.50 a month
    assert months == [18102.5] * 12
    study = load_case_study()
    plan = cash_plan(2025, 80000, budget, None, study.cash.other_receipts)
    # March: 80 000 + 1 380 − 3 × 18 102.50 = 27 072.50
    assert plan.loc[2, "solde_cloture_eur"] == 27072.5
    profile = monthly_spending(budget, [1] * 6 + [3] * 6)
    assert sum(profile) == pytest.approx(217230)
    assert profile[0] == pytest.approx(217230 / 24)


def test_delay_payments_by_nature(case):
    _study, schedule, _spending = case
    moved = delay_payments(schedule, "2025-10-01", 2, nature=NATURE_VARIABLE)
    december = moved[moved["date"].dt.date == dt.date(2025, 12, 1)]
    # Year-1 variable parts (due 01/10/2025): accès 11 800 + crises 7 500 = 19 300
    assert december["montant_eur"].sum() == 19300
    with pytest.raises(InputError) as err:
        delay_payments(schedule, "2025-05-15", 1)
    assert "Aucun versement le 15/05/2025" in err.value.args[0]
    assert "01/04/2025" in err.value.args[0]


def test_bad_cash_inputs_fail_in_french():
    with pytest.raises(InputError, match="il en faut 12"):
        cash_plan(2025, 0, [1000] * 11)
    with pytest.raises(InputError, match="négatif"):
        cash_plan(2025, 0, [1000] * 11 + [-5])
    receipts = [{"date": "2025-13-01", "libelle": "FIR", "montant_eur": 10}]
    with pytest.raises(InputError, match="n'est pas une date"):
        cash_plan(2025, 0, [0] * 12, None, receipts)


receipts_strategy = st.lists(
    st.tuples(
        st.dates(dt.date(2024, 6, 1), dt.date(2026, 6, 30)),
        st.floats(0, 200_000, allow_nan=False).map(lambda x: round(x, 2)),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-50_000, 200_000, allow_nan=False).map(lambda x: round(x, 2)),
    st.lists(
        st.floats(0, 100_000, allow_nan=False).map(lambda x: round(x, 2)),
        min_size=12,
        max_size=12,
    ),
    receipts_strategy,
)
def test_monthly_flows_add_up_to_the_annual_net(opening, spending, receipts):
    table = pd.DataFrame(
        {
            "date": [d for d, _ in receipts],
            "libelle": ["encaissement"] * len(receipts),
            "montant_eur": [a for _, a in receipts],
        }
    )
    plan = cash_plan(2025, opening, spending, None, table)
    in_year = sum(a for d, a in receipts if d.year == 2025)
    net = plan["flux_net_eur"].sum()
    assert net == pytest.approx(in_year - sum(spending), abs=0.05)
    assert plan["solde_cloture_eur"].iloc[-1] == pytest.approx(opening + net, abs=0.05)
    assert list(plan["solde_ouverture_eur"].iloc[1:]) == list(plan["solde_cloture_eur"].iloc[:-1])
