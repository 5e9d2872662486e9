"""Read back a budget workbook (« Ma CPTS »): the hypotheses of its « Hypothèses » sheet.

The workbook is the one written by :func:`~cpts_training.budget.export.
export_built_budget_xlsx`, possibly edited in LibreOffice or Excel by the trainee or the
treasurer. :func:`read_budget_xlsx` reads its « Hypothèses » sheet with openpyxl and
returns :class:`~cpts_training.budget.builder.BudgetHypotheses`, to rebuild the budget
with :func:`~cpts_training.budget.builder.build_budget`.

Read, per row (see :data:`~cpts_training.budget.export.HYPOTHESES_HEADERS`): the type
(« Personnel », « Indemnités », « Autre charge », « Ressource »), the account (other
charges and resources; staff and indemnity accounts are numbered again from the rows'
order), the label, the mission (French label or identifier), and the inputs of the type.
The « Montant (€) » and « Base de calcul » columns are computed, not read. Numbers may be
typed as text the French way (« 1 500,50 », « 35,7 % »): they are read with
:func:`~cpts_training.formatting.read_typed_number`. A rate above 1 typed without « % »
is refused (« 0,42 pour 42 % »).

Every problem raises :class:`~cpts_training.errors.InputError` naming the sheet, the cell
(« feuille Hypothèses, cellule E7 ») and the fix: missing sheet or column, bad number,
unknown mission or type, empty label, account used twice.
"""

from __future__ import annotations

import numbers
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cpts_training.budget.builder import (
    BudgetHypotheses,
    ChargeItem,
    IndemnityGroup,
    ResourceItem,
    StaffPost,
    require_mission,
)
from cpts_training.budget.export import (
    HYPOTHESES_HEADERS,
    HYPOTHESIS_TYPES,
    META_CPTS,
    META_YEAR,
    SHEET_HYPOTHESES,
    TYPE_CHARGE,
    TYPE_INDEMNITY,
    TYPE_RESOURCE,
    TYPE_STAFF,
)
from cpts_training.errors import CPTSError, InputError
from cpts_training.formatting import NumberFormatError, read_typed_number

INPUT_KEYS = (
    "type",
    "compte",
    "libelle",
    "mission",
    "etp",
    "brut",
    "taux",
    "professionnels",
    "heures",
    "taux_horaire",
    "mensualite",
    "mois",
    "montant_saisi",
    "justification",
)
"""Columns read back (keys of :data:`~cpts_training.budget.export.HYPOTHESES_HEADERS`)."""

_HEADERS = dict(HYPOTHESES_HEADERS)


