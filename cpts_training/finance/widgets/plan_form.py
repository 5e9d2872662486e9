"""The 5-year plan pluriannuel de financement of a CPTS, hypotheses moved year by year.

Référentiel: B5.C10 (besoins financiers à court et moyen terme), B5.C12 (stratégie
pluriannuelle de financement), B5.C17 (adéquation des ressources et des moyens).
"""

from __future__ import annotations

import dataclasses
import math
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from cpts_training.errors import CPTSError, InputError
from cpts_training.figures import figure_png
from cpts_training.finance.plan import (
    ALLOCATIONS,
    RESERVES_PARAMETER,
    Investment,
    PlanHypotheses,
    export_plan_xlsx,
    plan_signals,
    plan_table,
    plan_trajectory,
    plot_plan,
)
from cpts_training.formatting import (
    NumberFormatError,
    format_decimal_fr,
    format_euros,
    format_number_fr,
)
from cpts_training.html_blocks import heading, html_table, message_box, scroll_box
from cpts_training.reference import learner_label, load_parameter
from cpts_training.widgets.fields import FrenchNumberText, export_controls, saved_text

MAX_INVESTMENTS = 3
"""Investment rows of the form."""

NOTICE = (
    "Cas fictif : la « CPTS de la Vallée de l'Aubrenne » et tous ses chiffres sont "
    "inventés pour la formation."
)

YEARLY_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("etp", "ETP salariés au total", ""),
    ("indemnities_eur", "Indemnités des professionnels (€)", "€"),
    ("other_charges_eur", "Autres charges (€)", "€"),
    ("aci_achievement", "Atteinte de la part variable ACI (%)", "%"),
    ("other_income_eur", "Autres produits : FIR, collectivités, cotisations (€)", "€"),
    ("variable_received_share", "Part variable reçue dans l'année (%)", "%"),
    ("alloc_report_a_nouveau", "Excédent en report à nouveau (%)", "%"),
    ("alloc_reserves", "Excédent en réserves (%)", "%"),
    ("alloc_fonds_dedies", "Excédent en fonds dédiés (%)", "%"),
)
"""Key, French label and unit of each row of yearly fields (the ETP row is the total
headcount of the year, not the ETP added)."""

LABEL_COLUMN = "21em"
YEAR_COLUMN = "7.5em"
FIELD_WIDTH = "7em"
"""Widths of the grid of yearly fields: the row labels (they wrap, never cut) and one
column per year, so that five years fit a notebook about 1 050 px wide."""

_MONEY_DECIMALS = 0


