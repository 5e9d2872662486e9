"""RGDU (réduction générale dégressive unique, 2026) and effective employer rates.

Hand computations with the 2026 parameters: SMIC annuel brut 21 876,40 € (12,02 × 1 820),
Tmin 0,02, Tdelta 0,3781 (fewer than 50 employees), P 1,75, ceiling 3 SMIC;
C = Tmin + Tdelta × [(1/2)(3 × SMIC / brut − 1)]^1,75, rounded to 4 decimals.
"""

import pytest

from cpts_training.budget import effective_employer_rate, rgdu_coefficient, rgdu_reduction
from cpts_training.budget.payroll import LARGE_EMPLOYER, employer_cost_summary
from cpts_training.errors import InputError
from cpts_training.reference import load_parameter


def test_parameters_of_2026():
    assert load_parameter("paie/smic_annuel_brut").value_at("2026-01-01") == 21876.40
    assert load_parameter("paie/rgdu/tmin").value_at("2026-06-30") == 0.02
    assert load_parameter("paie/rgdu/tdelta").value_at("2026-01-01") == {
        "fnal_0_10": 0.3781,
        "fnal_0_50": 0.3821,
    }
    assert load_parameter("paie/rgdu/exposant").value_at("2026-01-01") == 1.75
    assert load_parameter("paie/rgdu/plafond_en_smic").value_at("2026-01-01") == 3
    rate = load_parameter("budget/taux_charges_patronales")
    assert rate.value_at("2025-06-30") == rate.value_at("2026-06-30") == 0.42
    assert "AVANT réductions" in rate.metadata.note


def test_coordinator_full_time():
    # 3 × 21 876,40 = 65 629,20; / 40 800 = 1,608559; (1,608559 − 1) / 2 = 0,304279;
    # 0,304279^1,75 = exp(1,75 × ln 0,304279) = exp(−2,082176) = 0,124660;
    # C = 0,02 + 0,3781 × 0,124660 = 0,02 + 0,047134 = 0,067134 → 0,0671.
    assert rgdu_coefficient(40800) == 0.0671
    # Reduction 40 800 × 0,0671 = 2 737,68 €; effective rate 0,42 − 0,0671 = 0,3529.
    assert rgdu_reduction(40800) == 2737.68
    assert effective_employer_rate(40800) == 0.3529


def test_half_time_assistant_uses_the_prorated_smic():
    # SMIC prorated: 21 876,40 × 0,5 = 10 938,20; 3 × 10 938,20 = 32 814,60;
    # / 13 200 = 2,486; (2,486 − 1) / 2 = 0,743; 0,743^1,75 = exp(1,75 × ln 0,743)
    # = exp(−0,519853) = 0,594628; C = 0,02 + 0,3781 × 0,594628 = 0,244829 → 0,2448.
    assert rgdu_coefficient(13200, working_time=0.5) == 0.2448
    # Reduction 13 200 × 0,2448 = 3 231,36 €; effective rate 0,42 − 0,2448 = 0,1752.
    assert rgdu_reduction(13200, "2026-03-01", working_time=0.5) == 3231.36
    assert effective_employer_rate(13200, working_time=0.5) == 0.1752
    # Forgetting the proration: 65 629,20 / 13 200 = 4,972 → (4,972 − 1) / 2 = 1,986 > 1,
    # so C reaches its maximum Tmin + Tdelta = 0,3981 (a wrong, far too large reduction).
    assert rgdu_coefficient(13200) == 0.3981


def test_bounds_of_the_formula():
    # At the SMIC: (1/2)(3 − 1) = 1 → C = 0,02 + 0,3781 = 0,3981 (maximum);
    # below the SMIC the coefficient stays at that maximum.
    assert rgdu_coefficient(21876.40) == 0.3981
    assert rgdu_coefficient(15000) == 0.3981
    # Just under 3 SMIC (65 629,20 €): the bracket is ~0, C = Tmin = 0,02; at 3 SMIC: 0.
    assert rgdu_coefficient(65629.19) == 0.02
    assert rgdu_coefficient(65629.20) == 0.0
    assert rgdu_reduction(80000) == 0.0
    # 50 employees or more: Tdelta 0,3821 → maximum 0,4021.
    assert rgdu_coefficient(21876.40, fnal=LARGE_EMPLOYER) == 0.4021


def test_summary_in_french():
    text = employer_cost_summary(13200, working_time=0.5)
    assert "coefficient RGDU 0,2448" in text
    assert "3 231,36 €" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert "taux patronal effectif 17,52\u00a0%" in text  # a no-break space before %


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"gross_annual_eur": 40800, "on": "2025-12-31"}, "à partir du 01/01/2026"),
        ({"gross_annual_eur": 0}, "positif"),
        ({"gross_annual_eur": -10}, "négatif"),
        ({"gross_annual_eur": 40800, "working_time": 0}, "quotité"),
        ({"gross_annual_eur": 40800, "working_time": 1.5}, "100 %"),
        ({"gross_annual_eur": 40800, "fnal": "fnal_1"}, "FNAL"),
    ],
)
def test_errors_are_french(kwargs, expected):
    with pytest.raises(InputError, match=expected):
        rgdu_coefficient(**kwargs)
