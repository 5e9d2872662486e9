"""« Ma CPTS »: the trainee's own trial balance read, analysed and written up.

The trainee uploads the balance générale their accounting software exported (CSV or
XLSX: compte, libellé, débit, crédit), chooses the financial year, and sees the compte de
résultat, the bilan, the CAF, the bilan financier (with the check trésorerie = FRNG − BFR
against the bank accounts), the ratios and their reading. They then write their own
diagnosis and export it with the tables as a Word document (and a web page) in the
notebook's folder. Every check and figure is the model's
(:mod:`cpts_training.finance.trial_balance`, :mod:`cpts_training.finance.report`); the
form shows what it returns, in French.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from cpts_training.errors import CPTSError, InputError
from cpts_training.finance.report import (
    AccountsReport,
    Section,
    accounts_report,
    euros,
    financial_diagnosis_docx,
    save_financial_diagnosis_html,
)
from cpts_training.finance.trial_balance import read_uploaded_trial_balance
from cpts_training.formatting import format_number_fr
from cpts_training.html_blocks import heading, html_table, message_box, scroll_box
from cpts_training.html_blocks import strong as html_strong
from cpts_training.widgets.fields import export_controls

EXAMPLE_FILE = (
    Path(__file__).resolve().parents[2] / "data" / "finance" / ("exemple_balance_generale.csv")
)
"""A small fictional export (« ; », decimal comma, « N° compte », « Intitulé », « Solde
débiteur », « Solde créditeur », a total line), financial year :data:`EXAMPLE_YEAR`."""

EXAMPLE_YEAR = 2025

FIRST_YEAR = 2020
"""Earliest financial year offered: the first year of the reading thresholds
(``data/parametres/finance/seuil_*.yaml``, from 1 January 2020)."""

NOTE = (
    "Exportez la balance générale de clôture depuis votre logiciel comptable (ou demandez-la "
    "à votre expert-comptable) au format CSV ou Excel : une ligne par compte avec le numéro "
    "de compte, le libellé, le débit et le crédit (ou le solde débiteur et le solde "
    "créditeur). Le fichier reste sur ce serveur de formation ; les documents exportés sont "
    "écrits dans le dossier de ce carnet."
)


def _year_options(today: dt.date | None = None) -> list[int]:
    """Financial years offered, most recent first: last year back to :data:`FIRST_YEAR`."""
    last = (today or dt.date.today()).year
    return list(range(last, FIRST_YEAR - 1, -1))


def _section_html(section: Section) -> str:
    parts = [
        heading(section.title, 4),
        scroll_box(
            html_table(
                list(section.headers),
                [list(row) for row in section.rows],
                numeric=list(section.numeric),
                total=list(section.total) if section.total is not None else None,
            )
        ),
    ]
    if section.note:
        parts.append(message_box(section.note, "info"))
    return "".join(parts)


def _uploaded(value: Any) -> tuple[str, bytes] | None:
    """(name, content) of the file of a FileUpload value (ipywidgets 8: a tuple of dicts
    with ``name`` and ``content``; ipywidgets 7: a dict by name), or ``None``."""
    if not value:
        return None
    if isinstance(value, dict):
        value = list(value.values())
        if value and isinstance(value[0], dict) and "name" not in value[0]:
            return None
    item = value[0]
    name = str(item.get("name") or item.get("metadata", {}).get("name", ""))
    content = item.get("content", b"")
    return name, bytes(content)


class MyAccounts(widgets.VBox):
    """The « Ma CPTS » form: upload one's trial balance, read the statements and ratios,
    write and export one's diagnosis.

    Controls (attributes): ``upload`` (FileUpload, .csv/.xlsx), ``year`` (Dropdown of
    financial years), ``example_button`` (« Utiliser l'exemple »), ``cpts_name``,
    ``status``, ``results`` (Tab: chiffres clés, compte de résultat, bilan, CAF, bilan
    financier, ratios et lecture), ``diagnosis_text`` (Textarea « Votre diagnostic (vos mots) »),
    ``file_name``, ``overwrite`` (« Remplacer le fichier s'il existe »),
    ``export_button`` (Word), ``html_button`` (page web), ``export_status``.

    ``folder`` is where the exports are written (default: the notebook's folder).
    """

    def __init__(self, folder: Path | str = ".") -> None:
        self.folder = Path(folder)
        self._source: tuple[str, bytes] | None = None
        self._report: AccountsReport | None = None
        self._tb: pd.DataFrame | None = None

        self.upload = widgets.FileUpload(
            accept=".csv,.xlsx,.xlsm",
            multiple=False,
            description="Choisir ma balance",
            layout=widgets.Layout(width="16em"),
        )
        self.year = widgets.Dropdown(
            options=_year_options(),
            value=dt.date.today().year - 1,
            description="Exercice",
            layout=widgets.Layout(width="14em"),
        )
        self.example_button = widgets.Button(
            description="Utiliser l'exemple", icon="file", layout=widgets.Layout(width="14em")
        )
        self.cpts_name = widgets.Text(
            placeholder="ex. CPTS du Pays de Lunel",
            description="Nom de la CPTS",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="30em"),
        )
        self.status = widgets.HTML(
            message_box(
                "Choisissez le fichier de votre balance générale et l'exercice, ou cliquez sur "
                "« Utiliser l'exemple ».",
                "info",
            )
        )
        self.key_view = widgets.HTML()
        self.income_view = widgets.HTML()
        self.sheet_view = widgets.HTML()
        self.caf_view = widgets.HTML()
        self.balance_view = widgets.HTML()
        self.ratios_view = widgets.HTML()
        self.results = widgets.Tab(
            children=[
                self.key_view,
                self.income_view,
                self.sheet_view,
                self.caf_view,
                self.balance_view,
                self.ratios_view,
            ],
            titles=(
                "Chiffres clés",
                "Compte de résultat",
                "Bilan",
                "CAF",
                "Bilan financier",
                "Ratios et lecture",
            ),
            layout=widgets.Layout(display="none"),
        )
        self.diagnosis_text = widgets.Textarea(
            placeholder=(
                "Votre lecture de la situation financière de votre CPTS : ce que disent le "
                "résultat, la CAF, le fonds de roulement et la trésorerie, ce qui l'explique, "
                "ce que vous proposez au bureau."
            ),
            layout=widgets.Layout(width="44em", height="10em"),
        )
        self.file_name, self.overwrite, self.export_button, self.export_status = export_controls(
            "diagnostic_financier", "Exporter le diagnostic (Word)", "20em"
        )
        self.html_button = widgets.Button(
            description="Exporter en page web (HTML)",
            icon="download",
            layout=widgets.Layout(width="20em"),
        )

        self.upload.observe(self._on_upload, names="value")
        self.year.observe(self._on_year, names="value")
        self.example_button.on_click(self._on_example)
        self.export_button.on_click(self._on_export)
        self.html_button.on_click(self._on_html)

        self.diagnosis_box = widgets.VBox(
            [
                widgets.HTML(html_strong("Votre diagnostic (vos mots)")),
                self.diagnosis_text,
                widgets.HBox([self.file_name, self.overwrite]),
                widgets.HBox([self.export_button, self.html_button]),
                self.export_status,
            ],
            layout=widgets.Layout(display="none"),
        )
        super().__init__(
            [
                widgets.HTML(message_box(NOTE, "info")),
                self.cpts_name,
                widgets.HBox([self.upload, self.year, self.example_button]),
                self.status,
                self.results,
                self.diagnosis_box,
            ]
        )

    # ----------------------------------------------------------------------------------
    # State
    # ----------------------------------------------------------------------------------

    @property
    def report(self) -> AccountsReport | None:
        """The analysis of the balance last read (``None`` before, or after an error)."""
        return self._report

    @property
    def trial_balance(self) -> pd.DataFrame | None:
        """The validated trial balance last read (``None`` before, or after an error)."""
        return self._tb

    # ----------------------------------------------------------------------------------
    # Actions
    # ----------------------------------------------------------------------------------

    def analyse(self) -> AccountsReport | None:
        """Read the file chosen for the year chosen and show the tables; on an error,
        show it in French (naming the line, the account and the fix) and return ``None``."""
        if self._source is None:
            self.status.value = message_box(
                "Aucun fichier choisi : cliquez sur « Choisir ma balance » ou sur « Utiliser "
                "l'exemple ».",
                "warning",
            )
            return None
        name, content = self._source
        year = int(self.year.value)
        try:
            tb = read_uploaded_trial_balance(name, content, year)
            report = accounts_report(tb, year, cpts_name=self.cpts_name.value)
        except CPTSError as error:
            self._tb, self._report = None, None
            self.results.layout.display = "none"
            self.diagnosis_box.layout.display = "none"
            self.status.value = message_box(
                f"Balance refusée (exercice choisi : {year}). {error}\nCorrigez le fichier "
                "dans votre tableur (ou l'export du logiciel), ou l'exercice, puis "
                "choisissez à nouveau le fichier.",
                "error",
            )
            return None
        self._tb, self._report = tb, report
        self._show(report, name, len(tb))
        return report

    def use_example(self) -> AccountsReport | None:
        """Load the example export (what « Utiliser l'exemple » does) and analyse it."""
        self._source = (EXAMPLE_FILE.name, EXAMPLE_FILE.read_bytes())
        if self.year.value != EXAMPLE_YEAR:
            self.year.unobserve(self._on_year, names="value")
            try:
                self.year.value = EXAMPLE_YEAR
            finally:
                self.year.observe(self._on_year, names="value")
        return self.analyse()

    def export(self) -> Path | None:
        """Write the Word document (what the export button does); return its path, or
        ``None`` after showing the French reason."""
        return self._write(".docx")

    def export_html(self) -> Path | None:
        """Write the web page (what « Exporter en page web » does)."""
        return self._write(".html")

    # ----------------------------------------------------------------------------------
    # Internals
    # ----------------------------------------------------------------------------------

    def _write(self, suffix: str) -> Path | None:
        try:
            if self._tb is None or self._report is None:
                raise InputError(
                    "Aucune balance analysée : choisissez d'abord votre fichier (ou « Utiliser "
                    "l'exemple »)."
                )
            stem = self.file_name.value.strip()
            if not stem or "/" in stem or "\\" in stem:
                raise InputError(
                    f"Nom de fichier « {stem} » invalide : donnez un nom sans dossier ni "
                    "extension, par exemple « diagnostic_financier »."
                )
            if stem.lower().endswith((".docx", ".html")):
                stem = stem.rsplit(".", 1)[0]
            writer = (
                financial_diagnosis_docx if suffix == ".docx" else (save_financial_diagnosis_html)
            )
            path = writer(
                self._tb,
                self._report.year,
                self.diagnosis_text.value,
                self.folder / f"{stem}{suffix}",
                cpts_name=self.cpts_name.value,
                overwrite=bool(self.overwrite.value),
            )
        except CPTSError as error:
            self.export_status.value = message_box(f"Export impossible. {error}", "error")
            return None
        kind = "Document Word enregistré" if suffix == ".docx" else "Page web enregistrée"
        self.export_status.value = message_box(
            f"{kind} : {path.resolve()}. Pour le récupérer : dans le panneau des "
            f"fichiers, à gauche, clic droit sur « {path.name} » › Télécharger.",
            "ok",
        )
        return path

    def _show(self, report: AccountsReport, name: str, count: int) -> None:
        income = report.income
        nature = "excédent" if income.is_surplus else "déficit"
        self.status.value = message_box(
            f"Balance {name} lue : {format_number_fr(count)} comptes, exercice {report.year}, "
            f"équilibrée. Résultat {euros(income.resultat_eur)} ({nature}).",
            "ok",
        )
        self.key_view.value = _section_html(report.key_figures_section())
        self.income_view.value = _section_html(report.income_section()) + _section_html(
            report.result_section()
        )
        self.sheet_view.value = _section_html(report.assets_section()) + _section_html(
            report.liabilities_section()
        )
        self.caf_view.value = _section_html(report.caf_section())
        tone = "ok" if report.identity_holds else "error"
        section = report.balance_section()
        self.balance_view.value = (
            heading(section.title, 4)
            + scroll_box(
                html_table(list(section.headers), [list(r) for r in section.rows], numeric=[1])
            )
            + message_box(section.note, tone)
        )
        self.ratios_view.value = _section_html(report.ratios_section()) + _section_html(
            report.diagnosis_section()
        )
        self.results.layout.display = ""
        self.diagnosis_box.layout.display = ""

    def _on_upload(self, change: dict[str, Any]) -> None:
        uploaded = _uploaded(change.get("new"))
        if uploaded is None:
            return
        self._source = uploaded
        self.analyse()

    def _on_year(self, _: object) -> None:
        if self._source is not None:
            self.analyse()

    def _on_example(self, _: object) -> None:
        self.use_example()

    def _on_export(self, _: object) -> None:
        self.export()

    def _on_html(self, _: object) -> None:
        self.export_html()