class PlanForm(widgets.VBox):
    """Plan pluriannuel de financement: the trainee types the hypotheses of each year and
    reads the consequences computed by :func:`~cpts_training.finance.plan.plan_trajectory`
    and :func:`~cpts_training.finance.plan.plan_signals`.

    Shown: the yearly hypotheses (:data:`YEARLY_FIELDS`, one
    :class:`~cpts_training.widgets.fields.FrenchNumberText` per year), the cost of one ETP
    and the yearly salary growth, up to :data:`MAX_INVESTMENTS` investments; then the
    trajectory table (résultat, CAF, FRNG, BFR, trésorerie, réserves en mois…), a chart of
    résultat, FRNG and trésorerie, the factual signals (reserves threshold
    ``finance/seuil_reserves_mois``, indicative) and an XLSX export. An unreadable number or
    an invalid hypothesis is shown in French and nothing is recomputed. Nothing in the
    form recommends a strategy.

    Public attributes: ``year_fields`` (key → year → field), ``cost_per_etp``,
    ``salary_growth``, ``investment_years``, ``investment_labels``,
    ``investment_amounts``, ``investment_durations`` (lists of fields), ``table``,
    ``chart``, ``signals``, ``export_name``, ``export_overwrite``, ``export_button``,
    ``export_status``. Properties :attr:`hypotheses` and :attr:`trajectory`.
    """

    def __init__(self, base: PlanHypotheses, notice: str | None = None) -> None:
        self.base = base
        self.notice = notice
        self.years = base.plan_years
        self._trajectory: Any = None
        self._last_table = ""
        layout = widgets.Layout(width=FIELD_WIDTH)
        self.year_fields: dict[str, dict[int, FrenchNumberText]] = {}
        cells: list[widgets.Widget] = [widgets.HTML("<b>Hypothèse</b>")]
        cells += [widgets.HTML(f"<b>{y}</b>") for y in self.years]
        for key, label, unit in YEARLY_FIELDS:
            if key == "etp":
                now = format_decimal_fr(float(base.values["etp"][self.years[0]]))
                label = f"{label} ({now} aujourd'hui)"
            cells.append(
                widgets.HTML(
                    '<span style="display:inline-block;line-height:1.3">'
                    f"{escape(label, quote=False)}</span>",
                    layout=widgets.Layout(width="auto"),
                )
            )
            self.year_fields[key] = {}
            for year in self.years:
                field = FrenchNumberText(number=self._initial(key, year), unit=unit, layout=layout)
                field.observe(self._on_change, names="value")
                self.year_fields[key][year] = field
                cells.append(field)
        self.grid = widgets.GridBox(
            cells,
            layout=widgets.Layout(
                grid_template_columns=(f"{LABEL_COLUMN} repeat({len(self.years)}, {YEAR_COLUMN})"),
                grid_gap="2px 4px",
            ),
        )
        style = {"description_width": "initial"}
        self.cost_per_etp = FrenchNumberText(
            number=base.cost_per_etp_eur,
            unit="€",
            description=f"Coût employeur annuel d'un ETP en {self.years[0]} (€)",
            style=style,
            layout=widgets.Layout(width="36em"),
        )
        self.salary_growth = FrenchNumberText(
            number=round(base.salary_growth_rate * 100, 6),
            unit="%",
            description="Hausse annuelle des salaires (%)",
            style=style,
            layout=widgets.Layout(width="28em"),
        )
        for field in (self.cost_per_etp, self.salary_growth):
            field.observe(self._on_change, names="value")
        self.investment_years: list[FrenchNumberText] = []
        self.investment_labels: list[widgets.Text] = []
        self.investment_amounts: list[FrenchNumberText] = []
        self.investment_durations: list[FrenchNumberText] = []
        rows: list[widgets.Widget] = []
        for i in range(MAX_INVESTMENTS):
            item = base.investments[i] if i < len(base.investments) else None
            year = FrenchNumberText(
                unit="", placeholder="ex. 2027", description="Année", style=style,
                layout=widgets.Layout(width="11em"),
            )  # fmt: skip
            if item:
                # A year is written without a thousands space: « 2027 », not « 2 027 ».
                year.value = str(int(item.year))
            label = widgets.Text(
                value=item.label if item else "", description="Libellé", style=style,
                placeholder="ex. ordinateurs", layout=widgets.Layout(width="26em"),
            )  # fmt: skip
            amount = FrenchNumberText(
                number=item.amount_eur if item else None, unit="€", description="Montant (€)",
                style=style, layout=widgets.Layout(width="17em"),
            )  # fmt: skip
            duration = FrenchNumberText(
                number=item.depreciation_years if item else None, unit="", placeholder="ex. 3",
                description="Durée (ans)", style=style, layout=widgets.Layout(width="14em"),
            )  # fmt: skip
            for each in (year, label, amount, duration):
                each.observe(self._on_change, names="value")
            self.investment_years.append(year)
            self.investment_labels.append(label)
            self.investment_amounts.append(amount)
            self.investment_durations.append(duration)
            rows.append(
                widgets.HBox(
                    [year, label, amount, duration],
                    layout=widgets.Layout(flex_flow="row wrap", grid_gap="0 0.5em"),
                )
            )
        self.table = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.chart = widgets.Image(
            format="png", layout=widgets.Layout(width="100%", max_width="820px")
        )
        self.signals = widgets.HTML()
        self.export_name, self.export_overwrite, self.export_button, self.export_status = (
            export_controls("plan_pluriannuel.xlsx", "Exporter le plan (XLSX)", "18em")
        )
        self.export_button.on_click(self._export)
        header = heading(f"Plan pluriannuel de financement {self.years[0]}–{self.years[-1]}")
        if notice:
            header += message_box(notice, "warning")
        opening = self.years[0] - 1
        header += message_box(
            f"Situation de départ fin {opening} : fonds propres hors fonds dédiés "
            f"{format_euros(base.opening_reserves_eur)}, FRNG "
            f"{format_euros(base.opening_frng_eur)}, trésorerie "
            f"{format_euros(base.opening_tresorerie_eur)}, part variable ACI à recevoir "
            f"{format_euros(base.opening_aci_receivable_eur)}. ACI par année : part fixe et "
            "part variable maximale du contrat (renouvelé à l'identique à son terme : "
            "hypothèse du plan).",
            "info",
        )
        help_text = (
            "<p>Modifiez les hypothèses année par année (nombres à la française : "
            "« 1,5 », « 74 800 », « 70 % »), puis appuyez sur Entrée : la trajectoire, le "
            "graphique et les constats se recalculent. Un investissement sans montant est "
            "ignoré. Les trois parts de l'excédent d'une année font 100 % ; un déficit va "
            "en report à nouveau.</p>"
        )
        super().__init__(
            [
                widgets.HTML(header),
                widgets.HTML("<strong>Vos hypothèses par année</strong>" + help_text),
                self.grid,
                self.cost_per_etp,
                self.salary_growth,
                widgets.HTML(f"<strong>Investissements (jusqu'à {MAX_INVESTMENTS})</strong>"),
                *rows,
                widgets.HTML("<strong>Trajectoire du plan</strong>"),
                self.table,
                self.chart,
                widgets.HTML("<strong>Constats</strong>"),
                self.signals,
                widgets.HTML("<strong>Exporter le plan (fichier de travail)</strong>"),
                widgets.HBox([self.export_name, self.export_overwrite, self.export_button]),
                self.export_status,
            ]
        )
        self._refresh()

    @classmethod
    def from_case_study(cls, first_year: int = 2026) -> PlanForm:
        """The form on the fictional « CPTS de la Vallée de l'Aubrenne »
        (:meth:`PlanHypotheses.case_study`)."""
        return cls(PlanHypotheses.case_study(first_year), notice=NOTICE)

    # -- state --------------------------------------------------------------------------

    def _initial(self, key: str, year: int) -> float:
        if key.startswith("alloc_"):
            return round(self.base.allocations[year][key[len("alloc_") :]] * 100, 6)
        value = self.base.values[key][year]
        unit = dict((k, u) for k, _, u in YEARLY_FIELDS)[key]
        return round(value * 100, 6) if unit == "%" else round(value, 2)

    @property
    def hypotheses(self) -> PlanHypotheses:
        """The hypotheses typed (the base's opening position and ACI amounts).

        Raises:
            InputError: French message naming the field: an unreadable number or an
                invalid hypothesis (negative amount, rate above 100 %, shares of a surplus
                that do not make 100 %…).
        """
        values: dict[str, dict[int, float]] = {}
        labels = {k: label for k, label, _ in YEARLY_FIELDS}
        for key, fields in self.year_fields.items():
            values[key] = {}
            for year, field in fields.items():
                number = _read(field, f"{labels[key]}, {year}")
                is_rate = field.unit == "%"
                values[key][year] = number / 100 if is_rate else number
        allocation = {
            year: {name: values[f"alloc_{name}"][year] for name in ALLOCATIONS}
            for year in self.years
        }
        for year, shares in allocation.items():
            total = math.fsum(shares.values())
            if abs(total - 1) > 1e-9:
                raise InputError(
                    f"Affectation de l'excédent {year} : les parts font "
                    f"{format_decimal_fr(round(total * 100, 4))} % au total, elles doivent "
                    "faire 100 % (report à nouveau + réserves + fonds dédiés)."
                )
        investments = []
        for i in range(MAX_INVESTMENTS):
            amount = self.investment_amounts[i]
            if not amount.value.strip():
                continue
            label = self.investment_labels[i].value.strip() or f"Investissement {i + 1}"
            what = f"Investissement « {label} »"
            investments.append(
                Investment(
                    year=_whole(_read(self.investment_years[i], f"{what}, année")),
                    amount_eur=_read(amount, f"{what}, montant"),
                    depreciation_years=_whole(
                        _read(self.investment_durations[i], f"{what}, durée")
                    ),
                    label=label,
                )
            )
        return dataclasses.replace(
            self.base,
            etp=values["etp"],
            indemnities_eur=values["indemnities_eur"],
            other_charges_eur=values["other_charges_eur"],
            aci_achievement=values["aci_achievement"],
            other_income_eur=values["other_income_eur"],
            variable_received_share=values["variable_received_share"],
            allocation=allocation,
            cost_per_etp_eur=_read(self.cost_per_etp, "Coût employeur annuel d'un ETP"),
            salary_growth_rate=_read(self.salary_growth, "Hausse annuelle des salaires") / 100,
            investments=tuple(investments),
        )

    @property
    def trajectory(self) -> Any:
        """The trajectory of the last readable hypotheses (``None`` after an error)."""
        return self._trajectory

    # -- display ------------------------------------------------------------------------

    def _on_change(self, *_: object) -> None:
        self._refresh()

    def _refresh(self) -> None:
        try:
            trajectory = plan_trajectory(self.hypotheses)
            signals = plan_signals(trajectory)
        except CPTSError as error:
            self._trajectory = None
            kept = (
                " Les résultats ci-dessous sont ceux des dernières hypothèses lisibles."
                if self._last_table
                else ""
            )
            self.table.value = (
                message_box(
                    f"{error} La trajectoire n'est pas recalculée tant que cette saisie n'est "
                    f"pas corrigée.{kept}",
                    "error",
                )
                + self._last_table
            )
            return
        self._trajectory = trajectory
        self._last_table = _trajectory_html(trajectory)
        self.table.value = self._last_table
        figure = plot_plan(trajectory)
        try:
            self.chart.value = figure_png(figure)
        finally:
            figure.clear()
        self.chart.layout.display = None
        self.signals.value = _signals_html(signals)

    # -- export -------------------------------------------------------------------------

    def _export(self, *_: object) -> None:
        target = Path(self.export_name.value.strip()).expanduser()
        try:
            written = export_plan_xlsx(
                target,
                self.hypotheses,
                notice=self.notice,
                overwrite=bool(self.export_overwrite.value),
            )
        except CPTSError as error:
            self.export_status.value = message_box(f"Export refusé. {error}", "error")
            return
        self.export_status.value = message_box(
            saved_text(written),
            "ok",
        )


