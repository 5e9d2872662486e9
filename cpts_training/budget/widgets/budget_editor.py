"""The budget prévisionnel in an editable grid, with totals, balance and XLSX export."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
from ipydatagrid import DataGrid, TextRenderer

from cpts_training.budget.export import export_budget_xlsx
from cpts_training.budget.forecast import (
    LINE_COLUMNS,
    balance_of,
    budget_summary,
    make_budget,
)
from cpts_training.budget.widgets._shared import _export_controls, _html_table, _message
from cpts_training.columns import column_label
from cpts_training.errors import CPTSError
from cpts_training.formatting import (
    NumberFormatError,
    format_euros,
    format_number_fr,
    read_typed_number,
)
from cpts_training.html_blocks import heading as html_heading
from cpts_training.html_blocks import message_box
from cpts_training.widgets.fields import FrenchNumberText, saved_text

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

        (
            self.export_name,
            self.export_overwrite,
            self.export_button,
            self.export_status,
        ) = _export_controls("budget_previsionnel.xlsx")
        self.export_button.on_click(self._export)

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
        lines.iat[row, list(lines.columns).index(field)] = value
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
        lines: list[Mapping[str, Any]] = [
            {str(k): v for k, v in record.items()}
            for record in self._budget[list(LINE_COLUMNS)].to_dict("records")
        ]
        lines.append(line)
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
            saved_text(written),
            "ok",
        )
