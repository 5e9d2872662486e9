"""ACI size from population, and the territory chart."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from cpts_training.datasets import load_territory
from cpts_training.errors import InputError
from cpts_training.territory import aci_size, population_chart


@pytest.mark.parametrize(
    ("population", "size"),
    [
        (0, 1),
        (39_999, 1),
        (40_000, 2),
        (52_886, 2),
        (79_999, 2),
        (80_000, 3),
        (174_999, 3),
        (175_000, 4),
        (1_000_000, 4),
    ],
)
def test_aci_size_thresholds(population: int, size: int) -> None:
    assert aci_size(population, "2024-01-01") == size


def test_negative_population_is_refused_in_french() -> None:
    with pytest.raises(InputError, match="Population négative"):
        aci_size(-1)


def test_population_chart_is_french_and_marked_fictional() -> None:
    figure = population_chart(load_territory())
    axis = figure.axes[0]
    assert axis.get_title().startswith("Population par commune")
    assert axis.get_xlabel() == "Habitants"
    assert len(axis.patches) == 18  # one bar per commune
    legend = [t.get_text() for t in axis.get_legend().get_texts()]
    assert legend == ["bourg-centre", "pôle de proximité", "village"]
    assert any("fictives" in text.get_text() for text in figure.texts)
    plt.close(figure)
