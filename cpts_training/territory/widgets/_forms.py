"""Widgets to explore the case-study territory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets
import pandas as pd

from cpts_training.formatting import format_number_fr
from cpts_training.html_blocks import card
from cpts_training.territory.case_study import Territory
from cpts_training.territory.checks import check_aci_size
from cpts_training.territory.size import population_date, size_thresholds
from cpts_training.widgets.self_check import ChoiceCheck


def commune_card(territory: Territory, code: str) -> str:
    """HTML card (French) describing one commune of ``territory``."""
    row = territory.communes.set_index("code_commune").loc[code]
    assert isinstance(row, pd.Series)  # one row: commune codes are unique
    share_75 = 100 * row["pop_75_plus"] / row["population"]
    density = row["population"] / row["superficie_km2"]
    distance = (
        "c'est le bourg-centre"
        if row["distance_bourg_min"] == 0
        else f"{format_number_fr(row['distance_bourg_min'])} min en voiture du bourg-centre"
    )
    return card(
        str(row["commune"]),
        str(row["statut"]),
        [
            ("Population", f"{format_number_fr(row['population'])} habitants"),
            (
                "75 ans et plus",
                f"{format_number_fr(row['pop_75_plus'])} ({format_number_fr(share_75, 1)} %)",
            ),
            ("Densité", f"{format_number_fr(density, 1)} hab/km²"),
            ("Accès", distance),
        ],
    )


class CommuneExplorer(widgets.VBox):
    """A drop-down list of the communes and a card that describes the chosen one."""

    def __init__(self, territory: Territory) -> None:
        self.territory = territory
        # Rows of the table: their fields are not known statically.
        communes: Iterable[Any] = territory.communes.itertuples()
        options = [
            (f"{row.commune} ({format_number_fr(row.population)} hab.)", row.code_commune)
            for row in communes
        ]
        self.selector = widgets.Dropdown(
            options=options,
            description="Commune :",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="28em"),
        )
        self.card = widgets.HTML()
        self.selector.observe(self._refresh, names="value")
        super().__init__([self.selector, self.card])
        self._refresh()

    def _refresh(self, *_: object) -> None:
        self.card.value = commune_card(self.territory, self.selector.value)


def aci_size_options(at: dt.date) -> list[tuple[str, int]]:
    """The four ACI sizes with their population ranges, from the thresholds parameter."""
    lower_2, lower_3, lower_4 = (format_number_fr(b) for b in size_thresholds(at))
    return [
        (f"Taille 1 : moins de {lower_2} habitants", 1),
        (f"Taille 2 : de {lower_2} à {lower_3} habitants", 2),
        (f"Taille 3 : de {lower_3} à {lower_4} habitants", 3),
        (f"Taille 4 : plus de {lower_4} habitants", 4),
    ]


def aci_size_quiz(territory: Territory) -> ChoiceCheck:
    """Question « quelle est la taille ACI ? » with its four answers and its self-check."""
    return ChoiceCheck(
        f"Quelle est la taille ACI de la {territory.name} ?",
        aci_size_options(population_date(territory)),
        lambda choice: check_aci_size(choice, territory),
    )
