"""Prévu/réalisé 2025 of the case study (variances by hand), alerts and reforecast."""

import math

import pandas as pd
import pytest

from cpts_training.budget.case_study import ACTUALS_FILE, CASE_DIR, load_budget_file
from cpts_training.budget.forecast import make_budget
from cpts_training.budget.monitoring import alerts, compare, reforecast, result_of
from cpts_training.errors import InputError


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture(scope="module")
def comparison() -> pd.DataFrame:
    return compare(load_budget_file(), load_budget_file(CASE_DIR / ACTUALS_FILE))


def row(comparison, account):
    return comparison.set_index("compte").loc[account]


def test_case_variances_by_hand(comparison):
    # Assistant hired in March: 11 000 − 13 200 = −2 200, −2 200 / 13 200 = −16.7 %
    assistant = row(comparison, "64112")
    assert assistant["ecart_eur"] == -2200
    assert assistant["ecart_relatif"] == pytest.approx(-2200 / 13200)
    assert assistant["alerte"]
    assert assistant["appreciation"] == "favorable"
    # Communication: 6 100 − 4 500 = +1 600, +35.6 % → unfavourable charge
    communication = row(comparison, "623")
    assert communication["ecart_eur"] == 1600
    assert communication["appreciation"] == "défavorable"
    message = plain(communication["message"])
    assert "réalisé 6 100 € pour 4 500 € prévus" in message
    assert "+1 600 € (+35,6 %)" in message
    assert "seuil de 10 %" in message
    # Insurance: 1 180 − 1 100 = +80, +7.3 % < 10 % → no alert
    assert not row(comparison, "616")["alerte"]
    assert row(comparison, "616")["message"] == ""
    # Call for projects not granted: 0 − 6 000 = −6 000 (−100 %) → unfavourable product
    projects = row(comparison, "744")
    assert projects["ecart_relatif"] == -1
    assert projects["appreciation"] == "défavorable"
    # ACI: 196 375 − 197 850 = −1 475 (−0.75 %) → no alert
    assert row(comparison, "741")["ecart_eur"] == -1475
    assert not row(comparison, "741")["alerte"]


def test_case_alerts_and_results(comparison):
    flagged = list(comparison.loc[comparison["alerte"], "compte"])
    assert flagged == ["64112", "64512", "6228", "604", "6811", "623", "744"]
    assert len(alerts(comparison)) == 7
    # Planned result: 217 230 − 217 230 = 0
    assert result_of(comparison, "prevu_eur") == 0
    # Actual: products 196 375 + 8 000 + 4 000 + 0 + 1 500 = 209 875
    #         charges 40 800 + 17 136 + 11 000 + 4 620 + 74 800 + 12 500 + 3 600 + 2 800
    #                 + 8 400 + 1 180 + 1 300 + 3 000 + 6 100 + 5 200 + 1 250 + 1 500
    #                 = 195 186
    #         result 209 875 − 195 186 = 14 689
    assert result_of(comparison, "realise_eur") == 14689


def test_threshold_is_a_parameter_and_can_be_changed():
    planned = make_budget([("623", "Communication", 4500), ("6063", "Matériel", 2400)])
    actual = make_budget([("623", "Communication", 6100), ("6063", "Matériel", 3900)])
    # +35.6 % and +62.5 %: with a 50 % threshold only the second line is flagged.
    assert list(compare(planned, actual, threshold=0.5)["alerte"]) == [False, True]
    with pytest.raises(InputError) as err:
        compare(planned, actual, threshold=10)
    assert "dépasse 100 %" in plain(err.value.args[0])


def test_unplanned_line_raises_an_alert():
    planned = make_budget([("623", "Communication", 4500)])
    actual = make_budget([("623", "Communication", 4500), ("6711", "Pénalités", 300)])
    result = compare(planned, actual)
    unplanned = result.set_index("compte").loc["6711"]
    assert unplanned["prevu_eur"] == 0
    assert math.isnan(unplanned["ecart_relatif"])
    assert unplanned["alerte"]
    assert "non prévue" in unplanned["message"]


def test_reforecast_by_hand():
    planned = make_budget(
        [("623", "Communication", 4500), ("6132", "Loyer", 8400), ("741", "ACI", 197850)]
    )
    to_date = make_budget([("623", "Communication", 3100), ("6132", "Loyer", 4200)])
    landing = reforecast(planned, to_date, months_elapsed=6).set_index("compte")
    # Communication: 3 100 + 4 500 × 6/12 = 3 100 + 2 250 = 5 350 (+850)
    assert landing.loc["623", "atterrissage_eur"] == 5350
    assert landing.loc["623", "ecart_atterrissage_eur"] == 850
    # Rent: 4 200 + 8 400 × 6/12 = 8 400 (on plan)
    assert landing.loc["6132", "atterrissage_eur"] == 8400
    # ACI not received yet: 0 + 197 850 × 6/12 = 98 925
    assert landing.loc["741", "atterrissage_eur"] == 98925
    with pytest.raises(InputError, match="entre 0 et 12"):
        reforecast(planned, to_date, months_elapsed=13)
