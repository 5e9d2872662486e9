"""Age structure against France, the comparative pyramid and the territory's accessibility."""

from __future__ import annotations

import pandas as pd
import pytest

from cpts_training.errors import InputError
from cpts_training.territory import load_territory, overall_accessibility
from cpts_training.territory.age import AGE_STRUCTURE_COLUMNS, age_structure, france_age_shares
from cpts_training.territory.presentation import plot_age_pyramid


def test_france_shares_add_up_to_one() -> None:
    shares = france_age_shares()
    assert list(shares.index) == [
        "pop_0_14",
        "pop_15_29",
        "pop_30_44",
        "pop_45_59",
        "pop_60_74",
        "pop_75_plus",
    ]
    assert shares.sum() == pytest.approx(1.0)


def test_age_structure_of_one_commune_by_hand() -> None:
    table = age_structure(load_territory(), ["AUB01"])
    assert list(table.columns) == list(AGE_STRUCTURE_COLUMNS)
    # Castelnau: 2 273 / 2 186 / 2 373 / 2 776 / 3 222 / 1 554 = 14 384 inhabitants.
    assert table["habitants"].tolist() == [2_273, 2_186, 2_373, 2_776, 3_222, 1_554]
    # 75+: 1 554 / 14 384 = 0,10804 ; France 0,105 → +0,304 point.
    last = table.iloc[-1]
    assert last["tranche_age"] == "75 ans et plus"
    assert last["part"] == pytest.approx(1_554 / 14_384)
    assert last["ecart_points"] == pytest.approx((1_554 / 14_384 - 0.105) * 100)
    assert table["part"].sum() == pytest.approx(1.0)


def test_age_structure_adds_communes_and_keeps_the_total() -> None:
    territory = load_territory()
    both = age_structure(territory, ["AUB01", "AUB02"])
    # 14 384 + 5 917 = 20 301 inhabitants; 60-74: 3 222 + 1 426 = 4 648.
    assert int(both["habitants"].sum()) == 20_301
    assert both.loc[4, "habitants"] == 4_648
    assert int(age_structure(territory)["habitants"].sum()) == territory.population


@pytest.mark.parametrize(
    ("communes", "culprit"),
    [(["AUB99"], "AUB99"), (["AUB01", "AUB01"], "deux fois"), ([], "aucune commune")],
)
def test_age_structure_refuses_bad_choices_in_french(communes: list[str], culprit: str) -> None:
    with pytest.raises(InputError, match=culprit):
        age_structure(load_territory(), communes)


def test_age_pyramid_is_drawn_with_french_labels() -> None:
    figure = plot_age_pyramid(load_territory(), ["AUB01"])
    texts = [t.get_text().replace("\u00a0", " ") for t in figure.axes[0].texts]
    # 1 554 / 14 384 = 10,8 % on the left; France 10,5 % on the right.
    assert "10,8 %" in texts and "10,5 %" in texts
    assert "Communes choisies (14\u202f384 hab.)" in [
        t.get_text() for t in figure.axes[0].get_legend().texts
    ]
    figure.clear()


def test_overall_accessibility_is_the_demand_weighted_mean() -> None:
    result = pd.DataFrame(
        {
            "code_commune": ["A", "B", "C"],
            "accessibilite": [60.0, 30.0, 0.0],
            "demande_standardisee": [1_000.0, 3_000.0, 1_000.0],
        }
    )
    # (60 × 1 000 + 30 × 3 000 + 0 × 1 000) / 5 000 = 150 000 / 5 000 = 30.
    assert overall_accessibility(result) == pytest.approx(30.0)


def test_overall_accessibility_refuses_no_demand_and_missing_columns() -> None:
    empty = pd.DataFrame({"accessibilite": [1.0], "demande_standardisee": [0.0]})
    with pytest.raises(InputError, match="demande totale est nulle"):
        overall_accessibility(empty)
    with pytest.raises(InputError, match="demande_standardisee"):
        overall_accessibility(pd.DataFrame({"accessibilite": [1.0]}))
