"""Reusable checks for tables loaded from data files or entered by trainees.

Each check raises :class:`~cpts_training.errors.DataError` with a French message
that names the source (a file or a table), the row, the column and the fix.
Row numbers are given as a spreadsheet user sees them: the header is line 1,
so the first data row is line 2.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from cpts_training.errors import DataError, InputError
from cpts_training.formatting import format_decimal_fr


def _line(index_position: int) -> int:
    """Spreadsheet line of a data row (header on line 1)."""
    return index_position + 2


def require_columns(df: pd.DataFrame, columns: Iterable[str], source: str) -> None:
    """Fail if one of ``columns`` is missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            f"{source} : colonne(s) manquante(s) {', '.join(missing)}. "
            f"Colonnes trouvées : {', '.join(map(str, df.columns))}. "
            "Ajoutez ces colonnes (la première ligne du fichier contient les noms de colonnes)."
        )


def require_numeric(df: pd.DataFrame, columns: Iterable[str], source: str) -> pd.DataFrame:
    """Return ``df`` with ``columns`` converted to numbers; fail on a non-numeric cell."""
    out = df.copy()
    for column in columns:
        converted = pd.to_numeric(out[column], errors="coerce")
        bad = converted.isna() & out[column].notna() | out[column].isna()
        if bad.any():
            position = int(bad.to_numpy().nonzero()[0][0])
            value = out[column].iloc[position]
            raise DataError(
                f"{source}, ligne {_line(position)}, colonne « {column} » : "
                f"la valeur « {value} » n'est pas un nombre. "
                "Saisissez un nombre sans espace ni texte autour, par exemple 4500 ou 1500,5."
            )
        out[column] = converted
    return out


def require_non_negative(df: pd.DataFrame, columns: Iterable[str], source: str) -> None:
    """Fail if a cell of ``columns`` is negative."""
    for column in columns:
        negative = (df[column] < 0).to_numpy()
        if negative.any():
            position = int(negative.nonzero()[0][0])
            raise DataError(
                f"{source}, ligne {_line(position)}, colonne « {column} » : "
                f"la valeur {df[column].iloc[position]} est négative. "
                "Ce champ doit être positif ou nul : corrigez le signe."
            )


def require_unique(df: pd.DataFrame, column: str, source: str) -> None:
    """Fail if ``column`` holds a duplicated value."""
    duplicated = df[column].duplicated(keep="first").to_numpy()
    if duplicated.any():
        position = int(duplicated.nonzero()[0][0])
        raise DataError(
            f"{source}, ligne {_line(position)}, colonne « {column} » : "
            f"la valeur « {df[column].iloc[position]} » apparaît plusieurs fois. "
            "Chaque valeur de cette colonne doit être unique : supprimez ou renommez le doublon."
        )


def _first_position(mask: pd.Series) -> int:
    """Position (0-based) of the first True of ``mask``."""
    return int(mask.to_numpy().nonzero()[0][0])


def require_non_empty(df: pd.DataFrame, columns: Iterable[str], source: str) -> None:
    """Fail if a cell of ``columns`` is missing or holds only spaces."""
    for column in columns:
        values = df[column]
        empty = values.isna() | values.astype(str).str.strip().eq("")
        if empty.any():
            position = _first_position(empty)
            raise DataError(
                f"{source}, ligne {_line(position)}, colonne « {column} » : la cellule est vide. "
                "Remplissez-la, ou supprimez la ligne si elle est en trop."
            )


def require_integers(df: pd.DataFrame, columns: Iterable[str], source: str) -> pd.DataFrame:
    """Return ``df`` with numeric ``columns`` cast to ``int64``; fail on a non-whole number.

    Run :func:`require_numeric` first: the columns must already hold numbers.
    """
    out = df.copy()
    for column in columns:
        fractional = (out[column] % 1 != 0).fillna(False)
        if fractional.any():
            position = _first_position(fractional)
            raise DataError(
                f"{source}, ligne {_line(position)}, colonne « {column} » : "
                f"la valeur {format_decimal_fr(out[column].iloc[position])} n'est pas un nombre "
                "entier. Saisissez un nombre entier, sans décimales."
            )
        out[column] = out[column].astype("int64")
    return out


def require_positive(df: pd.DataFrame, columns: Iterable[str], source: str) -> None:
    """Fail if a cell of ``columns`` is zero or negative."""
    for column in columns:
        not_positive = df[column] <= 0
        if not_positive.any():
            position = _first_position(not_positive)
            raise DataError(
                f"{source}, ligne {_line(position)}, colonne « {column} » : "
                f"la valeur {format_decimal_fr(df[column].iloc[position])} doit être strictement "
                "positive. Saisissez un nombre supérieur à zéro."
            )


