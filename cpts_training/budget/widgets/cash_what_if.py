"""The monthly cash plan when one ACI payment arrives late."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from cpts_training.budget.aci import payment_schedule
from cpts_training.budget.case_study import CaseStudy
from cpts_training.budget.cash import cash_plan, cash_summary, what_if_delay
from cpts_training.budget.charts import plot_cash_curve
from cpts_training.budget.widgets._shared import _day, _euros, _html_table, _items, _message, _rows
from cpts_training.columns import column_label
from cpts_training.errors import CPTSError
from cpts_training.figures import figure_png
from cpts_training.formatting import (
    NumberFormatError,
)
from cpts_training.html_blocks import message_box
from cpts_training.widgets.fields import FrenchNumberText

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
        return [(f"{_day(day)} : {_euros(amount)}", day) for day, amount in _items(totals)]

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
            for r in _rows(plan)
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
