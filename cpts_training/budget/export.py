"""Export of the budget, the planned/actual comparison and the cash plan to XLSX.

The workbook is meant for a treasurer: a title, a notice when the data are fictional,
accounts and labels, amounts in a euro number format, and totals written as ``=SUM(…)``
formulas *with their computed value* (so that a reader that does not recalculate, such
as openpyxl with ``data_only=True``, still sees the totals).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
import xlsxwriter.exceptions
from xlsxwriter.utility import xl_rowcol_to_cell

from cpts_training.budget._common import cents
from cpts_training.budget.builder import BudgetHypotheses, BuiltBudget, build_budget, mission_labels
from cpts_training.budget.cash import PLAN_COLUMNS, cash_summary
from cpts_training.budget.forecast import SENS_CHARGE, SENS_PRODUIT, ensure_budget
from cpts_training.columns import column_label
from cpts_training.documents import require_target
from cpts_training.errors import InputError
from cpts_training.formatting import format_percent

SHEET_BUDGET = "Budget prévisionnel"
SHEET_COMPARISON = "Prévu-réalisé"
SHEET_CASH = "Trésorerie"
SHEET_HYPOTHESES = "Hypothèses"

TYPE_STAFF = "Personnel"
TYPE_INDEMNITY = "Indemnités"
TYPE_CHARGE = "Autre charge"
TYPE_RESOURCE = "Ressource"
HYPOTHESIS_TYPES = (TYPE_STAFF, TYPE_INDEMNITY, TYPE_CHARGE, TYPE_RESOURCE)
"""Values of the « Type » column of the « Hypothèses » sheet."""

HYPOTHESES_HEADERS: tuple[tuple[str, str], ...] = (
    ("type", "Type"),
    ("compte", "Compte"),
    ("libelle", "Poste ou libellé"),
    ("mission", "Mission"),
    ("etp", "ETP"),
    ("brut", "Salaire brut annuel temps plein (€)"),
    ("taux", "Taux de charges patronales (vide : taux après RGDU)"),
    ("professionnels", "Nb de professionnels"),
    ("heures", "Heures par professionnel"),
    ("taux_horaire", "Taux horaire (€)"),
    ("mensualite", "Mensualité (€)"),
    ("mois", "Mois"),
    ("montant_saisi", "Montant annuel saisi (€)"),
    ("montant", "Montant (€)"),
    ("base", "Base de calcul"),
    ("justification", "Justification"),
)
"""Columns of the « Hypothèses » sheet: key and French header. The columns up to
« Montant annuel saisi » and « Justification » are the inputs read back by
:func:`cpts_training.budget.xlsx_import.read_budget_xlsx`; « Montant » (a formula)
and « Base de calcul » are computed."""

META_YEAR = "Exercice"
META_CPTS = "CPTS"

EURO_FORMAT = '#,##0.00\\ "€"'
PERCENT_FORMAT = "0.0%"


def export_budget_xlsx(
    path: Path | str,
    budget: pd.DataFrame,
    comparison: pd.DataFrame | None = None,
    cash_plan: pd.DataFrame | None = None,
    *,
    title: str = "Budget prévisionnel",
    notice: str | None = None,
    overwrite: bool = False,
    hypotheses: BuiltBudget | BudgetHypotheses | None = None,
) -> Path:
    """Write the budget (and, if given, the comparison and the cash plan) to ``path``.

    Sheets: « Budget prévisionnel » (charges then products, each with a ``=SUM`` total,
    then the result), « Prévu-réalisé » (from :func:`~cpts_training.budget.monitoring.
    compare`), « Trésorerie » (from :func:`~cpts_training.budget.cash.cash_plan`) and
    « Hypothèses » (one row per hypothesis of ``hypotheses``, see
    :func:`export_built_budget_xlsx`). ``notice`` is written under the title (e.g. the
    fictional-data warning).

    Refuses to replace an existing file unless ``overwrite=True`` (French
    :class:`InputError`). Returns the path written.
    """
    target = require_target(path, ".xlsx", overwrite)
    table = ensure_budget(budget)
    built = build_budget(hypotheses) if isinstance(hypotheses, BudgetHypotheses) else hypotheses
    workbook = xlsxwriter.Workbook(str(target))
    try:
        formats = _formats(workbook)
        _budget_sheet(workbook, formats, table, title, notice)
        if built is not None:
            _hypotheses_sheet(workbook, formats, built, title, notice)
        if comparison is not None:
            _comparison_sheet(workbook, formats, comparison, title, notice)
        if cash_plan is not None:
            _cash_sheet(workbook, formats, cash_plan, title, notice)
    finally:
        try:
            workbook.close()
        except (xlsxwriter.exceptions.FileCreateError, OSError) as error:
            raise InputError(
                f"Impossible d'écrire « {target} » ({error}). Fermez le fichier s'il est "
                "ouvert dans un tableur, vérifiez les droits du dossier, puis réessayez."
            ) from None
    return target


def export_built_budget_xlsx(
    built: BuiltBudget | BudgetHypotheses,
    path: Path | str,
    *,
    title: str | None = None,
    notice: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a budget built from its hypotheses (:func:`~cpts_training.budget.builder.
    build_budget`) to ``path``: sheets « Budget prévisionnel » and « Hypothèses ».

    The « Hypothèses » sheet gives the year and the CPTS above a table of
    :data:`HYPOTHESES_HEADERS`, one row per hypothesis (staff post, indemnity group,
    other charge, resource) with its inputs (ETP, gross salary, employer rate — empty
    when computed with the RGDU —, professionals, hours, hourly rate, monthly amount,
    months, annual amount), its amount as a formula with its value, and its base de
    calcul; then the totals of charges and resources (``=SUMIF``). The trainee or the
    treasurer may edit the inputs and read the file back with
    :func:`cpts_training.budget.xlsx_import.read_budget_xlsx`.

    ``title`` defaults to « Budget prévisionnel YEAR — CPTS », ``notice`` to the
    hypotheses' warning. Refuses to replace an existing file unless ``overwrite=True``
    (French :class:`InputError`), as :func:`export_budget_xlsx`. Returns the path.
    """
    if isinstance(built, BudgetHypotheses):
        built = build_budget(built)
    if not isinstance(built, BuiltBudget):
        raise InputError("Donnez un budget construit (build_budget) ou ses hypothèses.")
    hyp = built.hypotheses
    if title is None:
        title = f"Budget prévisionnel {hyp.year}" + (f" — {hyp.cpts}" if hyp.cpts else "")
    if notice is None:
        notice = hyp.warning or None
    return export_budget_xlsx(
        path, built.budget, title=title, notice=notice, overwrite=overwrite, hypotheses=built
    )


