"""Self-checks of module 01 against values computed by hand from the case files."""

from __future__ import annotations

import pytest

from cpts_training.budget import load_case_study
from cpts_training.checks.budget import (
    assistant_extra_cost_eur,
    check_assistant_extra_cost,
    check_cash_low_point,
    check_largest_overrun,
    check_prevention_drop,
    delayed_low_point,
    largest_charge_overrun,
    prevention_drop_eur,
)


@pytest.fixture(scope="module")
def case():
    return load_case_study()


def test_prevention_drop(case) -> None:
    # Variable envelope 15 000 € × (0.8 − 0.5) = 4 500 €.
    assert prevention_drop_eur(case) == pytest.approx(4500)
    assert check_prevention_drop(4500, case)
    assert not check_prevention_drop("4 500", case)  # a text: the quotes are named
    assert "trop élevée" in str(check_prevention_drop(12000, case))
    assert "aucune réponse" in str(check_prevention_drop(..., case))


def test_assistant_extra_cost(case) -> None:
    # Gross 13 200 € at 0.5 ETP → 21 120 € at 0.8 ETP; rate 5 544 / 13 200 = 42 %;
    # (21 120 − 13 200) × 1.42 = 7 920 × 1.42 = 11 246.40 €.
    assert assistant_extra_cost_eur(case) == pytest.approx(11246.40)
    assert check_assistant_extra_cost(11246.4, case)
    wrong = check_assistant_extra_cost(7920, case)  # forgets the employer charges
    assert not wrong and "charges patronales" in str(wrong) and "trop faible" in str(wrong)


def test_largest_overrun(case) -> None:
    # Laptop depreciation: 1 300 € actual (3 900 / 3) for 800 € planned (2 400 / 3)
    # → +62.5 %, the largest.
    assert largest_charge_overrun(case) == "6811"
    assert check_largest_overrun("6811", case)
    assert check_largest_overrun(6811, case)
    assert not check_largest_overrun("623", case)  # communication: +35.6 %
    assert "aucun choix" in str(check_largest_overrun(None, case))
    assert "entre guillemets" in str(check_largest_overrun(..., case))


def test_cash_low_point_with_a_two_month_delay(case) -> None:
    # 80 000 + 1 380 − 12 540 = 68 840; − 56 115 = 12 725; − 10 140 = 2 585 (March);
    # no ACI in April: − 10 140 = −7 555; nor in May: − 10 140 = −17 695 (the low point);
    # June: + 8 000 (FIR) + 132 500 (ACI, 2 months late) − 10 140 → positive again.
    assert delayed_low_point(case) == (-17695, 5)
    assert check_cash_low_point(-17695, 5, case)
    right_amount_wrong_month = check_cash_low_point(-17695, 4, case)
    assert not right_amount_wrong_month and "pas le mois" in str(right_amount_wrong_month)
    assert not check_cash_low_point(2585, 3, case)


def test_cash_low_point_with_a_three_month_delay(case) -> None:
    # Evaluation 01, question 3: as above until May (−17 695 €), then June:
    # + 8 000 (FIR) − 10 140 = −19 835 € (the low point); July: + 132 500 − 10 140.
    assert delayed_low_point(case, months=3) == (-19835, 6)
