"""A one-page summary of the budget for the conseil d'administration (B5.C03).

« Présenter le budget devant la gouvernance »: the coordinator presents the budget
prévisionnel to the board in one page. :func:`budget_presentation` builds a
:class:`BudgetPresentation` from the trainee's budget table; it shows itself in a
notebook (``_repr_html_``) and is written as an HTML page that prints on one A4 page
(:meth:`BudgetPresentation.to_html`) and as a Word document
(:meth:`BudgetPresentation.to_docx`), with the same content:

- the totals (charges, products, result) and both sides by nature (two-digit account);
- the charges by mission, when the budget's lines carry a ``mission`` column (the budget
  builder adds it); otherwise a French note says why the table is missing;
- the key ratios (:func:`budget_ratios`): share of the ACI in the products, of the
  payroll and of the professionals' indemnities in the charges, the result, the reserves
  in months of charges;
- the hypotheses (a table given by the trainee, or the lines' ``base_de_calcul``), the
  risks and « ce que nous demandons au CA ».

Every text is escaped by Jinja2's autoescape; amounts are written the French way
(``217 230 €``), rates as percentages with one decimal (``91,1 %``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader

from cpts_training.budget._common import require_whole
from cpts_training.budget.aci import FONCTIONNEMENT, FONCTIONNEMENT_LABEL, AciContract
from cpts_training.budget.forecast import (
    SENS_CHARGE,
    SENS_PRODUIT,
    BudgetSummary,
    budget_summary,
    by_nature,
    ensure_budget,
)
from cpts_training.budget.risks import ACI_ACCOUNTS, aci_dependency, reserves_in_months
from cpts_training.columns import column_label, declared_columns
from cpts_training.documents import a4_docx, require_target, save_docx, save_pair
from cpts_training.errors import InputError
from cpts_training.formatting import format_decimal_fr, format_euros, format_percent
from cpts_training.reference import load_parameter

PAYROLL_ACCOUNTS = ("641", "645")
"""Payroll (masse salariale): gross salaries (641) and employer social charges (645)."""

INDEMNITY_ACCOUNTS = ("6228",)
"""Indemnities paid to the health professionals (6228 and its sub-accounts)."""

MISSION_COLUMN = "mission"
"""Optional budget column: the mission a line serves (see :func:`by_mission`)."""

BASIS_COLUMN = "base_de_calcul"
"""Optional budget column: how the amount of a line was computed (French text)."""

SEVERAL_MISSIONS = "plusieurs_missions"
UNASSIGNED = "non_affecte"
EXTRA_MISSION_LABELS = {
    FONCTIONNEMENT: FONCTIONNEMENT_LABEL,
    SEVERAL_MISSIONS: "Plusieurs missions",
    UNASSIGNED: "Non affecté",
}
"""Labels of the ``mission`` values that are not ACI missions."""

MISSION_COLUMNS = ("mission", "libelle", "montant_eur", "part")
"""Columns of :func:`by_mission`."""

NO_MISSION_NOTE = (
    "Répartition par mission non disponible : les lignes du budget n'indiquent pas la "
    "mission qu'elles servent (colonne « mission »). Construisez le budget avec le "
    "constructeur de budget pour l'obtenir."
)

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
"""Templates of the budget module; every text is escaped by autoescape."""

TEMPLATE = "synthese_budget.html.j2"


@dataclass(frozen=True)
class BudgetRatios:
    """Key ratios of a budget, for the board.

    Fractions are between 0 and 1 (NaN when the denominator is zero); amounts in euros;
    ``reserves_months`` in months of charges (``None`` when no reserves were given).
    """

    total_charges_eur: float
    total_produits_eur: float
    aci_share: float
    """ACI products / total products."""
    payroll_share: float
    """Payroll (641 + 645) / total charges."""
    indemnity_share: float
    """Indemnities of the professionals (6228) / total charges."""
    result_eur: float
    """Products − charges."""
    reserves_eur: float | None = None
    reserves_months: float | None = None
    """Reserves / (total charges / 12)."""

    def rows(self) -> list[tuple[str, str, str]]:
        """``(indicateur, valeur, lecture)`` in French, the values formatted."""
        result = self.result_eur
        nature = "excédent" if result > 0 else "déficit" if result < 0 else "équilibre"
        rows = [
            (
                "Part de l'ACI dans les produits",
                format_percent(self.aci_share, 1),
                "Dépendance au financement de l'Assurance maladie",
            ),
            (
                "Part de la masse salariale dans les charges",
                format_percent(self.payroll_share, 1),
                "Salaires bruts et charges patronales (comptes 641 et 645)",
            ),
            (
                "Part des indemnités des professionnels dans les charges",
                format_percent(self.indemnity_share, 1),
                "Indemnités versées aux professionnels de santé (compte 6228)",
            ),
            ("Résultat prévisionnel", format_euros(result), f"Produits − charges ({nature})"),
        ]
        if self.reserves_eur is not None and self.reserves_months is not None:
            rows.append(
                (
                    "Réserves en mois de charges",
                    f"{format_decimal_fr(round(self.reserves_months, 1))} mois",
                    f"Réserves de {format_euros(self.reserves_eur)} ÷ charges d'un mois "
                    f"({format_euros(self.total_charges_eur / 12)})",
                )
            )
        return rows

    def to_frame(self) -> pd.DataFrame:
        """Columns ``indicateur``, ``valeur`` (formatted text) and ``lecture``."""
        return pd.DataFrame(self.rows(), columns=["indicateur", "valeur", "lecture"])

    def __str__(self) -> str:
        return "\n".join(f"{name} : {value} ({reading})" for name, value, reading in self.rows())


def budget_ratios(
    budget: pd.DataFrame,
    reserves_eur: float | None = None,
    aci_accounts: Sequence[str] = ACI_ACCOUNTS,
) -> BudgetRatios:
    """Key ratios of a budget table (:func:`~cpts_training.budget.forecast.make_budget`).

    - ACI share = products of ``aci_accounts`` (default 741) / total products;
    - payroll share = charges of accounts 641 and 645 (and sub-accounts) / total charges;
    - indemnity share = charges of account 6228 (and sub-accounts) / total charges;
    - result = products − charges (euros);
    - reserves in months = ``reserves_eur`` / (total charges / 12), when given.

    Case study 2025: ACI 197 850 / 217 230 = 91,1 %; payroll (40 800 + 17 136 +
    13 200 + 5 544 = 76 680) / 217 230 = 35,3 %; indemnities 91 950 / 217 230 = 42,3 %.
    Raises :class:`InputError` for an invalid budget, reserves that are not a number,
    or reserves given for a budget without charges.
    """
    table = ensure_budget(budget)
    summary = budget_summary(table)
    charges = summary.total_charges_eur
    months = None if reserves_eur is None else reserves_in_months(reserves_eur, table)
    return BudgetRatios(
        total_charges_eur=charges,
        total_produits_eur=summary.total_produits_eur,
        aci_share=aci_dependency(table, aci_accounts),
        payroll_share=_share(_sum_accounts(table, SENS_CHARGE, PAYROLL_ACCOUNTS), charges),
        indemnity_share=_share(_sum_accounts(table, SENS_CHARGE, INDEMNITY_ACCOUNTS), charges),
        result_eur=summary.resultat_eur,
        reserves_eur=None if reserves_eur is None else float(reserves_eur),
        reserves_months=months,
    )


def mission_labels(contract: AciContract | None = None) -> dict[str, str]:
    """French label of every value the ``mission`` column may take.

    The ACI catalogue's missions (parameter ``aci/missions/catalogue``, every version),
    overridden by the contract's own labels when ``contract`` is given, plus
    « Fonctionnement de la CPTS », « Plusieurs missions » and « Non affecté ».
    """
    labels = {FONCTIONNEMENT: FONCTIONNEMENT_LABEL}
    for version in load_parameter("aci/missions/catalogue").values:
        for mission_id, info in version.value.items():
            labels[mission_id] = str(info["libelle"])
    if contract is not None:
        labels.update({m.id: m.label for m in contract.missions})
    labels.update({k: v for k, v in EXTRA_MISSION_LABELS.items() if k != FONCTIONNEMENT})
    return labels


def by_mission(budget: pd.DataFrame, contract: AciContract | None = None) -> pd.DataFrame:
    """Charges of a budget by mission (:data:`MISSION_COLUMNS`).

    ``budget`` may carry a ``mission`` column: ``"fonctionnement"``, an ACI mission id
    (``"acces_aux_soins"``, ``"prevention"``…), ``"plusieurs_missions"``, or empty. Rows:
    ``mission`` (the id; ``"non_affecte"`` for an empty value), ``libelle`` (French, from
    the contract when given, else from the ACI catalogue), ``montant_eur`` (sum of the
    charges, euros) and ``part`` (share of the total charges, a fraction). Order:
    fonctionnement, the missions (contract order, else catalogue order), plusieurs
    missions, non affecté. Without a ``mission`` column every charge is « Non affecté ».
    Products are left out. Raises :class:`InputError` naming an unknown mission.
    """
    table = ensure_budget(budget)
    charges = table[table["sens"] == SENS_CHARGE]
    labels = mission_labels(contract)
    if MISSION_COLUMN in charges.columns:
        ids = [_mission_id(value, labels) for value in charges[MISSION_COLUMN]]
    else:
        ids = [UNASSIGNED] * len(charges)
    sums: dict[str, float] = {}
    for mission_id, amount in zip(ids, charges["montant_eur"], strict=True):
        sums[mission_id] = sums.get(mission_id, 0.0) + float(amount)
    order = [FONCTIONNEMENT]
    order += list(contract.mission_ids) if contract is not None else []
    order += [m for m in labels if m not in order and m not in EXTRA_MISSION_LABELS]
    order += [SEVERAL_MISSIONS, UNASSIGNED]
    total = sum(sums.values())
    rows = [
        (m, labels[m], round(sums[m], 2), sums[m] / total if total else math.nan)
        for m in order
        if m in sums
    ]
    out = pd.DataFrame(rows, columns=list(MISSION_COLUMNS))
    out["montant_eur"] = out["montant_eur"].astype(float)
    out["part"] = out["part"].astype(float)
    return out


@dataclass(frozen=True)
class TextTable:
    """A table of formatted texts: headers, rows, optional bold total row, and the
    positions of the right-aligned (numeric) columns."""

    heading: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None
    numeric: tuple[int, ...] = ()


@dataclass(frozen=True)
class BudgetPresentation:
    """The one-page budget summary for the board; see :func:`budget_presentation`.

    Attributes hold the computed content: ``summary`` (totals), ``by_nature`` (charges
    and products by two-digit account, from :func:`~cpts_training.budget.forecast.
    by_nature`), ``by_mission`` (:func:`by_mission`, or ``None`` with ``mission_note``
    saying why), ``ratios`` (:class:`BudgetRatios`), ``hypotheses`` (a table or
    ``None``), ``risks`` and ``asks`` (French sentences).
    """

    title: str
    cpts: str
    year: int
    summary: BudgetSummary
    by_nature: pd.DataFrame = field(repr=False)
    by_mission: pd.DataFrame | None = field(repr=False)
    mission_note: str
    ratios: BudgetRatios
    hypotheses: pd.DataFrame | None = field(repr=False)
    risks: tuple[str, ...] = ()
    asks: tuple[str, ...] = ()
    notice: str = ""

    @property
    def subtitle(self) -> str:
        """« CPTS … — budget prévisionnel 2025 — synthèse pour le conseil d'administration »."""
        return (
            f"{self.cpts} — budget prévisionnel {self.year} — synthèse pour le conseil "
            "d'administration"
        )

    def key_figures(self) -> list[tuple[str, str]]:
        """``(label, amount)`` of the totals and the result, formatted."""
        s = self.summary
        return [
            ("Total des charges", format_euros(s.total_charges_eur)),
            ("Total des produits", format_euros(s.total_produits_eur)),
            (f"Résultat ({s.nature_resultat})", format_euros(s.resultat_eur)),
        ]

    def tables(self) -> dict[str, TextTable | None]:
        """The tables of the page, formatted: ``charges``, ``produits``, ``missions``
        (``None`` without a mission column), ``ratios``, ``hypotheses`` (``None`` when
        there are none)."""
        tables: dict[str, TextTable | None] = {}
        for key, sens, heading, total_label, total in (
            (
                "charges",
                SENS_CHARGE,
                "Charges par nature",
                "Total des charges",
                self.summary.total_charges_eur,
            ),
            (
                "produits",
                SENS_PRODUIT,
                "Produits par nature",
                "Total des produits",
                self.summary.total_produits_eur,
            ),
        ):
            part = self.by_nature[self.by_nature["sens"] == sens]
            tables[key] = TextTable(
                heading=heading,
                headers=("Compte", "Rubrique", "Montant", "Part"),
                rows=tuple(
                    (str(c), str(r), format_euros(m), format_percent(p, 1))
                    for c, r, m, p in zip(
                        part["classe"],
                        part["rubrique"],
                        part["montant_eur"],
                        part["part"],
                        strict=True,
                    )
                ),
                total=("", total_label, format_euros(total), format_percent(1 if total else 0)),
                numeric=(2, 3),
            )
        if self.by_mission is None:
            tables["missions"] = None
        else:
            missions = self.by_mission
            tables["missions"] = TextTable(
                heading="Charges par mission",
                headers=("Mission", "Montant", "Part"),
                rows=tuple(
                    (str(label), format_euros(m), format_percent(p, 1))
                    for label, m, p in zip(
                        missions["libelle"], missions["montant_eur"], missions["part"], strict=True
                    )
                ),
                total=("Total des charges", format_euros(missions["montant_eur"].sum()), ""),
                numeric=(1, 2),
            )
        tables["ratios"] = TextTable(
            heading="Indicateurs clés",
            headers=("Indicateur", "Valeur", "Lecture"),
            rows=tuple(self.ratios.rows()),
            numeric=(1,),
        )
        tables["hypotheses"] = (
            None if self.hypotheses is None else _text_table("Hypothèses", self.hypotheses)
        )
        return tables

    def _context(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "cpts": self.cpts,
            "subtitle": self.subtitle,
            "key_figures": self.key_figures(),
            "tables": self.tables(),
            "mission_note": self.mission_note,
            "risks": list(self.risks),
            "asks": list(self.asks),
            "notice": self.notice,
        }

    def to_html(self) -> str:
        """A complete HTML page (French, UTF-8) with print CSS fitting one A4 page."""
        return _render(standalone=True, **self._context())

    def _repr_html_(self) -> str:
        """The same content as a fragment, for a notebook."""
        return _render(standalone=False, **self._context())

    def to_docx(self, path: Path | str, overwrite: bool = False) -> Path:
        """Write the summary as a Word document (``.docx``, python-docx) and return its path.

        Same content as :meth:`to_html`: title, totals, tables with French amounts,
        risks and asks, on A4 paper. Raises :class:`InputError` (French) when the name
        does not end in ``.docx``, the folder does not exist, or the file exists and
        ``overwrite`` is false.
        """
        target = require_target(path, ".docx", overwrite)
        document = self._document()
        return save_docx(document, target)

    def save(self, folder: Path | str, stem: str, overwrite: bool = False) -> tuple[Path, Path]:
        """Write ``stem.html`` and ``stem.docx`` in ``folder``; return both paths.

        Both files are checked before either is written: nothing is written when one of
        them exists and ``overwrite`` is false (French :class:`InputError`). ``folder`` is
        created when its parent exists (the trainee's ``mes_documents``).
        """
        return save_pair(
            folder,
            stem,
            self.to_html,
            lambda path: self.to_docx(path, overwrite=True),
            overwrite,
            example="synthese_budget_2025",
        )

    def _document(self) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        # Word's default sizes (Title 26 pt, Heading 2 13 pt) would push the page to two.
        document = a4_docx(self.title, margin_cm=1.5, font_pt=9, title_pt=16)
        document.styles["Normal"].paragraph_format.space_after = Pt(2)
        heading_style = document.styles["Heading 2"]
        heading_style.font.size = Pt(10.5)
        heading_style.paragraph_format.space_before = Pt(6)
        heading_style.paragraph_format.space_after = Pt(2)
        document.add_heading(self.title, level=0)
        document.add_paragraph(self.subtitle).runs[0].italic = True
        figures = document.add_paragraph()
        for position, (label, value) in enumerate(self.key_figures()):
            if position:
                figures.add_run(" ; ")
            figures.add_run(f"{label} : ")
            figures.add_run(value).bold = True
        tables = self.tables()
        for key in ("charges", "produits", "missions", "ratios", "hypotheses"):
            table = tables[key]
            if key == "missions" and table is None:
                document.add_heading("Charges par mission", level=2)
                document.add_paragraph(self.mission_note).runs[0].italic = True
                continue
            if table is None:
                continue
            document.add_heading(table.heading, level=2)
            _docx_table(document, table, WD_ALIGN_PARAGRAPH.RIGHT)
        if self.risks:
            document.add_heading("Risques identifiés", level=2)
            for risk in self.risks:
                document.add_paragraph(risk, style="List Bullet")
        if self.asks:
            document.add_heading("Ce que nous demandons au CA", level=2)
            for ask in self.asks:
                document.add_paragraph(ask, style="List Number")
        if self.notice:
            document.add_paragraph(self.notice).runs[0].italic = True
        return document