def _formats(workbook: xlsxwriter.Workbook) -> dict[str, object]:
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "notice": workbook.add_format(
            {"italic": True, "font_color": "#9c0006", "text_wrap": True, "valign": "top"}
        ),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#dce6f1", "border": 1, "text_wrap": True}
        ),
        "section": workbook.add_format({"bold": True, "bg_color": "#f2f2f2"}),
        "text": workbook.add_format({}),
        "euro": workbook.add_format({"num_format": EURO_FORMAT}),
        "percent": workbook.add_format({"num_format": PERCENT_FORMAT}),
        "rate": workbook.add_format({"num_format": "0.00%"}),
        "number": workbook.add_format({"num_format": "#,##0.##"}),
        "total_label": workbook.add_format({"bold": True, "top": 1}),
        "total_euro": workbook.add_format({"bold": True, "top": 1, "num_format": EURO_FORMAT}),
    }


def _heading(
    sheet, formats, title: str, subtitle: str, notice: str | None, last_column: int
) -> int:
    """Write the title block and the print set-up; return the next free row.

    Printed on A4 landscape, one page wide, with the page number in the footer, so
    that the treasurer can print each sheet as it is.
    """
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_footer("&L" + subtitle + "&RPage &P sur &N")
    sheet.write(0, 0, f"{title} — {subtitle}", formats["title"])
    row = 1
    if notice:
        # Merged over the table's width and wrapped, so that it neither spills past the
        # table nor widens the printed page.
        sheet.merge_range(row, 0, row, last_column, notice, formats["notice"])
        sheet.set_row(row, 15 * (1 + len(notice) // 110))
        row += 1
    return row + 1


def _sum_formula(sheet, formats, row: int, col: int, first: int, last: int, value: float) -> str:
    """Write ``=SUM(col first:col last)`` with its value in (row, col); return the cell."""
    cell = xl_rowcol_to_cell(row, col)
    if last < first:
        sheet.write_formula(row, col, "=0", formats["total_euro"], 0)
        return cell
    start, end = xl_rowcol_to_cell(first, col), xl_rowcol_to_cell(last, col)
    sheet.write_formula(row, col, f"=SUM({start}:{end})", formats["total_euro"], cents(value))
    return cell


def _budget_sheet(workbook, formats, table: pd.DataFrame, title: str, notice: str | None):
    sheet = workbook.add_worksheet(SHEET_BUDGET)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 62)
    sheet.set_column(2, 2, 18)
    row = _heading(sheet, formats, title, SHEET_BUDGET, notice, last_column=2)
    for col, header in enumerate(map(column_label, ("compte", "libelle", "montant_eur"))):
        sheet.write(row, col, header, formats["header"])
    row += 1
    total_cells = {}
    totals = {}
    for sens, heading, total_label in (
        (SENS_CHARGE, "Charges", "Total des charges"),
        (SENS_PRODUIT, "Produits", "Total des produits"),
    ):
        sheet.write(row, 0, heading, formats["section"])
        sheet.write(row, 1, "", formats["section"])
        sheet.write(row, 2, "", formats["section"])
        row += 1
        lines = table[table["sens"] == sens]
        first = row
        line: Any  # a row of the table: its fields are not known statically
        for line in lines.itertuples(index=False):
            sheet.write_string(row, 0, str(line.compte), formats["text"])
            sheet.write_string(row, 1, str(line.libelle), formats["text"])
            sheet.write_number(row, 2, float(line.montant_eur), formats["euro"])
            row += 1
        totals[sens] = cents(lines["montant_eur"].sum())
        sheet.write(row, 1, total_label, formats["total_label"])
        total_cells[sens] = _sum_formula(sheet, formats, row, 2, first, row - 1, totals[sens])
        row += 2
    result = cents(totals[SENS_PRODUIT] - totals[SENS_CHARGE])
    sheet.write(row, 1, "Résultat (produits − charges)", formats["total_label"])
    sheet.write_formula(
        row,
        2,
        f"={total_cells[SENS_PRODUIT]}-{total_cells[SENS_CHARGE]}",
        formats["total_euro"],
        result,
    )


def _comparison_sheet(workbook, formats, comparison: pd.DataFrame, title, notice):
    sheet = workbook.add_worksheet(SHEET_COMPARISON)
    widths = (10, 50, 9, 15, 15, 15, 10, 8, 60)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    row = _heading(sheet, formats, title, "suivi du prévu et du réalisé", notice, last_column=8)
    headers = tuple(
        column_label(c)
        for c in (
            "compte",
            "libelle",
            "sens",
            "prevu_eur",
            "realise_eur",
            "ecart_eur",
            "ecart_relatif",
            "alerte",
            "message",
        )
    )
    for col, header in enumerate(headers):
        sheet.write(row, col, header, formats["header"])
    row += 1
    total_rows = {}
    totals = {}
    for sens, total_label in (
        (SENS_CHARGE, "Total des charges"),
        (SENS_PRODUIT, "Total des produits"),
    ):
        lines = comparison[comparison["sens"] == sens]
        first = row
        line: Any  # a row of the table: its fields are not known statically
        for line in lines.itertuples(index=False):
            planned, actual = xl_rowcol_to_cell(row, 3), xl_rowcol_to_cell(row, 4)
            gap = xl_rowcol_to_cell(row, 5)
            sheet.write_string(row, 0, str(line.compte))
            sheet.write_string(row, 1, str(line.libelle))
            sheet.write_string(row, 2, str(line.sens))
            sheet.write_number(row, 3, float(line.prevu_eur), formats["euro"])
            sheet.write_number(row, 4, float(line.realise_eur), formats["euro"])
            sheet.write_formula(
                row,
                5,
                f"={actual}-{planned}",
                formats["euro"],
                cents(line.realise_eur - line.prevu_eur),
            )
            relative = line.ecart_relatif
            sheet.write_formula(
                row,
                6,
                f'=IF({planned}=0,"",{gap}/{planned})',
                formats["percent"],
                "" if relative is None or math.isnan(relative) else float(relative),
            )
            sheet.write_string(row, 7, "Oui" if line.alerte else "Non")
            message = str(line.message)
            sheet.write_string(row, 8, message, formats["wrap"])
            if message:  # spreadsheets do not grow a wrapped row by themselves
                sheet.set_row(row, 15 * math.ceil(len(message) / 68))
            row += 1
        sheet.write(row, 1, total_label, formats["total_label"])
        sums = [cents(lines[c].sum()) for c in ("prevu_eur", "realise_eur")]
        sums.append(cents(sums[1] - sums[0]))
        for offset, value in enumerate(sums):
            _sum_formula(sheet, formats, row, 3 + offset, first, row - 1, value)
        total_rows[sens] = row
        totals[sens] = sums
        row += 2
    sheet.write(row, 1, "Résultat (produits − charges)", formats["total_label"])
    for offset in range(3):
        col = 3 + offset
        products = xl_rowcol_to_cell(total_rows[SENS_PRODUIT], col)
        charges = xl_rowcol_to_cell(total_rows[SENS_CHARGE], col)
        value = cents(totals[SENS_PRODUIT][offset] - totals[SENS_CHARGE][offset])
        sheet.write_formula(row, col, f"={products}-{charges}", formats["total_euro"], value)


def _cash_sheet(workbook, formats, plan: pd.DataFrame, title, notice):
    sheet = workbook.add_worksheet(SHEET_CASH)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 7, 17)
    row = _heading(sheet, formats, title, "plan de trésorerie mensuel", notice, last_column=7)
    columns = tuple((c, column_label(c)) for c in PLAN_COLUMNS if c != "mois")
    for col, (_key, header) in enumerate(columns):
        sheet.write(row, col, header, formats["header"])
    row += 1
    first = row
    for record in plan.to_dict("records"):
        sheet.write_string(row, 0, str(record["libelle_mois"]))
        for col, (key, _header) in enumerate(columns[1:], start=1):
            sheet.write_number(row, col, float(record[key]), formats["euro"])
        row += 1
    sheet.write(row, 0, "Total de l'année", formats["total_label"])
    for col, (key, _header) in enumerate(columns[1:], start=1):
        if key in ("solde_ouverture_eur", "solde_cloture_eur"):
            continue
        _sum_formula(sheet, formats, row, col, first, row - 1, float(plan[key].sum()))
    row += 2
    sheet.write(row, 0, cash_summary(plan).message)


