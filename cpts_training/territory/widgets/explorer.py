"""« Explorateur du territoire »: one indicator per commune as a table, a map and a bar chart.

The trainee picks communes, an indicator (density of a profession, accessibility in the
manner of the APL, share of people aged 75 or more, share of GPs aged 60 or more) and, for
the accessibility, a catchment time and a threshold of their own; the three views follow.
Every figure comes from :mod:`cpts_training.territory` (``density``,
``compare_to_reference``, ``accessibility``, ``share_aged_60_plus``, ``plot_resource_map``);
the form only reads its controls and formats what the domain returns. The threshold is the
trainee's choice (empty by default: no flag), since the module asks them to choose one and
justify it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from cpts_training.errors import CPTSError, InputError
from cpts_training.figures import CourseFigure, figure_png
from cpts_training.formatting import NumberFormatError, format_decimal_fr, format_number_fr
from cpts_training.html_blocks import html_table, message_box
from cpts_training.territory.accessibility import accessibility, overall_accessibility
from cpts_training.territory.case_study import Territory, load_territory
from cpts_training.territory.density import compare_to_reference, density, share_aged_60_plus
from cpts_training.territory.resources import (
    GP_AGE_BANDS,
    GP_TOTAL_COLUMN,
    PROFESSIONS,
    load_polygons,
    load_professionals,
    load_structures,
    load_travel_times,
)
from cpts_training.widgets.fields import FrenchNumberText

DENSITY = "densite"
ACCESSIBILITY = "accessibilite"
AGED_75 = "part_75_plus"
GP_60 = "mg_60_plus"

INDICATORS: dict[str, str] = {
    DENSITY: "Densité pour 10 000 habitants",
    ACCESSIBILITY: "Accessibilité (2SFCA, à la manière de l'APL)",
    AGED_75: "Part des 75 ans et plus",
    GP_60: "Médecins généralistes de 60 ans et plus",
}
"""Indicator keys (the value of :attr:`TerritoryExplorer.indicator`) and French labels."""

EXPLORER_PROFESSIONS: dict[str, str] = {GP_TOTAL_COLUMN: "Médecins généralistes", **PROFESSIONS}
"""Professions offered for the density: the GPs then the other professions."""

DENSITY_PER = 10_000
ACCESSIBILITY_PER = 100_000
"""Population bases of the density and of the accessibility."""

DEFAULT_CATCHMENT_MIN = 20
TERRITORY_ROW = "Territoire"
"""Index of the last row of :attr:`TerritoryExplorer.table`: the whole territory."""

MAP_TAB, INTERACTIVE_TAB, CHART_TAB, PYRAMID_TAB = range(4)
"""Indexes of the tabs of :attr:`TerritoryExplorer.figures`."""

COMMUNE_COLUMN = "Commune"
YES_NO = {True: "oui", False: "non"}

_BAND_AGES: dict[str, int] = dict(zip(GP_AGE_BANDS, (35, 45, 55, 65), strict=True))
"""An age inside each GP age band, to hand :func:`share_aged_60_plus` one row per GP."""

_NOTES: dict[str, str] = {
    DENSITY: (
        "Densité : effectif de la profession dans la commune pour 10 000 habitants de la "
        "commune. Elle ignore les communes voisines et l'activité des professionnels. La "
        "ligne « Ensemble du territoire » rapporte l'effectif total à la population totale."
    ),
    ACCESSIBILITY: (
        "Accessibilité : méthode à deux étapes (2SFCA) à la manière de l'APL de la DREES, "
        "avec les temps de trajet en voiture entre communes et une demande pondérée par âge. "
        "Attention : l'offre est ici le nombre de médecins généralistes (effectif), et non "
        "leur activité en consultations ni leurs équivalents temps plein comme dans l'APL de "
        "la DREES. Valeur : médecins pour 100 000 habitants standardisés. La ligne "
        "« Ensemble du territoire » est la moyenne des communes pondérée par leur demande. "
        "Le seuil est le vôtre : laissez le champ vide pour ne rien signaler."
    ),
    AGED_75: (
        "Part des 75 ans et plus : habitants de 75 ans et plus sur la population de la "
        "commune, en %."
    ),
    GP_60: (
        "Médecins généralistes de 60 ans et plus : part, en %, des médecins généralistes de "
        "la commune qui ont 60 ans ou plus (départs en retraite à prévoir). « — » : aucun "
        "médecin généraliste dans la commune."
    ),
}


def _number(value: float, decimals: int = 1) -> str:
    return "—" if value is None or not math.isfinite(value) else format_number_fr(value, decimals)


class TerritoryExplorer(widgets.VBox):
    """Communes, an indicator and its settings; a table, a map and a bar chart that follow.

    Build it with :meth:`from_case_study` (the course's fictional territory) or from the
    tables of the territory loaders. State for notebooks and tests: :attr:`selected`
    (commune codes), :attr:`indicator` (a key of :data:`INDICATORS`), :attr:`table` (the
    indicator per selected commune and the territory row, ``None`` while an input is
    wrong), :attr:`reference` (the line drawn on the bar chart) and :attr:`error` (the
    French message shown, ``""`` when none). Only the figure of the open tab is drawn
    (none while ``figures.selected_index`` is ``None``); the other is drawn when opened.
    """

    def __init__(
        self,
        territory: Territory,
        professionals: pd.DataFrame,
        structures: pd.DataFrame,
        travel_times: pd.DataFrame,
        polygons: dict[str, list[tuple[float, float]]],
        *,
        directory: Path | None = None,
    ) -> None:
        self.territory = territory
        self.professionals = professionals
        self.structures = structures
        self.travel_times = travel_times
        self.polygons = polygons
        self.directory = directory
        communes = territory.communes
        self._codes = [str(code) for code in communes["code_commune"]]
        self._names = dict(zip(self._codes, communes["commune"].astype(str), strict=True))
        self._table: pd.DataFrame | None = None
        self._value_column = ""
        self._reference: tuple[str, float] | None = None
        self._error = ""
        self._stale = dict.fromkeys(range(4), True)

        style = {"description_width": "initial"}
        self.communes = widgets.SelectMultiple(
            options=[(self._names[code], code) for code in self._codes],
            value=tuple(self._codes),
            rows=min(len(self._codes), 10),
            description="Communes :",
            style=style,
            layout=widgets.Layout(width="26em"),
        )
        self.all_button = widgets.Button(
            description="Tout le territoire",
            tooltip="Sélectionner toutes les communes",
            layout=widgets.Layout(width="12em"),
        )
        self.indicator_choice = widgets.Dropdown(
            options=[(label, key) for key, label in INDICATORS.items()],
            value=DENSITY,
            description="Indicateur :",
            style=style,
            layout=widgets.Layout(width="30em"),
        )
        self.profession = widgets.Dropdown(
            options=[(label, key) for key, label in EXPLORER_PROFESSIONS.items()],
            value=GP_TOTAL_COLUMN,
            description="Profession :",
            style=style,
            layout=widgets.Layout(width="30em"),
        )
        self.catchment = FrenchNumberText(
            DEFAULT_CATCHMENT_MIN,
            unit="",
            description="Temps d'accès maximal (min) :",
            style=style,
            layout=widgets.Layout(width="22em"),
        )
        self.threshold = FrenchNumberText(
            None,
            unit="",
            description="Seuil choisi (médecins pour 100 000) :",
            placeholder="vide : pas de seuil",
            style=style,
            layout=widgets.Layout(width="34em"),
        )
        self.show_structures = widgets.Checkbox(
            value=True, description="Afficher les structures partenaires", indent=False
        )
        self.note = widgets.HTML()
        self.message = widgets.HTML()
        self.table_view = widgets.HTML()
        self.map_image = widgets.Image(format="png", layout=widgets.Layout(width="640px"))
        self.chart_image = widgets.Image(format="png", layout=widgets.Layout(width="720px"))
        self.pyramid_image = widgets.Image(format="png", layout=widgets.Layout(width="640px"))
        self.interactive_map = widgets.VBox()
        self.figures = widgets.Tab(
            children=[
                widgets.VBox([self.show_structures, self.map_image]),
                self.interactive_map,
                self.chart_image,
                self.pyramid_image,
            ],
            titles=("Carte", "Carte interactive", "Graphique en barres", "Pyramide des âges"),
        )

        self.all_button.on_click(self._select_all)
        for control in (self.communes, self.indicator_choice, self.profession):
            control.observe(self._refresh, names="value")
        for field in (self.catchment, self.threshold):
            field.observe(self._refresh, names="value")
        self.show_structures.observe(self._refresh_map, names="value")
        self.figures.observe(self._draw_visible, names="selected_index")

        controls = widgets.HBox(
            [
                widgets.VBox(
                    [
                        self.communes,
                        widgets.HTML(
                            "<small>Ctrl + clic (⌘ + clic sur Mac) pour en choisir plusieurs, "
                            "Maj + clic pour une suite.</small>"
                        ),
                        self.all_button,
                    ]
                ),
                widgets.VBox(
                    [self.indicator_choice, self.profession, self.catchment, self.threshold]
                ),
            ]
        )
        super().__init__(
            [
                widgets.HTML("<h4>Explorateur du territoire</h4>"),
                controls,
                self.note,
                self.message,
                self.table_view,
                self.figures,
            ]
        )
        self._refresh()

    @classmethod
    def from_case_study(cls) -> TerritoryExplorer:
        """The explorer over the course's fictional territory (embedded data files)."""
        return cls(
            load_territory(),
            load_professionals(),
            load_structures(),
            load_travel_times(),
            load_polygons(),
        )

    # --- state -------------------------------------------------------------------------

    @property
    def selected(self) -> list[str]:
        """Codes of the selected communes, in the territory's order."""
        chosen = set(self.communes.value)
        return [code for code in self._codes if code in chosen]

    @property
    def indicator(self) -> str:
        """Key of the chosen indicator (see :data:`INDICATORS`)."""
        return str(self.indicator_choice.value)

    @property
    def table(self) -> pd.DataFrame | None:
        """The indicator per selected commune (index ``code_commune``) then the row
        :data:`TERRITORY_ROW` (whole territory); ``None`` while an input is wrong."""
        return None if self._table is None else self._table.copy()

    @property
    def value_column(self) -> str:
        """The column of :attr:`table` holding the indicator (mapped and charted)."""
        return self._value_column

    @property
    def reference(self) -> tuple[str, float] | None:
        """The reference line of the bar chart (label, value), or ``None``."""
        return self._reference

    @property
    def error(self) -> str:
        """The French message shown for a wrong input, ``""`` when none."""
        return self._error

    # --- controls ----------------------------------------------------------------------

    def _select_all(self, *_: object) -> None:
        self.communes.value = tuple(self._codes)

    def _show_controls(self) -> None:
        indicator = self.indicator
        self.profession.layout.display = None if indicator == DENSITY else "none"
        visible = None if indicator == ACCESSIBILITY else "none"
        self.catchment.layout.display = visible
        self.threshold.layout.display = visible
        self.note.value = message_box(_NOTES[indicator], "info")

    def _clear(self, text: str) -> None:
        self._table = None
        self._reference = None
        self._error = text
        self.message.value = message_box(text, "error")
        self.table_view.value = ""
        self.map_image.value = b""
        self.chart_image.value = b""
        self.pyramid_image.value = b""
        self.interactive_map.children = ()
        self.figures.layout.display = "none"

    def _refresh(self, *_: object) -> None:
        self._show_controls()
        if not self.selected:
            self._clear(
                "Aucune commune sélectionnée : cliquez sur une commune de la liste (Ctrl ou "
                "Maj pour en choisir plusieurs), ou sur « Tout le territoire »."
            )
            return
        try:
            table, column, reference, warning = self._compute()
        except CPTSError as error:
            self._clear(str(error))
            return
        self._table = table
        self._value_column = column
        self._reference = reference
        self._error = ""
        self.message.value = message_box(warning, "warning") if warning else ""
        self.table_view.value = _table_html(table)
        self.figures.layout.display = None
        self._stale = dict.fromkeys(range(4), True)
        self._draw_visible()

    def _refresh_map(self, *_: object) -> None:
        self._stale[MAP_TAB] = self._stale[INTERACTIVE_TAB] = True
        self._draw_visible()

    def _draw_visible(self, *_: object) -> None:
        """Draw the figure of the selected tab if the data changed since it was drawn."""
        index = self.figures.selected_index
        if index is None or self._table is None or not self._stale.get(index, False):
            return
        try:
            if index == INTERACTIVE_TAB:
                self.interactive_map.children = self._interactive_map()
                self._stale[index] = False
                return
            figure = {MAP_TAB: self._map, CHART_TAB: self._bars, PYRAMID_TAB: self._pyramid}[
                index
            ]()
        except CPTSError as error:  # a territory file the map cannot read
            self.message.value = message_box(str(error), "error")
            return
        try:
            png = figure_png(figure)
        finally:
            figure.clear()
        image = {MAP_TAB: self.map_image, CHART_TAB: self.chart_image}.get(
            index, self.pyramid_image
        )
        image.value = png
        self._stale[index] = False

    # --- computations (all in the domain) ----------------------------------------------

    def _population(self) -> pd.DataFrame:
        return self.territory.communes[["code_commune", "population"]]

    def _compute(self) -> tuple[pd.DataFrame, str, tuple[str, float] | None, str]:
        """The whole table (every commune then the territory), its value column, the
        reference line and a warning, then keep the selected communes."""
        indicator = self.indicator
        if indicator == DENSITY:
            full, column, reference, warning = self._density()
        elif indicator == ACCESSIBILITY:
            full, column, reference, warning = self._accessibility()
        elif indicator == AGED_75:
            full, column, reference, warning = self._aged_75()
        else:
            full, column, reference, warning = self._gp_60()
        whole = f"Ensemble du territoire ({len(self._codes)} communes)"
        names = {**self._names, TERRITORY_ROW: whole}
        full.insert(0, COMMUNE_COLUMN, [names[str(code)] for code in full.index])
        full.index.name = "code_commune"
        return full.loc[[*self.selected, TERRITORY_ROW]], column, reference, warning

    def _counts(self, column: str) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "code_commune": list(self.professionals.index),
                column: self.professionals[column].to_numpy(),
            }
        )

    def _density(self) -> tuple[pd.DataFrame, str, tuple[str, float] | None, str]:
        profession = str(self.profession.value)
        label = EXPLORER_PROFESSIONS[profession]
        counts = self._counts(profession)
        values = density(counts, self._population(), per=DENSITY_PER)[profession]
        column = f"{label} pour 10 000 habitants"
        population = self._population().set_index("code_commune")["population"]
        heads = counts.set_index("code_commune")[profession]
        full = pd.DataFrame(
            {
                "Population": [*population.to_numpy(), population.sum()],
                "Effectif": [*heads.reindex(population.index).to_numpy(), heads.sum()],
                column: values.to_numpy(),
            },
            index=[*population.index.astype(str), TERRITORY_ROW],
        )
        reference: tuple[str, float] | None = None
        warning = ""
        try:
            compared = compare_to_reference(counts, self._population(), "france")
        except InputError:
            warning = f"Pas de densité nationale de référence pour : {label.lower()}."
        else:
            row = compared.iloc[0]
            reference = (
                f"France ({row['date'].year}) : {format_decimal_fr(row['densite_reference'])}",
                float(row["densite_reference"]),
            )
        return full, column, reference, warning

    def _catchment(self) -> float:
        try:
            minutes = self.catchment.read()
        except NumberFormatError as error:
            raise InputError(f"Temps d'accès maximal : {error}") from None
        if minutes <= 0:
            raise InputError(
                f"Temps d'accès maximal : {format_decimal_fr(minutes)} minute(s) ; saisissez "
                "un temps positif, par exemple 20."
            )
        return minutes

    def _threshold(self) -> float | None:
        if not self.threshold.value.strip():
            return None
        try:
            value = self.threshold.read()
        except NumberFormatError as error:
            raise InputError(f"Seuil choisi : {error}") from None
        if value < 0:
            raise InputError(
                f"Seuil choisi : {format_decimal_fr(value)} ; saisissez un nombre positif de "
                "médecins pour 100 000 habitants, ou videz le champ."
            )
        return value

    def _accessibility(self) -> tuple[pd.DataFrame, str, tuple[str, float] | None, str]:
        minutes = self._catchment()
        threshold = self._threshold()
        supply = self._counts(GP_TOTAL_COLUMN).rename(columns={GP_TOTAL_COLUMN: "offre"})
        bands = [c for c in self.territory.communes.columns if c.startswith("pop_")]
        demand = self.territory.communes[["code_commune", *bands]]
        result = accessibility(
            supply,
            demand,
            self.travel_times,
            catchment_min=minutes,
            per=ACCESSIBILITY_PER,
            threshold=threshold,
        ).set_index("code_commune")
        overall = overall_accessibility(result)
        column = "Accessibilité (médecins pour 100 000 habitants standardisés)"
        full = pd.DataFrame(
            {
                "Médecins généralistes": [
                    *self.professionals[GP_TOTAL_COLUMN].reindex(result.index).to_numpy(),
                    int(self.professionals[GP_TOTAL_COLUMN].sum()),
                ],
                column: [*result["accessibilite"].to_numpy(), overall],
            },
            index=[*result.index.astype(str), TERRITORY_ROW],
        )
        reference: tuple[str, float] | None = None
        if threshold is not None:
            full["Sous le seuil"] = [*result["sous_seuil"].to_numpy(), overall < threshold]
            reference = (f"Votre seuil : {format_decimal_fr(threshold)}", threshold)
        warning = ""
        unserved = result.index[result["offre_non_attribuee"] > 0]
        if len(unserved):
            warning = (
                "Médecins sans patient à moins de "
                f"{format_decimal_fr(minutes)} min (non comptés) : "
                f"{', '.join(self._names[str(code)] for code in unserved)}."
            )
        return full, column, reference, warning

    def _aged_75(self) -> tuple[pd.DataFrame, str, tuple[str, float] | None, str]:
        communes = self.territory.communes
        counts = communes[["code_commune", "pop_75_plus"]]
        shares = density(counts, self._population(), per=100)["pop_75_plus"]
        column = "Part des 75 ans et plus (%)"
        full = pd.DataFrame(
            {
                "Population": [*communes["population"].to_numpy(), communes["population"].sum()],
                "75 ans et plus": [
                    *communes["pop_75_plus"].to_numpy(),
                    communes["pop_75_plus"].sum(),
                ],
                column: shares.to_numpy(),
            },
            index=[*communes["code_commune"].astype(str), TERRITORY_ROW],
        )
        return full, column, None, ""

    def _gp_60(self) -> tuple[pd.DataFrame, str, tuple[str, float] | None, str]:
        gps = self.professionals
        codes = [str(code) for code in gps.index]

        def share(rows: pd.DataFrame) -> float:
            ages = [age for band, age in _BAND_AGES.items() for _ in range(int(rows[band].sum()))]
            if not ages:
                return math.nan
            return 100 * share_aged_60_plus(pd.DataFrame({"age": ages}))

        column = "Part des 60 ans et plus (%)"
        full = pd.DataFrame(
            {
                "Médecins généralistes": [
                    *gps[GP_TOTAL_COLUMN].to_numpy(),
                    gps[GP_TOTAL_COLUMN].sum(),
                ],
                "Dont 60 ans et plus": [*gps["mg_60_plus"].to_numpy(), gps["mg_60_plus"].sum()],
                column: [*(share(gps.loc[[code]]) for code in codes), share(gps)],
            },
            index=[*codes, TERRITORY_ROW],
        )
        return full, column, None, ""

    # --- figures -----------------------------------------------------------------------

    def _selected_values(self) -> pd.Series:
        """The indicator of the selected communes; NaN where it has no value (no GP)."""
        assert self._table is not None
        return self._table[self._value_column].drop(TERRITORY_ROW).astype(float)

    def _map(self) -> Figure:
        from cpts_training.territory.maps import plot_resource_map

        return plot_resource_map(
            self._selected_values(),
            self.structures if self.show_structures.value else None,
            f"{INDICATORS[self.indicator]} — {self.territory.name}",
            value_label=self._value_column,
            absent_label="Commune non sélectionnée",
            directory=self.directory,
        )

    def _interactive_map(self) -> tuple[widgets.Widget, ...]:
        from cpts_training.territory.widgets.leaflet_map import (
            interactive_resource_map,
            leaflet_available,
            structures_legend,
            with_caption,
        )

        if not leaflet_available():
            return (
                widgets.HTML(
                    message_box(
                        "La carte interactive demande le paquet ipyleaflet, absent de cet "
                        "environnement : utilisez l'onglet « Carte ».",
                        "warning",
                    )
                ),
            )
        structures = self.structures if self.show_structures.value else None
        figure = interactive_resource_map(
            self._selected_values(),
            structures,
            value_label=self._value_column,
            absent_label="Commune non sélectionnée",
            legend_title=INDICATORS[self.indicator],
            directory=self.directory,
        )
        return (self.show_structures, with_caption(figure, legend=structures_legend(structures)))

    def _pyramid(self) -> Figure:
        from cpts_training.territory.presentation import plot_age_pyramid

        return plot_age_pyramid(
            self.territory,
            None if len(self.selected) == len(self._codes) else self.selected,
            title=f"Pyramide des âges comparée — {len(self.selected)} commune(s)",
        )

    def _bars(self) -> Figure:
        assert self._table is not None
        values = self._selected_values().dropna().sort_values()
        figure = CourseFigure(figsize=(9, 1.2 + 0.38 * max(len(values), 3)), layout="constrained")
        axis = figure.subplots()
        axis.barh([self._names[str(c)] for c in values.index], values.to_numpy(), color="#4f81bd")
        territory = float(self._table[self._value_column].astype(float).iloc[-1])
        if math.isfinite(territory):
            whole = format_decimal_fr(round(territory, 1))
            axis.axvline(
                territory,
                color="#424242",
                linestyle="--",
                linewidth=1.2,
                label=f"Ensemble du territoire : {whole}",
            )
        if self._reference is not None:
            label, value = self._reference
            axis.axvline(value, color="#c0504d", linewidth=1.5, label=label)
        if axis.get_legend_handles_labels()[0]:
            axis.legend(loc="lower right", fontsize=8)
        axis.set_xlabel(self._value_column)
        axis.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_decimal_fr(v)))
        axis.set_title(f"{INDICATORS[self.indicator]} par commune", fontsize=11)
        return figure


def _cell(column: str, value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return YES_NO[bool(value)]
    if isinstance(value, str):
        return value
    number = float(value)
    if column.endswith(")") or "pour" in column:
        return _number(number, 1)
    return _number(number, 0)


def _table_html(table: pd.DataFrame) -> str:
    headers = list(table.columns)
    rows = [[_cell(c, row[c]) for c in headers] for _, row in table.iterrows()]
    return html_table(headers, rows[:-1], numeric=list(range(1, len(headers))), total=rows[-1])