def budget_presentation(
    budget: pd.DataFrame,
    *,
    cpts: str,
    year: int,
    hypotheses: pd.DataFrame | None = None,
    risks: Sequence[str] = (),
    reserves_eur: float | None = None,
    asks: Sequence[str] = (),
    title: str | None = None,
    contract: AciContract | None = None,
    notice: str | None = None,
    aci_accounts: Sequence[str] = ACI_ACCOUNTS,
) -> BudgetPresentation:
    """Build the one-page budget summary for the board (B5.C03).

    ``budget`` is a budget table of the civil ``year`` (with or without the ``mission``
    and ``base_de_calcul`` columns); ``cpts`` names the CPTS. ``hypotheses`` is a table
    of the assumptions (any columns; ``*_eur`` columns are written in euros, ``taux*``
    and ``part*`` columns in percent); without it, the lines' ``base_de_calcul`` are
    used when the budget has them. ``risks`` and ``asks`` are French sentences (a single
    sentence may be given as a string). ``reserves_eur`` (euros) adds the reserves in
    months of charges; ``contract`` gives the missions' labels; ``notice`` is printed at
    the foot (e.g. the case study's fictional-data warning); ``title`` defaults to
    « Budget prévisionnel {year} ».

    Raises :class:`InputError` for an empty ``cpts``, a ``year`` that is not a year,
    hypotheses that are not a table, a risk or ask that is not text, or an invalid
    budget (see :func:`~cpts_training.budget.forecast.make_budget`).
    """
    table = ensure_budget(budget)
    if not isinstance(cpts, str) or not cpts.strip():
        raise InputError('Nommez la CPTS (paramètre cpts), par exemple cpts="CPTS de la Vallée".')
    civil = require_whole(year, "L'année du budget", minimum=1900, maximum=2200)
    if hypotheses is not None and not isinstance(hypotheses, pd.DataFrame):
        raise InputError(
            "Les hypothèses doivent être un tableau (DataFrame), par exemple "
            'pd.DataFrame({"hypothese": [...], "valeur": [...], "source": [...]}).'
        )
    if hypotheses is None and BASIS_COLUMN in table.columns:
        hypotheses = _basis_hypotheses(table)
    if MISSION_COLUMN in table.columns:
        missions: pd.DataFrame | None = by_mission(table, contract)
        note = ""
    else:
        missions, note = None, NO_MISSION_NOTE
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise InputError("Le titre doit être un texte non vide, ou None pour le titre par défaut.")
    return BudgetPresentation(
        title=title.strip() if title else f"Budget prévisionnel {civil}",
        cpts=cpts.strip(),
        year=civil,
        summary=budget_summary(table),
        by_nature=by_nature(table),
        by_mission=missions,
        mission_note=note,
        ratios=budget_ratios(table, reserves_eur, aci_accounts),
        hypotheses=hypotheses,
        risks=_sentences(risks, "risque"),
        asks=_sentences(asks, "demande au CA"),
        notice=(notice or "").strip(),
    )


