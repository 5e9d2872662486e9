"""Forms over the budget domain: budget editor, ACI simulator and cash what-if.

Three widgets for trainees who do not program (module « Budget prévisionnel,
financement ACI et trésorerie »):

- :class:`BudgetEditor`: the budget prévisionnel in an editable grid, its totals and
  balance check, a row to add a line and an XLSX export;
- :class:`AciSimulator`: the funding of a contract year and its payments, driven by
  one achievement slider per mission;
- :class:`CashWhatIf`: the monthly cash plan when an ACI payment arrives late.

Every figure, check and message comes from :mod:`cpts_training.budget`: the widgets
read their controls, call the domain and format what it returns. A
:class:`~cpts_training.errors.CPTSError` raised by the domain on a trainee's input is
shown in French in the form, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
from ipydatagrid import DataGrid, TextRenderer

from cpts_training.budget.aci import AciContract, annual_funding, payment_schedule
from cpts_training.budget.case_study import CaseStudy
from cpts_training.budget.cash import cash_plan, cash_summary, what_if_delay
from cpts_training.budget.charts import plot_cash_curve
from cpts_training.budget.export import export_budget_xlsx
from cpts_training.budget.forecast import (
    LINE_COLUMNS,
    balance_of,
    budget_summary,
    make_budget,
)
from cpts_training.columns import column_label
from cpts_training.dates import fr_date
from cpts_training.errors import CPTSError, InputError
from cpts_training.figures import figure_png
from cpts_training.formatting import (
    NumberFormatError,
    format_euros,
    format_number_fr,
    format_percent,
    read_typed_number,
)
from cpts_training.html_blocks import heading as html_heading
from cpts_training.html_blocks import html_table, message_box
from cpts_training.widgets.fields import FrenchNumberText

__all__ = ["AciSimulator", "BudgetEditor", "CashWhatIf"]

# --------------------------------------------------------------------------------------
# Presentation helpers (HTML and number formatting only)
# --------------------------------------------------------------------------------------


def _message(text: str, tone: str = "info") -> str:
    """A coloured box (same look as the self-check verdicts) holding ``text``."""
    return message_box(text, tone)


def _euros(value: float) -> str:
    """Euros the French way, with cents only when there are some."""
    return format_euros(value, 2 if float(value) % 1 else 0)


def _day(value: Any) -> str:
    """A date written 01/04/2025."""
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    return fr_date(value)


_html_table = html_table


# --------------------------------------------------------------------------------------
# 1. Budget prévisionnel
# --------------------------------------------------------------------------------------

COLUMN_ACCOUNT = column_label("compte")
COLUMN_LABEL = column_label("libelle")
COLUMN_SIDE = column_label("sens")
COLUMN_AMOUNT = column_label("montant_eur")
ROW_HEADER = "Ligne"

_GRID_COLUMNS = (ROW_HEADER, COLUMN_ACCOUNT, COLUMN_LABEL, COLUMN_SIDE, COLUMN_AMOUNT)
"""Columns of the grid's data, the row header (line number) first."""

_EDITABLE = {COLUMN_LABEL: "libelle", COLUMN_AMOUNT: "montant_eur"}
"""Grid columns a trainee may edit, and the budget column each one feeds."""

_ROW_HEIGHT = 20


def _grid_frame(budget: pd.DataFrame) -> pd.DataFrame:
    """The budget as the grid shows it: French headers, lines numbered from 1 (as in
    the domain's messages), amounts written the French way.

    Every column holds Python objects so that the grid accepts whatever a trainee types
    (the domain then says what is wrong with it)."""
    return pd.DataFrame(
        {
            COLUMN_ACCOUNT: [str(a) for a in budget["compte"]],
            COLUMN_LABEL: [str(label) for label in budget["libelle"]],
            COLUMN_SIDE: [str(s) for s in budget["sens"]],
            COLUMN_AMOUNT: [format_number_fr(a, 2) for a in budget["montant_eur"]],
        },
        index=pd.RangeIndex(1, len(budget) + 1, name=ROW_HEADER),
    ).astype(object)


