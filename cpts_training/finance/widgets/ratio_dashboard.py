"""Ratio dashboard: the key figures of several financial years side by side.

One column per year (résultat, CAF, taux de CAF, FRNG, BFR, trésorerie, ratios in days,
years and fractions), the variation between consecutive years, and the reading of the
ratios of the year the trainee selects. It states facts (figures and thresholds), never a
written diagnosis: the diagnosis is the trainee's. Figures are
:func:`~cpts_training.finance.report.evolution_table`'s and
:func:`~cpts_training.finance.report.accounts_report`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

import ipywidgets as widgets
import pandas as pd

from cpts_training.errors import CPTSError, InputError
from cpts_training.finance.case_study import CASE_YEARS, case_warning, load_trial_balance
from cpts_training.finance.report import (
    RATIO_GLOSSARY,
    READING_NOTE,
    AccountsReport,
    accounts_report,
    evolution_section,
    evolution_table,
    ratio_sources,
)
from cpts_training.html_blocks import heading, html_table, message_box, scroll_box

SOURCE_HEADERS = ("Ratio", "Source de la formule", "Source du seuil")
"""Headers of the table of sources under the reading of the ratios."""


class RatioDashboard(widgets.VBox):
    """Several financial years side by side, and the reading of the selected year.

    ``balances`` maps a financial year to its trial balance (columns ``compte``,
    ``libelle``, ``debit``, ``credit``; euros). ``title`` and ``notice`` (e.g. the case's
    « données fictives » warning) are shown above the table.

    Controls (attributes): ``evolution_view`` (HTML: the years side by side),
    ``year`` (Dropdown of the years), ``diagnosis_view`` (HTML: the reading of that
    year's ratios), ``status``. :attr:`table` is the numeric
    :func:`~cpts_training.finance.report.evolution_table`.

    Raises:
        InputError: no year, or an invalid balance (French; the message names the year).
    """

    def __init__(
        self,
        balances: Mapping[int, pd.DataFrame],
        *,
        title: str = "Évolution des résultats financiers",
        notice: str = "",
    ) -> None:
        self._balances = {int(y): tb for y, tb in balances.items()}
        self._table = evolution_table(self._balances)
        self._reports: dict[int, AccountsReport] = {}
        years = sorted(self._balances)
        section = evolution_section(self._table)
        parts = [heading(title, 4)]
        if notice:
            parts.append(message_box(notice, "warning"))
        parts.append(
            scroll_box(
                html_table(
                    list(section.headers), [list(r) for r in section.rows], list(section.numeric)
                )
            )
        )
        parts.append(message_box(section.note, "info"))
        self.evolution_view = widgets.HTML("".join(parts), layout=widgets.Layout(width="100%"))
        self.year = widgets.Dropdown(
            options=years,
            value=years[-1],
            description="Exercice",
            layout=widgets.Layout(width="14em"),
        )
        self.diagnosis_view = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.status = widgets.HTML()
        self.year.observe(self._on_year, names="value")
        super().__init__(
            [
                self.evolution_view,
                widgets.HTML(heading("Lecture des ratios de l'exercice choisi", 4)),
                self.year,
                self.status,
                self.diagnosis_view,
            ]
        )
        self.show_year(years[-1])

    @classmethod
    def from_case_study(cls) -> RatioDashboard:
        """The dashboard of the fictional « CPTS de la Vallée de l'Aubrenne », every year
        of :data:`~cpts_training.finance.case_study.CASE_YEARS`."""
        years = sorted(CASE_YEARS)
        return cls(
            {year: load_trial_balance(year) for year in years},
            title="CPTS de la Vallée de l'Aubrenne (cas fictif) : évolution des résultats "
            "financiers",
            notice=case_warning(years[-1]),
        )

    @classmethod
    def from_trial_balances(
        cls, balances: Mapping[int, pd.DataFrame], **kwargs: Any
    ) -> RatioDashboard:
        """The dashboard of the trainee's own balances, ``{year: trial balance, …}``
        (e.g. read with :func:`~cpts_training.finance.trial_balance.read_trial_balance`)."""
        return cls(balances, **kwargs)

    @property
    def table(self) -> pd.DataFrame:
        """The figures shown (see :func:`~cpts_training.finance.report.evolution_table`)."""
        return self._table

    @property
    def years(self) -> list[int]:
        """The financial years, in increasing order."""
        return sorted(self._balances)

    def show_year(self, year: int) -> None:
        """Show the reading of the ratios of ``year`` (what choosing it does)."""
        try:
            if year not in self._balances:
                raise InputError(
                    f"Pas de balance pour l'exercice {year} : exercices disponibles "
                    f"{', '.join(map(str, self.years))}."
                )
            if year not in self._reports:
                self._reports[year] = accounts_report(self._balances[year], year)
            report = self._reports[year]
        except CPTSError as error:
            self.status.value = message_box(str(error), "error")
            self.diagnosis_view.value = ""
            return
        section = report.diagnosis_section()
        self.status.value = ""
        self.diagnosis_view.value = (
            scroll_box(
                html_table(
                    list(section.headers), [list(r) for r in section.rows], list(section.numeric)
                )
            )
            + message_box(READING_NOTE, "info")
            + sources_html(report)
        )

    def _on_year(self, change: dict[str, Any]) -> None:
        self.show_year(int(change["new"]))


def sources_html(report: AccountsReport) -> str:
    """Under the reading of the ratios: the public source of each ratio and of its
    threshold (:func:`~cpts_training.finance.report.ratio_sources`), then the « Lexique »:
    one French sentence per less common ratio (:data:`~cpts_training.finance.report.
    RATIO_GLOSSARY`)."""
    rows = [list(row) for row in ratio_sources(report.ratios)]
    glossary = "".join(f"<li>{escape(line)}</li>" for line in RATIO_GLOSSARY.values())
    return (
        heading("Sources des ratios et des seuils", 5)
        + scroll_box(html_table(SOURCE_HEADERS, rows))
        + heading("Lexique", 5)
        + f"<ul>{glossary}</ul>"
    )