def _render(**context: Any) -> str:
    page = _TEMPLATES.get_template(TEMPLATE).render(**context)
    return page.replace("&#39;", "'")  # no text goes into a single-quoted attribute


def _docx_table(document: Any, table: TextTable, right: Any) -> None:
    rows = [*table.rows, *([table.total] if table.total else [])]
    grid = document.add_table(rows=1 + len(rows), cols=len(table.headers))
    grid.style = "Table Grid"
    for j, header in enumerate(table.headers):
        cell = grid.cell(0, j)
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
    for i, row in enumerate(rows, start=1):
        for j, text in enumerate(row):
            cell = grid.cell(i, j)
            cell.text = text
            paragraph = cell.paragraphs[0]
            if j in table.numeric:
                paragraph.alignment = right
            if table.total is not None and i == len(rows) and paragraph.runs:
                paragraph.runs[0].bold = True
    for j in table.numeric:
        grid.cell(0, j).paragraphs[0].alignment = right


def _text_table(heading: str, frame: pd.DataFrame) -> TextTable:
    columns = [str(c) for c in frame.columns]
    units = {name: column.unit for name, column in declared_columns().items()}
    numeric = tuple(
        j
        for j, c in enumerate(frame.columns)
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    )
    for name in columns:  # a column the trainee named « montant (€) » is in euros
        if name not in units and name.rstrip().endswith("(€)"):
            units[name] = "€"
    rows = tuple(
        tuple(
            _cell(value, name, units.get(name, ""))
            for value, name in zip(row, columns, strict=True)
        )
        for row in frame.itertuples(index=False)
    )
    labels = [column_label(c) for c in columns]
    return TextTable(
        heading=heading,
        headers=tuple(label[:1].upper() + label[1:] for label in labels),
        rows=rows,
        numeric=numeric,
    )