def _fold(text: str) -> str:
    """Lower-case ``text`` without accents nor surrounding spaces, to suggest a fix."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def require_allowed_values(
    df: pd.DataFrame, column: str, allowed: Sequence[str], source: str
) -> None:
    """Fail if a cell of ``column`` is not one of ``allowed`` (exact spelling, accents included).

    When the value differs from an allowed one only by case or accents, the message
    suggests the right spelling.
    """
    allowed_set = set(allowed)
    bad = ~df[column].isin(allowed_set)
    if bad.any():
        position = _first_position(bad)
        value = df[column].iloc[position]
        listed = ", ".join(f"« {a} »" for a in allowed)
        hint = ""
        close = [a for a in allowed if _fold(a) == _fold(str(value))]
        if close:
            hint = f" Vouliez-vous écrire « {close[0]} » ?"
        raise DataError(
            f"{source}, ligne {_line(position)}, colonne « {column} » : "
            f"la valeur « {value} » n'est pas permise. Valeurs permises : {listed}. "
            f"Recopiez l'une d'elles exactement, accents compris.{hint}"
        )


def require_between(
    df: pd.DataFrame,
    column: str,
    low: float,
    high: float,
    source: str,
    *,
    context: str = "",
    fix: str = "Vérifiez la saisie.",
) -> None:
    """Fail if a cell of ``column`` lies outside ``[low, high]``.

    ``context`` completes the sentence "hors de l'intervalle attendu (low à high)", for
    instance ``" pour une commune d'Occitanie"``; ``fix`` says how to correct it.
    """
    outside = (df[column] < low) | (df[column] > high)
    if outside.any():
        position = _first_position(outside)
        raise DataError(
            f"{source}, ligne {_line(position)}, colonne « {column} » : "
            f"la valeur {format_decimal_fr(df[column].iloc[position])} est hors de l'intervalle "
            f"attendu ({format_decimal_fr(low)} à {format_decimal_fr(high)}){context}. {fix}"
        )


def require_row_sum(
    df: pd.DataFrame,
    parts: Sequence[str],
    total: str,
    source: str,
    *,
    parts_label: str | None = None,
    total_label: str | None = None,
    fix: str | None = None,
    tolerance: float = 0.0,
) -> None:
    """Fail if, on a row, the cells of ``parts`` do not add up to the cell of ``total``.

    The message reads "la somme {parts_label} (…) ne correspond pas {total_label} (…).
    {fix}", e.g. ``parts_label="des tranches d'âge"``, ``total_label="à la population"``.
    ``tolerance`` is the largest gap accepted (0 for counts; a cent for amounts).
    """
    sums = df[list(parts)].sum(axis=1)
    gap = (sums - df[total]).abs() > tolerance
    if gap.any():
        position = _first_position(gap)
        parts_label = parts_label or "des colonnes " + ", ".join(f"« {p} »" for p in parts)
        total_label = total_label or f"à la colonne « {total} »"
        fix = fix or "Corrigez l'une de ces colonnes ou le total."
        if len(parts) > 2:
            named = f"« {parts[0]} » à « {parts[-1]} »"
        else:
            named = " et ".join(f"« {p} »" for p in parts)
        raise DataError(
            f"{source}, ligne {_line(position)}, colonnes {named} et « {total} » : "
            f"la somme {parts_label} ({format_decimal_fr(sums.iloc[position])}) ne correspond pas "
            f"{total_label} ({format_decimal_fr(df[total].iloc[position])}). {fix}"
        )


def require_exactly_one(
    df: pd.DataFrame,
    column: str,
    value: str,
    source: str,
    *,
    name_column: str | None = None,
    fix: str | None = None,
) -> None:
    """Fail unless exactly one row has ``value`` in ``column``.

    With two or more, the message names the line of the second one and the first one
    (by ``name_column`` when given); with none, it names the column.
    """
    matches = df[column].eq(value).to_numpy().nonzero()[0]
    fix = fix or f"Une seule ligne doit avoir la valeur « {value} » dans cette colonne."
    if len(matches) == 0:
        raise DataError(
            f"{source}, colonne « {column} » : aucune ligne n'a la valeur « {value} ». {fix}"
        )
    if len(matches) > 1:
        first, second = int(matches[0]), int(matches[1])
        first_name = f" ({df[name_column].iloc[first]})" if name_column else ""
        second_name = f" ({df[name_column].iloc[second]})" if name_column else ""
        raise DataError(
            f"{source}, ligne {_line(second)}{second_name}, colonne « {column} » : "
            f"la valeur « {value} » figure déjà ligne {_line(first)}{first_name}. {fix}"
        )


def require_frame(table: Any, name: str, columns: Sequence[str], fix: str = "") -> pd.DataFrame:
    """``table`` as a DataFrame holding ``columns`` (an argument given by the caller,
    not a file: hence :class:`InputError` rather than :class:`DataError`).

    Raises:
        InputError: French message naming ``name``, for a value that is not a table or
            a table missing some of ``columns`` (with the columns found, then ``fix``).
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"{name} : un tableau (DataFrame) est attendu, avec les colonnes "
            f"{', '.join(columns)} ; reçu : {type(table).__name__}."
        )
    missing = [c for c in columns if c not in table.columns]
    if missing:
        found = ", ".join(map(str, table.columns)) or "aucune"
        raise InputError(
            f"{name} : colonne(s) manquante(s) : {', '.join(missing)}. "
            f"Colonnes attendues : {', '.join(columns)} ; colonnes trouvées : {found}."
            + (f" {fix}" if fix else "")
        )
    return table
