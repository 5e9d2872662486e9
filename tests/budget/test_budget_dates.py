"""Date helpers shared by the reference parameters and the budget modules."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cpts_training import dates
from cpts_training.budget import _common
from cpts_training.dates import MONTHS_FR, fr_date, to_date
from cpts_training.errors import InputError
from cpts_training.reference import load_parameter

APRIL_1 = dt.date(2025, 4, 1)


@pytest.mark.parametrize(
    "value",
    [
        APRIL_1,
        dt.datetime(2025, 4, 1, 17, 30),
        pd.Timestamp("2025-04-01 08:00"),
        np.datetime64("2025-04-01"),
        "2025-04-01",
        "  2025-04-01 ",
    ],
)
def test_to_date_accepts_dates_and_iso_text(value):
    assert to_date(value, "La date") == APRIL_1


@pytest.mark.parametrize("value", ["01/04/2025", "20250401", "2025-02-30", "avril", 20250401])
def test_to_date_refuses_anything_else_in_french(value):
    with pytest.raises(InputError) as err:
        to_date(value, "La date de signature")
    message = err.value.args[0]
    assert message.startswith(f"La date de signature vaut « {value} », ce n'est pas une date.")
    assert "AAAA-MM-JJ" in message


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), pd.NaT, np.datetime64("NaT")])
def test_to_date_refuses_a_missing_date(value):
    # pd.NaT is a datetime: without this check it would come back as NaT, not as a date.
    with pytest.raises(InputError) as err:
        to_date(value, "La date du versement")
    assert err.value.args[0].startswith("La date du versement est vide : saisissez une date")


def test_fr_date_writes_day_month_year():
    assert fr_date(APRIL_1) == "01/04/2025"
    assert fr_date(dt.date(2024, 12, 31)) == "31/12/2024"
    assert fr_date(pd.Timestamp("2026-01-05")) == "05/01/2026"


def test_french_months_start_in_january():
    assert len(MONTHS_FR) == 12
    assert (MONTHS_FR[0], MONTHS_FR[3], MONTHS_FR[7]) == ("janvier", "avril", "août")
    assert _common.month_label(2025, 4) == "avril 2025"


def test_budget_and_reference_use_the_same_helpers():
    assert _common.to_date is dates.to_date
    assert _common.fr_date is dates.fr_date
    assert _common.MONTHS_FR is dates.MONTHS_FR


def test_parameter_date_errors_use_the_shared_wording():
    pass_ = load_parameter("pss/plafond_annuel")
    with pytest.raises(InputError) as err:
        pass_.value_at("2025/04/01")
    assert "ce n'est pas une date" in err.value.args[0]
    with pytest.raises(InputError, match="avant le 01/01/2023"):
        pass_.value_at("2022-12-31")
