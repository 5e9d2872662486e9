"""Widgets to explore the case-study territory."""

from __future__ import annotations

import html

import ipywidgets as widgets

from cpts_training.checks import check_aci_size
from cpts_training.datasets import Territory
from cpts_training.formatting import format_number_fr
from cpts_training.widgets.self_check import ChoiceCheck


def commune_card(territory: Territory, code: str) -> str:
    """HTML card (French) describing one commune of ``territory``."""
    row = territory.communes.set_index("code_commune").loc[code]
    share_75 = 100 * row["pop_75_plus"] / row["population"]
    density = row["population"] / row["superficie_km2"]
    distance = (
        "c'est le bourg-centre"
        if row["distance_bourg_min"] == 0
        else f"{format_number_fr(row['distance_bourg_min'])} min en voiture du bourg-centre"
    )
    return (
        f"<h4>{html.escape(str(row['commune']))} <small>({html.escape(str(row['statut']))})"
        f"</small></h4><ul>"
        f"<li>Population : <strong>{format_number_fr(row['population'])}</strong> habitants</li>"
        f"<li>75 ans et plus : {format_number_fr(row['pop_75_plus'])} "
        f"({format_number_fr(share_75, 1)} %)</li>"
        f"<li>Densité : {format_number_fr(density, 1)} hab/km²</li>"
        f"<li>Accès : {distance}</li></ul>"
    )


class CommuneExplorer(widgets.VBox):
    """A drop-down list of the communes and a card that describes the chosen one."""

    def __init__(self, territory: Territory) -> None:
        self.territory = territory
        options = [
            (f"{row.commune} ({format_number_fr(row.population)} hab.)", row.code_commune)
            for row in territory.communes.itertuples()
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


def aci_size_quiz(territory: Territory) -> ChoiceCheck:
    """Question « quelle est la taille ACI ? » with its four answers and its self-check."""
    options = [
        ("Taille 1 : moins de 40 000 habitants", 1),
        ("Taille 2 : de 40 000 à 80 000 habitants", 2),
        ("Taille 3 : de 80 000 à 175 000 habitants", 3),
        ("Taille 4 : plus de 175 000 habitants", 4),
    ]
    return ChoiceCheck(
        f"Quelle est la taille ACI de la {territory.name} ?",
        options,
        lambda choice: check_aci_size(choice, territory),
    )
