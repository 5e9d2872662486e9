"""Territorial description of the case study: figures for the modules."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator
from pandas.io.formats.style import Styler

from cpts_training.columns import Column, declare_columns
from cpts_training.display import french_table
from cpts_training.figures import BOOK_FIGURE_WIDTH_IN, MIN_FONT_PT, CourseFigure, fit_title
from cpts_training.formatting import format_number_fr, format_percent
from cpts_training.territory.age import age_structure
from cpts_training.territory.case_study import Territory

STATUT_COLOURS = {
    "bourg-centre": "#1565c0",
    "pôle de proximité": "#42a5f5",
    "village": "#b0bec5",
}


def population_chart(territory: Territory) -> Figure:
    """Horizontal bar chart of the population of each commune, coloured by statut.

    Built without pyplot (no global state): a notebook displays the returned figure.
    """
    communes = territory.communes.sort_values("population")
    figure = CourseFigure(figsize=(BOOK_FIGURE_WIDTH_IN, 0.3 * len(communes) + 1.6))
    axis = figure.subplots()
    colours = [STATUT_COLOURS.get(s, "#9e9e9e") for s in communes["statut"]]
    axis.barh(communes["commune"], communes["population"], color=colours)
    axis.xaxis.set_major_formatter(FuncFormatter(lambda x, _: format_number_fr(x)))
    axis.set_xlabel("Habitants", fontsize=MIN_FONT_PT)
    axis.tick_params(labelsize=MIN_FONT_PT)
    axis.xaxis.set_major_locator(MaxNLocator(nbins=4))
    fit_title(axis, f"Population par commune — {territory.name}", width_fraction=0.6)
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in STATUT_COLOURS.values()]
    axis.legend(
        handles,
        list(STATUT_COLOURS),
        title="Statut",
        loc="lower right",
        fontsize=MIN_FONT_PT,
        title_fontsize=MIN_FONT_PT,
    )
    if territory.fictional:
        figure.text(
            0.01,
            0.005,
            "Données fictives créées pour la formation",
            fontsize=MIN_FONT_PT,
            color="#616161",
        )
    figure.tight_layout()
    return figure


class TerritoryPresentation:
    """The territory's name, description and fictional-data warning, shown as Markdown."""

    def __init__(self, territory: Territory) -> None:
        self.territory = territory

    def _repr_markdown_(self) -> str:
        metadata = self.territory.metadata
        text = f"**{self.territory.name}** — {metadata.get('region', '')}\n\n"
        text += str(metadata.get("description", "")).strip()
        if self.territory.fictional:
            text += f"\n\n> ⚠️ {str(metadata.get('warning', '')).strip()}"
        return text

    def __str__(self) -> str:
        return self._repr_markdown_()


def presentation(territory: Territory) -> TerritoryPresentation:
    """What a notebook shows to introduce the territory (Markdown)."""
    return TerritoryPresentation(territory)


TOTAL_LABEL = "Ensemble du territoire"
"""Label of the last row of :func:`age_band_table`, the whole population."""


def age_band_frame(territory: Territory) -> pd.DataFrame:
    """Inhabitants per age band, youngest first, then a total row (:data:`TOTAL_LABEL`).

    Columns ``tranche_age`` (French label of the band) and ``habitants`` (int).
    """
    bands = territory.age_bands
    return pd.DataFrame(
        {
            "tranche_age": [*bands.index, TOTAL_LABEL],
            "habitants": [*(int(n) for n in bands), int(bands.sum())],
        }
    )


def age_band_table(territory: Territory) -> Styler:
    """The population by age band and in total, as a French table (total row in bold)."""
    frame = age_band_frame(territory)
    total_row = pd.IndexSlice[frame.index[-1:], :]
    return french_table(frame).set_properties(subset=total_row, **{"font-weight": "bold"})


COLUMNS = declare_columns(
    Column("tranche_age", "Tranche d'âge"),
    Column("habitants", "Habitants", "habitants"),
)
"""Columns of the age-band table (:func:`age_band_frame`)."""


TERRITORY_COLOUR = "#1565c0"
FRANCE_COLOUR = "#9e9e9e"


def plot_age_pyramid(
    territory: Territory, communes: Iterable[str] | None = None, *, title: str | None = None
) -> Figure:
    """A comparative age pyramid: the territory's share of each age band (left) against
    France's (right), youngest band at the bottom.

    The shares and the gaps come from :func:`~cpts_training.territory.age.age_structure`
    (same arguments; France: INSEE estimates, parameter ``territoire/structure_age_france``,
    ``verified: false``). Each bar is labelled with its share in %. The case study has no
    split by sex, so the two sides compare places, not men and women.

    Raises:
        InputError: as :func:`~cpts_training.territory.age.age_structure`.
    """
    table = age_structure(territory, communes)
    figure = CourseFigure(figsize=(BOOK_FIGURE_WIDTH_IN, 4.8))
    axis = figure.subplots()
    positions = range(len(table))
    left = -100 * table["part"]
    right = 100 * table["part_france"]
    axis.barh(positions, left, color=TERRITORY_COLOUR, label="Territoire")
    axis.barh(positions, right, color=FRANCE_COLOUR, label="France")
    for y, (mine, france) in enumerate(zip(table["part"], table["part_france"], strict=True)):
        axis.text(
            -100 * mine - 0.4,
            y,
            format_percent(mine, 1),
            ha="right",
            va="center",
            fontsize=MIN_FONT_PT,
        )
        axis.text(
            100 * france + 0.4,
            y,
            format_percent(france, 1),
            ha="left",
            va="center",
            fontsize=MIN_FONT_PT,
        )
    axis.set_yticks(list(positions), list(table["tranche_age"]))
    axis.tick_params(labelsize=MIN_FONT_PT)
    widest = float(max(left.abs().max(), right.max()))
    axis.set_xlim(-widest * 1.6, widest * 1.6)
    axis.xaxis.set_major_locator(MaxNLocator(nbins=4))
    axis.axvline(0, color="#424242", linewidth=0.8)
    axis.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{format_number_fr(abs(x))} %"))
    axis.set_xlabel("Part de la population (%)", fontsize=MIN_FONT_PT)
    who = "Territoire" if communes is None else "Communes choisies"
    fit_title(axis, title or f"Pyramide des âges comparée — {territory.name}", width_fraction=0.75)
    axis.legend(
        [
            Rectangle((0, 0), 1, 1, color=TERRITORY_COLOUR),
            Rectangle((0, 0), 1, 1, color=FRANCE_COLOUR),
        ],
        [f"{who} ({format_number_fr(int(table['habitants'].sum()))} hab.)", "France (INSEE)"],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18),
        ncol=1,
        frameon=False,
        fontsize=MIN_FONT_PT,
    )
    if territory.fictional:
        figure.text(
            0.01,
            0.005,
            "Données fictives créées pour la formation",
            fontsize=MIN_FONT_PT,
            color="#616161",
        )
    figure.tight_layout()
    return figure