def _cell(value: Any, column: str, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, numbers.Real):
        if unit == "€" or column.endswith("_eur"):
            return format_euros(float(value))
        if unit == "%" or column.startswith(("taux", "part")):
            return format_percent(float(value), 1)
        return format_decimal_fr(float(value), 2)
    return str(value)


def _basis_hypotheses(table: pd.DataFrame) -> pd.DataFrame | None:
    basis = table[BASIS_COLUMN].fillna("").astype(str).str.strip()
    chosen = table[basis != ""]
    if chosen.empty:
        return None
    return pd.DataFrame(
        {
            "libelle": chosen["libelle"].to_list(),
            "montant_eur": chosen["montant_eur"].astype(float).to_list(),
            "Base de calcul": basis[basis != ""].to_list(),
        }
    )


def _sentences(items: Sequence[str] | str, what: str) -> tuple[str, ...]:
    if isinstance(items, str):
        items = [items]
    out = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, str):
            raise InputError(
                f"Le {what} n° {position} vaut « {item} » : écrivez-le comme un texte entre "
                "guillemets."
            )
        if item.strip():
            out.append(item.strip())
    return tuple(out)


def _sum_accounts(table: pd.DataFrame, sens: str, prefixes: Sequence[str]) -> float:
    mask = (table["sens"] == sens) & table["compte"].astype(str).str.startswith(tuple(prefixes))
    return float(table.loc[mask, "montant_eur"].sum())


def _share(part: float, total: float) -> float:
    return part / total if total else math.nan


def _mission_id(value: Any, labels: dict[str, str]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return UNASSIGNED
    text = str(value).strip()
    if not text or text == UNASSIGNED:
        return UNASSIGNED
    if text not in labels:
        valid = ", ".join(k for k in labels if k != UNASSIGNED)
        raise InputError(
            f"Mission « {text} » inconnue dans la colonne « mission » du budget. Valeurs "
            f"possibles : {valid} (ou laissez vide pour « non affecté »)."
        )
    return text
