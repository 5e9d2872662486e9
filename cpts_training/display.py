"""Tables for trainees: French column headers and euros, percentages, dates formatted.

``french_table(df)`` turns a domain DataFrame (columns such as ``part_fixe_eur`` or
``ecart_relatif``) into a styled table a non-programmer can read; the data are
unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from functools import partial
from numbers import Real
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from cpts_training.answers import answer_problem
from cpts_training.columns import column_label, declared_columns
from cpts_training.dates import fr_date
from cpts_training.errors import InputError
from cpts_training.formatting import (
    format_decimal_fr,
    format_euros,
    format_number_fr,
    format_percent,
)


def column_decimals(values: pd.Series) -> int:
    """Decimals that show every number of ``values`` exactly, at most 2 (0, 1 or 2)."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    for decimals in (0, 1):
        if ((numbers * 10**decimals).round(6) % 1 == 0).all():
            return decimals
    return 2


def _is_rate(column: str) -> bool:
    declared = declared_columns().get(column)
    return declared is not None and declared.unit == "%"


def _format_cell(column: str, value: Any, decimals: int) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if column.endswith("_eur"):
        return format_euros(value, 2 if decimals else 0)
    if _is_rate(column):
        return format_percent(float(value), 1)
    if isinstance(value, dt.date | pd.Timestamp):
        return fr_date(value)
    if isinstance(value, Real):
        return format_number_fr(value, decimals)
    return str(value)


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def french_table(df: pd.DataFrame, columns: list[str] | None = None) -> Styler:
    """A styled copy of ``df`` (or of ``columns`` of it) with French headers and formats."""
    shown = df[columns] if columns is not None else df
    decimals = {c: column_decimals(shown[c]) if _is_numeric(shown[c]) else 0 for c in shown}
    formatters: dict[Any, str | Callable[[object], str] | None] = {
        c: partial(_format_cell, c, decimals=decimals[c]) for c in shown.columns
    }
    numeric: list[Hashable] = [
        c for c in shown.columns if _is_numeric(shown[c]) or c.endswith("_eur")
    ]
    text: list[Hashable] = [c for c in shown.columns if c not in numeric]
    return (
        shown.style.format(formatters)
        .relabel_index([column_label(c) for c in shown.columns], axis="columns")
        .hide(axis="index")
        .set_properties(subset=numeric, **{"text-align": "right", "white-space": "nowrap"})
        .set_properties(subset=text, **{"text-align": "left"})
        .set_table_styles(
            [
                {"selector": "th", "props": "text-align: left; padding: 0.3em 0.6em;"},
                {"selector": "td", "props": "padding: 0.25em 0.6em;"},
            ]
        )
    )


def answer_text(label: str, value: object, unit: str = "") -> str:
    """« label : value unit », a number written the French way (``205 075 €``, ``11,9 %``).

    Used by notebooks to echo a trainee's answer. A value that is not a number (a text
    between quotes, two numbers split by ``, ``, an answer not written yet) is not
    echoed as if it were one: the line says what is wrong
    (:func:`~cpts_training.answers.answer_problem`).
    """
    if isinstance(value, Real) and not isinstance(value, bool):
        # An amount in euros shows its cents at most (31 911,15 €, not 31 911,1488 €).
        shown = format_decimal_fr(float(value), 2 if unit == "€" else 4)
        return f"{label} : {shown}{' ' + unit if unit else ''}"
    problem = answer_problem(value, "cette réponse")
    if problem is None:  # pragma: no cover - answer_problem accepts only real numbers
        return f"{label} : {value}"
    return f"{label} : ⚠ {problem}"


def show_answer(label: str, value: object, unit: str = "") -> None:
    """Print :func:`answer_text` (one line under a trainee's answer cell)."""
    print(answer_text(label, value, unit))


def column_total(table: pd.DataFrame | Styler, column: str) -> float:
    """Sum of one column of ``table``, named by its French header or by its name.

    ``column_total(financement, "Part variable (€)")`` and
    ``column_total(financement, "part_variable_eur")`` give the same sum (in the
    column's unit). Lets a trainee add up a column seen in a table without writing
    pandas.

    Raises:
        InputError: French message listing the table's headers, when ``column`` is
            neither a header nor a column name of ``table``.
    """
    # A Styler is a table as french_table shows it (pandas-stubs omit Styler.data).
    frame = table.data if isinstance(table, Styler) else table  # type: ignore[attr-defined]
    by_label = {column_label(c): c for c in frame.columns}
    name = column if column in frame.columns else by_label.get(column.strip())
    if name is None:
        headers = " · ".join(f"« {label} »" for label in by_label)
        raise InputError(
            f"Le tableau n'a pas de colonne « {column} ». Recopiez exactement un de ses "
            f"titres : {headers}."
        )
    return float(pd.to_numeric(frame[name]).sum())