def _typed_amount(value: Any) -> Any:
    """A number typed as text (« 4 500,50 ») read as a float; any other text is passed on
    unchanged so that the domain explains why it is not an amount."""
    if isinstance(value, str):
        try:
            return read_typed_number(value).value
        except NumberFormatError:
            return value.strip()
    return value


class BudgetEditor(widgets.VBox):
    """The budget prévisionnel in an editable grid, with totals, balance and export.

    Attributes (all public): ``grid`` (the :class:`ipydatagrid.DataGrid`), ``status``
    (French message of the last edit), ``summary`` (totals, result and balance check),
    ``new_account``, ``new_label``, ``new_amount`` and ``add_button`` (add a line),
    ``export_name``, ``export_overwrite``, ``export_button`` and ``export_status``
    (XLSX export). Only the label and the amount of a line are edited in the grid;
    every change is validated by :func:`~cpts_training.budget.forecast.make_budget`,
    and an invalid one is undone with the domain's French message.
    """

    def __init__(
        self,
        budget: pd.DataFrame,
        title: str = "Budget prévisionnel",
        notice: str | None = None,
    ) -> None:
        self.title = title
        self.notice = notice
        self._budget = make_budget(budget)
        self._syncing = False

        self.grid = DataGrid(
            _grid_frame(self._budget),
            editable=True,
            selection_mode="cell",
            base_row_size=_ROW_HEIGHT,
            base_column_header_size=24,
            base_row_header_size=64,
            column_widths={
                ROW_HEADER: 64,
                COLUMN_ACCOUNT: 80,
                COLUMN_LABEL: 480,
                COLUMN_SIDE: 80,
                COLUMN_AMOUNT: 130,
            },
            renderers={COLUMN_AMOUNT: TextRenderer(horizontal_alignment="right")},
            layout=widgets.Layout(width="840px", height=self._grid_height()),
        )
        self.grid.on_cell_change(self._on_cell_change)
        self.status = widgets.HTML()
        self.summary = widgets.HTML()

        self.new_account = widgets.Text(
            description=COLUMN_ACCOUNT,
            placeholder="ex. 6226",
            layout=widgets.Layout(width="14em"),
        )
        self.new_label = widgets.Text(
            description=COLUMN_LABEL,
            placeholder="ex. Honoraires du commissaire aux comptes",
            layout=widgets.Layout(width="30em"),
        )
        self.new_amount = FrenchNumberText(
            description=COLUMN_AMOUNT,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="16em"),
        )
        self.add_button = widgets.Button(
            description="Ajouter la ligne",
            icon="plus",
            button_style="primary",
            layout=widgets.Layout(width="13em"),
        )
        self.add_button.on_click(self._add_line)

        self.export_name = widgets.Text(
            value="budget_previsionnel.xlsx",
            description="Fichier",
            layout=widgets.Layout(width="26em"),
        )
        self.export_overwrite = widgets.Checkbox(
            value=False,
            description="Remplacer le fichier s'il existe",
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        self.export_button = widgets.Button(
            description="Exporter en XLSX", icon="download", layout=widgets.Layout(width="13em")
        )
        self.export_button.on_click(self._export)
        self.export_status = widgets.HTML()

        heading = html_heading(title)
        if notice:
            heading += message_box(notice, "warning")
        help_text = (
            "<p>Double-cliquez sur un <strong>libellé</strong> ou un <strong>montant</strong> "
            "pour le modifier, puis appuyez sur Entrée. Pour retirer une dépense, mettez son "
            "montant à 0.</p>"
        )
        super().__init__(
            [
                widgets.HTML(heading + help_text),
                self.grid,
                self.status,
                self.summary,
                widgets.HTML("<strong>Ajouter une ligne</strong>"),
                widgets.HBox([self.new_account, self.new_label, self.new_amount, self.add_button]),
                widgets.HTML("<strong>Exporter pour le trésorier</strong>"),
                widgets.HBox([self.export_name, self.export_overwrite, self.export_button]),
                self.export_status,
            ]
        )
        self._refresh_summary()

    @property
    def budget(self) -> pd.DataFrame:
        """The current valid budget (columns of :func:`~cpts_training.budget.forecast.
        make_budget`); an invalid edit never reaches it."""
        return self._budget.copy()

    # -- grid ---------------------------------------------------------------------------

    def _grid_height(self) -> str:
        return f"{_ROW_HEIGHT * (len(self._budget) + 1) + 24}px"

    def _shown_value(self, row: int, column: str) -> Any:
        """What the grid should show in a cell for the current valid budget."""
        return _grid_frame(self._budget).reset_index().at[row, column]

    def _show_cell(self, row: int, column: str) -> None:
        """Write back into the grid the value of the valid budget (undo or normalise).

        Nothing is written when the cell already shows it: the grid's front end sends
        back every value written from Python as a new edit, so writing only real changes
        keeps that echo from bouncing for ever."""
        shown = self._shown_value(row, column)
        if self.grid.get_cell_value_by_index(column, row) == shown:
            return
        self._syncing = True
        try:
            self.grid.set_cell_value_by_index(column, row, shown)
        finally:
            self._syncing = False

    def _on_cell_change(self, cell: Mapping[str, Any]) -> None:
        if self._syncing:
            return
        row, column = int(cell["row"]), str(cell["column"])
        if not 0 <= row < len(self._budget) or column not in _GRID_COLUMNS:
            return
        if cell["value"] == self._shown_value(row, column):
            return  # no change, or the front end echoing a value written by the form
        field = _EDITABLE.get(column)
        if field is None:
            self._show_cell(row, column)
            self.status.value = _message(
                f"La colonne « {column} » ne se modifie pas dans le tableau : seuls le "
                "libellé et le montant d'une ligne sont modifiables (le sens découle du "
                "numéro de compte). Pour utiliser un autre compte, ajoutez une ligne "
                "ci-dessous et mettez l'ancienne à 0.",
                "error",
            )
            return
        value = _typed_amount(cell["value"]) if field == "montant_eur" else cell["value"]
        lines = self._budget[list(LINE_COLUMNS)].astype(object)
        lines.iat[row, lines.columns.get_loc(field)] = value
        try:
            budget = make_budget(lines)
        except CPTSError as error:
            self._show_cell(row, column)
            self.status.value = _message(f"Modification refusée. {error}", "error")
            return
        self._budget = budget
        self._show_cell(row, column)
        line = budget.iloc[row]
        self.status.value = _message(
            f"Ligne {row + 1} enregistrée : compte {line['compte']}, « {line['libelle']} », "
            f"{format_euros(line['montant_eur'], 2)}.",
            "ok",
        )
        self._refresh_summary()

    def _set_budget(self, budget: pd.DataFrame) -> None:
        self._budget = budget
        self._syncing = True
        try:
            self.grid.data = _grid_frame(budget)
        finally:
            self._syncing = False
        self.grid.layout.height = self._grid_height()
        self._refresh_summary()

    # -- summary ------------------------------------------------------------------------

    def _refresh_summary(self) -> None:
        totals = budget_summary(self._budget)
        balance = balance_of(self._budget)
        table = _html_table(
            ["Poste", "Montant"],
            [
                ["Total des charges", format_euros(totals.total_charges_eur, 2)],
                ["Total des produits", format_euros(totals.total_produits_eur, 2)],
            ],
            numeric=[1],
            total=[
                f"Résultat (produits − charges) : {totals.nature_resultat}",
                format_euros(totals.resultat_eur, 2),
            ],
        )
        self.summary.value = table + _message(
            balance.message, "ok" if balance.balanced else "warning"
        )

    # -- add a line ---------------------------------------------------------------------

    def _add_line(self, *_: object) -> None:
        try:
            amount = self.new_amount.read()
        except NumberFormatError as error:
            self.status.value = _message(f"Ligne non ajoutée. Montant : {error}", "error")
            return
        line = {
            "compte": self.new_account.value.strip(),
            "libelle": self.new_label.value,
            "montant_eur": amount,
        }
        lines = [*self._budget[list(LINE_COLUMNS)].to_dict("records"), line]
        try:
            budget = make_budget(lines)
        except CPTSError as error:
            self.status.value = _message(f"Ligne non ajoutée. {error}", "error")
            return
        self._set_budget(budget)
        added = budget.iloc[-1]
        self.status.value = _message(
            f"Ligne {len(budget)} ajoutée : compte {added['compte']} ({added['rubrique']}, "
            f"{added['sens']}), « {added['libelle']} », {format_euros(added['montant_eur'], 2)}.",
            "ok",
        )
        self.new_account.value = ""
        self.new_label.value = ""
        self.new_amount.value = ""

    # -- export -------------------------------------------------------------------------

    def _export(self, *_: object) -> None:
        target = Path(self.export_name.value.strip()).expanduser()
        overwrite = bool(self.export_overwrite.value)
        try:
            written = export_budget_xlsx(
                target, self._budget, title=self.title, notice=self.notice, overwrite=overwrite
            )
        except CPTSError as error:
            self.export_status.value = _message(f"Export refusé. {error}", "error")
            return
        self.export_status.value = _message(
            f"Classeur enregistré : {written.resolve()}. Pour le récupérer sur votre "
            "ordinateur : dans le panneau des fichiers, à gauche, clic droit sur "
            f"« {written.name} » › Télécharger.",
            "ok",
        )


# --------------------------------------------------------------------------------------
# 2. ACI funding simulator
# --------------------------------------------------------------------------------------

SOURCE_CONTRACT = "contrat"
SOURCE_REFERENCE = "reference"


class AciSimulator(widgets.VBox):
    """Funding of one contract year and its payments, with an achievement slider per
    mission.

    Attributes: ``year`` (contract year), ``sliders`` (mission id → slider in %),
    ``amounts_source`` (signed contract or reference table), ``size`` (ACI size, used
    with the reference table), ``note`` (warning on the amounts), ``status`` (French
    error, if any), ``table`` (funding of the year) and ``schedule`` (its payments).
    Slider values are kept per contract year while the trainee switches years. The
    form opens on ``year`` (default: the first contract year).

    Raises:
        InputError: if ``year`` is not a year of the contract, or (from
            :func:`~cpts_training.budget.aci.annual_funding`) a rate or mission is invalid.
    """

    def __init__(
        self,
        contract: AciContract,
        achievement: Mapping[int, Mapping[str, float]] | None = None,
        year: int | None = None,
    ) -> None:
        if year is not None and year not in contract.contract_years:
            years = ", ".join(str(k) for k in contract.contract_years)
            raise InputError(
                f"Le contrat n'a pas d'année {year} : choisissez une année parmi {years}."
            )
        self.signed_contract = contract
        self.contract = contract
        achievement = achievement or {}
        for contract_year, rates in achievement.items():
            annual_funding(contract, contract_year, rates)  # French error on a bad rate
        self._percent: dict[int, dict[str, int]] = {
            year: {
                m.id: int(round(100 * float(achievement.get(year, {}).get(m.id, 0.0))))
                for m in contract.missions
            }
            for year in contract.contract_years
        }
        self._syncing = False

        self.amounts_source = widgets.ToggleButtons(
            options=[("Contrat signé", SOURCE_CONTRACT), ("Table de référence", SOURCE_REFERENCE)],
            value=SOURCE_CONTRACT,
            description="Montants",
            style={"button_width": "11em", "description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.size = widgets.Dropdown(
            options=[(f"Taille {s}", s) for s in (1, 2, 3, 4)],
            value=contract.size,
            description="Taille ACI",
            disabled=True,
            layout=widgets.Layout(width="14em"),
        )
        self.year = widgets.Dropdown(
            options=[(self._year_label(k), k) for k in contract.contract_years],
            value=contract.contract_years[0] if year is None else year,
            description="Année de contrat",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32em"),
        )
        longest = max((len(m.label) for m in contract.missions), default=20)
        label_width = math.ceil(0.6 * longest) + 1
        self.sliders: dict[str, widgets.IntSlider] = {}
        rows = []
        for mission in contract.missions:
            slider = widgets.IntSlider(
                value=0,
                min=0,
                max=100,
                step=1,
                description=mission.label,
                continuous_update=False,
                style={"description_width": f"{label_width}em"},
                layout=widgets.Layout(width=f"{label_width + 22}em"),
            )
            slider.observe(self._on_slider, names="value")
            self.sliders[mission.id] = slider
            rows.append(widgets.HBox([slider, widgets.Label("%")]))
        self.note = widgets.HTML()
        self.status = widgets.HTML()
        self.table = widgets.HTML()
        self.schedule = widgets.HTML()

        self.amounts_source.observe(self._on_source, names="value")
        self.size.observe(self._on_source, names="value")
        self.year.observe(self._on_year, names="value")
        super().__init__(
            [
                widgets.HTML("<h4>Simulateur du financement ACI</h4>"),
                widgets.HBox([self.amounts_source, self.size]),
                self.note,
                self.year,
                widgets.HTML("<strong>Taux d'atteinte des indicateurs de l'année</strong>"),
                *rows,
                self.status,
                self.table,
                self.schedule,
            ]
        )
        self._load_sliders()
        self._show_note()
        self._refresh()

    # -- state --------------------------------------------------------------------------

    def _year_label(self, k: int) -> str:
        start, end = self.signed_contract.year_bounds(k)
        return f"Année {k} : du {_day(start)} au {_day(end - dt.timedelta(days=1))}"

    def rates(self) -> dict[str, float]:
        """Achievement rates of the selected year, as fractions (0.8 for 80 %)."""
        return {m: p / 100 for m, p in self._percent[self.year.value].items()}

    def funding(self) -> pd.DataFrame:
        """Funding of the selected year (:func:`~cpts_training.budget.aci.annual_funding`)."""
        return annual_funding(self.contract, self.year.value, self.rates())

    def payments(self) -> pd.DataFrame:
        """Dated payments of the selected year's funding
        (:func:`~cpts_training.budget.aci.payment_schedule`)."""
        year = self.year.value
        return payment_schedule(self.contract, {year: self.rates()}, years=[year])

    # -- events -------------------------------------------------------------------------

    def _load_sliders(self) -> None:
        """Put the stored rates of the selected year on the sliders; a mission that does
        not run during that year has its slider disabled."""
        year = self.year.value
        self._syncing = True
        try:
            for mission_id, slider in self.sliders.items():
                slider.value = self._percent[year][mission_id]
                slider.disabled = self.contract.prorata_months(mission_id, year) <= 0
        finally:
            self._syncing = False

    def _on_slider(self, _change: Mapping[str, Any]) -> None:
        if self._syncing:
            return
        year = self.year.value
        for mission_id, slider in self.sliders.items():
            self._percent[year][mission_id] = int(slider.value)
        self._refresh()

    def _on_year(self, _change: Mapping[str, Any]) -> None:
        self._load_sliders()
        self._refresh()

    def _on_source(self, _change: Mapping[str, Any]) -> None:
        reference = self.amounts_source.value == SOURCE_REFERENCE
        self.size.disabled = not reference
        if not reference:
            self.contract = self.signed_contract
        else:
            signed = self.signed_contract
            try:
                self.contract = AciContract.from_reference(
                    self.size.value,
                    signed.signature_date,
                    missions={m.id: m.start_date for m in signed.missions},
                    name=signed.name,
                )
            except CPTSError as error:
                self.status.value = _message(str(error), "error")
                self.table.value = self.schedule.value = ""
                return
        for mission in self.contract.missions:
            if mission.id in self.sliders:
                self.sliders[mission.id].description = mission.label
        self._load_sliders()
        self._show_note()
        self._refresh()

    # -- display ------------------------------------------------------------------------

    def _show_note(self) -> None:
        note = self.contract.amounts_note
        if self.amounts_source.value == SOURCE_REFERENCE:
            text = f"Montants de la table de référence, taille {self.contract.size}"
            text += f" : {note}." if note else "."
            self.note.value = _message(text, "warning" if note else "info")
        else:
            self.note.value = _message(note, "info") if note else ""

    def _refresh(self) -> None:
        try:
            funding = self.funding()
            payments = self.payments()
        except CPTSError as error:
            self.status.value = _message(str(error), "error")
            self.table.value = self.schedule.value = ""
            return
        self.status.value = ""
        year = self.year.value
        start, end = self.contract.year_bounds(year)
        period = f"du {_day(start)} au {_day(end - dt.timedelta(days=1))}"
        rows = [
            [
                str(r.libelle),
                format_number_fr(r.mois_prorata, 2).removesuffix(",00"),
                _euros(r.part_fixe_eur),
                _euros(r.part_variable_max_eur),
                "—" if pd.isna(r.taux_atteinte) else format_percent(r.taux_atteinte),
                _euros(r.part_variable_eur),
                _euros(r.total_eur),
            ]
            for r in funding.itertuples(index=False)
        ]
        total = [
            f"Total de l'année {year}",
            "",
            _euros(funding["part_fixe_eur"].sum()),
            _euros(funding["part_variable_max_eur"].sum()),
            "",
            _euros(funding["part_variable_eur"].sum()),
            _euros(funding["total_eur"].sum()),
        ]
        self.table.value = f"<h4>Financement de l'année {year} ({period})</h4>" + _html_table(
            [
                "Mission",
                "Mois couverts",
                "Part fixe",
                "Part variable maximale",
                "Taux d'atteinte",
                "Part variable",
                "Total",
            ],
            rows,
            numeric=[1, 2, 3, 4, 5, 6],
            total=total,
        )
        payment_rows = [
            [_day(p.date), str(p.libelle), _euros(p.montant_eur)]
            for p in payments.itertuples(index=False)
        ]
        self.schedule.value = f"<h4>Versements au titre de l'année {year}</h4>" + _html_table(
            ["Date", "Versement", "Montant"],
            payment_rows,
            numeric=[2],
            total=[
                "",
                f"Total versé au titre de l'année {year}",
                _euros(payments["montant_eur"].sum()),
            ],
        )


# --------------------------------------------------------------------------------------
# 3. Cash what-if
# --------------------------------------------------------------------------------------


def _png(figure: Any) -> bytes:
    """PNG bytes of a matplotlib figure, drawn on an Agg canvas; the figure is cleared
    afterwards (it is not registered with pyplot, so nothing else holds it)."""
    try:
        return figure_png(figure)
    finally:
        figure.clear()


class CashWhatIf(widgets.VBox):
    """Monthly cash plan of a civil year when one ACI payment arrives late.

    Attributes: ``payment`` (ACI payment dates of the year, with their amount),
    ``delay`` (months of delay, 0 to 6), ``opening`` (cash on 1 January), ``summary``
    (lowest balance and months below zero, from
    :func:`~cpts_training.budget.cash.cash_summary`), ``chart`` (PNG of
    :func:`~cpts_training.budget.charts.plot_cash_curve`) and ``table`` (the plan).
    Arguments are those of :func:`~cpts_training.budget.cash.cash_plan`; ``notice`` is
    shown above the form (e.g. the fictional-data warning).
    """

    def __init__(
        self,
        year: int,
        opening_balance_eur: float,
        spending: Sequence[float] | pd.DataFrame,
        aci_schedule: pd.DataFrame | None,
        other_receipts: pd.DataFrame | None = None,
        *,
        notice: str | None = None,
    ) -> None:
        self.calendar_year = year
        self.spending = spending
        self.aci_schedule = aci_schedule
        self.other_receipts = other_receipts

        options = self._payment_options()
        self.payment = widgets.Dropdown(
            options=options,
            value=options[0][1] if options else None,
            description="Versement ACI",
            disabled=not options,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="30em"),
        )
        self.delay = widgets.IntSlider(
            value=0,
            min=0,
            max=6,
            description="Retard (mois)",
            continuous_update=False,
            disabled=not options,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="30em"),
        )
        self.opening = FrenchNumberText(
            float(opening_balance_eur),
            description="Trésorerie au 1er janvier (€)",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="30em"),
        )
        self.summary = widgets.HTML()
        self.chart = widgets.Image(
            format="png", layout=widgets.Layout(width="100%", max_width="860px")
        )
        self.table = widgets.HTML()
        for control in (self.payment, self.delay, self.opening):
            control.observe(self._refresh, names="value")

        heading = (
            f"<h4>Plan de trésorerie {year} : et si un versement ACI arrivait en retard ?</h4>"
        )
        if notice:
            heading += message_box(notice, "warning")
        super().__init__(
            [
                widgets.HTML(heading),
                self.opening,
                widgets.HBox([self.payment, self.delay]),
                self.summary,
                self.chart,
                self.table,
            ]
        )
        self._refresh()

    @classmethod
    def from_case_study(cls, case: CaseStudy) -> CashWhatIf:
        """The form on the case study: its cash inputs and the ACI payments of its
        contract with the planned achievement rates."""
        return cls(
            case.cash.year,
            case.cash.opening_balance_eur,
            list(case.cash.monthly_spending_eur),
            payment_schedule(case.contract, case.planned_achievement),
            case.cash.other_receipts,
            notice=case.warning,
        )

    def _payment_options(self) -> list[tuple[str, dt.date]]:
        """ACI payment dates of the year, each labelled with the amount paid that day."""
        if self.aci_schedule is None or self.aci_schedule.empty:
            return []
        days = pd.to_datetime(self.aci_schedule["date"]).dt.date
        amounts = pd.Series(list(self.aci_schedule["montant_eur"]), index=list(days))
        totals = amounts[[d.year == self.calendar_year for d in amounts.index]]
        totals = totals.groupby(level=0).sum().sort_index()
        return [(f"{_day(day)} : {_euros(amount)}", day) for day, amount in totals.items()]

    def plan(self) -> pd.DataFrame:
        """The cash plan of the year with the chosen delay
        (:func:`~cpts_training.budget.cash.what_if_delay`, or
        :func:`~cpts_training.budget.cash.cash_plan` without delay)."""
        args = (
            self.calendar_year,
            self.opening.read(),
            self.spending,
            self.aci_schedule,
            self.other_receipts,
        )
        if self.payment.value is None or self.delay.value == 0:
            return cash_plan(*args)
        return what_if_delay(*args, payment=self.payment.value, months=self.delay.value)

    def _refresh(self, *_: object) -> None:
        try:
            plan = self.plan()
            summary = cash_summary(plan)
            figure = plot_cash_curve(plan)
        except (CPTSError, NumberFormatError) as error:
            prefix = "Trésorerie au 1er janvier : " if isinstance(error, NumberFormatError) else ""
            self.summary.value = _message(prefix + str(error), "error")
            self.chart.value = b""
            self.chart.layout.display = "none"  # no broken-image icon while there is no plan
            self.table.value = ""
            return
        self.chart.layout.display = None
        scenario = ""
        if self.payment.value is not None and self.delay.value:
            months = self.delay.value
            scenario = (
                f"Scénario : le versement du {_day(self.payment.value)} arrive avec "
                f"{months} mois de retard. "
            )
        self.summary.value = _message(
            scenario + summary.message, "error" if summary.negative_months else "ok"
        )
        self.chart.value = _png(figure)
        rows = [
            [
                str(r.libelle_mois),
                _euros(r.solde_ouverture_eur),
                _euros(r.encaissements_aci_eur),
                _euros(r.autres_encaissements_eur),
                _euros(r.decaissements_eur),
                _euros(r.solde_cloture_eur),
            ]
            for r in plan.itertuples(index=False)
        ]
        colours = ["#c62828" if c < 0 else None for c in plan["solde_cloture_eur"]]
        self.table.value = _html_table(
            [
                column_label(c)
                for c in (
                    "libelle_mois",
                    "solde_ouverture_eur",
                    "encaissements_aci_eur",
                    "autres_encaissements_eur",
                    "decaissements_eur",
                    "solde_cloture_eur",
                )
            ],
            rows,
            numeric=[1, 2, 3, 4, 5],
            row_colours=colours,
        )
