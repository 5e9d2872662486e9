"""The financial diagnosis of an association, from its trial balance, as a document.

:func:`accounts_report` gathers, for one financial year, what the finance model computes
(:mod:`~cpts_training.finance.statements`, :mod:`~cpts_training.finance.analysis`):
compte de résultat, bilan, CAF (additive method), bilan financier (FRI, FRE, FRNG, BFR,
trésorerie and the identity trésorerie = FRNG − BFR = disponibilités + VMP − concours
bancaires), ratios and their reading (:func:`~cpts_training.finance.analysis.
diagnosis_table`), as French tables (:class:`Section`: texts already formatted, euros the
French way). :func:`financial_diagnosis_docx` and :func:`financial_diagnosis_html` write
them with the diagnosis the trainee wrote in their own words; :func:`evolution_table`
sets several years side by side with the variation between consecutive years.

Every figure is the model's; the readings state facts, the diagnosis is the author's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment

from cpts_training.documents import a4_docx, require_target, save_docx
from cpts_training.errors import InputError
from cpts_training.finance.analysis import (
    THRESHOLD_PARAMETERS,
    Caf,
    FinancialBalance,
    caf,
    diagnosis_table,
    financial_balance,
    ratios,
)
from cpts_training.finance.statements import (
    BalanceSheet,
    IncomeStatement,
    balance_sheet,
    income_statement,
)
from cpts_training.finance.trial_balance import TOLERANCE_EUR
from cpts_training.formatting import (
    format_decimal_fr,
    format_euros,
    format_number_fr,
    format_percent,
)
from cpts_training.reference import load_parameter

SECTION_NAMES = {
    "exploitation": "Exploitation",
    "financier": "Financier",
    "exceptionnel": "Exceptionnel",
    "impot": "Impôt sur les sociétés",
}
"""French names of the sections of the compte de résultat."""

READING_NOTE = (
    "Les lectures énoncent des faits (le chiffre comparé à son seuil) ; elles ne sont pas "
    "un diagnostic. Les seuils suivis de « valeur indicative — à vérifier » ne sont pas "
    "confirmés par une source publique."
)


def euros(value: float) -> str:
    """Euros the French way, with cents only when there are some (``1 234,56 €``)."""
    number = float(value)
    if math.isnan(number):
        return "non calculable"
    cents = abs(round(number * 100)) % 100 != 0
    text = format_euros(number, 2 if cents else 0)
    return text.replace("-", "−", 1) if text.startswith("-") else text


def _signed_euros(value: float) -> str:
    text = euros(value)
    return f"+{text}" if round(float(value), 2) > 0 else text


@dataclass(frozen=True)
class Section:
    """One French table of the report: texts already formatted.

    ``numeric`` are the indexes of the right-aligned columns (amounts); ``total`` an
    optional bold last row; ``note`` a sentence printed under the table (may be empty).
    """

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()
    total: tuple[str, ...] | None = None
    note: str = ""


@dataclass(frozen=True)
class AccountsReport:
    """Everything the model computes on one trial balance (euros, fractions 0–1).

    ``ratios`` has the columns of :func:`~cpts_training.finance.analysis.ratios`,
    ``diagnosis`` those of :func:`~cpts_training.finance.analysis.diagnosis_table`
    (``signal``, ``indicateur``, ``valeur``, ``seuil``, ``lecture``).
    """

    year: int
    cpts_name: str
    income: IncomeStatement
    sheet: BalanceSheet
    caf: Caf
    balance: FinancialBalance
    ratios: pd.DataFrame
    diagnosis: pd.DataFrame

    @property
    def title(self) -> str:
        """« Diagnostic financier {year} », followed by « — {cpts_name} » when named."""
        name = f" — {self.cpts_name}" if self.cpts_name else ""
        return f"Diagnostic financier {self.year}{name}"

    @property
    def cash_by_accounts_eur(self) -> float:
        """Disponibilités + VMP − concours bancaires courants (euros), read on the bilan."""
        b = self.balance
        return b.disponibilites_eur + b.vmp_eur - b.concours_bancaires_eur

    @property
    def identity_holds(self) -> bool:
        """True when FRNG − BFR equals disponibilités + VMP − concours bancaires (±½ cent)."""
        return abs(self.balance.tresorerie_eur - self.cash_by_accounts_eur) <= TOLERANCE_EUR

    def identity_text(self) -> str:
        """The check trésorerie = FRNG − BFR against the bank accounts, in French; no
        amount in parentheses (« 48 240 € − 3 300 € », « 57 089 € + 18 200 € » when the
        BFR is −18 200 €)."""
        b = self.balance
        vmp = f" + VMP {euros(b.vmp_eur)}" if abs(b.vmp_eur) > TOLERANCE_EUR else ""
        verdict = "égalité vérifiée" if self.identity_holds else "ÉCART : vérifiez la balance"
        # No parentheses around an amount: in accounting they read as a negative number.
        # Subtracting a negative BFR is written as adding its opposite.
        minus_bfr = f"+ {euros(-b.bfr_eur)}" if b.bfr_eur < 0 else f"− {euros(b.bfr_eur)}"
        return (
            f"Contrôle : trésorerie = FRNG − BFR = {euros(b.frng_eur)} {minus_bfr} "
            f"= {euros(b.tresorerie_eur)} ; disponibilités {euros(b.disponibilites_eur)}{vmp} "
            f"− concours bancaires {euros(b.concours_bancaires_eur)} = "
            f"{euros(self.cash_by_accounts_eur)} : {verdict}."
        )

    # ------------------------------------------------------------------------------
    # French tables
    # ------------------------------------------------------------------------------

    def key_figures_section(self) -> Section:
        """The key figures of the year: résultat, CAF, taux de CAF, FRNG, BFR, trésorerie
        (in euros and in days of charges)."""
        days = self.ratios.set_index("code")["valeur"]
        b = self.balance
        rows = (
            ("Résultat de l'exercice", euros(self.income.resultat_eur)),
            ("Capacité d'autofinancement (CAF)", euros(self.caf.caf_eur)),
            ("Taux de CAF (CAF / produits)", format_value(self.caf.taux_caf, "taux")),
            ("Fonds de roulement net global (FRNG)", euros(b.frng_eur)),
            ("Besoin en fonds de roulement (BFR)", euros(b.bfr_eur)),
            ("Trésorerie (FRNG − BFR)", euros(b.tresorerie_eur)),
            (
                "Trésorerie en jours de charges courantes",
                format_value(float(days["tresorerie_jours"]), "jours"),
            ),
        )
        return Section(f"Chiffres clés {self.year}", ("Indicateur", "Valeur"), rows, (1,))

    def income_section(self) -> Section:
        """Compte de résultat by section and rubric: charges, produits."""
        table = self.income.table
        rows = tuple(
            (SECTION_NAMES.get(str(s), str(s)), str(p), str(r), euros(c), euros(q))
            for s, p, r, c, q in table[
                ["section", "prefixe", "rubrique", "charges_eur", "produits_eur"]
            ].itertuples(index=False, name=None)
        )
        return Section(
            f"Compte de résultat {self.year}",
            ("Section", "Compte", "Rubrique", "Charges", "Produits"),
            rows,
            numeric=(3, 4),
            total=(
                "Total",
                "",
                "",
                euros(self.income.total_charges_eur),
                euros(self.income.total_produits_eur),
            ),
        )

    def result_section(self) -> Section:
        """Résultat (produits − charges) of each section and of the year."""
        nature = "excédent" if self.income.is_surplus else "déficit"
        return Section(
            "Résultat par section (produits − charges)",
            ("Section", "Résultat"),
            tuple(
                (SECTION_NAMES.get(s, s), euros(v))
                for s, v in self.income.resultat_par_section.items()
            ),
            numeric=(1,),
            total=(f"Résultat de l'exercice ({nature})", euros(self.income.resultat_eur)),
        )

    def _sheet_side(self, side: str) -> Section:
        frame = self.sheet.actif if side == "actif" else self.sheet.passif
        total = self.sheet.total_actif_eur if side == "actif" else self.sheet.total_passif_eur
        return Section(
            f"Bilan au 31/12/{self.year} — {side}",
            ("Poste", "Comptes", "Montant"),
            tuple(
                (str(p), str(c), euros(m))
                for p, c, m in frame[["poste", "comptes", "montant_eur"]].itertuples(
                    index=False, name=None
                )
            ),
            numeric=(2,),
            total=("Total de l'actif" if side == "actif" else "Total du passif", "", euros(total)),
        )

    def assets_section(self) -> Section:
        """Bilan, actif (amortissements as negative lines)."""
        return self._sheet_side("actif")

    def liabilities_section(self) -> Section:
        """Bilan, passif (résultat de l'exercice last)."""
        return self._sheet_side("passif")

    def caf_section(self) -> Section:
        """The CAF by the additive method, term by term."""
        frame = self.caf.to_frame()
        body = frame.iloc[:-1]
        last = frame.iloc[-1]
        taux = (
            "non calculable (aucun produit)"
            if math.isnan(self.caf.taux_caf)
            else format_percent(self.caf.taux_caf, 1)
        )
        return Section(
            f"Capacité d'autofinancement {self.year} (méthode additive)",
            ("Terme", "Comptes", "Signe", "Montant"),
            tuple(
                (str(t), str(c), str(s), euros(m))
                for t, c, s, m in body.itertuples(index=False, name=None)
            ),
            numeric=(3,),
            total=(str(last["terme"]), "", "=", euros(float(last["montant_eur"]))),
            note=(
                f"Taux de CAF = CAF / total des produits = {euros(self.caf.caf_eur)} / "
                f"{euros(self.caf.total_produits_eur)} = {taux}."
            ),
        )

    def balance_section(self) -> Section:
        """Bilan financier: FRI, FRE, FRNG, BFR, trésorerie, and the identity check."""
        frame = self.balance.to_frame()
        return Section(
            f"Bilan financier au 31/12/{self.year}",
            ("Masse", "Montant", "Formule (comptes)"),
            tuple(
                (str(m), euros(v), str(f))
                for m, v, f in frame[["masse", "montant_eur", "formule"]].itertuples(
                    index=False, name=None
                )
            ),
            numeric=(1,),
            note=self.identity_text(),
        )

    def ratios_section(self) -> Section:
        """The ratios with their formula and source."""
        return Section(
            f"Ratios {self.year}",
            ("Ratio", "Valeur", "Formule", "Source"),
            tuple(
                (str(n), format_value(float(v), str(u)), str(f), str(s))
                for n, v, u, f, s in self.ratios[
                    ["ratio", "valeur", "unite", "formule", "source"]
                ].itertuples(index=False, name=None)
            ),
            numeric=(1,),
        )

    def diagnosis_section(self) -> Section:
        """The reading of each ratio against its threshold (facts, not a diagnosis)."""
        return Section(
            f"Lecture des ratios {self.year}",
            ("Signal", "Indicateur", "Valeur", "Seuil", "Lecture"),
            tuple(
                tuple(str(cell) for cell in row)
                for row in self.diagnosis[
                    ["signal", "indicateur", "valeur", "seuil", "lecture"]
                ].itertuples(index=False, name=None)
            ),
            numeric=(2,),
            note=READING_NOTE,
        )

    def sections(self) -> tuple[Section, ...]:
        """Every table, in the order of the document."""
        return (
            self.key_figures_section(),
            self.income_section(),
            self.result_section(),
            self.assets_section(),
            self.liabilities_section(),
            self.caf_section(),
            self.balance_section(),
            self.ratios_section(),
            self.diagnosis_section(),
        )


RATIO_GLOSSARY: dict[str, str] = {
    "independance_financiere": (
        "Indépendance financière : part des emprunts dans les financements stables des "
        "investissements ; plus elle est haute, plus les investissements reposent sur la "
        "dette."
    ),
    "duree_apparente_dette": (
        "Durée apparente de la dette : nombre d'années de CAF qu'il faudrait pour "
        "rembourser tous les emprunts si toute la CAF y était consacrée."
    ),
    "taux_vetuste": (
        "Taux de vétusté : part de la valeur d'achat des immobilisations corporelles déjà "
        "amortie ; proche de 100 %, les équipements sont presque entièrement amortis."
    ),
}
"""Ratio code → one French sentence explaining a less common ratio (the « Lexique »
under the reading of the ratios)."""


def ratio_sources(ratios_table: pd.DataFrame) -> list[tuple[str, str, str]]:
    """The public source of each ratio of ``ratios_table`` (from
    :func:`~cpts_training.finance.analysis.ratios`: columns ``code``, ``ratio``,
    ``source``) and of its threshold, in the order of the table.

    Returns ``(ratio, source of the formula, source of the threshold)`` in French; the
    threshold's source is the reference of its dated parameter
    (:data:`~cpts_training.finance.analysis.THRESHOLD_PARAMETERS`), « lecture du signe »
    for the CAF and the FRNG, « aucun seuil » for the BFR.

    Raises:
        InputError: a column ``code``, ``ratio`` or ``source`` is missing.
    """
    missing = [c for c in ("code", "ratio", "source") if c not in ratios_table.columns]
    if missing:
        raise InputError(
            f"Tableau des ratios : colonne(s) manquante(s) {', '.join(missing)}. Passez le "
            "tableau rendu par ratios(balance, exercice)."
        )
    out = []
    for code, name, source in ratios_table[["code", "ratio", "source"]].itertuples(
        index=False, name=None
    ):
        parameter = THRESHOLD_PARAMETERS.get(str(code))
        if parameter is not None:
            loaded = load_parameter(parameter)
            threshold = " ; ".join(r.label for r in loaded.metadata.reference)
            if not loaded.verified:
                threshold += " — seuil : valeur indicative — à vérifier"
        elif code in ("taux_caf", "frng_jours"):
            threshold = "lecture du signe (positif ou négatif), sans seuil chiffré"
        else:
            threshold = "aucun seuil"
        out.append((str(name), str(source), threshold))
    return out


def accounts_report(tb: pd.DataFrame, year: int, *, cpts_name: str = "") -> AccountsReport:
    """Compute the statements, the CAF, the bilan financier, the ratios and their reading
    of the trial balance ``tb`` (columns ``compte``, ``libelle``, ``debit``, ``credit``;
    euros) for the financial year ``year``.

    The thresholds of the reading are those in force on 31 December of ``year``.

    Raises:
        InputError: invalid balance (French message naming the account and the fix, see
            :func:`~cpts_training.finance.trial_balance.require_trial_balance`), or a
            year before the first value of the thresholds (2020).
    """
    table = ratios(tb, year)
    return AccountsReport(
        year=int(year),
        cpts_name=str(cpts_name or "").strip(),
        income=income_statement(tb, year),
        sheet=balance_sheet(tb, year),
        caf=caf(tb, year),
        balance=financial_balance(tb, year),
        ratios=table,
        diagnosis=diagnosis_table(table, f"{int(year)}-12-31"),
    )


def format_value(value: float, unit: str) -> str:
    """A value in its unit, the French way: ``euros`` (``1 234 €``), ``taux`` (a fraction,
    ``12,3 %``), ``années`` or ``jours`` (one decimal). NaN gives « non calculable »."""
    if math.isnan(value):
        return "non calculable"
    if unit == "euros":
        return euros(value)
    if unit == "taux":
        return format_percent(value, 1).replace("-", "−", 1)
    return f"{format_decimal_fr(round(value, 1), 1)} {unit}".replace("-", "−", 1)


def format_variation(value: float, unit: str) -> str:
    """A variation between two years: euros signed, ``taux`` in percentage points
    (``+1,2 pt``), ``années``/``jours`` signed with one decimal."""
    if math.isnan(value):
        return "non calculable"
    if unit == "euros":
        return _signed_euros(value)
    scaled = value * 100 if unit == "taux" else value
    text = format_number_fr(abs(scaled), 1)  # rounded half up, as every French figure
    suffix = "pt" if unit == "taux" else unit
    if text == format_number_fr(0.0, 1):
        return f"0 {suffix}"
    return f"{'+' if scaled > 0 else '−'}{text} {suffix}"


# --------------------------------------------------------------------------------------
# The trainee's diagnosis as a document
# --------------------------------------------------------------------------------------


def _require_text(diagnosis_text: Any) -> list[str]:
    if not isinstance(diagnosis_text, str) or not diagnosis_text.strip():
        raise InputError(
            "Votre diagnostic est vide : écrivez-le avec vos mots dans le champ « Votre "
            "diagnostic » (quelques phrases : la situation, ce qui l'explique, ce que vous "
            "proposez), puis exportez à nouveau. Aucun fichier n'a été écrit."
        )
    return [line.strip() for line in diagnosis_text.split("\n") if line.strip()]


_ENVIRONMENT = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_PAGE = _ENVIRONMENT.from_string(
    """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8" />
<title>{{ title }}</title>
<style>
body { font-family: Calibri, Arial, sans-serif; max-width: 60em; margin: 2em auto; }
table { border-collapse: collapse; margin: 0.5em 0 1em 0; }
th, td { border: 1px solid #999; padding: 0.2em 0.5em; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 2px solid #555; }
p.note { font-style: italic; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="note">{{ origin }}</p>
<h2>Diagnostic</h2>
{% for paragraph in text %}
<p>{{ paragraph }}</p>
{% endfor %}
{% for section in sections %}
<h2>{{ section.title }}</h2>
<table>
<thead><tr>{% for h in section.headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in section.rows %}
<tr>{% for cell in row %}<td{% if loop.index0 in section.numeric %} class="num"{% endif %}>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}
{% if section.total %}
<tr class="total">{% for cell in section.total %}<td{% if loop.index0 in section.numeric %} class="num"{% endif %}>{{ cell }}</td>{% endfor %}</tr>
{% endif %}
</tbody>
</table>
{% if section.note %}<p class="note">{{ section.note }}</p>{% endif %}
{% endfor %}
</body>
</html>
"""  # noqa: E501
)


def _origin(report: AccountsReport) -> str:
    return (
        f"Établi à partir de la balance générale de l'exercice {report.year} (montants en "
        "euros). Les tableaux sont calculés par la formation ; le diagnostic est celui de "
        "son auteur."
    )


def financial_diagnosis_html(
    tb: pd.DataFrame, year: int, diagnosis_text: str, *, cpts_name: str = ""
) -> str:
    """A complete French HTML page (UTF-8): the trainee's diagnosis, then every table of
    :meth:`AccountsReport.sections` (compte de résultat, bilan, CAF, bilan financier with
    the identity check, ratios, reading). Every text is escaped (Jinja2 autoescape).

    Raises:
        InputError: empty ``diagnosis_text``, or an invalid balance (French).
    """
    text = _require_text(diagnosis_text)
    report = accounts_report(tb, year, cpts_name=cpts_name)
    page = _PAGE.render(
        title=report.title, origin=_origin(report), text=text, sections=report.sections()
    )
    return page.replace("&#39;", "'")  # no text goes into a single-quoted attribute


def save_financial_diagnosis_html(
    tb: pd.DataFrame,
    year: int,
    diagnosis_text: str,
    path: Path | str,
    *,
    cpts_name: str = "",
    overwrite: bool = False,
) -> Path:
    """Write :func:`financial_diagnosis_html` to ``path`` (``.html``) and return it.

    Raises:
        InputError: empty text, invalid balance, wrong extension, missing folder, or the
            file exists and ``overwrite`` is false (nothing written; French messages).
    """
    _require_text(diagnosis_text)
    target = require_target(path, ".html", overwrite)
    page = financial_diagnosis_html(tb, year, diagnosis_text, cpts_name=cpts_name)
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as error:
        raise InputError(
            f"Impossible d'écrire « {target} » ({error}). Vérifiez les droits du dossier, "
            "puis réessayez."
        ) from None
    return target


def _docx_table(document: Any, section: Section) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    rows: list[tuple[str, ...]] = list(section.rows)
    if section.total is not None:
        rows.append(section.total)
    grid = document.add_table(rows=1 + len(rows), cols=len(section.headers))
    grid.style = "Table Grid"
    for j, header in enumerate(section.headers):
        cell = grid.cell(0, j)
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
    for i, row in enumerate(rows, start=1):
        bold = section.total is not None and i == len(rows)
        for j, text in enumerate(row):
            cell = grid.cell(i, j)
            cell.text = text
            if j in section.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if bold and cell.paragraphs[0].runs:
                cell.paragraphs[0].runs[0].bold = True


def financial_diagnosis_docx(
    tb: pd.DataFrame,
    year: int,
    diagnosis_text: str,
    path: Path | str,
    *,
    cpts_name: str = "",
    overwrite: bool = False,
) -> Path:
    """Write the financial diagnosis as a Word document (A4) at ``path`` and return it.

    Content: the title (« Diagnostic financier {year} — {cpts_name} »), the trainee's
    diagnosis (one paragraph per line of ``diagnosis_text``), then the tables of
    :meth:`AccountsReport.sections` in French (euros as ``1 234 €``): compte de résultat
    and résultat par section, bilan actif and passif, CAF (additive method) with the
    taux de CAF, bilan financier with the check trésorerie = FRNG − BFR against the
    bank accounts, ratios, and their reading against the thresholds.

    Raises:
        InputError: empty ``diagnosis_text`` (checked first: no file written), invalid
            balance, a name not ending in ``.docx``, a missing folder, or the file exists
            and ``overwrite`` is false (French messages).
    """
    text = _require_text(diagnosis_text)
    target = require_target(path, ".docx", overwrite)
    report = accounts_report(tb, year, cpts_name=cpts_name)
    document = a4_docx(report.title, margin_cm=1.6, font_pt=9.5, title_pt=16)
    document.add_heading(report.title, level=0)
    document.add_paragraph(_origin(report)).runs[0].italic = True
    document.add_heading("Diagnostic", level=1)
    for paragraph in text:
        document.add_paragraph(paragraph)
    for section in report.sections():
        document.add_heading(section.title, level=2)
        _docx_table(document, section)
        if section.note:
            document.add_paragraph(section.note).runs[0].italic = True
    return save_docx(document, target)


# --------------------------------------------------------------------------------------
# Several years side by side
# --------------------------------------------------------------------------------------

EVOLUTION_INDICATORS: tuple[tuple[str, str, str], ...] = (
    ("resultat", "Résultat de l'exercice", "euros"),
    ("caf", "Capacité d'autofinancement (CAF)", "euros"),
    ("taux_caf", "Taux de CAF", "taux"),
    ("frng", "Fonds de roulement net global (FRNG)", "euros"),
    ("bfr", "Besoin en fonds de roulement (BFR)", "euros"),
    ("tresorerie", "Trésorerie", "euros"),
    ("frng_jours", "FRNG en jours de charges", "jours"),
    ("bfr_jours", "BFR en jours de charges", "jours"),
    ("tresorerie_jours", "Trésorerie en jours de charges", "jours"),
    ("independance_financiere", "Indépendance financière", "taux"),
    ("duree_apparente_dette", "Durée apparente de la dette", "années"),
    ("taux_vetuste", "Taux de vétusté des immobilisations corporelles", "taux"),
)
"""Rows of :func:`evolution_table`: code, French name, unit."""


def variation_column(before: int, after: int) -> str:
    """Name of the column of :func:`evolution_table` holding ``after`` − ``before``."""
    return f"variation_{before}_{after}"


def evolution_table(balances: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """Key figures of several financial years side by side.

    ``balances`` maps a financial year to its trial balance. One row per indicator of
    :data:`EVOLUTION_INDICATORS`, columns ``code``, ``indicateur``, ``unite``
    (``euros``, ``taux`` = fraction 0–1, ``jours``, ``années``), one column per year
    (int name, years in increasing order; NaN when not computable) and, for each pair of
    consecutive years, :func:`variation_column` = value of the later year − value of the
    earlier one (a rate's variation is a difference of fractions: 0,012 = 1,2 point).

    Raises:
        InputError: no year given, a year missing between the first and the last, or an
            invalid balance (French message naming the year, the account and the fix).
    """
    if not balances:
        raise InputError(
            "Aucune balance générale : donnez au moins un exercice, par exemple "
            "{2025: balance_2025}."
        )
    years = sorted(int(y) for y in balances)
    gaps = [y for y in range(years[0], years[-1] + 1) if y not in years]
    if gaps:
        raise InputError(
            f"Il manque l'exercice {gaps[0]} entre {years[0]} et {years[-1]} : ajoutez sa "
            "balance générale, ou retirez les exercices qui l'encadrent (les variations se "
            "lisent d'un exercice au suivant)."
        )
    values: dict[int, dict[str, float]] = {}
    for year in years:
        tb = balances[year]
        try:
            autofinancement = caf(tb, year)
            balance = financial_balance(tb, year)
            table = ratios(tb, year).set_index("code")["valeur"]
        except InputError as error:
            raise InputError(f"Exercice {year} : {error}") from None
        figures = {
            "resultat": autofinancement.resultat_eur,
            "caf": autofinancement.caf_eur,
            "taux_caf": autofinancement.taux_caf,
            "frng": balance.frng_eur,
            "bfr": balance.bfr_eur,
            "tresorerie": balance.tresorerie_eur,
        }
        for code, _, _ in EVOLUTION_INDICATORS:
            if code not in figures:
                figures[code] = float(table[code])
        values[year] = figures
    rows = []
    for code, name, unit in EVOLUTION_INDICATORS:
        row: dict[Any, Any] = {"code": code, "indicateur": name, "unite": unit}
        for year in years:
            row[year] = values[year][code]
        for before, after in zip(years, years[1:], strict=False):
            row[variation_column(before, after)] = values[after][code] - values[before][code]
        rows.append(row)
    return pd.DataFrame(rows)


def evolution_section(table: pd.DataFrame) -> Section:
    """:func:`evolution_table` as a French table: one column per year, then « Variation
    {a} → {b} » for each pair of consecutive years."""
    years: list[int] = [int(c) for c in table.columns if isinstance(c, int)]
    pairs = list(zip(years, years[1:], strict=False))
    headers = (
        "Indicateur",
        *(str(y) for y in years),
        *(f"Variation {a} → {b}" for a, b in pairs),
    )
    rows = []
    for record in table.to_dict("records"):
        unit = str(record["unite"])
        cells = [str(record["indicateur"])]
        cells += [format_value(float(record[y]), unit) for y in years]
        cells += [format_variation(float(record[variation_column(a, b)]), unit) for a, b in pairs]
        rows.append(tuple(cells))
    return Section(
        "Évolution des résultats financiers",
        headers,
        tuple(rows),
        numeric=tuple(range(1, len(headers))),
        note=(
            "Variation = valeur de l'exercice − valeur de l'exercice précédent ; pour un "
            "taux, en points (pt). Jours de charges : montant × 365 / charges courantes "
            "décaissables (comptes 60 à 65)."
        ),
    )
