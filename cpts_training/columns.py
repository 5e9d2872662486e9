"""Columns declared once: each domain column's French label and unit, next to its producer.

A domain module that returns a DataFrame declares its columns with
:func:`declare_columns` (in the spirit of an OpenFisca variable's ``label``); tables
(:func:`~cpts_training.display.french_table`), widgets and XLSX exports read the labels
through :func:`column_label`. A column declared twice with two different labels is an
error at import time, so two screens can never name one column differently.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """A domain column: its name in the DataFrame, its French label, its unit.

    ``unit`` is ``"€"`` (euros), ``"%"`` (a rate stored as a fraction 0–1, shown in
    percent), ``"mois"``, ``"habitants"`` or ``""`` (text, code, count).
    """

    name: str
    label: str
    unit: str = ""


_DECLARED: dict[str, Column] = {}


def declare_columns(*columns: Column) -> dict[str, Column]:
    """Register ``columns``; return them by name.

    Raises:
        ValueError: if a column was already declared with another label or unit (a
            programming error: one column, one label).
    """
    for column in columns:
        known = _DECLARED.get(column.name)
        if known is not None and known != column:
            raise ValueError(
                f"column {column.name!r} declared twice: {known.label!r} ({known.unit!r}) "
                f"and {column.label!r} ({column.unit!r})"
            )
        _DECLARED[column.name] = column
    return {column.name: column for column in columns}


def declared_columns() -> dict[str, Column]:
    """Every column declared so far (by the domain modules imported), by name."""
    return dict(_DECLARED)


def column_label(name: str) -> str:
    """The French label of a declared column; else a readable form of ``name``.

    A header already written for readers (it holds a space, such as ``"Part des 75 ans
    et plus (%)"``) is kept as it is; an undeclared ``*_eur`` column gets « (€) ».
    """
    if name in _DECLARED:
        return _DECLARED[name].label
    if " " in name:
        return name
    if name.endswith("_eur"):
        return name.removesuffix("_eur").replace("_", " ").capitalize() + " (€)"
    return name.replace("_", " ").capitalize()
