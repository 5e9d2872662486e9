"""Presentation helpers shared by the budget forms (HTML and number formatting only)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from cpts_training.dates import fr_date
from cpts_training.formatting import (
    format_euros,
)
from cpts_training.html_blocks import html_table, message_box
from cpts_training.widgets.fields import export_controls

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


def _rows(table: pd.DataFrame) -> Iterator[Any]:
    """The rows of a domain table as named tuples (their cells typed ``Any``: the
    domain's columns are declared with their units in :mod:`cpts_training.columns`)."""
    return table.itertuples(index=False)


def _items(series: pd.Series) -> Iterator[tuple[Any, Any]]:
    """``(index, value)`` pairs of a series, typed ``Any``."""
    return iter(series.items())


def _totals_table(summary: Any) -> str:
    """Total charges, total products and the result of a budget summary
    (:class:`~cpts_training.budget.forecast.BudgetSummary`), as a small French table."""
    return html_table(
        ["Poste", "Montant"],
        [
            ["Total des charges", format_euros(summary.total_charges_eur, 2)],
            ["Total des produits", format_euros(summary.total_produits_eur, 2)],
        ],
        numeric=[1],
        total=[
            f"Résultat (produits − charges) : {summary.nature_resultat}",
            format_euros(summary.resultat_eur, 2),
        ],
    )


_export_controls = export_controls
