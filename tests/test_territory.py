"""The territory chart, and the ACI size of the case-study territory."""

from __future__ import annotations

from cpts_training.budget.aci import aci_size
from cpts_training.datasets import load_territory
from cpts_training.territory import population_chart


def test_case_study_territory_is_size_2() -> None:
    # 52 886 inhabitants: between the 40 000 and 80 000 thresholds.
    assert aci_size(load_territory().population, "2025-01-01") == 2


def test_population_chart_is_french_and_marked_fictional() -> None:
    figure = population_chart(load_territory())
    axis = figure.axes[0]
    assert axis.get_title().startswith("Population par commune")
    assert axis.get_xlabel() == "Habitants"
    assert len(axis.patches) == 18  # one bar per commune
    legend = [t.get_text() for t in axis.get_legend().get_texts()]
    assert legend == ["bourg-centre", "pôle de proximité", "village"]
    assert any("fictives" in text.get_text() for text in figure.texts)


def test_presentation_names_the_territory_and_warns_it_is_fictional() -> None:
    from cpts_training.territory import presentation

    text = presentation(load_territory())._repr_markdown_()
    assert text.startswith("**CPTS de la Vallée de l'Aubrenne (fictive)** — Occitanie")
    assert "bourg-centre" in text
    assert "Territoire fictif créé pour la formation" in text