def _hypotheses_sheet(workbook, formats, built: BuiltBudget, title: str, notice: str | None):
    """One row per hypothesis; inputs as numbers, the amount as a formula."""
    hyp = built.hypotheses
    labels = mission_labels()
    column = {key: position for position, (key, _header) in enumerate(HYPOTHESES_HEADERS)}

    def cell(row: int, key: str) -> str:
        return xl_rowcol_to_cell(row, column[key])

    sheet = workbook.add_worksheet(SHEET_HYPOTHESES)
    widths = (13, 13, 44, 34, 7, 16, 16, 13, 13, 12, 12, 7, 15, 15, 48, 40)
    for position, width in enumerate(widths):
        sheet.set_column(position, position, width)
    last = len(HYPOTHESES_HEADERS) - 1
    row = _heading(sheet, formats, title, SHEET_HYPOTHESES, notice, last_column=last)
    sheet.write_string(row, 0, META_YEAR, formats["total_label"])
    sheet.write_number(row, 1, hyp.year)
    row += 1
    sheet.write_string(row, 0, META_CPTS, formats["total_label"])
    sheet.write_string(row, 1, hyp.cpts)
    row += 2
    for position, (_key, header) in enumerate(HYPOTHESES_HEADERS):
        sheet.write(row, position, header, formats["header"])
    row += 1
    first = row
    bases = list(built.budget["base_de_calcul"])
    amounts = list(built.budget["montant_eur"])
    line = 0  # index of the budget line of the current hypothesis

    def common(kind: str, account: str, label: str, mission: str, justification: str = ""):
        sheet.write_string(row, column["type"], kind)
        sheet.write_string(row, column["compte"], account)
        sheet.write_string(row, column["libelle"], label)
        sheet.write_string(row, column["mission"], mission)
        if justification:
            sheet.write_string(row, column["justification"], justification, formats["wrap"])

    def amount(formula: str, value: float, base: str) -> None:
        sheet.write_formula(row, column["montant"], formula, formats["euro"], cents(value))
        sheet.write_string(row, column["base"], base)

    for post in hyp.staff:
        salary, charges = str(built.budget["compte"][line]), str(built.budget["compte"][line + 1])
        common(TYPE_STAFF, f"{salary} / {charges}", post.role, labels[post.mission])
        sheet.write_number(row, column["etp"], post.fte, formats["number"])
        sheet.write_number(row, column["brut"], post.gross_full_time_eur, formats["euro"])
        rate = post.rate(hyp.year)
        if post.employer_rate is not None:
            sheet.write_number(row, column["taux"], post.employer_rate, formats["rate"])
            rate_ref = cell(row, "taux")
        else:
            rate_ref = repr(rate)
        gross = f"ROUND({cell(row, 'etp')}*{cell(row, 'brut')},2)"
        amount(
            f"={gross}+ROUND({gross}*{rate_ref},2)",
            amounts[line] + amounts[line + 1],
            f"{bases[line]} × (1 + {format_percent(rate, 2)})"
            + ("" if post.employer_rate is not None else f", taux après RGDU {hyp.year}"),
        )
        line += 2
        row += 1
    for group in hyp.indemnities:
        common(
            TYPE_INDEMNITY, str(built.budget["compte"][line]), group.label, labels[group.mission]
        )
        sheet.write_number(row, column["professionnels"], group.professionals)
        sheet.write_number(row, column["heures"], group.hours_each, formats["number"])
        sheet.write_number(row, column["taux_horaire"], group.hourly_rate_eur, formats["euro"])
        amount(
            f"={cell(row, 'professionnels')}*{cell(row, 'heures')}*{cell(row, 'taux_horaire')}",
            amounts[line],
            bases[line],
        )
        line += 1
        row += 1
    for charge in hyp.charges:
        common(TYPE_CHARGE, charge.account, charge.label, labels[charge.mission], charge.basis)
        if charge.monthly_eur is not None:
            sheet.write_number(row, column["mensualite"], charge.monthly_eur, formats["euro"])
            sheet.write_number(row, column["mois"], charge.months)
            formula = f"={cell(row, 'mensualite')}*{cell(row, 'mois')}"
        else:
            sheet.write_number(row, column["montant_saisi"], charge.amount_eur, formats["euro"])
            formula = f"={cell(row, 'montant_saisi')}"
        amount(formula, amounts[line], bases[line])
        line += 1
        row += 1
    for resource in hyp.resources:
        common(TYPE_RESOURCE, resource.account, resource.label, "", resource.basis)
        sheet.write_number(row, column["montant_saisi"], resource.amount_eur, formats["euro"])
        amount(f"={cell(row, 'montant_saisi')}", amounts[line], bases[line])
        line += 1
        row += 1
    last_row = row - 1
    row += 1
    summary = built.summary
    types = f"{xl_rowcol_to_cell(first, 0)}:{xl_rowcol_to_cell(max(first, last_row), 0)}"
    values = (
        f"{cell(first, 'montant')}:{xl_rowcol_to_cell(max(first, last_row), column['montant'])}"
    )
    for label, criterion, value in (
        ("Total des charges", f'"<>{TYPE_RESOURCE}"', summary.total_charges_eur),
        ("Total des ressources", f'"{TYPE_RESOURCE}"', summary.total_produits_eur),
    ):
        sheet.write(row, column["libelle"], label, formats["total_label"])
        sheet.write_formula(
            row,
            column["montant"],
            f"=SUMIF({types},{criterion},{values})",
            formats["total_euro"],
            cents(value),
        )
        row += 1
    sheet.write(row, column["libelle"], "Résultat (ressources − charges)", formats["total_label"])
    sheet.write_formula(
        row,
        column["montant"],
        f"={cell(row - 1, 'montant')}-{cell(row - 2, 'montant')}",
        formats["total_euro"],
        summary.resultat_eur,
    )
    sheet.freeze_panes(first, 3)
