"""The tableau de bord builder: the trainee chooses the indicators, their targets, their
frequency and their recipients, and reads the tableau de bord (B5.C13, B5.C14, B5.C16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from cpts_training.errors import CPTSError, InputError
from cpts_training.figures import figure_png
from cpts_training.finance.indicators import (
    FAMILIES,
    FREQUENCIES,
    MAX_INDICATORS,
    MIN_INDICATORS,
    RECIPIENTS,
    IndicatorChoice,
    activity_warning,
    dashboard_table,
    export_dashboard_xlsx,
    indicator_catalogue,
    plot_dashboard,
    show_change,
    show_value,
    target_from_text,
    year_columns,
)
from cpts_training.html_blocks import heading, html_table, message_box, scroll_box
from cpts_training.widgets.fields import FrenchNumberText, export_controls, saved_text

NO_FREQUENCY = "—"
"""First option of a frequency list: nothing chosen yet."""

_FIELD_UNITS = {"€": "€", "%": "%"}

_EXAMPLES = {"%": "ex. 7,5 %", "€": "ex. 15 000", "jours": "ex. 60 jours", "mois": "ex. 3 mois"}


class RecipientChoice(widgets.HBox):
    """One tick box per recipient of :data:`~cpts_training.finance.indicators.RECIPIENTS`,
    each label shown whole. ``value`` is the tuple of the ticked recipients, in the
    catalogue's order (settable, like a multiple selection); ``checkboxes`` maps each
    recipient to its box."""

    def __init__(self, recipients: tuple[str, ...] = RECIPIENTS) -> None:
        self.checkboxes = {
            name: widgets.Checkbox(
                value=False, description=name, indent=False, layout=widgets.Layout(width="auto")
            )
            for name in recipients
        }
        super().__init__(
            [
                widgets.HTML("Destinataires :", layout=widgets.Layout(width="auto")),
                *self.checkboxes.values(),
            ],
            layout=widgets.Layout(flex_flow="row wrap", grid_gap="0 1em", align_items="center"),
        )

    @property
    def value(self) -> tuple[str, ...]:
        """The ticked recipients."""
        return tuple(name for name, box in self.checkboxes.items() if box.value)

    @value.setter
    def value(self, names: tuple[str, ...] | list[str]) -> None:
        for name, box in self.checkboxes.items():
            box.value = name in names


class DashboardBuilder(widgets.VBox):
    """Tableau de bord de pilotage of a CPTS, built by the trainee.

    Shows the catalogue (:func:`~cpts_training.finance.indicators.indicator_catalogue`)
    grouped by famille, each indicator with its formula, unit and desired direction, a
    tick box, a target field (:class:`~cpts_training.widgets.fields.FrenchNumberText` in
    the indicator's unit), a frequency list and a recipients list. « Construire le tableau
    de bord » shows :func:`~cpts_training.finance.indicators.dashboard_table` (values by
    year, évolution, target met or not) and :func:`~cpts_training.finance.indicators.
    plot_dashboard`; an export writes the tableau de bord to XLSX. Nothing is ticked and
    no target is proposed: the choice is the trainee's. Errors are shown in French.

    Public attributes: ``ticks``, ``targets``, ``frequencies``, ``recipients`` (code →
    control), ``build_button``, ``status``, ``table``, ``chart``, ``export_name``,
    ``export_overwrite``, ``export_button``, ``export_status``. Property :attr:`choices`;
    ``result`` holds the last table built (``None`` before or after an error).
    """

    def __init__(
        self,
        catalogue: pd.DataFrame,
        years: tuple[int, ...] | None = None,
        values: pd.DataFrame | None = None,
        notice: str | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.years = years
        self.values = values
        self.notice = notice
        self.result: pd.DataFrame | None = None
        self.ticks: dict[str, widgets.Checkbox] = {}
        self.targets: dict[str, FrenchNumberText] = {}
        self.frequencies: dict[str, widgets.Dropdown] = {}
        self.recipients: dict[str, RecipientChoice] = {}
        sections: list[widgets.Widget] = []
        for family in FAMILIES:
            rows = catalogue[catalogue["famille"] == family]
            if rows.empty:
                continue
            sections.append(widgets.HTML(heading(f"Indicateurs — famille {family}", 5)))
            for record in rows.to_dict("records"):
                sections.append(self._row({str(k): v for k, v in record.items()}))
        self.build_button = widgets.Button(
            description="Construire le tableau de bord", icon="table",
            button_style="primary", layout=widgets.Layout(width="20em"),
        )  # fmt: skip
        self.build_button.on_click(self._build)
        self.status = widgets.HTML()
        self.table = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.chart = widgets.Image(
            format="png", layout=widgets.Layout(width="100%", max_width="900px", display="none")
        )
        self.export_name, self.export_overwrite, self.export_button, self.export_status = (
            export_controls("tableau_de_bord.xlsx", "Exporter le tableau de bord (XLSX)", "22em")
        )
        self.export_button.on_click(self._export)
        header = heading("Tableau de bord de pilotage de la CPTS")
        if notice:
            header += message_box(notice, "warning")
        help_text = (
            f"<p>Cochez de {MIN_INDICATORS} à {MAX_INDICATORS} indicateurs. Pour chacun, "
            "saisissez la cible (« 7,5 % », « 15 000 », « 60 jours », « 90 »), choisissez la "
            "fréquence et cochez les destinataires, puis cliquez "
            "sur « Construire le tableau de bord ». Le sens souhaité dit si la cible est un "
            "plancher (hausse) ou un plafond (baisse).</p>"
        )
        super().__init__(
            [
                widgets.HTML(header + help_text),
                *sections,
                self.build_button,
                self.status,
                self.table,
                self.chart,
                widgets.HTML("<strong>Exporter le tableau de bord</strong>"),
                widgets.HBox([self.export_name, self.export_overwrite, self.export_button]),
                self.export_status,
            ]
        )

    @classmethod
    def from_case_study(cls) -> DashboardBuilder:
        """The builder on the fictional « CPTS de la Vallée de l'Aubrenne » (trial balances
        and activity file of the case, every year with both)."""
        return cls(indicator_catalogue(), notice=activity_warning())

    def _row(self, record: dict[str, Any]) -> widgets.Widget:
        code = str(record["code"])
        unit = str(record["unite"])
        tick = widgets.Checkbox(
            value=False, description=str(record["libelle"]), indent=False,
            layout=widgets.Layout(width="auto", min_width="28em"),
        )  # fmt: skip
        target = FrenchNumberText(
            unit=_FIELD_UNITS.get(unit, ""), description="Cible",
            placeholder=_EXAMPLES.get(unit, "ex. 90"),
            layout=widgets.Layout(width="14em"), style={"description_width": "initial"},
        )  # fmt: skip
        frequency = widgets.Dropdown(
            options=[NO_FREQUENCY, *FREQUENCIES], value=NO_FREQUENCY, description="Fréquence",
            layout=widgets.Layout(width="17em"), style={"description_width": "initial"},
        )  # fmt: skip
        recipients = RecipientChoice()
        self.ticks[code] = tick
        self.targets[code] = target
        self.frequencies[code] = frequency
        self.recipients[code] = recipients
        formula = widgets.HTML(
            message_box(
                f"Formule : {record['formule']}. Unité : {unit}. Sens souhaité : "
                f"{record['sens']}. Source : {record['source']}.",
                "info",
            )
        )
        line = widgets.Layout(flex_flow="row wrap", grid_gap="0 1em")
        return widgets.VBox(
            [widgets.HBox([tick, target, frequency], layout=line), recipients, formula],
            layout=widgets.Layout(margin="0 0 0.4em 0"),
        )

    # -- state --------------------------------------------------------------------------

    @property
    def choices(self) -> list[IndicatorChoice]:
        """The ticked indicators with their typed target, frequency and recipients, in the
        catalogue's order.

        Raises:
            InputError: French message naming the indicator whose target cannot be read
                or is in another unit.
        """
        out = []
        for code, tick in self.ticks.items():
            if not tick.value:
                continue
            frequency = self.frequencies[code].value
            out.append(
                IndicatorChoice(
                    code=code,
                    cible=target_from_text(code, self.targets[code].value),
                    frequence="" if frequency == NO_FREQUENCY else str(frequency),
                    destinataires=tuple(self.recipients[code].value),
                )
            )
        return out

    # -- display ------------------------------------------------------------------------

    def _build(self, *_: object) -> None:
        try:
            table = dashboard_table(self.choices, self.years, values=self.values)
        except CPTSError as error:
            self.result = None
            self.status.value = message_box(str(error), "error")
            self.table.value = ""
            self.chart.layout.display = "none"
            return
        self.result = table
        self.status.value = ""
        self.table.value = dashboard_html(table)
        figure = plot_dashboard(table)
        try:
            self.chart.value = figure_png(figure)
        finally:
            figure.clear()
        self.chart.layout.display = None

    def _export(self, *_: object) -> None:
        target = Path(self.export_name.value.strip()).expanduser()
        try:
            table = dashboard_table(self.choices, self.years, values=self.values)
            written = export_dashboard_xlsx(
                target, table, notice=self.notice, overwrite=bool(self.export_overwrite.value)
            )
        except CPTSError as error:
            self.export_status.value = message_box(f"Export refusé. {error}", "error")
            return
        self.export_status.value = message_box(
            saved_text(written),
            "ok",
        )


def dashboard_html(table: pd.DataFrame) -> str:
    """A :func:`~cpts_training.finance.indicators.dashboard_table` as a French HTML table:
    indicator, target, frequency, recipients, desired direction, one column per year
    (each value with its unit), évolution (last two years) and « Cible atteinte »
    (oui / non / n.d.), in a box that scrolls right under the table when it is wider than
    the notebook."""
    years = year_columns(table)
    if not isinstance(table, pd.DataFrame) or not years:
        raise InputError("Donnez le tableau que renvoie dashboard_table(choix).")
    headers = [
        "Indicateur", "Cible", "Fréquence", "Destinataires", "Sens souhaité",
        *(str(y) for y in years),
        f"Évolution {years[-2]}–{years[-1]}" if len(years) > 1 else "Évolution",
        f"Cible atteinte en {years[-1]}",
    ]  # fmt: skip
    rows = []
    colours: list[str | None] = []
    for record in table.to_dict("records"):
        unit = str(record["unite"])
        met = record["cible_atteinte"]
        rows.append(
            [
                str(record["libelle"]),
                show_value(float(record["cible"]), unit),
                str(record["frequence"]),
                str(record["destinataires"]),
                str(record["sens"]),
                *(show_value(float(record[y]), unit) for y in years),
                show_change(float(record["evolution"]), unit),
                "n.d." if met is None else ("oui" if met else "non"),
            ]
        )
        colours.append(None if met is None or met else "#c62828")
    numeric = [1, *range(5, 5 + len(years) + 1)]
    return scroll_box(html_table(headers, rows, numeric=numeric, row_colours=colours))


__all__ = ["DashboardBuilder", "RecipientChoice", "dashboard_html"]