def _trajectory_html(trajectory: Any) -> str:
    table = plan_table(trajectory)
    rows = []
    for label, values in table.iterrows():
        text = str(label)
        if "mois" in text and "(€)" not in text:
            cells = [format_number_fr(float(v), 1) if not math.isnan(v) else "n.d." for v in values]
        else:
            cells = [format_euros(float(v), _MONEY_DECIMALS) for v in values]
        rows.append([text, *cells])
    headers = ["Poste", *(str(y) for y in table.columns)]
    return scroll_box(html_table(headers, rows, numeric=list(range(1, len(headers)))))


def _signals_html(signals: Any) -> str:
    parameter = load_parameter(RESERVES_PARAMETER)
    limit = parameter.values[-1].value
    label = learner_label(parameter, parameter.values[-1].start)
    note = (
        f"Repère de réserves : {format_decimal_fr(float(limit))} mois de charges "
        f"décaissables ({label or 'valeur vérifiée'} : seuil choisi par la formation, sans "
        "source publique chiffrée). Les constats décrivent la trajectoire ; ils ne disent "
        "pas quelle stratégie retenir."
    )
    parts = [message_box(note, "info")]
    if signals.empty:
        parts.append(message_box("Aucun constat pour ces hypothèses.", "ok"))
        return "".join(parts)
    rows = [[str(int(y)), str(s), str(c)] for y, s, c in signals.itertuples(index=False)]
    parts.append(scroll_box(html_table(["Année", "Constat", "Détail"], rows)))
    return "".join(parts)


def _read(field: FrenchNumberText, what: str) -> float:
    try:
        return field.read()
    except NumberFormatError as error:
        raise InputError(f"{what} : {error}") from None


def _whole(value: float) -> Any:
    """A whole number typed as a float stays a float when it has decimals, so that the
    model refuses it with its own French message."""
    return int(value) if float(value).is_integer() else value


__all__ = ["MAX_INVESTMENTS", "YEARLY_FIELDS", "PlanForm"]