def read_budget_xlsx(path: Path | str) -> BudgetHypotheses:
    """The hypotheses of the « Hypothèses » sheet of the workbook ``path``.

    Raises :class:`InputError` (French) naming the file, the sheet, the cell and the fix.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(
            f"Fichier introuvable : « {file} ». Vérifiez le nom et le dossier du classeur "
            "(panneau des fichiers, à gauche)."
        )
    if file.suffix.lower() != ".xlsx":
        raise InputError(
            f"Le fichier « {file.name} » n'est pas un classeur .xlsx : enregistrez-le au "
            "format Excel 2007-365 (.xlsx)."
        )
    try:
        workbook = openpyxl.load_workbook(file, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InputError(
            f"Le classeur « {file.name} » ne peut pas être lu ({error}). Enregistrez-le à "
            "nouveau au format .xlsx, puis réessayez."
        ) from None
    if SHEET_HYPOTHESES not in workbook.sheetnames:
        raise InputError(
            f"Le classeur « {file.name} » n'a pas de feuille « {SHEET_HYPOTHESES} » (feuilles : "
            f"{', '.join(workbook.sheetnames)}). Partez d'un classeur exporté par le bouton "
            "« Exporter en XLSX » et gardez le nom de la feuille."
        )
    return _read_sheet(workbook[SHEET_HYPOTHESES])


def _place(cell: str) -> str:
    return f"feuille {SHEET_HYPOTHESES}, cellule {cell}"


class _Sheet:
    """The « Hypothèses » sheet: where its header, meta data and columns are."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.header_row = 0
        self.year_cell = ""
        self.cpts_cell = ""
        for row in range(1, sheet.max_row + 1):
            first = sheet.cell(row, 1).value
            text = first.strip() if isinstance(first, str) else ""
            if text == META_YEAR and not self.year_cell:
                self.year_cell = f"B{row}"
            elif text == META_CPTS and not self.cpts_cell:
                self.cpts_cell = f"B{row}"
            elif text == _HEADERS["type"]:
                self.header_row = row
                break
        if not self.header_row:
            raise InputError(
                f"Feuille {SHEET_HYPOTHESES} : la ligne des titres de colonnes (qui commence "
                f"par « {_HEADERS['type']} » en colonne A) est introuvable. Gardez la ligne "
                "des titres du classeur exporté."
            )
        found: dict[str, int] = {}
        for column in range(1, sheet.max_column + 1):
            value = sheet.cell(self.header_row, column).value
            if isinstance(value, str):
                found.setdefault(value.strip(), column)
        missing = [_HEADERS[k] for k in INPUT_KEYS if _HEADERS[k] not in found]
        if missing:
            raise InputError(
                f"Feuille {SHEET_HYPOTHESES}, ligne {self.header_row} : colonne(s) manquante(s) "
                f"{', '.join(f'« {m} »' for m in missing)}. Remettez ces titres de colonnes "
                "(un classeur exporté par « Exporter en XLSX » les contient tous)."
            )
        self.columns = {key: found[_HEADERS[key]] for key in INPUT_KEYS}

    def ref(self, row: int, key: str) -> str:
        return f"{get_column_letter(self.columns[key])}{row}"

    def raw(self, row: int, key: str) -> Any:
        value = self.sheet.cell(row, self.columns[key]).value
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def text(self, row: int, key: str) -> str:
        value = self.raw(row, key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def number(self, row: int, key: str, what: str, required: bool = True) -> float | None:
        value = self.raw(row, key)
        ref = self.ref(row, key)
        if value is None:
            if not required:
                return None
            raise InputError(f"{_place(ref)} : {what} est vide. Saisissez un nombre.")
        if isinstance(value, bool) or not isinstance(value, numbers.Real | str):
            raise InputError(f"{_place(ref)} : {what} vaut « {value} », ce n'est pas un nombre.")
        if isinstance(value, str):
            try:
                typed = read_typed_number(value)
            except NumberFormatError as error:
                raise InputError(f"{_place(ref)} ({what}) : {error}") from None
            if typed.unit == "%":
                return typed.value / 100
            return typed.value
        return float(value)


def _read_sheet(sheet: Worksheet) -> BudgetHypotheses:
    table = _Sheet(sheet)
    year_ref = table.year_cell or "B1"
    if not table.year_cell:
        raise InputError(
            f"Feuille {SHEET_HYPOTHESES} : la ligne « {META_YEAR} » (année du budget, en "
            "colonne B) est introuvable. Remettez-la au-dessus du tableau."
        )
    year_value = sheet[year_ref].value
    try:
        year = int(read_typed_number(str(year_value)).value) if year_value is not None else None
    except NumberFormatError:
        year = None
    if year is None or year_value in ("", None):
        raise InputError(
            f"{_place(year_ref)} : l'année du budget vaut « {year_value or 'vide'} ». "
            "Saisissez une année, par exemple 2026."
        )
    cpts = str(sheet[table.cpts_cell].value or "") if table.cpts_cell else ""

    staff: list[StaffPost] = []
    indemnities: list[IndemnityGroup] = []
    charges: list[ChargeItem] = []
    resources: list[ResourceItem] = []
    accounts: dict[str, str] = {}
    for row in range(table.header_row + 1, sheet.max_row + 1):
        kind = table.text(row, "type")
        if not kind:
            filled = [k for k in INPUT_KEYS if k not in ("libelle",) and table.raw(row, k)]
            if filled:
                raise InputError(
                    f"{_place(table.ref(row, 'type'))} : le type de la ligne est vide. "
                    f"Écrivez l'un de : {', '.join(HYPOTHESIS_TYPES)}."
                )
            continue  # an empty row or a total
        if kind not in HYPOTHESIS_TYPES:
            raise InputError(
                f"{_place(table.ref(row, 'type'))} : type « {kind} » inconnu. Écrivez l'un de : "
                f"{', '.join(HYPOTHESIS_TYPES)}."
            )
        label = table.text(row, "libelle")
        if not label:
            raise InputError(
                f"{_place(table.ref(row, 'libelle'))} : le libellé est vide. Saisissez le nom "
                "du poste, du groupe ou de la dépense."
            )
        mission = "fonctionnement"
        if kind != TYPE_RESOURCE:
            mission_text = table.text(row, "mission")
            try:
                mission = require_mission(mission_text, "La mission")
            except InputError as error:
                raise InputError(f"{_place(table.ref(row, 'mission'))} : {error}") from None
        try:
            if kind == TYPE_STAFF:
                staff.append(
                    StaffPost(
                        label,
                        _req(table.number(row, "etp", "l'ETP")),
                        _req(table.number(row, "brut", "le salaire brut annuel temps plein")),
                        mission,
                        _rate(table, row),
                    )
                )
            elif kind == TYPE_INDEMNITY:
                count = _req(table.number(row, "professionnels", "le nombre de professionnels"))
                indemnities.append(
                    IndemnityGroup(
                        label,
                        _whole(count),
                        _req(table.number(row, "heures", "les heures par professionnel")),
                        _req(table.number(row, "taux_horaire", "le taux horaire")),
                        mission,
                    )
                )
            else:
                account = table.text(row, "compte")
                if not account:
                    raise InputError(
                        f"{_place(table.ref(row, 'compte'))} : le compte est vide. Saisissez "
                        "un numéro de compte (par exemple 6132 pour le loyer)."
                    )
                if account in accounts:
                    raise InputError(
                        f"{_place(table.ref(row, 'compte'))} : le compte {account} est déjà "
                        f"utilisé en {accounts[account]}. Regroupez les deux lignes ou "
                        "utilisez un sous-compte (par exemple 6226 et 62261)."
                    )
                accounts[account] = table.ref(row, "compte")
                justification = table.text(row, "justification")
                if kind == TYPE_CHARGE:
                    monthly = table.number(row, "mensualite", "la mensualité", required=False)
                    if monthly is not None:
                        months = table.number(row, "mois", "le nombre de mois", required=False)
                        charges.append(
                            ChargeItem(
                                account,
                                label,
                                monthly_eur=monthly,
                                months=_whole(12 if months is None else months),
                                mission=mission,
                                basis=justification,
                            )
                        )
                    else:
                        charges.append(
                            ChargeItem(
                                account,
                                label,
                                amount_eur=table.number(
                                    row, "montant_saisi", "le montant annuel saisi"
                                ),
                                mission=mission,
                                basis=justification,
                            )
                        )
                else:
                    resources.append(
                        ResourceItem(
                            account,
                            label,
                            _req(table.number(row, "montant_saisi", "le montant annuel saisi")),
                            justification,
                        )
                    )
        except InputError as error:
            if str(error).startswith("feuille "):
                raise
            raise InputError(f"Feuille {SHEET_HYPOTHESES}, ligne {row} : {error}") from None
    try:
        return BudgetHypotheses(
            year=year,
            cpts=cpts,
            staff=tuple(staff),
            indemnities=tuple(indemnities),
            charges=tuple(charges),
            resources=tuple(resources),
        )
    except CPTSError as error:
        raise InputError(f"{_place(year_ref)} : {error}") from None


def _req(value: float | None) -> float:
    assert value is not None  # required=True never returns None
    return value


def _whole(value: float) -> Any:
    """An integer when the number is whole, else the number (the domain then refuses it)."""
    return int(value) if float(value).is_integer() else value


def _rate(table: _Sheet, row: int) -> float | None:
    return table.number(row, "taux", "le taux de charges patronales", required=False)
