"""The territory chart, and the ACI size of the case-study territory."""

from __future__ import annotations

import re

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


def test_age_band_table_is_french_with_a_total_row() -> None:
    from cpts_training.territory import TOTAL_LABEL, age_band_frame, age_band_table

    territory = load_territory()
    frame = age_band_frame(territory)
    assert list(frame["tranche_age"]) == [*territory.age_bands.index, TOTAL_LABEL]
    assert frame["habitants"].iloc[-1] == territory.population == 52886
    assert frame["habitants"].iloc[:-1].sum() == territory.population
    html = age_band_table(territory).to_html()
    headers = re.findall(r'<th id="[^"]*" class="col_heading[^"]*" >([^<]*)</th>', html)
    assert headers == ["Tranche d'âge", "Habitants"]
    for number in ("7\u202f928", "10\u202f863", "6\u202f319", "52\u202f886"):
        assert f">{number}</td>" in html, number
    assert ">0 à 14 ans</td>" in html and f">{TOTAL_LABEL}</td>" in html
    assert "font-weight: bold" in html  # the total row stands out
    assert "tranche_age" not in html and '<th class="blank' not in html  # no raw index
