"""The trainee builds the monthly cash plan: one payment rhythm per charge line.

Course rule (« Planifier et gérer la trésorerie »): the form shows the consequences of the
trainee's choices (the monthly table and the curve) and, once a facilité de caisse is
entered, whether it covers every month. It never states the lowest balance, its month or
the financing need: the exercise asks the trainee to find and justify them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from cpts_training.budget._common import MONTHS_FR, require_whole
from cpts_training.budget.aci import payment_schedule
from cpts_training.budget.case_study import load_case_study, load_cash_builder_inputs
from cpts_training.budget.cash_builder import (
    MONTHS_TO_CHOOSE,
    NATURES,
    PONCTUEL,
    TIMING_KINDS,
    Investment,
    PaymentTiming,
    build_cash_plan,
    cash_charge_lines,
    compare_levers,
    covered_by_facility,
    delay_variable_part,
    non_cash_note,
)
from cpts_training.budget.cash_builder import (
    timing as as_timing,
)
from cpts_training.budget.widgets._shared import _euros, _html_table, _message
from cpts_training.errors import CPTSError, InputError
from cpts_training.figures import CourseFigure, figure_png
from cpts_training.formatting import NumberFormatError, format_euros
from cpts_training.html_blocks import message_box
from cpts_training.widgets.fields import FrenchNumberText

TO_CHOOSE = "— à choisir —"
"""Label of a rhythm (or a month) not chosen yet."""

_MONTH_OPTIONS = [("— mois —", None), *((name, m) for m, name in enumerate(MONTHS_FR, start=1))]
_SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                 "oct.", "nov.", "déc.")  # fmt: skip

AciSource = pd.DataFrame | Callable[[int], pd.DataFrame]


class TimingRow(widgets.HBox):
    """One charge line: its account and label, its amount, the rhythm and its months."""

    def __init__(self, account: str, label: str, amount_eur: float) -> None:
        self.account = account
        self.line_label = label
        self.amount_eur = amount_eur
        self.kind = widgets.Dropdown(
            options=[(TO_CHOOSE, None), *((text, kind) for kind, text in TIMING_KINDS.items())],
            value=None,
            description="Rythme de paiement",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="34em"),
        )
        self.first_month = widgets.Dropdown(
            options=_MONTH_OPTIONS, value=None, layout=widgets.Layout(width="9em")
        )
        self.second_month = widgets.Dropdown(
            options=_MONTH_OPTIONS, value=None, layout=widgets.Layout(width="9em")
        )
        self.months = widgets.SelectMultiple(
            options=_MONTH_OPTIONS[1:], value=(), rows=4, layout=widgets.Layout(width="9em")
        )
        self.kind.observe(self._show_months, names="value")
        super().__init__(
            [
                widgets.HTML(f"<b>{account}</b> {_escape(label)}", layout=_width("22em")),
                widgets.HTML(_euros(amount_eur), layout=_width("8em")),
                self.kind,
                self.first_month,
                self.second_month,
                self.months,
            ]
        )
        self._show_months()

    def _show_months(self, *_: object) -> None:
        count = MONTHS_TO_CHOOSE.get(self.kind.value) if self.kind.value else 0
        self.first_month.layout.display = None if count in (1, 2) else "none"
        self.second_month.layout.display = None if count == 2 else "none"
        self.months.layout.display = None if self.kind.value == PONCTUEL else "none"

    def set_timing(self, rule: PaymentTiming | str) -> None:
        """Show ``rule`` in the controls (a ponctuel's amounts are not shown: equal split)."""
        chosen = as_timing(rule)
        self.kind.value = chosen.kind
        months = sorted(chosen.months)
        if chosen.kind == PONCTUEL:
            self.months.value = tuple(months)
        else:
            self.first_month.value = months[0] if months else None
            self.second_month.value = months[1] if len(months) > 1 else None

    def timing(self) -> PaymentTiming | None:
        """The rhythm chosen, or ``None`` while the rhythm or one of its months is missing.

        Raises:
            InputError: two identical months for « semestriel » (French).
        """
        kind = self.kind.value
        if kind is None:
            return None
        count = MONTHS_TO_CHOOSE[kind]
        if kind == PONCTUEL:
            months: tuple[int, ...] = tuple(self.months.value)
        elif count == 1:
            months = (self.first_month.value,)
        elif count == 2:
            months = (self.first_month.value, self.second_month.value)
        else:
            months = ()
        if (count != 0 and not months) or any(m is None for m in months):
            return None
        return PaymentTiming(kind, months)


class CashPlanBuilder(widgets.VBox):
    """Form where the trainee builds the monthly cash plan of a budget.

    Arguments: ``budget`` (a budget table; its paid charge lines get one row each, the
    non-cash accounts 68 are left out with a note), ``year``, ``opening_balance_eur``
    (cash on 1 January), ``aci_schedule`` (dated ACI payments of
    :func:`~cpts_training.budget.aci.payment_schedule` built with
    ``variable_delay_months``, or a function giving that schedule for a number of
    months), ``other_receipts`` (``date``, ``libelle``, ``montant_eur``), ``timings``
    (account → rhythm; rows start at « — à choisir — » without them), ``investments``,
    ``variable_delay_months`` (months between the anniversary and the variable part's
    payment, shown in its field), ``notice`` (shown above the form).

    Controls: ``rows`` (one :class:`TimingRow` per line), ``opening``, ``delay`` and
    ``facility`` (French number fields). Displays: ``note`` (non-cash lines left out),
    ``message`` (lines still without a
    rhythm, or an input error), ``coverage`` (« couvert » / « pas couvert en … » once a
    facility is entered), ``table`` (monthly receipts, spending by nature and closing
    balance) and ``chart`` (PNG of the closing balances). Nothing states the lowest
    balance, its month or the financing need.
    """

    def __init__(
        self,
        budget: pd.DataFrame,
        year: int,
        opening_balance_eur: float,
        aci_schedule: AciSource | None,
        other_receipts: pd.DataFrame | None = None,
        timings: Mapping[str, PaymentTiming | str] | None = None,
        *,
        investments: Iterable[Investment | Mapping[str, Any]] = (),
        variable_delay_months: int = 6,
        notice: str | None = None,
    ) -> None:
        self.budget = budget
        self.calendar_year = year
        self.aci_schedule = aci_schedule
        self.other_receipts = other_receipts
        self.investments = tuple(investments)
        self.base_delay = variable_delay_months
        self._plan: pd.DataFrame | None = None

        lines = cash_charge_lines(budget)
        self.rows = [
            TimingRow(str(r["compte"]), str(r["libelle"]), float(r["montant_eur"]))
            for r in lines.to_dict("records")
        ]
        for row in self.rows:
            if timings and timings.get(row.account) is not None:
                row.set_timing(timings[row.account])
        style = {"description_width": "initial"}
        self.opening = FrenchNumberText(
            float(opening_balance_eur),
            description="Trésorerie au 1er janvier (€)",
            style=style,
            layout=_width("24em"),
        )
        self.delay = FrenchNumberText(
            float(variable_delay_months),
            unit="",
            description="Retard de la part variable (mois)",
            style=style,
            layout=_width("24em"),
        )
        self.facility = FrenchNumberText(
            None,
            description="Facilité de caisse accordée (€)",
            style=style,
            layout=_width("24em"),
        )
        self.message = widgets.HTML()
        self.coverage = widgets.HTML()
        self.table = widgets.HTML()
        self.chart = widgets.Image(
            format="png", layout=widgets.Layout(width="100%", max_width="860px")
        )
        controls: list[Any] = [self.opening, self.delay, self.facility]
        for row in self.rows:
            controls += [row.kind, row.first_month, row.second_month, row.months]
        for control in controls:
            control.observe(self._refresh, names="value")

        heading = f"<h4>Construire le plan de trésorerie {year}</h4>"
        if notice:
            heading += message_box(notice, "warning")
        note = non_cash_note(budget)
        self.note = widgets.HTML(_message(note, "info") if note else "")
        super().__init__(
            [
                widgets.HTML(heading),
                widgets.HBox([self.opening, self.delay, self.facility]),
                widgets.HTML(
                    "<b>Charges du budget</b> : choisissez pour chaque ligne quand elle est "
                    "payée (un paiement ponctuel est partagé à parts égales entre les mois "
                    "choisis)."
                ),
                *self.rows,
                self.note,
                self.message,
                self.coverage,
                self.chart,
                self.table,
            ]
        )
        self._refresh()

    @classmethod
    def from_case_study_2026(
        cls, budget: pd.DataFrame, timings: Mapping[str, PaymentTiming | str] | None = None
    ) -> CashPlanBuilder:
        """The form on ``budget`` (the trainee's 2026 budget) with the case's inputs
        (``tresorerie_2026.yaml``: opening cash, other receipts, variable part's delay)
        and the ACI payments of the case's contract at the planned achievement rates."""
        case = load_case_study()
        inputs = load_cash_builder_inputs()

        def schedule(months: int) -> pd.DataFrame:
            return payment_schedule(
                case.contract, case.planned_achievement, variable_delay_months=months
            )

        form = cls(
            budget,
            inputs.year,
            inputs.opening_balance_eur,
            schedule,
            inputs.other_receipts,
            timings,
            investments=inputs.investments,
            variable_delay_months=inputs.variable_delay_months,
            notice=inputs.warning,
        )
        form.facility_rate = inputs.facility_rate
        form.reserves_eur = inputs.reserves_eur
        return form

    facility_rate: float | None = None
    """Annual rate of a facilité de caisse for :meth:`levers` (a fraction), when known."""
    reserves_eur: float = 0.0
    """Reserves available for :meth:`levers` (euros)."""

    def levers(self) -> Any:
        """The levers compared on the current plan
        (:func:`~cpts_training.budget.cash_builder.compare_levers`, French table), or a
        French message while the plan is not built yet (a line without its timing) or the
        facility rate is unknown. Never raises on the trainee's state."""
        from cpts_training.display import french_table

        if self.plan is None:
            return _Note(
                "Le plan n'est pas encore construit : choisissez dans le formulaire le rythme "
                "de paiement de chaque ligne, puis exécutez à nouveau cette cellule.",
            )
        if self.facility_rate is None:
            return _Note(
                "Taux de la facilité de caisse inconnu : utilisez compare_levers(plan, "
                "facility_rate=…) avec le taux proposé par votre banque."
            )
        return french_table(
            compare_levers(
                self.plan, facility_rate=self.facility_rate, reserves_eur=self.reserves_eur
            )
        )

    @property
    def timings(self) -> dict[str, PaymentTiming]:
        """The rhythms chosen so far, by account (lines still to choose are absent)."""
        out = {}
        for row in self.rows:
            try:
                chosen = row.timing()
            except InputError:
                chosen = None
            if chosen is not None:
                out[row.account] = chosen
        return out

    @property
    def plan(self) -> pd.DataFrame | None:
        """The plan of :func:`~cpts_training.budget.cash_builder.build_cash_plan`, or
        ``None`` while a line has no rhythm or a field is wrong."""
        return self._plan

    @property
    def facility_eur(self) -> float | None:
        """The facility typed (euros), ``None`` while the field is empty or unreadable."""
        if not self.facility.value.strip():
            return None
        return self.facility.number

    def _aci(self, months: int) -> pd.DataFrame | None:
        if self.aci_schedule is None:
            return None
        if callable(self.aci_schedule):
            return self.aci_schedule(months)
        if months == self.base_delay:
            return self.aci_schedule
        return delay_variable_part(self.aci_schedule, months - self.base_delay)

    def _missing_lines(self) -> list[str]:
        missing = []
        for row in self.rows:
            if row.timing() is None:
                what = "rythme" if row.kind.value is None else "mois"
                missing.append(f"{row.account} « {row.line_label} » ({what} à choisir)")
        return missing

    def _clear(self, text: str, tone: str) -> None:
        self._plan = None
        self.message.value = _message(text, tone)
        self.coverage.value = ""
        self.table.value = ""
        self.chart.value = b""
        self.chart.layout.display = "none"

    def _refresh(self, *_: object) -> None:
        try:
            opening = _read(self.opening, "Trésorerie au 1er janvier")
            delay = require_whole(
                _read(self.delay, "Retard de la part variable"),
                "Le retard de la part variable (en mois)",
                minimum=0,
                maximum=36,
            )
            missing = self._missing_lines()
            if missing:
                self._clear(
                    "Choisissez un rythme de paiement (et ses mois) pour chaque ligne : le plan "
                    f"s'affichera ensuite. Lignes à compléter : {' ; '.join(missing)}.",
                    "warning",
                )
                return
            facility = None
            if self.facility.value.strip():
                facility = _read(self.facility, "Facilité de caisse accordée")
            plan = build_cash_plan(
                self.calendar_year,
                opening,
                self.budget,
                self.timings,
                self._aci(delay),
                self.other_receipts,
                self.investments,
            )
            uncovered = covered_by_facility(plan, facility) if facility is not None else None
        except CPTSError as error:
            self._clear(str(error), "error")
            return
        self._plan = plan
        self.message.value = ""
        if uncovered is None:
            self.coverage.value = ""
        elif not uncovered:
            self.coverage.value = _message(
                "Facilité de caisse : couvert (chaque solde de fin de mois reste au-dessus du "
                "découvert autorisé).",
                "ok",
            )
        else:
            months = ", ".join(MONTHS_FR[m - 1] for m in uncovered)
            self.coverage.value = _message(
                f"Facilité de caisse : pas couvert en {months}.", "error"
            )
        self._show(plan, facility)

    def _show(self, plan: pd.DataFrame, facility: float | None) -> None:
        natures = [k for k in NATURES if k != "investissements" or self.investments]
        headers = [
            "Mois",
            "Encaissements ACI (€)",
            "Autres encaissements (€)",
            *(f"{NATURES[k]} (€)" for k in natures),
            "Total des décaissements (€)",
            "Solde en fin de mois (€)",
        ]
        rows = [
            [
                str(r["libelle_mois"]),
                _euros(r["encaissements_aci_eur"]),
                _euros(r["autres_encaissements_eur"]),
                *(_euros(r[f"decaissements_{k}_eur"]) for k in natures),
                _euros(r["decaissements_eur"]),
                _euros(r["solde_cloture_eur"]),
            ]
            for r in plan.to_dict("records")
        ]
        colours = ["#c62828" if c < 0 else None for c in plan["solde_cloture_eur"]]
        self.table.value = _html_table(
            headers, rows, numeric=list(range(1, len(headers))), row_colours=colours
        )
        figure = _curve(plan, facility)
        try:
            self.chart.value = figure_png(figure)
        finally:
            figure.clear()
        self.chart.layout.display = None


def _curve(plan: pd.DataFrame, facility: float | None) -> Figure:
    """Closing balance of each month, the zero line and the facility's floor (no minimum
    marked: finding it is the trainee's exercise)."""
    fig = CourseFigure(figsize=(10, 4.5), layout="constrained")
    ax = fig.subplots()
    ax.plot(range(12), list(plan["solde_cloture_eur"]), marker="o", color="#4f81bd",
            label="Solde de fin de mois")  # fmt: skip
    ax.axhline(0, color="#c0504d", linewidth=1, linestyle="--", label="Zéro")
    if facility:
        ax.axhline(-facility, color="#7f7f7f", linewidth=1, linestyle=":",
                   label="Découvert autorisé (facilité de caisse)")  # fmt: skip
    year = str(plan["libelle_mois"].iloc[0]).split()[-1]
    ax.set_xticks(range(12), _SHORT_MONTHS)
    ax.set_xlabel(f"Mois ({year})")
    ax.set_ylabel("Trésorerie en fin de mois (€)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: format_euros(value)))
    ax.legend(loc="best", fontsize=8)
    ax.set_title(f"Plan de trésorerie {year} : solde de fin de mois")
    return fig


def _read(field: FrenchNumberText, what: str) -> float:
    try:
        return field.read()
    except NumberFormatError as error:
        raise InputError(f"{what} : {error}") from None


def _width(width: str) -> widgets.Layout:
    return widgets.Layout(width=width)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Note:
    """A French information box shown in a notebook (never an error)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_html_(self) -> str:
        return message_box(self.text, "info")

    def __repr__(self) -> str:
        return self.text
